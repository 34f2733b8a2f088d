/*
 * Catalog handlers: the JSON API (/api/v1/channels, /api/v1/products...)
 * and the storefront pages that list and show products. The dispatcher has
 * already loaded the tenant's catalog and resolved the channel
 * (EC_R_CATALOG), so nothing here touches a store.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/format.h"
#include "svc/catalog.h"
#include "svc/tenant.h"

#define MAX_ADDONS 32

static struct json_object *
jstr(const char *s)
{
    return s ? json_object_new_string(s) : json_object_new_null();
}

/* The VAT inside a VAT-inclusive amount, rounded half away from zero. */
static long long
vat_part(long long gross, int rate_bp)
{
    long long num = gross * rate_bp, den = 10000 + rate_bp;

    return num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den));
}

static struct json_object *
channel_json(const struct ec_channel *ch)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "code", jstr(ch->code));
    json_object_object_add(o, "name", jstr(ch->name));
    json_object_object_add(o, "kind", jstr(ec_channel_kind_name(ch->kind)));
    return o;
}

static struct json_object *
money_text(struct ec_request *req, long long minor)
{
    struct ec_buf b = EC_BUF_INIT;
    struct json_object *s;

    ec_format_money(&b, minor, req->tenant->currency, req->tenant->locale);
    s = json_object_new_string_len(b.data, (int)b.len);
    ec_buf_release(&b);
    return s;
}

static struct json_object *
price_json(struct ec_request *req, const struct ec_product *p)
{
    const struct ec_tenant *t = req->tenant;
    struct json_object *o = json_object_new_object();
    long long one_time = p->fee_startup + p->fee_sim;

    json_object_object_add(o, "currency", jstr(t->currency));
    json_object_object_add(o, "monthly", json_object_new_int64(p->monthly_price));
    json_object_object_add(o, "startup_fee", json_object_new_int64(p->fee_startup));
    json_object_object_add(o, "sim_fee", json_object_new_int64(p->fee_sim));
    json_object_object_add(o, "one_time", json_object_new_int64(one_time));
    json_object_object_add(o, "monthly_vat",
                           json_object_new_int64(vat_part(p->monthly_price,
                                                          t->vat_rate_bp)));
    json_object_object_add(o, "one_time_vat",
                           json_object_new_int64(vat_part(one_time,
                                                          t->vat_rate_bp)));
    /* formatted for pages; scripts use the numbers */
    json_object_object_add(o, "monthly_text", money_text(req, p->monthly_price));
    json_object_object_add(o, "one_time_text", money_text(req, one_time));
    return o;
}

static struct json_object *
binding_json(unsigned mask)
{
    struct json_object *a = json_object_new_array();

    for (int m = 0; m <= 6; m++)
        if (mask & (1u << m))
            json_object_array_add(a, json_object_new_int(m));
    return a;
}

static struct json_object *
sim_json(unsigned mask)
{
    struct json_object *a = json_object_new_array();

    if (mask & EC_SIM_PHYSICAL)
        json_object_array_add(a, json_object_new_string("physical"));
    if (mask & EC_SIM_ESIM)
        json_object_array_add(a, json_object_new_string("esim"));
    return a;
}

static struct json_object *
attributes_json(const struct ec_product *p)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "data_gb", p->data_gb == EC_UNLIMITED
                                             ? json_object_new_null()
                                             : json_object_new_int(p->data_gb));
    json_object_object_add(o, "data_unlimited",
                           json_object_new_boolean(p->data_gb == EC_UNLIMITED));
    json_object_object_add(o, "talk_minutes",
                           p->talk_minutes == EC_UNLIMITED
                               ? json_object_new_null()
                               : json_object_new_int(p->talk_minutes));
    json_object_object_add(o, "talk_unlimited", json_object_new_boolean(
                                                    p->talk_minutes == EC_UNLIMITED));
    json_object_object_add(o, "network", jstr(p->is_5g ? "5g" : "4g"));
    json_object_object_add(o, "eu_data_gb", json_object_new_int(p->eu_data_gb));
    return o;
}

/* Memo slots on a channel (see ec_catalog_memoize). */
enum { MEMO_API_PRODUCTS, MEMO_PAGE_PLANS };

/*
 * A product's page in a channel: under the channel's path prefix for a web
 * subpage, with ?channel= for other non-default channels, else plain. It
 * depends on the channel alone, so lists of offers can be memoised.
 */
static const char *
product_url(struct ec_request *req, const struct ec_channel *ch,
            const char *sku)
{
    const struct ec_catalog *c = req->catalog;

    for (size_t i = 0; i < c->nrules; i++)
        if (c->rules[i].channel == ch &&
            c->rules[i].kind == EC_RULE_PATH_PREFIX)
            return ec_arena_printf(req->arena, "%s/products/%s",
                                   c->rules[i].value, sku);
    if (ch->is_default)
        return ec_arena_printf(req->arena, "/products/%s", sku);
    return ec_arena_printf(req->arena, "/products/%s?channel=%s", sku,
                           ch->code);
}

static struct json_object *
offer_json(struct ec_request *req, const struct ec_offer *o)
{
    const struct ec_product *p = o->product;
    struct json_object *j = json_object_new_object();
    const struct ec_offer *addons[MAX_ADDONS];
    size_t n;

    json_object_object_add(j, "sku", jstr(p->sku));
    json_object_object_add(j, "name", jstr(o->display_name));
    json_object_object_add(j, "kind", jstr(p->is_addon ? "addon" : "plan"));
    json_object_object_add(j, "description", jstr(p->description));
    json_object_object_add(j, "attributes", attributes_json(p));
    json_object_object_add(j, "price", price_json(req, p));
    json_object_object_add(j, "binding_months", binding_json(o->binding_mask));
    json_object_object_add(j, "sim_types", sim_json(o->sim_mask));
    if (!p->is_addon) {
        struct json_object *a = json_object_new_array();
        n = ec_catalog_addons_for(req->catalog, req->channel, p, addons,
                                  MAX_ADDONS);
        for (size_t i = 0; i < n && i < MAX_ADDONS; i++)
            json_object_array_add(a, jstr(addons[i]->product->sku));
        json_object_object_add(j, "addons", a);
    }
    json_object_object_add(j, "url", jstr(product_url(req, o->channel, p->sku)));
    return j;
}

/* The start of every catalog answer: which channel it was seen through. */
static struct json_object *
answer(struct ec_request *req)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "channel", req->channel
                                             ? channel_json(req->channel)
                                             : json_object_new_null());
    return m;
}

static struct json_object *
offers_json(struct ec_request *req, int plans_only)
{
    struct json_object *a = json_object_new_array();

    if (!req->channel)
        return a;
    for (size_t i = 0; i < req->channel->noffers; i++) {
        const struct ec_offer *o = &req->channel->offers[i];
        if (plans_only && o->product->is_addon)
            continue;
        json_object_array_add(a, offer_json(req, o));
    }
    return a;
}

int
ec_h_channels(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = answer(req), *list = json_object_new_array();

    for (size_t i = 0; i < req->catalog->nchannels; i++) {
        const struct ec_channel *ch = &req->catalog->channels[i];
        struct json_object *c = channel_json(ch);
        json_object_object_add(c, "default",
                               json_object_new_boolean(ch->is_default));
        json_object_array_add(list, c);
    }
    json_object_object_add(m, "channels", list);
    ec_response_set_model(res, m, NULL);
    return 0;
}

static void
free_string(void *s)
{
    free(s);
}

/*
 * The products array of a channel as JSON text, built on the first
 * request after the catalog changed and kept on the channel: the list is
 * the same for every request until then.
 */
static const char *
products_text(struct ec_request *req)
{
    const char *memo = ec_catalog_memo(req->channel, MEMO_API_PRODUCTS);
    struct json_object *a;
    char *text;

    if (memo)
        return memo;
    a = offers_json(req, 0);
    text = ec_xstrdup(json_object_to_json_string_ext(
        a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    ec_catalog_memoize(req->catalog, req->channel, MEMO_API_PRODUCTS, text,
                       free_string);
    return text;
}

int
ec_h_products(struct ec_request *req, struct ec_response *res)
{
    struct json_object *head;
    const char *s;
    size_t len;

    if (!req->channel)
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL,
                       "This shop has no catalog yet.");
    /* {"channel":{...},"currency":"DKK","products":[...]} */
    head = answer(req);
    json_object_object_add(head, "currency", jstr(req->tenant->currency));
    s = json_object_to_json_string_length(
        head, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    ec_buf_reset(res->body);
    ec_buf_add(res->body, s, len - 1);
    ec_buf_adds(res->body, ",\"products\":");
    ec_buf_adds(res->body, products_text(req));
    ec_buf_adds(res->body, "}\n");
    json_object_put(head);
    res->content_type = "application/json";
    return 0;
}

/* The offer named by the {sku} argument, or not_found. */
static int
find_offer(struct ec_request *req, struct ec_response *res,
           const struct ec_offer **out)
{
    const char *sku = ec_request_route_arg(req, "sku");

    *out = req->channel && sku ? ec_catalog_offer(req->channel, sku) : NULL;
    if (!*out)
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL,
                       "There is no such product here.");
    return 0;
}

int
ec_h_product(struct ec_request *req, struct ec_response *res)
{
    const struct ec_offer *o;
    struct json_object *m;
    int rc;

    if ((rc = find_offer(req, res, &o)) < 0)
        return rc;
    m = answer(req);
    json_object_object_add(m, "product", offer_json(req, o));
    ec_response_set_model(res, m, NULL);
    return 0;
}

/* ---- pages ---- */

/*
 * What templates cannot work out for themselves (they only test and
 * print): one entry per binding choice with "none" marking 0 months, one
 * per SIM type with a flag naming it, and the network in capitals.
 */
static void
decorate_for_page(struct json_object *offer)
{
    struct json_object *arr, *attrs, *net, *opts;
    size_t i, n;

    if (json_object_object_get_ex(offer, "binding_months", &arr)) {
        opts = json_object_new_array();
        n = json_object_array_length(arr);
        for (i = 0; i < n; i++) {
            int m = json_object_get_int(json_object_array_get_idx(arr, i));
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "months", json_object_new_int(m));
            json_object_object_add(o, "none", json_object_new_boolean(m == 0));
            json_object_array_add(opts, o);
        }
        json_object_object_add(offer, "binding_options", opts);
    }
    if (json_object_object_get_ex(offer, "sim_types", &arr)) {
        opts = json_object_new_array();
        n = json_object_array_length(arr);
        for (i = 0; i < n; i++) {
            const char *t =
                json_object_get_string(json_object_array_get_idx(arr, i));
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, t, json_object_new_boolean(1));
            json_object_array_add(opts, o);
        }
        json_object_object_add(offer, "sim_options", opts);
    }
    if (json_object_object_get_ex(offer, "attributes", &attrs) &&
        json_object_object_get_ex(attrs, "network", &net))
        json_object_object_add(
            attrs, "network_label",
            jstr(strcmp(json_object_get_string(net), "5g") == 0 ? "5G" : "4G"));
}

static void
put_json(void *obj)
{
    json_object_put(obj);
}

/* The decorated plans of the channel, memoised like products_text(); the
   caller gets its own reference. */
static struct json_object *
page_offers(struct ec_request *req)
{
    struct json_object *a;

    if (!req->channel)
        return json_object_new_array();
    a = ec_catalog_memo(req->channel, MEMO_PAGE_PLANS);
    if (!a) {
        a = offers_json(req, 1);
        for (size_t i = 0; i < json_object_array_length(a); i++)
            decorate_for_page(json_object_array_get_idx(a, i));
        ec_catalog_memoize(req->catalog, req->channel, MEMO_PAGE_PLANS, a,
                           put_json);
    }
    return json_object_get(a);
}

static struct json_object *
page_model(struct ec_request *req, const char *title)
{
    struct json_object *m = answer(req), *page = json_object_new_object();

    json_object_object_add(page, "title", jstr(title));
    json_object_object_add(m, "page", page);
    return m;
}

static int
list_page(struct ec_request *req, struct ec_response *res,
          const char *template_name)
{
    struct json_object *m = page_model(
        req, req->channel && req->channel->kind != EC_CHANNEL_WEB_FRONT
                 ? req->channel->name
                 : req->tenant->name);
    struct json_object *plans = page_offers(req);

    json_object_object_add(m, "has_products", json_object_new_boolean(
                                                  json_object_array_length(plans) > 0));
    json_object_object_add(m, "products", plans);
    ec_response_set_model(res, m, template_name);
    return 0;
}

int
ec_h_home(struct ec_request *req, struct ec_response *res)
{
    return list_page(req, res, "home");
}

/* A web subpage such as /tilbud: its path rule chose the channel. */
int
ec_h_channel_page(struct ec_request *req, struct ec_response *res)
{
    const struct ec_channel_rule *r = req->channel_rule;
    const char *section = ec_request_route_arg(req, "section");

    if (!r || r->kind != EC_RULE_PATH_PREFIX || !section ||
        r->value[0] != '/' || strcmp(r->value + 1, section) != 0)
        return EC_ERR_NOT_FOUND;
    return list_page(req, res, "channel");
}

int
ec_h_product_page(struct ec_request *req, struct ec_response *res)
{
    const char *section = ec_request_route_arg(req, "section");
    const struct ec_channel_rule *r = req->channel_rule;
    const struct ec_offer *o;
    struct json_object *m, *product, *addons;
    const struct ec_offer *fit[MAX_ADDONS];
    size_t n;
    int rc;

    /* /{section}/products/X exists only where a path rule made it */
    if (section && (!r || r->kind != EC_RULE_PATH_PREFIX ||
                    strcmp(r->value + 1, section) != 0))
        return EC_ERR_NOT_FOUND;
    if ((rc = find_offer(req, res, &o)) < 0)
        return rc;
    m = page_model(req, o->display_name);
    product = offer_json(req, o);
    decorate_for_page(product);
    addons = json_object_new_array();
    n = ec_catalog_addons_for(req->catalog, req->channel, o->product, fit,
                              MAX_ADDONS);
    for (size_t i = 0; i < n && i < MAX_ADDONS; i++)
        json_object_array_add(addons, offer_json(req, fit[i]));
    json_object_object_add(m, "has_addons",
                           json_object_new_boolean(n > 0 && !o->product->is_addon));
    json_object_object_add(m, "addons", addons);
    json_object_object_add(m, "product", product);
    ec_response_set_model(res, m, "product");
    return 0;
}
