#include "core/jose.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

struct json_object *
ec_jose_json(const char *text, size_t len)
{
    struct json_tokener *tok;
    struct json_object *v;
    size_t used;

    if (len > (size_t)INT32_MAX || memchr(text, '\0', len))
        return NULL;
    tok = json_tokener_new_ex(EC_JOSE_MAX_DEPTH);
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    v = json_tokener_parse_ex(tok, text, (int)len);
    if (json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(v);
        v = NULL;
    }
    used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    for (; v && used < len; used++)
        if (!isspace((unsigned char)text[used])) {
            json_object_put(v);
            v = NULL;
        }
    return v;
}

const char *
ec_jose_str(struct json_object *o, const char *key)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int
ec_jose_time(struct json_object *o, const char *key, long long *out)
{
    struct json_object *v;
    double d;

    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (json_object_is_type(v, json_type_int)) {
        *out = (long long)json_object_get_int64(v);
        return 1;
    }
    if (!json_object_is_type(v, json_type_double))
        return 0;
    d = json_object_get_double(v);
    /* NaN fails both comparisons; 1e15 s is thirty million years */
    if (!(d > -1e15 && d < 1e15) || d != (double)(long long)d)
        return 0;
    *out = (long long)d;
    return 1;
}
