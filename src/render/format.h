/*
 * Formatting values for people, in the tenant's locale: money now, dates
 * later. Models carry both the raw value (for scripts) and the formatted
 * text (for templates), so templates never compute.
 */
#ifndef EC_RENDER_FORMAT_H
#define EC_RENDER_FORMAT_H

struct ec_buf;

/*
 * Append minor units of currency as locale writes them: da-DK and DKK
 * give "1.299,00 kr.", other locales "DKK 1,299.00". Negative amounts get
 * a leading minus sign.
 */
void ec_format_money(struct ec_buf *out, long long minor, const char *currency,
                     const char *locale);

/*
 * An amount as a person types it in locale, into minor units (*minor):
 * digits with at most two decimals after the locale's decimal sign
 * ("199,5" and "1.299,00" in da, "199.50" and "1,299.00" in others); the
 * thousands separator only between groups of three digits, so "199.00"
 * in da is refused rather than read as 19 900 kroner; spaces around it
 * and a leading minus are kept (whether a negative amount may be is the
 * catalog's rule, not the parser's). 0, or -1 for anything else: empty,
 * letters, a currency, three decimals, beyond what a long long holds.
 */
int ec_parse_money(const char *s, const char *locale, long long *minor);

/* Append minor units as a person types them back into a form in locale:
   "1299,50" (da), "1299.50" (others), no grouping, no currency. */
void ec_format_amount(struct ec_buf *out, long long minor, const char *locale);

#endif
