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
#include "svc/catalog_import.h"
#include "svc/catalog_export.h"
#include "svc/catalog_read.h"
#include "svc/catalog_write.h"
#include "svc/cms_content.h"
#include "svc/invalidate.h"

/* The most objects one draft holds: a whole catalog is a few hundred. */
#define MAX_ROWS 2000

/* One changed object of the draft, as stored. */
struct row {
    char type[16]; /* product, campaign, channel, channel_rules */
    char key[65];
    struct json_object *body; /* NULL: removed */
    struct json_object *base; /* the live object when drafted, or NULL */
    char *by;
    long long at;
};

struct rows {
    struct row *v;
    size_t n, cap;
    int bad; /* a row did not parse: refused, never half-applied */
};

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
static int
kind_of(const char *type)
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
    int k = kind_of(w->type), idx;
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
static struct json_object *
drafted(struct json_object *live, const struct rows *r)
{
    struct json_object *doc = NULL;

    if (json_object_deep_copy(live, &doc, NULL) != 0)
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        apply(doc, &r->v[i]);
    return doc;
}

/*
 * What every call starts from: the tenant (locked when lock), its live
 * document and its draft's rows.
 */
struct draft {
    struct ec_catalog_tenant t;
    struct json_object *live;
    struct rows rows;
};

static int
draft_read(struct draft *d, struct ec_db *db, const char *slug, int lock)
{
    int rc;

    memset(&d->rows, 0, sizeof(d->rows));
    if ((rc = ec_catalog_edit_doc(db, slug, lock, &d->t, &d->live)) < 0)
        return rc;
    return rows_read(db, d->t.id, &d->rows);
}

static void
draft_release(struct draft *d)
{
    json_object_put(d->live);
    rows_release(&d->rows);
    ec_catalog_tenant_release(&d->t);
}

/* The draft's document as JSON (*out, the caller's). */
static int
draft_document(struct ec_db *db, const char *slug, struct json_object **out)
{
    struct draft d;
    int rc;

    *out = NULL;
    if ((rc = draft_read(&d, db, slug, 0)) == 0 &&
        !(*out = drafted(d.live, &d.rows)))
        rc = EC_ERR_INTERNAL;
    draft_release(&d);
    return rc;
}

int
ec_catalog_draft_list(struct ec_db *db, const char *slug,
                      enum ec_catalog_kind k, struct json_object **out)
{
    struct json_object *doc;
    int rc;

    *out = NULL;
    if ((rc = draft_document(db, slug, &doc)) < 0)
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
    int rc, i;

    *out = NULL;
    if ((rc = ec_catalog_draft_list(db, slug, k, &arr)) < 0)
        return rc;
    if ((i = ec_catalog_edit_find(k, arr, key)) >= 0)
        *out = json_object_get(json_object_array_get_idx(arr, (size_t)i));
    json_object_put(arr);
    return i >= 0 ? 0 : EC_ERR_NOT_FOUND;
}

int
ec_catalog_draft_rules(struct ec_db *db, const char *slug,
                       struct json_object **out)
{
    struct json_object *doc, *arr = NULL;
    int rc;

    *out = NULL;
    if ((rc = draft_document(db, slug, &doc)) < 0)
        return rc;
    json_object_object_get_ex(doc, "channel_rules", &arr);
    *out = arr ? json_object_get(arr) : json_object_new_array();
    json_object_put(doc);
    return 0;
}

/* ---- saving ---- */

/* The document doc checked as an import does, in canonical JSON (*out,
   the caller's). 0 or EC_ERR_INVALID_FIELD with err. */
static int
check_canonical(struct json_object *doc, const struct ec_catalog_tenant *t,
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
static struct json_object *
object_in(struct json_object *doc, int k, const char *key)
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
    struct json_object *arr = ec_catalog_edit_array(doc, s->k), *o;

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

static int
save(struct ec_db *db, const char *slug, struct save *s,
     const struct ec_audit_actor *who, struct ec_check_error *err)
{
    const char *type =
        s->rules ? EC_CATALOG_RULES_TYPE : ec_catalog_kind_name(s->k);
    int k = s->rules ? -1 : (int)s->k;
    struct json_object *doc = NULL, *canon = NULL;
    struct draft d;
    int rc, idx;

    memset(err, 0, sizeof(*err));
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = draft_read(&d, db, slug, 1)) < 0)
        goto out;
    if (!(doc = drafted(d.live, &d.rows))) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if ((rc = save_change(s, doc, &idx)) < 0)
        goto out;
    if ((rc = check_canonical(doc, &d.t, err, &canon)) < 0) {
        if (rc == EC_ERR_INVALID_FIELD && s->rules)
            rules_path(err);
        else if (rc == EC_ERR_INVALID_FIELD)
            ec_catalog_edit_relative(err, s->k, idx);
        goto out;
    }
    s->after = json_object_get(object_in(canon, k, s->key));
    if (!s->after && (s->obj || s->retire)) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if (s->after && !s->rules) /* the stored spelling of a new SKU */
        s->key = ec_catalog_edit_key(s->k, s->after);
    if ((rc = row_store(db, &d, type, s->rules ? EC_CATALOG_RULES_TYPE : s->key,
                        s->after, object_in(d.live, k, s->key), who)) < 0)
        goto out;
    rc = ec_db_commit(db);
out:
    if (rc < 0)
        ec_db_rollback(db);
    json_object_put(doc);
    json_object_put(canon);
    draft_release(&d);
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
static const char *
action_of(const struct row *w, struct json_object *live)
{
    struct json_object *st;

    if (!w->body)
        return "delete";
    if (!live)
        return "create";
    if (kind_of(w->type) == EC_CATALOG_PRODUCT &&
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
        struct json_object *live = object_in(d->live, kind_of(w->type), w->key);
        struct json_object *o = json_object_new_object();
        /* the live object is not what the draft started from: someone
           changed it since (the admin API, an import) */
        int moved =
            !(live ? w->base && json_object_equal(live, w->base) : !w->base);

        json_object_object_add(o, "type", json_object_new_string(w->type));
        json_object_object_add(o, "key", json_object_new_string(w->key));
        json_object_object_add(o, "action",
                               json_object_new_string(action_of(w, live)));
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
    if ((rc = draft_read(&d, db, slug, 0)) == 0) {
        *out = json_object_new_array();
        rows_json(&d, *out);
    }
    draft_release(&d);
    return rc;
}

static long long
tenant_id_of(struct ec_db *db, const char *slug, int *rc)
{
    struct ec_catalog_tenant t;
    long long id;

    *rc = ec_catalog_tenant_read(db, slug, 0, &t);
    id = *rc == 0 ? t.id : 0;
    ec_catalog_tenant_release(&t);
    return id;
}

int
ec_catalog_draft_discard(struct ec_db *db, const char *slug, const char *type,
                         const char *key)
{
    int rc;
    long long id = tenant_id_of(db, slug, &rc);
    struct ec_db_param one[] = {EC_DB_I(id), EC_DB_S(type ? type : ""),
                                EC_DB_S(key ? key : "")};

    if (rc < 0)
        return rc;
    if (type)
        return ec_db_exec(db,
                          "DELETE FROM catalog_drafts WHERE tenant_id = ? "
                          "AND object_type = ? AND object_key = ?",
                          one, 3, NULL, NULL, NULL);
    if ((rc = ec_db_exec(db, "DELETE FROM catalog_drafts WHERE tenant_id = ?",
                         one, 1, NULL, NULL, NULL)) < 0)
        return rc;
    return ec_db_exec(db,
                      "DELETE FROM catalog_publications WHERE tenant_id = ?",
                      one, 1, NULL, NULL, NULL);
}

/* ---- publishing ---- */

/* Audit each drafted object that the write changed: before as live had
   it, after as written. *changed counts them. */
static int
audit_rows(struct ec_db *db, const struct draft *d, struct json_object *written,
           const struct ec_audit_actor *who, int *changed)
{
    int rc;

    for (size_t i = 0; i < d->rows.n; i++) {
        const struct row *w = &d->rows.v[i];
        int k = kind_of(w->type);
        struct json_object *before = object_in(d->live, k, w->key);
        struct json_object *after = object_in(written, k, w->key);

        if (before && after ? json_object_equal(before, after)
                            : !before && !after)
            continue;
        if ((rc = ec_audit_record(db, d->t.id, who, w->type,
                                  k < 0 ? EC_CATALOG_RULES_TYPE : w->key,
                                  action_of(w, before), before, after)) < 0)
            return rc;
        (*changed)++;
    }
    return 0;
}

/* The draft written live, in the caller's transaction: 0 or an error. */
static int
publish_locked(struct ec_db *db, struct draft *d,
               const struct ec_audit_actor *who, struct ec_check_error *err,
               int *changed)
{
    struct ec_db_param p[] = {EC_DB_I(d->t.id)};
    struct json_object *doc = drafted(d->live, &d->rows), *written = NULL;
    struct ec_catalog_changes ch;
    struct ec_catalog_doc want;
    int rc;

    ec_catalog_doc_init(&want);
    ec_catalog_changes_init(&ch);
    if (!doc)
        rc = EC_ERR_INTERNAL;
    else if ((rc = ec_catalog_doc_parse(&want, doc, d->t.zone, err)) == 0 &&
             (rc = ec_catalog_write(db, &d->t, &want, &ch)) == 0) {
        ec_catalog_doc_sort(&want);
        written = ec_catalog_doc_to_json(&want, d->t.zone);
        rc = audit_rows(db, d, written, who, changed);
    }
    if (rc == 0)
        rc = ec_db_exec(db, "DELETE FROM catalog_drafts WHERE tenant_id = ?", p,
                        1, NULL, NULL, NULL);
    if (rc == 0)
        rc = ec_db_exec(db,
                        "DELETE FROM catalog_publications WHERE tenant_id = ?",
                        p, 1, NULL, NULL, NULL);
    json_object_put(doc);
    json_object_put(written);
    ec_catalog_changes_release(&ch);
    ec_catalog_doc_release(&want);
    return rc;
}

int
ec_catalog_draft_publish(struct ec_db *db, struct ec_kv *kv, const char *slug,
                         const struct ec_audit_actor *who,
                         struct ec_check_error *err, int *changed)
{
    struct draft d;
    int rc;

    *changed = 0;
    memset(err, 0, sizeof(*err));
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = draft_read(&d, db, slug, 1)) == 0 &&
        (rc = publish_locked(db, &d, who, err, changed)) == 0)
        rc = ec_db_commit(db);
    if (rc < 0) {
        ec_db_rollback(db);
        *changed = 0;
    }
    draft_release(&d);
    if (rc == 0 && *changed && kv && ec_invalidate_data(kv, slug) < 0)
        ec_log_warn("catalog of %s published but the workers could not be "
                    "told: they show the old one until Redis is back",
                    slug);
    return rc;
}

/* ---- scheduling ---- */

int
ec_catalog_draft_schedule(struct ec_db *db, const char *slug, int64_t at,
                          const struct ec_audit_actor *who,
                          struct ec_check_error *err)
{
    struct json_object *doc = NULL, *canon = NULL, *after;
    struct draft d;
    int rc;

    memset(err, 0, sizeof(*err));
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = draft_read(&d, db, slug, 1)) < 0)
        goto out;
    if (d.rows.n == 0) {
        rc = EC_ERR_NOT_FOUND;
        goto out;
    }
    if (!(doc = drafted(d.live, &d.rows))) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if ((rc = check_canonical(doc, &d.t, err, &canon)) < 0)
        goto out;
    struct ec_db_param p[] = {
        EC_DB_I(d.t.id),
        EC_DB_I(at),
        EC_DB_S(ec_audit_actor_kinds[who->kind]),
        EC_DB_I(who->id),
        EC_DB_S(who->label ? who->label : ""),
    };
    if ((rc = ec_db_exec(db,
                         "REPLACE INTO catalog_publications (tenant_id, "
                         "publish_at, actor_kind, actor_id, actor_label) "
                         "VALUES (?, FROM_UNIXTIME(?), ?, ?, ?)",
                         p, 5, NULL, NULL, NULL)) < 0)
        goto out;
    after = json_object_new_object();
    json_object_object_add(after, "publish_at", json_object_new_int64(at));
    json_object_object_add(after, "changes",
                           json_object_new_int((int)d.rows.n));
    rc = ec_audit_record(db, d.t.id, who, "catalog_draft", slug, "schedule",
                         NULL, after);
    json_object_put(after);
    if (rc == 0)
        rc = ec_db_commit(db);
out:
    if (rc < 0)
        ec_db_rollback(db);
    json_object_put(doc);
    json_object_put(canon);
    draft_release(&d);
    return rc;
}

static int
schedule_cb(const struct ec_db_row *r, void *ctx)
{
    struct ec_catalog_schedule *s = ctx;

    s->publish_at = r->vals[0] ? atoll(r->vals[0]) : 0;
    snprintf(s->by, sizeof(s->by), "%s", r->vals[1] ? r->vals[1] : "");
    snprintf(s->last_error, sizeof(s->last_error), "%s",
             r->vals[2] ? r->vals[2] : "");
    return 0;
}

int
ec_catalog_draft_schedule_get(struct ec_db *db, const char *slug,
                              struct ec_catalog_schedule *s)
{
    struct ec_db_param p[] = {EC_DB_S(slug)};

    memset(s, 0, sizeof(*s));
    return ec_db_exec(db,
                      "SELECT UNIX_TIMESTAMP(p.publish_at), p.actor_label, "
                      "p.last_error FROM catalog_publications p "
                      "JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = ?",
                      p, 1, schedule_cb, s, NULL);
}

int
ec_catalog_draft_unschedule(struct ec_db *db, const char *slug,
                            const struct ec_audit_actor *who)
{
    unsigned long long n = 0;
    int rc;
    long long id = tenant_id_of(db, slug, &rc);
    struct ec_db_param p[] = {EC_DB_I(id)};

    if (rc < 0 || (rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_db_exec(db, "DELETE FROM catalog_publications WHERE tenant_id = ?",
                    p, 1, NULL, NULL, &n);
    if (rc == 0 && n > 0)
        rc = ec_audit_record(db, id, who, "catalog_draft", slug, "unschedule",
                             NULL, NULL);
    if (rc == 0)
        return ec_db_commit(db);
    ec_db_rollback(db);
    return rc;
}

/* A due publication, as the delivery process finds it. */
struct due {
    long long tenant_id;
    char slug[65];
    int kind;
    long long actor_id;
    char label[201];
};

struct dues {
    struct due v[16];
    size_t n;
};

static int
due_cb(const struct ec_db_row *r, void *ctx)
{
    struct dues *ds = ctx;
    struct due *d = &ds->v[ds->n++];

    d->tenant_id = atoll(r->vals[0]);
    snprintf(d->slug, sizeof(d->slug), "%s", r->vals[1]);
    d->kind = EC_AUDIT_STAFF;
    for (int k = 0; k < EC_AUDIT__NKINDS; k++)
        if (strcmp(r->vals[2], ec_audit_actor_kinds[k]) == 0)
            d->kind = k;
    d->actor_id = atoll(r->vals[3]);
    snprintf(d->label, sizeof(d->label), "%s", r->vals[4]);
    return ds->n == sizeof(ds->v) / sizeof(ds->v[0]);
}

/* A scheduled publish the draft's rules refused: kept for a person. */
static int
due_failed(struct ec_db *db, const struct due *d,
           const struct ec_check_error *err)
{
    char why[sizeof(err->path) + sizeof(err->message) + 2];
    struct ec_db_param p[] = {EC_DB_S(why), EC_DB_I(d->tenant_id)};

    snprintf(why, sizeof(why), "%s: %s", err->path, err->message);
    why[500] = '\0'; /* what the column keeps */
    p[0].len = strlen(why);
    ec_log_warn("catalog draft of %s not published at its time: %s", d->slug,
                why);
    return ec_db_exec(db,
                      "UPDATE catalog_publications SET publish_at = NULL, "
                      "last_error = ? WHERE tenant_id = ?",
                      p, 2, NULL, NULL, NULL);
}

int
ec_catalog_draft_publish_due(struct ec_db *db, struct ec_kv *kv, int64_t now,
                             int *published)
{
    struct ec_db_param p[] = {EC_DB_I(now)};
    struct dues ds = {.n = 0};
    int rc;

    *published = 0;
    if ((rc =
             ec_db_exec(db,
                        "SELECT p.tenant_id, t.slug, p.actor_kind, "
                        "p.actor_id, p.actor_label FROM catalog_publications p "
                        "JOIN tenants t ON t.id = p.tenant_id "
                        "WHERE p.publish_at <= FROM_UNIXTIME(?) "
                        "ORDER BY p.publish_at LIMIT 16",
                        p, 1, due_cb, &ds, NULL)) < 0)
        return rc;
    for (size_t i = 0; i < ds.n; i++) {
        const struct due *d = &ds.v[i];
        struct ec_audit_actor who = {d->kind, d->actor_id, d->label};
        struct ec_check_error err;
        int changed;

        rc = ec_catalog_draft_publish(db, kv, d->slug, &who, &err, &changed);
        if (rc == EC_ERR_INVALID_FIELD)
            rc = due_failed(db, d, &err);
        else if (rc == 0)
            (*published)++;
        if (rc < 0)
            return rc;
        ec_log_info("catalog draft of %s published at its time (%d changes)",
                    d->slug, changed);
    }
    return 0;
}

/* ---- preview ---- */

int
ec_catalog_draft_snapshot(struct ec_db *db, const char *slug, int with_draft,
                          struct ec_catalog **out)
{
    struct ec_check_error err;
    struct ec_catalog_doc want;
    struct json_object *doc = NULL;
    struct draft d;
    int rc;

    *out = NULL;
    ec_catalog_doc_init(&want);
    if ((rc = draft_read(&d, db, slug, 0)) < 0)
        goto out;
    if (!with_draft)
        rows_release(&d.rows);
    if (!(doc = drafted(d.live, &d.rows))) {
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
    draft_release(&d);
    return rc;
}
