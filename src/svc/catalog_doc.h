/*
 * The catalog document ("ecom-catalog/1", docs/catalog.md): a tenant's
 * whole catalog (channels, channel rules, products, campaigns) as C
 * structures, built from the catalog model (svc/product.h: products;
 * svc/promotion.h: campaigns). Who fills and reads one:
 *   - svc/catalog_read.h reads it from MySQL (the one reader of the
 *     catalog tables);
 *   - svc/catalog_import.h checks a JSON value against the document's
 *     rules and fills it, and applies it (svc/catalog_write.h);
 *   - svc/catalog_export.h writes it as JSON;
 *   - svc/catalog.h builds the per-worker snapshot from it.
 *
 * Invariants of a struct ec_catalog_doc filled by ec_catalog_doc_parse:
 *   - it obeys every rule of docs/catalog.md: channel codes, SKUs and
 *     campaign codes are unique (SKUs ignoring case, as the database
 *     compares them), exactly one channel is the default, every channel or
 *     SKU named anywhere exists in the document, add-ons hang on plans only
 *     and name add-on products, channel entries only narrow the product's
 *     options;
 *   - every product and campaign passed the legal guard of the promotion
 *     engine (svc/promotion.h): nobody is bound for more than 6 months,
 *     directly or through a campaign's benefit;
 *   - ids (channels, products, campaigns) are the database's when it was
 *     read from MySQL, 0 when it was parsed;
 *   - campaign times are instants (UTC seconds) the database can hold;
 *   - strings are valid UTF-8 without NUL, within the columns' lengths;
 *   - every pointer in it points into doc->arena, so the JSON value it was
 *     parsed from may be freed at once; ec_catalog_doc_release frees all.
 *
 * Channels and rules keep their order (rules are tried in order), and so
 * do a campaign's actions (they apply in order); the order of products,
 * channel entries, add-ons, campaigns and their lists carries no meaning,
 * and ec_catalog_doc_sort gives them the canonical one that exports use.
 *
 * Campaign times are read and written in a time zone (the tenant's): a
 * time with an offset names its instant alone, a local time is read in
 * the zone, and instants are written with the zone's offset at that
 * instant, so writing and reading back gives the same instants.
 */
#ifndef EC_SVC_CATALOG_DOC_H
#define EC_SVC_CATALOG_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "svc/product.h"
#include "svc/promotion.h"

struct ec_tztime_zone;

#define EC_CATALOG_DOC_FORMAT "ecom-catalog/1"

/* At most this many campaigns: the engine prices with all of them. */
#define EC_CATALOG_DOC_MAX_CAMPAIGNS EC_PROMOTION_MAX_CAMPAIGNS

enum ec_channel_kind {
    EC_CHANNEL_WEB_FRONT,
    EC_CHANNEL_WEB_SUB,
    EC_CHANNEL_APP,
    EC_CHANNEL_OUTBOUND,
    EC_CHANNEL_CUSTOM,
};

enum ec_rule_kind { EC_RULE_PATH_PREFIX, EC_RULE_QUERY_PARAM, EC_RULE_HEADER };

/* Name tables, NULL-terminated, index = enum value (svc/product.h's
   ec_name_index parses them). */
extern const char *const ec_channel_kind_names[]; /* "web_front", ... */
extern const char *const ec_rule_kind_names[];    /* "path_prefix", ... */

struct ec_catalog_doc_channel {
    long long id; /* the database's, or 0 */
    const char *code;
    const char *name;
    enum ec_channel_kind kind;
    int is_default;
};

struct ec_catalog_doc_rule {
    enum ec_rule_kind kind;
    const char *param; /* NULL for path_prefix */
    const char *value;
    const char *channel; /* a channel code of the document */
};

/*
 * A campaign's actions keep their order; an action's value is øre for
 * fixed_price, amount_off and reduce_fee ("amount" in the document),
 * basis points for percent_off ("percent_bp"), 0 for waive_fee, as
 * campaign_actions.value stores it. first_month is 1 or more and months
 * 0 for fee actions, the document's canonical form.
 */
struct ec_catalog_doc {
    struct ec_arena arena; /* owns everything below */
    struct ec_catalog_doc_channel *channels;
    size_t nchannels;
    struct ec_catalog_doc_rule *rules;
    size_t nrules;
    struct ec_product *products;
    size_t nproducts;
    struct ec_promotion_campaign *campaigns;
    size_t ncampaigns;
};

/* An empty document with its own arena. */
void ec_catalog_doc_init(struct ec_catalog_doc *doc);

/* Free everything doc holds; it may be initialised again. */
void ec_catalog_doc_release(struct ec_catalog_doc *doc);

/*
 * Put products in SKU order, each product's placements in channel code
 * order and its add-ons in SKU order (each add-on's channels in code
 * order); campaigns in code order, each with its products by SKU and its
 * channels by code. Channels, rules and actions keep their order. Byte
 * order, so the result does not depend on a database collation.
 */
void ec_catalog_doc_sort(struct ec_catalog_doc *doc);

/*
 * Write instant t as catalog documents do, RFC 3339 with zone's offset
 * (UTC when zone is NULL), into buf of EC_TZTIME_RFC3339_SIZE bytes.
 * Returns buf ("" for an instant outside years 0-9999).
 */
const char *ec_catalog_doc_time(const struct ec_tztime_zone *zone, int64_t t,
                                char *buf, size_t size);

#endif
