/*
 * Callbacks into the order flow: the downstream receiver's reports, the
 * payment simulator's callback and Stripe's webhooks. Thin on purpose: each
 * verifies and applies through its service (svc/downstream.c,
 * svc/payment_sim.c) with the raw body, and answers 2xx only after the effect
 * is committed.
 */
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/downstream.h"
#include "svc/payment.h"
#include "svc/tenant.h"

/* The answer to a refused callback, its reason logged for the operator. */
static int
refused(struct ec_response *res, const char *what, const char *slug, int rc,
        const char *why)
{
    ec_log_warn("%s for %s refused: %s%s%s", what, slug, ec_err_info(rc)->code,
                why ? ": " : "", why ? why : "");
    if (rc != EC_ERR_UNAVAILABLE && rc != EC_ERR_INTERNAL)
        ec_metric_inc(EC_M_WEBHOOKS_REJECTED);
    if (rc == EC_ERR_FORBIDDEN)
        return ec_fail(res, rc, NULL, "The signature does not verify.");
    return ec_fail(res, rc, why, NULL);
}

static void
accepted(struct ec_response *res)
{
    struct json_object *o = json_object_new_object();

    ec_metric_inc(EC_M_WEBHOOKS_ACCEPTED);
    json_object_object_add(o, "ok", json_object_new_boolean(1));
    ec_response_json(res, 200, o);
    json_object_put(o);
}

int
ec_h_downstream_report(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    const struct ec_downstream_endpoint *e =
        ec_downstream_find(env->receivers, req->tenant->slug);
    const char *why = NULL;
    int rc;

    if (!e)
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL, NULL);
    rc = ec_downstream_report(
        env->db, e, req->tenant->id, ec_request_header(req, "ecom-signature"),
        req->body ? req->body : "", req->body_len, (int64_t)time(NULL), &why);
    if (rc < 0)
        return refused(res, "downstream report", req->tenant->slug, rc, why);
    accepted(res);
    return 0;
}

int
ec_h_payment_sim_callback(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    const char *why = NULL;
    int rc;

    rc = ec_payment_sim_callback(
        env->db, env->kv, req->tenant->id, env->payment_sim_key,
        env->payment_sim_key_len, ec_request_header(req, "sim-signature"),
        req->body ? req->body : "", req->body_len, (int64_t)time(NULL), &why);
    if (rc < 0)
        return refused(res, "payment callback", req->tenant->slug, rc, why);
    accepted(res);
    return 0;
}

/* POST /api/v1/payments/stripe/webhook: 404 where Stripe is not
   configured. */
int
ec_h_stripe_webhook(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    const char *why = NULL;
    int rc;

    rc = ec_payment_stripe_webhook(
        env->db, env->kv, env->payments, req->tenant->id,
        ec_request_header(req, "stripe-signature"), req->body ? req->body : "",
        req->body_len, (int64_t)time(NULL), &why);
    if (rc < 0)
        return refused(res, "stripe webhook", req->tenant->slug, rc, why);
    accepted(res);
    return 0;
}
