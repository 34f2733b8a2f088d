/*
 * The panel's channel screens (docs/admin.md, "Channels"): the tenant's
 * channels and the channel rules in the order they are tried (READ); a
 * form to create or edit a channel, its deletion, and the rules edited
 * as one ordered list (EDIT_CATALOG).
 *
 * As on the campaign screens (handlers/admin_campaigns.c), the forms
 * build the document's JSON shape (docs/catalog.md) and the one model
 * checks it, its refusals shown at the form's fields. A channel still
 * named by a product, a campaign or a rule cannot be deleted: the model
 * refuses, and the screen names what still uses it.
 *
 * Every read and write goes to the catalog draft (svc/catalog_draft.h):
 * a change waits there until it is published (/admin/draft).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/check.h"
#include "core/err.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_draft.h"
#include "svc/catalog_edit.h"
#include "svc/staff.h"
#include "svc/tenant.h"

/* ---- helpers ---- */

/* Empty rows the rules form offers for new rules. */
#define NEW_ROWS 3
/* The most rows the rules form takes. */
#define MAX_ROWS 64

static int
is_default(struct json_object *o)
{
    struct json_object *v;

    return json_object_object_get_ex(o, "default", &v) &&
           json_object_get_boolean(v);
}

static const char *
posted(struct ec_request *req, const char *name)
{
    const char *s = ec_request_form(req, name);

    return s ? s : "";
}

/* A select's options: names (NULL-ended), current selected, each named
   by message prefix + value (prefix NULL: the value itself). An empty
   first option when blank is given, named by it. */
static struct json_object *
options(struct ec_request *req, const char *const *names, const char *current,
        const char *prefix, const char *blank)
{
    struct json_object *arr = json_object_new_array();

    for (int i = blank ? -1 : 0; i < 0 || names[i]; i++) {
        struct json_object *o = json_object_new_object();
        const char *v = i < 0 ? "" : names[i];

        json_object_object_add(o, "value", json_object_new_string(v));
        json_object_object_add(o, "name",
                               ec_json_str(i < 0 ? blank
                                           : prefix
                                               ? ec_admin_text(req, prefix, v)
                                               : v));
        json_object_object_add(
            o, "selected", json_object_new_boolean(strcmp(v, current) == 0));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* ---- the list, with the rules form ---- */

/* One rule's row as typed (or as stored). */
struct rule_row {
    const char *kind, *param, *value, *channel, *position;
    int index; /* in the form */
};

/* The channels' codes, NULL-ended, for the rules' channel selects. */
static const char **
channel_codes(struct ec_request *req, struct json_object *channels)
{
    size_t n = json_object_array_length(channels);
    const char **v = ec_arena_calloc(req->arena, n + 1, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] =
            ec_json_member(json_object_array_get_idx(channels, i), "code", "");
    return v;
}

static struct json_object *
channels_model(struct ec_request *req, struct json_object *channels)
{
    struct json_object *arr = json_object_new_array();

    for (size_t i = 0; i < json_object_array_length(channels); i++) {
        struct json_object *c = json_object_array_get_idx(channels, i);
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "code",
                               ec_json_str(ec_json_member(c, "code", "")));
        json_object_object_add(o, "name",
                               ec_json_str(ec_json_member(c, "name", "")));
        json_object_object_add(
            o, "kind_text",
            ec_json_str(ec_admin_text(req, "admin.channels.kind_",
                                      ec_json_member(c, "kind", ""))));
        json_object_object_add(o, "is_default",
                               json_object_new_boolean(is_default(c)));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* The rows of the rules form, each with its field's error from errors
   ("r<i>_<field>" -> message). */
static struct json_object *
rows_model(struct ec_request *req, const struct rule_row *rows, size_t n,
           const char **codes, struct json_object *errors)
{
    struct json_object *arr = json_object_new_array();

    for (size_t i = 0; i < n; i++) {
        const struct rule_row *r = &rows[i];
        struct json_object *o = json_object_new_object(), *e;
        static const char *const fields[] = {"kind", "param", "value",
                                             "channel", "position"};

        json_object_object_add(o, "i", json_object_new_int((int)i));
        json_object_object_add(o, "n", json_object_new_int((int)i + 1));
        json_object_object_add(
            o, "kinds",
            options(req, ec_rule_kind_names, r->kind, "admin.channels.rule_",
                    ec_admin_text(req, "admin.channels.", "rule_none")));
        json_object_object_add(
            o, "channel_options",
            options(req, codes, r->channel, NULL,
                    ec_admin_text(req, "admin.channels.", "choose")));
        json_object_object_add(o, "has_kind",
                               json_object_new_boolean(*r->kind));
        json_object_object_add(
            o, "kind_text",
            ec_json_str(
                *r->kind ? ec_admin_text(req, "admin.channels.rule_", r->kind)
                         : ""));
        json_object_object_add(o, "channel", ec_json_str(r->channel));
        json_object_object_add(o, "param", ec_json_str(r->param));
        json_object_object_add(o, "value", ec_json_str(r->value));
        json_object_object_add(o, "position", ec_json_str(r->position));
        for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++)
            if (json_object_object_get_ex(
                    errors,
                    ec_arena_printf(req->arena, "r%zu_%s", i, fields[f]), &e))
                json_object_object_add(
                    o, ec_arena_printf(req->arena, "%s_error", fields[f]),
                    json_object_get(e));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* The stored rules as rows, then NEW_ROWS empty ones; *n of them. */
static struct rule_row *
stored_rows(struct ec_request *req, struct json_object *rules, size_t *n)
{
    size_t len = json_object_array_length(rules);
    struct rule_row *rows =
        ec_arena_calloc(req->arena, len + NEW_ROWS, sizeof(*rows));

    for (size_t i = 0; i < len + NEW_ROWS; i++) {
        struct json_object *r =
            i < len ? json_object_array_get_idx(rules, i) : NULL;

        rows[i].kind = r ? ec_json_member(r, "kind", "") : "";
        rows[i].param = r ? ec_json_member(r, "param", "") : "";
        rows[i].value = r ? ec_json_member(r, "value", "") : "";
        rows[i].channel = r ? ec_json_member(r, "channel", "") : "";
        rows[i].position =
            i < len ? ec_arena_printf(req->arena, "%zu", i + 1) : "";
        rows[i].index = (int)i;
    }
    *n = len + NEW_ROWS;
    return rows;
}

/* The channels screen with the rules form's rows (NULL: as stored),
   errors (taken over; NULL: none) and a notice or refusal. */
static int
channels_page(struct ec_request *req, struct ec_response *res,
              struct rule_row *rows, size_t nrows, struct json_object *errors,
              const char *notice, const char *refusal, int status)
{
    struct json_object *doc, *channels, *rules = NULL, *m;
    int rc;

    if (!errors)
        errors = json_object_new_object();
    ec_arena_cleanup(req->arena, ec_json_put, errors);
    /* one read of the draft for the channels and the rules */
    if ((rc = ec_catalog_draft_document(req->env->db, req->tenant->slug,
                                        &doc)) < 0)
        return rc;
    ec_arena_cleanup(req->arena, ec_json_put, doc);
    channels = ec_catalog_edit_array(doc, EC_CATALOG_CHANNEL);
    if (!rows) {
        if (!json_object_object_get_ex(doc, "channel_rules", &rules)) {
            rules = json_object_new_array();
            ec_arena_cleanup(req->arena, ec_json_put, rules);
        }
        rows = stored_rows(req, rules, &nrows);
    }
    m = json_object_new_object();
    json_object_object_add(m, "channels", channels_model(req, channels));
    json_object_object_add(
        m, "rules",
        rows_model(req, rows, nrows, channel_codes(req, channels), errors));
    json_object_object_add(
        m, "has_errors",
        json_object_new_boolean(json_object_object_length(errors) > 0));
    json_object_object_add(m, "notice", ec_json_str(notice));
    json_object_object_add(m, "refusal", ec_json_str(refusal));
    json_object_object_add(m, "can_edit",
                           json_object_new_boolean(ec_staff_can(
                               req->staff->role, EC_STAFF_EDIT_CATALOG)));
    return ec_admin_page(req, res, "channels", "admin/channels", m, status);
}

/* GET /admin/channels */
int
ec_h_admin_channels(struct ec_request *req, struct ec_response *res)
{
    const char *done = ec_request_arg(req, "done");
    const char *notice = NULL;

    if (done && (strcmp(done, "rules") == 0 || strcmp(done, "saved") == 0 ||
                 strcmp(done, "created") == 0 || strcmp(done, "deleted") == 0))
        notice = ec_admin_text(req, "admin.channels.done.", done);
    return channels_page(req, res, NULL, 0, NULL, notice, NULL, 200);
}

static int
by_position(const void *a, const void *b)
{
    const struct rule_row *x = a, *y = b;
    long px = strtol(x->position, NULL, 10), py = strtol(y->position, NULL, 10);

    /* a row without a position goes after the numbered ones, in place */
    if (!*x->position != !*y->position)
        return !*x->position - !*y->position;
    if (*x->position && px != py)
        return (px > py) - (px < py);
    return x->index - y->index;
}

/* POST /admin/channels/rules: the rules replaced by the form's rows,
   those with a kind, in the order of their positions */
int
ec_h_admin_form_channel_rules(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    struct json_object *rules, *after = NULL, *errors;
    struct rule_row rows[MAX_ROWS];
    struct ec_check_error err;
    size_t n = 0, used = 0;
    int map[MAX_ROWS], i, rc;
    char member[16];

    for (n = 0; n < MAX_ROWS; n++) {
        const char *p = ec_arena_printf(req->arena, "r%zu_", n);

        if (!ec_request_form(req, ec_arena_printf(req->arena, "%skind", p)))
            break;
        rows[n].kind = posted(req, ec_arena_printf(req->arena, "%skind", p));
        rows[n].param = posted(req, ec_arena_printf(req->arena, "%sparam", p));
        rows[n].value = posted(req, ec_arena_printf(req->arena, "%svalue", p));
        rows[n].channel =
            posted(req, ec_arena_printf(req->arena, "%schannel", p));
        rows[n].position =
            posted(req, ec_arena_printf(req->arena, "%sposition", p));
        rows[n].index = (int)n;
    }
    qsort(rows, n, sizeof(*rows), by_position);
    rules = json_object_new_array();
    ec_arena_cleanup(req->arena, ec_json_put, rules);
    for (size_t k = 0; k < n; k++) {
        struct json_object *o;

        rows[k].index = (int)k; /* the row as shown again */
        if (!*rows[k].kind)
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string(rows[k].kind));
        if (*rows[k].param)
            json_object_object_add(o, "param",
                                   json_object_new_string(rows[k].param));
        json_object_object_add(o, "value",
                               json_object_new_string(rows[k].value));
        json_object_object_add(o, "channel",
                               json_object_new_string(rows[k].channel));
        json_object_array_add(rules, o);
        map[used++] = (int)k;
    }
    rc = ec_catalog_draft_put_rules(req->env->db, req->tenant->slug, rules,
                                    &who, &err, &after);
    json_object_put(after);
    if (rc == 0) {
        res->status = 303;
        ec_response_header(res, "Location", "/admin/channels?done=rules");
        return 0;
    }
    if (rc != EC_ERR_INVALID_FIELD)
        return rc;
    /* "$[2].param": at row map[2]'s field */
    errors = json_object_new_object();
    member[0] = '\0';
    if (sscanf(err.path, "$[%d].%15[a-z_]", &i, member) >= 1 && i >= 0 &&
        (size_t)i < used)
        json_object_object_add(
            errors,
            ec_arena_printf(req->arena, "r%d_%s", map[i],
                            *member ? member : "kind"),
            ec_json_str(ec_admin_text(req, "admin.channels.error.rule_",
                                      *member ? member : "kind")));
    else
        json_object_object_add(
            errors, "r0_kind",
            ec_json_str(ec_admin_text(req, "admin.channels.error.", "rules")));
    return channels_page(req, res, rows, n, errors, NULL, NULL, 422);
}

/* ---- one channel ---- */

/* The channel form with values (code, name, kind, default) and the
   error at field (NULL: none). */
static int
channel_form(struct ec_request *req, struct ec_response *res, int is_new,
             const char *code, const char *name, const char *kind, int dflt,
             const char *field, const char *message, int status)
{
    struct json_object *m = json_object_new_object(), *e;

    json_object_object_add(m, "is_new", json_object_new_boolean(is_new));
    json_object_object_add(
        m, "action",
        ec_json_str(
            is_new ? "/admin/channels"
                   : ec_arena_printf(req->arena, "/admin/channels/%s", code)));
    json_object_object_add(m, "code", ec_json_str(code));
    json_object_object_add(m, "name", ec_json_str(name));
    json_object_object_add(m, "is_default", json_object_new_boolean(dflt));
    json_object_object_add(m, "kinds",
                           options(req, ec_channel_kind_names, kind,
                                   "admin.channels.kind_", NULL));
    if (field) {
        e = json_object_new_object();
        json_object_object_add(e, field, ec_json_str(message));
        json_object_object_add(m, "error", e);
        json_object_object_add(m, "has_errors", json_object_new_boolean(1));
    }
    return ec_admin_page(req, res, "channels", "admin/channel", m, status);
}

/* GET /admin/channels/new */
int
ec_h_admin_channel_new(struct ec_request *req, struct ec_response *res)
{
    return channel_form(req, res, 1, "", "", "custom", 0, NULL, NULL, 200);
}

/* GET /admin/channels/{code} */
int
ec_h_admin_channel(struct ec_request *req, struct ec_response *res)
{
    struct json_object *o;
    int rc;

    if ((rc = ec_catalog_draft_get(req->env->db, req->tenant->slug,
                                   EC_CATALOG_CHANNEL,
                                   ec_request_route_arg(req, "code"), &o)) < 0)
        return rc;
    ec_arena_cleanup(req->arena, ec_json_put, o);
    return channel_form(req, res, 0, ec_json_member(o, "code", ""),
                        ec_json_member(o, "name", ""),
                        ec_json_member(o, "kind", ""), is_default(o), NULL,
                        NULL, 200);
}

/* The form's field a path in the channel object is about. */
static const char *
channel_field(const char *path)
{
    static const char *const fields[] = {"code", "name", "kind", "default"};

    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        size_t n = strlen(fields[i]);

        if (strncmp(path, "$.", 2) == 0 &&
            strncmp(path + 2, fields[i], n) == 0 &&
            (path[2 + n] == '\0' || path[2 + n] == '.'))
            return fields[i];
    }
    /* elsewhere in the document: another channel is the default */
    return "default";
}

static int
save(struct ec_request *req, struct ec_response *res, const char *code)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    const char *typed = code ? code : posted(req, "code");
    const char *name = posted(req, "name"), *kind = posted(req, "kind");
    int dflt = ec_request_form_has(req, "default", "1");
    struct json_object *o = json_object_new_object(), *after = NULL;
    struct ec_check_error err;
    const char *field;
    int created, rc;

    ec_arena_cleanup(req->arena, ec_json_put, o);
    if (!code && *typed)
        json_object_object_add(o, "code", json_object_new_string(typed));
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "kind", json_object_new_string(kind));
    if (dflt)
        json_object_object_add(o, "default", json_object_new_boolean(1));
    rc = ec_catalog_draft_put(
        req->env->db, req->tenant->slug, EC_CATALOG_CHANNEL, code, o,
        code ? EC_CATALOG_PUT_UPDATE : EC_CATALOG_PUT_CREATE, &who, &err,
        &after, &created);
    if (rc == 0) {
        json_object_put(after);
        res->status = 303;
        ec_response_header(res, "Location",
                           created ? "/admin/channels?done=created"
                                   : "/admin/channels?done=saved");
        return 0;
    }
    if (rc == EC_ERR_CONFLICT)
        return channel_form(
            req, res, !code, typed, name, kind, dflt, "code",
            ec_admin_text(req, "admin.channels.error.", "code_taken"), 409);
    if (rc != EC_ERR_INVALID_FIELD)
        return rc;
    field = channel_field(err.path);
    return channel_form(req, res, !code, typed, name, kind, dflt, field,
                        ec_admin_text(req, "admin.channels.error.", field),
                        422);
}

/* POST /admin/channels: a new channel */
int
ec_h_admin_form_channel_create(struct ec_request *req, struct ec_response *res)
{
    return save(req, res, NULL);
}

/* POST /admin/channels/{code}: the channel's name, kind, default */
int
ec_h_admin_form_channel(struct ec_request *req, struct ec_response *res)
{
    /* another tenant's code, or none: 404, never a new one */
    return save(req, res, ec_request_route_arg(req, "code"));
}

/*
 * What names the channel, from the model's refusal to delete it: a path
 * into the document without it ("$.products[3].channels.app",
 * "$.campaigns[0].channels[1]", "$.channel_rules[2].channel", or the
 * default channel missing), said in the shop's words with the product's
 * SKU, the campaign's code or the rule's number.
 */
static const char *
in_use(struct ec_request *req, const char *path)
{
    struct json_object *arr, *m = json_object_new_object();
    struct ec_buf b = EC_BUF_INIT;
    const char *id = "in_use", *s;
    enum ec_catalog_kind k = EC_CATALOG_PRODUCT;
    const char *key = NULL;
    int i;

    if (sscanf(path, "$.products[%d]", &i) == 1) {
        id = "in_use_product";
        key = "sku";
    } else if (sscanf(path, "$.campaigns[%d]", &i) == 1) {
        id = "in_use_campaign";
        k = EC_CATALOG_CAMPAIGN;
        key = "code";
    } else if (sscanf(path, "$.channel_rules[%d]", &i) == 1) {
        id = "in_use_rule";
        json_object_object_add(m, "what", json_object_new_int(i + 1));
    } else if (strstr(path, "default")) {
        id = "in_use_default";
    }
    if (key && i >= 0 &&
        ec_catalog_draft_list(req->env->db, req->tenant->slug, k, &arr) == 0) {
        if ((size_t)i < json_object_array_length(arr))
            json_object_object_add(
                m, "what",
                ec_json_str(ec_json_member(
                    json_object_array_get_idx(arr, (size_t)i), key, "")));
        json_object_put(arr);
    }
    ec_msgcat_render(
        req->texts,
        ec_arena_printf(req->arena, "admin.channels.delete_refused.%s", id), m,
        &b);
    s = ec_arena_strdup(req->arena, b.data ? b.data : "");
    ec_buf_release(&b);
    json_object_put(m);
    return s;
}

/* POST /admin/channels/{code}/delete: refused while something names it */
int
ec_h_admin_form_channel_delete(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_actor who = ec_admin_actor(req);
    struct json_object *before = NULL;
    struct ec_check_error err;
    int rc;

    rc = ec_catalog_draft_remove(
        req->env->db, req->tenant->slug, EC_CATALOG_CHANNEL,
        ec_request_route_arg(req, "code"), &who, &err, &before);
    json_object_put(before);
    if (rc == EC_ERR_INVALID_FIELD)
        return channels_page(req, res, NULL, 0, NULL, NULL,
                             in_use(req, err.path), 409);
    if (rc < 0)
        return rc;
    res->status = 303;
    ec_response_header(res, "Location", "/admin/channels?done=deleted");
    return 0;
}
