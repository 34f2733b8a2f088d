#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "catalog_fixture.h"
#include "core/err.h"
#include "svc/basket.h"

static struct ec_catalog *cat;
static struct ec_arena arena; /* the line check's messages */

/* Every validation rule of a line, with its error code and field. */
static const struct {
    const char *channel;
    const char *line;
    int rc;
    const char *field;
} cases[] = {
    /* valid lines */
    {"web", "{\"sku\":\"L\",\"binding_months\":6,\"sim_type\":\"physical\"}", 0,
     NULL},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\","
     "\"addons\":[\"SHARE\",\"EU\"],\"msisdn\":\"20123456\"}",
     0, NULL},
    {"app",
     "{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"esim\","
     "\"addons\":[\"EU\"],\"porting\":{\"msisdn\":\"+4530123456\"}}",
     0, NULL},
    /* channels narrow, never widen: sales offers L with 6 months only */
    {"sales", "{\"sku\":\"L\",\"binding_months\":6,\"sim_type\":\"esim\"}", 0,
     NULL},
    {"sales", "{\"sku\":\"L\",\"binding_months\":3,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_months"},
    /* the line itself */
    {"web", "[]", EC_ERR_INVALID_FIELD, "sku"},
    /* product offered in the channel */
    {"web", "{\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    {"web", "{\"sku\":7,\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    {"web", "{\"sku\":\"nope\",\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    {"web", "{\"sku\":\"D\",\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    {"web", "{\"sku\":\"R\",\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    {"tilbud", "{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    {"web", "{\"sku\":\"EU\",\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "sku"},
    /* binding period offered */
    {"web", "{\"sku\":\"L\",\"sim_type\":\"esim\"}", EC_ERR_INVALID_FIELD,
     "binding_months"},
    {"web", "{\"sku\":\"L\",\"binding_months\":\"6\",\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_months"},
    {"web", "{\"sku\":\"L\",\"binding_months\":3,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_months"},
    {"web", "{\"sku\":\"L\",\"binding_months\":-1,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_months"},
    {"web", "{\"sku\":\"L\",\"binding_months\":99,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_months"},
    {"sales", "{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_months"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"binding_accepted\":\"yes\",\"sim_"
     "type\":\"esim\"}",
     EC_ERR_INVALID_FIELD, "binding_accepted"},
    /* SIM type allowed */
    {"web", "{\"sku\":\"L\",\"binding_months\":0}", EC_ERR_INVALID_FIELD,
     "sim_type"},
    {"web", "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"nano\"}",
     EC_ERR_INVALID_FIELD, "sim_type"},
    {"app", "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"physical\"}",
     EC_ERR_SIM_TYPE_NOT_ALLOWED, "sim_type"},
    /* add-ons compatible in the channel */
    {"web",
     "{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"esim\",\"addons\":["
     "\"SHARE\"]}",
     EC_ERR_ADDON_INCOMPATIBLE, "addons"},
    {"web",
     "{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"esim\",\"addons\":["
     "\"EU\"]}",
     EC_ERR_ADDON_INCOMPATIBLE, "addons"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"addons\":["
     "\"nope\"]}",
     EC_ERR_ADDON_INCOMPATIBLE, "addons"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"addons\":["
     "\"L\"]}",
     EC_ERR_ADDON_INCOMPATIBLE, "addons"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"addons\":"
     "\"EU\"}",
     EC_ERR_INVALID_FIELD, "addons"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"addons\":["
     "\"EU\",\"EU\"]}",
     EC_ERR_INVALID_FIELD, "addons"},
    /* a number from the pool, well-formed */
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"msisdn\":"
     "\"123\"}",
     EC_ERR_INVALID_FIELD, "msisdn"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"msisdn\":\"+"
     "4410123456\"}",
     EC_ERR_INVALID_FIELD, "msisdn"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"msisdn\":"
     "4520123456}",
     EC_ERR_INVALID_FIELD, "msisdn"},
    /* as people type them: blanks, dashes and dots between digits */
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"msisdn\":"
     "\"20 12-34.56\"}",
     0, NULL},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"porting\":{"
     "\"msisdn\":\"+45 30 12 34 56\"}}",
     0, NULL},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"msisdn\":"
     "\"20 12 34 5x\"}",
     EC_ERR_INVALID_FIELD, "msisdn"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"porting\":{"
     "\"msisdn\":\"\"}}",
     EC_ERR_INVALID_FIELD, "porting"},
    /* porting: a Danish E.164 number, and not together with msisdn */
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"porting\":{"
     "\"msisdn\":\"+4612345678\"}}",
     EC_ERR_INVALID_FIELD, "porting"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"porting\":\"+"
     "4530123456\"}",
     EC_ERR_INVALID_FIELD, "porting"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"porting\":{}"
     "}",
     EC_ERR_INVALID_FIELD, "porting"},
    {"web",
     "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\",\"msisdn\":"
     "\"20123456\","
     "\"porting\":{\"msisdn\":\"+4530123456\"}}",
     EC_ERR_INVALID_FIELD, "porting"},
};

static void
test_line_rules(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct ec_channel *ch = ec_catalog_channel(cat, cases[i].channel);
        struct json_object *j = json_tokener_parse(cases[i].line);
        const char *field = NULL, *message = NULL;
        struct ec_basket_line l;
        int rc;

        CU_ASSERT_PTR_NOT_NULL_FATAL(ch);
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        rc = ec_basket_line_check(cat, ch, j, &l, &arena, &field, &message);
        if (rc != cases[i].rc)
            fprintf(stderr, "case %zu %s: rc %d, want %d (%s)\n", i,
                    cases[i].line, rc, cases[i].rc, field ? field : "-");
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        if (cases[i].field) {
            CU_ASSERT_PTR_NOT_NULL(field);
            CU_ASSERT_PTR_NOT_NULL(message);
            if (field)
                EC_ASSERT_STR(field, cases[i].field);
        }
        json_object_put(j);
    }
}

/* The message names where in the line the rule broke, as a JSON path. */
static void
test_messages_name_the_path(void)
{
    static const struct {
        const char *line, *field, *message;
    } paths[] = {
        {"[]", "sku",
         "$: must be a basket line (a JSON object) (got an array)"},
        {"{\"sku\":null}", "sku", "$.sku: must be a plan's SKU (got null)"},
        {"{\"sku\":\"S\",\"binding_months\":\"6\"}", "binding_months",
         "$.binding_months: must be a binding period in months (got \"6\")"},
        {"{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"nano\"}",
         "sim_type", "$.sim_type: must be physical or esim (got \"nano\")"},
        {"{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\","
         "\"addons\":[\"SHARE\",\"XX\"]}",
         "addons", "$.addons[1]: XX does not fit this plan here"},
        {"{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\","
         "\"porting\":{\"msisdn\":\"12\"}}",
         "porting", "$.porting.msisdn: must be a Danish number, 8 digits"},
    };
    const struct ec_channel *web = ec_catalog_channel(cat, "web");

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        struct json_object *j = json_tokener_parse(paths[i].line);
        const char *field = NULL, *message = NULL;
        struct ec_basket_line l;

        CU_ASSERT(ec_basket_line_check(cat, web, j, &l, &arena, &field,
                                       &message) < 0);
        EC_ASSERT_STR(field, paths[i].field);
        EC_ASSERT_STR(message, paths[i].message);
        json_object_put(j);
    }
}

static void
test_line_fields(void)
{
    const struct ec_channel *web = ec_catalog_channel(cat, "web");
    struct json_object *j = json_tokener_parse(
        "{\"sku\":\"L\",\"binding_months\":6,\"binding_accepted\":true,"
        "\"sim_type\":\"esim\",\"addons\":[\"SHARE\"],\"msisdn\":"
        "\"004520123456\"}");
    const char *field, *message;
    struct ec_basket_line l;
    struct json_object *o, *v;

    CU_ASSERT_EQUAL_FATAL(
        ec_basket_line_check(cat, web, j, &l, &arena, &field, &message), 0);
    EC_ASSERT_STR(l.sku, "L");
    EC_ASSERT_STR(l.channel, "web");
    CU_ASSERT_EQUAL(l.binding_months, 6);
    CU_ASSERT_EQUAL(l.binding_accepted, 1);
    CU_ASSERT_EQUAL(l.sim, EC_SIM_ESIM);
    CU_ASSERT_EQUAL_FATAL(l.naddons, 1);
    EC_ASSERT_STR(l.addons[0], "SHARE");
    EC_ASSERT_STR(l.msisdn, "+4520123456"); /* normalised */
    EC_ASSERT_STR(l.porting, "");
    CU_ASSERT_EQUAL(l.monthly_at_add, -1); /* the handler prices it */
    json_object_put(j);

    /* binding_accepted is only stored: false is a valid line */
    j = json_tokener_parse(
        "{\"sku\":\"L\",\"binding_months\":6,\"sim_type\":\"esim\","
        "\"porting\":{\"msisdn\":\"30123456\"}}");
    CU_ASSERT_EQUAL_FATAL(
        ec_basket_line_check(cat, web, j, &l, &arena, &field, &message), 0);
    CU_ASSERT_EQUAL(l.binding_accepted, 0);
    EC_ASSERT_STR(l.porting, "+4530123456");
    strcpy(l.id, "0123456789abcdef");
    o = ec_basket_line_to_json(&l);
    CU_ASSERT(json_object_object_get_ex(o, "porting", &v));
    CU_ASSERT(json_object_object_get_ex(v, "msisdn", &v));
    EC_ASSERT_STR(json_object_get_string(v), "+4530123456");
    CU_ASSERT(json_object_object_get_ex(o, "msisdn", &v));
    CU_ASSERT(json_object_is_type(v, json_type_null));
    json_object_put(o);
    json_object_put(j);
}

static void
test_ids(void)
{
    char id[EC_BASKET_ID_SIZE], other[EC_BASKET_ID_SIZE];

    ec_basket_new_id(id);
    ec_basket_new_id(other);
    CU_ASSERT_EQUAL(strlen(id), 32);
    CU_ASSERT(ec_basket_id_valid(id));
    CU_ASSERT(strcmp(id, other) != 0);
    CU_ASSERT(!ec_basket_id_valid(NULL));
    CU_ASSERT(!ec_basket_id_valid(""));
    CU_ASSERT(!ec_basket_id_valid("0123456789abcdef0123456789abcdeF"));
    CU_ASSERT(!ec_basket_id_valid("0123456789abcdef0123456789abcde"));
    CU_ASSERT(!ec_basket_id_valid("0123456789abcdef0123456789abcdef0"));
    CU_ASSERT(!ec_basket_id_valid("0123456789abcdef0123456789abcd;f"));
}

/* The per-client limits count a client; without one (exempt, or an
   unknown address) none applies. */
static void
test_policy_for_client(void)
{
    const struct ec_basket_policy base = {1000, 100,  5, {NULL, 20, 60000},
                                          10,   3600, 10};
    struct ec_basket_policy p;

    ec_basket_policy_for(&base, "192.0.2.1", &p);
    EC_ASSERT_STR(p.rate.client, "192.0.2.1");
    CU_ASSERT_EQUAL(p.rate.max, 20);
    CU_ASSERT_EQUAL(p.ttl_ms, 1000);
    CU_ASSERT_EQUAL(p.numbers_max, 5);
    CU_ASSERT_EQUAL(p.holds_max, 10);
    CU_ASSERT_EQUAL(p.hold_max_ms, 3600);
    CU_ASSERT_EQUAL(p.baskets_rate, 10);
    ec_basket_policy_for(&base, "2001:db8:1:2::/64", &p);
    EC_ASSERT_STR(p.rate.client, "2001:db8:1:2::/64");
    ec_basket_policy_for(&base, NULL, &p);
    CU_ASSERT_PTR_NULL(p.rate.client);
    ec_basket_policy_for(&base, "", &p);
    CU_ASSERT_PTR_NULL(p.rate.client);
}

/*
 * A basket priced now: the plan's engine price, each add-on for the
 * plan's minimum term, lines no longer offered left out of the totals.
 * Fixture prices: L 110 kr., SHARE 140 kr., EU 150 kr.; no fees, no
 * campaigns, so every total can be worked out by hand.
 */
static void
test_view_totals_and_minimum_term(void)
{
    static const char lines[] =
        "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
        "\"binding_months\":6,\"sim_type\":\"esim\","
        "\"addons\":[\"SHARE\"],\"monthly_at_add\":25000},"
        " {\"id\":\"b\",\"channel\":\"gone\",\"sku\":\"L\","
        "\"binding_months\":0,\"sim_type\":\"physical\","
        "\"addons\":[\"EU\",\"NOPE\"],\"monthly_at_add\":1},"
        " {\"id\":\"c\",\"channel\":\"web\",\"sku\":\"D\","
        "\"binding_months\":0,\"sim_type\":\"physical\"}]";
    static const int held[] = {1, 0, 0};
    const struct ec_basket_view_line *l;
    struct ec_basket_view *v = malloc(sizeof(*v));
    struct ec_basket b;
    struct ec_arena a;

    ec_arena_init(&a, 0);
    memset(&b, 0, sizeof(b));
    b.lines = json_tokener_parse(lines);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b.lines);
    ec_basket_view_build(cat, &cat->channels[CH_WEB], &b, held, 0, 2500, &a, v);
    CU_ASSERT_EQUAL_FATAL(v->nlines, 3);

    /* 6 months' binding: the add-on counts for 6 months too */
    l = &v->lines[0];
    EC_ASSERT_STR(l->id, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(l->offer);
    CU_ASSERT_EQUAL(l->plan->min_total, 6 * 11000);
    CU_ASSERT_EQUAL_FATAL(l->naddons, 1);
    EC_ASSERT_STR(l->addons[0].sku, "SHARE");
    CU_ASSERT_EQUAL(l->addons[0].min_total, 6 * 14000);
    CU_ASSERT_EQUAL(l->monthly_now, 11000 + 14000);
    CU_ASSERT_EQUAL(l->min_total, 6 * 11000 + 6 * 14000);
    CU_ASSERT_FALSE(l->price_changed);
    CU_ASSERT_FALSE(l->addon_unavailable);
    CU_ASSERT_TRUE(l->lock_held);

    /* its channel is gone: priced in the caller's; no binding is one
       month; an add-on no longer offered is flagged and left out */
    l = &v->lines[1];
    CU_ASSERT_PTR_EQUAL(l->channel, &cat->channels[CH_WEB]);
    CU_ASSERT_EQUAL(l->naddons, 1);
    CU_ASSERT_TRUE(l->addon_unavailable);
    CU_ASSERT_EQUAL(l->min_total, 11000 + 15000);
    CU_ASSERT_TRUE(l->price_changed);
    CU_ASSERT_FALSE(l->lock_held);

    /* a draft is not offered: no price, nothing in the totals */
    l = &v->lines[2];
    CU_ASSERT_PTR_NULL(l->offer);
    CU_ASSERT_PTR_NULL(l->plan);
    CU_ASSERT_EQUAL(l->min_total, 0);

    CU_ASSERT_EQUAL(v->monthly_now, 25000 + 26000);
    CU_ASSERT_EQUAL(v->one_time, 0);
    CU_ASSERT_EQUAL(v->min_total, 6 * 25000 + 26000);
    json_object_put(b.lines);
    ec_arena_release(&a);
    free(v);
}

/*
 * A binding above 0 months awaits the customer's acceptance until they
 * give it, offered or not; no binding needs none. The basket says how
 * many lines still wait, and whether it carries numbers to keep.
 */
static void
test_view_acceptance_and_numbers(void)
{
    static const char lines[] =
        "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
        "\"binding_months\":6,\"sim_type\":\"esim\"},"
        " {\"id\":\"b\",\"channel\":\"web\",\"sku\":\"L\","
        "\"binding_months\":6,\"binding_accepted\":true,"
        "\"sim_type\":\"physical\",\"msisdn\":\"+4520000001\"},"
        " {\"id\":\"c\",\"channel\":\"web\",\"sku\":\"L\","
        "\"binding_months\":0,\"sim_type\":\"nano\"},"
        " {\"id\":\"d\",\"channel\":\"web\",\"sku\":\"D\","
        "\"binding_months\":3}]";
    struct ec_basket_view *v = malloc(sizeof(*v));
    struct ec_basket b;
    struct ec_arena a;

    ec_arena_init(&a, 0);
    memset(&b, 0, sizeof(b));
    b.lines = json_tokener_parse(lines);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b.lines);
    ec_basket_view_build(cat, &cat->channels[CH_WEB], &b, NULL, 0, 2500, &a, v);
    CU_ASSERT_EQUAL_FATAL(v->nlines, 4);
    CU_ASSERT_TRUE(v->lines[0].needs_acceptance);
    CU_ASSERT_EQUAL(v->lines[0].binding_months, 6);
    CU_ASSERT_EQUAL(v->lines[0].sim, EC_SIM_ESIM);
    CU_ASSERT_FALSE(v->lines[0].has_number);
    CU_ASSERT_FALSE(v->lines[1].needs_acceptance);
    CU_ASSERT_TRUE(v->lines[1].binding_accepted);
    CU_ASSERT_EQUAL(v->lines[1].sim, EC_SIM_PHYSICAL);
    CU_ASSERT_TRUE(v->lines[1].has_number);
    CU_ASSERT_FALSE(v->lines[2].needs_acceptance);
    CU_ASSERT_EQUAL(v->lines[2].sim, 0);
    /* not offered (a draft), still bound as chosen */
    CU_ASSERT_PTR_NULL(v->lines[3].offer);
    CU_ASSERT_TRUE(v->lines[3].needs_acceptance);
    CU_ASSERT_EQUAL(v->needs_acceptance, 2);
    CU_ASSERT_TRUE(v->holds_numbers);
    json_object_put(b.lines);
    ec_arena_release(&a);
    free(v);
}

/* What a line records as its price when chosen: plan and add-ons. */
static void
test_line_monthly(void)
{
    struct ec_basket_line l;
    struct ec_arena a;

    ec_arena_init(&a, 0);
    memset(&l, 0, sizeof(l));
    l.sku = "L";
    l.binding_months = 6;
    l.sim = EC_SIM_PHYSICAL;
    l.addons[l.naddons++] = "SHARE";
    CU_ASSERT_EQUAL(
        ec_basket_line_monthly(cat, &cat->channels[CH_WEB], &l, 0, 2500, &a),
        25000);
    l.binding_months = 3; /* not offered */
    CU_ASSERT_EQUAL(
        ec_basket_line_monthly(cat, &cat->channels[CH_WEB], &l, 0, 2500, &a),
        -1);
    ec_arena_release(&a);
}

static const struct ec_test tests[] = {
    {"the per-client limits count a client, if any", test_policy_for_client},
    {"every line rule, with its error code and field", test_line_rules},
    {"a valid line's fields, normalised", test_line_fields},
    {"a refusal names the path of the broken rule",
     test_messages_name_the_path},
    {"basket ids: 128 random bits in hex", test_ids},
    {"a basket's view: totals and the add-ons' minimum term",
     test_view_totals_and_minimum_term},
    {"a basket's view: bindings awaiting acceptance, numbers held",
     test_view_acceptance_and_numbers},
    {"a line's monthly price when chosen", test_line_monthly},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    cat = fixture_catalog();
    ec_arena_init(&arena, 0);
    rc = ec_test_run("svc/basket", tests);
    ec_arena_release(&arena);
    ec_catalog_free(cat);
    return rc;
}
