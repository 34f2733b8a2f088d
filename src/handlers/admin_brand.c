/*
 * The panel's branding screen (docs/admin.md, "Branding"; MANAGE): the
 * shop's name and its five colours in one form, with the contrast of
 * every pairing the default theme draws, worked out here on the server
 * by the table `ecomctl tenant create` judges by
 * (ec_tenant_palette_each()), so the screen and the check cannot
 * disagree. A palette below WCAG AA is refused with each failing pairing
 * named at the colour it is blamed on, and what was typed kept.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/audit.h"
#include "svc/invalidate.h"
#include "svc/staff.h"
#include "svc/tenant.h"
#include "svc/tenant_brand.h"

/* The form's colour fields, in the form's order; their message ids are
   admin.branding.<field>. */
static const char *const colour_fields[] = {"color_primary", "color_on_primary",
                                            "color_background", "color_text",
                                            "color_accent"};
#define NCOLOURS (sizeof(colour_fields) / sizeof(colour_fields[0]))

/* What the form shows and was sent: the name, then the colours. */
struct brand_form {
    const char *name;
    const char *colour[NCOLOURS];
    struct json_object *errors; /* field -> array of messages */
};

static struct ec_tenant_palette
palette_of(const struct brand_form *f)
{
    return (struct ec_tenant_palette){f->colour[0], f->colour[1], f->colour[2],
                                      f->colour[3], f->colour[4]};
}

/* ratio as the shop writes numbers: "4.47:1", "4,47:1" */
static const char *
ratio_text(struct ec_request *req, double r)
{
    char *s = ec_arena_printf(req->arena, "%.2f:1", r);
    const char *sep = ec_msgcat_find(req->texts, "admin.branding.decimal");

    if (sep && *sep)
        for (char *p = s; *p; p++)
            if (*p == '.')
                *p = *sep;
    return s;
}

/* The pairings of f's palette as a table (and, for a save, each failing
   one as an error at the colour it is blamed on). 0, or -1 when a colour
   is malformed (its error added). */
static int
pairings_model(struct ec_request *req, struct brand_form *f,
               struct json_object *m, int blame)
{
    struct ec_tenant_palette p = palette_of(f);
    struct ec_tenant_pairing v[EC_TENANT_PAIRINGS];
    struct ec_tenant_refusal why;
    struct json_object *list = json_object_new_array();
    int failing = ec_tenant_palette_each(&p, v, &why);

    json_object_object_add(m, "pairings", list);
    if (failing < 0) {
        if (blame)
            ec_admin_add_error(
                f->errors, why.field,
                ec_admin_text(req, "admin.branding.error.", "colour"));
        return -1;
    }
    for (size_t i = 0; i < EC_TENANT_PAIRINGS; i++) {
        struct json_object *o = json_object_new_object();
        const char *what = ec_admin_text(req, "admin.branding.pair.", v[i].key);

        json_object_object_add(o, "key", json_object_new_string(v[i].key));
        json_object_object_add(o, "what", json_object_new_string(what));
        json_object_object_add(o, "fg", json_object_new_string(v[i].fg));
        json_object_object_add(o, "bg", json_object_new_string(v[i].bg));
        json_object_object_add(
            o, "ratio", json_object_new_string(ratio_text(req, v[i].ratio)));
        json_object_object_add(
            o, "min", json_object_new_string(ratio_text(req, v[i].min)));
        json_object_object_add(o, "pass", json_object_new_boolean(v[i].pass));
        json_object_array_add(list, o);
        if (blame && !v[i].pass)
            ec_admin_add_error(
                f->errors, v[i].field,
                ec_arena_printf(
                    req->arena, "%s: %s (%s %s)", what,
                    ratio_text(req, v[i].ratio),
                    ec_msgcat_text(req->texts, "admin.branding.needs"),
                    ratio_text(req, v[i].min)));
    }
    json_object_object_add(m, "failing", json_object_new_int(failing));
    return failing ? -1 : 0;
}

/* One field of the form: its value, label and errors (and whether it has
   any, for aria-invalid). */
static struct json_object *
field_model(struct ec_request *req, const struct brand_form *f,
            const char *field, const char *value)
{
    struct json_object *o = json_object_new_object(), *errs = NULL;

    json_object_object_add(o, "field", json_object_new_string(field));
    json_object_object_add(
        o, "label", ec_json_str(ec_admin_text(req, "admin.branding.", field)));
    json_object_object_add(o, "value", ec_json_str(value ? value : ""));
    if (json_object_object_get_ex(f->errors, field, &errs)) {
        json_object_object_add(o, "errors", json_object_get(errs));
        json_object_object_add(o, "invalid", json_object_new_boolean(1));
    }
    return o;
}

/* The branding page for form f with status (notice: a message id or
   NULL; logo_error: why an upload was refused, or NULL). */
static int
brand_page_logo(struct ec_request *req, struct ec_response *res,
                struct brand_form *f, int blame, const char *notice,
                const char *logo_error, int status)
{
    struct json_object *m = json_object_new_object();
    struct json_object *colours = json_object_new_array();
    int bad = pairings_model(req, f, m, blame) < 0;

    json_object_object_add(m, "name_field",
                           field_model(req, f, "name", f->name));
    for (size_t i = 0; i < NCOLOURS; i++)
        json_object_array_add(
            colours, field_model(req, f, colour_fields[i], f->colour[i]));
    json_object_object_add(m, "colours", colours);
    json_object_object_add(
        m, "has_errors",
        json_object_new_boolean(json_object_object_length(f->errors) > 0));
    json_object_object_add(m, "palette_passes", json_object_new_boolean(!bad));
    if (req->tenant->logo_path)
        json_object_object_add(m, "logo",
                               ec_json_str(ec_arena_printf(
                                   req->arena, "%s/%s", req->env->static_url,
                                   req->tenant->logo_path)));
    if (notice)
        json_object_object_add(m, "notice",
                               ec_json_str(ec_msgcat_text(req->texts, notice)));
    if (logo_error)
        json_object_object_add(m, "logo_error", ec_json_str(logo_error));
    json_object_object_add(
        m, "uploads", json_object_new_boolean(req->env->upload_dir != NULL));
    json_object_put(f->errors);
    return ec_admin_page(req, res, "branding", "admin/branding", m, status);
}

static int
brand_page(struct ec_request *req, struct ec_response *res,
           struct brand_form *f, int blame, const char *notice, int status)
{
    return brand_page_logo(req, res, f, blame, notice, NULL, status);
}

/* The form as the tenant's row has it now. */
static struct brand_form
stored_form(const struct ec_request *req)
{
    const struct ec_tenant *t = req->tenant;

    return (struct brand_form){t->name,
                               {t->color_primary, t->color_on_primary,
                                t->color_background, t->color_text,
                                t->color_accent},
                               json_object_new_object()};
}

/* GET /admin/branding (saved=1 after a save, saved=logo after an
   upload) */
int
ec_h_admin_branding(struct ec_request *req, struct ec_response *res)
{
    struct brand_form f = stored_form(req);
    const char *saved = ec_request_arg(req, "saved");
    const char *notice = NULL;

    if (saved && strcmp(saved, "1") == 0)
        notice = "admin.branding.saved";
    else if (saved && strcmp(saved, "logo") == 0)
        notice = "admin.branding.logo_saved";
    return brand_page(req, res, &f, 0, notice, 200);
}

/* POST /admin/branding: the name and the five colours, saved together
   (303 back) or the form again (422) with every fault at its field */
int
ec_h_admin_form_branding(struct ec_request *req, struct ec_response *res)
{
    struct brand_form f = {
        ec_request_form(req, "name"), {NULL}, json_object_new_object()};
    struct ec_audit_actor who = ec_admin_actor(req);
    struct ec_tenant_palette p;
    struct ec_tenant_refusal why;
    struct json_object *scratch = json_object_new_object();
    int changed = 0, rc, bad;

    for (size_t i = 0; i < NCOLOURS; i++)
        f.colour[i] = ec_request_form(req, colour_fields[i]);
    if (ec_tenant_name_check(f.name, &why) < 0)
        ec_admin_add_error(f.errors, "name",
                           ec_admin_text(req, "admin.branding.error.", "name"));
    bad = pairings_model(req, &f, scratch, 1) < 0;
    json_object_put(scratch);
    if (bad || json_object_object_length(f.errors) > 0)
        return brand_page(req, res, &f, 0, NULL, 422);
    p = palette_of(&f);
    rc = ec_tenant_brand_set(req->env->db, req->tenant->id, req->tenant->slug,
                             f.name, &p, &who, &changed, &why);
    if (rc == EC_ERR_INVALID_FIELD) { /* the same rules: not expected */
        ec_admin_add_error(f.errors, why.field, why.message);
        return brand_page(req, res, &f, 0, NULL, 422);
    }
    json_object_put(f.errors);
    if (rc < 0)
        return rc;
    /* after the commit: every worker drops its tenants before its next
       request, so /theme.css and the header show the change at once */
    if (changed && ec_invalidate_tenants(req->env->kv) < 0)
        ec_log_warn("the branding of %s changed, but workers were not told",
                    req->tenant->slug);
    res->status = 303;
    ec_response_header(res, "Location", "/admin/branding?saved=1");
    return 0;
}

/*
 * Why core/image.c refused a file, in the shop's words: its reasons are
 * operators' English (ecomctl prints them), so the panel names the kind
 * of refusal and shows the detail beside it.
 */
static const char *
logo_refusal(struct ec_request *req, const char *why)
{
    static const struct {
        const char *says, *id;
    } kinds[] = {
        {"larger than", "admin.branding.logo_error.too_big"},
        {"pixels wide", "admin.branding.logo_error.too_many_pixels"},
        {"not a PNG", "admin.branding.logo_error.not_image"},
    };
    const char *id = "admin.branding.logo_error.damaged";

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (why && strstr(why, kinds[i].says)) {
            id = kinds[i].id;
            break;
        }
    return ec_msgcat_text(req->texts, id);
}

/* POST /admin/branding/logo (multipart: logo): a PNG, JPEG or WebP
   checked by its content, stored by its hash and recorded with its audit
   row (303 back, shown on the next request), or the page again (422)
   with why at the field */
int
ec_h_admin_form_logo(struct ec_request *req, struct ec_response *res)
{
    const struct ec_multipart_part *file = ec_request_file(req, "logo");
    struct ec_audit_actor who = ec_admin_actor(req);
    struct brand_form f = stored_form(req);
    char path[EC_TENANT_LOGO_PATH_MAX];
    const char *why = NULL;
    int rc;

    if (!req->env->upload_dir) {
        json_object_put(f.errors);
        return EC_ERR_NOT_FOUND; /* this installation takes no uploads */
    }
    if (!file || file->len == 0)
        return brand_page_logo(
            req, res, &f, 0, NULL,
            ec_msgcat_text(req->texts, "admin.branding.logo_error.none"), 422);
    rc = ec_tenant_brand_logo(
        req->env->db, req->env->upload_dir, req->tenant->id, req->tenant->slug,
        (const unsigned char *)file->data, file->len, &who, path, &why);
    if (rc == EC_ERR_INVALID_FIELD)
        return brand_page_logo(req, res, &f, 0, NULL, logo_refusal(req, why),
                               422);
    json_object_put(f.errors);
    if (rc < 0)
        return rc;
    if (ec_invalidate_tenants(req->env->kv) < 0)
        ec_log_warn("the logo of %s changed, but workers were not told",
                    req->tenant->slug);
    res->status = 303;
    ec_response_header(res, "Location", "/admin/branding?saved=logo");
    return 0;
}
