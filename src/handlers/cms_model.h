/*
 * The CMS content of a product as a page's model shows it
 * (docs/cms.md, "On the storefront"): the productContent of its SKU in
 * the shop's locale, from the catalog snapshot's content
 * (svc/cms_content.h), never from Contentful.
 */
#ifndef EC_HANDLERS_CMS_MODEL_H
#define EC_HANDLERS_CMS_MODEL_H

struct ec_request;
struct json_object;

/*
 * Add "content" to product (an offer's model with its "sku") when the
 * SKU has content: {"headline", "body_html" (rich text through
 * render/richtext.h's allow-list), "image": {"src", "srcset", "sizes",
 * "alt", "width", "height"} (only from the image origin), "bullets":
 * [...] , "has_bullets"}; members without a value are left out. Nothing
 * when there is no content.
 */
void ec_cms_decorate(const struct ec_request *req, struct json_object *product);

#define EC_CMS_BANNERS_MAX 8

/*
 * The banners of the request's channel shown now, as [{"text", "link",
 * "image"}] (at most EC_CMS_BANNERS_MAX), or NULL when there are none.
 * Per request, not memoised: a banner's validity is its own clock.
 */
struct json_object *ec_cms_banners_model(const struct ec_request *req);

/*
 * The model of the page slug: {"title", "blocks": [{"product": {…
 * as "content" above, "url"}} | {"banner": {…}}]} into *out (the
 * caller's). 0 or EC_ERR_NOT_FOUND.
 */
int ec_cms_page_model(const struct ec_request *req, const char *slug,
                      struct json_object **out);

#endif
