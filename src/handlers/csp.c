#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/tenant.h"

#define EC_CSP_LOG_MAX 1024

/*
 * Browsers post a JSON report when a page breaks the Content-Security-
 * Policy: usually a theme that inlines a script or loads a font from a
 * CDN. We log it (bounded) for the theme's author and answer 204.
 */
int
ec_h_csp_report(struct ec_request *req, struct ec_response *res)
{
    const char *s;
    size_t len;

    if (!json_object_is_type(req->json, json_type_object))
        return ec_fail(res, EC_ERR_INVALID_FIELD, "csp-report",
                       "A report must be a JSON object.");
    s = json_object_to_json_string_length(req->json, JSON_C_TO_STRING_PLAIN,
                                          &len);
    ec_log_warn("csp violation on %s: %.*s%s",
                req->tenant ? req->tenant->slug : "?",
                (int)(len > EC_CSP_LOG_MAX ? EC_CSP_LOG_MAX : len), s,
                len > EC_CSP_LOG_MAX ? "..." : "");
    res->status = 204;
    return 0;
}
