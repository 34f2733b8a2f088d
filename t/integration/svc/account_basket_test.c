/*
 * The guest basket joining the account's at sign-in, against a real Redis
 * (the test stack's, port EC_REDIS_PORT, default 16380): the guest basket
 * becomes the account's when it has none; otherwise its lines join in one
 * script, their number locks take the account basket's id with their TTL
 * kept, and a line that cannot join is set aside with its reason, its lock
 * released and the client's record of it gone.
 *
 * Never skips: without Redis the first test fails. Keys live under
 * ecom:{mergetest}: and are deleted at the start and the end.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <json-c/json.h>

#include "../../unit/test.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "store/kv.h"
#include "svc/account_basket.h"
#include "svc/account_session.h"
#include "svc/basket.h"
#include "svc/session.h"

#define SLUG "mergetest"
#define IDLE 60000LL
#define LOCK_TTL 600000LL
#define CLIENT "127.0.0.9"

static struct ec_kv_config cfg = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_kv *kv;
static redisContext *raw;
static struct ec_arena arena;

static void
delete_test_keys(void)
{
    redisReply *r = redisCommand(raw, "KEYS %s", "ecom:{" SLUG "}:*");

    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements;
         i++)
        freeReplyObject(redisCommand(raw, "DEL %s", r->element[i]->str));
    if (r)
        freeReplyObject(r);
}

static void
cmd(const char *fmt, const char *a, const char *b)
{
    redisReply *r = redisCommand(raw, fmt, a, b);

    CU_ASSERT_PTR_NOT_NULL(r);
    if (r)
        freeReplyObject(r);
}

static long long
num(const char *fmt, const char *a, const char *b)
{
    redisReply *r = redisCommand(raw, fmt, a, b);
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -99;

    if (r)
        freeReplyObject(r);
    return n;
}

/* GET key into out ("" when missing). */
static void
get(const char *key, char *out, size_t size)
{
    redisReply *r = redisCommand(raw, "GET %s", key);

    snprintf(out, size, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "");
    if (r)
        freeReplyObject(r);
}

static void
hget(const char *key, const char *field, char *out, size_t size)
{
    redisReply *r = redisCommand(raw, "HGET %s %s", key, field);

    snprintf(out, size, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "");
    if (r)
        freeReplyObject(r);
}

static void
session_id(char id[EC_SESSION_ID_LEN + 1])
{
    ec_rand_hex(id, EC_SESSION_ID_LEN / 2);
}

static char *
key(const char *what, const char *id)
{
    return ec_arena_printf(&arena, "ecom:{" SLUG "}:%s:%s", what, id);
}

/* A stored basket id with version 1 and lines (JSON), its locks taken. */
static void
store_basket(const char *id, const char *lines)
{
    cmd("SET %s %s PX 3600000", key("basket", id),
        ec_arena_printf(&arena, "{\"version\":1,\"lines\":%s}", lines));
}

static void
lock(const char *msisdn, const char *owner)
{
    redisReply *r = redisCommand(raw, "SET %s %s PX %lld", key("lock", msisdn),
                                 owner, LOCK_TTL);

    if (r)
        freeReplyObject(r);
}

/* A guest session with basket id. */
static void
guest(const char *sid, const char *basket)
{
    cmd("HSET %s basket %s", key("session", sid), basket);
}

static void
policy(struct ec_basket_policy *p, const char *client)
{
    memset(p, 0, sizeof(*p));
    p->ttl_ms = 3600000;
    p->lock_ttl_ms = LOCK_TTL;
    p->numbers_max = 5;
    p->rate.client = client;
}

static struct ec_basket
load(const char *id)
{
    struct ec_basket b;

    CU_ASSERT_EQUAL(ec_basket_load(kv, SLUG, id, &arena, &b), 0);
    return b;
}

static void
test_a_guest_basket_becomes_the_accounts(void)
{
    char sid[EC_SESSION_ID_LEN + 1], g[EC_BASKET_ID_SIZE], v[64];
    struct ec_basket_policy p;
    struct ec_basket_merge m;
    long long ttl;

    session_id(sid);
    ec_basket_new_id(g);
    store_basket(g, "[{\"id\":\"0000000000000001\",\"sku\":\"P\","
                    "\"msisdn\":\"+4520000001\"}]");
    lock("+4520000001", g);
    guest(sid, g);
    policy(&p, NULL);
    CU_ASSERT_EQUAL_FATAL(ec_account_basket_merge(kv, SLUG, sid, "7", "Ann",
                                                  IDLE, &p, &arena, &m),
                          0);
    CU_ASSERT_EQUAL(m.adopted, 1);
    CU_ASSERT_EQUAL(m.joined, 1);
    EC_ASSERT_STR(m.basket, g);
    get(key("account", "7:basket"), v, sizeof(v));
    EC_ASSERT_STR(v, g);
    hget(key("session", sid), "basket", v, sizeof(v));
    EC_ASSERT_STR(v, g);
    hget(key("session", sid), "name", v, sizeof(v));
    EC_ASSERT_STR(v, "Ann");
    get(key("lock", "+4520000001"), v, sizeof(v));
    EC_ASSERT_STR(v, g);
    ttl = num("PTTL %s", key("lock", "+4520000001"), NULL);
    CU_ASSERT(ttl > LOCK_TTL - 5000 && ttl <= LOCK_TTL);
}

static void
test_lines_join_and_locks_move_with_their_ttl(void)
{
    char sid[EC_SESSION_ID_LEN + 1], a[EC_BASKET_ID_SIZE], g[EC_BASKET_ID_SIZE];
    char v[64];
    struct ec_basket_policy p;
    struct ec_basket_merge m;
    struct ec_basket b;
    long long before, after;

    session_id(sid);
    ec_basket_new_id(a);
    ec_basket_new_id(g);
    store_basket(a, "[{\"id\":\"00000000000000a1\",\"sku\":\"P\","
                    "\"msisdn\":null}]");
    cmd("SET %s %s", key("account", "8:basket"), a);
    store_basket(g, "[{\"id\":\"00000000000000b1\",\"sku\":\"P\","
                    "\"msisdn\":\"+4520000002\"},"
                    "{\"id\":\"00000000000000b2\",\"sku\":\"Q\","
                    "\"addons\":[],\"msisdn\":null}]");
    lock("+4520000002", g);
    guest(sid, g);
    usleep(200000);
    before = num("PTTL %s", key("lock", "+4520000002"), NULL);
    policy(&p, NULL);
    CU_ASSERT_EQUAL_FATAL(
        ec_account_basket_merge(kv, SLUG, sid, "8", "Bo", IDLE, &p, &arena, &m),
        0);
    CU_ASSERT_EQUAL(m.adopted, 0);
    CU_ASSERT_EQUAL(m.joined, 2);
    CU_ASSERT_EQUAL(m.moved, 1);
    CU_ASSERT_EQUAL(json_object_array_length(m.set_aside), 0);
    EC_ASSERT_STR(m.basket, a);
    /* the lock names the account's basket; its TTL ran on, not reset */
    get(key("lock", "+4520000002"), v, sizeof(v));
    EC_ASSERT_STR(v, a);
    after = num("PTTL %s", key("lock", "+4520000002"), NULL);
    CU_ASSERT(after <= before && after > before - 2000);
    CU_ASSERT(after < LOCK_TTL - 150);
    /* the account's basket has all three, one version on; the guest's
       is gone; the session names the account's */
    b = load(a);
    CU_ASSERT_EQUAL(b.version, 2);
    CU_ASSERT_EQUAL(json_object_array_length(b.lines), 3);
    EC_ASSERT_STR(
        ec_basket_line_str(json_object_array_get_idx(b.lines, 1), "msisdn"),
        "+4520000002");
    CU_ASSERT_EQUAL(num("EXISTS %s", key("basket", g), NULL), 0);
    hget(key("session", sid), "basket", v, sizeof(v));
    EC_ASSERT_STR(v, a);
}

static void
test_lines_that_cannot_join_are_set_aside(void)
{
    char sid[EC_SESSION_ID_LEN + 1], a[EC_BASKET_ID_SIZE], g[EC_BASKET_ID_SIZE];
    char v[64], *holds = key("holds", CLIENT);
    struct ec_buf lines = EC_BUF_INIT;
    struct ec_basket_policy p;
    struct ec_basket_merge m;
    struct json_object *aside;

    session_id(sid);
    ec_basket_new_id(a);
    ec_basket_new_id(g);
    /* nine lines, one with +4520000003 whose lock the guest took since */
    ec_buf_adds(&lines, "[{\"id\":\"00000000000000c0\",\"sku\":\"P\","
                        "\"msisdn\":\"+4520000003\"}");
    for (int i = 1; i < 9; i++)
        ec_buf_addf(&lines, ",{\"id\":\"00000000000000c%d\",\"sku\":\"P\"}", i);
    ec_buf_adds(&lines, "]");
    store_basket(a, lines.data);
    ec_buf_release(&lines);
    cmd("SET %s %s", key("account", "9:basket"), a);
    store_basket(g, "[{\"id\":\"00000000000000d1\",\"sku\":\"P\","
                    "\"msisdn\":\"+4520000003\"},"
                    "{\"id\":\"00000000000000d2\",\"sku\":\"P\","
                    "\"msisdn\":\"+4520000004\"},"
                    "{\"id\":\"00000000000000d3\",\"sku\":\"P\","
                    "\"msisdn\":\"+4520000005\"}]");
    lock("+4520000003", g);
    lock("+4520000004", g);
    lock("+4520000005", g);
    cmd("ZADD %s 9999999999999 %s", holds, key("lock", "+4520000005"));
    guest(sid, g);
    policy(&p, CLIENT);
    CU_ASSERT_EQUAL_FATAL(
        ec_account_basket_merge(kv, SLUG, sid, "9", "Cy", IDLE, &p, &arena, &m),
        0);
    /* +…03 twice: aside, its lock the account line's; +…04 joins (ten
       lines); +…05 finds the basket full: aside, its lock released */
    CU_ASSERT_EQUAL(m.joined, 1);
    CU_ASSERT_EQUAL(m.moved, 2);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(m.set_aside), 2);
    EC_ASSERT_STR(
        ec_basket_line_str(json_object_array_get_idx(m.set_aside, 0), "reason"),
        "same_number");
    EC_ASSERT_STR(
        ec_basket_line_str(json_object_array_get_idx(m.set_aside, 1), "reason"),
        "lines");
    get(key("lock", "+4520000003"), v, sizeof(v));
    EC_ASSERT_STR(v, a);
    get(key("lock", "+4520000004"), v, sizeof(v));
    EC_ASSERT_STR(v, a);
    CU_ASSERT_EQUAL(num("EXISTS %s", key("lock", "+4520000005"), NULL), 0);
    CU_ASSERT_EQUAL(num("ZCARD %s", holds, NULL), 0);
    CU_ASSERT_EQUAL(json_object_array_length(load(a).lines), 10);
    /* kept, and shown from the account's basket */
    CU_ASSERT_EQUAL_FATAL(ec_account_basket_aside(kv, SLUG, a, &arena, &aside),
                          0);
    CU_ASSERT_EQUAL(json_object_array_length(aside), 2);
    CU_ASSERT_EQUAL(ec_account_basket_aside_clear(kv, SLUG, a), 0);
    CU_ASSERT_EQUAL(ec_account_basket_aside(kv, SLUG, a, &arena, &aside), 0);
    CU_ASSERT_EQUAL(json_object_array_length(aside), 0);
}

static void
test_a_session_of_another_account_brings_nothing(void)
{
    char sid[EC_SESSION_ID_LEN + 1], other[EC_BASKET_ID_SIZE], v[64];
    struct ec_basket_policy p;
    struct ec_basket_merge m;

    session_id(sid);
    ec_basket_new_id(other);
    store_basket(other, "[{\"id\":\"00000000000000e1\",\"sku\":\"P\"}]");
    guest(sid, other);
    cmd("HSET %s account %s", key("session", sid), "10");
    policy(&p, NULL);
    CU_ASSERT_EQUAL_FATAL(ec_account_basket_merge(kv, SLUG, sid, "11", "Di",
                                                  IDLE, &p, &arena, &m),
                          0);
    CU_ASSERT_EQUAL(m.joined, 0);
    CU_ASSERT_NOT_EQUAL(strcmp(m.basket, other), 0);
    CU_ASSERT_EQUAL(json_object_array_length(load(other).lines), 1);
    /* the session names account 11's basket: a fresh id, kept for it */
    hget(key("session", sid), "basket", v, sizeof(v));
    EC_ASSERT_STR(v, m.basket);
    get(key("account", "11:basket"), v, sizeof(v));
    EC_ASSERT_STR(v, m.basket);
}

static void
test_a_session_without_a_record_gets_the_accounts_basket(void)
{
    char sid[EC_SESSION_ID_LEN + 1], a[EC_BASKET_ID_SIZE], v[64];
    struct ec_basket_policy p;
    struct ec_basket_merge m;

    session_id(sid);
    ec_basket_new_id(a);
    store_basket(a, "[]");
    cmd("SET %s %s", key("account", "12:basket"), a);
    policy(&p, NULL);
    CU_ASSERT_EQUAL_FATAL(ec_account_basket_merge(kv, SLUG, sid, "12", "Ea",
                                                  IDLE, &p, &arena, &m),
                          0);
    EC_ASSERT_STR(m.basket, a);
    hget(key("session", sid), "basket", v, sizeof(v));
    EC_ASSERT_STR(v, a);
    CU_ASSERT(num("PTTL %s", key("session", sid), NULL) > 0);
    /* malformed ids are refused before anything is asked */
    CU_ASSERT_EQUAL(ec_account_basket_merge(kv, SLUG, "zz", "12", "Ea", IDLE,
                                            &p, &arena, &m),
                    EC_ERR_INVALID_FIELD);
}

static void
test_sign_out_deletes_the_record_and_its_listing(void)
{
    char sid[EC_SESSION_ID_LEN + 1], acc[EC_SESSION_ACCOUNT_SIZE];
    struct ec_session_viewer viewer;

    session_id(sid);
    CU_ASSERT_EQUAL_FATAL(
        ec_session_set_account(kv, SLUG, sid, "13", IDLE, 86400000LL), 0);
    cmd("HSET %s name %s", key("session", sid), "Fie");
    CU_ASSERT_EQUAL(ec_session_viewer(kv, SLUG, sid, &arena, &viewer), 0);
    EC_ASSERT_STR(viewer.account, "13");
    EC_ASSERT_STR(viewer.name, "Fie");
    CU_ASSERT_EQUAL(ec_session_sign_out(kv, SLUG, sid, acc), 0);
    EC_ASSERT_STR(acc, "13");
    CU_ASSERT_EQUAL(num("EXISTS %s", key("session", sid), NULL), 0);
    CU_ASSERT_EQUAL(num("SISMEMBER %s %s", key("account", "13:sessions"), sid),
                    0);
    CU_ASSERT_EQUAL(ec_session_viewer(kv, SLUG, sid, &arena, &viewer), 0);
    EC_ASSERT_STR(viewer.account, "");
}

static void
test_reset_mails_are_limited_per_address(void)
{
    struct ec_reset_limits l = {2, 3, 60000};
    enum ec_reset_verdict v;
    long long wait;

    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(ec_reset_limit_take(kv, &l, SLUG, "Ann@Example.com",
                                            NULL, &v, &wait),
                        0);
        CU_ASSERT_EQUAL(v, EC_RESET_SEND);
    }
    /* the same address, however written: quiet from now on */
    CU_ASSERT_EQUAL(
        ec_reset_limit_take(kv, &l, SLUG, " ann@example.com", NULL, &v, &wait),
        0);
    CU_ASSERT_EQUAL(v, EC_RESET_QUIET);
    /* a client asking too often is refused, with the time left */
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(ec_reset_limit_take(kv, &l, SLUG, "bo@example.com",
                                            CLIENT, &v, &wait),
                        0);
        CU_ASSERT_NOT_EQUAL(v, EC_RESET_REFUSED);
    }
    CU_ASSERT_EQUAL(
        ec_reset_limit_take(kv, &l, SLUG, "cy@example.com", CLIENT, &v, &wait),
        0);
    CU_ASSERT_EQUAL(v, EC_RESET_REFUSED);
    CU_ASSERT(wait > 0 && wait <= 60000);
}

static void
test_sign_ups_are_limited_per_client(void)
{
    long long wait;

    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(ec_signup_limit_take(kv, SLUG, CLIENT, 3, 60000, &wait),
                        0);
    CU_ASSERT_EQUAL(ec_signup_limit_take(kv, SLUG, CLIENT, 3, 60000, &wait),
                    EC_ERR_RATE_LIMITED);
    CU_ASSERT(wait > 0 && wait <= 60000);
    /* another client, and an exempt one, are not held up */
    CU_ASSERT_EQUAL(
        ec_signup_limit_take(kv, SLUG, "127.0.0.10", 3, 60000, &wait), 0);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(ec_signup_limit_take(kv, SLUG, NULL, 3, 60000, &wait),
                        0);
}

static const struct ec_test tests[] = {
    {"a guest basket becomes the account's when it has none",
     test_a_guest_basket_becomes_the_accounts},
    {"guest lines join the account's basket; their locks move, TTL kept",
     test_lines_join_and_locks_move_with_their_ttl},
    {"a line that cannot join is set aside with its reason",
     test_lines_that_cannot_join_are_set_aside},
    {"a session of another account brings nothing",
     test_a_session_of_another_account_brings_nothing},
    {"a session without a record gets the account's basket",
     test_a_session_without_a_record_gets_the_accounts_basket},
    {"sign-out deletes the record and its listing",
     test_sign_out_deletes_the_record_and_its_listing},
    {"reset mails are limited per address and per client",
     test_reset_mails_are_limited_per_address},
    {"sign-ups are limited per client", test_sign_ups_are_limited_per_client},
    {NULL, NULL},
};

int
main(void)
{
    const char *admin_password;
    const char *port = getenv("EC_REDIS_PORT");
    struct timeval tv = {2, 0};
    int rc;

    if (port && *port)
        cfg.port = (unsigned)atoi(port);
    cfg.user = getenv("EC_REDIS_USER");
    cfg.password = getenv("EC_REDIS_PASSWORD");
    admin_password = getenv("EC_REDIS_ADMIN_PASSWORD");
    ec_log_open("stderr", "stderr", EC_LOG_ERROR);
    ec_arena_init(&arena, 0);
    kv = ec_kv_new(&cfg);
    raw = redisConnectWithTimeout(cfg.host, (int)cfg.port, tv);
    if (raw && !raw->err && admin_password)
        freeReplyObject(redisCommand(raw, "AUTH %s", admin_password));
    if (raw && !raw->err)
        delete_test_keys();
    rc = ec_test_run("integration/svc/account_basket", tests);
    if (raw && !raw->err)
        delete_test_keys();
    if (raw)
        redisFree(raw);
    ec_kv_free(kv);
    ec_arena_release(&arena);
    return rc;
}
