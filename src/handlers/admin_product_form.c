/*
 * The panel's product form (docs/admin.md, "Products"; EDIT_CATALOG):
 * one form for a product, its placement in every channel of the shop and
 * the add-ons that fit it; create, save and retire.
 *
 * The form is parsed into the product's JSON object, in the catalog
 * document's shape (docs/catalog.md), and put through the one catalog
 * model: the handler turns typed text into JSON types (an amount in
 * kroner into øre, an empty "unlimited" into null) and nothing more. A
 * refusal comes back as the JSON path of the bad field
 * ("$.channels.app.sim_types[0]"), which is mapped to the form's field
 * and shown there (422), with what was typed kept.
 *
 * Every read and write of the catalog goes to the catalog draft
 * (svc/catalog_draft.h): the form shows the product as the draft has it,
 * and a save or a retirement waits there until it is published
 * (/admin/draft).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/check.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/format.h"
#include "render/messages.h"
#include "svc/audit.h"
#include "svc/catalog_draft.h"
#include "svc/catalog_edit.h"
#include "svc/product.h"
#include "svc/staff.h"
#include "svc/tenant.h"

/* ---- the form ---- */

/* The form's plain text fields of the product, in the form's order; each
   one's name is its key (a group's member as "fees.startup"). */
static const char *const text_fields[] = {
    "sku",        "name",          "description",  "data_gb",  "talk_minutes",
    "eu_data_gb", "monthly_price", "fees.startup", "fees.sim", NULL};
/* Its choices, a select each. */
static const char *const select_fields[] = {"kind", "status", "network", NULL};
/* The fields of a channel, named "ch.<code>.<field>". */
static const char *const channel_texts[] = {"name", "sort", "monthly_price",
                                            NULL};
/* The fields holding an amount of money, typed in kroner. */
static const char *const money_fields[] = {"monthly_price", "fees.startup",
                                           "fees.sim", NULL};

/*
 * What the form shows and was sent. vals maps a field's name to its text,
 * or, for a checkbox group, to the array of the ticked values ("1" for a
 * single box); errors maps a field's name to its messages, "" the
 * form's as a whole.
 */
struct pform {
    const char *sku; /* the product's address; NULL for a new one */
    struct json_object *vals;
    struct json_object *errors;
    struct json_object *channels; /* the shop's channels, as listed */
    struct json_object *addons;   /* its add-on products but this one */
    struct json_object *campaigns;
};

static void
pform_release(struct pform *f)
{
    json_object_put(f->vals);
    json_object_put(f->errors);
    json_object_put(f->channels);
    json_object_put(f->addons);
    json_object_put(f->campaigns);
}

static const char *
fname(struct ec_request *req, const char *code, const char *field)
{
    return ec_arena_printf(req->arena, "ch.%s.%s", code, field);
}

static const char *
val(const struct pform *f, const char *name)
{
    const char *s = ec_json_member(f->vals, name, NULL);

    return s ? s : "";
}

static void
set_val(struct pform *f, const char *name, const char *s)
{
    json_object_object_add(f->vals, name, json_object_new_string(s ? s : ""));
}

static struct json_object *
ticks(struct pform *f, const char *name)
{
    struct json_object *a;

    if (!json_object_object_get_ex(f->vals, name, &a)) {
        a = json_object_new_array();
        json_object_object_add(f->vals, name, a);
    }
    return a;
}

static void
tick(struct pform *f, const char *name, const char *value)
{
    json_object_array_add(ticks(f, name), json_object_new_string(value));
}

static int
ticked(const struct pform *f, const char *name, const char *value)
{
    struct json_object *a;

    if (!json_object_object_get_ex(f->vals, name, &a))
        return 0;
    for (size_t i = 0; i < json_object_array_length(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)),
                   value) == 0)
            return 1;
    return 0;
}

static int
is_money(const char *name)
{
    size_t n = strlen(name);

    for (int i = 0; money_fields[i]; i++) {
        size_t m = strlen(money_fields[i]);

        if (n >= m && strcmp(name + n - m, money_fields[i]) == 0)
            return 1;
    }
    return 0;
}

/* The shop's channels, its add-ons but the product, and the campaigns
   naming it. named: the SKU in the address, NULL for a new product; its
   drafted product into *product (the caller's), its stored spelling into
   f->sku. 0, EC_ERR_NOT_FOUND for a SKU the shop has not, or the
   catalog's error (f released by the caller either way). */
static int
pform_load(struct ec_request *req, struct pform *f, const char *named,
           struct json_object **product)
{
    struct json_object *doc, *products, *campaigns;
    const char *sku = NULL;
    int rc;

    f->sku = NULL;
    f->vals = json_object_new_object();
    f->errors = json_object_new_object();
    f->addons = json_object_new_array();
    f->campaigns = json_object_new_array();
    f->channels = NULL;
    /* one read of the draft for the product, channels, add-ons and
       campaigns */
    if ((rc = ec_catalog_draft_document(req->env->db, req->tenant->slug,
                                        &doc)) < 0)
        return rc;
    f->channels =
        json_object_get(ec_catalog_edit_array(doc, EC_CATALOG_CHANNEL));
    products = ec_catalog_edit_array(doc, EC_CATALOG_PRODUCT);
    if (named) {
        if ((rc = ec_catalog_edit_pick(EC_CATALOG_PRODUCT, products, named,
                                       product)) < 0) {
            json_object_put(doc);
            return rc;
        }
        /* the stored spelling of the SKU names the product from here on */
        sku =
            ec_arena_strdup(req->arena, ec_json_member(*product, "sku", NULL));
        f->sku = sku;
    }
    for (size_t i = 0; i < json_object_array_length(products); i++) {
        struct json_object *p = json_object_array_get_idx(products, i);
        const char *kind = ec_json_member(p, "kind", NULL),
                   *psku = ec_json_member(p, "sku", NULL);

        if (kind && strcmp(kind, "addon") == 0 &&
            !(sku && psku && strcasecmp(psku, sku) == 0))
            json_object_array_add(f->addons, json_object_get(p));
    }
    campaigns = ec_catalog_edit_array(doc, EC_CATALOG_CAMPAIGN);
    for (size_t i = 0; sku && i < json_object_array_length(campaigns); i++) {
        struct json_object *c = json_object_array_get_idx(campaigns, i), *ps;

        if (!json_object_object_get_ex(c, "products", &ps))
            continue;
        for (size_t j = 0; j < json_object_array_length(ps); j++)
            if (strcasecmp(
                    json_object_get_string(json_object_array_get_idx(ps, j)),
                    sku) == 0) {
                json_object_array_add(f->campaigns, json_object_get(c));
                break;
            }
    }
    json_object_put(doc);
    return 0;
}

/* ---- a stored product into the form ---- */

/* The form's text of value v of field name: money as typed in the shop
   ("199,00"), null as "" (unlimited). */
static const char *
text_of(struct ec_request *req, const char *name, struct json_object *v)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *s;

    if (!v || json_object_is_type(v, json_type_null))
        return "";
    if (!json_object_is_type(v, json_type_int))
        return json_object_get_string(v);
    if (!is_money(name))
        return ec_arena_printf(req->arena, "%lld",
                               (long long)json_object_get_int64(v));
    ec_format_amount(&b, json_object_get_int64(v), req->tenant->locale);
    s = ec_arena_strdup(req->arena, b.data);
    ec_buf_release(&b);
    return s;
}

/* o's member path ("fees.startup": a member of a member), or NULL. */
static struct json_object *
member(struct json_object *o, const char *path)
{
    const char *dot = strchr(path, '.');
    char head[32];

    if (!dot) {
        struct json_object *v = NULL;

        json_object_object_get_ex(o, path, &v);
        return v;
    }
    snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
    if (!json_object_object_get_ex(o, head, &o))
        return NULL;
    return member(o, dot + 1);
}

/* Each element of array a (numbers or strings) ticked in name. */
static void
tick_all(struct pform *f, const char *name, struct json_object *a)
{
    ticks(f, name);
    if (!a || !json_object_is_type(a, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(a); i++)
        tick(f, name, json_object_get_string(json_object_array_get_idx(a, i)));
}

static void
pform_from_product(struct ec_request *req, struct pform *f,
                   struct json_object *p)
{
    struct json_object *chans, *addons;

    for (int i = 0; text_fields[i]; i++)
        set_val(f, text_fields[i],
                text_of(req, text_fields[i], member(p, text_fields[i])));
    for (int i = 0; select_fields[i]; i++)
        set_val(f, select_fields[i], ec_json_member(p, select_fields[i], NULL));
    tick_all(f, "binding_months", member(p, "binding_months"));
    tick_all(f, "sim_types", member(p, "sim_types"));
    if (json_object_object_get_ex(p, "channels", &chans)) {
        json_object_object_foreach(chans, code, e)
        {
            struct json_object *vis = member(e, "visible");

            if (vis && json_object_get_boolean(vis))
                tick(f, fname(req, code, "visible"), "1");
            for (int i = 0; channel_texts[i]; i++)
                set_val(f, fname(req, code, channel_texts[i]),
                        text_of(req, channel_texts[i],
                                member(e, channel_texts[i])));
            tick_all(f, fname(req, code, "sim_types"), member(e, "sim_types"));
            tick_all(f, fname(req, code, "binding_months"),
                     member(e, "binding_months"));
        }
    }
    if (json_object_object_get_ex(p, "addons", &addons))
        for (size_t i = 0; i < json_object_array_length(addons); i++) {
            struct json_object *a = json_object_array_get_idx(addons, i);
            const char *sku = ec_json_member(a, "sku", NULL);

            if (!sku)
                continue;
            tick(f, "addons", sku);
            tick_all(f, ec_arena_printf(req->arena, "addon.%s.channels", sku),
                     member(a, "channels"));
        }
}

/* What a new product starts as: a draft plan on 5G with every SIM type
   and no binding. */
static void
pform_defaults(struct pform *f)
{
    set_val(f, "kind", "plan");
    set_val(f, "status", "draft");
    set_val(f, "network", "5g");
    tick(f, "binding_months", "0");
    for (int i = 0; ec_sim_type_names[i]; i++)
        tick(f, "sim_types", ec_sim_type_names[i]);
}

/* ---- a posted form ---- */

static const char *const binding_values[] = {"0", "1", "2", "3",
                                             "4", "5", "6", NULL};

/* The boxes of options ticked in the post, as name's list. */
static void
read_ticks(struct ec_request *req, struct pform *f, const char *name,
           const char *const *options)
{
    ticks(f, name);
    for (int i = 0; options[i]; i++)
        if (ec_request_form_has(req, name, options[i]))
            tick(f, name, options[i]);
}

static const char *
code_at(struct json_object *list, size_t i, const char *key)
{
    return ec_json_member(json_object_array_get_idx(list, i), key, NULL);
}

/* The shop's channel codes, NULL-terminated, in the arena. */
static const char **
channel_codes(struct ec_request *req, const struct pform *f)
{
    size_t n = json_object_array_length(f->channels);
    const char **codes = ec_arena_alloc(req->arena, (n + 1) * sizeof(*codes));

    for (size_t i = 0; i < n; i++)
        codes[i] = code_at(f->channels, i, "code");
    codes[n] = NULL;
    return codes;
}

static void
pform_from_post(struct ec_request *req, struct pform *f)
{
    const char **codes = channel_codes(req, f);
    static const char *const one[] = {"1", NULL};
    size_t naddons = json_object_array_length(f->addons);
    const char **skus =
        ec_arena_alloc(req->arena, (naddons + 1) * sizeof(*skus));

    for (int i = 0; text_fields[i]; i++)
        set_val(f, text_fields[i], ec_request_form(req, text_fields[i]));
    for (int i = 0; select_fields[i]; i++)
        set_val(f, select_fields[i], ec_request_form(req, select_fields[i]));
    read_ticks(req, f, "binding_months", binding_values);
    read_ticks(req, f, "sim_types", ec_sim_type_names);
    for (size_t c = 0; codes[c]; c++) {
        read_ticks(req, f, fname(req, codes[c], "visible"), one);
        for (int i = 0; channel_texts[i]; i++) {
            const char *n = fname(req, codes[c], channel_texts[i]);

            set_val(f, n, ec_request_form(req, n));
        }
        read_ticks(req, f, fname(req, codes[c], "sim_types"),
                   ec_sim_type_names);
        read_ticks(req, f, fname(req, codes[c], "binding_months"),
                   binding_values);
    }
    for (size_t i = 0; i < naddons; i++)
        skus[i] = code_at(f->addons, i, "sku");
    skus[naddons] = NULL;
    read_ticks(req, f, "addons", skus);
    for (size_t i = 0; i < naddons; i++)
        read_ticks(req, f,
                   ec_arena_printf(req->arena, "addon.%s.channels", skus[i]),
                   codes);
}

/* ---- the form into the product's JSON object ---- */

/* The amount typed in field name into o[key], when anything was typed;
   text that is no amount is an error at the field. */
static void
put_money(struct ec_request *req, struct pform *f, struct json_object *o,
          const char *key, const char *name)
{
    const char *s = val(f, name);
    long long minor;

    if (!*s)
        return; /* left out: the model says whether it may be */
    if (ec_parse_money(s, req->tenant->locale, &minor) < 0) {
        ec_admin_add_error(
            f->errors, name,
            ec_admin_text(req, "admin.product_form.error.", "money"));
        return;
    }
    json_object_object_add(o, key, json_object_new_int64(minor));
}

/* name's ticked list as a JSON array (numbers when numeric). */
static struct json_object *
ticked_json(struct pform *f, const char *name, int numeric)
{
    struct json_object *a = ticks(f, name), *out = json_object_new_array();

    for (size_t i = 0; i < json_object_array_length(a); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(a, i));

        json_object_array_add(out, numeric ? ec_json_form_int(s)
                                           : json_object_new_string(s));
    }
    return out;
}

static int
has_ticks(struct pform *f, const char *name)
{
    return json_object_array_length(ticks(f, name)) > 0;
}

/* A whole number, or null when empty (unlimited). */
static struct json_object *
int_or_null(const char *s)
{
    return *s ? ec_json_form_int(s) : NULL;
}

/* The channel entry of code, or NULL when the form says nothing of it. */
static struct json_object *
channel_json(struct ec_request *req, struct pform *f, const char *code)
{
    const char *name = val(f, fname(req, code, "name"));
    const char *sort = val(f, fname(req, code, "sort"));
    const char *price = val(f, fname(req, code, "monthly_price"));
    const char *sims = fname(req, code, "sim_types");
    const char *binds = fname(req, code, "binding_months");
    int visible = ticked(f, fname(req, code, "visible"), "1");
    struct json_object *e;

    if (!visible && !*name && !*sort && !*price && !has_ticks(f, sims) &&
        !has_ticks(f, binds))
        return NULL;
    e = json_object_new_object();
    json_object_object_add(e, "visible", json_object_new_boolean(visible));
    if (*name)
        json_object_object_add(e, "name", json_object_new_string(name));
    if (*sort)
        json_object_object_add(e, "sort", ec_json_form_int(sort));
    if (has_ticks(f, sims))
        json_object_object_add(e, "sim_types", ticked_json(f, sims, 0));
    if (has_ticks(f, binds))
        json_object_object_add(e, "binding_months", ticked_json(f, binds, 1));
    put_money(req, f, e, "monthly_price", fname(req, code, "monthly_price"));
    return e;
}

/* The ticked add-ons, each in every channel or in the ticked ones. */
static struct json_object *
addons_json(struct ec_request *req, struct pform *f)
{
    struct json_object *list = json_object_new_array();
    struct json_object *a = ticks(f, "addons");

    for (size_t i = 0; i < json_object_array_length(a); i++) {
        const char *sku =
            json_object_get_string(json_object_array_get_idx(a, i));
        const char *n = ec_arena_printf(req->arena, "addon.%s.channels", sku);
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "sku", json_object_new_string(sku));
        if (has_ticks(f, n))
            json_object_object_add(o, "channels", ticked_json(f, n, 0));
        json_object_array_add(list, o);
    }
    return list;
}

/* The product as the form says it (the caller's), with the faults of
   typed text (an amount that is none) as errors in f. */
static struct json_object *
product_json(struct ec_request *req, struct pform *f)
{
    struct json_object *p = json_object_new_object();
    struct json_object *fees = json_object_new_object();
    struct json_object *chans = json_object_new_object();
    const char *desc = val(f, "description");

    if (!f->sku)
        json_object_object_add(p, "sku", json_object_new_string(val(f, "sku")));
    for (int i = 0; select_fields[i]; i++)
        json_object_object_add(
            p, select_fields[i],
            json_object_new_string(val(f, select_fields[i])));
    json_object_object_add(p, "name", json_object_new_string(val(f, "name")));
    if (*desc)
        json_object_object_add(p, "description", json_object_new_string(desc));
    json_object_object_add(p, "data_gb", int_or_null(val(f, "data_gb")));
    json_object_object_add(p, "talk_minutes",
                           int_or_null(val(f, "talk_minutes")));
    if (*val(f, "eu_data_gb"))
        json_object_object_add(p, "eu_data_gb",
                               ec_json_form_int(val(f, "eu_data_gb")));
    put_money(req, f, p, "monthly_price", "monthly_price");
    put_money(req, f, fees, "startup", "fees.startup");
    put_money(req, f, fees, "sim", "fees.sim");
    json_object_object_add(p, "fees", fees);
    json_object_object_add(p, "binding_months",
                           ticked_json(f, "binding_months", 1));
    json_object_object_add(p, "sim_types", ticked_json(f, "sim_types", 0));
    for (size_t i = 0; i < json_object_array_length(f->channels); i++) {
        const char *code = code_at(f->channels, i, "code");
        struct json_object *e = channel_json(req, f, code);

        if (e)
            json_object_object_add(chans, code, e);
    }
    json_object_object_add(p, "channels", chans);
    if (has_ticks(f, "addons"))
        json_object_object_add(p, "addons", addons_json(req, f));
    return p;
}

/* ---- a refusal's path into the form's field ---- */

/* The path's next name after prefix ("app" of "$.channels.app.sort" after
   "$.channels."), in the arena, or NULL. */
static const char *
next_name(struct ec_request *req, const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(path, prefix, n) != 0)
        return NULL;
    path += n;
    return ec_arena_strndup(req->arena, path, strcspn(path, ".["));
}

/*
 * The form's field a refusal at path (in the object put) belongs to, or
 * "" for the form as a whole (a fault the form has no field for).
 */
static const char *
field_of_path(struct ec_request *req, struct pform *f, const char *path)
{
    const char *code, *attr, *top;

    if ((code = next_name(req, path, "$.channels.")) && *code) {
        attr = next_name(req, path + strlen("$.channels.") + strlen(code), ".");
        if (!attr || !*attr || strcmp(attr, "visible") == 0)
            return fname(req, code, "visible");
        for (int i = 0; channel_texts[i]; i++)
            if (strcmp(attr, channel_texts[i]) == 0)
                return fname(req, code, attr);
        if (strcmp(attr, "sim_types") == 0 ||
            strcmp(attr, "binding_months") == 0)
            return fname(req, code, attr);
        return "";
    }
    if (strncmp(path, "$.addons[", 9) == 0) {
        struct json_object *a = ticks(f, "addons");
        size_t i = strtoul(path + 9, NULL, 10);
        const char *sku =
            i < json_object_array_length(a)
                ? json_object_get_string(json_object_array_get_idx(a, i))
                : NULL;

        if (sku && strstr(path, "].channels"))
            return ec_arena_printf(req->arena, "addon.%s.channels", sku);
        return "addons";
    }
    if (strncmp(path, "$.fees.", 7) == 0)
        return strncmp(path + 7, "sim", 3) == 0 ? "fees.sim" : "fees.startup";
    if (strcmp(path, "$.fees") == 0)
        return "fees.startup";
    top = next_name(req, path, "$.");
    if (!top)
        return "";
    if (ec_check_in_list(top, text_fields) >= 0 ||
        ec_check_in_list(top, select_fields) >= 0 ||
        strcmp(top, "binding_months") == 0 || strcmp(top, "sim_types") == 0)
        return top;
    if (strcmp(top, "addons") == 0)
        return "addons";
    return "";
}

/* ---- the page ---- */

/*
 * Building the page's model: each field's label and the id of its first
 * input are noted in anchors as it is made, so the error summary at the
 * top can name and link every fault.
 */
struct page {
    struct ec_request *req;
    struct pform *f;
    struct json_object *anchors; /* field name -> {label, id} */
};

static void
note(struct page *pg, const char *name, const char *label, const char *id)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "label", json_object_new_string(label));
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(pg->anchors, name, o);
}

/* A field's errors into o (and invalid, for aria-invalid). */
static void
errors_into(struct page *pg, struct json_object *o, const char *name)
{
    struct json_object *errs = NULL;

    json_object_object_add(
        o, "error_id",
        ec_json_str(ec_arena_printf(pg->req->arena, "%s-error", name)));
    /* said even when false: a section looks a missing name up in the
       enclosing ones, where another field's errors may be */
    if (json_object_object_get_ex(pg->f->errors, name, &errs))
        json_object_object_add(o, "errors", json_object_get(errs));
    json_object_object_add(o, "invalid", json_object_new_boolean(errs != NULL));
}

/* A text field: name is its id, label its label (hint: a message id or
   NULL). */
static struct json_object *
field(struct page *pg, const char *name, const char *label, const char *hint)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", ec_json_str(name));
    json_object_object_add(o, "label", ec_json_str(label));
    json_object_object_add(o, "value", ec_json_str(val(pg->f, name)));
    json_object_object_add(o, "hint",
                           hint ? ec_json_str(ec_admin_text(pg->req, hint, ""))
                                : json_object_new_boolean(0));
    json_object_object_add(
        o, "hint_id",
        hint ? ec_json_str(ec_arena_printf(pg->req->arena, "%s-hint", name))
             : json_object_new_boolean(0));
    errors_into(pg, o, name);
    note(pg, name, label, name);
    return o;
}

static struct json_object *
product_field(struct page *pg, const char *name, const char *hint)
{
    return field(pg, name, ec_admin_text(pg->req, "admin.product_form.", name),
                 hint);
}

/* A checkbox group: values (NULL-terminated) with their labels. */
static struct json_object *
group(struct page *pg, const char *name, const char *legend,
      const char *const *values, const char *const *labels)
{
    struct json_object *o = json_object_new_object();
    struct json_object *opts = json_object_new_array();
    const char *first = NULL;

    for (int i = 0; values[i]; i++) {
        struct json_object *b = json_object_new_object();
        const char *id =
            ec_arena_printf(pg->req->arena, "%s-%s", name, values[i]);

        if (!first)
            first = id;
        json_object_object_add(b, "id", ec_json_str(id));
        json_object_object_add(b, "value", ec_json_str(values[i]));
        json_object_object_add(b, "label", ec_json_str(labels[i]));
        json_object_object_add(
            b, "checked",
            json_object_new_boolean(ticked(pg->f, name, values[i])));
        json_object_array_add(opts, b);
    }
    json_object_object_add(o, "name", ec_json_str(name));
    json_object_object_add(o, "legend", ec_json_str(legend));
    json_object_object_add(o, "options", opts);
    errors_into(pg, o, name);
    note(pg, name, legend, first ? first : name);
    return o;
}

/* A select of a name table's values, labelled admin.product.<name>.<v>
   where those exist (kind, status), else the value upper-cased. */
static struct json_object *
choice(struct page *pg, const char *name, const char *const *values)
{
    struct json_object *o = json_object_new_object();
    struct json_object *opts = json_object_new_array();
    const char *label = ec_admin_text(pg->req, "admin.product_form.", name);

    for (int i = 0; values[i]; i++) {
        struct json_object *b = json_object_new_object();
        const char *id = ec_arena_printf(pg->req->arena, "admin.product.%s.%s",
                                         name, values[i]);
        const char *words = ec_msgcat_find(pg->req->texts, id);

        json_object_object_add(b, "code", ec_json_str(values[i]));
        json_object_object_add(b, "name",
                               ec_json_str(words ? words : values[i]));
        json_object_object_add(
            b, "selected",
            json_object_new_boolean(strcmp(val(pg->f, name), values[i]) == 0));
        json_object_array_add(opts, b);
    }
    json_object_object_add(o, "id", ec_json_str(name));
    json_object_object_add(o, "label", ec_json_str(label));
    json_object_object_add(o, "options", opts);
    errors_into(pg, o, name);
    note(pg, name, label, name);
    return o;
}

static const char *const *
sim_labels(struct ec_request *req)
{
    size_t n = 0;
    const char **l;

    while (ec_sim_type_names[n])
        n++;
    l = ec_arena_alloc(req->arena, (n + 1) * sizeof(*l));
    for (size_t i = 0; i < n; i++)
        l[i] = ec_admin_text(req, "sim.", ec_sim_type_names[i]);
    l[n] = NULL;
    return l;
}

static const char *const *
binding_labels(struct ec_request *req)
{
    const char **l = ec_arena_alloc(req->arena, 8 * sizeof(*l));

    for (int i = 0; binding_values[i]; i++) {
        struct json_object *t = ec_binding_text(req, i);

        l[i] = ec_arena_strdup(req->arena, json_object_get_string(t));
        json_object_put(t);
    }
    l[7] = NULL;
    return l;
}

/* "Channel name: what" */
static const char *
in_channel(struct ec_request *req, const char *channel, const char *what)
{
    return ec_arena_printf(req->arena, "%s: %s", channel,
                           ec_admin_text(req, "admin.product_form.ch.", what));
}

/* The channel's box "visible": one box, no group around it. */
static struct json_object *
checkbox(struct page *pg, const char *code, const char *label)
{
    const char *name = fname(pg->req, code, "visible");
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", ec_json_str(name));
    json_object_object_add(o, "label", ec_json_str(label));
    json_object_object_add(o, "checked",
                           json_object_new_boolean(ticked(pg->f, name, "1")));
    errors_into(pg, o, name);
    note(pg, name, label, name);
    return o;
}

/* A row of the channels' table: visible, display name, sort, the
   narrowing of SIM types and binding periods, the channel's price. */
static struct json_object *
channel_model(struct page *pg, struct json_object *ch)
{
    struct ec_request *req = pg->req;
    const char *code = ec_json_member(ch, "code", NULL),
               *name = ec_json_member(ch, "name", NULL);
    const char *label = in_channel(req, name, "visible");
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "code", ec_json_str(code));
    json_object_object_add(o, "name", ec_json_str(name));
    json_object_object_add(o, "visible", checkbox(pg, code, label));
    json_object_object_add(o, "display_name",
                           field(pg, fname(req, code, "name"),
                                 in_channel(req, name, "name"), NULL));
    json_object_object_add(o, "sort",
                           field(pg, fname(req, code, "sort"),
                                 in_channel(req, name, "sort"), NULL));
    json_object_object_add(o, "price",
                           field(pg, fname(req, code, "monthly_price"),
                                 in_channel(req, name, "monthly_price"), NULL));
    json_object_object_add(o, "sims",
                           group(pg, fname(req, code, "sim_types"),
                                 in_channel(req, name, "sim_types"),
                                 ec_sim_type_names, sim_labels(req)));
    json_object_object_add(o, "bindings",
                           group(pg, fname(req, code, "binding_months"),
                                 in_channel(req, name, "binding_months"),
                                 binding_values, binding_labels(req)));
    return o;
}

/* An add-on that may fit the plan: a box of the "addons" list, and the
   shop's channels it fits in (none ticked: every one). */
static struct json_object *
addon_model(struct page *pg, struct json_object *a, const char **codes,
            const char **names)
{
    struct ec_request *req = pg->req;
    const char *sku = ec_json_member(a, "sku", NULL),
               *name = ec_json_member(a, "name", NULL);
    const char *label = ec_arena_printf(req->arena, "%s (%s)", name, sku);
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "sku", ec_json_str(sku));
    json_object_object_add(
        o, "id", ec_json_str(ec_arena_printf(req->arena, "addons-%s", sku)));
    json_object_object_add(o, "label", ec_json_str(label));
    json_object_object_add(
        o, "checked", json_object_new_boolean(ticked(pg->f, "addons", sku)));
    json_object_object_add(
        o, "channels",
        group(pg, ec_arena_printf(req->arena, "addon.%s.channels", sku),
              ec_arena_printf(
                  req->arena, "%s: %s", label,
                  ec_admin_text(req, "admin.product_form.", "addon_channels")),
              codes, names));
    return o;
}

/* The add-ons as one group ("addons": its errors at its legend, its
   anchor the first box). */
static struct json_object *
addons_model(struct page *pg)
{
    struct ec_request *req = pg->req;
    size_t n = json_object_array_length(pg->f->channels);
    size_t na = json_object_array_length(pg->f->addons);
    const char **codes = channel_codes(req, pg->f);
    const char **names = ec_arena_alloc(req->arena, (n + 1) * sizeof(*names));
    const char *legend = ec_admin_text(req, "admin.product_form.", "addons");
    struct json_object *g = json_object_new_object();
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < n; i++)
        names[i] = code_at(pg->f->channels, i, "name");
    names[n] = NULL;
    for (size_t i = 0; i < na; i++)
        json_object_array_add(
            list, addon_model(pg, json_object_array_get_idx(pg->f->addons, i),
                              codes, names));
    json_object_object_add(g, "legend", ec_json_str(legend));
    json_object_object_add(g, "has_list", json_object_new_boolean(na > 0));
    json_object_object_add(g, "list", list);
    errors_into(pg, g, "addons");
    note(pg, "addons", legend,
         na ? ec_arena_printf(req->arena, "addons-%s",
                              code_at(pg->f->addons, 0, "sku"))
            : "addons");
    return g;
}

/* c's instant key as the shop's clock shows it ("2026-11-01 00:00"), or
   as written when it cannot be read */
static const char *
local_time(struct ec_request *req, struct json_object *c, const char *key)
{
    const char *s = ec_json_member(c, key, NULL);
    char buf[32];
    int64_t t;

    if (!s || ec_tztime_parse(req->tenant->zone, s, EC_TZTIME_REJECT, &t) < 0 ||
        ec_admin_local_time(req, t, buf, sizeof(buf)) < 0)
        return s;
    return ec_arena_strdup(req->arena, buf);
}

/* The campaigns naming the product, read only (their screen edits them). */
static struct json_object *
campaigns_model(struct ec_request *req, struct pform *f)
{
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < json_object_array_length(f->campaigns); i++) {
        struct json_object *c = json_object_array_get_idx(f->campaigns, i);
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "code",
                               ec_json_str(ec_json_member(c, "code", NULL)));
        json_object_object_add(o, "name",
                               ec_json_str(ec_json_member(c, "name", NULL)));
        json_object_object_add(o, "from",
                               ec_json_str(local_time(req, c, "valid_from")));
        json_object_object_add(o, "to",
                               ec_json_str(local_time(req, c, "valid_to")));
        json_object_array_add(list, o);
    }
    (void)req;
    return list;
}

/* Every fault, in the form's order, for the summary at the top: linked
   to its field, or unlinked for the form as a whole. */
static struct json_object *
summary(struct page *pg)
{
    struct json_object *list = json_object_new_array(), *errs;

    json_object_object_foreach(pg->anchors, name, a)
    {
        if (!json_object_object_get_ex(pg->f->errors, name, &errs))
            continue;
        for (size_t i = 0; i < json_object_array_length(errs); i++) {
            struct json_object *o = json_object_new_object();

            json_object_object_add(
                o, "href",
                ec_json_str(ec_arena_printf(pg->req->arena, "#%s",
                                            ec_json_member(a, "id", NULL))));
            json_object_object_add(
                o, "text",
                ec_json_str(ec_arena_printf(
                    pg->req->arena, "%s: %s", ec_json_member(a, "label", NULL),
                    json_object_get_string(
                        json_object_array_get_idx(errs, i)))));
            json_object_array_add(list, o);
        }
    }
    /* the form's as a whole, and any at a field this form does not show
       (never lost for want of a place) */
    json_object_object_foreach(pg->f->errors, field, e)
    {
        if (*field && json_object_object_get_ex(pg->anchors, field, NULL))
            continue;
        for (size_t i = 0; i < json_object_array_length(e); i++) {
            struct json_object *o = json_object_new_object();

            json_object_object_add(
                o, "text", json_object_get(json_object_array_get_idx(e, i)));
            json_object_array_add(list, o);
        }
    }
    return list;
}

/* The form's page for f with status (notice: a message id or NULL);
   releases f. */
static int
form_page(struct ec_request *req, struct ec_response *res, struct pform *f,
          const char *notice, int status)
{
    struct page pg = {req, f, json_object_new_object()};
    struct json_object *m = json_object_new_object();
    struct json_object *chans = json_object_new_array();
    const char *name = val(f, "name");

    if (f->sku) {
        json_object_object_add(m, "sku", ec_json_str(f->sku));
        json_object_object_add(m, "action",
                               ec_json_str(ec_arena_printf(
                                   req->arena, "/admin/products/%s", f->sku)));
        json_object_object_add(
            m, "retirable",
            json_object_new_boolean(strcmp(val(f, "status"), "retired") != 0));
        json_object_object_add(m, "campaigns", campaigns_model(req, f));
        json_object_object_add(m, "has_campaigns",
                               json_object_new_boolean(
                                   json_object_array_length(f->campaigns) > 0));
    } else {
        json_object_object_add(m, "is_new", json_object_new_boolean(1));
        json_object_object_add(m, "action", ec_json_str("/admin/products"));
        json_object_object_add(m, "f_sku", product_field(&pg, "sku", NULL));
    }
    /* a reading role sees the form but cannot send it */
    json_object_object_add(m, "can_edit",
                           json_object_new_boolean(ec_staff_can(
                               req->staff->role, EC_STAFF_EDIT_CATALOG)));
    json_object_object_add(m, "title",
                           ec_json_str(f->sku && *name ? name : NULL));
    json_object_object_add(m, "f_kind",
                           choice(&pg, "kind", ec_product_kind_names));
    json_object_object_add(m, "f_status",
                           choice(&pg, "status", ec_product_status_names));
    json_object_object_add(m, "f_name", product_field(&pg, "name", NULL));
    json_object_object_add(m, "f_description",
                           product_field(&pg, "description", NULL));
    json_object_object_add(
        m, "f_data_gb",
        product_field(&pg, "data_gb", "admin.product_form.hint.unlimited"));
    json_object_object_add(m, "f_talk_minutes",
                           product_field(&pg, "talk_minutes",
                                         "admin.product_form.hint.unlimited"));
    json_object_object_add(m, "f_network",
                           choice(&pg, "network", ec_network_names));
    json_object_object_add(m, "f_eu_data_gb",
                           product_field(&pg, "eu_data_gb", NULL));
    json_object_object_add(
        m, "f_monthly_price",
        product_field(&pg, "monthly_price", "admin.product_form.hint.money"));
    json_object_object_add(
        m, "f_fee_startup",
        product_field(&pg, "fees.startup", "admin.product_form.hint.money"));
    json_object_object_add(
        m, "f_fee_sim",
        product_field(&pg, "fees.sim", "admin.product_form.hint.money"));
    json_object_object_add(
        m, "f_binding_months",
        group(&pg, "binding_months",
              ec_admin_text(req, "admin.product_form.", "binding_months"),
              binding_values, binding_labels(req)));
    json_object_object_add(
        m, "f_sim_types",
        group(&pg, "sim_types",
              ec_admin_text(req, "admin.product_form.", "sim_types"),
              ec_sim_type_names, sim_labels(req)));
    for (size_t i = 0; i < json_object_array_length(f->channels); i++)
        json_object_array_add(
            chans,
            channel_model(&pg, json_object_array_get_idx(f->channels, i)));
    json_object_object_add(m, "channels", chans);
    json_object_object_add(m, "addons", addons_model(&pg));
    if (notice)
        json_object_object_add(m, "notice",
                               ec_json_str(ec_msgcat_text(req->texts, notice)));
    {
        struct json_object *s = summary(&pg);

        json_object_object_add(
            m, "has_errors",
            json_object_new_boolean(json_object_array_length(s) > 0));
        json_object_object_add(m, "error_summary", s);
    }
    json_object_put(pg.anchors);
    pform_release(f);
    return ec_admin_page(req, res, "products", "admin/product_form", m, status);
}

/* ---- the routes ---- */

/* GET /admin/products/new */
int
ec_h_admin_product_new(struct ec_request *req, struct ec_response *res)
{
    struct pform f;
    int rc = pform_load(req, &f, NULL, NULL);

    if (rc < 0) {
        pform_release(&f);
        return rc;
    }
    pform_defaults(&f);
    return form_page(req, res, &f, NULL, 200);
}

/* GET /admin/products/{sku}[?saved=1|retired=1]: 404 for a SKU the shop
   has not */
int
ec_h_admin_product(struct ec_request *req, struct ec_response *res)
{
    const char *saved = ec_request_arg(req, "saved");
    const char *retired = ec_request_arg(req, "retired");
    struct json_object *p = NULL;
    struct pform f;
    int rc = pform_load(req, &f, ec_request_route_arg(req, "sku"), &p);

    if (rc < 0) {
        pform_release(&f);
        return rc;
    }
    pform_from_product(req, &f, p);
    json_object_put(p);
    return form_page(req, res, &f,
                     saved     ? "admin.product_form.saved"
                     : retired ? "admin.product_form.retired"
                               : NULL,
                     200);
}

/* The form f put (mode), then 303 to the product's page, or the form
   again with every fault at its field (422; 409 for a SKU taken). */
static int
save(struct ec_request *req, struct ec_response *res, struct pform *f,
     enum ec_catalog_put_mode mode)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    struct json_object *obj = product_json(req, f), *after = NULL;
    struct ec_check_error err;
    int rc, created;

    if (json_object_object_length(f->errors) > 0) {
        json_object_put(obj);
        return form_page(req, res, f, NULL, 422);
    }
    rc = ec_catalog_draft_put(req->env->db, req->tenant->slug,
                              EC_CATALOG_PRODUCT, f->sku, obj, mode, &who, &err,
                              &after, &created);
    json_object_put(obj);
    if (rc == EC_ERR_INVALID_FIELD) {
        const char *field = field_of_path(req, f, err.path);

        /* a fault elsewhere in the catalog keeps its path, which says
           where (another product naming this one) */
        ec_admin_add_error(f->errors, field,
                           *field ? ec_arena_strdup(req->arena, err.message)
                                  : ec_arena_printf(req->arena, "%s (%s)",
                                                    err.message, err.path));
        return form_page(req, res, f, NULL, 422);
    }
    if (rc == EC_ERR_CONFLICT) {
        ec_admin_add_error(
            f->errors, "sku",
            ec_admin_text(req, "admin.product_form.error.", "taken"));
        return form_page(req, res, f, NULL, 409);
    }
    if (rc < 0) {
        pform_release(f);
        return rc;
    }
    res->status = 303;
    ec_response_header(res, "Location",
                       ec_arena_printf(req->arena, "/admin/products/%s?saved=1",
                                       ec_json_member(after, "sku", NULL)));
    json_object_put(after);
    pform_release(f);
    return 0;
}

/* POST /admin/products: a new product */
int
ec_h_admin_form_product_create(struct ec_request *req, struct ec_response *res)
{
    struct pform f;
    int rc = pform_load(req, &f, NULL, NULL);

    if (rc < 0) {
        pform_release(&f);
        return rc;
    }
    pform_from_post(req, &f);
    return save(req, res, &f, EC_CATALOG_PUT_CREATE);
}

/* POST /admin/products/{sku}: the product saved; 404 for a SKU the shop
   has not (a save never makes one) */
int
ec_h_admin_form_product_save(struct ec_request *req, struct ec_response *res)
{
    struct json_object *p = NULL;
    struct pform f;
    int rc = pform_load(req, &f, ec_request_route_arg(req, "sku"), &p);

    if (rc < 0) {
        pform_release(&f);
        return rc;
    }
    json_object_put(p);
    pform_from_post(req, &f);
    return save(req, res, &f, EC_CATALOG_PUT_REPLACE);
}

/* POST /admin/products/{sku}/retire: its status retired (orders refer to
   it, so it stays), 303 back to its page */
int
ec_h_admin_form_product_retire(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    struct ec_check_error err;
    struct json_object *before = NULL;
    int rc = ec_catalog_draft_remove(
        req->env->db, req->tenant->slug, EC_CATALOG_PRODUCT,
        ec_request_route_arg(req, "sku"), &who, &err, &before);

    if (rc < 0)
        return rc == EC_ERR_INVALID_FIELD
                   ? ec_fail(res, rc, NULL,
                             ec_arena_strdup(req->arena, err.message))
                   : rc;
    res->status = 303;
    ec_response_header(res, "Location",
                       ec_arena_printf(req->arena,
                                       "/admin/products/%s?retired=1",
                                       ec_json_member(before, "sku", NULL)));
    json_object_put(before);
    return 0;
}
