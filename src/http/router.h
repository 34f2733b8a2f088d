/*
 * Routes are data: one table (src/app/routes.c) of method set, path
 * pattern, handler and flags. The handler names the template its page
 * renders through, next to the model it builds. Patterns are literal segments
 * and
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

/*
 * What the dispatcher ensures before the handler runs, so that no handler
 * has to remember it. A route whose methods change state (POST, PUT,
 * PATCH, DELETE) must carry one of the protections EC_R_FORM or
 * EC_R_JSON_BODY: t/unit/app/routes_test.c fails on one that does not.
 */
enum ec_route_flag {
    EC_R_TENANT = 1 << 0,  /* resolve the tenant from Host first */
    EC_R_DB = 1 << 1,      /* needs MySQL: 503 if it is down */
    EC_R_KV = 1 << 2,      /* needs Redis: 503 if it is down */
    EC_R_CATALOG = 1 << 3, /* load the tenant's catalog, resolve the
                              channel (implies tenant and Redis) */
    EC_R_JSON = 1 << 4,    /* answers JSON whatever the client accepts */
    /* a browser's form post: the body must be an urlencoded form (else
       415) carrying, in its field csrf, the CSRF token of the request's
       session, from this origin (else 403 csrf_failed; see http/csrf.h) */
    EC_R_FORM = 1 << 5,
    /* the JSON API's changes: the body, when there is one, must be
       application/json (else 415), and the request must carry its
       session's CSRF token in the X-CSRF-Token header, from this origin
       (else 403 csrf_failed). A request with an API key (Authorization:
       Bearer) is exempt from the token only on an ADMIN_API route, which
       authenticates it; elsewhere it is 401 api_key_invalid */
    EC_R_JSON_BODY = 1 << 6,
    /* a report a browser sends by itself (CSP violations): JSON_BODY's
       body check without a token, which such a report never carries; for
       routes that change nothing but the log */
    EC_R_NO_CSRF = 1 << 7,
    /* the payment simulator's, a stand-in of the demo and test stacks:
       the route is in the table only when payment_sim_secret_file is set
       (app/app.c leaves it out otherwise), so production, which sets no
       simulator, answers 404 as for any unknown path */
    EC_R_SIMULATOR = 1 << 8,
    /* the admin API (/api/admin/v1/, docs/admin.md): the request must
       carry "Authorization: Bearer <key>" with an API key of the
       request's tenant (else 401 api_key_invalid) whose role may do the
       route's action (else 403 forbidden); with no cookie session it
       needs no CSRF token and gets no session. Needs TENANT and DB */
    EC_R_ADMIN_API = 1 << 9,
    /* with JSON_BODY: the body, when there is one, is text/csv instead
       of JSON (else 415); a cross-site form cannot send that type
       either */
    EC_R_CSV_BODY = 1 << 10,
    /* the admin panel's: a staff member of the request's tenant (or an
       operator) signed in on this session, whose role may do the action
       the route names with EC_R_ACTION(). Without one, a GET answers 303
       to the sign-in page, anything else 401; a role without the action
       403 */
    EC_R_STAFF = 1 << 11,
    /* a storefront page staff may preview (handlers/preview.h): as a
       chosen channel, at a chosen instant, with the catalog draft;
       GET only, and only for a session signed in as that staff member */
    EC_R_PREVIEW = 1 << 12,
};

/*
 * EC_R_ADMIN_API and EC_R_STAFF: what the key's or the staff member's
 * role must be allowed to do, kept in the flags' top bits (an enum
 * ec_staff_action of svc/staff.h, which the router does not read):
 * EC_R_ACTION(EC_STAFF_READ) in the table, and EC_R_ACTION_OF(flags)
 * gives it back (-1 for a route without one).
 */
#define EC_R_ACTION_SHIFT 24
#define EC_R_ACTION(a) (((unsigned)(a) + 1u) << EC_R_ACTION_SHIFT)
#define EC_R_ACTION_OF(flags) ((int)((flags) >> EC_R_ACTION_SHIFT) - 1)

/* The flags that protect a state-changing route against forgery. */
#define EC_R_PROTECTED (EC_R_FORM | EC_R_JSON_BODY)

/* The methods that change state. */
#define EC_UNSAFE_METHODS (EC_POST | EC_PUT | EC_PATCH | EC_DELETE)

/* A handler fills res; returns 0 or an ec_err the dispatcher answers. */
typedef int (*ec_handler_fn)(struct ec_request *req, struct ec_response *res);

struct ec_route {
    unsigned methods;
    const char *pattern;
    ec_handler_fn handler;
    unsigned flags;
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
