#include "svc/delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/seal.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/checkout.h"
#include "svc/downstream.h"
#include "svc/order.h"

struct sealed_cpr {
    char order[EC_ORDER_ID_SIZE];
    struct ec_buf sealed; /* orders.identity_sealed, or empty */
};

static int
read_sealed(const struct ec_db_row *row, void *ctx)
{
    struct sealed_cpr *s = ctx;

    snprintf(s->order, sizeof(s->order), "%s", row->vals[0]);
    if (row->vals[1])
        ec_buf_add(&s->sealed, row->vals[1], row->lens[1]);
    return 1;
}

/* 0 when the payload says its customer was not matched by MitID (no
   number to add), else 1: an event written before payloads said so is
   looked up. */
static int
may_have_cpr(struct json_object *customer)
{
    struct json_object *v;

    return !json_object_object_get_ex(customer, "identity_verified", &v) ||
           json_object_get_boolean(v);
}

/*
 * The payload of r with the order's CPR number sealed for receiver e
 * (order.customer.cpr_sealed) into out, when the order has one; else
 * out stays empty and the payload goes as stored. 0, or an ec_err (the
 * attempt fails: an event must not go without the number it should
 * carry).
 */
static int
with_cpr(const struct ec_delivery *d, const struct ec_downstream_endpoint *e,
         const struct ec_outbox_row *r, struct ec_buf *out)
{
    struct ec_db_param p[2] = {EC_DB_I(r->tenant_id), EC_DB_I(r->order_id)};
    struct sealed_cpr s = {"", EC_BUF_INIT};
    struct ec_buf mine = EC_BUF_INIT;
    struct json_object *doc, *order, *customer;
    unsigned char cpr[32];
    char context[96];
    size_t len = 0;
    int rc = 0;

    if (!d->seal)
        return 0;
    if (!(doc = json_tokener_parse(r->payload)) ||
        !json_object_object_get_ex(doc, "order", &order) ||
        !json_object_object_get_ex(order, "customer", &customer)) {
        json_object_put(doc);
        return EC_ERR_INTERNAL;
    }
    if (!may_have_cpr(customer) ||
        (rc = ec_db_exec(d->db,
                         "SELECT public_id, identity_sealed FROM orders"
                         " WHERE tenant_id = ? AND id = ?",
                         p, 2, read_sealed, &s, NULL)) < 0 ||
        s.sealed.len == 0) {
        json_object_put(doc);
        ec_buf_release(&s.sealed);
        return rc < 0 ? rc : 0;
    }
    snprintf(context, sizeof(context), "%s:%s", r->slug, EC_ORDER_CPR_CONTEXT);
    rc = ec_seal_decrypt(d->seal, context, s.sealed.data, cpr, sizeof(cpr),
                         &len) < 0 ||
                 ec_downstream_seal_cpr(e, s.order, (const char *)cpr, len,
                                        &mine) < 0
             ? EC_ERR_INTERNAL
             : 0;
    ec_mem_wipe(cpr, sizeof(cpr));
    ec_buf_release(&s.sealed);
    if (rc == 0) {
        json_object_object_add(
            customer, "cpr_sealed",
            json_object_new_string_len(mine.data, (int)mine.len));
        ec_buf_adds(
            out, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(doc);
    ec_buf_release(&mine);
    return rc;
}

static int
deliver_one(const struct ec_delivery *d, const struct ec_outbox_row *r,
            struct ec_delivery_counts *c, int *sent)
{
    const struct ec_downstream_endpoint *e =
        ec_downstream_find(d->receivers, r->slug);
    char err[EC_OUTBOX_ERROR_MAX + 1] = "";
    struct ec_buf body = EC_BUF_INIT;
    int rc = EC_ERR_NOT_FOUND, dead = 0;

    if (e && (rc = with_cpr(d, e, r, &body)) < 0)
        snprintf(err, sizeof(err),
                 "the order's CPR number could not be "
                 "sealed for the receiver");
    else if (e)
        rc = ec_downstream_send(e, d->https, r->event_id,
                                body.len ? body.data : r->payload,
                                body.len ? body.len : r->payload_len,
                                (int64_t)time(NULL), NULL, err, sizeof(err));
    else
        snprintf(err, sizeof(err), "no downstream receiver for tenant %s",
                 r->slug);
    ec_buf_release(&body);
    if (rc == 0) {
        c->delivered++;
        ec_metric_inc(EC_M_OUTBOX_DELIVERED);
        *sent = 1; /* marked with the round's others (ec_delivery_round) */
        return 0;
    }
    c->failed++;
    rc = ec_outbox_failed(d->db, r, &d->policy, err, &dead);
    ec_metric_inc(dead ? EC_M_OUTBOX_DEAD : EC_M_OUTBOX_FAILED);
    if (dead) {
        c->dead++;
        ec_log_error("outbox event %s (%s, order row %lld, seq %u) is dead "
                     "after %u attempts: %s",
                     r->event_id, r->type, r->order_id, r->seq, r->attempts,
                     err);
    } else {
        ec_log_warn("outbox event %s (%s) attempt %u failed: %s", r->event_id,
                    r->type, r->attempts, err);
    }
    return rc;
}

int
ec_delivery_round(const struct ec_delivery *d, struct ec_delivery_counts *c)
{
    const struct ec_outbox_row *done[EC_OUTBOX_BATCH_MAX];
    struct ec_delivery_counts none;
    struct ec_outbox_batch b;
    size_t ndone = 0;
    int rc, mark;

    if (!c)
        c = &none;
    memset(c, 0, sizeof(*c));
    if ((rc = ec_order_expire_due(d->db, d->kv, 64, &c->expired)) < 0)
        return rc;
    if ((rc = ec_outbox_claim(d->db, &d->policy, d->batch, &b)) < 0)
        return rc;
    c->claimed = b.n;
    for (size_t i = 0; i < b.n && rc == 0; i++) {
        int sent = 0;

        rc = deliver_one(d, &b.rows[i], c, &sent);
        if (sent)
            done[ndone++] = &b.rows[i];
    }
    /* what the receivers took, in one commit (a failure above still
       marks what was taken before it) */
    if ((mark = ec_outbox_delivered_all(d->db, done, ndone)) < 0 && rc == 0)
        rc = mark;
    ec_outbox_batch_release(&b);
    return rc;
}

/* ---- what operators watch ---- */

static int
read_outbox_gauges(const struct ec_db_row *row, void *ctx)
{
    (void)ctx;
    /* an empty outbox: no row counted, no oldest (NULL) */
    ec_metrics_gauge_set(EC_G_OUTBOX_PENDING,
                         row->vals[0] ? atoll(row->vals[0]) : 0);
    ec_metrics_gauge_set(EC_G_OUTBOX_OLDEST_MS,
                         row->vals[1] ? atoll(row->vals[1]) / 1000 : 0);
    ec_metrics_gauge_set(EC_G_OUTBOX_DEAD,
                         row->vals[2] ? atoll(row->vals[2]) : 0);
    return 0;
}

static int
read_numbers_available(const struct ec_db_row *row, void *ctx)
{
    (void)ctx;
    ec_metrics_numbers_available(row->vals[0],
                                 row->vals[1] ? atoll(row->vals[1]) : 0);
    return 0;
}

int
ec_delivery_measure(struct ec_db *db, struct ec_kv *kv)
{
    int rc;

    /* the stores /readyz asks for, as alerts see them */
    ec_metrics_gauge_set(EC_G_REDIS_UP, ec_kv_ping(kv) == 0);
    rc = ec_db_exec(db,
                    "SELECT COALESCE(SUM(state = 'pending'), 0),"
                    " TIMESTAMPDIFF(MICROSECOND,"
                    " MIN(IF(state = 'pending', created_at, NULL)), NOW(6)),"
                    " COALESCE(SUM(state = 'dead'), 0)"
                    " FROM outbox WHERE state IN ('pending', 'dead')",
                    NULL, 0, read_outbox_gauges, NULL, NULL);
    ec_metrics_gauge_set(EC_G_MYSQL_UP, rc != EC_ERR_UNAVAILABLE);
    if (rc < 0)
        return rc;
    return ec_db_exec(db,
                      "SELECT t.slug, COUNT(n.msisdn) FROM tenants t"
                      " LEFT JOIN numbers n ON n.tenant_id = t.id"
                      " AND n.status = 'available' GROUP BY t.id, t.slug",
                      NULL, 0, read_numbers_available, NULL, NULL);
}
