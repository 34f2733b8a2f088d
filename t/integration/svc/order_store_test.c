/*
 * Orders, payments and reports against the test stack's MariaDB (and
 * Redis, for the announcement of numbers given back): the state machine
 * and its outbox rows, idempotent creation, numbers assigned by exactly
 * one of many racing checkouts, callbacks that change nothing unless
 * verified and new, a declined or unpaid order giving its numbers back,
 * and the downstream receiver's reports.
 *
 * Orders are written through svc/order.c as the checkout will write
 * them. Never skips: without the database the first test fails. The
 * scratch tenants "ordertest" and "ordertest2" are deleted, with
 * everything they hold, at the start and the end.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../unit/test.h"
#include "fixture.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/sighead.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/delivery.h"
#include "svc/downstream.h"
#include "svc/order.h"
#include "svc/order_admin.h"
#include "svc/outbox.h"
#include "svc/payment.h"

#define SLUG "ordertest"
#define SLUG2 "ordertest2"

static struct ec_db_config cfg = {
    .host = "127.0.0.1",
    .port = 13307,
    .user = "ecom",
    .database = "ecom",
    .connect_timeout_ms = 2000,
    .read_timeout_ms = 10000,
};
static struct ec_kv_config kcfg = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_db *db;
static struct ec_kv *kv;
static long long tenant, tenant2;
static const unsigned char sim_key[32] = "a simulator key of 32 bytes ...";
static unsigned key_no;

static int
read_str(const struct ec_db_row *row, void *ctx)
{
    snprintf(ctx, 64, "%s", row->vals[0] ? row->vals[0] : "(null)");
    return 0;
}

static long long
count(const char *sql, long long id)
{
    struct ec_db_param p[] = {EC_DB_I(id)};
    long long n = -1;

    CU_ASSERT_EQUAL(ec_db_exec(db, sql, p, 1, fixture_read_ll, &n, NULL), 0);
    return n;
}

static void
number_status(const char *msisdn, char out[64])
{
    struct ec_db_param p[] = {EC_DB_I(tenant), EC_DB_S(msisdn)};

    strcpy(out, "(none)");
    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "SELECT status FROM numbers WHERE tenant_id = ?"
                               " AND msisdn = ?",
                               p, 2, read_str, out, NULL),
                    0);
}

static int
drop_tenants(void)
{
    return ec_db_exec(
        db, "DELETE FROM tenants WHERE slug IN ('" SLUG "', '" SLUG2 "')", NULL,
        0, NULL, NULL, NULL);
}

static void
add_number(const char *msisdn)
{
    struct ec_db_param p[] = {EC_DB_I(tenant), EC_DB_S(msisdn)};

    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "INSERT INTO numbers (tenant_id, msisdn)"
                                     " VALUES (?, ?)",
                                     p, 2, NULL, NULL, NULL),
                          0);
}

/* A new order of one line with msisdn (may be NULL) at provider, sold
   by sales agent agent (a staff id; 0: the customer's own). */
static int
order_by(long long tid, const char *msisdn, const char *provider,
         const char *key, const char *hash, long long agent,
         struct ec_order_created *out)
{
    struct ec_order_line_in line = {
        .sku = "PLAN-1",
        .name = "5G 100 GB",
        .channel = "web",
        .binding_months = 6,
        .sim_type = "esim",
        .msisdn = msisdn,
        .monthly_now = 9900,
        .one_time = 2900,
        .min_total = 2900 + 6 * 9900,
        .breakdown_json = "{\"monthly_now\": 9900}",
    };
    struct ec_order_new o = {
        .tenant_id = tid,
        .currency = "DKK",
        .idempotency_key = key,
        .request_hash = hash,
        .name = "Test Kunde",
        .email = "kunde@example.com",
        .phone = "+4520000000",
        .address = "Testvej 1, 2100 København Ø",
        .consent_terms = 1,
        .consent_contract_summary = 1,
        .contract_summary = "Resumé af kontrakten",
        .lines = &line,
        .nlines = 1,
        .pay_within_s = 1800,
        .provider = provider,
        .agent_staff_id = agent,
    };

    return ec_order_create(db, &o, out);
}

/* The same, the customer's own. */
static int
order_with(long long tid, const char *msisdn, const char *provider,
           const char *key, const char *hash, struct ec_order_created *out)
{
    return order_by(tid, msisdn, provider, key, hash, 0, out);
}

static const char hash_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hash_b[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static void
new_key(char *key, size_t n)
{
    snprintf(key, n, "key-%ld-%u", (long)getpid(), ++key_no);
}

/* A new sim order (numbered msisdn or none), its payment started. */
static void
sim_order(const char *msisdn, struct ec_order_created *out)
{
    char key[64];
    struct ec_buf url = EC_BUF_INIT;

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant, msisdn, "sim", key, hash_a, out),
                          0);
    ec_payment_sim_url(&url, out->payment_id);
    CU_ASSERT_EQUAL_FATAL(ec_payment_started(db, tenant, out->payment_id,
                                             out->payment_id, url.data),
                          0);
    ec_buf_release(&url);
}

static enum ec_order_status
status_of(const char *id)
{
    struct ec_order_info o;

    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, id, &o), 0);
    return o.status;
}

static long long
outbox_rows(const char *id)
{
    struct ec_order_info o;

    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, id, &o), 0);
    return count("SELECT COUNT(*) FROM outbox WHERE order_id = ?", o.id);
}

static void
test_services_are_there(void)
{
    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    CU_ASSERT_EQUAL_FATAL(ec_kv_ping(kv), 0);
    CU_ASSERT_EQUAL_FATAL(drop_tenants(), 0);
    tenant = fixture_make_tenant(db, SLUG, "Order test");
    tenant2 = fixture_make_tenant(db, SLUG2, "Order test");
    for (int i = 0; i < 9; i++) {
        char n[16];

        snprintf(n, sizeof(n), "+459100000%d", i);
        add_number(n);
    }
}

/* The legal path, one outbox row a step, in sequence; illegal moves and
   repeats change nothing. */
static void
test_state_machine_writes_one_event_a_move(void)
{
    struct ec_order_created o;
    struct ec_order_info info;
    int changed = -1;
    char key[64];

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant, NULL, "sim", key, hash_a, &o), 0);
    CU_ASSERT_EQUAL(o.due_now, 9900 + 2900);
    CU_ASSERT_EQUAL(strlen(o.id), 32);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PENDING_PAYMENT);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 0);

    CU_ASSERT_EQUAL(
        ec_order_move(db, kv, tenant, o.id, EC_ORDER_COMPLETED, NULL, &changed),
        EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL(
        ec_order_move(db, kv, tenant, o.id, EC_ORDER_SUBMITTED, NULL, &changed),
        EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PENDING_PAYMENT);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 0);

    static const enum ec_order_status path[] = {
        EC_ORDER_PAID, EC_ORDER_SUBMITTED, EC_ORDER_PROVISIONING,
        EC_ORDER_COMPLETED};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(
            ec_order_move(db, kv, tenant, o.id, path[i], NULL, &changed), 0);
        CU_ASSERT_EQUAL(changed, 1);
        CU_ASSERT_EQUAL(status_of(o.id), path[i]);
        CU_ASSERT_EQUAL(outbox_rows(o.id), (long long)i + 1);
    }
    /* a repeat is no error and no event */
    CU_ASSERT_EQUAL(
        ec_order_move(db, kv, tenant, o.id, EC_ORDER_COMPLETED, NULL, &changed),
        0);
    CU_ASSERT_EQUAL(changed, 0);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 4);
    /* nothing leaves completed */
    CU_ASSERT_EQUAL(
        ec_order_move(db, kv, tenant, o.id, EC_ORDER_CANCELLED, "x", &changed),
        EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, o.id, &info), 0);
    CU_ASSERT_EQUAL(
        count("SELECT MAX(seq) FROM outbox WHERE order_id = ?", info.id), 4);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM outbox WHERE order_id = ? AND"
                          " JSON_VALUE(payload, '$.order.status') = 'completed'"
                          " AND type = 'order.completed' AND seq = 4",
                          info.id),
                    1);
}

static void
test_same_key_same_order_other_body_refused(void)
{
    struct ec_order_created a, b;
    char key[64];

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant, NULL, "sim", key, hash_a, &a), 0);
    CU_ASSERT_EQUAL(a.replayed, 0);
    CU_ASSERT_EQUAL(order_with(tenant, NULL, "sim", key, hash_a, &b), 0);
    CU_ASSERT_EQUAL(b.replayed, 1);
    EC_ASSERT_STR(b.id, a.id);
    EC_ASSERT_STR(b.payment_id, a.payment_id);
    CU_ASSERT_EQUAL(order_with(tenant, NULL, "sim", key, hash_b, &b),
                    EC_ERR_CONFLICT);
    /* the key is the tenant's: another tenant may use the same one */
    CU_ASSERT_EQUAL(order_with(tenant2, NULL, "sim", key, hash_b, &b), 0);
    CU_ASSERT_EQUAL(b.replayed, 0);
    /* and cannot see this tenant's order */
    {
        struct ec_order_info info;

        CU_ASSERT_EQUAL(ec_order_get(db, tenant2, a.id, &info),
                        EC_ERR_NOT_FOUND);
    }
}

/* A number assigned to one order is taken for the next; nothing of the
   second is written. */
static void
test_number_taken_writes_nothing(void)
{
    struct ec_order_created a, b;
    char key[64], st[64];
    long long before;

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(
        order_with(tenant, "+4591000001", "sim", key, hash_a, &a), 0);
    number_status("+4591000001", st);
    EC_ASSERT_STR(st, "assigned");
    before = count("SELECT COUNT(*) FROM orders WHERE tenant_id = ?", tenant);
    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL(order_with(tenant, "+4591000001", "sim", key, hash_a, &b),
                    EC_ERR_NUMBER_TAKEN);
    EC_ASSERT_STR(b.taken, "+4591000001");
    CU_ASSERT_EQUAL(
        count("SELECT COUNT(*) FROM orders WHERE tenant_id = ?", tenant),
        before);
    /* a number the pool does not have is taken too */
    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL(order_with(tenant, "+4599999999", "sim", key, hash_a, &b),
                    EC_ERR_NUMBER_TAKEN);
}

/*
 * Racing checkouts for one number, each in its own process and
 * connection, started together: exactly one wins, the others fail with
 * number_taken.
 */
static void
test_racing_checkouts_one_number_one_winner(void)
{
    enum { N = 8 };
    int go[2], won = 0, taken = 0, other = 0, status;
    pid_t pids[N];
    char st[64];

    CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        CU_ASSERT_FATAL(pids[i] >= 0);
        if (pids[i] == 0) {
            struct ec_db *mine;
            struct ec_order_created o;
            char key[64], c;
            int rc;

            close(go[1]);
            db = mine = ec_db_new(&cfg);
            ec_db_connect(mine);
            if (read(go[0], &c, 1) < 0)
                _exit(9);
            snprintf(key, sizeof(key), "race-%d-%ld", i, (long)getpid());
            rc = order_with(tenant, "+4591000002", "sim", key, hash_a, &o);
            _exit(rc == 0 ? 0 : rc == EC_ERR_NUMBER_TAKEN ? 1 : 2);
        }
    }
    close(go[0]);
    usleep(200000); /* every child connected */
    close(go[1]);   /* and all go at once */
    for (int i = 0; i < N; i++) {
        waitpid(pids[i], &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            won++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
            taken++;
        else
            other++;
    }
    CU_ASSERT_EQUAL(won, 1);
    CU_ASSERT_EQUAL(taken, N - 1);
    CU_ASSERT_EQUAL(other, 0);
    number_status("+4591000002", st);
    EC_ASSERT_STR(st, "assigned");
    CU_ASSERT_EQUAL(
        count("SELECT COUNT(*) FROM order_lines WHERE tenant_id = ? AND"
              " msisdn = '+4591000002'",
              tenant),
        1);
}

/* Two transactions on two connections, by hand: the second waits for the
   first, then finds the number gone. */
static void
test_two_transactions_one_number(void)
{
    const char *num[] = {"+4591000003"};
    struct ec_db *other = ec_db_new(&cfg);
    int status;
    pid_t pid;

    CU_ASSERT_EQUAL_FATAL(ec_db_begin(db), 0);
    CU_ASSERT_EQUAL(ec_order_assign_numbers(db, tenant, num, 1, NULL), 0);
    pid = fork();
    if (pid == 0) {
        size_t at = 99;
        int rc;

        db = other;
        ec_db_begin(other);
        /* blocks on the first transaction's row lock until it commits */
        rc = ec_order_assign_numbers(other, tenant, num, 1, &at);
        ec_db_rollback(other);
        _exit(rc == EC_ERR_NUMBER_TAKEN && at == 0 ? 0 : 1);
    }
    usleep(300000);
    CU_ASSERT_EQUAL(ec_db_commit(db), 0);
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ec_db_free(other);
}

/* The simulator's decline cancels the order and gives its number back. */
static void
test_declined_payment_cancels_and_frees_numbers(void)
{
    struct ec_order_created o;
    struct ec_order_info info;
    char order_id[33], st[64];

    sim_order("+4591000004", &o);
    number_status("+4591000004", st);
    EC_ASSERT_STR(st, "assigned");
    CU_ASSERT_EQUAL(ec_payment_sim_complete(db, kv, tenant, sim_key,
                                            sizeof(sim_key), o.payment_id,
                                            "decline", time(NULL), order_id),
                    0);
    EC_ASSERT_STR(order_id, o.id);
    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, o.id, &info), 0);
    CU_ASSERT_EQUAL(info.status, EC_ORDER_CANCELLED);
    EC_ASSERT_STR(info.cancel_reason, "payment_declined");
    number_status("+4591000004", st);
    EC_ASSERT_STR(st, "available");
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM outbox WHERE order_id = ? AND"
                          " type = 'order.cancelled'",
                          info.id),
                    1);
    /* a late approval for it changes nothing */
    CU_ASSERT_EQUAL(ec_payment_sim_complete(db, kv, tenant, sim_key,
                                            sizeof(sim_key), o.payment_id,
                                            "approve", time(NULL), order_id),
                    0);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_CANCELLED);
    number_status("+4591000004", st);
    EC_ASSERT_STR(st, "available");
}

static void
test_cancelled_payment_cancels_too(void)
{
    struct ec_order_created o;
    char order_id[33], st[64];

    sim_order("+4591000005", &o);
    CU_ASSERT_EQUAL(ec_payment_sim_complete(db, kv, tenant, sim_key,
                                            sizeof(sim_key), o.payment_id,
                                            "cancel", time(NULL), order_id),
                    0);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_CANCELLED);
    number_status("+4591000005", st);
    EC_ASSERT_STR(st, "available");
}

/* A bad signature, a stale timestamp, another tenant, or a replayed event
   change nothing; the genuine event once pays the order. */
static void
test_sim_callbacks_bad_stale_replayed_change_nothing(void)
{
    static const unsigned char wrong[32] = "not the simulator's key at all";
    struct ec_buf body = EC_BUF_INIT, sig = EC_BUF_INIT;
    struct ec_order_created o;
    int64_t now = time(NULL);
    const char *why;
    long long events;

    sim_order(NULL, &o);
    events = count("SELECT COUNT(*) FROM payment_events WHERE tenant_id = ?",
                   tenant);
    /* signed with another key */
    CU_ASSERT_EQUAL(ec_payment_sim_event(wrong, sizeof(wrong), o.payment_id,
                                         "approve", now, &body, &sig),
                    0);
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    EC_ASSERT_STR(why, "mismatch");
    /* a body changed after signing */
    ec_buf_reset(&body);
    ec_buf_reset(&sig);
    ec_payment_sim_event(sim_key, sizeof(sim_key), o.payment_id, "decline", now,
                         &body, &sig);
    body.data[strstr(body.data, "declined") - body.data] = 'D';
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    /* stale: signed 301 s ago */
    ec_buf_reset(&body);
    ec_buf_reset(&sig);
    ec_payment_sim_event(sim_key, sizeof(sim_key), o.payment_id, "approve",
                         now - 301, &body, &sig);
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    EC_ASSERT_STR(why, "stale");
    /* no header */
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), NULL, body.data,
                                            body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PENDING_PAYMENT);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM payment_events WHERE"
                          " tenant_id = ?",
                          tenant),
                    events);

    /* genuine, but sent to another tenant's endpoint: not its payment */
    ec_buf_reset(&body);
    ec_buf_reset(&sig);
    ec_payment_sim_event(sim_key, sizeof(sim_key), o.payment_id, "approve", now,
                         &body, &sig);
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant2, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now, &why),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PENDING_PAYMENT);
    /* genuine: paid, one event */
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PAID);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 1);
    /* replayed: nothing more */
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now + 5, &why),
                    0);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 1);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM payment_events WHERE"
                          " tenant_id = ?",
                          tenant),
                    events + 1);
    /* a decline after payment: recorded, nothing changes */
    ec_buf_reset(&body);
    ec_buf_reset(&sig);
    ec_payment_sim_event(sim_key, sizeof(sim_key), o.payment_id, "decline", now,
                         &body, &sig);
    CU_ASSERT_EQUAL(ec_payment_sim_callback(db, kv, tenant, sim_key,
                                            sizeof(sim_key), sig.data,
                                            body.data, body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PAID);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 1);
    ec_buf_release(&body);
    ec_buf_release(&sig);
}

static void
stripe_event(struct ec_buf *body, struct ec_buf *sig, const char *secret,
             const char *evt, const char *type, const char *session,
             const char *payment_status, int64_t t)
{
    ec_buf_reset(body);
    ec_buf_reset(sig);
    ec_buf_addf(body,
                "{\"id\":\"%s\",\"object\":\"event\",\"type\":\"%s\","
                "\"data\":{\"object\":{\"id\":\"%s\",\"object\":"
                "\"checkout.session\",\"payment_status\":\"%s\"}}}",
                evt, type, session, payment_status);
    ec_sighead_sign(sig, secret, strlen(secret), t, body->data, body->len);
}

/* Stripe: completed but unpaid waits; the asynchronous success pays; a
   replay and a bad signature change nothing; expired cancels. */
static void
test_stripe_webhooks(void)
{
    const char *secret = "whsec_test_secret";
    struct ec_buf body = EC_BUF_INIT, sig = EC_BUF_INIT;
    struct ec_order_created a, b;
    int64_t now = time(NULL);
    const char *why;
    char key[64], cs_a[64], cs_b[64], st[64];

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant, NULL, "stripe", key, hash_a, &a),
                          0);
    snprintf(cs_a, sizeof(cs_a), "cs_test_%s", a.id);
    CU_ASSERT_EQUAL(ec_payment_started(db, tenant, a.payment_id, cs_a,
                                       "https://checkout.stripe.com/c/x"),
                    0);
    stripe_event(&body, &sig, secret, "evt_a1", "checkout.session.completed",
                 cs_a, "unpaid", now);
    CU_ASSERT_EQUAL(ec_stripe_webhook(db, kv, tenant, secret, strlen(secret),
                                      sig.data, body.data, body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(a.id), EC_ORDER_PENDING_PAYMENT);
    stripe_event(&body, &sig, "whsec_other", "evt_a2",
                 "checkout.session.async_payment_succeeded", cs_a, "paid", now);
    CU_ASSERT_EQUAL(ec_stripe_webhook(db, kv, tenant, secret, strlen(secret),
                                      sig.data, body.data, body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(status_of(a.id), EC_ORDER_PENDING_PAYMENT);
    stripe_event(&body, &sig, secret, "evt_a2",
                 "checkout.session.async_payment_succeeded", cs_a, "paid", now);
    CU_ASSERT_EQUAL(ec_stripe_webhook(db, kv, tenant, secret, strlen(secret),
                                      sig.data, body.data, body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(a.id), EC_ORDER_PAID);
    CU_ASSERT_EQUAL(ec_stripe_webhook(db, kv, tenant, secret, strlen(secret),
                                      sig.data, body.data, body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(outbox_rows(a.id), 1);

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(
        order_with(tenant, "+4591000006", "stripe", key, hash_a, &b), 0);
    snprintf(cs_b, sizeof(cs_b), "cs_test_%s", b.id);
    CU_ASSERT_EQUAL(ec_payment_started(db, tenant, b.payment_id, cs_b,
                                       "https://checkout.stripe.com/c/y"),
                    0);
    stripe_event(&body, &sig, secret, "evt_b1", "checkout.session.expired",
                 cs_b, "unpaid", now);
    CU_ASSERT_EQUAL(ec_stripe_webhook(db, kv, tenant, secret, strlen(secret),
                                      sig.data, body.data, body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(b.id), EC_ORDER_CANCELLED);
    number_status("+4591000006", st);
    EC_ASSERT_STR(st, "available");
    ec_buf_release(&body);
    ec_buf_release(&sig);
}

/* Not paid by pay_by: cancelled by the sweep, numbers back. */
static void
test_unpaid_orders_expire(void)
{
    struct ec_order_created o;
    struct ec_order_info info;
    size_t n = 0;
    char st[64];

    sim_order("+4591000007", &o);
    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, o.id, &info), 0);
    {
        struct ec_db_param p[] = {EC_DB_I(info.id)};

        CU_ASSERT_EQUAL(ec_db_exec(db,
                                   "UPDATE orders SET pay_by = NOW(6) -"
                                   " INTERVAL 1 SECOND WHERE id = ?",
                                   p, 1, NULL, NULL, NULL),
                        0);
    }
    CU_ASSERT_EQUAL(ec_order_expire_due(db, kv, 64, &n), 0);
    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, o.id, &info), 0);
    /* this call expired it, or the stack's delivery process, which runs
       the same sweep every round, did a moment before */
    CU_ASSERT(n >= 1 || info.status == EC_ORDER_CANCELLED);
    CU_ASSERT_EQUAL(info.status, EC_ORDER_CANCELLED);
    EC_ASSERT_STR(info.cancel_reason, "payment_timeout");
    number_status("+4591000007", st);
    EC_ASSERT_STR(st, "available");
}

static void
report(const struct ec_downstream_endpoint *e, const char *id,
       const char *order, const char *status, int64_t t, struct ec_buf *body,
       struct ec_buf *sig)
{
    ec_buf_reset(body);
    ec_buf_reset(sig);
    ec_buf_addf(body, "{\"id\":\"%s\",\"order\":\"%s\",\"status\":\"%s\"}", id,
                order, status);
    ec_sighead_sign(sig, e->secret, sizeof(e->secret), t, body->data,
                    body->len);
}

/* The receiver's reports: verified, once each, moving the order on. */
static void
test_downstream_reports(void)
{
    struct ec_downstream_endpoint e = {.slug = SLUG}, bad = {.slug = SLUG};
    struct ec_buf body = EC_BUF_INIT, sig = EC_BUF_INIT;
    struct ec_order_created o;
    int64_t now = time(NULL);
    const char *why;
    char order_id[33];

    memset(e.secret, 7, sizeof(e.secret));
    memset(bad.secret, 8, sizeof(bad.secret));
    sim_order(NULL, &o);
    /* unpaid: no report moves it */
    report(&e, "r0", o.id, "provisioning", now, &body, &sig);
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant, sig.data, body.data,
                                         body.len, now, &why),
                    EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PENDING_PAYMENT);
    ec_payment_sim_complete(db, kv, tenant, sim_key, sizeof(sim_key),
                            o.payment_id, "approve", now, order_id);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PAID);
    /* signed with another secret, or stale */
    report(&bad, "r1", o.id, "provisioning", now, &body, &sig);
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant, sig.data, body.data,
                                         body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    report(&e, "r1", o.id, "provisioning", now - 400, &body, &sig);
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant, sig.data, body.data,
                                         body.len, now, &why),
                    EC_ERR_FORBIDDEN);
    EC_ASSERT_STR(why, "stale");
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PAID);
    /* genuine: through submitted to provisioning, an event each */
    report(&e, "r1", o.id, "provisioning", now, &body, &sig);
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant, sig.data, body.data,
                                         body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_PROVISIONING);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 3);
    /* replayed */
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant, sig.data, body.data,
                                         body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 3);
    /* another tenant's order id */
    report(&e, "r2", o.id, "completed", now, &body, &sig);
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant2, sig.data, body.data,
                                         body.len, now, &why),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_downstream_report(db, &e, tenant, sig.data, body.data,
                                         body.len, now, &why),
                    0);
    CU_ASSERT_EQUAL(status_of(o.id), EC_ORDER_COMPLETED);
    CU_ASSERT_EQUAL(outbox_rows(o.id), 4);
    ec_buf_release(&body);
    ec_buf_release(&sig);
}

static void
test_cleanup(void)
{
    CU_ASSERT_EQUAL(drop_tenants(), 0);
}

/* Outbox row seq of order row id: its event id into event (33 bytes). */
static void
event_of(long long order, unsigned seq, char event[64])
{
    struct ec_db_param p[] = {EC_DB_I(order), EC_DB_I(seq)};

    event[0] = '\0';
    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "SELECT event_id FROM outbox"
                               " WHERE order_id = ? AND seq = ?",
                               p, 2, read_str, event, NULL),
                    0);
}

struct dead_seen {
    const char *order;
    int rows, other_tenant;
    char types[2][65];
    unsigned attempts;
    char error[EC_OUTBOX_ERROR_MAX + 1];
};

static int
saw_dead(const struct ec_outbox_dead *d, void *ctx)
{
    struct dead_seen *s = ctx;

    if (strcmp(d->slug, SLUG) != 0)
        s->other_tenant++;
    if (strcmp(d->order, s->order) != 0)
        return 0;
    if (s->rows < 2)
        snprintf(s->types[s->rows], sizeof(s->types[0]), "%s", d->type);
    s->rows++;
    s->attempts = d->attempts;
    snprintf(s->error, sizeof(s->error), "%s", d->last_error);
    return 0;
}

static void
test_dead_letters_are_listed_and_revived(void)
{
    struct ec_order_created o;
    struct ec_order_info info;
    struct dead_seen seen;
    char first[64], second[64], state[64];
    unsigned long long n = 99;

    sim_order(NULL, &o);
    CU_ASSERT_EQUAL_FATAL(
        ec_order_move(db, kv, tenant, o.id, EC_ORDER_PAID, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_order_move(db, kv, tenant, o.id, EC_ORDER_SUBMITTED, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, o.id, &info), 0);
    event_of(info.id, 1, first);
    event_of(info.id, 2, second);
    /* the receiver refused both for good (as ec_outbox_failed() leaves a
       row after delivery_max_attempts; the stack's deliverer, which has
       no receiver for this tenant, may hold a lease: the row is dead all
       the same, and its failure changes only pending rows) */
    {
        struct ec_db_param p[] = {EC_DB_I(info.id)};

        CU_ASSERT_EQUAL_FATAL(
            ec_db_exec(db,
                       "UPDATE outbox SET state = 'dead', attempts = 8,"
                       " lease_until = NULL, last_error = 'HTTP 500'"
                       " WHERE order_id = ?",
                       p, 1, NULL, NULL, NULL),
            0);
    }

    memset(&seen, 0, sizeof(seen));
    seen.order = o.id;
    CU_ASSERT_EQUAL(ec_outbox_dead_each(db, tenant, 100, saw_dead, &seen), 0);
    CU_ASSERT_EQUAL(seen.rows, 2);
    CU_ASSERT_EQUAL(seen.other_tenant, 0);
    EC_ASSERT_STR(seen.types[0], "order.paid");
    EC_ASSERT_STR(seen.types[1], "order.submitted");
    CU_ASSERT_EQUAL(seen.attempts, 8);
    EC_ASSERT_STR(seen.error, "HTTP 500");
    /* another tenant's listing has none of them; all tenants' has both */
    memset(&seen, 0, sizeof(seen));
    seen.order = o.id;
    CU_ASSERT_EQUAL(ec_outbox_dead_each(db, tenant2, 100, saw_dead, &seen), 0);
    CU_ASSERT_EQUAL(seen.rows, 0);
    memset(&seen, 0, sizeof(seen));
    seen.order = o.id;
    CU_ASSERT_EQUAL(ec_outbox_dead_each(db, 0, 1000, saw_dead, &seen), 0);
    CU_ASSERT_EQUAL(seen.rows, 2);

    /* another tenant cannot revive them; an unknown event is none */
    CU_ASSERT_EQUAL(ec_outbox_revive(db, tenant2, second, &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(ec_outbox_revive(db, tenant, "no-such-event", &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    /* the second comes back fresh, still behind the first (which is
       dead, so no deliverer takes the second) */
    CU_ASSERT_EQUAL(ec_outbox_revive(db, tenant, second, &n), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM outbox WHERE order_id = ? AND"
                          " seq = 2 AND state = 'pending' AND attempts = 0"
                          " AND last_error IS NULL AND lease_until IS NULL"
                          " AND next_attempt_at <= NOW(6)",
                          info.id),
                    1);
    {
        struct ec_db_param p[] = {EC_DB_S(first)};

        CU_ASSERT_EQUAL(
            ec_db_exec(db, "SELECT state FROM outbox WHERE event_id = ?", p, 1,
                       read_str, state, NULL),
            0);
        EC_ASSERT_STR(state, "dead");
    }
    /* --all: every dead row of the tenant */
    CU_ASSERT_EQUAL(ec_outbox_revive(db, tenant, NULL, &n), 0);
    CU_ASSERT(n >= 1);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM outbox WHERE order_id = ? AND"
                          " state = 'dead'",
                          info.id),
                    0);
}

/* ---- the admin panel's reads (svc/order_admin.h) ---- */

/* 1 if the list holds order id. */
static int
listed(struct json_object *list, const char *id)
{
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i), *v;

        if (json_object_object_get_ex(o, "id", &v) &&
            strcmp(json_object_get_string(v), id) == 0)
            return 1;
    }
    return 0;
}

/* Order id's listing under f, released; 1 when it was listed. */
static int
listed_under(long long tid, const struct ec_order_filter *f, const char *id)
{
    struct json_object *list = NULL;
    int in;

    CU_ASSERT_EQUAL_FATAL(ec_order_admin_list(db, tid, f, &list), 0);
    in = listed(list, id);
    json_object_put(list);
    return in;
}

/* An outbox row of order id in state, its event id into ev (33 bytes). */
static void
event_in_state(const char *id, int seq, const char *state, char *ev)
{
    struct ec_order_info o;
    struct ec_db_param p[3];

    CU_ASSERT_EQUAL_FATAL(ec_order_get(db, tenant, id, &o), 0);
    p[0] = EC_DB_S(state);
    p[1] = EC_DB_I(o.id);
    p[2] = EC_DB_I(seq);
    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "UPDATE outbox SET state = ?"
                                     " WHERE order_id = ? AND seq = ?",
                                     p, 3, NULL, NULL, NULL),
                          0);
    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "SELECT event_id FROM outbox"
                                     " WHERE order_id = ? AND seq = ?",
                                     p + 1, 2, read_str, ev, NULL),
                          0);
}

static void
test_staff_read_every_order_of_their_tenant_only(void)
{
    struct ec_order_created a, b;
    struct ec_order_filter f = {-1, 0, 0, 0, 0};
    struct ec_order_day day;
    struct json_object *o = NULL, *v;
    int64_t now = (int64_t)time(NULL);
    char key[64], dead[64], done[64];
    int changed;

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant, NULL, "sim", key, hash_a, &a), 0);
    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant2, NULL, "sim", key, hash_a, &b), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_order_move(db, kv, tenant, a.id, EC_ORDER_PAID, NULL, &changed), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_order_move(db, kv, tenant, a.id, EC_ORDER_SUBMITTED, NULL, &changed),
        0);
    /* the list: every order of the tenant, never another's */
    CU_ASSERT(listed_under(tenant, &f, a.id));
    CU_ASSERT(!listed_under(tenant, &f, b.id));
    CU_ASSERT(listed_under(tenant2, &f, b.id));
    f.status = EC_ORDER_SUBMITTED;
    CU_ASSERT(listed_under(tenant, &f, a.id));
    f.status = EC_ORDER_CANCELLED;
    CU_ASSERT(!listed_under(tenant, &f, a.id));
    f.status = -1;
    f.from = now - 3600;
    f.to = now + 3600;
    CU_ASSERT(listed_under(tenant, &f, a.id));
    f.from = now + 3600;
    f.to = 0;
    CU_ASSERT(!listed_under(tenant, &f, a.id));
    f.from = 0;
    f.to = now - 3600;
    CU_ASSERT(!listed_under(tenant, &f, a.id));
    /* one order: the customer, the lines, the deliveries by seq */
    CU_ASSERT_EQUAL_FATAL(ec_order_admin_view(db, tenant, a.id, &o), 0);
    CU_ASSERT(json_object_object_get_ex(o, "customer", &v) &&
              json_object_object_get_ex(v, "name", &v) &&
              strcmp(json_object_get_string(v), "Test Kunde") == 0);
    CU_ASSERT(json_object_object_get_ex(o, "lines", &v) &&
              json_object_array_length(v) == 1);
    CU_ASSERT(json_object_object_get_ex(o, "deliveries", &v) &&
              json_object_array_length(v) == 2);
    json_object_put(o);
    CU_ASSERT_EQUAL(ec_order_admin_view(db, tenant, b.id, &o),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_order_admin_view(db, tenant, "not-an-id", &o),
                    EC_ERR_NOT_FOUND);
    /* the day: the paid order and what it brought */
    CU_ASSERT_EQUAL_FATAL(
        ec_order_admin_day(db, tenant, now - 3600, now + 3600, &day), 0);
    CU_ASSERT(day.orders >= 1);
    CU_ASSERT(day.paid >= 1);
    CU_ASSERT(day.revenue >= a.due_now);
    CU_ASSERT_EQUAL_FATAL(
        ec_order_admin_day(db, tenant, now + 3600, now + 7200, &day), 0);
    CU_ASSERT_EQUAL(day.orders, 0);
    CU_ASSERT_EQUAL(day.revenue, 0);
    /* a dead delivery of that order of that tenant, and nothing else */
    event_in_state(a.id, 2, "dead", dead);
    event_in_state(a.id, 1, "delivered", done);
    CU_ASSERT_EQUAL(ec_order_admin_dead_event(db, tenant, a.id, dead), 0);
    CU_ASSERT_EQUAL(ec_order_admin_dead_event(db, tenant, a.id, done),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_order_admin_dead_event(db, tenant2, a.id, dead),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_order_admin_dead_event(db, tenant, b.id, dead),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_order_admin_dead_event(db, tenant, a.id, NULL),
                    EC_ERR_NOT_FOUND);
}

/* The delivery process's gauges of an empty outbox (no pending row, no
   dead one: the sums are NULL) are 0, and of one with rows their counts;
   the outbox emptied inside a transaction rolled back after. */
static void
test_outbox_gauges_of_an_empty_outbox(void)
{
    struct ec_metrics *m = ec_metrics_new(1);
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ec_metrics_bind(m, 0);
    CU_ASSERT_EQUAL_FATAL(ec_db_begin(db), 0);
    CU_ASSERT_EQUAL(
        ec_db_exec(db, "DELETE FROM outbox WHERE state IN ('pending', 'dead')",
                   NULL, 0, NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL(ec_delivery_measure(db, kv), 0);
    ec_db_rollback(db);
    ec_metrics_expose(m, NULL, 0, &out);
    ec_buf_add(&out, "", 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\necomd_outbox_pending 0\n"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out.data, "\necomd_outbox_oldest_pending_seconds 0.000\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\necomd_outbox_dead_letters 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\necomd_mysql_up 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\necomd_redis_up 1\n"));
    ec_metrics_bind(NULL, 0);
    ec_metrics_free(m);
    ec_buf_release(&out);
}

/* The "sold_by" of a JSON order: its agent_id, 0 when null. */
static long long
sold_by_id(struct json_object *o)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, "sold_by", &v) || !v)
        return 0;
    CU_ASSERT_FATAL(json_object_object_get_ex(v, "agent_id", &v));
    return json_object_get_int64(v);
}

static void
test_an_order_records_the_agent_who_sold_it(void)
{
    /* no such staff user: the id is kept, the name is null */
    const long long agent = 900000000 + getpid();
    struct ec_order_filter f = {-1, 0, 0, 0, 0};
    struct ec_order_created a, c;
    struct json_object *o = NULL, *v;
    char key[64];

    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_by(tenant, NULL, "sim", key, hash_a, agent, &a),
                          0);
    new_key(key, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(order_with(tenant, NULL, "sim", key, hash_a, &c), 0);
    CU_ASSERT_EQUAL_FATAL(ec_order_admin_view(db, tenant, a.id, &o), 0);
    CU_ASSERT_EQUAL(sold_by_id(o), agent);
    CU_ASSERT(json_object_object_get_ex(o, "sold_by", &v) &&
              json_object_object_get_ex(v, "name", &v) && v == NULL);
    json_object_put(o);
    CU_ASSERT_EQUAL_FATAL(ec_order_admin_view(db, tenant, c.id, &o), 0);
    CU_ASSERT(json_object_object_get_ex(o, "sold_by", &v) && v == NULL);
    json_object_put(o);
    /* the list: any agent's, that agent's, another's */
    CU_ASSERT(listed_under(tenant, &f, a.id));
    CU_ASSERT(listed_under(tenant, &f, c.id));
    f.agent = EC_ORDER_BY_AGENTS;
    CU_ASSERT(listed_under(tenant, &f, a.id));
    CU_ASSERT(!listed_under(tenant, &f, c.id));
    f.agent = agent;
    CU_ASSERT(listed_under(tenant, &f, a.id));
    CU_ASSERT(!listed_under(tenant, &f, c.id));
    f.agent = agent + 1;
    CU_ASSERT(!listed_under(tenant, &f, a.id));
    /* a negative id is no agent's */
    CU_ASSERT_EQUAL(order_by(tenant, NULL, "sim", "key-neg", hash_a, -2, &c),
                    EC_ERR_INVALID_FIELD);
}

static const struct ec_test tests[] = {
    {"MariaDB and Redis are there", test_services_are_there},
    {"state machine: one event a move",
     test_state_machine_writes_one_event_a_move},
    {"same key, same order; other body refused",
     test_same_key_same_order_other_body_refused},
    {"a number taken writes nothing", test_number_taken_writes_nothing},
    {"racing checkouts: one number, one winner",
     test_racing_checkouts_one_number_one_winner},
    {"two transactions, one number", test_two_transactions_one_number},
    {"declined payment cancels and frees numbers",
     test_declined_payment_cancels_and_frees_numbers},
    {"cancelled payment cancels", test_cancelled_payment_cancels_too},
    {"callbacks: bad, stale, replayed change nothing",
     test_sim_callbacks_bad_stale_replayed_change_nothing},
    {"Stripe webhooks", test_stripe_webhooks},
    {"unpaid orders expire", test_unpaid_orders_expire},
    {"downstream reports", test_downstream_reports},
    {"dead letters are listed and revived",
     test_dead_letters_are_listed_and_revived},
    {"the outbox gauges of an empty outbox",
     test_outbox_gauges_of_an_empty_outbox},
    {"staff read every order of their tenant, and only theirs",
     test_staff_read_every_order_of_their_tenant_only},
    {"an order records the agent who sold it, and the list filters by it",
     test_an_order_records_the_agent_who_sold_it},
    {"cleanup", test_cleanup},
    {NULL, NULL},
};

int
main(void)
{
    const char *port = getenv("EC_MYSQL_PORT"),
               *rport = getenv("EC_REDIS_PORT");

    if (port)
        cfg.port = (unsigned)atoi(port);
    if (rport)
        kcfg.port = (unsigned)atoi(rport);
    cfg.password = getenv("EC_MYSQL_PASSWORD");
    kcfg.user = getenv("EC_REDIS_USER");
    kcfg.password = getenv("EC_REDIS_PASSWORD");
    ec_log_open("stderr", "stderr", EC_LOG_ERROR);
    db = ec_db_new(&cfg);
    kv = ec_kv_new(&kcfg);
    int rc = ec_test_run("order_store", tests);
    ec_kv_free(kv);
    ec_db_free(db);
    return rc;
}
