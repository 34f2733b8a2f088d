#include "../test.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/parse.h"

static struct ec_arena arena;

static void
test_urlencoded_pairs(void)
{
    struct ec_kvlist l = {0};
    const char *in = "sku=PLAN-5G&name=Tom+%26+Jerry&empty=&flag&&x=%C3%A6";

    CU_ASSERT_EQUAL_FATAL(ec_parse_urlencoded(&arena, in, strlen(in), &l), 0);
    CU_ASSERT_EQUAL(l.n, 5);
    EC_ASSERT_STR(ec_kvlist_get(&l, "sku"), "PLAN-5G");
    EC_ASSERT_STR(ec_kvlist_get(&l, "name"), "Tom & Jerry");
    EC_ASSERT_STR(ec_kvlist_get(&l, "empty"), "");
    EC_ASSERT_STR(ec_kvlist_get(&l, "flag"), "");
    EC_ASSERT_STR(ec_kvlist_get(&l, "x"), "\xc3\xa6");
    CU_ASSERT_PTR_NULL(ec_kvlist_get(&l, "missing"));
}

static void
test_urlencoded_repeated_names_keep_order(void)
{
    struct ec_kvlist l = {0};

    CU_ASSERT_EQUAL_FATAL(ec_parse_urlencoded(&arena, "a=1&a=2", 7, &l), 0);
    CU_ASSERT_EQUAL(l.n, 2);
    EC_ASSERT_STR(l.items[0].value, "1");
    EC_ASSERT_STR(l.items[1].value, "2");
}

static void
test_urlencoded_malformed(void)
{
    static const char *const bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "%G1=x"};
    struct ec_kvlist l = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CU_ASSERT_EQUAL(ec_parse_urlencoded(&arena, bad[i], strlen(bad[i]), &l),
                        EC_ERR_BAD_REQUEST);
}

static void
test_urlencoded_too_many_fields(void)
{
    struct ec_buf b = EC_BUF_INIT;
    struct ec_kvlist l = {0};

    for (int i = 0; i <= EC_FORM_MAX_FIELDS; i++)
        ec_buf_addf(&b, "f%d=1&", i);
    CU_ASSERT_EQUAL(ec_parse_urlencoded(&arena, b.data, b.len, &l),
                    EC_ERR_TOO_LARGE);
    ec_buf_release(&b);
}

static void
test_cookies(void)
{
    struct ec_kvlist l = {0};

    CU_ASSERT_EQUAL_FATAL(
        ec_parse_cookies(
            &arena, "sid=abc123; theme=\"dark\";  basket = b%20x ;junk; =v",
            &l),
        0);
    CU_ASSERT_EQUAL(l.n, 3);
    EC_ASSERT_STR(ec_kvlist_get(&l, "sid"), "abc123");
    EC_ASSERT_STR(ec_kvlist_get(&l, "theme"), "dark");
    EC_ASSERT_STR(ec_kvlist_get(&l, "basket"), "b%20x");
}

static void
test_too_many_cookies(void)
{
    struct ec_buf b = EC_BUF_INIT;
    struct ec_kvlist l = {0};

    for (int i = 0; i <= EC_COOKIE_MAX; i++)
        ec_buf_addf(&b, "c%d=1; ", i);
    CU_ASSERT_EQUAL(ec_parse_cookies(&arena, b.data, &l), EC_ERR_BAD_REQUEST);
    ec_buf_release(&b);
}

static void
test_path_normalisation(void)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"/", "/"},
        {"/products", "/products"},
        {"/products/", "/products/"},
        {"//products///5g", "/products/5g"},
        {"/./a/./b/.", "/a/b/"},
        {"/api/v1/products/PLAN%2D5G", "/api/v1/products/PLAN-5G"},
        {"/s%C3%B8g", "/s\xc3\xb8g"},
        {"/a+b", "/a+b"},
        {"/..a/b..", "/..a/b.."},
    };
    static const char *const bad[] = {
        "",          "products",  "/..",    "/a/../b", "/a/..",
        "/%2e%2e/x", "/a/%2E%2E", "/a%00b", "/a%zz",   "/a%2",
    };
    const char *out;

    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
        CU_ASSERT_EQUAL(
            ec_normalize_path(&arena, ok[i].in, strlen(ok[i].in), &out), 0);
        EC_ASSERT_STR(out, ok[i].out);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        int rc = ec_normalize_path(&arena, bad[i], strlen(bad[i]), &out);
        if (rc != EC_ERR_BAD_REQUEST)
            fprintf(stderr, "\n    accepted bad path \"%s\"\n", bad[i]);
        CU_ASSERT_EQUAL(rc, EC_ERR_BAD_REQUEST);
    }
}

static void
test_host_normalisation(void)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"nordlys.localhost", "nordlys.localhost"},
        {"Nordlys.LocalHost:8080", "nordlys.localhost"},
        {"shop.example.com.", "shop.example.com"},
        {"127.0.0.1:18080", "127.0.0.1"},
        {"[::1]:8080", "[::1]"},
        {"[::1]", "[::1]"},
    };
    static const char *const bad[] = {
        "",     ":8080", "bad host",     "evil.com/x", "a.com:80x",
        "[::1", "[zz]",  "a.com:8080:1", "<script>",
    };
    const char *out;

    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
        CU_ASSERT_EQUAL(ec_normalize_host(&arena, ok[i].in, &out), 0);
        EC_ASSERT_STR(out, ok[i].out);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        int rc = ec_normalize_host(&arena, bad[i], &out);
        if (rc != EC_ERR_BAD_REQUEST)
            fprintf(stderr, "\n    accepted bad host \"%s\"\n", bad[i]);
        CU_ASSERT_EQUAL(rc, EC_ERR_BAD_REQUEST);
    }
    CU_ASSERT_EQUAL(ec_normalize_host(&arena, NULL, &out), EC_ERR_BAD_REQUEST);
}

static const struct ec_test tests[] = {
    {"urlencoded pairs decode + and %XX", test_urlencoded_pairs},
    {"repeated names keep their order",
     test_urlencoded_repeated_names_keep_order},
    {"malformed escapes and NUL are refused", test_urlencoded_malformed},
    {"too many form fields are refused", test_urlencoded_too_many_fields},
    {"cookies: quotes, spaces, junk", test_cookies},
    {"too many cookies are refused", test_too_many_cookies},
    {"paths are decoded and normalised, .. refused", test_path_normalisation},
    {"hosts lose port and case; bad hosts refused", test_host_normalisation},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    ec_arena_init(&arena, 0);
    rc = ec_test_run("http/parse", tests);
    ec_arena_release(&arena);
    return rc;
}
