#include "svc/cms_content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/tztime.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/db.h"

#define LOCALE_MAX 32

struct ec_cms_content {
    struct json_object *products; /* sku -> fields */
    struct json_object *assets;   /* id -> fields */
    struct json_object *entries;  /* id -> {"type", "fields"}: blocks */
    struct json_object *pages;    /* slug -> fields */
    struct json_object *banners;  /* [fields], channel in "_channel" */
    char *locales;                /* "shop=space,..." */
};

static const char *const items_sql =
    "SELECT kind, item_id, handle, fields, content_type FROM cms_items"
    " WHERE tenant_id = ? AND deleted = 0 AND (kind = 'asset' OR"
    " content_type IN ('productContent', 'page', 'banner'))"
    /* two entries for one SKU: the one changed last wins */
    " ORDER BY updated_at, item_id";
static const char *const locales_sql =
    "SELECT locales FROM cms_settings WHERE tenant_id = ?";

static int
item_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_cms_content *c = ctx;
    struct json_object *fields;

    if (!row->vals[0] || !row->vals[1] || !row->vals[3])
        return 0;
    fields = json_tokener_parse(row->vals[3]);
    if (!fields || !json_object_is_type(fields, json_type_object)) {
        ec_log_warn("cms: item %s is not JSON; left out", row->vals[1]);
        json_object_put(fields);
        return 0;
    }
    if (strcmp(row->vals[0], "asset") == 0) {
        json_object_object_add(c->assets, row->vals[1], fields);
        return 0;
    }
    /* every entry by id, for the blocks of pages */
    {
        struct json_object *e = json_object_new_object();

        json_object_object_add(e, "type", json_object_new_string(row->vals[4]));
        json_object_object_add(e, "fields", json_object_get(fields));
        json_object_object_add(c->entries, row->vals[1], e);
    }
    if (row->vals[2] && strcmp(row->vals[4], "productContent") == 0)
        json_object_object_add(c->products, row->vals[2], fields);
    else if (row->vals[2] && strcmp(row->vals[4], "page") == 0)
        json_object_object_add(c->pages, row->vals[2], fields);
    else if (row->vals[2] && strcmp(row->vals[4], "banner") == 0) {
        json_object_object_add(fields, "_channel",
                               json_object_new_string(row->vals[2]));
        json_object_array_add(c->banners, fields);
    } else
        json_object_put(fields);
    return 0;
}

static int
locales_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_cms_content *c = ctx;

    free(c->locales);
    c->locales = ec_xstrdup(row->vals[0] ? row->vals[0] : "");
    return 0;
}

int
ec_cms_content_load(struct ec_db *db, long long tenant_id,
                    struct ec_cms_content **out)
{
    struct ec_cms_content *c = ec_xcalloc(1, sizeof(*c));
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    int rc;

    c->products = json_object_new_object();
    c->assets = json_object_new_object();
    c->entries = json_object_new_object();
    c->pages = json_object_new_object();
    c->banners = json_object_new_array();
    c->locales = ec_xstrdup("");
    rc = ec_db_exec(db, locales_sql, p, 1, locales_row, c, NULL);
    if (rc == 0)
        rc = ec_db_exec(db, items_sql, p, 1, item_row, c, NULL);
    if (rc < 0) {
        ec_cms_content_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void
ec_cms_content_free(struct ec_cms_content *c)
{
    if (!c)
        return;
    json_object_put(c->products);
    json_object_put(c->assets);
    json_object_put(c->entries);
    json_object_put(c->pages);
    json_object_put(c->banners);
    free(c->locales);
    free(c);
}

/* The space's locale for shop_locale into out (LOCALE_MAX + 1 bytes). */
static void
space_locale(const struct ec_cms_content *c, const char *shop_locale, char *out)
{
    size_t n = strlen(shop_locale);
    const char *p = c->locales;

    snprintf(out, LOCALE_MAX + 1, "%s", shop_locale);
    while (*p) {
        size_t pair = strcspn(p, ",");

        if (pair > n + 1 && strncmp(p, shop_locale, n) == 0 && p[n] == '=' &&
            pair - n - 1 <= LOCALE_MAX) {
            memcpy(out, p + n + 1, pair - n - 1);
            out[pair - n - 1] = '\0';
            return;
        }
        p += pair + (p[pair] == ',');
    }
}

/* The value of field name in locale, else its first value, or NULL. */
static struct json_object *
field(struct json_object *fields, const char *name, const char *locale)
{
    struct json_object *f, *v;

    if (!fields || !json_object_object_get_ex(fields, name, &f) ||
        !json_object_is_type(f, json_type_object))
        return NULL;
    if (json_object_object_get_ex(f, locale, &v))
        return v;
    json_object_object_foreach(f, any, first)
    {
        (void)any;
        return first;
    }
    return NULL;
}

static const char *
str_field(struct json_object *fields, const char *name, const char *locale)
{
    struct json_object *v = field(fields, name, locale);

    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static const char *
str_at(struct json_object *o, const char *key)
{
    struct json_object *v;

    return o && json_object_object_get_ex(o, key, &v) &&
                   json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static long
long_at(struct json_object *o, const char *path0, const char *path1,
        const char *key)
{
    struct json_object *a, *b, *v;

    if (o && json_object_object_get_ex(o, path0, &a) &&
        json_object_object_get_ex(a, path1, &b) &&
        json_object_object_get_ex(b, key, &v) &&
        json_object_is_type(v, json_type_int))
        return (long)json_object_get_int64(v);
    return 0;
}

/*
 * 1 if url is //host/path or https://host/path with nothing a browser or
 * an attribute could read otherwise (no blank, quote, '<', '>', '\\', no
 * query or fragment of its own: the width goes in the query).
 */
static int
plain_image_url(const char *url)
{
    const char *host;

    if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else if (strncmp(url, "//", 2) == 0)
        host = url + 2;
    else
        return 0;
    if (!*host || *host == '/')
        return 0;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
            strchr("\"'<>\\?#`", *p))
            return 0;
    return 1;
}

/* The image of the asset a link field points to, in locale. */
static void
image_of(const struct ec_cms_content *c, struct json_object *link,
         const char *locale, struct ec_cms_image *out)
{
    struct json_object *sys, *asset, *file;
    const char *id, *url;

    memset(out, 0, sizeof(*out));
    if (!link || !json_object_object_get_ex(link, "sys", &sys) ||
        !(id = str_at(sys, "id")) ||
        !json_object_object_get_ex(c->assets, id, &asset) ||
        !(file = field(asset, "file", locale)) ||
        !(url = str_at(file, "url")) || !plain_image_url(url))
        return;
    out->url = url;
    out->alt = str_field(asset, "description", locale);
    if (!out->alt || !*out->alt)
        out->alt = str_field(asset, "title", locale);
    if (!out->alt)
        out->alt = "";
    out->width = long_at(file, "details", "image", "width");
    out->height = long_at(file, "details", "image", "height");
}

/* The productContent of fields in locale into *out. */
static void
product_of(const struct ec_cms_content *c, struct json_object *fields,
           const char *locale, struct ec_cms_product *out)
{
    struct json_object *v;

    memset(out, 0, sizeof(*out));
    out->sku = str_field(fields, "sku", locale);
    out->headline = str_field(fields, "headline", locale);
    if (out->headline && !*out->headline)
        out->headline = NULL;
    v = field(fields, "body", locale);
    out->body = v && json_object_is_type(v, json_type_object) ? v : NULL;
    v = field(fields, "bullets", locale);
    out->bullets = v && json_object_is_type(v, json_type_array) ? v : NULL;
    image_of(c, field(fields, "image", locale), locale, &out->image);
}

int
ec_cms_product(const struct ec_cms_content *c, const char *sku,
               const char *shop_locale, struct ec_cms_product *out)
{
    struct json_object *fields;
    char locale[LOCALE_MAX + 1];

    memset(out, 0, sizeof(*out));
    if (!c || !sku || !json_object_object_get_ex(c->products, sku, &fields))
        return EC_ERR_NOT_FOUND;
    space_locale(c, shop_locale ? shop_locale : "", locale);
    product_of(c, fields, locale, out);
    return 0;
}

/* 1 if link may be a banner's target: http(s)://… or a path of this
   shop ("/…", not "//…"), with nothing a browser reads otherwise. */
static int
safe_link(const char *link)
{
    if (!link)
        return 0;
    for (const char *p = link; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
            *p == '\\')
            return 0;
    return strncmp(link, "https://", 8) == 0 ||
           strncmp(link, "http://", 7) == 0 ||
           (link[0] == '/' && link[1] != '/');
}

static void
banner_of(const struct ec_cms_content *c, struct json_object *fields,
          const char *locale, struct ec_cms_banner *out)
{
    memset(out, 0, sizeof(*out));
    out->text = str_field(fields, "text", locale);
    out->link = str_field(fields, "link", locale);
    if (!safe_link(out->link))
        out->link = NULL;
    image_of(c, field(fields, "image", locale), locale, &out->image);
}

/*
 * An instant of a Contentful Date field ("2026-12-01",
 * "2026-12-01T08:00", "2026-12-01T08:00+01:00", with seconds or not) in
 * zone: 0, or -1.
 */
static int
date_of(const char *s, const struct ec_tztime_zone *zone, int64_t *out)
{
    char buf[40];
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n >= sizeof(buf) - 3)
        return -1;
    /* "…T08:00+01:00" has no seconds, which the parser wants with an
       offset: give it ":00" */
    if (n > 16 && s[10] == 'T' && s[13] == ':' &&
        (s[16] == '+' || s[16] == '-' || s[16] == 'Z')) {
        memcpy(buf, s, 16);
        memcpy(buf + 16, ":00", 3);
        memcpy(buf + 19, s + 16, n - 16 + 1);
    } else {
        memcpy(buf, s, n + 1);
    }
    return ec_tztime_parse(zone, buf, EC_TZTIME_COMPATIBLE, out) < 0 ? -1 : 0;
}

size_t
ec_cms_banners(const struct ec_cms_content *c, const char *channel, int64_t now,
               const struct ec_tztime_zone *zone, const char *shop_locale,
               struct ec_cms_banner *out, size_t max)
{
    char locale[LOCALE_MAX + 1];
    size_t n = 0;

    if (!c || !channel)
        return 0;
    space_locale(c, shop_locale ? shop_locale : "", locale);
    for (size_t i = 0; i < json_object_array_length(c->banners) && n < max;
         i++) {
        struct json_object *f = json_object_array_get_idx(c->banners, i);
        const char *from = str_field(f, "validFrom", locale);
        const char *to = str_field(f, "validTo", locale);
        int64_t t;

        if (strcmp(str_at(f, "_channel"), channel) != 0)
            continue;
        /* a date that does not parse hides the banner: better none than
           one shown out of its time */
        if ((from && (date_of(from, zone, &t) < 0 || now < t)) ||
            (to && (date_of(to, zone, &t) < 0 || now >= t)))
            continue;
        banner_of(c, f, locale, &out[n]);
        if (out[n].text && *out[n].text)
            n++;
    }
    return n;
}

int
ec_cms_page(const struct ec_cms_content *c, const char *slug,
            const char *shop_locale, struct ec_cms_page *out)
{
    struct json_object *fields, *blocks;
    char locale[LOCALE_MAX + 1];

    memset(out, 0, sizeof(*out));
    if (!c || !slug || !json_object_object_get_ex(c->pages, slug, &fields))
        return EC_ERR_NOT_FOUND;
    space_locale(c, shop_locale ? shop_locale : "", locale);
    out->title = str_field(fields, "title", locale);
    if (!out->title || !*out->title)
        return EC_ERR_NOT_FOUND;
    blocks = field(fields, "blocks", locale);
    if (!blocks || !json_object_is_type(blocks, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(blocks) &&
                       out->n < EC_CMS_PAGE_BLOCKS_MAX;
         i++) {
        struct json_object *sys, *e, *f, *type;
        const char *id;

        if (!json_object_object_get_ex(json_object_array_get_idx(blocks, i),
                                       "sys", &sys) ||
            !(id = str_at(sys, "id")) ||
            !json_object_object_get_ex(c->entries, id, &e) ||
            !json_object_object_get_ex(e, "fields", &f) ||
            !json_object_object_get_ex(e, "type", &type))
            continue; /* an unpublished block: left out */
        if (strcmp(json_object_get_string(type), "productContent") == 0) {
            out->blocks[out->n].kind = EC_CMS_BLOCK_PRODUCT;
            product_of(c, f, locale, &out->blocks[out->n].product);
        } else if (strcmp(json_object_get_string(type), "banner") == 0) {
            out->blocks[out->n].kind = EC_CMS_BLOCK_BANNER;
            banner_of(c, f, locale, &out->blocks[out->n].banner);
        } else {
            continue;
        }
        out->n++;
    }
    return 0;
}
