#include "app/dispatch.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "app/app.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "app/routes.h"
#include "http/csrf.h"
#include "http/router.h"
#include "http/session_cookie.h"
#include "render/messages.h"
#include "render/theme.h"
#include "app/settings.h"
#include "handlers/handlers.h"
#include "handlers/preview.h"
#include "svc/account_session.h"
#include "svc/api_key.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/catalog.h"
#include "svc/catalog_draft.h"
#include "svc/channel.h"
#include "svc/invalidate.h"
#include "svc/staff.h"
#include "svc/staff_session.h"
#include "svc/tenant.h"

static void
security_headers(const struct ec_app *app, struct ec_response *res)
{
    /* a page whose form posts elsewhere (the MitID step, to the broker)
       sets its own, stricter in nothing else */
    if (!ec_response_get_header(res, "Content-Security-Policy"))
        ec_response_header(res, "Content-Security-Policy", app->csp);
    ec_response_header(res, "X-Content-Type-Options", "nosniff");
    ec_response_header(res, "Referrer-Policy",
                       "strict-origin-when-cross-origin");
    ec_response_header(res, "X-Frame-Options", "DENY");
    if (!ec_response_get_header(res, "Cache-Control"))
        ec_response_header(res, "Cache-Control", "no-store");
}

/* The words of the request's shop, in its locale (or the fallback). */
static const struct ec_msgcat *
texts_for(const struct ec_app *app, const struct ec_request *req)
{
    if (!app || !app->messages)
        return NULL;
    return ec_messages_get(app->messages,
                           req->tenant ? req->tenant->slug : NULL,
                           req->tenant ? req->tenant->locale : NULL);
}

/* The message id in texts, else fallback (English, from core/err.c). */
static const char *
text_or(const struct ec_msgcat *texts, const char *id, const char *fallback)
{
    const char *s = texts ? ec_msgcat_find(texts, id) : NULL;

    return s ? s : fallback;
}

/* A page that needs nothing (no template, no tenant) to render. */
static void
builtin_error_page(struct ec_response *res, const struct ec_msgcat *texts,
                   const char *title, const char *message,
                   const char *request_id)
{
    struct ec_buf *b = res->body;
    const char *lang = texts ? ec_msgcat_locale(texts) : "en";
    const char *ref = text_or(texts, "error_page.reference", "Reference:");

    ec_buf_reset(b);
    ec_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
    ec_buf_add_html(b, lang, strlen(lang));
    ec_buf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, "
                   "initial-scale=1\">\n<title>");
    ec_buf_add_html(b, title, strlen(title));
    ec_buf_adds(b, "</title>\n</head>\n<body>\n<main>\n<h1>");
    ec_buf_add_html(b, title, strlen(title));
    ec_buf_adds(b, "</h1>\n<p>");
    ec_buf_add_html(b, message, strlen(message));
    ec_buf_adds(b, "</p>\n<p><small>");
    ec_buf_add_html(b, ref, strlen(ref));
    ec_buf_addch(b, ' ');
    ec_buf_add_html(b, request_id, strlen(request_id));
    ec_buf_adds(b, "</small></p>\n</main>\n</body>\n</html>\n");
    res->content_type = "text/html";
}

/*
 * Who is signed in, for the header of every page: "viewer" {name, csrf}
 * (the sign-out form's token). Only a browser with the signed-in hint
 * cookie costs a Redis read; a guest's page view none.
 */
static void
viewer_model(const struct ec_app *app, struct ec_request *req,
             struct json_object *model)
{
    struct ec_session_viewer v;
    struct json_object *o;

    if (!req->tenant || !req->session_id || req->session_fresh ||
        !req->csrf_token || !ec_request_cookie(req, EC_SIGNED_IN_COOKIE) ||
        !req->route || !(req->route->flags & EC_R_KV) ||
        ec_session_viewer(app->kv, req->tenant->slug, req->session_id,
                          req->arena, &v) < 0 ||
        !v.account[0])
        return;
    o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(v.name));
    json_object_object_add(o, "csrf", json_object_new_string(req->csrf_token));
    json_object_object_add(model, "viewer", o);
}

/* 1 when p is a plain path (letters, digits, '/', '-', '_', '.', at
   most 200 bytes), which needs no escaping in a URL's query. */
static int
plain_path(const char *p)
{
    return p && p[0] == '/' && strlen(p) <= 200 &&
           strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789/-_.") == strlen(p);
}

/*
 * The page's own path as "here", for the header's sign-in link to come
 * back to: only a GET of a plain path, and not the account pages.
 */
static void
here_model(struct ec_request *req, struct json_object *model)
{
    const char *p = req->path;

    if (!plain_path(p) || strcmp(req->method, "GET") != 0 ||
        strncmp(p, "/account", 8) == 0)
        return;
    json_object_object_add(model, "here", json_object_new_string(p));
}

/*
 * The sales agent's banner on every storefront page (the staff lens,
 * docs/admin.md "Sales agents"): "agent" {name, outbound: whether the
 * page shows the outbound channel, which a shop without one cannot}.
 */
static void
agent_model(const struct ec_request *req, struct json_object *model)
{
    struct json_object *o;

    if (!req->agent)
        return;
    o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(req->agent->name));
    json_object_object_add(
        o, "outbound",
        json_object_new_boolean(req->channel &&
                                req->channel->kind == EC_CHANNEL_OUTBOUND));
    json_object_object_add(model, "agent", o);
}

static struct json_object *
page_model(const struct ec_app *app, struct ec_request *req,
           struct json_object *model)
{
    const char *static_url = app ? app->settings->static_url : "/static";

    if (!json_object_is_type(model, json_type_object))
        return model;
    if (app)
        viewer_model(app, req, model);
    here_model(req, model);
    if (req->preview) {
        struct json_object *b = ec_preview_banner(req, req->preview);

        json_object_object_add(
            b, "csrf",
            json_object_new_string(req->csrf_token ? req->csrf_token : ""));
        json_object_object_add(model, "preview", b);
    }
    agent_model(req, model);
    if (req->tenant)
        json_object_object_add(model, "tenant",
                               ec_tenant_to_json(req->tenant, static_url));
    json_object_object_add(model, "static_url",
                           json_object_new_string(static_url));
    json_object_object_add(model, "request_id",
                           json_object_new_string(req->request_id));
    if (req->texts) {
        json_object_object_add(
            model, "lang",
            json_object_new_string(ec_msgcat_locale(req->texts)));
        json_object_object_add(model, "t",
                               json_object_get(ec_msgcat_json(req->texts)));
    }
    return model;
}

static int
render_html(const struct ec_app *app, struct ec_request *req,
            struct ec_response *res, const char *name,
            struct json_object *model)
{
    const char *slug = req->tenant ? req->tenant->slug : NULL;

    if (!app || !app->themes)
        return EC_ERR_INTERNAL;
    ec_buf_reset(res->body);
    if (!req->texts)
        req->texts = texts_for(app, req);
    page_model(app, req, model);
    if (ec_themes_render_texts(app->themes, slug, req->texts, name, model,
                               res->body) < 0)
        return EC_ERR_INTERNAL;
    res->content_type = "text/html";
    return 0;
}

void
ec_dispatch_error(const struct ec_app *app, struct ec_request *req,
                  struct ec_response *res, int err)
{
    const struct ec_err_info *info = ec_err_info(err);
    const char *message = res->err_message ? res->err_message : info->message;
    struct json_object *root, *e, *model;
    const char *title, *page_message;
    char id[64];

    res->status = info->status;
    res->template_name = NULL;
    if (info->status == 503)
        ec_response_header(
            res, "Retry-After",
            ec_arena_printf(req->arena, "%ld",
                            app ? app->settings->retry_after : 5L));
    if (info->status >= 500)
        ec_log_error("%s %s answered %d %s", req->method, req->path,
                     info->status, info->code);

    if (req->wants_json || (req->route && req->route->flags & EC_R_JSON)) {
        root = json_object_new_object();
        e = json_object_new_object();
        json_object_object_add(e, "code", json_object_new_string(info->code));
        json_object_object_add(e, "message", json_object_new_string(message));
        if (res->err_field)
            json_object_object_add(e, "field",
                                   json_object_new_string(res->err_field));
        if (res->err_detail) {
            json_object_object_foreach(res->err_detail, k, v)
            {
                if (strcmp(k, "code") != 0 && strcmp(k, "message") != 0 &&
                    strcmp(k, "field") != 0)
                    json_object_object_add(e, k, json_object_get(v));
            }
        }
        json_object_object_add(root, "error", e);
        ec_response_json(res, info->status, root);
        json_object_put(root);
        return;
    }

    /* an unknown host's page must not carry any shop's branding */
    if (err == EC_ERR_UNKNOWN_HOST) {
        req->tenant = NULL;
        req->texts = NULL;
    }
    if (!req->texts)
        req->texts = texts_for(app, req);
    /* the page speaks the shop's language; the JSON above, the API's */
    snprintf(id, sizeof(id), "http_status.%d", info->status);
    title = text_or(req->texts, id, ec_http_reason(info->status));
    snprintf(id, sizeof(id), "error_page.%s",
             err == EC_ERR_UNKNOWN_HOST ? "unknown_host" : info->code);
    page_message = text_or(req->texts, id, message);
    model = json_object_new_object();
    json_object_object_add(model, "status", json_object_new_int(info->status));
    json_object_object_add(model, "title", json_object_new_string(title));
    json_object_object_add(model, "message",
                           json_object_new_string(page_message));
    ec_arena_cleanup(req->arena, ec_json_put, model);
    if (render_html(app, req, res, "error", model) < 0)
        builtin_error_page(res, req->texts, title, page_message,
                           req->request_id);
    res->status = info->status;
}

/* Redis first: it says whether the tenant cache may be trusted. */
static int
check_stores(struct ec_app *app, unsigned flags)
{
    int rc;

    if (flags & EC_R_KV) {
        if ((rc = ec_kv_connect(app->kv)) < 0)
            return rc;
    }
    if (flags & EC_R_DB) {
        if ((rc = ec_db_connect(app->db)) < 0)
            return rc;
    }
    return 0;
}

/*
 * Before a cache is read, apply what other processes said changed. While
 * that is impossible (Redis down) a worker cannot know whether its caches
 * are current: a route that needs Redis fails, the others carry on with
 * what the cache holds.
 */
static int
resolve_tenant(struct ec_app *app, struct ec_request *req)
{
    struct ec_caches caches = {app->tenants, app->catalogs, app->numbers};
    int rc = ec_invalidate_sync(app->invalidations, &caches);

    if (rc < 0 && req->route && (req->route->flags & EC_R_KV))
        return rc;
    return ec_tenant_resolve(app->tenants, app->db, req->host, &req->tenant);
}

static const char *
query_lookup(void *ctx, const char *name)
{
    return ec_request_arg(ctx, name);
}

static const char *
header_lookup(void *ctx, const char *name)
{
    return ec_request_header(ctx, name);
}

/* The tenant's catalog at its current version, and the request's channel. */
static int
load_catalog(struct ec_app *app, struct ec_request *req)
{
    struct ec_channel_request cr = {req->path, query_lookup, header_lookup,
                                    req};
    int rc;

    rc = ec_catalog_get(app->catalogs, app->db, req->tenant->id,
                        req->tenant->slug, &req->catalog);
    if (rc < 0)
        return rc;
    req->channel = ec_channel_resolve(req->catalog, &cr, &req->channel_rule);
    return 0;
}

/* ---- sessions and CSRF (http/session_cookie.h, http/csrf.h) ---- */

/* The session's token for this host into req->csrf_token. */
static void
set_csrf_token(const struct ec_app *app, struct ec_request *req)
{
    char *t = ec_arena_alloc(req->arena, EC_CSRF_TOKEN_SIZE);

    ec_csrf_sign(app->env.form_key, app->env.form_key_len, req->host,
                 req->session_id, t);
    req->csrf_token = t;
}

/* The session of the request's cookie, when the server signed it and it
   has not timed out: req->session_id and session_issued. */
static void
read_session(const struct ec_app *app, struct ec_request *req)
{
    const struct ec_settings *s = app->settings;
    const char *v = ec_request_cookie(req, ec_session_cookie_name(req->https));
    char id[EC_SESSION_ID_SIZE];
    int64_t issued;

    if (ec_session_cookie_verify(s->session_secret, sizeof(s->session_secret),
                                 v, (int64_t)time(NULL),
                                 s->session_absolute_timeout / 1000, id,
                                 &issued) < 0)
        return;
    req->session_id = ec_arena_strdup(req->arena, id);
    req->session_issued = issued;
}

/*
 * A GET on a tenant host: a session (a new id, its cookie sent with the
 * answer, nothing stored) when the request has none, and its token, for
 * the page's forms and the X-CSRF-Token header.
 */
static void
ensure_session(const struct ec_app *app, struct ec_request *req)
{
    if (!req->session_id) {
        char *id = ec_arena_alloc(req->arena, EC_SESSION_ID_SIZE);

        ec_session_new_id(id);
        req->session_id = id;
        req->session_issued = (long long)time(NULL);
        req->session_fresh = 1;
    }
    if (!req->csrf_token)
        set_csrf_token(app, req);
}

/* 1 for GET and HEAD: the methods that hand out a session and token. */
static int
is_read(const struct ec_request *req)
{
    return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

/*
 * What every answer to a GET on a tenant host carries: the session's
 * token, and the session cookie when the session is new. Not on an
 * answer a shared cache may keep (Cache-Control: public, the theme's
 * stylesheet), which must not hand one visitor's token to another.
 */
static void
session_headers(const struct ec_app *app, struct ec_request *req,
                struct ec_response *res)
{
    const char *cc = ec_response_get_header(res, "Cache-Control");
    const struct ec_settings *s = app->settings;
    long max_age;

    /* a change that started a new session (sign-in, sign-out) hands out
       its cookie and token too */
    if (!req->tenant || (!is_read(req) && !req->session_fresh) ||
        (cc && strncasecmp(cc, "public", 6) == 0) ||
        (req->route && (req->route->flags & EC_R_ADMIN_API)))
        return;
    ensure_session(app, req);
    if (req->session_fresh) {
        max_age = s->session_absolute_timeout / 1000;
        ec_response_header(
            res, "Set-Cookie",
            ec_session_cookie_header(
                req->https,
                ec_session_cookie_make(
                    s->session_secret, sizeof(s->session_secret),
                    req->session_id, req->session_issued, req->arena),
                max_age, req->arena));
    }
    ec_response_header(res, EC_CSRF_HEADER, req->csrf_token);
}

/* 1 when the request names an API key (Authorization: Bearer ...). */
static int
has_bearer(const struct ec_request *req)
{
    const char *a = ec_request_header(req, "authorization");

    return a && strncasecmp(a, "Bearer", 6) == 0 &&
           (a[6] == ' ' || a[6] == '\0');
}

/* The admin API's answer to a request without a usable key. */
static int
key_refused(struct ec_response *res, const char *message)
{
    ec_response_header(res, "WWW-Authenticate", "Bearer");
    res->err_message = message;
    return EC_ERR_API_KEY_INVALID;
}

/*
 * The body a route's flags ask for: a form post must be a form, a JSON
 * route's body, when there is one, JSON (or CSV, CSV_BODY); then a
 * state-changing request must carry its session's CSRF token (the form's
 * field csrf, the JSON API's X-CSRF-Token header) from this origin.
 * Routes with neither flag never read a body. An admin API route needs
 * an API key instead of the token, and a request without one is refused
 * before anything is read; elsewhere a request with an API key is
 * refused so.
 */
static int
check_body(const struct ec_app *app, struct ec_request *req,
           struct ec_response *res, unsigned flags, ec_body_read_fn read_fn,
           void *read_ctx)
{
    int unsafe = (ec_method_parse(req->method) & EC_UNSAFE_METHODS) != 0;
    int token = unsafe && !(flags & EC_R_NO_CSRF);
    const char *sent;
    int rc;

    if ((flags & EC_R_ADMIN_API) && !has_bearer(req))
        return key_refused(res, "This needs an API key: Authorization: "
                                "Bearer <key>.");
    if (!(flags & EC_R_PROTECTED))
        return 0;
    if (flags & EC_R_ADMIN_API)
        token = 0; /* no cookie session: the key is checked instead */
    else if (token && has_bearer(req))
        return key_refused(res, "API keys work only on the admin API.");
    rc = ec_request_read_body(req, app->settings->max_body_size, read_fn,
                              read_ctx);
    if (rc < 0)
        return rc;
    if (flags & EC_R_FORM) {
        /* an empty post is not a form's: it fails for want of a token */
        if (req->body_kind != EC_BODY_FORM && req->body_kind != EC_BODY_NONE)
            return EC_ERR_UNSUPPORTED_MEDIA;
        sent = ec_request_form(req, EC_CSRF_FIELD);
    } else if (flags & EC_R_CSV_BODY) {
        if (req->body_kind != EC_BODY_NONE &&
            (!req->content_type || strcmp(req->content_type, "text/csv") != 0))
            return EC_ERR_UNSUPPORTED_MEDIA;
        sent = ec_request_header(req, "x-csrf-token");
    } else {
        if (req->body_kind != EC_BODY_NONE && req->body_kind != EC_BODY_JSON)
            return EC_ERR_UNSUPPORTED_MEDIA;
        sent = ec_request_header(req, "x-csrf-token");
    }
    if (!token)
        return 0;
    if ((rc = ec_csrf_check(req, app->env.form_key, app->env.form_key_len,
                            sent)) < 0)
        return rc;
    /* a page rendered again after a failed change shows forms too */
    set_csrf_token(app, req);
    return 0;
}

/*
 * An admin API request's key: one of this tenant's, not revoked, whose
 * role may do the route's action. A key of another tenant is answered
 * as an unknown one, so a key tells nothing about other shops.
 */
static int
check_api_key(struct ec_app *app, struct ec_request *req,
              struct ec_response *res)
{
    const char *a = ec_request_header(req, "authorization") + 6;
    struct ec_api_key k;
    int rc;

    if (!req->tenant)
        return EC_ERR_INTERNAL; /* a route without TENANT: routes_test.c
                                   refuses that table */
    while (*a == ' ')
        a++;
    rc = ec_api_key_authenticate(app->db, a, &k);
    if (rc == EC_ERR_API_KEY_INVALID ||
        (rc == 0 && k.tenant_id != req->tenant->id))
        return key_refused(res, "The API key is not valid for this shop.");
    if (rc < 0)
        return rc;
    if (!ec_staff_can(
            k.role, (enum ec_staff_action)EC_R_ACTION_OF(req->route->flags))) {
        res->err_message = "This API key's role may not do that.";
        return EC_ERR_FORBIDDEN;
    }
    req->api_key_id = k.id;
    req->api_key_name = ec_arena_strdup(req->arena, k.name);
    return 0;
}

/* ---- staff routes (EC_R_STAFF; svc/staff.h, docs/admin.md) ---- */

/*
 * The staff member signed in on the request's session, read again from
 * MySQL (a role changed or a user disabled counts at once), of the
 * request's tenant or an operator: 0 with *out, EC_ERR_NOT_SIGNED_IN, or
 * a store error.
 */
static int
signed_in_staff(struct ec_app *app, struct ec_request *req,
                struct ec_staff *out)
{
    struct ec_staff_session ss;
    int rc;

    /* a session this answer issues has no record yet */
    if (!req->session_id || req->session_fresh)
        return EC_ERR_NOT_SIGNED_IN;
    if ((rc = ec_staff_session_read(app->kv, req->tenant->slug, req->session_id,
                                    app->env.session_idle_ms, req->arena,
                                    &ss)) < 0)
        return rc;
    if (!ss.staff)
        return EC_ERR_NOT_SIGNED_IN;
    rc = ec_staff_get(app->db, req->tenant->id, ss.staff, out);
    if (rc == EC_ERR_NOT_FOUND || (rc == 0 && out->disabled) ||
        (rc == 0 && out->tenant_id != 0 && out->tenant_id != req->tenant->id))
        return EC_ERR_NOT_SIGNED_IN;
    return rc;
}

/*
 * A staff route's guard: the signed-in staff member into req->staff when
 * their role may do the route's action. Without one, a GET (or HEAD)
 * answers 303 to the sign-in page, which comes back to this path (*done
 * set: no handler runs), anything else 401; a role without the action is
 * 403.
 */
static int
check_staff(struct ec_app *app, struct ec_request *req, struct ec_response *res,
            unsigned flags, int *done)
{
    struct ec_staff *st = ec_arena_calloc(req->arena, 1, sizeof(*st));
    int rc = signed_in_staff(app, req, st);

    *done = 0;
    if (rc == EC_ERR_NOT_SIGNED_IN && is_read(req)) {
        res->status = 303;
        ec_response_header(res, "Location",
                           plain_path(req->path)
                               ? ec_arena_printf(req->arena,
                                                 "/admin/sign-in?next=%s",
                                                 req->path)
                               : "/admin/sign-in");
        *done = 1;
        return 0;
    }
    if (rc < 0)
        return rc;
    if (!ec_staff_can(st->role, (enum ec_staff_action)EC_R_ACTION_OF(flags)))
        return EC_ERR_FORBIDDEN;
    req->staff = st;
    return 0;
}

static void
free_catalog(void *c)
{
    ec_catalog_free(c);
}

/*
 * A staff preview of this page (handlers/preview.h): the cookie signed
 * for this session and host, the session still signed in as the staff
 * member who asked, whose role reads the panel; then the page is shown
 * from the preview's own snapshot (the live catalog, with the draft when
 * asked), as its channel, at its instant, never cached. Anything less
 * and the page is the ordinary one: a preview cookie grants nothing.
 */
static void
apply_preview(struct ec_app *app, struct ec_request *req,
              struct ec_response *res)
{
    struct ec_preview *p = ec_arena_calloc(req->arena, 1, sizeof(*p));
    struct ec_staff st;
    struct ec_catalog *snap;
    const struct ec_channel *ch;
    int rc;

    if (ec_preview_read(req, req->at, p) < 0)
        return;
    /* the staff lens has read the session's staff member already when
       the browser carries the staff marker */
    if (!req->staff && signed_in_staff(app, req, &st) == 0)
        req->staff =
            memcpy(ec_arena_calloc(req->arena, 1, sizeof(st)), &st, sizeof(st));
    if (!req->staff || req->staff->id != p->staff_id ||
        !ec_staff_can(req->staff->role, EC_STAFF_READ))
        return;
    ec_response_header(res, "Cache-Control", "private, no-store");
    /* its own snapshot: the worker's cached one and its memos are now's */
    rc = p->draft ? ec_catalog_draft_snapshot(app->db, req->tenant->slug, &snap)
                  : ec_catalog_load(app->db, req->tenant->id, &snap);
    if (rc == 0) {
        ec_arena_cleanup(req->arena, free_catalog, snap);
        req->catalog = snap;
    } else {
        ec_log_warn("preview of %s: the draft cannot be shown (%d); the "
                    "live catalog is",
                    req->tenant->slug, rc);
        p->broken = 1;
    }
    if ((ch = ec_catalog_channel(req->catalog, p->channel)))
        req->channel = ch;
    req->channel_rule = NULL;
    if (p->at)
        req->at = p->at;
    req->preview = p;
}

/*
 * The staff lens (docs/admin.md, "Sales agents"): on a storefront route
 * of a browser that carries the staff marker (EC_STAFF_COOKIE), the
 * session's staff member (signed_in_staff(), as check_staff() reads it)
 * into req->staff; one whose role may sell also into req->agent, and
 * the request shops in the tenant's outbound channel (the first one;
 * without one, the channel resolved stays). No marker, no session, no
 * staff member, a disabled one or another tenant's: nothing changes, and
 * without the marker nothing is read. 0, or a store error: a sales
 * agent must not be shown the customer's shop as their own.
 */
static int
load_staff_lens(struct ec_app *app, struct ec_request *req)
{
    const char *mark = ec_request_cookie(req, EC_STAFF_COOKIE);
    const struct ec_channel *out;
    struct ec_staff *st;
    int rc;

    if (!mark || strcmp(mark, "1") != 0 || !req->session_id ||
        req->session_fresh)
        return 0;
    if ((rc = ec_db_connect(app->db)) < 0)
        return rc;
    st = ec_arena_calloc(req->arena, 1, sizeof(*st));
    rc = signed_in_staff(app, req, st);
    if (rc == EC_ERR_NOT_SIGNED_IN)
        return 0;
    if (rc < 0)
        return rc;
    req->staff = st;
    if (!ec_staff_can(st->role, EC_STAFF_SELL))
        return 0;
    req->agent = st;
    if ((out = ec_channel_outbound(req->catalog))) {
        req->channel = out;
        req->channel_rule = NULL;
    }
    return 0;
}

static int
run(struct ec_app *app, struct ec_request *req, struct ec_response *res,
    ec_body_read_fn read_fn, void *read_ctx)
{
    const struct ec_route *route = NULL;
    unsigned allowed = 0;
    int rc, match;

    /* first: a 404 page must not take a visitor's session for none */
    read_session(app, req);
    match = ec_router_match(app->routes, app->nroutes, req->method, req->path,
                            req->arena, &route, &req->route_args, &allowed);
    req->route = route;
    if (match == 0 && !(route->flags & EC_R_TENANT))
        goto matched;

    /* tenant pages, and 404/405 answered in the shop's own look; when the
       stores cannot say whose shop this is, a 404/405 is still true,
       only unbranded */
    rc = resolve_tenant(app, req);
    if (rc < 0 && !(match < 0 && rc == EC_ERR_UNAVAILABLE))
        return rc;
    if (match == EC_ERR_METHOD)
        ec_response_header(res, "Allow",
                           ec_methods_string(req->arena, allowed));
    if (match < 0)
        return match;

matched:
    /* a body is refused before any store is asked: a forged or oversized
       post costs no round trip */
    if ((rc = check_body(app, req, res, route->flags, read_fn, read_ctx)) < 0)
        return rc;
    if ((rc = check_stores(app, route->flags)) < 0)
        return rc;
    if ((route->flags & EC_R_ADMIN_API) &&
        (rc = check_api_key(app, req, res)) < 0)
        return rc;
    if ((route->flags & EC_R_CATALOG) && (rc = load_catalog(app, req)) < 0)
        return rc;
    /* the panel's own screens read their staff member in check_staff() */
    if ((route->flags & EC_R_CATALOG) && !(route->flags & EC_R_STAFF) &&
        (rc = load_staff_lens(app, req)) < 0)
        return rc;
    /* a preview's channel wins over the agent's */
    if ((route->flags & EC_R_PREVIEW) && is_read(req) &&
        ec_request_cookie(req, EC_PREVIEW_COOKIE))
        apply_preview(app, req, res);
    req->texts = texts_for(app, req);
    if (req->tenant && is_read(req) && !(route->flags & EC_R_ADMIN_API))
        ensure_session(app, req);
    if (route->flags & EC_R_STAFF) {
        int done;

        if ((rc = check_staff(app, req, res, route->flags, &done)) < 0 || done)
            return rc;
    }
    return route->handler(req, res);
}

static int
render(const struct ec_app *app, struct ec_request *req,
       struct ec_response *res)
{
    if (!res->model)
        return 0;
    if (req->wants_json || !res->template_name ||
        (req->route->flags & EC_R_JSON)) {
        ec_response_json(res, res->status, res->model);
        return 0;
    }
    return render_html(app, req, res, res->template_name, res->model);
}

void
ec_dispatch(struct ec_app *app, struct ec_arena *a, char **envp,
            ec_body_read_fn read_fn, void *read_ctx, struct ec_request *req,
            struct ec_response *res)
{
    int rc;

    rc = ec_request_parse_head(req, a, envp);
    req->env = &app->env;
    req->at = (int64_t)time(NULL);
    ec_request_set_client(req, &app->settings->trusted);
    ec_log_set_request_id(req->request_id);
    if (rc == 0)
        rc = run(app, req, res, read_fn, read_ctx);
    if (rc == 0)
        rc = render(app, req, res);
    if (rc < 0)
        ec_dispatch_error(app, req, res, rc);
    session_headers(app, req, res);
    ec_response_header(res, "X-Request-Id", req->request_id);
    security_headers(app, res);
}
