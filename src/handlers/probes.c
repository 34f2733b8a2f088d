#include <json-c/json.h>

#include "handlers/env.h"
#include "core/arena.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/health.h"

/* Alive as long as the worker can answer: touches nothing else. */
int
ec_h_healthz(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "status", json_object_new_string("ok"));
    ec_response_set_model(res, m, NULL);
    return 0;
}

/* Ready only when both stores answer a round trip right now. */
int
ec_h_readyz(struct ec_request *req, struct ec_response *res)
{
    struct ec_health h;
    struct json_object *m = json_object_new_object();
    struct json_object *checks = json_object_new_object();

    ec_health_check(req->env->db, req->env->kv, &h);
    json_object_object_add(checks, "mysql",
                           json_object_new_string(h.db_ok ? "ok" : "down"));
    json_object_object_add(checks, "redis",
                           json_object_new_string(h.kv_ok ? "ok" : "down"));
    json_object_object_add(
        m, "status",
        json_object_new_string(h.db_ok && h.kv_ok ? "ready" : "unavailable"));
    json_object_object_add(m, "checks", checks);
    ec_response_set_model(res, m, NULL);
    if (!h.db_ok || !h.kv_ok) {
        res->status = 503;
        ec_response_header(
            res, "Retry-After",
            ec_arena_printf(req->arena, "%ld", req->env->retry_after));
    }
    return 0;
}
