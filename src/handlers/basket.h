/*
 * What the basket's JSON API (basket.c) and its pages (basket_pages.c)
 * share: the one way to read the customer's basket, change it and show
 * it. Each change answers an ec_err and, on failure, records the field
 * and message on the response (ec_fail), so the API answers them as JSON
 * and a page shows them next to the form.
 */
#ifndef EC_HANDLERS_BASKET_H
#define EC_HANDLERS_BASKET_H

#include "svc/basket.h"

struct ec_request;
struct ec_response;
struct json_object;

/* The version a change names (If-Match or "version"); want 0..; given 0
   when the client named none. */
struct ec_basket_want {
    int given;
    long long version;
};

/*
 * Read the version the client says it changes: the If-Match header (a
 * bare or quoted integer) first, else "version" in the JSON body or form.
 * 0, or EC_ERR_INVALID_FIELD (recorded on res).
 */
int ec_basket_wanted(struct ec_request *req, struct ec_response *res,
                     struct ec_basket_want *w);

/* The basket of the request's session (read with the session, one round
   trip; none for a session this answer issues), or an empty one: version
   0, id "" when the session names none, the id it names when that basket
   expired. Stores nothing. 0 or an ec_err. */
int ec_basket_current(struct ec_request *req, struct ec_basket *b);

/* The limits of a basket change for this request's client (the
   settings, the client's address unless it is exempt). */
void ec_basket_policy_of(const struct ec_request *req,
                         struct ec_basket_policy *p);

/*
 * What the basket says of its customer's identity, into model:
 * "identity" {verified, name, cpr_masked (DDMMYY-xxxx), broker,
 * verified_at}, "needs_identity" (the tenant requires MitID before a
 * subscription is ordered, the basket has lines and none is verified),
 * "identity_required" and "identity_available" (the tenant has a MitID
 * broker). Never the number itself. (handlers/mitid.c)
 */
void ec_basket_identity_model(struct ec_request *req, const struct ec_basket *b,
                              struct json_object *model);

/*
 * The changes. line is a line as ec_basket_line_check() takes it; a patch
 * holds only the fields it changes (sku, binding_months,
 * binding_accepted, sim_type, addons, msisdn, porting; null removes
 * msisdn or porting). On success *b is the saved basket and, for add and
 * update, *l the line as stored; add starts the session's basket (and
 * its record) when it has none.
 */
int ec_basket_do_add(struct ec_request *req, struct ec_response *res,
                     struct json_object *line, const struct ec_basket_want *w,
                     struct ec_basket *b, struct ec_basket_line *l);
int ec_basket_do_update(struct ec_request *req, struct ec_response *res,
                        const char *line_id, struct json_object *patch,
                        const struct ec_basket_want *w, struct ec_basket *b,
                        struct ec_basket_line *l);
int ec_basket_do_remove(struct ec_request *req, struct ec_response *res,
                        const char *line_id, const struct ec_basket_want *w,
                        struct ec_basket *b);
int ec_basket_do_keep(struct ec_request *req, struct ec_response *res,
                      const struct ec_basket_want *w, struct ec_basket *b);

/*
 * Basket b as the customer sees it now, into *out (a new reference):
 * {"version","lines":[{stored fields, "price", "lock"}],"totals",
 * "notices"}, every line priced by the engine in its own channel, its lock
 * as Redis holds it now (one MGET). *typed (typed may be NULL) gets the
 * basket service's view it was rendered from (svc/basket.h: totals,
 * minimum terms, the acceptance each line awaits), in the request's
 * arena. 0, or EC_ERR_UNAVAILABLE.
 */
int ec_basket_view(struct ec_request *req, const struct ec_basket *b,
                   const struct ec_basket_view **typed,
                   struct json_object **out);

#endif
