/*
 * The panel's audit log (docs/admin.md, READ): the tenant's rows of
 * svc/audit.c, newest first, filtered by object type, actor and the
 * shop's days, a page at a time, each with what changed; and the same
 * rows as the CSV the admin API exports (ec_audit_csv_row()).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/audit.h"
#include "svc/tenant.h"

/* Rows on one page of the screen. */
#define AUDIT_PAGE 50
/* Pages of EC_AUDIT_LIMIT_MAX rows one CSV export reads at most (25 000
   rows), so an export's memory is bounded; docs/admin.md says so. */
#define AUDIT_CSV_PAGES 50

/* The object types the filter offers (also the message ids' last part):
   what svc/ and the panel record. */
static const char *const object_types[] = {
    "product", "campaign",     "channel",  "numbers",       "api_key",
    "staff",   "outbox_event", "number",   "channel_rules", "catalog_draft",
    "tenant",  "cms_settings", "branding",
};

/* The filters of the query, as typed, and as understood. */
struct audit_query {
    const char *type, *actor, *from, *to;
    const char *bad; /* the field not understood, or NULL */
    struct ec_audit_filter f;
};

static void
read_query(struct ec_request *req, struct audit_query *q)
{
    const char *before = ec_request_arg(req, "before");
    int64_t t = 0; /* unread when a day is not understood */

    memset(q, 0, sizeof(*q));
    q->type = ec_request_arg(req, "object_type");
    q->actor = ec_request_arg(req, "actor");
    q->from = ec_request_arg(req, "from");
    q->to = ec_request_arg(req, "to");
    q->f.actor_kind = -1;
    q->f.object_type = q->type && *q->type ? q->type : NULL;
    q->f.actor_label = q->actor && *q->actor ? q->actor : NULL;
    if (q->to && *q->to) {
        if (ec_admin_day_start(req, q->to, 1, &t) < 0)
            q->bad = "to";
        q->f.to = t;
    }
    if (q->from && *q->from) {
        if (ec_admin_day_start(req, q->from, 0, &t) < 0)
            q->bad = "from";
        q->f.from = t;
    }
    if (before && *before) {
        char *end;

        q->f.before_id = strtoll(before, &end, 10);
        if (*end || q->f.before_id < 1)
            q->f.before_id = 0; /* a cursor not ours: the first page */
    }
}

/* s percent-encoded for a query string: unreserved characters kept. */
static void
add_query_arg(struct ec_buf *b, const char *name, const char *s)
{
    if (!s || !*s)
        return;
    ec_buf_addf(b, "%s%s=", b->len ? "&" : "", name);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr("-._~", c))
            ec_buf_addch(b, c);
        else
            ec_buf_addf(b, "%%%02X", c);
    }
}

/* The query of q's filters (without the page), into the arena. */
static const char *
filter_query(struct ec_request *req, const struct audit_query *q)
{
    struct ec_buf b;
    const char *s;

    ec_buf_init(&b);
    add_query_arg(&b, "object_type", q->type);
    add_query_arg(&b, "actor", q->actor);
    add_query_arg(&b, "from", q->from);
    add_query_arg(&b, "to", q->to);
    s = ec_arena_printf(req->arena, "%s", b.len ? b.data : "");
    ec_buf_release(&b);
    return s;
}

/* A JSON value as one line of text, "" for none. */
static const char *
value_text(struct json_object *v)
{
    return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "";
}

/* One field that differs: its name and both values as JSON text. */
static void
add_change(struct json_object *list, const char *field, struct json_object *b,
           struct json_object *a)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "field", json_object_new_string(field));
    json_object_object_add(o, "before", json_object_new_string(value_text(b)));
    json_object_object_add(o, "after", json_object_new_string(value_text(a)));
    json_object_array_add(list, o);
}

/*
 * The compact diff of two objects' top-level fields, for the screen: a
 * field only on one side, or whose values differ as JSON, in before's
 * order, then after's new ones. The full objects are shown beside it.
 */
static struct json_object *
changes_of(struct json_object *before, struct json_object *after)
{
    struct json_object *list = json_object_new_array(), *other;

    if (json_object_is_type(before, json_type_object)) {
        json_object_object_foreach(before, k, v)
        {
            other = NULL;
            if (after)
                json_object_object_get_ex(after, k, &other);
            if (strcmp(value_text(v), value_text(other)) != 0)
                add_change(list, k, v, other);
        }
    }
    if (json_object_is_type(after, json_type_object)) {
        json_object_object_foreach(after, k, v)
        {
            if (!before || !json_object_object_get_ex(before, k, &other))
                add_change(list, k, NULL, v);
        }
    }
    return list;
}

/* A stored JSON text for the screen, indented, or NULL. */
static struct json_object *
pretty(const char *s)
{
    struct json_object *v;
    struct json_object *out;

    if (!s || !(v = json_tokener_parse(s)))
        return NULL;
    out = json_object_new_string(json_object_to_json_string_ext(
        v, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(v);
    return out;
}

struct listing {
    struct ec_request *req;
    struct json_object *list;
    long long last_id;
    unsigned n;
};

static int
add_entry(const struct ec_audit_entry *e, void *ctx)
{
    struct listing *l = ctx;
    struct ec_request *req = l->req;
    struct json_object *o = json_object_new_object();
    struct json_object *b = e->before ? json_tokener_parse(e->before) : NULL;
    struct json_object *a = e->after ? json_tokener_parse(e->after) : NULL;
    struct json_object *changes;
    char local[24];
    int64_t t = 0;

    if (ec_tztime_parse(NULL, e->at, EC_TZTIME_COMPATIBLE, &t) == 0)
        ec_admin_local_time(req, t, local, sizeof(local));
    else
        snprintf(local, sizeof(local), "%s", e->at);
    json_object_object_add(o, "id", json_object_new_int64(e->id));
    json_object_object_add(o, "at", ec_json_str(e->at));
    json_object_object_add(o, "at_local", ec_json_str(local));
    json_object_object_add(
        o, "actor_kind",
        ec_json_str(ec_msgcat_text(
            req->texts, ec_arena_printf(req->arena, "admin.audit.kind.%s",
                                        e->actor_kind))));
    json_object_object_add(o, "actor_label", ec_json_str(e->actor_label));
    json_object_object_add(o, "object_type", ec_json_str(e->object_type));
    json_object_object_add(o, "object_id", ec_json_str(e->object_id));
    json_object_object_add(o, "action", ec_json_str(e->action));
    changes = changes_of(b, a);
    json_object_object_add(
        o, "has_changes",
        json_object_new_boolean(json_object_array_length(changes) > 0));
    json_object_object_add(o, "changes", changes);
    json_object_object_add(o, "before", pretty(e->before));
    json_object_object_add(o, "after", pretty(e->after));
    json_object_put(b);
    json_object_put(a);
    json_object_array_add(l->list, o);
    l->last_id = e->id;
    l->n++;
    return 0;
}

/* The filter form's fields, as typed, and its error at its field. */
static void
form_model(struct ec_request *req, const struct audit_query *q,
           struct json_object *m)
{
    struct json_object *types = json_object_new_array();

    for (size_t i = 0; i < sizeof(object_types) / sizeof(object_types[0]);
         i++) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "code", ec_json_str(object_types[i]));
        json_object_object_add(
            o, "name",
            ec_json_str(ec_msgcat_text(
                req->texts, ec_arena_printf(req->arena, "admin.audit.type.%s",
                                            object_types[i]))));
        json_object_object_add(
            o, "selected",
            json_object_new_boolean(q->type &&
                                    strcmp(q->type, object_types[i]) == 0));
        json_object_array_add(types, o);
    }
    json_object_object_add(m, "types", types);
    json_object_object_add(m, "actor", ec_json_str(q->actor ? q->actor : ""));
    json_object_object_add(m, "from", ec_json_str(q->from ? q->from : ""));
    json_object_object_add(m, "to", ec_json_str(q->to ? q->to : ""));
    if (q->bad)
        json_object_object_add(
            m, ec_arena_printf(req->arena, "%s_error", q->bad),
            ec_json_str(ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "admin.audit.bad_%s", q->bad))));
}

/* GET /admin/audit[?object_type=&actor=&from=&to=&before=] */
int
ec_h_admin_audit(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();
    struct listing l = {req, json_object_new_array(), 0, 0};
    struct audit_query q;
    const char *query;
    int rc;

    read_query(req, &q);
    form_model(req, &q, m);
    json_object_object_add(m, "entries", l.list);
    if (q.bad)
        return ec_admin_page(req, res, "audit", "admin/audit", m, 422);
    q.f.limit = AUDIT_PAGE;
    if ((rc = ec_audit_each(req->env->db, req->tenant->id, &q.f, add_entry,
                            &l)) < 0) {
        json_object_put(m);
        return rc;
    }
    query = filter_query(req, &q);
    json_object_object_add(m, "has_entries", json_object_new_boolean(l.n > 0));
    json_object_object_add(
        m, "csv_href",
        ec_json_str(ec_arena_printf(req->arena, "/admin/audit.csv%s%s",
                                    *query ? "?" : "", query)));
    /* a full page may have more behind it: the next starts after its last */
    if (l.n == AUDIT_PAGE)
        json_object_object_add(m, "next_href",
                               ec_json_str(ec_arena_printf(
                                   req->arena, "/admin/audit?%s%sbefore=%lld",
                                   query, *query ? "&" : "", l.last_id)));
    if (q.f.before_id)
        json_object_object_add(
            m, "first_href",
            ec_json_str(ec_arena_printf(req->arena, "/admin/audit%s%s",
                                        *query ? "?" : "", query)));
    return ec_admin_page(req, res, "audit", "admin/audit", m, 200);
}

struct csv_ctx {
    struct ec_buf *b;
    long long last_id;
    unsigned n;
};

static int
csv_row(const struct ec_audit_entry *e, void *ctx)
{
    struct csv_ctx *c = ctx;

    ec_audit_csv_row(c->b, e);
    c->last_id = e->id;
    c->n++;
    return 0;
}

/* GET /admin/audit.csv[?object_type=&actor=&from=&to=]: every row of the
   filters (up to AUDIT_CSV_PAGES pages), newest first, as a download. */
int
ec_h_admin_audit_csv(struct ec_request *req, struct ec_response *res)
{
    struct audit_query q;
    struct csv_ctx c = {res->body, 0, 0};
    int rc;

    read_query(req, &q);
    if (q.bad)
        return ec_fail(
            res, EC_ERR_INVALID_FIELD, q.bad,
            ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "admin.audit.bad_%s", q.bad)));
    ec_buf_reset(res->body);
    ec_audit_csv_header(res->body);
    q.f.limit = EC_AUDIT_LIMIT_MAX;
    for (int page = 0; page < AUDIT_CSV_PAGES; page++) {
        c.n = 0;
        if ((rc = ec_audit_each(req->env->db, req->tenant->id, &q.f, csv_row,
                                &c)) < 0)
            return rc;
        if (c.n < EC_AUDIT_LIMIT_MAX)
            break;
        q.f.before_id = c.last_id;
    }
    res->status = 200;
    res->content_type = "text/csv; charset=utf-8";
    ec_response_header(res, "Content-Disposition",
                       "attachment; filename=\"audit.csv\"");
    return 0;
}
