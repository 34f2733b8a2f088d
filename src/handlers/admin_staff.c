/*
 * The panel's staff screen (docs/admin.md, MANAGE): the tenant's users
 * with their roles and whether they use a second factor, and the
 * platform's operators, who may act here too. A list only: users are
 * still added with `ecomctl staff`.
 */
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
#include "svc/tenant.h"

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

    json_object_object_add(o, "email", ec_json_str(s->email));
    json_object_object_add(o, "name", ec_json_str(s->name));
    json_object_object_add(o, "role", ec_json_str(role));
    json_object_object_add(
        o, "role_text",
        ec_json_str(ec_msgcat_text(
            l->req->texts,
            ec_arena_printf(l->req->arena, "admin.role.%s", role))));
    json_object_object_add(o, "totp", json_object_new_boolean(s->has_totp));
    json_object_object_add(o, "disabled", json_object_new_boolean(s->disabled));
    json_object_array_add(l->list, o);
    return 0;
}

/* GET /admin/staff */
int
ec_h_admin_staff(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();
    struct listing mine = {req, json_object_new_array()};
    struct listing ops = {req, json_object_new_array()};
    int rc;

    json_object_object_add(m, "users", mine.list);
    json_object_object_add(m, "operators", ops.list);
    if ((rc = ec_staff_each(req->env->db, req->tenant->id, add_user, &mine)) <
            0 ||
        (rc = ec_staff_each(req->env->db, 0, add_user, &ops)) < 0) {
        json_object_put(m);
        return rc;
    }
    return ec_admin_page(req, res, "staff", "admin/staff", m, 200);
}
