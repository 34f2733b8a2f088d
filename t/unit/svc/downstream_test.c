/* The CPR number sealed for a tenant's receiver (svc/downstream.c): it
   opens for that receiver and that order only, and never shows the
   digits. (The receiving side in Node.js, t/doubles/downstream.mjs, is
   tested against a value sealed here, in t/http/payment-pages.test.mjs.) */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
#include "svc/downstream.h"

#define SECRET                                                                 \
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define OTHER "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define ORDER "0123456789abcdef0123456789abcdef"
#define CPR "0101901234"

static void
receivers(struct ec_downstream *d)
{
    static const char text[] =
        "nordlys https://r.example/events " SECRET "\n"
        "fjordmobil https://r.example/events " SECRET "\n"
        "other https://r.example/events " OTHER "\n";
    char err[128];

    ec_downstream_init(d);
    CU_ASSERT_EQUAL_FATAL(
        ec_downstream_parse(d, text, strlen(text), err, sizeof(err)), 0);
}

static void
test_seal_opens_for_its_receiver_and_order(void)
{
    struct ec_downstream d;
    const struct ec_downstream_endpoint *e;
    struct ec_buf a = EC_BUF_INIT, b = EC_BUF_INIT;
    unsigned char out[32];
    size_t len = 99;

    receivers(&d);
    e = ec_downstream_find(&d, "nordlys");
    CU_ASSERT_EQUAL_FATAL(ec_downstream_seal_cpr(e, ORDER, CPR, 10, &a), 0);
    CU_ASSERT_EQUAL(strncmp(a.data, "v1." EC_DOWNSTREAM_CPR_KID ".", 8), 0);
    CU_ASSERT_PTR_NULL(strstr(a.data, CPR));
    CU_ASSERT_PTR_NULL(strstr(a.data, "901234"));
    CU_ASSERT_EQUAL(
        ec_downstream_open_cpr(e, ORDER, a.data, out, sizeof(out), &len), 0);
    CU_ASSERT_EQUAL(len, 10);
    CU_ASSERT_EQUAL(memcmp(out, CPR, 10), 0);
    /* a fresh nonce every time: the same number never seals the same */
    CU_ASSERT_EQUAL_FATAL(ec_downstream_seal_cpr(e, ORDER, CPR, 10, &b), 0);
    CU_ASSERT_NOT_EQUAL(strcmp(a.data, b.data), 0);
    ec_buf_release(&a);
    ec_buf_release(&b);
    ec_downstream_release(&d);
}

static void
test_seal_does_not_open_elsewhere(void)
{
    struct ec_downstream d;
    struct ec_buf a = EC_BUF_INIT;
    unsigned char out[32];
    size_t len;
    char *bad;

    receivers(&d);
    CU_ASSERT_EQUAL_FATAL(
        ec_downstream_seal_cpr(ec_downstream_find(&d, "nordlys"), ORDER, CPR,
                               10, &a),
        0);
    /* another order of the same tenant */
    CU_ASSERT_EQUAL(ec_downstream_open_cpr(ec_downstream_find(&d, "nordlys"),
                                           "ffffffffffffffffffffffffffffffff",
                                           a.data, out, sizeof(out), &len),
                    EC_ERR_FORBIDDEN);
    /* another tenant with the same secret: the slug is bound in */
    CU_ASSERT_EQUAL(ec_downstream_open_cpr(ec_downstream_find(&d, "fjordmobil"),
                                           ORDER, a.data, out, sizeof(out),
                                           &len),
                    EC_ERR_FORBIDDEN);
    /* another secret */
    CU_ASSERT_EQUAL(ec_downstream_open_cpr(ec_downstream_find(&d, "other"),
                                           ORDER, a.data, out, sizeof(out),
                                           &len),
                    EC_ERR_FORBIDDEN);
    /* one character changed */
    bad = strdup(a.data);
    bad[20] = bad[20] == 'A' ? 'B' : 'A';
    CU_ASSERT_EQUAL(ec_downstream_open_cpr(ec_downstream_find(&d, "nordlys"),
                                           ORDER, bad, out, sizeof(out), &len),
                    EC_ERR_FORBIDDEN);
    free(bad);
    ec_buf_release(&a);
    ec_downstream_release(&d);
}

static const struct ec_test tests[] = {
    {"a sealed CPR number opens for its receiver and order",
     test_seal_opens_for_its_receiver_and_order},
    {"a sealed CPR number opens nowhere else",
     test_seal_does_not_open_elsewhere},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/downstream", tests)
