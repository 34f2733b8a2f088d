#include "cli/numbers.h"

#include <errno.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/invalidate.h"
#include "svc/number.h"
#include "svc/tenant.h"

/* A pool file larger than this is a mistake (a million numbers is 13 MB). */
#define CTL_MAX_POOL_FILE (64 * 1024 * 1024)

static int
import(struct ec_db *db, struct ec_kv *kv, const char *slug, const char *path,
       FILE *out, FILE *err)
{
    struct ec_number_file f;
    struct ec_number_error perr;
    struct ec_number_import_counts counts;
    struct ec_buf text = EC_BUF_INIT;
    struct ec_tenant *t = NULL;
    int rc;

    ec_number_file_init(&f);
    if (ec_buf_read_file(&text, path, CTL_MAX_POOL_FILE) < 0) {
        fprintf(err, "ecomctl: %s: %s\n", path,
                errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
        ec_buf_release(&text);
        return 1;
    }
    rc = ec_number_file_parse(&f, text.data, text.len, &perr);
    ec_buf_release(&text);
    if (rc < 0) {
        if (perr.line)
            fprintf(err, "ecomctl: %s:%zu: %s\n", path, perr.line,
                    perr.message);
        else
            fprintf(err, "ecomctl: %s: %s\n", path, perr.message);
        fprintf(err, "ecomctl: nothing was imported\n");
        return 1;
    }
    rc = ec_tenant_load(db, slug, &t);
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: no tenant '%s'\n", slug);
        ec_number_file_release(&f);
        return 1;
    }
    if (rc == 0)
        rc = ec_number_import(db, t->id, &f, &counts);
    if (rc < 0) {
        fprintf(err,
                "ecomctl: numbers import failed, nothing was changed: "
                "%s\n",
                ec_db_last_error(db));
        ec_tenant_free(t);
        ec_number_file_release(&f);
        return 1;
    }
    fprintf(out,
            "added %zu, skipped %zu duplicates (%zu repeated in the "
            "file, %zu already in the pool of %s)\n",
            counts.added, f.repeated + counts.in_pool, f.repeated,
            counts.in_pool, slug);
    /* committed; only the workers' samples of the pool lag behind (and
       catch up by themselves within EC_NUMBER_SAMPLE_TTL_MS) */
    if (counts.added && ec_invalidate_numbers(kv, slug) < 0)
        fprintf(err,
                "ecomctl: warning: Redis is unreachable; running workers "
                "offer the new numbers of %s from their next sample (within 30 "
                "s)\n",
                slug);
    ec_tenant_free(t);
    ec_number_file_release(&f);
    return 0;
}

int
ec_ctl_numbers(struct ec_db *db, struct ec_kv *kv, int argc, char **argv,
               FILE *out, FILE *err)
{
    if (argc == 4 && strcmp(argv[1], "import") == 0)
        return import(db, kv, argv[2], argv[3], out, err);
    return 2;
}
