#include "render/format.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "core/buf.h"

/* 1299 -> "1.299" with sep "." */
static void
add_grouped(struct ec_buf *out, unsigned long long n, char sep)
{
    char digits[32];
    int len = 0, i;

    do {
        digits[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (i = len - 1; i >= 0; i--) {
        ec_buf_addch(out, digits[i]);
        if (i > 0 && i % 3 == 0)
            ec_buf_addch(out, sep);
    }
}

void
ec_format_money(struct ec_buf *out, long long minor, const char *currency,
                const char *locale)
{
    int danish = locale && strncmp(locale, "da", 2) == 0;
    unsigned long long abs = minor < 0 ? 0ULL - (unsigned long long)minor
                                       : (unsigned long long)minor;

    if (minor < 0)
        ec_buf_addch(out, '-');
    if (!danish)
        ec_buf_addf(out, "%s ", currency);
    add_grouped(out, abs / 100, danish ? '.' : ',');
    ec_buf_addf(out, "%c%02llu", danish ? ',' : '.', abs % 100);
    if (danish)
        ec_buf_adds(out, strcmp(currency, "DKK") == 0 ? " kr." : " ");
    if (danish && strcmp(currency, "DKK") != 0)
        ec_buf_adds(out, currency);
}

static int
is_danish(const char *locale)
{
    return locale && strncmp(locale, "da", 2) == 0;
}

/* n * 10 + d into *n, or -1 when it would not fit. */
static int
add_digit(long long *n, char d)
{
    if (*n > (LLONG_MAX - (d - '0')) / 10)
        return -1;
    *n = *n * 10 + (d - '0');
    return 0;
}

int
ec_parse_money(const char *s, const char *locale, long long *minor)
{
    char dec = is_danish(locale) ? ',' : '.';
    char group = is_danish(locale) ? '.' : ',';
    long long n = 0;
    int neg = 0, digits = 0, run = 0, grouped = 0, decimals = 0;

    while (*s == ' ')
        s++;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; isdigit((unsigned char)*s) || *s == group; s++) {
        if (*s == group) {
            /* a separator follows 1 to 3 digits, or a full group */
            if (run == 0 || run > 3 || (grouped && run != 3))
                return -1;
            grouped = 1;
            run = 0;
            continue;
        }
        if (add_digit(&n, *s) < 0)
            return -1;
        digits++;
        run++;
    }
    if (digits == 0 || (grouped && run != 3))
        return -1;
    if (*s == dec)
        for (s++; isdigit((unsigned char)*s); s++)
            if (++decimals > 2 || add_digit(&n, *s) < 0)
                return -1;
    for (; decimals < 2; decimals++)
        if (add_digit(&n, '0') < 0)
            return -1;
    while (*s == ' ')
        s++;
    if (*s)
        return -1;
    *minor = neg ? -n : n;
    return 0;
}

void
ec_format_amount(struct ec_buf *out, long long minor, const char *locale)
{
    unsigned long long abs = minor < 0 ? 0ULL - (unsigned long long)minor
                                       : (unsigned long long)minor;

    ec_buf_addf(out, "%s%llu%c%02llu", minor < 0 ? "-" : "", abs / 100,
                is_danish(locale) ? ',' : '.', abs % 100);
}
