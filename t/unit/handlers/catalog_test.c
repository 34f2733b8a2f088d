/*
 * The catalog handlers through fake requests against the in-memory shop:
 * what each channel lists and shows, what is hidden, and the page models
 * the templates receive. No server is involved.
 */
#include <json-c/json.h>

#include "../test.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "shop.h"

static struct shop shop;
static struct fake f;

/* The skus of the array at key of obj, blank-separated. */
static const char *
skus(struct json_object *obj, const char *key)
{
    static char out[256];
    struct json_object *a, *sku;
    size_t at = 0;

    out[0] = '\0';
    if (!json_object_object_get_ex(obj, key, &a))
        return "(none)";
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        if (json_object_object_get_ex(json_object_array_get_idx(a, i), "sku",
                                      &sku))
            at += (size_t)snprintf(out + at, sizeof(out) - at, "%s%s",
                                   at ? " " : "", json_object_get_string(sku));
    }
    return out;
}

static const char *
str_at(struct json_object *obj, const char *key)
{
    struct json_object *v;

    return json_object_object_get_ex(obj, key, &v) ? json_object_get_string(v)
                                                   : NULL;
}

static void
test_product_list_per_channel(void)
{
    struct json_object *body, *ch;

    shop_request(&f, &shop, "web", "GET", "/api/v1/products", NULL, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_products(&f.req, &f.res), 0);
    body = json_tokener_parse(fake_body(&f));
    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    /* sorted by the channel's order; the draft and the retired hidden */
    EC_ASSERT_STR(skus(body, "products"), "L S SHARE EU");
    EC_ASSERT_STR(str_at(body, "currency"), "DKK");
    CU_ASSERT_FATAL(json_object_object_get_ex(body, "channel", &ch));
    EC_ASSERT_STR(str_at(ch, "code"), "web");
    json_object_put(body);

    shop_request(&f, &shop, "tilbud", "GET", "/api/v1/products", NULL, NULL,
                 NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_products(&f.req, &f.res), 0);
    body = json_tokener_parse(fake_body(&f));
    EC_ASSERT_STR(skus(body, "products"), "L");
    json_object_put(body);
}

static void
test_one_product(void)
{
    struct json_object *p, *sims;

    shop_request(&f, &shop, "app", "GET", "/api/v1/products/L", NULL, NULL,
                 "sku", "L", NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_product(&f.req, &f.res), 0);
    CU_ASSERT_FATAL(json_object_object_get_ex(f.res.model, "product", &p));
    EC_ASSERT_STR(str_at(p, "sku"), "L");
    /* the app narrows the SIM types to eSIM */
    CU_ASSERT_FATAL(json_object_object_get_ex(p, "sim_types", &sims));
    CU_ASSERT_EQUAL(json_object_array_length(sims), 1);
    EC_ASSERT_STR(json_object_get_string(json_object_array_get_idx(sims, 0)),
                  "esim");

    shop_request(&f, &shop, "tilbud", "GET", "/api/v1/products/L", NULL, NULL,
                 "sku", "L", NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_product(&f.req, &f.res), 0);
    CU_ASSERT_FATAL(json_object_object_get_ex(f.res.model, "product", &p));
    EC_ASSERT_STR(str_at(p, "name"), "Offer: Large");
}

static void
test_hidden_products_are_not_found(void)
{
    const char *hidden[][2] = {
        {"web", "D"},    /* draft */
        {"web", "R"},    /* retired */
        {"tilbud", "S"}, /* placed, not visible */
        {"sales", "EU"}, /* not placed */
        {"web", "NOPE"}, /* no such product */
    };

    for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++) {
        shop_request(&f, &shop, hidden[i][0], "GET", "/api/v1/products/x", NULL,
                     NULL, "sku", hidden[i][1], NULL);
        CU_ASSERT_EQUAL(ec_h_product(&f.req, &f.res), EC_ERR_NOT_FOUND);
        CU_ASSERT_PTR_NULL(f.res.model);
    }
}

static void
test_price_asks_for_offered_choices(void)
{
    struct json_object *v;

    shop_request(&f, &shop, "web", "GET",
                 "/api/v1/products/L/price?binding_months=6&sim_type=esim",
                 NULL, NULL, "sku", "L", NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_product_price(&f.req, &f.res), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f.res.model);
    CU_ASSERT_TRUE(json_object_object_get_ex(f.res.model, "price", &v) ||
                   json_object_object_get_ex(f.res.model, "monthly", &v));

    /* three months is not offered for L on the web */
    shop_request(&f, &shop, "web", "GET",
                 "/api/v1/products/L/price?binding_months=3", NULL, NULL, "sku",
                 "L", NULL);
    CU_ASSERT_EQUAL(ec_h_product_price(&f.req, &f.res), EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(f.res.err_field, "binding_months");
}

static void
test_list_pages(void)
{
    struct json_object *page;

    shop_request(&f, &shop, "web", "GET", "/", NULL, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_home(&f.req, &f.res), 0);
    EC_ASSERT_STR(f.res.template_name, "home");
    /* a page lists plans; add-ons come with a plan */
    EC_ASSERT_STR(skus(f.res.model, "products"), "L S");
    CU_ASSERT_FATAL(json_object_object_get_ex(f.res.model, "page", &page));
    EC_ASSERT_STR(str_at(page, "title"), "Nordlys Mobil");

    /* a subpage exists only where its channel's path rule made it */
    shop_request(&f, &shop, "tilbud", "GET", "/tilbud", NULL, NULL, "section",
                 "tilbud", NULL);
    f.req.channel_rule = &shop.catalog->rules[2];
    CU_ASSERT_EQUAL_FATAL(ec_h_channel_page(&f.req, &f.res), 0);
    EC_ASSERT_STR(f.res.template_name, "channel");
    EC_ASSERT_STR(skus(f.res.model, "products"), "L");
    shop_request(&f, &shop, "web", "GET", "/elsewhere", NULL, NULL, "section",
                 "elsewhere", NULL);
    CU_ASSERT_EQUAL(ec_h_channel_page(&f.req, &f.res), EC_ERR_NOT_FOUND);
}

static void
test_product_page_form(void)
{
    struct json_object *form, *v;

    shop_request(&f, &shop, "web", "GET", "/products/L", NULL, NULL, "sku", "L",
                 NULL);
    CU_ASSERT_EQUAL_FATAL(ec_h_product_page(&f.req, &f.res), 0);
    EC_ASSERT_STR(f.res.template_name, "product");
    EC_ASSERT_STR(skus(f.res.model, "addons"), "SHARE EU");
    CU_ASSERT_FATAL(json_object_object_get_ex(f.res.model, "form", &form));
    /* the form carries the session's token the dispatcher made */
    EC_ASSERT_STR(str_at(form, "csrf"), SHOP_TOKEN);
    /* the pool cannot be asked (no store): the page says so, not fails */
    CU_ASSERT_TRUE(json_object_object_get_ex(form, "numbers_unavailable", &v) &&
                   json_object_get_boolean(v));
}

static const struct ec_test tests[] = {
    {"each channel lists its products in its order",
     test_product_list_per_channel},
    {"one product as a channel shows it", test_one_product},
    {"draft, retired, hidden and unknown products are not found",
     test_hidden_products_are_not_found},
    {"a price needs choices the product offers",
     test_price_asks_for_offered_choices},
    {"the front page and subpages list plans", test_list_pages},
    {"the product page carries the basket form", test_product_page_form},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    shop_init(&shop);
    fake_init(&f);
    rc = ec_test_run("handlers/catalog", tests);
    fake_release(&f);
    shop_release(&shop);
    return rc;
}
