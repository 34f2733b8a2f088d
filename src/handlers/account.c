/*
 * Customers' accounts over HTTP (docs/identity.md): the JSON API
 * (/api/v1/account, /api/v1/session, the password reset) and the pages
 * with their plain form posts (/account, /account/sign-in, ...), which
 * work without JavaScript. Both paths call the same services and sign in
 * the same way (sign_in below): a new session id, the guest basket joined
 * to the account's, the account attached.
 *
 * Every change is a FORM or JSONB route, so the dispatcher checked the
 * session's CSRF token before a handler here runs. Passwords and reset
 * tokens are never logged, never kept past the request, and never shown
 * back in a form. After sign-in the shopper goes back to the same-site
 * path the form carried (next), never anywhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "handlers/account_mail.h"
#include "handlers/basket.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "handlers/session_id.h"
#include "http/csrf.h"
#include "http/redirect.h"
#include "http/request.h"
#include "http/response.h"
#include "http/session_cookie.h"
#include "render/messages.h"
#include "svc/account.h"
#include "svc/order.h"
#include "svc/account_basket.h"
#include "svc/account_session.h"
#include "svc/password_reset.h"
#include "svc/session.h"
#include "svc/signin.h"
#include "svc/tenant.h"

/* the longest text a field takes; longer ones are refused as they are */
#define FIELD_MAX 512

/* ---- what both paths share ---- */

/* The account id as sessions name it. */
static const char *
account_ref(struct ec_request *req, long long id)
{
    return ec_arena_printf(req->arena, "%lld", id);
}

void
ec_hint_cookie(struct ec_request *req, struct ec_response *res,
               const char *name, int on)
{
    long age = on ? (long)(req->env->session_absolute_ms / 1000) : 0;

    ec_response_header(res, "Set-Cookie",
                       ec_arena_printf(req->arena,
                                       "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
                                       "SameSite=Lax%s",
                                       name, on ? "1" : "", age,
                                       req->https ? "; Secure" : ""));
}

/*
 * Sign account a in: the session's id rotated (the old one names
 * nothing), its basket joined to the account's (*m), the account
 * attached. 0 or an ec_err.
 */
static int
sign_in(struct ec_request *req, struct ec_response *res,
        const struct ec_account *a, struct ec_basket_merge *m)
{
    const struct ec_env *env = req->env;
    const char *slug = req->tenant->slug, *ref = account_ref(req, a->id);
    struct ec_basket_policy p;
    const char *id;
    char old_hash[65];
    int rc;

    old_hash[0] = '\0';
    if (req->session_id && !req->session_fresh)
        ec_order_session_hash(req->session_id, old_hash);
    if ((rc = ec_h_session_renew(req)) < 0)
        return rc;
    id = req->session_id;
    ec_basket_policy_of(req, &p);
    if ((rc = ec_account_basket_merge(env->kv, slug, id, ref, a->name,
                                      env->session_idle_ms, &p, req->arena,
                                      m)) < 0 ||
        (rc = ec_session_set_account(env->kv, slug, id, ref,
                                     env->session_idle_ms,
                                     env->session_absolute_ms)) < 0)
        return rc;
    /* the orders the guest made in this session are the account's now */
    if (old_hash[0] &&
        ec_order_claim(env->db, req->tenant->id, old_hash, a->id, NULL) < 0)
        ec_log_warn("account %lld of %s: the session's orders were not "
                    "attached",
                    a->id, slug);
    ec_hint_cookie(req, res, EC_SIGNED_IN_COOKIE, 1);
    ec_log_info("account %lld of %s signed in (%u lines joined, %zu aside)",
                a->id, slug, m->joined, json_object_array_length(m->set_aside));
    return 0;
}

/* Sign the session out; the request continues as a new guest. */
static int
sign_out(struct ec_request *req, struct ec_response *res)
{
    char *id = ec_arena_alloc(req->arena, EC_SESSION_ID_SIZE);
    int rc;

    if (req->session_id && !req->session_fresh &&
        (rc = ec_session_sign_out(req->env->kv, req->tenant->slug,
                                  req->session_id, NULL)) < 0)
        return rc;
    ec_session_new_id(id);
    ec_h_session_adopt(req, id);
    ec_hint_cookie(req, res, EC_SIGNED_IN_COOKIE, 0);
    return 0;
}

/* The account the session is signed in as: 0 with *a, EC_ERR_NOT_SIGNED_IN
   or a store error. */
static int
current_account(struct ec_request *req, struct ec_account *a)
{
    struct ec_session s;
    int rc;

    if (!req->session_id || req->session_fresh)
        return EC_ERR_NOT_SIGNED_IN;
    if ((rc = ec_session_load(req->env->kv, req->tenant->slug, req->session_id,
                              req->env->session_idle_ms, req->arena, &s)) < 0)
        return rc;
    if (!s.account[0])
        return EC_ERR_NOT_SIGNED_IN;
    rc = ec_account_find(req->env->db, req->tenant->id, atoll(s.account), a);
    return rc == EC_ERR_NOT_FOUND ? EC_ERR_NOT_SIGNED_IN : rc;
}

static struct json_object *
account_json(const struct ec_account *a)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(a->id));
    json_object_object_add(o, "email", json_object_new_string(a->email));
    json_object_object_add(o, "name", json_object_new_string(a->name));
    json_object_object_add(o, "created_at",
                           json_object_new_string(a->created_at));
    return o;
}

static struct json_object *
merge_json(const struct ec_basket_merge *m)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "joined", json_object_new_int((int)m->joined));
    json_object_object_add(o, "locks_moved",
                           json_object_new_int((int)m->moved));
    json_object_object_add(o, "set_aside", json_object_get(m->set_aside));
    return o;
}

/* The Retry-After of a limited request. */
static void
retry_after(struct ec_request *req, struct ec_response *res, long long ms)
{
    ec_response_header(
        res, "Retry-After",
        ec_arena_printf(req->arena, "%lld", ms > 0 ? (ms + 999) / 1000 : 1));
}

/* The reset page's address for token on the shop's own host (the scheme
   and port the request came in on, never a parameter). */
static const char *
reset_link(struct ec_request *req, const char *token)
{
    const char *port = ec_kvlist_get(&req->params, "SERVER_PORT");
    int show = port && *port && strlen(port) <= 5 &&
               strspn(port, "0123456789") == strlen(port) &&
               strcmp(port, req->https ? "443" : "80") != 0;

    return ec_arena_printf(req->arena, "%s://%s%s%s/account/password-reset/%s",
                           req->https ? "https" : "http", req->host,
                           show ? ":" : "", show ? port : "", token);
}

/* A reset mail to send once the answer is out. */
struct later_mail {
    struct ec_mail *mail;
    const struct ec_msgcat *texts;
    const char *shop;
    struct ec_account account;
    char *link;
    long long ttl_ms;
};

static void
send_later(void *ctx)
{
    struct later_mail *l = ctx;

    if (ec_account_mail_reset(l->mail, l->texts, l->shop, &l->account, l->link,
                              l->ttl_ms) < 0)
        ec_log_error("the password reset mail of account %lld was not sent",
                     l->account.id);
    explicit_bzero(l->link, strlen(l->link));
}

/*
 * Ask for a reset of email's account: counted first (*verdict); a token
 * made either way (unless the address had its mails); the mail to the
 * account, when there is one, sent after the answer. 0 or an ec_err
 * (EC_ERR_RATE_LIMITED with Retry-After set).
 */
static int
reset_request(struct ec_request *req, struct ec_response *res,
              const char *email)
{
    const struct ec_env *env = req->env;
    char token[EC_RESET_TOKEN_LEN + 1];
    enum ec_reset_verdict verdict;
    struct later_mail *l;
    long long wait = 0;
    int found = 0, rc;
    int exempt =
        !req->client || ec_cidrs_match(env->limits_exempt, &req->client_addr);

    if ((rc = ec_reset_limit_take(env->kv, &env->reset, req->tenant->slug,
                                  email, exempt ? NULL : req->client, &verdict,
                                  &wait)) < 0)
        return rc;
    if (verdict == EC_RESET_REFUSED) {
        retry_after(req, res, wait);
        return EC_ERR_RATE_LIMITED;
    }
    if (verdict == EC_RESET_QUIET)
        return 0;
    l = ec_arena_calloc(req->arena, 1, sizeof(*l));
    rc = ec_reset_request(env->db, req->tenant->id, email, strlen(email),
                          env->password_reset_ttl_ms, &l->account, token,
                          &found);
    if (rc < 0 || !found) {
        explicit_bzero(token, sizeof(token));
        return rc;
    }
    l->mail = env->mail;
    l->texts = req->texts;
    l->shop = req->tenant->name;
    l->link = ec_arena_strdup(req->arena, reset_link(req, token));
    l->ttl_ms = env->password_reset_ttl_ms;
    explicit_bzero(token, sizeof(token));
    res->after = send_later;
    res->after_ctx = l;
    return 0;
}

/*
 * A sign-up counted against the client's limit (signin_client_max in
 * signin_window; exempt clients are not counted), before any hash: 0 or
 * EC_ERR_RATE_LIMITED with Retry-After set, or a store error.
 */
static int
signup_allowed(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    int exempt =
        !req->client || ec_cidrs_match(env->limits_exempt, &req->client_addr);
    long long wait = 0;
    int rc = ec_signup_limit_take(
        env->kv, req->tenant->slug, exempt ? NULL : req->client,
        env->signin.limits.client_max, env->signin.limits.window_ms, &wait);

    if (rc == EC_ERR_RATE_LIMITED)
        retry_after(req, res, wait);
    return rc;
}

/* A string member of the JSON body, or NULL (absent, not a string, too
   long). */
static const char *
body_str(struct ec_request *req, const char *k)
{
    struct json_object *v;

    if (!req->json || !json_object_object_get_ex(req->json, k, &v) ||
        !json_object_is_type(v, json_type_string) ||
        json_object_get_string_len(v) > FIELD_MAX)
        return NULL;
    return json_object_get_string(v);
}

static int
need_str(struct ec_response *res, const char *s, const char *field)
{
    if (s)
        return 0;
    return ec_fail(res, EC_ERR_INVALID_FIELD, field,
                   ec_arena_printf(res->arena,
                                   "%s must be a string of at most "
                                   "%d bytes.",
                                   field, FIELD_MAX));
}

/* ---- the JSON API ---- */

/* POST /api/v1/account {email, password, name}: 201, signed in. */
int
ec_h_account_create(struct ec_request *req, struct ec_response *res)
{
    const char *email = body_str(req, "email"), *pw = body_str(req, "password");
    const char *name = body_str(req, "name"), *field = NULL;
    struct ec_basket_merge m;
    struct ec_account a;
    struct json_object *o;
    int rc;

    if ((rc = need_str(res, email, "email")) < 0 ||
        (rc = need_str(res, name, "name")) < 0 ||
        (rc = need_str(res, pw, "password")) < 0 ||
        (rc = signup_allowed(req, res)) < 0)
        return rc;
    rc = ec_account_create(req->env->db, &req->env->signin.hash,
                           req->tenant->id, email, strlen(email), name,
                           strlen(name), pw, strlen(pw), &a, &field);
    if (rc < 0)
        return ec_fail(res, rc, field, NULL);
    if ((rc = sign_in(req, res, &a, &m)) < 0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "account", account_json(&a));
    json_object_object_add(o, "basket", merge_json(&m));
    res->status = 201;
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* The sign-in both paths make; 0 with *a, or an ec_err (Retry-After set
   when limited). */
static int
check_credentials(struct ec_request *req, struct ec_response *res,
                  const char *email, const char *pw, struct ec_account *a)
{
    const struct ec_env *env = req->env;
    int exempt =
        !req->client || ec_cidrs_match(env->limits_exempt, &req->client_addr);
    long long wait = 0;
    int rc;

    rc = ec_signin(env->db, env->kv, &env->signin, req->tenant->id,
                   req->tenant->slug, exempt ? NULL : req->client, email,
                   strlen(email), pw, strlen(pw), a, &wait);
    if (rc == EC_ERR_RATE_LIMITED)
        retry_after(req, res, wait);
    return rc;
}

/* POST /api/v1/session {email, password}: 200 and a new session id. */
int
ec_h_session_create(struct ec_request *req, struct ec_response *res)
{
    const char *email = body_str(req, "email"), *pw = body_str(req, "password");
    struct ec_basket_merge m;
    struct ec_account a;
    struct json_object *o;
    int rc;

    if ((rc = need_str(res, email, "email")) < 0 ||
        (rc = need_str(res, pw, "password")) < 0)
        return rc;
    if ((rc = check_credentials(req, res, email, pw, &a)) < 0 ||
        (rc = sign_in(req, res, &a, &m)) < 0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "account", account_json(&a));
    json_object_object_add(o, "basket", merge_json(&m));
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* DELETE /api/v1/session: signed out, a new guest session. */
int
ec_h_session_delete(struct ec_request *req, struct ec_response *res)
{
    struct json_object *o;
    int rc;

    if ((rc = sign_out(req, res)) < 0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "signed_in", json_object_new_boolean(0));
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* GET /api/v1/account: the signed-in account, 401 without one. */
int
ec_h_account_get(struct ec_request *req, struct ec_response *res)
{
    struct ec_account a;
    struct json_object *o;
    int rc;

    if ((rc = current_account(req, &a)) < 0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "account", account_json(&a));
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* POST /api/v1/account/password-reset {email}: always 202. */
int
ec_h_reset_request(struct ec_request *req, struct ec_response *res)
{
    const char *email = body_str(req, "email");
    struct json_object *o;
    int rc;

    if ((rc = need_str(res, email, "email")) < 0 ||
        (rc = reset_request(req, res, email)) < 0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "accepted", json_object_new_boolean(1));
    res->status = 202;
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* The new password set by token; every session of the account ended. */
static int
reset_complete(struct ec_request *req, struct ec_response *res,
               const char *token, const char *pw)
{
    const char *field = NULL;
    struct ec_account a;
    long long n = 0;
    int rc;

    rc =
        ec_reset_complete(req->env->db, &req->env->signin.hash, req->tenant->id,
                          token ? token : "", pw, strlen(pw), &a, &field);
    if (rc < 0)
        return ec_fail(res, rc, field, NULL);
    rc = ec_session_revoke_account(req->env->kv, req->tenant->slug,
                                   account_ref(req, a.id), &n);
    if (rc < 0)
        ec_log_error("password of account %lld reset; its sessions could not "
                     "be ended",
                     a.id);
    else
        ec_log_info("password of account %lld reset, %lld sessions ended", a.id,
                    n);
    return rc;
}

/* POST /api/v1/account/password-reset/{token} {password}: 200. */
int
ec_h_reset_complete(struct ec_request *req, struct ec_response *res)
{
    const char *pw = body_str(req, "password");
    struct json_object *o;
    int rc;

    if ((rc = need_str(res, pw, "password")) < 0 ||
        (rc = reset_complete(req, res, ec_request_route_arg(req, "token"),
                             pw)) < 0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "password_changed", json_object_new_boolean(1));
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* ---- the pages ---- */

/* A form field as posted, cut to FIELD_MAX bytes. */
static const char *
form_str(struct ec_request *req, const char *k)
{
    const char *s = ec_request_form(req, k);

    if (!s)
        return "";
    if (strlen(s) > FIELD_MAX)
        return ec_arena_strndup(req->arena, s, FIELD_MAX);
    return s;
}

/*
 * The account page in mode (signin, signup, profile, reset_request,
 * reset_sent, reset_form, reset_done, reset_invalid), with status, the
 * fields to show again in model (never a password), and the error
 * recorded on res (err_field, err_message) at its field.
 */
static int
page(struct ec_request *req, struct ec_response *res, const char *mode,
     struct json_object *m, int status)
{
    if (!m)
        m = json_object_new_object();
    json_object_object_add(m, mode, json_object_new_boolean(1));
    json_object_object_add(m, "mode", json_object_new_string(mode));
    json_object_object_add(m, "csrf", ec_json_str(req->csrf_token));
    if (res->err_message) {
        struct json_object *e = json_object_new_object();
        const char *f = res->err_field ? res->err_field : "";

        json_object_object_add(e, "message", ec_json_str(res->err_message));
        json_object_object_add(e, "field", ec_json_str(f));
        json_object_object_add(
            e, "at_email", json_object_new_boolean(strcmp(f, "email") == 0));
        json_object_object_add(e, "at_name",
                               json_object_new_boolean(strcmp(f, "name") == 0));
        json_object_object_add(
            e, "at_password",
            json_object_new_boolean(strcmp(f, "password") == 0));
        json_object_object_add(e, "at_form",
                               json_object_new_boolean(*f == '\0'));
        json_object_object_add(m, "error", e);
    }
    res->status = status;
    ec_response_set_model(res, m, "account");
    return 0;
}

/* The page again with error rc in the shop's words. */
static int
page_failed(struct ec_request *req, struct ec_response *res, const char *mode,
            struct json_object *m, int rc)
{
    const char *code = ec_err_info(rc)->code, *s = NULL;

    if (ec_err_info(rc)->status >= 500 && rc != EC_ERR_UNAVAILABLE) {
        json_object_put(m);
        return rc;
    }
    if (res->err_field)
        s = ec_msgcat_find(req->texts,
                           ec_arena_printf(req->arena, "account.error.%s.%s",
                                           res->err_field, code));
    if (!s)
        s = ec_msgcat_find(req->texts,
                           ec_arena_printf(req->arena, "error_page.%s", code));
    res->err_message = s ? s : ec_err_info(rc)->message;
    if (rc == EC_ERR_SIGNIN_FAILED || rc == EC_ERR_RATE_LIMITED)
        res->err_field = NULL; /* one message for the form: never which */
    return page(req, res, mode, m, ec_err_info(rc)->status);
}

static int
see_other(struct ec_response *res, const char *where)
{
    res->status = 303;
    ec_response_header(res, "Location", where);
    return 0;
}

/* The fields shown again: name and e-mail as typed, and next. */
static struct json_object *
typed(struct ec_request *req, int name)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "email", ec_json_str(form_str(req, "email")));
    if (name)
        json_object_object_add(m, "name", ec_json_str(form_str(req, "name")));
    json_object_object_add(
        m, "next",
        ec_json_str(ec_redirect_path(ec_request_form(req, "next"), "")));
    return m;
}

/* The sign-in or sign-up page (mode), carrying ?next= (a same-site
   path only) on to its form. */
static int
entry_page(struct ec_request *req, struct ec_response *res, const char *mode)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(
        m, "next",
        ec_json_str(ec_redirect_path(ec_request_arg(req, "next"), "")));
    return page(req, res, mode, m, 200);
}

/* GET /account/sign-in[?next=/path] */
int
ec_h_signin_page(struct ec_request *req, struct ec_response *res)
{
    return entry_page(req, res, "signin");
}

/* POST /account/sign-in: 303 back where the shopper came from. */
int
ec_h_form_signin(struct ec_request *req, struct ec_response *res)
{
    const char *email = form_str(req, "email"), *pw = form_str(req, "password");
    struct ec_basket_merge m;
    struct ec_account a;
    int rc;

    if ((rc = check_credentials(req, res, email, pw, &a)) < 0)
        return page_failed(req, res, "signin", typed(req, 0), rc);
    if ((rc = sign_in(req, res, &a, &m)) < 0)
        return rc;
    return see_other(res, ec_redirect_path(ec_request_form(req, "next"),
                                           json_object_array_length(m.set_aside)
                                               ? "/basket"
                                               : "/account"));
}

/* GET /account/sign-up[?next=/path] */
int
ec_h_signup_page(struct ec_request *req, struct ec_response *res)
{
    return entry_page(req, res, "signup");
}

/* POST /account/sign-up: the account made and signed in, 303. */
int
ec_h_form_signup(struct ec_request *req, struct ec_response *res)
{
    const char *email = form_str(req, "email"), *pw = form_str(req, "password");
    const char *name = form_str(req, "name"), *field = NULL;
    struct ec_basket_merge m;
    struct ec_account a;
    int rc;

    rc = signup_allowed(req, res);
    if (rc == 0)
        rc = ec_account_create(req->env->db, &req->env->signin.hash,
                               req->tenant->id, email, strlen(email), name,
                               strlen(name), pw, strlen(pw), &a, &field);
    if (rc < 0) {
        res->err_field = field;
        return page_failed(req, res, "signup", typed(req, 1), rc);
    }
    if ((rc = sign_in(req, res, &a, &m)) < 0)
        return rc;
    return see_other(
        res, ec_redirect_path(ec_request_form(req, "next"), "/account"));
}

/* The account's orders, newest first, into m for the account page. */
static int
orders_model(struct ec_request *req, const struct ec_account *a,
             struct json_object *m)
{
    struct ec_order_owner owner = {a->id, NULL};
    struct json_object *list, *id;
    int rc;

    if ((rc = ec_order_list(req->env->db, req->tenant->id, &owner,
                            EC_ORDER_LIST_DEFAULT, &list)) < 0)
        return rc;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i);

        ec_order_texts(req, o);
        if (json_object_object_get_ex(o, "id", &id))
            json_object_object_add(
                o, "short_id",
                json_object_new_string_len(json_object_get_string(id), 8));
    }
    json_object_object_add(
        m, "has_orders",
        json_object_new_boolean(json_object_array_length(list) > 0));
    json_object_object_add(m, "orders", list);
    return 0;
}

/* GET /account: the signed-in customer's page, else off to sign in. */
int
ec_h_account_page(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m;
    struct ec_account a;
    int rc;

    rc = current_account(req, &a);
    if (rc == EC_ERR_NOT_SIGNED_IN)
        return see_other(res, "/account/sign-in?next=/account");
    if (rc < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "account", account_json(&a));
    if ((rc = orders_model(req, &a, m)) < 0) {
        json_object_put(m);
        return rc;
    }
    return page(req, res, "profile", m, 200);
}

/* POST /account/sign-out: 303 to the front page, a guest again. */
int
ec_h_form_signout(struct ec_request *req, struct ec_response *res)
{
    int rc;

    if ((rc = sign_out(req, res)) < 0)
        return rc;
    return see_other(res, "/");
}

/* GET /account/password-reset */
int
ec_h_reset_request_page(struct ec_request *req, struct ec_response *res)
{
    return page(req, res, "reset_request", NULL, 200);
}

/* POST /account/password-reset: the same page for every address. */
int
ec_h_form_reset_request(struct ec_request *req, struct ec_response *res)
{
    int rc = reset_request(req, res, form_str(req, "email"));

    if (rc < 0)
        return page_failed(req, res, "reset_request", typed(req, 0), rc);
    return page(req, res, "reset_sent", NULL, 200);
}

/* GET /account/password-reset/{token}: the form, or why not. */
int
ec_h_reset_page(struct ec_request *req, struct ec_response *res)
{
    const char *token = ec_request_route_arg(req, "token");
    struct json_object *m;
    int rc = ec_reset_check(req->env->db, req->tenant->id, token ? token : "");

    if (rc == EC_ERR_RESET_TOKEN_INVALID)
        return page(req, res, "reset_invalid", NULL, 410);
    if (rc < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "token", ec_json_str(token));
    return page(req, res, "reset_form", m, 200);
}

/* POST /account/password-reset/{token}: the new password. */
int
ec_h_form_reset(struct ec_request *req, struct ec_response *res)
{
    const char *token = ec_request_route_arg(req, "token");
    struct json_object *m;
    int rc;

    rc = reset_complete(req, res, token, form_str(req, "password"));
    if (rc == EC_ERR_RESET_TOKEN_INVALID)
        return page(req, res, "reset_invalid", NULL, 410);
    if (rc < 0) {
        m = json_object_new_object();
        json_object_object_add(m, "token", ec_json_str(token));
        return page_failed(req, res, "reset_form", m, rc);
    }
    return page(req, res, "reset_done", NULL, 200);
}
