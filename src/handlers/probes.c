#include <json-c/json.h>

#include "app.h"
#include "core/arena.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "settings.h"
#include "store/db.h"
#include "store/kv.h"

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
    int db = ec_db_ping(req->app->db);
    int kv = ec_kv_ping(req->app->kv);
    struct json_object *m = json_object_new_object();
    struct json_object *checks = json_object_new_object();

    json_object_object_add(checks, "mysql",
                           json_object_new_string(db == 0 ? "ok" : "down"));
    json_object_object_add(checks, "redis",
                           json_object_new_string(kv == 0 ? "ok" : "down"));
    json_object_object_add(m, "status", json_object_new_string(
                                            db == 0 && kv == 0 ? "ready"
                                                               : "unavailable"));
    json_object_object_add(m, "checks", checks);
    ec_response_set_model(res, m, NULL);
    if (db < 0 || kv < 0) {
        res->status = 503;
        ec_response_header(res, "Retry-After",
                           ec_arena_printf(req->arena, "%ld",
                                           req->app->settings->retry_after));
    }
    return 0;
}
