#include "core/rand.h"

#include <errno.h>
#include <sys/random.h>

#include "core/xalloc.h"

void
ec_rand_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    ssize_t got;

    while (n > 0) {
        got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            ec_die("getrandom failed");
        }
        p += got;
        n -= (size_t)got;
    }
}

void
ec_rand_hex(char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char bytes[64];
    size_t i, chunk;

    while (n > 0) {
        chunk = n < sizeof(bytes) ? n : sizeof(bytes);
        ec_rand_bytes(bytes, chunk);
        for (i = 0; i < chunk; i++) {
            *out++ = hex[bytes[i] >> 4];
            *out++ = hex[bytes[i] & 15];
        }
        n -= chunk;
    }
    *out = '\0';
}

int
ec_hex_valid(const char *s, size_t n)
{
    size_t i;

    if (!s)
        return 0;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == n;
}
