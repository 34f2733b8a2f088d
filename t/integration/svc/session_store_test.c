/*
 * The session records against a real Redis (the test stack's, port
 * EC_REDIS_PORT, default 16380): nothing is stored until a session claims
 * a basket, records expire when idle, rotation moves a record (its basket
 * and account) to a new id and leaves nothing under the old one, and an
 * account's sessions are revoked all at once.
 *
 * Never skips: without Redis the first test fails. Keys live under
 * ecom:{sessiontest}: and ecom:{sessionother}: and are deleted at the
 * start and the end.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <json-c/json.h>

#include "../../unit/test.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "store/kv.h"
#include "svc/basket.h"
#include "svc/session.h"
#include "svc/staff_session.h"

#define SLUG "sessiontest"
#define OTHER "sessionother"
#define IDLE 60000LL
#define DAY 86400000LL

static struct ec_kv_config cfg = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_kv *kv;
static redisContext *raw;
static struct ec_arena arena;

static void
delete_test_keys(void)
{
    const char *patterns[] = {"ecom:{" SLUG "}:*", "ecom:{" OTHER "}:*"};

    for (size_t p = 0; p < 2; p++) {
        redisReply *r = redisCommand(raw, "KEYS %s", patterns[p]);

        for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements;
             i++)
            freeReplyObject(redisCommand(raw, "DEL %s", r->element[i]->str));
        if (r)
            freeReplyObject(r);
    }
}

/* An integer command's answer (-99 when it is not one). */
static long long
num(const char *fmt, const char *arg, const char *arg2)
{
    redisReply *r = redisCommand(raw, fmt, arg, arg2);
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -99;

    if (r)
        freeReplyObject(r);
    return n;
}

static long long
exists(const char *slug, const char *id)
{
    char key[160];

    snprintf(key, sizeof(key), "ecom:{%s}:session:%s", slug, id);
    return num("EXISTS %s", key, NULL);
}

static long long
keys_of(const char *pattern)
{
    redisReply *r = redisCommand(raw, "KEYS %s", pattern);
    long long n =
        r && r->type == REDIS_REPLY_ARRAY ? (long long)r->elements : -99;
    if (r)
        freeReplyObject(r);
    return n;
}

static void
new_id(char id[EC_SESSION_ID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[EC_SESSION_ID_LEN / 2];
    FILE *f = fopen("/dev/urandom", "rb");

    CU_ASSERT_FATAL(f && fread(b, 1, sizeof(b), f) == sizeof(b));
    fclose(f);
    for (size_t i = 0; i < sizeof(b); i++) {
        id[2 * i] = hex[b[i] >> 4];
        id[2 * i + 1] = hex[b[i] & 15];
    }
    id[EC_SESSION_ID_LEN] = '\0';
}

/* The session's basket, claiming basket when it has none; its id into
   named. */
static int
claim(const char *slug, const char *id, const char *basket, long long idle,
      char named[EC_BASKET_ID_SIZE])
{
    struct ec_basket b;
    int rc = ec_session_basket(kv, slug, id, basket, idle, &arena, &b);

    snprintf(named, EC_BASKET_ID_SIZE, "%s", b.id);
    return rc;
}

static void
test_nothing_is_stored_before_a_change(void)
{
    char id[EC_SESSION_ID_LEN + 1];
    struct ec_session s;

    new_id(id);
    CU_ASSERT_EQUAL_FATAL(ec_session_load(kv, SLUG, id, IDLE, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 0);
    CU_ASSERT_EQUAL(exists(SLUG, id), 0);
    /* a malformed id names nothing and asks nothing */
    CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, "zz", IDLE, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 0);
    /* reading the session's basket without a claim stores nothing */
    {
        struct ec_basket b;

        CU_ASSERT_EQUAL(ec_session_basket(kv, SLUG, id, NULL, IDLE, &arena, &b),
                        0);
        EC_ASSERT_STR(b.id, "");
        CU_ASSERT_EQUAL(b.version, 0);
    }
    CU_ASSERT_EQUAL(keys_of("ecom:{" SLUG "}:*"), 0);
}

static void
test_the_first_basket_makes_the_record(void)
{
    char id[EC_SESSION_ID_LEN + 1], b1[EC_BASKET_ID_SIZE],
        b2[EC_BASKET_ID_SIZE], named[EC_BASKET_ID_SIZE];
    struct ec_session s;
    char key[160];
    long long ttl;

    new_id(id);
    ec_basket_new_id(b1);
    ec_basket_new_id(b2);
    CU_ASSERT_EQUAL_FATAL(claim(SLUG, id, b1, IDLE, named), 0);
    EC_ASSERT_STR(named, b1);
    /* a second claim (another tab starting a basket at the same time)
       gets the first basket */
    CU_ASSERT_EQUAL_FATAL(claim(SLUG, id, b2, IDLE, named), 0);
    EC_ASSERT_STR(named, b1);
    CU_ASSERT_EQUAL_FATAL(ec_session_load(kv, SLUG, id, IDLE, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 1);
    EC_ASSERT_STR(s.basket, b1);
    EC_ASSERT_STR(s.account, "");
    CU_ASSERT(s.created_ms > 1700000000000LL);
    snprintf(key, sizeof(key), "ecom:{" SLUG "}:session:%s", id);
    ttl = num("PTTL %s", key, NULL);
    CU_ASSERT(ttl > IDLE - 5000 && ttl <= IDLE);
    /* a read starts the idle time again */
    freeReplyObject(redisCommand(raw, "PEXPIRE %s 5000", key));
    CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, id, IDLE, &arena, &s), 0);
    CU_ASSERT(num("PTTL %s", key, NULL) > IDLE - 5000);
    /* the record is the tenant's own */
    CU_ASSERT_EQUAL(ec_session_load(kv, OTHER, id, IDLE, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 0);
}

static void
test_an_idle_record_expires(void)
{
    char id[EC_SESSION_ID_LEN + 1], b[EC_BASKET_ID_SIZE],
        named[EC_BASKET_ID_SIZE];
    struct ec_session s;

    new_id(id);
    ec_basket_new_id(b);
    CU_ASSERT_EQUAL_FATAL(claim(SLUG, id, b, 300, named), 0);
    usleep(150 * 1000);
    /* used within its idle time: kept for another 300 ms */
    CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, id, 300, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 1);
    usleep(200 * 1000);
    CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, id, 300, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 1);
    usleep(450 * 1000);
    CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, id, 300, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 0);
    CU_ASSERT_EQUAL(exists(SLUG, id), 0);
}

static void
test_rotation_keeps_the_basket(void)
{
    struct ec_basket_policy p = {.ttl_ms = 60000,
                                 .lock_ttl_ms = 30000,
                                 .numbers_max = 2,
                                 .rate = {NULL, 0, 60000}};
    char old[EC_SESSION_ID_LEN + 1], fresh[EC_SESSION_ID_LEN + 1],
        named[EC_BASKET_ID_SIZE];
    const char *field, *message;
    struct ec_basket b, again;
    struct ec_basket_line l;
    struct ec_session s;
    int moved = -1;

    new_id(old);
    new_id(fresh);
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(claim(SLUG, old, b.id, IDLE, named), 0);
    memset(&l, 0, sizeof(l));
    l.channel = "web";
    l.sku = "L";
    l.sim = EC_SIM_ESIM;
    CU_ASSERT_EQUAL_FATAL(ec_basket_add(kv, SLUG, &b, &l, &p, &field, &message),
                          0);

    CU_ASSERT_EQUAL_FATAL(ec_session_rotate(kv, SLUG, old, fresh, IDLE, &moved),
                          0);
    CU_ASSERT_EQUAL(moved, 1);
    /* the old id names nothing; the new one the same basket */
    CU_ASSERT_EQUAL(exists(SLUG, old), 0);
    CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, old, IDLE, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 0);
    CU_ASSERT_EQUAL_FATAL(ec_session_load(kv, SLUG, fresh, IDLE, &arena, &s),
                          0);
    CU_ASSERT_EQUAL(s.stored, 1);
    EC_ASSERT_STR(s.basket, b.id);
    CU_ASSERT_EQUAL_FATAL(ec_basket_load(kv, SLUG, s.basket, &arena, &again),
                          0);
    CU_ASSERT_EQUAL(again.version, 1);
    EC_ASSERT_STR(
        ec_basket_line_str(json_object_array_get_idx(again.lines, 0), "sku"),
        "L");

    /* a session with nothing stored: nothing to move, nothing made */
    new_id(old);
    new_id(fresh);
    CU_ASSERT_EQUAL(ec_session_rotate(kv, SLUG, old, fresh, IDLE, &moved), 0);
    CU_ASSERT_EQUAL(moved, 0);
    CU_ASSERT_EQUAL(exists(SLUG, fresh), 0);
    CU_ASSERT_EQUAL(ec_session_rotate(kv, SLUG, old, old, IDLE, &moved),
                    EC_ERR_INVALID_FIELD);
}

/* A plan line with number msisdn ("" for none). */
static void
plan_line(struct ec_basket_line *l, const char *msisdn)
{
    memset(l, 0, sizeof(*l));
    l->channel = "web";
    l->sku = "L";
    l->sim = EC_SIM_ESIM;
    snprintf(l->msisdn, sizeof(l->msisdn), "%s", msisdn);
}

static void
test_a_first_line_claims_its_basket_in_one_step(void)
{
    struct ec_basket_policy p = {.ttl_ms = 60000,
                                 .lock_ttl_ms = 30000,
                                 .numbers_max = 2,
                                 .rate = {NULL, 0, 60000}};
    struct ec_basket_claim c = {NULL, IDLE, &arena};
    char id[EC_SESSION_ID_LEN + 1], record[160], first[EC_BASKET_ID_SIZE];
    const char *field, *message;
    struct ec_basket b, other;
    struct ec_basket_line l;
    struct ec_session s;
    long long ttl, baskets = keys_of("ecom:{" SLUG "}:basket:*");

    new_id(id);
    CU_ASSERT_EQUAL_FATAL(
        ec_session_record_key(record, sizeof(record), SLUG, id), 0);
    c.record = record;
    plan_line(&l, "+4520000001");
    CU_ASSERT_EQUAL_FATAL(
        ec_basket_add_claimed(kv, SLUG, &c, &b, &l, &p, &field, &message), 0);
    CU_ASSERT_EQUAL(b.version, 1);
    snprintf(first, sizeof(first), "%s", b.id);
    /* the record names the basket, with its creation time and idle TTL */
    CU_ASSERT_EQUAL_FATAL(ec_session_load(kv, SLUG, id, IDLE, &arena, &s), 0);
    CU_ASSERT_EQUAL(s.stored, 1);
    EC_ASSERT_STR(s.basket, first);
    CU_ASSERT(s.created_ms > 1700000000000LL);
    ttl = num("PTTL %s", record, NULL);
    CU_ASSERT(ttl > IDLE - 5000 && ttl <= IDLE);
    /* the basket holds the line and the number's lock */
    CU_ASSERT_EQUAL_FATAL(ec_basket_load(kv, SLUG, first, &arena, &other), 0);
    CU_ASSERT_EQUAL(json_object_array_length(other.lines), 1);

    /* a second first line (another tab) writes nothing and names the
       session's basket, as stored, for the caller to add to */
    plan_line(&l, "+4520000002");
    CU_ASSERT_EQUAL_FATAL(
        ec_basket_add_claimed(kv, SLUG, &c, &b, &l, &p, &field, &message),
        EC_BASKET_NAMED);
    EC_ASSERT_STR(b.id, first);
    CU_ASSERT_EQUAL(b.version, 1);
    CU_ASSERT_EQUAL(json_object_array_length(b.lines), 1);
    CU_ASSERT_EQUAL(keys_of("ecom:{" SLUG "}:basket:*"), baskets + 1);
    CU_ASSERT_EQUAL(keys_of("ecom:{" SLUG "}:lock:+4520000002"), 0);
    CU_ASSERT_EQUAL_FATAL(ec_basket_add(kv, SLUG, &b, &l, &p, &field, &message),
                          0);
    CU_ASSERT_EQUAL(b.version, 2);

    /* the session's basket expired: named all the same, empty, to be
       made again under its id */
    freeReplyObject(redisCommand(raw, "DEL ecom:{" SLUG "}:basket:%s", first));
    CU_ASSERT_EQUAL_FATAL(
        ec_basket_add_claimed(kv, SLUG, &c, &b, &l, &p, &field, &message),
        EC_BASKET_NAMED);
    EC_ASSERT_STR(b.id, first);
    CU_ASSERT_EQUAL(b.version, 0);
    CU_ASSERT_EQUAL(json_object_array_length(b.lines), 0);
}

static void
test_a_refused_first_line_stores_no_session(void)
{
    struct ec_basket_policy p = {.ttl_ms = 60000,
                                 .lock_ttl_ms = 30000,
                                 .numbers_max = 2,
                                 .rate = {NULL, 0, 60000}};
    struct ec_basket_claim c = {NULL, IDLE, &arena};
    char id[EC_SESSION_ID_LEN + 1], record[160];
    const char *field, *message;
    struct ec_basket b;
    struct ec_basket_line l;
    long long baskets;

    /* the number is another basket's */
    ec_basket_init_new(&b, &arena);
    plan_line(&l, "+4520000003");
    CU_ASSERT_EQUAL_FATAL(ec_basket_add(kv, SLUG, &b, &l, &p, &field, &message),
                          0);
    baskets = keys_of("ecom:{" SLUG "}:basket:*");

    new_id(id);
    CU_ASSERT_EQUAL_FATAL(
        ec_session_record_key(record, sizeof(record), SLUG, id), 0);
    c.record = record;
    plan_line(&l, "+4520000003");
    CU_ASSERT_EQUAL(
        ec_basket_add_claimed(kv, SLUG, &c, &b, &l, &p, &field, &message),
        EC_ERR_NUMBER_TAKEN);
    CU_ASSERT_EQUAL(exists(SLUG, id), 0);
    /* a basket with no room for a number: refused before any I/O */
    p.numbers_max = 0;
    CU_ASSERT_EQUAL(
        ec_basket_add_claimed(kv, SLUG, &c, &b, &l, &p, &field, &message),
        EC_ERR_BASKET_LIMIT);
    CU_ASSERT_EQUAL(exists(SLUG, id), 0);
    CU_ASSERT_EQUAL(keys_of("ecom:{" SLUG "}:basket:*"), baskets);
}

static void
test_an_accounts_sessions_are_revoked_together(void)
{
    char a1[EC_SESSION_ID_LEN + 1], a2[EC_SESSION_ID_LEN + 1],
        a3[EC_SESSION_ID_LEN + 1], b1[EC_SESSION_ID_LEN + 1];
    const char *list = "ecom:{" SLUG "}:account:acc-1:sessions";
    struct ec_session s;
    long long n = -1;
    int moved;

    new_id(a1);
    new_id(a2);
    new_id(a3);
    new_id(b1);
    CU_ASSERT_EQUAL_FATAL(
        ec_session_set_account(kv, SLUG, a1, "acc-1", IDLE, DAY), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_session_set_account(kv, SLUG, a2, "acc-1", IDLE, DAY), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_session_set_account(kv, SLUG, b1, "acc-2", IDLE, DAY), 0);
    CU_ASSERT_EQUAL_FATAL(ec_session_load(kv, SLUG, a1, IDLE, &arena, &s), 0);
    EC_ASSERT_STR(s.account, "acc-1");
    /* rotation keeps the account and its list current */
    CU_ASSERT_EQUAL_FATAL(ec_session_rotate(kv, SLUG, a2, a3, IDLE, &moved), 0);
    CU_ASSERT_EQUAL(num("SISMEMBER %s %s", list, a2), 0);
    CU_ASSERT_EQUAL(num("SISMEMBER %s %s", list, a3), 1);
    CU_ASSERT_EQUAL_FATAL(ec_session_load(kv, SLUG, a3, IDLE, &arena, &s), 0);
    EC_ASSERT_STR(s.account, "acc-1");

    CU_ASSERT_EQUAL_FATAL(ec_session_revoke_account(kv, SLUG, "acc-1", &n), 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(exists(SLUG, a1), 0);
    CU_ASSERT_EQUAL(exists(SLUG, a3), 0);
    CU_ASSERT_EQUAL(num("EXISTS %s", list, NULL), 0);
    /* another account's session stays */
    CU_ASSERT_EQUAL(exists(SLUG, b1), 1);
    CU_ASSERT_EQUAL(ec_session_revoke_account(kv, SLUG, "a b", &n),
                    EC_ERR_INVALID_FIELD);
}

/* An id of 64 hex digits made of one repeated character. */
static void
fake_id(char *id, char c)
{
    memset(id, c, EC_SESSION_ID_LEN);
    id[EC_SESSION_ID_LEN] = '\0';
}

static void
test_staff_fields_beside_the_customer(void)
{
    char id[EC_SESSION_ID_LEN + 1], key[160];
    struct ec_staff_session ss;

    fake_id(id, 'e');
    snprintf(key, sizeof(key), "ecom:{" SLUG "}:session:%s", id);
    /* nothing yet: nobody, and reading stores nothing */
    CU_ASSERT_EQUAL(ec_staff_session_read(kv, SLUG, id, IDLE, &arena, &ss), 0);
    CU_ASSERT_EQUAL(ss.staff, 0);
    CU_ASSERT_EQUAL(ss.pending, 0);
    CU_ASSERT_EQUAL(exists(SLUG, id), 0);
    /* a customer signed in first */
    CU_ASSERT_EQUAL(ec_session_set_account(kv, SLUG, id, "acc-7", IDLE, DAY),
                    0);
    /* a good password of a user with a second factor: only pending */
    CU_ASSERT_EQUAL(
        ec_staff_session_set(kv, SLUG, id, 42, 1, 1700000000000LL, IDLE), 0);
    CU_ASSERT_EQUAL(ec_staff_session_read(kv, SLUG, id, IDLE, &arena, &ss), 0);
    CU_ASSERT_EQUAL(ss.staff, 0);
    CU_ASSERT_EQUAL(ss.pending, 42);
    CU_ASSERT_EQUAL(ss.pending_ms, 1700000000000LL);
    /* the code: signed in, the pending mark gone */
    CU_ASSERT_EQUAL(ec_staff_session_set(kv, SLUG, id, 42, 0, 1, IDLE), 0);
    CU_ASSERT_EQUAL(ec_staff_session_read(kv, SLUG, id, IDLE, &arena, &ss), 0);
    CU_ASSERT_EQUAL(ss.staff, 42);
    CU_ASSERT_EQUAL(ss.pending, 0);
    CU_ASSERT_EQUAL(num("HEXISTS %s %s", key, "staff_pending"), 0);
    /* the customer is untouched, and rotation keeps both */
    {
        struct ec_session s;
        char to[EC_SESSION_ID_LEN + 1];
        int moved = 0;

        fake_id(to, 'f');
        CU_ASSERT_EQUAL(ec_session_rotate(kv, SLUG, id, to, IDLE, &moved), 0);
        CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, to, IDLE, &arena, &s), 0);
        EC_ASSERT_STR(s.account, "acc-7");
        CU_ASSERT_EQUAL(ec_staff_session_read(kv, SLUG, to, IDLE, &arena, &ss),
                        0);
        CU_ASSERT_EQUAL(ss.staff, 42);
        /* the same id at another tenant is another record */
        CU_ASSERT_EQUAL(ec_staff_session_read(kv, OTHER, to, IDLE, &arena, &ss),
                        0);
        CU_ASSERT_EQUAL(ss.staff, 0);
        /* staff sign-out: the customer stays */
        CU_ASSERT_EQUAL(ec_staff_session_clear(kv, SLUG, to), 0);
        CU_ASSERT_EQUAL(ec_staff_session_read(kv, SLUG, to, IDLE, &arena, &ss),
                        0);
        CU_ASSERT_EQUAL(ss.staff, 0);
        CU_ASSERT_EQUAL(ec_session_load(kv, SLUG, to, IDLE, &arena, &s), 0);
        EC_ASSERT_STR(s.account, "acc-7");
    }
    /* a field this code did not write names nobody */
    fake_id(id, 'd');
    snprintf(key, sizeof(key), "ecom:{" SLUG "}:session:%s", id);
    freeReplyObject(
        redisCommand(raw, "HSET %s staff 12x staff_pending 7", key));
    CU_ASSERT_EQUAL(ec_staff_session_read(kv, SLUG, id, IDLE, &arena, &ss), 0);
    CU_ASSERT_EQUAL(ss.staff, 0);
    CU_ASSERT_EQUAL(ss.pending, 0);
    CU_ASSERT_EQUAL(ec_staff_session_set(kv, SLUG, "nope", 1, 0, 1, IDLE),
                    EC_ERR_INVALID_FIELD);
}

static const struct ec_test tests[] = {
    {"nothing is stored for a session before it changes something",
     test_nothing_is_stored_before_a_change},
    {"the first basket makes the record; a second claim gets the first",
     test_the_first_basket_makes_the_record},
    {"an idle record expires, a used one lives on",
     test_an_idle_record_expires},
    {"rotation moves the record to the new id, basket and all",
     test_rotation_keeps_the_basket},
    {"a first line claims its basket for the session in one step",
     test_a_first_line_claims_its_basket_in_one_step},
    {"a refused first line stores no session",
     test_a_refused_first_line_stores_no_session},
    {"an account's sessions are revoked together",
     test_an_accounts_sessions_are_revoked_together},
    {"a staff member beside the customer: pending, signed in, signed out",
     test_staff_fields_beside_the_customer},
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
    /* as in basket_store_test: the store connects as ecomd does, the
       test's own checks as the default account */
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
    rc = ec_test_run("integration/svc/session_store", tests);
    if (raw && !raw->err)
        delete_test_keys();
    if (raw)
        redisFree(raw);
    ec_kv_free(kv);
    ec_arena_release(&arena);
    return rc;
}
