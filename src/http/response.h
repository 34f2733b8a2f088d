/*
 * ec_response: what a handler answers, before it is written to FastCGI.
 *
 * A handler sets a status, perhaps headers, and either a body directly or
 * a model (json-c) plus a template name; the dispatcher turns the model
 * into JSON or HTML. Header names and values never contain CR or LF
 * (ec_response_header refuses them), so nothing a client sends can split
 * a response.
 *
 * Ownership: headers live in the request's arena; the body buffer belongs
 * to the worker and is reset, not freed, between requests; the model is
 * released by a cleanup on the arena.
 */
#ifndef EC_HTTP_RESPONSE_H
#define EC_HTTP_RESPONSE_H

#include "core/buf.h"
#include "http/parse.h"

struct ec_arena;
struct json_object;

struct ec_response {
    struct ec_arena *arena;
    int status;
    const char *content_type;
    struct ec_kvlist headers;
    struct ec_buf *body;
    struct json_object *model; /* owned: put by an arena cleanup */
    const char *template_name; /* render model through this template */
    const char *err_message;   /* overrides the error's default text */
    const char *err_field;     /* the input field an error is about */
    /* more about an error for scripts (e.g. the lines whose price
       changed): its members join the JSON error object; owned: put by an
       arena cleanup (ec_fail_detail) */
    struct json_object *err_detail;
    /* work to do once the answer is sent and the connection finished
       (a mail), so the client never waits for it and its time tells the
       client nothing; run by the worker before the arena is reset */
    void (*after)(void *ctx);
    void *after_ctx;
};

/* Start an empty 200 response whose body goes to body (reset here). */
void ec_response_init(struct ec_response *res, struct ec_arena *a,
                      struct ec_buf *body);

/*
 * Add a header. Returns 0, or -1 (and adds nothing) if name or value holds
 * CR, LF or NUL, or name is empty.
 */
int ec_response_header(struct ec_response *res, const char *name,
                       const char *value);

/* The same, replacing the value of the first header of that name (any
   case) if there is one: for an answer whose meaning a caller changes
   (a form's 303 after a JSON answer's Location). */
int ec_response_set_header(struct ec_response *res, const char *name,
                           const char *value);

/* The value of header name (case-insensitive), or NULL. */
const char *ec_response_get_header(const struct ec_response *res,
                                   const char *name);

/* Take ownership of model (a reference the caller had) for rendering. */
void ec_response_set_model(struct ec_response *res, struct json_object *model,
                           const char *template_name);

/* Replace the body with a JSON serialisation of obj (not consumed). */
void ec_response_json(struct ec_response *res, int status,
                      struct json_object *obj);

/*
 * Record what a failing handler wants the client to read, and return err
 * so a handler can write "return ec_fail(res, EC_ERR_INVALID_FIELD, "sku",
 * "No such product.");". field and message may be NULL.
 */
int ec_fail(struct ec_response *res, int err, const char *field,
            const char *message);

/*
 * As ec_fail(), and detail (a JSON object, taken over: released with the
 * arena) joins the JSON error object, each member beside code, message
 * and field: {"error":{"code":"price_changed",...,"lines":[...]}}.
 */
int ec_fail_detail(struct ec_response *res, int err, const char *field,
                   const char *message, struct json_object *detail);

/* The standard reason phrase of status ("Not Found"), or "Unknown". */
const char *ec_http_reason(int status);

/* Append the CGI-style head ("Status: ...\r\n...\r\n\r\n") to out. */
void ec_response_write_head(const struct ec_response *res, struct ec_buf *out);

#endif
