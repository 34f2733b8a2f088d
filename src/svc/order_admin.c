#include "svc/order_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/rand.h"
#include "store/db.h"
#include "svc/audit.h"
#include "svc/outbox.h"
#include "svc/order_json.h"

#define NULL_PARAM ((struct ec_db_param){EC_DB_NULL, NULL, 0, 0})
#define RFC3339 "'%Y-%m-%dT%H:%i:%sZ'"

/* ---- the list ---- */

static int
read_entry(const struct ec_db_row *row, void *ctx)
{
    struct json_object *o = ec_order_json_summary(row->vals);

    json_object_object_add(
        o, "customer_name",
        json_object_new_string(row->vals[EC_ORDER_SUMMARY_NCOLUMNS]));
    json_object_object_add(
        o, "sold_by",
        ec_order_json_sold_by(row->vals + EC_ORDER_SUMMARY_NCOLUMNS + 1));
    json_object_array_add(ctx, o);
    return 0;
}

int
ec_order_admin_list(struct ec_db *db, long long tenant_id,
                    const struct ec_order_filter *f, struct json_object **out)
{
    const char *status = ec_order_status_name((enum ec_order_status)f->status);
    unsigned limit = f->limit;
    struct ec_db_param p[11];
    int rc;

    if (limit == 0 || limit > EC_ORDER_ADMIN_LIST_MAX)
        limit = EC_ORDER_ADMIN_LIST_MAX;
    p[0] = EC_DB_I(tenant_id);
    p[1] = f->status >= 0 && status ? EC_DB_S(status) : NULL_PARAM;
    p[2] = p[1];
    p[3] = EC_DB_I(f->from);
    p[4] = EC_DB_I(f->from);
    p[5] = EC_DB_I(f->to);
    p[6] = EC_DB_I(f->to);
    p[7] = p[8] = p[9] = EC_DB_I(f->agent);
    p[10] = EC_DB_I((long long)limit);
    *out = json_object_new_array();
    rc = ec_db_exec(db,
                    "SELECT " EC_ORDER_SUMMARY_COLUMNS ", o.customer_name,"
                    " " EC_ORDER_SOLD_BY_COLUMNS " FROM orders o"
                    " WHERE o.tenant_id = ?"
                    " AND (? IS NULL OR o.status = ?)"
                    " AND (? = 0 OR o.created_at >= FROM_UNIXTIME(?))"
                    " AND (? = 0 OR o.created_at < FROM_UNIXTIME(?))"
                    " AND " EC_ORDER_SOLD_BY_FILTER
                    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
                    p, 11, read_entry, *out, NULL);
    if (rc < 0) {
        json_object_put(*out);
        *out = NULL;
        return rc;
    }
    return 0;
}

/* ---- one order ---- */

struct view {
    long long row_id;
    struct json_object *o;
};

static int
read_view(const struct ec_db_row *row, void *ctx)
{
    struct view *v = ctx;
    struct json_object *o = json_object_new_object(), *t, *c;

    v->row_id = strtoll(row->vals[0], NULL, 10);
    json_object_object_add(o, "id", json_object_new_string(row->vals[1]));
    json_object_object_add(o, "status", json_object_new_string(row->vals[2]));
    json_object_object_add(o, "cancel_reason", ec_order_json_str(row->vals[3]));
    json_object_object_add(o, "created_at",
                           json_object_new_string(row->vals[4]));
    json_object_object_add(o, "currency", json_object_new_string(row->vals[5]));
    t = ec_order_json_totals(row->vals + 6, row->vals[5]);
    json_object_object_add(t, "vat_due_now", ec_order_json_int(row->vals[10]));
    json_object_object_add(o, "totals", t);
    c = json_object_new_object();
    json_object_object_add(c, "name", json_object_new_string(row->vals[11]));
    json_object_object_add(c, "email", json_object_new_string(row->vals[12]));
    json_object_object_add(c, "phone", json_object_new_string(row->vals[13]));
    json_object_object_add(c, "address", json_object_new_string(row->vals[14]));
    json_object_object_add(o, "customer", c);
    json_object_object_add(
        o, "identity_verified",
        json_object_new_boolean(row->vals[15] && atoi(row->vals[15])));
    json_object_object_add(o, "sold_by", ec_order_json_sold_by(row->vals + 16));
    v->o = o;
    return 1;
}

static int
read_line(const struct ec_db_row *row, void *ctx)
{
    struct json_object *l = ec_order_json_line(row->vals);

    /* the column is checked JSON (ck_order_lines_breakdown) */
    json_object_object_add(
        l, "breakdown", json_tokener_parse(row->vals[EC_ORDER_LINE_NCOLUMNS]));
    json_object_array_add(ctx, l);
    return 0;
}

static int
read_payment(const struct ec_db_row *row, void *ctx)
{
    json_object_object_add(ctx, "payment", ec_order_json_payment(row->vals, 0));
    return 1;
}

static int
read_delivery(const struct ec_db_row *row, void *ctx)
{
    struct json_object *d = json_object_new_object();

    json_object_object_add(d, "event_id", json_object_new_string(row->vals[0]));
    json_object_object_add(d, "seq", ec_order_json_int(row->vals[1]));
    json_object_object_add(d, "type", json_object_new_string(row->vals[2]));
    json_object_object_add(d, "state", json_object_new_string(row->vals[3]));
    json_object_object_add(d, "attempts", ec_order_json_int(row->vals[4]));
    json_object_object_add(d, "next_attempt_at",
                           json_object_new_string(row->vals[5]));
    json_object_object_add(d, "last_error", ec_order_json_str(row->vals[6]));
    json_object_object_add(d, "delivered_at", ec_order_json_str(row->vals[7]));
    json_object_object_add(
        d, "dead", json_object_new_boolean(strcmp(row->vals[3], "dead") == 0));
    json_object_array_add(ctx, d);
    return 0;
}

int
ec_order_admin_view(struct ec_db *db, long long tenant_id,
                    const char *public_id, struct json_object **out)
{
    struct ec_db_param p[2] = {EC_DB_I(tenant_id), EC_DB_S(public_id)};
    struct ec_db_param q[2];
    struct view v = {0, NULL};
    struct json_object *lines, *deliveries;
    int rc;

    *out = NULL;
    if (!ec_hex_valid(public_id, 32))
        return EC_ERR_NOT_FOUND;
    rc = ec_db_exec(db,
                    "SELECT id, public_id, status, cancel_reason,"
                    " DATE_FORMAT(created_at, " RFC3339 "), currency,"
                    " monthly_total, one_time_total, due_now, min_total,"
                    " vat_due_now, customer_name, customer_email,"
                    " customer_phone, customer_address,"
                    " identity_sealed IS NOT NULL, " EC_ORDER_SOLD_BY_COLUMNS
                    " FROM orders o WHERE tenant_id = ? AND public_id = ?",
                    p, 2, read_view, &v, NULL);
    if (rc < 0 || !v.o) {
        json_object_put(v.o);
        return rc < 0 ? rc : EC_ERR_NOT_FOUND;
    }
    q[0] = EC_DB_I(tenant_id);
    q[1] = EC_DB_I(v.row_id);
    lines = json_object_new_array();
    json_object_object_add(v.o, "lines", lines);
    deliveries = json_object_new_array();
    json_object_object_add(v.o, "deliveries", deliveries);
    rc = ec_db_exec(db,
                    "SELECT " EC_ORDER_LINE_COLUMNS ", breakdown"
                    " FROM order_lines WHERE tenant_id = ?"
                    " AND order_id = ? ORDER BY line_no",
                    q, 2, read_line, lines, NULL);
    if (rc >= 0)
        rc = ec_db_exec(db,
                        "SELECT public_id, provider, status, amount"
                        " FROM payments WHERE tenant_id = ? AND order_id = ?"
                        " ORDER BY id DESC LIMIT 1",
                        q, 2, read_payment, v.o, NULL);
    if (rc >= 0)
        rc =
            ec_db_exec(db,
                       "SELECT event_id, seq, type, state, attempts,"
                       " DATE_FORMAT(next_attempt_at, " RFC3339 "), last_error,"
                       " DATE_FORMAT(delivered_at, " RFC3339 ") FROM outbox"
                       " WHERE tenant_id = ? AND order_id = ? ORDER BY seq",
                       q, 2, read_delivery, deliveries, NULL);
    if (rc < 0) {
        json_object_put(v.o);
        return rc;
    }
    *out = v.o;
    return 0;
}

/* ---- the overview's day ---- */

static int
read_day(const struct ec_db_row *row, void *ctx)
{
    struct ec_order_day *d = ctx;

    d->orders = row->vals[0] ? strtoll(row->vals[0], NULL, 10) : 0;
    d->paid = row->vals[1] ? strtoll(row->vals[1], NULL, 10) : 0;
    d->revenue = row->vals[2] ? strtoll(row->vals[2], NULL, 10) : 0;
    return 1;
}

int
ec_order_admin_day(struct ec_db *db, long long tenant_id, int64_t from,
                   int64_t to, struct ec_order_day *out)
{
    struct ec_db_param p[3] = {EC_DB_I(tenant_id), EC_DB_I(from), EC_DB_I(to)};
    int rc;

    memset(out, 0, sizeof(*out));
    /* one range of ix_orders_tenant_created */
    rc = ec_db_exec(db,
                    "SELECT COUNT(*),"
                    " SUM(status IN ('paid', 'submitted', 'provisioning',"
                    " 'completed')),"
                    " SUM(IF(status IN ('paid', 'submitted', 'provisioning',"
                    " 'completed'), due_now, 0))"
                    " FROM orders WHERE tenant_id = ?"
                    " AND created_at >= FROM_UNIXTIME(?)"
                    " AND created_at < FROM_UNIXTIME(?)",
                    p, 3, read_day, out, NULL);
    return rc < 0 ? rc : 0;
}

/* ---- the retry of a dead letter ---- */

static int
found(const struct ec_db_row *row, void *ctx)
{
    (void)row;
    (void)ctx;
    return 1;
}

int
ec_order_admin_dead_event(struct ec_db *db, long long tenant_id,
                          const char *public_id, const char *event_id)
{
    struct ec_db_param p[3];
    int rc;

    if (!ec_hex_valid(public_id, 32) || !event_id ||
        !ec_hex_valid(event_id, 32))
        return EC_ERR_NOT_FOUND;
    p[0] = EC_DB_I(tenant_id);
    p[1] = EC_DB_S(event_id);
    p[2] = EC_DB_S(public_id);
    rc = ec_db_exec(db,
                    "SELECT 1 FROM outbox x JOIN orders o ON o.id = x.order_id"
                    " AND o.tenant_id = x.tenant_id WHERE x.tenant_id = ?"
                    " AND x.event_id = ? AND o.public_id = ?"
                    " AND x.state = 'dead'",
                    p, 3, found, NULL, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : EC_ERR_NOT_FOUND;
}

/* The delivery as the audit log shows it: its order, event, type and
   state, attempts and last error (columns 0..5). */
static int
delivery_row(const struct ec_db_row *row, void *ctx)
{
    struct json_object **out = ctx;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "order", ec_order_json_str(row->vals[0]));
    json_object_object_add(o, "event_id", ec_order_json_str(row->vals[1]));
    json_object_object_add(o, "type", ec_order_json_str(row->vals[2]));
    json_object_object_add(o, "state", ec_order_json_str(row->vals[3]));
    json_object_object_add(o, "attempts", ec_order_json_int(row->vals[4]));
    json_object_object_add(o, "last_error", ec_order_json_str(row->vals[5]));
    *out = o;
    return 1;
}

int
ec_order_admin_retry(struct ec_db *db, long long tenant_id,
                     const char *public_id, const char *event_id,
                     const struct ec_audit_actor *who)
{
    struct ec_db_param p[3];
    struct json_object *before = NULL, *after;
    unsigned long long n = 0;
    int rc;

    if (!ec_hex_valid(public_id, 32) || !event_id ||
        !ec_hex_valid(event_id, 32))
        return EC_ERR_NOT_FOUND;
    p[0] = EC_DB_I(tenant_id);
    p[1] = EC_DB_S(event_id);
    p[2] = EC_DB_S(public_id);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    /* locked, so a delivery round cannot claim it between check and
       change, and the row read is the audit's "before" */
    rc = ec_db_exec(db,
                    "SELECT o.public_id, x.event_id, x.type, x.state,"
                    " x.attempts, x.last_error"
                    " FROM outbox x JOIN orders o ON o.id = x.order_id"
                    " AND o.tenant_id = x.tenant_id WHERE x.tenant_id = ?"
                    " AND x.event_id = ? AND o.public_id = ?"
                    " AND x.state = 'dead' FOR UPDATE",
                    p, 3, delivery_row, &before, NULL);
    if (rc == 0)
        rc = EC_ERR_NOT_FOUND;
    if (rc == 1)
        rc = ec_outbox_revive(db, tenant_id, event_id, &n);
    if (rc == 0) {
        after = json_object_new_object();
        json_object_object_foreach(before, k, v)
            json_object_object_add(after, k, json_object_get(v));
        json_object_object_add(after, "state",
                               json_object_new_string("pending"));
        json_object_object_add(after, "attempts", json_object_new_int(0));
        json_object_object_add(after, "last_error", NULL);
        rc = ec_audit_record(db, tenant_id, who, "outbox_event", event_id,
                             "retry", before, after);
        json_object_put(after);
    }
    if (rc == 0)
        rc = ec_db_commit(db);
    if (rc < 0)
        ec_db_rollback(db);
    json_object_put(before);
    return rc;
}
