/*
 * The staff sign-in (docs/admin.md): /admin/sign-in on the tenant's own
 * host, its second step /admin/sign-in/code for a user who enrolled a
 * second factor, and /admin/sign-out. Plain forms, usable without
 * JavaScript; every post is a FORM route, so the dispatcher checked the
 * session's CSRF token before a handler here runs.
 *
 * A good password rotates the session's id (as the customers' sign-in
 * does) and marks the session signed in as that staff member, or, when
 * the user has a second factor, only as owing its code: that state
 * grants nothing (the dispatcher reads the staff field alone), and a good
 * code rotates the id again before the session becomes a staff session.
 * The staff fields sit apart from the customer's account in the session
 * record (svc/staff_session.h). Passwords and codes are never logged nor
 * shown back.
 */
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "handlers/session_id.h"
#include "http/redirect.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/staff.h"
#include "svc/staff_session.h"
#include "svc/staff_signin.h"
#include "svc/tenant.h"

/* the longest text a field takes; longer ones are refused as they are */
#define FIELD_MAX 512

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A form field as posted, cut to FIELD_MAX bytes ("" when absent). */
static const char *
field(struct ec_request *req, const char *k)
{
    const char *s = ec_request_form(req, k);

    if (!s)
        return "";
    return strlen(s) > FIELD_MAX ? ec_arena_strndup(req->arena, s, FIELD_MAX)
                                 : s;
}

/* The client's key for the sign-in limits, NULL when it is exempt. */
static const char *
limited_client(struct ec_request *req)
{
    if (!req->client ||
        ec_cidrs_match(req->env->limits_exempt, &req->client_addr))
        return NULL;
    return req->client;
}

static void
retry_after(struct ec_request *req, struct ec_response *res, long long ms)
{
    ec_response_header(
        res, "Retry-After",
        ec_arena_printf(req->arena, "%lld", ms > 0 ? (ms + 999) / 1000 : 1));
}

static int
see_other(struct ec_response *res, const char *where)
{
    res->status = 303;
    ec_response_header(res, "Location", where);
    return 0;
}

/*
 * The next a sign-in form carries on: a same-site path of plain
 * characters (what the dispatcher sends here: letters, digits, '/',
 * '-', '_', '.'), which needs no escaping in a query; else "".
 */
static const char *
plain_next(const char *next)
{
    const char *n = ec_redirect_path(next, "");

    return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789/-_.") == strlen(n)
               ? n
               : "";
}

/* Where to go once signed in: next, else the panel, or the shop's
   front page for a role that reads no panel (a sales agent sells in the
   storefront). */
static const char *
next_of(const char *next, enum ec_staff_role role)
{
    const char *n = plain_next(next);

    if (*n)
        return n;
    return ec_staff_can(role, EC_STAFF_READ) ? "/admin" : "/";
}

/*
 * The sign-in page in mode ("signin": address and password; "code": the
 * second factor's code) with status, next carried on, the address typed
 * (never a password) and, when rc is an error, its one message for the
 * form: never which of address, password or user was wrong.
 */
static int
signin_page(struct ec_request *req, struct ec_response *res, const char *mode,
            const char *next, const char *email, int rc)
{
    struct json_object *m = json_object_new_object();
    const char *msg;

    json_object_object_add(m, mode, json_object_new_boolean(1));
    json_object_object_add(m, "next", ec_json_str(plain_next(next)));
    json_object_object_add(m, "email", ec_json_str(email ? email : ""));
    if (rc < 0) {
        msg = ec_msgcat_find(
            req->texts, ec_arena_printf(req->arena, "admin.signin.error.%s",
                                        ec_err_info(rc)->code));
        json_object_object_add(
            m, "error", ec_json_str(msg ? msg : ec_err_info(rc)->message));
    }
    return ec_admin_page(req, res, NULL, "admin/sign_in", m,
                         rc < 0 ? ec_err_info(rc)->status : 200);
}

/* GET /admin/sign-in[?next=/admin/...] */
int
ec_h_admin_signin_page(struct ec_request *req, struct ec_response *res)
{
    return signin_page(req, res, "signin", ec_request_arg(req, "next"), NULL,
                       0);
}

/* POST /admin/sign-in: 303 to next (or to the code step), or the page
   again with one message. */
int
ec_h_admin_form_signin(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    const char *email = field(req, "email"), *pw = field(req, "password");
    const char *next = ec_request_form(req, "next");
    struct ec_staff st;
    long long wait = 0;
    int rc;

    rc = ec_staff_signin(env->db, env->kv, &env->signin, req->tenant->id,
                         req->tenant->slug, limited_client(req), email,
                         strlen(email), pw, strlen(pw), &st, &wait);
    if (rc == EC_ERR_RATE_LIMITED)
        retry_after(req, res, wait);
    if (rc == EC_ERR_SIGNIN_FAILED || rc == EC_ERR_RATE_LIMITED)
        return signin_page(req, res, "signin", next, email, rc);
    if (rc < 0)
        return rc;
    /* a new id before the session is worth more than the old one was */
    if ((rc = ec_h_session_renew(req)) < 0 ||
        (rc = ec_staff_session_set(env->kv, req->tenant->slug, req->session_id,
                                   st.id, st.has_totp, now_ms(),
                                   env->session_idle_ms)) < 0)
        return rc;
    /* the code step goes where this one would have */
    if (st.has_totp)
        return see_other(res, ec_arena_printf(req->arena,
                                              "/admin/sign-in/code?next=%s",
                                              next_of(next, st.role)));
    ec_log_info("staff %lld signed in at %s", st.id, req->tenant->slug);
    ec_hint_cookie(req, res, EC_STAFF_COOKIE, 1);
    return see_other(res, next_of(next, st.role));
}

/* The user the session owes a code for, when that is not too old: 0
   with *id, EC_ERR_NOT_SIGNED_IN, or a store error. */
static int
pending_staff(struct ec_request *req, long long *id)
{
    struct ec_staff_session ss;
    long long now = now_ms();
    int rc;

    *id = 0;
    if (!req->session_id || req->session_fresh)
        return EC_ERR_NOT_SIGNED_IN;
    if ((rc = ec_staff_session_read(req->env->kv, req->tenant->slug,
                                    req->session_id, req->env->session_idle_ms,
                                    req->arena, &ss)) < 0)
        return rc;
    if (!ss.pending || ss.pending_ms > now ||
        now - ss.pending_ms > EC_STAFF_PENDING_MS)
        return EC_ERR_NOT_SIGNED_IN;
    *id = ss.pending;
    return 0;
}

/* Back to the first step, next kept. */
static int
start_again(struct ec_request *req, struct ec_response *res, const char *next)
{
    const char *n = plain_next(next);

    return see_other(
        res, *n ? ec_arena_printf(req->arena, "/admin/sign-in?next=%s", n)
                : "/admin/sign-in");
}

/* GET /admin/sign-in/code: the second step, while the password's good
   (else back to the first). */
int
ec_h_admin_code_page(struct ec_request *req, struct ec_response *res)
{
    const char *next = ec_request_arg(req, "next");
    long long id;
    int rc = pending_staff(req, &id);

    if (rc == EC_ERR_NOT_SIGNED_IN)
        return start_again(req, res, next);
    if (rc < 0)
        return rc;
    return signin_page(req, res, "code", next, NULL, 0);
}

/* POST /admin/sign-in/code: a good code makes the session a staff
   session (a new id again); a wrong one shows the step again. */
int
ec_h_admin_form_code(struct ec_request *req, struct ec_response *res)
{
    const struct ec_env *env = req->env;
    const char *next = ec_request_form(req, "next");
    long long id, wait = 0;
    int rc = pending_staff(req, &id);

    if (rc == EC_ERR_NOT_SIGNED_IN)
        return start_again(req, res, next);
    if (rc < 0)
        return rc;
    rc = ec_staff_signin_code(env->db, env->kv, env->mitid.seal,
                              &env->signin.limits, req->tenant->slug,
                              limited_client(req), id, field(req, "code"),
                              (int64_t)time(NULL), &wait);
    if (rc == EC_ERR_RATE_LIMITED)
        retry_after(req, res, wait);
    if (rc == EC_ERR_SIGNIN_FAILED || rc == EC_ERR_RATE_LIMITED)
        return signin_page(req, res, "code", next, NULL, rc);
    if (rc < 0 || (rc = ec_h_session_renew(req)) < 0 ||
        (rc = ec_staff_session_set(env->kv, req->tenant->slug, req->session_id,
                                   id, 0, now_ms(), env->session_idle_ms)) < 0)
        return rc;
    ec_log_info("staff %lld signed in at %s (second factor)", id,
                req->tenant->slug);
    ec_hint_cookie(req, res, EC_STAFF_COOKIE, 1);
    return see_other(res, next_of(next, EC_STAFF_OPERATOR));
}

/* POST /admin/sign-out: the staff fields gone, a new session id (the
   customer's basket and account, if any, stay); 303 to the sign-in. */
int
ec_h_admin_form_signout(struct ec_request *req, struct ec_response *res)
{
    int rc;

    if (req->session_id && !req->session_fresh &&
        (rc = ec_staff_session_clear(req->env->kv, req->tenant->slug,
                                     req->session_id)) < 0)
        return rc;
    if ((rc = ec_h_session_renew(req)) < 0)
        return rc;
    ec_hint_cookie(req, res, EC_STAFF_COOKIE, 0);
    return see_other(res, "/admin/sign-in");
}
