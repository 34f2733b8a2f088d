#include "svc/tenant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tztime.h"
#include "core/xalloc.h"
#include "store/db.h"

#define EC_TENANT_BUCKETS 256
#define EC_TENANT_MAX_HOSTS 4096

struct host_entry {
    struct host_entry *next;
    char *host;
    struct ec_tenant *tenant; /* NULL: no tenant serves this host */
};

struct ec_tenant_cache {
    struct host_entry *buckets[EC_TENANT_BUCKETS];
    size_t nhosts;
};

struct ec_tenant_cache *
ec_tenant_cache_new(void)
{
    return ec_xcalloc(1, sizeof(struct ec_tenant_cache));
}

void
ec_tenant_free(struct ec_tenant *t)
{
    if (!t)
        return;
    free(t->slug);
    free(t->name);
    free(t->status);
    free(t->currency);
    free(t->locale);
    free(t->time_zone);
    free(t->color_primary);
    free(t->color_on_primary);
    free(t->color_background);
    free(t->color_text);
    free(t->color_accent);
    free(t->logo_path);
    ec_tztime_zone_free(t->zone);
    free(t);
}

void
ec_tenant_cache_flush(struct ec_tenant_cache *c)
{
    struct host_entry *e, *next;

    for (size_t i = 0; i < EC_TENANT_BUCKETS; i++) {
        for (e = c->buckets[i]; e; e = next) {
            next = e->next;
            free(e->host);
            ec_tenant_free(e->tenant);
            free(e);
        }
        c->buckets[i] = NULL;
    }
    c->nhosts = 0;
}

void
ec_tenant_cache_free(struct ec_tenant_cache *c)
{
    if (!c)
        return;
    ec_tenant_cache_flush(c);
    free(c);
}

static unsigned
hash(const char *s)
{
    unsigned h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % EC_TENANT_BUCKETS;
}

static struct host_entry *
lookup(struct ec_tenant_cache *c, const char *host)
{
    for (struct host_entry *e = c->buckets[hash(host)]; e; e = e->next)
        if (strcmp(e->host, host) == 0)
            return e;
    return NULL;
}

static void
insert(struct ec_tenant_cache *c, const char *host, struct ec_tenant *t)
{
    struct host_entry *e;
    unsigned h = hash(host);

    /* bounded: a flood of made-up hosts must not grow a worker forever */
    if (c->nhosts >= EC_TENANT_MAX_HOSTS)
        ec_tenant_cache_flush(c);
    e = ec_xmalloc(sizeof(*e));
    e->host = ec_xstrdup(host);
    e->tenant = t;
    e->next = c->buckets[h];
    c->buckets[h] = e;
    c->nhosts++;
}

static const char *const tenant_by_slug_sql =
    "SELECT t.id, t.slug, t.name, t.status, t.currency, t.locale,"
    " t.time_zone, t.vat_rate_bp, t.color_primary, t.color_on_primary,"
    " t.color_background, t.color_text, t.color_accent, t.logo_path,"
    " COALESCE(m.required, 0), m.tenant_id IS NOT NULL"
    " FROM tenants t LEFT JOIN tenant_mitid m ON m.tenant_id = t.id"
    " WHERE t.slug = ?";

static const char *const tenant_by_host_sql =
    "SELECT t.id, t.slug, t.name, t.status, t.currency, t.locale,"
    " t.time_zone, t.vat_rate_bp, t.color_primary, t.color_on_primary,"
    " t.color_background, t.color_text, t.color_accent, t.logo_path,"
    " COALESCE(m.required, 0), m.tenant_id IS NOT NULL"
    " FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id"
    " LEFT JOIN tenant_mitid m ON m.tenant_id = t.id"
    " WHERE d.host = ?";

static char *
dup_col(const struct ec_db_row *row, unsigned i)
{
    return row->vals[i] ? ec_xstrdup(row->vals[i]) : NULL;
}

static int
tenant_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_tenant **out = ctx, *t = ec_xcalloc(1, sizeof(*t));

    t->id = strtoll(row->vals[0], NULL, 10);
    t->slug = dup_col(row, 1);
    t->name = dup_col(row, 2);
    t->status = dup_col(row, 3);
    t->currency = dup_col(row, 4);
    t->locale = dup_col(row, 5);
    t->time_zone = dup_col(row, 6);
    t->vat_rate_bp = atoi(row->vals[7]);
    t->color_primary = dup_col(row, 8);
    t->color_on_primary = dup_col(row, 9);
    t->color_background = dup_col(row, 10);
    t->color_text = dup_col(row, 11);
    t->color_accent = dup_col(row, 12);
    t->logo_path = dup_col(row, 13);
    t->mitid_required =
        row->ncols > 14 && row->vals[14] && atoi(row->vals[14]) != 0;
    t->mitid = row->ncols > 15 && row->vals[15] && atoi(row->vals[15]) != 0;
    if (ec_tztime_load(t->time_zone, &t->zone) < 0) {
        ec_log_error("tenant %s: unknown time zone %s; using UTC", t->slug,
                     t->time_zone);
        if (ec_tztime_load("UTC", &t->zone) < 0)
            t->zone = NULL;
    }
    *out = t;
    return 1; /* host is the primary key: one row at most */
}

int
ec_tenant_load(struct ec_db *db, const char *slug, struct ec_tenant **out)
{
    struct ec_db_param p[] = {EC_DB_S(slug)};
    struct ec_tenant *t = NULL;
    int rc = ec_db_exec(db, tenant_by_slug_sql, p, 1, tenant_row, &t, NULL);

    if (rc < 0) {
        ec_tenant_free(t);
        return rc;
    }
    if (!t)
        return EC_ERR_NOT_FOUND;
    *out = t;
    return 0;
}

static int
answer(const struct ec_tenant *t, const struct ec_tenant **out)
{
    if (!t)
        return EC_ERR_UNKNOWN_HOST;
    *out = t;
    return strcmp(t->status, "active") == 0 ? 0 : EC_ERR_SUSPENDED;
}

/* Look host up in MySQL and cache the answer (a miss too). */
static int
load(struct ec_tenant_cache *c, struct ec_db *db, const char *host,
     struct host_entry **out)
{
    struct ec_db_param p[] = {EC_DB_S(host)};
    struct ec_tenant *t = NULL;
    int rc = ec_db_exec(db, tenant_by_host_sql, p, 1, tenant_row, &t, NULL);

    if (rc < 0) {
        ec_tenant_free(t);
        return rc;
    }
    insert(c, host, t);
    *out = lookup(c, host);
    return 0;
}

int
ec_tenant_resolve(struct ec_tenant_cache *c, struct ec_db *db, const char *host,
                  const struct ec_tenant **out)
{
    struct host_entry *e = lookup(c, host);
    int rc;

    if (!e && (rc = load(c, db, host, &e)) < 0)
        return rc;
    return answer(e->tenant, out);
}

static void
add_str(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(
        o, key, value ? json_object_new_string(value) : json_object_new_null());
}

struct json_object *
ec_tenant_to_json(const struct ec_tenant *t, const char *static_url)
{
    struct json_object *o = json_object_new_object();
    struct json_object *b = json_object_new_object();
    char *logo = NULL;

    add_str(o, "slug", t->slug);
    add_str(o, "name", t->name);
    add_str(o, "currency", t->currency);
    add_str(o, "locale", t->locale);
    add_str(o, "time_zone", t->time_zone);
    json_object_object_add(o, "vat_rate_bp",
                           json_object_new_int(t->vat_rate_bp));
    add_str(b, "primary", t->color_primary);
    add_str(b, "on_primary", t->color_on_primary);
    add_str(b, "background", t->color_background);
    add_str(b, "text", t->color_text);
    add_str(b, "accent", t->color_accent);
    if (t->logo_path) {
        struct ec_buf url = EC_BUF_INIT;
        ec_buf_addf(&url, "%s/%s", static_url, t->logo_path);
        logo = ec_buf_detach(&url, NULL);
    }
    add_str(b, "logo_url", logo);
    free(logo);
    json_object_object_add(o, "branding", b);
    return o;
}

int
ec_tenant_set_status(struct ec_db *db, const char *slug, const char *status)
{
    struct ec_db_param p[] = {EC_DB_S(status), EC_DB_S(slug)};
    unsigned long long n = 0;
    int rc;

    if (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0)
        return EC_ERR_INVALID_FIELD;
    rc = ec_db_exec(db, "UPDATE tenants SET status = ? WHERE slug = ?", p, 2,
                    NULL, NULL, &n);
    if (rc < 0)
        return rc;
    return n ? 0 : EC_ERR_NOT_FOUND;
}

struct list_ctx {
    void (*emit)(const char *line, void *ctx);
    void *ctx;
};

static int
list_row(const struct ec_db_row *row, void *ctx)
{
    struct list_ctx *l = ctx;
    struct ec_buf b = EC_BUF_INIT;

    ec_buf_addf(&b, "%s\t%s\t%s\t%s", row->vals[0], row->vals[1], row->vals[2],
                row->vals[3] ? row->vals[3] : "");
    l->emit(b.data, l->ctx);
    ec_buf_release(&b);
    return 0;
}

int
ec_tenant_list(struct ec_db *db, void (*emit)(const char *line, void *ctx),
               void *ctx)
{
    struct list_ctx l = {emit, ctx};

    return ec_db_exec(db,
                      "SELECT t.slug, t.status, t.name,"
                      " GROUP_CONCAT(d.host ORDER BY d.host SEPARATOR ',')"
                      " FROM tenants t LEFT JOIN tenant_domains d"
                      " ON d.tenant_id = t.id"
                      " GROUP BY t.id ORDER BY t.slug",
                      NULL, 0, list_row, &l, NULL);
}

struct each_ctx {
    ec_tenant_row_fn fn;
    void *ctx;
};

static int
each_row(const struct ec_db_row *row, void *ctx)
{
    struct each_ctx *e = ctx;
    struct ec_tenant_row t = {row->vals[0], row->vals[1], row->vals[2],
                              row->vals[3], row->vals[4] ? row->vals[4] : ""};

    return e->fn(&t, e->ctx);
}

int
ec_tenant_each(struct ec_db *db, ec_tenant_row_fn fn, void *ctx)
{
    struct each_ctx e = {fn, ctx};

    return ec_db_exec(db,
                      "SELECT t.slug, t.name, t.status, t.locale,"
                      " GROUP_CONCAT(d.host ORDER BY d.is_primary DESC,"
                      " d.host SEPARATOR ',')"
                      " FROM tenants t LEFT JOIN tenant_domains d"
                      " ON d.tenant_id = t.id"
                      " GROUP BY t.id ORDER BY t.slug",
                      NULL, 0, each_row, &e, NULL);
}
