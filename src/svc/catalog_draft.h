/*
 * The catalog draft: the panel's catalog changes, kept apart from the
 * live catalog until they are published (docs/admin.md, "Drafts,
 * publishing and preview").
 *
 * A draft is a set of changed objects (a product by SKU, a campaign or a
 * channel by code, the channel rules as a whole), each as it will be, in
 * the catalog document's JSON shape. What the draft shows is the live
 * catalog with those objects put over it, read afresh each time, so a
 * live change made meanwhile (the admin API, an import) to another
 * object is never lost by a publish.
 *
 * One model, no second set of rules: every save checks the whole
 * drafted document with the checks `ecomctl catalog import` runs
 * (svc/catalog_import.h), and a publish writes it with
 * ec_catalog_write(), audits each object it changed (before and after)
 * in the same transaction, and tells the workers (svc/invalidate.h).
 *
 * Invariants:
 *   - a save or publish locks the tenant's row, as catalog edits and
 *     imports do: they run one after the other;
 *   - a saved object that equals the live one leaves the draft (a change
 *     undone is no change);
 *   - a refused save or publish writes nothing;
 *   - a publish empties the draft and its schedule in the transaction
 *     that makes it live.
 */
#ifndef EC_SVC_CATALOG_DRAFT_H
#define EC_SVC_CATALOG_DRAFT_H

#include <stdint.h>

#include "core/check.h"
#include "svc/audit.h"
#include "svc/catalog_edit.h"

struct ec_catalog;
struct ec_db;
struct ec_kv;
struct json_object;

/* The audit log's and the draft's name of the channel rules. */
#define EC_CATALOG_RULES_TYPE "channel_rules"

/*
 * What the draft shows: ec_catalog_edit_list() and ec_catalog_edit_get()
 * with the draft's objects put over the live ones.
 */
int ec_catalog_draft_list(struct ec_db *db, const char *slug,
                          enum ec_catalog_kind k, struct json_object **out);
int ec_catalog_draft_get(struct ec_db *db, const char *slug,
                         enum ec_catalog_kind k, const char *key,
                         struct json_object **out);

/*
 * The whole catalog document as the draft shows it (*out, the caller's):
 * for a page that needs several of its parts, read once.
 */
int ec_catalog_draft_document(struct ec_db *db, const char *slug,
                              struct json_object **out);

/*
 * Save obj into the draft as the object key of kind k: what
 * ec_catalog_edit_put() does (the same arguments, errors and paths), but
 * into the draft, not live, and without telling the workers. who is
 * the draft's author, and the save is audited as theirs in its
 * transaction (object type "catalog_draft", id "<type>:<key>", "save",
 * "retire" or "remove", the draft's object before and after); the live
 * object's own audit rows come with the publish. A save that leaves the
 * draft as it was writes and records nothing.
 */
int ec_catalog_draft_put(struct ec_db *db, const char *slug,
                         enum ec_catalog_kind k, const char *key,
                         struct json_object *obj, enum ec_catalog_put_mode mode,
                         const struct ec_audit_actor *who,
                         struct ec_check_error *err, struct json_object **after,
                         int *created);

/* ec_catalog_edit_remove() into the draft: a product retired, a campaign
   or channel removed. */
int ec_catalog_draft_remove(struct ec_db *db, const char *slug,
                            enum ec_catalog_kind k, const char *key,
                            const struct ec_audit_actor *who,
                            struct ec_check_error *err,
                            struct json_object **before);

/*
 * Save rules (a JSON array in the document's "channel_rules" shape) as
 * the draft's channel rules; *after gets them as stored. Errors as
 * ec_catalog_draft_put(), a bad rule's path as "$[2].value".
 */
int ec_catalog_draft_put_rules(struct ec_db *db, const char *slug,
                               struct json_object *rules,
                               const struct ec_audit_actor *who,
                               struct ec_check_error *err,
                               struct json_object **after);

/*
 * The draft's changes as a new JSON array (*out, the caller's), oldest
 * first: {"type", "key", "action" (create, update, retire or delete),
 * "updated_by", "updated_at" (UTC seconds), "live_changed" (the live
 * object changed since it was drafted)}. 0 or an error.
 */
int ec_catalog_draft_changes(struct ec_db *db, const char *slug,
                             struct json_object **out);

/* Drop the draft's change of type ("product", "campaign", "channel",
   "channel_rules") and key, or, with type NULL, the whole draft and its
   schedule; audited as who ("catalog_draft", "discard") when there was
   something to drop. 0 (also when there was nothing) or an error. */
int ec_catalog_draft_discard(struct ec_db *db, const char *slug,
                             const char *type, const char *key,
                             const struct ec_audit_actor *who);

/*
 * Publish the draft: the live catalog with the draft put over it,
 * checked and written as an import is, each object that changed audited
 * as who ("create", "update", "retire", "delete"), the draft and its
 * schedule emptied, then the workers told (kv may be NULL). *changed
 * gets the number of objects that changed (0 for an empty draft, which
 * is no error). EC_ERR_INVALID_FIELD with err's path in the whole
 * document ("$.products[3].monthly_price") when it breaks a rule:
 * nothing is written.
 */
int ec_catalog_draft_publish(struct ec_db *db, struct ec_kv *kv,
                             const char *slug, const struct ec_audit_actor *who,
                             struct ec_check_error *err, int *changed);

/* A tenant's scheduled publication. */
struct ec_catalog_schedule {
    int64_t publish_at;   /* UTC seconds; 0: none pending */
    char by[201];         /* who scheduled it */
    char last_error[501]; /* why the last scheduled publish failed, or "" */
};

/*
 * Publish the draft at instant at as who: the draft is checked now (err
 * as for a publish), the schedule replaced, and the scheduling audited
 * ("catalog_draft", "schedule"). EC_ERR_NOT_FOUND when the draft is
 * empty.
 */
int ec_catalog_draft_schedule(struct ec_db *db, const char *slug, int64_t at,
                              const struct ec_audit_actor *who,
                              struct ec_check_error *err);

/* Cancel the schedule (audited "unschedule" when there was one). */
int ec_catalog_draft_unschedule(struct ec_db *db, const char *slug,
                                const struct ec_audit_actor *who);

/* The tenant's schedule into *s (all empty when none). */
int ec_catalog_draft_schedule_get(struct ec_db *db, const char *slug,
                                  struct ec_catalog_schedule *s);

/*
 * Publish every draft whose time has come (at or before now, UTC
 * seconds), each as who scheduled it: the delivery process's job. One
 * that breaks a rule is not published: its schedule keeps the reason
 * and waits for a person. *published gets how many were published.
 * 0 or the database's error.
 */
int ec_catalog_draft_publish_due(struct ec_db *db, struct ec_kv *kv,
                                 int64_t now, int *published);

/*
 * A snapshot of the tenant's catalog for a preview (svc/catalog.h): the
 * live catalog with the draft put over it, into *out (the caller frees
 * it with ec_catalog_free()), its CMS content the live one (a preview of
 * the live catalog alone is ec_catalog_load()). EC_ERR_INVALID_FIELD
 * when the drafted document breaks a rule (a live change made it so
 * since), or the database's error.
 */
int ec_catalog_draft_snapshot(struct ec_db *db, const char *slug,
                              struct ec_catalog **out);

#endif
