/*
 * The map of the application: every address ecomd answers, read top to
 * bottom. Adding a route is one line. Flags say what the dispatcher
 * ensures before the handler runs (see enum ec_route_flag); a route that
 * changes state is protected by FORM (a browser form with its session's
 * CSRF token) or JSONB (a JSON body with the token in X-CSRF-Token).
 *
 * Storefront pages need Redis (KV): a worker learns that its cached
 * tenants and catalogs changed through a Redis subscription (svc/
 * invalidate.c; docs/architecture.md, "Keeping caches current"). While
 * that is down it cannot know what it missed, and a shop must not show a
 * price it cannot vouch for.
 */
#include "app/routes.h"

#include "handlers/admin.h"
#include "handlers/preview.h"
#include "handlers/handlers.h"
#include "svc/staff.h"

#define T EC_R_TENANT
#define DB EC_R_DB
#define KV EC_R_KV
#define JSON EC_R_JSON
#define FORM EC_R_FORM
#define JSONB EC_R_JSON_BODY
#define NOCSRF EC_R_NO_CSRF
#define SIM EC_R_SIMULATOR
#define CAT (EC_R_TENANT | EC_R_KV | EC_R_CATALOG)
#define PRV EC_R_PREVIEW
/* the admin API: an API key of the tenant, no cookie session; KV for the
   invalidation its changes publish */
#define ADM (EC_R_TENANT | EC_R_DB | EC_R_KV | EC_R_JSON | EC_R_ADMIN_API)
#define ADMB (ADM | EC_R_JSON_BODY)
#define READ EC_R_ACTION(EC_STAFF_READ)
#define EDIT EC_R_ACTION(EC_STAFF_EDIT_CATALOG)
#define MANAGE EC_R_ACTION(EC_STAFF_MANAGE)
/* the admin panel's screens: a signed-in staff member of the tenant
   whose role may do action a (svc/staff.h), read from MySQL per request */
#define STAFF(a) (T | DB | KV | EC_R_STAFF | EC_R_ACTION(EC_STAFF_##a))

/* one route a line, in columns */
/* clang-format off */
const struct ec_route ec_routes[] = {
    /* methods   pattern                       handler                  flags */
    {EC_GET,    "/healthz",                    ec_h_healthz,            JSON},
    {EC_GET,    "/readyz",                     ec_h_readyz,             JSON},

    {EC_GET,    "/api/v1/tenant",              ec_h_tenant_info,        T | KV | JSON},
    {EC_GET,    "/api/v1/channels",            ec_h_channels,           CAT | PRV | JSON},
    {EC_GET,    "/api/v1/products",            ec_h_products,           CAT | PRV | JSON},
    {EC_GET,    "/api/v1/products/{sku}",      ec_h_product,            CAT | PRV | JSON},
    {EC_GET,    "/api/v1/products/{sku}/price", ec_h_product_price,     CAT | PRV | JSON},
    {EC_GET,    "/api/v1/numbers",             ec_h_numbers,            T | DB | KV | JSON},
    {EC_GET,    "/api/v1/basket",              ec_h_basket,             CAT | JSON},
    {EC_POST,   "/api/v1/basket/lines",        ec_h_basket_add,         CAT | JSONB | JSON},
    {EC_PATCH,  "/api/v1/basket/lines/{id}",   ec_h_basket_update,      CAT | JSONB | JSON},
    {EC_DELETE, "/api/v1/basket/lines/{id}",   ec_h_basket_remove,      CAT | JSONB | JSON},
    {EC_POST,   "/api/v1/basket/keep",         ec_h_basket_keep,        CAT | JSONB | JSON},
    /* the checkout and the customer's orders (handlers/checkout.c,
       docs/orders.md) */
    {EC_POST,   "/api/v1/checkout",            ec_h_checkout,           CAT | DB | JSONB | JSON},
    {EC_GET,    "/api/v1/orders",              ec_h_orders,             T | DB | KV | JSON},
    {EC_GET,    "/api/v1/orders/{id}",         ec_h_order,              T | DB | KV | JSON},
    /* accounts (handlers/account.c, docs/identity.md) */
    {EC_POST,   "/api/v1/account",             ec_h_account_create,     T | DB | KV | JSONB | JSON},
    {EC_GET,    "/api/v1/account",             ec_h_account_get,        T | DB | KV | JSON},
    {EC_POST,   "/api/v1/session",             ec_h_session_create,     T | DB | KV | JSONB | JSON},
    {EC_DELETE, "/api/v1/session",             ec_h_session_delete,     T | KV | JSONB | JSON},
    {EC_POST,   "/api/v1/account/password-reset", ec_h_reset_request,   T | DB | KV | JSONB | JSON},
    {EC_POST,   "/api/v1/account/password-reset/{token}", ec_h_reset_complete, T | DB | KV | JSONB | JSON},
    {EC_POST,   "/api/v1/csp-report",          ec_h_csp_report,         T | JSONB | JSON | NOCSRF},
    /* signed callbacks into the order flow (docs/orders.md): their
       senders sign them, no browser sends them */
    {EC_POST,   "/api/v1/downstream/reports",  ec_h_downstream_report,  T | DB | JSONB | JSON | NOCSRF},
    {EC_POST,   "/api/v1/payments/sim/callback", ec_h_payment_sim_callback, T | DB | KV | JSONB | JSON | NOCSRF | SIM},
    {EC_POST,   "/api/v1/payments/stripe/webhook", ec_h_stripe_webhook, T | DB | KV | JSONB | JSON | NOCSRF},
    /* Contentful's webhooks (docs/cms.md): the shop named in the path,
       whatever the Host; signed by the shop's webhook secret */
    {EC_POST,   "/hooks/contentful/{slug}",    ec_h_contentful_webhook, DB | KV | JSONB | JSON | NOCSRF},

    /* the admin API (handlers/admin_api.c, docs/admin.md): the last
       flags' READ, EDIT or MANAGE is what the key's role must be
       allowed (svc/staff.h) */
    {EC_GET,    "/api/admin/v1/products",       ec_h_api_admin_products, ADM | READ},
    {EC_POST,   "/api/admin/v1/products",       ec_h_api_admin_product_create, ADMB | EDIT},
    {EC_GET,    "/api/admin/v1/products/{sku}", ec_h_api_admin_product,  ADM | READ},
    {EC_PUT,    "/api/admin/v1/products/{sku}", ec_h_api_admin_product_put, ADMB | EDIT},
    {EC_DELETE, "/api/admin/v1/products/{sku}", ec_h_api_admin_product_retire, ADMB | EDIT},
    {EC_GET,    "/api/admin/v1/campaigns",      ec_h_api_admin_campaigns, ADM | READ},
    {EC_POST,   "/api/admin/v1/campaigns",      ec_h_api_admin_campaign_create, ADMB | EDIT},
    {EC_GET,    "/api/admin/v1/campaigns/{code}", ec_h_api_admin_campaign, ADM | READ},
    {EC_PUT,    "/api/admin/v1/campaigns/{code}", ec_h_api_admin_campaign_put, ADMB | EDIT},
    {EC_DELETE, "/api/admin/v1/campaigns/{code}", ec_h_api_admin_campaign_delete, ADMB | EDIT},
    {EC_GET,    "/api/admin/v1/channels",       ec_h_api_admin_channels, ADM | READ},
    {EC_POST,   "/api/admin/v1/channels",       ec_h_api_admin_channel_create, ADMB | EDIT},
    {EC_GET,    "/api/admin/v1/channels/{code}", ec_h_api_admin_channel, ADM | READ},
    {EC_PUT,    "/api/admin/v1/channels/{code}", ec_h_api_admin_channel_put, ADMB | EDIT},
    {EC_DELETE, "/api/admin/v1/channels/{code}", ec_h_api_admin_channel_delete, ADMB | EDIT},
    {EC_POST,   "/api/admin/v1/numbers",        ec_h_api_admin_numbers_import, ADMB | EC_R_CSV_BODY | MANAGE},
    {EC_GET,    "/api/admin/v1/orders",         ec_h_api_admin_orders,   ADM | READ},
    {EC_GET,    "/api/admin/v1/audit",          ec_h_api_admin_audit,    ADM | READ},

    {EC_GET,    "/",                           ec_h_home,               CAT | PRV},
    {EC_GET,    "/theme.css",                  ec_h_theme_css,          T},
    {EC_GET,    "/products/{sku}",             ec_h_product_page,       CAT | PRV},
    {EC_GET,    "/basket",                     ec_h_basket_page,        CAT},
    /* the storefront's forms: each answers 303 to /basket, or the page
       again with its error */
    {EC_POST,   "/basket/lines",               ec_h_form_basket_add,    CAT | FORM},
    {EC_POST,   "/basket/lines/{id}",          ec_h_form_basket_update, CAT | FORM},
    {EC_POST,   "/basket/lines/{id}/remove",   ec_h_form_basket_remove, CAT | FORM},
    {EC_POST,   "/basket/keep",                ec_h_form_basket_keep,   CAT | FORM},
    {EC_POST,   "/basket/set-aside/clear",     ec_h_form_set_aside_clear, T | KV | FORM},
    /* the MitID step (handlers/mitid.c): the CPR page, its post (303 to
       the broker), the broker's answer (303 to /basket, or the page with
       why not) */
    {EC_GET,    "/mitid",                      ec_h_mitid_page,         T | KV | DB},
    {EC_POST,   "/mitid",                      ec_h_mitid_start,        T | KV | DB | FORM},
    {EC_GET,    "/mitid/callback",             ec_h_mitid_callback,     T | KV | DB},
    /* the account pages: each post answers 303 (signed in, out) or the
       page again with its error at the field */
    {EC_GET,    "/account",                    ec_h_account_page,       T | DB | KV},
    {EC_GET,    "/account/sign-in",            ec_h_signin_page,        T | KV},
    {EC_POST,   "/account/sign-in",            ec_h_form_signin,        T | DB | KV | FORM},
    {EC_GET,    "/account/sign-up",            ec_h_signup_page,        T | KV},
    {EC_POST,   "/account/sign-up",            ec_h_form_signup,        T | DB | KV | FORM},
    {EC_POST,   "/account/sign-out",           ec_h_form_signout,       T | KV | FORM},
    {EC_GET,    "/account/password-reset",     ec_h_reset_request_page, T | KV},
    {EC_POST,   "/account/password-reset",     ec_h_form_reset_request, T | DB | KV | FORM},
    {EC_GET,    "/account/password-reset/{token}", ec_h_reset_page,     T | DB | KV},
    {EC_POST,   "/account/password-reset/{token}", ec_h_form_reset,     T | DB | KV | FORM},
    /* payments (handlers/payment_pages.c, docs/orders.md): the
       simulator's hosted page and its form (303 to the return page), and
       the page a customer comes back to from any provider */
    {EC_GET,    "/pay/sim/{payment_id}",       ec_h_sim_page,           T | DB | KV | SIM},
    {EC_POST,   "/pay/sim/{payment_id}",       ec_h_form_sim_complete,  T | DB | KV | FORM | SIM},
    {EC_GET,    "/orders/{order_id}/payment-return", ec_h_payment_return_page, T | DB | KV},
    /* the checkout page and its form (303 to the payment's page, or the
       page again with its error), the order page of its owner
       (handlers/checkout_pages.c) */
    {EC_GET,    "/checkout",                   ec_h_checkout_page,      CAT | DB},
    {EC_POST,   "/checkout",                   ec_h_form_checkout,      CAT | DB | FORM},
    {EC_GET,    "/orders/{id}",                ec_h_order_page,         T | DB | KV},
    {EC_GET,    "/orders/{id}/contract-summary", ec_h_order_summary,    T | DB | KV},
    /* the admin panel (handlers/admin*.c, docs/admin.md): the staff
       sign-in (a second step for a user with a second factor) and out,
       then the screens, each with the action its role must allow */
    {EC_GET,    "/admin/sign-in",              ec_h_admin_signin_page,  T | KV},
    {EC_POST,   "/admin/sign-in",              ec_h_admin_form_signin,  T | DB | KV | FORM},
    {EC_GET,    "/admin/sign-in/code",         ec_h_admin_code_page,    T | KV},
    {EC_POST,   "/admin/sign-in/code",         ec_h_admin_form_code,    T | DB | KV | FORM},
    {EC_POST,   "/admin/sign-out",             ec_h_admin_form_signout, T | KV | FORM},
    {EC_GET,    "/admin",                      ec_h_admin_overview,     STAFF(READ) | CAT},
    {EC_GET,    "/admin/products",             ec_h_admin_products,     STAFF(READ) | CAT},
    {EC_GET,    "/admin/orders",               ec_h_admin_orders,       STAFF(READ)},
    {EC_GET,    "/admin/orders/{id}",          ec_h_admin_order,        STAFF(READ)},
    {EC_POST,   "/admin/orders/{id}/retry",    ec_h_admin_form_retry,   STAFF(MANAGE) | FORM},
    {EC_GET,    "/admin/staff",                ec_h_admin_staff,        STAFF(MANAGE)},
    {EC_POST,   "/admin/staff",                ec_h_admin_form_staff_create, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/staff/{id}/role",      ec_h_admin_form_staff_role, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/staff/{id}/disable",   ec_h_admin_form_staff_disable, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/staff/{id}/enable",    ec_h_admin_form_staff_enable, STAFF(MANAGE) | FORM},
    {EC_GET,    "/admin/api-keys",             ec_h_admin_api_keys,     STAFF(MANAGE)},
    {EC_POST,   "/admin/api-keys",             ec_h_admin_form_api_key_create, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/api-keys/{id}/revoke", ec_h_admin_form_api_key_revoke, STAFF(MANAGE) | FORM},
    {EC_GET,    "/admin/audit",                ec_h_admin_audit,        STAFF(READ)},
    {EC_GET,    "/admin/audit.csv",            ec_h_admin_audit_csv,    STAFF(READ)},
    {EC_GET,    "/admin/cms",                  ec_h_admin_cms,          STAFF(MANAGE)},
    {EC_POST,   "/admin/cms",                  ec_h_admin_form_cms,     STAFF(MANAGE) | FORM},
    /* the catalog draft: publish now or at an instant, discard
       (handlers/admin_draft.c); the storefront previewed as a channel at
       an instant (handlers/preview.c) */
    {EC_GET,    "/admin/draft",                ec_h_admin_draft,        STAFF(READ)},
    {EC_POST,   "/admin/draft/publish",        ec_h_admin_form_draft_publish, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/draft/schedule",       ec_h_admin_form_draft_schedule, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/draft/unschedule",     ec_h_admin_form_draft_unschedule, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/draft/discard",        ec_h_admin_form_draft_discard, STAFF(EDIT_CATALOG) | FORM},
    {EC_GET,    "/admin/preview",              ec_h_admin_preview,      STAFF(READ)},
    {EC_POST,   "/admin/preview",              ec_h_admin_form_preview, STAFF(READ) | FORM},
    {EC_POST,   "/admin/preview/end",          ec_h_admin_form_preview_end, STAFF(READ) | FORM},
    /* branding (handlers/admin_brand.c) */
    {EC_GET,    "/admin/branding",             ec_h_admin_branding,     STAFF(MANAGE)},
    {EC_POST,   "/admin/branding",             ec_h_admin_form_branding, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/branding/logo",        ec_h_admin_form_logo,    STAFF(MANAGE) | FORM},
    /* a product's form: create, edit, retire (handlers/admin_product_form.c);
       "new" before {sku}, which would match it */
    {EC_GET,    "/admin/products/new",         ec_h_admin_product_new,  STAFF(EDIT_CATALOG)},
    {EC_POST,   "/admin/products",             ec_h_admin_form_product_create, STAFF(EDIT_CATALOG) | FORM},
    {EC_GET,    "/admin/products/{sku}",       ec_h_admin_product,      STAFF(READ)},
    {EC_POST,   "/admin/products/{sku}",       ec_h_admin_form_product_save, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/products/{sku}/retire", ec_h_admin_form_product_retire, STAFF(EDIT_CATALOG) | FORM},
    /* onboarding a brand, operators only (handlers/admin_tenants.c) */
    {EC_GET,    "/admin/tenants",              ec_h_admin_tenants,      STAFF(TENANTS)},
    {EC_GET,    "/admin/tenants/new",          ec_h_admin_tenant_new,   STAFF(TENANTS)},
    {EC_POST,   "/admin/tenants",              ec_h_admin_form_tenant_create, STAFF(TENANTS) | FORM},
    {EC_GET,    "/admin/tenants/{slug}",       ec_h_admin_tenant,       STAFF(TENANTS)},
    /* the number pool (handlers/admin_numbers.c) */
    {EC_GET,    "/admin/numbers",              ec_h_admin_numbers,      STAFF(MANAGE)},
    {EC_POST,   "/admin/numbers/import",       ec_h_admin_form_numbers_import, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/numbers/{number}/quarantine", ec_h_admin_form_number_quarantine, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/numbers/{number}/release-quarantine", ec_h_admin_form_number_release, STAFF(MANAGE) | FORM},
    {EC_POST,   "/admin/numbers/{number}/unlock", ec_h_admin_form_number_unlock, STAFF(MANAGE) | FORM},
    /* channels and their rules (handlers/admin_channels.c): "new" and
       "rules" before {code} */
    {EC_GET,    "/admin/channels",             ec_h_admin_channels,     STAFF(READ)},
    {EC_POST,   "/admin/channels",             ec_h_admin_form_channel_create, STAFF(EDIT_CATALOG) | FORM},
    {EC_GET,    "/admin/channels/new",         ec_h_admin_channel_new,  STAFF(EDIT_CATALOG)},
    {EC_POST,   "/admin/channels/rules",       ec_h_admin_form_channel_rules, STAFF(EDIT_CATALOG) | FORM},
    {EC_GET,    "/admin/channels/{code}",      ec_h_admin_channel,      STAFF(EDIT_CATALOG)},
    {EC_POST,   "/admin/channels/{code}",      ec_h_admin_form_channel, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/channels/{code}/delete", ec_h_admin_form_channel_delete, STAFF(EDIT_CATALOG) | FORM},
    /* campaigns (handlers/admin_campaigns.c): "new" before {code} */
    {EC_GET,    "/admin/campaigns",            ec_h_admin_campaigns,    STAFF(READ)},
    {EC_POST,   "/admin/campaigns",            ec_h_admin_form_campaign_create, STAFF(EDIT_CATALOG) | FORM},
    {EC_GET,    "/admin/campaigns/new",        ec_h_admin_campaign_new, STAFF(EDIT_CATALOG)},
    {EC_GET,    "/admin/campaigns/{code}",     ec_h_admin_campaign,     STAFF(EDIT_CATALOG)},
    {EC_POST,   "/admin/campaigns/{code}",     ec_h_admin_form_campaign, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/campaigns/{code}/end", ec_h_admin_form_campaign_end, STAFF(EDIT_CATALOG) | FORM},
    {EC_POST,   "/admin/campaigns/{code}/delete", ec_h_admin_form_campaign_delete, STAFF(EDIT_CATALOG) | FORM},
    /* pages made of CMS blocks (docs/cms.md) */
    {EC_GET,    "/p/{slug}",                   ec_h_cms_page,           CAT | PRV},
    /* web subpages (/tilbud): their channel's path rule decides */
    {EC_GET,    "/{section}",                  ec_h_channel_page,       CAT},
    {EC_GET,    "/{section}/products/{sku}",   ec_h_product_page,       CAT},
};
/* clang-format on */

const size_t ec_routes_count = sizeof(ec_routes) / sizeof(ec_routes[0]);
