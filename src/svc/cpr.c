#include "svc/cpr.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

static int
digit(const char *s, int i)
{
    return s[i] - '0';
}

static int
two(const char *s, int i)
{
    return digit(s, i) * 10 + digit(s, i + 1);
}

/* The ten digits of s (trimmed, one optional hyphen or space after the
   sixth) into out; 0 or -1. */
static int
collect(const char *s, char out[11])
{
    size_t len, n = 0, i;

    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    for (i = 0; i < len; i++) {
        if (i == 6 && len == 11 && (s[i] == '-' || s[i] == ' '))
            continue;
        if (!isdigit((unsigned char)s[i]) || n == 10)
            return -1;
        out[n++] = s[i];
    }
    out[n] = '\0';
    return n == 10 ? 0 : -1;
}

/*
 * The year of birth from the two-digit year and the serial's first digit,
 * after the CPR office's table (cpr.dk, "personnummerets opbygning"):
 *
 *     7th digit   yy 00-36    yy 37-57    yy 58-99
 *     0-3         19yy        19yy        19yy
 *     4, 9        20yy        19yy        19yy
 *     5-8         20yy        20yy        18yy
 */
static int
century_year(int yy, int seventh)
{
    if (seventh <= 3)
        return 1900 + yy;
    if (seventh == 4 || seventh == 9)
        return (yy <= 36 ? 2000 : 1900) + yy;
    return (yy <= 57 ? 2000 : 1800) + yy;
}

static int
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

int
ec_cpr_parse(const char *s, struct ec_cpr *out)
{
    struct ec_cpr c;

    if (!s || collect(s, c.digits) < 0)
        return EC_ERR_INVALID_FIELD;
    c.day = two(c.digits, 0);
    c.month = two(c.digits, 2);
    c.year = century_year(two(c.digits, 4), digit(c.digits, 6));
    if (c.month < 1 || c.month > 12 || c.day < 1 ||
        c.day > days_in_month(c.year, c.month))
        return EC_ERR_INVALID_FIELD;
    *out = c;
    return 0;
}

int
ec_cpr_age(const struct ec_cpr *c, int y, int m, int d)
{
    int age = y - c->year;
    int bm = c->month, bd = c->day;

    /* a leap-day birthday falls on 1 March in other years */
    if (bm == 2 && bd == 29 && !leap(y)) {
        bm = 3;
        bd = 1;
    }
    if (m < bm || (m == bm && d < bd))
        age--;
    return age;
}

int
ec_cpr_is_adult(const struct ec_cpr *c, int y, int m, int d)
{
    return ec_cpr_age(c, y, m, d) >= EC_CPR_ADULT_AGE;
}

void
ec_cpr_mask(const struct ec_cpr *c, char out[EC_CPR_MASKED_SIZE])
{
    snprintf(out, EC_CPR_MASKED_SIZE, "%.6s-xxxx", c->digits);
}
