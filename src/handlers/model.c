/*
 * Small pieces every handler puts into its models the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "render/format.h"
#include "render/messages.h"
#include "svc/tenant.h"

void
ec_page_script_texts(struct ec_request *req, struct json_object *model)
{
    if (req->texts)
        json_object_object_add(
            model, "messages_json",
            json_object_get(ec_msgcat_script_model(req->texts)));
}

struct json_object *
ec_json_str(const char *s)
{
    return s ? json_object_new_string(s) : json_object_new_null();
}

const char *
ec_json_member(struct json_object *o, const char *key, const char *def)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return def;
    return json_object_get_string(v);
}

void
ec_json_put(void *o)
{
    json_object_put(o);
}

struct json_object *
ec_json_form_int(const char *s)
{
    const char *d = s && *s == '-' ? s + 1 : s;
    long long n;
    char *end;

    if (!d || *d < '0' || *d > '9')
        return ec_json_str(s);
    errno = 0;
    n = strtoll(s, &end, 10);
    if (*end || errno == ERANGE)
        return ec_json_str(s);
    return json_object_new_int64(n);
}

void
ec_json_money(struct ec_request *req, struct json_object *o, const char *key,
              long long minor)
{
    struct ec_buf b = EC_BUF_INIT;
    char text_key[48];

    json_object_object_add(o, key, json_object_new_int64(minor));
    ec_format_money(&b, minor, req->tenant->currency, req->tenant->locale);
    snprintf(text_key, sizeof(text_key), "%s_text", key);
    json_object_object_add(o, text_key,
                           json_object_new_string_len(b.data, (int)b.len));
    ec_buf_release(&b);
}

struct json_object *
ec_binding_text(struct ec_request *req, int months)
{
    struct json_object *model, *text;
    struct ec_buf b = EC_BUF_INIT;

    if (months == 0)
        return ec_json_str(ec_msgcat_text(req->texts, "binding.none"));
    model = json_object_new_object();
    json_object_object_add(model, "months", json_object_new_int(months));
    ec_msgcat_render(req->texts, "binding.months", model, &b);
    text = json_object_new_string_len(b.data, (int)b.len);
    json_object_put(model);
    ec_buf_release(&b);
    return text;
}
