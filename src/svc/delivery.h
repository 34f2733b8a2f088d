/*
 * One round of the delivery process (proc/delivery.c): cancel the orders
 * whose payment did not come in time, then claim due outbox rows and
 * POST each to its tenant's receiver (svc/outbox.h, svc/downstream.h).
 * A row is marked delivered only after a 2xx; any other outcome, a tenant
 * without a receiver included, is a failed attempt with its back-off.
 *
 * The outbox stores an order's events without its CPR number; an event
 * of an order that has one (MitID matched it, orders.identity_sealed)
 * gets it when it is sent, sealed for that receiver
 * (order.customer.cpr_sealed, ec_downstream_seal_cpr()), so nothing the
 * receiver could open lies in the outbox, and the number in clear lives
 * only on the stack of deliver_one() for a moment.
 */
#ifndef EC_SVC_DELIVERY_H
#define EC_SVC_DELIVERY_H

#include <stddef.h>

#include "svc/outbox.h"

struct ec_db;
struct ec_downstream;
struct ec_https_opts;
struct ec_kv;
struct ec_seal;

struct ec_delivery {
    struct ec_db *db;
    struct ec_kv *kv; /* announces numbers given back; may be NULL */
    const struct ec_downstream *receivers;
    /* opens the CPR number an order keeps sealed, to seal it again for
       the receiver (order.customer.cpr_sealed); NULL: events carry none */
    const struct ec_seal *seal;
    const struct ec_https_opts *https;
    struct ec_outbox_policy policy;
    size_t batch;
};

struct ec_delivery_counts {
    size_t claimed, delivered, failed, dead, expired;
};

/* One round; *c (may be NULL) gets what it did. 0, or a store error
   (rows claimed and not finished are taken again when their lease ends). */
int ec_delivery_round(const struct ec_delivery *d,
                      struct ec_delivery_counts *c);

/*
 * Measure what operators watch and alerts fire on (core/metrics.h):
 * whether MySQL and Redis answer, the outbox events pending, the age of
 * the oldest, the dead letters, and each tenant's numbers free to sell.
 * A few counting queries: the delivery process runs this every
 * EC_DELIVERY_MEASURE_MS, not per round. 0 or a store error.
 */
#define EC_DELIVERY_MEASURE_MS 15000
int ec_delivery_measure(struct ec_db *db, struct ec_kv *kv);

#endif
