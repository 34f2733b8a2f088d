/*
 * ec_env: what a handler may use of the worker it runs in: the two stores
 * and the settings that shape its answers. The wiring (app/app.c) fills
 * one per worker from the configuration and the dispatcher hands it over
 * in req->env, so handlers never see the configuration or the worker
 * itself and stay a layer below the code that wires everything together.
 *
 * The signed-in staff member of an admin route (EC_R_STAFF) is
 * req->staff (struct ec_staff, svc/staff.h): the dispatcher read it from
 * MySQL for this request and checked its tenant and role, so a handler
 * of such a route may rely on it and never checks either itself.
 *
 * Invariants: every pointer is non-NULL and outlives the worker's
 * requests; the stores connect lazily (a route's DB/KV flags make the
 * dispatcher connect them before the handler runs).
 */
#ifndef EC_HANDLERS_ENV_H
#define EC_HANDLERS_ENV_H

#include <stddef.h>

#include "svc/account_session.h"
#include "svc/basket.h"
#include "svc/signin.h"
#include "svc/mitid.h"
#include "svc/staff.h"

struct ec_cidrs;
struct ec_db;
struct ec_downstream;
struct ec_kv;
struct ec_mail;
struct ec_payment_conf;
struct ec_seal;
struct ec_number_cache;
struct ec_themes;

struct ec_env {
    struct ec_db *db;
    struct ec_kv *kv;
    struct ec_number_cache *numbers; /* what pages offer (svc/number.h) */
    const char *static_url;          /* URL prefix of static files */
    const char *upload_dir;          /* brands' logos (svc/tenant_logo.h); NULL:
                                        no uploads */
    long retry_after;                /* seconds, sent with a 503 */
    const unsigned char *form_key;   /* signs CSRF tokens: never logged */
    size_t form_key_len;
    long long session_idle_ms; /* a session record's idle timeout */
    /* how baskets are bounded; basket.rate.client is always NULL here:
       ec_basket_policy_for() fills it per request */
    struct ec_basket_policy basket;
    /* clients without the per-address limits (client_limits_exempt) */
    const struct ec_cidrs *limits_exempt;

    /* accounts (docs/identity.md): the hash parameters and sign-in
       limits, how long a reset link works, where mail goes */
    struct ec_signin_policy signin;
    long long password_reset_ttl_ms;
    struct ec_reset_limits reset;  /* reset mails per address and client */
    long long session_absolute_ms; /* how long a session cookie lasts */
    struct ec_mail *mail;
    /* the MitID step: its Redis, key ring, brokers' keys, HTTPS options
       and flow TTL (svc/mitid.h); mitid.seal has no key when
       seal_keys_file is not set */
    struct ec_mitid_env mitid;
    /* the shop's key ring of sealed fields (core/seal.h): the CMS's
       webhook secrets; no key when seal_keys_file is not set */
    const struct ec_seal *seal;
    /* the only origin CMS images are shown from (cms_image_origin; the
       CSP's img-src allows it) */
    const char *cms_image_origin;
    /* orders: the tenants' downstream receivers (their reports come
       back signed) and the payment simulator's key; never logged */
    const struct ec_downstream *receivers;
    const unsigned char *payment_sim_key;
    size_t payment_sim_key_len;
    /* how payments are taken: each tenant's provider, Stripe's keys */
    const struct ec_payment_conf *payments;
    long long order_payment_timeout_ms; /* an order awaits its payment */
    /* the worker's themes, for what is rendered outside a page (the
       contract summary an order stores, handlers/contract_summary.h) */
    struct ec_themes *themes;
    /* the themes' root, for what checks a theme rather than renders with
       it (whether it speaks a new shop's locale: admin_tenants.c) */
    const char *templates_dir;
};

#endif
