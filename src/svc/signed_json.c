#include "svc/signed_json.h"

#include <json-c/json.h>

#include "core/err.h"
#include "core/sighead.h"

int
ec_signed_json(const char *header, const void *key, size_t key_len,
               const char *body, size_t len, size_t max, int64_t now,
               struct json_object **out, const char **why)
{
    enum ec_sighead_why w;
    struct json_object *j;

    *out = NULL;
    *why = NULL;
    if (len > max)
        return EC_ERR_TOO_LARGE;
    if (ec_sighead_verify(header, key, key_len, body, len, now,
                          EC_SIGHEAD_TOLERANCE_S, &w) < 0) {
        *why = ec_sighead_why_str(w);
        return EC_ERR_FORBIDDEN;
    }
    j = json_tokener_parse(body);
    if (!j || !json_object_is_type(j, json_type_object)) {
        json_object_put(j);
        return EC_ERR_INVALID_JSON;
    }
    *out = j;
    return 0;
}
