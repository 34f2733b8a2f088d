/*
 * The panel's API keys (docs/admin.md, MANAGE): the tenant's keys (name,
 * role, made, last used, revoked), a key made (shown once, on the answer
 * to the form, never again: only its hash is kept) and a key revoked,
 * each audited with the staff member as its actor (svc/api_key.c, as
 * `ecomctl apikey` does with actor cli).
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/crypto.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/api_key.h"
#include "svc/staff.h"
#include "svc/tenant.h"

/* The roles a key may have, in the form's order. */
static const enum ec_staff_role key_roles[] = {EC_STAFF_ADMIN, EC_STAFF_EDITOR,
                                               EC_STAFF_VIEWER};

/* Those roles as a form's options, current (-1: none) selected. */
static struct json_object *
role_options(struct ec_request *req, int current)
{
    return ec_admin_role_options(
        req, key_roles, sizeof(key_roles) / sizeof(*key_roles), current);
}

/* An instant of the table ("...Z") as the shop's clock shows it, or "". */
static struct json_object *
local(struct ec_request *req, const char *iso)
{
    char buf[24];
    int64_t t;

    if (!iso || !*iso ||
        ec_tztime_parse(NULL, iso, EC_TZTIME_COMPATIBLE, &t) < 0)
        return ec_json_str("");
    ec_admin_local_time(req, t, buf, sizeof(buf));
    return ec_json_str(buf);
}

struct listing {
    struct ec_request *req;
    struct json_object *list;
};

static int
add_key(const struct ec_api_key *k, void *ctx)
{
    struct listing *l = ctx;
    struct json_object *o = json_object_new_object();
    const char *role = ec_staff_role_name(k->role);

    json_object_object_add(o, "id", json_object_new_int64(k->id));
    json_object_object_add(o, "name", ec_json_str(k->name));
    json_object_object_add(o, "role_text",
                           ec_json_str(ec_admin_role_text(l->req, role)));
    json_object_object_add(o, "created_at", ec_json_str(k->created_at));
    json_object_object_add(o, "created_local", local(l->req, k->created_at));
    json_object_object_add(o, "last_used_at", ec_json_str(k->last_used_at));
    json_object_object_add(o, "last_used_local",
                           local(l->req, k->last_used_at));
    json_object_object_add(o, "revoked", json_object_new_boolean(k->revoked));
    json_object_array_add(l->list, o);
    return 0;
}

/* The screen with m's form state (taken over; NULL: an empty form). */
static int
keys_page(struct ec_request *req, struct ec_response *res,
          struct json_object *m, int status)
{
    struct listing l = {req, json_object_new_array()};
    struct json_object *v;
    int rc;

    if (!m)
        m = json_object_new_object();
    json_object_object_add(m, "keys", l.list);
    if (!json_object_object_get_ex(m, "new_roles", &v))
        json_object_object_add(m, "new_roles",
                               role_options(req, EC_STAFF_VIEWER));
    if ((rc = ec_api_key_each(req->env->db, req->tenant->id, add_key, &l)) <
        0) {
        json_object_put(m);
        return rc;
    }
    json_object_object_add(
        m, "has_keys",
        json_object_new_boolean(json_object_array_length(l.list) > 0));
    return ec_admin_page(req, res, "api_keys", "admin/api_keys", m, status);
}

/* GET /admin/api-keys */
int
ec_h_admin_api_keys(struct ec_request *req, struct ec_response *res)
{
    return keys_page(req, res, NULL, 200);
}

/* POST /admin/api-keys (name, role): the key made, and shown on this
   answer only; a bad field at its place, what was typed kept. */
int
ec_h_admin_form_api_key_create(struct ec_request *req, struct ec_response *res)
{
    const char *name = ec_request_form(req, "name");
    const char *role = ec_request_form(req, "role");
    int r = role ? ec_staff_role_parse(role) : -1;
    struct ec_audit_actor who = ec_admin_actor(req);
    struct json_object *m = json_object_new_object(), *err, *made;
    char key[EC_API_KEY_LEN + 1];
    const char *field = NULL;
    struct ec_api_key k;
    int rc;

    rc = ec_api_key_create(req->env->db, req->tenant->id, name ? name : "", r,
                           &who, key, &k, &field);
    if (rc == 0) {
        made = json_object_new_object();
        json_object_object_add(made, "name", ec_json_str(k.name));
        json_object_object_add(made, "key", ec_json_str(key));
        ec_mem_wipe(key, sizeof(key));
        json_object_object_add(m, "made", made);
        /* the key is in this answer: no cache may keep it */
        ec_response_header(res, "Cache-Control", "no-store");
        return keys_page(req, res, m, 201);
    }
    if (rc != EC_ERR_INVALID_FIELD && rc != EC_ERR_CONFLICT) {
        json_object_put(m);
        return rc;
    }
    if (rc == EC_ERR_CONFLICT || !field)
        field = "name";
    err = json_object_new_object();
    json_object_object_add(err, ec_arena_printf(req->arena, "at_%s", field),
                           json_object_new_boolean(1));
    json_object_object_add(
        err, "message",
        ec_json_str(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "admin.keys.error.%s%s", field,
                            rc == EC_ERR_CONFLICT ? "_taken" : ""))));
    json_object_object_add(m, "error", err);
    json_object_object_add(m, "new_name", ec_json_str(name ? name : ""));
    json_object_object_add(m, "new_roles", role_options(req, r));
    return keys_page(req, res, m, rc == EC_ERR_CONFLICT ? 409 : 422);
}

/* POST /admin/api-keys/{id}/revoke: the key stops at once; 303 back. */
int
ec_h_admin_form_api_key_revoke(struct ec_request *req, struct ec_response *res)
{
    const char *s = ec_request_route_arg(req, "id");
    struct ec_audit_actor who = ec_admin_actor(req);
    char *end;
    long long id = s ? strtoll(s, &end, 10) : 0;
    int rc;

    if (!s || !*s || *end || id <= 0)
        return EC_ERR_NOT_FOUND;
    if ((rc = ec_api_key_revoke(req->env->db, req->tenant->id, id, &who)) < 0)
        return rc;
    res->status = 303;
    ec_response_header(res, "Location", "/admin/api-keys");
    return 0;
}
