#include "http/response.h"

#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/arena.h"

void
ec_response_init(struct ec_response *res, struct ec_arena *a,
                 struct ec_buf *body)
{
    memset(res, 0, sizeof(*res));
    res->arena = a;
    res->status = 200;
    res->body = body;
    ec_buf_reset(body);
}

static int
header_safe(const char *s)
{
    return strpbrk(s, "\r\n") == NULL;
}

int
ec_response_header(struct ec_response *res, const char *name, const char *value)
{
    if (!*name || !header_safe(name) || !header_safe(value) ||
        strchr(name, ':'))
        return -1;
    ec_kvlist_add(&res->headers, res->arena, name, value);
    return 0;
}

int
ec_response_set_header(struct ec_response *res, const char *name,
                       const char *value)
{
    if (!*name || !header_safe(name) || !header_safe(value) ||
        strchr(name, ':'))
        return -1;
    for (size_t i = 0; i < res->headers.n; i++)
        if (strcasecmp(res->headers.items[i].name, name) == 0) {
            res->headers.items[i].value = value;
            return 0;
        }
    return ec_response_header(res, name, value);
}

const char *
ec_response_get_header(const struct ec_response *res, const char *name)
{
    for (size_t i = 0; i < res->headers.n; i++)
        if (strcasecmp(res->headers.items[i].name, name) == 0)
            return res->headers.items[i].value;
    return NULL;
}

static void
model_cleanup(void *obj)
{
    json_object_put(obj);
}

void
ec_response_set_model(struct ec_response *res, struct json_object *model,
                      const char *template_name)
{
    if (model)
        ec_arena_cleanup(res->arena, model_cleanup, model);
    res->model = model;
    res->template_name = template_name;
}

void
ec_response_json(struct ec_response *res, int status, struct json_object *obj)
{
    const char *s;
    size_t len;

    res->status = status;
    res->content_type = "application/json";
    s = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    ec_buf_reset(res->body);
    ec_buf_add(res->body, s, len);
    ec_buf_addch(res->body, '\n');
}

int
ec_fail(struct ec_response *res, int err, const char *field,
        const char *message)
{
    res->err_field = field;
    res->err_message = message;
    return err;
}

int
ec_fail_detail(struct ec_response *res, int err, const char *field,
               const char *message, struct json_object *detail)
{
    if (detail)
        ec_arena_cleanup(res->arena, model_cleanup, detail);
    res->err_detail = detail;
    return ec_fail(res, err, field, message);
}

const char *
ec_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

void
ec_response_write_head(const struct ec_response *res, struct ec_buf *out)
{
    ec_buf_addf(out, "Status: %d %s\r\n", res->status,
                ec_http_reason(res->status));
    if (res->content_type) {
        ec_buf_addf(out, "Content-Type: %s", res->content_type);
        /* a type that names its parameters already keeps them as they
           are: "text/csv; charset=utf-8" is not given a second one */
        if ((strncmp(res->content_type, "text/", 5) == 0 ||
             strcmp(res->content_type, "application/json") == 0) &&
            !strchr(res->content_type, ';'))
            ec_buf_adds(out, "; charset=utf-8");
        ec_buf_adds(out, "\r\n");
    }
    for (size_t i = 0; i < res->headers.n; i++)
        ec_buf_addf(out, "%s: %s\r\n", res->headers.items[i].name,
                    res->headers.items[i].value);
    ec_buf_adds(out, "\r\n");
}
