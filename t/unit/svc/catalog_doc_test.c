/* Tests of svc/catalog_doc.c: the canonical order. */
#include <stdlib.h>

#include <json-c/json.h>

#include "core/err.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "catalog_doc_fixture.h"

static void
test_sort_is_byte_order(void)
{
    struct json_object *j = parse_json(base);
    struct ec_check_error err;
    struct ec_catalog_doc doc;

    /* '-' sorts before digits and letters in bytes, not in a collation */
    j = edit(j, "products[1].sku", "\"NL-5G100\"");
    j = edit(j, "campaigns[0].products[0]", "\"NL-5G100\"");
    j = edit(j, "products[4]",
             "{\"sku\": \"nl-a\", \"kind\": \"plan\", \"status\": \"active\","
             " \"name\": \"a\", \"data_gb\": 1, \"talk_minutes\": 1,"
             " \"network\": \"4g\", \"monthly_price\": 1,"
             " \"binding_months\": [6, 0], \"sim_types\": [\"esim\"]}");
    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, cph(), &err), 0);
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

static void
test_sort_campaigns_by_code(void)
{
    struct json_object *j = parse_json(base);
    struct ec_check_error err;
    struct ec_catalog_doc doc;

    /* byte order: '-' before '_' before letters, whatever a collation says */
    j = edit(j, "campaigns[0].code", "\"app_b\"");
    j = edit(j, "campaigns[1].code", "\"app-b\"");
    j = edit(j, "campaigns[1].channels", "[\"web\", \"app\", \"tilbud\"]");
    ec_catalog_doc_init(&doc);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_doc_parse(&doc, j, cph(), &err), 0);
    ec_catalog_doc_sort(&doc);
    EC_ASSERT_STR(doc.campaigns[0].code, "app-b");
    EC_ASSERT_STR(doc.campaigns[1].code, "app_b");
    EC_ASSERT_STR(doc.campaigns[0].channels[0], "app");
    EC_ASSERT_STR(doc.campaigns[0].channels[2], "web");
    EC_ASSERT_STR(doc.campaigns[1].skus[0], "NL-5G-100");
    /* actions keep their order: they apply in it */
    CU_ASSERT_EQUAL(doc.campaigns[1].actions[0].kind, EC_PROMOTION_WAIVE_FEE);
    CU_ASSERT_EQUAL(doc.campaigns[1].actions[3].kind, EC_PROMOTION_AMOUNT_OFF);
    json_object_put(j);
    ec_catalog_doc_release(&doc);
}

static const struct ec_test tests[] = {
    {"sort is byte order", test_sort_is_byte_order},
    {"campaigns sort by code", test_sort_campaigns_by_code},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/catalog_doc", tests)
