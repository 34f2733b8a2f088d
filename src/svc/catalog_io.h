/*
 * Catalog as code: a tenant's whole catalog (channels, channel rules,
 * products, how each product appears and what it costs in each channel,
 * add-on compatibility, campaigns) exported as one catalog document and
 * imported from one (docs/catalog.md; the document itself is
 * svc/catalog_doc.h).
 *
 * The tenant is named by its slug. Every statement on a catalog table
 * names the tenant's id in its WHERE clause (or sets it, for an INSERT),
 * so rows of another tenant are never read or written.
 *
 * An export is deterministic: channels in the order they were created,
 * rules in the order they are tried, products by SKU, each product's
 * channel entries by channel code and its add-ons by SKU, campaigns by
 * code. Campaign times are written with the offset of the tenant's time
 * zone (tenants.time_zone; UTC if it cannot be loaded) and local times in
 * a document are read in it; the database holds them in UTC. Importing an
 * export changes nothing.
 *
 * An import is declarative and all or nothing: in one transaction the
 * catalog becomes what the document says. Channels are matched by code
 * and products by SKU (ignoring case, as the database does); channels
 * and rules missing from the document are deleted, products missing from
 * it are retired, never deleted (orders may refer to them). A product's
 * channel entries and add-on list are replaced by the document's when
 * they differ. Campaigns are matched by code; those missing from the
 * document are deleted (no order refers to a campaign); an updated one
 * keeps its created_at (the engine's "newest"), and its products,
 * channels and actions are replaced when they differ. Nothing is written
 * when nothing differs. Telling the workers afterwards
 * (ec_invalidate_data()) is the caller's job.
 */
#ifndef EC_SVC_CATALOG_IO_H
#define EC_SVC_CATALOG_IO_H

struct ec_db;
struct ec_catalog_doc_error;
struct json_object;

/* Receives one human-readable line of an import's changes. */
typedef void (*ec_catalog_io_emit_fn)(const char *line, void *ctx);

/*
 * The catalog of the tenant slug as a new catalog document in *out (the
 * caller owns it: json_object_put). Read in one transaction, so the parts
 * agree with each other. Returns 0, EC_ERR_NOT_FOUND for an unknown
 * tenant, or the database's error (EC_ERR_UNAVAILABLE, EC_ERR_INTERNAL).
 */
int ec_catalog_io_export(struct ec_db *db, const char *slug,
                         struct json_object **out);

/*
 * Validate the catalog document json (local times in the tenant's zone,
 * so the tenant is read first) and apply it to the tenant slug in one
 * transaction. After the commit, emit gets one line per change, in this
 * order: channels ("added channel app", "updated channel web: name, kind
 * web_sub -> web_front", "removed channel x"), rules ("replaced channel
 * rules (3)"), products ("added product NL-5G-200", "updated product
 * NL-5G-100: monthly_price 19900 -> 17900, name, channels", "retired
 * product NL-OLD"), campaigns ("added campaign app-99", "updated campaign
 * app-99: valid_to 2027-02-01T00:00:00+01:00 -> 2027-03-01T00:00:00+01:00,
 * priority 10 -> 20, name, products, actions", "removed campaign old");
 * or the single line "no changes".
 *
 * Returns 0; EC_ERR_INVALID_FIELD with *err naming the first invalid
 * field, a refusal of the legal guard included (nothing was written);
 * EC_ERR_NOT_FOUND for an unknown tenant; or the database's error
 * (EC_ERR_UNAVAILABLE, EC_ERR_CONFLICT, EC_ERR_INTERNAL), after which the
 * transaction was rolled back and emit was not called. json stays the
 * caller's.
 */
int ec_catalog_io_import(struct ec_db *db, const char *slug,
                         struct json_object *json,
                         struct ec_catalog_doc_error *err,
                         ec_catalog_io_emit_fn emit, void *ctx);

#endif
