/* Tests of svc/catalog_export.c: a document written back as JSON. */
#include <stdlib.h>

#include <json-c/json.h>

#include "core/err.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "catalog_doc_fixture.h"

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
    "    \"app\": {\"visible\": true, \"sort\": 10, \"sim_types\": [\"esim\"],"
    "             \"monthly_price\": 17900},"
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
    "   \"addons\": []}],"
    " \"campaigns\": ["
    "  {\"code\": \"app-99\", \"name\": \"99 kr. i appen\","
    "   \"valid_from\": \"2026-11-01T00:00:00+01:00\","
    "   \"valid_to\": \"2027-02-01T00:00:00+01:00\","
    "   \"products\": [\"NL-5G-100\"], \"channels\": [\"app\"],"
    "   \"priority\": 10, \"stacking\": \"exclusive\","
    "   \"required_binding\": 6,"
    "   \"actions\": [{\"kind\": \"fixed_price\", \"amount\": 9900,"
    "                \"first_month\": 1, \"months\": 6}]},"
    "  {\"code\": \"gratis-start\", \"name\": \"Gratis oprettelse\","
    "   \"valid_from\": \"2026-11-01T00:00:00+01:00\","
    "   \"valid_to\": \"2027-06-01T00:00:00+02:00\","
    "   \"products\": [\"NL-5G-100\", \"NL-TALE\"],"
    "   \"priority\": 0, \"stacking\": \"stackable\","
    "   \"required_binding\": 0,"
    "   \"actions\": ["
    "    {\"kind\": \"waive_fee\", \"fees\": [\"startup\"]},"
    "    {\"kind\": \"percent_off\", \"percent_bp\": 1000,"
    "     \"first_month\": 2, \"months\": 3},"
    "    {\"kind\": \"reduce_fee\", \"amount\": 500,"
    "     \"fees\": [\"startup\", \"sim\"]},"
    "    {\"kind\": \"amount_off\", \"amount\": 1000,"
    "     \"first_month\": 1, \"months\": 0}]}]}";

/* Field order matters to a reader of an export: compare the text. */
static void
assert_same_text(struct json_object *got_json, struct json_object *want)
{
    const char *g =
        json_object_to_json_string_ext(got_json, JSON_C_TO_STRING_PLAIN);
    char *copy = strdup(g);
    const char *w =
        json_object_to_json_string_ext(want, JSON_C_TO_STRING_PLAIN);

    EC_ASSERT_STR(copy, w);
    free(copy);
}

static void
test_write_back_in_canonical_order(void)
{
    struct json_object *j = parse_json(base), *out, *want, *again;
    struct ec_check_error err;
    struct ec_catalog_doc doc, doc2;

    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, cph(), &err), 0);
    ec_catalog_doc_sort(&doc);
    out = ec_catalog_doc_to_json(&doc, cph());
    want = parse_json(canonical);
    assert_same_text(out, want);

    /* what is written back reads back to the same thing */
    ec_catalog_doc_init(&doc2);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc2, out, cph(), &err), 0);
    ec_catalog_doc_sort(&doc2);
    again = ec_catalog_doc_to_json(&doc2, cph());
    assert_same_text(again, want);

    json_object_put(again);
    json_object_put(want);
    json_object_put(out);
    json_object_put(j);
    ec_catalog_doc_release(&doc2);
    ec_catalog_doc_release(&doc);
}

/* The text of member key of the document's campaign i, as written back. */
static const char *
written(struct json_object *out, size_t i, const char *key)
{
    struct json_object *c =
        json_object_array_get_idx(json_object_object_get(out, "campaigns"), i);

    return json_object_get_string(json_object_object_get(c, key));
}

static void
test_times_written_with_the_zones_offset(void)
{
    struct json_object *j = parse_json(base), *out;
    struct ec_check_error err;
    struct ec_catalog_doc doc;

    /* winter time is +01:00, summer time +02:00, whatever was written */
    j = edit(j, "campaigns[1].valid_from", "\"2027-01-15T12:00:00Z\"");
    j = edit(j, "campaigns[1].valid_to", "\"2027-06-01T12:00\"");
    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, cph(), &err), 0);
    ec_catalog_doc_sort(&doc);
    out = ec_catalog_doc_to_json(&doc, cph());
    EC_ASSERT_STR(written(out, 0, "valid_from"), "2027-01-15T13:00:00+01:00");
    EC_ASSERT_STR(written(out, 0, "valid_to"), "2027-06-01T12:00:00+02:00");
    json_object_put(out);

    /* without a zone, in UTC */
    out = ec_catalog_doc_to_json(&doc, NULL);
    EC_ASSERT_STR(written(out, 0, "valid_from"), "2027-01-15T12:00:00+00:00");
    EC_ASSERT_STR(written(out, 0, "valid_to"), "2027-06-01T10:00:00+00:00");
    json_object_put(out);
    json_object_put(j);
    ec_catalog_doc_release(&doc);
}

static void
test_campaigns_are_optional(void)
{
    struct json_object *j = parse_json(base), *out, *list;
    struct ec_check_error err;
    struct ec_catalog_doc doc;

    j = edit(j, "campaigns", DEL);
    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, cph(), &err), 0);
    CU_ASSERT_EQUAL(doc.ncampaigns, 0);
    /* and written back as an empty list, like channel_rules */
    out = ec_catalog_doc_to_json(&doc, cph());
    list = json_object_object_get(out, "campaigns");
    CU_ASSERT(json_object_is_type(list, json_type_array));
    CU_ASSERT_EQUAL(json_object_array_length(list), 0);
    json_object_put(out);
    json_object_put(j);
    ec_catalog_doc_release(&doc);
}

static const struct ec_test tests[] = {
    {"written back in canonical order", test_write_back_in_canonical_order},
    {"times are written with the zone's offset",
     test_times_written_with_the_zones_offset},
    {"campaigns are optional, and written as a list",
     test_campaigns_are_optional},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/catalog_export", tests)
