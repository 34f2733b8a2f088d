/*
 * The layout of the metrics region, shared by the code that records
 * (core/metrics_record.c) and the code that exposes (core/metrics_expose.c).
 * Nothing else sees it.
 */
#ifndef EC_CORE_METRICS_INT_H
#define EC_CORE_METRICS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"

/* label sets of ecomd_http_requests_total a slot keeps; more are counted
   as dropped (a table this size holds every route × status × tenant a
   worker sees in practice: the labels come from the route table and
   the tenants, never from what a client sends) */
#define MX_REQ_CAP 1024
#define MX_ROUTE_SLOTS (EC_METRICS_ROUTES_MAX + 1) /* + "unmatched" */

/* upper bounds of the duration buckets, in microseconds; +Inf after */
#define MX_NBUCKETS 12
extern const uint64_t ec_metrics_bucket_us[MX_NBUCKETS];

#define MX_NMETHODS 8
extern const char *const ec_metrics_methods[MX_NMETHODS];

struct mx_req {
    uint32_t ready; /* 0 empty; 1 the key below is written */
    uint16_t route; /* index + 1; 0: no route matched */
    uint16_t status;
    uint8_t method;
    char tenant[EC_METRICS_TENANT_MAX];
    uint64_t count;
};

struct mx_slot {
    uint64_t c[EC_M__COUNT];
    uint64_t dropped;
    uint64_t dur_count[MX_ROUTE_SLOTS];
    uint64_t dur_sum_us[MX_ROUTE_SLOTS];
    uint64_t dur_bucket[MX_ROUTE_SLOTS]
                       [MX_NBUCKETS]; /* per bucket, not summed */
    struct mx_req req[MX_REQ_CAP];
};

struct mx_tenant_gauge {
    uint32_t state; /* 0 empty, 2 being written, 1 ready */
    char slug[EC_METRICS_TENANT_MAX];
    int64_t value;
};

struct mx_shared {
    int64_t gauges[EC_G__COUNT];
    uint32_t gauge_set[EC_G__COUNT];
    struct mx_tenant_gauge numbers[EC_METRICS_TENANTS_MAX];
    struct mx_slot slots[]; /* the children's, then the master's */
};

struct ec_metrics {
    struct mx_shared *sh;
    size_t nslots; /* the children's */
    size_t bytes;
};

#endif
