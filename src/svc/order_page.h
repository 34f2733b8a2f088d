/*
 * A tenant's orders a page at a time, for scripts (the admin API's GET
 * /api/admin/v1/orders): every order of the tenant, not one customer's
 * (svc/order.h's ec_order_list() is the owner's), newest first, filtered
 * by state and by when it was made, paged by a cursor. The panel's list
 * and order page are svc/order_admin.h.
 */
#ifndef EC_SVC_ORDER_PAGE_H
#define EC_SVC_ORDER_PAGE_H

struct ec_db;
struct json_object;

#define EC_ORDER_PAGE_LIMIT_MAX 500
#define EC_ORDER_PAGE_LIMIT_DEFAULT 100

struct ec_order_page_filter {
    int status;          /* an enum ec_order_status, or -1: any */
    long long from;      /* UTC seconds: made at or after; 0: no bound */
    long long to;        /* UTC seconds: made before; 0: no bound */
    long long before_id; /* orders older than this cursor; 0: none */
    unsigned limit;      /* 1 to EC_ORDER_PAGE_LIMIT_MAX; 0: default */
    /* who sold it: 0 every order, EC_ORDER_BY_AGENTS (svc/order_json.h)
       any sales agent's, else that agent's (a staff id) */
    long long agent;
};

/*
 * tenant_id's orders that pass f, newest first, as a new JSON array in
 * *out (the caller's): each {"id" (public), "status", "created_at",
 * "currency", "monthly_total", "one_time_total", "due_now", "min_total",
 * "customer": {"name", "email"}, "sold_by": the sales agent {"agent_id",
 * "name"} or null (svc/order_json.h)}, and *cursor the last one's cursor (0
 * when fewer than the limit came back). 0, EC_ERR_INVALID_FIELD for a
 * limit out of range, or the database's error.
 */
int ec_order_page(struct ec_db *db, long long tenant_id,
                  const struct ec_order_page_filter *f,
                  struct json_object **out, long long *cursor);

#endif
