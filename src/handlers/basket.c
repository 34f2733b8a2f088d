/*
 * Basket handlers: the JSON API of the guest's basket. The basket is named
 * by the basket cookie (HttpOnly, SameSite=Lax); a change must come as
 * application/json (else 415), which a cross-site form cannot send without
 * a CORS preflight: that, with SameSite=Lax, is this API's CSRF defence.
 * DELETE, not being a simple method, needs a preflight too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/format.h"
#include "svc/basket.h"
#include "svc/tenant.h"

#define COOKIE_ATTRS "; Path=/; HttpOnly; SameSite=Lax; Max-Age=172800"

static void
add_money(struct ec_request *req, struct json_object *o, const char *key,
          long long minor)
{
    struct ec_buf b = EC_BUF_INIT;
    char text_key[48];

    json_object_object_add(o, key, json_object_new_int64(minor));
    ec_format_money(&b, minor, req->tenant->currency, req->tenant->locale);
    snprintf(text_key, sizeof(text_key), "%s_text", key);
    json_object_object_add(o, text_key,
                           json_object_new_string_len(b.data, (int)b.len));
    ec_buf_release(&b);
}

/*
 * The version the client says it changes: If-Match (a bare or quoted
 * integer) first, else the body's "version". 1 with *out when given, 0
 * when not, EC_ERR_INVALID_FIELD when malformed.
 */
static int
wanted_version(struct ec_request *req, long long *out)
{
    const char *h = ec_request_header(req, "if-match");
    struct json_object *v;
    char *end;

    if (h && *h) {
        if (h[0] == 'W' && h[1] == '/')
            h += 2;
        if (*h == '"')
            h++;
        *out = strtoll(h, &end, 10);
        if (end == h || *out < 0 || (*end && strcmp(end, "\"") != 0))
            return EC_ERR_INVALID_FIELD;
        return 1;
    }
    if (req->json && json_object_object_get_ex(req->json, "version", &v) &&
        !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) < 0)
            return EC_ERR_INVALID_FIELD;
        *out = json_object_get_int64(v);
        return 1;
    }
    return 0;
}

static void
set_etag(struct ec_request *req, struct ec_response *res, long long version)
{
    /* headers are kept by reference: arena memory */
    ec_response_header(res, "ETag",
                       ec_arena_printf(req->arena, "\"%lld\"", version));
    ec_response_header(res, "Cache-Control", "no-store");
}

/* The basket of the cookie, or an empty one (version 0, id ""). */
static int
load_current(struct ec_request *req, struct ec_basket *b)
{
    const char *id = ec_request_cookie(req, "basket");

    if (!ec_basket_id_valid(id))
        id = "";
    if (!*id) {
        memset(b, 0, sizeof(*b));
        b->doc = NULL;
        return 0;
    }
    return ec_basket_load(req->app->kv, req->tenant->slug, id, req->arena, b);
}

static const char *
jget_str(struct json_object *o, const char *k)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, k, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int
jget_int(struct json_object *o, const char *k)
{
    struct json_object *v;

    return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

struct totals {
    long long monthly_now, one_time, min_total;
};

static void
add_notice(struct json_object *notices, const char *code, const char *line,
           const char *message)
{
    struct json_object *n = json_object_new_object();

    json_object_object_add(n, "code", json_object_new_string(code));
    json_object_object_add(n, "line", json_object_new_string(line));
    json_object_object_add(n, "message", json_object_new_string(message));
    json_object_array_add(notices, n);
}

/*
 * One stored line as the client sees it: the stored fields, its price
 * now (the plan's breakdown from the engine, plus each add-on's own), and
 * its lock. Adds the price to *t.
 */
static struct json_object *
priced_line(struct ec_request *req, const struct ec_basket *bk,
            struct json_object *stored, int64_t now, struct totals *t,
            struct json_object *notices)
{
    struct json_object *o = NULL, *price, *addons, *arr, *lock;
    struct ec_promotion_breakdown *pb;
    const struct ec_offer *off;
    const char *id = jget_str(stored, "id"), *sku = jget_str(stored, "sku");
    const char *sim_name = jget_str(stored, "sim_type"), *msisdn;
    enum ec_sim_type sim;
    long long monthly, one_time, min_total;

    json_object_deep_copy(stored, &o, NULL);
    if (!id)
        id = "";
    sim = sim_name && strcmp(sim_name, "esim") == 0 ? EC_SIM_ESIM
                                                    : EC_SIM_PHYSICAL;
    pb = ec_arena_alloc(req->arena, sizeof(*pb));
    off = sku ? ec_catalog_offer(req->channel, sku) : NULL;
    if (!off ||
        ec_catalog_price(req->catalog, off, jget_int(stored, "binding_months"),
                         sim, now, req->tenant->vat_rate_bp, pb) < 0) {
        json_object_object_add(o, "price", json_object_new_null());
        add_notice(notices, "unavailable", id,
                   "This product is no longer offered as chosen.");
    } else {
        monthly = pb->monthly_now;
        one_time = pb->one_time_total;
        min_total = pb->min_total;
        price = json_object_new_object();
        add_money(req, price, "plan_monthly_now", pb->monthly_now);
        addons = json_object_new_array();
        if (json_object_object_get_ex(stored, "addons", &arr))
            for (size_t i = 0; i < json_object_array_length(arr); i++) {
                const char *as =
                    json_object_get_string(json_object_array_get_idx(arr, i));
                const struct ec_offer *ao = ec_catalog_offer(req->channel, as);
                struct json_object *a;

                if (!ao || ec_catalog_price(req->catalog, ao, 0, sim, now,
                                            req->tenant->vat_rate_bp, pb) < 0) {
                    add_notice(notices, "unavailable", id,
                               "An add-on is no longer offered.");
                    continue;
                }
                a = json_object_new_object();
                json_object_object_add(a, "sku", json_object_new_string(as));
                add_money(req, a, "monthly_now", pb->monthly_now);
                json_object_array_add(addons, a);
                monthly += pb->monthly_now;
                one_time += pb->one_time_total;
                /* an add-on runs as long as the plan's minimum term */
                min_total +=
                    pb->one_time_total +
                    pb->monthly_now *
                        (long long)(jget_int(stored, "binding_months") > 0
                                        ? jget_int(stored, "binding_months")
                                        : 1);
            }
        json_object_object_add(price, "addons", addons);
        add_money(req, price, "monthly_now", monthly);
        add_money(req, price, "one_time", one_time);
        add_money(req, price, "min_total", min_total);
        json_object_object_add(o, "price", price);
        if (json_object_object_get_ex(stored, "monthly_at_add", &arr) &&
            json_object_is_type(arr, json_type_int) &&
            json_object_get_int64(arr) != monthly)
            add_notice(notices, "price_changed", id,
                       "The price has changed since you chose this.");
        t->monthly_now += monthly;
        t->one_time += one_time;
        t->min_total += min_total;
    }
    msisdn = jget_str(stored, "msisdn");
    if (msisdn) {
        char *owner = NULL;
        int rc = ec_number_lock_owner(req->app->kv, req->tenant->slug, msisdn,
                                      req->arena, &owner);
        struct json_object *exp;

        lock = json_object_new_object();
        if (rc == 0 && strcmp(owner, bk->id) == 0) {
            json_object_object_add(lock, "held", json_object_new_boolean(1));
            if (json_object_object_get_ex(stored, "lock_expires_at", &exp))
                json_object_object_add(lock, "expires_at",
                                       json_object_get(exp));
        } else {
            json_object_object_add(lock, "held", json_object_new_boolean(0));
            json_object_object_add(lock, "expires_at", json_object_new_null());
            add_notice(notices, "lock_expired", id,
                       "The number is no longer reserved for you.");
        }
        json_object_object_add(o, "lock", lock);
    }
    return o;
}

/* What line l costs a month now (plan and add-ons), or -1. */
static long long
monthly_now_of(struct ec_request *req, const struct ec_basket_line *l,
               int64_t now)
{
    struct ec_promotion_breakdown *pb = ec_arena_alloc(req->arena, sizeof(*pb));
    const struct ec_offer *o = ec_catalog_offer(req->channel, l->sku);
    long long sum;

    if (!o || ec_catalog_price(req->catalog, o, l->binding_months, l->sim, now,
                               req->tenant->vat_rate_bp, pb) < 0)
        return -1;
    sum = pb->monthly_now;
    for (size_t i = 0; i < l->naddons; i++) {
        o = ec_catalog_offer(req->channel, l->addons[i]);
        if (!o || ec_catalog_price(req->catalog, o, 0, l->sim, now,
                                   req->tenant->vat_rate_bp, pb) < 0)
            return -1;
        sum += pb->monthly_now;
    }
    return sum;
}

/*
 * GET /api/v1/basket: {"version","lines":[{...,"price","lock"}],
 * "totals":{monthly_now, one_time, min_total},"notices":[...]}, prices
 * from the engine now in the request's channel.
 */
int
ec_h_basket(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m, *lines, *totals, *notices;
    struct totals t = {0, 0, 0};
    struct ec_basket b;
    int64_t now = time(NULL);
    int rc;

    if ((rc = load_current(req, &b)) < 0)
        return rc;
    lines = json_object_new_array();
    notices = json_object_new_array();
    if (b.lines)
        for (size_t i = 0; i < json_object_array_length(b.lines); i++)
            json_object_array_add(
                lines,
                priced_line(req, &b, json_object_array_get_idx(b.lines, i), now,
                            &t, notices));
    totals = json_object_new_object();
    json_object_object_add(totals, "currency",
                           json_object_new_string(req->tenant->currency));
    add_money(req, totals, "monthly_now", t.monthly_now);
    add_money(req, totals, "one_time", t.one_time);
    add_money(req, totals, "min_total", t.min_total);
    m = json_object_new_object();
    json_object_object_add(m, "version", json_object_new_int64(b.version));
    json_object_object_add(m, "lines", lines);
    json_object_object_add(m, "totals", totals);
    json_object_object_add(m, "notices", notices);
    ec_response_set_model(res, m, NULL);
    set_etag(req, res, b.version);
    return 0;
}

/*
 * POST /api/v1/basket/lines: check the line against the channel, lock its
 * number, store it. 201 {"line":{...},"version":N}; a new basket (and its
 * cookie) when the request has none.
 */
int
ec_h_basket_add(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket_line l;
    struct ec_basket b;
    struct json_object *m;
    const char *field, *message;
    long long want = 0;
    int fresh = 0, given, rc;

    if (req->body_kind != EC_BODY_JSON)
        return ec_fail(res, EC_ERR_UNSUPPORTED_MEDIA, NULL,
                       "Send the line as application/json.");
    rc = ec_basket_line_check(req->catalog, req->channel, req->json, &l, &field,
                              &message);
    if (rc < 0)
        return ec_fail(res, rc, field, message);
    if ((given = wanted_version(req, &want)) < 0)
        return ec_fail(res, given, "version", "The version is not a number.");
    l.monthly_at_add = monthly_now_of(req, &l, time(NULL));
    if ((rc = load_current(req, &b)) < 0)
        return rc;
    if (b.version == 0) {
        /* never adopt an id the client made up: a fresh one */
        char id[EC_BASKET_ID_SIZE];

        ec_basket_new_id(id);
        rc =
            ec_basket_load(req->app->kv, req->tenant->slug, id, req->arena, &b);
        if (rc < 0)
            return rc;
        fresh = 1;
    }
    if (given && want != b.version)
        return ec_fail(res, EC_ERR_VERSION_CONFLICT, "version", NULL);
    rc = ec_basket_add(req->app->kv, req->tenant->slug, &b, &l,
                       EC_BASKET_TTL_MS, EC_BASKET_LOCK_TTL_MS);
    if (rc == EC_ERR_NUMBER_TAKEN)
        return ec_fail(res, rc, "msisdn", NULL);
    if (rc == EC_ERR_INVALID_FIELD)
        return ec_fail(res, rc, "lines", "The basket is full.");
    if (rc == EC_ERR_VERSION_CONFLICT)
        return ec_fail(res, rc, "version", NULL);
    if (rc < 0)
        return rc;
    if (fresh)
        ec_response_header(
            res, "Set-Cookie",
            ec_arena_printf(req->arena, "basket=%s" COOKIE_ATTRS, b.id));
    m = json_object_new_object();
    json_object_object_add(m, "line", ec_basket_line_to_json(&l));
    json_object_object_add(m, "version", json_object_new_int64(b.version));
    ec_response_set_model(res, m, NULL);
    res->status = 201;
    set_etag(req, res, b.version);
    return 0;
}

/* DELETE /api/v1/basket/lines/{id}: remove it, free its number now. */
int
ec_h_basket_remove(struct ec_request *req, struct ec_response *res)
{
    const char *line_id = ec_request_route_arg(req, "id");
    struct ec_basket b;
    struct json_object *m;
    long long want = 0;
    int given, rc;

    if ((given = wanted_version(req, &want)) < 0)
        return ec_fail(res, given, "version", "The version is not a number.");
    if ((rc = load_current(req, &b)) < 0)
        return rc;
    if (b.version == 0)
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL,
                       "There is no such line in your basket.");
    if (given && want != b.version)
        return ec_fail(res, EC_ERR_VERSION_CONFLICT, "version", NULL);
    rc = ec_basket_remove(req->app->kv, req->tenant->slug, &b,
                          line_id ? line_id : "", EC_BASKET_TTL_MS);
    if (rc == EC_ERR_NOT_FOUND)
        return ec_fail(res, rc, NULL, "There is no such line in your basket.");
    if (rc == EC_ERR_VERSION_CONFLICT)
        return ec_fail(res, rc, "version", NULL);
    if (rc < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "version", json_object_new_int64(b.version));
    ec_response_set_model(res, m, NULL);
    set_etag(req, res, b.version);
    return 0;
}
