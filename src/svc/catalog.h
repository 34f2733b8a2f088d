/*
 * The catalog service: one tenant's channels, channel rules, products, how
 * each product appears in each channel, and add-on compatibility, held as
 * an immutable snapshot per worker.
 *
 * A snapshot is loaded from MySQL on first use and kept until the worker
 * is told the tenant's data changed (svc/invalidate.h), so a warm
 * storefront page view runs no MySQL query and no Redis round trip. Everything
 * a snapshot points to lives in its own arena and dies with it; callers may
 * hold pointers into it for the current request only.
 *
 * Invariants of a snapshot:
 *   - it is built from a catalog document (svc/catalog_doc.h), read by
 *     the one reader of the catalog tables (svc/catalog_read.h), and
 *     keeps it: products and campaigns are the document's own structs
 *     (svc/product.h, svc/promotion.h), never copies of their fields;
 *   - exactly one channel is the default (building refuses otherwise);
 *   - each channel's offers are the products visible there with status
 *     active, sorted by the channel's sort order, then SKU; an offer's SIM
 *     types and binding periods are the product's narrowed by the channel
 *     (never widened, never empty);
 *   - campaigns are in id order (the engine's explanations follow it).
 */
#ifndef EC_SVC_CATALOG_H
#define EC_SVC_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "svc/catalog_doc.h"
#include "svc/product.h"
#include "svc/promotion.h"

struct ec_arena;
struct ec_cms_content;
struct ec_db;

#define EC_CHANNEL_MEMOS 4

struct ec_channel {
    long long id;
    const char *code;
    const char *name;
    enum ec_channel_kind kind;
    int is_default;
    struct ec_offer *offers; /* visible, active, sorted */
    size_t noffers;
    void *memo[EC_CHANNEL_MEMOS]; /* see ec_catalog_memoize() */
};

struct ec_channel_rule {
    enum ec_rule_kind kind;
    const char *param; /* query parameter or header name */
    const char *value;
    const struct ec_channel *channel;
};

/* A product as one channel shows it: its placement there, resolved. */
struct ec_offer {
    const struct ec_product *product;
    const struct ec_channel *channel;
    const char *display_name; /* the channel's name, else the product's */
    long long monthly_price;  /* the channel's base price, else the
                                 product's */
    long long sort_order;
    unsigned binding_months; /* the product's set narrowed by the channel */
    unsigned sim_types;      /* likewise */
};

/* Add-on addon fits plan; channel NULL = in every channel. */
struct ec_addon_fit {
    const struct ec_product *plan;
    const struct ec_product *addon;
    const struct ec_channel *channel;
};

struct ec_catalog {
    long long tenant_id;
    struct ec_catalog_doc doc; /* what it was built from; owns everything */
    struct ec_arena *arena;    /* &doc.arena */
    struct ec_channel *channels;
    size_t nchannels;
    struct ec_channel_rule *rules; /* in the order they are tried */
    size_t nrules;
    const struct ec_product *products; /* the document's */
    size_t nproducts;
    struct ec_addon_fit *fits;
    size_t nfits;
    const struct ec_promotion_campaign *campaigns; /* the document's, by id */
    size_t ncampaigns;
    const struct ec_channel *default_channel;
    /* the tenant's published CMS content (svc/cms_content.h), loaded and
       dropped with the snapshot; NULL in a snapshot made from a document
       alone */
    struct ec_cms_content *cms;
};

/* ---- reading a snapshot (pure, no I/O) ---- */

/* The channel with this code, or NULL. */
const struct ec_channel *ec_catalog_channel(const struct ec_catalog *c,
                                            const char *code);

/* The offer of sku in channel, or NULL when it is not offered there
   (unknown, hidden, draft or retired: all look the same). */
const struct ec_offer *ec_catalog_offer(const struct ec_channel *ch,
                                        const char *sku);

/*
 * The add-ons offered with plan in channel ch, in the channel's order,
 * written to out (at most max); returns how many there are (which may
 * exceed max).
 */
size_t ec_catalog_addons_for(const struct ec_catalog *c,
                             const struct ec_channel *ch,
                             const struct ec_product *plan,
                             const struct ec_offer **out, size_t max);

/*
 * Memos: what callers derive from a channel's offers (a rendered list, a
 * serialised answer) is the same for every request until the snapshot is
 * replaced (or a campaign starts or ends), so they may keep it on the
 * channel: ec_catalog_memo() returns what slot holds (NULL at first),
 * ec_catalog_memoize() stores data there, freeing what the slot held, and
 * free_fn(data) runs when the snapshot is freed. A snapshot is otherwise
 * immutable; memos are the one cache it carries.
 */
void *ec_catalog_memo(const struct ec_channel *ch, unsigned slot);
void ec_catalog_memoize(const struct ec_catalog *c, const struct ec_channel *ch,
                        unsigned slot, void *data, void (*free_fn)(void *));

/*
 * A snapshot of tenant tenant_id built from doc, which it takes over
 * (doc is left empty, to be released or filled again), into *out (freed
 * by ec_catalog_free). Returns 0, or EC_ERR_INVALID_FIELD (doc then
 * released) when the document has channels but not exactly one default.
 * Placements and add-ons naming a channel or product the document lacks
 * are left out.
 */
int ec_catalog_from_doc(struct ec_catalog_doc *doc, long long tenant_id,
                        struct ec_catalog **out);

/* ---- prices ---- */

/*
 * What offer o costs with binding months and SIM type sim at instant `at`
 * (UTC seconds), the tenant's campaigns applied by the promotion engine
 * (svc/promotion.h), into *out. vat_rate_bp is the tenant's. Returns 0 or
 * EC_ERR_INVALID_FIELD when the binding or SIM type is not offered.
 */
int ec_catalog_price(const struct ec_catalog *c, const struct ec_offer *o,
                     int binding, enum ec_sim_type sim, int64_t at,
                     int vat_rate_bp, struct ec_promotion_breakdown *out);

/* The code of campaign cp (one of c->campaigns). */
const char *ec_catalog_campaign_code(const struct ec_catalog *c,
                                     const struct ec_promotion_campaign *cp);

/*
 * The first instant after `at` at which some campaign starts or ends, or
 * INT64_MAX: prices derived at `at` hold until then.
 */
int64_t ec_catalog_next_change(const struct ec_catalog *c, int64_t at);

/* ---- the per-worker cache ---- */

struct ec_catalog_cache;

struct ec_catalog_cache *ec_catalog_cache_new(void);
void ec_catalog_cache_free(struct ec_catalog_cache *cc);

/*
 * The catalog of the tenant (id and slug), loaded from MySQL when the
 * cache has none. Returns 0 and *out; EC_ERR_UNAVAILABLE when MySQL is
 * down and nothing is cached; EC_ERR_INTERNAL when the stored catalog
 * breaks an invariant (logged). Freshness is kept by dropping entries
 * when told the data changed (svc/invalidate.h).
 */
int ec_catalog_get(struct ec_catalog_cache *cc, struct ec_db *db,
                   long long tenant_id, const char *slug,
                   const struct ec_catalog **out);

/* Forget the catalog of slug, or every catalog. */
void ec_catalog_cache_drop(struct ec_catalog_cache *cc, const char *slug);
void ec_catalog_cache_clear(struct ec_catalog_cache *cc);

/* Read a snapshot from MySQL (svc/catalog_read.h, then
   ec_catalog_from_doc) with the tenant's CMS content
   (svc/cms_content.h); the caller frees it. */
int ec_catalog_load(struct ec_db *db, long long tenant_id,
                    struct ec_catalog **out);
void ec_catalog_free(struct ec_catalog *c);

/* "web_front", "web_sub", ... for JSON. */
const char *ec_channel_kind_name(enum ec_channel_kind k);

#endif
