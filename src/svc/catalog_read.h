/*
 * The one reader of the catalog tables (channels, channel_rules,
 * products, product_channels, addon_compat, campaigns and theirs): it
 * fills a catalog document (svc/catalog_doc.h), which the export writes
 * as JSON, the import compares with what it applies, and the per-worker
 * snapshot is built from (svc/catalog.h).
 *
 * Every statement names the tenant's id in its WHERE clause. Each SELECT
 * is declared with its columns as a list (one name per column), from
 * which both the statement's text and the enum of column positions are
 * made, so a column added to a SELECT cannot shift the others; the
 * products' and placements' attributes come from their tables
 * (svc/product_attr.h), the statement's text made once.
 */
#ifndef EC_SVC_CATALOG_READ_H
#define EC_SVC_CATALOG_READ_H

#include "svc/catalog_doc.h"

struct ec_db;

/* A tenant as catalog tools need it: its id and time zone. */
struct ec_catalog_tenant {
    long long id;
    char zone_name[65];
    struct ec_tztime_zone *zone; /* NULL when it cannot be loaded */
};

/*
 * The tenant slug into *t, with its time zone loaded (released by
 * ec_catalog_tenant_release); locked till the end of the transaction when
 * lock is set. A zone that cannot be loaded leaves t->zone NULL
 * (logged): documents are then written in UTC and local times in them
 * refused, never guessed at. Returns 0, EC_ERR_NOT_FOUND, or the
 * database's error.
 */
int ec_catalog_tenant_read(struct ec_db *db, const char *slug, int lock,
                           struct ec_catalog_tenant *t);
void ec_catalog_tenant_release(struct ec_catalog_tenant *t);

/*
 * The catalog of tenant_id into doc (initialised and empty), ids
 * included: channels by id (the order they were made), rules in the
 * order they are tried, products in SKU byte order with their placements
 * by channel id and add-ons by add-on id (channels of an add-on by id),
 * campaigns by id with their products and channels by id and actions by
 * position. Rows naming a channel or product that does not exist are
 * skipped. A fee action reads back in the document's canonical form
 * (first_month 1, months 0). Runs in the caller's transaction, if any.
 * Returns 0 or the database's error (doc then holds a partial result).
 */
int ec_catalog_read(struct ec_db *db, long long tenant_id,
                    struct ec_catalog_doc *doc);

#endif
