/*
 * Contentful's webhooks (POST /hooks/contentful/{slug}, docs/cms.md). The
 * shop is named in the path, not by the Host: Contentful calls one
 * address for a space, whatever hostnames the shop has. Thin on purpose:
 * svc/cms_webhook.c verifies the raw request before it reads anything and
 * stores the content; the answer is 2xx only once it is committed.
 */
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "core/cfsig.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/parse.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/cms_webhook.h"
#include "svc/tenant.h"

static const char *
header_of(void *ctx, const char *name)
{
    return ec_request_header(ctx, name);
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const outcomes[] = {"ignored", "unchanged", "stored"};

int
ec_h_contentful_webhook(struct ec_request *req, struct ec_response *res)
{
    const char *slug = ec_request_route_arg(req, "slug");
    const char *target = ec_kvlist_get(&req->params, "REQUEST_URI");
    struct ec_cfsig_request r = {req->method, target ? target : req->path,
                                 header_of,   req,
                                 req->body,   req->body_len};
    enum ec_cms_outcome outcome;
    struct ec_tenant *t;
    struct json_object *o;
    const char *why;
    int rc;

    if ((rc = ec_tenant_load(req->env->db, slug, &t)) < 0)
        return ec_fail(res, rc, NULL, NULL);
    rc = ec_cms_webhook(req->env->db, req->env->kv, req->env->seal, t->id,
                        t->slug, &r, now_ms(), &outcome, &why);
    if (rc < 0) {
        ec_log_warn("contentful webhook for %s refused: %s%s%s", t->slug,
                    ec_err_info(rc)->code, why ? ": " : "", why ? why : "");
        if (rc != EC_ERR_UNAVAILABLE && rc != EC_ERR_INTERNAL)
            ec_metric_inc(EC_M_WEBHOOKS_REJECTED);
        ec_tenant_free(t);
        /* the sender learns no more than that it was refused */
        return ec_fail(res, rc, NULL, NULL);
    }
    ec_tenant_free(t);
    ec_metric_inc(EC_M_WEBHOOKS_ACCEPTED);
    o = json_object_new_object();
    json_object_object_add(o, "ok", json_object_new_boolean(1));
    json_object_object_add(o, "outcome",
                           json_object_new_string(outcomes[outcome]));
    ec_response_json(res, 200, o);
    json_object_put(o);
    return 0;
}
