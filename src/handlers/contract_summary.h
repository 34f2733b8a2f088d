/*
 * The EU contract summary as the customer reads it: the facts of
 * svc/contract_summary.h rendered through the theme's contract_summary
 * template (a tenant may override it, and any of its messages) in the
 * language of a message catalog, as one HTML fragment for all the
 * order's subscriptions. The checkout page shows exactly these bytes and
 * the order stores them (orders.contract_summary), so what was accepted
 * is what is kept (docs/orders.md, "Contract summary").
 *
 * Every value is HTML-escaped by the template engine; the result is safe
 * to place in a page unescaped ({{{contract_summary_html}}}).
 */
#ifndef EC_HANDLERS_CONTRACT_SUMMARY_H
#define EC_HANDLERS_CONTRACT_SUMMARY_H

#include <stdint.h>

struct ec_basket_view;
struct ec_buf;
struct ec_contract_summary;
struct ec_msgcat;
struct ec_request;
struct ec_themes;
struct json_object;

/* The template's name in every theme. */
#define EC_CONTRACT_SUMMARY_TEMPLATE "contract_summary"

/*
 * The template's model of summary s with the messages of texts (as "t",
 * its locale as "lang"): money written in s's currency and locale, the
 * date in s's zone. A new reference, the caller's.
 */
struct json_object *
ec_contract_summary_model(const struct ec_contract_summary *s,
                          const struct ec_msgcat *texts);

/*
 * Render summary s for tenant slug (its override of the template, else
 * the default theme's) in the language of texts, appending the HTML to
 * out. Returns 0; EC_ERR_TOO_LARGE when it would exceed
 * EC_ORDER_SUMMARY_MAX bytes (out is then as it was); EC_ERR_NOT_FOUND
 * when no theme has the template; EC_ERR_INTERNAL when it does not
 * compile or render (logged; out is then as it was).
 */
int ec_contract_summary_render(struct ec_themes *th, const char *slug,
                               const struct ec_msgcat *texts,
                               const struct ec_contract_summary *s,
                               struct ec_buf *out);

/*
 * The one call of a checkout: the summary of basket view v (priced at
 * instant at) for the request's tenant, in its language, appended to
 * out. Returns as ec_contract_summary_render(), or EC_ERR_INVALID_FIELD
 * when a line of v has no price (svc/contract_summary.h).
 */
int ec_contract_summary_for_request(struct ec_request *req,
                                    const struct ec_basket_view *v, int64_t at,
                                    struct ec_buf *out);

#endif
