/*
 * The panel's number pool (svc/number_admin.c) against the test stack's
 * MariaDB (EC_MYSQL_PORT, EC_MYSQL_PASSWORD) and Redis (EC_REDIS_PORT,
 * EC_REDIS_USER, EC_REDIS_PASSWORD): the search's parameters; a search
 * sees its tenant's pool only, pages by number, filters by digits and
 * status, and tells locked numbers (with their lock's end) from free
 * ones, reading past many locked ones; the counts; a quarantine and its
 * release, each audited once, none for a move that changes nothing; a
 * sold number never moved nor unlocked; another tenant's number not
 * found; a lock released only while it is the one seen.
 *
 * Never skips: without the database or Redis the first test fails. The
 * scratch tenants "numadm-a" and "numadm-b" are deleted at the start and
 * the end, and the locks the test set expire within a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../unit/test.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "fixture.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/audit.h"
#include "svc/number.h"
#include "svc/number_admin.h"

#define SLUG_A "numadm-a"
#define SLUG_B "numadm-b"
#define NPOOL 120

static struct ec_db_config dbc = FIXTURE_DB_CONFIG;
static struct ec_kv_config kvc = {"127.0.0.1", 16380, 1000, 2000, NULL, NULL};
static struct ec_db *db;
static struct ec_kv *kv;
static struct ec_arena arena;
static long long tenant_a, tenant_b;
static const struct ec_audit_actor who = {EC_AUDIT_STAFF, 7, "eva@numadm.test"};

static void
drop_tenants(void)
{
    ec_db_exec(db,
               "DELETE FROM tenants WHERE slug IN ('" SLUG_A "', '" SLUG_B "')",
               NULL, 0, NULL, NULL, NULL);
}

/* The i-th number of the scratch pools: +45 9971 0000 on. */
static const char *
number(int i)
{
    static char out[8][EC_NUMBER_SIZE];
    static int next;
    char *s = out[next++ % 8];

    snprintf(s, EC_NUMBER_SIZE, "+459971%04u", (unsigned)i % 10000u);
    return s;
}

static void
add_number(long long tenant, int i)
{
    struct ec_db_param p[] = {EC_DB_I(tenant), EC_DB_S(number(i))};

    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "INSERT INTO numbers (tenant_id, msisdn)"
                                     " VALUES (?, ?)",
                                     p, 2, NULL, NULL, NULL),
                          0);
}

static void
set_status(long long tenant, int i, const char *status)
{
    struct ec_db_param p[] = {EC_DB_S(status), EC_DB_I(tenant),
                              EC_DB_S(number(i))};

    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "UPDATE numbers SET status = ?"
                               " WHERE tenant_id = ? AND msisdn = ?",
                               p, 3, NULL, NULL, NULL),
                    0);
}

static char status_of_buf[16];

static int
read_status(const struct ec_db_row *row, void *ctx)
{
    (void)ctx;
    snprintf(status_of_buf, sizeof(status_of_buf), "%s", row->vals[0]);
    return 0;
}

static const char *
status_of(long long tenant, int i)
{
    struct ec_db_param p[] = {EC_DB_I(tenant), EC_DB_S(number(i))};

    status_of_buf[0] = '\0';
    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "SELECT status FROM numbers"
                               " WHERE tenant_id = ? AND msisdn = ?",
                               p, 2, read_status, NULL, NULL),
                    0);
    return status_of_buf;
}

static long long
audit_rows(long long tenant)
{
    struct ec_db_param p[] = {EC_DB_I(tenant)};
    long long n = -1;

    CU_ASSERT_EQUAL(
        ec_db_exec(db,
                   "SELECT COUNT(*) FROM audit_log"
                   " WHERE tenant_id = ? AND object_type = 'number'",
                   p, 1, fixture_read_ll, &n, NULL),
        0);
    return n;
}

/* Lock number i of slug for owner, for ttl_ms (1: gone at once). */
static void
lock(const char *slug, int i, const char *owner, long long ttl_ms)
{
    char key[EC_NUMBER_LOCK_KEY_SIZE];

    CU_ASSERT_EQUAL_FATAL(ec_number_lock_key(key, sizeof(key), slug, number(i)),
                          0);
    CU_ASSERT_EQUAL_FATAL(ec_kv_set_px(kv, key, owner, ttl_ms), 0);
}

static char *
lock_owner(const char *slug, int i)
{
    char key[EC_NUMBER_LOCK_KEY_SIZE], *v = NULL;
    size_t len;

    ec_number_lock_key(key, sizeof(key), slug, number(i));
    return ec_kv_get(kv, key, &arena, &v, &len) == 0 ? v : NULL;
}

static struct ec_number_admin_page page;

static void
search(long long tenant, const char *slug, const char *digits,
       const char *match, const char *status, const char *after)
{
    struct ec_number_admin_query q;
    const char *field;

    CU_ASSERT_EQUAL_FATAL(
        ec_number_admin_query_parse(&q, digits, match, status, after, &field),
        0);
    CU_ASSERT_EQUAL_FATAL(
        ec_number_admin_search(db, kv, tenant, slug, &q, &arena, &page), 0);
}

static void
test_setup(void)
{
    drop_tenants();
    tenant_a = fixture_make_tenant(db, SLUG_A, "Number Admin A");
    tenant_b = fixture_make_tenant(db, SLUG_B, "Number Admin B");
    for (int i = 0; i < NPOOL; i++)
        add_number(tenant_a, i);
    /* b holds the same numbers 0..9 and one a does not: 500 */
    for (int i = 0; i < 10; i++)
        add_number(tenant_b, i);
    add_number(tenant_b, 500);
}

static void
test_query_parse(void)
{
    static const struct {
        const char *digits, *match, *status, *after, *field;
        const char *want_digits;
        int prefix, status_i;
    } cases[] = {
        {NULL, NULL, NULL, NULL, NULL, "", 0, EC_NUMBER_ADMIN_ANY},
        {"20 12", "starts", "free", NULL, NULL, "2012", 1,
         EC_NUMBER_ADMIN_FREE},
        {"+4520", "contains", "locked", "+4520123456", NULL, "+4520", 0,
         EC_NUMBER_ADMIN_LOCKED},
        {"123456789012345", NULL, "sold", NULL, NULL, "123456789012345", 0,
         EC_NUMBER_ADMIN_SOLD},
        {"1234567890123456", NULL, NULL, NULL, "digits", "", 0, 0},
        {"12a", NULL, NULL, NULL, "digits", "", 0, 0},
        {"1+2", NULL, NULL, NULL, "digits", "", 0, 0},
        {"+", NULL, NULL, NULL, "digits", "", 0, 0},
        {NULL, "ends", NULL, NULL, "match", "", 0, 0},
        {NULL, NULL, "gone", NULL, "status", "", 0, 0},
        {NULL, NULL, NULL, "4520123456", "after", "", 0, 0},
        {NULL, NULL, NULL, "+45'--", "after", "", 0, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ec_number_admin_query q;
        const char *field = NULL;
        int rc = ec_number_admin_query_parse(&q, cases[i].digits,
                                             cases[i].match, cases[i].status,
                                             cases[i].after, &field);

        if (cases[i].field) {
            CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
            EC_ASSERT_STR(field, cases[i].field);
            continue;
        }
        CU_ASSERT_EQUAL(rc, 0);
        EC_ASSERT_STR(q.digits, cases[i].want_digits);
        CU_ASSERT_EQUAL(q.prefix, cases[i].prefix);
        CU_ASSERT_EQUAL((int)q.status, cases[i].status_i);
    }
}

static void
test_search_pages_and_tenants(void)
{
    char next[EC_NUMBER_SIZE];

    search(tenant_a, SLUG_A, NULL, NULL, NULL, NULL);
    CU_ASSERT_EQUAL(page.n, EC_NUMBER_ADMIN_PAGE);
    EC_ASSERT_STR(page.rows[0].msisdn, number(0));
    EC_ASSERT_STR(page.rows[49].msisdn, number(49));
    EC_ASSERT_STR(page.next, number(49));
    snprintf(next, sizeof(next), "%s", page.next);
    search(tenant_a, SLUG_A, NULL, NULL, NULL, next);
    EC_ASSERT_STR(page.rows[0].msisdn, number(50));
    search(tenant_a, SLUG_A, NULL, NULL, NULL, number(99));
    CU_ASSERT_EQUAL(page.n, 20);
    CU_ASSERT_EQUAL(page.next[0], '\0');
    /* b sees its own eleven, never a's */
    search(tenant_b, SLUG_B, NULL, NULL, NULL, NULL);
    CU_ASSERT_EQUAL(page.n, 11);
    EC_ASSERT_STR(page.rows[10].msisdn, number(500));
    search(tenant_a, SLUG_A, "0500", NULL, NULL, NULL);
    CU_ASSERT_EQUAL(page.n, 0);
    /* digits: 9971 0011 and 9971 0110..0119 contain "011" */
    search(tenant_a, SLUG_A, "011", "contains", NULL, NULL);
    CU_ASSERT_EQUAL(page.n, 11);
    EC_ASSERT_STR(page.rows[0].msisdn, number(11));
    EC_ASSERT_STR(page.rows[1].msisdn, number(110));
    /* leading: only 9971 01.. */
    search(tenant_a, SLUG_A, "997101", "starts", NULL, NULL);
    CU_ASSERT_EQUAL(page.n, 20);
    EC_ASSERT_STR(page.rows[0].msisdn, number(100));
    search(tenant_a, SLUG_A, "011", "starts", NULL, NULL);
    CU_ASSERT_EQUAL(page.n, 0);
    search(tenant_a, SLUG_A, "+45997100", NULL, NULL, NULL);
    CU_ASSERT_EQUAL(page.n, EC_NUMBER_ADMIN_PAGE);
}

static void
test_status_and_locks(void)
{
    struct ec_number_admin_counts c;

    set_status(tenant_a, 3, "assigned");
    set_status(tenant_a, 4, "quarantined");
    lock(SLUG_A, 5, "basket-five", 60000);
    lock(SLUG_B, 6, "basket-b", 60000); /* b's lock: not a's */

    search(tenant_a, SLUG_A, NULL, NULL, "sold", NULL);
    CU_ASSERT_EQUAL(page.n, 1);
    EC_ASSERT_STR(page.rows[0].msisdn, number(3));
    EC_ASSERT_STR(page.rows[0].status, "assigned");
    search(tenant_a, SLUG_A, NULL, NULL, "quarantined", NULL);
    CU_ASSERT_EQUAL(page.n, 1);
    EC_ASSERT_STR(page.rows[0].msisdn, number(4));
    search(tenant_a, SLUG_A, NULL, NULL, "locked", NULL);
    CU_ASSERT_EQUAL(page.n, 1);
    EC_ASSERT_STR(page.rows[0].msisdn, number(5));
    EC_ASSERT_STR(page.rows[0].status, "available");
    CU_ASSERT(page.rows[0].locked);
    CU_ASSERT(page.rows[0].lock_ms > 50000 && page.rows[0].lock_ms <= 60000);
    CU_ASSERT_EQUAL(strlen(page.rows[0].lock_seen), 16);
    /* the whole list marks the lock; "free" leaves out 3, 4 and 5 */
    search(tenant_a, SLUG_A, NULL, NULL, NULL, NULL);
    CU_ASSERT(page.rows[5].locked);
    CU_ASSERT(!page.rows[6].locked);
    search(tenant_a, SLUG_A, NULL, NULL, "free", NULL);
    EC_ASSERT_STR(page.rows[3].msisdn, number(6));
    EC_ASSERT_STR(page.rows[49].msisdn, number(52));

    CU_ASSERT_EQUAL(ec_number_admin_counts(db, kv, tenant_a, SLUG_A, &c), 0);
    CU_ASSERT_EQUAL(c.available, NPOOL - 2);
    CU_ASSERT_EQUAL(c.assigned, 1);
    CU_ASSERT_EQUAL(c.quarantined, 1);
    CU_ASSERT_EQUAL(c.locked, 1);
    CU_ASSERT(c.locked_complete);

    set_status(tenant_a, 3, "available");
    set_status(tenant_a, 4, "available");
    lock(SLUG_A, 5, "x", 1);
    lock(SLUG_B, 6, "x", 1);
}

/* A "free" search reads on past a run of locked numbers longer than a
   page, and its next page starts where it stopped. */
static void
test_free_reads_past_locks(void)
{
    for (int i = 0; i < 70; i++)
        lock(SLUG_A, i, "hoarder", 60000);
    search(tenant_a, SLUG_A, NULL, NULL, "free", NULL);
    CU_ASSERT_EQUAL(page.n, EC_NUMBER_ADMIN_PAGE);
    EC_ASSERT_STR(page.rows[0].msisdn, number(70));
    EC_ASSERT_STR(page.rows[49].msisdn, number(119));
    CU_ASSERT_EQUAL(page.next[0], '\0'); /* the pool ends there */
    search(tenant_a, SLUG_A, NULL, NULL, "locked", NULL);
    CU_ASSERT_EQUAL(page.n, EC_NUMBER_ADMIN_PAGE);
    EC_ASSERT_STR(page.rows[49].msisdn, number(49));
    EC_ASSERT_STR(page.next, number(49));
    search(tenant_a, SLUG_A, NULL, NULL, "locked", number(49));
    CU_ASSERT_EQUAL(page.n, 20);
    CU_ASSERT_EQUAL(page.next[0], '\0');
    search(tenant_a, SLUG_A, "006", NULL, "locked", NULL);
    CU_ASSERT_EQUAL(page.n, 11); /* 0006, 0060..0069 */
    for (int i = 0; i < 70; i++)
        lock(SLUG_A, i, "x", 1);
}

static void
test_quarantine_and_release(void)
{
    long long n0 = audit_rows(tenant_a);
    const char *why;
    int changed;

    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(10),
                                         EC_NUMBER_ADMIN_QUARANTINE, NULL, &who,
                                         &changed, &why),
                    0);
    CU_ASSERT(changed);
    EC_ASSERT_STR(status_of(tenant_a, 10), "quarantined");
    /* so already: nothing written, nothing recorded */
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(10),
                                         EC_NUMBER_ADMIN_QUARANTINE, NULL, &who,
                                         &changed, &why),
                    0);
    CU_ASSERT(!changed);
    CU_ASSERT_EQUAL(audit_rows(tenant_a), n0 + 1);
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(10),
                                         EC_NUMBER_ADMIN_RELEASE, NULL, &who,
                                         &changed, &why),
                    0);
    CU_ASSERT(changed);
    EC_ASSERT_STR(status_of(tenant_a, 10), "available");
    CU_ASSERT_EQUAL(audit_rows(tenant_a), n0 + 2);

    /* sold: refused, whatever the move */
    set_status(tenant_a, 11, "assigned");
    for (int m = 0; m < 3; m++) {
        why = NULL;
        CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A,
                                             number(11),
                                             (enum ec_number_admin_move)m, NULL,
                                             &who, &changed, &why),
                        EC_ERR_CONFLICT);
        EC_ASSERT_STR(why, "sold");
    }
    EC_ASSERT_STR(status_of(tenant_a, 11), "assigned");
    set_status(tenant_a, 11, "available");

    /* another tenant's number, or none: not found, nothing written */
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(500),
                                         EC_NUMBER_ADMIN_QUARANTINE, NULL, &who,
                                         &changed, &why),
                    EC_ERR_NOT_FOUND);
    EC_ASSERT_STR(status_of(tenant_b, 500), "available");
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, "20123456",
                                         EC_NUMBER_ADMIN_QUARANTINE, NULL, &who,
                                         &changed, &why),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(audit_rows(tenant_a), n0 + 2);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), 0);
}

static void
test_unlock(void)
{
    long long n0 = audit_rows(tenant_a);
    char seen[EC_NUMBER_ADMIN_LOCK_SEEN_SIZE];
    const char *why;
    int changed;

    lock(SLUG_A, 20, "stuck-basket", 60000);
    search(tenant_a, SLUG_A, "+4599710020", NULL, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(page.n, 1);
    snprintf(seen, sizeof(seen), "%s", page.rows[0].lock_seen);

    /* the lock lapsed and another basket took the number: left alone */
    lock(SLUG_A, 20, "new-basket", 60000);
    why = NULL;
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(20),
                                         EC_NUMBER_ADMIN_UNLOCK, seen, &who,
                                         &changed, &why),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(why, "lock_changed");
    EC_ASSERT_STR(lock_owner(SLUG_A, 20), "new-basket");
    CU_ASSERT_EQUAL(audit_rows(tenant_a), n0);

    /* the one seen: released, recorded */
    search(tenant_a, SLUG_A, "+4599710020", NULL, NULL, NULL);
    snprintf(seen, sizeof(seen), "%s", page.rows[0].lock_seen);
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(20),
                                         EC_NUMBER_ADMIN_UNLOCK, seen, &who,
                                         &changed, &why),
                    0);
    CU_ASSERT(changed);
    CU_ASSERT_PTR_NULL(lock_owner(SLUG_A, 20));
    CU_ASSERT_EQUAL(audit_rows(tenant_a), n0 + 1);
    /* no lock: nothing to do, nothing recorded */
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(20),
                                         EC_NUMBER_ADMIN_UNLOCK, seen, &who,
                                         &changed, &why),
                    0);
    CU_ASSERT(!changed);
    CU_ASSERT_EQUAL(audit_rows(tenant_a), n0 + 1);

    /* a sold number's lock stays; b's lock on the same number is b's */
    lock(SLUG_A, 21, "paying-basket", 60000);
    lock(SLUG_B, 1, "b-basket", 60000);
    set_status(tenant_a, 21, "assigned");
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(21),
                                         EC_NUMBER_ADMIN_UNLOCK, NULL, &who,
                                         &changed, &why),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(lock_owner(SLUG_A, 21), "paying-basket");
    CU_ASSERT_EQUAL(ec_number_admin_move(db, kv, tenant_a, SLUG_A, number(1),
                                         EC_NUMBER_ADMIN_UNLOCK, NULL, &who,
                                         &changed, &why),
                    0);
    CU_ASSERT(!changed);
    EC_ASSERT_STR(lock_owner(SLUG_B, 1), "b-basket");
    set_status(tenant_a, 21, "available");
    lock(SLUG_A, 21, "x", 1);
    lock(SLUG_B, 1, "x", 1);
    ec_arena_reset(&arena);
}

static const struct ec_test tests[] = {
    {"setup", test_setup},
    {"search parameters", test_query_parse},
    {"search pages, digits, tenants", test_search_pages_and_tenants},
    {"statuses, locks and counts", test_status_and_locks},
    {"free reads past locked numbers", test_free_reads_past_locks},
    {"quarantine and release, audited", test_quarantine_and_release},
    {"unlock only the lock seen", test_unlock},
    {NULL, NULL},
};

int
main(void)
{
    const char *rport = getenv("EC_REDIS_PORT");
    int rc;

    if (rport && *rport)
        kvc.port = (unsigned)atoi(rport);
    kvc.user = getenv("EC_REDIS_USER");
    kvc.password = getenv("EC_REDIS_PASSWORD");
    ec_arena_init(&arena, 0);
    kv = ec_kv_new(&kvc);
    rc = fixture_run_db(&dbc, &db, "integration/svc/number_admin", tests,
                        drop_tenants);
    ec_kv_free(kv);
    ec_arena_release(&arena);
    return rc;
}
