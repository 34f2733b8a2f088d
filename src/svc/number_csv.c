#include "svc/number_csv.h"

#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "svc/invalidate.h"

static void
add_error(struct ec_number_csv_result *r, size_t line, const char *message)
{
    if (r->nerrors < EC_NUMBER_CSV_MAX_ERRORS) {
        r->errors[r->nerrors].line = line;
        memcpy(r->errors[r->nerrors].message, message,
               sizeof(r->errors[0].message));
        r->nerrors++;
    }
    r->nbad++;
}

/*
 * Every line through the file's own parser, alone: a line with no
 * number (blank, a comment, the header) is the parser's "no numbers"
 * (line 0) and passes; any other refusal is that line's.
 */
static void
check_lines(const char *text, size_t len, struct ec_number_csv_result *r)
{
    struct ec_number_file one;
    struct ec_number_error e;
    size_t pos = 0, line = 0;

    ec_number_file_init(&one);
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;

        pos += n + (nl ? 1 : 0);
        line++;
        if (ec_number_file_parse(&one, s, n, &e) < 0 && e.line != 0)
            add_error(r, line, e.message);
    }
    ec_number_file_release(&one);
}

static int
audit_import(struct ec_db *db, long long tenant_id,
             const struct ec_audit_actor *who,
             const struct ec_number_csv_result *r)
{
    struct json_object *after = json_object_new_object();
    int rc;

    json_object_object_add(after, "added",
                           json_object_new_int64((int64_t)r->counts.added));
    json_object_object_add(after, "in_pool",
                           json_object_new_int64((int64_t)r->counts.in_pool));
    json_object_object_add(after, "repeated",
                           json_object_new_int64((int64_t)r->repeated));
    rc = ec_audit_record(db, tenant_id, who, "numbers", "pool", "import", NULL,
                         after);
    json_object_put(after);
    return rc;
}

int
ec_number_csv_import(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                     const char *slug, const char *text, size_t len,
                     const struct ec_audit_actor *who,
                     struct ec_number_csv_result *r)
{
    struct ec_number_file f;
    struct ec_number_error e;
    int rc;

    memset(r, 0, sizeof(*r));
    check_lines(text, len, r);
    if (r->nbad)
        return EC_ERR_INVALID_FIELD;
    /* the whole file: what no line shows alone (no number at all, a
       header after the first line) */
    ec_number_file_init(&f);
    if (ec_number_file_parse(&f, text, len, &e) < 0) {
        ec_number_file_release(&f);
        add_error(r, e.line, e.message);
        return EC_ERR_INVALID_FIELD;
    }
    r->repeated = f.repeated;
    /* the numbers and their audit row in one transaction */
    if ((rc = ec_db_begin(db)) == 0 &&
        (rc = ec_number_import_in_tx(db, tenant_id, &f, &r->counts)) == 0 &&
        (rc = audit_import(db, tenant_id, who, r)) == 0)
        rc = ec_db_commit(db);
    ec_number_file_release(&f);
    if (rc < 0) {
        ec_db_rollback(db);
        return rc;
    }
    if (kv && r->counts.added && ec_invalidate_numbers(kv, slug) < 0)
        ec_log_warn("numbers of %s imported but the workers could not be "
                    "told",
                    slug);
    return 0;
}
