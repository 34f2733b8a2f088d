#include "svc/catalog_draft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "svc/catalog.h"
#include "svc/catalog_draft_int.h"
#include "svc/catalog_import.h"
#include "svc/catalog_export.h"
#include "svc/catalog_read.h"
#include "svc/catalog_write.h"
#include "svc/cms_content.h"
#include "svc/invalidate.h"

/* The most objects one draft holds: a whole catalog is a few hundred. */
#define MAX_ROWS 2000

static void
rows_release(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_object_put(r->v[i].body);
        json_object_put(r->v[i].base);
        free(r->v[i].by);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}

/* The kind of a stored type; -1 for the channel rules. */
int
ec_draft_kind(const char *type)
{
    if (strcmp(type, "product") == 0)
        return EC_CATALOG_PRODUCT;
    if (strcmp(type, "campaign") == 0)
        return EC_CATALOG_CAMPAIGN;
    if (strcmp(type, "channel") == 0)
        return EC_CATALOG_CHANNEL;
    return -1;
}

static struct json_object *
parse_json(const char *s)
{
    return s ? json_tokener_parse(s) : NULL;
}

static int
row_cb(const struct ec_db_row *dr, void *ctx)
{
    struct rows *r = ctx;
    struct row *w;

    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct row *v =
            r->n < MAX_ROWS ? realloc(r->v, cap * sizeof(*v)) : NULL;

        if (!v) {
            r->bad = 1;
            return 1;
        }
        r->v = v;
        r->cap = cap;
    }
    w = &r->v[r->n++];
    memset(w, 0, sizeof(*w));
    snprintf(w->type, sizeof(w->type), "%s", dr->vals[0]);
    snprintf(w->key, sizeof(w->key), "%s", dr->vals[1]);
    w->body = parse_json(dr->vals[2]);
    w->base = parse_json(dr->vals[3]);
    w->by = strdup(dr->vals[4] ? dr->vals[4] : "");
    w->at = dr->vals[5] ? atoll(dr->vals[5]) : 0;
    if ((dr->vals[2] && !w->body) || (dr->vals[3] && !w->base))
        r->bad = 1;
    return 0;
}

static int
rows_read(struct ec_db *db, long long tenant_id, struct rows *r)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    int rc;

    memset(r, 0, sizeof(*r));
    rc = ec_db_exec(db,
                    "SELECT object_type, object_key, body, base, updated_by, "
                    "UNIX_TIMESTAMP(updated_at) FROM catalog_drafts "
                    "WHERE tenant_id = ? ORDER BY updated_at, object_type, "
                    "object_key",
                    p, 1, row_cb, r, NULL);
    if (rc == 0 && r->bad) {
        ec_log_error("catalog draft of tenant %lld holds a row that is not "
                     "JSON, or more than %d rows",
                     tenant_id, MAX_ROWS);
        rc = EC_ERR_INTERNAL;
    }
    return rc;
}

/* Put one stored change over the document doc. */
static void
apply(struct json_object *doc, const struct row *w)
{
    int k = ec_draft_kind(w->type), idx;
    struct json_object *arr, *copy = NULL;

    if (k < 0) {
        if (w->body && json_object_deep_copy(w->body, &copy, NULL) == 0)
            json_object_object_add(doc, "channel_rules", copy);
        return;
    }
    arr = ec_catalog_edit_array(doc, (enum ec_catalog_kind)k);
    if (!arr)
        return;
    idx = ec_catalog_edit_find((enum ec_catalog_kind)k, arr, w->key);
    if (!w->body) {
        if (idx >= 0)
            json_object_array_del_idx(arr, (size_t)idx, 1);
        return;
    }
    if (json_object_deep_copy(w->body, &copy, NULL) != 0)
        return;
    if (idx >= 0)
        json_object_array_put_idx(arr, (size_t)idx, copy);
    else
        json_object_array_add(arr, copy);
}

/* A deep copy of the live document with every change put over it. */
struct json_object *
ec_draft_apply(struct json_object *live, const struct rows *r)
{
    struct json_object *doc = NULL;

    if (json_object_deep_copy(live, &doc, NULL) != 0)
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        apply(doc, &r->v[i]);
    return doc;
}

int
ec_draft_read(struct draft *d, struct ec_db *db, const char *slug, int lock)
{
    int rc;

    memset(&d->rows, 0, sizeof(d->rows));
    if ((rc = ec_catalog_edit_doc(db, slug, lock, &d->t, &d->live)) < 0)
        return rc;
    return rows_read(db, d->t.id, &d->rows);
}

void
ec_draft_release(struct draft *d)
{
    json_object_put(d->live);
    rows_release(&d->rows);
    ec_catalog_tenant_release(&d->t);
}

int
ec_catalog_draft_document(struct ec_db *db, const char *slug,
                          struct json_object **out)
{
    struct draft d;
    int rc;

    *out = NULL;
    if ((rc = ec_draft_read(&d, db, slug, 0)) == 0 &&
        !(*out = ec_draft_apply(d.live, &d.rows)))
        rc = EC_ERR_INTERNAL;
    ec_draft_release(&d);
    return rc;
}

int
ec_catalog_draft_list(struct ec_db *db, const char *slug,
                      enum ec_catalog_kind k, struct json_object **out)
{
    struct json_object *doc;
    int rc;

    *out = NULL;
    if ((rc = ec_catalog_draft_document(db, slug, &doc)) < 0)
        return rc;
    *out = json_object_get(ec_catalog_edit_array(doc, k));
    json_object_put(doc);
    return *out ? 0 : EC_ERR_INTERNAL;
}

int
ec_catalog_draft_get(struct ec_db *db, const char *slug, enum ec_catalog_kind k,
                     const char *key, struct json_object **out)
{
    struct json_object *arr;
    int rc;

    *out = NULL;
    if ((rc = ec_catalog_draft_list(db, slug, k, &arr)) < 0)
        return rc;
    rc = ec_catalog_edit_pick(k, arr, key, out);
    json_object_put(arr);
    return rc;
}

/* ---- saving ---- */

/* The document doc checked as an import does, in canonical JSON (*out,
   the caller's). 0 or EC_ERR_INVALID_FIELD with err. */
int
ec_draft_check(struct json_object *doc, const struct ec_catalog_tenant *t,
               struct ec_check_error *err, struct json_object **out)
{
    struct ec_catalog_doc want;
    int rc;

    *out = NULL;
    ec_catalog_doc_init(&want);
    if ((rc = ec_catalog_doc_parse(&want, doc, t->zone, err)) == 0) {
        ec_catalog_doc_sort(&want);
        *out = ec_catalog_doc_to_json(&want, t->zone);
    }
    ec_catalog_doc_release(&want);
    return rc;
}

/* The object key of kind k (-1: the rules) in document doc, borrowed. */
struct json_object *
ec_draft_object(struct json_object *doc, int k, const char *key)
{
    struct json_object *arr;
    int i;

    if (k < 0) {
        json_object_object_get_ex(doc, "channel_rules", &arr);
        return arr;
    }
    arr = ec_catalog_edit_array(doc, (enum ec_catalog_kind)k);
    i = ec_catalog_edit_find((enum ec_catalog_kind)k, arr, key);
    return i >= 0 ? json_object_array_get_idx(arr, (size_t)i) : NULL;
}

/*
 * Record the object key of type as the draft now has it (body, NULL:
 * removed), against live (NULL: it is not live): a change undone leaves
 * the draft, a new one keeps the live object it started from.
 */
static int
row_store(struct ec_db *db, const struct draft *d, const char *type,
          const char *key, struct json_object *body, struct json_object *live,
          const struct ec_audit_actor *who)
{
    struct ec_db_param del[] = {EC_DB_I(d->t.id), EC_DB_S(type), EC_DB_S(key)};
    const char *b, *l;

    if ((!body && !live) || (body && live && json_object_equal(body, live)))
        return ec_db_exec(db,
                          "DELETE FROM catalog_drafts WHERE tenant_id = ? "
                          "AND object_type = ? AND object_key = ?",
                          del, 3, NULL, NULL, NULL);
    b = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN)
             : NULL;
    l = live ? json_object_to_json_string_ext(live, JSON_C_TO_STRING_PLAIN)
             : NULL;
    struct ec_db_param p[] = {
        EC_DB_I(d->t.id),
        EC_DB_S(type),
        EC_DB_S(key),
        b ? EC_DB_S(b) : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0},
        l ? EC_DB_S(l) : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0},
        EC_DB_S(who->label ? who->label : ""),
    };
    return ec_db_exec(db,
                      "INSERT INTO catalog_drafts (tenant_id, object_type, "
                      "object_key, body, base, updated_by) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
                      "body = VALUES(body), updated_by = VALUES(updated_by), "
                      "updated_at = CURRENT_TIMESTAMP(6)",
                      p, 6, NULL, NULL, NULL);
}

/*
 * One save: the draft read under the tenant's lock, its document changed
 * by change(), checked whole, and the one object stored. idx_out is the
 * changed object's index for error paths.
 */
struct save {
    enum ec_catalog_kind k;
    int rules;               /* the channel rules, not an object */
    const char *key;         /* the object's key */
    struct json_object *obj; /* the new object, or NULL: remove */
    enum ec_catalog_put_mode mode;
    int retire;                 /* a product's removal: retired */
    struct json_object *before; /* out: the draft's object before */
    struct json_object *after;  /* out: as stored */
};

static int
save_change(struct save *s, struct json_object *doc, int *idx)
{
    struct json_object *arr = ec_catalog_edit_array(doc, s->k), *o = NULL;

    *idx = -1;
    if (s->rules) {
        if (json_object_object_get_ex(doc, "channel_rules", &o))
            s->before = json_object_get(o);
        json_object_object_add(doc, "channel_rules", json_object_get(s->obj));
        return 0;
    }
    *idx = ec_catalog_edit_find(s->k, arr, s->key);
    if (*idx >= 0)
        s->before =
            json_object_get(json_object_array_get_idx(arr, (size_t)*idx));
    if (!s->obj && *idx < 0)
        return EC_ERR_NOT_FOUND;
    if (s->obj && *idx < 0 && s->mode == EC_CATALOG_PUT_UPDATE)
        return EC_ERR_NOT_FOUND;
    if (s->obj && *idx >= 0 && s->mode == EC_CATALOG_PUT_CREATE)
        return EC_ERR_CONFLICT;
    if (s->before) /* the stored spelling of a SKU stays */
        s->key = ec_catalog_edit_key(s->k, s->before);
    if (s->retire) {
        if (json_object_deep_copy(s->before, &o, NULL) != 0)
            return EC_ERR_INTERNAL;
        json_object_object_add(o, "status", json_object_new_string("retired"));
        json_object_array_put_idx(arr, (size_t)*idx, o);
    } else if (!s->obj) {
        json_object_array_del_idx(arr, (size_t)*idx, 1);
        *idx = -1;
    } else {
        if (s->before) /* s->key is the old object's: it outlives this */
            json_object_object_add(s->obj,
                                   s->k == EC_CATALOG_PRODUCT ? "sku" : "code",
                                   json_object_new_string(s->key));
        if (*idx >= 0)
            json_object_array_put_idx(arr, (size_t)*idx,
                                      json_object_get(s->obj));
        else {
            json_object_array_add(arr, json_object_get(s->obj));
            *idx = (int)json_object_array_length(arr) - 1;
        }
    }
    return 0;
}

/* A rules path "$.channel_rules[2].value" as "$[2].value". */
static void
rules_path(struct ec_check_error *err)
{
    static const char prefix[] = "$.channel_rules";
    size_t n = sizeof(prefix) - 1;

    if (strncmp(err->path, prefix, n) == 0)
        memmove(err->path + 1, err->path + n, strlen(err->path + n) + 1);
}

/*
 * The draft's change recorded in the audit log, in the save's
 * transaction: object type "catalog_draft", id "<type>:<key>" (the live
 * object's own rows come with the publish), "save" or "remove", the
 * draft's object before and after.
 */
static int
audit_draft(struct ec_db *db, const struct draft *d,
            const struct ec_audit_actor *who, const char *type, const char *key,
            const char *action, struct json_object *before,
            struct json_object *after)
{
    char id[EC_AUDIT_ID_MAX + 1];

    snprintf(id, sizeof(id), "%s:%s", type, key);
    return ec_audit_record(db, d->t.id, who, "catalog_draft", id, action,
                           before, after);
}

static int
audit_save(struct ec_db *db, const struct draft *d, const char *type,
           const struct save *s, const struct ec_audit_actor *who)
{
    return audit_draft(db, d, who, type,
                       s->rules ? EC_CATALOG_RULES_TYPE : s->key,
                       s->retire ? "retire"
                       : s->obj  ? "save"
                                 : "remove",
                       s->before, s->after);
}

/* The channels that gave up the default to the one saved (gave, from
   ec_catalog_edit_take_default(), as the draft had them), each stored
   and audited as a save of its own. */
static int
store_gave_default(struct ec_db *db, const struct draft *d,
                   struct json_object *canon, struct json_object *gave,
                   const struct ec_audit_actor *who)
{
    const char *type = ec_catalog_kind_name(EC_CATALOG_CHANNEL);
    int k = (int)EC_CATALOG_CHANNEL;

    for (size_t i = 0; gave && i < json_object_array_length(gave); i++) {
        struct json_object *was = json_object_array_get_idx(gave, i);
        const char *code = ec_catalog_edit_key(EC_CATALOG_CHANNEL, was);
        struct json_object *now = ec_draft_object(canon, k, code);
        int rc;

        if ((rc = row_store(db, d, type, code, now,
                            ec_draft_object(d->live, k, code), who)) < 0 ||
            (rc = audit_draft(db, d, who, type, code, "save", was, now)) < 0)
            return rc;
    }
    return 0;
}

static int
save(struct ec_db *db, const char *slug, struct save *s,
     const struct ec_audit_actor *who, struct ec_check_error *err)
{
    const char *type =
        s->rules ? EC_CATALOG_RULES_TYPE : ec_catalog_kind_name(s->k);
    int k = s->rules ? -1 : (int)s->k;
    struct json_object *doc = NULL, *canon = NULL, *gave = NULL;
    struct draft d;
    int rc, idx;

    memset(err, 0, sizeof(*err));
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = ec_draft_read(&d, db, slug, 1)) < 0)
        goto out;
    if (!(doc = ec_draft_apply(d.live, &d.rows))) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if ((rc = save_change(s, doc, &idx)) < 0)
        goto out;
    if (s->obj && !s->rules)
        gave = ec_catalog_edit_take_default(
            s->k, ec_catalog_edit_array(doc, s->k), idx);
    if ((rc = ec_draft_check(doc, &d.t, err, &canon)) < 0) {
        if (rc == EC_ERR_INVALID_FIELD && s->rules)
            rules_path(err);
        else if (rc == EC_ERR_INVALID_FIELD)
            ec_catalog_edit_relative(err, s->k, idx);
        goto out;
    }
    s->after = json_object_get(ec_draft_object(canon, k, s->key));
    if (!s->after && (s->obj || s->retire)) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if (s->after && !s->rules) /* the stored spelling of a new SKU */
        s->key = ec_catalog_edit_key(s->k, s->after);
    if (s->before && s->after ? json_object_equal(s->before, s->after)
                              : !s->before && !s->after) {
        rc = ec_db_rollback(db); /* the draft has it so already */
        goto out;
    }
    if ((rc = row_store(db, &d, type, s->rules ? EC_CATALOG_RULES_TYPE : s->key,
                        s->after, ec_draft_object(d.live, k, s->key), who)) <
            0 ||
        (rc = audit_save(db, &d, type, s, who)) < 0 ||
        (rc = store_gave_default(db, &d, canon, gave, who)) < 0)
        goto out;
    rc = ec_db_commit(db);
out:
    if (rc < 0)
        ec_db_rollback(db);
    json_object_put(gave);
    json_object_put(doc);
    json_object_put(canon);
    ec_draft_release(&d);
    return rc;
}

int
ec_catalog_draft_put(struct ec_db *db, const char *slug, enum ec_catalog_kind k,
                     const char *key, struct json_object *obj,
                     enum ec_catalog_put_mode mode,
                     const struct ec_audit_actor *who,
                     struct ec_check_error *err, struct json_object **after,
                     int *created)
{
    struct save s = {.k = k, .mode = mode};
    int rc;

    *after = NULL;
    *created = 0;
    memset(err, 0, sizeof(*err));
    if (!(s.obj = ec_catalog_edit_keyed(k, obj, key, err)))
        return err->path[0] ? EC_ERR_INVALID_FIELD : EC_ERR_INTERNAL;
    s.key = ec_catalog_edit_key(k, s.obj);
    rc = save(db, slug, &s, who, err);
    if (rc == 0) {
        *after = s.after;
        *created = !s.before;
    } else
        json_object_put(s.after);
    json_object_put(s.before);
    json_object_put(s.obj);
    return rc;
}

int
ec_catalog_draft_remove(struct ec_db *db, const char *slug,
                        enum ec_catalog_kind k, const char *key,
                        const struct ec_audit_actor *who,
                        struct ec_check_error *err, struct json_object **before)
{
    struct save s = {.k = k, .key = key, .retire = k == EC_CATALOG_PRODUCT};
    int rc = save(db, slug, &s, who, err);

    *before = rc == 0 ? s.before : NULL;
    if (rc < 0)
        json_object_put(s.before);
    json_object_put(s.after);
    return rc;
}

int
ec_catalog_draft_put_rules(struct ec_db *db, const char *slug,
                           struct json_object *rules,
                           const struct ec_audit_actor *who,
                           struct ec_check_error *err,
                           struct json_object **after)
{
    struct save s = {.rules = 1, .obj = rules, .key = EC_CATALOG_RULES_TYPE};
    int rc;

    *after = NULL;
    memset(err, 0, sizeof(*err));
    if (!json_object_is_type(rules, json_type_array)) {
        snprintf(err->path, sizeof(err->path), "$");
        snprintf(err->message, sizeof(err->message), "must be an array");
        return EC_ERR_INVALID_FIELD;
    }
    rc = save(db, slug, &s, who, err);
    json_object_put(s.before);
    if (rc == 0)
        *after = s.after;
    else
        json_object_put(s.after);
    return rc;
}

/* ---- what the draft holds ---- */

/* What publishing a row does to its object. */
const char *
ec_draft_action(const struct row *w, struct json_object *live)
{
    struct json_object *st;

    if (!w->body)
        return "delete";
    if (!live)
        return "create";
    if (ec_draft_kind(w->type) == EC_CATALOG_PRODUCT &&
        json_object_object_get_ex(w->body, "status", &st) &&
        strcmp(json_object_get_string(st), "retired") == 0) {
        struct json_object *was;

        if (!json_object_object_get_ex(live, "status", &was) ||
            strcmp(json_object_get_string(was), "retired") != 0)
            return "retire";
    }
    return "update";
}

static int
rows_json(const struct draft *d, struct json_object *out)
{
    for (size_t i = 0; i < d->rows.n; i++) {
        const struct row *w = &d->rows.v[i];
        struct json_object *live =
            ec_draft_object(d->live, ec_draft_kind(w->type), w->key);
        struct json_object *o = json_object_new_object();
        /* the live object is not what the draft started from: someone
           changed it since (the admin API, an import) */
        int moved =
            !(live ? w->base && json_object_equal(live, w->base) : !w->base);

        json_object_object_add(o, "type", json_object_new_string(w->type));
        json_object_object_add(o, "key", json_object_new_string(w->key));
        json_object_object_add(
            o, "action", json_object_new_string(ec_draft_action(w, live)));
        json_object_object_add(o, "updated_by", json_object_new_string(w->by));
        json_object_object_add(o, "updated_at", json_object_new_int64(w->at));
        json_object_object_add(o, "live_changed",
                               json_object_new_boolean(moved));
        json_object_array_add(out, o);
    }
    return 0;
}

int
ec_catalog_draft_changes(struct ec_db *db, const char *slug,
                         struct json_object **out)
{
    struct draft d;
    int rc;

    *out = NULL;
    if ((rc = ec_draft_read(&d, db, slug, 0)) == 0) {
        *out = json_object_new_array();
        rows_json(&d, *out);
    }
    ec_draft_release(&d);
    return rc;
}

long long
ec_draft_tenant_id(struct ec_db *db, const char *slug, int *rc)
{
    struct ec_catalog_tenant t;
    long long id;

    *rc = ec_catalog_tenant_read(db, slug, 0, &t);
    id = *rc == 0 ? t.id : 0;
    ec_catalog_tenant_release(&t);
    return id;
}

/* The draft's rows of type and key, or all with the schedule (type
   NULL), deleted in the caller's transaction; *n gets how many rows. */
static int
discard_rows(struct ec_db *db, long long id, const char *type, const char *key,
             unsigned long long *n)
{
    struct ec_db_param p[] = {EC_DB_I(id), EC_DB_S(type ? type : ""),
                              EC_DB_S(key ? key : "")};
    int rc;

    if (type)
        return ec_db_exec(db,
                          "DELETE FROM catalog_drafts WHERE tenant_id = ? "
                          "AND object_type = ? AND object_key = ?",
                          p, 3, NULL, NULL, n);
    if ((rc = ec_db_exec(db, "DELETE FROM catalog_drafts WHERE tenant_id = ?",
                         p, 1, NULL, NULL, n)) < 0)
        return rc;
    return ec_db_exec(db,
                      "DELETE FROM catalog_publications WHERE tenant_id = ?", p,
                      1, NULL, NULL, NULL);
}

int
ec_catalog_draft_discard(struct ec_db *db, const char *slug, const char *type,
                         const char *key, const struct ec_audit_actor *who)
{
    char id[EC_AUDIT_ID_MAX + 1];
    unsigned long long n = 0;
    int rc;
    long long tid = ec_draft_tenant_id(db, slug, &rc);

    if (rc < 0 || (rc = ec_db_begin(db)) < 0)
        return rc;
    snprintf(id, sizeof(id), "%s:%s", type ? type : "all", key ? key : slug);
    if ((rc = discard_rows(db, tid, type, key, &n)) == 0 && n > 0)
        rc = ec_audit_record(db, tid, who, "catalog_draft", id, "discard", NULL,
                             NULL);
    if (rc == 0)
        return ec_db_commit(db);
    ec_db_rollback(db);
    return rc;
}

/* ---- preview ---- */

int
ec_catalog_draft_snapshot(struct ec_db *db, const char *slug,
                          struct ec_catalog **out)
{
    struct ec_check_error err;
    struct ec_catalog_doc want;
    struct json_object *doc = NULL;
    struct draft d;
    int rc;

    *out = NULL;
    ec_catalog_doc_init(&want);
    if ((rc = ec_draft_read(&d, db, slug, 0)) < 0)
        goto out;
    if (!(doc = ec_draft_apply(d.live, &d.rows))) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if ((rc = ec_catalog_doc_parse(&want, doc, d.t.zone, &err)) == 0 &&
        (rc = ec_catalog_from_doc(&want, d.t.id, out)) == 0 &&
        (rc = ec_cms_content_load(db, d.t.id, &(*out)->cms)) < 0) {
        ec_catalog_free(*out);
        *out = NULL;
    }
out:
    json_object_put(doc);
    ec_catalog_doc_release(&want);
    ec_draft_release(&d);
    return rc;
}
