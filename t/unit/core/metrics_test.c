#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "core/buf.h"
#include "core/metrics.h"

static const char *const routes[] = {"/healthz", "/api/v1/products/{sku}",
                                     "/weird\"route\\"};

/* The value of the line of the exposition that starts with prefix, or
   -1 when there is none. */
static double
value_of(const struct ec_buf *b, const char *prefix)
{
    const char *p = b->data;
    size_t n = strlen(prefix);

    while (p && *p) {
        if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

static void
expose(struct ec_metrics *m, struct ec_buf *b)
{
    ec_buf_reset(b);
    ec_metrics_expose(m, routes, 3, b);
    ec_buf_add(b, "", 1); /* NUL for the string functions */
}

static void
test_nothing_recorded_without_a_slot(void)
{
    struct ec_metrics *m = ec_metrics_new(2);
    struct ec_buf b = EC_BUF_INIT;

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ec_metrics_bind(NULL, 0); /* as in ecomctl */
    ec_metric_inc(EC_M_MYSQL_CALLS);
    ec_metrics_request(0, "GET", 200, "nordlys", 100);
    ec_metrics_bind(m, 2); /* out of range: the master's is not a child's */
    ec_metric_inc(EC_M_MYSQL_CALLS);
    expose(m, &b);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_mysql_calls_total"), 0);
    CU_ASSERT_PTR_NULL(strstr(b.data, "ecomd_http_requests_total{"));
    ec_buf_release(&b);
    ec_metrics_free(m);
}

static void
test_slots_of_other_processes_are_summed(void)
{
    struct ec_metrics *m = ec_metrics_new(3);
    struct ec_buf b = EC_BUF_INIT;

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    /* two children each count in their own slot, the parent in a third */
    for (size_t i = 0; i < 2; i++) {
        pid_t pid = fork();

        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
            ec_metrics_bind(m, i);
            for (int k = 0; k < 1000; k++) {
                ec_metric_inc(EC_M_REDIS_CALLS);
                ec_metrics_request(1, "GET", 200, "nordlys", 3000);
            }
            ec_metrics_request(-1, "GET", 404, "", 100);
            _exit(0);
        }
        waitpid(pid, NULL, 0);
    }
    ec_metrics_bind(m, 2);
    ec_metric_add(EC_M_REDIS_CALLS, 5);
    ec_metrics_master_add(m, EC_M_WORKER_RESTARTS_CRASHED, 2);
    expose(m, &b);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_redis_calls_total"), 2005);
    CU_ASSERT_EQUAL(
        value_of(&b, "ecomd_worker_restarts_total{reason=\"crashed\"}"), 2);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_http_requests_total{route=\"/api/v1/"
                                 "products/{sku}\",method=\"GET\",status="
                                 "\"200\",tenant=\"nordlys\"}"),
                    2000);
    CU_ASSERT_EQUAL(value_of(&b,
                             "ecomd_http_requests_total{route=\"unmatched\","
                             "method=\"GET\",status=\"404\",tenant=\"\"}"),
                    2);
    /* one line per label set, however many slots had it */
    {
        const char *p = strstr(b.data, "tenant=\"nordlys\"}");

        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_PTR_NULL(strstr(p + 1, "status=\"200\",tenant=\"nordlys\"}"));
    }
    ec_metrics_bind(NULL, 0);
    ec_buf_release(&b);
    ec_metrics_free(m);
}

static void
test_histogram_buckets_are_cumulative(void)
{
    struct ec_metrics *m = ec_metrics_new(1);
    struct ec_buf b = EC_BUF_INIT;
    const char *h = "ecomd_http_request_duration_seconds";
    char name[160];

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ec_metrics_bind(m, 0);
    ec_metrics_request(0, "GET", 200, "x", 500);       /* 0.5 ms */
    ec_metrics_request(0, "GET", 200, "x", 1000);      /* 1 ms: le 0.001 */
    ec_metrics_request(0, "GET", 200, "x", 7000);      /* 7 ms */
    ec_metrics_request(0, "HEAD", 200, "x", 30000000); /* 30 s: +Inf only */
    expose(m, &b);
    snprintf(name, sizeof(name), "%s_bucket{route=\"/healthz\",le=\"0.001\"}",
             h);
    CU_ASSERT_EQUAL(value_of(&b, name), 2);
    snprintf(name, sizeof(name), "%s_bucket{route=\"/healthz\",le=\"0.005\"}",
             h);
    CU_ASSERT_EQUAL(value_of(&b, name), 2);
    snprintf(name, sizeof(name), "%s_bucket{route=\"/healthz\",le=\"0.01\"}",
             h);
    CU_ASSERT_EQUAL(value_of(&b, name), 3);
    snprintf(name, sizeof(name), "%s_bucket{route=\"/healthz\",le=\"10\"}", h);
    CU_ASSERT_EQUAL(value_of(&b, name), 3);
    snprintf(name, sizeof(name), "%s_bucket{route=\"/healthz\",le=\"+Inf\"}",
             h);
    CU_ASSERT_EQUAL(value_of(&b, name), 4);
    snprintf(name, sizeof(name), "%s_count{route=\"/healthz\"}", h);
    CU_ASSERT_EQUAL(value_of(&b, name), 4);
    snprintf(name, sizeof(name), "%s_sum{route=\"/healthz\"}", h);
    CU_ASSERT_DOUBLE_EQUAL(value_of(&b, name), 30.0085, 1e-9);
    /* a route without requests has no series */
    CU_ASSERT_PTR_NULL(strstr(b.data, "_count{route=\"/api/v1/products"));
    ec_metrics_bind(NULL, 0);
    ec_buf_release(&b);
    ec_metrics_free(m);
}

static void
test_labels_are_escaped_and_types_declared_once(void)
{
    struct ec_metrics *m = ec_metrics_new(1);
    struct ec_buf b = EC_BUF_INIT;
    const char *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ec_metrics_bind(m, 0);
    ec_metrics_request(2, "BREW", 418, "a\"b", 10);
    ec_metric_inc(EC_M_SIGNINS_OK);
    ec_metric_inc(EC_M_SIGNINS_LIMITED);
    ec_metric_add(EC_M_TEMPLATE_RENDER_US, 1500);
    expose(m, &b);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        b.data, "ecomd_http_requests_total{route=\"/weird\\\"route\\\\\","
                "method=\"other\",status=\"418\",tenant=\"a\\\"b\"} 1\n"));
    p = strstr(b.data, "# TYPE ecomd_signins_total counter\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NULL(strstr(p + 1, "# TYPE ecomd_signins_total"));
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_signins_total{result=\"ok\"}"), 1);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_signins_total{result=\"failed\"}"), 0);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_signins_total{result=\"limited\"}"), 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(b.data, "ecomd_template_render_seconds_total 0.001500\n"));
    /* every line is a comment or "name[{labels}] value" */
    for (p = b.data; *p; p = strchr(p, '\n') + 1) {
        const char *eol = strchr(p, '\n');

        CU_ASSERT_PTR_NOT_NULL_FATAL(eol);
        CU_ASSERT(*p == '#' || strncmp(p, "ecomd_", 6) == 0);
    }
    ec_metrics_bind(NULL, 0);
    ec_buf_release(&b);
    ec_metrics_free(m);
}

static void
test_gauges_and_tenants(void)
{
    struct ec_metrics *m = ec_metrics_new(1);
    struct ec_buf b = EC_BUF_INIT;

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    expose(m, &b);
    /* never measured: not shown (rather than a made-up 0) */
    CU_ASSERT_PTR_NULL(strstr(b.data, "ecomd_outbox_pending"));
    ec_metrics_bind(m, 0);
    ec_metrics_gauge_set(EC_G_OUTBOX_PENDING, 12);
    ec_metrics_gauge_set(EC_G_OUTBOX_OLDEST_MS, 2500);
    ec_metrics_numbers_available("nordlys", 40);
    ec_metrics_numbers_available("fjordmobil", 7);
    ec_metrics_numbers_available("nordlys", 39);
    expose(m, &b);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_outbox_pending"), 12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(&b, "ecomd_outbox_oldest_pending_seconds"),
                           2.5, 1e-9);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_numbers_available{tenant=\"nordlys\"}"),
                    39);
    CU_ASSERT_EQUAL(
        value_of(&b, "ecomd_numbers_available{tenant=\"fjordmobil\"}"), 7);
    ec_metrics_bind(NULL, 0);
    ec_buf_release(&b);
    ec_metrics_free(m);
}

static void
test_a_full_table_counts_dropped(void)
{
    struct ec_metrics *m = ec_metrics_new(1);
    struct ec_buf b = EC_BUF_INIT;
    char tenant[16];

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ec_metrics_bind(m, 0);
    for (int i = 0; i < 1100; i++) {
        snprintf(tenant, sizeof(tenant), "t%d", i);
        ec_metrics_request(0, "GET", 200, tenant, 10);
    }
    expose(m, &b);
    CU_ASSERT_EQUAL(value_of(&b, "ecomd_metrics_dropped_total"), 1100 - 1024);
    /* the histogram still counts every one */
    CU_ASSERT_EQUAL(
        value_of(
            &b,
            "ecomd_http_request_duration_seconds_count{route=\"/healthz\"}"),
        1100);
    ec_metrics_bind(NULL, 0);
    ec_buf_release(&b);
    ec_metrics_free(m);
}

static const struct ec_test tests[] = {
    {"a process without a slot records nothing",
     test_nothing_recorded_without_a_slot},
    {"the slots of other processes are summed",
     test_slots_of_other_processes_are_summed},
    {"histogram buckets are cumulative", test_histogram_buckets_are_cumulative},
    {"labels are escaped, types declared once",
     test_labels_are_escaped_and_types_declared_once},
    {"gauges and per-tenant gauges", test_gauges_and_tenants},
    {"a full label table counts the rest as dropped",
     test_a_full_table_counts_dropped},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("core/metrics", tests);
}
