/*
 * Editing one object of a tenant's catalog: a product (by SKU), a
 * campaign or a channel (by code), in the JSON shape the catalog document
 * gives it (docs/catalog.md), for the admin API now and the panel's forms
 * later.
 *
 * One model, no second set of rules: an edit reads the tenant's document
 * from MySQL (as ecomctl catalog export does), replaces or removes the
 * one object in it, checks the whole document with the very checks
 * ecomctl catalog import runs (svc/catalog_import.h), and writes it with
 * ec_catalog_write() in one transaction with the audit row of the change
 * (svc/audit.h: the object before and after), then tells the workers
 * (svc/invalidate.h), so the next storefront request sees it.
 *
 * Invariants:
 *   - the tenant's row is locked for the transaction: two edits (or an
 *     edit and an import) of one tenant run one after the other, and
 *     neither loses the other's change;
 *   - a refused edit writes nothing, the audit row included;
 *   - an edit that changes nothing writes nothing and records nothing;
 *   - a product is never deleted, only retired (orders refer to it);
 *     campaigns and channels are deleted as an import without them would
 *     (a channel still named by a product or rule is refused, with the
 *     path of what names it).
 */
#ifndef EC_SVC_CATALOG_EDIT_H
#define EC_SVC_CATALOG_EDIT_H

#include "core/check.h"
#include "svc/audit.h"

struct ec_db;
struct ec_kv;
struct json_object;

enum ec_catalog_kind {
    EC_CATALOG_PRODUCT,  /* "products", keyed by "sku" (ignoring case) */
    EC_CATALOG_CAMPAIGN, /* "campaigns", keyed by "code" */
    EC_CATALOG_CHANNEL,  /* "channels", keyed by "code" */
};

/* "product", "campaign", "channel": the audit log's object types. */
const char *ec_catalog_kind_name(enum ec_catalog_kind k);

/*
 * The tenant slug's objects of kind k as a new JSON array, in the
 * document's canonical order (*out: the caller's). 0, EC_ERR_NOT_FOUND
 * (no such tenant), or the database's error.
 */
int ec_catalog_edit_list(struct ec_db *db, const char *slug,
                         enum ec_catalog_kind k, struct json_object **out);

/* The one object key of kind k into *out (the caller's), as in the list.
   0, EC_ERR_NOT_FOUND (no tenant or no object), or the database's error. */
int ec_catalog_edit_get(struct ec_db *db, const char *slug,
                        enum ec_catalog_kind k, const char *key,
                        struct json_object **out);

/* How a put treats an object that exists already. */
enum ec_catalog_put_mode {
    EC_CATALOG_PUT_REPLACE, /* create or replace (PUT) */
    EC_CATALOG_PUT_CREATE,  /* create only: EC_ERR_CONFLICT if it exists */
    EC_CATALOG_PUT_UPDATE,  /* replace only: EC_ERR_NOT_FOUND if it does not
                               (a form of an object never makes one) */
};

/*
 * Put obj (borrowed) as the object key of kind k: its key field ("sku"
 * or "code") is key, filled in when obj leaves it out (with key NULL,
 * obj must carry it). Audited as who, "create" or "update".
 *
 * Returns 0 with *after (the object as stored, the caller's) and
 * *created; EC_ERR_INVALID_FIELD with err naming the bad field by its
 * path in obj ("$.monthly_price"), or by its path in the document when
 * the fault is elsewhere (a campaign naming a SKU that left); a key field
 * that is not key is "$.sku" or "$.code"; EC_ERR_CONFLICT (create only,
 * the object exists); EC_ERR_NOT_FOUND (no tenant, or update only and no
 * such object); or the database's
 * error. Nothing is written unless 0 is returned. kv (may be NULL) is
 * told after the commit; a failure to tell it is logged, not returned:
 * the change is made.
 */
int ec_catalog_edit_put(struct ec_db *db, struct ec_kv *kv, const char *slug,
                        enum ec_catalog_kind k, const char *key,
                        struct json_object *obj, enum ec_catalog_put_mode mode,
                        const struct ec_audit_actor *who,
                        struct ec_check_error *err, struct json_object **after,
                        int *created);

/*
 * Retire the product key ("retire", its status set to "retired"), or
 * delete the campaign or channel key ("delete"), audited as who. 0 with
 * *before (the object before, the caller's); EC_ERR_NOT_FOUND;
 * EC_ERR_INVALID_FIELD with err when the document would break a rule
 * without it (a channel still in use); or the database's error.
 */
int ec_catalog_edit_remove(struct ec_db *db, struct ec_kv *kv, const char *slug,
                           enum ec_catalog_kind k, const char *key,
                           const struct ec_audit_actor *who,
                           struct ec_check_error *err,
                           struct json_object **before);

/* ---- the document's parts, for the draft (svc/catalog_draft.h) ---- */

struct ec_catalog_tenant;

/*
 * Read the tenant slug (locked till the end of the transaction when lock
 * is set) into *t and its catalog as a document into *doc (the caller's),
 * in canonical order. 0, EC_ERR_NOT_FOUND or the database's error; t is
 * the caller's to release (ec_catalog_tenant_release) either way.
 */
int ec_catalog_edit_doc(struct ec_db *db, const char *slug, int lock,
                        struct ec_catalog_tenant *t, struct json_object **doc);

/* The array of kind k in the document doc (borrowed; NULL without one). */
struct json_object *ec_catalog_edit_array(struct json_object *doc,
                                          enum ec_catalog_kind k);

/* The index of the object key of kind k in arr, or -1. */
int ec_catalog_edit_find(enum ec_catalog_kind k, struct json_object *arr,
                         const char *key);

/* The object key of kind k in arr into *out (a new reference), or NULL:
   0, or EC_ERR_NOT_FOUND. */
int ec_catalog_edit_pick(enum ec_catalog_kind k, struct json_object *arr,
                         const char *key, struct json_object **out);

/* The key of object o of kind k, or NULL. */
const char *ec_catalog_edit_key(enum ec_catalog_kind k, struct json_object *o);

/* A copy of obj (the caller's) whose key field is key, checked or filled
   in; NULL with err's path set when it cannot be (no path: no memory). */
struct json_object *ec_catalog_edit_keyed(enum ec_catalog_kind k,
                                          struct json_object *obj,
                                          const char *key,
                                          struct ec_check_error *err);

/*
 * A channel made the default takes it over: when the object at index idx
 * of arr (kind k's array) is a channel with "default": true, every other
 * channel of arr that says so loses it (replaced by a copy without it).
 * Those channels as they were, in a new JSON array (the caller's), or
 * NULL when none gave it up.
 */
struct json_object *ec_catalog_edit_take_default(enum ec_catalog_kind k,
                                                 struct json_object *arr,
                                                 int idx);

/* err's path into the object at index idx of kind k's array made a path
   in the object ("$.products[3].fees" becomes "$.fees"); idx < 0: kept. */
void ec_catalog_edit_relative(struct ec_check_error *err,
                              enum ec_catalog_kind k, int idx);
/*
 * Replace the document's channel_rules, the ordered list of rules that
 * pick a request's channel (docs/catalog.md), with rules (borrowed, a
 * JSON array of rules in the document's shape), checked as an import
 * checks them and audited as who: object type and id "channel_rules",
 * action "update", the list before and after. 0 with *after (the list as
 * stored, the caller's); EC_ERR_INVALID_FIELD with err naming the bad
 * field by its path in the list ("$[2].channel"); EC_ERR_NOT_FOUND (no
 * tenant); or the database's error. Nothing is written unless 0 is
 * returned; a list equal to the stored one writes and records nothing.
 */
int ec_catalog_edit_put_rules(struct ec_db *db, struct ec_kv *kv,
                              const char *slug, struct json_object *rules,
                              const struct ec_audit_actor *who,
                              struct ec_check_error *err,
                              struct json_object **after);

#endif
