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

struct ec_db;
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
    const char *headline;
    struct json_object *body;    /* rich text (render/richtext.h) */
    struct ec_cms_image image;   /* url NULL without one */
    struct json_object *bullets; /* array of strings */
};

/*
 * Read tenant_id's live productContent entries and assets and its locale
 * map into *out (the caller frees it). 0 or a store error.
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

#endif
