/*
 * What the integration tests against MariaDB share: a column read as a
 * number, and a scratch tenant made for a test (deleted by the test with
 * its rows, which follow the tenant by ON DELETE CASCADE).
 */
#ifndef EC_T_INTEGRATION_FIXTURE_H
#define EC_T_INTEGRATION_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "../../unit/test.h"
#include "core/log.h"
#include "store/db.h"

/* The first column of a row as a number into *(long long *)ctx (-1 for
   NULL). */
static inline int
fixture_read_ll(const struct ec_db_row *row, void *ctx)
{
    *(long long *)ctx = row->vals[0] ? strtoll(row->vals[0], NULL, 10) : -1;
    return 0;
}

/* A new tenant slug named name on db: its id (the test stops if it
   cannot be made). */
static inline long long
fixture_make_tenant(struct ec_db *db, const char *slug, const char *name)
{
    struct ec_db_param p[] = {EC_DB_S(slug), EC_DB_S(name)};

    CU_ASSERT_EQUAL_FATAL(ec_db_exec(db,
                                     "INSERT INTO tenants (slug, name)"
                                     " VALUES (?, ?)",
                                     p, 2, NULL, NULL, NULL),
                          0);
    return (long long)ec_db_insert_id(db);
}

/* The test stack's MariaDB as ecomd's account sees it; the port and
   password come from the environment (fixture_run_db()). */
#define FIXTURE_DB_CONFIG                                                      \
    {                                                                          \
        .host = "127.0.0.1", .port = 13307, .user = "ecom",                    \
        .database = "ecom", .connect_timeout_ms = 2000,                        \
        .read_timeout_ms = 5000,                                               \
    }

/*
 * Run suite's tests against the test stack's MariaDB: cfg's port and
 * password from EC_MYSQL_PORT and EC_MYSQL_PASSWORD (with no password the
 * first test fails, never skips), *db made for them and freed after;
 * cleanup (may be NULL), which removes a run's scratch rows, runs before
 * and after when MariaDB answers. The program's exit status.
 */
static inline int
fixture_run_db(struct ec_db_config *cfg, struct ec_db **db, const char *suite,
               const struct ec_test *tests, void (*cleanup)(void))
{
    const char *port = getenv("EC_MYSQL_PORT");
    int rc;

    if (port && *port)
        cfg->port = (unsigned)atoi(port);
    cfg->password = getenv("EC_MYSQL_PASSWORD");
    ec_log_open("stderr", "stderr", EC_LOG_ERROR);
    *db = ec_db_new(cfg);
    if (cleanup && ec_db_ping(*db) == 0)
        cleanup();
    rc = ec_test_run(suite, tests);
    if (cleanup && ec_db_ping(*db) == 0)
        cleanup();
    ec_db_free(*db);
    return rc;
}

#endif
