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

#endif
