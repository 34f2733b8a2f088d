/*
 * Importing a catalog document: checking a JSON value against the
 * document's rules (docs/catalog.md) into a struct ec_catalog_doc, and
 * applying a checked document to a tenant in one transaction
 * (svc/catalog_write.h does the writing).
 *
 * The check is pure (no I/O) so the rules can be tested alone. It names
 * the first field, in document order, that breaks a rule, as a JSON path
 * with a message (core/check.h). A product or campaign is put to the
 * promotion engine's legal guard (svc/promotion.h) once it is otherwise
 * well formed, so the guard's refusal comes after the product's or
 * campaign's own format errors and before the next one's.
 */
#ifndef EC_SVC_CATALOG_IMPORT_H
#define EC_SVC_CATALOG_IMPORT_H

#include "core/check.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_write.h"

struct ec_db;

/*
 * Check the JSON value json against the document's rules and fill doc
 * (initialised and empty) with it; local campaign times are read in zone
 * (borrowed; with NULL they are refused and only times with an offset
 * do). Returns 0, or EC_ERR_INVALID_FIELD with err naming the first
 * field that breaks a rule (doc then holds a partial result that only
 * ec_catalog_doc_release may touch). json stays the caller's.
 */
int ec_catalog_doc_parse(struct ec_catalog_doc *doc, struct json_object *json,
                         const struct ec_tztime_zone *zone,
                         struct ec_check_error *err);

/* Check json without keeping the result: 0 or EC_ERR_INVALID_FIELD. */
int ec_catalog_doc_validate(struct json_object *json,
                            const struct ec_tztime_zone *zone,
                            struct ec_check_error *err);

/*
 * Validate the catalog document json (local times in the tenant's zone,
 * so the tenant is read first, and locked, so two imports of one tenant
 * run one after the other) and apply it to the tenant slug in one
 * transaction. After the commit, emit gets one line per change as
 * ec_catalog_write() describes them, or the single line "no changes".
 *
 * Returns 0; EC_ERR_INVALID_FIELD with *err naming the first invalid
 * field, a refusal of the legal guard included (nothing was written);
 * EC_ERR_NOT_FOUND for an unknown tenant; or the database's error
 * (EC_ERR_UNAVAILABLE, EC_ERR_CONFLICT, EC_ERR_INTERNAL), after which the
 * transaction was rolled back and emit was not called. json stays the
 * caller's. Bumping the tenant's data version afterwards is the caller's
 * job.
 */
int ec_catalog_import(struct ec_db *db, const char *slug,
                      struct json_object *json, struct ec_check_error *err,
                      ec_catalog_emit_fn emit, void *ctx);

#endif
