/*
 * The application's route table as data: every route is well formed, and
 * every route that changes state carries a protection flag the dispatcher
 * enforces, so a new route cannot forget its CSRF defence; every admin API
 * and panel route names the action the key's or staff member's role must
 * be allowed.
 */
#include "../test.h"
#include "app/routes.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/router.h"
#include "svc/staff.h"

static struct ec_arena arena;

/* What the dispatcher's staff check reads: the tenant, its session in
   Redis, the user in MySQL. */
static const unsigned staff_needs = EC_R_TENANT | EC_R_DB | EC_R_KV;

/*
 * 1 for an address of the admin panel that only staff may use: /admin
 * and below, but the sign-in and sign-out, which come before a staff
 * session exists.
 */
static int
admin_path(const char *p)
{
    if (!p || strncmp(p, "/admin", 6) != 0 || (p[6] != '\0' && p[6] != '/'))
        return 0;
    return strncmp(p, "/admin/sign-in", 14) != 0 &&
           strcmp(p, "/admin/sign-out") != 0;
}

/*
 * What is wrong with route r, or NULL: the rules the table must keep.
 * A state-changing method needs FORM (a browser form with its token) or
 * JSON_BODY (JSON only, which a cross-site page cannot send); a route is
 * one of the two, never both, and a form post answers pages, not JSON.
 */
static const char *
route_problem(const struct ec_route *r)
{
    unsigned protection = r->flags & EC_R_PROTECTED;

    if (!r->handler)
        return "has no handler";
    if (!r->pattern || r->pattern[0] != '/')
        return "has a pattern that does not start with /";
    if (r->methods == 0)
        return "accepts no method";
    if ((r->methods & EC_UNSAFE_METHODS) && !protection)
        return "changes state without FORM or JSON_BODY";
    if (protection == EC_R_PROTECTED)
        return "is both FORM and JSON_BODY";
    if ((r->flags & EC_R_FORM) && (r->flags & EC_R_JSON))
        return "is a form post that answers JSON";
    /* the dispatcher checks an admin API key against the tenant in the
       database, and the action the key's role must be allowed */
    if ((r->flags & EC_R_ADMIN_API) &&
        ((r->flags & (EC_R_TENANT | EC_R_DB)) != (EC_R_TENANT | EC_R_DB) ||
         EC_R_ACTION_OF(r->flags) < 0))
        return "is an admin API route without TENANT, DB or an action";
    if ((r->flags & EC_R_STAFF) && (r->flags & staff_needs) != staff_needs)
        return "is a staff route without TENANT, DB and KV";
    if ((r->flags & EC_R_STAFF) &&
        (EC_R_ACTION_OF(r->flags) < 0 ||
         EC_R_ACTION_OF(r->flags) >= EC_STAFF__NACTIONS))
        return "is a staff route naming no action";
    if (!(r->flags & (EC_R_ADMIN_API | EC_R_STAFF)) &&
        EC_R_ACTION_OF(r->flags) >= 0)
        return "has an action but is no admin API or staff route";
    if (admin_path(r->pattern) && !(r->flags & EC_R_STAFF))
        return "is a panel address without EC_R_STAFF";
    return NULL;
}

/* The number of bad routes in table, each printed with its problem. */
static size_t
table_problems(const struct ec_route *table, size_t n)
{
    size_t bad = 0;

    for (size_t i = 0; i < n; i++) {
        const char *why = route_problem(&table[i]);

        if (why) {
            fprintf(stderr, "\n    route %s %s %s",
                    ec_methods_string(&arena, table[i].methods),
                    table[i].pattern ? table[i].pattern : "(null)", why);
            bad++;
        }
    }
    return bad;
}

static void
test_every_state_change_is_protected(void)
{
    CU_ASSERT_EQUAL(table_problems(ec_routes, ec_routes_count), 0);
}

static int
h_dummy(struct ec_request *req, struct ec_response *res)
{
    return 0;
}

/* The check itself finds each kind of mistake. */
static void
test_the_check_finds_unprotected_routes(void)
{
    static const struct ec_route bad[] = {
        {EC_POST, "/basket/lines", h_dummy, EC_R_TENANT},
        {EC_GET | EC_DELETE, "/api/v1/thing/{id}", h_dummy, EC_R_JSON},
        {EC_PATCH, "/api/v1/x", h_dummy, EC_R_FORM | EC_R_JSON_BODY},
        {EC_POST, "/form", h_dummy, EC_R_FORM | EC_R_JSON},
        {EC_GET, "nope", h_dummy, 0},
        {EC_GET, "/x", NULL, 0},
        {EC_GET, "/api/admin/v1/x", h_dummy,
         EC_R_TENANT | EC_R_DB | EC_R_ADMIN_API},
        {EC_GET, "/api/admin/v1/y", h_dummy,
         EC_R_DB | EC_R_ADMIN_API | EC_R_ACTION(0)},
        {EC_GET, "/api/v1/z", h_dummy, EC_R_TENANT | EC_R_ACTION(0)},
        {EC_GET, "/admin/orders", h_dummy, EC_R_TENANT | EC_R_DB | EC_R_KV},
        {EC_GET, "/admin", h_dummy, EC_R_TENANT | EC_R_STAFF},
        {EC_GET, "/admin/x", h_dummy,
         EC_R_TENANT | EC_R_DB | EC_R_KV | EC_R_STAFF |
             EC_R_ACTION(EC_STAFF__NACTIONS)},
    };
    static const struct ec_route good[] = {
        {EC_GET, "/", h_dummy, EC_R_TENANT},
        {EC_POST, "/basket/lines", h_dummy, EC_R_FORM},
        {EC_DELETE, "/api/v1/x/{id}", h_dummy, EC_R_JSON | EC_R_JSON_BODY},
        {EC_GET, "/api/admin/v1/x", h_dummy,
         EC_R_TENANT | EC_R_DB | EC_R_ADMIN_API | EC_R_ACTION(0)},
        {EC_GET, "/admin/sign-in", h_dummy, EC_R_TENANT},
        {EC_GET, "/administration", h_dummy, EC_R_TENANT},
        {EC_POST, "/admin/orders/{id}/retry", h_dummy,
         EC_R_TENANT | EC_R_DB | EC_R_KV | EC_R_FORM | EC_R_STAFF |
             EC_R_ACTION(EC_STAFF_MANAGE)},
    };

    CU_ASSERT_EQUAL(table_problems(bad, sizeof(bad) / sizeof(*bad)), 12);
    CU_ASSERT_EQUAL(table_problems(good, sizeof(good) / sizeof(*good)), 0);
}

/* Every pattern is reachable: no earlier route answers all its paths. */
static void
test_no_route_hides_another(void)
{
    for (size_t i = 0; i < ec_routes_count; i++) {
        const struct ec_route *r = &ec_routes[i], *found = NULL;
        struct ec_kvlist args = {0};
        unsigned allowed = 0, m = r->methods & -r->methods; /* lowest */
        const char *method = m == EC_GET      ? "GET"
                             : m == EC_POST   ? "POST"
                             : m == EC_PATCH  ? "PATCH"
                             : m == EC_DELETE ? "DELETE"
                                              : "PUT";
        /* a path of the pattern with each {name} as "x1" */
        char path[256];
        size_t at = 0;

        for (const char *p = r->pattern; *p && at < sizeof(path) - 3;) {
            if (*p == '{') {
                path[at++] = 'x';
                path[at++] = '1';
                p += strcspn(p, "}") + 1;
            } else {
                path[at++] = *p++;
            }
        }
        path[at] = '\0';
        ec_arena_reset(&arena);
        CU_ASSERT_EQUAL(ec_router_match(ec_routes, ec_routes_count, method,
                                        path, &arena, &found, &args, &allowed),
                        0);
        if (found != r)
            fprintf(stderr, "\n    %s %s is answered by %s", method, path,
                    found ? found->pattern : "nothing");
        CU_ASSERT_PTR_EQUAL(found, r);
    }
}

static const struct ec_test tests[] = {
    {"every state-changing route is protected",
     test_every_state_change_is_protected},
    {"the check finds routes that forgot their protection (and staff "
     "routes their flags)",
     test_the_check_finds_unprotected_routes},
    {"no route hides another", test_no_route_hides_another},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    ec_arena_init(&arena, 0);
    rc = ec_test_run("app/routes", tests);
    ec_arena_release(&arena);
    return rc;
}
