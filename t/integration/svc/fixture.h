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

#endif
