/*
 * A tool for the HTTP tests of the payment pages (t/http/
 * payment-pages.test.mjs): it writes orders as the checkout writes them
 * (svc/order.c) and starts their payments with the tenant's provider
 * (ec_payment_begin(), so Stripe's double gets a real session request),
 * reading the test stack's ecomd.conf like ecomctl; and it seals a CPR
 * number for a tenant's receiver (svc/downstream.c) for the test that the
 * downstream simulator opens it. Not a test by itself; prints JSON.
 *
 *   payment_fixture -c CONF order SLUG ORIGIN
 *       {"order", "payment", "provider", "due_now", "url"}; ORIGIN is the
 *       shop's scheme://host:port the return page is on
 *   payment_fixture -c CONF seal-cpr SLUG ORDER CPR
 *       {"sealed"}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/settings.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/rand.h"
#include "net/https.h"
#include "store/db.h"
#include "svc/downstream.h"
#include "svc/order.h"
#include "svc/payment.h"
#include "svc/tenant.h"

static int
fail(const char *what, int rc)
{
    fprintf(stderr, "payment_fixture: %s: %s\n", what,
            rc < 0 ? ec_err_info(rc)->code : "failed");
    return 1;
}

static int
order(const struct ec_settings *s, const char *slug, const char *origin)
{
    struct ec_db_config dbc = {
        .host = s->mysql_host,
        .port = (unsigned)s->mysql_port,
        .socket = s->mysql_socket,
        .user = s->mysql_user,
        .password = s->mysql_password,
        .database = s->mysql_database,
        .connect_timeout_ms = 2000,
        .read_timeout_ms = 10000,
    };
    struct ec_order_line_in line = {
        .sku = "PAYTEST",
        .name = "Test plan",
        .channel = "web",
        .sim_type = "esim",
        .monthly_now = 9900,
        .one_time = 19900,
        .min_total = 29800,
        .breakdown_json = "{\"monthly_now\": 9900}",
    };
    struct ec_order_new o = {
        .idempotency_key = NULL,
        .name = "Test Kunde",
        .email = "kunde@example.com",
        .phone = "+4520000000",
        .address = "Testvej 1, 2100 København Ø",
        .consent_terms = 1,
        .consent_contract_summary = 1,
        .lines = &line,
        .nlines = 1,
        .pay_within_s = 1800,
    };
    struct ec_payment_conf pc;
    struct ec_https_opts https;
    struct ec_order_created out;
    struct ec_buf url = EC_BUF_INIT, ret = EC_BUF_INIT;
    struct ec_tenant *t = NULL;
    unsigned char digest[EC_SHA256_SIZE];
    char key[33], hash[65];
    struct ec_db *db;
    int rc;

    ec_settings_payment_conf(s, &pc, &https);
    db = ec_db_new(&dbc);
    if ((rc = ec_db_connect(db)) < 0 || (rc = ec_tenant_load(db, slug, &t)) < 0)
        return fail("tenant", rc);
    o.tenant_id = t->id;
    o.currency = t->currency;
    o.provider = ec_payment_provider(&pc, slug);
    if (!o.provider)
        return fail("no payment provider configured", -1);
    ec_rand_hex(key, 16);
    ec_sha256(key, strlen(key), digest);
    for (size_t i = 0; i < sizeof(digest); i++)
        sprintf(hash + 2 * i, "%02x", digest[i]);
    o.idempotency_key = key;
    o.request_hash = hash;
    if ((rc = ec_order_create(db, &o, &out)) < 0)
        return fail("order", rc);
    ec_buf_addf(&ret, "%s/orders/%s/payment-return", origin, out.id);
    rc = ec_payment_begin(db, &pc, t->id, out.payment_id, ret.data,
                          "Order at test shop", &url);
    if (rc < 0)
        return fail("payment", rc);
    printf("{\"order\":\"%s\",\"payment\":\"%s\",\"provider\":\"%s\","
           "\"due_now\":%lld,\"url\":\"%s\"}\n",
           out.id, out.payment_id, o.provider, out.due_now, url.data);
    ec_buf_release(&url);
    ec_buf_release(&ret);
    ec_tenant_free(t);
    ec_db_free(db);
    return 0;
}

static int
seal_cpr(const struct ec_settings *s, const char *slug, const char *order_id,
         const char *cpr)
{
    const struct ec_downstream_endpoint *e;
    struct ec_buf out = EC_BUF_INIT;
    struct ec_downstream d;
    char err[512];

    ec_downstream_init(&d);
    if (!s->downstream_file ||
        ec_downstream_load(&d, s->downstream_file, err, sizeof(err)) < 0 ||
        !(e = ec_downstream_find(&d, slug)))
        return fail("no receiver for the tenant", -1);
    if (ec_downstream_seal_cpr(e, order_id, cpr, strlen(cpr), &out) < 0)
        return fail("seal", -1);
    printf("{\"sealed\":\"%s\"}\n", out.data);
    ec_buf_release(&out);
    ec_downstream_release(&d);
    return 0;
}

int
main(int argc, char **argv)
{
    struct ec_settings s;
    char err[512];
    int rc;

    if (argc < 5 || strcmp(argv[1], "-c") != 0) {
        fprintf(stderr, "usage: payment_fixture -c CONF order SLUG ORIGIN |"
                        " seal-cpr SLUG ORDER CPR\n");
        return 2;
    }
    if (ec_settings_load(&s, argv[2], err, sizeof(err)) < 0) {
        fprintf(stderr, "payment_fixture: %s\n", err);
        return 1;
    }
    ec_https_global_init();
    if (strcmp(argv[3], "order") == 0 && argc == 6)
        rc = order(&s, argv[4], argv[5]);
    else if (strcmp(argv[3], "seal-cpr") == 0 && argc == 7)
        rc = seal_cpr(&s, argv[4], argv[5], argv[6]);
    else
        rc = 2;
    ec_https_global_cleanup();
    ec_settings_release(&s);
    return rc;
}
