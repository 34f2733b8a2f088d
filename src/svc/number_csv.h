/*
 * A pool file sent to the admin API (POST /api/admin/v1/numbers): the
 * very rules of ecomctl numbers import (ec_number_file_parse(), one
 * number a line), but every bad line named, not only the first, so a
 * script can fix them all at once; and the import audited.
 *
 * All or nothing, as the command: a file with a bad line imports
 * nothing.
 */
#ifndef EC_SVC_NUMBER_CSV_H
#define EC_SVC_NUMBER_CSV_H

#include <stddef.h>

#include "svc/audit.h"
#include "svc/number.h"

struct ec_db;
struct ec_kv;

/* At most this many bad lines are named; the rest are counted. */
#define EC_NUMBER_CSV_MAX_ERRORS 100

struct ec_number_csv_result {
    /* refused: the bad lines (line 0: the file as a whole) */
    struct ec_number_error errors[EC_NUMBER_CSV_MAX_ERRORS];
    size_t nerrors; /* named in errors */
    size_t nbad;    /* bad lines in all */
    /* imported */
    struct ec_number_import_counts counts;
    size_t repeated; /* lines repeating a number earlier in the file */
};

/*
 * Check the pool file text (len bytes) line by line and, when every line
 * is good, add its numbers to tenant_id's pool and record the import in
 * the audit log as who (object "numbers", id "pool", action "import",
 * after: the counts), in one transaction, and tell kv (may be NULL)
 * that slug's pool changed. 0 with r's counts; EC_ERR_INVALID_FIELD with
 * r's errors and nothing imported; or the database's error.
 */
int ec_number_csv_import(struct ec_db *db, struct ec_kv *kv,
                         long long tenant_id, const char *slug,
                         const char *text, size_t len,
                         const struct ec_audit_actor *who,
                         struct ec_number_csv_result *r);

#endif
