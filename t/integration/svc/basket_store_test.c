/*
 * The basket's writes against a real Redis (the test stack's, port
 * EC_REDIS_PORT, default 16380): a line and its number's lock are stored
 * in one script, so every refusal leaves neither behind, and of many
 * baskets racing for one number exactly one gets it.
 *
 * Never skips: without Redis the first test fails. Keys live under
 * ecom:{baskettest}: and are deleted at the start and the end.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <json-c/json.h>

#include "../../unit/test.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "store/kv.h"
#include "svc/basket.h"
#include "svc/invalidate.h"
#include "svc/number.h"

#define SLUG "baskettest"

static struct ec_kv_config cfg = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_kv *kv;
static redisContext *raw;
static struct ec_arena arena;
static struct ec_basket_policy policy = {
    .ttl_ms = 60000,
    .lock_ttl_ms = 30000,
    .numbers_max = 2,
    .rate = {NULL, 0, 60000},
};

static void
delete_test_keys(void)
{
    redisReply *r = redisCommand(raw, "KEYS ecom:{" SLUG "}:*");

    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements;
         i++)
        freeReplyObject(redisCommand(raw, "DEL %s", r->element[i]->str));
    if (r)
        freeReplyObject(r);
}

static char *
get(const char *fmt, const char *arg)
{
    static char out[4096];
    redisReply *r = redisCommand(raw, fmt, arg);

    snprintf(out, sizeof(out), "%s",
             r && r->type == REDIS_REPLY_STRING ? r->str : "(nil)");
    if (r)
        freeReplyObject(r);
    return out;
}

static const char *
lock_owner(const char *msisdn)
{
    return get("GET ecom:{" SLUG "}:lock:%s", msisdn);
}

/* A line of plan L, with msisdn ("" for none). */
static void
line(struct ec_basket_line *l, const char *msisdn)
{
    memset(l, 0, sizeof(*l));
    l->channel = "web";
    l->sku = "L";
    l->sim = EC_SIM_ESIM;
    l->monthly_at_add = 9900;
    snprintf(l->msisdn, sizeof(l->msisdn), "%s", msisdn);
}

static int
add(struct ec_basket *b, const char *msisdn, const struct ec_basket_policy *p)
{
    struct ec_basket_line l;
    const char *field, *message;

    line(&l, msisdn);
    return ec_basket_add(kv, SLUG, b, &l, p, &field, &message);
}

/* The stored basket id, read again. */
static struct ec_basket
reload(const char *id)
{
    struct ec_basket b;

    CU_ASSERT_EQUAL(ec_basket_load(kv, SLUG, id, &arena, &b), 0);
    return b;
}

static void
test_redis_is_there(void)
{
    CU_ASSERT_EQUAL_FATAL(ec_kv_ping(kv), 0);
}

static void
test_line_and_lock_together(void)
{
    struct ec_basket b, again;

    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL(add(&b, "+4520000001", &policy), 0);
    CU_ASSERT_EQUAL(b.version, 1);
    EC_ASSERT_STR(lock_owner("+4520000001"), b.id);
    again = reload(b.id);
    CU_ASSERT_EQUAL(again.version, 1);
    CU_ASSERT_EQUAL(json_object_array_length(again.lines), 1);
}

static void
test_a_stale_basket_locks_nothing(void)
{
    struct ec_basket b, stale;

    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "", &policy), 0);
    stale = reload(b.id);
    /* another writer moves the basket on */
    CU_ASSERT_EQUAL_FATAL(add(&b, "", &policy), 0);
    CU_ASSERT_EQUAL(add(&stale, "+4520000002", &policy),
                    EC_ERR_VERSION_CONFLICT);
    EC_ASSERT_STR(lock_owner("+4520000002"), "(nil)");
    CU_ASSERT_EQUAL(reload(b.id).version, 2);
    /* and an expired basket the writer still holds in hand likewise */
    freeReplyObject(redisCommand(raw, "DEL ecom:{" SLUG "}:basket:%s", b.id));
    CU_ASSERT_EQUAL(add(&b, "+4520000002", &policy), EC_ERR_VERSION_CONFLICT);
    EC_ASSERT_STR(lock_owner("+4520000002"), "(nil)");
}

static void
test_a_taken_number_stores_nothing(void)
{
    struct ec_basket a, b;

    ec_basket_init_new(&a, &arena);
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&a, "+4520000003", &policy), 0);
    CU_ASSERT_EQUAL_FATAL(add(&b, "", &policy), 0);
    CU_ASSERT_EQUAL(add(&b, "+4520000003", &policy), EC_ERR_NUMBER_TAKEN);
    EC_ASSERT_STR(lock_owner("+4520000003"), a.id);
    CU_ASSERT_EQUAL(reload(b.id).version, 1);
    CU_ASSERT_EQUAL(json_object_array_length(reload(b.id).lines), 1);
}

static void
test_rate_counts_granted_locks(void)
{
    struct ec_basket_policy p = policy;
    struct ec_basket b, c;
    long long ttl;
    redisReply *r;

    p.rate.client = "192.0.2.7";
    p.rate.max = 2;
    ec_basket_init_new(&b, &arena);
    ec_basket_init_new(&c, &arena);
    CU_ASSERT_EQUAL(add(&b, "+4520000004", &p), 0);
    /* a refused lock is not counted */
    CU_ASSERT_EQUAL(add(&c, "+4520000004", &p), EC_ERR_NUMBER_TAKEN);
    CU_ASSERT_EQUAL(add(&c, "+4520000005", &p), 0);
    CU_ASSERT_EQUAL(add(&c, "+4520000006", &p), EC_ERR_RATE_LIMITED);
    EC_ASSERT_STR(lock_owner("+4520000006"), "(nil)");
    CU_ASSERT_EQUAL(reload(c.id).version, 1);
    EC_ASSERT_STR(get("GET ecom:{" SLUG "}:lockrate:%s", "192.0.2.7"), "2");
    r = redisCommand(raw, "PTTL ecom:{" SLUG "}:lockrate:192.0.2.7");
    ttl = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -99;
    freeReplyObject(r);
    CU_ASSERT_TRUE(ttl > 0 && ttl <= 60000);
    /* lines without a number are not limited */
    CU_ASSERT_EQUAL(add(&c, "", &p), 0);
}

static void
test_numbers_per_basket(void)
{
    struct ec_basket b;

    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL(add(&b, "+4520000007", &policy), 0);
    CU_ASSERT_EQUAL(add(&b, "+4520000008", &policy), 0);
    CU_ASSERT_EQUAL(add(&b, "+4520000009", &policy), EC_ERR_BASKET_LIMIT);
    EC_ASSERT_STR(lock_owner("+4520000009"), "(nil)");
    CU_ASSERT_EQUAL(add(&b, "", &policy), 0);
}

static void
test_update_moves_the_lock(void)
{
    struct ec_basket b, other;
    struct ec_basket_line l;
    const char *field, *message;
    struct json_object *v;
    char id[EC_BASKET_LINE_ID_SIZE];

    ec_basket_init_new(&b, &arena);
    ec_basket_init_new(&other, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000010", &policy), 0);
    CU_ASSERT_EQUAL_FATAL(add(&other, "+4520000012", &policy), 0);
    json_object_object_get_ex(json_object_array_get_idx(b.lines, 0), "id", &v);
    /* a copy: the stored line goes when it is replaced */
    snprintf(id, sizeof(id), "%s", json_object_get_string(v));
    line(&l, "+4520000011");
    CU_ASSERT_EQUAL(
        ec_basket_update(kv, SLUG, &b, id, &l, &policy, &field, &message), 0);
    EC_ASSERT_STR(lock_owner("+4520000011"), b.id);
    EC_ASSERT_STR(lock_owner("+4520000010"), "(nil)");
    /* to a number someone holds: refused, the old lock kept */
    b = reload(b.id);
    line(&l, "+4520000012");
    CU_ASSERT_EQUAL(
        ec_basket_update(kv, SLUG, &b, id, &l, &policy, &field, &message),
        EC_ERR_NUMBER_TAKEN);
    EC_ASSERT_STR(lock_owner("+4520000011"), b.id);
    EC_ASSERT_STR(lock_owner("+4520000012"), other.id);
    CU_ASSERT_EQUAL(reload(b.id).version, 2);
}

static long long
pttl_of(const char *msisdn)
{
    redisReply *r = redisCommand(raw, "PTTL ecom:{" SLUG "}:lock:%s", msisdn);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -99;

    if (r)
        freeReplyObject(r);
    return v;
}

static void
test_activity_keeps_only_its_own_locks(void)
{
    struct ec_basket_policy p = policy;
    struct ec_basket b;
    const char *id;
    struct json_object *v;
    char first[EC_BASKET_LINE_ID_SIZE];

    p.numbers_max = 5;
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000020", &p), 0);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000021", &p), 0);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000022", &p), 0);
    /* one lock about to run out, one run out, one taken by another */
    freeReplyObject(
        redisCommand(raw, "PEXPIRE ecom:{" SLUG "}:lock:+4520000020 500"));
    freeReplyObject(redisCommand(raw, "DEL ecom:{" SLUG "}:lock:+4520000021"));
    freeReplyObject(redisCommand(raw, "SET ecom:{" SLUG
                                      "}:lock:+4520000022 other PX 5000"));
    CU_ASSERT_EQUAL(ec_basket_touch(kv, SLUG, &b, &p), 0);
    CU_ASSERT_TRUE(pttl_of("+4520000020") > 20000);
    EC_ASSERT_STR(lock_owner("+4520000021"), b.id);
    EC_ASSERT_STR(lock_owner("+4520000022"), "other");
    CU_ASSERT_TRUE(pttl_of("+4520000022") <= 5000);
    /* removing the line whose number went elsewhere leaves that lock */
    json_object_object_get_ex(json_object_array_get_idx(b.lines, 2), "id", &v);
    id = json_object_get_string(v);
    snprintf(first, sizeof(first), "%s", id);
    CU_ASSERT_EQUAL(ec_basket_remove(kv, SLUG, &b, first, &p), 0);
    EC_ASSERT_STR(lock_owner("+4520000022"), "other");
    /* removing one it holds frees it in the same step */
    json_object_object_get_ex(json_object_array_get_idx(b.lines, 0), "id", &v);
    snprintf(first, sizeof(first), "%s", json_object_get_string(v));
    CU_ASSERT_EQUAL(ec_basket_remove(kv, SLUG, &b, first, &p), 0);
    EC_ASSERT_STR(lock_owner("+4520000020"), "(nil)");
    CU_ASSERT_EQUAL(reload(b.id).version, 6);
}

/* The id of line i of b. */
static const char *
line_id(const struct ec_basket *b, size_t i)
{
    struct json_object *v;

    json_object_object_get_ex(json_object_array_get_idx(b->lines, i), "id", &v);
    return json_object_get_string(v);
}

static long long
zcard(const char *key)
{
    redisReply *r = redisCommand(raw, "ZCARD %s", key);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -99;

    if (r)
        freeReplyObject(r);
    return v;
}

/*
 * One client holds at most holds_max numbers at once, over all its
 * baskets: a released lock and an expired one free a place; changing a
 * number at the cap is no new hold; a lapsed lock is not taken again
 * past the cap; another client and an exempt one are not affected.
 */
static void
test_holds_per_client(void)
{
    struct ec_basket_policy p = policy, other;
    struct ec_basket b, c, d;
    char id[EC_BASKET_LINE_ID_SIZE];
    const char *field, *message;
    struct ec_basket_line l;

    p.rate.client = "192.0.2.20";
    p.holds_max = 3;
    p.numbers_max = 5;
    ec_basket_init_new(&b, &arena);
    ec_basket_init_new(&c, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000101", &p), 0);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000102", &p), 0);
    CU_ASSERT_EQUAL_FATAL(add(&c, "+4520000103", &p), 0);
    CU_ASSERT_EQUAL(zcard("ecom:{" SLUG "}:holds:192.0.2.20"), 3);
    /* a fourth, in either basket or a new one: refused, nothing written */
    c.retry_after = 0;
    CU_ASSERT_EQUAL(add(&c, "+4520000104", &p), EC_ERR_RATE_LIMITED);
    CU_ASSERT_TRUE(c.retry_after >= 1 && c.retry_after <= 30);
    EC_ASSERT_STR(lock_owner("+4520000104"), "(nil)");
    CU_ASSERT_EQUAL(reload(c.id).version, 1);
    ec_basket_init_new(&d, &arena);
    CU_ASSERT_EQUAL(add(&d, "+4520000104", &p), EC_ERR_RATE_LIMITED);
    /* another client, and a client exempt from the limits, may */
    other = p;
    other.rate.client = "192.0.2.21";
    CU_ASSERT_EQUAL(add(&d, "+4520000105", &other), 0);
    other.rate.client = NULL;
    CU_ASSERT_EQUAL(add(&d, "+4520000106", &other), 0);
    /* changing a number at the cap moves a hold, it adds none */
    line(&l, "+4520000107");
    snprintf(id, sizeof(id), "%s", line_id(&c, 0));
    CU_ASSERT_EQUAL(
        ec_basket_update(kv, SLUG, &c, id, &l, &p, &field, &message), 0);
    EC_ASSERT_STR(lock_owner("+4520000103"), "(nil)");
    EC_ASSERT_STR(lock_owner("+4520000107"), c.id);
    CU_ASSERT_EQUAL(zcard("ecom:{" SLUG "}:holds:192.0.2.20"), 3);
    /* a released lock frees a place at once */
    snprintf(id, sizeof(id), "%s", line_id(&b, 0));
    CU_ASSERT_EQUAL(ec_basket_remove(kv, SLUG, &b, id, &p), 0);
    CU_ASSERT_EQUAL(add(&c, "+4520000104", &p), 0);
    CU_ASSERT_EQUAL(add(&c, "+4520000108", &p), EC_ERR_RATE_LIMITED);
    /* a lapsed lock is not taken again past the cap: b's last number ran
       out, and the client took another meanwhile */
    freeReplyObject(redisCommand(raw, "DEL ecom:{" SLUG "}:lock:+4520000102"));
    freeReplyObject(redisCommand(raw, "ZREM ecom:{" SLUG
                                      "}:holds:192.0.2.20 ecom:{" SLUG
                                      "}:lock:+4520000102"));
    CU_ASSERT_EQUAL(add(&c, "+4520000108", &p), 0);
    CU_ASSERT_EQUAL(ec_basket_touch(kv, SLUG, &b, &p), 0);
    EC_ASSERT_STR(lock_owner("+4520000102"), "(nil)");
    CU_ASSERT_EQUAL(zcard("ecom:{" SLUG "}:holds:192.0.2.20"), 3);
}

/* Locks that end by their TTL no longer count. */
static void
test_expired_holds_do_not_count(void)
{
    struct ec_basket_policy p = policy;
    struct ec_basket b;

    p.rate.client = "192.0.2.22";
    p.holds_max = 1;
    p.lock_ttl_ms = 300;
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000111", &p), 0);
    CU_ASSERT_EQUAL(add(&b, "+4520000112", &p), EC_ERR_RATE_LIMITED);
    usleep(400 * 1000);
    EC_ASSERT_STR(lock_owner("+4520000111"), "(nil)");
    CU_ASSERT_EQUAL(add(&b, "+4520000112", &p), 0);
    EC_ASSERT_STR(lock_owner("+4520000112"), b.id);
}

/*
 * Keeping a basket extends its locks, but never past hold_max_ms from
 * when each was first taken; then the number is free, and a lapsed lock
 * is not taken again.
 */
static void
test_hold_max(void)
{
    struct ec_basket_policy p = policy;
    struct ec_basket b;
    struct json_object *v;
    int64_t taken;

    p.hold_max_ms = 1000;
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000121", &p), 0);
    CU_ASSERT_TRUE(pttl_of("+4520000121") <= 1000);
    json_object_object_get_ex(json_object_array_get_idx(b.lines, 0),
                              "lock_taken_at", &v);
    taken = json_object_get_int64(v);
    CU_ASSERT_TRUE(taken > 0);
    usleep(500 * 1000);
    CU_ASSERT_EQUAL(ec_basket_touch(kv, SLUG, &b, &p), 0);
    CU_ASSERT_TRUE(pttl_of("+4520000121") <= 500);
    /* the line records the same first time and the bounded end */
    b = reload(b.id);
    json_object_object_get_ex(json_object_array_get_idx(b.lines, 0),
                              "lock_taken_at", &v);
    CU_ASSERT_EQUAL(json_object_get_int64(v), taken);
    json_object_object_get_ex(json_object_array_get_idx(b.lines, 0),
                              "lock_expires_at", &v);
    CU_ASSERT_TRUE(json_object_get_int64(v) <= taken + 1000);
    usleep(600 * 1000);
    EC_ASSERT_STR(lock_owner("+4520000121"), "(nil)");
    CU_ASSERT_EQUAL(ec_basket_touch(kv, SLUG, &b, &p), 0);
    EC_ASSERT_STR(lock_owner("+4520000121"), "(nil)");
}

/* One client starts at most baskets_rate new baskets a window. */
static void
test_new_baskets_per_client(void)
{
    struct ec_basket_policy p = policy;
    struct ec_basket b, c, d;

    p.rate.client = "192.0.2.30";
    p.baskets_rate = 2;
    ec_basket_init_new(&b, &arena);
    ec_basket_init_new(&c, &arena);
    ec_basket_init_new(&d, &arena);
    CU_ASSERT_EQUAL(add(&b, "", &p), 0);
    CU_ASSERT_EQUAL(add(&c, "", &p), 0);
    CU_ASSERT_EQUAL(add(&d, "", &p), EC_ERR_RATE_LIMITED);
    CU_ASSERT_TRUE(d.retry_after >= 1 && d.retry_after <= 60);
    EC_ASSERT_STR(get("GET ecom:{" SLUG "}:basket:%s", d.id), "(nil)");
    /* a basket it has takes more lines */
    CU_ASSERT_EQUAL(add(&b, "", &p), 0);
    p.rate.client = "192.0.2.31";
    CU_ASSERT_EQUAL(add(&d, "", &p), 0);
}

/*
 * Many processes, one number: each its own connection and new basket,
 * adding a line with the number through the production script at once.
 */
static void
test_exactly_one_winner(void)
{
    enum { RACERS = 32 };
    const char *n = "+4520000030";
    int go[2], results[2], winners = 0, losers = 0, errors = 0;
    char basket[EC_BASKET_ID_SIZE], winner[EC_BASKET_ID_SIZE] = "";
    char loser[RACERS][EC_BASKET_ID_SIZE];
    pid_t pids[RACERS];

    CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(results), 0);
    for (int i = 0; i < RACERS; i++) {
        pids[i] = fork();
        CU_ASSERT_FATAL(pids[i] >= 0);
        if (pids[i] == 0) {
            struct ec_kv *mine = ec_kv_new(&cfg);
            struct ec_arena own;
            struct ec_basket b;
            struct ec_basket_line l;
            const char *field, *message;
            char c, out[96];
            int rc;

            close(go[1]);
            ec_arena_init(&own, 0);
            ec_basket_init_new(&b, &own);
            line(&l, n);
            if (ec_kv_ping(mine) < 0)
                _exit(3);
            /* everyone starts when the pipe closes */
            if (read(go[0], &c, 1) < 0)
                _exit(3);
            rc = ec_basket_add(mine, SLUG, &b, &l, &policy, &field, &message);
            snprintf(out, sizeof(out), "%d %s\n", rc, b.id);
            if (write(results[1], out, strlen(out)) < 0)
                _exit(3);
            ec_kv_free(mine);
            ec_arena_release(&own);
            _exit(0);
        }
    }
    close(go[0]);
    close(go[1]);
    close(results[1]);
    {
        FILE *in = fdopen(results[0], "r");
        char text[96];
        int rc;

        while (fgets(text, sizeof(text), in)) {
            if (sscanf(text, "%d %32s", &rc, basket) != 2)
                errors++;
            else if (rc == 0)
                winners++, snprintf(winner, sizeof(winner), "%s", basket);
            else if (rc == EC_ERR_NUMBER_TAKEN && losers < RACERS)
                snprintf(loser[losers++], sizeof(loser[0]), "%s", basket);
            else
                errors++;
        }
        fclose(in);
    }
    for (int i = 0; i < RACERS; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    if (winners != 1 || losers != RACERS - 1)
        fprintf(stderr, "\n    %d winners, %d losers, %d errors\n", winners,
                losers, errors);
    CU_ASSERT_EQUAL(winners, 1);
    CU_ASSERT_EQUAL(losers, RACERS - 1);
    CU_ASSERT_EQUAL(errors, 0);
    /* the winner's basket holds the line and the lock; no loser stored one */
    EC_ASSERT_STR(lock_owner(n), winner);
    CU_ASSERT_EQUAL(json_object_array_length(reload(winner).lines), 1);
    for (int i = 0; i < losers; i++)
        EC_ASSERT_STR(get("GET ecom:{" SLUG "}:basket:%s", loser[i]), "(nil)");
}

static void
test_locks_held_in_one_read(void)
{
    struct ec_basket_policy p = policy;
    struct ec_basket b;
    int held[3] = {9, 9, 9};

    p.numbers_max = 5;
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000040", &p), 0);
    CU_ASSERT_EQUAL_FATAL(add(&b, "", &p), 0);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000041", &p), 0);
    freeReplyObject(redisCommand(raw, "SET ecom:{" SLUG
                                      "}:lock:+4520000041 other PX 5000"));
    CU_ASSERT_EQUAL(ec_basket_locks_held(kv, SLUG, &b, &arena, held, 3), 0);
    CU_ASSERT_EQUAL(held[0], 1);
    CU_ASSERT_EQUAL(held[1], 0); /* no number */
    CU_ASSERT_EQUAL(held[2], 0); /* another's */
}

/* A stored basket longer than any change makes (20 lines, each with a
   number): reading which lines hold their locks stays within the caller's
   room (the sanitizer build reports a write past it). */
static void
test_locks_held_of_a_basket_of_20_lines(void)
{
    struct json_object *doc = json_object_new_object();
    struct json_object *lines = json_object_new_array();
    int *held = malloc(EC_BASKET_LINES_MAX * sizeof(*held));
    char id[EC_BASKET_ID_SIZE], msisdn[EC_NUMBER_SIZE];
    struct ec_basket b;

    CU_ASSERT_PTR_NOT_NULL_FATAL(held);
    ec_basket_new_id(id);
    for (int i = 0; i < 20; i++) {
        struct json_object *l = json_object_new_object();

        snprintf(msisdn, sizeof(msisdn), "+45201000%02d", i);
        json_object_object_add(l, "id",
                               json_object_new_string("0000000000000000"));
        json_object_object_add(l, "msisdn", json_object_new_string(msisdn));
        json_object_array_add(lines, l);
        freeReplyObject(redisCommand(
            raw, "SET ecom:{" SLUG "}:lock:%s %s PX 5000", msisdn, id));
    }
    json_object_object_add(doc, "version", json_object_new_int(1));
    json_object_object_add(doc, "lines", lines);
    freeReplyObject(redisCommand(raw,
                                 "SET ecom:{" SLUG "}:basket:%s %s PX 5000", id,
                                 json_object_to_json_string(doc)));
    json_object_put(doc);
    b = reload(id);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(b.lines), 20);
    CU_ASSERT_EQUAL(
        ec_basket_locks_held(kv, SLUG, &b, &arena, held, EC_BASKET_LINES_MAX),
        0);
    for (int i = 0; i < EC_BASKET_LINES_MAX; i++)
        CU_ASSERT_EQUAL(held[i], 1);
    free(held);
}

static void
test_scripts_survive_a_flushed_script_cache(void)
{
    struct ec_basket b;
    redisReply *r;

    ec_basket_init_new(&b, &arena);
    /* as after a Redis restart or a failover: EVALSHA answers NOSCRIPT */
    r = redisCommand(raw, "SCRIPT FLUSH");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    freeReplyObject(r);
    CU_ASSERT_EQUAL(add(&b, "+4520000050", &policy), 0);
    EC_ASSERT_STR(lock_owner("+4520000050"), b.id);
    freeReplyObject(redisCommand(raw, "SCRIPT FLUSH"));
    CU_ASSERT_EQUAL(add(&b, "", &policy), 0);
    CU_ASSERT_EQUAL(reload(b.id).version, 2);
}

static void
test_a_lock_key_of_another_type_is_an_error_not_a_crash(void)
{
    struct ec_basket b, c;

    ec_basket_init_new(&b, &arena);
    ec_basket_init_new(&c, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000060", &policy), 0);
    /* a kept lock's key turned into a list: the script fails on it */
    freeReplyObject(redisCommand(raw, "DEL ecom:{" SLUG "}:lock:+4520000060"));
    freeReplyObject(
        redisCommand(raw, "RPUSH ecom:{" SLUG "}:lock:+4520000060 x"));
    CU_ASSERT_EQUAL(ec_basket_touch(kv, SLUG, &b, &policy), EC_ERR_INTERNAL);
    CU_ASSERT_EQUAL(reload(b.id).version, 1);
    /* a chosen one's: the number counts as taken, nothing stored */
    CU_ASSERT_EQUAL(add(&c, "+4520000060", &policy), EC_ERR_NUMBER_TAKEN);
    EC_ASSERT_STR(get("GET ecom:{" SLUG "}:basket:%s", c.id), "(nil)");
    /* the connection is still good */
    CU_ASSERT_EQUAL(ec_kv_ping(kv), 0);
}

static void
test_redis_down_is_unavailable(void)
{
    /* nothing listens on port 1 */
    struct ec_kv_config none = {"127.0.0.1", 1, 300, 300, NULL, NULL};
    struct ec_kv *down = ec_kv_new(&none);
    struct ec_basket b;
    struct ec_basket_line l;
    const char *field, *message;

    ec_basket_init_new(&b, &arena);
    line(&l, "+4520000070");
    CU_ASSERT_EQUAL(
        ec_basket_add(down, SLUG, &b, &l, &policy, &field, &message),
        EC_ERR_UNAVAILABLE);
    CU_ASSERT_EQUAL(ec_basket_load(down, SLUG, b.id, &arena, &b),
                    EC_ERR_UNAVAILABLE);
    ec_kv_free(down);
}

struct heard {
    char msgs[8][64];
    size_t n;
};

static void
hear(const char *msg, size_t len, void *ctx)
{
    struct heard *h = ctx;

    if (h->n < 8)
        snprintf(h->msgs[h->n++], sizeof(h->msgs[0]), "%.*s", (int)len, msg);
}

/* What the subscription hears until it has want messages, or a second
   has passed. */
static void
listen_for(struct ec_kv_sub *sub, struct heard *h, size_t want)
{
    for (int i = 0; i < 100 && h->n < want; i++) {
        CU_ASSERT_EQUAL(ec_kv_sub_poll(sub, hear, h), 0);
        if (h->n < want)
            usleep(10000);
    }
}

static void
test_every_lock_taken_is_announced(void)
{
    struct ec_kv_sub *sub = ec_kv_sub_new(&cfg, EC_INVALIDATE_CHANNEL);
    struct heard h = {0};
    struct ec_basket b, other;

    CU_ASSERT_EQUAL_FATAL(ec_kv_sub_ensure(sub), 1);
    ec_basket_init_new(&b, &arena);
    ec_basket_init_new(&other, &arena);
    CU_ASSERT_EQUAL(add(&b, "+4520000031", &policy), 0);
    /* a line without a number, and a refused lock: nothing to say */
    CU_ASSERT_EQUAL(add(&b, "", &policy), 0);
    CU_ASSERT_EQUAL(add(&other, "+4520000031", &policy), EC_ERR_NUMBER_TAKEN);
    CU_ASSERT_EQUAL(add(&other, "+4520000032", &policy), 0);
    listen_for(sub, &h, 2);
    CU_ASSERT_EQUAL_FATAL(h.n, 2);
    EC_ASSERT_STR(h.msgs[0], "lock:" SLUG ":+4520000031");
    EC_ASSERT_STR(h.msgs[1], "lock:" SLUG ":+4520000032");
    ec_kv_sub_free(sub);
}

/* How many keys match pattern, by KEYS (the oracle; tests only). */
static long long
keys_matching(const char *pattern)
{
    redisReply *r = redisCommand(raw, "KEYS %s", pattern);
    long long n =
        r && r->type == REDIS_REPLY_ARRAY ? (long long)r->elements : -1;

    if (r)
        freeReplyObject(r);
    return n;
}

static void
test_the_overview_counts_the_locks(void)
{
    long long n = -1, before;
    int complete = 0;
    struct ec_basket b;

    CU_ASSERT_EQUAL_FATAL(ec_number_locked_count(kv, SLUG, &n, &complete), 0);
    CU_ASSERT_EQUAL(complete, 1);
    before = keys_matching("ecom:{" SLUG "}:lock:*");
    CU_ASSERT_EQUAL(n, before);
    ec_basket_init_new(&b, &arena);
    CU_ASSERT_EQUAL_FATAL(add(&b, "+4520000777", &policy), 0);
    /* another tenant's locks are not this one's */
    freeReplyObject(
        redisCommand(raw, "SET ecom:{baskettestother}:lock:+4520000777 x"));
    CU_ASSERT_EQUAL_FATAL(ec_number_locked_count(kv, SLUG, &n, &complete), 0);
    CU_ASSERT_EQUAL(n, before + 1);
    CU_ASSERT_EQUAL(complete, 1);
    freeReplyObject(
        redisCommand(raw, "DEL ecom:{baskettestother}:lock:+4520000777"));
    CU_ASSERT_EQUAL(ec_number_locked_count(kv, "bad slug*", &n, &complete),
                    EC_ERR_INVALID_FIELD);
}

static const struct ec_test tests[] = {
    {"Redis of the test stack answers", test_redis_is_there},
    {"a line and its number's lock are stored together",
     test_line_and_lock_together},
    {"a stale or expired basket locks nothing",
     test_a_stale_basket_locks_nothing},
    {"a taken number stores nothing", test_a_taken_number_stores_nothing},
    {"the rate counts granted locks per client",
     test_rate_counts_granted_locks},
    {"a basket holds at most numbers_max numbers", test_numbers_per_basket},
    {"a client holds at most holds_max numbers over its baskets",
     test_holds_per_client},
    {"locks ended by their TTL no longer count",
     test_expired_holds_do_not_count},
    {"keeping never extends a lock past hold_max_ms", test_hold_max},
    {"a client starts at most baskets_rate baskets a window",
     test_new_baskets_per_client},
    {"changing a line's number moves its lock", test_update_moves_the_lock},
    {"every lock taken is announced to the workers, none other",
     test_every_lock_taken_is_announced},
    {"activity keeps the basket's own locks, never another's",
     test_activity_keeps_only_its_own_locks},
    {"32 processes, 32 baskets, one number: exactly one winner",
     test_exactly_one_winner},
    {"which lines hold their locks, in one read", test_locks_held_in_one_read},
    {"a stored basket of 20 lines: lock states within the caller's room",
     test_locks_held_of_a_basket_of_20_lines},
    {"the scripts survive a flushed script cache",
     test_scripts_survive_a_flushed_script_cache},
    {"a lock key of another type is an error",
     test_a_lock_key_of_another_type_is_an_error_not_a_crash},
    {"the overview counts the locks of its tenant, by SCAN",
     test_the_overview_counts_the_locks},
    {"Redis down is unavailable", test_redis_down_is_unavailable},
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
    /* the store connects as ecomd does (EC_REDIS_USER, EC_REDIS_PASSWORD);
       the test's own checks as the default account, which may do anything
       (KEYS, SCRIPT FLUSH), with EC_REDIS_ADMIN_PASSWORD. No
       password: the first test fails (NOAUTH), never skips. */
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
    rc = ec_test_run("integration/svc/basket_store", tests);
    if (raw && !raw->err)
        delete_test_keys();
    if (raw)
        redisFree(raw);
    ec_kv_free(kv);
    ec_arena_release(&arena);
    return rc;
}
