/*
 * The dispatcher through fake requests, over a route table of its own
 * whose handlers record that they ran: what each flag guarantees before a
 * handler runs (bodies, CSRF tokens, stores), and how errors are answered
 * (status, JSON envelope or HTML page, headers).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../fake.h"
#include "../test.h"
#include "app/app.h"
#include "app/routes.h"
#include "app/settings.h"
#include "core/err.h"
#include "http/csrf.h"
#include "http/router.h"
#include "http/session_cookie.h"

static struct ec_settings settings;
static struct ec_app *app;
static struct fake f;
static int ran;

static int
h_ok(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();

    ran++;
    json_object_object_add(
        m, "json", json_object_new_boolean(req->body_kind == EC_BODY_JSON));
    json_object_object_add(
        m, "sku",
        json_object_new_string(
            ec_request_form(req, "sku") ? ec_request_form(req, "sku") : ""));
    ec_response_set_model(res, m, NULL);
    return 0;
}

static int
h_fail(struct ec_request *req, struct ec_response *res)
{
    ran++;
    return ec_fail(res, EC_ERR_INVALID_FIELD, "sku", "No such product.");
}

static const struct ec_route routes[] = {
    {EC_GET, "/ok", h_ok, EC_R_JSON},
    {EC_GET, "/page-fails", h_fail, 0},
    {EC_GET | EC_POST, "/api/fails", h_fail, EC_R_JSON | EC_R_JSON_BODY},
    {EC_POST, "/form", h_ok, EC_R_FORM},
    {EC_POST | EC_DELETE, "/api/change", h_ok, EC_R_JSON | EC_R_JSON_BODY},
    {EC_GET, "/needs-redis", h_ok, EC_R_JSON | EC_R_KV},
    {EC_POST, "/report", h_ok, EC_R_JSON | EC_R_JSON_BODY | EC_R_NO_CSRF},
    /* the admin API's shape, with a database that is down here */
    {EC_GET | EC_POST, "/admin-api", h_ok,
     EC_R_DB | EC_R_JSON | EC_R_JSON_BODY | EC_R_ADMIN_API | EC_R_ACTION(0)},
};

#define SID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The token the form key gives session sid on nordlys.localhost. */
static const char *
token_for(const char *sid)
{
    static char t[EC_CSRF_TOKEN_SIZE];

    ec_csrf_sign(settings.form_secret, sizeof(settings.form_secret),
                 "nordlys.localhost", sid, t);
    return t;
}

/* "sid=VALUE": the cookie the server issues for session sid, signed now
   with the session key (or with another key: forged 1). */
static const char *
cookie_for(const char *sid, int forged)
{
    static char c[256];
    unsigned char other[32];
    struct ec_arena a;

    memset(other, 'x', sizeof(other));
    ec_arena_init(&a, 0);
    snprintf(c, sizeof(c), "sid=%s",
             ec_session_cookie_make(forged ? other : settings.session_secret,
                                    32, sid, (int64_t)time(NULL), &a));
    ec_arena_release(&a);
    return c;
}

static const char *
header(const char *name)
{
    return ec_response_get_header(&f.res, name);
}

/* The JSON error code of the answer, or "" when it is not one. */
static const char *
error_code(void)
{
    static char code[64];
    struct json_object *root = json_tokener_parse(fake_body(&f)), *e, *c;

    code[0] = '\0';
    if (root && json_object_object_get_ex(root, "error", &e) &&
        json_object_object_get_ex(e, "code", &c))
        snprintf(code, sizeof(code), "%s", json_object_get_string(c));
    json_object_put(root);
    return code;
}

static void
test_routes_and_methods(void)
{
    ran = 0;
    fake_dispatch(&f, app, "GET", "/ok", NULL, NULL);
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_EQUAL(ran, 1);
    EC_ASSERT_STR(f.res.content_type, "application/json");

    fake_dispatch(&f, app, "GET", "/nowhere", "Accept: application/json", NULL);
    CU_ASSERT_EQUAL(f.res.status, 404);
    EC_ASSERT_STR(error_code(), "not_found");

    fake_dispatch(&f, app, "PUT", "/ok", "Accept: application/json", NULL);
    CU_ASSERT_EQUAL(f.res.status, 405);
    EC_ASSERT_STR(error_code(), "method_not_allowed");
    EC_ASSERT_STR(header("Allow"), "GET, HEAD");

    /* HEAD is answered by the GET route */
    ran = 0;
    fake_dispatch(&f, app, "HEAD", "/ok", NULL, NULL);
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_EQUAL(ran, 1);
}

static void
test_every_answer_has_its_headers(void)
{
    const char *paths[] = {"/ok", "/nowhere", "/page-fails", "/api/fails"};

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        fake_dispatch(&f, app, "GET", paths[i], "X-Request-Id: abc-123", NULL);
        EC_ASSERT_STR(header("X-Request-Id"), "abc-123");
        CU_ASSERT_PTR_NOT_NULL(header("Content-Security-Policy"));
        EC_ASSERT_STR(header("X-Content-Type-Options"), "nosniff");
        EC_ASSERT_STR(header("X-Frame-Options"), "DENY");
        EC_ASSERT_STR(header("Cache-Control"), "no-store");
    }
}

static void
test_handler_errors(void)
{
    struct json_object *root, *e, *v;

    /* a JSON route: the envelope with the handler's field and message */
    fake_dispatch(&f, app, "GET", "/api/fails", NULL, NULL);
    CU_ASSERT_EQUAL(f.res.status, 422);
    root = json_tokener_parse(fake_body(&f));
    CU_ASSERT_FATAL(root && json_object_object_get_ex(root, "error", &e));
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "code", &v));
    EC_ASSERT_STR(json_object_get_string(v), "invalid_field");
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "field", &v));
    EC_ASSERT_STR(json_object_get_string(v), "sku");
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "message", &v));
    EC_ASSERT_STR(json_object_get_string(v), "No such product.");
    json_object_put(root);

    /* a page: the error page in the shop's words for the error (no shop
       here: English), never the developer's message, with the request's
       reference */
    fake_dispatch(&f, app, "GET", "/page-fails", "X-Request-Id: ref-42", NULL);
    CU_ASSERT_EQUAL(f.res.status, 422);
    EC_ASSERT_STR(f.res.content_type, "text/html");
    CU_ASSERT_PTR_NOT_NULL(strstr(fake_body(&f), "<html lang=\"en\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        fake_body(&f), "Something in the form is not filled in correctly."));
    CU_ASSERT_PTR_NULL(strstr(fake_body(&f), "No such product."));
    CU_ASSERT_PTR_NOT_NULL(strstr(fake_body(&f), "ref-42"));

    /* a client that asks for JSON gets JSON from a page route too */
    fake_dispatch(&f, app, "GET", "/page-fails", "Accept: application/json",
                  NULL);
    EC_ASSERT_STR(error_code(), "invalid_field");
}

static void
test_form_posts_need_their_token(void)
{
    char headers[512], body[128];

    snprintf(headers, sizeof(headers),
             "Content-Type: application/x-www-form-urlencoded\n"
             "Cookie: %s\nAccept: application/json",
             cookie_for(SID, 0));
    snprintf(body, sizeof(body), "sku=L&csrf=%s", token_for(SID));
    ran = 0;
    fake_dispatch(&f, app, "POST", "/form", headers, body);
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_EQUAL(ran, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake_body(&f), "\"sku\":\"L\""));

    /* no token, a wrong one, no cookie, another origin: 403, no handler */
    fake_dispatch(&f, app, "POST", "/form", headers, "sku=L");
    CU_ASSERT_EQUAL(f.res.status, 403);
    EC_ASSERT_STR(error_code(), "csrf_failed");
    fake_dispatch(&f, app, "POST", "/form", headers,
                  "sku=L&csrf=00000000000000000000000000000000");
    CU_ASSERT_EQUAL(f.res.status, 403);
    fake_dispatch(&f, app, "POST", "/form",
                  "Content-Type: application/x-www-form-urlencoded\n"
                  "Accept: application/json",
                  body);
    CU_ASSERT_EQUAL(f.res.status, 403);
    /* a cookie with the same id that the server did not sign */
    snprintf(headers, sizeof(headers),
             "Content-Type: application/x-www-form-urlencoded\n"
             "Cookie: %s\nAccept: application/json",
             cookie_for(SID, 1));
    fake_dispatch(&f, app, "POST", "/form", headers, body);
    CU_ASSERT_EQUAL(f.res.status, 403);
    snprintf(headers, sizeof(headers),
             "Content-Type: application/x-www-form-urlencoded\n"
             "Cookie: %s\nOrigin: https://evil.example",
             cookie_for(SID, 0));
    fake_dispatch(&f, app, "POST", "/form", headers, body);
    CU_ASSERT_EQUAL(f.res.status, 403);
    /* an empty post has no token either */
    fake_dispatch(&f, app, "POST", "/form", NULL, NULL);
    CU_ASSERT_EQUAL(f.res.status, 403);
    /* JSON is not a form */
    fake_dispatch(&f, app, "POST", "/form",
                  "Content-Type: application/json\nAccept: application/json",
                  "{\"sku\":\"L\"}");
    CU_ASSERT_EQUAL(f.res.status, 415);
    EC_ASSERT_STR(error_code(), "unsupported_media_type");
    CU_ASSERT_EQUAL(ran, 1);
}

/* The headers of a JSON call of session SID with its token, and extra. */
static const char *
json_headers(const char *extra)
{
    static char h[512];

    snprintf(h, sizeof(h),
             "Content-Type: application/json\nCookie: %s\n"
             "X-CSRF-Token: %s%s%s",
             cookie_for(SID, 0), token_for(SID), extra ? "\n" : "",
             extra ? extra : "");
    return h;
}

static void
test_json_routes_take_only_json(void)
{
    ran = 0;
    fake_dispatch(&f, app, "POST", "/api/change", json_headers(NULL),
                  "{\"a\":1}");
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake_body(&f), "\"json\":true"));
    /* no body at all is allowed (DELETE, keep) */
    fake_dispatch(&f, app, "DELETE", "/api/change", json_headers(NULL), NULL);
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_EQUAL(ran, 2);

    /* what a cross-site form can send is refused before the handler */
    fake_dispatch(&f, app, "POST", "/api/change",
                  "Content-Type: application/x-www-form-urlencoded", "a=1");
    CU_ASSERT_EQUAL(f.res.status, 415);
    EC_ASSERT_STR(error_code(), "unsupported_media_type");
    fake_dispatch(&f, app, "POST", "/api/change", "Content-Type: text/plain",
                  "{\"a\":1}");
    CU_ASSERT_EQUAL(f.res.status, 415);
    fake_dispatch(&f, app, "POST", "/api/change",
                  "Content-Type: multipart/form-data; boundary=x", "--x--");
    CU_ASSERT_EQUAL(f.res.status, 415);
    fake_dispatch(&f, app, "POST", "/api/change",
                  "Content-Type: application/json", "{\"a\":");
    CU_ASSERT_EQUAL(f.res.status, 400);
    EC_ASSERT_STR(error_code(), "invalid_json");
    CU_ASSERT_EQUAL(ran, 2);
}

static void
test_json_changes_need_their_token(void)
{
    char h[512];

    ran = 0;
    /* no token, no session, a token of another session, a foreign origin,
       a cross-site fetch */
    fake_dispatch(&f, app, "POST", "/api/change",
                  "Content-Type: application/json", "{}");
    CU_ASSERT_EQUAL(f.res.status, 403);
    EC_ASSERT_STR(error_code(), "csrf_failed");
    snprintf(h, sizeof(h), "Content-Type: application/json\nCookie: %s",
             cookie_for(SID, 0));
    fake_dispatch(&f, app, "POST", "/api/change", h, "{}");
    CU_ASSERT_EQUAL(f.res.status, 403);
    snprintf(h, sizeof(h), "Content-Type: application/json\nX-CSRF-Token: %s",
             token_for(SID));
    fake_dispatch(&f, app, "DELETE", "/api/change", h, NULL);
    CU_ASSERT_EQUAL(f.res.status, 403);
    snprintf(h, sizeof(h),
             "Content-Type: application/json\nCookie: %s\nX-CSRF-Token: %s",
             cookie_for(SID, 0),
             token_for("1123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef"));
    fake_dispatch(&f, app, "POST", "/api/change", h, "{}");
    CU_ASSERT_EQUAL(f.res.status, 403);
    fake_dispatch(&f, app, "POST", "/api/change",
                  json_headers("Origin: http://evil.example"), "{}");
    CU_ASSERT_EQUAL(f.res.status, 403);
    fake_dispatch(&f, app, "POST", "/api/change",
                  json_headers("Origin: https://nordlys.localhost"), "{}");
    CU_ASSERT_EQUAL(f.res.status, 403);
    fake_dispatch(&f, app, "POST", "/api/change",
                  json_headers("Sec-Fetch-Site: cross-site"), "{}");
    CU_ASSERT_EQUAL(f.res.status, 403);
    EC_ASSERT_STR(error_code(), "csrf_failed");
    CU_ASSERT_EQUAL(ran, 0);
    /* this origin, same-origin fetches: fine */
    fake_dispatch(&f, app, "POST", "/api/change",
                  json_headers("Origin: http://nordlys.localhost\n"
                               "Sec-Fetch-Site: same-origin"),
                  "{}");
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_EQUAL(ran, 1);
}

static void
test_api_keys_only_on_the_admin_api(void)
{
    ran = 0;
    /* exempt from the token, but only the admin API takes keys */
    fake_dispatch(&f, app, "POST", "/api/change",
                  "Content-Type: application/json\n"
                  "Authorization: Bearer abc",
                  "{}");
    CU_ASSERT_EQUAL(f.res.status, 401);
    EC_ASSERT_STR(error_code(), "api_key_invalid");
    fake_dispatch(&f, app, "POST", "/form",
                  "Content-Type: application/x-www-form-urlencoded\n"
                  "Accept: application/json\nAuthorization: bearer abc",
                  "sku=L");
    CU_ASSERT_EQUAL(f.res.status, 401);
    /* with a valid token as well: still no */
    fake_dispatch(&f, app, "POST", "/api/change",
                  json_headers("Authorization: Bearer abc"), "{}");
    CU_ASSERT_EQUAL(f.res.status, 401);
    CU_ASSERT_EQUAL(ran, 0);
    /* another scheme is no API key: the token decides */
    fake_dispatch(&f, app, "POST", "/api/change",
                  json_headers("Authorization: Basic YTpi"), "{}");
    CU_ASSERT_EQUAL(f.res.status, 200);
    /* a route without a token (a browser's report) takes reports as
       before */
    fake_dispatch(&f, app, "POST", "/report", "Content-Type: application/json",
                  "{}");
    CU_ASSERT_EQUAL(f.res.status, 200);
    CU_ASSERT_EQUAL(ran, 2);
}

static void
test_admin_api_needs_a_key(void)
{
    ran = 0;
    /* no key: 401, asking for one, before anything is read */
    fake_dispatch(&f, app, "GET", "/admin-api", NULL, NULL);
    CU_ASSERT_EQUAL(f.res.status, 401);
    EC_ASSERT_STR(error_code(), "api_key_invalid");
    EC_ASSERT_STR(header("WWW-Authenticate"), "Bearer");
    /* a browser's session with its token is no key either */
    fake_dispatch(&f, app, "POST", "/admin-api", json_headers(NULL), "{}");
    CU_ASSERT_EQUAL(f.res.status, 401);
    CU_ASSERT_EQUAL(ran, 0);
    /* with a key: exempt from the token, its body checked, then the key
       is looked up in the database, which is down here */
    fake_dispatch(&f, app, "POST", "/admin-api",
                  "Content-Type: text/plain\nAuthorization: Bearer abc", "x");
    CU_ASSERT_EQUAL(f.res.status, 415);
    fake_dispatch(&f, app, "POST", "/admin-api",
                  "Content-Type: application/json\nAuthorization: Bearer abc",
                  "{}");
    CU_ASSERT_EQUAL(f.res.status, 503);
    CU_ASSERT_EQUAL(ran, 0);
    /* and no session is handed out */
    fake_dispatch(&f, app, "GET", "/admin-api", "Authorization: Bearer abc",
                  NULL);
    CU_ASSERT_EQUAL(f.res.status, 503);
    CU_ASSERT_PTR_NULL(header("Set-Cookie"));
}

static void
test_bodies_are_bounded(void)
{
    char *big = malloc(settings.max_body_size + 2);

    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'a', settings.max_body_size + 1);
    big[settings.max_body_size + 1] = '\0';
    ran = 0;
    fake_dispatch(&f, app, "POST", "/api/change",
                  "Content-Type: application/json", big);
    CU_ASSERT_EQUAL(f.res.status, 413);
    EC_ASSERT_STR(error_code(), "payload_too_large");
    CU_ASSERT_EQUAL(ran, 0);
    free(big);
}

static void
test_a_store_that_is_down_is_503(void)
{
    ran = 0;
    fake_dispatch(&f, app, "GET", "/needs-redis", NULL, NULL);
    CU_ASSERT_EQUAL(f.res.status, 503);
    EC_ASSERT_STR(error_code(), "unavailable");
    EC_ASSERT_STR(header("Retry-After"), "7");
    CU_ASSERT_EQUAL(ran, 0);
}

/* The simulator's routes are served only where it is configured (these
   settings set no payment_sim_secret_file): elsewhere they are 404 like
   any unknown path. */
static void
test_simulator_routes_only_when_configured(void)
{
    struct ec_app *plain = ec_app_new(&settings);
    const struct ec_route *r;
    struct ec_kvlist args;
    struct ec_arena a;
    unsigned allowed, flagged = 0;

    for (size_t i = 0; i < ec_routes_count; i++)
        flagged += (ec_routes[i].flags & EC_R_SIMULATOR) != 0;
    CU_ASSERT_EQUAL(flagged, 3);
    CU_ASSERT_EQUAL(plain->nroutes, ec_routes_count - flagged);
    for (size_t i = 0; i < plain->nroutes; i++)
        CU_ASSERT_FALSE(plain->routes[i].flags & EC_R_SIMULATOR);
    ec_arena_init(&a, 0);
    memset(&args, 0, sizeof(args));
    CU_ASSERT_EQUAL(ec_router_match(plain->routes, plain->nroutes, "GET",
                                    "/pay/sim/0123", &a, &r, &args, &allowed),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_router_match(plain->routes, plain->nroutes, "POST",
                                    "/api/v1/payments/stripe/webhook", &a, &r,
                                    &args, &allowed),
                    0);
    ec_arena_release(&a);
    ec_app_free(plain);
}

static const struct ec_test tests[] = {
    {"the simulator's routes only where it is configured",
     test_simulator_routes_only_when_configured},
    {"routes, 404, 405 with Allow, HEAD", test_routes_and_methods},
    {"every answer carries its id and security headers",
     test_every_answer_has_its_headers},
    {"a handler's error: JSON envelope or HTML page", test_handler_errors},
    {"FORM routes: a form with its token, else 403 or 415",
     test_form_posts_need_their_token},
    {"JSON_BODY routes: JSON or nothing, else 415",
     test_json_routes_take_only_json},
    {"JSON_BODY changes: the session's token from this origin, else 403",
     test_json_changes_need_their_token},
    {"a Bearer request is 401 api_key_invalid but on the admin API",
     test_api_keys_only_on_the_admin_api},
    {"the admin API: no key is 401 before the body, a session is no key",
     test_admin_api_needs_a_key},
    {"a body over max_body_size is 413 before the handler",
     test_bodies_are_bounded},
    {"a route's store down: 503 with Retry-After, no handler",
     test_a_store_that_is_down_is_503},
    {NULL, NULL},
};

/* The settings of text, read as ecomd reads its file. */
static int
load_settings(const char *text, char *err, size_t errsize)
{
    char path[] = "/tmp/ecomd-dispatch-test-XXXXXX";
    int fd = mkstemp(path), rc;
    size_t len = strlen(text);

    if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
        snprintf(err, errsize, "cannot write %s", path);
        return -1;
    }
    close(fd);
    rc = ec_settings_load(&settings, path, err, errsize);
    unlink(path);
    return rc;
}

int
main(void)
{
    const char *srcdir = getenv("EC_SRCDIR");
    char conf[1024], err[256];
    int rc;

    /* Redis on a port nothing listens on: the KV route's store is down */
    snprintf(conf, sizeof(conf),
             "listen = /tmp/ecomd-dispatch-test.sock\n"
             "templates_dir = %s/templates\n"
             "redis_port = 1\nredis_connect_timeout = 200\n"
             "mysql_port = 1\n"
             "retry_after = 7\nmax_body_size = 4k\n",
             srcdir ? srcdir : ".");
    if (load_settings(conf, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    app = ec_app_new(&settings);
    app->routes = routes;
    app->nroutes = sizeof(routes) / sizeof(routes[0]);
    fake_init(&f);
    rc = ec_test_run("app/dispatch", tests);
    fake_release(&f);
    ec_app_free(app);
    ec_settings_release(&settings);
    return rc;
}
