/*
 * Accounts, sign-in limits and reset tokens against the test stack's
 * MariaDB and Redis (ports EC_MYSQL_PORT and EC_REDIS_PORT, the passwords
 * scripts/test passes): accounts per tenant, one answer for a wrong
 * e-mail or password after the same work, rehash on sign-in, single-use
 * reset tokens of which only the hash is stored, and the limits counted
 * per account and per address under the tenant's hash tag.
 *
 * Never skips: without the stores (or their passwords) the first test
 * fails. Two scratch tenants, "accttest" and "accttest2", are deleted
 * with their accounts at the start and the end, and their Redis keys too.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "../../unit/test.h"
#include "fixture.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/account.h"
#include "svc/password_reset.h"
#include "svc/signin.h"
#include "svc/staff.h"
#include "core/buf.h"
#include "core/seal.h"
#include "core/totp.h"

#define SLUG_A "accttest"
#define SLUG_B "accttest2"
#define PW "correct horse battery"

static struct ec_db_config dbc = FIXTURE_DB_CONFIG;
static struct ec_kv_config kvc = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_db *db;
static struct ec_kv *kv;
static redisContext *raw;
static long long tenant_a, tenant_b;

/* Cheap parameters for most tests; the timing test uses dearer ones. */
static const struct ec_password_params cheap = {1024, 1, 1};

static long long
count(const char *sql, long long tenant, const char *s)
{
    struct ec_db_param p[] = {EC_DB_I(tenant), EC_DB_S(s)};
    long long n = -1;

    CU_ASSERT_EQUAL(ec_db_exec(db, sql, p, 2, fixture_read_ll, &n, NULL), 0);
    return n;
}

static void
delete_keys(void)
{
    static const char *const patterns[] = {"KEYS ecom:{" SLUG_A "}:*",
                                           "KEYS ecom:{" SLUG_B "}:*"};

    for (size_t k = 0; raw && k < 2; k++) {
        redisReply *r = redisCommand(raw, patterns[k]);

        for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements;
             i++)
            freeReplyObject(redisCommand(raw, "DEL %s", r->element[i]->str));
        if (r)
            freeReplyObject(r);
    }
}

static void
drop_tenants(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG_A), EC_DB_S(SLUG_B)};

    ec_db_exec(db, "DELETE FROM tenants WHERE slug IN (?, ?)", p, 2, NULL, NULL,
               NULL);
    delete_keys();
}

static int
create(long long tenant, const char *email, const char *name,
       struct ec_account *a, const char **field)
{
    return ec_account_create(db, &cheap, tenant, email, strlen(email), name,
                             strlen(name), PW, strlen(PW), a, field);
}

static int
auth(const struct ec_password_params *p, long long tenant, const char *email,
     const char *pw, struct ec_account *a)
{
    return ec_account_authenticate(db, p, tenant, email, strlen(email), pw,
                                   strlen(pw), a);
}

static void
test_stores_are_there(void)
{
    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    CU_ASSERT_EQUAL_FATAL(ec_kv_ping(kv), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
    CU_ASSERT_EQUAL_FATAL(raw->err, 0);
    drop_tenants();
    tenant_a = fixture_make_tenant(db, SLUG_A, "Account test");
    tenant_b = fixture_make_tenant(db, SLUG_B, "Account test");
}

static void
test_create_and_find(void)
{
    struct ec_account a, got;
    const char *field = NULL;

    CU_ASSERT_EQUAL_FATAL(
        create(tenant_a, "  Ann.Berg@Example.DK ", " Ann Berg ", &a, &field),
        0);
    CU_ASSERT_TRUE(a.id > 0);
    CU_ASSERT_EQUAL(a.tenant_id, tenant_a);
    EC_ASSERT_STR(a.email, "ann.berg@example.dk");
    EC_ASSERT_STR(a.name, "Ann Berg");
    CU_ASSERT_EQUAL(strncmp(a.password_hash, "$argon2id$v=19$", 15), 0);
    CU_ASSERT_EQUAL(strlen(a.created_at), 20);
    CU_ASSERT_EQUAL(a.created_at[10], 'T');
    CU_ASSERT_EQUAL(a.created_at[19], 'Z');
    CU_ASSERT_EQUAL(
        ec_account_find_by_email(db, tenant_a, "ann.berg@example.dk", &got), 0);
    CU_ASSERT_EQUAL(got.id, a.id);
    CU_ASSERT_EQUAL(ec_account_find(db, tenant_a, a.id, &got), 0);
    EC_ASSERT_STR(got.email, a.email);
    /* no password is stored in clear anywhere in the row */
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM accounts WHERE tenant_id = ?"
                          " AND (password_hash LIKE CONCAT('%', ?, '%'))",
                          tenant_a, PW),
                    0);
}

/* The same address, however written, is taken at one brand and free at
   the other: two accounts, and neither sees the other. */
static void
test_email_taken_per_tenant(void)
{
    struct ec_account a, b, got;
    const char *field = NULL;

    CU_ASSERT_EQUAL(create(tenant_a, "ANN.BERG@example.dk", "Ann", &a, &field),
                    EC_ERR_EMAIL_TAKEN);
    EC_ASSERT_STR(field, "email");
    CU_ASSERT_EQUAL_FATAL(
        create(tenant_b, "ann.berg@example.dk", "Ann B", &b, &field), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_account_find_by_email(db, tenant_a, "ann.berg@example.dk", &a), 0);
    CU_ASSERT_NOT_EQUAL(a.id, b.id);
    CU_ASSERT_EQUAL(ec_account_find(db, tenant_a, b.id, &got),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_account_find(db, tenant_b, a.id, &got),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_account_find_by_email(db, tenant_a + 100000,
                                             "ann.berg@example.dk", &got),
                    EC_ERR_NOT_FOUND);
    /* and one brand's password does not open the other's account */
    CU_ASSERT_EQUAL(ec_account_set_password(db, &cheap, tenant_b, b.id,
                                            "another password", 16),
                    0);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "ann.berg@example.dk", PW, &got), 0);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_b, "ann.berg@example.dk", PW, &got),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(ec_account_set_password(db, &cheap, tenant_a, b.id,
                                            "another password", 16),
                    EC_ERR_NOT_FOUND);
}

static void
test_authenticate_one_answer(void)
{
    struct ec_account a;

    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, " Ann.Berg@example.dk", PW, &a), 0);
    EC_ASSERT_STR(a.name, "Ann Berg");
    CU_ASSERT_EQUAL(
        auth(&cheap, tenant_a, "ann.berg@example.dk", "wrong password", &a),
        EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(a.id, 0);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "nobody@example.dk", PW, &a),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "not an address", PW, &a),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "ann.berg@example.dk", "", &a),
                    EC_ERR_SIGNIN_FAILED);
}

/* This process's CPU time: the hash is computed here, the lookups in
   the database's process, and another process's load does not count. */
static double
seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* An unknown address costs a hash too: its answer takes about as much
   work as a wrong password's (the best of a few runs, against noise). */
static void
test_unknown_email_costs_a_hash(void)
{
    const struct ec_password_params dear = {16384, 2, 1};
    double known = 1e9, unknown = 1e9;
    struct ec_account a;

    /* the account's hash with these parameters, so both sides hash alike */
    CU_ASSERT_EQUAL_FATAL(auth(&dear, tenant_a, "ann.berg@example.dk", PW, &a),
                          0);
    for (int i = 0; i < 9; i++) {
        double t0 = seconds(), t1, t2;

        auth(&dear, tenant_a, "ann.berg@example.dk", "wrong password", &a);
        t1 = seconds();
        auth(&dear, tenant_a, "nobody@example.dk", "wrong password", &a);
        t2 = seconds();
        known = t1 - t0 < known ? t1 - t0 : known;
        unknown = t2 - t1 < unknown ? t2 - t1 : unknown;
    }
    if (unknown < known * 0.7 || unknown > known * 2)
        fprintf(stderr, "\n    known %.1f ms, unknown %.1f ms\n", known * 1000,
                unknown * 1000);
    /* what would tell an address apart is an unknown one answered
       faster; the bound above it is loose (caches, frequency scaling) */
    CU_ASSERT_TRUE(unknown >= known * 0.7);
    CU_ASSERT_TRUE(unknown <= known * 2);
    /* back to the cheap parameters for the tests after this one */
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "ann.berg@example.dk", PW, &a), 0);
}

/* A hash made with other parameters is replaced at sign-in, once. */
static void
test_rehash_on_sign_in(void)
{
    const struct ec_password_params more = {2048, 2, 1};
    struct ec_account a, again;
    struct ec_password_params got;

    CU_ASSERT_EQUAL_FATAL(
        ec_account_find_by_email(db, tenant_a, "ann.berg@example.dk", &a), 0);
    CU_ASSERT_TRUE(ec_password_needs_rehash(a.password_hash, &more));
    CU_ASSERT_EQUAL_FATAL(auth(&more, tenant_a, "ann.berg@example.dk", PW, &a),
                          0);
    CU_ASSERT_EQUAL_FATAL(
        ec_account_find_by_email(db, tenant_a, "ann.berg@example.dk", &again),
        0);
    EC_ASSERT_STR(again.password_hash, a.password_hash);
    CU_ASSERT_EQUAL(ec_password_params_of(again.password_hash, &got), 0);
    CU_ASSERT_EQUAL(got.memory_kib, 2048);
    CU_ASSERT_EQUAL(got.iterations, 2);
    /* a wrong password changes nothing */
    CU_ASSERT_EQUAL(
        auth(&cheap, tenant_a, "ann.berg@example.dk", "wrong password", &a),
        EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(
        ec_account_find_by_email(db, tenant_a, "ann.berg@example.dk", &a), 0);
    EC_ASSERT_STR(a.password_hash, again.password_hash);
    /* the same parameters again: nothing to do */
    CU_ASSERT_EQUAL(auth(&more, tenant_a, "ann.berg@example.dk", PW, &a), 0);
    EC_ASSERT_STR(a.password_hash, again.password_hash);
}

static void
test_change_password(void)
{
    struct ec_account a;
    const char *field = NULL;

    CU_ASSERT_EQUAL_FATAL(
        ec_account_find_by_email(db, tenant_a, "ann.berg@example.dk", &a), 0);
    CU_ASSERT_EQUAL(ec_account_change_password(db, &cheap, tenant_a, a.id,
                                               "wrong password", 14,
                                               "a new password", 14, &field),
                    EC_ERR_SIGNIN_FAILED);
    EC_ASSERT_STR(field, "current_password");
    CU_ASSERT_EQUAL(ec_account_change_password(db, &cheap, tenant_a, a.id, PW,
                                               strlen(PW), "short", 5, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "password");
    CU_ASSERT_EQUAL(ec_account_change_password(db, &cheap, tenant_a, a.id, PW,
                                               strlen(PW), "a new password", 14,
                                               &field),
                    0);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "ann.berg@example.dk", PW, &a),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(
        auth(&cheap, tenant_a, "ann.berg@example.dk", "a new password", &a), 0);
    CU_ASSERT_EQUAL(
        ec_account_set_password(db, &cheap, tenant_a, a.id, PW, strlen(PW)), 0);
}

static void
sha_hex(const char *s, char out[65])
{
    unsigned char md[EC_SHA256_SIZE];

    ec_sha256(s, strlen(s), md);
    for (int i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int
request(long long tenant, const char *email, long long ttl_ms,
        struct ec_account *a, char token[EC_RESET_TOKEN_LEN + 1], int *found)
{
    return ec_reset_request(db, tenant, email, strlen(email), ttl_ms, a, token,
                            found);
}

static void
test_reset_request_stores_only_a_hash(void)
{
    char token[EC_RESET_TOKEN_LEN + 1], sum[65];
    struct ec_account a;
    int found = -1;

    CU_ASSERT_EQUAL_FATAL(
        request(tenant_a, "Ann.Berg@example.dk", 1800000, &a, token, &found),
        0);
    CU_ASSERT_EQUAL(found, 1);
    CU_ASSERT_EQUAL(strlen(token), EC_RESET_TOKEN_LEN);
    EC_ASSERT_STR(a.email, "ann.berg@example.dk");
    sha_hex(token, sum);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM password_resets"
                          " WHERE tenant_id = ? AND token_hash = ?",
                          tenant_a, sum),
                    1);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM password_resets"
                          " WHERE tenant_id = ? AND token_hash = ?",
                          tenant_a, token),
                    0);
    /* the expiry is the TTL from now */
    CU_ASSERT_EQUAL(count("SELECT TIMESTAMPDIFF(MINUTE, NOW(6), expires_at)"
                          " FROM password_resets"
                          " WHERE tenant_id = ? AND token_hash = ?",
                          tenant_a, sum),
                    29);
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_a, token), 0);
    /* another brand does not know the token */
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_b, token),
                    EC_ERR_RESET_TOKEN_INVALID);
}

/* An unknown address: the same answer, nothing stored, nothing to mail. */
static void
test_reset_request_unknown_email(void)
{
    char token[EC_RESET_TOKEN_LEN + 1];
    struct ec_account a;
    int found = -1;

    CU_ASSERT_EQUAL(
        request(tenant_a, "nobody@example.dk", 1800000, &a, token, &found), 0);
    CU_ASSERT_EQUAL(found, 0);
    CU_ASSERT_EQUAL(a.id, 0);
    CU_ASSERT_EQUAL(request(tenant_a, "no address", 1800000, &a, token, &found),
                    0);
    CU_ASSERT_EQUAL(found, 0);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM password_resets"
                          " WHERE tenant_id = ? AND account_id <> ?",
                          tenant_a, "0"),
                    1);
}

static void
test_reset_complete_once(void)
{
    char token[EC_RESET_TOKEN_LEN + 1], old[EC_RESET_TOKEN_LEN + 1];
    struct ec_account a, got;
    const char *field = NULL;
    int found;

    CU_ASSERT_EQUAL_FATAL(
        request(tenant_a, "ann.berg@example.dk", 1800000, &a, old, &found), 0);
    /* asking again ends the earlier link */
    CU_ASSERT_EQUAL_FATAL(
        request(tenant_a, "ann.berg@example.dk", 1800000, &a, token, &found),
        0);
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_a, old),
                    EC_ERR_RESET_TOKEN_INVALID);
    /* a password that is refused leaves the token usable */
    CU_ASSERT_EQUAL(ec_reset_complete(db, &cheap, tenant_a, token, "short", 5,
                                      &got, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "password");
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_a, token), 0);
    /* not at another brand */
    CU_ASSERT_EQUAL(ec_reset_complete(db, &cheap, tenant_b, token,
                                      "reset password", 14, &got, &field),
                    EC_ERR_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(ec_reset_complete(db, &cheap, tenant_a, token,
                                      "reset password", 14, &got, &field),
                    0);
    CU_ASSERT_EQUAL(got.id, a.id);
    CU_ASSERT_EQUAL(ec_reset_complete(db, &cheap, tenant_a, token,
                                      "third password", 14, &got, &field),
                    EC_ERR_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "ann.berg@example.dk", PW, &got),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(
        auth(&cheap, tenant_a, "ann.berg@example.dk", "reset password", &got),
        0);
    /* malformed tokens never reach the database */
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_a, "abc"),
                    EC_ERR_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_a, NULL),
                    EC_ERR_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(
        ec_account_set_password(db, &cheap, tenant_a, a.id, PW, strlen(PW)), 0);
}

static void
test_reset_token_expires(void)
{
    char token[EC_RESET_TOKEN_LEN + 1], sum[65];
    struct ec_account a, got;
    const char *field;
    int found;

    CU_ASSERT_EQUAL_FATAL(
        request(tenant_a, "ann.berg@example.dk", 1800000, &a, token, &found),
        0);
    sha_hex(token, sum);
    {
        struct ec_db_param p[] = {EC_DB_I(tenant_a), EC_DB_S(sum)};

        CU_ASSERT_EQUAL(ec_db_exec(db,
                                   "UPDATE password_resets SET expires_at ="
                                   " NOW(6) - INTERVAL 1 SECOND"
                                   " WHERE tenant_id = ? AND token_hash = ?",
                                   p, 2, NULL, NULL, NULL),
                        0);
    }
    CU_ASSERT_EQUAL(ec_reset_check(db, tenant_a, token),
                    EC_ERR_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(ec_reset_complete(db, &cheap, tenant_a, token,
                                      "reset password", 14, &got, &field),
                    EC_ERR_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(auth(&cheap, tenant_a, "ann.berg@example.dk", PW, &got), 0);
}

static long long
redis_int(const char *key)
{
    redisReply *r = redisCommand(raw, "GET %s", key);
    long long n = r && r->type == REDIS_REPLY_STRING ? atoll(r->str) : 0;

    if (r)
        freeReplyObject(r);
    return n;
}

static long long
redis_pttl(const char *key)
{
    redisReply *r = redisCommand(raw, "PTTL %s", key);
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -3;

    if (r)
        freeReplyObject(r);
    return n;
}

static int
sign_in(const struct ec_signin_policy *p, long long tenant, const char *slug,
        const char *client, const char *email, const char *pw, long long *retry)
{
    struct ec_account a;

    return ec_signin(db, kv, p, tenant, slug, client, email, strlen(email), pw,
                     strlen(pw), &a, retry);
}

/* The per-account limit: failures count, a success gives its attempt
   back, the fourth failure in a window is refused with the time left,
   and the right password is refused too until the window ends. */
static void
test_signin_limit_per_account(void)
{
    const struct ec_signin_policy p = {cheap, {3, 0, 60000}};
    char key[200], sum[65];
    long long retry = -1;

    delete_keys();
    sha_hex("ann.berg@example.dk", sum);
    snprintf(key, sizeof(key), "ecom:{" SLUG_A "}:signin:account:%s", sum);
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "198.51.100.7",
                            "ann.berg@example.dk", "wrong password", &retry),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(redis_int(key), 1);
    CU_ASSERT_TRUE(redis_pttl(key) > 50000 && redis_pttl(key) <= 60000);
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "198.51.100.7",
                            "ANN.BERG@example.dk", PW, &retry),
                    0);
    CU_ASSERT_EQUAL(redis_int(key), 1);
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "198.51.100.8",
                            "ann.berg@example.dk", "wrong password", &retry),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, NULL, "ann.berg@example.dk",
                            "wrong password", &retry),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(redis_int(key), 3);
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "198.51.100.9",
                            "ann.berg@example.dk", PW, &retry),
                    EC_ERR_RATE_LIMITED);
    CU_ASSERT_TRUE(retry > 0 && retry <= 60000);
    CU_ASSERT_EQUAL(redis_int(key), 3);
    /* the same address at the other brand is another account */
    CU_ASSERT_EQUAL(sign_in(&p, tenant_b, SLUG_B, "198.51.100.9",
                            "ann.berg@example.dk", "another password", &retry),
                    0);
    /* an unknown address is counted like a known one */
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, NULL, "nobody@example.dk",
                                PW, &retry),
                        EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(
        sign_in(&p, tenant_a, SLUG_A, NULL, "nobody@example.dk", PW, &retry),
        EC_ERR_RATE_LIMITED);
}

/* The per-address limit counts failures over every account, and an
   exempt client (no client key) is not counted. */
static void
test_signin_limit_per_client(void)
{
    const struct ec_signin_policy p = {cheap, {0, 4, 60000}};
    long long retry = -1;
    char email[64];
    redisReply *r;

    delete_keys();
    for (int i = 0; i < 4; i++) {
        snprintf(email, sizeof(email), "guess%d@example.dk", i);
        CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "203.0.113.5", email,
                                "wrong password", &retry),
                        EC_ERR_SIGNIN_FAILED);
    }
    CU_ASSERT_EQUAL(redis_int("ecom:{" SLUG_A "}:signin:client:203.0.113.5"),
                    4);
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "203.0.113.5",
                            "ann.berg@example.dk", PW, &retry),
                    EC_ERR_RATE_LIMITED);
    CU_ASSERT_TRUE(retry > 0 && retry <= 60000);
    /* another address, and an exempt client, go on */
    CU_ASSERT_EQUAL(sign_in(&p, tenant_a, SLUG_A, "203.0.113.6",
                            "ann.berg@example.dk", PW, &retry),
                    0);
    CU_ASSERT_EQUAL(
        sign_in(&p, tenant_a, SLUG_A, "", "ann.berg@example.dk", PW, &retry),
        0);
    /* the other brand counts its own */
    CU_ASSERT_EQUAL(sign_in(&p, tenant_b, SLUG_B, "203.0.113.5",
                            "ann.berg@example.dk", "another password", &retry),
                    0);
    /* no e-mail address sits in Redis in clear */
    r = redisCommand(raw, "KEYS ecom:{" SLUG_A "}:signin:*");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_TRUE(r->type == REDIS_REPLY_ARRAY && r->elements > 0);
    for (size_t i = 0; i < r->elements; i++)
        CU_ASSERT_PTR_NULL(strchr(r->element[i]->str, '@'));
    freeReplyObject(r);
}

/* Thirty attempts at once from thirty processes: exactly the limit's
   worth is checked, the rest refused (the check and the count are one
   script). */
static void
test_signin_limit_is_atomic(void)
{
    const struct ec_signin_policy p = {cheap, {5, 0, 60000}};
    char key[200], sum[65];

    delete_keys();
    sha_hex("race@example.dk", sum);
    snprintf(key, sizeof(key), "ecom:{" SLUG_A "}:signin:account:%s", sum);
    fflush(NULL);
    for (int i = 0; i < 30; i++) {
        if (fork() == 0) {
            struct ec_kv *k = ec_kv_new(&kvc);
            long long out = 0;
            int rc = ec_signin_limit_take(k, &p.limits, SLUG_A,
                                          "race@example.dk", NULL, &out);

            ec_kv_free(k);
            _exit(rc == 0 ? 0 : rc == EC_ERR_RATE_LIMITED ? 1 : 2);
        }
    }
    {
        int passed = 0, refused = 0, status;

        while (wait(&status) > 0) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                passed++;
            else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
                refused++;
        }
        CU_ASSERT_EQUAL(passed, 5);
        CU_ASSERT_EQUAL(refused, 25);
    }
    CU_ASSERT_EQUAL(redis_int(key), 5);
}

/* ---- staff (svc/staff.h) ---- */

static int
read_str(const struct ec_db_row *row, void *ctx)
{
    snprintf(ctx, 256, "%s", row->vals[0] ? row->vals[0] : "(null)");
    return 0;
}

static int
count_staff(const struct ec_staff *s, void *ctx)
{
    (void)s;
    ++*(int *)ctx;
    return 0;
}

/* the operators the tests add: deleted at the start and the end (a
   tenant's staff goes with its tenant) */
static void
drop_operators(void)
{
    ec_db_exec(db, "DELETE FROM staff_users WHERE email LIKE '%@staff.test'",
               NULL, 0, NULL, NULL, NULL);
}

static int
add_staff(long long tenant, const char *email, enum ec_staff_role role,
          const char *password, struct ec_staff *out, const char **field)
{
    return ec_staff_create(db, &cheap, tenant, email, "Sam Staff", role,
                           password, out, field);
}

static void
test_staff_roles(void)
{
    CU_ASSERT_EQUAL(ec_staff_role_parse("editor"), EC_STAFF_EDITOR);
    CU_ASSERT_EQUAL(ec_staff_role_parse("root"), -1);
    EC_ASSERT_STR(ec_staff_role_name(EC_STAFF_AGENT), "agent");
    /* each role exactly what it should */
    CU_ASSERT(ec_staff_can(EC_STAFF_OPERATOR, EC_STAFF_TENANTS));
    CU_ASSERT(!ec_staff_can(EC_STAFF_ADMIN, EC_STAFF_TENANTS));
    CU_ASSERT(ec_staff_can(EC_STAFF_ADMIN, EC_STAFF_MANAGE));
    CU_ASSERT(ec_staff_can(EC_STAFF_EDITOR, EC_STAFF_EDIT_CATALOG));
    CU_ASSERT(!ec_staff_can(EC_STAFF_EDITOR, EC_STAFF_MANAGE));
    CU_ASSERT(ec_staff_can(EC_STAFF_VIEWER, EC_STAFF_READ));
    CU_ASSERT(!ec_staff_can(EC_STAFF_VIEWER, EC_STAFF_EDIT_CATALOG));
    CU_ASSERT(ec_staff_can(EC_STAFF_AGENT, EC_STAFF_SELL));
    CU_ASSERT(!ec_staff_can(EC_STAFF_AGENT, EC_STAFF_READ));
    CU_ASSERT(!ec_staff_can(EC_STAFF__NROLES, EC_STAFF_READ));
}

static void
test_staff_per_tenant_and_operators(void)
{
    struct ec_staff a, b, op, got;
    const char *field = NULL;
    char hash[256];
    int n = 0;

    drop_operators();
    CU_ASSERT_EQUAL_FATAL(
        add_staff(tenant_a, " Eva@Staff.TEST ", EC_STAFF_ADMIN, PW, &a, &field),
        0);
    EC_ASSERT_STR(a.email, "eva@staff.test");
    CU_ASSERT(a.id > 0);
    /* one address once per tenant; again at another tenant */
    CU_ASSERT_EQUAL(
        add_staff(tenant_a, "eva@staff.test", EC_STAFF_VIEWER, PW, &b, &field),
        EC_ERR_EMAIL_TAKEN);
    EC_ASSERT_STR(field, "email");
    CU_ASSERT_EQUAL(
        add_staff(tenant_b, "eva@staff.test", EC_STAFF_EDITOR, PW, &b, &field),
        0);
    /* an operator belongs to no tenant, and nobody else to none */
    CU_ASSERT_EQUAL(add_staff(tenant_a, "op@staff.test", EC_STAFF_OPERATOR, PW,
                              &op, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "role");
    CU_ASSERT_EQUAL(
        add_staff(0, "op@staff.test", EC_STAFF_ADMIN, PW, &op, &field),
        EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(
        add_staff(0, "not an address", EC_STAFF_OPERATOR, PW, &op, &field),
        EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "email");
    CU_ASSERT_EQUAL(
        add_staff(0, "op@staff.test", EC_STAFF_OPERATOR, "short", &op, &field),
        EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "password");
    CU_ASSERT_EQUAL_FATAL(
        add_staff(0, "op@staff.test", EC_STAFF_OPERATOR, PW, &op, &field), 0);
    CU_ASSERT_EQUAL(op.tenant_id, 0);

    /* who signs in where: the tenant's own user, else an operator */
    CU_ASSERT_EQUAL_FATAL(ec_staff_find(db, tenant_a, "eva@staff.test", &got),
                          0);
    CU_ASSERT_EQUAL(got.id, a.id);
    CU_ASSERT_EQUAL(got.role, EC_STAFF_ADMIN);
    CU_ASSERT_EQUAL(ec_staff_find(db, tenant_b, "eva@staff.test", &got), 0);
    CU_ASSERT_EQUAL(got.id, b.id);
    CU_ASSERT_EQUAL(got.role, EC_STAFF_EDITOR);
    CU_ASSERT_EQUAL(ec_staff_find(db, tenant_b, "op@staff.test", &got), 0);
    CU_ASSERT_EQUAL(got.role, EC_STAFF_OPERATOR);
    CU_ASSERT_EQUAL(ec_staff_find(db, tenant_b, "nobody@staff.test", &got),
                    EC_ERR_NOT_FOUND);
    /* the password only hashed */
    {
        struct ec_db_param p[] = {EC_DB_I(a.id)};

        CU_ASSERT_EQUAL(ec_db_exec(db,
                                   "SELECT LEFT(password_hash, 10) FROM"
                                   " staff_users WHERE id = ?",
                                   p, 1, read_str, hash, NULL),
                        0);
        EC_ASSERT_STR(hash, "$argon2id$");
    }
    CU_ASSERT_EQUAL(ec_staff_each(db, tenant_a, count_staff, &n), 0);
    CU_ASSERT_EQUAL(n, 1);
    drop_operators();
}

static void
test_staff_authenticate_and_get(void)
{
    struct ec_staff a, op, other, got;
    const char *field = NULL;

    drop_operators();
    CU_ASSERT_EQUAL_FATAL(
        add_staff(tenant_a, "ida@staff.test", EC_STAFF_VIEWER, PW, &a, &field),
        0);
    CU_ASSERT_EQUAL_FATAL(add_staff(tenant_b, "bo@staff.test", EC_STAFF_ADMIN,
                                    PW, &other, &field),
                          0);
    CU_ASSERT_EQUAL_FATAL(
        add_staff(0, "op2@staff.test", EC_STAFF_OPERATOR, PW, &op, &field), 0);
    /* the address as typed, normalised */
    CU_ASSERT_EQUAL(ec_staff_authenticate(db, &cheap, tenant_a,
                                          " IDA@staff.test", 15, PW, strlen(PW),
                                          &got),
                    0);
    CU_ASSERT_EQUAL(got.id, a.id);
    CU_ASSERT_EQUAL(got.role, EC_STAFF_VIEWER);
    /* one answer for a wrong password, an unknown address, another
       tenant's user */
    CU_ASSERT_EQUAL(ec_staff_authenticate(db, &cheap, tenant_a,
                                          "ida@staff.test", 14, "wrong pass",
                                          10, &got),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(got.id, 0);
    CU_ASSERT_EQUAL(ec_staff_authenticate(db, &cheap, tenant_a, "no@staff.test",
                                          13, PW, strlen(PW), &got),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(ec_staff_authenticate(db, &cheap, tenant_a, "bo@staff.test",
                                          13, PW, strlen(PW), &got),
                    EC_ERR_SIGNIN_FAILED);
    /* an operator anywhere */
    CU_ASSERT_EQUAL(ec_staff_authenticate(db, &cheap, tenant_b,
                                          "op2@staff.test", 14, PW, strlen(PW),
                                          &got),
                    0);
    CU_ASSERT_EQUAL(got.role, EC_STAFF_OPERATOR);
    /* read by id within the tenant (or an operator), never another's */
    CU_ASSERT_EQUAL(ec_staff_get(db, tenant_a, a.id, &got), 0);
    EC_ASSERT_STR(got.email, "ida@staff.test");
    CU_ASSERT_EQUAL(ec_staff_get(db, tenant_a, other.id, &got),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_staff_get(db, tenant_a, op.id, &got), 0);
    CU_ASSERT_EQUAL(got.tenant_id, 0);
    /* disabled: the right password is refused as a wrong one is, and
       the user reads as disabled */
    {
        struct ec_db_param p[] = {EC_DB_I(a.id)};

        CU_ASSERT_EQUAL(ec_db_exec(db,
                                   "UPDATE staff_users SET disabled_at ="
                                   " NOW(6) WHERE id = ?",
                                   p, 1, NULL, NULL, NULL),
                        0);
    }
    CU_ASSERT_EQUAL(ec_staff_authenticate(db, &cheap, tenant_a,
                                          "ida@staff.test", 14, PW, strlen(PW),
                                          &got),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL(got.id, 0);
    CU_ASSERT_EQUAL(ec_staff_get(db, tenant_a, a.id, &got), 0);
    CU_ASSERT_EQUAL(got.disabled, 1);
    drop_operators();
}

/* The code of base32 secret b32 for the step of t. */
static void
code_of(const char *b32, int64_t t, char out[8])
{
    unsigned char key[32];
    long n = ec_base32_decode(key, sizeof(key), b32);

    CU_ASSERT_EQUAL_FATAL(n, EC_TOTP_KEY_SIZE);
    snprintf(out, 8, "%06u",
             ec_hotp(key, (size_t)n, (uint64_t)ec_totp_step(t), 6));
}

static void
test_staff_second_factor(void)
{
    unsigned char k[EC_SEAL_KEY_SIZE];
    struct ec_buf secret = EC_BUF_INIT, again = EC_BUF_INIT;
    struct ec_seal ring;
    struct ec_staff u;
    const char *field;
    char code[8], stored[256];
    int64_t now = (int64_t)time(NULL);

    ec_seal_init(&ring);
    memset(k, 7, sizeof(k));
    CU_ASSERT_EQUAL_FATAL(ec_seal_add(&ring, "t1", k, 1), 0);
    CU_ASSERT_EQUAL_FATAL(
        add_staff(tenant_a, "totp@staff.test", EC_STAFF_EDITOR, PW, &u, &field),
        0);
    /* none enrolled: no code is good */
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, "123456", now),
                    EC_ERR_SIGNIN_FAILED);
    CU_ASSERT_EQUAL_FATAL(ec_staff_totp_enroll(db, &ring, u.id, &secret), 0);
    CU_ASSERT_EQUAL(strlen(secret.data), 32);
    /* stored sealed, never as the secret */
    {
        struct ec_db_param p[] = {EC_DB_I(u.id)};

        CU_ASSERT_EQUAL(ec_db_exec(db,
                                   "SELECT totp_sealed FROM staff_users"
                                   " WHERE id = ?",
                                   p, 1, read_str, stored, NULL),
                        0);
        CU_ASSERT(strstr(stored, secret.data) == NULL);
        CU_ASSERT(strncmp(stored, "v1.t1.", 6) == 0);
    }
    code_of(secret.data, now, code);
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, code, now), 0);
    /* used once */
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, code, now),
                    EC_ERR_SIGNIN_FAILED);
    code_of(secret.data, now + 30, code);
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, code, now), 0);
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, "000000x", now),
                    EC_ERR_SIGNIN_FAILED);
    /* enrolled again: the old secret's codes stop working */
    CU_ASSERT_EQUAL_FATAL(ec_staff_totp_enroll(db, &ring, u.id, &again), 0);
    CU_ASSERT(strcmp(again.data, secret.data) != 0);
    code_of(secret.data, now + 60, code);
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, code, now + 60),
                    EC_ERR_SIGNIN_FAILED);
    code_of(again.data, now + 60, code);
    CU_ASSERT_EQUAL(ec_staff_totp_check(db, &ring, u.id, code, now + 60), 0);
    CU_ASSERT_EQUAL(ec_staff_totp_enroll(db, &ring, 0, &again),
                    EC_ERR_NOT_FOUND);
    ec_buf_release(&secret);
    ec_buf_release(&again);
    ec_seal_release(&ring);
}

static const struct ec_test tests[] = {
    {"MariaDB and Redis are there, with two scratch tenants",
     test_stores_are_there},
    {"an account is created normalised and found again", test_create_and_find},
    {"an address is taken per tenant; tenants see only their own",
     test_email_taken_per_tenant},
    {"one answer for a wrong e-mail or password", test_authenticate_one_answer},
    {"an unknown e-mail costs a hash as a known one does",
     test_unknown_email_costs_a_hash},
    {"a stale hash is replaced at sign-in", test_rehash_on_sign_in},
    {"a password is changed only with the current one", test_change_password},
    {"a reset stores only the token's SHA-256",
     test_reset_request_stores_only_a_hash},
    {"a reset for an unknown e-mail answers the same and stores nothing",
     test_reset_request_unknown_email},
    {"a reset token works once, at its tenant", test_reset_complete_once},
    {"a reset token expires", test_reset_token_expires},
    {"sign-ins are limited per account", test_signin_limit_per_account},
    {"sign-ins are limited per client address", test_signin_limit_per_client},
    {"the limit holds under thirty parallel attempts",
     test_signin_limit_is_atomic},
    {"staff: roles and what each may do", test_staff_roles},
    {"staff: per tenant, operators for every tenant",
     test_staff_per_tenant_and_operators},
    {"staff: a second factor, sealed, each code once",
     test_staff_second_factor},
    {"staff: one answer for every failed sign-in, a disabled user too; read "
     "by id only within the tenant",
     test_staff_authenticate_and_get},
    {NULL, NULL},
};

int
main(void)
{
    const char *mport = getenv("EC_MYSQL_PORT");
    const char *rport = getenv("EC_REDIS_PORT");
    const char *admin = getenv("EC_REDIS_ADMIN_PASSWORD");
    struct timeval tv = {2, 0};
    int rc;

    if (mport && *mport)
        dbc.port = (unsigned)atoi(mport);
    if (rport && *rport)
        kvc.port = (unsigned)atoi(rport);
    /* no password: the first test fails, never skips */
    dbc.password = getenv("EC_MYSQL_PASSWORD");
    kvc.user = getenv("EC_REDIS_USER");
    kvc.password = getenv("EC_REDIS_PASSWORD");
    ec_log_open("stderr", "stderr", EC_LOG_ERROR);
    db = ec_db_new(&dbc);
    kv = ec_kv_new(&kvc);
    raw = redisConnectWithTimeout(kvc.host, (int)kvc.port, tv);
    if (raw && !raw->err && admin)
        freeReplyObject(redisCommand(raw, "AUTH %s", admin));
    rc = ec_test_run("integration/svc/account_store", tests);
    if (ec_db_ping(db) == 0)
        drop_tenants();
    if (raw)
        redisFree(raw);
    ec_kv_free(kv);
    ec_db_free(db);
    return rc;
}
