/*
 * Exporting a catalog: a tenant's whole catalog, its campaigns included,
 * as one catalog document in JSON (docs/catalog.md). An export is
 * deterministic (the canonical order of ec_catalog_doc_sort), writes
 * campaign times with the offset of the tenant's time zone, and
 * importing it changes nothing.
 */
#ifndef EC_SVC_CATALOG_EXPORT_H
#define EC_SVC_CATALOG_EXPORT_H

#include "svc/catalog_doc.h"

struct ec_db;
struct json_object;

/*
 * doc as a new json-c value in the documented format, fields in the order
 * docs/catalog.md shows them; optional fields that are unset (a channel
 * that is not the default, a rule's missing param, a placement's missing
 * name, narrowing or price, an add-on or campaign offered in every
 * channel) are left out, only plans carry "addons", and a campaign's
 * other defaults are written out. Campaign times are written as RFC 3339
 * with zone's offset at that instant (borrowed; NULL: UTC, "+00:00").
 * The caller owns the result (json_object_put).
 */
struct json_object *ec_catalog_doc_to_json(const struct ec_catalog_doc *doc,
                                           const struct ec_tztime_zone *zone);

/*
 * The catalog of the tenant slug as a new catalog document in *out (the
 * caller owns it: json_object_put), read in one transaction so the parts
 * agree with each other. Returns 0, EC_ERR_NOT_FOUND for an unknown
 * tenant, or the database's error (EC_ERR_UNAVAILABLE, EC_ERR_INTERNAL).
 */
int ec_catalog_export(struct ec_db *db, const char *slug,
                      struct json_object **out);

#endif
