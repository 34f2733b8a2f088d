#include "render/amount.h"

#include <stdio.h>
#include <string.h>

static int
danish(const char *locale)
{
    return locale && strncmp(locale, "da", 2) == 0;
}

static int
digit(char c)
{
    return c >= '0' && c <= '9';
}

int
ec_amount_parse(const char *s, const char *locale, long long *out)
{
    char dec = danish(locale) ? ',' : '.', group = danish(locale) ? '.' : ',';
    long long whole = 0, frac = 0;
    int ndigits = 0, nfrac = -1;

    while (*s == ' ')
        s++;
    for (; *s && *s != ' '; s++) {
        if (digit(*s)) {
            if (nfrac >= 0) {
                if (++nfrac > 2)
                    return -1;
                frac = frac * 10 + (*s - '0');
            } else if ((whole = whole * 10 + (*s - '0')) > EC_AMOUNT_MAX) {
                return -1;
            }
            ndigits++;
        } else if (*s == dec && nfrac < 0 && ndigits > 0) {
            nfrac = 0;
        } else if (*s == group && nfrac < 0 && ndigits > 0 && digit(s[1]) &&
                   digit(s[2]) && digit(s[3]) && !digit(s[4])) {
            continue; /* "1.299": a group of three, never "199.00" */
        } else {
            return -1;
        }
    }
    while (*s == ' ')
        s++;
    if (*s || ndigits == 0 || nfrac == 0)
        return -1;
    for (; nfrac < 2; nfrac++)
        frac *= 10;
    if (whole * 100 + frac > EC_AMOUNT_MAX)
        return -1;
    *out = whole * 100 + frac;
    return 0;
}

const char *
ec_amount_format(long long n, const char *locale, char *buf, size_t size)
{
    snprintf(buf, size, "%lld%c%02lld", n / 100, danish(locale) ? ',' : '.',
             n % 100);
    return buf;
}
