#include "http/request.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/rand.h"

#define EC_JSON_MAX_DEPTH 32

static const char *
param(const struct ec_request *req, const char *name)
{
    return ec_kvlist_get(&req->params, name);
}

/* "HTTP_X_REQUEST_ID" -> "x-request-id" */
static const char *
header_name(struct ec_arena *a, const char *cgi, size_t len)
{
    char *h = ec_arena_strndup(a, cgi, len);

    for (char *p = h; *p; p++)
        *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    return h;
}

static void
split_params(struct ec_request *req, char **envp)
{
    const char *eq, *value;
    char *name;

    for (; envp && *envp; envp++) {
        eq = strchr(*envp, '=');
        if (!eq)
            continue;
        /* copies: FastCGI frees envp when the response is finished,
           and the access log still reads the request after that */
        name = ec_arena_strndup(req->arena, *envp, (size_t)(eq - *envp));
        value = ec_arena_strdup(req->arena, eq + 1);
        ec_kvlist_add(&req->params, req->arena, name, value);
        if (strncmp(name, "HTTP_", 5) == 0)
            ec_kvlist_add(&req->headers, req->arena,
                          header_name(req->arena, name + 5, strlen(name + 5)),
                          value);
    }
}

int
ec_request_id_valid(const char *id)
{
    size_t n = 0;

    for (; id[n]; n++)
        if (!isalnum((unsigned char)id[n]) && id[n] != '-' && id[n] != '_' &&
            id[n] != '.')
            return 0;
    return n >= 1 && n <= 64;
}

static void
set_request_id(struct ec_request *req)
{
    const char *id = ec_request_header(req, "x-request-id");
    char *hex;

    if (id && ec_request_id_valid(id)) {
        req->request_id = id;
        return;
    }
    hex = ec_arena_alloc(req->arena, 33);
    ec_rand_hex(hex, 16);
    req->request_id = hex;
}

/* "Application/JSON; charset=utf-8" -> "application/json" */
static const char *
media_type(struct ec_arena *a, const char *ct)
{
    size_t n = strcspn(ct, ";");
    char *m;

    while (n && isspace((unsigned char)ct[n - 1]))
        n--;
    m = ec_arena_strndup(a, ct, n);
    for (char *p = m; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return m;
}

static int
is_json_type(const char *mt)
{
    size_t n = strlen(mt);

    return strcmp(mt, "application/json") == 0 ||
           strcmp(mt, "application/csp-report") == 0 ||
           (n > 5 && strcmp(mt + n - 5, "+json") == 0);
}

/* Errors go out as JSON to API paths and to clients that ask for JSON. */
static int
wants_json(const struct ec_request *req)
{
    const char *accept = ec_request_header(req, "accept");

    if (strncmp(req->path, "/api/", 5) == 0)
        return 1;
    if (accept && strstr(accept, "application/json") &&
        !strstr(accept, "text/html"))
        return 1;
    return req->content_type && is_json_type(req->content_type);
}

static int
parse_target(struct ec_request *req)
{
    const char *uri = param(req, "REQUEST_URI");
    const char *q;
    size_t plen;

    if (!uri || !*uri)
        uri = param(req, "DOCUMENT_URI");
    if (!uri || !*uri)
        return EC_ERR_BAD_REQUEST;
    q = strchr(uri, '?');
    plen = q ? (size_t)(q - uri) : strlen(uri);
    /* keep something loggable even if normalisation fails */
    req->path = ec_arena_strndup(req->arena, uri, plen);
    if (ec_normalize_path(req->arena, uri, plen, &req->path) < 0)
        return EC_ERR_BAD_REQUEST;
    req->query = param(req, "QUERY_STRING");
    if (!req->query)
        req->query = q ? q + 1 : "";
    return ec_parse_urlencoded(req->arena, req->query, strlen(req->query),
                               &req->query_args) < 0
               ? EC_ERR_BAD_REQUEST
               : 0;
}

static int
parse_content_length(struct ec_request *req)
{
    const char *cl = param(req, "CONTENT_LENGTH");
    char *end;
    unsigned long long n;

    req->content_length = 0;
    if (!cl || !*cl)
        return 0;
    if (!isdigit((unsigned char)*cl))
        return EC_ERR_BAD_REQUEST;
    errno = 0;
    n = strtoull(cl, &end, 10);
    if (*end || errno == ERANGE || n > (unsigned long long)SIZE_MAX / 2)
        return EC_ERR_BAD_REQUEST;
    req->content_length = (size_t)n;
    return 0;
}

void
ec_request_set_client(struct ec_request *req, const struct ec_cidrs *trusted)
{
    char key[EC_CLIENT_KEY_SIZE];

    struct ec_addr peer;
    int trusted_peer;

    req->client = NULL;
    trusted_peer =
        req->remote_addr &&
        ec_addr_parse(req->remote_addr, strlen(req->remote_addr), &peer) == 0 &&
        ec_cidrs_match(trusted, &peer);
    req->https = ec_client_https(param(req, "HTTPS"),
                                 ec_request_header(req, "x-forwarded-proto"),
                                 trusted_peer);
    if (ec_client_addr(req->remote_addr,
                       ec_request_header(req, "x-forwarded-for"), trusted,
                       &req->client_addr) < 0)
        return;
    ec_client_key(&req->client_addr, key);
    req->client = ec_arena_strdup(req->arena, key);
}

int
ec_request_parse_head(struct ec_request *req, struct ec_arena *a, char **envp)
{
    const char *ct, *cookie;
    int rc;

    memset(req, 0, sizeof(*req));
    req->arena = a;
    clock_gettime(CLOCK_MONOTONIC, &req->started);
    split_params(req, envp);
    set_request_id(req);

    req->method = param(req, "REQUEST_METHOD");
    req->remote_addr = param(req, "REMOTE_ADDR");
    req->path = "";
    if (!req->method || !*req->method) {
        req->method = "";
        return EC_ERR_BAD_REQUEST;
    }
    rc = parse_target(req);
    ct = param(req, "CONTENT_TYPE");
    if (ct && *ct)
        req->content_type = media_type(a, ct);
    req->wants_json = wants_json(req);
    if (rc < 0)
        return rc;
    if (ec_normalize_host(a, ec_request_header(req, "host"), &req->host) < 0)
        return EC_ERR_BAD_REQUEST;
    cookie = ec_request_header(req, "cookie");
    if (cookie && ec_parse_cookies(a, cookie, &req->cookies) < 0)
        return EC_ERR_BAD_REQUEST;
    return parse_content_length(req);
}

static void
json_cleanup(void *obj)
{
    json_object_put(obj);
}

static int
parse_json(struct ec_request *req, const char *body, size_t len)
{
    struct json_tokener *tok;
    struct json_object *obj;
    enum json_tokener_error jerr;
    size_t used;

    if (len > INT32_MAX)
        return EC_ERR_TOO_LARGE;
    if (memchr(body, '\0', len))
        return EC_ERR_INVALID_JSON;
    tok = json_tokener_new_ex(EC_JSON_MAX_DEPTH);
    if (!tok)
        return EC_ERR_INTERNAL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, body, (int)len);
    jerr = json_tokener_get_error(tok);
    used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!obj || jerr != json_tokener_success) {
        json_object_put(obj);
        return EC_ERR_INVALID_JSON;
    }
    /* trailing bytes other than white space make the body invalid */
    for (; used < len; used++)
        if (!isspace((unsigned char)body[used])) {
            json_object_put(obj);
            return EC_ERR_INVALID_JSON;
        }
    ec_arena_cleanup(req->arena, json_cleanup, obj);
    req->json = obj;
    return 0;
}

/*
 * A multipart form: its plain fields into req->form (as an urlencoded
 * form's, so the CSRF token and every field read the same), its files
 * (parts with a filename) into req->files, their bytes left in the body.
 */
static int
parse_multipart(struct ec_request *req, const char *body, size_t len)
{
    const char *boundary;
    struct ec_multipart m;
    int rc;

    if (ec_multipart_boundary(req->arena, param(req, "CONTENT_TYPE"),
                              &boundary) < 0)
        return EC_ERR_BAD_REQUEST;
    if ((rc = ec_multipart_parse(req->arena, boundary, body, len, &m)) < 0)
        return rc;
    req->files.parts = m.parts;
    for (size_t i = 0; i < m.n; i++) {
        const struct ec_multipart_part *part = &m.parts[i];

        if (part->filename) {
            req->files.parts[req->files.n++] = *part;
            continue;
        }
        if (memchr(part->data, '\0', part->len))
            return EC_ERR_BAD_REQUEST;
        ec_kvlist_add(&req->form, req->arena, part->name,
                      ec_arena_strndup(req->arena, part->data, part->len));
    }
    return 0;
}

int
ec_request_parse_body(struct ec_request *req, const char *body, size_t len)
{
    req->body = body;
    req->body_len = len;
    if (len == 0) {
        req->body_kind = EC_BODY_NONE;
        return 0;
    }
    if (!req->content_type) {
        req->body_kind = EC_BODY_OTHER;
        return 0;
    }
    if (strcmp(req->content_type, "application/x-www-form-urlencoded") == 0) {
        req->body_kind = EC_BODY_FORM;
        return ec_parse_urlencoded(req->arena, body, len, &req->form) < 0
                   ? EC_ERR_BAD_REQUEST
                   : 0;
    }
    if (strcmp(req->content_type, "multipart/form-data") == 0) {
        req->body_kind = EC_BODY_FORM;
        return parse_multipart(req, body, len);
    }
    if (is_json_type(req->content_type)) {
        req->body_kind = EC_BODY_JSON;
        return parse_json(req, body, len);
    }
    req->body_kind = EC_BODY_OTHER;
    return 0;
}

int
ec_request_read_body(struct ec_request *req, size_t max_body,
                     ec_body_read_fn read_fn, void *read_ctx)
{
    size_t want = req->content_length, got = 0;
    char *buf;
    long n;

    if (want > max_body)
        return EC_ERR_TOO_LARGE;
    if (want == 0)
        return ec_request_parse_body(req, "", 0);
    buf = ec_arena_alloc(req->arena, want + 1);
    while (got < want) {
        n = read_fn(read_ctx, buf + got, want - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got < want)
        return EC_ERR_BAD_REQUEST; /* client sent less than it announced */
    buf[got] = '\0';
    return ec_request_parse_body(req, buf, got);
}

const char *
ec_request_header(const struct ec_request *req, const char *name)
{
    return ec_kvlist_get(&req->headers, name);
}

const char *
ec_request_cookie(const struct ec_request *req, const char *name)
{
    return ec_kvlist_get(&req->cookies, name);
}

const char *
ec_request_arg(const struct ec_request *req, const char *name)
{
    return ec_kvlist_get(&req->query_args, name);
}

const struct ec_multipart_part *
ec_request_file(const struct ec_request *req, const char *name)
{
    return ec_multipart_get(&req->files, name);
}

const char *
ec_request_route_arg(const struct ec_request *req, const char *name)
{
    return ec_kvlist_get(&req->route_args, name);
}

const char *
ec_request_base_url(const struct ec_request *req)
{
    const char *port = ec_kvlist_get(&req->params, "SERVER_PORT");
    int show_port = port && *port && strlen(port) <= 5 &&
                    strspn(port, "0123456789") == strlen(port) &&
                    strcmp(port, req->https ? "443" : "80") != 0;

    return ec_arena_printf(req->arena, "%s://%s%s%s",
                           req->https ? "https" : "http", req->host,
                           show_port ? ":" : "", show_port ? port : "");
}

const char *
ec_request_form(const struct ec_request *req, const char *name)
{
    return ec_kvlist_get(&req->form, name);
}

int
ec_request_form_has(const struct ec_request *req, const char *name,
                    const char *value)
{
    for (size_t i = 0; i < req->form.n; i++)
        if (strcmp(req->form.items[i].name, name) == 0 &&
            strcmp(req->form.items[i].value, value) == 0)
            return 1;
    return 0;
}
