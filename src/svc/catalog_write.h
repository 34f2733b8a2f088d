/*
 * Writing a catalog document to MySQL: the tenant's catalog becomes what
 * the document says, declaratively, inside the caller's transaction
 * (svc/catalog_import.h opens it, checks the document and commits).
 *
 * Channels are matched by code and products by SKU (ignoring case, as the
 * database does); channels and rules missing from the document are
 * deleted, products missing from it are retired, never deleted (orders
 * may refer to them). A product's placements and add-on list are
 * replaced by the document's when they differ. Campaigns are matched by
 * code; those missing from the document are deleted (no order refers to a
 * campaign); an updated one keeps its created_at (the engine's "newest"),
 * and its products, channels and actions are replaced when they differ.
 * Nothing is written when nothing differs. Every statement names the
 * tenant's id.
 */
#ifndef EC_SVC_CATALOG_WRITE_H
#define EC_SVC_CATALOG_WRITE_H

#include <stddef.h>

#include "core/arena.h"
#include "svc/catalog_doc.h"

struct ec_db;
struct ec_catalog_tenant;

/* Receives one human-readable line of an import's changes. */
typedef void (*ec_catalog_emit_fn)(const char *line, void *ctx);

/* What a write changed, one line each, in the order they happened. */
struct ec_catalog_changes {
    struct ec_arena arena; /* owns the lines */
    const char **lines;
    size_t n;
    size_t cap;
};

void ec_catalog_changes_init(struct ec_catalog_changes *ch);
void ec_catalog_changes_release(struct ec_catalog_changes *ch);

/* Each line to emit, or the single line "no changes". */
void ec_catalog_changes_emit(const struct ec_catalog_changes *ch,
                             ec_catalog_emit_fn emit, void *ctx);

/*
 * Make tenant t's catalog what want (a checked document) says, in the
 * caller's transaction, recording one line per change into changes, in
 * this order: channels ("added channel app", "updated channel web: kind
 * web_sub -> web_front, name", "removed channel x"), rules ("replaced
 * channel rules (3)"), products ("added product NL-5G-200", "updated
 * product NL-5G-100: monthly_price 19900 -> 17900, name, channels",
 * "retired product NL-OLD"), campaigns ("added campaign app-99", "updated
 * campaign app-99: valid_to 2027-02-01T00:00:00+01:00 ->
 * 2027-03-01T00:00:00+01:00, priority 10 -> 20, name, products, actions",
 * "removed campaign old"); times in t's zone. Returns 0 or the database's
 * error (the caller rolls back).
 */
int ec_catalog_write(struct ec_db *db, const struct ec_catalog_tenant *t,
                     const struct ec_catalog_doc *want,
                     struct ec_catalog_changes *changes);

#endif
