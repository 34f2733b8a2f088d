/* The order's state machine (svc/order.c), the outbox's back-off
   (svc/outbox.c) and the receivers file (svc/downstream.c): the parts
   that need no database. */
#include <string.h>

#include "../test.h"
#include "core/err.h"
#include "svc/downstream.h"
#include "svc/order.h"
#include "svc/outbox.h"

/* Every pair of states: exactly these moves exist. */
static void
test_moves_table(void)
{
    static const int want[EC_ORDER__NSTATUS][EC_ORDER__NSTATUS] = {
        /* to: pending paid subm prov compl canc */
        [EC_ORDER_PENDING_PAYMENT] = {0, 1, 0, 0, 0, 1},
        [EC_ORDER_PAID] = {0, 0, 1, 0, 0, 0},
        [EC_ORDER_SUBMITTED] = {0, 0, 0, 1, 0, 0},
        [EC_ORDER_PROVISIONING] = {0, 0, 0, 0, 1, 0},
        [EC_ORDER_COMPLETED] = {0, 0, 0, 0, 0, 0},
        [EC_ORDER_CANCELLED] = {0, 0, 0, 0, 0, 0},
    };

    for (int f = 0; f < EC_ORDER__NSTATUS; f++)
        for (int t = 0; t < EC_ORDER__NSTATUS; t++)
            CU_ASSERT_EQUAL(ec_order_can_move((enum ec_order_status)f,
                                              (enum ec_order_status)t),
                            want[f][t]);
    CU_ASSERT_EQUAL(ec_order_can_move(EC_ORDER__NSTATUS, EC_ORDER_PAID), 0);
}

static void
test_status_names(void)
{
    for (int i = 0; i < EC_ORDER__NSTATUS; i++)
        CU_ASSERT_EQUAL(ec_order_status_parse(
                            ec_order_status_name((enum ec_order_status)i)),
                        i);
    CU_ASSERT_EQUAL(ec_order_status_parse("shipped"), -1);
    CU_ASSERT_EQUAL(ec_order_status_parse(NULL), -1);
    CU_ASSERT_PTR_NULL(ec_order_status_name(EC_ORDER__NSTATUS));
}

static void
test_backoff_doubles_to_cap(void)
{
    static const struct {
        unsigned attempts;
        long base, cap, want;
    } cases[] = {
        {1, 1000, 60000, 1000},     {2, 1000, 60000, 2000},
        {3, 1000, 60000, 4000},     {7, 1000, 60000, 60000},
        {1000, 1000, 60000, 60000}, {1, 0, 60000, 0},
        {40, 2000, 600000, 600000}, {2, 5000, 3000, 3000},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        CU_ASSERT_EQUAL(ec_outbox_backoff_ms(cases[i].attempts, cases[i].base,
                                             cases[i].cap),
                        cases[i].want);
}

#define SECRET                                                                 \
    "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"
static const char secret[] = SECRET;

static void
test_receivers_file(void)
{
    struct ec_downstream d;
    char text[512], err[200];
    const struct ec_downstream_endpoint *e;

    snprintf(text, sizeof(text),
             "# slug url secret\n\n"
             "nordlys  https://p.example/events  %s  # the brand\r\n"
             "fjord-2\thttps://q.example/x\t%s\n",
             secret, secret);
    ec_downstream_init(&d);
    CU_ASSERT_EQUAL_FATAL(
        ec_downstream_parse(&d, text, strlen(text), err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(d.n, 2);
    e = ec_downstream_find(&d, "fjord-2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    EC_ASSERT_STR(e->url, "https://q.example/x");
    CU_ASSERT_EQUAL(e->secret[0], 0x00);
    CU_ASSERT_EQUAL(e->secret[31], 0xff);
    CU_ASSERT_PTR_NULL(ec_downstream_find(&d, "other"));
    ec_downstream_release(&d);
}

static void
test_receivers_file_refusals(void)
{
    static const char *const bad[] = {
        "nordlys https://p.example/e",
        "nordlys http://p.example/e " SECRET,
        "Nordlys https://p.example/e " SECRET,
        "nordlys https://p.example/e 00zz",
        "nordlys https://p.example/e " SECRET
        "\nnordlys https://q.example/e " SECRET,
        "nordlys https://p.example/e " SECRET " extra",
    };
    struct ec_downstream d;
    char err[200];

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        ec_downstream_init(&d);
        err[0] = '\0';
        CU_ASSERT_EQUAL(
            ec_downstream_parse(&d, bad[i], strlen(bad[i]), err, sizeof(err)),
            EC_ERR_INVALID_FIELD);
        CU_ASSERT_EQUAL(strncmp(err, "line ", 5), 0);
        CU_ASSERT_PTR_NULL(strstr(err, "00112233")); /* never the secret */
        CU_ASSERT_EQUAL(d.n, 0);
    }
}

static const struct ec_test tests[] = {
    {"the moves of the state machine", test_moves_table},
    {"status names", test_status_names},
    {"back-off doubles up to its cap", test_backoff_doubles_to_cap},
    {"receivers file", test_receivers_file},
    {"receivers file refusals", test_receivers_file_refusals},
    {NULL, NULL},
};

EC_TEST_MAIN("order", tests)
