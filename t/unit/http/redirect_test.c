#include "../test.h"
#include "http/redirect.h"

static void
test_only_same_site_paths(void)
{
    static const struct {
        const char *next;
        const char *want; /* NULL: the default */
    } cases[] = {
        {"/basket", "/basket"},
        {"/products/NL-FRI", "/products/NL-FRI"},
        {"/tilbud/products/NL-50GB?x=1", "/tilbud/products/NL-50GB?x=1"},
        {"/", "/"},
        {NULL, NULL},
        {"", NULL},
        {"basket", NULL},
        {"//evil.example/", NULL},
        {"/\\evil.example", NULL},
        {"/a\\b", NULL},
        {"https://evil.example/", NULL},
        {"http:/evil.example", NULL},
        {"javascript:alert(1)", NULL},
        {"/\t/evil.example", NULL},
        {"/a\r\nSet-Cookie: x=1", NULL},
        {"/a\x7f", NULL},
        {" /basket", NULL},
    };
    char longest[EC_REDIRECT_PATH_MAX + 2];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = ec_redirect_path(cases[i].next, "/account");

        EC_ASSERT_STR(got, cases[i].want ? cases[i].want : "/account");
    }
    memset(longest, 'a', sizeof(longest));
    longest[0] = '/';
    longest[EC_REDIRECT_PATH_MAX] = '\0';
    CU_ASSERT_PTR_EQUAL(ec_redirect_path(longest, "/d"), longest);
    longest[EC_REDIRECT_PATH_MAX] = 'a';
    longest[EC_REDIRECT_PATH_MAX + 1] = '\0';
    EC_ASSERT_STR(ec_redirect_path(longest, "/d"), "/d");
}

static const struct ec_test tests[] = {
    {"only a same-site path is a place to go back to",
     test_only_same_site_paths},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("http/redirect", tests);
}
