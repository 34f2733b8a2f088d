/*
 * A shop for handler tests: the tenant "nordlys" (DKK, da-DK, 25 % VAT,
 * Copenhagen time) with the in-memory catalog of svc/catalog_fixture.h,
 * and an env whose stores point at a port nothing listens on, so a
 * handler that reaches for MySQL or Redis gets EC_ERR_UNAVAILABLE, never
 * a server of someone else's.
 */
#ifndef EC_T_UNIT_HANDLERS_SHOP_H
#define EC_T_UNIT_HANDLERS_SHOP_H

#include "../fake.h"
#include "../svc/catalog_fixture.h"
#include "core/tztime.h"
#include "handlers/env.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/channel.h"
#include "svc/number.h"
#include "svc/tenant.h"

struct shop {
    struct ec_tenant tenant;
    struct ec_catalog *catalog;
    struct ec_env env;
    unsigned char key[32];
};

static inline void
shop_init(struct shop *s)
{
    static const struct ec_db_config dbc = {"127.0.0.1", 1,    NULL, "nobody",
                                            "",          NULL, 200,  200};
    static const struct ec_kv_config kvc = {"127.0.0.1", 1,    200,
                                            200,         NULL, NULL};

    memset(s, 0, sizeof(*s));
    s->tenant.id = 1;
    s->tenant.slug = "nordlys";
    s->tenant.name = "Nordlys Mobil";
    s->tenant.status = "active";
    s->tenant.currency = "DKK";
    s->tenant.locale = "da-DK";
    s->tenant.time_zone = "Europe/Copenhagen";
    s->tenant.vat_rate_bp = 2500;
    if (ec_tztime_load("Europe/Copenhagen", &s->tenant.zone) < 0)
        s->tenant.zone = NULL;
    s->catalog = fixture_catalog();
    memset(s->key, 'k', sizeof(s->key));
    s->env.db = ec_db_new(&dbc);
    s->env.kv = ec_kv_new(&kvc);
    s->env.numbers = ec_number_cache_new();
    s->env.static_url = "/static";
    s->env.retry_after = 5;
    s->env.form_key = s->key;
    s->env.form_key_len = sizeof(s->key);
    s->env.basket = (struct ec_basket_policy){
        172800000, 900000, 5, {NULL, 20, 60000}, 10, 3600000, 10};
    s->env.limits_exempt = NULL;
}

static inline void
shop_release(struct shop *s)
{
    ec_db_free(s->env.db);
    ec_kv_free(s->env.kv);
    ec_number_cache_free(s->env.numbers);
    ec_catalog_free(s->catalog);
    ec_tztime_zone_free(s->tenant.zone);
}

#define SHOP_SESSION                                                           \
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHOP_TOKEN "00112233445566778899aabbccddeeff"

/*
 * A parsed request to the shop, seen through channel (a code of the
 * fixture), with route arguments given as name, value pairs ending in
 * NULL, as the dispatcher would hand it to a handler.
 */
static inline void
shop_request(struct fake *f, struct shop *s, const char *channel,
             const char *method, const char *uri, const char *headers,
             const char *body, ...)
{
    va_list ap;
    const char *name;

    CU_ASSERT_EQUAL_FATAL(fake_request(f, method, uri, headers, body), 0);
    f->req.env = &s->env;
    f->req.tenant = &s->tenant;
    f->req.catalog = s->catalog;
    f->req.channel = ec_catalog_channel(s->catalog, channel);
    /* as the dispatcher sets them for a visitor with a session */
    f->req.session_id = SHOP_SESSION;
    f->req.csrf_token = SHOP_TOKEN;
    va_start(ap, body);
    while ((name = va_arg(ap, const char *)))
        ec_kvlist_add(&f->req.route_args, &f->arena, name,
                      va_arg(ap, const char *));
    va_end(ap);
}

#endif
