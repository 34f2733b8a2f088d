/*
 * Downstream receivers: each tenant's provisioning system, which takes
 * the order events of the outbox (svc/outbox.h) and reports back when it
 * provisions and completes an order.
 *
 * Both directions are signed with the tenant's shared secret in the
 * header Ecom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>"> (core/sighead.h; 300 s tolerance). Events carry
 * their stable id in Ecom-Event-Id too.
 *
 * The endpoints come from a file kept with the other secrets
 * (downstream_file), one tenant a line:
 *
 *     # slug    URL (https)                          secret: 64 hex digits
 *     nordlys   https://provisioning.example/events  9f86d081884c7d65...
 *
 * Invariants: slugs are unique; URLs are https; a secret is 32 bytes and
 * is never logged; EC_DOWNSTREAM_MAX tenants at most.
 */
#ifndef EC_SVC_DOWNSTREAM_H
#define EC_SVC_DOWNSTREAM_H

#include <stddef.h>
#include <stdint.h>

struct ec_buf;
struct ec_db;
struct ec_https_opts;
struct ec_kv;

#define EC_DOWNSTREAM_MAX 256
#define EC_DOWNSTREAM_SECRET_SIZE 32
#define EC_DOWNSTREAM_URL_MAX 512
#define EC_DOWNSTREAM_HEADER "Ecom-Signature"
#define EC_DOWNSTREAM_REPORT_MAX 4096 /* a report's body */

struct ec_downstream_endpoint {
    char slug[41];
    char url[EC_DOWNSTREAM_URL_MAX + 1];
    unsigned char secret[EC_DOWNSTREAM_SECRET_SIZE];
};

struct ec_downstream {
    struct ec_downstream_endpoint *e;
    size_t n;
};

void ec_downstream_init(struct ec_downstream *d);
/* Wipes the secrets. */
void ec_downstream_release(struct ec_downstream *d);

/* Read the lines of text (the file's format above) into d. 0, or
   EC_ERR_INVALID_FIELD with "line N: why" in err (never a secret). */
int ec_downstream_parse(struct ec_downstream *d, const char *text, size_t len,
                        char *err, size_t errsize);
/* The same from the file at path. */
int ec_downstream_load(struct ec_downstream *d, const char *path, char *err,
                       size_t errsize);

/* slug's endpoint, or NULL. */
const struct ec_downstream_endpoint *
ec_downstream_find(const struct ec_downstream *d, const char *slug);

/*
 * POST the event body (len bytes of JSON, id event_id) to e, signed at
 * instant now. Returns 0 when the receiver answered 2xx; else
 * EC_ERR_UNAVAILABLE with why in err ("HTTP 500", libcurl's text: never
 * the body). *status (may be NULL) gets the HTTP status or 0.
 */
int ec_downstream_send(const struct ec_downstream_endpoint *e,
                       const struct ec_https_opts *opts, const char *event_id,
                       const char *body, size_t len, int64_t now, long *status,
                       char *err, size_t errsize);

/*
 * A report from tenant's receiver: header (Ecom-Signature) verified
 * against e before the body is parsed, then {"id": report id, "order":
 * public id, "status": "provisioning" | "completed"} applied in one
 * transaction: the report recorded once by its id, the order moved on
 * (through submitted when the event's delivery has not been recorded
 * yet), each move with its outbox row. A report seen before changes
 * nothing. Returns 0; EC_ERR_FORBIDDEN (signature; *why names the
 * check); EC_ERR_INVALID_JSON or EC_ERR_INVALID_FIELD; EC_ERR_NOT_FOUND
 * (no such order of tenant); EC_ERR_CONFLICT (the order cannot move
 * there: cancelled, unpaid); or a store error.
 */
int ec_downstream_report(struct ec_db *db,
                         const struct ec_downstream_endpoint *e,
                         long long tenant_id, const char *header,
                         const char *body, size_t len, int64_t now,
                         const char **why);

/* ---- the CPR number, sealed for the receiver ---- */

/*
 * An order's CPR number travels to the receiver sealed, never in clear:
 * AES-256-GCM in the format of core/seal.h,
 *
 *     v1.rcv1.<base64url(nonce[12] || ciphertext || tag[16])>
 *
 * under a key derived from the tenant's receiver secret with HKDF-SHA256
 * (no salt, info EC_DOWNSTREAM_CPR_INFO). The additional data is
 * "v1.rcv1.<slug>:<order id>:cpr", so a value copied into another
 * order's or another tenant's event does not open. Why a derived key and
 * not a second secret in downstream_file: the secret is already shared
 * with that receiver alone, the derivation gives a key unrelated to the
 * one that signs (neither use weakens the other), the file's format stays
 * as it is, and rotating the secret rotates both (the receiver keeps the
 * old one a while, as it does for signatures). The receiver's side is
 * t/doubles/downstream.mjs, openCpr().
 */
#define EC_DOWNSTREAM_CPR_KID "rcv1"
#define EC_DOWNSTREAM_CPR_INFO "ecom downstream cpr v1"

/*
 * Seal the len bytes of cpr (the ten digits) for e's receiver, for
 * order_id (its public id), and append the text to out: the value of
 * the event's order.customer.cpr_sealed. Returns 0, or EC_ERR_INTERNAL.
 */
int ec_downstream_seal_cpr(const struct ec_downstream_endpoint *e,
                           const char *order_id, const char *cpr, size_t len,
                           struct ec_buf *out);

/*
 * The receiver's side, for tests and tools: open sealed for order_id into
 * out (cap bytes, *len its length). Returns 0, or EC_ERR_FORBIDDEN when
 * it does not open (another order, tenant or secret; tampered).
 */
int ec_downstream_open_cpr(const struct ec_downstream_endpoint *e,
                           const char *order_id, const char *sealed,
                           unsigned char *out, size_t cap, size_t *len);

#endif
