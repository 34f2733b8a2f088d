#include "svc/catalog_edit.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "svc/catalog_read.h"
#include "svc/catalog_write.h"
#include "svc/invalidate.h"

/* Where each kind lives in the document, and what names one. */
static const struct kind_info {
    const char *array; /* the document's member */
    const char *key;   /* the object's key field */
    const char *type;  /* the audit log's object type */
    int nocase;        /* keys compare ignoring case (SKUs) */
} kinds[] = {
    [EC_CATALOG_PRODUCT] = {"products", "sku", "product", 1},
    [EC_CATALOG_CAMPAIGN] = {"campaigns", "code", "campaign", 0},
    [EC_CATALOG_CHANNEL] = {"channels", "code", "channel", 0},
};

const char *
ec_catalog_kind_name(enum ec_catalog_kind k)
{
    return kinds[k].type;
}

static int
same_key(const struct kind_info *ki, const char *a, const char *b)
{
    return ki->nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static const char *
key_of(const struct kind_info *ki, struct json_object *o)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, ki->key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The index of the object key in arr, or -1. */
static int
find(const struct kind_info *ki, struct json_object *arr, const char *key)
{
    size_t n = json_object_array_length(arr);

    for (size_t i = 0; i < n; i++) {
        const char *k = key_of(ki, json_object_array_get_idx(arr, (size_t)i));

        if (k && same_key(ki, k, key))
            return (int)i;
    }
    return -1;
}

static int
fail(struct ec_check_error *err, const char *path, const char *message)
{
    snprintf(err->path, sizeof(err->path), "%s", path);
    snprintf(err->message, sizeof(err->message), "%s", message);
    return EC_ERR_INVALID_FIELD;
}

int
ec_catalog_edit_list(struct ec_db *db, const char *slug, enum ec_catalog_kind k,
                     struct json_object **out)
{
    struct json_object *doc, *arr;
    int rc;

    *out = NULL;
    if ((rc = ec_catalog_export(db, slug, &doc)) < 0)
        return rc;
    json_object_object_get_ex(doc, kinds[k].array, &arr);
    *out = json_object_get(arr);
    json_object_put(doc);
    return 0;
}

int
ec_catalog_edit_get(struct ec_db *db, const char *slug, enum ec_catalog_kind k,
                    const char *key, struct json_object **out)
{
    struct json_object *arr;
    int rc;

    *out = NULL;
    if ((rc = ec_catalog_edit_list(db, slug, k, &arr)) < 0)
        return rc;
    rc = ec_catalog_edit_pick(k, arr, key, out);
    json_object_put(arr);
    return rc;
}

/*
 * One edit: the tenant's document read and locked, changed by the
 * caller, then checked, written, audited and committed here.
 */
struct edit {
    struct ec_catalog_tenant t;
    struct json_object *doc; /* the document as read, then as edited */
    struct json_object *arr; /* its array of the kind edited (borrowed) */
    struct ec_catalog_doc want;
    struct ec_catalog_changes changes;
};

/* Begin, lock the tenant and read its document as JSON. */
static int
edit_begin(struct edit *e, struct ec_db *db, const char *slug,
           const struct kind_info *ki)
{
    int rc;

    memset(&e->t, 0, sizeof(e->t));
    e->doc = NULL;
    ec_catalog_doc_init(&e->want);
    ec_catalog_changes_init(&e->changes);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = ec_catalog_edit_doc(db, slug, 1, &e->t, &e->doc)) == 0)
        json_object_object_get_ex(e->doc, ki->array, &e->arr);
    return rc;
}

/* A path into the object at index idx of the edited array as a path in
   the object itself: "$.products[3].fees.sim" becomes "$.fees.sim". */
static void
relative_path(struct ec_check_error *err, const struct kind_info *ki, int idx)
{
    char prefix[64];
    size_t n;

    if (idx < 0)
        return;
    n = (size_t)snprintf(prefix, sizeof(prefix), "$.%s[%d]", ki->array, idx);
    if (strncmp(err->path, prefix, n) != 0 ||
        (err->path[n] != '\0' && err->path[n] != '.' && err->path[n] != '['))
        return;
    memmove(err->path + 1, err->path + n, strlen(err->path + n) + 1);
}

/*
 * Check the edited document as an import does and write it. idx is the
 * edited object's index (for error paths), or -1. 0 or an error (err
 * filled for EC_ERR_INVALID_FIELD).
 */
static int
edit_write(struct edit *e, struct ec_db *db, const struct kind_info *ki,
           int idx, struct ec_check_error *err)
{
    int rc = ec_catalog_doc_parse(&e->want, e->doc, e->t.zone, err);

    if (rc == EC_ERR_INVALID_FIELD)
        relative_path(err, ki, idx);
    if (rc < 0)
        return rc;
    return ec_catalog_write(db, &e->t, &e->want, &e->changes);
}

/* The document as written, in JSON (the caller's). */
static struct json_object *
edit_written(struct edit *e)
{
    ec_catalog_doc_sort(&e->want);
    return ec_catalog_doc_to_json(&e->want, e->t.zone);
}

/* The object key of kind k as the written document has it (the
   caller's), or NULL when it is not there. */
static struct json_object *
edit_after(struct edit *e, enum ec_catalog_kind k, const char *key)
{
    struct json_object *doc = edit_written(e), *o;

    ec_catalog_edit_pick(k, ec_catalog_edit_array(doc, k), key, &o);
    json_object_put(doc);
    return o;
}

/* Audit and commit a write that changed something, then tell the
   workers; roll back one that changed nothing. */
static int
edit_commit(struct edit *e, struct ec_db *db, struct ec_kv *kv,
            const char *slug, const struct kind_info *ki, const char *key,
            const char *action, const struct ec_audit_actor *who,
            struct json_object *before, struct json_object *after)
{
    int rc;

    if (e->changes.n == 0)
        return ec_db_rollback(db);
    if ((rc = ec_audit_record(db, e->t.id, who, ki->type, key, action, before,
                              after)) < 0 ||
        (rc = ec_db_commit(db)) < 0)
        return rc;
    if (kv && ec_invalidate_data(kv, slug) < 0)
        ec_log_warn("catalog of %s changed but the workers could not be "
                    "told: they show the old one until Redis is back",
                    slug);
    return 0;
}

/* The channels that gave up the default to the one saved (gave, from
   ec_catalog_edit_take_default()), each audited as an update. */
static int
audit_gave_default(struct edit *e, struct ec_db *db,
                   const struct ec_audit_actor *who, struct json_object *gave)
{
    const struct kind_info *ki = &kinds[EC_CATALOG_CHANNEL];
    struct json_object *written, *channels;
    int rc = 0;

    if (!gave)
        return 0;
    written = edit_written(e);
    channels = ec_catalog_edit_array(written, EC_CATALOG_CHANNEL);
    for (size_t i = 0; rc == 0 && i < json_object_array_length(gave); i++) {
        struct json_object *was = json_object_array_get_idx(gave, i), *now;
        const char *code = key_of(ki, was);

        ec_catalog_edit_pick(EC_CATALOG_CHANNEL, channels, code, &now);
        rc = ec_audit_record(db, e->t.id, who, ki->type, code, "update", was,
                             now);
        json_object_put(now);
    }
    json_object_put(written);
    return rc;
}

static void
edit_end(struct edit *e, struct ec_db *db, int rc)
{
    if (rc < 0)
        ec_db_rollback(db);
    json_object_put(e->doc);
    ec_catalog_changes_release(&e->changes);
    ec_catalog_doc_release(&e->want);
    ec_catalog_tenant_release(&e->t);
}

/* obj's copy with its key field checked against key, or filled in from
   it; NULL with err when it cannot be. */
static struct json_object *
keyed_copy(const struct kind_info *ki, struct json_object *obj, const char *key,
           struct ec_check_error *err)
{
    struct json_object *copy = NULL, *v;
    char path[16];

    snprintf(path, sizeof(path), "$.%s", ki->key);
    if (!json_object_is_type(obj, json_type_object)) {
        fail(err, "$", "must be an object");
        return NULL;
    }
    if (json_object_object_get_ex(obj, ki->key, &v)) {
        if (!json_object_is_type(v, json_type_string)) {
            fail(err, path, "must be a string");
            return NULL;
        }
        if (key && !same_key(ki, json_object_get_string(v), key)) {
            fail(err, path, "must be the one in the address");
            return NULL;
        }
    } else if (!key) {
        fail(err, path, "required");
        return NULL;
    }
    if (json_object_deep_copy(obj, &copy, NULL) != 0)
        return NULL;
    if (!json_object_object_get_ex(copy, ki->key, NULL))
        json_object_object_add(copy, ki->key, json_object_new_string(key));
    return copy;
}

int
ec_catalog_edit_put(struct ec_db *db, struct ec_kv *kv, const char *slug,
                    enum ec_catalog_kind k, const char *key,
                    struct json_object *obj, enum ec_catalog_put_mode mode,
                    const struct ec_audit_actor *who,
                    struct ec_check_error *err, struct json_object **after,
                    int *created)
{
    const struct kind_info *ki = &kinds[k];
    struct json_object *mine, *before = NULL, *gave = NULL;
    struct edit e;
    int rc, idx;

    *after = NULL;
    *created = 0;
    memset(err, 0, sizeof(*err));
    if (!(mine = keyed_copy(ki, obj, key, err)))
        return err->path[0] ? EC_ERR_INVALID_FIELD : EC_ERR_INTERNAL;
    key = key_of(ki, mine);
    if ((rc = edit_begin(&e, db, slug, ki)) < 0)
        goto out;
    idx = find(ki, e.arr, key);
    if (idx < 0 && mode == EC_CATALOG_PUT_UPDATE) {
        rc = EC_ERR_NOT_FOUND;
        goto out;
    }
    if (idx >= 0 && mode == EC_CATALOG_PUT_CREATE) {
        rc = EC_ERR_CONFLICT;
        goto out;
    }
    if (idx >= 0) {
        before = json_object_get(json_object_array_get_idx(e.arr, (size_t)idx));
        /* a SKU in another case names this product: its stored spelling
           stays, as campaigns and add-on lists name it so */
        json_object_object_add(mine, ki->key,
                               json_object_new_string(key_of(ki, before)));
        key = key_of(ki, mine);
        json_object_array_put_idx(e.arr, (size_t)idx, json_object_get(mine));
    } else {
        json_object_array_add(e.arr, json_object_get(mine));
        idx = (int)json_object_array_length(e.arr) - 1;
    }
    gave = ec_catalog_edit_take_default(k, e.arr, idx);
    if ((rc = edit_write(&e, db, ki, idx, err)) < 0 ||
        (rc = audit_gave_default(&e, db, who, gave)) < 0)
        goto out;
    /* the stored spelling of the key (a SKU's case) from here on */
    *after = edit_after(&e, k, key);
    rc = edit_commit(&e, db, kv, slug, ki, key_of(ki, *after),
                     before ? "update" : "create", who, before, *after);
    *created = rc == 0 && !before;
out:
    edit_end(&e, db, rc);
    if (rc < 0) {
        json_object_put(*after);
        *after = NULL;
    }
    json_object_put(before);
    json_object_put(gave);
    json_object_put(mine);
    return rc;
}

int
ec_catalog_edit_remove(struct ec_db *db, struct ec_kv *kv, const char *slug,
                       enum ec_catalog_kind k, const char *key,
                       const struct ec_audit_actor *who,
                       struct ec_check_error *err, struct json_object **before)
{
    const struct kind_info *ki = &kinds[k];
    struct json_object *after = NULL, *old;
    struct edit e;
    int rc, idx;

    *before = NULL;
    memset(err, 0, sizeof(*err));
    if ((rc = edit_begin(&e, db, slug, ki)) < 0)
        goto out;
    if ((idx = find(ki, e.arr, key)) < 0) {
        rc = EC_ERR_NOT_FOUND;
        goto out;
    }
    old = json_object_array_get_idx(e.arr, (size_t)idx);
    *before = json_object_get(old);
    if (k == EC_CATALOG_PRODUCT) {
        /* retired, never deleted: orders refer to it */
        if (json_object_deep_copy(old, &after, NULL) != 0) {
            rc = EC_ERR_INTERNAL;
            goto out;
        }
        json_object_object_add(after, "status",
                               json_object_new_string("retired"));
        json_object_array_put_idx(e.arr, (size_t)idx, after);
        after = NULL;
    } else {
        json_object_array_del_idx(e.arr, (size_t)idx, 1);
        idx = -1;
    }
    if ((rc = edit_write(&e, db, ki, idx, err)) < 0)
        goto out;
    if (k == EC_CATALOG_PRODUCT)
        after = edit_after(&e, k, key);
    rc = edit_commit(&e, db, kv, slug, ki, key_of(ki, *before),
                     k == EC_CATALOG_PRODUCT ? "retire" : "delete", who,
                     *before, after);
out:
    edit_end(&e, db, rc);
    json_object_put(after);
    if (rc < 0) {
        json_object_put(*before);
        *before = NULL;
    }
    return rc;
}

/* ---- the document's parts, for the draft ---- */

int
ec_catalog_edit_doc(struct ec_db *db, const char *slug, int lock,
                    struct ec_catalog_tenant *t, struct json_object **doc)
{
    struct ec_catalog_doc cur;
    int rc;

    *doc = NULL;
    memset(t, 0, sizeof(*t));
    ec_catalog_doc_init(&cur);
    if ((rc = ec_catalog_tenant_read(db, slug, lock, t)) == 0 &&
        (rc = ec_catalog_read(db, t->id, &cur)) == 0) {
        ec_catalog_doc_sort(&cur);
        *doc = ec_catalog_doc_to_json(&cur, t->zone);
    }
    ec_catalog_doc_release(&cur);
    return rc;
}

struct json_object *
ec_catalog_edit_array(struct json_object *doc, enum ec_catalog_kind k)
{
    struct json_object *arr = NULL;

    json_object_object_get_ex(doc, kinds[k].array, &arr);
    return arr;
}

int
ec_catalog_edit_find(enum ec_catalog_kind k, struct json_object *arr,
                     const char *key)
{
    return arr ? find(&kinds[k], arr, key) : -1;
}

int
ec_catalog_edit_pick(enum ec_catalog_kind k, struct json_object *arr,
                     const char *key, struct json_object **out)
{
    int i = ec_catalog_edit_find(k, arr, key);

    *out = i >= 0 ? json_object_get(json_object_array_get_idx(arr, (size_t)i))
                  : NULL;
    return i >= 0 ? 0 : EC_ERR_NOT_FOUND;
}

const char *
ec_catalog_edit_key(enum ec_catalog_kind k, struct json_object *o)
{
    return key_of(&kinds[k], o);
}

struct json_object *
ec_catalog_edit_keyed(enum ec_catalog_kind k, struct json_object *obj,
                      const char *key, struct ec_check_error *err)
{
    return keyed_copy(&kinds[k], obj, key, err);
}

void
ec_catalog_edit_relative(struct ec_check_error *err, enum ec_catalog_kind k,
                         int idx)
{
    relative_path(err, &kinds[k], idx);
}

static int
says_default(struct json_object *o)
{
    struct json_object *v;

    return json_object_object_get_ex(o, "default", &v) &&
           json_object_get_boolean(v);
}

struct json_object *
ec_catalog_edit_take_default(enum ec_catalog_kind k, struct json_object *arr,
                             int idx)
{
    struct json_object *gave = NULL, *o, *copy;

    if (k != EC_CATALOG_CHANNEL || idx < 0 ||
        !says_default(json_object_array_get_idx(arr, (size_t)idx)))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        o = json_object_array_get_idx(arr, i);
        copy = NULL; /* json_object_deep_copy() wants it so */
        if ((int)i == idx || !says_default(o) ||
            json_object_deep_copy(o, &copy, NULL) != 0)
            continue;
        if (!gave)
            gave = json_object_new_array();
        json_object_array_add(gave, json_object_get(o));
        json_object_object_del(copy, "default");
        json_object_array_put_idx(arr, i, copy);
    }
    return gave;
}

/* The document's channel_rules: one ordered list, not objects by key. */
static const struct kind_info rules_info = {"channel_rules", NULL,
                                            "channel_rules", 0};

/* "$.channel_rules[2].channel" as a path in the list: "$[2].channel". */
static void
rules_path(struct ec_check_error *err)
{
    static const char prefix[] = "$.channel_rules";
    size_t n = sizeof(prefix) - 1;

    if (strncmp(err->path, prefix, n) == 0)
        memmove(err->path + 1, err->path + n, strlen(err->path + n) + 1);
}

int
ec_catalog_edit_put_rules(struct ec_db *db, struct ec_kv *kv, const char *slug,
                          struct json_object *rules,
                          const struct ec_audit_actor *who,
                          struct ec_check_error *err,
                          struct json_object **after)
{
    struct json_object *mine = NULL, *before = NULL, *doc, *arr;
    struct edit e;
    int rc;

    *after = NULL;
    memset(err, 0, sizeof(*err));
    if (!json_object_is_type(rules, json_type_array))
        return fail(err, "$", "must be an array");
    if (json_object_deep_copy(rules, &mine, NULL) != 0)
        return EC_ERR_INTERNAL;
    if ((rc = edit_begin(&e, db, slug, &rules_info)) < 0)
        goto out;
    before = json_object_get(e.arr);
    json_object_object_add(e.doc, rules_info.array, mine);
    mine = NULL;
    rc = ec_catalog_doc_parse(&e.want, e.doc, e.t.zone, err);
    if (rc == EC_ERR_INVALID_FIELD)
        rules_path(err);
    if (rc < 0 || (rc = ec_catalog_write(db, &e.t, &e.want, &e.changes)) < 0)
        goto out;
    doc = ec_catalog_doc_to_json(&e.want, e.t.zone);
    json_object_object_get_ex(doc, rules_info.array, &arr);
    *after = json_object_get(arr);
    json_object_put(doc);
    rc = edit_commit(&e, db, kv, slug, &rules_info, rules_info.type, "update",
                     who, before, *after);
out:
    edit_end(&e, db, rc);
    if (rc < 0) {
        json_object_put(*after);
        *after = NULL;
    }
    json_object_put(before);
    json_object_put(mine);
    return rc;
}
