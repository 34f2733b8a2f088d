/*
 * The outbox: events written in the transaction of the change they
 * announce (svc/order.c), delivered afterwards by the delivery process
 * (proc/delivery.c) to each tenant's downstream receiver.
 *
 * Invariants:
 *   - a row is delivered at least once: it is marked delivered only
 *     after a 2xx, in its own transaction; a deliverer that dies (kill -9)
 *     in between leaves it pending with a lease that runs out, and the
 *     next claim takes it again (the receiver drops the duplicate by its
 *     event id, which never changes);
 *   - in order per order: a row is claimed only when every row of its
 *     order with a lower seq is delivered, so at most one row per order
 *     is in flight, and a dead row holds back the rest of its order until
 *     an operator acts (docs/orders.md);
 *   - claims use SELECT ... FOR UPDATE SKIP LOCKED, so deliverers on
 *     several hosts share the work without waiting on one another;
 *   - back-off and dead letters are columns, not memory: attempts is
 *     counted at the claim, next_attempt_at and state at the outcome.
 */
#ifndef EC_SVC_OUTBOX_H
#define EC_SVC_OUTBOX_H

#include <stddef.h>

struct ec_db;

#define EC_OUTBOX_BATCH_MAX 64
#define EC_OUTBOX_ERROR_MAX 255

struct ec_outbox_policy {
    long lease_ms;         /* a claim lasts this long */
    long backoff_ms;       /* the wait after the first failed attempt */
    long backoff_max_ms;   /* the longest wait */
    unsigned max_attempts; /* then the row is dead */
};

struct ec_outbox_row {
    long long id;
    long long tenant_id;
    long long order_id;
    unsigned seq;
    unsigned attempts; /* counting this one */
    char event_id[33];
    char type[65];
    char slug[41]; /* the tenant's */
    char *payload; /* the event's JSON, NUL-terminated */
    size_t payload_len;
};

struct ec_outbox_batch {
    struct ec_outbox_row rows[EC_OUTBOX_BATCH_MAX];
    size_t n;
};

/*
 * Claim up to max (at most EC_OUTBOX_BATCH_MAX) due rows, oldest due
 * first, at most one per order: pending, next_attempt_at passed, no live
 * lease, every earlier row of the order delivered. Each gets a lease of
 * p->lease_ms and one more attempt, in one transaction. Returns 0 with
 * the rows in *b (release with ec_outbox_batch_release), or a store error.
 */
int ec_outbox_claim(struct ec_db *db, const struct ec_outbox_policy *p,
                    size_t max, struct ec_outbox_batch *b);

void ec_outbox_batch_release(struct ec_outbox_batch *b);

/*
 * The receiver took r (answered 2xx): mark it delivered, and when it
 * announced that the order was paid, move the order to submitted (with
 * its own outbox row), in one transaction. 0 or a store error.
 */
int ec_outbox_delivered(struct ec_db *db, const struct ec_outbox_row *r);

/*
 * The same for the n rows a round delivered, in one transaction: one
 * commit for a batch rather than one an event. A row is still marked
 * only after its 2xx; when the transaction fails (or the process dies
 * before it), the rows are sent again once their lease ends, with the
 * same event ids, as at least once allows. 0 or a store error.
 */
int ec_outbox_delivered_all(struct ec_db *db,
                            const struct ec_outbox_row *const *rows, size_t n);

/*
 * r failed with error (for the operator; no payload, no secret): wait
 * ec_outbox_backoff_ms() before the next attempt, or mark it dead after
 * p->max_attempts. *dead (may be NULL) gets 1 when it died. 0 or a store
 * error.
 */
int ec_outbox_failed(struct ec_db *db, const struct ec_outbox_row *r,
                     const struct ec_outbox_policy *p, const char *error,
                     int *dead);

/* ---- dead letters, for the operator (ecomctl outbox) ---- */

/* A dead row as the operator sees it (no payload: it holds personal
   data). */
struct ec_outbox_dead {
    char event_id[33];
    char slug[41];  /* the tenant's */
    char order[33]; /* the order's public id */
    unsigned seq;
    char type[65];
    unsigned attempts;
    char last_error[EC_OUTBOX_ERROR_MAX + 1];
    char created_at[27]; /* "YYYY-MM-DD hh:mm:ss.uuuuuu", UTC */
};

/* Called per dead row; non-zero stops the listing. */
typedef int (*ec_outbox_dead_fn)(const struct ec_outbox_dead *d, void *ctx);

/*
 * The dead rows of tenant tenant_id (0: of every tenant), oldest first,
 * at most limit, each to fn. 0, fn's non-zero value, or a store error.
 */
int ec_outbox_dead_each(struct ec_db *db, long long tenant_id, unsigned limit,
                        ec_outbox_dead_fn fn, void *ctx);

/*
 * Give tenant tenant_id's dead row event_id (NULL: every dead row of the
 * tenant) a fresh start once its cause is fixed: pending, due now, no
 * attempts, no error. The delivery process takes it up in its next
 * round, and the later events of its order after it, in order. *n (may
 * be NULL) gets how many rows came back. 0 or a store error.
 */
int ec_outbox_revive(struct ec_db *db, long long tenant_id,
                     const char *event_id, unsigned long long *n);

/* The wait after attempt number `attempts` (1, 2, ...) failed: base,
   doubling each time, never more than cap. */
long ec_outbox_backoff_ms(unsigned attempts, long base, long cap);

#endif
