/*
 * Metrics in shared memory (docs/operations.md, "Metrics").
 *
 * The master maps one region before it forks anything. Every child gets
 * a slot of its own and is its slot's only writer, so recording takes no
 * lock and no system call: a relaxed atomic add on memory no other
 * process writes. A scrape reads every slot and sums (ec_metrics_expose).
 *
 * A slot outlives its process: the master hands a dead child's slot to
 * the next child it starts, which counts on from there, so a counter
 * summed over the slots never goes back (Prometheus' counter rule) while
 * workers die, are recycled or replaced by a reload.
 *
 * In a process without a slot (ecomctl, the unit tests of other files)
 * every recording function does nothing.
 */
#ifndef EC_CORE_METRICS_H
#define EC_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct ec_buf;

/* Counters without labels of their own (the table in metrics.c gives
   each its name, labels and help). */
enum ec_metric {
    EC_M_MYSQL_CALLS,
    EC_M_MYSQL_ERRORS,
    EC_M_MYSQL_RECONNECTS,
    EC_M_REDIS_CALLS,
    EC_M_REDIS_ERRORS,
    EC_M_REDIS_RECONNECTS,
    EC_M_WORKER_RESTARTS_CRASHED,  /* died, the master started another */
    EC_M_WORKER_RESTARTS_RECYCLED, /* left cleanly (max_requests) */
    EC_M_BASKET_LINES_ADDED,
    EC_M_NUMBER_LOCKS_GRANTED,
    EC_M_NUMBER_LOCKS_REFUSED,
    EC_M_NUMBER_LOCKS_EXPIRED, /* a basket line's lock found gone */
    EC_M_TEMPLATE_RENDERS,
    EC_M_TEMPLATE_RENDER_US, /* their time, in microseconds */
    EC_M_CATALOG_CACHE_HITS,
    EC_M_CATALOG_LOADS,
    EC_M_SIGNINS_OK,
    EC_M_SIGNINS_FAILED,
    EC_M_SIGNINS_LIMITED,
    EC_M_CHECKOUTS_PLACED,
    EC_M_CHECKOUTS_REPLAYED,
    EC_M_CHECKOUTS_REFUSED,
    EC_M_ORDERS_PAID,
    EC_M_ORDERS_SUBMITTED,
    EC_M_ORDERS_PROVISIONING,
    EC_M_ORDERS_COMPLETED,
    EC_M_ORDERS_CANCELLED,
    EC_M_OUTBOX_DELIVERED,
    EC_M_OUTBOX_FAILED,
    EC_M_OUTBOX_DEAD,
    EC_M_WEBHOOKS_ACCEPTED,
    EC_M_WEBHOOKS_REJECTED, /* bad signature, stale, malformed */
    EC_M_WEBHOOKS_DUPLICATE,
    EC_M__COUNT
};

/* Values the delivery process measures now and then; the last one
   written is exposed. */
enum ec_gauge {
    EC_G_OUTBOX_PENDING,   /* events not yet delivered */
    EC_G_OUTBOX_OLDEST_MS, /* age of the oldest of them */
    EC_G_OUTBOX_DEAD,      /* dead letters waiting for an operator */
    EC_G_MYSQL_UP,         /* 1: the last check reached MySQL */
    EC_G_REDIS_UP,         /* 1: the last check reached Redis */
    EC_G__COUNT
};

#define EC_METRICS_ROUTES_MAX 255  /* route indexes 0..254 */
#define EC_METRICS_TENANT_MAX 48   /* a slug, NUL included */
#define EC_METRICS_TENANTS_MAX 256 /* numbers-available gauges */

struct ec_metrics;

/*
 * Map a region with nslots slots (shared with the children forked
 * afterwards). NULL when the kernel refuses the mapping.
 */
struct ec_metrics *ec_metrics_new(size_t nslots);
void ec_metrics_free(struct ec_metrics *m);
size_t ec_metrics_nslots(const struct ec_metrics *m);

/* This process records into slot i of m from now on (a child, right
   after the fork); m NULL or i out of range: it records nothing. */
void ec_metrics_bind(struct ec_metrics *m, size_t i);

/* Add n to counter c of this process's slot. */
void ec_metric_add(enum ec_metric c, uint64_t n);
#define ec_metric_inc(c) ec_metric_add((c), 1)

/* Counters the master keeps itself (its own slot is the last one). */
void ec_metrics_master_add(struct ec_metrics *m, enum ec_metric c, uint64_t n);

/* Set gauge g (shared by every process: the last write is exposed). */
void ec_metrics_gauge_set(enum ec_gauge g, int64_t v);

/* The free numbers of tenant slug (the delivery process counts them). */
void ec_metrics_numbers_available(const char *slug, int64_t n);

/*
 * One request served: route index (of the route table; -1 when none
 * matched), method ("GET"...), status, tenant slug (NULL: none) and its
 * duration in microseconds.
 */
void ec_metrics_request(int route, const char *method, int status,
                        const char *tenant, uint64_t duration_us);

/*
 * Append every metric, summed over the slots, in the Prometheus text
 * format 0.0.4 to out; route i is labelled routes[i] (nroutes of them),
 * a request that matched none "unmatched".
 */
void ec_metrics_expose(const struct ec_metrics *m, const char *const *routes,
                       size_t nroutes, struct ec_buf *out);

#endif
