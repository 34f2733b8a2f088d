#include "svc/payment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/rand.h"
#include "store/db.h"
#include "svc/order.h"

struct pay_row {
    int found;
    long long id, order_id;
    char status[16];
};

static int
read_pay_row(const struct ec_db_row *row, void *ctx)
{
    struct pay_row *p = ctx;

    p->found = 1;
    p->id = strtoll(row->vals[0], NULL, 10);
    p->order_id = strtoll(row->vals[1], NULL, 10);
    snprintf(p->status, sizeof(p->status), "%s", row->vals[2]);
    return 0;
}

static const char *
payment_status(enum ec_payment_outcome o)
{
    switch (o) {
    case EC_PAYMENT_PAID:
        return "paid";
    case EC_PAYMENT_DECLINED:
        return "failed";
    case EC_PAYMENT_CANCELLED:
        return "cancelled";
    case EC_PAYMENT_EXPIRED:
        return "expired";
    case EC_PAYMENT_NONE:
        break;
    }
    return NULL;
}

static const char *
cancel_reason(enum ec_payment_outcome o)
{
    return o == EC_PAYMENT_DECLINED    ? "payment_declined"
           : o == EC_PAYMENT_CANCELLED ? "payment_cancelled"
                                       : "payment_expired";
}

static int
apply_in_tx(struct ec_db *db, long long tenant_id,
            const struct ec_payment_event *ev, int *duplicate, int *freed)
{
    struct pay_row pay = {0};
    struct ec_db_param find[] = {EC_DB_I(tenant_id), EC_DB_S(ev->provider),
                                 EC_DB_S(ev->ref)};
    const char *st = payment_status(ev->outcome);
    enum ec_order_status to;
    int rc;

    rc = ec_db_exec(db,
                    "SELECT id, order_id, status FROM payments"
                    " WHERE tenant_id = ? AND provider = ? AND provider_ref = ?"
                    " FOR UPDATE",
                    find, 3, read_pay_row, &pay, NULL);
    if (rc < 0)
        return rc;
    if (!pay.found)
        return EC_ERR_NOT_FOUND;
    {
        struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(ev->provider),
                                  EC_DB_S(ev->event_id), EC_DB_S(ev->type),
                                  EC_DB_I(pay.id)};

        rc = ec_db_exec(db,
                        "INSERT INTO payment_events (tenant_id, provider,"
                        " event_id, type, payment_id) VALUES (?, ?, ?, ?, ?)",
                        p, 5, NULL, NULL, NULL);
    }
    if (rc == EC_ERR_CONFLICT) {
        *duplicate = 1;
        return 0;
    }
    if (rc < 0 || !st)
        return rc;
    /* a paid payment stays paid whatever comes after it */
    if (strcmp(pay.status, "paid") == 0)
        return 0;
    {
        struct ec_db_param u[] = {EC_DB_S(st), EC_DB_I(tenant_id),
                                  EC_DB_I(pay.id)};

        rc = ec_db_exec(db,
                        "UPDATE payments SET status = ? WHERE tenant_id = ?"
                        " AND id = ?",
                        u, 3, NULL, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    to = ev->outcome == EC_PAYMENT_PAID ? EC_ORDER_PAID : EC_ORDER_CANCELLED;
    rc = ec_order_move_in_tx(
        db, tenant_id, pay.order_id, to,
        to == EC_ORDER_CANCELLED ? cancel_reason(ev->outcome) : NULL, NULL,
        freed);
    if (rc == EC_ERR_CONFLICT) {
        if (to == EC_ORDER_PAID)
            ec_log_error("payment %lld (%s) paid for order %lld, which is "
                         "no longer awaiting payment: refund it",
                         pay.id, ev->provider, pay.order_id);
        rc = 0; /* the event is recorded; the order stays as it is */
    }
    return rc;
}

int
ec_payment_apply(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                 const struct ec_payment_event *ev, int *duplicate)
{
    int rc, dup = 0, freed = 0;

    if (duplicate)
        *duplicate = 0;
    if (!ev->event_id || !*ev->event_id ||
        strlen(ev->event_id) > EC_PAYMENT_REF_MAX || !ev->ref ||
        strlen(ev->ref) > EC_PAYMENT_REF_MAX || !ev->type ||
        strlen(ev->type) > 64)
        return EC_ERR_INVALID_FIELD;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = apply_in_tx(db, tenant_id, ev, &dup, &freed);
    if (rc < 0 || dup) {
        ec_db_rollback(db);
        if (dup)
            ec_metric_inc(EC_M_WEBHOOKS_DUPLICATE);
        if (duplicate)
            *duplicate = dup;
        return rc;
    }
    if ((rc = ec_db_commit(db)) < 0)
        return rc;
    if (freed)
        ec_order_announce_numbers(db, kv, tenant_id);
    return 0;
}

int
ec_payment_started(struct ec_db *db, long long tenant_id,
                   const char *payment_id, const char *ref, const char *url)
{
    struct ec_db_param p[] = {EC_DB_S(ref), EC_DB_S(url), EC_DB_I(tenant_id),
                              EC_DB_S(payment_id)};
    unsigned long long n = 0;
    int rc;

    rc = ec_db_exec(db,
                    "UPDATE payments SET provider_ref = ?, url = ?,"
                    " status = IF(status = 'created', 'pending', status)"
                    " WHERE tenant_id = ? AND public_id = ?",
                    p, 4, NULL, NULL, &n);
    if (rc < 0)
        return rc;
    return n == 1 ? 0 : EC_ERR_NOT_FOUND;
}

static int
read_info(const struct ec_db_row *row, void *ctx)
{
    struct ec_payment_info *p = ctx;

    snprintf(p->id, sizeof(p->id), "%s", row->vals[0]);
    snprintf(p->order_id, sizeof(p->order_id), "%s", row->vals[1]);
    snprintf(p->provider, sizeof(p->provider), "%s", row->vals[2]);
    snprintf(p->status, sizeof(p->status), "%s", row->vals[3]);
    snprintf(p->currency, sizeof(p->currency), "%s", row->vals[4]);
    p->amount = strtoll(row->vals[5], NULL, 10);
    return 1;
}

int
ec_payment_get(struct ec_db *db, long long tenant_id, const char *payment_id,
               struct ec_payment_info *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(payment_id)};
    int rc;

    memset(out, 0, sizeof(*out));
    if (!ec_hex_valid(payment_id, 32))
        return EC_ERR_NOT_FOUND;
    rc = ec_db_exec(db,
                    "SELECT p.public_id, o.public_id, p.provider, p.status,"
                    " p.currency, p.amount FROM payments p"
                    " JOIN orders o ON o.id = p.order_id"
                    " WHERE p.tenant_id = ? AND p.public_id = ?",
                    p, 2, read_info, out, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : EC_ERR_NOT_FOUND;
}
