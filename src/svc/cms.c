#include "svc/cms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/seal.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "svc/audit.h"

/* ---- settings ---- */

static const char *const settings_sql =
    "SELECT space_id, environment, locales, token_sealed, secret_sealed,"
    " sync_token FROM cms_settings WHERE tenant_id = ?";

static void
copy_col(char *out, size_t size, const struct ec_db_row *row, unsigned i)
{
    snprintf(out, size, "%s", row->vals[i] ? row->vals[i] : "");
}

static int
settings_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_cms_settings *s = ctx;

    copy_col(s->space_id, sizeof(s->space_id), row, 0);
    copy_col(s->environment, sizeof(s->environment), row, 1);
    copy_col(s->locales, sizeof(s->locales), row, 2);
    copy_col(s->token_sealed, sizeof(s->token_sealed), row, 3);
    copy_col(s->secret_sealed, sizeof(s->secret_sealed), row, 4);
    copy_col(s->sync_token, sizeof(s->sync_token), row, 5);
    return 1;
}

int
ec_cms_settings_load(struct ec_db *db, long long tenant_id,
                     struct ec_cms_settings *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ec_db_exec(db, settings_sql, p, 1, settings_row, out, NULL);
    if (rc < 0)
        return rc;
    return out->space_id[0] ? 0 : EC_ERR_NOT_FOUND;
}

/* 1 if s is 1 to max characters of [A-Za-z0-9._-]: Contentful's ids. */
static int
valid_id(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* 1 if s is "" or "shop=space" pairs of locale tags joined by ','. */
static int
valid_locales(const char *s)
{
    const char *p = s;

    if (!*s)
        return 1;
    for (;;) {
        size_t pair = strcspn(p, ","), eq = strcspn(p, "=");
        char a[33], b[33];

        if (eq >= pair || eq == 0 || eq > 32 || pair - eq - 1 == 0 ||
            pair - eq - 1 > 32)
            return 0;
        memcpy(a, p, eq);
        a[eq] = '\0';
        memcpy(b, p + eq + 1, pair - eq - 1);
        b[pair - eq - 1] = '\0';
        if (!valid_id(a, 32) || !valid_id(b, 32) || strchr(a, '.') ||
            strchr(b, '.'))
            return 0;
        if (!p[pair])
            return 1;
        p += pair + 1;
    }
}

/* 1 if s is printable ASCII without blanks: tokens and secrets. */
static int
printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

static char *
context_of(const char *slug, const char *what)
{
    char *c = ec_xmalloc(strlen(slug) + strlen(what) + 2);

    sprintf(c, "%s:%s", slug, what);
    return c;
}

/* Seal value for slug's what into out (size bytes): 0 or -1. */
static int
seal_into(const struct ec_seal *seal, const char *slug, const char *what,
          const char *value, char *out, size_t size)
{
    struct ec_buf sealed = EC_BUF_INIT;
    char *context = context_of(slug, what);
    int rc = ec_seal_encrypt(seal, context, value, strlen(value), &sealed);

    free(context);
    if (rc == 0 && sealed.len < size)
        memcpy(out, sealed.data, sealed.len + 1);
    else
        rc = -1;
    ec_buf_release(&sealed);
    return rc;
}

static const char *const save_sql =
    "INSERT INTO cms_settings (tenant_id, space_id, environment, locales,"
    " token_sealed, secret_sealed) VALUES (?, ?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE space_id = VALUES(space_id),"
    " environment = VALUES(environment), locales = VALUES(locales),"
    " token_sealed = VALUES(token_sealed),"
    " secret_sealed = VALUES(secret_sealed),"
    /* another space's sync token means nothing in this one */
    " sync_token = IF(space_id = VALUES(space_id) AND"
    " environment = VALUES(environment), sync_token, NULL)";

static const char *
check_settings(const struct ec_cms_settings *s, const char *token,
               const char *secret)
{
    if (!valid_id(s->space_id, EC_CMS_ID_MAX))
        return "the space id must be 1 to 64 letters, digits, '-', '_' or '.'";
    if (!valid_id(s->environment, EC_CMS_ID_MAX))
        return "the environment must be 1 to 64 letters, digits, '-', '_' "
               "or '.'";
    if (!valid_locales(s->locales))
        return "locales must be SHOP=SPACE pairs of locale tags joined by ','";
    if (token &&
        (!*token || strlen(token) > EC_CMS_TOKEN_MAX || !printable(token)))
        return "the delivery token must be 1 to 512 printable characters";
    if (secret && (strlen(secret) < 16 || strlen(secret) > EC_CMS_SECRET_MAX ||
                   !printable(secret)))
        return "the webhook secret must be 16 to 64 printable characters";
    if ((!token && !s->token_sealed[0]) || (!secret && !s->secret_sealed[0]))
        return "a first configuration needs both the delivery token and the "
               "webhook secret";
    return NULL;
}

int
ec_cms_settings_save(struct ec_db *db, const struct ec_seal *seal,
                     long long tenant_id, const char *slug,
                     const struct ec_cms_settings *s, const char *token,
                     const char *secret, const char **why)
{
    struct ec_cms_settings c = *s;

    if ((*why = check_settings(s, token, secret)))
        return EC_ERR_INVALID_FIELD;
    if ((token && seal_into(seal, slug, EC_CMS_TOKEN_CONTEXT, token,
                            c.token_sealed, sizeof(c.token_sealed)) < 0) ||
        (secret && seal_into(seal, slug, EC_CMS_SECRET_CONTEXT, secret,
                             c.secret_sealed, sizeof(c.secret_sealed)) < 0)) {
        *why = "no seal key (seal_keys_file)";
        return EC_ERR_INTERNAL;
    }
    {
        struct ec_db_param p[] = {
            EC_DB_I(tenant_id),      EC_DB_S(c.space_id),
            EC_DB_S(c.environment),  EC_DB_S(c.locales),
            EC_DB_S(c.token_sealed), EC_DB_S(c.secret_sealed),
        };
        return ec_db_exec(db, save_sql, p, 6, NULL, NULL, NULL);
    }
}

/* What the audit log keeps of settings: never a secret, only whether
   one is stored and whether this change replaced it. */
static struct json_object *
settings_json(const struct ec_cms_settings *s, int token_set, int secret_set)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "space_id", json_object_new_string(s->space_id));
    json_object_object_add(o, "environment",
                           json_object_new_string(s->environment));
    json_object_object_add(o, "locales", json_object_new_string(s->locales));
    json_object_object_add(o, "delivery_token",
                           json_object_new_string(token_set ? "replaced"
                                                  : s->token_sealed[0]
                                                      ? "kept"
                                                      : "none"));
    json_object_object_add(o, "webhook_secret",
                           json_object_new_string(secret_set ? "replaced"
                                                  : s->secret_sealed[0]
                                                      ? "kept"
                                                      : "none"));
    return o;
}

int
ec_cms_settings_change(struct ec_db *db, const struct ec_seal *seal,
                       long long tenant_id, const char *slug,
                       const struct ec_cms_settings *s, const char *token,
                       const char *secret, const struct ec_audit_actor *who,
                       const char **why)
{
    struct ec_cms_settings old;
    struct json_object *before = NULL, *after;
    int rc;

    *why = NULL;
    rc = ec_cms_settings_load(db, tenant_id, &old);
    if (rc < 0 && rc != EC_ERR_NOT_FOUND)
        return rc;
    if (rc == 0)
        before = settings_json(&old, 0, 0);
    if ((rc = ec_db_begin(db)) < 0) {
        json_object_put(before);
        return rc;
    }
    rc = ec_cms_settings_save(db, seal, tenant_id, slug, s, token, secret, why);
    after = settings_json(s, token != NULL, secret != NULL);
    if (rc == 0)
        rc = ec_audit_record(db, tenant_id, who, "cms_settings", slug,
                             before ? "update" : "create", before, after);
    json_object_put(before);
    json_object_put(after);
    if (rc < 0) {
        ec_db_rollback(db);
        return rc;
    }
    return ec_db_commit(db);
}

int
ec_cms_delivery_token(const struct ec_seal *seal, const char *slug,
                      const struct ec_cms_settings *s, unsigned char *out,
                      size_t cap, size_t *len)
{
    char *context = context_of(slug, EC_CMS_TOKEN_CONTEXT);
    int rc = ec_seal_decrypt(seal, context, s->token_sealed, out, cap, len);

    free(context);
    return rc;
}

int
ec_cms_webhook_secret(const struct ec_seal *seal, const char *slug,
                      const struct ec_cms_settings *s, unsigned char *out,
                      size_t cap, size_t *len)
{
    char *context = context_of(slug, EC_CMS_SECRET_CONTEXT);
    int rc = ec_seal_decrypt(seal, context, s->secret_sealed, out, cap, len);

    free(context);
    return rc;
}

/* ---- items ---- */

static const char *
str_of(struct json_object *o, const char *key)
{
    struct json_object *v;

    if (!o || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The first string of a localized field ({"en-US": "X", ...}), or NULL. */
static const char *
first_value(struct json_object *fields, const char *name)
{
    struct json_object *f;

    if (!fields || !json_object_object_get_ex(fields, name, &f) ||
        !json_object_is_type(f, json_type_object))
        return NULL;
    json_object_object_foreach(f, locale, v)
    {
        (void)locale;
        if (json_object_is_type(v, json_type_string))
            return json_object_get_string(v);
    }
    return NULL;
}

/* The field a storefront looks an entry of content type ct up by. */
static const char *
handle_of(const char *ct, struct json_object *fields)
{
    const char *h = NULL;

    if (!ct)
        return NULL;
    if (strcmp(ct, "productContent") == 0)
        h = first_value(fields, "sku");
    else if (strcmp(ct, "page") == 0)
        h = first_value(fields, "slug");
    else if (strcmp(ct, "banner") == 0)
        h = first_value(fields, "channel");
    return h && *h && strlen(h) <= 128 ? h : NULL;
}

static long long
version_of(struct json_object *sys)
{
    struct json_object *v;

    if ((json_object_object_get_ex(sys, "version", &v) ||
         json_object_object_get_ex(sys, "revision", &v)) &&
        json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    return -1;
}

int
ec_cms_item_read(struct json_object *o, enum ec_cms_kind kind, int deleted,
                 struct ec_cms_item *out, const char **why)
{
    struct json_object *sys, *fields = NULL, *ct, *ct_sys;

    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->deleted = deleted;
    if (!json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "sys", &sys) ||
        !json_object_is_type(sys, json_type_object)) {
        *why = "an item has no sys";
        return EC_ERR_INVALID_FIELD;
    }
    out->id = str_of(sys, "id");
    if (!out->id || !valid_id(out->id, EC_CMS_ID_MAX)) {
        *why = "an item's sys.id is missing or malformed";
        return EC_ERR_INVALID_FIELD;
    }
    /* a deletion without a version can only make a tombstone that any
       stored version outranks */
    if ((out->version = version_of(sys)) < 0 && deleted)
        out->version = 0;
    if (out->version < 0) {
        *why = "an item has no sys.version or sys.revision";
        return EC_ERR_INVALID_FIELD;
    }
    if (kind == EC_CMS_ENTRY &&
        json_object_object_get_ex(sys, "contentType", &ct) &&
        json_object_object_get_ex(ct, "sys", &ct_sys)) {
        out->content_type = str_of(ct_sys, "id");
        if (out->content_type && !valid_id(out->content_type, EC_CMS_ID_MAX))
            out->content_type = NULL;
    }
    if (deleted)
        return 0;
    if (!json_object_object_get_ex(o, "fields", &fields) ||
        !json_object_is_type(fields, json_type_object)) {
        *why = "a published item has no fields";
        return EC_ERR_INVALID_FIELD;
    }
    out->handle = handle_of(out->content_type, fields);
    out->fields = json_object_to_json_string_ext(
        fields, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (strlen(out->fields) > EC_CMS_FIELDS_MAX) {
        *why = "an item's fields are larger than 1 MiB";
        return EC_ERR_INVALID_FIELD;
    }
    return 0;
}

/*
 * Two statements, each deciding by itself, so two writers of one item
 * need no transaction: the insert makes a first version (1 row when it
 * did), the update replaces only an older one (1 row when it did; the
 * connection counts matched rows, and its WHERE matches only those it
 * changes).
 */
static const char *const insert_sql =
    "INSERT IGNORE INTO cms_items (tenant_id, kind, item_id, version,"
    " content_type, handle, deleted, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char *const update_sql =
    "UPDATE cms_items SET version = ?, content_type = ?, handle = ?,"
    " deleted = ?, fields = ?, updated_at = CURRENT_TIMESTAMP(6)"
    " WHERE tenant_id = ? AND kind = ? AND item_id = ? AND version < ?";

static struct ec_db_param
str_or_null(const char *s)
{
    return s ? EC_DB_S(s) : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
}

int
ec_cms_store(struct ec_db *db, long long tenant_id,
             const struct ec_cms_item *it, int *changed)
{
    const char *kind = it->kind == EC_CMS_ASSET ? "asset" : "entry";
    const char *fields = it->deleted ? NULL : it->fields;
    unsigned long long n = 0;
    int rc;

    if (changed)
        *changed = 0;
    if (!it->deleted && !it->fields)
        return EC_ERR_INTERNAL; /* ec_cms_item_read() would not make it */
    {
        struct ec_db_param p[] = {
            EC_DB_I(tenant_id),
            EC_DB_S(kind),
            EC_DB_S(it->id),
            EC_DB_I(it->version),
            str_or_null(it->content_type),
            str_or_null(it->handle),
            EC_DB_I(it->deleted ? 1 : 0),
            str_or_null(fields),
        };
        if ((rc = ec_db_exec(db, insert_sql, p, 8, NULL, NULL, &n)) < 0)
            return rc;
    }
    if (n == 0) {
        struct ec_db_param p[] = {
            EC_DB_I(it->version),    str_or_null(it->content_type),
            str_or_null(it->handle), EC_DB_I(it->deleted ? 1 : 0),
            str_or_null(fields),     EC_DB_I(tenant_id),
            EC_DB_S(kind),           EC_DB_S(it->id),
            EC_DB_I(it->version),
        };
        if ((rc = ec_db_exec(db, update_sql, p, 9, NULL, NULL, &n)) < 0)
            return rc;
    }
    if (changed)
        *changed = n > 0;
    return 0;
}

static const char *const synced_sql =
    "INSERT INTO cms_items (tenant_id, kind, item_id, version, content_type,"
    " handle, deleted, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE version = VALUES(version),"
    " content_type = VALUES(content_type), handle = VALUES(handle),"
    " deleted = VALUES(deleted), fields = VALUES(fields),"
    " updated_at = CURRENT_TIMESTAMP(6)";

int
ec_cms_store_synced(struct ec_db *db, long long tenant_id,
                    const struct ec_cms_item *it)
{
    const char *fields = it->deleted ? NULL : it->fields;
    struct ec_db_param p[] = {
        EC_DB_I(tenant_id),
        EC_DB_S(it->kind == EC_CMS_ASSET ? "asset" : "entry"),
        EC_DB_S(it->id),
        EC_DB_I(it->version),
        str_or_null(it->content_type),
        str_or_null(it->deleted ? NULL : it->handle),
        EC_DB_I(it->deleted ? 1 : 0),
        str_or_null(fields),
    };

    if (!it->deleted && !it->fields)
        return EC_ERR_INTERNAL;
    return ec_db_exec(db, synced_sql, p, 8, NULL, NULL, NULL);
}

static const char *const tombstone_all_sql =
    "UPDATE cms_items SET deleted = 1, fields = NULL, handle = NULL,"
    " updated_at = CURRENT_TIMESTAMP(6) WHERE tenant_id = ? AND deleted = 0";

int
ec_cms_tombstone_all(struct ec_db *db, long long tenant_id)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};

    return ec_db_exec(db, tombstone_all_sql, p, 1, NULL, NULL, NULL);
}

static const char *const sync_token_sql =
    "UPDATE cms_settings SET sync_token = ? WHERE tenant_id = ?";

int
ec_cms_sync_token_save(struct ec_db *db, long long tenant_id, const char *token)
{
    struct ec_db_param p[] = {EC_DB_S(token), EC_DB_I(tenant_id)};

    return ec_db_exec(db, sync_token_sql, p, 2, NULL, NULL, NULL);
}

/* ---- import of a space export ---- */

static int
published(struct json_object *item)
{
    struct json_object *sys, *v;

    if (!json_object_object_get_ex(item, "sys", &sys))
        return 0;
    return json_object_object_get_ex(sys, "publishedVersion", &v) &&
           !json_object_is_type(v, json_type_null) &&
           !(json_object_object_get_ex(sys, "archivedVersion", &v) &&
             !json_object_is_type(v, json_type_null));
}

static int
import_list(struct ec_db *db, long long tenant_id, struct json_object *doc,
            const char *key, enum ec_cms_kind kind,
            struct ec_cms_import_stats *st, const char **why)
{
    struct json_object *list;
    struct ec_cms_item it;
    int rc, changed;

    if (!json_object_object_get_ex(doc, key, &list))
        return 0;
    if (!json_object_is_type(list, json_type_array)) {
        *why = kind == EC_CMS_ASSET ? "assets is not a list"
                                    : "entries is not a list";
        return EC_ERR_INVALID_FIELD;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i);

        if (!published(o)) {
            st->skipped++;
            continue;
        }
        if ((rc = ec_cms_item_read(o, kind, 0, &it, why)) < 0 ||
            (rc = ec_cms_store(db, tenant_id, &it, &changed)) < 0)
            return rc;
        if (changed)
            st->stored++;
        else
            st->unchanged++;
    }
    return 0;
}

int
ec_cms_import(struct ec_db *db, long long tenant_id, struct json_object *doc,
              struct ec_cms_import_stats *st, const char **why)
{
    int rc;

    memset(st, 0, sizeof(*st));
    *why = NULL;
    if (!json_object_is_type(doc, json_type_object)) {
        *why = "the export is not a JSON object";
        return EC_ERR_INVALID_FIELD;
    }
    /* assets first: an entry that names one finds it stored */
    if ((rc = import_list(db, tenant_id, doc, "assets", EC_CMS_ASSET, st,
                          why)) < 0)
        return rc;
    return import_list(db, tenant_id, doc, "entries", EC_CMS_ENTRY, st, why);
}

static const char *const count_sql =
    "SELECT SUM(kind = 'entry'), SUM(kind = 'asset') FROM cms_items"
    " WHERE tenant_id = ? AND deleted = 0";

static int
count_row(const struct ec_db_row *row, void *ctx)
{
    long long *n = ctx;

    n[0] = row->vals[0] ? strtoll(row->vals[0], NULL, 10) : 0;
    n[1] = row->vals[1] ? strtoll(row->vals[1], NULL, 10) : 0;
    return 0;
}

int
ec_cms_count(struct ec_db *db, long long tenant_id, long long *entries,
             long long *assets)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    long long n[2] = {0, 0};
    int rc = ec_db_exec(db, count_sql, p, 1, count_row, n, NULL);

    *entries = n[0];
    *assets = n[1];
    return rc;
}
