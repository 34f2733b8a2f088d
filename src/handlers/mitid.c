/*
 * The MitID step of the storefront (svc/mitid.h, docs/identity.md): a
 * page where the customer types their CPR number, the form post that
 * checks it and sends the customer to the tenant's broker, and the
 * callback the broker sends them back to, which attaches the matched
 * identity to the basket and shows the basket.
 *
 * The page and its form work without JavaScript; the post carries a CSRF
 * token (route flag FORM). The callback is a GET from the broker: its
 * "state" is single use and belongs to the basket of the request, so an
 * answer meant for another browser is refused. The callback URL is built
 * from the tenant's own host (a tenant_domains host, the port nginx
 * listens on), never from a parameter, so nothing here redirects where a
 * request says.
 *
 * The typed number is shown back only in the form that was posted (so a
 * mistake can be mended); everywhere else only masked. Nothing here logs
 * a number, a name, a code or a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/seal.h"
#include "core/tztime.h"
#include "handlers/basket.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/basket_identity.h"
#include "svc/cpr.h"
#include "svc/mitid.h"
#include "svc/tenant.h"

#define CALLBACK_PATH "/mitid/callback"
/* A typed CPR number longer than this is not one (spaces allowed). */
#define CPR_INPUT_MAX 32
/* Saves of the basket retried after someone else wrote it first. */
#define SAVE_TRIES 3

/* The same policy as the storefront's (form-action opens to the broker). */
static const char csp_format[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self' %s; "
    "frame-ancestors 'none'; report-uri /api/v1/csp-report";

static const char *
text(struct ec_request *req, const char *id)
{
    return ec_msgcat_text(req->texts, id);
}

/* The callback URL of this tenant host (ec_request_base_url()). */
static const char *
callback_uri(struct ec_request *req)
{
    return ec_arena_printf(req->arena, "%s" CALLBACK_PATH,
                           ec_request_base_url(req));
}

/* The origin (scheme://host[:port]) of an https URL, for the CSP. */
static const char *
origin_of(struct ec_request *req, const char *url)
{
    const char *p = strncmp(url, "https://", 8) == 0 ? url + 8 : NULL;
    size_t n;

    if (!p)
        return "";
    n = strcspn(p, "/?# ;'\"");
    return ec_arena_printf(req->arena, "https://%.*s", (int)n, p);
}

static int
load_config(struct ec_request *req, struct ec_mitid_config *c)
{
    int rc = ec_mitid_config_load(req->env->db, req->tenant->id, c);

    if (rc == EC_ERR_NOT_FOUND || (rc == 0 && !c->style))
        return EC_ERR_NOT_FOUND; /* this shop has no MitID step */
    if (rc == 0 && req->env->mitid.seal->n == 0) {
        ec_log_error("mitid: seal_keys_file is not set; the step is off");
        return EC_ERR_UNAVAILABLE;
    }
    return rc;
}

/* Today's date in the shop's time zone. */
static void
today(struct ec_request *req, int *y, int *m, int *d)
{
    struct ec_tztime_civil c = {1970, 1, 1, 0, 0, 0};

    ec_tztime_from_utc(req->tenant->zone, (int64_t)time(NULL), &c, NULL);
    *y = c.year;
    *m = c.month;
    *d = c.day;
}

/* "name (DDMMYY-xxxx)" data for the page and the basket. */
static struct json_object *
identity_json(const struct ec_basket_identity *id)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "verified",
                           json_object_new_boolean(id->verified));
    if (id->verified) {
        json_object_object_add(o, "name", ec_json_str(id->name));
        json_object_object_add(o, "cpr_masked", ec_json_str(id->masked));
        json_object_object_add(o, "broker", ec_json_str(id->broker));
        json_object_object_add(o, "verified_at",
                               json_object_new_int64(id->verified_at));
    }
    return o;
}

void
ec_basket_identity_model(struct ec_request *req, const struct ec_basket *b,
                         struct json_object *model)
{
    struct ec_basket_identity id;

    ec_basket_identity_get(b, &id);
    json_object_object_add(model, "identity", identity_json(&id));
    json_object_object_add(model, "needs_identity",
                           json_object_new_boolean(ec_basket_identity_needed(
                               b, req->tenant->mitid_required)));
    json_object_object_add(
        model, "identity_required",
        json_object_new_boolean(req->tenant->mitid_required));
    json_object_object_add(model, "identity_available",
                           json_object_new_boolean(req->tenant->mitid));
}

/*
 * The MitID page with status: the form (cpr: what was typed, or NULL),
 * the error recorded on res (err_message, err_field), what the basket
 * says of the customer.
 */
static int
page(struct ec_request *req, struct ec_response *res,
     const struct ec_mitid_config *c, const struct ec_basket *b,
     const char *cpr, int status)
{
    struct json_object *m = json_object_new_object();
    struct ec_basket_identity id;
    unsigned left;

    ec_basket_identity_get(b, &id);
    left = id.failures < EC_BASKET_IDENTITY_FAILURES_MAX
               ? EC_BASKET_IDENTITY_FAILURES_MAX - id.failures
               : 0;
    json_object_object_add(m, "csrf", ec_json_str(req->csrf_token));
    json_object_object_add(m, "cpr", ec_json_str(cpr ? cpr : ""));
    json_object_object_add(
        m, "has_basket",
        json_object_new_boolean(b->version > 0 && b->lines &&
                                json_object_array_length(b->lines)));
    json_object_object_add(m, "identity", identity_json(&id));
    json_object_object_add(m, "verified", json_object_new_boolean(id.verified));
    json_object_object_add(m, "blocked",
                           json_object_new_boolean(!id.verified && left == 0));
    json_object_object_add(m, "attempts_left", json_object_new_int((int)left));
    json_object_object_add(
        m, "required", json_object_new_boolean(req->tenant->mitid_required));
    if (res->err_message) {
        struct json_object *e = json_object_new_object();

        json_object_object_add(e, "message", ec_json_str(res->err_message));
        json_object_object_add(e, "field", ec_json_str(res->err_field));
        json_object_object_add(
            e, "at_cpr",
            json_object_new_boolean(res->err_field &&
                                    strcmp(res->err_field, "cpr") == 0));
        json_object_object_add(m, "error", e);
    }
    ec_response_header(
        res, "Content-Security-Policy",
        ec_arena_printf(req->arena, csp_format, origin_of(req, c->issuer)));
    res->status = status;
    ec_response_set_model(res, m, "mitid");
    return 0;
}

/* The page again with error rc, its words the catalog's message id. */
static int
page_failed(struct ec_request *req, struct ec_response *res,
            const struct ec_mitid_config *c, const struct ec_basket *b,
            const char *cpr, int rc, const char *field, const char *message_id)
{
    int status = ec_err_info(rc)->status;

    res->err_field = field;
    res->err_message = text(req, message_id);
    if (status == 503)
        ec_response_header(
            res, "Retry-After",
            ec_arena_printf(req->arena, "%ld", req->env->retry_after));
    return page(req, res, c, b, cpr, status);
}

/* GET /mitid */
int
ec_h_mitid_page(struct ec_request *req, struct ec_response *res)
{
    struct ec_mitid_config c;
    struct ec_basket b;
    int rc;

    if ((rc = load_config(req, &c)) < 0 ||
        (rc = ec_basket_current(req, &b)) < 0)
        return rc;
    return page(req, res, &c, &b, NULL, 200);
}

/* POST /mitid: check the number, then off to the broker (303). */
int
ec_h_mitid_start(struct ec_request *req, struct ec_response *res)
{
    const char *typed = ec_request_form(req, "cpr");
    struct ec_buf url = EC_BUF_INIT;
    struct ec_basket_identity id;
    struct ec_mitid_config c;
    struct ec_basket b;
    struct ec_cpr cpr;
    int rc, y, m, d;

    if ((rc = load_config(req, &c)) < 0 ||
        (rc = ec_basket_current(req, &b)) < 0)
        return rc;
    if (!typed)
        typed = "";
    if (strlen(typed) > CPR_INPUT_MAX)
        typed = ec_arena_strndup(req->arena, typed, CPR_INPUT_MAX);
    ec_basket_identity_get(&b, &id);
    if (b.version == 0 || !b.lines || json_object_array_length(b.lines) == 0)
        return page_failed(req, res, &c, &b, typed, EC_ERR_CONFLICT, NULL,
                           "mitid.error.no_basket");
    if (!ec_basket_identity_may_try(&id))
        return page_failed(req, res, &c, &b, NULL, EC_ERR_FORBIDDEN, NULL,
                           "mitid.error.too_many");
    if (ec_cpr_parse(typed, &cpr) < 0)
        return page_failed(req, res, &c, &b, typed, EC_ERR_INVALID_FIELD, "cpr",
                           "mitid.error.cpr_invalid");
    today(req, &y, &m, &d);
    if (!ec_cpr_is_adult(&cpr, y, m, d)) {
        ec_mem_wipe(&cpr, sizeof(cpr));
        return page_failed(req, res, &c, &b, typed, EC_ERR_INVALID_FIELD, "cpr",
                           "mitid.error.under_age");
    }
    rc = ec_mitid_begin(&req->env->mitid, req->tenant->slug, &c, b.id, &cpr,
                        callback_uri(req), req->arena, &url);
    ec_mem_wipe(&cpr, sizeof(cpr));
    if (rc < 0) {
        ec_buf_release(&url);
        if (rc == EC_ERR_UNAVAILABLE)
            return page_failed(req, res, &c, &b, typed, rc, NULL,
                               "mitid.error.broker_down");
        return rc;
    }
    /* for Idura the URL holds the typed number (login_hint): it goes to
       the Location header only, which no log records */
    res->status = 303;
    ec_response_header(res, "Location",
                       ec_arena_strndup(req->arena, url.data, url.len));
    ec_mem_wipe(url.data, url.len);
    ec_buf_release(&url);
    return 0;
}

/* What a change does to the basket's identity record before a save. */
enum change { NOTE_FAILURE, SET_VERIFIED };

struct verified {
    const char *sealed, *masked, *name, *broker;
};

/*
 * Apply the change to basket b and save it; when someone else wrote the
 * basket first, read it again and apply the change to that. 0 or an
 * ec_err (EC_ERR_NOT_FOUND: the basket is gone).
 */
static int
save_identity(struct ec_request *req, struct ec_basket *b, enum change what,
              const struct verified *v)
{
    struct ec_basket_policy p;
    int rc = EC_ERR_VERSION_CONFLICT;

    ec_basket_policy_of(req, &p);
    for (int i = 0; i < SAVE_TRIES && rc == EC_ERR_VERSION_CONFLICT; i++) {
        if (i > 0 && (rc = ec_basket_current(req, b)) < 0)
            return rc;
        if (b->version == 0)
            return EC_ERR_NOT_FOUND;
        if (what == NOTE_FAILURE)
            ec_basket_identity_note_failure(b);
        else
            ec_basket_identity_set_verified(b, v->sealed, v->masked, v->name,
                                            v->broker, (long long)time(NULL));
        rc = ec_basket_save(req->env->kv, req->tenant->slug, b, &p);
    }
    return rc;
}

/* A verified person attached to basket b, sealed. 0 or an ec_err. */
static int
attach(struct ec_request *req, const struct ec_mitid_config *c,
       struct ec_basket *b, struct ec_mitid_result *r)
{
    char masked[EC_CPR_MASKED_SIZE];
    struct ec_buf sealed = EC_BUF_INIT;
    struct verified v;
    int rc;

    rc = ec_seal_encrypt(req->env->mitid.seal,
                         ec_arena_printf(req->arena, "%s:%s", req->tenant->slug,
                                         EC_BASKET_CPR_CONTEXT),
                         r->cpr.digits, 10, &sealed);
    ec_cpr_mask(&r->cpr, masked);
    ec_mem_wipe(&r->cpr, sizeof(r->cpr));
    if (rc < 0) {
        ec_buf_release(&sealed);
        return EC_ERR_INTERNAL;
    }
    v = (struct verified){sealed.data, masked, r->name,
                          ec_mitid_style_name(c->style)};
    rc = save_identity(req, b, SET_VERIFIED, &v);
    ec_buf_release(&sealed);
    return rc;
}

/* GET /mitid/callback?code&state | ?error&state: the broker's answer. */
int
ec_h_mitid_callback(struct ec_request *req, struct ec_response *res)
{
    struct ec_mitid_answer a = {
        .state = ec_request_arg(req, "state"),
        .code = ec_request_arg(req, "code"),
        .error = ec_request_arg(req, "error"),
        .error_description = ec_request_arg(req, "error_description"),
    };
    struct ec_basket_identity id;
    struct ec_mitid_config c;
    struct ec_mitid_result r;
    struct ec_basket b;
    int rc, y, m, d;
    unsigned failures;

    if ((rc = load_config(req, &c)) < 0 ||
        (rc = ec_basket_current(req, &b)) < 0)
        return rc;
    ec_basket_identity_get(&b, &id);
    if (b.version == 0)
        return page_failed(req, res, &c, &b, NULL, EC_ERR_BAD_REQUEST, NULL,
                           "mitid.error.state");
    if (!ec_basket_identity_may_try(&id))
        return page_failed(req, res, &c, &b, NULL, EC_ERR_FORBIDDEN, NULL,
                           "mitid.error.too_many");
    a.basket_id = b.id;
    a.redirect_uri = callback_uri(req);
    rc = ec_mitid_finish(&req->env->mitid, req->tenant->slug, &c, &a,
                         req->arena, &r);
    if (rc < 0)
        return rc;
    ec_log_info("mitid %s: %s (%s)", req->tenant->slug,
                r.outcome == EC_MITID_VERIFIED ? "verified" : "not verified",
                r.why);
    switch (r.outcome) {
    case EC_MITID_VERIFIED:
        today(req, &y, &m, &d);
        if (!ec_cpr_is_adult(&r.cpr, y, m, d)) {
            ec_mem_wipe(&r.cpr, sizeof(r.cpr));
            return page_failed(req, res, &c, &b, NULL, EC_ERR_FORBIDDEN, NULL,
                               "mitid.error.under_age");
        }
        if ((rc = attach(req, &c, &b, &r)) < 0)
            return rc == EC_ERR_NOT_FOUND
                       ? page_failed(req, res, &c, &b, NULL, EC_ERR_BAD_REQUEST,
                                     NULL, "mitid.error.state")
                       : rc;
        res->status = 303;
        ec_response_header(res, "Location", "/basket");
        return 0;
    case EC_MITID_MISMATCH:
        if ((rc = save_identity(req, &b, NOTE_FAILURE, NULL)) < 0)
            return rc;
        ec_basket_identity_get(&b, &id);
        failures = id.failures;
        return page_failed(req, res, &c, &b, NULL, EC_ERR_FORBIDDEN, NULL,
                           failures >= EC_BASKET_IDENTITY_FAILURES_MAX
                               ? "mitid.error.too_many"
                               : "mitid.error.mismatch");
    case EC_MITID_BAD_STATE:
        return page_failed(req, res, &c, &b, NULL, EC_ERR_BAD_REQUEST, NULL,
                           "mitid.error.state");
    case EC_MITID_CANCELLED:
        return page_failed(req, res, &c, &b, NULL, EC_ERR_FORBIDDEN, NULL,
                           "mitid.error.cancelled");
    case EC_MITID_BROKER_DOWN:
        return page_failed(req, res, &c, &b, NULL, EC_ERR_UNAVAILABLE, NULL,
                           "mitid.error.broker_down");
    case EC_MITID_BAD_TOKEN:
    default:
        return page_failed(req, res, &c, &b, NULL, EC_ERR_FORBIDDEN, NULL,
                           "mitid.error.not_confirmed");
    }
}
