/*
 * The basket handlers through fake requests: a line is checked against
 * the channel's catalog before any store is asked, so every refusal
 * below is answered without MySQL or Redis (the shop's stores point at a
 * closed port: a handler that reached for one would answer 503).
 */
#include <json-c/json.h>

#include "../test.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "shop.h"

static struct shop shop;
static struct fake f;

static int
add(const char *channel, const char *json)
{
    shop_request(&f, &shop, channel, "POST", "/api/v1/basket/lines",
                 "Content-Type: application/json", json, NULL);
    return ec_h_basket_add(&f.req, &f.res);
}

static void
test_lines_are_checked_before_any_store(void)
{
    static const struct {
        const char *channel, *json;
        int rc;
        const char *field;
    } cases[] = {
        {"web", "[]", EC_ERR_INVALID_FIELD, "sku"},
        {"web", "{\"sku\":\"NOPE\"}", EC_ERR_INVALID_FIELD, "sku"},
        {"web", "{\"sku\":\"D\"}", EC_ERR_INVALID_FIELD, "sku"},
        {"web", "{\"sku\":\"SHARE\"}", EC_ERR_INVALID_FIELD, "sku"},
        {"web", "{\"sku\":\"L\",\"binding_months\":3}", EC_ERR_INVALID_FIELD,
         "binding_months"},
        {"web", "{\"sku\":\"L\",\"binding_months\":6,\"sim_type\":\"nano\"}",
         EC_ERR_INVALID_FIELD, "sim_type"},
        {"app",
         "{\"sku\":\"L\",\"binding_months\":6,\"sim_type\":\"physical\"}",
         EC_ERR_SIM_TYPE_NOT_ALLOWED, "sim_type"},
        {"web",
         "{\"sku\":\"S\",\"binding_months\":0,\"sim_type\":\"esim\","
         "\"addons\":[\"SHARE\"]}",
         EC_ERR_ADDON_INCOMPATIBLE, "addons"},
        {"web",
         "{\"sku\":\"L\",\"binding_months\":0,\"sim_type\":\"esim\","
         "\"msisdn\":\"12\"}",
         EC_ERR_INVALID_FIELD, "msisdn"},
        /* 6 + 2^32 and past a long long: refused, never wrapped to 6 */
        {"web",
         "{\"sku\":\"L\",\"binding_months\":4294967302,"
         "\"sim_type\":\"esim\"}",
         EC_ERR_INVALID_FIELD, "binding_months"},
        {"web",
         "{\"sku\":\"L\",\"binding_months\":99999999999999999999,"
         "\"sim_type\":\"esim\"}",
         EC_ERR_INVALID_FIELD, "binding_months"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int rc = add(cases[i].channel, cases[i].json);

        if (rc != cases[i].rc)
            fprintf(stderr, "\n    %s: got %d, want %d", cases[i].json, rc,
                    cases[i].rc);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        EC_ASSERT_STR(f.res.err_field, cases[i].field);
        CU_ASSERT_PTR_NOT_NULL(f.res.err_message);
    }
}

/* A valid line goes on to the store, which is down here: 503. */
static void
test_a_valid_line_reaches_the_store(void)
{
    CU_ASSERT_EQUAL(add("web", "{\"sku\":\"L\",\"binding_months\":6,"
                               "\"binding_accepted\":true,"
                               "\"sim_type\":\"esim\"}"),
                    EC_ERR_UNAVAILABLE);
}

/* A form post whose line is refused shows the product page again with
   the error and the status, keeping what was chosen. */
static void
test_a_refused_form_shows_the_product_page(void)
{
    struct json_object *form, *e;

    shop_request(&f, &shop, "web", "POST", "/basket/lines",
                 "Content-Type: application/x-www-form-urlencoded",
                 "sku=L&binding_months=3&sim_type=esim", NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_form_basket_add(&f.req, &f.res), 0);
    EC_ASSERT_STR(f.res.template_name, "product");
    CU_ASSERT_EQUAL(f.res.status, 422);
    CU_ASSERT_FATAL(json_object_object_get_ex(f.res.model, "form", &form));
    CU_ASSERT_FATAL(json_object_object_get_ex(form, "error", &e));
}

/* binding_months=4294967302 is 6 + 2^32: an int would wrap it to 6, an
   offered period; the form answers 422 instead. */
static void
test_an_overflowing_form_number_is_refused(void)
{
    static const char *const posted[] = {
        "4294967302",
        "18446744073709551622",
        "-4294967290",
    };

    for (size_t i = 0; i < sizeof(posted) / sizeof(*posted); i++) {
        char body[128];

        snprintf(body, sizeof(body),
                 "sku=L&binding_months=%s&binding_accepted=on&sim_type=esim",
                 posted[i]);
        shop_request(&f, &shop, "web", "POST", "/basket/lines",
                     "Content-Type: application/x-www-form-urlencoded", body,
                     NULL);
        CU_ASSERT_EQUAL_FATAL(ec_h_form_basket_add(&f.req, &f.res), 0);
        CU_ASSERT_EQUAL(f.res.status, 422);
        EC_ASSERT_STR(f.res.err_field, "binding_months");
    }
}

/* A form's whole number as JSON: exact, or the text (refused later). */
static void
test_form_numbers_as_json(void)
{
    static const struct {
        const char *s;
        int is_int;
        long long n;
    } cases[] = {
        {"6", 1, 6},
        {"0", 1, 0},
        {"-3", 1, -3},
        {"9223372036854775807", 1, 9223372036854775807LL},
        {"4294967302", 1, 4294967302LL},
        {"9223372036854775808", 0, 0},
        {"-9223372036854775809", 0, 0},
        {"6 ", 0, 0},
        {" 6", 0, 0},
        {"+6", 0, 0},
        {"6x", 0, 0},
        {"", 0, 0},
        {"-", 0, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct json_object *j = ec_json_form_int(cases[i].s);

        CU_ASSERT_EQUAL(json_object_is_type(j, json_type_int), cases[i].is_int);
        if (cases[i].is_int) {
            CU_ASSERT_EQUAL(json_object_get_int64(j), cases[i].n);
        } else {
            EC_ASSERT_STR(json_object_get_string(j), cases[i].s);
        }
        json_object_put(j);
    }
}

static const struct ec_test tests[] = {
    {"a form number past an int is 422, not wrapped",
     test_an_overflowing_form_number_is_refused},
    {"a form's whole number as JSON, exact or text", test_form_numbers_as_json},
    {"every line rule refuses before any store is asked",
     test_lines_are_checked_before_any_store},
    {"a valid line goes on to the store", test_a_valid_line_reaches_the_store},
    {"a refused form post shows the product page with its error",
     test_a_refused_form_shows_the_product_page},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    shop_init(&shop);
    fake_init(&f);
    rc = ec_test_run("handlers/basket", tests);
    fake_release(&f);
    shop_release(&shop);
    return rc;
}
