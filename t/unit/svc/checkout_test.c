/* The checkout's pure rules (svc/checkout.c). */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/seal.h"
#include "svc/checkout.h"
#include "svc/order.h"

static const char *const good_body =
    "{\"customer\":{\"name\":\"  Ann Hansen \",\"email\":\" Ann@Example.DK\","
    "\"phone\":\"20 12 34 56\",\"address\":\"Vej 1\\r\\n2100 København Ø\"},"
    "\"consents\":{\"terms\":true,\"contract_summary\":true,"
    "\"marketing\":false},"
    "\"accepted_prices\":{\"bbbb\":9900,\"aaaa\":14900}}";

static int
read_text(const char *text, struct ec_checkout_req *r, const char **field)
{
    struct json_object *j = json_tokener_parse(text);
    const char *message;
    int rc = ec_checkout_read(j, r, field, &message);

    if (rc < 0)
        CU_ASSERT_PTR_NOT_NULL(message);
    json_object_put(j);
    return rc;
}

static void
test_key(void)
{
    char long_key[130];

    CU_ASSERT_TRUE(ec_order_key_valid("a"));
    CU_ASSERT_TRUE(ec_order_key_valid("2f1c-ab_!~"));
    CU_ASSERT_FALSE(ec_order_key_valid(NULL));
    CU_ASSERT_FALSE(ec_order_key_valid(""));
    CU_ASSERT_FALSE(ec_order_key_valid("a b"));
    CU_ASSERT_FALSE(ec_order_key_valid("a\nb"));
    CU_ASSERT_FALSE(ec_order_key_valid("æ"));
    memset(long_key, 'k', 128);
    long_key[128] = '\0';
    CU_ASSERT_TRUE(ec_order_key_valid(long_key));
    long_key[128] = 'k';
    long_key[129] = '\0';
    CU_ASSERT_FALSE(ec_order_key_valid(long_key));
}

static void
test_read_normalises(void)
{
    struct ec_checkout_req r;
    const char *field;

    CU_ASSERT_EQUAL_FATAL(read_text(good_body, &r, &field), 0);
    EC_ASSERT_STR(r.name, "Ann Hansen");
    EC_ASSERT_STR(r.email, "ann@example.dk");
    EC_ASSERT_STR(r.phone, "+4520123456");
    EC_ASSERT_STR(r.address, "Vej 1\n2100 København Ø");
    CU_ASSERT_EQUAL(r.terms, 1);
    CU_ASSERT_EQUAL(r.contract_summary, 1);
    CU_ASSERT_EQUAL(r.marketing, 0);
    CU_ASSERT_EQUAL_FATAL(r.nprices, 2);
    /* sorted by line id */
    EC_ASSERT_STR(r.prices[0].line, "aaaa");
    CU_ASSERT_EQUAL(ec_checkout_accepted(&r, "aaaa"), 14900);
    CU_ASSERT_EQUAL(ec_checkout_accepted(&r, "bbbb"), 9900);
    CU_ASSERT_EQUAL(ec_checkout_accepted(&r, "cccc"), -1);
}

/* Each broken body names the field that broke. */
static void
test_read_refusals(void)
{
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"[]", NULL},
        {"{}", "customer"},
        {"{\"customer\":{\"email\":\"a@b.dk\",\"phone\":\"20123456\","
         "\"address\":\"x\"}}",
         "customer.name"},
        {"{\"customer\":{\"name\":\"A\\nB\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"}}",
         "customer.name"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"}}",
         "customer.email"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"12\",\"address\":\"x\"}}",
         "customer.phone"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"+45 1234\",\"address\":\"x\"}}",
         "customer.phone"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"  \"}}",
         "customer.address"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"a\\u0007b\"}}",
         "customer.address"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"}}",
         "consents.terms"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"},"
         "\"consents\":{\"terms\":\"yes\",\"contract_summary\":true}}",
         "consents.terms"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"},"
         "\"consents\":{\"terms\":true,\"contract_summary\":false}}",
         "consents.contract_summary"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"},"
         "\"consents\":{\"terms\":true,\"contract_summary\":true,"
         "\"marketing\":1}}",
         "consents.marketing"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"},"
         "\"consents\":{\"terms\":true,\"contract_summary\":true},"
         "\"accepted_prices\":{\"a\":\"100\"}}",
         "accepted_prices"},
        {"{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\","
         "\"phone\":\"20123456\",\"address\":\"x\"},"
         "\"consents\":{\"terms\":true,\"contract_summary\":true},"
         "\"accepted_prices\":{\"a\":-1}}",
         "accepted_prices"},
    };
    struct ec_checkout_req r;
    const char *field;
    char long_address[1200];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        field = "unset";
        CU_ASSERT_EQUAL(read_text(cases[i].body, &r, &field),
                        EC_ERR_INVALID_FIELD);
        if (cases[i].field)
            EC_ASSERT_STR(field, cases[i].field);
        else
            CU_ASSERT_PTR_NULL(field);
    }
    /* 201 characters of address are one too many */
    snprintf(long_address, sizeof(long_address),
             "{\"customer\":{\"name\":\"A\",\"email\":\"a@b.dk\",\"phone\":"
             "\"20123456\",\"address\":\"%0201d\"},\"consents\":{\"terms\":"
             "true,\"contract_summary\":true}}",
             0);
    CU_ASSERT_EQUAL(read_text(long_address, &r, &field), EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "customer.address");
}

static void
test_phone(void)
{
    char out[EC_CHECKOUT_PHONE_SIZE];

    CU_ASSERT_EQUAL(ec_checkout_phone("+45 20-12-34-56", out), 0);
    EC_ASSERT_STR(out, "+4520123456");
    CU_ASSERT_EQUAL(ec_checkout_phone("004520123456", out), 0);
    EC_ASSERT_STR(out, "+4520123456");
    CU_ASSERT_EQUAL(ec_checkout_phone("+46 70 123 45 67", out), 0);
    EC_ASSERT_STR(out, "+46701234567");
    CU_ASSERT_EQUAL(ec_checkout_phone("+45 1234567", out),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_checkout_phone("+0123456789", out),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_checkout_phone("20 12 34 5x", out),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_checkout_phone("1234567890123456789", out),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_checkout_phone(" 20123456", out), EC_ERR_INVALID_FIELD);
}

static void
test_mobile_dk(void)
{
    static const char *const mobile[] = {
        "+4520123456", "+4529999999", "+4530123456", "+4531123456",
        "+4540123456", "+4542123456", "+4553123456", "+4560123456",
        "+4561123456", "+4571123456", "+4581123456", "+4593123456",
        "+4534212345", "+4582912345",
    };
    static const char *const not_mobile[] = {
        "+4532123456", /* Copenhagen, fixed */
        "+4533123456",
        "+4570123456",
        "+4580123456",
        "+4590123456",
        "+4534112345",
        "+4512345678",
        "+4620123456", /* not Danish */
        "20123456",    /* not normalised */
        "",
    };

    for (size_t i = 0; i < sizeof(mobile) / sizeof(*mobile); i++)
        if (!ec_checkout_mobile_dk(mobile[i])) {
            fprintf(stderr, "\n    %s should be mobile\n", mobile[i]);
            CU_FAIL("a mobile number refused");
        }
    for (size_t i = 0; i < sizeof(not_mobile) / sizeof(*not_mobile); i++)
        if (ec_checkout_mobile_dk(not_mobile[i])) {
            fprintf(stderr, "\n    %s should not be mobile\n", not_mobile[i]);
            CU_FAIL("a number that is not mobile accepted");
        }
    CU_ASSERT_FALSE(ec_checkout_mobile_dk(NULL));
}

static void
hex_of(const char *text, char out[65])
{
    unsigned char md[EC_SHA256_SIZE];

    ec_sha256(text, strlen(text), md);
    for (int i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The hash is SHA-256 of the canonical text the header describes,
   written out here by hand. */
static void
test_request_hash_is_the_canonical_text(void)
{
    struct ec_checkout_req r;
    const char *field;
    char got[65], want[65], digest[65];

    memset(digest, 'a', 64);
    digest[64] = '\0';
    CU_ASSERT_EQUAL_FATAL(read_text(good_body, &r, &field), 0);
    ec_checkout_request_hash(&r, digest, got);
    hex_of("ecom-checkout-v1\n"
           "name=10:Ann Hansen\n"
           "email=14:ann@example.dk\n"
           "phone=11:+4520123456\n"
           "address=24:Vej 1\n2100 København Ø\n"
           "consents=110\n"
           "prices=2\n"
           "line=4:aaaa\nmonthly=14900\n"
           "line=4:bbbb\nmonthly=9900\n"
           "basket=64:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaa\n",
           want);
    EC_ASSERT_STR(got, want);
}

static void
test_request_hash_tells_requests_apart(void)
{
    static const char *const other[] = {
        /* the same request written otherwise: the same hash */
        "{\"accepted_prices\":{\"aaaa\":14900,\"bbbb\":9900},"
        "\"consents\":{\"marketing\":false,\"contract_summary\":true,"
        "\"terms\":true},\"customer\":{\"address\":\"Vej 1\\n2100 "
        "København Ø\",\"phone\":\"+4520123456\",\"email\":\"ann@example.dk\","
        "\"name\":\"Ann Hansen\"}}",
    };
    struct ec_checkout_req a, b;
    const char *field;
    char ha[65], hb[65], d1[65], d2[65];

    CU_ASSERT_EQUAL_FATAL(read_text(good_body, &a, &field), 0);
    CU_ASSERT_EQUAL_FATAL(read_text(other[0], &b, &field), 0);
    ec_checkout_lines_digest(NULL, d1);
    ec_checkout_request_hash(&a, d1, ha);
    ec_checkout_request_hash(&b, d1, hb);
    EC_ASSERT_STR(ha, hb);
    /* any field changed: another hash */
    b.marketing = 1;
    ec_checkout_request_hash(&b, d1, hb);
    CU_ASSERT_NOT_EQUAL(strcmp(ha, hb), 0);
    b.marketing = 0;
    b.prices[1].monthly = 9901;
    ec_checkout_request_hash(&b, d1, hb);
    CU_ASSERT_NOT_EQUAL(strcmp(ha, hb), 0);
    b.prices[1].monthly = 9900;
    snprintf(b.address, sizeof(b.address), "%s", "Vej 2");
    ec_checkout_request_hash(&b, d1, hb);
    CU_ASSERT_NOT_EQUAL(strcmp(ha, hb), 0);
    /* another basket: another hash */
    memset(d2, 'b', 64);
    d2[64] = '\0';
    ec_checkout_request_hash(&a, d2, hb);
    CU_ASSERT_NOT_EQUAL(strcmp(ha, hb), 0);
}

static void
test_lines_digest(void)
{
    struct json_object *l1 = json_tokener_parse(
        "[{\"id\":\"1\",\"sku\":\"NL-FRI\",\"channel\":\"web\","
        "\"binding_months\":6,\"binding_accepted\":true,"
        "\"sim_type\":\"esim\",\"addons\":[\"EU\"],\"msisdn\":\"+4520000001\","
        "\"lock_expires_at\":1,\"monthly_at_add\":100}]");
    struct json_object *l2 = json_tokener_parse(
        "[{\"monthly_at_add\":200,\"lock_expires_at\":99,\"id\":\"1\","
        "\"addons\":[\"EU\"],\"sku\":\"NL-FRI\",\"channel\":\"web\","
        "\"binding_months\":6,\"binding_accepted\":true,"
        "\"sim_type\":\"esim\",\"msisdn\":\"+4520000001\"}]");
    struct json_object *l3 = json_tokener_parse(
        "[{\"id\":\"1\",\"sku\":\"NL-FRI\",\"channel\":\"web\","
        "\"binding_months\":6,\"binding_accepted\":true,"
        "\"sim_type\":\"esim\",\"addons\":[\"EU\"],"
        "\"msisdn\":\"+4520000002\"}]");
    struct json_object *none = json_object_new_array();
    char d1[65], d2[65], d3[65], d0[65], dn[65];

    ec_checkout_lines_digest(l1, d1);
    ec_checkout_lines_digest(l2, d2);
    ec_checkout_lines_digest(l3, d3);
    ec_checkout_lines_digest(none, d0);
    ec_checkout_lines_digest(NULL, dn);
    /* lock times and the price when chosen are not choices */
    EC_ASSERT_STR(d1, d2);
    CU_ASSERT_NOT_EQUAL(strcmp(d1, d3), 0);
    EC_ASSERT_STR(d0, dn);
    CU_ASSERT_EQUAL(strlen(d1), 64);
    json_object_put(l1);
    json_object_put(l2);
    json_object_put(l3);
    json_object_put(none);
}

static void
test_seal_cpr_for_the_order(void)
{
    unsigned char key[EC_SEAL_KEY_SIZE];
    struct ec_buf basket = EC_BUF_INIT, order = EC_BUF_INIT;
    unsigned char plain[32];
    struct ec_seal s;
    size_t len = 0;

    memset(key, 7, sizeof(key));
    ec_seal_init(&s);
    CU_ASSERT_EQUAL_FATAL(ec_seal_add(&s, "k1", key, 1), 0);
    CU_ASSERT_EQUAL_FATAL(
        ec_seal_encrypt(&s, "nordlys:basket.cpr", "0101901234", 10, &basket),
        0);
    CU_ASSERT_EQUAL_FATAL(
        ec_checkout_seal_cpr(&s, "nordlys", basket.data, &order), 0);
    CU_ASSERT_PTR_NULL(strstr(order.data, "0101901234"));
    CU_ASSERT_EQUAL(ec_seal_decrypt(&s, "nordlys:order.cpr", order.data, plain,
                                    sizeof(plain), &len),
                    0);
    CU_ASSERT_EQUAL(len, 10);
    CU_ASSERT_EQUAL(memcmp(plain, "0101901234", 10), 0);
    /* not where it came from, nor at another shop */
    CU_ASSERT_NOT_EQUAL(ec_seal_decrypt(&s, "nordlys:basket.cpr", order.data,
                                        plain, sizeof(plain), &len),
                        0);
    ec_buf_reset(&order);
    CU_ASSERT_EQUAL(ec_checkout_seal_cpr(&s, "fjordmobil", basket.data, &order),
                    EC_ERR_INTERNAL);
    ec_buf_release(&basket);
    ec_buf_release(&order);
    ec_seal_release(&s);
}

static const struct ec_test tests[] = {
    {"Idempotency-Key: 1 to 128 printable ASCII", test_key},
    {"the body is read and normalised", test_read_normalises},
    {"a broken body names its field", test_read_refusals},
    {"phone numbers, Danish and foreign", test_phone},
    {"porting: Danish mobile series only", test_mobile_dk},
    {"the request hash is SHA-256 of the canonical text",
     test_request_hash_is_the_canonical_text},
    {"the request hash tells requests apart, not spellings",
     test_request_hash_tells_requests_apart},
    {"the basket digest covers choices, not lock times", test_lines_digest},
    {"the CPR number sealed again for the order", test_seal_cpr_for_the_order},
    {NULL, NULL},
};

EC_TEST_MAIN("checkout", tests)
