#include "render/format.h"

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
