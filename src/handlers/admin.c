/*
 * The admin panel's frame (docs/admin.md): what every panel page shows
 * around its screen, and the overview. The navigation lists only the
 * screens the signed-in staff member's role may use, asking the same
 * table (ec_staff_can()) the dispatcher enforces, so a link never leads
 * to a 403.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "svc/catalog.h"
#include "svc/number.h"
#include "svc/order_admin.h"
#include "svc/staff.h"
#include "svc/tenant.h"

/* The panel's screens in the navigation's order: each needs an action. */
static const struct nav_item {
    const char *section; /* also the message id's last part */
    const char *href;
    enum ec_staff_action needs;
} nav_items[] = {
    {"overview", "/admin", EC_STAFF_READ},
    {"products", "/admin/products", EC_STAFF_READ},
    {"channels", "/admin/channels", EC_STAFF_READ},
    {"campaigns", "/admin/campaigns", EC_STAFF_READ},
    {"draft", "/admin/draft", EC_STAFF_READ},
    {"preview", "/admin/preview", EC_STAFF_READ},
    {"orders", "/admin/orders", EC_STAFF_READ},
    {"staff", "/admin/staff", EC_STAFF_MANAGE},
    {"api_keys", "/admin/api-keys", EC_STAFF_MANAGE},
    {"audit", "/admin/audit", EC_STAFF_READ},
    {"cms", "/admin/cms", EC_STAFF_MANAGE},
    {"branding", "/admin/branding", EC_STAFF_MANAGE},
    {"tenants", "/admin/tenants", EC_STAFF_TENANTS},
    {"numbers", "/admin/numbers", EC_STAFF_MANAGE},
};

/* The shop's words for message id prefix + name, else name itself. */
static struct json_object *
words(struct ec_request *req, const char *prefix, const char *name)
{
    const char *s = ec_msgcat_find(
        req->texts, ec_arena_printf(req->arena, "%s%s", prefix, name));

    return json_object_new_string(s ? s : name);
}

static struct json_object *
nav_model(struct ec_request *req, const struct ec_staff *st,
          const char *section)
{
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++) {
        const struct nav_item *n = &nav_items[i];
        struct json_object *o;

        if (!ec_staff_can(st->role, n->needs))
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "section",
                               json_object_new_string(n->section));
        json_object_object_add(o, "href", json_object_new_string(n->href));
        json_object_object_add(o, "label",
                               words(req, "admin.nav.", n->section));
        json_object_object_add(
            o, "current",
            json_object_new_boolean(section &&
                                    strcmp(section, n->section) == 0));
        json_object_array_add(list, o);
    }
    return list;
}

struct ec_audit_actor
ec_admin_actor(const struct ec_request *req)
{
    struct ec_audit_actor who = {EC_AUDIT_STAFF, req->staff->id,
                                 req->staff->email};

    return who;
}

void
ec_admin_add_error(struct json_object *errors, const char *field, const char *s)
{
    struct json_object *list;

    if (!json_object_object_get_ex(errors, field, &list)) {
        list = json_object_new_array();
        json_object_object_add(errors, field, list);
    }
    json_object_array_add(list, json_object_new_string(s));
}

const char *
ec_admin_text(struct ec_request *req, const char *prefix, const char *name)
{
    const char *id = ec_arena_printf(req->arena, "%s%s", prefix, name);
    const char *s = ec_msgcat_text(req->texts, id);
    struct ec_buf b = EC_BUF_INIT;
    struct json_object *m, *t;

    /* an amount's hint or error names the shop's currency as a page does,
       {{tenant.currency}}: not every shop counts in kroner */
    if (!req->tenant || !strstr(s, "{{tenant."))
        return s;
    m = json_object_new_object();
    t = json_object_new_object();
    json_object_object_add(t, "currency", ec_json_str(req->tenant->currency));
    json_object_object_add(m, "tenant", t);
    ec_msgcat_render(req->texts, id, m, &b);
    s = ec_arena_strdup(req->arena, b.data ? b.data : "");
    ec_buf_release(&b);
    json_object_put(m);
    return s;
}

const char *
ec_admin_role_text(struct ec_request *req, const char *role)
{
    return ec_admin_text(req, "admin.role.", role);
}

struct json_object *
ec_admin_role_options(struct ec_request *req, const enum ec_staff_role *roles,
                      size_t n, int current)
{
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        const char *name = ec_staff_role_name(roles[i]);

        json_object_object_add(o, "code", json_object_new_string(name));
        json_object_object_add(
            o, "name", json_object_new_string(ec_admin_role_text(req, name)));
        json_object_object_add(
            o, "selected", json_object_new_boolean((int)roles[i] == current));
        json_object_array_add(list, o);
    }
    return list;
}

int
ec_admin_page(struct ec_request *req, struct ec_response *res,
              const char *section, const char *tmpl, struct json_object *m,
              int status)
{
    if (!m)
        m = json_object_new_object();
    json_object_object_add(m, "csrf", ec_json_str(req->csrf_token));
    if (req->staff) {
        struct json_object *s = json_object_new_object();
        const char *role = ec_staff_role_name(req->staff->role);

        json_object_object_add(s, "name", ec_json_str(req->staff->name));
        json_object_object_add(s, "email", ec_json_str(req->staff->email));
        json_object_object_add(s, "role", ec_json_str(role));
        json_object_object_add(s, "role_text", words(req, "admin.role.", role));
        json_object_object_add(s, "nav", nav_model(req, req->staff, section));
        json_object_object_add(m, "staff", s);
    }
    res->status = status;
    ec_response_set_model(res, m, tmpl);
    return 0;
}

/* ---- the overview ---- */

/* How many coming campaigns the overview lists. */
#define COMING_MAX 10

int
ec_admin_local_time(struct ec_request *req, int64_t t, char *buf, size_t size)
{
    char iso[EC_TZTIME_RFC3339_SIZE];

    if (size < 17 ||
        ec_tztime_format(req->tenant->zone, t, iso, sizeof(iso)) < 0)
        return snprintf(buf, size, "-") < 0 ? -1 : 0;
    iso[10] = ' ';
    snprintf(buf, size, "%.16s", iso);
    return 0;
}

/*
 * Today in the shop's time zone, [*from, *to) in UTC seconds: midnight
 * to midnight as its clock shows them, so a day of a summer-time change
 * is 23 or 25 hours long.
 */
static void
today(const struct ec_request *req, int64_t now, int64_t *from, int64_t *to)
{
    const struct ec_tztime_zone *z = req->tenant->zone;
    struct ec_tztime_civil c;

    *from = now - now % 86400;
    *to = *from + 86400;
    if (ec_tztime_from_utc(z, now, &c, NULL) < 0)
        return;
    c.hour = c.minute = c.second = 0;
    if (ec_tztime_to_utc(z, &c, EC_TZTIME_COMPATIBLE, from, NULL) < 0)
        return;
    /* the next midnight: a day and a half on is always the next day */
    if (ec_tztime_from_utc(z, *from + 36 * 3600, &c, NULL) < 0)
        return;
    c.hour = c.minute = c.second = 0;
    if (ec_tztime_to_utc(z, &c, EC_TZTIME_COMPATIBLE, to, NULL) < 0)
        *to = *from + 86400;
}

static struct json_object *
campaign_json(struct ec_request *req, const struct ec_promotion_campaign *cp)
{
    struct json_object *o = json_object_new_object();
    char from[24], to[24];

    ec_admin_local_time(req, cp->valid_from, from, sizeof(from));
    ec_admin_local_time(req, cp->valid_to, to, sizeof(to));
    json_object_object_add(
        o, "code", ec_json_str(ec_catalog_campaign_code(req->catalog, cp)));
    json_object_object_add(o, "name", ec_json_str(cp->name));
    json_object_object_add(o, "from", json_object_new_string(from));
    json_object_object_add(o, "to", json_object_new_string(to));
    return o;
}

static int
by_start(const void *a, const void *b)
{
    const struct ec_promotion_campaign *x =
        *(const struct ec_promotion_campaign *const *)a;
    const struct ec_promotion_campaign *y =
        *(const struct ec_promotion_campaign *const *)b;

    return (x->valid_from > y->valid_from) - (x->valid_from < y->valid_from);
}

/* The snapshot's campaigns running at now and starting after it (the
   first COMING_MAX), each by start, into m. */
static void
campaigns_model(struct ec_request *req, int64_t now, struct json_object *m)
{
    const struct ec_catalog *c = req->catalog;
    const struct ec_promotion_campaign **v =
        ec_arena_calloc(req->arena, c->ncampaigns + 1, sizeof(*v));
    struct json_object *active = json_object_new_array();
    struct json_object *coming = json_object_new_array();
    size_t n = 0, ncoming = 0;

    for (size_t i = 0; i < c->ncampaigns; i++)
        if (c->campaigns[i].valid_to > now)
            v[n++] = &c->campaigns[i];
    qsort(v, n, sizeof(*v), by_start);
    for (size_t i = 0; i < n; i++) {
        if (v[i]->valid_from <= now)
            json_object_array_add(active, campaign_json(req, v[i]));
        else if (ncoming++ < COMING_MAX)
            json_object_array_add(coming, campaign_json(req, v[i]));
    }
    json_object_object_add(m, "active", active);
    json_object_object_add(m, "coming", coming);
    json_object_object_add(
        m, "has_active",
        json_object_new_boolean(json_object_array_length(active) > 0));
    json_object_object_add(m, "has_coming",
                           json_object_new_boolean(ncoming > 0));
}

/* GET /admin: today's orders and revenue by the shop's clock, the
   numbers locked in baskets now, the running and coming campaigns */
int
ec_h_admin_overview(struct ec_request *req, struct ec_response *res)
{
    int64_t now = (int64_t)time(NULL), from, to;
    struct ec_order_day day;
    struct json_object *m, *o;
    long long locked = 0;
    int complete = 0, rc;
    char date[24];

    today(req, now, &from, &to);
    if ((rc = ec_order_admin_day(req->env->db, req->tenant->id, from, to,
                                 &day)) < 0 ||
        (rc = ec_number_locked_count(req->env->kv, req->tenant->slug, &locked,
                                     &complete)) < 0)
        return rc;
    m = json_object_new_object();
    o = json_object_new_object();
    ec_admin_local_time(req, from, date, sizeof(date));
    date[10] = '\0';
    json_object_object_add(o, "date", json_object_new_string(date));
    json_object_object_add(o, "orders", json_object_new_int64(day.orders));
    json_object_object_add(o, "paid", json_object_new_int64(day.paid));
    ec_json_money(req, o, "revenue", day.revenue);
    json_object_object_add(m, "today", o);
    o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_int64(locked));
    json_object_object_add(o, "complete", json_object_new_boolean(complete));
    json_object_object_add(m, "locked_numbers", o);
    campaigns_model(req, now, m);
    return ec_admin_page(req, res, "overview", "admin/overview", m, 200);
}
