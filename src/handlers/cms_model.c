#include "handlers/cms_model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "handlers/env.h"
#include "http/request.h"
#include "render/richtext.h"
#include "svc/catalog.h"
#include "svc/cms_content.h"
#include "svc/tenant.h"

/* The widths offered in srcset; a wider original is scaled down by the
   Images API (?w=), a narrower one is never scaled up. */
static const long widths[] = {320, 640, 960, 1280};
#define DEFAULT_WIDTH 640

/* The image's URL with https: when it starts with "//": into b. */
static void
absolute(struct ec_buf *b, const char *url)
{
    if (strncmp(url, "//", 2) == 0)
        ec_buf_adds(b, "https:");
    ec_buf_adds(b, url);
}

static struct json_object *
image_json(const struct ec_cms_image *im, const char *origin)
{
    struct ec_buf url = EC_BUF_INIT, set = EC_BUF_INIT;
    struct json_object *o;
    size_t n = strlen(origin);
    long src_w = DEFAULT_WIDTH;

    absolute(&url, im->url);
    /* the CSP lets images come from this origin only */
    if (strncmp(url.data, origin, n) != 0 || url.data[n] != '/') {
        ec_buf_release(&url);
        return NULL;
    }
    if (im->width > 0 && im->width < src_w)
        src_w = im->width;
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        if (im->width > 0 && widths[i] > im->width)
            break;
        ec_buf_addf(&set, "%s%s?w=%ld %ldw", set.len ? ", " : "", url.data,
                    widths[i], widths[i]);
    }
    o = json_object_new_object();
    ec_buf_addf(&url, "?w=%ld", src_w); /* srcset is written: url is free */
    json_object_object_add(o, "src", json_object_new_string(url.data));
    json_object_object_add(o, "srcset", json_object_new_string(set.data));
    json_object_object_add(o, "sizes",
                           json_object_new_string("(min-width: 40em) 36em, "
                                                  "100vw"));
    json_object_object_add(o, "alt", json_object_new_string(im->alt));
    if (im->width > 0 && im->height > 0) {
        json_object_object_add(o, "width", json_object_new_int64(im->width));
        json_object_object_add(o, "height", json_object_new_int64(im->height));
    }
    ec_buf_release(&set);
    ec_buf_release(&url);
    return o;
}

/* The strings of bullets, or NULL when there are none. */
static struct json_object *
bullets_json(struct json_object *bullets)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; bullets && i < json_object_array_length(bullets); i++) {
        struct json_object *b = json_object_array_get_idx(bullets, i);

        if (json_object_is_type(b, json_type_string) &&
            json_object_get_string_len(b) > 0)
            json_object_array_add(a, json_object_get(b));
    }
    if (json_object_array_length(a) == 0) {
        json_object_put(a);
        return NULL;
    }
    return a;
}

/* The model of a product's content, or NULL when it has nothing. */
static struct json_object *
product_json(const struct ec_request *req, const struct ec_cms_product *p)
{
    struct json_object *c = json_object_new_object(), *v;
    struct ec_buf html = EC_BUF_INIT;

    if (p->headline)
        json_object_object_add(c, "headline",
                               json_object_new_string(p->headline));
    ec_richtext_html(p->body, &html);
    if (html.len)
        json_object_object_add(c, "body_html",
                               json_object_new_string(html.data));
    ec_buf_release(&html);
    if (p->image.url && (v = image_json(&p->image, req->env->cms_image_origin)))
        json_object_object_add(c, "image", v);
    if ((v = bullets_json(p->bullets))) {
        json_object_object_add(c, "bullets", v);
        json_object_object_add(c, "has_bullets", json_object_new_boolean(1));
    }
    return c;
}

void
ec_cms_decorate(const struct ec_request *req, struct json_object *product)
{
    struct json_object *sku;
    struct ec_cms_product p;

    if (!req->catalog || !json_object_object_get_ex(product, "sku", &sku) ||
        ec_cms_product(req->catalog->cms, json_object_get_string(sku),
                       req->tenant ? req->tenant->locale : NULL, &p) < 0)
        return;
    json_object_object_add(product, "content", product_json(req, &p));
}

static struct json_object *
banner_json(const struct ec_request *req, const struct ec_cms_banner *b)
{
    struct json_object *o = json_object_new_object(), *v;

    json_object_object_add(o, "text", json_object_new_string(b->text));
    if (b->link)
        json_object_object_add(o, "link", json_object_new_string(b->link));
    if (b->image.url && (v = image_json(&b->image, req->env->cms_image_origin)))
        json_object_object_add(o, "image", v);
    return o;
}

struct json_object *
ec_cms_banners_model(const struct ec_request *req)
{
    struct ec_cms_banner b[EC_CMS_BANNERS_MAX];
    struct json_object *a;
    size_t n;

    if (!req->catalog || !req->channel || !req->tenant)
        return NULL;
    n = ec_cms_banners(req->catalog->cms, req->channel->code, req->at,
                       req->tenant->zone, req->tenant->locale, b,
                       EC_CMS_BANNERS_MAX);
    if (n == 0)
        return NULL;
    a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, banner_json(req, &b[i]));
    return a;
}

int
ec_cms_page_model(const struct ec_request *req, const char *slug,
                  struct json_object **out)
{
    struct ec_cms_page *p = ec_xmalloc(sizeof(*p));
    struct json_object *m, *blocks;
    int rc;

    rc = ec_cms_page(req->catalog ? req->catalog->cms : NULL, slug,
                     req->tenant->locale, p);
    if (rc < 0) {
        free(p);
        return rc;
    }
    m = json_object_new_object();
    json_object_object_add(m, "title", json_object_new_string(p->title));
    blocks = json_object_new_array();
    for (size_t i = 0; i < p->n; i++) {
        struct json_object *b = json_object_new_object();

        if (p->blocks[i].kind == EC_CMS_BLOCK_PRODUCT) {
            struct json_object *c = product_json(req, &p->blocks[i].product);

            if (p->blocks[i].product.sku)
                json_object_object_add(
                    c, "url",
                    json_object_new_string(ec_arena_printf(
                        req->arena, "/products/%s", p->blocks[i].product.sku)));
            json_object_object_add(b, "product", c);
        } else {
            json_object_object_add(b, "banner",
                                   banner_json(req, &p->blocks[i].banner));
        }
        json_object_array_add(blocks, b);
    }
    json_object_object_add(m, "blocks", blocks);
    free(p);
    *out = m;
    return 0;
}
