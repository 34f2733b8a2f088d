/*
 * Orders as the shop's staff read them (the admin panel, docs/admin.md):
 * every order of the tenant, not only a customer's own, with who
 * ordered, each line's price breakdown as sold, and the outbox's
 * deliveries. Every statement names the tenant, so another tenant's
 * order is simply not found.
 */
#ifndef EC_SVC_ORDER_ADMIN_H
#define EC_SVC_ORDER_ADMIN_H

#include <stdint.h>

#include "svc/order.h"
#include "svc/order_json.h" /* EC_ORDER_BY_AGENTS */

struct ec_db;
struct json_object;

#define EC_ORDER_ADMIN_LIST_MAX 100

/* Which orders a list shows. */
struct ec_order_filter {
    int status;     /* enum ec_order_status, or -1 for every one */
    int64_t from;   /* made at or after (UTC seconds); 0: no bound */
    int64_t to;     /* made before (UTC seconds); 0: no bound */
    unsigned limit; /* 1..EC_ORDER_ADMIN_LIST_MAX (else the maximum) */
    /* who sold it: 0 every order, EC_ORDER_BY_AGENTS those any sales
       agent checked out, else that agent's (a staff id) */
    long long agent;
};

/*
 * Tenant's orders that f selects, newest first, into *out (a new array
 * of {id, status, created_at, currency, customer_name, totals, lines:
 * count, sold_by}). 0 or a store error.
 */
int ec_order_admin_list(struct ec_db *db, long long tenant_id,
                        const struct ec_order_filter *f,
                        struct json_object **out);

/*
 * Order public_id of tenant into *out (a new object): ec_order_view()'s
 * fields, the customer {name, email, phone, address}, sold_by (the
 * sales agent, or null: svc/order_json.h), each line's
 * breakdown (the JSON the checkout stored: plan and add-ons), and
 * deliveries: [{event_id, seq, type, state, attempts, next_attempt_at,
 * last_error, delivered_at, dead}], by seq. 0, EC_ERR_NOT_FOUND, or a
 * store error.
 */
int ec_order_admin_view(struct ec_db *db, long long tenant_id,
                        const char *public_id, struct json_object **out);

/* A day's orders: how many, and what the paid ones brought. */
struct ec_order_day {
    long long orders;  /* made in the window, whatever their state */
    long long paid;    /* of those, paid (paid, submitted, provisioning,
                          completed) */
    long long revenue; /* due_now of the paid ones, minor units */
};

/*
 * Tenant's orders made in [from, to) (UTC seconds) into *out. 0 or a
 * store error.
 */
int ec_order_admin_day(struct ec_db *db, long long tenant_id, int64_t from,
                       int64_t to, struct ec_order_day *out);

/*
 * Whether event_id is a dead delivery of order public_id of tenant: 0
 * when it is, EC_ERR_NOT_FOUND when not (no such order, event or dead
 * row), or a store error. What the panel checks before it revives one
 * (ec_outbox_revive()).
 */
int ec_order_admin_dead_event(struct ec_db *db, long long tenant_id,
                              const char *public_id, const char *event_id);

/*
 * The panel's retry of a dead delivery: event_id of order public_id of
 * tenant pending again, due now (ec_outbox_revive()), with its audit row
 * (object "outbox_event", action "retry", who) in the same transaction,
 * so a retry is never unrecorded nor a record without its retry. 0;
 * EC_ERR_NOT_FOUND when the event is not a dead delivery of that order
 * (any more); or a store error, nothing written.
 */
struct ec_audit_actor;
int ec_order_admin_retry(struct ec_db *db, long long tenant_id,
                         const char *public_id, const char *event_id,
                         const struct ec_audit_actor *who);

#endif
