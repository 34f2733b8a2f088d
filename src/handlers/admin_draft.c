/*
 * The panel's catalog draft (docs/admin.md, "Drafts, publishing and
 * preview"): what the draft changes, each object linked to its form;
 * publish now, publish at an instant (the delivery process does it then),
 * cancel that, discard a change or all. Publishing is
 * ec_catalog_draft_publish(): the import's checks, one audit row per
 * object changed, the workers told.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/catalog_draft.h"
#include "svc/tenant.h"

/* Where the panel edits an object of type with key. */
static const char *
edit_href(struct ec_request *req, const char *type, const char *key)
{
    if (strcmp(type, "product") == 0)
        return ec_arena_printf(req->arena, "/admin/products/%s", key);
    if (strcmp(type, "campaign") == 0)
        return ec_arena_printf(req->arena, "/admin/campaigns/%s", key);
    if (strcmp(type, "channel") == 0)
        return ec_arena_printf(req->arena, "/admin/channels/%s", key);
    return "/admin/channels";
}

/* The changes as the screen lists them. */
static void
changes_model(struct ec_request *req, struct json_object *changes)
{
    for (size_t i = 0; i < json_object_array_length(changes); i++) {
        struct json_object *c = json_object_array_get_idx(changes, i), *v;
        const char *type, *key;
        char when[32];

        json_object_object_get_ex(c, "type", &v);
        type = json_object_get_string(v);
        json_object_object_get_ex(c, "key", &v);
        key = json_object_get_string(v);
        json_object_object_add(c, "href",
                               ec_json_str(edit_href(req, type, key)));
        json_object_object_add(
            c, "type_text",
            ec_json_str(ec_admin_text(req, "admin.draft.type.", type)));
        json_object_object_get_ex(c, "action", &v);
        json_object_object_add(
            c, "action_text",
            ec_json_str(ec_admin_text(req, "admin.draft.action.",
                                      json_object_get_string(v))));
        json_object_object_get_ex(c, "updated_at", &v);
        ec_admin_local_time(req, json_object_get_int64(v), when, sizeof(when));
        json_object_object_add(c, "when", ec_json_str(when));
    }
}

/* The screen, with error (or NULL) at the top. */
static int
draft_page(struct ec_request *req, struct ec_response *res, const char *error,
           int status)
{
    struct json_object *m = json_object_new_object(), *changes;
    struct ec_catalog_schedule s;
    const char *flash;
    char when[32];
    int rc;

    if ((rc = ec_catalog_draft_changes(req->env->db, req->tenant->slug,
                                       &changes)) < 0 ||
        (rc = ec_catalog_draft_schedule_get(req->env->db, req->tenant->slug,
                                            &s)) < 0) {
        json_object_put(m);
        return rc;
    }
    changes_model(req, changes);
    json_object_object_add(
        m, "n", json_object_new_int((int)json_object_array_length(changes)));
    json_object_object_add(m, "changes", changes);
    json_object_object_add(m, "can_edit",
                           json_object_new_boolean(ec_staff_can(
                               req->staff->role, EC_STAFF_EDIT_CATALOG)));
    if (s.publish_at) {
        ec_admin_local_time(req, s.publish_at, when, sizeof(when));
        json_object_object_add(m, "scheduled", ec_json_str(when));
        json_object_object_add(m, "scheduled_by", ec_json_str(s.by));
    }
    if (s.last_error[0])
        json_object_object_add(m, "schedule_failed", ec_json_str(s.last_error));
    if ((flash = ec_request_arg(req, "published")))
        json_object_object_add(m, "published", ec_json_str(flash));
    if (ec_request_arg(req, "done"))
        json_object_object_add(m, "done", json_object_new_boolean(1));
    json_object_object_add(m, "at", ec_json_str(ec_request_form(req, "at")));
    if (error)
        json_object_object_add(m, "error", ec_json_str(error));
    return ec_admin_page(req, res, "draft", "admin/draft", m, status);
}

/* GET /admin/draft */
int
ec_h_admin_draft(struct ec_request *req, struct ec_response *res)
{
    return draft_page(req, res, NULL, 200);
}

static int
back(struct ec_request *req, struct ec_response *res, const char *query)
{
    res->status = 303;
    ec_response_header(res, "Location",
                       ec_arena_printf(req->arena, "/admin/draft?%s", query));
    return 0;
}

/* A rule the draft breaks, as the screen says it: the path in the
   catalog document and why. */
static const char *
broken(struct ec_request *req, const struct ec_check_error *err)
{
    return ec_arena_printf(req->arena, "%s %s: %s",
                           ec_msgcat_text(req->texts, "admin.draft.broken"),
                           err->path, err->message);
}

/* POST /admin/draft/publish */
int
ec_h_admin_form_draft_publish(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    struct ec_check_error err;
    int changed, rc;

    rc = ec_catalog_draft_publish(req->env->db, req->env->kv, req->tenant->slug,
                                  &who, &err, &changed);
    if (rc == EC_ERR_INVALID_FIELD)
        return draft_page(req, res, broken(req, &err), 422);
    if (rc < 0)
        return rc;
    return back(req, res, ec_arena_printf(req->arena, "published=%d", changed));
}

/* POST /admin/draft/schedule: at, a local date and time to come */
int
ec_h_admin_form_draft_schedule(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    const char *at = ec_request_form(req, "at");
    struct ec_check_error err;
    int64_t t;
    int rc;

    if (!at || ec_tztime_parse(req->tenant->zone, at, EC_TZTIME_REJECT, &t) < 0)
        return draft_page(
            req, res, ec_msgcat_text(req->texts, "admin.draft.bad_at"), 422);
    if (t <= (int64_t)time(NULL))
        return draft_page(
            req, res, ec_msgcat_text(req->texts, "admin.draft.past_at"), 422);
    rc = ec_catalog_draft_schedule(req->env->db, req->tenant->slug, t, &who,
                                   &err);
    if (rc == EC_ERR_NOT_FOUND)
        return draft_page(req, res,
                          ec_msgcat_text(req->texts, "admin.draft.empty"), 422);
    if (rc == EC_ERR_INVALID_FIELD)
        return draft_page(req, res, broken(req, &err), 422);
    if (rc < 0)
        return rc;
    return back(req, res, "done=1");
}

/* POST /admin/draft/unschedule */
int
ec_h_admin_form_draft_unschedule(struct ec_request *req,
                                 struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    int rc = ec_catalog_draft_unschedule(req->env->db, req->tenant->slug, &who);

    return rc < 0 ? rc : back(req, res, "done=1");
}

/* POST /admin/draft/discard: type and key, or neither for all */
int
ec_h_admin_form_draft_discard(struct ec_request *req, struct ec_response *res)
{
    const char *type = ec_request_form(req, "type");
    const char *key = ec_request_form(req, "key");
    struct ec_audit_actor who = ec_admin_actor(req);
    int rc;

    if ((type && *type) != (key && *key))
        return EC_ERR_INVALID_FIELD;
    rc = ec_catalog_draft_discard(req->env->db, req->tenant->slug,
                                  type && *type ? type : NULL,
                                  key && *key ? key : NULL, &who);
    return rc < 0 ? rc : back(req, res, "done=1");
}
