/*
 * The admin API's number pool and orders (/api/admin/v1/numbers and
 * /orders, docs/admin.md). As in admin_api.c, the dispatcher has checked
 * the API key, its tenant and its role.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/number_csv.h"
#include "svc/order.h"
#include "svc/order_json.h"
#include "svc/order_page.h"
#include "svc/tenant.h"

/* The bad lines of a refused file, for the error's "errors" member. */
static struct json_object *
line_errors(const struct ec_number_csv_result *r)
{
    struct json_object *d = json_object_new_object();
    struct json_object *arr = json_object_new_array();

    for (size_t i = 0; i < r->nerrors; i++) {
        struct json_object *e = json_object_new_object();

        json_object_object_add(
            e, "line", json_object_new_int64((int64_t)r->errors[i].line));
        json_object_object_add(e, "message",
                               json_object_new_string(r->errors[i].message));
        json_object_array_add(arr, e);
    }
    json_object_object_add(d, "errors", arr);
    json_object_object_add(d, "bad_lines",
                           json_object_new_int64((int64_t)r->nbad));
    return d;
}

/* POST /api/admin/v1/numbers (text/csv, one number a line):
   {"added","in_pool","repeated"}, or 422 with every bad line */
int
ec_h_api_admin_numbers_import(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = {EC_AUDIT_API_KEY, req->api_key_id,
                                 req->api_key_name};
    struct ec_number_csv_result *r;
    struct json_object *m;
    int rc;

    if (!req->body_len)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "$",
                       "Send the numbers as text/csv, one a line.");
    r = ec_arena_alloc(req->arena, sizeof(*r));
    rc = ec_number_csv_import(req->env->db, req->env->kv, req->tenant->id,
                              req->tenant->slug, req->body, req->body_len, &who,
                              r);
    if (rc == EC_ERR_INVALID_FIELD)
        return ec_fail_detail(res, rc, "$",
                              "Some lines are not phone numbers; nothing was "
                              "imported.",
                              line_errors(r));
    if (rc < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "added",
                           json_object_new_int64((int64_t)r->counts.added));
    json_object_object_add(m, "in_pool",
                           json_object_new_int64((int64_t)r->counts.in_pool));
    json_object_object_add(m, "repeated",
                           json_object_new_int64((int64_t)r->repeated));
    ec_response_set_model(res, m, NULL);
    return 0;
}

/* A filter's instant: RFC 3339, or a local time or date in the shop's
   zone. 0, or -1. */
static int
instant(const struct ec_request *req, const char *s, long long *t)
{
    int64_t v;

    if (ec_tztime_parse(req->tenant->zone, s, EC_TZTIME_COMPATIBLE, &v) < 0)
        return -1;
    *t = v;
    return 0;
}

/* GET /api/admin/v1/orders?state=&from=&to=&agent=&limit=&cursor=:
   {"orders":[...],"next":cursor|null} */
int
ec_h_api_admin_orders(struct ec_request *req, struct ec_response *res)
{
    const char *state = ec_request_arg(req, "state");
    const char *from = ec_request_arg(req, "from");
    const char *to = ec_request_arg(req, "to");
    const char *limit = ec_request_arg(req, "limit");
    const char *cursor = ec_request_arg(req, "cursor");
    const char *agent = ec_request_arg(req, "agent");
    struct ec_order_page_filter f = {-1, 0, 0, 0, 0, 0};
    struct json_object *orders, *m;
    long long next;
    char *end;
    int rc;

    if (state && *state && (f.status = ec_order_status_parse(state)) < 0)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "state",
                       "state is pending_payment, paid, submitted, "
                       "provisioning, completed or cancelled.");
    if (from && *from && instant(req, from, &f.from) < 0)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "from",
                       "from is an instant (RFC 3339) or a date.");
    if (to && *to && instant(req, to, &f.to) < 0)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "to",
                       "to is an instant (RFC 3339) or a date.");
    if (limit && *limit) {
        long n = strtol(limit, &end, 10);

        if (*end || n < 1 || n > EC_ORDER_PAGE_LIMIT_MAX)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "limit",
                           "limit is a whole number from 1 to 500.");
        f.limit = (unsigned)n;
    }
    if (agent && strcmp(agent, "any") == 0) {
        f.agent = EC_ORDER_BY_AGENTS;
    } else if (agent && *agent) {
        f.agent = strtoll(agent, &end, 10);
        if (*end || f.agent < 1)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "agent",
                           "agent is \"any\" or a sales agent's agent_id.");
    }
    if (cursor && *cursor) {
        f.before_id = strtoll(cursor, &end, 10);
        if (*end || f.before_id < 1)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "cursor",
                           "cursor is the next of an earlier page.");
    }
    if ((rc = ec_order_page(req->env->db, req->tenant->id, &f, &orders,
                            &next)) < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "orders", orders);
    json_object_object_add(
        m, "next",
        next ? json_object_new_string(ec_arena_printf(req->arena, "%lld", next))
             : NULL);
    ec_response_set_model(res, m, NULL);
    return 0;
}
