/*
 * A tenant's published CMS content as storefront pages read it: a
 * snapshot of its copy (svc/cms.h), loaded with its catalog snapshot
 * (svc/catalog.h) and dropped with it, so that a page view reads only the
 * worker's memory and a content change (which says "data:<slug>",
 * svc/invalidate.h) shows on the next view.
 *
 * Invariants: immutable once loaded; everything it hands out lives as
 * long as it does. Field values are chosen for a shop locale through the
 * tenant's locale map (cms_settings.locales, "da-DK=da,en=en-US"; a shop
 * locale not in it is looked up as itself), falling back to the first
 * value the field has (Contentful stores a field that is not localised
 * under the space's default locale only).
 */
#ifndef EC_SVC_CMS_CONTENT_H
#define EC_SVC_CMS_CONTENT_H

#include <stddef.h>
#include <stdint.h>

struct ec_db;
struct ec_tztime_zone;
struct json_object;

struct ec_cms_content;

/* An image of an asset: an https URL the Images API takes ?w= on. */
struct ec_cms_image {
    const char *url;    /* https://… without a query */
    const char *alt;    /* the asset's description, else its title, else "" */
    long width, height; /* of the original, 0 when unknown */
};

/* A productContent entry in one locale; NULL members are absent. */
struct ec_cms_product {
    const char *sku;
    const char *headline;
    struct json_object *body;    /* rich text (render/richtext.h) */
    struct ec_cms_image image;   /* url NULL without one */
    struct json_object *bullets; /* array of strings */
};

/* A banner in one locale: its text, its link (http(s) or a path of the
   shop, else NULL), its image. */
struct ec_cms_banner {
    const char *text;
    const char *link;
    struct ec_cms_image image;
};

#define EC_CMS_PAGE_BLOCKS_MAX 32

enum ec_cms_block_kind { EC_CMS_BLOCK_PRODUCT = 1, EC_CMS_BLOCK_BANNER };

/* A page (/p/{slug}) in one locale: its title and the blocks it links,
   in order, those that are published and of a kind pages show. */
struct ec_cms_page {
    const char *title;
    size_t n;
    struct {
        enum ec_cms_block_kind kind;
        struct ec_cms_product product;
        struct ec_cms_banner banner;
    } blocks[EC_CMS_PAGE_BLOCKS_MAX];
};

/*
 * Read tenant_id's live productContent, page and banner entries, assets
 * and locale map into *out (the caller frees it). 0 or a store error.
 */
int ec_cms_content_load(struct ec_db *db, long long tenant_id,
                        struct ec_cms_content **out);
void ec_cms_content_free(struct ec_cms_content *c);

/*
 * The productContent of sku (of the entries naming it, the one stored
 * last) in shop_locale into *out: 0, or
 * EC_ERR_NOT_FOUND when there is none (c may be NULL).
 */
int ec_cms_product(const struct ec_cms_content *c, const char *sku,
                   const char *shop_locale, struct ec_cms_product *out);

/*
 * The banners of channel (a channel code) shown at now (UTC seconds):
 * validFrom <= now < validTo, either absent meaning open; dates without
 * an offset in zone (the shop's). At most max into out, in the order
 * stored; banners without text, or with a date that does not parse, are
 * left out. Returns how many.
 */
size_t ec_cms_banners(const struct ec_cms_content *c, const char *channel,
                      int64_t now, const struct ec_tztime_zone *zone,
                      const char *shop_locale, struct ec_cms_banner *out,
                      size_t max);

/* The page of slug in shop_locale into *out: 0, or EC_ERR_NOT_FOUND
   when there is none (or it has no title). */
int ec_cms_page(const struct ec_cms_content *c, const char *slug,
                const char *shop_locale, struct ec_cms_page *out);

#endif
