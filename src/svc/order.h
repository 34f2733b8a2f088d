/*
 * Orders: what a checkout writes, and the one way an order's status
 * changes.
 *
 *     pending_payment ──► paid ──► submitted ──► provisioning ──► completed
 *            │
 *            └──► cancelled   (payment declined, cancelled or expired, or
 *                              not paid by pay_by)
 *
 * Invariants:
 *   - every change of status is one MariaDB transaction that locks the
 *     order's row, checks the move against the table above, writes the
 *     new status and an outbox row announcing it (svc/outbox.h), with the
 *     next sequence number of the order; nothing is sent from inside it;
 *   - a move to the status the order already has changes nothing and is
 *     not an error (callbacks and reports repeat); any other move not in
 *     the table is refused with EC_ERR_CONFLICT and logged;
 *   - a number of the pool belongs to at most one order that is not
 *     cancelled: checkout assigns it with a conditional UPDATE (... WHERE
 *     status = 'available'); cancelling gives it back the same way (...
 *     WHERE status = 'assigned') and announces it (ec_invalidate_numbers)
 *     after the commit;
 *   - every statement names the tenant; an order id of another tenant is
 *     EC_ERR_NOT_FOUND.
 *
 * Public ids (orders and payments) are 32 lower-case hex digits of random
 * bits from the kernel.
 */
#ifndef EC_SVC_ORDER_H
#define EC_SVC_ORDER_H

#include <stddef.h>
#include <stdint.h>

struct ec_db;
struct ec_kv;
struct json_object;

#define EC_ORDER_ID_SIZE 33 /* 32 hex digits and a NUL */
#define EC_ORDER_LINES_MAX 10
#define EC_ORDER_KEY_MAX 128 /* Idempotency-Key */
#define EC_ORDER_SUMMARY_MAX (256 * 1024)

enum ec_order_status {
    EC_ORDER_PENDING_PAYMENT,
    EC_ORDER_PAID,
    EC_ORDER_SUBMITTED,
    EC_ORDER_PROVISIONING,
    EC_ORDER_COMPLETED,
    EC_ORDER_CANCELLED,
    EC_ORDER__NSTATUS
};

/* "pending_payment", ...; NULL for a value out of range. */
const char *ec_order_status_name(enum ec_order_status s);
/* The status named s, or -1. */
int ec_order_status_parse(const char *s);
/* 1 if the table above has the move from -> to, else 0. */
int ec_order_can_move(enum ec_order_status from, enum ec_order_status to);

/* One line of a new order, as sold (the checkout's basket view). */
struct ec_order_line_in {
    const char *sku;
    const char *name;
    const char *channel;
    int binding_months;
    const char *sim_type; /* "physical" or "esim" */
    const char *msisdn;   /* a number of the pool, or NULL */
    const char *porting;  /* the customer's own number to port, or NULL */
    long long monthly_now;
    long long one_time;
    long long min_total;
    const char *breakdown_json; /* the promotion engine's breakdown */
};

struct ec_order_new {
    long long tenant_id;
    const char *currency;
    const char *idempotency_key; /* 1..EC_ORDER_KEY_MAX printable ASCII */
    const char *request_hash;    /* 64 hex: SHA-256 of the request */
    const char *name, *email, *phone, *address;
    int consent_terms, consent_contract_summary, consent_marketing;
    const char *contract_summary; /* the accepted text, or NULL */
    const char *basket_id;        /* or NULL */
    /* the owner (docs/orders.md, "Owners"): the signed-in account (0: a
       guest) and the SHA-256 (64 hex) of the session id, or NULL */
    long long account_id;
    const char *session_hash;
    /* the sales agent (a staff id) who checked out for the customer, 0
       for the customer's own order (docs/orders.md, "Sold by an agent") */
    long long agent_staff_id;
    const char *identity_sealed; /* the CPR number MitID matched, sealed
                                    for "<slug>:order.cpr", or NULL */
    const struct ec_order_line_in *lines;
    size_t nlines; /* 1..EC_ORDER_LINES_MAX */
    long long vat_due_now;
    long long pay_within_s; /* pay_by = now + this */
    const char *provider;   /* "sim" or "stripe" */
    /* the payment's public id (32 hex digits; NULL: a random one) and,
       for a provider whose page needs no call out (the simulator's,
       ec_payment_sim_url()), that page: the payment is then written
       started (pending, its reference its id). NULL: the page is made
       after the commit (ec_payment_begin()). */
    const char *payment_id;
    const char *payment_page;
};

/* 1 if k is an idempotency key: 1 to EC_ORDER_KEY_MAX printable ASCII
   characters, no blank (the Idempotency-Key header, the checkout form's
   field), else 0. */
int ec_order_key_valid(const char *k);

struct ec_order_created {
    char id[EC_ORDER_ID_SIZE];         /* the order's public id */
    char payment_id[EC_ORDER_ID_SIZE]; /* its payment's public id */
    long long due_now;                 /* one-time fees + the first month */
    int payment_started; /* written with its page (o->payment_page) */
    int replayed;        /* 1: the key's existing order, nothing written */
    const char *taken;   /* EC_ERR_NUMBER_TAKEN: the number (of lines) */
};

/*
 * Write a new order with its lines, assign its numbers and create its
 * payment (amount due now), all in one transaction: status created, or
 * pending at o->payment_page already (payment_started). The
 * same idempotency key with the same request hash returns the order made
 * the first time (replayed = 1). Returns 0; EC_ERR_INVALID_FIELD for a
 * bad argument; EC_ERR_CONFLICT when the key was used for another request
 * (idempotency_key_reused); EC_ERR_NUMBER_TAKEN when a number is no longer
 * available (out->taken names it; nothing is written); or a store error.
 */
int ec_order_create(struct ec_db *db, const struct ec_order_new *o,
                    struct ec_order_created *out);

/*
 * Inside the caller's transaction: mark each of the n numbers of tenant
 * assigned, by a conditional UPDATE ... WHERE status = 'available' each.
 * Returns 0, or EC_ERR_NUMBER_TAKEN with *taken (may be NULL) the index
 * of the first number that was not available (the caller rolls back), or
 * a store error.
 */
int ec_order_assign_numbers(struct ec_db *db, long long tenant_id,
                            const char *const *msisdns, size_t n,
                            size_t *taken);

/* What a caller reads of an order. */
struct ec_order_info {
    long long id; /* the row id: never shown */
    long long tenant_id;
    char public_id[EC_ORDER_ID_SIZE];
    enum ec_order_status status;
    char currency[4];
    long long due_now;
    char cancel_reason[33];
};

/* The order public_id of tenant: 0, EC_ERR_NOT_FOUND, or a store error. */
int ec_order_get(struct ec_db *db, long long tenant_id, const char *public_id,
                 struct ec_order_info *out);

/*
 * Move order public_id of tenant to status to, in one transaction with
 * its outbox row (reason: why it was cancelled, e.g. "payment_declined";
 * NULL otherwise). Numbers given back are announced on kv (may be NULL)
 * after the commit. *changed (may be NULL) is 1 when the status changed,
 * 0 when the order had it already. Returns 0, EC_ERR_NOT_FOUND,
 * EC_ERR_CONFLICT (no such move), or a store error.
 */
int ec_order_move(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                  const char *public_id, enum ec_order_status to,
                  const char *reason, int *changed);

/*
 * The same, inside the caller's transaction, for the order with row id
 * order_id of tenant (whose row it locks). *freed (may be NULL) gets 1
 * when numbers went back to the pool: the caller announces them after
 * its commit (ec_order_announce_numbers).
 */
int ec_order_move_in_tx(struct ec_db *db, long long tenant_id,
                        long long order_id, enum ec_order_status to,
                        const char *reason, int *changed, int *freed);

/* Announce on kv that tenant's pool changed. 0 or a store error. */
int ec_order_announce_numbers(struct ec_db *db, struct ec_kv *kv,
                              long long tenant_id);

/*
 * Cancel (reason "payment_timeout") up to limit orders of any tenant
 * still pending_payment after their pay_by, each in its own transaction.
 * *n (may be NULL) gets how many. 0 or a store error.
 */
int ec_order_expire_due(struct ec_db *db, struct ec_kv *kv, unsigned limit,
                        size_t *n);

/* ---- reading for the customer (svc/order_read.c) ---- */

/*
 * Who asks: the signed-in account (0: a guest) and the SHA-256 (64 hex)
 * of the session id. An order is the asker's when it was made in that
 * session or belongs to that account; any other order, of whatever
 * session, account or tenant, is EC_ERR_NOT_FOUND, never "forbidden".
 */
struct ec_order_owner {
    long long account_id;
    const char *session_hash;
};

/* The SHA-256 (64 hex digits) of session id session_id into out: what
   an order keeps of the session it was made in. */
void ec_order_session_hash(const char *session_id, char out[65]);

#define EC_ORDER_LIST_DEFAULT 20
#define EC_ORDER_LIST_MAX 50

/*
 * The order with idempotency key key of tenant, if any: its public id
 * into id ("" when there is none) and its request hash into hash (65
 * bytes). 0 or a store error.
 */
int ec_order_find_key(struct ec_db *db, long long tenant_id, const char *key,
                      char id[EC_ORDER_ID_SIZE], char hash[65]);

/*
 * Order public_id of tenant as its owner sees it, into *out (a new
 * object): {id, status, cancel_reason?, created_at, currency, totals:
 * {monthly, one_time, due_now, min_total, vat_due_now}, lines: [{line_no,
 * sku, name, channel, binding_months, sim_type, msisdn, porting,
 * monthly_now, one_time, min_total}], payment: {id, provider, status,
 * amount, url (only while the payment is open)}, identity_verified,
 * has_contract_summary}.
 * 0, EC_ERR_NOT_FOUND (no such order, or not owner's), or a store error.
 */
int ec_order_view(struct ec_db *db, long long tenant_id, const char *public_id,
                  const struct ec_order_owner *owner, struct json_object **out);

/*
 * The contract summary order public_id of tenant was accepted with (the
 * HTML fragment the checkout stored), appended to out, for its owner
 * only. 0, EC_ERR_NOT_FOUND (no such order, not owner's, or stored
 * without one), or a store error.
 */
struct ec_buf;
int ec_order_contract_summary(struct ec_db *db, long long tenant_id,
                              const char *public_id,
                              const struct ec_order_owner *owner,
                              struct ec_buf *out);

/*
 * The owner's orders of tenant, newest first, at most limit
 * (1..EC_ORDER_LIST_MAX), into *out (a new array of {id, status,
 * created_at, currency, totals, lines: count}). 0 or a store error.
 */
int ec_order_list(struct ec_db *db, long long tenant_id,
                  const struct ec_order_owner *owner, unsigned limit,
                  struct json_object **out);

/*
 * The guest orders made in the session whose id hashes to session_hash
 * now belong to account_id too (a guest signed in). *n (may be NULL)
 * gets how many. 0 or a store error.
 */
int ec_order_claim(struct ec_db *db, long long tenant_id,
                   const char *session_hash, long long account_id, size_t *n);

#endif
