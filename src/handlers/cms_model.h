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

#endif
