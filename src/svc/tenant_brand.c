#include "svc/tenant_brand.h"

#include <string.h>

#include <json-c/json.h>

#include "core/contrast.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/audit.h"

/* The branding as the audit log shows it. */
static const char *const columns[] = {
    "name",       "color_primary", "color_on_primary", "color_background",
    "color_text", "color_accent",  "logo_path"};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static int
brand_row(const struct ec_db_row *row, void *ctx)
{
    struct json_object *o = json_object_new_object();

    for (size_t i = 0; i < NCOLUMNS && i < row->ncols; i++)
        json_object_object_add(
            o, columns[i],
            row->vals[i]
                ? json_object_new_string_len(row->vals[i], (int)row->lens[i])
                : NULL);
    *(struct json_object **)ctx = o;
    return 0;
}

/* The tenant's branding, its row locked until the transaction ends, as
   a new object in *out. 0, EC_ERR_NOT_FOUND or a store error. */
static int
read_locked(struct ec_db *db, long long tenant_id, struct json_object **out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    int rc;

    *out = NULL;
    rc = ec_db_exec(db,
                    "SELECT name, color_primary, color_on_primary, "
                    "color_background, color_text, color_accent, logo_path "
                    "FROM tenants WHERE id = ? FOR UPDATE",
                    p, 1, brand_row, out, NULL);
    if (rc < 0)
        return rc;
    return *out ? 0 : EC_ERR_NOT_FOUND;
}

/* A checked colour as the column keeps it ("#aabbcc"). */
static void
canonical(const char *in, char out[8])
{
    struct ec_rgb c;

    ec_rgb_parse(in, &c);
    ec_rgb_format(&c, out);
}

static int
write_brand(struct ec_db *db, long long tenant_id, const char *name,
            char c[5][8])
{
    struct ec_db_param p[] = {EC_DB_S(name),     EC_DB_S(c[0]), EC_DB_S(c[1]),
                              EC_DB_S(c[2]),     EC_DB_S(c[3]), EC_DB_S(c[4]),
                              EC_DB_I(tenant_id)};

    return ec_db_exec(db,
                      "UPDATE tenants SET name = ?, color_primary = ?, "
                      "color_on_primary = ?, color_background = ?, "
                      "color_text = ?, color_accent = ?, updated_at = "
                      "CURRENT_TIMESTAMP(6) WHERE id = ?",
                      p, 7, NULL, NULL, NULL);
}

/* A copy of before with the name and colours of the change. */
static struct json_object *
after_of(struct json_object *before, const char *name, char c[5][8])
{
    struct json_object *a = json_object_new_object();
    struct json_object *logo = NULL;

    json_object_object_add(a, "name", json_object_new_string(name));
    for (int i = 0; i < 5; i++)
        json_object_object_add(a, columns[1 + i], json_object_new_string(c[i]));
    json_object_object_get_ex(before, "logo_path", &logo);
    json_object_object_add(a, "logo_path", json_object_get(logo));
    return a;
}

int
ec_tenant_brand_set(struct ec_db *db, long long tenant_id, const char *slug,
                    const char *name, const struct ec_tenant_palette *pal,
                    const struct ec_audit_actor *who, int *changed,
                    struct ec_tenant_refusal *why)
{
    struct json_object *before = NULL, *after = NULL;
    char c[5][8];
    int rc;

    *changed = 0;
    if (ec_tenant_name_check(name, why) < 0 ||
        ec_tenant_palette_check(pal, why) < 0)
        return EC_ERR_INVALID_FIELD;
    canonical(pal->primary, c[0]);
    canonical(pal->on_primary, c[1]);
    canonical(pal->background, c[2]);
    canonical(pal->text, c[3]);
    canonical(pal->accent, c[4]);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = read_locked(db, tenant_id, &before)) < 0)
        goto out;
    after = after_of(before, name, c);
    if (json_object_equal(before, after))
        goto out; /* nothing to write or record */
    if ((rc = write_brand(db, tenant_id, name, c)) < 0 ||
        (rc = ec_audit_record(db, tenant_id, who, "branding", slug, "update",
                              before, after)) < 0)
        goto out;
    if ((rc = ec_db_commit(db)) == 0)
        *changed = 1;
out:
    if (rc < 0 || !*changed)
        ec_db_rollback(db);
    json_object_put(before);
    json_object_put(after);
    return rc;
}

int
ec_tenant_brand_logo(struct ec_db *db, const char *upload_dir,
                     long long tenant_id, const char *slug,
                     const unsigned char *data, size_t len,
                     const struct ec_audit_actor *who,
                     char path[EC_TENANT_LOGO_PATH_MAX], const char **why)
{
    struct json_object *before = NULL, *after = NULL;
    int rc;

    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = read_locked(db, tenant_id, &before)) < 0)
        goto out;
    /* its UPDATE of logo_path joins this transaction */
    if ((rc = ec_tenant_logo_store(db, upload_dir, slug, data, len, path,
                                   why)) < 0)
        goto out;
    json_object_deep_copy(before, &after, NULL);
    json_object_object_add(after, "logo_path", json_object_new_string(path));
    if ((rc = ec_audit_record(db, tenant_id, who, "branding", slug, "logo",
                              before, after)) < 0)
        goto out;
    rc = ec_db_commit(db);
out:
    if (rc < 0)
        ec_db_rollback(db);
    json_object_put(before);
    json_object_put(after);
    return rc;
}
