/*
 * The metrics region in the Prometheus text format 0.0.4: every slot
 * summed (core/metrics.h). Read while the children write: each value is
 * read atomically, and a label set appears once its entry is complete.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/metrics_int.h"
#include "core/xalloc.h"

struct counter_def {
    enum ec_metric id;
    const char *name;
    const char *labels; /* NULL: none */
    const char *help;   /* on the first of a name */
    int seconds;        /* the counter holds microseconds */
};

/* Grouped by name: HELP and TYPE come before a name's first line. */
static const struct counter_def counters[] = {
    {EC_M_MYSQL_CALLS, "ecomd_mysql_calls_total", NULL,
     "Statements sent to MySQL (MariaDB), BEGIN and COMMIT included.", 0},
    {EC_M_MYSQL_ERRORS, "ecomd_mysql_errors_total", NULL,
     "MySQL statements that failed (duplicate keys, which callers expect, "
     "excluded).",
     0},
    {EC_M_MYSQL_RECONNECTS, "ecomd_mysql_reconnects_total", NULL,
     "Connections to MySQL made again after one was lost.", 0},
    {EC_M_REDIS_CALLS, "ecomd_redis_calls_total", NULL,
     "Commands and scripts sent to Redis.", 0},
    {EC_M_REDIS_ERRORS, "ecomd_redis_errors_total", NULL,
     "Redis commands that failed or could not be sent.", 0},
    {EC_M_REDIS_RECONNECTS, "ecomd_redis_reconnects_total", NULL,
     "Connections to Redis made again after one was lost.", 0},
    {EC_M_WORKER_RESTARTS_CRASHED, "ecomd_worker_restarts_total",
     "reason=\"crashed\"",
     "Children (workers, the delivery process) the master started again "
     "after one exited: crashed (a signal or a failure status) or recycled "
     "(max_requests).",
     0},
    {EC_M_WORKER_RESTARTS_RECYCLED, "ecomd_worker_restarts_total",
     "reason=\"recycled\"", NULL, 0},
    {EC_M_BASKET_LINES_ADDED, "ecomd_basket_lines_added_total", NULL,
     "Lines added to baskets.", 0},
    {EC_M_NUMBER_LOCKS_GRANTED, "ecomd_number_locks_total",
     "result=\"granted\"",
     "Phone-number locks: granted to a basket, refused (another basket "
     "holds the number), or found expired at checkout.",
     0},
    {EC_M_NUMBER_LOCKS_REFUSED, "ecomd_number_locks_total",
     "result=\"refused\"", NULL, 0},
    {EC_M_NUMBER_LOCKS_EXPIRED, "ecomd_number_locks_total",
     "result=\"expired\"", NULL, 0},
    {EC_M_TEMPLATE_RENDERS, "ecomd_template_renders_total", NULL,
     "Pages and mails rendered through templates.", 0},
    {EC_M_TEMPLATE_RENDER_US, "ecomd_template_render_seconds_total", NULL,
     "Time spent rendering templates.", 1},
    {EC_M_CATALOG_CACHE_HITS, "ecomd_catalog_cache_hits_total", NULL,
     "Requests served from a worker's cached catalog.", 0},
    {EC_M_CATALOG_LOADS, "ecomd_catalog_loads_total", NULL,
     "Catalogs a worker loaded from MySQL (first use or invalidation).", 0},
    {EC_M_SIGNINS_OK, "ecomd_signins_total", "result=\"ok\"",
     "Sign-ins of customers and staff: ok, failed (a wrong address, "
     "password or code) or limited (too many attempts).",
     0},
    {EC_M_SIGNINS_FAILED, "ecomd_signins_total", "result=\"failed\"", NULL, 0},
    {EC_M_SIGNINS_LIMITED, "ecomd_signins_total", "result=\"limited\"", NULL,
     0},
    {EC_M_CHECKOUTS_PLACED, "ecomd_checkouts_total", "result=\"placed\"",
     "Checkouts: an order placed, an earlier one answered again (the same "
     "Idempotency-Key), or refused (a rule of the checkout).",
     0},
    {EC_M_CHECKOUTS_REPLAYED, "ecomd_checkouts_total", "result=\"replayed\"",
     NULL, 0},
    {EC_M_CHECKOUTS_REFUSED, "ecomd_checkouts_total", "result=\"refused\"",
     NULL, 0},
    {EC_M_ORDERS_PAID, "ecomd_order_transitions_total", "to=\"paid\"",
     "Orders moved to a state.", 0},
    {EC_M_ORDERS_SUBMITTED, "ecomd_order_transitions_total", "to=\"submitted\"",
     NULL, 0},
    {EC_M_ORDERS_PROVISIONING, "ecomd_order_transitions_total",
     "to=\"provisioning\"", NULL, 0},
    {EC_M_ORDERS_COMPLETED, "ecomd_order_transitions_total", "to=\"completed\"",
     NULL, 0},
    {EC_M_ORDERS_CANCELLED, "ecomd_order_transitions_total", "to=\"cancelled\"",
     NULL, 0},
    {EC_M_OUTBOX_DELIVERED, "ecomd_outbox_attempts_total",
     "result=\"delivered\"",
     "Deliveries of outbox events to downstream receivers: delivered, "
     "failed (to be tried again) or dead (given up).",
     0},
    {EC_M_OUTBOX_FAILED, "ecomd_outbox_attempts_total", "result=\"failed\"",
     NULL, 0},
    {EC_M_OUTBOX_DEAD, "ecomd_outbox_attempts_total", "result=\"dead\"", NULL,
     0},
    {EC_M_WEBHOOKS_ACCEPTED, "ecomd_webhooks_total", "result=\"accepted\"",
     "Signed callbacks (payments, downstream reports, Contentful): "
     "accepted, rejected (a bad or stale signature, a replay, a malformed "
     "body) or duplicate (accepted, and a repeat of one seen before).",
     0},
    {EC_M_WEBHOOKS_REJECTED, "ecomd_webhooks_total", "result=\"rejected\"",
     NULL, 0},
    {EC_M_WEBHOOKS_DUPLICATE, "ecomd_webhooks_total", "result=\"duplicate\"",
     NULL, 0},
};

struct gauge_def {
    enum ec_gauge id;
    const char *name;
    const char *help;
    int from_ms; /* the gauge holds milliseconds, exposed as seconds */
};

static const struct gauge_def gauges[] = {
    {EC_G_OUTBOX_PENDING, "ecomd_outbox_pending",
     "Outbox events not delivered yet.", 0},
    {EC_G_OUTBOX_OLDEST_MS, "ecomd_outbox_oldest_pending_seconds",
     "Age of the oldest outbox event not delivered yet (0: none).", 1},
    {EC_G_OUTBOX_DEAD, "ecomd_outbox_dead_letters",
     "Outbox events given up on, waiting for an operator.", 0},
    {EC_G_MYSQL_UP, "ecomd_mysql_up",
     "1 when the delivery process's last check reached MySQL, else 0.", 0},
    {EC_G_REDIS_UP, "ecomd_redis_up",
     "1 when the delivery process's last check reached Redis, else 0.", 0},
};

static uint64_t
load(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
header(struct ec_buf *out, const char *name, const char *type, const char *help)
{
    ec_buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value, escaped as the format wants (\\, \", \n). */
static void
label_value(struct ec_buf *out, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            ec_buf_addf(out, "\\%c", *v);
        else if (*v == '\n')
            ec_buf_add(out, "\\n", 2);
        else
            ec_buf_add(out, v, 1);
    }
}

static void
expose_counters(const struct ec_metrics *m, struct ec_buf *out)
{
    const char *last = "";

    for (size_t i = 0; i < sizeof(counters) / sizeof(*counters); i++) {
        const struct counter_def *d = &counters[i];
        uint64_t sum = 0;

        for (size_t s = 0; s <= m->nslots; s++)
            sum += load(&m->sh->slots[s].c[d->id]);
        if (strcmp(last, d->name) != 0 && d->help)
            header(out, d->name, "counter", d->help);
        last = d->name;
        ec_buf_addf(out, "%s", d->name);
        if (d->labels)
            ec_buf_addf(out, "{%s}", d->labels);
        if (d->seconds)
            ec_buf_addf(out, " %llu.%06llu\n",
                        (unsigned long long)(sum / 1000000),
                        (unsigned long long)(sum % 1000000));
        else
            ec_buf_addf(out, " %llu\n", (unsigned long long)sum);
    }
    {
        uint64_t dropped = 0;

        for (size_t s = 0; s <= m->nslots; s++)
            dropped += load(&m->sh->slots[s].dropped);
        header(out, "ecomd_metrics_dropped_total", "counter",
               "Requests counted without their labels: a worker's table of "
               "label sets was full.");
        ec_buf_addf(out, "ecomd_metrics_dropped_total %llu\n",
                    (unsigned long long)dropped);
    }
}

static void
expose_gauges(const struct ec_metrics *m, struct ec_buf *out)
{
    int header_done = 0;

    for (size_t i = 0; i < sizeof(gauges) / sizeof(*gauges); i++) {
        const struct gauge_def *d = &gauges[i];
        int64_t v;

        if (!__atomic_load_n(&m->sh->gauge_set[d->id], __ATOMIC_ACQUIRE))
            continue;
        v = __atomic_load_n(&m->sh->gauges[d->id], __ATOMIC_RELAXED);
        header(out, d->name, "gauge", d->help);
        if (d->from_ms)
            ec_buf_addf(out, "%s %lld.%03lld\n", d->name, (long long)(v / 1000),
                        (long long)(v % 1000));
        else
            ec_buf_addf(out, "%s %lld\n", d->name, (long long)v);
    }
    for (size_t i = 0; i < EC_METRICS_TENANTS_MAX; i++) {
        const struct mx_tenant_gauge *t = &m->sh->numbers[i];

        if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != 1)
            continue;
        if (!header_done++)
            header(out, "ecomd_numbers_available", "gauge",
                   "Phone numbers of a tenant's pool free to sell.");
        ec_buf_addf(out, "ecomd_numbers_available{tenant=\"");
        label_value(out, t->slug);
        ec_buf_addf(out, "\"} %lld\n",
                    (long long)__atomic_load_n(&t->value, __ATOMIC_RELAXED));
    }
}

/* ---- requests ---- */

struct req_row {
    unsigned route, method, status;
    const char *tenant;
    uint64_t count;
};

static int
req_cmp(const void *pa, const void *pb)
{
    const struct req_row *a = pa, *b = pb;

    if (a->route != b->route)
        return a->route < b->route ? -1 : 1;
    if (a->method != b->method)
        return a->method < b->method ? -1 : 1;
    if (a->status != b->status)
        return a->status < b->status ? -1 : 1;
    return strcmp(a->tenant, b->tenant);
}

static const char *
route_name(unsigned r, const char *const *routes, size_t nroutes)
{
    if (r == 0)
        return "unmatched";
    return r - 1 < nroutes ? routes[r - 1] : "unknown";
}

static void
req_line(struct ec_buf *out, const struct req_row *r, uint64_t count,
         const char *const *routes, size_t nroutes)
{
    ec_buf_addf(out, "ecomd_http_requests_total{route=\"");
    label_value(out, route_name(r->route, routes, nroutes));
    ec_buf_addf(out, "\",method=\"%s\",status=\"%u\",tenant=\"",
                ec_metrics_methods[r->method % MX_NMETHODS], r->status);
    label_value(out, r->tenant);
    ec_buf_addf(out, "\"} %llu\n", (unsigned long long)count);
}

static void
expose_requests(const struct ec_metrics *m, const char *const *routes,
                size_t nroutes, struct ec_buf *out)
{
    size_t n = 0, cap = (m->nslots + 1) * MX_REQ_CAP;
    struct req_row *rows = ec_xmalloc(cap * sizeof(*rows));

    for (size_t s = 0; s <= m->nslots; s++)
        for (size_t i = 0; i < MX_REQ_CAP; i++) {
            const struct mx_req *e = &m->sh->slots[s].req[i];

            if (!__atomic_load_n(&e->ready, __ATOMIC_ACQUIRE))
                continue;
            rows[n++] = (struct req_row){e->route, e->method, e->status,
                                         e->tenant, load(&e->count)};
        }
    qsort(rows, n, sizeof(*rows), req_cmp);
    header(out, "ecomd_http_requests_total", "counter",
           "Requests answered, by the route table's pattern, method, status "
           "and tenant (\"\" before a tenant is known).");
    for (size_t i = 0; i < n;) {
        uint64_t count = 0;
        size_t j = i;

        for (; j < n && req_cmp(&rows[i], &rows[j]) == 0; j++)
            count += rows[j].count;
        req_line(out, &rows[i], count, routes, nroutes);
        i = j;
    }
    free(rows);
}

static void
expose_route_histogram(const struct ec_metrics *m, unsigned r, const char *name,
                       struct ec_buf *out)
{
    uint64_t count = 0, sum_us = 0, cumulative = 0;

    for (size_t s = 0; s <= m->nslots; s++) {
        count += load(&m->sh->slots[s].dur_count[r]);
        sum_us += load(&m->sh->slots[s].dur_sum_us[r]);
    }
    if (count == 0)
        return;
    for (size_t b = 0; b < MX_NBUCKETS; b++) {
        for (size_t s = 0; s <= m->nslots; s++)
            cumulative += load(&m->sh->slots[s].dur_bucket[r][b]);
        ec_buf_addf(out, "ecomd_http_request_duration_seconds_bucket{route=\"");
        label_value(out, name);
        ec_buf_addf(out, "\",le=\"%g\"} %llu\n",
                    (double)ec_metrics_bucket_us[b] / 1e6,
                    (unsigned long long)cumulative);
    }
    /* read after the buckets: a request counted meanwhile shows in +Inf,
       which so stays at least the sum of the buckets */
    ec_buf_addf(out, "ecomd_http_request_duration_seconds_bucket{route=\"");
    label_value(out, name);
    ec_buf_addf(out, "\",le=\"+Inf\"} %llu\n",
                (unsigned long long)(count > cumulative ? count : cumulative));
    ec_buf_addf(out, "ecomd_http_request_duration_seconds_sum{route=\"");
    label_value(out, name);
    ec_buf_addf(out, "\"} %llu.%06llu\n",
                (unsigned long long)(sum_us / 1000000),
                (unsigned long long)(sum_us % 1000000));
    ec_buf_addf(out, "ecomd_http_request_duration_seconds_count{route=\"");
    label_value(out, name);
    ec_buf_addf(out, "\"} %llu\n",
                (unsigned long long)(count > cumulative ? count : cumulative));
}

static void
expose_durations(const struct ec_metrics *m, const char *const *routes,
                 size_t nroutes, struct ec_buf *out)
{
    header(out, "ecomd_http_request_duration_seconds", "histogram",
           "Time from a request's arrival in a worker to its last byte "
           "handed to nginx, by route.");
    for (unsigned r = 0; r < MX_ROUTE_SLOTS; r++)
        expose_route_histogram(m, r, route_name(r, routes, nroutes), out);
}

void
ec_metrics_expose(const struct ec_metrics *m, const char *const *routes,
                  size_t nroutes, struct ec_buf *out)
{
    if (!m)
        return;
    expose_requests(m, routes, nroutes, out);
    expose_durations(m, routes, nroutes, out);
    expose_counters(m, out);
    expose_gauges(m, out);
}
