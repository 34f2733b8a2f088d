/*
 * An order's rows as JSON, the same for everyone who reads them: the
 * customer's view (order_read.c), the staff's (order_admin.c) and the
 * outbox's events (order.c). Each takes a row's columns from vals on, in
 * the order the functions name; NULL columns are JSON null.
 */
#ifndef EC_SVC_ORDER_JSON_H
#define EC_SVC_ORDER_JSON_H

struct json_object;

/* The columns an order line is read with, in this order. */
#define EC_ORDER_LINE_COLUMNS                                                  \
    "line_no, sku, name, channel, binding_months, sim_type, msisdn,"           \
    " porting_msisdn, monthly_now, one_time, min_total"
#define EC_ORDER_LINE_NCOLUMNS 11

/* A decimal column as a JSON integer (0 for NULL). */
struct json_object *ec_order_json_int(const char *s);

/* A column as a JSON string, or NULL (JSON null). */
struct json_object *ec_order_json_str(const char *s);

/* {"currency", "monthly", "one_time", "due_now", "min_total"} from
   vals[0..3] (monthly_total, one_time_total, due_now, min_total). */
struct json_object *ec_order_json_totals(const char *const *vals,
                                         const char *currency);

/* The columns of an order in a list (orders as o), in this order. */
#define EC_ORDER_SUMMARY_COLUMNS                                               \
    "o.public_id, o.status,"                                                   \
    " DATE_FORMAT(o.created_at, '%Y-%m-%dT%H:%i:%sZ'), o.currency,"            \
    " o.monthly_total, o.one_time_total, o.due_now, o.min_total,"              \
    " (SELECT COUNT(*) FROM order_lines l"                                     \
    " WHERE l.order_id = o.id AND l.tenant_id = o.tenant_id)"
#define EC_ORDER_SUMMARY_NCOLUMNS 9

/* An order in a list from EC_ORDER_SUMMARY_COLUMNS at vals. */
struct json_object *ec_order_json_summary(const char *const *vals);

/*
 * The columns of who sold an order (orders as o), in this order: the
 * sales agent's staff id (NULL: the customer's own order) and the
 * agent's name now (NULL when the user is gone). Staff of another tenant
 * are never named.
 */
#define EC_ORDER_SOLD_BY_COLUMNS                                               \
    "o.agent_staff_id, (SELECT s.name FROM staff_users s"                      \
    " WHERE s.id = o.agent_staff_id AND (s.tenant_id = o.tenant_id"            \
    " OR s.tenant_id IS NULL))"
#define EC_ORDER_SOLD_BY_NCOLUMNS 2

/* A filter by who sold an order (orders as o), with the filter's value as
   its three parameters: 0 every order, EC_ORDER_BY_AGENTS those any
   sales agent checked out, else that agent's (a staff id). */
#define EC_ORDER_BY_AGENTS (-1)
#define EC_ORDER_SOLD_BY_FILTER                                                \
    "(? = 0 OR (? = -1 AND o.agent_staff_id IS NOT NULL)"                      \
    " OR o.agent_staff_id = ?)"

/* "sold_by" from EC_ORDER_SOLD_BY_COLUMNS at vals: {"agent_id", "name"}
   for an order a sales agent checked out, NULL (JSON null) for a
   customer's own (docs/orders.md, "Sold by an agent"). */
struct json_object *ec_order_json_sold_by(const char *const *vals);

/* A line from EC_ORDER_LINE_COLUMNS at vals. */
struct json_object *ec_order_json_line(const char *const *vals);

/* A payment from vals (public_id, provider, status, amount, url): the
   url only while it can still be paid there, and only with_url. */
struct json_object *ec_order_json_payment(const char *const *vals,
                                          int with_url);

#endif
