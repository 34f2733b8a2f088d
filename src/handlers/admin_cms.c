/*
 * The panel's Contentful screen (docs/cms.md, MANAGE): the shop's space,
 * environment and locale mapping, and its delivery token and webhook
 * secret, which are written, never shown: a blank field keeps the one
 * stored. The address to give Contentful for the webhook is shown too.
 * A change goes through ec_cms_settings_change(), audited as the staff
 * member's, in one transaction with the settings.
 */
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/audit.h"
#include "svc/cms.h"
#include "svc/tenant.h"

/* The form's fields as they stand (stored, or as typed), the secrets'
   state, and the webhook's address. */
static struct json_object *
cms_model(struct ec_request *req, const struct ec_cms_settings *s)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "space_id", ec_json_str(s->space_id));
    json_object_object_add(
        m, "environment",
        ec_json_str(s->environment[0] ? s->environment : "master"));
    json_object_object_add(m, "locales", ec_json_str(s->locales));
    json_object_object_add(m, "has_token",
                           json_object_new_boolean(s->token_sealed[0] != 0));
    json_object_object_add(m, "has_secret",
                           json_object_new_boolean(s->secret_sealed[0] != 0));
    json_object_object_add(m, "webhook_url",
                           ec_json_str(ec_arena_printf(
                               req->arena, "%s/hooks/contentful/%s",
                               ec_request_base_url(req), req->tenant->slug)));
    return m;
}

/* The stored settings into *s (all empty when there are none). */
static int
stored(struct ec_request *req, struct ec_cms_settings *s)
{
    int rc = ec_cms_settings_load(req->env->db, req->tenant->id, s);

    if (rc == EC_ERR_NOT_FOUND) {
        memset(s, 0, sizeof(*s));
        return 0;
    }
    return rc;
}

/* GET /admin/cms */
int
ec_h_admin_cms(struct ec_request *req, struct ec_response *res)
{
    struct ec_cms_settings s;
    struct json_object *m;
    int rc;

    if ((rc = stored(req, &s)) < 0)
        return rc;
    m = cms_model(req, &s);
    if (ec_request_arg(req, "saved"))
        json_object_object_add(m, "saved", json_object_new_boolean(1));
    return ec_admin_page(req, res, "cms", "admin/cms", m, 200);
}

/* A form field, or NULL when it is missing or blank (a secret left
   blank keeps the stored one). */
static const char *
given(struct ec_request *req, const char *name)
{
    const char *v = ec_request_form(req, name);

    return v && *v ? v : NULL;
}

/* What into dst (size bytes), "" when it is missing or too long (the
   service's check then names it). */
static void
field_into(char *dst, size_t size, const char *v)
{
    dst[0] = '\0';
    if (v && strlen(v) < size)
        memcpy(dst, v, strlen(v) + 1);
}

/* POST /admin/cms: 303 back to the screen, or the screen again with
   why at the top and what was typed kept (never a secret). */
int
ec_h_admin_form_cms(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    const char *token = given(req, "delivery_token");
    const char *secret = given(req, "webhook_secret");
    struct ec_cms_settings s;
    struct json_object *m;
    const char *why = NULL;
    int rc;

    if ((rc = stored(req, &s)) < 0)
        return rc;
    field_into(s.space_id, sizeof(s.space_id),
               ec_request_form(req, "space_id"));
    field_into(s.environment, sizeof(s.environment),
               ec_request_form(req, "environment"));
    field_into(s.locales, sizeof(s.locales), ec_request_form(req, "locales"));
    rc = ec_cms_settings_change(req->env->db, req->env->seal, req->tenant->id,
                                req->tenant->slug, &s, token, secret, &who,
                                &why);
    /* the request's copies of the secrets: not kept past this point */
    if (token)
        ec_mem_wipe((void *)token, strlen(token));
    if (secret)
        ec_mem_wipe((void *)secret, strlen(secret));
    if (rc == EC_ERR_INVALID_FIELD) {
        m = cms_model(req, &s);
        json_object_object_add(m, "error", ec_json_str(why));
        return ec_admin_page(req, res, "cms", "admin/cms", m, 422);
    }
    if (rc < 0)
        return rc;
    res->status = 303;
    ec_response_header(res, "Location", "/admin/cms?saved=1");
    return 0;
}
