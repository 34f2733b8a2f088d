/*
 * The catalog draft published (svc/catalog_draft.h): at once, or at a
 * scheduled instant by the delivery process, each object that changed
 * audited as who published or scheduled it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "svc/audit.h"
#include "svc/catalog_draft.h"
#include "svc/catalog_draft_int.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "svc/catalog_write.h"
#include "svc/invalidate.h"

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
        int k = ec_draft_kind(w->type);
        struct json_object *before = ec_draft_object(d->live, k, w->key);
        struct json_object *after = ec_draft_object(written, k, w->key);

        if (before && after ? json_object_equal(before, after)
                            : !before && !after)
            continue;
        if ((rc = ec_audit_record(db, d->t.id, who, w->type,
                                  k < 0 ? EC_CATALOG_RULES_TYPE : w->key,
                                  ec_draft_action(w, before), before, after)) <
            0)
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
    struct json_object *doc = ec_draft_apply(d->live, &d->rows),
                       *written = NULL;
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
    if ((rc = ec_draft_read(&d, db, slug, 1)) == 0 &&
        (rc = publish_locked(db, &d, who, err, changed)) == 0)
        rc = ec_db_commit(db);
    if (rc < 0) {
        ec_db_rollback(db);
        *changed = 0;
    }
    ec_draft_release(&d);
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
    if ((rc = ec_draft_read(&d, db, slug, 1)) < 0)
        goto out;
    if (d.rows.n == 0) {
        rc = EC_ERR_NOT_FOUND;
        goto out;
    }
    if (!(doc = ec_draft_apply(d.live, &d.rows))) {
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    if ((rc = ec_draft_check(doc, &d.t, err, &canon)) < 0)
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
    ec_draft_release(&d);
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
    long long id = ec_draft_tenant_id(db, slug, &rc);
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
    enum ec_audit_actor_kind kind;
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
            d->kind = (enum ec_audit_actor_kind)k;
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
