/*
 * Tests for src/store/kv.c that need no server: the one translation of
 * Redis error replies into ec_err codes. Redis answers "-LOADING ..." for
 * the seconds it spends reading its append-only file after a restart; that
 * must be a 503 with Retry-After on every route, never a 500.
 */
#include "../test.h"
#include "core/err.h"
#include "store/kv.h"

static const struct {
    const char *reply;
    int err;
} cases[] = {
    /* the texts Redis 7.0 sends */
    {"LOADING Redis is loading the dataset in memory", EC_ERR_UNAVAILABLE},
    {"BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
     "SHUTDOWN NOSAVE.",
     EC_ERR_UNAVAILABLE},
    {"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is "
     "set to 'no'.",
     EC_ERR_UNAVAILABLE},
    {"READONLY You can't write against a read only replica.",
     EC_ERR_UNAVAILABLE},
    {"MISCONF Redis is configured to save RDB snapshots, but it's currently "
     "unable to persist to disk.",
     EC_ERR_UNAVAILABLE},
    {"OOM command not allowed when used memory > 'maxmemory'.",
     EC_ERR_UNAVAILABLE},
    {"NOREPLICAS Not enough good replicas to write.", EC_ERR_UNAVAILABLE},
    {"TRYAGAIN Multiple keys request during rehashing of slot",
     EC_ERR_UNAVAILABLE},
    {"CLUSTERDOWN The cluster is down", EC_ERR_UNAVAILABLE},
    {"LOADING", EC_ERR_UNAVAILABLE},
    /* mistakes a retry does not mend */
    {"WRONGTYPE Operation against a key holding the wrong kind of value",
     EC_ERR_INTERNAL},
    {"ERR unknown command 'FOO', with args beginning with: ", EC_ERR_INTERNAL},
    {"ERR Error running script (call to f_0123): @user_script:1: oops",
     EC_ERR_INTERNAL},
    {"NOSCRIPT No matching script. Please use EVAL.", EC_ERR_INTERNAL},
    {"NOAUTH Authentication required.", EC_ERR_INTERNAL},
    {"NOPERM this user has no permissions to run the 'get' command",
     EC_ERR_INTERNAL},
    /* the first word, whole, in capitals: nothing else */
    {"LOADINGX not a word Redis sends", EC_ERR_INTERNAL},
    {"loading Redis is loading", EC_ERR_INTERNAL},
    {"ERR LOADING is not the first word", EC_ERR_INTERNAL},
    {" LOADING", EC_ERR_INTERNAL},
    {"", EC_ERR_INTERNAL},
};

static void
test_error_replies(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = ec_kv_error_of(cases[i].reply);

        if (got != cases[i].err)
            fprintf(stderr, "\n    \"%s\": got %d, want %d\n", cases[i].reply,
                    got, cases[i].err);
        CU_ASSERT_EQUAL(got, cases[i].err);
    }
}

/* What the dispatcher makes of the two answers. */
static void
test_unavailable_is_503(void)
{
    CU_ASSERT_EQUAL(ec_err_info(EC_ERR_UNAVAILABLE)->status, 503);
    CU_ASSERT_EQUAL(ec_err_info(EC_ERR_INTERNAL)->status, 500);
}

static const struct ec_test tests[] = {
    {"error replies: retry later, or a mistake", test_error_replies},
    {"unavailable is a 503, internal a 500", test_unavailable_is_503},
    {NULL, NULL},
};

EC_TEST_MAIN("store/kv", tests)
