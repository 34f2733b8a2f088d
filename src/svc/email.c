#include "svc/email.h"

#include <string.h>

#include "core/err.h"

#define LOCAL_MAX 64
#define LABEL_MAX 63

/* RFC 5322 atext: what a local part may hold besides dots. */
static int
is_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static int
local_valid(const char *s, size_t n)
{
    if (n < 1 || n > LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' ? s[i + 1] == '.' : !is_atext(s[i]))
            return 0;
    }
    return 1;
}

static int
label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static int
domain_valid(const char *s, size_t n)
{
    size_t start = 0, labels = 0;

    if (n < 3 || n > 253)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            if (!label_char(s[i]))
                return 0;
            continue;
        }
        if (i == start || i - start > LABEL_MAX || s[start] == '-' ||
            s[i - 1] == '-')
            return 0;
        labels++;
        start = i + 1;
    }
    return labels >= 2;
}

int
ec_email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    size_t n = strlen(s);

    if (!at || strchr(at + 1, '@') || n < 3 || n > EC_EMAIL_MAX)
        return 0;
    return local_valid(s, (size_t)(at - s)) &&
           domain_valid(at + 1, n - (size_t)(at - s) - 1);
}

static int
blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
ec_email_normalize(const char *in, size_t len, char out[EC_EMAIL_MAX + 1])
{
    while (len && blank(*in)) {
        in++;
        len--;
    }
    while (len && blank(in[len - 1]))
        len--;
    if (len > EC_EMAIL_MAX)
        return EC_ERR_INVALID_FIELD;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];

        /* a NUL, a blank or a byte of UTF-8 inside fails ec_email_valid */
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        if (c == '\0')
            return EC_ERR_INVALID_FIELD;
    }
    out[len] = '\0';
    return ec_email_valid(out) ? 0 : EC_ERR_INVALID_FIELD;
}
