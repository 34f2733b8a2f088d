/*
 * The panel's onboarding screens (docs/admin.md, "Onboarding a brand";
 * operators only: EC_STAFF_TENANTS): the platform's tenants, a form with
 * every setting `ecomctl tenant create` takes, and the new tenant. A
 * create goes through ec_tenant_onboard(), the command's own path, so
 * the panel has no rules of its own: it only asks the same checks field
 * by field first (ec_tenant_spec_refusals(), ec_tenant_palette_each(),
 * ec_messages_speaks()), to answer every bad field at its place in the
 * shop's words with what was typed kept.
 */
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
#include "svc/downstream.h"
#include "svc/invalidate.h"
#include "svc/payment.h"
#include "svc/tenant.h"
#include "svc/tenant_create.h"

/* The form's text fields, in its order; labels are admin.tenants.<f>. */
static const char *const text_fields[] = {
    "slug",   "name",      "hosts", "currency",
    "locale", "time_zone", "vat",   "catalog_from"};
#define NTEXT (sizeof(text_fields) / sizeof(text_fields[0]))

/* The colours, as the branding screen names them (admin.branding.<f>). */
static const char *const colour_fields[] = {"color_primary", "color_on_primary",
                                            "color_background", "color_text",
                                            "color_accent"};
#define NCOLOURS (sizeof(colour_fields) / sizeof(colour_fields[0]))

/* What the form was sent (or shows), and the faults found in it. */
struct tenant_form {
    const char *text[NTEXT];
    const char *colour[NCOLOURS];
    struct json_object *errors; /* field -> array of messages */
};

static const char *
form_text(const struct tenant_form *f, const char *field)
{
    for (size_t i = 0; i < NTEXT; i++)
        if (strcmp(text_fields[i], field) == 0)
            return f->text[i];
    return NULL;
}

/* The hostname field: one a line (or separated by spaces or commas), at
   most EC_TENANT_HOSTS_MAX, into s; -1 when there are more. */
static int
split_hosts(struct ec_request *req, const char *in, struct ec_tenant_spec *s)
{
    char *copy = ec_arena_strdup(req->arena, in ? in : "");
    char *save = NULL;

    s->nhosts = 0;
    for (char *h = strtok_r(copy, " \t\r\n,", &save); h;
         h = strtok_r(NULL, " \t\r\n,", &save)) {
        if (s->nhosts == EC_TENANT_HOSTS_MAX)
            return -1;
        s->hosts[s->nhosts++] = h;
    }
    return 0;
}

/* The VAT as typed ("25", "12,5" in Danish too) in basis points; -1 when
   it is not one. */
static int
vat_of(struct ec_request *req, const char *typed)
{
    char *v = ec_arena_strdup(req->arena, typed ? typed : "");
    struct ec_tenant_refusal why;
    int bp;

    for (char *p = v; *p; p++)
        if (*p == ',')
            *p = '.';
    return ec_tenant_vat_parse(v, &bp, &why) < 0 ? -1 : bp;
}

/* f as a spec (its strings borrowed); the VAT -1 when malformed. */
static struct ec_tenant_spec
spec_of(struct ec_request *req, const struct tenant_form *f, int *host_overflow)
{
    struct ec_tenant_spec s;

    ec_tenant_spec_init(&s);
    s.slug = form_text(f, "slug");
    s.name = form_text(f, "name");
    s.currency = form_text(f, "currency");
    s.locale = form_text(f, "locale");
    s.time_zone = form_text(f, "time_zone");
    s.vat_rate_bp = vat_of(req, form_text(f, "vat"));
    *host_overflow = split_hosts(req, form_text(f, "hosts"), &s) < 0;
    s.palette = (struct ec_tenant_palette){
        f->colour[0], f->colour[1], f->colour[2], f->colour[3], f->colour[4]};
    return s;
}

/* s (a decimal number written with '.') as the shop writes numbers:
   "4.47", "4,47". s is the arena's and changed in place. */
static const char *
decimal_text(struct ec_request *req, char *s)
{
    const char *sep = ec_msgcat_find(req->texts, "admin.branding.decimal");

    if (sep && *sep)
        for (char *p = s; *p; p++)
            if (*p == '.')
                *p = *sep;
    return s;
}

/* a contrast ratio as the branding screen writes it: "4,47:1" */
static const char *
ratio_text(struct ec_request *req, double r)
{
    return decimal_text(req, ec_arena_printf(req->arena, "%.2f:1", r));
}

/* Each pairing of the palette below AA, at the colour it is blamed on,
   in the words of the branding screen (the same table). */
static void
palette_errors(struct ec_request *req, struct tenant_form *f,
               const struct ec_tenant_palette *p)
{
    struct ec_tenant_pairing v[EC_TENANT_PAIRINGS];
    struct ec_tenant_refusal why;

    if (ec_tenant_palette_each(p, v, &why) < 0) {
        ec_admin_add_error(
            f->errors, why.field,
            ec_admin_text(req, "admin.branding.error.", "colour"));
        return;
    }
    for (size_t i = 0; i < EC_TENANT_PAIRINGS; i++)
        if (!v[i].pass)
            ec_admin_add_error(
                f->errors, v[i].field,
                ec_arena_printf(
                    req->arena, "%s: %s (%s %s)",
                    ec_admin_text(req, "admin.branding.pair.", v[i].key),
                    ratio_text(req, v[i].ratio),
                    ec_msgcat_text(req->texts, "admin.branding.needs"),
                    ratio_text(req, v[i].min)));
}

/* The shop's words for message admin.tenants.error.<id>, naming the
   hostname a refusal is about, if any. */
static const char *
refusal_text(struct ec_request *req, const char *id,
             const struct ec_tenant_refusal *why)
{
    const char *s = ec_admin_text(req, "admin.tenants.error.", id);

    return why->host ? ec_arena_printf(req->arena, "%s (%s)", s, why->host) : s;
}

struct refusals {
    struct ec_request *req;
    struct tenant_form *f;
};

/* A refusal of the spec's rules at its field, in the shop's words (the
   colours are told pairing by pairing instead). */
static void
refused(const struct ec_tenant_refusal *why, void *ctx)
{
    struct refusals *r = ctx;
    const char *field = strcmp(why->field, "host") == 0 ? "hosts" : why->field;

    if (strncmp(field, "color_", 6) == 0)
        return;
    ec_admin_add_error(r->f->errors, field,
                       refusal_text(r->req, why->field, why));
}

/* Every fault of f that needs no database, each at its field. */
static void
check_form(struct ec_request *req, struct tenant_form *f,
           const struct ec_tenant_spec *s, int host_overflow)
{
    struct refusals r = {req, f};
    const char *locale = form_text(f, "locale");

    ec_tenant_spec_refusals(s, refused, &r);
    palette_errors(req, f, &s->palette);
    if (host_overflow && !json_object_object_get_ex(f->errors, "hosts", NULL))
        ec_admin_add_error(f->errors, "hosts",
                           ec_admin_text(req, "admin.tenants.error.", "host"));
    /* a locale the theme does not speak would show the shop in English */
    if (!json_object_object_get_ex(f->errors, "locale", NULL) &&
        !ec_messages_speaks(req->env->templates_dir, locale))
        ec_admin_add_error(
            f->errors, "locale",
            ec_admin_text(req, "admin.tenants.error.", "locale_unspoken"));
}

/* One field as the template shows it: label, value, errors. */
static struct json_object *
field_model(struct ec_request *req, const struct tenant_form *f,
            const char *field, const char *label, const char *value)
{
    struct json_object *o = json_object_new_object(), *errs = NULL;

    json_object_object_add(o, "field", json_object_new_string(field));
    json_object_object_add(o, "label", ec_json_str(label));
    json_object_object_add(o, "value", ec_json_str(value ? value : ""));
    json_object_object_add(
        o, "hint",
        ec_json_str(ec_msgcat_find(
            req->texts,
            ec_arena_printf(req->arena, "admin.tenants.hint.%s", field))));
    if (json_object_object_get_ex(f->errors, field, &errs)) {
        json_object_object_add(o, "errors", json_object_get(errs));
        json_object_object_add(o, "invalid", json_object_new_boolean(1));
    }
    return o;
}

struct sources {
    const char *chosen;
    struct json_object *list;
};

static int
add_source(const struct ec_tenant_row *t, void *ctx)
{
    struct sources *s = ctx;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "slug", ec_json_str(t->slug));
    json_object_object_add(o, "name", ec_json_str(t->name));
    json_object_object_add(
        o, "selected",
        json_object_new_boolean(s->chosen && strcmp(s->chosen, t->slug) == 0));
    json_object_array_add(s->list, o);
    return 0;
}

/* The form page with f (its errors released) and status. */
static int
form_page(struct ec_request *req, struct ec_response *res,
          struct tenant_form *f, int status)
{
    struct json_object *m = json_object_new_object();
    struct json_object *fields = json_object_new_array();
    struct json_object *colours = json_object_new_array();
    struct sources src = {form_text(f, "catalog_from"),
                          json_object_new_array()};
    int rc;

    json_object_object_add(m, "sources", src.list);
    if ((rc = ec_tenant_each(req->env->db, add_source, &src)) < 0) {
        json_object_put(m);
        json_object_put(fields);
        json_object_put(colours);
        json_object_put(f->errors);
        return rc;
    }
    /* the catalog's source is a select of its own, the rest text */
    for (size_t i = 0; i + 1 < NTEXT; i++)
        json_object_array_add(
            fields,
            field_model(req, f, text_fields[i],
                        ec_admin_text(req, "admin.tenants.", text_fields[i]),
                        f->text[i]));
    json_object_object_add(m, "fields", fields);
    json_object_object_add(
        m, "catalog_from",
        field_model(req, f, "catalog_from",
                    ec_admin_text(req, "admin.tenants.", "catalog_from"),
                    NULL));
    for (size_t i = 0; i < NCOLOURS; i++)
        json_object_array_add(
            colours,
            field_model(req, f, colour_fields[i],
                        ec_admin_text(req, "admin.branding.", colour_fields[i]),
                        f->colour[i]));
    json_object_object_add(m, "colours", colours);
    json_object_object_add(
        m, "has_errors",
        json_object_new_boolean(json_object_object_length(f->errors) > 0));
    json_object_put(f->errors);
    return ec_admin_page(req, res, "tenants", "admin/tenant_new", m, status);
}

/* GET /admin/tenants/new: the form with the tenants table's defaults */
int
ec_h_admin_tenant_new(struct ec_request *req, struct ec_response *res)
{
    struct ec_tenant_spec s;
    struct tenant_form f = {{NULL}, {NULL}, json_object_new_object()};

    ec_tenant_spec_init(&s);
    f.text[3] = s.currency;
    f.text[4] = s.locale;
    f.text[5] = s.time_zone;
    f.text[6] = ec_arena_printf(req->arena, "%d", s.vat_rate_bp / 100);
    f.colour[0] = s.palette.primary;
    f.colour[1] = s.palette.on_primary;
    f.colour[2] = s.palette.background;
    f.colour[3] = s.palette.text;
    f.colour[4] = s.palette.accent;
    return form_page(req, res, &f, 200);
}

/* Why ec_tenant_onboard() refused, at its field in the shop's words (a
   catalog that does not fit with the check's own detail). */
static void
onboard_refused(struct ec_request *req, struct tenant_form *f, int rc,
                const struct ec_tenant_refusal *why)
{
    const char *field = strcmp(why->field, "host") == 0 ? "hosts" : why->field;
    const char *id = rc == EC_ERR_CONFLICT
                         ? ec_arena_printf(req->arena, "%s_taken", why->field)
                         : why->field;

    if (strcmp(field, "catalog_from") == 0)
        ec_admin_add_error(
            f->errors, field,
            ec_arena_printf(req->arena, "%s (%s)",
                            ec_admin_text(req, "admin.tenants.error.", id),
                            why->message));
    else
        ec_admin_add_error(f->errors, field, refusal_text(req, id, why));
}

/* POST /admin/tenants: the tenant made (303 to it, its workers told), or
   the form again with every fault at its field and what was typed kept
   (422; 409 for a slug or hostname another tenant has) */
int
ec_h_admin_form_tenant_create(struct ec_request *req, struct ec_response *res)
{
    struct tenant_form f = {{NULL}, {NULL}, json_object_new_object()};
    struct ec_audit_actor who = ec_admin_actor(req);
    struct ec_tenant_refusal why;
    struct ec_tenant_spec s;
    const char *from;
    long long id = 0;
    int overflow, changes, rc;

    for (size_t i = 0; i < NTEXT; i++)
        f.text[i] = ec_request_form(req, text_fields[i]);
    for (size_t i = 0; i < NCOLOURS; i++)
        f.colour[i] = ec_request_form(req, colour_fields[i]);
    from = form_text(&f, "catalog_from");
    if (from && !*from)
        from = NULL; /* "none" */
    s = spec_of(req, &f, &overflow);
    check_form(req, &f, &s, overflow);
    if (json_object_object_length(f.errors) > 0)
        return form_page(req, res, &f, 422);
    rc = ec_tenant_onboard(req->env->db, &s, from, &who, &id, &changes, &why);
    /* after the commit, and even when the copy failed and the tenant went
       again: a worker may have met it in between */
    if (id && (ec_invalidate_tenants(req->env->kv) < 0 ||
               (from && ec_invalidate_data(req->env->kv, s.slug) < 0)))
        ec_log_warn("tenant %s was created, but workers were not told; "
                    "`ecomctl tenant activate %s` tells them",
                    s.slug, s.slug);
    if (rc == EC_ERR_INVALID_FIELD || rc == EC_ERR_CONFLICT) {
        onboard_refused(req, &f, rc, &why);
        return form_page(req, res, &f, rc == EC_ERR_CONFLICT ? 409 : 422);
    }
    json_object_put(f.errors);
    if (rc < 0)
        return rc;
    res->status = 303;
    ec_response_header(
        res, "Location",
        ec_arena_printf(req->arena, "/admin/tenants/%s?created=1", s.slug));
    return 0;
}

static int
add_row(const struct ec_tenant_row *t, void *ctx)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "slug", ec_json_str(t->slug));
    json_object_object_add(o, "name", ec_json_str(t->name));
    json_object_object_add(o, "status", ec_json_str(t->status));
    json_object_object_add(o, "locale", ec_json_str(t->locale));
    json_object_object_add(o, "hosts", ec_json_str(t->hosts));
    json_object_array_add(ctx, o);
    return 0;
}

/* GET /admin/tenants: every tenant of the platform */
int
ec_h_admin_tenants(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();
    struct json_object *list = json_object_new_array();
    int rc;

    json_object_object_add(m, "tenants", list);
    if ((rc = ec_tenant_each(req->env->db, add_row, list)) < 0) {
        json_object_put(m);
        return rc;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i), *st;

        json_object_object_get_ex(o, "status", &st);
        json_object_object_add(
            o, "status_text",
            ec_json_str(ec_admin_text(req, "admin.tenants.state.",
                                      json_object_get_string(st))));
    }
    return ec_admin_page(req, res, "tenants", "admin/tenants", m, 200);
}

/* The root of host's shop as this request reached the panel: its scheme
   and port, the other host ("http://havblik.localhost:8080"). */
static const char *
shop_url(struct ec_request *req, const char *host)
{
    const char *base = ec_request_base_url(req);
    const char *after = strstr(base, "://");
    size_t scheme = after ? (size_t)(after - base) : 0;
    const char *port = after ? after + 3 + strlen(req->host) : "";

    return ec_arena_printf(req->arena, "%.*s://%s%s", (int)scheme, base, host,
                           port);
}

/* The settings of the installation a tenant pays and delivers by
   (not the tenants table's: docs/admin.md, "Payments and downstream"). */
static void
installation_model(struct ec_request *req, const char *slug,
                   struct json_object *m)
{
    const char *p = req->env->payments
                        ? ec_payment_provider(req->env->payments, slug)
                        : NULL;

    json_object_object_add(m, "payment",
                           p ? ec_json_str(p)
                             : ec_json_str(ec_msgcat_text(
                                   req->texts, "admin.tenants.payment_none")));
    json_object_object_add(
        m, "downstream",
        ec_json_str(ec_msgcat_text(
            req->texts,
            req->env->receivers && ec_downstream_find(req->env->receivers, slug)
                ? "admin.tenants.downstream_yes"
                : "admin.tenants.downstream_no")));
}

/* GET /admin/tenants/{slug}: one tenant's settings, with links to its
   shop and its panel on each of its hostnames */
int
ec_h_admin_tenant(struct ec_request *req, struct ec_response *res)
{
    const char *slug = ec_request_route_arg(req, "slug");
    struct json_object *m, *hosts = NULL, *links;
    struct ec_tenant *t;
    int rc = ec_tenant_load(req->env->db, slug, &t);

    if (rc < 0)
        return rc; /* EC_ERR_NOT_FOUND: 404 */
    if ((rc = ec_tenant_hosts(req->env->db, t->id, &hosts)) < 0) {
        ec_tenant_free(t);
        return rc;
    }
    m = json_object_new_object();
    links = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(hosts); i++) {
        const char *h =
            json_object_get_string(json_object_array_get_idx(hosts, i));
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "host", ec_json_str(h));
        json_object_object_add(o, "shop", ec_json_str(shop_url(req, h)));
        json_object_object_add(o, "primary", json_object_new_boolean(i == 0));
        json_object_array_add(links, o);
    }
    json_object_put(hosts);
    json_object_object_add(m, "hosts", links);
    json_object_object_add(m, "shop",
                           ec_tenant_to_json(t, req->env->static_url));
    json_object_object_add(
        m, "status_text",
        ec_json_str(ec_admin_text(req, "admin.tenants.state.", t->status)));
    json_object_object_add(
        m, "vat",
        ec_json_str(decimal_text(req, ec_arena_printf(req->arena, "%d.%02d",
                                                      t->vat_rate_bp / 100,
                                                      t->vat_rate_bp % 100))));
    installation_model(req, t->slug, m);
    if (ec_request_arg(req, "created"))
        json_object_object_add(
            m, "notice",
            ec_json_str(ec_msgcat_text(req->texts, "admin.tenants.created")));
    ec_tenant_free(t);
    return ec_admin_page(req, res, "tenants", "admin/tenant", m, 200);
}
