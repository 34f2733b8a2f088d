#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/routes.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "render/messages.h"
#include "render/theme.h"
#include "app/settings.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/catalog.h"
#include "svc/invalidate.h"
#include "svc/mail.h"
#include "svc/number.h"
#include "svc/tenant.h"

/* With template_reload on, a changed template or catalog shows within a
   second: checking its files on every view would cost a page ten stat()
   calls. */
#define RELOAD_CHECK_MS 1000

/* The accounts' part of the worker: policy and mail adapter. The
   settings were checked at load, so the adapter can be made. */
static void
accounts_new(struct ec_app *app, const struct ec_settings *s)
{
    struct ec_mail_config mc;
    char why[256];

    ec_settings_password_params(s, &app->env.signin.hash);
    app->env.signin.limits = (struct ec_signin_limits){
        .account_max = (unsigned)s->signin_account_max,
        .client_max = (unsigned)s->signin_client_max,
        .window_ms = s->signin_window,
    };
    app->env.password_reset_ttl_ms = s->password_reset_ttl;
    /* reset mails: a few per address and window, so nobody can fill a
       mailbox; per client as many as sign-in attempts */
    app->env.reset = (struct ec_reset_limits){
        .email_max = EC_RESET_MAILS_MAX,
        .client_max = (unsigned)s->signin_client_max,
        .window_ms = s->signin_window,
    };
    app->env.session_absolute_ms = s->session_absolute_timeout;
    ec_settings_mail_config(s, &mc);
    app->mail = ec_mail_new(&mc, why, sizeof(why));
    if (!app->mail)
        EC_BUG("mail settings checked at load cannot make an adapter");
    app->env.mail = app->mail;
}

/*
 * The route table this worker serves: ec_routes, less the simulator's
 * routes when no simulator is configured (EC_R_SIMULATOR), so they answer
 * 404 like any unknown path.
 */
static void
routes_new(struct ec_app *app, const struct ec_settings *s)
{
    size_t n = 0;

    app->routes = ec_routes;
    app->nroutes = ec_routes_count;
    if (s->payment_sim_secret_file)
        return;
    app->own_routes = ec_xcalloc(ec_routes_count, sizeof(*app->own_routes));
    app->own_route_ids =
        ec_xcalloc(ec_routes_count, sizeof(*app->own_route_ids));
    for (size_t i = 0; i < ec_routes_count; i++)
        if (!(ec_routes[i].flags & EC_R_SIMULATOR)) {
            app->own_route_ids[n] = i;
            app->own_routes[n++] = ec_routes[i];
        }
    app->routes = app->own_routes;
    app->nroutes = n;
}

int
ec_app_route_id(const struct ec_app *app, const struct ec_route *r)
{
    if (!r)
        return -1;
    if (app->own_routes)
        return (int)app->own_route_ids[r - app->own_routes];
    return (int)(r - ec_routes);
}

/*
 * Scripts, styles, images and fonts only from our own origin (images also
 * from the CMS's image origin, cms_image_origin); no inline script, no
 * framing, forms post only to us. Violations are reported to the
 * csp-report route so a broken theme shows up in the logs.
 */
static const char csp_format[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: %s; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; report-uri /api/v1/csp-report";

static char *
csp_new(const char *image_origin)
{
    size_t n = sizeof(csp_format) + strlen(image_origin);
    char *csp = ec_xmalloc(n);

    snprintf(csp, n, csp_format, image_origin);
    return csp;
}

struct ec_app *
ec_app_new(const struct ec_settings *s)
{
    struct ec_app *app = ec_xcalloc(1, sizeof(*app));
    struct ec_db_config dbc = {
        .host = s->mysql_host,
        .port = (unsigned)s->mysql_port,
        .socket = s->mysql_socket,
        .user = s->mysql_user,
        .password = s->mysql_password,
        .database = s->mysql_database,
        .connect_timeout_ms = (unsigned)s->mysql_connect_timeout,
        .read_timeout_ms = (unsigned)s->mysql_read_timeout,
    };
    struct ec_kv_config kvc = {
        .host = s->redis_host,
        .port = (unsigned)s->redis_port,
        .connect_timeout_ms = (unsigned)s->redis_connect_timeout,
        .timeout_ms = (unsigned)s->redis_timeout,
        .user = s->redis_user,
        .password = s->redis_password,
    };
    long reload_ms = s->template_reload ? RELOAD_CHECK_MS : -1;

    app->settings = s;
    app->db = ec_db_new(&dbc);
    app->kv = ec_kv_new(&kvc);
    app->invalidations = ec_kv_sub_new(&kvc, EC_INVALIDATE_CHANNEL);
    app->tenants = ec_tenant_cache_new();
    app->catalogs = ec_catalog_cache_new();
    app->numbers = ec_number_cache_new();
    app->themes = ec_themes_new(s->templates_dir, reload_ms);
    routes_new(app, s);
    app->messages = ec_messages_new(s->templates_dir, reload_ms);
    app->mitid_keys = ec_mitid_keys_new(s->oidc_keys_ttl);
    ec_downstream_init(&app->receivers);
    if (s->downstream_file) {
        char err[512];

        /* the settings checked it; a file changed since is refused here */
        if (ec_downstream_load(&app->receivers, s->downstream_file, err,
                               sizeof(err)) < 0)
            ec_log_error("downstream_file: %s", err);
    }
    app->env = (struct ec_env){
        .db = app->db,
        .kv = app->kv,
        .numbers = app->numbers,
        .static_url = s->static_url,
        .upload_dir = s->upload_dir,
        .retry_after = s->retry_after,
        .form_key = s->form_secret,
        .form_key_len = sizeof(s->form_secret),
        .session_idle_ms = s->session_idle_timeout,
        .basket =
            {
                .ttl_ms = s->basket_ttl,
                .lock_ttl_ms = s->number_lock_ttl,
                .numbers_max = (unsigned)s->basket_numbers_max,
                .rate = {NULL, (unsigned)s->number_lock_rate, 60000},
                .holds_max = (unsigned)s->number_holds_max,
                .hold_max_ms = s->number_hold_max,
                .baskets_rate = (unsigned)s->basket_new_rate,
            },
        .limits_exempt = &s->exempt,
        .mitid =
            {
                .kv = app->kv,
                .seal = &s->seal,
                .keys = app->mitid_keys,
                .https = {.ca_file = s->oidc_ca_file},
                .flow_ttl_ms = s->mitid_flow_ttl,
            },
        .seal = &s->seal,
        .cms_image_origin = s->cms_image_origin,
        .receivers = &app->receivers,
        .payment_sim_key = s->payment_sim_secret,
        .payment_sim_key_len = sizeof(s->payment_sim_secret),
        .payments = &app->payments,
        .order_payment_timeout_ms = s->order_payment_timeout,
        .themes = app->themes,
        .templates_dir = s->templates_dir,
    };
    ec_settings_payment_conf(s, &app->payments, &app->stripe_https);
    accounts_new(app, s);
    app->csp = csp_new(s->cms_image_origin);
    return app;
}

void
ec_app_free(struct ec_app *app)
{
    if (!app)
        return;
    ec_mail_free(app->mail);
    ec_mitid_keys_free(app->mitid_keys);
    ec_downstream_release(&app->receivers);
    free(app->own_routes);
    free(app->own_route_ids);
    free(app->csp);
    ec_messages_free(app->messages);
    ec_themes_free(app->themes);
    ec_number_cache_free(app->numbers);
    ec_catalog_cache_free(app->catalogs);
    ec_tenant_cache_free(app->tenants);
    ec_kv_sub_free(app->invalidations);
    ec_kv_free(app->kv);
    ec_db_free(app->db);
    free(app);
}
