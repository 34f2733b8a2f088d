/*
 * The panel's orders (docs/admin.md): the list by state and by the days
 * they were made (the shop's days, in its time zone), one order with its
 * lines, each line's price breakdown as sold, the payment and the
 * outbox's deliveries, and the retry of a dead delivery (MANAGE), which
 * is what `ecomctl outbox retry` does, audited as the staff member
 * (ec_order_admin_retry()). Every read names the tenant, so another
 * tenant's order id is 404.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/order.h"
#include "svc/order_admin.h"
#include "svc/audit.h"
#include "svc/staff.h"
#include "svc/tenant.h"

/* ---- the list ---- */

/* The shop's day s as an instant (handlers/admin.h). */
int
ec_admin_day_start(struct ec_request *req, const char *s, int next, int64_t *t)
{
    const struct ec_tztime_zone *z = req->tenant->zone;
    struct ec_tztime_civil c;

    if (!s || strlen(s) != 10 ||
        ec_tztime_parse(z, s, EC_TZTIME_COMPATIBLE, t) < 0)
        return EC_ERR_INVALID_FIELD;
    if (!next)
        return 0;
    /* a day and a half on is always the next day, whatever the clock
       change */
    if (ec_tztime_from_utc(z, *t + 36 * 3600, &c, NULL) < 0)
        return EC_ERR_INVALID_FIELD;
    c.hour = c.minute = c.second = 0;
    return ec_tztime_to_utc(z, &c, EC_TZTIME_COMPATIBLE, t, NULL);
}

/* The seller filter's options (m's "agents"): the shop's staff whose
   role may sell, the one f names selected. */
struct sellers {
    struct json_object *list;
    long long selected;
};

static int
add_seller(const struct ec_staff *st, void *ctx)
{
    struct sellers *s = ctx;
    struct json_object *o;

    if (!ec_staff_can(st->role, EC_STAFF_SELL))
        return 0;
    o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(st->id));
    json_object_object_add(o, "name", ec_json_str(st->name));
    json_object_object_add(o, "selected",
                           json_object_new_boolean(st->id == s->selected));
    json_object_array_add(s->list, o);
    return 0;
}

/* The query's agent ("": every order, "any": any agent's, else a staff
   id) into f->agent, its options into m; 0, EC_ERR_INVALID_FIELD, or a
   store error. */
static int
read_seller(struct ec_request *req, struct ec_order_filter *f,
            struct json_object *m)
{
    const char *a = ec_request_arg(req, "agent");
    struct sellers s = {json_object_new_array(), 0};
    int bad = 0, rc;
    char *end;

    f->agent = 0;
    if (a && strcmp(a, "any") == 0)
        f->agent = EC_ORDER_BY_AGENTS;
    else if (a && *a) {
        f->agent = strtoll(a, &end, 10);
        bad = *end || f->agent < 1;
    }
    s.selected = f->agent;
    json_object_object_add(m, "agents", s.list);
    json_object_object_add(
        m, "agents_any",
        json_object_new_boolean(f->agent == EC_ORDER_BY_AGENTS));
    if ((rc = ec_staff_each(req->env->db, req->tenant->id, add_seller, &s)) < 0)
        return rc;
    return bad ? EC_ERR_INVALID_FIELD : 0;
}

/* The filter of the query into *f, its fields as typed into m, and
   which one was not understood into *bad (NULL: none). */
static void
read_filter(struct ec_request *req, struct ec_order_filter *f,
            struct json_object *m, const char **bad)
{
    const char *state = ec_request_arg(req, "state");
    const char *from = ec_request_arg(req, "from");
    const char *to = ec_request_arg(req, "to");
    struct json_object *states = json_object_new_array();

    *bad = NULL;
    memset(f, 0, sizeof(*f));
    f->status = -1;
    f->limit = EC_ORDER_ADMIN_LIST_MAX;
    if (state && *state && (f->status = ec_order_status_parse(state)) < 0)
        *bad = "state";
    if (from && *from && ec_admin_day_start(req, from, 0, &f->from) < 0)
        *bad = "from";
    if (to && *to && ec_admin_day_start(req, to, 1, &f->to) < 0)
        *bad = "to";
    for (int i = 0; ec_order_status_name((enum ec_order_status)i); i++) {
        const char *name = ec_order_status_name((enum ec_order_status)i);
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "code", ec_json_str(name));
        json_object_object_add(
            o, "name",
            ec_json_str(ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "order.status.%s", name))));
        json_object_object_add(o, "selected",
                               json_object_new_boolean(f->status == i));
        json_object_array_add(states, o);
    }
    json_object_object_add(m, "states", states);
    json_object_object_add(m, "from", ec_json_str(from ? from : ""));
    json_object_object_add(m, "to", ec_json_str(to ? to : ""));
}

/* GET /admin/orders[?state=&from=YYYY-MM-DD&to=YYYY-MM-DD&agent=any|<id>] */
int
ec_h_admin_orders(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object(), *list;
    struct ec_order_filter f;
    const char *bad;
    int rc;

    read_filter(req, &f, m, &bad);
    rc = read_seller(req, &f, m);
    if (rc == EC_ERR_INVALID_FIELD)
        bad = "agent";
    else if (rc < 0) {
        json_object_put(m);
        return rc;
    }
    if (bad) {
        json_object_object_add(
            m, "error",
            ec_json_str(ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "admin.orders.bad_%s", bad))));
        json_object_object_add(m, "orders", json_object_new_array());
        return ec_admin_page(req, res, "orders", "admin/orders", m, 422);
    }
    if ((rc = ec_order_admin_list(req->env->db, req->tenant->id, &f, &list)) <
        0) {
        json_object_put(m);
        return rc;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++)
        ec_order_texts(req, json_object_array_get_idx(list, i));
    json_object_object_add(
        m, "has_orders",
        json_object_new_boolean(json_object_array_length(list) > 0));
    json_object_object_add(m, "orders", list);
    return ec_admin_page(req, res, "orders", "admin/orders", m, 200);
}

/* ---- one order ---- */

/* An instant of the outbox ("...Z", UTC) as the shop's clock shows it,
   beside the key as key_local. */
static void
local_of(struct ec_request *req, struct json_object *o, const char *key)
{
    struct json_object *v;
    char buf[24];
    int64_t t;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string) ||
        ec_tztime_parse(NULL, json_object_get_string(v), EC_TZTIME_COMPATIBLE,
                        &t) < 0)
        return;
    ec_admin_local_time(req, t, buf, sizeof(buf));
    json_object_object_add(o, ec_arena_printf(req->arena, "%s_local", key),
                           json_object_new_string(buf));
}

static void
deliveries_texts(struct ec_request *req, struct json_object *order, int manage)
{
    struct json_object *list, *d, *v;
    int any_dead = 0;

    if (!json_object_object_get_ex(order, "deliveries", &list))
        return;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        d = json_object_array_get_idx(list, i);
        local_of(req, d, "next_attempt_at");
        local_of(req, d, "delivered_at");
        if (json_object_object_get_ex(d, "state", &v))
            json_object_object_add(
                d, "state_text",
                ec_json_str(ec_msgcat_text(
                    req->texts,
                    ec_arena_printf(req->arena, "admin.delivery.state.%s",
                                    json_object_get_string(v)))));
        if (json_object_object_get_ex(d, "dead", &v) &&
            json_object_get_boolean(v)) {
            any_dead = 1;
            /* the retry button only for whom it works */
            json_object_object_add(d, "can_retry",
                                   json_object_new_boolean(manage));
        }
    }
    json_object_object_add(
        order, "has_deliveries",
        json_object_new_boolean(json_object_array_length(list) > 0));
    json_object_object_add(order, "any_dead",
                           json_object_new_boolean(any_dead));
}

/* Each line's stored breakdown: its amounts were written as the shop
   wrote money when sold (the *_text fields), so it is shown as it was. */
static void
lines_texts(struct json_object *order)
{
    struct json_object *lines, *b, *addons;

    if (!json_object_object_get_ex(order, "lines", &lines))
        return;
    for (size_t i = 0; i < json_object_array_length(lines); i++) {
        struct json_object *l = json_object_array_get_idx(lines, i);

        if (json_object_object_get_ex(l, "breakdown", &b) &&
            json_object_object_get_ex(b, "addons", &addons))
            json_object_object_add(
                l, "has_addons",
                json_object_new_boolean(json_object_array_length(addons) > 0));
    }
}

/* The order page with status, and a notice (message id, or NULL). */
static int
order_page(struct ec_request *req, struct ec_response *res, const char *id,
           const char *notice, int status)
{
    struct json_object *o;
    int rc = ec_order_admin_view(req->env->db, req->tenant->id, id, &o);

    if (rc < 0)
        return rc;
    ec_order_texts(req, o);
    lines_texts(o);
    deliveries_texts(req, o, ec_staff_can(req->staff->role, EC_STAFF_MANAGE));
    if (notice)
        json_object_object_add(o, "notice",
                               ec_json_str(ec_msgcat_text(req->texts, notice)));
    return ec_admin_page(req, res, "orders", "admin/order", o, status);
}

/* GET /admin/orders/{id} */
int
ec_h_admin_order(struct ec_request *req, struct ec_response *res)
{
    return order_page(req, res, ec_request_route_arg(req, "id"), NULL, 200);
}

/* POST /admin/orders/{id}/retry (event=<event id>): the dead delivery
   pending again, sent in the delivery process's next round, audited with
   the staff member as its actor in the same transaction; 303 back. */
int
ec_h_admin_form_retry(struct ec_request *req, struct ec_response *res)
{
    const char *id = ec_request_route_arg(req, "id");
    const char *event = ec_request_form(req, "event");
    struct ec_audit_actor who = ec_admin_actor(req);
    int rc;

    rc = ec_order_admin_retry(req->env->db, req->tenant->id, id, event, &who);
    if (rc == EC_ERR_NOT_FOUND) {
        struct json_object *o;

        /* no such order of this tenant: 404; a delivery that is not dead
           (any more): the page again, saying so */
        if (ec_order_admin_view(req->env->db, req->tenant->id, id, &o) < 0)
            return EC_ERR_NOT_FOUND;
        json_object_put(o);
        return order_page(req, res, id, "admin.order.retry_not_dead", 409);
    }
    if (rc < 0)
        return rc;
    ec_log_info("staff %lld retried delivery %s of order %s of %s",
                req->staff->id, event, id, req->tenant->slug);
    res->status = 303;
    ec_response_header(res, "Location",
                       ec_arena_printf(req->arena, "/admin/orders/%s", id));
    return 0;
}
