#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/router.h"

static struct ec_arena arena;

static int
h_dummy(struct ec_request *req, struct ec_response *res)
{
    return 0;
}

static const struct ec_route table[] = {
    {EC_GET, "/", h_dummy, 0},
    {EC_GET, "/api/v1/products", h_dummy, 0},
    {EC_GET, "/api/v1/products/{sku}", h_dummy, 0},
    {EC_GET, "/api/v1/products/{sku}/price", h_dummy, 0},
    {EC_POST, "/api/v1/basket/lines", h_dummy, 0},
    {EC_PATCH | EC_DELETE, "/api/v1/basket/lines/{id}", h_dummy, 0},
};
#define N (sizeof(table) / sizeof(*table))

static const struct ec_route *
match(const char *method, const char *path, int *rc, struct ec_kvlist *args,
      unsigned *allowed)
{
    const struct ec_route *r = NULL;

    memset(args, 0, sizeof(*args));
    *rc = ec_router_match(table, N, method, path, &arena, &r, args, allowed);
    return r;
}

static void
test_literal_and_parameter_routes(void)
{
    struct ec_kvlist args;
    unsigned allowed;
    int rc;
    const struct ec_route *r;

    r = match("GET", "/", &rc, &args, &allowed);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    EC_ASSERT_STR(r->pattern, "/");

    r = match("GET", "/api/v1/products/PLAN-5G", &rc, &args, &allowed);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    EC_ASSERT_STR(r->pattern, "/api/v1/products/{sku}");
    EC_ASSERT_STR(ec_kvlist_get(&args, "sku"), "PLAN-5G");

    r = match("GET", "/api/v1/products/PLAN-5G/price", &rc, &args, &allowed);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    EC_ASSERT_STR(r->pattern, "/api/v1/products/{sku}/price");
    CU_ASSERT_EQUAL(args.n, 1);

    r = match("DELETE", "/api/v1/basket/lines/7", &rc, &args, &allowed);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    EC_ASSERT_STR(ec_kvlist_get(&args, "id"), "7");
}

static void
test_trailing_slash_and_head(void)
{
    struct ec_kvlist args;
    unsigned allowed;
    int rc;

    match("GET", "/api/v1/products/", &rc, &args, &allowed);
    CU_ASSERT_EQUAL(rc, 0);
    match("HEAD", "/api/v1/products", &rc, &args, &allowed);
    CU_ASSERT_EQUAL(rc, 0);
}

static void
test_unknown_paths_are_404(void)
{
    static const char *const paths[] = {
        "/nope",
        "/api/v1",
        "/api/v1/products/a/b",
        "/api/v1/basketlines",
    };
    struct ec_kvlist args;
    unsigned allowed;
    int rc;

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        match("GET", paths[i], &rc, &args, &allowed);
        CU_ASSERT_EQUAL(rc, EC_ERR_NOT_FOUND);
    }
}

static void
test_wrong_method_is_405_with_allow(void)
{
    struct ec_kvlist args;
    unsigned allowed;
    int rc;

    match("POST", "/api/v1/products", &rc, &args, &allowed);
    CU_ASSERT_EQUAL(rc, EC_ERR_METHOD);
    EC_ASSERT_STR(ec_methods_string(&arena, allowed), "GET, HEAD");

    match("GET", "/api/v1/basket/lines/3", &rc, &args, &allowed);
    CU_ASSERT_EQUAL(rc, EC_ERR_METHOD);
    EC_ASSERT_STR(ec_methods_string(&arena, allowed), "PATCH, DELETE");

    match("BREW", "/", &rc, &args, &allowed);
    CU_ASSERT_EQUAL(rc, EC_ERR_METHOD);
}

static void
test_method_names(void)
{
    CU_ASSERT_EQUAL(ec_method_parse("GET"), EC_GET);
    CU_ASSERT_EQUAL(ec_method_parse("DELETE"), EC_DELETE);
    CU_ASSERT_EQUAL(ec_method_parse("get"), 0);
}

static const struct ec_test tests[] = {
    {"literal and {name} routes match", test_literal_and_parameter_routes},
    {"trailing slash and HEAD find GET routes", test_trailing_slash_and_head},
    {"unknown paths are not_found", test_unknown_paths_are_404},
    {"wrong method is 405 with the allowed set",
     test_wrong_method_is_405_with_allow},
    {"method names are case-sensitive", test_method_names},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    ec_arena_init(&arena, 0);
    rc = ec_test_run("http/router", tests);
    ec_arena_release(&arena);
    return rc;
}
