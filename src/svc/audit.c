#include "svc/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"
#include "store/db.h"

const char *const ec_audit_actor_kinds[] = {"staff", "api_key", "cli", NULL};

const struct ec_audit_actor ec_audit_cli = {EC_AUDIT_CLI, 0, "ecomctl"};

/* NULL for a missing object, else its JSON text (owned by o). */
static struct ec_db_param
json_param(struct json_object *o)
{
    const char *s;

    if (!o)
        return (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    return EC_DB_S(s);
}

static int
too_long(const char *s, size_t max)
{
    return !s || !*s || strlen(s) > max;
}

int
ec_audit_record(struct ec_db *db, long long tenant_id,
                const struct ec_audit_actor *who, const char *object_type,
                const char *object_id, const char *action,
                struct json_object *before, struct json_object *after)
{
    struct ec_db_param p[10];

    if ((unsigned)who->kind >= EC_AUDIT__NKINDS ||
        too_long(who->label, EC_AUDIT_LABEL_MAX) ||
        too_long(object_type, EC_AUDIT_TYPE_MAX) ||
        too_long(object_id, EC_AUDIT_ID_MAX) ||
        too_long(action, EC_AUDIT_ACTION_MAX))
        return EC_ERR_INTERNAL;
    p[0] = EC_DB_I(tenant_id);
    p[1] = EC_DB_S(ec_audit_actor_kinds[who->kind]);
    p[2] = who->id > 0 ? EC_DB_I(who->id)
                       : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    p[3] = EC_DB_S(who->label);
    p[4] = EC_DB_S(object_type);
    p[5] = EC_DB_S(object_id);
    p[6] = EC_DB_S(action);
    p[7] = json_param(before);
    p[8] = json_param(after);
    return ec_db_exec(db,
                      "INSERT INTO audit_log (tenant_id, actor_kind, "
                      "actor_id, actor_label, object_type, object_id, "
                      "action, before_json, after_json)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      p, 9, NULL, NULL, NULL);
}

struct each_ctx {
    ec_audit_fn fn;
    void *ctx;
};

static int
each_row(const struct ec_db_row *row, void *ctx)
{
    struct each_ctx *c = ctx;
    struct ec_audit_entry e;

    e.id = strtoll(row->vals[0], NULL, 10);
    e.at = row->vals[1];
    e.actor_kind = row->vals[2];
    e.actor_id = row->vals[3] ? strtoll(row->vals[3], NULL, 10) : 0;
    e.actor_label = row->vals[4];
    e.object_type = row->vals[5];
    e.object_id = row->vals[6];
    e.action = row->vals[7];
    e.before = row->vals[8];
    e.after = row->vals[9];
    return c->fn(&e, c->ctx);
}

/* A filter's string, or SQL NULL: "? IS NULL OR column = ?" then passes. */
static struct ec_db_param
opt_str(const char *s)
{
    if (!s || !*s)
        return (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    return EC_DB_S(s);
}

static struct ec_db_param
opt_int(long long n)
{
    if (n <= 0)
        return (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    return EC_DB_I(n);
}

int
ec_audit_each(struct ec_db *db, long long tenant_id,
              const struct ec_audit_filter *f, ec_audit_fn fn, void *ctx)
{
    struct each_ctx c = {fn, ctx};
    struct ec_db_param p[16];
    unsigned limit = f->limit ? f->limit : EC_AUDIT_LIMIT_DEFAULT;
    const char *kind = NULL;

    if (limit > EC_AUDIT_LIMIT_MAX)
        return EC_ERR_INVALID_FIELD;
    if (f->actor_kind >= 0 && f->actor_kind < EC_AUDIT__NKINDS)
        kind = ec_audit_actor_kinds[f->actor_kind];
    p[0] = EC_DB_I(tenant_id);
    p[1] = p[2] = opt_str(f->object_type);
    p[3] = p[4] = opt_str(f->object_id);
    p[5] = p[6] = opt_str(kind);
    p[7] = p[8] = opt_str(f->actor_label);
    p[9] = p[10] = opt_int(f->from);
    p[11] = p[12] = opt_int(f->to);
    p[13] = p[14] = opt_int(f->before_id);
    p[15] = EC_DB_I(limit);
    /* one statement for every filter: an absent one is NULL and passes */
    return ec_db_exec(
        db,
        "SELECT id, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%fZ'), actor_kind,"
        " actor_id, actor_label, object_type, object_id, action,"
        " before_json, after_json FROM audit_log"
        " WHERE tenant_id = ?"
        " AND (? IS NULL OR object_type = ?)"
        " AND (? IS NULL OR object_id = ?)"
        " AND (? IS NULL OR actor_kind = ?)"
        " AND (? IS NULL OR actor_label = ?)"
        " AND (? IS NULL OR at >= FROM_UNIXTIME(?))"
        " AND (? IS NULL OR at < FROM_UNIXTIME(?))"
        " AND (? IS NULL OR id < ?)"
        " ORDER BY id DESC LIMIT ?",
        p, 16, each_row, &c, NULL);
}

/* A stored JSON text as a value (it was valid when written). */
static struct json_object *
parsed(const char *s)
{
    return s ? json_tokener_parse(s) : NULL;
}

struct json_object *
ec_audit_entry_json(const struct ec_audit_entry *e)
{
    struct json_object *o = json_object_new_object();
    struct json_object *actor = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(e->id));
    json_object_object_add(o, "at", json_object_new_string(e->at));
    json_object_object_add(actor, "kind",
                           json_object_new_string(e->actor_kind));
    json_object_object_add(
        actor, "id", e->actor_id ? json_object_new_int64(e->actor_id) : NULL);
    json_object_object_add(actor, "label",
                           json_object_new_string(e->actor_label));
    json_object_object_add(o, "actor", actor);
    json_object_object_add(o, "object_type",
                           json_object_new_string(e->object_type));
    json_object_object_add(o, "object_id",
                           json_object_new_string(e->object_id));
    json_object_object_add(o, "action", json_object_new_string(e->action));
    json_object_object_add(o, "before", parsed(e->before));
    json_object_object_add(o, "after", parsed(e->after));
    return o;
}

static const char *const csv_header[] = {
    "id",          "at",        "actor_kind", "actor_id", "actor_label",
    "object_type", "object_id", "action",     "before",   "after",
};

void
ec_audit_csv_header(struct ec_buf *b)
{
    ec_csv_row(b, csv_header, sizeof(csv_header) / sizeof(csv_header[0]));
}

void
ec_audit_csv_row(struct ec_buf *b, const struct ec_audit_entry *e)
{
    char id[24], actor[24];
    const char *cells[10];

    snprintf(id, sizeof(id), "%lld", e->id);
    snprintf(actor, sizeof(actor), "%lld", e->actor_id);
    cells[0] = id;
    cells[1] = e->at;
    cells[2] = e->actor_kind;
    cells[3] = e->actor_id ? actor : NULL;
    cells[4] = e->actor_label;
    cells[5] = e->object_type;
    cells[6] = e->object_id;
    cells[7] = e->action;
    cells[8] = e->before;
    cells[9] = e->after;
    ec_csv_row(b, cells, 10);
}
