/*
 * Payments on a provider's hosted page: no card number, CVC or expiry
 * ever reaches ecomd (PCI DSS SAQ A). Two providers: the simulator of
 * the demo and test stacks (svc/payment_sim.c) and Stripe Checkout
 * (svc/payment_stripe.c).
 *
 * A provider's part is: make the hosted page for a payment (its URL and
 * the provider's reference for it), and turn a callback into an outcome
 * after verifying its signature. What an outcome does is the same for
 * every provider, here:
 *
 *   - the callback's event id is recorded once (payment_events, UNIQUE
 *     per provider): a replayed event changes nothing;
 *   - paid: the payment and the order become paid; declined, cancelled
 *     or expired: the order is cancelled and its numbers go back to the
 *     pool; "none" (e.g. a completed Stripe session still awaiting an
 *     asynchronous payment) only records the event;
 *   - all of it in one transaction with the order's outbox row.
 *
 * Only a verified callback marks an order paid; the customer's return to
 * the shop only shows the status. A payment that arrives for an order
 * already cancelled (it was not paid in time) leaves the order cancelled
 * and is logged as an error: the money must be refunded by hand.
 */
#ifndef EC_SVC_PAYMENT_H
#define EC_SVC_PAYMENT_H

#include <stddef.h>
#include <stdint.h>

struct ec_buf;
struct ec_db;
struct ec_kv;

#define EC_PAYMENT_REF_MAX 255
#define EC_PAYMENT_EVENT_MAX (64 * 1024) /* a callback's body */

enum ec_payment_outcome {
    EC_PAYMENT_NONE, /* nothing to do but remember the event */
    EC_PAYMENT_PAID,
    EC_PAYMENT_DECLINED,
    EC_PAYMENT_CANCELLED,
    EC_PAYMENT_EXPIRED
};

/* A verified callback, as every provider reports it. */
struct ec_payment_event {
    const char *provider; /* "sim", "stripe" */
    const char *event_id; /* the provider's, unique per provider */
    const char *type;     /* the provider's event type */
    const char *ref;      /* the provider's reference of the payment */
    enum ec_payment_outcome outcome;
};

/*
 * Apply a verified event for tenant (see above). *duplicate (may be
 * NULL) gets 1 when the event was seen before (nothing done). Returns 0;
 * EC_ERR_NOT_FOUND when tenant has no payment with ev->ref at
 * ev->provider (nothing recorded); or a store error.
 */
int ec_payment_apply(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                     const struct ec_payment_event *ev, int *duplicate);

/*
 * The provider's reference and page of payment payment_id of tenant,
 * once its hosted page exists (status pending). 0, EC_ERR_NOT_FOUND, or
 * a store error.
 */
int ec_payment_started(struct ec_db *db, long long tenant_id,
                       const char *payment_id, const char *ref,
                       const char *url);

/* What the simulator's page shows and the return needs. */
struct ec_payment_info {
    char id[33];
    char order_id[33];
    char provider[17];
    char status[16];
    char currency[4];
    long long amount;
};

/* Payment payment_id of tenant: 0, EC_ERR_NOT_FOUND or a store error. */
int ec_payment_get(struct ec_db *db, long long tenant_id,
                   const char *payment_id, struct ec_payment_info *out);

/* ---- the simulator (svc/payment_sim.c) ---- */

/*
 * The simulator stands in for a hosted payment page on the shop's own
 * host: /pay/sim/<payment id>. Its form posts outcome=approve, decline
 * or cancel to the same URL; the simulator then makes the callback a
 * provider would send (a JSON event signed with payment_sim's secret in
 * the header Sim-Signature, the format of core/sighead.h), hands it to
 * the same verification every callback goes through, and sends the
 * customer back to the order. The secret is shared by the simulator and
 * the receiving side only.
 */
#define EC_PAYMENT_SIM_HEADER "Sim-Signature"

/* "/pay/sim/<payment_id>" into out. */
void ec_payment_sim_url(struct ec_buf *out, const char *payment_id);

/*
 * The callback for payment_id with outcome ("approve", "decline",
 * "cancel") at instant now: its body into body and its signature header
 * value into sig. EC_ERR_INVALID_FIELD for another outcome.
 */
int ec_payment_sim_event(const void *key, size_t key_len,
                         const char *payment_id, const char *outcome,
                         int64_t now, struct ec_buf *body, struct ec_buf *sig);

/*
 * Receive a simulator callback for tenant: verify header (EC_ERR_FORBIDDEN,
 * *why the check) before parsing body, then apply it. Returns as
 * ec_payment_apply(), or EC_ERR_INVALID_JSON / EC_ERR_INVALID_FIELD.
 */
int ec_payment_sim_callback(struct ec_db *db, struct ec_kv *kv,
                            long long tenant_id, const void *key,
                            size_t key_len, const char *header,
                            const char *body, size_t len, int64_t now,
                            const char **why);

/*
 * The simulator's page was posted: make the signed callback for
 * payment_id and deliver it through ec_payment_sim_callback(), unless
 * the payment is over already (paid, failed, cancelled: then nothing
 * changes and 0 is returned). order_id gets the order to send the
 * customer back to whenever the payment was found. Returns as that
 * callback, or EC_ERR_NOT_FOUND for another tenant's or another
 * provider's payment. One read of the payment before the callback's own.
 */
int ec_payment_sim_complete(struct ec_db *db, struct ec_kv *kv,
                            long long tenant_id, const void *key,
                            size_t key_len, const char *payment_id,
                            const char *outcome, int64_t now,
                            char order_id[33]);

/* ---- Stripe Checkout (svc/payment_stripe.c) ---- */

#define EC_STRIPE_HEADER "Stripe-Signature"
#define EC_STRIPE_API "https://api.stripe.com"

struct ec_stripe_item {
    const char *name;
    long long unit_amount; /* minor units */
    unsigned quantity;
};

/*
 * The form body of POST /v1/checkout/sessions: mode=payment, one line
 * item per item (price_data in currency, lower-cased as Stripe writes
 * it), success_url, cancel_url, client_reference_id (our order id).
 */
void ec_stripe_session_body(struct ec_buf *out, const char *currency,
                            const struct ec_stripe_item *items, size_t n,
                            const char *success_url, const char *cancel_url,
                            const char *client_reference_id);

/*
 * Create the session at api (EC_STRIPE_API; a test double's otherwise)
 * with secret_key and Idempotency-Key idempotency_key (the payment's id:
 * a retry makes no second session). On success the session's id goes to
 * session_id (EC_PAYMENT_REF_MAX + 1) and its page to url. Returns 0;
 * EC_ERR_UNAVAILABLE when Stripe did not answer or answered an error
 * (logged with the status, never the key); EC_ERR_INTERNAL for an answer
 * without id or url.
 */
int ec_stripe_create_session(const void *https_opts, const char *api,
                             const char *secret_key,
                             const char *idempotency_key, const char *body,
                             size_t len, char *session_id, struct ec_buf *url);

/*
 * Turn a webhook body into an event (pointers into j's strings):
 * checkout.session.completed is paid only when payment_status is "paid"
 * (else none: an asynchronous payment follows),
 * ...async_payment_succeeded paid, ...async_payment_failed declined,
 * ...expired expired; other types none. EC_ERR_INVALID_FIELD without id,
 * type or data.object.id.
 */
struct json_object;
int ec_stripe_event_read(struct json_object *j, struct ec_payment_event *ev);

/*
 * Receive a Stripe webhook for tenant: Stripe-Signature (header) checked
 * against the endpoint secret with 300 s tolerance before the body is
 * parsed, then applied. Returns as ec_payment_sim_callback().
 */
int ec_stripe_webhook(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                      const void *secret, size_t secret_len, const char *header,
                      const char *body, size_t len, int64_t now,
                      const char **why);

/* ---- starting a payment with the tenant's provider (svc/payment_start.c) */

#define EC_PAYMENT_SIM "sim"
#define EC_PAYMENT_STRIPE "stripe"
#define EC_PAYMENT_WEBHOOK_SECRETS_MAX 8

struct ec_https_opts;

/*
 * How this installation takes payments, from the settings
 * (ec_settings_payment_conf()). Every pointer outlives the worker; the
 * keys are never logged.
 *
 * A tenant's provider is the one its slug names in tenants (words
 * "slug=provider", blank- or comma-separated), else provider. A provider
 * is usable only when configured: the simulator with its key (sim_key
 * set), Stripe with its secret key and at least one webhook secret.
 */
struct ec_payment_conf {
    const char *provider; /* "sim", "stripe", or NULL: none configured */
    const char *tenants;  /* per-tenant choices, or NULL */
    const unsigned char *sim_key; /* NULL: no simulator */
    size_t sim_key_len;
    const char *stripe_api;        /* EC_STRIPE_API or a test double's */
    const char *stripe_secret_key; /* NULL: no Stripe */
    /* the webhook endpoints' signing secrets, one a line (a rotation
       has two for a while): any may verify an event */
    const char *stripe_webhook_secrets;
    const struct ec_https_opts *https; /* for Stripe's API */
};

/*
 * Check the text of a per-tenant choice ("nordlys=sim fjordmobil=stripe").
 * 0, or -1 with why in err (the word in question).
 */
int ec_payment_tenants_check(const char *text, char *err, size_t errsize);

/*
 * The provider of tenant slug ("sim" or "stripe", static strings), or
 * NULL when its provider is not configured: the checkout then answers
 * 503 and logs why, and makes no order.
 */
const char *ec_payment_provider(const struct ec_payment_conf *c,
                                const char *slug);

/*
 * Make the hosted page of payment payment_id of tenant (created by
 * ec_order_create() with the provider ec_payment_provider() named) and
 * record it with ec_payment_started(); the customer is sent to *url.
 *
 *   sim:    url is "/pay/sim/<payment_id>" on the shop's own host;
 *   stripe: a Checkout Session of one line item, item_name, for the
 *           amount due now (one-time fees + the first month, the
 *           payment's amount), success_url and cancel_url return_url
 *           (the payment return page on the tenant's host, absolute),
 *           client_reference_id the order's id, Idempotency-Key the
 *           payment's id (a retry makes no second session); url is the
 *           session's page at Stripe.
 *
 * A payment already started gives its page again, unchanged. Returns 0;
 * EC_ERR_NOT_FOUND (no such payment of tenant); EC_ERR_CONFLICT (the
 * payment is over: paid, failed, cancelled, expired); EC_ERR_UNAVAILABLE
 * (the provider is not configured, or Stripe did not answer: nothing is
 * recorded, the customer may try again); or a store error.
 */
int ec_payment_begin(struct ec_db *db, const struct ec_payment_conf *c,
                     long long tenant_id, const char *payment_id,
                     const char *return_url, const char *item_name,
                     struct ec_buf *url);

/*
 * A Stripe webhook for tenant, verified against each of the configured
 * signing secrets in turn (ec_stripe_webhook()). Returns as that, or
 * EC_ERR_NOT_FOUND when Stripe is not configured.
 */
int ec_payment_stripe_webhook(struct ec_db *db, struct ec_kv *kv,
                              const struct ec_payment_conf *c,
                              long long tenant_id, const char *header,
                              const char *body, size_t len, int64_t now,
                              const char **why);

#endif
