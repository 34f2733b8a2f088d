/*
 * ec_app: what one worker process holds for its whole life: its settings,
 * its one MySQL and one Redis connection (both opened lazily), the tenant
 * cache and the compiled templates. Handlers see only its env (req->env):
 * the stores and the settings that shape their answers.
 */
#ifndef EC_APP_APP_H
#define EC_APP_APP_H

#include <stddef.h>

#include "handlers/env.h"
#include "net/https.h"
#include "svc/downstream.h"
#include "svc/payment.h"

struct ec_settings;

struct ec_app {
    const struct ec_settings *settings;
    struct ec_env env; /* what handlers see; its stores are
                          db and kv below */
    struct ec_db *db;
    struct ec_kv *kv;
    struct ec_kv_sub *invalidations; /* see svc/invalidate.h */
    struct ec_tenant_cache *tenants;
    struct ec_catalog_cache *catalogs;
    struct ec_number_cache *numbers; /* also in env, for the handlers */
    struct ec_themes *themes;
    const struct ec_route *routes; /* the route table (app/routes.c) */
    size_t nroutes;
    struct ec_messages *messages;     /* beside the themes, same reload */
    struct ec_mail *mail;             /* also in env, for the handlers */
    struct ec_mitid_keys *mitid_keys; /* brokers' key sets (svc/mitid.h) */
    struct ec_downstream receivers;   /* downstream_file, in env too */
    struct ec_payment_conf payments;  /* in env too */
    struct ec_https_opts stripe_https;
    struct ec_route *own_routes; /* the table without the routes of
                                    what is not configured, or NULL */
    size_t *own_route_ids; /* own_routes[i] is ec_routes[own_route_ids[i]] */
    char *csp; /* the Content-Security-Policy of every answer that does
                  not set its own (app/dispatch.c) */
};

/* Build the worker's services from s (which must outlive the app). No
   connection is opened here. */
struct ec_app *ec_app_new(const struct ec_settings *s);
void ec_app_free(struct ec_app *app);

/*
 * The index in ec_routes (app/routes.c) of route r of app's table: the
 * same route has the same index in every worker, whatever its table
 * leaves out (metrics label routes by it). -1 for NULL.
 */
int ec_app_route_id(const struct ec_app *app, const struct ec_route *r);

#endif
