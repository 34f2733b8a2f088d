#include "../test.h"
#include "catalog_fixture.h"
#include "http/parse.h"
#include "svc/channel.h"

static struct ec_catalog *cat;

/* A fake request: query and headers as "name=value" pairs. */
struct fake {
    const char *query[4];
    const char *headers[4];
};

static const char *
find(const char *const *pairs, const char *name)
{
    size_t n = strlen(name);

    for (; *pairs; pairs++)
        if (strncmp(*pairs, name, n) == 0 && (*pairs)[n] == '=')
            return *pairs + n + 1;
    return NULL;
}

static const char *
q(void *ctx, const char *name)
{
    return find(((struct fake *)ctx)->query, name);
}

static const char *
h(void *ctx, const char *name)
{
    return find(((struct fake *)ctx)->headers, name);
}

static const char *
resolve(const char *path, struct fake *f, const struct ec_channel_rule **rule)
{
    struct ec_channel_request r = {path, q, h, f};
    const struct ec_channel *ch = ec_channel_resolve(cat, &r, rule);

    return ch ? ch->code : "(none)";
}

static void
test_each_rule_kind_and_fallback(void)
{
    static const struct {
        const char *name, *path, *query, *header, *want;
    } cases[] = {
        {"no rule matches: the default", "/", NULL, NULL, "web"},
        {"path prefix itself", "/tilbud", NULL, NULL, "tilbud"},
        {"below the path prefix", "/tilbud/products/L", NULL, NULL, "tilbud"},
        {"a longer word is not the prefix", "/tilbudsavis", NULL, NULL, "web"},
        {"header rule", "/", NULL, "x-channel=app", "app"},
        {"header with another value", "/", NULL, "x-channel=web2", "web"},
        {"query rule", "/", "src=app", NULL, "app"},
        {"rules in order: header before path", "/tilbud", NULL, "x-channel=app",
         "app"},
        {"explicit ?channel= wins over rules", "/tilbud", "channel=app", NULL,
         "app"},
        {"?channel= naming no channel is ignored", "/", "channel=nope", NULL,
         "web"},
        {"?channel= cannot pick outbound", "/", "channel=sales", NULL, "web"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct fake f = {{cases[i].query, NULL}, {cases[i].header, NULL}};
        const char *got = resolve(cases[i].path, &f, NULL);
        if (strcmp(got, cases[i].want) != 0)
            fprintf(stderr, "\n    %s: got %s, want %s\n", cases[i].name, got,
                    cases[i].want);
        CU_ASSERT_STRING_EQUAL(got, cases[i].want);
    }
}

static void
test_the_deciding_rule_is_reported(void)
{
    const struct ec_channel_rule *rule;
    struct fake none = {{NULL}, {NULL}};

    resolve("/tilbud/x", &none, &rule);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rule);
    CU_ASSERT_EQUAL(rule->kind, EC_RULE_PATH_PREFIX);
    resolve("/", &none, &rule);
    CU_ASSERT_PTR_NULL(rule);
}

static void
test_path_matching(void)
{
    CU_ASSERT_TRUE(ec_channel_path_matches("/tilbud", "/tilbud/"));
    CU_ASSERT_TRUE(ec_channel_path_matches("/tilbud/a", "/tilbud"));
    CU_ASSERT_FALSE(ec_channel_path_matches("/til", "/tilbud"));
    CU_ASSERT_TRUE(ec_channel_path_matches("/anything", "/"));
}

static void
test_the_outbound_channel_of_a_catalog(void)
{
    struct ec_channel chs[3] = {{.code = "web", .kind = EC_CHANNEL_WEB_FRONT},
                                {.code = "app", .kind = EC_CHANNEL_APP},
                                {.code = "b", .kind = EC_CHANNEL_OUTBOUND}};
    struct ec_catalog c = {.channels = chs, .nchannels = 2};
    const struct ec_channel *ch = ec_channel_outbound(cat);

    /* the fixture's "sales", which no request can pick by itself */
    CU_ASSERT_PTR_NOT_NULL_FATAL(ch);
    CU_ASSERT_STRING_EQUAL(ch->code, "sales");
    /* none: the caller keeps the channel it resolved */
    CU_ASSERT_PTR_NULL(ec_channel_outbound(&c));
    c.nchannels = 3;
    CU_ASSERT_PTR_EQUAL(ec_channel_outbound(&c), &chs[2]);
    /* two: the first in the catalog's order */
    chs[1].kind = EC_CHANNEL_OUTBOUND;
    CU_ASSERT_PTR_EQUAL(ec_channel_outbound(&c), &chs[1]);
}

static void
test_an_outbound_line_is_sold_by_an_agent_only(void)
{
    struct ec_channel web = {.code = "web", .kind = EC_CHANNEL_WEB_FRONT};
    struct ec_channel sales = {.code = "b", .kind = EC_CHANNEL_OUTBOUND};

    CU_ASSERT_TRUE(ec_channel_sellable(&web, 0));
    CU_ASSERT_TRUE(ec_channel_sellable(&web, 1));
    CU_ASSERT_TRUE(ec_channel_sellable(&sales, 1));
    CU_ASSERT_FALSE(ec_channel_sellable(&sales, 0));
}

static const struct ec_test tests[] = {
    {"each rule kind, in order, and the default",
     test_each_rule_kind_and_fallback},
    {"the rule that decided is reported", test_the_deciding_rule_is_reported},
    {"path prefixes match whole segments", test_path_matching},
    {"a sales agent's channel: the first outbound one, or none",
     test_the_outbound_channel_of_a_catalog},
    {"an outbound line is sold by an agent only",
     test_an_outbound_line_is_sold_by_an_agent_only},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    cat = fixture_catalog();
    rc = ec_test_run("svc/channel", tests);
    ec_catalog_free(cat);
    return rc;
}
