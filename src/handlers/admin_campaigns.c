/*
 * The panel's campaign screens (docs/admin.md, "Campaigns"): the list of
 * running, coming and ended campaigns (READ), and one form to create or
 * edit a campaign, end it early or delete one that has not started
 * (EDIT_CATALOG).
 *
 * The form builds the campaign in the catalog document's JSON shape
 * (docs/catalog.md) and lets the one model check it: an
 * EC_ERR_INVALID_FIELD comes back with a JSON path in the object, which
 * is shown at the form's field with what was typed kept. The handler
 * parses text into JSON types and nothing more: money typed in kroner as
 * the shop writes it (render/format.h), times as the shop's local time
 * (the document reads them in the tenant's zone).
 *
 * Beside the form: the other campaigns it meets and what the engine does
 * where they meet (svc/campaign_overlap.h, the engine's own ranking).
 *
 * Every read and write goes to the catalog draft (svc/catalog_draft.h):
 * a change waits there until it is published (/admin/draft). Ending a campaign
 * early is the exception: it is saved live at once, since a running offer must
 * not wait for a publish, and the campaign's change in the draft, if any, is
 * dropped, so a later publish does not bring the old end back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#include "svc/campaign_overlap.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_draft.h"
#include "svc/catalog_edit.h"
#include "svc/promotion.h"
#include "svc/staff.h"
#include "svc/tenant.h"

/* ---- campaigns as JSON, as the engine's struct ---- */

#define ROWS EC_PROMOTION_MAX_ACTIONS

/* o[key] as a whole number, or def */
static long long
int_of(struct json_object *o, const char *key, long long def)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_int))
        return def;
    return json_object_get_int64(v);
}

/* The strings of array o[key] into the arena, *n of them. */
static const char **
strings_of(struct ec_request *req, struct json_object *o, const char *key,
           size_t *n)
{
    struct json_object *arr;
    const char **v;
    size_t len;

    *n = 0;
    if (!json_object_object_get_ex(o, key, &arr) ||
        !json_object_is_type(arr, json_type_array))
        return NULL;
    len = json_object_array_length(arr);
    v = ec_arena_calloc(req->arena, len + 1, sizeof(*v));
    for (size_t i = 0; i < len; i++) {
        struct json_object *s = json_object_array_get_idx(arr, i);

        if (json_object_is_type(s, json_type_string))
            v[(*n)++] = json_object_get_string(s);
    }
    return v;
}

/* A time of the document (an offset, or local in the shop's zone). */
static int
instant_of(struct ec_request *req, const char *s, int64_t *t)
{
    return ec_tztime_parse(req->tenant->zone, s, EC_TZTIME_COMPATIBLE, t);
}

/*
 * Campaign o (the document's shape) as the engine's struct, for the
 * overlap list and the screens' states, its lists in the arena and its
 * strings borrowed from o. 0, or -1 when its times cannot be read.
 */
static int
campaign_of(struct ec_request *req, struct json_object *o,
            struct ec_promotion_campaign *c)
{
    memset(c, 0, sizeof(*c));
    c->code = ec_json_member(o, "code", "");
    c->name = ec_json_member(o, "name", "");
    c->skus = strings_of(req, o, "products", &c->n_skus);
    c->channels = strings_of(req, o, "channels", &c->n_channels);
    c->priority = (int)int_of(o, "priority", 0);
    c->stacking = strcmp(ec_json_member(o, "stacking", ""), "stackable") == 0
                      ? EC_PROMOTION_STACKABLE
                      : EC_PROMOTION_EXCLUSIVE;
    c->required_binding = (int)int_of(o, "required_binding", 0);
    if (instant_of(req, ec_json_member(o, "valid_from", ""), &c->valid_from) <
            0 ||
        instant_of(req, ec_json_member(o, "valid_to", ""), &c->valid_to) < 0)
        return -1;
    return 0;
}

/* list (n entries) joined by ", " in the arena */
static const char *
joined(struct ec_request *req, const char *const *list, size_t n)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *s;

    for (size_t i = 0; i < n; i++)
        ec_buf_addf(&b, "%s%s", i ? ", " : "", list[i]);
    s = ec_arena_strdup(req->arena, b.data ? b.data : "");
    ec_buf_release(&b);
    return s;
}

/* What a list row or an overlap shows of campaign c. */
static struct json_object *
summary_json(struct ec_request *req, const struct ec_promotion_campaign *c)
{
    struct json_object *o = json_object_new_object();
    const char *stacking = ec_promotion_stacking_names[c->stacking];
    char from[24], to[24];

    ec_admin_local_time(req, c->valid_from, from, sizeof(from));
    ec_admin_local_time(req, c->valid_to, to, sizeof(to));
    json_object_object_add(o, "code", ec_json_str(c->code));
    json_object_object_add(o, "name", ec_json_str(c->name));
    json_object_object_add(o, "from", json_object_new_string(from));
    json_object_object_add(o, "to", json_object_new_string(to));
    json_object_object_add(o, "products",
                           ec_json_str(joined(req, c->skus, c->n_skus)));
    json_object_object_add(
        o, "channels", ec_json_str(joined(req, c->channels, c->n_channels)));
    json_object_object_add(o, "all_channels",
                           json_object_new_boolean(c->n_channels == 0));
    json_object_object_add(o, "priority", json_object_new_int(c->priority));
    json_object_object_add(o, "stacking", ec_json_str(stacking));
    json_object_object_add(
        o, "stacking_text",
        ec_json_str(ec_admin_text(req, "admin.campaigns.stacking_", stacking)));
    return o;
}

/* ---- the list ---- */

/* GET /admin/campaigns: running, coming and ended, each by code */
int
ec_h_admin_campaigns(struct ec_request *req, struct ec_response *res)
{
    static const char *const states[] = {"running", "coming", "ended"};
    int64_t now = (int64_t)time(NULL);
    struct json_object *arr, *m, *lists[3];
    const char *done = ec_request_arg(req, "done");
    int rc;

    if ((rc = ec_catalog_draft_list(req->env->db, req->tenant->slug,
                                    EC_CATALOG_CAMPAIGN, &arr)) < 0)
        return rc;
    ec_arena_cleanup(req->arena, ec_json_put, arr);
    m = json_object_new_object();
    for (size_t s = 0; s < 3; s++)
        lists[s] = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct ec_promotion_campaign c;
        size_t s;

        if (campaign_of(req, json_object_array_get_idx(arr, i), &c) < 0)
            continue;
        s = now < c.valid_from ? 1 : now >= c.valid_to ? 2 : 0;
        json_object_array_add(lists[s], summary_json(req, &c));
    }
    for (size_t s = 0; s < 3; s++) {
        json_object_object_add(
            m, ec_arena_printf(req->arena, "has_%s", states[s]),
            json_object_new_boolean(json_object_array_length(lists[s]) > 0));
        json_object_object_add(m, states[s], lists[s]);
    }
    json_object_object_add(m, "can_edit",
                           json_object_new_boolean(ec_staff_can(
                               req->staff->role, EC_STAFF_EDIT_CATALOG)));
    if (done && strcmp(done, "deleted") == 0)
        json_object_object_add(m, "notice",
                               ec_json_str(ec_admin_text(
                                   req, "admin.campaigns.done.", "deleted")));
    return ec_admin_page(req, res, "campaigns", "admin/campaigns", m, 200);
}

/* ---- the form ---- */

/* One action's row as typed. */
struct row {
    const char *kind, *amount, *first, *months;
    int startup, sim;
};

/* The form as typed (or as stored, written as it would be typed). */
struct cform {
    const char *code; /* the address's, or the one typed for a new one */
    int is_new;
    const char *name, *from, *to, *priority, *stacking, *binding;
    const char **skus, **channels;
    size_t n_skus, n_channels;
    struct row rows[ROWS];
    struct json_object *errors; /* field -> message (the arena's) */
    const char *problem;        /* a fault no field of the form shows */
};

/* The form's text for instant s of the document: the shop's local time
   as <input type="datetime-local"> writes it, "2026-12-01T00:00". */
static const char *
input_time(struct ec_request *req, const char *s)
{
    char buf[24];
    int64_t t;

    if (!*s || instant_of(req, s, &t) < 0)
        return s;
    ec_admin_local_time(req, t, buf, sizeof(buf));
    buf[10] = 'T';
    return ec_arena_strdup(req->arena, buf);
}

static const char *
int_text(struct ec_request *req, struct json_object *o, const char *key)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v))
        return "";
    return ec_arena_strdup(req->arena, json_object_get_string(v));
}

static const char *
amount_text(struct ec_request *req, struct json_object *o, const char *key)
{
    long long n = int_of(o, key, -1);
    struct ec_buf b;
    const char *s;

    if (n < 0)
        return int_text(req, o, key);
    ec_buf_init(&b);
    ec_format_amount(&b, n, req->tenant->locale);
    s = ec_arena_strdup(req->arena, b.data);
    ec_buf_release(&b);
    return s;
}

static int
has_string(struct json_object *arr, const char *s)
{
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)),
                   s) == 0)
            return 1;
    return 0;
}

/* The form showing stored campaign o. */
static void
form_from_json(struct ec_request *req, struct cform *f, struct json_object *o)
{
    struct json_object *actions, *fees;
    size_t n = 0;

    f->name = ec_json_member(o, "name", "");
    f->from = input_time(req, ec_json_member(o, "valid_from", ""));
    f->to = input_time(req, ec_json_member(o, "valid_to", ""));
    f->priority = int_text(req, o, "priority");
    f->stacking = ec_json_member(o, "stacking", "");
    f->binding = int_text(req, o, "required_binding");
    f->skus = strings_of(req, o, "products", &f->n_skus);
    f->channels = strings_of(req, o, "channels", &f->n_channels);
    if (json_object_object_get_ex(o, "actions", &actions))
        n = json_object_array_length(actions);
    for (size_t i = 0; i < n && i < ROWS; i++) {
        struct json_object *a = json_object_array_get_idx(actions, i);
        struct row *r = &f->rows[i];

        r->kind = ec_json_member(a, "kind", "");
        r->amount = json_object_object_get_ex(a, "percent_bp", NULL)
                        ? amount_text(req, a, "percent_bp")
                        : amount_text(req, a, "amount");
        r->first = int_text(req, a, "first_month");
        r->months = int_text(req, a, "months");
        if (json_object_object_get_ex(a, "fees", &fees)) {
            r->startup = has_string(fees, "startup");
            r->sim = has_string(fees, "sim");
        }
    }
}

static const char *
posted(struct ec_request *req, const char *name)
{
    const char *s = ec_request_form(req, name);

    return s ? s : "";
}

/* Every value posted as name (a list of checkboxes), in the arena. */
static const char **
posted_all(struct ec_request *req, const char *name, size_t *n)
{
    const char **v = ec_arena_calloc(req->arena, req->form.n + 1, sizeof(*v));

    *n = 0;
    for (size_t i = 0; i < req->form.n; i++)
        if (strcmp(req->form.items[i].name, name) == 0 &&
            *req->form.items[i].value)
            v[(*n)++] = req->form.items[i].value;
    return v;
}

/* The form as posted. */
static void
form_from_post(struct ec_request *req, struct cform *f)
{
    if (f->is_new)
        f->code = posted(req, "code");
    f->name = posted(req, "name");
    f->from = posted(req, "valid_from");
    f->to = posted(req, "valid_to");
    f->priority = posted(req, "priority");
    f->stacking = posted(req, "stacking");
    f->binding = posted(req, "required_binding");
    f->skus = posted_all(req, "products", &f->n_skus);
    f->channels = posted_all(req, "channels", &f->n_channels);
    for (int i = 0; i < ROWS; i++) {
        struct row *r = &f->rows[i];
        const char *p = ec_arena_printf(req->arena, "a%d_", i);

        r->kind = posted(req, ec_arena_printf(req->arena, "%skind", p));
        r->amount = posted(req, ec_arena_printf(req->arena, "%samount", p));
        r->first = posted(req, ec_arena_printf(req->arena, "%sfirst_month", p));
        r->months = posted(req, ec_arena_printf(req->arena, "%smonths", p));
        r->startup = ec_request_form_has(
            req, ec_arena_printf(req->arena, "%sfees", p), "startup");
        r->sim = ec_request_form_has(
            req, ec_arena_printf(req->arena, "%sfees", p), "sim");
    }
}

/* The message at field (its text admin.campaigns.error.<what>). */
static void
field_error(struct ec_request *req, struct cform *f, const char *field,
            const char *what)
{
    if (!json_object_object_get_ex(f->errors, field, NULL))
        json_object_object_add(
            f->errors, field,
            ec_json_str(ec_admin_text(req, "admin.campaigns.error.", what)));
}

static struct json_object *
string_array(const char *const *v, size_t n)
{
    struct json_object *arr = json_object_new_array();

    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(v[i]));
    return arr;
}

static int
is_kind(const char *kind, const char *a, const char *b)
{
    return strcmp(kind, a) == 0 || (b && strcmp(kind, b) == 0);
}

/*
 * Row r as an action of the document, or NULL with an error at the
 * row's field when its text is not a number.
 */
static struct json_object *
action_json(struct ec_request *req, struct cform *f, int i, const struct row *r)
{
    struct json_object *a = json_object_new_object();
    int money = !is_kind(r->kind, "waive_fee", "percent_off");
    int monthly = !is_kind(r->kind, "waive_fee", "reduce_fee");
    long long n;

    json_object_object_add(a, "kind", json_object_new_string(r->kind));
    if (*r->amount || !is_kind(r->kind, "waive_fee", NULL)) {
        if (ec_parse_money(r->amount, req->tenant->locale, &n) < 0)
            field_error(req, f, ec_arena_printf(req->arena, "a%d_amount", i),
                        "amount");
        else
            json_object_object_add(a, money ? "amount" : "percent_bp",
                                   json_object_new_int64(n));
    }
    if (monthly) {
        if (*r->first)
            json_object_object_add(a, "first_month",
                                   ec_json_form_int(r->first));
        if (*r->months)
            json_object_object_add(a, "months", ec_json_form_int(r->months));
    } else {
        const char *fees[2];
        size_t nf = 0;

        if (r->startup)
            fees[nf++] = "startup";
        if (r->sim)
            fees[nf++] = "sim";
        json_object_object_add(a, "fees", string_array(fees, nf));
    }
    return a;
}

/*
 * The campaign of form f in the document's shape (the caller's); row_of
 * gets, for each action's index, the form row it came from. Text that is
 * not a number leaves an error at its field.
 */
static struct json_object *
campaign_json(struct ec_request *req, struct cform *f, int *row_of)
{
    struct json_object *o = json_object_new_object();
    struct json_object *actions = json_object_new_array();
    int n = 0;

    if (f->is_new && *f->code)
        json_object_object_add(o, "code", json_object_new_string(f->code));
    json_object_object_add(o, "name", json_object_new_string(f->name));
    json_object_object_add(o, "valid_from", json_object_new_string(f->from));
    json_object_object_add(o, "valid_to", json_object_new_string(f->to));
    json_object_object_add(o, "products", string_array(f->skus, f->n_skus));
    /* none ticked: every channel, which the document says by leaving
       the list out */
    if (f->n_channels)
        json_object_object_add(o, "channels",
                               string_array(f->channels, f->n_channels));
    if (*f->priority)
        json_object_object_add(o, "priority", ec_json_form_int(f->priority));
    if (*f->stacking)
        json_object_object_add(o, "stacking",
                               json_object_new_string(f->stacking));
    if (*f->binding)
        json_object_object_add(o, "required_binding",
                               ec_json_form_int(f->binding));
    for (int i = 0; i < ROWS; i++) {
        if (!*f->rows[i].kind)
            continue;
        row_of[n++] = i;
        json_object_array_add(actions, action_json(req, f, i, &f->rows[i]));
    }
    json_object_object_add(o, "actions", actions);
    return o;
}

/* The fields of the form a path in the campaign's object points at. */
static const struct {
    const char *path, *field, *what;
} top_fields[] = {
    {"$.code", "code", "code"},
    {"$.name", "name", "name"},
    {"$.valid_from", "valid_from", "valid_from"},
    {"$.valid_to", "valid_to", "valid_to"},
    {"$.products", "products", "products"},
    {"$.channels", "channels", "channels"},
    {"$.priority", "priority", "priority"},
    {"$.stacking", "stacking", "stacking"},
    {"$.required_binding", "required_binding", "required_binding"},
};

/* The field an action's member is shown at, by its name in the path. */
static const struct {
    const char *member, *field, *what;
} action_fields[] = {
    {"amount", "amount", "amount"},
    {"percent_bp", "amount", "amount"},
    {"first_month", "first_month", "first_month"},
    {"months", "months", "months"},
    {"fees", "fees", "fees"},
    {"kind", "kind", "kind"},
};

/* 1 when path is prefix, alone or followed by a member or an index */
static int
under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(path, prefix, n) == 0 &&
           (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

/* The model's refusal at path, shown at the form's field it is about. */
static void
refusal_at(struct ec_request *req, struct cform *f, const char *path,
           const char *message, const int *row_of, int nrows)
{
    int i;
    char member[32];

    for (size_t k = 0; k < sizeof(top_fields) / sizeof(*top_fields); k++)
        if (under(path, top_fields[k].path)) {
            field_error(req, f, top_fields[k].field, top_fields[k].what);
            return;
        }
    if (sscanf(path, "$.actions[%d].%31[a-z_]", &i, member) == 2 && i >= 0 &&
        i < nrows)
        for (size_t k = 0; k < sizeof(action_fields) / sizeof(*action_fields);
             k++)
            if (strcmp(member, action_fields[k].member) == 0) {
                field_error(req, f,
                            ec_arena_printf(req->arena, "a%d_%s", row_of[i],
                                            action_fields[k].field),
                            action_fields[k].what);
                return;
            }
    if (sscanf(path, "$.actions[%d]", &i) == 1 && i >= 0 && i < nrows) {
        field_error(req, f, ec_arena_printf(req->arena, "a%d_kind", row_of[i]),
                    "kind");
        return;
    }
    if (under(path, "$.actions")) {
        field_error(req, f, "actions", "actions");
        return;
    }
    /* elsewhere in the document: say what the model said */
    f->problem = ec_arena_strdup(req->arena, message);
}

/* The error of field, or NULL. */
static struct json_object *
error_of(struct cform *f, const char *field)
{
    struct json_object *v;

    return json_object_object_get_ex(f->errors, field, &v) ? json_object_get(v)
                                                           : NULL;
}

/* m[key] = {value, error} of a text field, its error the one at field */
static void
add_field_as(struct json_object *m, struct cform *f, const char *key,
             const char *field, const char *value)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "value", ec_json_str(value));
    json_object_object_add(o, "error", error_of(f, field));
    json_object_object_add(m, key, o);
}

static void
add_field(struct json_object *m, struct cform *f, const char *field,
          const char *value)
{
    add_field_as(m, f, field, field, value);
}

static int
listed(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

/* The products or channels (arr, the draft's) to tick, each {key, name,
   checked}. */
static struct json_object *
choices_model(struct json_object *arr, const char *key,
              const char *const *checked, size_t n)
{
    struct json_object *out = json_object_new_array();

    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *x = json_object_array_get_idx(arr, i);
        struct json_object *o = json_object_new_object();
        const char *id = ec_json_member(x, key, "");

        json_object_object_add(o, "key", ec_json_str(id));
        json_object_object_add(o, "name",
                               ec_json_str(ec_json_member(x, "name", "")));
        json_object_object_add(o, "checked",
                               json_object_new_boolean(listed(checked, n, id)));
        json_object_object_add(o, "i", json_object_new_int((int)i));
        json_object_array_add(out, o);
    }
    return out;
}

/* The options of a select, values v (n of them), current selected;
   names from message prefix + value. */
static struct json_object *
options(struct ec_request *req, const char *const *v, size_t n,
        const char *current, const char *prefix)
{
    struct json_object *arr = json_object_new_array();

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "value", json_object_new_string(v[i]));
        json_object_object_add(
            o, "name",
            ec_json_str(prefix
                            ? ec_admin_text(req, prefix, *v[i] ? v[i] : "none")
                            : v[i]));
        json_object_object_add(
            o, "selected", json_object_new_boolean(strcmp(v[i], current) == 0));
        json_object_array_add(arr, o);
    }
    return arr;
}

static const char *const kinds[] = {
    "", "fixed_price", "amount_off", "percent_off", "waive_fee", "reduce_fee"};
static const char *const stackings[] = {"exclusive", "stackable"};
static const char *const bindings[] = {"0", "1", "2", "3", "4", "5", "6"};

static struct json_object *
rows_model(struct ec_request *req, struct cform *f)
{
    struct json_object *arr = json_object_new_array();

    for (int i = 0; i < ROWS; i++) {
        const struct row *r = &f->rows[i];
        struct json_object *o = json_object_new_object();
        const char *p = ec_arena_printf(req->arena, "a%d_", i);

        json_object_object_add(o, "i", json_object_new_int(i));
        json_object_object_add(o, "n", json_object_new_int(i + 1));
        json_object_object_add(
            o, "kinds",
            options(req, kinds, sizeof(kinds) / sizeof(*kinds),
                    r->kind ? r->kind : "", "admin.campaigns.action_"));
        add_field_as(o, f, "amount", ec_arena_printf(req->arena, "%samount", p),
                     r->amount);
        add_field_as(o, f, "first_month",
                     ec_arena_printf(req->arena, "%sfirst_month", p), r->first);
        add_field_as(o, f, "months", ec_arena_printf(req->arena, "%smonths", p),
                     r->months);
        json_object_object_add(
            o, "kind_error",
            error_of(f, ec_arena_printf(req->arena, "%skind", p)));
        json_object_object_add(
            o, "fees_error",
            error_of(f, ec_arena_printf(req->arena, "%sfees", p)));
        json_object_object_add(o, "startup",
                               json_object_new_boolean(r->startup));
        json_object_object_add(o, "sim", json_object_new_boolean(r->sim));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* Where self meets other: the engine's rule in the shop's words. */
static const char *
verdict(struct ec_request *req, const struct ec_promotion_campaign *self,
        const struct ec_promotion_campaign *other,
        const struct ec_campaign_precedence *p, const char **code)
{
    static const char *const meetings[] = {
        [EC_CAMPAIGN_THIS_WINS] = "this_wins",
        [EC_CAMPAIGN_OTHER_WINS] = "other_wins",
        [EC_CAMPAIGN_BY_PRICE] = "by_price",
        [EC_CAMPAIGN_THIS_ON_TOP] = "this_on_top",
        [EC_CAMPAIGN_OTHER_ON_TOP] = "other_on_top",
        [EC_CAMPAIGN_BOTH_STACK] = "both_stack"};
    struct json_object *vars = json_object_new_object();
    const char *step = ec_promotion_step_name(p->step);
    struct ec_buf b = EC_BUF_INIT;
    const char *s;

    *code = meetings[p->meeting];
    if (p->meeting == EC_CAMPAIGN_THIS_WINS ||
        p->meeting == EC_CAMPAIGN_OTHER_WINS)
        *code = ec_arena_printf(req->arena, "%s_%s", *code, step);
    json_object_object_add(vars, "mine", json_object_new_int(self->priority));
    json_object_object_add(vars, "theirs",
                           json_object_new_int(other->priority));
    ec_msgcat_render(
        req->texts,
        ec_arena_printf(req->arena, "admin.campaigns.meet.%s", *code), vars,
        &b);
    s = ec_arena_strdup(req->arena, b.data ? b.data : "");
    ec_buf_release(&b);
    json_object_put(vars);
    return s;
}

/* The other campaigns (arr, the draft's) self meets, with what the
   engine does there. */
static void
overlaps_model(struct ec_request *req, const struct ec_promotion_campaign *self,
               struct json_object *arr, struct json_object *m)
{
    struct json_object *list = json_object_new_array();

    json_object_object_add(m, "overlaps", list);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct ec_promotion_campaign c;
        struct ec_campaign_precedence p;
        struct json_object *o;
        const char *code;

        if (campaign_of(req, json_object_array_get_idx(arr, i), &c) < 0 ||
            (self->code && strcmp(c.code, self->code) == 0) ||
            !ec_campaign_overlaps(self, &c))
            continue;
        ec_campaign_precedence(self, &c, &p);
        o = summary_json(req, &c);
        json_object_object_add(o, "verdict",
                               ec_json_str(verdict(req, self, &c, &p, &code)));
        json_object_object_add(o, "meeting", ec_json_str(code));
        json_object_array_add(list, o);
    }
    json_object_object_add(
        m, "has_overlaps",
        json_object_new_boolean(json_object_array_length(list) > 0));
}

/* The form page with f, the overlaps of self (NULL: none to show), and
   status; its products, channels and campaigns from doc, the drafted
   catalog. */
static int
form_page_of(struct ec_request *req, struct ec_response *res, struct cform *f,
             const struct ec_promotion_campaign *self, const char *notice,
             int status, struct json_object *doc)
{
    struct json_object *m;
    int64_t now = (int64_t)time(NULL);

    m = json_object_new_object();
    json_object_object_add(m, "is_new", json_object_new_boolean(f->is_new));
    json_object_object_add(
        m, "action",
        ec_json_str(
            f->is_new
                ? "/admin/campaigns"
                : ec_arena_printf(req->arena, "/admin/campaigns/%s", f->code)));
    add_field(m, f, "code", f->code);
    add_field(m, f, "name", f->name);
    add_field(m, f, "valid_from", f->from);
    add_field(m, f, "valid_to", f->to);
    add_field(m, f, "priority", f->priority);
    json_object_object_add(m, "products_error", error_of(f, "products"));
    json_object_object_add(m, "channels_error", error_of(f, "channels"));
    json_object_object_add(m, "stacking_error", error_of(f, "stacking"));
    json_object_object_add(m, "binding_error", error_of(f, "required_binding"));
    json_object_object_add(m, "actions_error", error_of(f, "actions"));
    json_object_object_add(m, "problem", ec_json_str(f->problem));
    json_object_object_add(
        m, "has_errors",
        json_object_new_boolean(json_object_object_length(f->errors) > 0 ||
                                f->problem));
    json_object_object_add(m, "notice", ec_json_str(notice));
    json_object_object_add(m, "stackings",
                           options(req, stackings, 2,
                                   *f->stacking ? f->stacking : "exclusive",
                                   "admin.campaigns.stacking_"));
    json_object_object_add(m, "bindings",
                           options(req, bindings, 7,
                                   *f->binding ? f->binding : "0",
                                   "admin.campaigns.binding_"));
    json_object_object_add(m, "rows", rows_model(req, f));
    json_object_object_add(
        m, "products",
        choices_model(ec_catalog_edit_array(doc, EC_CATALOG_PRODUCT), "sku",
                      f->skus, f->n_skus));
    json_object_object_add(
        m, "channels",
        choices_model(ec_catalog_edit_array(doc, EC_CATALOG_CHANNEL), "code",
                      f->channels, f->n_channels));
    if (self)
        overlaps_model(req, self,
                       ec_catalog_edit_array(doc, EC_CATALOG_CAMPAIGN), m);
    json_object_object_add(m, "show_overlaps", json_object_new_boolean(!!self));
    /* what the stored campaign allows: end a running one, delete one
       that has not started */
    if (!f->is_new && self) {
        json_object_object_add(
            m, "can_end",
            json_object_new_boolean(self->valid_from <= now &&
                                    now < self->valid_to));
        json_object_object_add(m, "can_delete",
                               json_object_new_boolean(now < self->valid_from));
    }
    return ec_admin_page(req, res, "campaigns", "admin/campaign", m, status);
}

/* The drafted catalog, read once a page (the request drops it). */
static int
draft_doc(struct ec_request *req, struct json_object **doc)
{
    int rc = ec_catalog_draft_document(req->env->db, req->tenant->slug, doc);

    if (rc == 0)
        ec_arena_cleanup(req->arena, ec_json_put, *doc);
    return rc;
}

/* form_page_of() with the drafted catalog read here. */
static int
form_page(struct ec_request *req, struct ec_response *res, struct cform *f,
          const struct ec_promotion_campaign *self, const char *notice,
          int status)
{
    struct json_object *doc;
    int rc = draft_doc(req, &doc);

    return rc < 0 ? rc : form_page_of(req, res, f, self, notice, status, doc);
}

static void
form_init(struct ec_request *req, struct cform *f, const char *code, int is_new)
{
    memset(f, 0, sizeof(*f));
    f->code = code ? code : "";
    f->is_new = is_new;
    f->name = f->from = f->to = f->priority = f->stacking = f->binding = "";
    for (int i = 0; i < ROWS; i++) {
        f->rows[i].kind = f->rows[i].amount = "";
        f->rows[i].first = f->rows[i].months = "";
    }
    /* every way out of a handler drops it with the request */
    f->errors = json_object_new_object();
    ec_arena_cleanup(req->arena, ec_json_put, f->errors);
}

/* GET /admin/campaigns/new: an empty form with one fixed-price row */
int
ec_h_admin_campaign_new(struct ec_request *req, struct ec_response *res)
{
    struct cform f;

    form_init(req, &f, NULL, 1);
    f.rows[0].kind = "fixed_price";
    f.rows[0].first = "1";
    return form_page(req, res, &f, NULL, NULL, 200);
}

/* The notice after a redirect here (?done=saved, created, ended). */
static const char *
done_notice(struct ec_request *req)
{
    const char *done = ec_request_arg(req, "done");

    if (!done || (strcmp(done, "saved") != 0 && strcmp(done, "created") != 0 &&
                  strcmp(done, "ended") != 0))
        return NULL;
    return ec_admin_text(req, "admin.campaigns.done.", done);
}

/* GET /admin/campaigns/{code}: the form, with the campaigns it meets */
int
ec_h_admin_campaign(struct ec_request *req, struct ec_response *res)
{
    const char *code = ec_request_route_arg(req, "code");
    struct ec_promotion_campaign self;
    struct json_object *doc, *o;
    struct cform f;
    int rc;

    /* one read of the draft for the campaign and the rest of the page */
    if ((rc = draft_doc(req, &doc)) < 0 ||
        (rc = ec_catalog_edit_pick(
             EC_CATALOG_CAMPAIGN,
             ec_catalog_edit_array(doc, EC_CATALOG_CAMPAIGN), code, &o)) < 0)
        return rc;
    ec_arena_cleanup(req->arena, ec_json_put, o);
    form_init(req, &f, ec_json_member(o, "code", ""), 0);
    form_from_json(req, &f, o);
    return form_page_of(req, res, &f,
                        campaign_of(req, o, &self) == 0 ? &self : NULL,
                        done_notice(req), 200, doc);
}

static int
back_to(struct ec_request *req, struct ec_response *res, const char *code,
        const char *done)
{
    res->status = 303;
    ec_response_header(
        res, "Location",
        ec_arena_printf(req->arena, "/admin/campaigns/%s?done=%s", code, done));
    return 0;
}

/* A save of form f (code the address's, or NULL for a new one). */
static int
save(struct ec_request *req, struct ec_response *res, const char *code)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    struct ec_promotion_campaign self;
    struct json_object *o, *after = NULL;
    struct ec_check_error err;
    int row_of[ROWS], created = 0, rc;
    struct cform f;

    form_init(req, &f, code, code == NULL);
    form_from_post(req, &f);
    o = campaign_json(req, &f, row_of);
    ec_arena_cleanup(req->arena, ec_json_put, o);
    if (json_object_object_length(f.errors) > 0)
        return form_page(req, res, &f, NULL, NULL, 422);
    rc = ec_catalog_draft_put(
        req->env->db, req->tenant->slug, EC_CATALOG_CAMPAIGN, code, o,
        code ? EC_CATALOG_PUT_UPDATE : EC_CATALOG_PUT_CREATE, &who, &err,
        &after, &created);
    if (rc == 0) {
        rc = back_to(req, res, ec_json_member(after, "code", ""),
                     created ? "created" : "saved");
        json_object_put(after);
        return rc;
    }
    if (rc == EC_ERR_CONFLICT) {
        field_error(req, &f, "code", "code_taken");
        return form_page(req, res, &f, NULL, NULL, 409);
    }
    if (rc != EC_ERR_INVALID_FIELD)
        return rc;
    refusal_at(
        req, &f, err.path, err.message, row_of,
        (int)json_object_array_length(json_object_object_get(o, "actions")));
    /* the campaigns it would meet, when what was typed says enough */
    self.code = NULL;
    if (campaign_of(req, o, &self) == 0)
        self.code = code;
    return form_page(req, res, &f,
                     self.valid_from < self.valid_to ? &self : NULL, NULL, 422);
}

/* POST /admin/campaigns: a new campaign */
int
ec_h_admin_form_campaign_create(struct ec_request *req, struct ec_response *res)
{
    return save(req, res, NULL);
}

/* POST /admin/campaigns/{code}: the campaign replaced by the form */
int
ec_h_admin_form_campaign(struct ec_request *req, struct ec_response *res)
{
    /* another tenant's code, or none: 404, never a new one */
    return save(req, res, ec_request_route_arg(req, "code"));
}

/* The stored campaign's form again, refusing what was asked (409). */
static int
refused(struct ec_request *req, struct ec_response *res, struct json_object *o,
        const char *why)
{
    struct ec_promotion_campaign self;
    struct cform f;

    form_init(req, &f, ec_json_member(o, "code", ""), 0);
    form_from_json(req, &f, o);
    f.problem = ec_admin_text(req, "admin.campaigns.not_allowed.", why);
    return form_page(req, res, &f,
                     campaign_of(req, o, &self) == 0 ? &self : NULL, NULL, 409);
}

/*
 * POST /admin/campaigns/{code}/end: a running campaign ends now, saved
 * live at once (not as a draft): a running offer must stop when staff
 * say so. One that has not started is deleted instead, since the
 * document cannot hold a campaign that ends as it starts.
 */
int
ec_h_admin_form_campaign_end(struct ec_request *req, struct ec_response *res)
{
    const char *code = ec_request_route_arg(req, "code");
    struct ec_audit_actor who = ec_admin_actor(req);
    int64_t now = (int64_t)time(NULL);
    struct json_object *o, *after = NULL;
    struct ec_promotion_campaign c;
    char to[EC_TZTIME_RFC3339_SIZE];
    struct ec_check_error err;
    int rc, created;

    if ((rc = ec_catalog_edit_get(req->env->db, req->tenant->slug,
                                  EC_CATALOG_CAMPAIGN, code, &o)) < 0)
        return rc;
    ec_arena_cleanup(req->arena, ec_json_put, o);
    if (campaign_of(req, o, &c) < 0)
        return EC_ERR_INTERNAL;
    if (now < c.valid_from)
        return refused(req, res, o, "not_started");
    if (now >= c.valid_to)
        return back_to(req, res, c.code, "ended");
    json_object_object_add(o, "valid_to",
                           json_object_new_string(ec_catalog_doc_time(
                               req->tenant->zone, now, to, sizeof(to))));
    rc = ec_catalog_edit_put(
        req->env->db, req->env->kv, req->tenant->slug, EC_CATALOG_CAMPAIGN,
        code, o, EC_CATALOG_PUT_REPLACE, &who, &err, &after, &created);
    json_object_put(after);
    if (rc == EC_ERR_INVALID_FIELD) /* started this very second */
        return refused(req, res, o, "not_started");
    if (rc < 0)
        return rc;
    /* the draft's version of it would bring the old end back */
    if ((rc = ec_catalog_draft_discard(req->env->db, req->tenant->slug,
                                       "campaign", code, &who)) < 0)
        return rc;
    return back_to(req, res, code, "ended");
}

/* POST /admin/campaigns/{code}/delete: only one that has not started
   (one that ran is ended, so its history stays in the catalog) */
int
ec_h_admin_form_campaign_delete(struct ec_request *req, struct ec_response *res)
{
    const char *code = ec_request_route_arg(req, "code");
    struct ec_audit_actor who = ec_admin_actor(req);
    struct json_object *o, *before = NULL;
    struct ec_promotion_campaign c;
    struct ec_check_error err;
    int rc;

    if ((rc = ec_catalog_draft_get(req->env->db, req->tenant->slug,
                                   EC_CATALOG_CAMPAIGN, code, &o)) < 0)
        return rc;
    ec_arena_cleanup(req->arena, ec_json_put, o);
    if (campaign_of(req, o, &c) == 0 && c.valid_from <= (int64_t)time(NULL))
        return refused(req, res, o, "started");
    if ((rc = ec_catalog_draft_remove(req->env->db, req->tenant->slug,
                                      EC_CATALOG_CAMPAIGN, code, &who, &err,
                                      &before)) < 0)
        return rc;
    json_object_put(before);
    res->status = 303;
    ec_response_header(res, "Location", "/admin/campaigns?done=deleted");
    return 0;
}
