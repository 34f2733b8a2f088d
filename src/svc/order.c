#include "svc/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "svc/invalidate.h"
#include "svc/number.h"
#include "svc/order_json.h"

static const char *const status_names[EC_ORDER__NSTATUS] = {
    "pending_payment", "paid",      "submitted",
    "provisioning",    "completed", "cancelled",
};

/* The moves of the state machine: moves[from] has bit `to` set. */
#define B(s) (1u << (s))
static const unsigned moves[EC_ORDER__NSTATUS] = {
    [EC_ORDER_PENDING_PAYMENT] = B(EC_ORDER_PAID) | B(EC_ORDER_CANCELLED),
    [EC_ORDER_PAID] = B(EC_ORDER_SUBMITTED),
    [EC_ORDER_SUBMITTED] = B(EC_ORDER_PROVISIONING),
    [EC_ORDER_PROVISIONING] = B(EC_ORDER_COMPLETED),
    [EC_ORDER_COMPLETED] = 0,
    [EC_ORDER_CANCELLED] = 0,
};
#undef B

const char *
ec_order_status_name(enum ec_order_status s)
{
    return (unsigned)s < EC_ORDER__NSTATUS ? status_names[s] : NULL;
}

int
ec_order_status_parse(const char *s)
{
    for (int i = 0; s && i < EC_ORDER__NSTATUS; i++)
        if (strcmp(s, status_names[i]) == 0)
            return i;
    return -1;
}

int
ec_order_can_move(enum ec_order_status from, enum ec_order_status to)
{
    if ((unsigned)from >= EC_ORDER__NSTATUS ||
        (unsigned)to >= EC_ORDER__NSTATUS)
        return 0;
    return (moves[from] >> to) & 1u;
}

/* ---- checking a new order ---- */

int
ec_order_key_valid(const char *k)
{
    size_t n = k ? strlen(k) : 0;

    if (n == 0 || n > EC_ORDER_KEY_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return 0;
    return 1;
}

static int
text_ok(const char *s, size_t max)
{
    return s && strlen(s) <= max;
}

static int
new_order_valid(const struct ec_order_new *o)
{
    if (!ec_order_key_valid(o->idempotency_key) ||
        !ec_hex_valid(o->request_hash, 64) || !o->currency ||
        strlen(o->currency) != 3 || o->nlines == 0 ||
        o->nlines > EC_ORDER_LINES_MAX || !text_ok(o->name, 200) ||
        !text_ok(o->email, 254) || !text_ok(o->phone, 32) ||
        !text_ok(o->address, 500) || !o->provider || strlen(o->provider) > 16 ||
        o->pay_within_s <= 0 ||
        (o->contract_summary &&
         strlen(o->contract_summary) > EC_ORDER_SUMMARY_MAX) ||
        o->account_id < 0 || o->agent_staff_id < 0 ||
        (o->session_hash && !ec_hex_valid(o->session_hash, 64)) ||
        (o->identity_sealed && strlen(o->identity_sealed) > 1024))
        return 0;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct ec_order_line_in *l = &o->lines[i];

        if (!text_ok(l->sku, 64) || !text_ok(l->name, 200) ||
            !text_ok(l->channel, 40) || !l->sim_type ||
            (strcmp(l->sim_type, "physical") != 0 &&
             strcmp(l->sim_type, "esim") != 0) ||
            l->binding_months < 0 || l->monthly_now < 0 || l->one_time < 0 ||
            l->min_total < 0 || !l->breakdown_json ||
            (l->msisdn && !ec_number_valid(l->msisdn)) ||
            (l->porting && !ec_number_valid(l->porting)))
            return 0;
    }
    return 1;
}

/* ---- small readers ---- */

struct existing {
    int found;
    char id[EC_ORDER_ID_SIZE];
    char hash[65];
    long long due_now;
};

static int
read_existing(const struct ec_db_row *row, void *ctx)
{
    struct existing *e = ctx;

    e->found = 1;
    snprintf(e->id, sizeof(e->id), "%s", row->vals[0]);
    snprintf(e->hash, sizeof(e->hash), "%s", row->vals[1]);
    e->due_now = strtoll(row->vals[2], NULL, 10);
    return 0;
}

static int
read_payment_id(const struct ec_db_row *row, void *ctx)
{
    snprintf(ctx, EC_ORDER_ID_SIZE, "%s", row->vals[0] ? row->vals[0] : "");
    return 0;
}

/*
 * The key's order, if any, into e. A plain read, no locking one: a
 * locking read of a missing key takes a gap lock, and racing checkouts
 * inserting into that gap deadlock. Two checkouts with one new key both
 * get past here; the UNIQUE key lets one insert, and the other, trying
 * again, finds its order.
 */
static int
find_by_key(struct ec_db *db, long long tenant_id, const char *key,
            struct existing *e)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(key)};

    memset(e, 0, sizeof(*e));
    return ec_db_exec(db,
                      "SELECT public_id, request_hash, due_now FROM orders"
                      " WHERE tenant_id = ? AND idempotency_key = ?",
                      p, 2, read_existing, e, NULL);
}

static int
replay(struct ec_db *db, long long tenant_id, const struct existing *e,
       const char *hash, struct ec_order_created *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(e->id)};

    if (strcmp(e->hash, hash) != 0)
        return EC_ERR_CONFLICT;
    memcpy(out->id, e->id, sizeof(out->id));
    out->due_now = e->due_now;
    out->replayed = 1;
    return ec_db_exec(db,
                      "SELECT p.public_id FROM payments p JOIN orders o"
                      " ON o.id = p.order_id WHERE o.tenant_id = ?"
                      " AND o.public_id = ? ORDER BY p.id DESC LIMIT 1",
                      p, 2, read_payment_id, out->payment_id, NULL);
}

int
ec_order_assign_numbers(struct ec_db *db, long long tenant_id,
                        const char *const *msisdns, size_t n, size_t *taken)
{
    unsigned long long changed;
    int rc;

    for (size_t i = 0; i < n; i++) {
        struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(msisdns[i])};

        changed = 0;
        rc = ec_db_exec(db,
                        "UPDATE numbers SET status = 'assigned'"
                        " WHERE tenant_id = ? AND msisdn = ?"
                        " AND status = 'available'",
                        p, 2, NULL, NULL, &changed);
        if (rc < 0)
            return rc;
        if (changed != 1) {
            if (taken)
                *taken = i;
            return EC_ERR_NUMBER_TAKEN;
        }
    }
    return 0;
}

static struct ec_db_param
str_or_null(const char *s)
{
    return s ? EC_DB_S(s) : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
}

static int
insert_lines(struct ec_db *db, const struct ec_order_new *o, long long order_id)
{
    int rc;

    for (size_t i = 0; i < o->nlines; i++) {
        const struct ec_order_line_in *l = &o->lines[i];
        struct ec_db_param p[] = {
            EC_DB_I(order_id),          EC_DB_I((long long)i + 1),
            EC_DB_I(o->tenant_id),      EC_DB_S(l->sku),
            EC_DB_S(l->name),           EC_DB_S(l->channel),
            EC_DB_I(l->binding_months), EC_DB_S(l->sim_type),
            str_or_null(l->msisdn),     str_or_null(l->porting),
            EC_DB_I(l->monthly_now),    EC_DB_I(l->one_time),
            EC_DB_I(l->min_total),      EC_DB_S(l->breakdown_json),
        };

        rc = ec_db_exec(db,
                        "INSERT INTO order_lines (order_id, line_no,"
                        " tenant_id, sku, name, channel, binding_months,"
                        " sim_type, msisdn, porting_msisdn, monthly_now,"
                        " one_time, min_total, breakdown) VALUES"
                        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        p, sizeof(p) / sizeof(*p), NULL, NULL, NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int
insert_order(struct ec_db *db, const struct ec_order_new *o, const char *id,
             long long monthly, long long one_time, long long min_total,
             long long *row_id)
{
    struct ec_db_param p[] = {
        EC_DB_I(o->tenant_id),
        EC_DB_S(id),
        EC_DB_S(o->currency),
        EC_DB_I(monthly),
        EC_DB_I(one_time),
        EC_DB_I(monthly + one_time),
        EC_DB_I(min_total),
        EC_DB_I(o->vat_due_now),
        EC_DB_S(o->name),
        EC_DB_S(o->email),
        EC_DB_S(o->phone),
        EC_DB_S(o->address),
        EC_DB_I(o->consent_terms != 0),
        EC_DB_I(o->consent_contract_summary != 0),
        EC_DB_I(o->consent_marketing != 0),
        EC_DB_S(o->idempotency_key),
        EC_DB_S(o->request_hash),
        str_or_null(o->contract_summary),
        str_or_null(o->basket_id),
        o->account_id > 0 ? EC_DB_I(o->account_id)
                          : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0},
        str_or_null(o->session_hash),
        o->agent_staff_id > 0 ? EC_DB_I(o->agent_staff_id)
                              : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0},
        str_or_null(o->identity_sealed),
        EC_DB_I(o->pay_within_s),
    };
    int rc;

    rc = ec_db_exec(db,
                    "INSERT INTO orders (tenant_id, public_id, currency,"
                    " monthly_total, one_time_total, due_now, min_total,"
                    " vat_due_now, customer_name, customer_email,"
                    " customer_phone, customer_address, consent_terms,"
                    " consent_contract_summary, consent_marketing,"
                    " idempotency_key, request_hash, contract_summary,"
                    " basket_id, account_id, session_hash, agent_staff_id,"
                    " identity_sealed, pay_by) VALUES (?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " NOW(6) + INTERVAL ? SECOND)",
                    p, sizeof(p) / sizeof(*p), NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    *row_id = (long long)ec_db_insert_id(db);
    return *row_id > 0 ? 0 : EC_ERR_INTERNAL;
}

/*
 * The order's payment: created, or started already when the caller knows
 * its page (o->payment_page: the simulator's is our own), which spares a
 * second statement and commit after the order's. Another provider's page
 * is made after the commit, by a call out that must not hold the
 * transaction (ec_payment_begin()).
 */
static int
insert_payment(struct ec_db *db, const struct ec_order_new *o,
               long long order_id, struct ec_order_created *out)
{
    const char *page = o->payment_page;
    struct ec_db_param p[] = {
        EC_DB_I(o->tenant_id),
        EC_DB_I(order_id),
        EC_DB_S(out->payment_id),
        EC_DB_S(o->provider),
        EC_DB_I(out->due_now),
        EC_DB_S(o->currency),
        str_or_null(page ? out->payment_id : NULL),
        str_or_null(page),
        EC_DB_S(page ? "pending" : "created"),
    };
    int rc;

    rc = ec_db_exec(db,
                    "INSERT INTO payments (tenant_id, order_id, public_id,"
                    " provider, amount, currency, provider_ref, url, status)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p, 9, NULL, NULL, NULL);
    out->payment_started = page && rc >= 0;
    return rc;
}

static int
create_in_tx(struct ec_db *db, const struct ec_order_new *o,
             struct ec_order_created *out)
{
    const char *numbers[EC_ORDER_LINES_MAX];
    long long monthly = 0, one_time = 0, min_total = 0, row_id;
    struct existing e;
    size_t n = 0, taken;
    int rc;

    if ((rc = find_by_key(db, o->tenant_id, o->idempotency_key, &e)) < 0)
        return rc;
    if (e.found)
        return replay(db, o->tenant_id, &e, o->request_hash, out);
    for (size_t i = 0; i < o->nlines; i++) {
        monthly += o->lines[i].monthly_now;
        one_time += o->lines[i].one_time;
        min_total += o->lines[i].min_total;
        if (o->lines[i].msisdn)
            numbers[n++] = o->lines[i].msisdn;
    }
    /* the numbers first: a checkout that loses one stops before it has
       written anything, and holds no lock another one waits for */
    rc = ec_order_assign_numbers(db, o->tenant_id, numbers, n, &taken);
    if (rc == EC_ERR_NUMBER_TAKEN)
        out->taken = numbers[taken];
    if (rc < 0)
        return rc;
    ec_rand_hex(out->id, 16);
    if (o->payment_id && ec_hex_valid(o->payment_id, 32))
        memcpy(out->payment_id, o->payment_id, 33);
    else
        ec_rand_hex(out->payment_id, 16);
    out->due_now = monthly + one_time;
    if ((rc = insert_order(db, o, out->id, monthly, one_time, min_total,
                           &row_id)) < 0 ||
        (rc = insert_lines(db, o, row_id)) < 0)
        return rc;
    return insert_payment(db, o, row_id, out);
}

int
ec_order_create(struct ec_db *db, const struct ec_order_new *o,
                struct ec_order_created *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (!new_order_valid(o))
        return EC_ERR_INVALID_FIELD;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = create_in_tx(db, o, out);
    if (rc == EC_ERR_CONFLICT && !out->replayed && out->id[0]) {
        /* a duplicate public id or key written meanwhile by a racing
           checkout with the same key: its order is the answer */
        ec_db_rollback(db);
        memset(out, 0, sizeof(*out));
        if ((rc = ec_db_begin(db)) < 0)
            return rc;
        rc = create_in_tx(db, o, out);
    }
    if (rc < 0) {
        const char *taken = out->taken;

        ec_db_rollback(db);
        memset(out, 0, sizeof(*out));
        out->taken = taken;
        return rc;
    }
    if (out->replayed) {
        ec_db_rollback(db); /* read only */
        return 0;
    }
    return ec_db_commit(db);
}

/* ---- reading ---- */

static int
read_info(const struct ec_db_row *row, void *ctx)
{
    struct ec_order_info *o = ctx;
    int s = ec_order_status_parse(row->vals[3]);

    o->id = strtoll(row->vals[0], NULL, 10);
    o->tenant_id = strtoll(row->vals[1], NULL, 10);
    snprintf(o->public_id, sizeof(o->public_id), "%s", row->vals[2]);
    if (s < 0)
        EC_BUG("order status unknown to this build");
    o->status = (enum ec_order_status)s;
    snprintf(o->currency, sizeof(o->currency), "%s", row->vals[4]);
    o->due_now = strtoll(row->vals[5], NULL, 10);
    snprintf(o->cancel_reason, sizeof(o->cancel_reason), "%s",
             row->vals[6] ? row->vals[6] : "");
    return 1;
}

int
ec_order_get(struct ec_db *db, long long tenant_id, const char *public_id,
             struct ec_order_info *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(public_id)};
    int rc;

    memset(out, 0, sizeof(*out));
    if (!ec_hex_valid(public_id, 32))
        return EC_ERR_NOT_FOUND;
    rc = ec_db_exec(db,
                    "SELECT id, tenant_id, public_id, status, currency,"
                    " due_now, cancel_reason FROM orders"
                    " WHERE tenant_id = ? AND public_id = ?",
                    p, 2, read_info, out, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : EC_ERR_NOT_FOUND;
}

/* ---- the event an outbox row carries ---- */

/* The order's part of an event row (columns 0..15). */
static void
add_order_json(struct json_object *o, const struct ec_db_row *row)
{
    struct json_object *totals = json_object_new_object(),
                       *customer = json_object_new_object(),
                       *consents = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_string(row->vals[0]));
    json_object_object_add(o, "tenant", json_object_new_string(row->vals[1]));
    json_object_object_add(o, "currency", json_object_new_string(row->vals[2]));
    json_object_object_add(totals, "monthly",
                           json_object_new_int64(atoll(row->vals[3])));
    json_object_object_add(totals, "one_time",
                           json_object_new_int64(atoll(row->vals[4])));
    json_object_object_add(totals, "due_now",
                           json_object_new_int64(atoll(row->vals[5])));
    json_object_object_add(totals, "min_total",
                           json_object_new_int64(atoll(row->vals[6])));
    json_object_object_add(o, "totals", totals);
    json_object_object_add(customer, "name",
                           json_object_new_string(row->vals[7]));
    json_object_object_add(customer, "email",
                           json_object_new_string(row->vals[8]));
    json_object_object_add(customer, "phone",
                           json_object_new_string(row->vals[9]));
    json_object_object_add(customer, "address",
                           json_object_new_string(row->vals[10]));
    /* MitID matched the customer: the delivery process adds the CPR
       number, sealed for the receiver (svc/delivery.h) */
    json_object_object_add(
        customer, "identity_verified",
        json_object_new_boolean(row->vals[13] && atoi(row->vals[13])));
    json_object_object_add(o, "customer", customer);
    /* a sales agent's order names them (docs/orders.md) */
    json_object_object_add(o, "sold_by", ec_order_json_sold_by(row->vals + 14));
    json_object_object_add(consents, "marketing",
                           json_object_new_boolean(atoi(row->vals[11])));
    json_object_object_add(o, "consents", consents);
    json_object_object_add(o, "created_at",
                           json_object_new_string(row->vals[12]));
}

/* An event's rows: one per line of the order, each with the order's
   columns (0..15), its next outbox seq (16) and the line's (17..27). */
#define EVENT_SEQ 16
#define EVENT_LINE 17

struct event_rows {
    struct json_object *order;
    struct json_object *lines;
    long long seq;
};

static int
read_event_row(const struct ec_db_row *row, void *ctx)
{
    struct event_rows *e = ctx;

    if (e->seq == 0) {
        add_order_json(e->order, row);
        e->seq = atoll(row->vals[EVENT_SEQ]);
    }
    if (row->vals[EVENT_LINE])
        json_object_array_add(e->lines,
                              ec_order_json_line(row->vals + EVENT_LINE));
    return 0;
}

/*
 * The event announcing order_id's move to `to`: the whole order as it
 * stands in this transaction, so a receiver needs nothing else, and the
 * order's next seq (the order's row is locked by the caller's move, so
 * no other move takes the same seq). One statement.
 */
static int
event_json(struct ec_db *db, long long tenant_id, long long order_id,
           const char *event_id, const char *type, enum ec_order_status from,
           enum ec_order_status to, const char *reason, long long *seq,
           struct json_object **out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_I(order_id)};
    struct event_rows e = {json_object_new_object(), json_object_new_array(),
                           0};
    struct json_object *ev = json_object_new_object();
    int rc;

    rc = ec_db_exec(db,
                    "SELECT o.public_id, t.slug, o.currency, o.monthly_total,"
                    " o.one_time_total, o.due_now, o.min_total,"
                    " o.customer_name, o.customer_email, o.customer_phone,"
                    " o.customer_address, o.consent_marketing,"
                    " DATE_FORMAT(o.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
                    " o.identity_sealed IS NOT NULL, " EC_ORDER_SOLD_BY_COLUMNS
                    ", (SELECT COALESCE(MAX(x.seq), 0) + 1 FROM outbox x"
                    " WHERE x.order_id = o.id),"
                    " l.line_no, l.sku, l.name, l.channel, l.binding_months,"
                    " l.sim_type, l.msisdn, l.porting_msisdn, l.monthly_now,"
                    " l.one_time, l.min_total"
                    " FROM orders o JOIN tenants t ON t.id = o.tenant_id"
                    " LEFT JOIN order_lines l ON l.tenant_id = o.tenant_id"
                    " AND l.order_id = o.id"
                    " WHERE o.tenant_id = ? AND o.id = ? ORDER BY l.line_no",
                    p, 2, read_event_row, &e, NULL);
    json_object_object_add(e.order, "status",
                           json_object_new_string(ec_order_status_name(to)));
    json_object_object_add(e.order, "previous_status",
                           json_object_new_string(ec_order_status_name(from)));
    if (reason)
        json_object_object_add(e.order, "cancel_reason",
                               json_object_new_string(reason));
    json_object_object_add(e.order, "lines", e.lines);
    json_object_object_add(ev, "id", json_object_new_string(event_id));
    json_object_object_add(ev, "type", json_object_new_string(type));
    json_object_object_add(ev, "seq", json_object_new_int((int)e.seq));
    json_object_object_add(ev, "order", e.order);
    if (rc < 0 || e.seq == 0) {
        json_object_put(ev);
        return rc < 0 ? rc : EC_ERR_NOT_FOUND;
    }
    *seq = e.seq;
    *out = ev;
    return 0;
}

/* Write the outbox row announcing the move, with the order's next seq. */
static int
write_event(struct ec_db *db, long long tenant_id, long long order_id,
            enum ec_order_status from, enum ec_order_status to,
            const char *reason)
{
    char event_id[EC_ORDER_ID_SIZE], type[48];
    long long seq = 0;
    struct json_object *ev = NULL;
    const char *text;
    int rc;

    ec_rand_hex(event_id, 16);
    snprintf(type, sizeof(type), "order.%s", ec_order_status_name(to));
    rc = event_json(db, tenant_id, order_id, event_id, type, from, to, reason,
                    &seq, &ev);
    if (rc < 0)
        return rc;
    text = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN);
    {
        struct ec_db_param q[] = {
            EC_DB_S(event_id), EC_DB_I(tenant_id), EC_DB_I(order_id),
            EC_DB_I(seq),      EC_DB_S(type),      EC_DB_S(text),
        };

        rc = ec_db_exec(db,
                        "INSERT INTO outbox (event_id, tenant_id, order_id,"
                        " seq, type, payload) VALUES (?, ?, ?, ?, ?, ?)",
                        q, 6, NULL, NULL, NULL);
    }
    json_object_put(ev);
    return rc;
}

/* A move to `to` written (in its transaction: one rolled back after
   this still counts, which only a store failure causes). */
static void
count_move(enum ec_order_status to)
{
    static const enum ec_metric by_state[] = {
        [EC_ORDER_PAID] = EC_M_ORDERS_PAID,
        [EC_ORDER_SUBMITTED] = EC_M_ORDERS_SUBMITTED,
        [EC_ORDER_PROVISIONING] = EC_M_ORDERS_PROVISIONING,
        [EC_ORDER_COMPLETED] = EC_M_ORDERS_COMPLETED,
        [EC_ORDER_CANCELLED] = EC_M_ORDERS_CANCELLED,
    };

    if (to != EC_ORDER_PENDING_PAYMENT &&
        (size_t)to < sizeof(by_state) / sizeof(*by_state))
        ec_metric_inc(by_state[to]);
}

/* Give the order's numbers back to the pool; *n gets how many. */
static int
release_numbers(struct ec_db *db, long long tenant_id, long long order_id,
                unsigned long long *n)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_I(order_id),
                              EC_DB_I(tenant_id)};

    return ec_db_exec(db,
                      "UPDATE numbers n JOIN order_lines l"
                      " ON l.tenant_id = n.tenant_id AND l.msisdn = n.msisdn"
                      " SET n.status = 'available'"
                      " WHERE l.tenant_id = ? AND l.order_id = ?"
                      " AND n.tenant_id = ? AND n.status = 'assigned'",
                      p, 3, NULL, NULL, n);
}

static int
read_status(const struct ec_db_row *row, void *ctx)
{
    int *s = ctx;

    *s = ec_order_status_parse(row->vals[0]);
    return 0;
}

int
ec_order_move_in_tx(struct ec_db *db, long long tenant_id, long long order_id,
                    enum ec_order_status to, const char *reason, int *changed,
                    int *freed)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_I(order_id)};
    unsigned long long n = 0;
    int from = -2, rc;

    if (changed)
        *changed = 0;
    if (freed)
        *freed = 0;
    rc = ec_db_exec(db,
                    "SELECT status FROM orders WHERE tenant_id = ? AND id = ?"
                    " FOR UPDATE",
                    p, 2, read_status, &from, NULL);
    if (rc < 0)
        return rc;
    if (from == -2)
        return EC_ERR_NOT_FOUND;
    if (from < 0)
        EC_BUG("order status unknown to this build");
    if ((enum ec_order_status)from == to)
        return 0;
    if (!ec_order_can_move((enum ec_order_status)from, to)) {
        ec_log_warn("order %lld: no move from %s to %s", order_id,
                    ec_order_status_name((enum ec_order_status)from),
                    ec_order_status_name(to));
        return EC_ERR_CONFLICT;
    }
    {
        struct ec_db_param q[] = {
            EC_DB_S(ec_order_status_name(to)),
            str_or_null(reason),
            EC_DB_I(to == EC_ORDER_PAID),
            EC_DB_I(to == EC_ORDER_COMPLETED),
            EC_DB_I(to == EC_ORDER_CANCELLED),
            EC_DB_I(tenant_id),
            EC_DB_I(order_id),
        };

        rc = ec_db_exec(db,
                        "UPDATE orders SET status = ?, cancel_reason = ?,"
                        " paid_at = IF(?, NOW(6), paid_at),"
                        " completed_at = IF(?, NOW(6), completed_at),"
                        " cancelled_at = IF(?, NOW(6), cancelled_at)"
                        " WHERE tenant_id = ? AND id = ?",
                        q, 7, NULL, NULL, NULL);
    }
    if (rc == 0 && to == EC_ORDER_CANCELLED)
        rc = release_numbers(db, tenant_id, order_id, &n);
    if (rc == 0)
        rc = write_event(db, tenant_id, order_id, (enum ec_order_status)from,
                         to, reason);
    if (rc < 0)
        return rc;
    count_move(to);
    if (changed)
        *changed = 1;
    if (freed)
        *freed = n > 0;
    return 0;
}

static int
read_slug(const struct ec_db_row *row, void *ctx)
{
    snprintf(ctx, 64, "%s", row->vals[0]);
    return 0;
}

int
ec_order_announce_numbers(struct ec_db *db, struct ec_kv *kv,
                          long long tenant_id)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    char slug[64] = "";
    int rc;

    if (!kv)
        return 0;
    rc = ec_db_exec(db, "SELECT slug FROM tenants WHERE id = ?", p, 1,
                    read_slug, slug, NULL);
    if (rc < 0 || !slug[0])
        return rc;
    return ec_invalidate_numbers(kv, slug);
}

int
ec_order_move(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
              const char *public_id, enum ec_order_status to,
              const char *reason, int *changed)
{
    struct ec_order_info info;
    int rc, freed = 0;

    if ((rc = ec_order_get(db, tenant_id, public_id, &info)) < 0)
        return rc;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_order_move_in_tx(db, tenant_id, info.id, to, reason, changed,
                             &freed);
    if (rc < 0) {
        ec_db_rollback(db);
        return rc;
    }
    if ((rc = ec_db_commit(db)) < 0)
        return rc;
    if (freed && ec_order_announce_numbers(db, kv, tenant_id) < 0)
        ec_log_warn("order %s: numbers freed but not announced", public_id);
    return 0;
}

struct due {
    long long tenant[64], id[64];
    size_t n;
};

static int
read_due(const struct ec_db_row *row, void *ctx)
{
    struct due *d = ctx;

    if (d->n == sizeof(d->id) / sizeof(*d->id))
        return 1;
    d->tenant[d->n] = strtoll(row->vals[0], NULL, 10);
    d->id[d->n++] = strtoll(row->vals[1], NULL, 10);
    return 0;
}

int
ec_order_expire_due(struct ec_db *db, struct ec_kv *kv, unsigned limit,
                    size_t *n)
{
    struct due d = {.n = 0};
    struct ec_db_param p[1];
    int rc, changed, freed;

    if (n)
        *n = 0;
    if (limit > 64)
        limit = 64;
    p[0] = EC_DB_I(limit);
    /* across tenants: this is the sweeper of the whole shop */
    rc = ec_db_exec(db,
                    "SELECT tenant_id, id FROM orders"
                    " WHERE status = 'pending_payment' AND pay_by < NOW(6)"
                    " ORDER BY pay_by LIMIT ?",
                    p, 1, read_due, &d, NULL);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < d.n; i++) {
        if ((rc = ec_db_begin(db)) < 0)
            return rc;
        rc = ec_order_move_in_tx(db, d.tenant[i], d.id[i], EC_ORDER_CANCELLED,
                                 "payment_timeout", &changed, &freed);
        if (rc == EC_ERR_CONFLICT) {
            /* paid meanwhile: the payment won the race, as it should */
            ec_db_rollback(db);
            continue;
        }
        if (rc < 0) {
            ec_db_rollback(db);
            return rc;
        }
        if ((rc = ec_db_commit(db)) < 0)
            return rc;
        if (freed)
            ec_order_announce_numbers(db, kv, d.tenant[i]);
        if (n && changed)
            (*n)++;
    }
    return 0;
}
