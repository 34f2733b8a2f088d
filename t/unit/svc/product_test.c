#include "../test.h"
#include "svc/product.h"

static void
test_sim_types(void)
{
    static const struct {
        const char *name;
        int ok;
        enum ec_sim_type sim;
    } cases[] = {
        {"physical", 1, EC_SIM_PHYSICAL},
        {"esim", 1, EC_SIM_ESIM},
        {"nano", 0, 0},
        {"ESIM", 0, 0},
        {"", 0, 0},
        {NULL, 0, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        enum ec_sim_type sim = 0;

        CU_ASSERT_EQUAL(ec_sim_type_parse(cases[i].name, &sim) == 0,
                        cases[i].ok);
        if (cases[i].ok) {
            CU_ASSERT_EQUAL(sim, cases[i].sim);
            EC_ASSERT_STR(ec_sim_type_name(sim), cases[i].name);
        }
    }
    EC_ASSERT_STR(ec_sim_type_name((enum ec_sim_type)3), "");
    CU_ASSERT_EQUAL(ec_sim_type_first(EC_SIM_TYPES_ALL), EC_SIM_PHYSICAL);
    CU_ASSERT_EQUAL(ec_sim_type_first(EC_SIM_ESIM), EC_SIM_ESIM);
    CU_ASSERT_EQUAL(ec_sim_type_first(0), 0);
}

static void
test_binding_set(void)
{
    const unsigned set = 1u << 0 | 1u << 6;
    static const struct {
        const char *text;
        int months; /* -1: refused */
    } parses[] = {
        {"0", 0}, {"6", 6}, {"7", -1}, {"06", -1}, {"-1", -1}, {"", -1},
    };

    CU_ASSERT_EQUAL(EC_BINDING_MAX_MONTHS, 6);
    EC_ASSERT_STR(EC_BINDING_MAX_MONTHS_TEXT, "6");
    CU_ASSERT_TRUE(ec_binding_offered(set, 0));
    CU_ASSERT_TRUE(ec_binding_offered(set, 6));
    CU_ASSERT_FALSE(ec_binding_offered(set, 3));
    CU_ASSERT_FALSE(ec_binding_offered(~0u, 7));
    CU_ASSERT_FALSE(ec_binding_offered(~0u, -1));
    CU_ASSERT_EQUAL(ec_binding_lowest(set), 0);
    CU_ASSERT_EQUAL(ec_binding_lowest(1u << 3), 3);
    CU_ASSERT_EQUAL(ec_binding_lowest(0), -1);
    for (size_t i = 0; i < sizeof(parses) / sizeof(*parses); i++) {
        int m = -1;

        CU_ASSERT_EQUAL(ec_binding_parse(parses[i].text, &m) == 0,
                        parses[i].months >= 0);
        if (parses[i].months >= 0)
            CU_ASSERT_EQUAL(m, parses[i].months);
    }
}

static void
test_sets_as_text(void)
{
    char buf[32];

    EC_ASSERT_STR(ec_set_text(3, ec_sim_type_names, ",", buf, sizeof(buf)),
                  "physical,esim");
    EC_ASSERT_STR(ec_set_text(2, ec_sim_type_names, ", ", buf, sizeof(buf)),
                  "esim");
    EC_ASSERT_STR(ec_set_text(1u << 0 | 1u << 6, NULL, ", ", buf, sizeof(buf)),
                  "0, 6");
    EC_ASSERT_STR(ec_set_text(EC_FEES_ALL, ec_fee_names, ",", buf, sizeof(buf)),
                  "startup,sim");
    EC_ASSERT_STR(ec_set_text(0, ec_fee_names, ",", buf, sizeof(buf)), "");
    /* cut, never overflowed */
    EC_ASSERT_STR(ec_set_text(3, ec_sim_type_names, ",", buf, 10), "physical");
}

static void
test_name_tables(void)
{
    CU_ASSERT_EQUAL(ec_name_index(ec_product_kind_names, "addon"),
                    EC_PRODUCT_ADDON);
    CU_ASSERT_EQUAL(ec_name_index(ec_product_status_names, "retired"),
                    EC_PRODUCT_RETIRED);
    CU_ASSERT_EQUAL(ec_name_index(ec_network_names, "5g"), EC_NETWORK_5G);
    CU_ASSERT_EQUAL(ec_name_index(ec_network_names, "6g"), -1);
    CU_ASSERT_EQUAL(ec_name_index(ec_network_names, NULL), -1);
    EC_ASSERT_STR(ec_name_of(ec_product_status_names, EC_PRODUCT_DRAFT),
                  "draft");
    EC_ASSERT_STR(ec_name_of(ec_product_status_names, 3), "");
}

static void
test_placement_lookup(void)
{
    struct ec_placement pl[] = {{.channel = "web"}, {.channel = "app"}};
    struct ec_product p = {.placements = pl, .nplacements = 2};

    CU_ASSERT_PTR_EQUAL(ec_product_placement(&p, "app"), &pl[1]);
    CU_ASSERT_PTR_NULL(ec_product_placement(&p, "tilbud"));
}

static const struct ec_test tests[] = {
    {"SIM types: one name table, one parser", test_sim_types},
    {"the binding set and the legal limit", test_binding_set},
    {"sets as text", test_sets_as_text},
    {"name tables", test_name_tables},
    {"a product's placement in a channel", test_placement_lookup},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("svc/product", tests);
}
