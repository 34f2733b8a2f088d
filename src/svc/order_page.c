#include "svc/order_page.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "store/db.h"
#include "svc/order.h"
#include "svc/order_json.h"

struct list_ctx {
    struct json_object *arr;
    long long last;
    unsigned n;
};

static struct json_object *
num(const char *s)
{
    return json_object_new_int64(strtoll(s, NULL, 10));
}

static int
order_row(const struct ec_db_row *row, void *ctx)
{
    struct list_ctx *c = ctx;
    struct json_object *o = json_object_new_object();
    struct json_object *who = json_object_new_object();

    c->last = strtoll(row->vals[0], NULL, 10);
    c->n++;
    json_object_object_add(o, "id", json_object_new_string(row->vals[1]));
    json_object_object_add(o, "status", json_object_new_string(row->vals[2]));
    json_object_object_add(o, "created_at",
                           json_object_new_string(row->vals[3]));
    json_object_object_add(o, "currency", json_object_new_string(row->vals[4]));
    json_object_object_add(o, "monthly_total", num(row->vals[5]));
    json_object_object_add(o, "one_time_total", num(row->vals[6]));
    json_object_object_add(o, "due_now", num(row->vals[7]));
    json_object_object_add(o, "min_total", num(row->vals[8]));
    json_object_object_add(who, "name", json_object_new_string(row->vals[9]));
    json_object_object_add(who, "email", json_object_new_string(row->vals[10]));
    json_object_object_add(o, "customer", who);
    json_object_object_add(o, "sold_by", ec_order_json_sold_by(row->vals + 11));
    json_object_array_add(c->arr, o);
    return 0;
}

static struct ec_db_param
opt_int(long long n)
{
    if (n <= 0)
        return (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    return EC_DB_I(n);
}

int
ec_order_page(struct ec_db *db, long long tenant_id,
              const struct ec_order_page_filter *f, struct json_object **out,
              long long *cursor)
{
    unsigned limit = f->limit ? f->limit : EC_ORDER_PAGE_LIMIT_DEFAULT;
    struct list_ctx c = {NULL, 0, 0};
    struct ec_db_param p[13];
    const char *status = ec_order_status_name((enum ec_order_status)f->status);
    int rc;

    *out = NULL;
    *cursor = 0;
    if (limit > EC_ORDER_PAGE_LIMIT_MAX)
        return EC_ERR_INVALID_FIELD;
    p[0] = EC_DB_I(tenant_id);
    p[1] = p[2] =
        status ? EC_DB_S(status) : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    p[3] = p[4] = opt_int(f->from);
    p[5] = p[6] = opt_int(f->to);
    p[7] = p[8] = opt_int(f->before_id);
    p[9] = p[10] = p[11] = EC_DB_I(f->agent);
    p[12] = EC_DB_I(limit);
    c.arr = json_object_new_array();
    /* one statement for every filter: an absent one is NULL and passes */
    rc = ec_db_exec(
        db,
        "SELECT id, public_id, status,"
        " DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'),"
        " currency, monthly_total, one_time_total, due_now,"
        " min_total, customer_name, customer_email, " EC_ORDER_SOLD_BY_COLUMNS
        " FROM orders o WHERE tenant_id = ?"
        " AND (? IS NULL OR status = ?)"
        " AND (? IS NULL OR created_at >= FROM_UNIXTIME(?))"
        " AND (? IS NULL OR created_at < FROM_UNIXTIME(?))"
        " AND (? IS NULL OR id < ?)"
        " AND " EC_ORDER_SOLD_BY_FILTER " ORDER BY id DESC LIMIT ?",
        p, 13, order_row, &c, NULL);
    if (rc < 0) {
        json_object_put(c.arr);
        return rc;
    }
    *out = c.arr;
    if (c.n == limit)
        *cursor = c.last;
    return 0;
}
