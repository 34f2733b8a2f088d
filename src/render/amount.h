/*
 * Amounts in a form, as the shop's locale writes them: money in kroner
 * with decimals ("199,00" in Danish, "199.00" otherwise) and percentages
 * ("12,5"), both held in hundredths (øre; basis points), which is what
 * the catalog stores. The inverse of what a form shows, so that saving a
 * form unchanged changes nothing.
 */
#ifndef EC_RENDER_AMOUNT_H
#define EC_RENDER_AMOUNT_H

#include <stddef.h>

/* The largest amount taken: 100 million, in hundredths. */
#define EC_AMOUNT_MAX 10000000000LL

/*
 * Read s, a non-negative number as locale writes it, into hundredths in
 * *out. Danish locales ("da", "da-DK") use ',' for decimals and may group
 * thousands with '.'; others use '.' for decimals and may group with ','.
 * Spaces around it are ignored, as is a group separator between digits;
 * at most two decimals. 0, or -1 for anything else (empty, a sign, a
 * third decimal, letters, above EC_AMOUNT_MAX).
 */
int ec_amount_parse(const char *s, const char *locale, long long *out);

/* n hundredths as a form shows it, "1299,00" (no grouping), into buf of
   size bytes (32 always suffice). Returns buf. */
const char *ec_amount_format(long long n, const char *locale, char *buf,
                             size_t size);

#endif
