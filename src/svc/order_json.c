/* An order's rows as JSON: see svc/order_json.h. */
#include "svc/order_json.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

struct json_object *
ec_order_json_int(const char *s)
{
    return json_object_new_int64(s ? strtoll(s, NULL, 10) : 0);
}

struct json_object *
ec_order_json_str(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

struct json_object *
ec_order_json_totals(const char *const *vals, const char *currency)
{
    struct json_object *t = json_object_new_object();

    json_object_object_add(t, "currency", json_object_new_string(currency));
    json_object_object_add(t, "monthly", ec_order_json_int(vals[0]));
    json_object_object_add(t, "one_time", ec_order_json_int(vals[1]));
    json_object_object_add(t, "due_now", ec_order_json_int(vals[2]));
    json_object_object_add(t, "min_total", ec_order_json_int(vals[3]));
    return t;
}

struct json_object *
ec_order_json_summary(const char *const *vals)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_string(vals[0]));
    json_object_object_add(o, "status", json_object_new_string(vals[1]));
    json_object_object_add(o, "created_at", json_object_new_string(vals[2]));
    json_object_object_add(o, "currency", json_object_new_string(vals[3]));
    json_object_object_add(o, "totals",
                           ec_order_json_totals(vals + 4, vals[3]));
    json_object_object_add(o, "lines", ec_order_json_int(vals[8]));
    return o;
}

struct json_object *
ec_order_json_sold_by(const char *const *vals)
{
    struct json_object *o;

    if (!vals[0])
        return NULL;
    o = json_object_new_object();
    json_object_object_add(o, "agent_id", ec_order_json_int(vals[0]));
    json_object_object_add(o, "name", ec_order_json_str(vals[1]));
    return o;
}

struct json_object *
ec_order_json_line(const char *const *vals)
{
    struct json_object *l = json_object_new_object();

    json_object_object_add(l, "line_no", ec_order_json_int(vals[0]));
    json_object_object_add(l, "sku", json_object_new_string(vals[1]));
    json_object_object_add(l, "name", json_object_new_string(vals[2]));
    json_object_object_add(l, "channel", json_object_new_string(vals[3]));
    json_object_object_add(l, "binding_months", ec_order_json_int(vals[4]));
    json_object_object_add(l, "sim_type", json_object_new_string(vals[5]));
    json_object_object_add(l, "msisdn", ec_order_json_str(vals[6]));
    json_object_object_add(l, "porting", ec_order_json_str(vals[7]));
    json_object_object_add(l, "monthly_now", ec_order_json_int(vals[8]));
    json_object_object_add(l, "one_time", ec_order_json_int(vals[9]));
    json_object_object_add(l, "min_total", ec_order_json_int(vals[10]));
    return l;
}

struct json_object *
ec_order_json_payment(const char *const *vals, int with_url)
{
    struct json_object *p = json_object_new_object();
    const char *status = vals[2];
    int open = strcmp(status, "created") == 0 || strcmp(status, "pending") == 0;

    json_object_object_add(p, "id", json_object_new_string(vals[0]));
    json_object_object_add(p, "provider", json_object_new_string(vals[1]));
    json_object_object_add(p, "status", json_object_new_string(status));
    json_object_object_add(p, "amount", ec_order_json_int(vals[3]));
    /* the page only while it can still be paid there */
    if (with_url)
        json_object_object_add(p, "url",
                               open ? ec_order_json_str(vals[4]) : NULL);
    return p;
}
