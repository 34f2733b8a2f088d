#include <stdlib.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/err.h"
#include "svc/catalog_doc.h"

/* A valid document: every case below breaks it in one place. */
static const char base[] =
    "{\"format\": \"ecom-catalog/1\","
    " \"channels\": ["
    "  {\"code\": \"web\", \"name\": \"Forside\", \"kind\": \"web_front\","
    "   \"default\": true},"
    "  {\"code\": \"tilbud\", \"name\": \"Tilbud\", \"kind\": \"web_sub\"},"
    "  {\"code\": \"app\", \"name\": \"App\", \"kind\": \"app\","
    "   \"default\": false}],"
    " \"channel_rules\": ["
    "  {\"kind\": \"header\", \"param\": \"x-channel\", \"value\": \"app\","
    "   \"channel\": \"app\"},"
    "  {\"kind\": \"query_param\", \"param\": \"channel\", \"value\": \"app\","
    "   \"channel\": \"app\"},"
    "  {\"kind\": \"path_prefix\", \"value\": \"/tilbud\","
    "   \"channel\": \"tilbud\"}],"
    " \"products\": ["
    "  {\"sku\": \"NL-5G-100\", \"kind\": \"plan\", \"status\": \"active\","
    "   \"name\": \"5G 100 GB\", \"description\": \"Fri tale og 100 GB.\","
    "   \"data_gb\": 100, \"talk_minutes\": null, \"network\": \"5g\","
    "   \"eu_data_gb\": 30, \"monthly_price\": 19900,"
    "   \"fees\": {\"startup\": 9900, \"sim\": 0},"
    "   \"binding_months\": [0, 6], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {"
    "    \"web\": {\"visible\": true, \"name\": \"Fri tale + 100 GB\","
    "             \"sort\": 30},"
    "    \"app\": {\"visible\": true, \"sort\": 10,"
    "             \"sim_types\": [\"esim\"]}},"
    "   \"addons\": [{\"sku\": \"NL-DATADELING\"},"
    "              {\"sku\": \"NL-EU-EKSTRA\", \"channels\": [\"app\"]}]},"
    "  {\"sku\": \"NL-TALE\", \"kind\": \"plan\", \"status\": \"draft\","
    "   \"name\": \"Tale\", \"data_gb\": 1, \"talk_minutes\": 300,"
    "   \"network\": \"4g\", \"monthly_price\": 9900,"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\"],"
    "   \"channels\": {\"tilbud\": {\"visible\": false}}},"
    "  {\"sku\": \"NL-DATADELING\", \"kind\": \"addon\","
    "   \"status\": \"active\","
    "   \"name\": \"Datadeling\", \"data_gb\": null, \"talk_minutes\": 0,"
    "   \"network\": \"5g\", \"monthly_price\": 2900,"
    "   \"binding_months\": [0], \"sim_types\": [\"esim\", \"physical\"],"
    "   \"channels\": {\"web\": {\"visible\": true}}, \"addons\": []},"
    "  {\"sku\": \"NL-EU-EKSTRA\", \"kind\": \"addon\", \"status\": \"active\","
    "   \"name\": \"EU ekstra\", \"data_gb\": 10, \"talk_minutes\": 0,"
    "   \"network\": \"4g\", \"monthly_price\": 4900,"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {\"app\": {\"visible\": true, \"sort\": -5}}}]}";

static struct json_object *
parse_json(const char *text)
{
    struct json_object *o = json_tokener_parse(text);

    if (!o)
        fprintf(stderr, "\n    not JSON: %s\n", text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return o;
}

/*
 * Set (json non-NULL) or delete (json NULL) the value at where, written
 * like a JSON path without the "$": "products[0].fees.sim". An index one
 * past an array's end appends; "" replaces the whole document.
 */
static struct json_object *
edit(struct json_object *root, const char *where, const char *json)
{
    struct json_object *parent = root, *v;
    const char *p = where;
    char key[128], *end;
    long idx;

    if (!*where) {
        json_object_put(root);
        return parse_json(json);
    }
    for (;;) {
        if (*p == '.')
            p++;
        if (*p == '[') {
            idx = strtol(p + 1, &end, 10);
            p = end + 1;    /* past ']' */
        } else {
            size_t n = strcspn(p, ".[");
            CU_ASSERT_FATAL(n < sizeof(key));
            memcpy(key, p, n);
            key[n] = '\0';
            p += n;
            idx = -1;
        }
        if (!*p)
            break;
        /* not the last segment: step into it */
        parent = idx >= 0 ? json_object_array_get_idx(parent, (size_t)idx)
                          : json_object_object_get(parent, key);
        CU_ASSERT_PTR_NOT_NULL_FATAL(parent);
    }
    /* json-c's JSON null is a NULL pointer */
    v = json && strcmp(json, "null") != 0 ? parse_json(json) : NULL;
    if (idx >= 0) {
        if (!json)
            json_object_array_del_idx(parent, (size_t)idx, 1);
        else
            json_object_array_put_idx(parent, (size_t)idx, v);
    } else if (!json) {
        json_object_object_del(parent, key);
    } else {
        json_object_object_add(parent, key, v);
    }
    return root;
}

struct edit {
    const char *where;
    const char *json;          /* NULL: delete */
};

struct bad_case {
    const char *name;
    struct edit edits[2];
    const char *path;
    const char *message;       /* a part of the message */
};

#define DEL NULL
#define L41 "abcdefghijabcdefghijabcdefghijabcdefghijk"
#define L65 "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDE"
#define L101                                                                  \
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"                      \
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijk"

static const struct bad_case bad_cases[] = {
    /* the document */
    {"not an object", {{"", "[1, 2]"}}, "$", "must be a JSON object"},
    {"bad format", {{"format", "\"ecom-catalog/2\""}}, "$.format",
     "must be \"ecom-catalog/1\" (got \"ecom-catalog/2\")"},
    {"missing format", {{"format", DEL}}, "$.format",
     "required: \"ecom-catalog/1\""},
    {"unknown top-level field", {{"extras", "1"}}, "$.extras",
     "unknown field; allowed here: format, channels, channel_rules, "
     "products"},
    {"channels not an array", {{"channels", "{}"}}, "$.channels",
     "must be an array of channels (got an object)"},
    {"channel not an object", {{"channels[1]", "\"tilbud\""}},
     "$.channels[1]", "must be a channel object (got \"tilbud\")"},

    /* channels */
    {"duplicate channel code", {{"channels[2].code", "\"web\""}},
     "$.channels[2].code", "already used by $.channels[0]"},
    {"bad code chars", {{"channels[1].code", "\"Tilbud!\""}},
     "$.channels[1].code", "a-z, 0-9, _ or -"},
    {"code starting with -", {{"channels[1].code", "\"-tilbud\""}},
     "$.channels[1].code", "starting with a letter or digit"},
    {"code of 41 characters", {{"channels[1].code", "\"" L41 "\""}},
     "$.channels[1].code", "got 41 characters"},
    {"no default channel", {{"channels[0].default", DEL}}, "$.channels",
     "exactly one channel must have \"default\": true"},
    {"two default channels", {{"channels[2].default", "true"}},
     "$.channels[2].default",
     "only one channel may be the default, and $.channels[0] already is"},
    {"default not a boolean", {{"channels[1].default", "\"yes\""}},
     "$.channels[1].default", "must be true or false (got \"yes\")"},
    {"unknown channel kind", {{"channels[1].kind", "\"shop\""}},
     "$.channels[1].kind",
     "must be web_front, web_sub, app, outbound or custom"},
    {"channel without a name", {{"channels[1].name", DEL}},
     "$.channels[1].name", "required: a name of 1 to 100 characters"},
    {"channel name of 101 characters", {{"channels[1].name", "\"" L101 "\""}},
     "$.channels[1].name", "got 101 characters"},

    /* rules */
    {"rules missing", {{"channel_rules", DEL}}, "$.channel_rules",
     "required"},
    {"rule naming an unknown channel", {{"channel_rules[1].channel", "\"x\""}},
     "$.channel_rules[1].channel", "\"x\" is not a channel of this document"},
    {"path_prefix without /", {{"channel_rules[2].value", "\"tilbud\""}},
     "$.channel_rules[2].value", "must be a path starting with /"},
    {"path_prefix with a param", {{"channel_rules[2].param", "\"p\""}},
     "$.channel_rules[2].param", "path_prefix rules take no param"},
    {"query rule without param", {{"channel_rules[1].param", DEL}},
     "$.channel_rules[1].param", "required: the query parameter's name"},
    {"header rule without param", {{"channel_rules[0].param", DEL}},
     "$.channel_rules[0].param", "required: the header's name"},
    {"header param not lower case",
     {{"channel_rules[0].param", "\"X-Channel\""}},
     "$.channel_rules[0].param", "lower case"},
    {"unknown rule kind", {{"channel_rules[0].kind", "\"cookie\""}},
     "$.channel_rules[0].kind", "path_prefix, query_param or header"},
    {"rule with an empty value", {{"channel_rules[0].value", "\"\""}},
     "$.channel_rules[0].value", "got 0 characters"},

    /* products */
    {"products not an array", {{"products", "{}"}}, "$.products",
     "must be an array of products"},
    {"product not an object", {{"products[1]", "42"}}, "$.products[1]",
     "must be a product object (got 42)"},
    {"unknown product field", {{"products[0].monthly_prise", "1"}},
     "$.products[0].monthly_prise", "unknown field"},
    {"duplicate SKU", {{"products[1].sku", "\"NL-5G-100\""}},
     "$.products[1].sku", "already used by $.products[0]"},
    {"duplicate SKU ignoring case", {{"products[1].sku", "\"nl-5g-100\""}},
     "$.products[1].sku", "ignoring case"},
    {"bad SKU chars", {{"products[1].sku", "\"NL TALE\""}},
     "$.products[1].sku", "A-Z, a-z, 0-9, _ or -"},
    {"SKU of 65 characters", {{"products[1].sku", "\"" L65 "\""}},
     "$.products[1].sku", "got 65 characters"},
    {"unknown product kind", {{"products[1].kind", "\"bundle\""}},
     "$.products[1].kind", "must be plan or addon"},
    {"unknown status", {{"products[1].status", "\"live\""}},
     "$.products[1].status", "must be draft, active or retired"},
    {"empty name", {{"products[1].name", "\"\""}}, "$.products[1].name",
     "1 to 100 characters (got 0 characters)"},
    {"name not UTF-8", {{"products[1].name", "\"caf\xc3\x28\""}},
     "$.products[1].name", "valid UTF-8"},
    {"negative data", {{"products[1].data_gb", "-1"}},
     "$.products[1].data_gb", "or null for unlimited (got -1)"},
    {"talk minutes missing", {{"products[1].talk_minutes", DEL}},
     "$.products[1].talk_minutes", "required"},
    {"unknown network", {{"products[1].network", "\"3g\""}},
     "$.products[1].network", "must be 4g or 5g (got \"3g\")"},
    {"negative price", {{"products[0].monthly_price", "-100"}},
     "$.products[0].monthly_price",
     "must be a whole number of øre, 0 or more (got -100)"},
    {"non-integer price", {{"products[0].monthly_price", "1.5"}},
     "$.products[0].monthly_price", "(got 1.5)"},
    {"price as a string", {{"products[0].monthly_price", "\"19900\""}},
     "$.products[0].monthly_price", "(got \"19900\")"},
    {"price missing", {{"products[1].monthly_price", DEL}},
     "$.products[1].monthly_price", "required"},
    {"negative fee", {{"products[0].fees.startup", "-1"}},
     "$.products[0].fees.startup", "0 or more"},
    {"unknown fee", {{"products[0].fees.activation", "0"}},
     "$.products[0].fees.activation", "allowed here: startup, sim"},
    {"fees not an object", {{"products[0].fees", "[9900]"}},
     "$.products[0].fees", "must be an object"},
    {"binding of 8 months", {{"products[0].binding_months[1]", "8"}},
     "$.products[0].binding_months[1]",
     "a whole number of months from 0 to 6 (got 8)"},
    {"duplicate binding", {{"products[0].binding_months[1]", "0"}},
     "$.products[0].binding_months[1]", "0 is listed twice"},
    {"empty binding list", {{"products[0].binding_months", "[]"}},
     "$.products[0].binding_months", "at least one binding period"},
    {"binding not a list", {{"products[0].binding_months", "6"}},
     "$.products[0].binding_months", "must be a list of binding periods"},
    {"unknown SIM type", {{"products[0].sim_types[1]", "\"nano\""}},
     "$.products[0].sim_types[1]", "must be physical or esim (got \"nano\")"},
    {"duplicate SIM type", {{"products[0].sim_types[1]", "\"physical\""}},
     "$.products[0].sim_types[1]", "listed twice"},
    {"empty SIM type list", {{"products[0].sim_types", "[]"}},
     "$.products[0].sim_types", "at least one SIM type"},

    /* channel entries */
    {"channels not an object", {{"products[0].channels", "[]"}},
     "$.products[0].channels", "must be an object of channel entries"},
    {"entry for an unknown channel",
     {{"products[1].channels.shop", "{\"visible\": true}"}},
     "$.products[1].channels.shop", "\"shop\" is not a channel"},
    {"entry for a key a dot cannot carry",
     {{"products[1].channels.a b", "{\"visible\": true}"}},
     "$.products[1].channels['a b']", "is not a channel"},
    {"entry widening SIM types",
     {{"products[1].channels.tilbud.sim_types", "[\"esim\"]"}},
     "$.products[1].channels.tilbud.sim_types[0]",
     "\"esim\" is not offered by the product, which offers physical"},
    {"entry widening binding",
     {{"products[1].channels.tilbud.binding_months", "[0, 6]"}},
     "$.products[1].channels.tilbud.binding_months[1]",
     "6 is not offered by the product, which offers 0"},
    {"entry without visible", {{"products[0].channels.web.visible", DEL}},
     "$.products[0].channels.web.visible", "required: true or false"},
    {"entry sort not a number", {{"products[0].channels.web.sort", "\"1\""}},
     "$.products[0].channels.web.sort", "must be a whole number"},
    {"entry not an object", {{"products[0].channels.web", "true"}},
     "$.products[0].channels.web", "must be a channel entry object"},
    {"unknown entry field", {{"products[0].channels.web.hidden", "true"}},
     "$.products[0].channels.web.hidden", "unknown field"},

    /* add-ons */
    {"addons on an add-on",
     {{"products[2].addons", "[{\"sku\": \"NL-EU-EKSTRA\"}]"}},
     "$.products[2].addons", "only plans have add-ons"},
    {"addon naming a plan", {{"products[0].addons[0].sku", "\"NL-TALE\""}},
     "$.products[0].addons[0].sku", "\"NL-TALE\" is a plan, not an add-on"},
    {"addon naming an unknown SKU",
     {{"products[0].addons[0].sku", "\"NL-NOPE\""}},
     "$.products[0].addons[0].sku",
     "\"NL-NOPE\" is not a product of this document"},
    {"addon listed twice",
     {{"products[0].addons[1].sku", "\"NL-DATADELING\""}},
     "$.products[0].addons[1].sku", "listed twice"},
    {"addon channels naming an unknown channel",
     {{"products[0].addons[1].channels[0]", "\"shop\""}},
     "$.products[0].addons[1].channels[0]", "\"shop\" is not a channel"},
    {"addon channels empty", {{"products[0].addons[1].channels", "[]"}},
     "$.products[0].addons[1].channels", "at least one channel"},
    {"addon channel twice",
     {{"products[0].addons[1].channels[1]", "\"app\""}},
     "$.products[0].addons[1].channels[1]", "listed twice"},
    {"addons not an array", {{"products[0].addons", "{}"}},
     "$.products[0].addons", "must be an array"},
    {"addon not an object", {{"products[0].addons[0]", "\"NL-DATADELING\""}},
     "$.products[0].addons[0]", "must be an object naming an add-on"},

    /* the first broken field in document order is the one named */
    {"first error wins",
     {{"products[1].monthly_price", "-1"}, {"products[0].network", "\"3g\""}},
     "$.products[0].network", "4g or 5g"},
    {"channels before products",
     {{"products[0].sku", "\"bad sku\""}, {"channels[1].kind", "null"}},
     "$.channels[1].kind", "(got null)"},
};

static void
test_valid_document(void)
{
    struct json_object *j = parse_json(base);
    struct ec_catalog_doc_error err;
    struct ec_catalog_doc doc;
    const struct ec_catalog_doc_product *p;

    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, &err), 0);
    CU_ASSERT_EQUAL(doc.nchannels, 3);
    CU_ASSERT_EQUAL(doc.nrules, 3);
    CU_ASSERT_EQUAL(doc.nproducts, 4);
    CU_ASSERT(doc.channels[0].is_default && !doc.channels[1].is_default);
    CU_ASSERT_PTR_NULL(doc.rules[2].param);
    EC_ASSERT_STR(doc.rules[0].param, "x-channel");

    p = &doc.products[0];
    EC_ASSERT_STR(p->sku, "NL-5G-100");
    CU_ASSERT_EQUAL(p->data_gb, 100);
    CU_ASSERT_EQUAL(p->talk_minutes, EC_CATALOG_DOC_UNLIMITED);
    CU_ASSERT_EQUAL(p->binding_months, (1u << 0) | (1u << 6));
    CU_ASSERT_EQUAL(p->sim_types,
                    EC_CATALOG_DOC_PHYSICAL | EC_CATALOG_DOC_ESIM);
    CU_ASSERT_EQUAL(p->fee_startup, 9900);
    CU_ASSERT_EQUAL(p->nentries, 2);
    EC_ASSERT_STR(p->entries[1].channel, "app");
    CU_ASSERT_EQUAL(p->entries[1].sim_types, EC_CATALOG_DOC_ESIM);
    CU_ASSERT_EQUAL(p->entries[1].binding_months, 0);
    CU_ASSERT_PTR_NULL(p->entries[1].name);
    CU_ASSERT_EQUAL(p->naddons, 2);
    CU_ASSERT_EQUAL(p->addons[0].nchannels, 0);
    CU_ASSERT_EQUAL(p->addons[1].nchannels, 1);

    /* optional fields take the schema's defaults */
    p = &doc.products[1];
    EC_ASSERT_STR(p->description, "");
    CU_ASSERT_EQUAL(p->eu_data_gb, 0);
    CU_ASSERT_EQUAL(p->fee_startup, 0);
    CU_ASSERT_EQUAL(p->fee_sim, 0);
    CU_ASSERT_EQUAL(p->naddons, 0);
    CU_ASSERT_EQUAL(p->entries[0].visible, 0);
    CU_ASSERT_EQUAL(p->entries[0].sort, 0);
    CU_ASSERT_EQUAL(doc.products[3].entries[0].sort, -5);

    /* the structures outlive the JSON they came from */
    json_object_put(j);
    EC_ASSERT_STR(doc.products[0].addons[1].channels[0], "app");
    ec_catalog_doc_release(&doc);
}

static void
test_empty_catalog_is_valid(void)
{
    struct json_object *j = parse_json(
        "{\"format\": \"ecom-catalog/1\", \"channel_rules\": [],"
        " \"products\": [], \"channels\": [{\"code\": \"web\","
        " \"name\": \"Web\", \"kind\": \"web_front\", \"default\": true}]}");
    struct ec_catalog_doc_error err;

    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, &err), 0);
    json_object_put(j);
}

static void
test_each_broken_rule(void)
{
    size_t n = sizeof(bad_cases) / sizeof(*bad_cases);

    for (size_t i = 0; i < n; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct json_object *j = parse_json(base);
        struct ec_catalog_doc_error err;
        int rc;

        for (size_t k = 0; k < 2 && c->edits[k].where; k++)
            j = edit(j, c->edits[k].where, c->edits[k].json);
        rc = ec_catalog_doc_validate(j, &err);
        if (rc != EC_ERR_INVALID_FIELD || strcmp(err.path, c->path) != 0 ||
            !strstr(err.message, c->message))
            fprintf(stderr, "\n    case \"%s\": rc %d, got %s: %s\n",
                    c->name, rc, err.path, err.message);
        CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
        CU_ASSERT_STRING_EQUAL(err.path, c->path);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, c->message));
        json_object_put(j);
    }
}

static void
test_long_paths_are_cut_not_overflowed(void)
{
    struct json_object *j = parse_json(base);
    struct ec_catalog_doc_error err;
    char key[1001];

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    key[500] = '\'';    /* quoted in the bracket form */
    json_object_object_add(
        json_object_object_get(json_object_array_get_idx(
                                   json_object_object_get(j, "products"), 1),
                               "channels"),
        key, json_object_new_object());
    CU_ASSERT_EQUAL(ec_catalog_doc_validate(j, &err), EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(strlen(err.path), sizeof(err.path) - 1);
    CU_ASSERT_NSTRING_EQUAL(err.path, "$.products[1].channels['kkk", 27);
    CU_ASSERT(strlen(err.message) < sizeof(err.message));
    json_object_put(j);
}

/* What base looks like when written back: defaults filled in, options in
   canonical order, products and entries sorted. */
static const char canonical[] =
    "{\"format\": \"ecom-catalog/1\","
    " \"channels\": ["
    "  {\"code\": \"web\", \"name\": \"Forside\", \"kind\": \"web_front\","
    "   \"default\": true},"
    "  {\"code\": \"tilbud\", \"name\": \"Tilbud\", \"kind\": \"web_sub\"},"
    "  {\"code\": \"app\", \"name\": \"App\", \"kind\": \"app\"}],"
    " \"channel_rules\": ["
    "  {\"kind\": \"header\", \"param\": \"x-channel\", \"value\": \"app\","
    "   \"channel\": \"app\"},"
    "  {\"kind\": \"query_param\", \"param\": \"channel\", \"value\": \"app\","
    "   \"channel\": \"app\"},"
    "  {\"kind\": \"path_prefix\", \"value\": \"/tilbud\","
    "   \"channel\": \"tilbud\"}],"
    " \"products\": ["
    "  {\"sku\": \"NL-5G-100\", \"kind\": \"plan\", \"status\": \"active\","
    "   \"name\": \"5G 100 GB\", \"description\": \"Fri tale og 100 GB.\","
    "   \"data_gb\": 100, \"talk_minutes\": null, \"network\": \"5g\","
    "   \"eu_data_gb\": 30, \"monthly_price\": 19900,"
    "   \"fees\": {\"startup\": 9900, \"sim\": 0},"
    "   \"binding_months\": [0, 6], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {"
    "    \"app\": {\"visible\": true, \"sort\": 10, \"sim_types\": [\"esim\"]},"
    "    \"web\": {\"visible\": true, \"name\": \"Fri tale + 100 GB\","
    "             \"sort\": 30}},"
    "   \"addons\": [{\"sku\": \"NL-DATADELING\"},"
    "              {\"sku\": \"NL-EU-EKSTRA\", \"channels\": [\"app\"]}]},"
    "  {\"sku\": \"NL-DATADELING\", \"kind\": \"addon\","
    "   \"status\": \"active\","
    "   \"name\": \"Datadeling\", \"description\": \"\", \"data_gb\": null,"
    "   \"talk_minutes\": 0, \"network\": \"5g\", \"eu_data_gb\": 0,"
    "   \"monthly_price\": 2900, \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {\"web\": {\"visible\": true, \"sort\": 0}}},"
    "  {\"sku\": \"NL-EU-EKSTRA\", \"kind\": \"addon\", \"status\": \"active\","
    "   \"name\": \"EU ekstra\", \"description\": \"\", \"data_gb\": 10,"
    "   \"talk_minutes\": 0, \"network\": \"4g\", \"eu_data_gb\": 0,"
    "   \"monthly_price\": 4900, \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {\"app\": {\"visible\": true, \"sort\": -5}}},"
    "  {\"sku\": \"NL-TALE\", \"kind\": \"plan\", \"status\": \"draft\","
    "   \"name\": \"Tale\", \"description\": \"\", \"data_gb\": 1,"
    "   \"talk_minutes\": 300, \"network\": \"4g\", \"eu_data_gb\": 0,"
    "   \"monthly_price\": 9900, \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\"],"
    "   \"channels\": {\"tilbud\": {\"visible\": false, \"sort\": 0}},"
    "   \"addons\": []}]}";

/* Field order matters to a reader of an export: compare the text. */
static void
assert_same_text(struct json_object *got_json, struct json_object *want)
{
    const char *g = json_object_to_json_string_ext(got_json,
                                                   JSON_C_TO_STRING_PLAIN);
    char *copy = strdup(g);
    const char *w = json_object_to_json_string_ext(want,
                                                   JSON_C_TO_STRING_PLAIN);

    EC_ASSERT_STR(copy, w);
    free(copy);
}

static void
test_write_back_in_canonical_order(void)
{
    struct json_object *j = parse_json(base), *out, *want, *again;
    struct ec_catalog_doc_error err;
    struct ec_catalog_doc doc, doc2;

    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, &err), 0);
    ec_catalog_doc_sort(&doc);
    out = ec_catalog_doc_to_json(&doc);
    want = parse_json(canonical);
    assert_same_text(out, want);

    /* what is written back reads back to the same thing */
    ec_catalog_doc_init(&doc2);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc2, out, &err), 0);
    ec_catalog_doc_sort(&doc2);
    again = ec_catalog_doc_to_json(&doc2);
    assert_same_text(again, want);

    json_object_put(again);
    json_object_put(want);
    json_object_put(out);
    json_object_put(j);
    ec_catalog_doc_release(&doc2);
    ec_catalog_doc_release(&doc);
}

static void
test_sort_is_byte_order(void)
{
    struct json_object *j = parse_json(base);
    struct ec_catalog_doc_error err;
    struct ec_catalog_doc doc;

    /* '-' sorts before digits and letters in bytes, not in a collation */
    j = edit(j, "products[1].sku", "\"NL-5G100\"");
    j = edit(j, "products[4]",
             "{\"sku\": \"nl-a\", \"kind\": \"plan\", \"status\": \"active\","
             " \"name\": \"a\", \"data_gb\": 1, \"talk_minutes\": 1,"
             " \"network\": \"4g\", \"monthly_price\": 1,"
             " \"binding_months\": [6, 0], \"sim_types\": [\"esim\"]}");
    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, &err), 0);
    ec_catalog_doc_sort(&doc);
    EC_ASSERT_STR(doc.products[0].sku, "NL-5G-100");
    EC_ASSERT_STR(doc.products[1].sku, "NL-5G100");
    EC_ASSERT_STR(doc.products[2].sku, "NL-DATADELING");
    EC_ASSERT_STR(doc.products[3].sku, "NL-EU-EKSTRA");
    EC_ASSERT_STR(doc.products[4].sku, "nl-a");
    CU_ASSERT_EQUAL(doc.products[4].binding_months, (1u << 0) | (1u << 6));
    json_object_put(j);
    ec_catalog_doc_release(&doc);
}

static const struct ec_test tests[] = {
    {"a valid document parses", test_valid_document},
    {"an empty catalog is valid", test_empty_catalog_is_valid},
    {"each broken rule names its path", test_each_broken_rule},
    {"long paths are cut, not overflowed",
     test_long_paths_are_cut_not_overflowed},
    {"written back in canonical order", test_write_back_in_canonical_order},
    {"sort is byte order", test_sort_is_byte_order},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/catalog_doc", tests)
