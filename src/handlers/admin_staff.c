/*
 * The panel's staff screen (docs/admin.md, MANAGE): the tenant's users
 * with their roles and whether they use a second factor, and the
 * platform's operators, who may act here too; a user added with an
 * initial password, a role changed, a user disabled or enabled, each
 * audited with the staff member as its actor (svc/staff_admin.c, which
 * holds the rules: not oneself, never the tenant's last admin).
 * Operators are not managed here.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/staff.h"
#include "svc/staff_admin.h"
#include "svc/tenant.h"

/* The roles a tenant's user may be given here, in the form's order. */
static const enum ec_staff_role tenant_roles[] = {
    EC_STAFF_ADMIN, EC_STAFF_EDITOR, EC_STAFF_VIEWER, EC_STAFF_AGENT};

/* Those roles as a form's options, current (-1: none) selected. */
static struct json_object *
role_options(struct ec_request *req, int current)
{
    return ec_admin_role_options(req, tenant_roles,
                                 sizeof(tenant_roles) / sizeof(*tenant_roles),
                                 current);
}

struct listing {
    struct ec_request *req;
    struct json_object *list;
};

static int
add_user(const struct ec_staff *s, void *ctx)
{
    struct listing *l = ctx;
    struct json_object *o = json_object_new_object();
    const char *role = ec_staff_role_name(s->role);

    json_object_object_add(o, "id", json_object_new_int64(s->id));
    json_object_object_add(o, "email", ec_json_str(s->email));
    json_object_object_add(o, "name", ec_json_str(s->name));
    json_object_object_add(o, "role", ec_json_str(role));
    json_object_object_add(o, "role_text",
                           ec_json_str(ec_admin_role_text(l->req, role)));
    json_object_object_add(o, "totp", json_object_new_boolean(s->has_totp));
    json_object_object_add(o, "disabled", json_object_new_boolean(s->disabled));
    /* the forms of a tenant's user, not of an operator's row */
    if (s->tenant_id) {
        json_object_object_add(o, "roles", role_options(l->req, (int)s->role));
        json_object_object_add(
            o, "self", json_object_new_boolean(s->id == l->req->staff->id));
    }
    json_object_array_add(l->list, o);
    return 0;
}

/* The screen with m's form state (taken over; NULL: an empty form). */
static int
staff_page(struct ec_request *req, struct ec_response *res,
           struct json_object *m, int status)
{
    struct listing mine = {req, json_object_new_array()};
    struct listing ops = {req, json_object_new_array()};
    struct json_object *role;
    int rc;

    if (!m)
        m = json_object_new_object();
    json_object_object_add(m, "users", mine.list);
    json_object_object_add(m, "operators", ops.list);
    if (!json_object_object_get_ex(m, "new_role", &role))
        json_object_object_add(m, "new_roles",
                               role_options(req, EC_STAFF_VIEWER));
    if ((rc = ec_staff_each(req->env->db, req->tenant->id, add_user, &mine)) <
            0 ||
        (rc = ec_staff_each(req->env->db, 0, add_user, &ops)) < 0) {
        json_object_put(m);
        return rc;
    }
    return ec_admin_page(req, res, "staff", "admin/staff", m, status);
}

/* GET /admin/staff */
int
ec_h_admin_staff(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();
    const char *done = ec_request_arg(req, "done");

    /* after a change (303 here): say what was done */
    if (done && (strcmp(done, "created") == 0 || strcmp(done, "changed") == 0))
        json_object_object_add(
            m, "notice",
            ec_json_str(ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "admin.staff.done.%s", done))));
    return staff_page(req, res, m, 200);
}

static int
back(struct ec_request *req, struct ec_response *res, const char *done)
{
    res->status = 303;
    ec_response_header(
        res, "Location",
        ec_arena_printf(req->arena, "/admin/staff?done=%s", done));
    return 0;
}

/* POST /admin/staff (email, name, role, password): a new user of the
   tenant; an error at its field with what was typed kept (never the
   password). */
int
ec_h_admin_form_staff_create(struct ec_request *req, struct ec_response *res)
{
    const char *email = ec_request_form(req, "email");
    const char *name = ec_request_form(req, "name");
    const char *role = ec_request_form(req, "role");
    const char *pw = ec_request_form(req, "password");
    struct ec_audit_actor who = ec_admin_actor(req);
    int r = role ? ec_staff_role_parse(role) : -1;
    struct json_object *m, *err;
    const char *field = NULL;
    struct ec_staff out;
    int rc;

    rc = ec_staff_admin_create(req->env->db, &req->env->signin.hash,
                               req->tenant->id, email, name, r, pw, &who, &out,
                               &field);
    if (rc == 0)
        return back(req, res, "created");
    if (rc != EC_ERR_INVALID_FIELD && rc != EC_ERR_EMAIL_TAKEN)
        return rc;
    if (!field)
        field = "role";
    m = json_object_new_object();
    err = json_object_new_object();
    json_object_object_add(err, ec_arena_printf(req->arena, "at_%s", field),
                           json_object_new_boolean(1));
    json_object_object_add(
        err, "message",
        ec_json_str(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "admin.staff.error.%s%s", field,
                            rc == EC_ERR_EMAIL_TAKEN ? "_taken" : ""))));
    json_object_object_add(m, "error", err);
    json_object_object_add(m, "new_email", ec_json_str(email ? email : ""));
    json_object_object_add(m, "new_name", ec_json_str(name ? name : ""));
    json_object_object_add(m, "new_role", ec_json_str(role ? role : ""));
    json_object_object_add(m, "new_roles", role_options(req, r));
    return staff_page(req, res, m, rc == EC_ERR_EMAIL_TAKEN ? 409 : 422);
}

/* The route's {id}: a positive number, else 0 (no user has it). */
static long long
user_id(struct ec_request *req)
{
    const char *s = ec_request_route_arg(req, "id");
    char *end;
    long long id = s ? strtoll(s, &end, 10) : 0;

    return s && *s && !*end && id > 0 ? id : 0;
}

/* A refused change: the screen again, saying why, 409. */
static int
refused(struct ec_request *req, struct ec_response *res, const char *why)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(
        m, "refusal",
        ec_json_str(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "admin.staff.refused.%s", why))));
    return staff_page(req, res, m, 409);
}

static int
after_change(struct ec_request *req, struct ec_response *res, int rc,
             const char *why)
{
    if (rc == EC_ERR_CONFLICT && why)
        return refused(req, res, why);
    if (rc < 0)
        return rc;
    return back(req, res, "changed");
}

/* POST /admin/staff/{id}/role (role) */
int
ec_h_admin_form_staff_role(struct ec_request *req, struct ec_response *res)
{
    const char *role = ec_request_form(req, "role");
    struct ec_audit_actor who = ec_admin_actor(req);
    const char *why = NULL;
    long long id = user_id(req);
    int rc;

    if (!id)
        return EC_ERR_NOT_FOUND;
    rc = ec_staff_admin_set_role(req->env->db, req->tenant->id, id,
                                 role ? ec_staff_role_parse(role) : -1, &who,
                                 &why);
    if (rc == EC_ERR_INVALID_FIELD)
        return refused(req, res, "role");
    return after_change(req, res, rc, why);
}

static int
set_disabled(struct ec_request *req, struct ec_response *res, int disabled)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    const char *why = NULL;
    long long id = user_id(req);
    int rc;

    if (!id)
        return EC_ERR_NOT_FOUND;
    rc = ec_staff_admin_set_disabled(req->env->db, req->tenant->id, id,
                                     disabled, &who, &why);
    return after_change(req, res, rc, why);
}

/* POST /admin/staff/{id}/disable, /enable */
int
ec_h_admin_form_staff_disable(struct ec_request *req, struct ec_response *res)
{
    return set_disabled(req, res, 1);
}

int
ec_h_admin_form_staff_enable(struct ec_request *req, struct ec_response *res)
{
    return set_disabled(req, res, 0);
}
