/*
 * The checkout's own rules, without I/O: what a checkout request must
 * carry and how it is recognised when it comes again. The route
 * (handlers/checkout.c) reads the basket, asks the stores and writes the
 * order (svc/order.h); everything here is a pure function of its inputs,
 * so it is tested exhaustively (t/unit/svc/checkout_test.c).
 *
 * The request (docs/api.md, "Checkout"):
 *
 *     Idempotency-Key: <1..128 printable ASCII>
 *     {"customer": {"name", "email", "phone", "address"},
 *      "consents": {"terms": true, "contract_summary": true,
 *                   "marketing": bool},
 *      "accepted_prices": {"<line id>": <monthly price now, øre>}}
 *
 * Price confirmation: a line whose monthly price now differs from the
 * price when it was chosen (the basket's monthly_at_add) goes through only
 * when accepted_prices names the line with exactly today's price; the
 * 409 price_changed answer gives both, so a client shows them and sends
 * the request again with the new price accepted. A price that changes
 * again in between is refused again: the customer never pays a price
 * they did not see.
 *
 * The request hash (SHA-256, hex) covers the canonical body (fields
 * normalised, in a fixed order, each length-prefixed) and the digest of
 * the basket's choices (per line: id, sku, channel, binding, acceptance,
 * SIM type, add-ons, number, porting; not lock times, which any activity
 * moves), so "the same key with the same request" survives a retry and a
 * changed basket or body under an old key does not.
 */
#ifndef EC_SVC_CHECKOUT_H
#define EC_SVC_CHECKOUT_H

#include <stddef.h>

#include "svc/account.h"
#include "svc/email.h"
#include "svc/number.h"

struct ec_buf;
struct ec_seal;
struct json_object;

#define EC_CHECKOUT_ADDRESS_MAX 200 /* characters */
#define EC_CHECKOUT_ADDRESS_SIZE (EC_CHECKOUT_ADDRESS_MAX * 4 + 1)
#define EC_CHECKOUT_PHONE_SIZE 17 /* '+', up to 15 digits, NUL */
#define EC_CHECKOUT_HASH_SIZE 65  /* 64 hex digits, NUL */
#define EC_CHECKOUT_PRICES_MAX 10 /* accepted prices: one per line */
/* The sealing context of an order's CPR number: "<slug>:order.cpr". */
#define EC_ORDER_CPR_CONTEXT "order.cpr"

/* A price the customer accepted for a line. */
struct ec_checkout_price {
    char line[24];
    long long monthly;
};

/* A checkout request's body, checked and normalised. */
struct ec_checkout_req {
    char name[EC_ACCOUNT_NAME_SIZE];
    char email[EC_EMAIL_MAX + 1];
    char phone[EC_CHECKOUT_PHONE_SIZE];
    char address[EC_CHECKOUT_ADDRESS_SIZE];
    int terms, contract_summary, marketing;
    struct ec_checkout_price prices[EC_CHECKOUT_PRICES_MAX];
    size_t nprices;
};

/*
 * Check and normalise the JSON body j into *out. Returns 0, or
 * EC_ERR_INVALID_FIELD with *field ("customer.email", "consents.terms",
 * "accepted_prices", ...) and *message for people.
 */
int ec_checkout_read(struct json_object *j, struct ec_checkout_req *out,
                     const char **field, const char **message);

/*
 * A phone number as customers write it ("20 12 34 56", "+46 70 123 45
 * 67"): a Danish one normalised as the pool keeps them, another one as
 * '+' and 8 to 15 digits; spaces, dashes and dots between digits are
 * dropped. 0 with out filled, or EC_ERR_INVALID_FIELD.
 */
int ec_checkout_phone(const char *in, char out[EC_CHECKOUT_PHONE_SIZE]);

/*
 * 1 if msisdn (normalised, "+45" and 8 digits) is in a mobile series of
 * the Danish numbering plan, so it can be ported to a mobile
 * subscription; else 0.
 */
int ec_checkout_mobile_dk(const char *msisdn);

/* The price r accepted for line id, or -1 when it names none. */
long long ec_checkout_accepted(const struct ec_checkout_req *r,
                               const char *line_id);

/*
 * The digest (64 hex digits) of the choices of the stored basket lines
 * (a json-c array; NULL or empty: the digest of no lines).
 */
void ec_checkout_lines_digest(struct json_object *lines,
                              char out[EC_CHECKOUT_HASH_SIZE]);

/*
 * The request hash of body r over the basket whose lines digest is
 * lines_digest (64 hex digits) into out (64 hex digits).
 */
void ec_checkout_request_hash(const struct ec_checkout_req *r,
                              const char *lines_digest,
                              char out[EC_CHECKOUT_HASH_SIZE]);

/*
 * The CPR number sealed for the basket of tenant slug (basket_sealed,
 * svc/basket_identity.h) sealed again for the order (context
 * "<slug>:order.cpr"), appended to out. The number in clear lives only
 * on this function's stack, wiped before it returns. 0, or
 * EC_ERR_INTERNAL when it does not open or cannot be sealed.
 */
int ec_checkout_seal_cpr(const struct ec_seal *s, const char *slug,
                         const char *basket_sealed, struct ec_buf *out);

#endif
