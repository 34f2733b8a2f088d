/*
 * Request handlers: the glue between HTTP and the services. A handler
 * reads the request, calls services, and answers with a model (json-c)
 * and a template name; it never talks SQL or Redis itself. Each is named
 * in the route table (src/app/routes.c).
 */
#ifndef EC_HANDLERS_H
#define EC_HANDLERS_H

#include <stddef.h>

struct ec_request;
struct ec_response;
struct json_object;

/* model.c: what every handler puts into a model the same way */
/* A JSON string of s, or null for NULL. */
struct json_object *ec_json_str(const char *s);
/* o's member key as a string, or def when it is missing or not one */
const char *ec_json_member(struct json_object *o, const char *key,
                           const char *def);
/* json_object_put() as an arena cleanup (core/arena.h) */
void ec_json_put(void *o);

/*
 * A whole number a form posted, as JSON: an integer when s is one
 * ("-"? digits) that fits a long long, else the text itself, which the
 * JSON rules then refuse as not a number (422). Never a wrapped or
 * clamped value: "4294967302" is 4294967302, not 6.
 */
struct json_object *ec_json_form_int(const char *s);
/* The texts static/default/basket.js shows, into model as messages_json,
   for a page whose forms it enhances (the product and basket pages):
   only those pages carry them, so a list page stays small. */
void ec_page_script_texts(struct ec_request *req, struct json_object *model);
/* o[key] = minor (an amount in minor units) and o[key_text] = it as the
   tenant writes money ("1.234,00 kr."). */
void ec_json_money(struct ec_request *req, struct json_object *o,
                   const char *key, long long minor);

/* "6 måneders binding" (months 0: "no binding") in the shop's words. */
struct json_object *ec_binding_text(struct ec_request *req, int months);

/* probes.c: liveness and readiness for load balancers and scripts */
int ec_h_healthz(struct ec_request *req, struct ec_response *res);
int ec_h_readyz(struct ec_request *req, struct ec_response *res);

/* catalog.c: the catalog API and the pages that list and show products */
int ec_h_channels(struct ec_request *req, struct ec_response *res);
int ec_h_products(struct ec_request *req, struct ec_response *res);
int ec_h_product(struct ec_request *req, struct ec_response *res);
int ec_h_product_price(struct ec_request *req, struct ec_response *res);
int ec_h_home(struct ec_request *req, struct ec_response *res);
int ec_h_channel_page(struct ec_request *req, struct ec_response *res);
int ec_h_product_page(struct ec_request *req, struct ec_response *res);

/*
 * The product page of sku in the request's channel; failed is 0, or the
 * error of the basket form posted from it (recorded on res by ec_fail),
 * which the page shows with the choices posted and its status.
 */
int ec_product_page(struct ec_request *req, struct ec_response *res,
                    const char *sku, int failed);

/*
 * A price breakdown (svc/promotion.h) as JSON: regular and current
 * monthly price, the schedule, fees after campaigns, the minimum total
 * price and the VAT inside each (a new object).
 */
struct ec_promotion_breakdown;
struct json_object *ec_breakdown_json(struct ec_request *req,
                                      const struct ec_promotion_breakdown *b);

/* storefront.c */
int ec_h_theme_css(struct ec_request *req, struct ec_response *res);
int ec_h_tenant_info(struct ec_request *req, struct ec_response *res);

/* numbers.c: free numbers of the tenant's pool */
int ec_h_numbers(struct ec_request *req, struct ec_response *res);
/* [{"msisdn":"+4520123456","national":"20 12 34 56"}] of n numbers. */
struct json_object *ec_numbers_json(const char *const *numbers, size_t n);

/* basket.c: the guest's basket (JSON API) */
int ec_h_basket(struct ec_request *req, struct ec_response *res);
int ec_h_basket_add(struct ec_request *req, struct ec_response *res);
int ec_h_basket_update(struct ec_request *req, struct ec_response *res);
int ec_h_basket_remove(struct ec_request *req, struct ec_response *res);
int ec_h_basket_keep(struct ec_request *req, struct ec_response *res);

/* basket_pages.c: the basket page and the forms of the storefront */
int ec_h_basket_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_basket_add(struct ec_request *req, struct ec_response *res);
int ec_h_form_basket_update(struct ec_request *req, struct ec_response *res);
int ec_h_form_basket_remove(struct ec_request *req, struct ec_response *res);
int ec_h_form_basket_keep(struct ec_request *req, struct ec_response *res);
int ec_h_form_set_aside_clear(struct ec_request *req, struct ec_response *res);

/* basket_form.c: the basket form on a product page */
/*
 * Free numbers for a picker: [{msisdn, national}] of up to count numbers
 * (containing the digits contains, if not NULL), or NULL when the pool
 * cannot be asked now (the page then says so instead of failing).
 */
struct json_object *ec_offered_numbers(struct ec_request *req,
                                       const char *contains, unsigned count);
/*
 * The basket form of a product page into model: CSRF token, the number
 * picker, and, when posted is set, which binding, SIM type and add-ons
 * were chosen (marked "checked" in product and addons, the page's own
 * copies). A fresh form's product comes with its first binding and SIM
 * type checked, and is not changed (it is shared). The error recorded on
 * res, if any, goes with it.
 */
void ec_basket_form_model(struct ec_request *req, struct ec_response *res,
                          struct json_object *model,
                          struct json_object *product,
                          struct json_object *addons, int posted);

/* mitid.c: the MitID step (svc/mitid.h): the CPR page, its post, the
   broker's callback */
int ec_h_mitid_page(struct ec_request *req, struct ec_response *res);
int ec_h_mitid_start(struct ec_request *req, struct ec_response *res);
int ec_h_mitid_callback(struct ec_request *req, struct ec_response *res);

/* account.c: customers' accounts (docs/identity.md): the JSON API ... */
int ec_h_account_create(struct ec_request *req, struct ec_response *res);
int ec_h_account_get(struct ec_request *req, struct ec_response *res);
int ec_h_session_create(struct ec_request *req, struct ec_response *res);
int ec_h_session_delete(struct ec_request *req, struct ec_response *res);
int ec_h_reset_request(struct ec_request *req, struct ec_response *res);
int ec_h_reset_complete(struct ec_request *req, struct ec_response *res);
/* ... and the pages with their form posts */
int ec_h_account_page(struct ec_request *req, struct ec_response *res);
int ec_h_signin_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_signin(struct ec_request *req, struct ec_response *res);
int ec_h_signup_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_signup(struct ec_request *req, struct ec_response *res);
int ec_h_form_signout(struct ec_request *req, struct ec_response *res);
int ec_h_reset_request_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_reset_request(struct ec_request *req, struct ec_response *res);
int ec_h_reset_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_reset(struct ec_request *req, struct ec_response *res);
/*
 * The cookie that says a browser signed in (value "1"; cleared at
 * sign-out): a hint only, never trusted for anything. A page looks the
 * session's account up (for its header) only when it is present, so a
 * guest's page view costs no Redis read.
 */
#define EC_SIGNED_IN_COOKIE "signed_in"
/*
 * The staff marker (value "1"; set when a staff sign-in completes,
 * cleared at the staff sign-out): a hint only, granting nothing. A
 * storefront page looks for a staff session (the dispatcher's staff
 * lens, docs/admin.md "Sales agents") only when it is present, so a
 * customer's page view costs no read.
 */
#define EC_STAFF_COOKIE "ec_staff"
/* account.c: one of those hints set (on: "1", for as long as a session
   may live) or cleared */
void ec_hint_cookie(struct ec_request *req, struct ec_response *res,
                    const char *name, int on);

/* csp.c: Content-Security-Policy violation reports from browsers */
int ec_h_csp_report(struct ec_request *req, struct ec_response *res);

/* orders.c: callbacks into the order flow (docs/orders.md) */
int ec_h_downstream_report(struct ec_request *req, struct ec_response *res);
int ec_h_payment_sim_callback(struct ec_request *req, struct ec_response *res);
int ec_h_stripe_webhook(struct ec_request *req, struct ec_response *res);

/* catalog.c: a CMS page, /p/{slug} (docs/cms.md) */
int ec_h_cms_page(struct ec_request *req, struct ec_response *res);

/* cms.c: Contentful's webhooks (docs/cms.md) */
int ec_h_contentful_webhook(struct ec_request *req, struct ec_response *res);

/* payment_pages.c: the simulator's hosted page and its form, and the
   payment return page (docs/orders.md) */
int ec_h_sim_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_sim_complete(struct ec_request *req, struct ec_response *res);
int ec_h_payment_return_page(struct ec_request *req, struct ec_response *res);
/*
 * For the checkout: make the hosted page of payment payment_id of the
 * request's tenant with its provider (ec_payment_begin()), returning the
 * customer to this host's payment return page of order_id; *url (arena
 * memory) is where to send the customer. Returns as ec_payment_begin().
 */
int ec_payment_start(struct ec_request *req, const char *order_id,
                     const char *payment_id, const char **url);

/* checkout.c: the checkout and the customer's orders (docs/orders.md) */
int ec_h_checkout(struct ec_request *req, struct ec_response *res);
/*
 * The checkout of the session's basket with the body in req->json and
 * Idempotency-Key key, for the JSON route and the checkout form: 0 with
 * the answer on res (201, model {order, payment, replayed}), or an
 * ec_err recorded on res (ec_fail).
 */
int ec_checkout_run(struct ec_request *req, struct ec_response *res,
                    const char *key);
/*
 * Who asks for an order: the session's account and the hash of its id
 * (owner->session_hash NULL without a session), the session's record
 * into *s. 0 or a store error.
 */
struct ec_order_owner;
struct ec_session;
int ec_order_owner_of(struct ec_request *req, struct ec_order_owner *owner,
                      struct ec_session *s);
/*
 * Who asks for order id, into *owner: 0, or 404 recorded on res for a
 * request that can own no order (no session, no id). A store error as
 * such.
 */
int ec_order_asker(struct ec_request *req, struct ec_response *res,
                   const char *id, struct ec_order_owner *owner);
/* Order id as its asker sees it (ec_order_view()) into *order: 0, 404
   recorded on res for anyone else's, or a store error. */
int ec_order_for_asker(struct ec_request *req, struct ec_response *res,
                       const char *id, struct json_object **order);

/* checkout_pages.c: the checkout page and form, the order page */
int ec_h_checkout_page(struct ec_request *req, struct ec_response *res);
int ec_h_form_checkout(struct ec_request *req, struct ec_response *res);
int ec_h_order_page(struct ec_request *req, struct ec_response *res);
int ec_h_order_summary(struct ec_request *req, struct ec_response *res);
/* An order of ec_order_view() or ec_order_list() with the texts pages
   show: status_text, pending_payment, amounts as money (*_text), the
   lines' binding and SIM texts. */
void ec_order_texts(struct ec_request *req, struct json_object *order);
int ec_h_orders(struct ec_request *req, struct ec_response *res);
int ec_h_order(struct ec_request *req, struct ec_response *res);

/* admin_api.c: the admin API's catalog objects and audit log
   (/api/admin/v1/, docs/admin.md); the dispatcher checked the API key */
int ec_h_api_admin_products(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_product_create(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_api_admin_product(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_product_put(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_product_retire(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_api_admin_campaigns(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_campaign_create(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_api_admin_campaign(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_campaign_put(struct ec_request *req,
                                struct ec_response *res);
int ec_h_api_admin_campaign_delete(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_api_admin_channels(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_channel_create(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_api_admin_channel(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_channel_put(struct ec_request *req, struct ec_response *res);
int ec_h_api_admin_channel_delete(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_api_admin_audit(struct ec_request *req, struct ec_response *res);
/* admin_ops.c: the admin API's number pool import and orders */
int ec_h_api_admin_numbers_import(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_api_admin_orders(struct ec_request *req, struct ec_response *res);

#endif
