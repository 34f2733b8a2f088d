#include "svc/delivery.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "svc/downstream.h"
#include "svc/order.h"

static int
deliver_one(const struct ec_delivery *d, const struct ec_outbox_row *r,
            struct ec_delivery_counts *c)
{
    const struct ec_downstream_endpoint *e =
        ec_downstream_find(d->receivers, r->slug);
    char err[EC_OUTBOX_ERROR_MAX + 1] = "";
    int rc = EC_ERR_NOT_FOUND, dead = 0;

    if (e)
        rc = ec_downstream_send(e, d->https, r->event_id, r->payload,
                                r->payload_len, (int64_t)time(NULL), NULL, err,
                                sizeof(err));
    else
        snprintf(err, sizeof(err), "no downstream receiver for tenant %s",
                 r->slug);
    if (rc == 0) {
        c->delivered++;
        return ec_outbox_delivered(d->db, r);
    }
    c->failed++;
    rc = ec_outbox_failed(d->db, r, &d->policy, err, &dead);
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
    struct ec_delivery_counts none;
    struct ec_outbox_batch b;
    int rc;

    if (!c)
        c = &none;
    memset(c, 0, sizeof(*c));
    if ((rc = ec_order_expire_due(d->db, d->kv, 64, &c->expired)) < 0)
        return rc;
    if ((rc = ec_outbox_claim(d->db, &d->policy, d->batch, &b)) < 0)
        return rc;
    c->claimed = b.n;
    for (size_t i = 0; i < b.n && rc == 0; i++)
        rc = deliver_one(d, &b.rows[i], c);
    ec_outbox_batch_release(&b);
    return rc;
}
