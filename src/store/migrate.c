#include "store/migrate.h"

#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"

#define EC_MIGRATION_MAX_FILE (16 * 1024 * 1024)

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version VARCHAR(100) NOT NULL PRIMARY KEY,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

int
ec_migrate_name_valid(const char *name)
{
    size_t n = strlen(name), i;

    if (n < 9 || strcmp(name + n - 4, ".sql") != 0)
        return 0;
    for (i = 0; i < 3; i++)
        if (!isdigit((unsigned char)name[i]))
            return 0;
    if (name[3] != '_')
        return 0;
    for (i = 4; i < n - 4; i++)
        if (!islower((unsigned char)name[i]) &&
            !isdigit((unsigned char)name[i]) && name[i] != '_')
            return 0;
    return 1;
}

static int
select_migration(const struct dirent *d)
{
    return ec_migrate_name_valid(d->d_name);
}

static void
sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < mdlen && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int
copy_checksum(const struct ec_db_row *row, void *ctx)
{
    snprintf(ctx, 65, "%s", row->vals[0]);
    return 0;
}

static void say(ec_migrate_report_fn report, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(ec_migrate_report_fn report, void *ctx, const char *fmt, ...)
{
    struct ec_buf b = EC_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    ec_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    report(b.data, ctx);
    ec_buf_release(&b);
}

/* Apply one file if it is new. 0, or -1 after reporting. */
static int
apply_one(struct ec_db *db, const char *dir, const char *file,
          ec_migrate_report_fn report, void *ctx)
{
    struct ec_buf path = EC_BUF_INIT, text = EC_BUF_INIT;
    char version[128], sum[65], applied[65] = "";
    struct ec_db_param p[2];
    int rc = -1;

    snprintf(version, sizeof(version), "%.*s", (int)(strlen(file) - 4), file);
    ec_buf_addf(&path, "%s/%s", dir, file);
    if (ec_buf_read_file(&text, path.data, EC_MIGRATION_MAX_FILE) < 0) {
        say(report, ctx, "error: cannot read %s", path.data);
        goto out;
    }
    sha256_hex(text.data, text.len, sum);
    p[0] = EC_DB_S(version);
    if (ec_db_exec(db,
                   "SELECT checksum FROM schema_migrations WHERE version = ?",
                   p, 1, copy_checksum, applied, NULL) < 0) {
        say(report, ctx, "error: %s", ec_db_last_error(db));
        goto out;
    }
    if (*applied) {
        if (strcmp(applied, sum) != 0) {
            say(report, ctx,
                "error: %s changed after it was applied; add a new "
                "migration instead of editing a landed one",
                file);
            goto out;
        }
        rc = 0;
        goto out;
    }
    if (ec_db_exec_script(db, text.data, text.len) < 0) {
        say(report, ctx, "error: %s failed: %s", file, ec_db_last_error(db));
        goto out;
    }
    p[1] = EC_DB_S(sum);
    if (ec_db_exec(db,
                   "INSERT INTO schema_migrations (version, checksum)"
                   " VALUES (?, ?)",
                   p, 2, NULL, NULL, NULL) < 0) {
        say(report, ctx, "error: recording %s: %s", file, ec_db_last_error(db));
        goto out;
    }
    say(report, ctx, "applied %s", file);
    rc = 0;
out:
    ec_buf_release(&path);
    ec_buf_release(&text);
    return rc;
}

static int
lock_result(const struct ec_db_row *row, void *ctx)
{
    *(int *)ctx = row->vals[0] && strcmp(row->vals[0], "1") == 0;
    return 0;
}

int
ec_migrate(struct ec_db *db, const char *dir, ec_migrate_report_fn report,
           void *ctx)
{
    struct dirent **files = NULL;
    int n, i, rc = 0, locked = 0;

    if (ec_db_exec_script(db, create_table, strlen(create_table)) < 0) {
        say(report, ctx, "error: %s", ec_db_last_error(db));
        return -1;
    }
    if (ec_db_exec(db, "SELECT GET_LOCK('ecom.migrate', 30)", NULL, 0,
                   lock_result, &locked, NULL) < 0 ||
        !locked) {
        say(report, ctx, "error: another migration holds the lock");
        return -1;
    }
    n = scandir(dir, &files, select_migration, alphasort);
    if (n < 0) {
        say(report, ctx, "error: cannot list %s", dir);
        rc = -1;
    }
    for (i = 0; i < n; i++) {
        if (rc == 0 && apply_one(db, dir, files[i]->d_name, report, ctx) < 0)
            rc = -1;
        free(files[i]);
    }
    free(files);
    ec_db_exec(db, "SELECT RELEASE_LOCK('ecom.migrate')", NULL, 0, NULL, NULL,
               NULL);
    return rc;
}
