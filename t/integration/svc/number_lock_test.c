/*
 * Number locks against a real Redis: the one the test stack runs
 * (127.0.0.1, port EC_REDIS_PORT, default 16380: scripts/stack test start).
 *
 * Never skips: without Redis the first test fails and so does the program.
 * Keys live under ecom:{locktest}: with random numbers, so runs do not meet,
 * and are deleted at the end.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "../../unit/test.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "store/kv.h"
#include "svc/number.h"

#define SLUG "locktest"

static struct ec_kv_config cfg = {"127.0.0.1", 16380, 1000, 2000};
static struct ec_kv *kv;
static redisContext *raw; /* for what the service does not offer */
static struct ec_arena arena;
static char used[64][EC_NUMBER_SIZE];
static size_t nused;

/* A fresh random number, remembered for the clean-up. */
static const char *
fresh_number(void)
{
    unsigned v;

    ec_rand_bytes(&v, sizeof(v));
    if (nused == sizeof(used) / sizeof(used[0]))
        EC_BUG("fresh_number: too many");
    snprintf(used[nused], EC_NUMBER_SIZE, "+452%07u", v % 10000000u);
    return used[nused++];
}

static const char *
key_of(const char *msisdn)
{
    static char key[EC_NUMBER_LOCK_KEY_SIZE];

    ec_number_lock_key(key, sizeof(key), SLUG, msisdn);
    return key;
}

static long long
pttl(const char *msisdn)
{
    redisReply *r = redisCommand(raw, "PTTL %s", key_of(msisdn));
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -99;

    if (r)
        freeReplyObject(r);
    return v;
}

static const char *
owner(const char *msisdn)
{
    char *o = NULL;
    int rc = ec_number_lock_owner(kv, SLUG, msisdn, &arena, &o);

    return rc == 0 ? o : rc == EC_ERR_NOT_FOUND ? "(none)" : "(error)";
}

static void
test_redis_is_there(void)
{
    int rc = ec_kv_ping(kv);

    if (rc != 0 || !raw || raw->err)
        fprintf(stderr,
                "\n    Redis at %s:%u does not answer: start the test stack "
                "(scripts/stack test start) or set EC_REDIS_PORT\n",
                cfg.host, cfg.port);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_FATAL(raw && !raw->err);
}

static void
test_first_lock_wins(void)
{
    const char *n = fresh_number();

    CU_ASSERT_EQUAL(ec_number_lock(kv, SLUG, n, "basket-a", 60000), 0);
    CU_ASSERT_EQUAL(ec_number_lock(kv, SLUG, n, "basket-b", 60000),
                    EC_ERR_CONFLICT);
    /* the owner too: locking is not extending */
    CU_ASSERT_EQUAL(ec_number_lock(kv, SLUG, n, "basket-a", 60000),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(owner(n), "basket-a");
    CU_ASSERT_TRUE(pttl(n) > 59000 && pttl(n) <= 60000);
}

static void
test_only_the_owner_releases(void)
{
    const char *n = fresh_number();

    CU_ASSERT_EQUAL_FATAL(ec_number_lock(kv, SLUG, n, "basket-a", 60000), 0);
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-b"),
                    EC_ERR_CONFLICT);
    /* a prefix of the owner's id is someone else */
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-"),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(owner(n), "basket-a");
    CU_ASSERT_TRUE(pttl(n) > 0);

    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-a"), 0);
    EC_ASSERT_STR(owner(n), "(none)");
    /* released once; the second time there is nothing to release */
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-a"),
                    EC_ERR_NOT_FOUND);
    /* and the number is free for the next basket at once */
    CU_ASSERT_EQUAL(ec_number_lock(kv, SLUG, n, "basket-b", 60000), 0);
    EC_ASSERT_STR(owner(n), "basket-b");
}

static void
test_only_the_owner_extends(void)
{
    const char *n = fresh_number();
    long long before;

    CU_ASSERT_EQUAL_FATAL(ec_number_lock(kv, SLUG, n, "basket-a", 5000), 0);
    before = pttl(n);
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-b", 600000),
                    EC_ERR_CONFLICT);
    CU_ASSERT_TRUE(pttl(n) <= before);
    EC_ASSERT_STR(owner(n), "basket-a");

    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 600000), 0);
    CU_ASSERT_TRUE(pttl(n) > 599000);
    /* extending may shorten too: the TTL is set, not added */
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 3000), 0);
    CU_ASSERT_TRUE(pttl(n) <= 3000);
    EC_ASSERT_STR(owner(n), "basket-a");

    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-a"), 0);
    /* a lock that is gone cannot be extended into life again */
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 60000),
                    EC_ERR_NOT_FOUND);
    EC_ASSERT_STR(owner(n), "(none)");
}

static void
test_the_ttl_frees_the_number(void)
{
    const char *n = fresh_number();
    struct timespec pause = {0, 250 * 1000 * 1000};

    CU_ASSERT_EQUAL_FATAL(ec_number_lock(kv, SLUG, n, "basket-a", 100), 0);
    nanosleep(&pause, NULL);
    EC_ASSERT_STR(owner(n), "(none)");
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 60000),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_number_lock(kv, SLUG, n, "basket-b", 60000), 0);
    /* the old owner can no longer touch the new owner's lock */
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-a"),
                    EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 60000),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(owner(n), "basket-b");
}

static void
test_scripts_survive_a_flushed_script_cache(void)
{
    const char *n = fresh_number();
    redisReply *r;

    CU_ASSERT_EQUAL_FATAL(ec_number_lock(kv, SLUG, n, "basket-a", 60000), 0);
    /* as after a Redis restart or a failover: EVALSHA answers NOSCRIPT */
    r = redisCommand(raw, "SCRIPT FLUSH");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    freeReplyObject(r);
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 30000), 0);
    CU_ASSERT_TRUE(pttl(n) <= 30000);
    r = redisCommand(raw, "SCRIPT FLUSH");
    freeReplyObject(r);
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-b"),
                    EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-a"), 0);
    EC_ASSERT_STR(owner(n), "(none)");
}

/* Many processes, one number, each its own connection and basket. */
static void
test_exactly_one_winner(void)
{
    enum { RACERS = 32 };
    const char *n = fresh_number();
    int go[2], results[2], winners = 0, losers = 0, errors = 0;
    char basket[32], winner[32] = "";
    pid_t pids[RACERS];

    CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(results), 0);
    for (int i = 0; i < RACERS; i++) {
        pids[i] = fork();
        CU_ASSERT_FATAL(pids[i] >= 0);
        if (pids[i] == 0) {
            struct ec_kv *mine = ec_kv_new(&cfg);
            char c, line[48];
            int rc;

            close(go[1]);
            snprintf(basket, sizeof(basket), "racer-%02d", i);
            if (ec_kv_connect(mine) < 0)
                _exit(3);
            /* everyone starts when the pipe closes */
            if (read(go[0], &c, 1) < 0)
                _exit(3);
            rc = ec_number_lock(mine, SLUG, n, basket, 60000);
            snprintf(line, sizeof(line), "%d %s\n", rc, basket);
            if (write(results[1], line, strlen(line)) < 0)
                _exit(3);
            ec_kv_free(mine);
            _exit(0);
        }
    }
    close(go[0]);
    close(go[1]);
    close(results[1]);
    {
        FILE *in = fdopen(results[0], "r");
        char line[48];
        int rc;

        while (fgets(line, sizeof(line), in)) {
            if (sscanf(line, "%d %31s", &rc, basket) != 2)
                errors++;
            else if (rc == 0)
                winners++, snprintf(winner, sizeof(winner), "%s", basket);
            else if (rc == EC_ERR_CONFLICT)
                losers++;
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
    EC_ASSERT_STR(owner(n), winner);
}

static void
test_exists_many(void)
{
    const char *a = fresh_number(), *b = fresh_number(), *c = fresh_number();
    char ka[EC_NUMBER_LOCK_KEY_SIZE], kb[EC_NUMBER_LOCK_KEY_SIZE],
        kc[EC_NUMBER_LOCK_KEY_SIZE];
    const char *keys[3] = {ka, kb, kc};
    unsigned char exists[3] = {9, 9, 9};

    ec_number_lock_key(ka, sizeof(ka), SLUG, a);
    ec_number_lock_key(kb, sizeof(kb), SLUG, b);
    ec_number_lock_key(kc, sizeof(kc), SLUG, c);
    CU_ASSERT_EQUAL_FATAL(ec_number_lock(kv, SLUG, b, "basket-a", 60000), 0);
    CU_ASSERT_EQUAL(ec_kv_exists_many(kv, keys, 3, exists), 0);
    CU_ASSERT_EQUAL(exists[0], 0);
    CU_ASSERT_EQUAL(exists[1], 1);
    CU_ASSERT_EQUAL(exists[2], 0);
}

static void
test_a_key_of_another_type_is_an_error_not_a_crash(void)
{
    const char *n = fresh_number();
    redisReply *r = redisCommand(raw, "RPUSH %s x", key_of(n));

    freeReplyObject(r);
    CU_ASSERT_EQUAL(ec_number_lock_release(kv, SLUG, n, "basket-a"),
                    EC_ERR_INTERNAL);
    CU_ASSERT_EQUAL(ec_number_lock_extend(kv, SLUG, n, "basket-a", 1000),
                    EC_ERR_INTERNAL);
    CU_ASSERT_EQUAL(ec_number_lock(kv, SLUG, n, "basket-a", 1000),
                    EC_ERR_CONFLICT);
    /* the connection is still good */
    CU_ASSERT_EQUAL(ec_kv_ping(kv), 0);
}

static void
test_redis_down_is_unavailable(void)
{
    /* nothing listens on port 1 */
    struct ec_kv_config none = {"127.0.0.1", 1, 300, 300};
    struct ec_kv *down = ec_kv_new(&none);
    const char *n = fresh_number();
    char *o;

    CU_ASSERT_EQUAL(ec_number_lock(down, SLUG, n, "basket-a", 1000),
                    EC_ERR_UNAVAILABLE);
    CU_ASSERT_EQUAL(ec_number_lock_release(down, SLUG, n, "basket-a"),
                    EC_ERR_UNAVAILABLE);
    CU_ASSERT_EQUAL(ec_number_lock_extend(down, SLUG, n, "basket-a", 1000),
                    EC_ERR_UNAVAILABLE);
    CU_ASSERT_EQUAL(ec_number_lock_owner(down, SLUG, n, &arena, &o),
                    EC_ERR_UNAVAILABLE);
    ec_kv_free(down);
}

static const struct ec_test tests[] = {
    {"Redis of the test stack answers", test_redis_is_there},
    {"the first lock wins, the owner included", test_first_lock_wins},
    {"only the owner releases", test_only_the_owner_releases},
    {"only the owner extends", test_only_the_owner_extends},
    {"the TTL frees the number", test_the_ttl_frees_the_number},
    {"scripts survive a flushed script cache",
     test_scripts_survive_a_flushed_script_cache},
    {"32 processes, one number: exactly one winner", test_exactly_one_winner},
    {"which keys exist, in one round trip", test_exists_many},
    {"a key of another type is an error",
     test_a_key_of_another_type_is_an_error_not_a_crash},
    {"Redis down is unavailable", test_redis_down_is_unavailable},
    {NULL, NULL},
};

int
main(void)
{
    const char *port = getenv("EC_REDIS_PORT");
    struct timeval tv = {2, 0};
    int rc;

    if (port && *port)
        cfg.port = (unsigned)atoi(port);
    ec_log_open("stderr", "stderr", EC_LOG_ERROR);
    ec_arena_init(&arena, 0);
    kv = ec_kv_new(&cfg);
    raw = redisConnectWithTimeout(cfg.host, (int)cfg.port, tv);
    rc = ec_test_run("integration/svc/number_lock", tests);
    if (raw && !raw->err)
        for (size_t i = 0; i < nused; i++)
            freeReplyObject(redisCommand(raw, "DEL %s", key_of(used[i])));
    if (raw)
        redisFree(raw);
    ec_kv_free(kv);
    ec_arena_release(&arena);
    return rc;
}
