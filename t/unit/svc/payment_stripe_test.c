/* Stripe Checkout (svc/payment_stripe.c): the session's form body and
   the reading of webhook events. */
#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
#include "svc/payment.h"

static void
test_session_body(void)
{
    const struct ec_stripe_item items[] = {
        {"5G 100 GB, første måned", 9900, 1},
        {"Oprettelse & SIM", 2900, 2},
    };
    struct ec_buf b = EC_BUF_INIT;

    ec_stripe_session_body(&b, "DKK", items, 2,
                           "https://shop.example/orders/ab?paid=1",
                           "https://shop.example/checkout", "ab12");
    EC_ASSERT_STR(
        b.data,
        "mode=payment"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=dkk"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=9900"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D="
        "5G+100+GB%2C+f%C3%B8rste+m%C3%A5ned"
        "&line_items%5B0%5D%5Bquantity%5D=1"
        "&line_items%5B1%5D%5Bprice_data%5D%5Bcurrency%5D=dkk"
        "&line_items%5B1%5D%5Bprice_data%5D%5Bunit_amount%5D=2900"
        "&line_items%5B1%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D="
        "Oprettelse+%26+SIM"
        "&line_items%5B1%5D%5Bquantity%5D=2"
        "&success_url=https%3A%2F%2Fshop.example%2Forders%2Fab%3Fpaid%3D1"
        "&cancel_url=https%3A%2F%2Fshop.example%2Fcheckout"
        "&client_reference_id=ab12");
    ec_buf_release(&b);
}

static void
read_case(const char *type, const char *status, enum ec_payment_outcome want)
{
    char text[400];
    struct json_object *j;
    struct ec_payment_event ev;

    snprintf(text, sizeof(text),
             "{\"id\":\"evt_9\",\"type\":\"%s\",\"data\":{\"object\":"
             "{\"id\":\"cs_test_1\",\"payment_status\":\"%s\"}}}",
             type, status);
    j = json_tokener_parse(text);
    CU_ASSERT_EQUAL_FATAL(ec_stripe_event_read(j, &ev), 0);
    EC_ASSERT_STR(ev.event_id, "evt_9");
    EC_ASSERT_STR(ev.ref, "cs_test_1");
    EC_ASSERT_STR(ev.provider, "stripe");
    CU_ASSERT_EQUAL(ev.outcome, want);
    json_object_put(j);
}

static void
test_event_outcomes(void)
{
    read_case("checkout.session.completed", "paid", EC_PAYMENT_PAID);
    read_case("checkout.session.completed", "unpaid", EC_PAYMENT_NONE);
    read_case("checkout.session.completed", "no_payment_required",
              EC_PAYMENT_NONE);
    read_case("checkout.session.async_payment_succeeded", "paid",
              EC_PAYMENT_PAID);
    read_case("checkout.session.async_payment_failed", "unpaid",
              EC_PAYMENT_DECLINED);
    read_case("checkout.session.expired", "unpaid", EC_PAYMENT_EXPIRED);
    read_case("charge.refunded", "paid", EC_PAYMENT_NONE);
}

static void
test_event_without_ids(void)
{
    static const char *const bad[] = {
        "{\"type\":\"checkout.session.completed\",\"data\":{\"object\":"
        "{\"id\":\"cs\"}}}",
        "{\"id\":\"evt\",\"data\":{\"object\":{\"id\":\"cs\"}}}",
        "{\"id\":\"evt\",\"type\":\"x\",\"data\":{}}",
        "{\"id\":\"evt\",\"type\":\"x\",\"data\":{\"object\":{\"id\":7}}}",
    };
    struct ec_payment_event ev;

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct json_object *j = json_tokener_parse(bad[i]);

        CU_ASSERT_EQUAL(ec_stripe_event_read(j, &ev), EC_ERR_INVALID_FIELD);
        json_object_put(j);
    }
}

static void
test_sim_event_is_signed(void)
{
    struct ec_buf body = EC_BUF_INIT, sig = EC_BUF_INIT;
    const char id[] = "0123456789abcdef0123456789abcdef";

    CU_ASSERT_EQUAL(
        ec_payment_sim_event("k", 1, id, "approve", 1700000000, &body, &sig),
        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(body.data, "\"type\":\"payment.approved\""));
    CU_ASSERT_EQUAL(strncmp(sig.data, "t=1700000000,v1=", 16), 0);
    ec_buf_reset(&body);
    ec_buf_reset(&sig);
    CU_ASSERT_EQUAL(ec_payment_sim_event("k", 1, id, "steal", 1, &body, &sig),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(
        ec_payment_sim_event("k", 1, "x", "approve", 1, &body, &sig),
        EC_ERR_INVALID_FIELD);
    ec_buf_release(&body);
    ec_buf_release(&sig);
}

static const struct ec_test tests[] = {
    {"session form body", test_session_body},
    {"event outcomes", test_event_outcomes},
    {"events without ids", test_event_without_ids},
    {"the simulator's event is signed", test_sim_event_is_signed},
    {NULL, NULL},
};

EC_TEST_MAIN("payment_stripe", tests)
