/*
 * The pages around a payment (docs/orders.md, "Payment pages"):
 *
 *   - the payment simulator's hosted page, /pay/sim/<payment id>, a
 *     stand-in for a provider's page in the demo and test stacks only
 *     (route flag SIMULATOR: absent unless payment_sim_secret_file is
 *     set). It shows the amount due now and the order, and a form whose
 *     three buttons post outcome=approve|decline|cancel back to it; the
 *     post makes the signed callback (ec_payment_sim_complete()) and
 *     sends the customer to the return page. A payment that is over shows
 *     its status instead, and a post to it changes nothing;
 *   - the payment return page, /orders/<order id>/payment-return, where
 *     every provider sends the customer back (Stripe's success_url and
 *     cancel_url too). It only shows the order's status: only a verified
 *     callback marks an order paid. It shows no personal data (status,
 *     reference, amount), so the order's 128-bit random id is the
 *     capability to see it.
 *
 * Both work without JavaScript. Nothing here logs a key or a body.
 */
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/order.h"
#include "svc/payment.h"
#include "svc/tenant.h"

#define RETURN_PATH_FORMAT "/orders/%s/payment-return"

/* 1 while a payment can still be completed. */
static int
payment_open(const struct ec_payment_info *p)
{
    return strcmp(p->status, "created") == 0 ||
           strcmp(p->status, "pending") == 0;
}

/* The simulator's payment payment_id of the tenant, or EC_ERR_NOT_FOUND
   (another tenant's, another provider's, none). */
static int
sim_payment(struct ec_request *req, struct ec_payment_info *p)
{
    const char *id = ec_request_route_arg(req, "payment_id");
    int rc;

    if ((rc = ec_payment_get(req->env->db, req->tenant->id, id, p)) < 0)
        return rc;
    return strcmp(p->provider, EC_PAYMENT_SIM) == 0 ? 0 : EC_ERR_NOT_FOUND;
}

/* GET /pay/sim/{payment_id} */
int
ec_h_sim_page(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m;
    struct ec_payment_info p;
    int rc;

    if ((rc = sim_payment(req, &p)) < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "payment_id", json_object_new_string(p.id));
    json_object_object_add(m, "order_id", json_object_new_string(p.order_id));
    ec_json_money(req, m, "amount", p.amount);
    json_object_object_add(m, "status", json_object_new_string(p.status));
    json_object_object_add(
        m, "status_text",
        json_object_new_string(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "payment_status.%s", p.status))));
    json_object_object_add(m, "open",
                           json_object_new_boolean(payment_open(&p)));
    json_object_object_add(m, "return_url",
                           json_object_new_string(ec_arena_printf(
                               req->arena, RETURN_PATH_FORMAT, p.order_id)));
    json_object_object_add(m, "csrf", ec_json_str(req->csrf_token));
    ec_response_set_model(res, m, "pay_sim");
    return 0;
}

/* POST /pay/sim/{payment_id}: outcome=approve|decline|cancel, then 303
   to the return page (a payment over already changes nothing). */
int
ec_h_form_sim_complete(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    char order_id[33];
    int rc;

    rc = ec_payment_sim_complete(
        env->db, env->kv, req->tenant->id, env->payment_sim_key,
        env->payment_sim_key_len, ec_request_route_arg(req, "payment_id"),
        ec_request_form(req, "outcome"), (int64_t)time(NULL), order_id);
    if (rc == EC_ERR_INVALID_FIELD)
        return ec_fail(res, rc, "outcome", NULL);
    if (rc < 0)
        return rc;
    res->status = 303;
    ec_response_header(
        res, "Location",
        ec_arena_printf(req->arena, RETURN_PATH_FORMAT, order_id));
    return 0;
}

/* GET /orders/{order_id}/payment-return */
int
ec_h_payment_return_page(struct ec_request *req, struct ec_response *res)
{
    const char *id = ec_request_route_arg(req, "order_id");
    enum ec_order_status s;
    struct ec_order_info o;
    struct json_object *m;
    int rc;

    if ((rc = ec_order_get(req->env->db, req->tenant->id, id, &o)) < 0)
        return rc;
    s = o.status;
    m = json_object_new_object();
    json_object_object_add(m, "order_id", json_object_new_string(o.public_id));
    json_object_object_add(m, "status",
                           json_object_new_string(ec_order_status_name(s)));
    ec_json_money(req, m, "amount", o.due_now);
    json_object_object_add(
        m, "paid",
        json_object_new_boolean(s != EC_ORDER_PENDING_PAYMENT &&
                                s != EC_ORDER_CANCELLED));
    json_object_object_add(
        m, "pending", json_object_new_boolean(s == EC_ORDER_PENDING_PAYMENT));
    json_object_object_add(m, "cancelled",
                           json_object_new_boolean(s == EC_ORDER_CANCELLED));
    ec_response_set_model(res, m, "payment_return");
    return 0;
}

/* The payment return page of order_id on this host, absolute
   (ec_request_base_url()). */
static const char *
return_url(struct ec_request *req, const char *order_id)
{
    return ec_arena_printf(req->arena, "%s" RETURN_PATH_FORMAT,
                           ec_request_base_url(req), order_id);
}

int
ec_payment_start(struct ec_request *req, const char *order_id,
                 const char *payment_id, const char **url)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *name = ec_msgcat_text(req->texts, "payment.item_name");
    int rc;

    *url = NULL;
    rc = ec_payment_begin(
        req->env->db, req->env->payments, req->tenant->id, payment_id,
        return_url(req, order_id),
        ec_arena_printf(req->arena, "%s %s", name, req->tenant->name), &b);
    if (rc == 0)
        *url = ec_arena_strndup(req->arena, b.data, b.len);
    ec_buf_release(&b);
    return rc;
}
