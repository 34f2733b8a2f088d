/*
 * The guest's basket: the changes both its JSON API and its pages make
 * (see handlers/basket.h), and the JSON API itself. The basket belongs to
 * the visitor's session: the session's record (svc/session.h) names it,
 * made at the first line added. Every change must carry the session's
 * CSRF token (X-CSRF-Token for the API, the form field csrf for the
 * pages), which the dispatcher checks from the route flags before a
 * handler here runs (http/csrf.h).
 */
#include "handlers/basket.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "handlers/env.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/format.h"
#include "svc/session.h"
#include "svc/tenant.h"

/* ---- reading ---- */

int
ec_basket_wanted(struct ec_request *req, struct ec_response *res,
                 struct ec_basket_want *w)
{
    const char *h = ec_request_header(req, "if-match");
    const char *f = ec_kvlist_get(&req->form, "version");
    struct json_object *v;
    char *end;

    w->given = 0;
    w->version = 0;
    if (h && *h) {
        if (h[0] == 'W' && h[1] == '/')
            h += 2;
        if (*h == '"')
            h++;
    } else if (req->json && json_object_is_type(req->json, json_type_object) &&
               json_object_object_get_ex(req->json, "version", &v) &&
               !json_object_is_type(v, json_type_null)) {
        /* json-c reads a number past a long long as INT64_MAX */
        if (!json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) < 0 ||
            json_object_get_int64(v) == INT64_MAX)
            goto bad;
        w->given = 1;
        w->version = json_object_get_int64(v);
        return 0;
    } else if (f && *f) {
        h = f;
    } else {
        return 0;
    }
    errno = 0;
    w->version = strtoll(h, &end, 10);
    if (end == h || errno == ERANGE || w->version < 0 ||
        (*end && strcmp(end, "\"") != 0))
        goto bad;
    w->given = 1;
    return 0;
bad:
    return ec_fail(res, EC_ERR_INVALID_FIELD, "version",
                   "The version is not a number.");
}

int
ec_basket_current(struct ec_request *req, struct ec_basket *b)
{
    memset(b, 0, sizeof(*b));
    /* a session issued by this very answer has nothing stored yet */
    if (!req->session_id || req->session_fresh)
        return 0;
    return ec_session_basket(req->env->kv, req->tenant->slug, req->session_id,
                             NULL, req->env->session_idle_ms, req->arena, b);
}

/*
 * The basket a change works on, in one round trip: the session's, or, when
 * it has none, a new one that the session names from now on (its record
 * made then). Two requests of one session starting a basket at once
 * agree on one; the basket's version check then tells them apart.
 */
static int
basket_for_change(struct ec_request *req, struct ec_basket *b)
{
    char fresh[EC_BASKET_ID_SIZE];

    memset(b, 0, sizeof(*b));
    if (!req->session_id)
        return EC_ERR_CSRF_FAILED; /* the dispatcher lets none through */
    ec_basket_new_id(fresh);
    return ec_session_basket(req->env->kv, req->tenant->slug, req->session_id,
                             fresh, req->env->session_idle_ms, req->arena, b);
}

/*
 * Add line l to a new basket that the session takes as its own in the
 * same step; EC_BASKET_NAMED with *b the session's basket when it has one
 * already (the caller adds to that).
 */
static int
add_claiming(struct ec_request *req, struct ec_basket *b,
             struct ec_basket_line *l, const struct ec_basket_policy *p,
             const char **field, const char **message)
{
    char record[EC_BASKET_KEY_SIZE];
    struct ec_basket_claim claim = {record, req->env->session_idle_ms,
                                    req->arena};

    memset(b, 0, sizeof(*b));
    if (!req->session_id)
        return EC_ERR_CSRF_FAILED; /* the dispatcher lets none through */
    if (ec_session_record_key(record, sizeof(record), req->tenant->slug,
                              req->session_id) < 0)
        return EC_ERR_INTERNAL;
    return ec_basket_add_claimed(req->env->kv, req->tenant->slug, &claim, b, l,
                                 p, field, message);
}

/* The settings that bound a basket, for this request's client. */
static void
policy_of(const struct ec_request *req, struct ec_basket_policy *p)
{
    int exempt = !req->client ||
                 ec_cidrs_match(req->env->limits_exempt, &req->client_addr);

    ec_basket_policy_for(&req->env->basket, exempt ? NULL : req->client, p);
}

void
ec_basket_policy_of(const struct ec_request *req, struct ec_basket_policy *p)
{
    policy_of(req, p);
}

/* The channel line belongs to: the one it was chosen in, while the catalog
   still has it; else the request's. */
static const struct ec_channel *
line_channel(const struct ec_request *req, struct json_object *line)
{
    const char *code = ec_basket_line_str(line, "channel");
    const struct ec_channel *ch =
        code ? ec_catalog_channel(req->catalog, code) : NULL;

    return ch ? ch : req->channel;
}

/* ---- changing ---- */

/* Answer a failed change of basket b (NULL: none read) with its field
   and words. */
static int
change_failed(struct ec_request *req, struct ec_response *res,
              const struct ec_basket *b, int rc, const char *field,
              const char *message)
{
    switch (rc) {
    case EC_ERR_INVALID_FIELD:
    case EC_ERR_BASKET_LIMIT:
        return ec_fail(res, rc, field, message);
    case EC_ERR_NUMBER_TAKEN:
        return ec_fail(res, rc, "msisdn", NULL);
    case EC_ERR_RATE_LIMITED:
        /* headers are kept by reference: arena memory */
        ec_response_header(
            res, "Retry-After",
            ec_arena_printf(req->arena, "%ld",
                            b && b->retry_after > 0 ? b->retry_after : 60));
        return ec_fail(res, rc, field, message);
    case EC_ERR_VERSION_CONFLICT:
        return ec_fail(res, rc, "version", NULL);
    case EC_ERR_NOT_FOUND:
        return ec_fail(res, rc, NULL, "There is no such line in your basket.");
    default:
        return rc;
    }
}

/* A chosen number must be an available number of this shop's pool. */
static int
check_pool(struct ec_request *req, struct ec_response *res, const char *msisdn)
{
    int rc = ec_number_check_available(req->env->db, req->tenant->id, msisdn);

    if (rc == EC_ERR_NOT_FOUND)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "msisdn",
                       "This number is not one we offer. Choose one of ours "
                       "or port your own.");
    if (rc == EC_ERR_NUMBER_TAKEN)
        return ec_fail(res, rc, "msisdn", NULL);
    return rc;
}

/* What line l costs a month now in channel ch (plan and add-ons), or -1. */
static long long
monthly_now_of(struct ec_request *req, const struct ec_channel *ch,
               const struct ec_basket_line *l)
{
    return ec_basket_line_monthly(req->catalog, ch, l, time(NULL),
                                  req->tenant->vat_rate_bp, req->arena);
}

static int
version_check(struct ec_response *res, const struct ec_basket_want *w,
              const struct ec_basket *b)
{
    if (w && w->given && w->version != b->version)
        return ec_fail(res, EC_ERR_VERSION_CONFLICT, "version", NULL);
    return 0;
}

int
ec_basket_do_add(struct ec_request *req, struct ec_response *res,
                 struct json_object *line, const struct ec_basket_want *w,
                 struct ec_basket *b, struct ec_basket_line *l)
{
    struct ec_basket_policy p;
    const char *field = NULL, *message = NULL;
    int rc;

    rc = ec_basket_line_check(req->catalog, req->channel, line, l, req->arena,
                              &field, &message);
    if (rc < 0)
        return ec_fail(res, rc, field, message);
    if (l->msisdn[0] && (rc = check_pool(req, res, l->msisdn)) < 0)
        return rc;
    l->monthly_at_add = monthly_now_of(req, req->channel, l);
    policy_of(req, &p);
    if (!w || !w->given || w->version == 0) {
        /* as if the session had no basket yet: one round trip when so */
        rc = add_claiming(req, b, l, &p, &field, &message);
        if (rc != EC_BASKET_NAMED)
            return rc < 0 ? change_failed(req, res, b, rc, field, message) : 0;
    } else if ((rc = basket_for_change(req, b)) < 0) {
        return rc;
    }
    /* a session's basket that expired keeps its id: the session names it */
    if ((rc = version_check(res, w, b)) < 0)
        return rc;
    rc = ec_basket_add(req->env->kv, req->tenant->slug, b, l, &p, &field,
                       &message);
    if (rc < 0)
        return change_failed(req, res, b, rc, field, message);
    return 0;
}

static const char *const patchable[] = {
    "sku",    "binding_months", "binding_accepted", "sim_type",
    "addons", "msisdn",         "porting",          "version",
};

/*
 * The stored line with patch over it, as a new object to check, or NULL
 * with the offending field recorded on res. A new number replaces a
 * ported one and the other way round.
 */
static struct json_object *
merge_patch(struct ec_response *res, struct json_object *stored,
            struct json_object *patch)
{
    struct json_object *m = NULL;

    if (!patch || !json_object_is_type(patch, json_type_object)) {
        ec_fail(res, EC_ERR_INVALID_FIELD, NULL,
                "The change must be a JSON object.");
        return NULL;
    }
    json_object_object_foreach(patch, key, val)
    {
        size_t i;

        (void)val;
        for (i = 0; i < sizeof(patchable) / sizeof(*patchable); i++)
            if (strcmp(key, patchable[i]) == 0)
                break;
        if (i == sizeof(patchable) / sizeof(*patchable)) {
            ec_fail(res, EC_ERR_INVALID_FIELD, key,
                    "This field cannot be changed.");
            return NULL;
        }
    }
    json_object_deep_copy(stored, &m, NULL);
    json_object_object_foreach(patch, k, v)
    {
        if (strcmp(k, "version") == 0)
            continue;
        if (strcmp(k, "msisdn") == 0 && !json_object_is_type(v, json_type_null))
            json_object_object_del(m, "porting");
        if (strcmp(k, "porting") == 0 &&
            !json_object_is_type(v, json_type_null))
            json_object_object_del(m, "msisdn");
        json_object_object_add(m, k, json_object_get(v));
    }
    return m;
}

int
ec_basket_do_update(struct ec_request *req, struct ec_response *res,
                    const char *line_id, struct json_object *patch,
                    const struct ec_basket_want *w, struct ec_basket *b,
                    struct ec_basket_line *l)
{
    const char *field = NULL, *message = NULL, *old_msisdn;
    const struct ec_channel *ch;
    struct ec_basket_policy p;
    struct json_object *stored, *merged;
    int rc;

    if ((rc = ec_basket_current(req, b)) < 0)
        return rc;
    if (b->version == 0 || !(stored = ec_basket_find_line(b, line_id, NULL)))
        return change_failed(req, res, NULL, EC_ERR_NOT_FOUND, NULL, NULL);
    if ((rc = version_check(res, w, b)) < 0)
        return rc;
    if (!(merged = merge_patch(res, stored, patch)))
        return EC_ERR_INVALID_FIELD;
    ch = line_channel(req, stored);
    rc = ec_basket_line_check(req->catalog, ch, merged, l, req->arena, &field,
                              &message);
    json_object_put(merged);
    if (rc < 0)
        return ec_fail(res, rc, field, message);
    old_msisdn = ec_basket_line_str(stored, "msisdn");
    if (l->msisdn[0] && (!old_msisdn || strcmp(old_msisdn, l->msisdn) != 0) &&
        (rc = check_pool(req, res, l->msisdn)) < 0)
        return rc;
    /* a change is a new choice at today's price */
    l->monthly_at_add = monthly_now_of(req, ch, l);
    policy_of(req, &p);
    rc = ec_basket_update(req->env->kv, req->tenant->slug, b, line_id, l, &p,
                          &field, &message);
    return rc < 0 ? change_failed(req, res, b, rc, field, message) : 0;
}

int
ec_basket_do_remove(struct ec_request *req, struct ec_response *res,
                    const char *line_id, const struct ec_basket_want *w,
                    struct ec_basket *b)
{
    struct ec_basket_policy p;
    int rc;

    if ((rc = ec_basket_current(req, b)) < 0)
        return rc;
    if (b->version == 0)
        return change_failed(req, res, NULL, EC_ERR_NOT_FOUND, NULL, NULL);
    if ((rc = version_check(res, w, b)) < 0)
        return rc;
    policy_of(req, &p);
    rc = ec_basket_remove(req->env->kv, req->tenant->slug, b, line_id, &p);
    return rc < 0 ? change_failed(req, res, b, rc, NULL, NULL) : 0;
}

int
ec_basket_do_keep(struct ec_request *req, struct ec_response *res,
                  const struct ec_basket_want *w, struct ec_basket *b)
{
    struct ec_basket_policy p;
    int rc;

    if ((rc = ec_basket_current(req, b)) < 0)
        return rc;
    if (b->version == 0)
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL, "Your basket is empty.");
    if ((rc = version_check(res, w, b)) < 0)
        return rc;
    policy_of(req, &p);
    rc = ec_basket_touch(req->env->kv, req->tenant->slug, b, &p);
    return rc < 0 ? change_failed(req, res, b, rc, NULL, NULL) : 0;
}

/* ---- showing ---- */

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

/* The lock of stored's number as its basket sees it (held: whether the
   basket holds it now). */
static void
add_lock(struct json_object *stored, int held, struct json_object *o,
         const char *id, struct json_object *notices)
{
    const char *msisdn = ec_basket_line_str(stored, "msisdn");
    struct json_object *lock, *exp;
    char national[EC_NUMBER_SIZE];

    if (!msisdn)
        return;
    ec_number_format_national(msisdn, national, sizeof(national));
    json_object_object_add(o, "msisdn_national",
                           json_object_new_string(national));
    lock = json_object_new_object();
    if (held) {
        json_object_object_add(lock, "held", json_object_new_boolean(1));
        json_object_object_add(
            lock, "expires_at",
            json_object_object_get_ex(stored, "lock_expires_at", &exp)
                ? json_object_get(exp)
                : json_object_new_null());
    } else {
        json_object_object_add(lock, "held", json_object_new_boolean(0));
        json_object_object_add(lock, "expires_at", json_object_new_null());
        add_notice(notices, "lock_expired", id,
                   "The number is no longer reserved for you.");
    }
    json_object_object_add(o, "lock", lock);
}

/*
 * One line of the basket's view (svc/basket.h) as the client sees it: the
 * stored fields, its price now in its channel (the plan's breakdown, each
 * add-on's own, the line's sums), and its lock; its notices into notices.
 */
static struct json_object *
line_json(struct ec_request *req, const struct ec_basket_view_line *vl,
          struct json_object *notices)
{
    struct json_object *o = NULL, *price, *addons;

    json_object_deep_copy(vl->stored, &o, NULL);
    if (!vl->offer) {
        json_object_object_add(o, "price", json_object_new_null());
        add_notice(notices, "unavailable", vl->id,
                   "This product is no longer offered as chosen.");
        add_lock(vl->stored, vl->lock_held, o, vl->id, notices);
        return o;
    }
    json_object_object_add(o, "name",
                           json_object_new_string(vl->offer->display_name));
    price = json_object_new_object();
    ec_json_money(req, price, "plan_monthly_now", vl->plan->monthly_now);
    addons = json_object_new_array();
    json_object_object_add(price, "addons", addons);
    for (size_t i = 0; i < vl->naddons; i++) {
        struct json_object *a = json_object_new_object();

        json_object_object_add(a, "sku",
                               json_object_new_string(vl->addons[i].sku));
        json_object_object_add(a, "name",
                               json_object_new_string(vl->addons[i].name));
        ec_json_money(req, a, "monthly_now", vl->addons[i].monthly_now);
        json_object_array_add(addons, a);
    }
    if (vl->addon_unavailable)
        add_notice(notices, "unavailable", vl->id,
                   "An add-on is no longer offered.");
    ec_json_money(req, price, "monthly_now", vl->monthly_now);
    ec_json_money(req, price, "one_time", vl->one_time);
    ec_json_money(req, price, "min_total", vl->min_total);
    json_object_object_add(o, "price", price);
    if (vl->price_changed)
        add_notice(notices, "price_changed", vl->id,
                   "The price has changed since you chose this.");
    add_lock(vl->stored, vl->lock_held, o, vl->id, notices);
    return o;
}

int
ec_basket_view(struct ec_request *req, const struct ec_basket *b,
               const struct ec_basket_view **typed, struct json_object **out)
{
    struct ec_basket_view *v = ec_arena_alloc(req->arena, sizeof(*v));
    struct json_object *m, *lines, *totals, *notices;
    int held[EC_BASKET_LINES_MAX] = {0};
    int rc;

    rc = ec_basket_locks_held(req->env->kv, req->tenant->slug, b, req->arena,
                              held, EC_BASKET_LINES_MAX);
    if (rc < 0)
        return rc;
    /* the totals and the minimum-term rule are the basket service's */
    ec_basket_view_build(req->catalog, req->channel, b, held, time(NULL),
                         req->tenant->vat_rate_bp, req->arena, v);
    lines = json_object_new_array();
    notices = json_object_new_array();
    for (size_t i = 0; i < v->nlines; i++)
        json_object_array_add(lines, line_json(req, &v->lines[i], notices));
    totals = json_object_new_object();
    json_object_object_add(totals, "currency",
                           json_object_new_string(req->tenant->currency));
    ec_json_money(req, totals, "monthly_now", v->monthly_now);
    ec_json_money(req, totals, "one_time", v->one_time);
    ec_json_money(req, totals, "min_total", v->min_total);
    m = json_object_new_object();
    json_object_object_add(m, "version", json_object_new_int64(b->version));
    json_object_object_add(m, "lines", lines);
    json_object_object_add(m, "totals", totals);
    json_object_object_add(m, "notices", notices);
    ec_basket_identity_model(req, b, m);
    *out = m;
    if (typed)
        *typed = v;
    return 0;
}

/* ---- the JSON API ---- */

static void
set_etag(struct ec_request *req, struct ec_response *res, long long version)
{
    /* headers are kept by reference: arena memory */
    ec_response_header(res, "ETag",
                       ec_arena_printf(req->arena, "\"%lld\"", version));
}

/* {"line":{...},"version":N} */
static void
answer_line(struct ec_request *req, struct ec_response *res,
            const struct ec_basket *b, const struct ec_basket_line *l)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "line", ec_basket_line_to_json(l));
    json_object_object_add(m, "version", json_object_new_int64(b->version));
    ec_response_set_model(res, m, NULL);
    set_etag(req, res, b->version);
}

/* GET /api/v1/basket */
int
ec_h_basket(struct ec_request *req, struct ec_response *res)
{
    struct json_object *view;
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_current(req, &b)) < 0 ||
        (rc = ec_basket_view(req, &b, NULL, &view)) < 0)
        return rc;
    ec_response_set_model(res, view, NULL);
    set_etag(req, res, b.version);
    return 0;
}

/* POST /api/v1/basket/lines: 201 {"line","version"}; a new basket when
   the session has none. */
int
ec_h_basket_add(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket_want w;
    struct ec_basket_line l;
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_wanted(req, res, &w)) < 0 ||
        (rc = ec_basket_do_add(req, res, req->json, &w, &b, &l)) < 0)
        return rc;
    answer_line(req, res, &b, &l);
    res->status = 201;
    return 0;
}

/* PATCH /api/v1/basket/lines/{id}: {"line","version"} */
int
ec_h_basket_update(struct ec_request *req, struct ec_response *res)
{
    const char *line_id = ec_request_route_arg(req, "id");
    struct ec_basket_want w;
    struct ec_basket_line l;
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_wanted(req, res, &w)) < 0 ||
        (rc = ec_basket_do_update(req, res, line_id ? line_id : "", req->json,
                                  &w, &b, &l)) < 0)
        return rc;
    answer_line(req, res, &b, &l);
    return 0;
}

/* DELETE /api/v1/basket/lines/{id}: {"version"}; the number is free now. */
int
ec_h_basket_remove(struct ec_request *req, struct ec_response *res)
{
    const char *line_id = ec_request_route_arg(req, "id");
    struct ec_basket_want w;
    struct ec_basket b;
    struct json_object *m;
    int rc;

    if ((rc = ec_basket_wanted(req, res, &w)) < 0 ||
        (rc = ec_basket_do_remove(req, res, line_id ? line_id : "", &w, &b)) <
            0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "version", json_object_new_int64(b.version));
    ec_response_set_model(res, m, NULL);
    set_etag(req, res, b.version);
    return 0;
}

/* POST /api/v1/basket/keep: the basket's numbers stay reserved for
   another lock TTL; answers the basket as GET does. */
int
ec_h_basket_keep(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket_want w;
    struct json_object *view;
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_wanted(req, res, &w)) < 0 ||
        (rc = ec_basket_do_keep(req, res, &w, &b)) < 0 ||
        (rc = ec_basket_view(req, &b, NULL, &view)) < 0)
        return rc;
    ec_response_set_model(res, view, NULL);
    set_etag(req, res, b.version);
    return 0;
}
