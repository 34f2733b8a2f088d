#include "http/redirect.h"

#include <string.h>

const char *
ec_redirect_path(const char *next, const char *dflt)
{
    size_t n;

    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return dflt;
    n = strlen(next);
    if (n > EC_REDIRECT_PATH_MAX || strchr(next, '\\'))
        return dflt;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)next[i] < 0x20 || next[i] == 0x7f)
            return dflt;
    return next;
}
