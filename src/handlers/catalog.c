/*
 * Catalog handlers: the JSON API (/api/v1/channels, /api/v1/products...)
 * and the storefront pages that list and show products. The dispatcher has
 * already loaded the tenant's catalog and resolved the channel
 * (EC_R_CATALOG), so nothing here touches a store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "handlers/cms_model.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/format.h"
#include "svc/catalog.h"
#include "svc/tenant.h"
#include "core/tztime.h"

#define MAX_ADDONS 32

static struct json_object *
channel_json(const struct ec_channel *ch)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "code", ec_json_str(ch->code));
    json_object_object_add(o, "name", ec_json_str(ch->name));
    json_object_object_add(o, "kind",
                           ec_json_str(ec_channel_kind_name(ch->kind)));
    return o;
}

/* The schedule: runs of months at one price, the last open-ended. */
static struct json_object *
schedule_json(struct ec_request *req, const struct ec_promotion_breakdown *b)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < b->n_segments; i++) {
        const struct ec_promotion_segment *seg = &b->schedule[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "from_month",
                               json_object_new_int(seg->first));
        json_object_object_add(o, "to_month",
                               seg->last ? json_object_new_int(seg->last)
                                         : json_object_new_null());
        ec_json_money(req, o, "monthly", seg->monthly);
        json_object_array_add(a, o);
    }
    return a;
}

static struct json_object *
applied_json(struct ec_request *req, const struct ec_promotion_breakdown *b)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < b->n_explain; i++) {
        const struct ec_promotion_explanation *e = &b->explain[i];
        struct json_object *o;
        if (e->reason != EC_PROMOTION_APPLIED)
            continue;
        o = json_object_new_object();
        json_object_object_add(
            o, "code",
            ec_json_str(ec_catalog_campaign_code(req->catalog, e->campaign)));
        json_object_object_add(o, "name", ec_json_str(e->campaign->name));
        json_object_array_add(a, o);
    }
    return a;
}

/*
 * A price breakdown as JSON: regular and current monthly price, the
 * schedule, fees after campaigns, the minimum total price (fees plus every
 * month of the binding period) and the VAT inside each.
 */
struct json_object *
ec_breakdown_json(struct ec_request *req,
                  const struct ec_promotion_breakdown *b)
{
    struct json_object *o = json_object_new_object();
    const struct ec_promotion_segment *first = &b->schedule[0];

    json_object_object_add(o, "currency", ec_json_str(req->tenant->currency));
    json_object_object_add(o, "binding_months",
                           json_object_new_int(b->binding_months));
    json_object_object_add(o, "has_binding",
                           json_object_new_boolean(b->binding_months > 0));
    ec_json_money(req, o, "regular_monthly", b->regular_monthly);
    ec_json_money(req, o, "monthly_now", b->monthly_now);
    json_object_object_add(o, "schedule", schedule_json(req, b));
    /* for cards: how long the first price lasts before the regular one */
    json_object_object_add(o, "campaign_months",
                           first->last && first->monthly != b->regular_monthly
                               ? json_object_new_int(first->last)
                               : json_object_new_null());
    ec_json_money(req, o, "startup_fee", b->startup_fee);
    ec_json_money(req, o, "sim_fee", b->sim_fee);
    ec_json_money(req, o, "one_time", b->one_time_total);
    ec_json_money(req, o, "min_total", b->min_total);
    json_object_object_add(o, "min_total_months",
                           json_object_new_int(b->min_total_months));
    json_object_object_add(o, "monthly_now_vat",
                           json_object_new_int64(b->monthly_now_vat));
    json_object_object_add(o, "one_time_vat",
                           json_object_new_int64(b->one_time_vat));
    json_object_object_add(o, "min_total_vat",
                           json_object_new_int64(b->min_total_vat));
    json_object_object_add(o, "campaigns", applied_json(req, b));
    return o;
}

/* The binding a card shows first: the shortest offered. */
static int
lowest_binding(unsigned set)
{
    int m = ec_binding_lowest(set);

    return m < 0 ? 0 : m;
}

/*
 * The offer's price with each binding it offers, at now: "price" is the
 * shortest binding's (what a card shows first), "by_binding" all of them.
 */
static void
add_prices(struct ec_request *req, struct json_object *j,
           const struct ec_offer *o, int64_t now)
{
    struct ec_promotion_breakdown b;
    struct json_object *all = json_object_new_array();
    int first = lowest_binding(o->binding_months);

    for (int m = 0; m <= EC_BINDING_MAX_MONTHS; m++) {
        if (!ec_binding_offered(o->binding_months, m) ||
            ec_catalog_price(req->catalog, o, m,
                             ec_sim_type_first(o->sim_types), now,
                             req->tenant->vat_rate_bp, &b) < 0)
            continue;
        if (m == first)
            json_object_object_add(j, "price", ec_breakdown_json(req, &b));
        else
            json_object_array_add(all, ec_breakdown_json(req, &b));
    }
    json_object_object_add(j, "other_bindings", all);
}

static struct json_object *
binding_json(unsigned set)
{
    struct json_object *a = json_object_new_array();

    for (int m = 0; m <= EC_BINDING_MAX_MONTHS; m++)
        if (ec_binding_offered(set, m))
            json_object_array_add(a, json_object_new_int(m));
    return a;
}

static struct json_object *
sim_json(unsigned set)
{
    struct json_object *a = json_object_new_array();

    for (unsigned i = 0; ec_sim_type_names[i]; i++)
        if (set & (1u << i))
            json_object_array_add(a,
                                  json_object_new_string(ec_sim_type_names[i]));
    return a;
}

static struct json_object *
attributes_json(const struct ec_product *p)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "data_gb",
                           p->data_gb == EC_UNLIMITED
                               ? json_object_new_null()
                               : json_object_new_int64(p->data_gb));
    json_object_object_add(o, "data_unlimited",
                           json_object_new_boolean(p->data_gb == EC_UNLIMITED));
    json_object_object_add(o, "talk_minutes",
                           p->talk_minutes == EC_UNLIMITED
                               ? json_object_new_null()
                               : json_object_new_int64(p->talk_minutes));
    json_object_object_add(
        o, "talk_unlimited",
        json_object_new_boolean(p->talk_minutes == EC_UNLIMITED));
    json_object_object_add(
        o, "network", ec_json_str(ec_name_of(ec_network_names, p->network)));
    json_object_object_add(o, "eu_data_gb",
                           json_object_new_int64(p->eu_data_gb));
    return o;
}

/* Memo slots on a channel (see ec_catalog_memoize). */
enum { MEMO_API_PRODUCTS, MEMO_PAGE_PLANS, MEMO_PAGE_PRODUCTS };

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
offer_json(struct ec_request *req, const struct ec_offer *o, int64_t now)
{
    const struct ec_product *p = o->product;
    struct json_object *j = json_object_new_object();
    const struct ec_offer *addons[MAX_ADDONS];
    size_t n;

    json_object_object_add(j, "sku", ec_json_str(p->sku));
    json_object_object_add(j, "name", ec_json_str(o->display_name));
    json_object_object_add(
        j, "kind", ec_json_str(ec_name_of(ec_product_kind_names, p->kind)));
    /* null, not "", when there is none: templates test it with a section */
    json_object_object_add(
        j, "description",
        ec_json_str(p->description && *p->description ? p->description : NULL));
    json_object_object_add(j, "attributes", attributes_json(p));
    add_prices(req, j, o, now);
    json_object_object_add(j, "binding_months",
                           binding_json(o->binding_months));
    json_object_object_add(j, "sim_types", sim_json(o->sim_types));
    if (p->kind == EC_PRODUCT_PLAN) {
        struct json_object *a = json_object_new_array();
        n = ec_catalog_addons_for(req->catalog, req->channel, p, addons,
                                  MAX_ADDONS);
        for (size_t i = 0; i < n && i < MAX_ADDONS; i++)
            json_object_array_add(a, ec_json_str(addons[i]->product->sku));
        json_object_object_add(j, "addons", a);
    }
    json_object_object_add(j, "url",
                           ec_json_str(product_url(req, o->channel, p->sku)));
    return j;
}

/* The start of every catalog answer: which channel it was seen through. */
static struct json_object *
answer(struct ec_request *req)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "channel",
                           req->channel ? channel_json(req->channel)
                                        : json_object_new_null());
    return m;
}

static struct json_object *
offers_json(struct ec_request *req, int plans_only, int64_t now)
{
    struct json_object *a = json_object_new_array();

    if (!req->channel)
        return a;
    for (size_t i = 0; i < req->channel->noffers; i++) {
        const struct ec_offer *o = &req->channel->offers[i];
        if (plans_only && o->product->kind == EC_PRODUCT_ADDON)
            continue;
        json_object_array_add(a, offer_json(req, o, now));
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

/* A memoised list and the instant until which it holds. */
struct list_memo {
    int64_t until;            /* the next campaign start or end */
    char *text;               /* MEMO_API_PRODUCTS */
    struct json_object *json; /* MEMO_PAGE_PLANS; MEMO_PAGE_PRODUCTS: by
                                 sku, {product, addons}, as pages need */
};

static void
list_memo_free(void *p)
{
    struct list_memo *m = p;

    free(m->text);
    json_object_put(m->json);
    free(m);
}

/* The channel's memo in slot if it still holds at now, else NULL. */
static struct list_memo *
fresh_memo(struct ec_request *req, unsigned slot, int64_t now)
{
    struct list_memo *m = ec_catalog_memo(req->channel, slot);

    return m && now < m->until ? m : NULL;
}

static struct list_memo *
new_memo(struct ec_request *req, unsigned slot, int64_t now)
{
    struct list_memo *m = ec_xcalloc(1, sizeof(*m));

    m->until = ec_catalog_next_change(req->catalog, now);
    ec_catalog_memoize(req->catalog, req->channel, slot, m, list_memo_free);
    return m;
}

/*
 * The products array of a channel as JSON text, built on the first
 * request after the catalog changed or a campaign started or ended, and
 * kept on the channel until then.
 */
static const char *
products_text(struct ec_request *req, int64_t now)
{
    struct list_memo *m = fresh_memo(req, MEMO_API_PRODUCTS, now);
    struct json_object *a;

    if (m)
        return m->text;
    a = offers_json(req, 0, now);
    m = new_memo(req, MEMO_API_PRODUCTS, now);
    m->text = ec_xstrdup(json_object_to_json_string_ext(
        a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    return m->text;
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
    json_object_object_add(head, "currency",
                           ec_json_str(req->tenant->currency));
    s = json_object_to_json_string_length(
        head, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    ec_buf_reset(res->body);
    ec_buf_add(res->body, s, len - 1);
    ec_buf_adds(res->body, ",\"products\":");
    ec_buf_adds(res->body, products_text(req, req->at));
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
    json_object_object_add(m, "product", offer_json(req, o, req->at));
    ec_response_set_model(res, m, NULL);
    return 0;
}

/* ---- the price of one choice, explained ---- */

static struct json_object *
explanation_json(struct ec_request *req, const struct ec_promotion_breakdown *b)
{
    struct json_object *a = json_object_new_array();
    char code[EC_PROMOTION_CODE_SIZE];

    for (size_t i = 0; i < b->n_explain; i++) {
        const struct ec_promotion_explanation *e = &b->explain[i];
        struct json_object *o = json_object_new_object();
        int applied = e->reason == EC_PROMOTION_APPLIED;

        ec_promotion_explain_code(e, code, sizeof(code));
        json_object_object_add(
            o, "campaign",
            ec_json_str(ec_catalog_campaign_code(req->catalog, e->campaign)));
        json_object_object_add(o, "name", ec_json_str(e->campaign->name));
        json_object_object_add(o, "priority",
                               json_object_new_int(e->campaign->priority));
        json_object_object_add(
            o, "stacking",
            ec_json_str(e->campaign->stacking == EC_PROMOTION_STACKABLE
                            ? "stackable"
                            : "exclusive"));
        json_object_object_add(o, "applied", json_object_new_boolean(applied));
        json_object_object_add(
            o, "reason", applied ? json_object_new_null() : ec_json_str(code));
        if (e->reason == EC_PROMOTION_LOST)
            json_object_object_add(
                o, "decided_by",
                ec_json_str(ec_promotion_step_name(e->decided_by)));
        json_object_array_add(a, o);
    }
    return a;
}

int
ec_h_product_price(struct ec_request *req, struct ec_response *res)
{
    const char *bs = ec_request_arg(req, "binding_months");
    const char *ss = ec_request_arg(req, "sim_type");
    const char *as = ec_request_arg(req, "at");
    struct ec_promotion_breakdown *b;
    struct json_object *m, *price;
    const struct ec_offer *o;
    enum ec_sim_type sim;
    char at_text[EC_TZTIME_RFC3339_SIZE];
    int64_t at = req->at;
    int binding, rc;

    if ((rc = find_offer(req, res, &o)) < 0)
        return rc;
    binding = lowest_binding(o->binding_months);
    if ((bs && ec_binding_parse(bs, &binding) < 0) ||
        !ec_binding_offered(o->binding_months, binding))
        return ec_fail(res, EC_ERR_INVALID_FIELD, "binding_months",
                       "This product is not offered with that binding "
                       "period in this channel.");
    sim = ec_sim_type_first(o->sim_types);
    if ((ss && ec_sim_type_parse(ss, &sim) < 0) ||
        !(o->sim_types & (unsigned)sim))
        return ec_fail(res, EC_ERR_INVALID_FIELD, "sim_type",
                       "This product is not offered with that SIM type in "
                       "this channel.");
    if (as &&
        ec_tztime_parse(req->tenant->zone, as, EC_TZTIME_COMPATIBLE, &at) < 0)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "at",
                       "Give the instant as 2026-12-01T00:00:00+01:00, or "
                       "a local time in the shop's time zone.");
    /* the breakdown is large: arena, not stack */
    b = ec_arena_alloc(req->arena, sizeof(*b));
    if (ec_catalog_price(req->catalog, o, binding, sim, at,
                         req->tenant->vat_rate_bp, b) < 0)
        return EC_ERR_INTERNAL;
    m = answer(req);
    json_object_object_add(m, "sku", ec_json_str(o->product->sku));
    json_object_object_add(m, "sim_type", ec_json_str(ec_sim_type_name(sim)));
    ec_tztime_format(req->tenant->zone, at, at_text, sizeof(at_text));
    json_object_object_add(m, "at", ec_json_str(at_text));
    price = ec_breakdown_json(req, b);
    json_object_object_add(price, "explanation", explanation_json(req, b));
    json_object_object_add(m, "price", price);
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
            char value[12];

            snprintf(value, sizeof(value), "%d", m);
            json_object_object_add(o, "months", json_object_new_int(m));
            json_object_object_add(o, "value", ec_json_str(value));
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
            json_object_object_add(o, "value", ec_json_str(t));
            json_object_array_add(opts, o);
        }
        json_object_object_add(offer, "sim_options", opts);
    }
    if (json_object_object_get_ex(offer, "attributes", &attrs) &&
        json_object_object_get_ex(attrs, "network", &net))
        json_object_object_add(
            attrs, "network_label",
            ec_json_str(strcmp(json_object_get_string(net), "5g") == 0 ? "5G"
                                                                       : "4G"));
}

/* The decorated plans of the channel, memoised like products_text(); the
   caller gets its own reference. */
static struct json_object *
page_offers(struct ec_request *req, int64_t now)
{
    struct list_memo *m;
    struct json_object *a;

    if (!req->channel)
        return json_object_new_array();
    m = fresh_memo(req, MEMO_PAGE_PLANS, now);
    if (!m) {
        a = offers_json(req, 1, now);
        for (size_t i = 0; i < json_object_array_length(a); i++) {
            decorate_for_page(json_object_array_get_idx(a, i));
            ec_cms_decorate(req, json_object_array_get_idx(a, i));
        }
        m = new_memo(req, MEMO_PAGE_PLANS, now);
        m->json = a;
    }
    return json_object_get(m->json);
}

/* A new object with the members of o, shared (their counts taken). */
static struct json_object *
copy_shallow(struct json_object *o)
{
    struct json_object *c = json_object_new_object();

    json_object_object_foreach(o, key, val)
        json_object_object_add(c, key, json_object_get(val));
    return c;
}

static void
check_first(struct json_object *product, const char *key)
{
    struct json_object *opts;

    if (json_object_object_get_ex(product, key, &opts) &&
        json_object_array_length(opts) > 0)
        json_object_object_add(json_object_array_get_idx(opts, 0), "checked",
                               json_object_new_boolean(1));
}

/*
 * A product page's product (decorated) and its add-ons, as
 * {"product": {...}, "addons": [...]}: priced once per snapshot and
 * campaign boundary like the lists, kept by sku in the channel's memo.
 * The memo keeps the object; the caller copies what it changes.
 */
static struct json_object *
product_page_json(struct ec_request *req, const struct ec_offer *o, int64_t now)
{
    struct list_memo *m = fresh_memo(req, MEMO_PAGE_PRODUCTS, now);
    struct json_object *page, *product, *addons;
    const struct ec_offer *fit[MAX_ADDONS];
    size_t n;

    if (!m) {
        m = new_memo(req, MEMO_PAGE_PRODUCTS, now);
        m->json = json_object_new_object();
    }
    if (json_object_object_get_ex(m->json, o->product->sku, &page))
        return page;
    product = offer_json(req, o, now);
    decorate_for_page(product);
    ec_cms_decorate(req, product);
    /* a form shown afresh has the first binding and SIM type checked */
    check_first(product, "binding_options");
    check_first(product, "sim_options");
    addons = json_object_new_array();
    n = (o->product->kind == EC_PRODUCT_ADDON)
            ? 0
            : ec_catalog_addons_for(req->catalog, req->channel, o->product, fit,
                                    MAX_ADDONS);
    for (size_t i = 0; i < n && i < MAX_ADDONS; i++)
        json_object_array_add(addons, offer_json(req, fit[i], now));
    page = json_object_new_object();
    json_object_object_add(page, "product", product);
    json_object_object_add(page, "addons", addons);
    json_object_object_add(m->json, o->product->sku, page);
    return page;
}

static struct json_object *
page_model(struct ec_request *req, const char *title)
{
    struct json_object *m = answer(req), *page = json_object_new_object();

    json_object_object_add(page, "title", ec_json_str(title));
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
    struct json_object *plans = page_offers(req, req->at);

    json_object_object_add(
        m, "has_products",
        json_object_new_boolean(json_object_array_length(plans) > 0));
    json_object_object_add(m, "products", plans);
    if ((plans = ec_cms_banners_model(req)))
        json_object_object_add(m, "banners", plans);
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

/* A CMS page (/p/{slug}, docs/cms.md): its title and blocks from the
   snapshot's content, never from Contentful. */
int
ec_h_cms_page(struct ec_request *req, struct ec_response *res)
{
    struct json_object *cms, *m, *title;
    int rc = ec_cms_page_model(req, ec_request_route_arg(req, "slug"), &cms);

    if (rc < 0)
        return ec_fail(res, rc, NULL, "There is no such page here.");
    json_object_object_get_ex(cms, "title", &title);
    m = page_model(req, json_object_get_string(title));
    json_object_object_add(m, "cms_page", cms);
    ec_response_set_model(res, m, "cms_page");
    return 0;
}

int
ec_product_page(struct ec_request *req, struct ec_response *res,
                const char *sku, int failed)
{
    const struct ec_offer *o =
        req->channel && sku ? ec_catalog_offer(req->channel, sku) : NULL;
    struct json_object *m, *product, *addons, *page = NULL;
    int64_t now = req->at;
    size_t n;

    if (!o)
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL,
                       "There is no such product here.");
    m = page_model(req, o->display_name);
    page = product_page_json(req, o, now);
    json_object_object_get_ex(page, "product", &product);
    json_object_object_get_ex(page, "addons", &addons);
    n = json_object_array_length(addons);
    if (!failed) {
        /* a fresh form checks what the memo checked: all of it shared */
        json_object_object_add(m, "has_addons", json_object_new_boolean(n > 0));
        json_object_object_add(m, "addons", json_object_get(addons));
        json_object_object_add(m, "product", json_object_get(product));
        if (o->product->kind != EC_PRODUCT_ADDON)
            ec_basket_form_model(req, res, m, product, addons, 0);
        ec_response_set_model(res, m, "product");
        return 0;
    }
    /* the page's own objects where the form marks what was chosen (the
       options, the add-ons); the rest is the memo's, shared */
    product = copy_shallow(product);
    for (size_t i = 0; i < 2; i++) {
        const char *key = i == 0 ? "binding_options" : "sim_options";
        struct json_object *opts, *mine = NULL;

        if (json_object_object_get_ex(product, key, &opts)) {
            if (json_object_deep_copy(opts, &mine, NULL) != 0)
                ec_die("json_object_deep_copy: out of memory");
            json_object_object_add(product, key, mine);
        }
    }
    addons = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(addons,
                              copy_shallow(json_object_array_get_idx(
                                  json_object_object_get(page, "addons"), i)));
    json_object_object_add(m, "has_addons", json_object_new_boolean(n > 0));
    json_object_object_add(m, "addons", addons);
    json_object_object_add(m, "product", product);
    /* add-ons are chosen with a plan, not bought alone */
    if (o->product->kind != EC_PRODUCT_ADDON)
        ec_basket_form_model(req, res, m, product, addons, failed != 0);
    if (failed)
        res->status = ec_err_info(failed)->status;
    ec_response_set_model(res, m, "product");
    return 0;
}

int
ec_h_product_page(struct ec_request *req, struct ec_response *res)
{
    const char *section = ec_request_route_arg(req, "section");
    const struct ec_channel_rule *r = req->channel_rule;

    /* /{section}/products/X exists only where a path rule made it */
    if (section && (!r || r->kind != EC_RULE_PATH_PREFIX ||
                    strcmp(r->value + 1, section) != 0))
        return EC_ERR_NOT_FOUND;
    return ec_product_page(req, res, ec_request_route_arg(req, "sku"), 0);
}
