#include "svc/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "svc/order.h"

long
ec_outbox_backoff_ms(unsigned attempts, long base, long cap)
{
    long wait = base;

    if (base <= 0)
        return 0;
    for (unsigned i = 1; i < attempts && wait < cap; i++)
        wait = wait > cap / 2 ? cap : wait * 2;
    return wait > cap ? cap : wait;
}

void
ec_outbox_batch_release(struct ec_outbox_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->rows[i].payload);
    b->n = 0;
}

static int
read_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_outbox_batch *b = ctx;
    struct ec_outbox_row *r;

    if (b->n == EC_OUTBOX_BATCH_MAX)
        return 1;
    r = &b->rows[b->n++];
    memset(r, 0, sizeof(*r));
    r->id = strtoll(row->vals[0], NULL, 10);
    r->tenant_id = strtoll(row->vals[1], NULL, 10);
    r->order_id = strtoll(row->vals[2], NULL, 10);
    r->seq = (unsigned)strtoul(row->vals[3], NULL, 10);
    r->attempts = (unsigned)strtoul(row->vals[4], NULL, 10) + 1;
    snprintf(r->event_id, sizeof(r->event_id), "%s", row->vals[5]);
    snprintf(r->type, sizeof(r->type), "%s", row->vals[6]);
    r->payload_len = row->lens[7];
    r->payload = ec_xmalloc(r->payload_len + 1);
    memcpy(r->payload, row->vals[7], r->payload_len + 1);
    return 0;
}

static int
read_slug_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_outbox_row *r = ctx;

    snprintf(r->slug, sizeof(r->slug), "%s", row->vals[0]);
    return 0;
}

/* The slug of r's tenant, read without a lock: from an earlier row of
   the batch b (before r) of the same tenant, else from MySQL. */
static int
read_slug(struct ec_db *db, const struct ec_outbox_batch *b,
          struct ec_outbox_row *r)
{
    struct ec_db_param p[] = {EC_DB_I(r->tenant_id)};

    for (const struct ec_outbox_row *e = b->rows; e < r; e++)
        if (e->tenant_id == r->tenant_id) {
            memcpy(r->slug, e->slug, sizeof(r->slug));
            return 0;
        }
    return ec_db_exec(db, "SELECT slug FROM tenants WHERE id = ?", p, 1,
                      read_slug_row, r, NULL);
}

/* Rows leased by one statement: a fixed list, so the statement is
   prepared once; a shorter chunk repeats its first id. */
#define LEASE_CHUNK 8

/* Lease rows [0, n) of b for lease_ms and count the attempt. */
static int
lease(struct ec_db *db, long long lease_ms, const struct ec_outbox_batch *b)
{
    for (size_t i = 0; i < b->n; i += LEASE_CHUNK) {
        struct ec_db_param u[1 + LEASE_CHUNK] = {EC_DB_I(lease_ms * 1000)};
        int rc;

        for (size_t k = 0; k < LEASE_CHUNK; k++)
            u[1 + k] = EC_DB_I(b->rows[i + k < b->n ? i + k : i].id);
        rc = ec_db_exec(db,
                        "UPDATE outbox SET attempts = attempts + 1,"
                        " lease_until = NOW(6) + INTERVAL ? MICROSECOND"
                        " WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?)"
                        " AND state = 'pending'",
                        u, 1 + LEASE_CHUNK, NULL, NULL, NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int
ec_outbox_claim(struct ec_db *db, const struct ec_outbox_policy *p, size_t max,
                struct ec_outbox_batch *b)
{
    struct ec_db_param q[1];
    int rc;

    b->n = 0;
    if (max == 0 || max > EC_OUTBOX_BATCH_MAX)
        max = EC_OUTBOX_BATCH_MAX;
    q[0] = EC_DB_I((long long)max);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    /* across tenants: the deliverer serves the whole shop. No join here:
       a locking read would lock the tenants' rows too */
    rc = ec_db_exec(db,
                    "SELECT o.id, o.tenant_id, o.order_id, o.seq, o.attempts,"
                    " o.event_id, o.type, o.payload"
                    " FROM outbox o"
                    " WHERE o.state = 'pending'"
                    " AND o.next_attempt_at <= NOW(6)"
                    " AND (o.lease_until IS NULL OR o.lease_until <= NOW(6))"
                    " AND NOT EXISTS (SELECT 1 FROM outbox e"
                    "  WHERE e.order_id = o.order_id AND e.seq < o.seq"
                    "  AND e.state <> 'delivered')"
                    " ORDER BY o.next_attempt_at, o.id LIMIT ?"
                    " FOR UPDATE SKIP LOCKED",
                    q, 1, read_row, b, NULL);
    if (rc == 0)
        rc = lease(db, p->lease_ms, b);
    for (size_t i = 0; rc == 0 && i < b->n; i++)
        rc = read_slug(db, b, &b->rows[i]);
    if (rc < 0) {
        ec_db_rollback(db);
        ec_outbox_batch_release(b);
        return rc;
    }
    if ((rc = ec_db_commit(db)) < 0)
        ec_outbox_batch_release(b);
    return rc;
}

/* Inside the caller's transaction: r is delivered (see
   ec_outbox_delivered()). */
static int
delivered_in_tx(struct ec_db *db, const struct ec_outbox_row *r)
{
    struct ec_db_param p[] = {EC_DB_I(r->tenant_id), EC_DB_I(r->id)};
    unsigned long long n = 0;
    int rc;

    rc = ec_db_exec(db,
                    "UPDATE outbox SET state = 'delivered',"
                    " delivered_at = NOW(6), lease_until = NULL,"
                    " last_error = NULL"
                    " WHERE tenant_id = ? AND id = ? AND state = 'pending'",
                    p, 2, NULL, NULL, &n);
    /* handed over: the order is with the downstream systems now (once,
       even if this row was delivered twice by two deliverers) */
    if (rc == 0 && n == 1 && strcmp(r->type, "order.paid") == 0)
        rc = ec_order_move_in_tx(db, r->tenant_id, r->order_id,
                                 EC_ORDER_SUBMITTED, NULL, NULL, NULL);
    return rc == EC_ERR_CONFLICT ? 0 : rc; /* moved on already by a report */
}

int
ec_outbox_delivered(struct ec_db *db, const struct ec_outbox_row *r)
{
    return ec_outbox_delivered_all(db, &r, 1);
}

int
ec_outbox_delivered_all(struct ec_db *db,
                        const struct ec_outbox_row *const *rows, size_t n)
{
    int rc;

    if (n == 0)
        return 0;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = delivered_in_tx(db, rows[i]);
    if (rc < 0) {
        ec_db_rollback(db);
        return rc;
    }
    return ec_db_commit(db);
}

int
ec_outbox_failed(struct ec_db *db, const struct ec_outbox_row *r,
                 const struct ec_outbox_policy *p, const char *error, int *dead)
{
    int die = r->attempts >= p->max_attempts;
    long wait =
        ec_outbox_backoff_ms(r->attempts, p->backoff_ms, p->backoff_max_ms);
    char why[EC_OUTBOX_ERROR_MAX + 1];
    struct ec_db_param q[5];

    snprintf(why, sizeof(why), "%s", error ? error : "");
    q[0] = EC_DB_I(die);
    q[1] = EC_DB_I((long long)wait * 1000);
    q[2] = EC_DB_S(why);
    q[3] = EC_DB_I(r->tenant_id);
    q[4] = EC_DB_I(r->id);
    if (dead)
        *dead = die;
    return ec_db_exec(db,
                      "UPDATE outbox SET state = IF(?, 'dead', 'pending'),"
                      " next_attempt_at = NOW(6) + INTERVAL ? MICROSECOND,"
                      " lease_until = NULL, last_error = ?"
                      " WHERE tenant_id = ? AND id = ? AND state = 'pending'",
                      q, 5, NULL, NULL, NULL);
}

/* ---- dead letters ---- */

struct dead_each {
    ec_outbox_dead_fn fn;
    void *ctx;
};

static int
read_dead(const struct ec_db_row *row, void *ctx)
{
    struct dead_each *e = ctx;
    struct ec_outbox_dead d;

    memset(&d, 0, sizeof(d));
    snprintf(d.event_id, sizeof(d.event_id), "%s", row->vals[0]);
    snprintf(d.slug, sizeof(d.slug), "%s", row->vals[1]);
    snprintf(d.order, sizeof(d.order), "%s", row->vals[2]);
    d.seq = (unsigned)strtoul(row->vals[3], NULL, 10);
    snprintf(d.type, sizeof(d.type), "%s", row->vals[4]);
    d.attempts = (unsigned)strtoul(row->vals[5], NULL, 10);
    snprintf(d.last_error, sizeof(d.last_error), "%s",
             row->vals[6] ? row->vals[6] : "");
    snprintf(d.created_at, sizeof(d.created_at), "%s", row->vals[7]);
    return e->fn(&d, e->ctx);
}

int
ec_outbox_dead_each(struct ec_db *db, long long tenant_id, unsigned limit,
                    ec_outbox_dead_fn fn, void *ctx)
{
    struct dead_each e = {fn, ctx};
    struct ec_db_param q[3] = {EC_DB_I(tenant_id), EC_DB_I(tenant_id),
                               EC_DB_I(limit)};

    return ec_db_exec(db,
                      "SELECT x.event_id, t.slug, o.public_id, x.seq, x.type,"
                      " x.attempts, x.last_error, x.created_at"
                      " FROM outbox x JOIN tenants t ON t.id = x.tenant_id"
                      " JOIN orders o ON o.id = x.order_id"
                      " AND o.tenant_id = x.tenant_id"
                      " WHERE x.state = 'dead' AND (? = 0 OR x.tenant_id = ?)"
                      " ORDER BY x.id LIMIT ?",
                      q, 3, read_dead, &e, NULL);
}

int
ec_outbox_revive(struct ec_db *db, long long tenant_id, const char *event_id,
                 unsigned long long *n)
{
    struct ec_db_param q[3] = {EC_DB_I(tenant_id), EC_DB_I(event_id != NULL),
                               EC_DB_S(event_id ? event_id : "")};

    return ec_db_exec(db,
                      "UPDATE outbox SET state = 'pending', attempts = 0,"
                      " next_attempt_at = NOW(6), lease_until = NULL,"
                      " last_error = NULL"
                      " WHERE tenant_id = ? AND state = 'dead'"
                      " AND (? = 0 OR event_id = ?)",
                      q, 3, NULL, NULL, n);
}
