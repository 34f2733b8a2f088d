/*
 * ec_request: one HTTP request as the application sees it, built from the
 * FastCGI parameters nginx sends and the request body.
 *
 * Invariants once ec_request_parse() returned 0:
 *   - every string is NUL-terminated and lives in req->arena;
 *   - method is upper-case, host is lower-case without port, path is
 *     decoded and normalised (no "..", no "//");
 *   - the body is at most the configured limit; if it was urlencoded it
 *     is in form, if it was JSON it is in json (owned by the arena); a
 *     multipart/form-data body (http/multipart.h) is a form too: its
 *     plain fields are in form, its files in files.
 * Until parsing fails or succeeds, method, path and request_id are set as
 * far as they could be read, so errors can still be logged and answered.
 */
#ifndef EC_HTTP_REQUEST_H
#define EC_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/client.h"
#include "http/multipart.h"
#include "http/parse.h"

struct ec_preview;
struct ec_arena;
struct ec_env;
struct ec_route;
struct ec_tenant;
struct ec_catalog;
struct ec_channel;
struct ec_channel_rule;
struct ec_msgcat;
struct ec_staff;
struct json_object;

enum ec_body_kind { EC_BODY_NONE, EC_BODY_FORM, EC_BODY_JSON, EC_BODY_OTHER };

struct ec_request {
    struct ec_arena *arena;
    const struct ec_env *env; /* what handlers may use of the worker
                                 (handlers/env.h) */

    const char *method;
    const char *host;
    const char *path;
    const char *query; /* raw, without '?' */
    const char *request_id;
    const char *remote_addr;
    /* the client, for per-address limits (http/client.h): REMOTE_ADDR,
       or the address a trusted proxy forwarded (ec_request_set_client);
       client is its key (an IPv6 client's /64), NULL when unknown */
    const char *client;
    struct ec_addr client_addr;
    /* the request came over HTTPS: nginx's HTTPS parameter, or
       X-Forwarded-Proto from a trusted proxy (ec_client_https()) */
    int https;
    const char *content_type; /* media type only, lower-case */
    size_t content_length;

    struct ec_kvlist params;  /* all FastCGI parameters */
    struct ec_kvlist headers; /* lower-case names: "x-request-id" */
    struct ec_kvlist query_args;
    struct ec_kvlist cookies;
    struct ec_kvlist route_args; /* {name} parts of the route pattern */

    enum ec_body_kind body_kind;
    const char *body;
    size_t body_len;
    struct ec_kvlist form;
    struct ec_multipart files; /* a multipart form's file parts */
    struct json_object *json;

    int wants_json; /* answer errors as JSON */
    const struct ec_route *route;
    const struct ec_tenant *tenant;
    const struct ec_catalog *catalog;
    const struct ec_channel *channel;
    const struct ec_channel_rule *channel_rule; /* what chose it, or NULL */
    /* the shopper's words in the tenant's locale (render/messages.h),
       set by the dispatcher before the handler runs */
    const struct ec_msgcat *texts;
    /* the visitor's session (http/session_cookie.h), set by the
       dispatcher: the id of a cookie the server signed (or issued in this
       answer), NULL when there is none; and the session's CSRF token for
       this host (http/csrf.h), NULL without a session */
    const char *session_id;
    long long session_issued; /* UTC seconds */
    int session_fresh;        /* issued by this answer: set its cookie */
    const char *csrf_token;
    /* an admin API request's key, once the dispatcher has checked it
       (EC_R_ADMIN_API): its id and name, for the audit log; 0 and NULL
       otherwise */
    long long api_key_id;
    const char *api_key_name;
    /* the signed-in staff member on an admin route (EC_R_STAFF), read
       again from MySQL for this request by the dispatcher; on a
       storefront route (CATALOG) too, when the browser carries the staff
       marker and its session is a staff member's (the staff lens); NULL
       elsewhere (svc/staff.h, handlers/env.h) */
    const struct ec_staff *staff;
    /* the instant the catalog's prices and campaigns are seen at: now,
       or a staff preview's (EC_R_PREVIEW); UTC seconds */
    int64_t at;
    /* the staff preview this page shows (handlers/preview.h), or NULL */
    const struct ec_preview *preview;
    /* on a storefront route, the staff lens's member when their role may
       sell: the sales agent this request shops for a customer as (its
       channel the outbound one), whom an order records; else NULL */
    const struct ec_staff *agent;
    struct timespec started;
};

/* Reads up to n bytes of body into buf; returns bytes read, 0 at end. */
typedef long (*ec_body_read_fn)(void *ctx, char *buf, size_t n);

/*
 * Build req from envp (a NULL-terminated "NAME=value" array, as FastCGI
 * delivers), reading the body through read_fn. The head (method, host,
 * path, query, headers, cookies) is parsed first; the body is read and
 * parsed only by ec_request_read_body(), after routing, so a wrong address
 * is answered 404/405 before a body is even read.
 *
 * Returns 0 or an ec_err: EC_ERR_BAD_REQUEST for a malformed request.
 */
int ec_request_parse_head(struct ec_request *req, struct ec_arena *a,
                          char **envp);

/*
 * Read and parse the body: EC_ERR_TOO_LARGE when Content-Length or the
 * bytes sent exceed max_body, EC_ERR_INVALID_JSON for malformed JSON,
 * EC_ERR_BAD_REQUEST for a malformed form.
 */
int ec_request_read_body(struct ec_request *req, size_t max_body,
                         ec_body_read_fn read_fn, void *read_ctx);

/* Parse a body already in memory (what ec_request_read_body does next). */
int ec_request_parse_body(struct ec_request *req, const char *body, size_t len);

/*
 * Who the client is (req->client, req->client_addr), from REMOTE_ADDR
 * and, when that is one of the trusted proxies, X-Forwarded-For
 * (ec_client_addr()). Left NULL when REMOTE_ADDR is not an address. Sets
 * req->https too (ec_client_https()).
 */
void ec_request_set_client(struct ec_request *req,
                           const struct ec_cidrs *trusted);

const char *ec_request_header(const struct ec_request *req, const char *name);
const char *ec_request_cookie(const struct ec_request *req, const char *name);
const char *ec_request_arg(const struct ec_request *req, const char *name);
/* The posted form field name, or NULL. */
const char *ec_request_form(const struct ec_request *req, const char *name);
/* The posted multipart form's file field name (a part with a filename),
   or NULL. */
const struct ec_multipart_part *ec_request_file(const struct ec_request *req,
                                                const char *name);
/* 1 if the posted form holds name=value (a checked box of a list). */
int ec_request_form_has(const struct ec_request *req, const char *name,
                        const char *value);
const char *ec_request_route_arg(const struct ec_request *req,
                                 const char *name);

/*
 * The absolute URL of this host's root, without the final '/', for links
 * the shop hands to a third party to come back by (a broker's
 * redirect_uri, a payment provider's return page): the scheme the
 * request came by (req->https: nginx's, or a trusted proxy's), the host
 * the tenant was resolved by (never a parameter), and the port nginx
 * says it came in on unless it is the scheme's default. In req's arena.
 */
const char *ec_request_base_url(const struct ec_request *req);

/* A request id is 1-64 characters of [A-Za-z0-9._-]; 1 if id is one. */
int ec_request_id_valid(const char *id);

#endif
