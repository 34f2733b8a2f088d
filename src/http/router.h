/*
 * Routes are data: one table (src/app/routes.c) of method set, path
 * pattern, handler, flags and template. Patterns are literal segments and
 * "{name}" segments that match any one non-empty segment and are handed to
 * the handler as route arguments.
 *
 * A path that matches no pattern is 404; a path that matches a pattern but
 * not its methods is 405 with the union of the matching patterns' methods
 * in Allow. GET routes answer HEAD too.
 */
#ifndef EC_HTTP_ROUTER_H
#define EC_HTTP_ROUTER_H

#include <stddef.h>

#include "http/parse.h"

struct ec_arena;
struct ec_request;
struct ec_response;

enum ec_method {
    EC_GET = 1 << 0,
    EC_HEAD = 1 << 1,
    EC_POST = 1 << 2,
    EC_PUT = 1 << 3,
    EC_PATCH = 1 << 4,
    EC_DELETE = 1 << 5,
    EC_OPTIONS = 1 << 6,
};

/* What the dispatcher does before the handler runs. */
enum ec_route_flag {
    EC_R_TENANT = 1 << 0,  /* resolve the tenant from Host first */
    EC_R_DB = 1 << 1,      /* needs MySQL: 503 if it is down */
    EC_R_KV = 1 << 2,      /* needs Redis: 503 if it is down */
    EC_R_BODY = 1 << 3,    /* reads a request body (form or JSON) */
    EC_R_JSON = 1 << 4,    /* answers JSON whatever the client accepts */
    EC_R_CATALOG = 1 << 5, /* load the tenant's catalog, resolve the
                              channel (implies tenant and Redis) */
};

/* A handler fills res; returns 0 or an ec_err the dispatcher answers. */
typedef int (*ec_handler_fn)(struct ec_request *req, struct ec_response *res);

struct ec_route {
    unsigned methods;
    const char *pattern;
    ec_handler_fn handler;
    unsigned flags;
    const char *template_name;
};

/* EC_GET etc. for "GET", or 0 for a method we do not know. */
unsigned ec_method_parse(const char *method);

/*
 * Find the route for method and path in table. Returns 0 with *route and
 * the {name} arguments appended to args; EC_ERR_NOT_FOUND; or
 * EC_ERR_METHOD with *allowed set to the methods the path does accept.
 */
int ec_router_match(const struct ec_route *table, size_t n, const char *method,
                    const char *path, struct ec_arena *a,
                    const struct ec_route **route, struct ec_kvlist *args,
                    unsigned *allowed);

/* "GET, HEAD, POST" for a method set, in arena memory. */
const char *ec_methods_string(struct ec_arena *a, unsigned methods);

#endif
