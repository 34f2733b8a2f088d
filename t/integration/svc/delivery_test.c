/*
 * The outbox delivered for real: orders written through svc/order.c
 * into the test stack's MariaDB are delivered by the stack's own
 * delivery process (a child of its ecomd master) to the downstream
 * simulator (t/doubles/downstream.mjs), which reports provisioning and
 * completed back through ecomd's signed endpoint. Asked here:
 *
 *   - every event arrives, in order per order, and each order ends
 *     completed;
 *   - with the receiver answering 500 for a while, the same;
 *   - with the delivery process killed (-9) mid-run, twice, the master
 *     starts a new one and no event is lost.
 *
 * Needs EC_MYSQL_PORT, EC_MYSQL_PASSWORD, EC_REDIS_PORT, EC_REDIS_USER,
 * EC_REDIS_PASSWORD, EC_DOWNSTREAM_PORT, EC_CA_FILE
 * (the stack's CA) and EC_ECOMD_PID (its master's pid file); never skips.
 * The scratch tenant "deliverytest" (a receiver in the stack's
 * downstream_file, host deliverytest.localhost) is made afresh.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../unit/test.h"
#include "core/err.h"
#include "core/log.h"
#include "net/https.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/invalidate.h"
#include "svc/order.h"

#define SLUG "deliverytest"
#define EVENTS 4 /* paid, submitted, provisioning, completed */

static struct ec_db_config cfg = {
    .host = "127.0.0.1",
    .port = 13307,
    .user = "ecom",
    .database = "ecom",
    .connect_timeout_ms = 2000,
    .read_timeout_ms = 10000,
};
static struct ec_db *db;
static struct ec_kv_config kcfg = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_kv *kv;
static struct ec_https_opts https = {.timeout_ms = 5000};
static char sim[128];
static const char *pid_file;
static long long tenant;
static unsigned key_no;

static int
read_ll(const struct ec_db_row *row, void *ctx)
{
    *(long long *)ctx = row->vals[0] ? atoll(row->vals[0]) : -1;
    return 0;
}

static void
control(const char *json)
{
    struct ec_https_resp r;
    char url[160];

    snprintf(url, sizeof(url), "%s/control", sim);
    ec_https_resp_init(&r);
    CU_ASSERT_EQUAL(ec_https_post(&https, url, "application/json", json,
                                  strlen(json), NULL, &r),
                    0);
    CU_ASSERT_EQUAL(r.status, 200);
    ec_https_resp_release(&r);
}

/* What the simulator received for order id, in arrival order. */
static struct json_object *
received(const char *id)
{
    struct ec_https_resp r;
    struct json_object *j = NULL, *events = NULL;
    char url[200];

    snprintf(url, sizeof(url), "%s/received?order=%s", sim, id);
    ec_https_resp_init(&r);
    if (ec_https_get(&https, url, &r) == 0 && r.status == 200)
        j = json_tokener_parse(r.body.data);
    ec_https_resp_release(&r);
    if (j && json_object_object_get_ex(j, "events", &events))
        json_object_get(events);
    json_object_put(j);
    return events;
}

/* A paid order of one line, as the payment callback leaves it. */
static void
paid_order(char id[EC_ORDER_ID_SIZE])
{
    struct ec_order_line_in line = {
        .sku = "PLAN-1",
        .name = "5G",
        .channel = "web",
        .binding_months = 0,
        .sim_type = "physical",
        .monthly_now = 9900,
        .one_time = 0,
        .min_total = 9900,
        .breakdown_json = "{}",
    };
    struct ec_order_new o = {
        .tenant_id = tenant,
        .currency = "DKK",
        .request_hash = "cccccccccccccccccccccccccccccccccccccccccccccccccccc"
                        "cccccccccccc",
        .name = "Levering",
        .email = "l@example.com",
        .phone = "+4520000001",
        .address = "Vej 2",
        .consent_terms = 1,
        .consent_contract_summary = 1,
        .lines = &line,
        .nlines = 1,
        .pay_within_s = 1800,
        .provider = "sim",
    };
    struct ec_order_created c;
    char key[64];

    snprintf(key, sizeof(key), "delivery-%ld-%u", (long)getpid(), ++key_no);
    o.idempotency_key = key;
    CU_ASSERT_EQUAL_FATAL(ec_order_create(db, &o, &c), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_order_move(db, NULL, tenant, c.id, EC_ORDER_PAID, NULL, NULL), 0);
    memcpy(id, c.id, EC_ORDER_ID_SIZE);
}

static long long
undelivered(void)
{
    struct ec_db_param p[] = {EC_DB_I(tenant)};
    long long n = -1;

    ec_db_exec(db,
               "SELECT COUNT(*) FROM outbox WHERE tenant_id = ? AND"
               " state <> 'delivered'",
               p, 1, read_ll, &n, NULL);
    return n;
}

static long long
not_completed(void)
{
    struct ec_db_param p[] = {EC_DB_I(tenant)};
    long long n = -1;

    ec_db_exec(db,
               "SELECT COUNT(*) FROM orders WHERE tenant_id = ? AND"
               " status <> 'completed'",
               p, 1, read_ll, &n, NULL);
    return n;
}

/* Wait up to seconds for every order completed and every event
   delivered; 1 when they are. */
static int
settled(int seconds)
{
    for (int i = 0; i < seconds * 10; i++) {
        if (not_completed() == 0 && undelivered() == 0)
            return 1;
        usleep(100000);
    }
    fprintf(stderr, "\n    not settled: %lld orders, %lld events\n",
            not_completed(), undelivered());
    return 0;
}

/* Every event of order id arrived, the first arrival of seq n+1 after
   that of n; a duplicate (a retry after a lost answer) is allowed. */
static void
assert_in_order(const char *id)
{
    struct json_object *ev = received(id), *e, *v;
    int seen[EVENTS + 1] = {0}, highest = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    for (size_t i = 0; i < json_object_array_length(ev); i++) {
        int seq;

        e = json_object_array_get_idx(ev, i);
        json_object_object_get_ex(e, "seq", &v);
        seq = json_object_get_int(v);
        CU_ASSERT(seq >= 1 && seq <= EVENTS);
        if (seq < 1 || seq > EVENTS)
            continue;
        if (!seen[seq]) {
            CU_ASSERT_EQUAL(seq, highest + 1); /* never n+1 before n */
            highest = seq;
        }
        seen[seq] = 1;
    }
    CU_ASSERT_EQUAL(highest, EVENTS);
    json_object_put(ev);
}

/* The master's child named ecomd-delivery, or 0. */
static pid_t
delivery_pid(void)
{
    FILE *f = fopen(pid_file, "r");
    long master = 0;
    DIR *d;
    struct dirent *de;
    pid_t found = 0;

    if (!f)
        return 0;
    if (fscanf(f, "%ld", &master) != 1)
        master = 0;
    fclose(f);
    d = opendir("/proc");
    while (d && (de = readdir(d))) {
        char path[300], comm[64];
        long pid, ppid;

        snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        if (fscanf(f, "%ld (%63[^)]) %*c %ld", &pid, comm, &ppid) == 3 &&
            ppid == master && strcmp(comm, "ecomd-delivery") == 0)
            found = (pid_t)pid;
        fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

static void
test_stack_is_there(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG)};

    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db, "DELETE FROM tenants WHERE slug = ?",
                                     p, 1, NULL, NULL, NULL),
                          0);
    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "INSERT INTO tenants (slug, name)"
                                     " VALUES (?, 'Delivery test')",
                                     p, 1, NULL, NULL, NULL),
                          0);
    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "SELECT id FROM tenants WHERE slug = ?", p,
                                     1, read_ll, &tenant, NULL),
                          0);
    {
        struct ec_db_param q[] = {EC_DB_I(tenant)};

        CU_ASSERT_EQUAL_FATAL(
            ec_db_exec(db,
                       "INSERT INTO tenant_domains (host, tenant_id,"
                       " is_primary) VALUES ('deliverytest.localhost', ?, 1)",
                       q, 1, NULL, NULL, NULL),
            0);
    }
    /* the workers' host cache learns of the tenant made afresh, as
       ecomctl tells them */
    CU_ASSERT_EQUAL_FATAL(ec_invalidate_tenants(kv), 0);
    control("{\"reset\": true}");
    CU_ASSERT_FATAL(delivery_pid() > 0);
}

static void
test_every_event_arrives_in_order_and_completes(void)
{
    char ids[3][EC_ORDER_ID_SIZE];

    for (int i = 0; i < 3; i++)
        paid_order(ids[i]);
    CU_ASSERT_FATAL(settled(30));
    for (int i = 0; i < 3; i++)
        assert_in_order(ids[i]);
}

static void
test_receiver_failing_for_a_while(void)
{
    char ids[5][EC_ORDER_ID_SIZE];
    struct ec_db_param p[] = {EC_DB_I(tenant)};
    long long retried = 0;

    control("{\"fail_for_ms\": 3000}");
    for (int i = 0; i < 5; i++)
        paid_order(ids[i]);
    CU_ASSERT_FATAL(settled(60));
    for (int i = 0; i < 5; i++)
        assert_in_order(ids[i]);
    ec_db_exec(db,
               "SELECT COUNT(*) FROM outbox WHERE tenant_id = ? AND"
               " attempts > 1",
               p, 1, read_ll, &retried, NULL);
    CU_ASSERT(retried > 0); /* the 500s were met, and outlived */
}

static void
test_kill_9_loses_nothing(void)
{
    char ids[10][EC_ORDER_ID_SIZE];
    pid_t first, second = 0;

    control("{\"fail_for_ms\": 1500}");
    for (int i = 0; i < 10; i++)
        paid_order(ids[i]);
    first = delivery_pid();
    CU_ASSERT_FATAL(first > 0);
    usleep(300000); /* claimed and failing */
    CU_ASSERT_EQUAL(kill(first, SIGKILL), 0);
    /* until the master reaped it and started another */
    for (int i = 0; i < 100; i++) {
        second = delivery_pid();
        if (second > 0 && second != first)
            break;
        usleep(100000);
    }
    CU_ASSERT(second > 0 && second != first); /* the master started another */
    usleep(1500000);                          /* mid-run again */
    if (second > 0)
        CU_ASSERT_EQUAL(kill(second, SIGKILL), 0);
    CU_ASSERT_FATAL(settled(60));
    for (int i = 0; i < 10; i++)
        assert_in_order(ids[i]);
    CU_ASSERT(delivery_pid() > 0);
}

static void
test_cleanup(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG)};

    CU_ASSERT_EQUAL(ec_db_exec(db, "DELETE FROM tenants WHERE slug = ?", p, 1,
                               NULL, NULL, NULL),
                    0);
    CU_ASSERT_EQUAL(ec_invalidate_tenants(kv), 0);
}

static const struct ec_test tests[] = {
    {"the stack and its delivery process are there", test_stack_is_there},
    {"every event arrives, in order, and orders complete",
     test_every_event_arrives_in_order_and_completes},
    {"the receiver answering 500 for a while",
     test_receiver_failing_for_a_while},
    {"kill -9 of the delivery process loses nothing",
     test_kill_9_loses_nothing},
    {"cleanup", test_cleanup},
    {NULL, NULL},
};

int
main(void)
{
    const char *port = getenv("EC_MYSQL_PORT"),
               *ds = getenv("EC_DOWNSTREAM_PORT");
    int rc;

    if (port)
        cfg.port = (unsigned)atoi(port);
    cfg.password = getenv("EC_MYSQL_PASSWORD");
    if (getenv("EC_REDIS_PORT"))
        kcfg.port = (unsigned)atoi(getenv("EC_REDIS_PORT"));
    kcfg.user = getenv("EC_REDIS_USER");
    kcfg.password = getenv("EC_REDIS_PASSWORD");
    kv = ec_kv_new(&kcfg);
    https.ca_file = getenv("EC_CA_FILE");
    pid_file = getenv("EC_ECOMD_PID");
    if (!pid_file)
        pid_file = "/nonexistent";
    snprintf(sim, sizeof(sim), "https://127.0.0.1:%s", ds ? ds : "19543");
    ec_log_open("stderr", "stderr", EC_LOG_ERROR);
    ec_https_global_init();
    db = ec_db_new(&cfg);
    rc = ec_test_run("delivery", tests);
    ec_db_free(db);
    ec_kv_free(kv);
    ec_https_global_cleanup();
    return rc;
}
