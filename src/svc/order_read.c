/*
 * Orders as their owner reads them (svc/order.h, "reading for the
 * customer"). Every statement names the tenant and the owner, so an
 * order of another session, account or tenant is simply not found.
 */
#include "svc/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/crypto.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/rand.h"
#include "store/db.h"
#include "svc/order_json.h"

#define NULL_PARAM ((struct ec_db_param){EC_DB_NULL, NULL, 0, 0})
#define RFC3339 "'%Y-%m-%dT%H:%i:%sZ'"

void
ec_order_session_hash(const char *session_id, char out[65])
{
    unsigned char md[EC_SHA256_SIZE];

    ec_sha256(session_id, strlen(session_id), md);
    for (size_t i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

struct key_row {
    char *id;
    char *hash;
};

static int
read_key_row(const struct ec_db_row *row, void *ctx)
{
    struct key_row *k = ctx;

    snprintf(k->id, EC_ORDER_ID_SIZE, "%s", row->vals[0]);
    snprintf(k->hash, 65, "%s", row->vals[1]);
    return 1;
}

int
ec_order_find_key(struct ec_db *db, long long tenant_id, const char *key,
                  char id[EC_ORDER_ID_SIZE], char hash[65])
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(key)};
    struct key_row k = {id, hash};
    int rc;

    id[0] = hash[0] = '\0';
    rc = ec_db_exec(db,
                    "SELECT public_id, request_hash FROM orders"
                    " WHERE tenant_id = ? AND idempotency_key = ?",
                    p, 2, read_key_row, &k, NULL);
    return rc < 0 ? rc : 0;
}

/* The owner's two parameters: a guest matches no account, and a request
   without a session no session. */
static void
owner_params(const struct ec_order_owner *owner, struct ec_db_param *p)
{
    p[0] = owner->session_hash && ec_hex_valid(owner->session_hash, 64)
               ? EC_DB_S(owner->session_hash)
               : NULL_PARAM;
    p[1] = owner->account_id > 0 ? EC_DB_I(owner->account_id) : NULL_PARAM;
}

/*
 * An order as its owner reads it comes in one statement: a row per line,
 * each carrying the order's columns (0..12) and its newest payment's
 * (13..17), then the line's (18..28). One round trip instead of three:
 * the checkout's answer, the order page and the API all read it.
 */
#define VIEW_PAY 13
#define VIEW_LINE 18

struct view {
    struct json_object *o;
    struct json_object *lines;
};

static void
add_order(struct view *v, const struct ec_db_row *row)
{
    struct json_object *o = json_object_new_object(), *t;

    json_object_object_add(o, "id", json_object_new_string(row->vals[1]));
    json_object_object_add(o, "status", json_object_new_string(row->vals[2]));
    if (row->vals[3])
        json_object_object_add(o, "cancel_reason",
                               json_object_new_string(row->vals[3]));
    json_object_object_add(o, "created_at",
                           json_object_new_string(row->vals[4]));
    json_object_object_add(o, "currency", json_object_new_string(row->vals[5]));
    t = ec_order_json_totals(row->vals + 6, row->vals[5]);
    json_object_object_add(t, "vat_due_now", ec_order_json_int(row->vals[10]));
    json_object_object_add(o, "totals", t);
    json_object_object_add(
        o, "identity_verified",
        json_object_new_boolean(row->vals[11] && atoi(row->vals[11])));
    json_object_object_add(
        o, "has_contract_summary",
        json_object_new_boolean(row->vals[12] && atoi(row->vals[12])));
    v->lines = json_object_new_array();
    json_object_object_add(o, "lines", v->lines);
    v->o = o;
}

static int
read_view(const struct ec_db_row *row, void *ctx)
{
    struct view *v = ctx;

    if (!v->o) {
        add_order(v, row);
        if (row->vals[VIEW_PAY])
            json_object_object_add(
                v->o, "payment",
                ec_order_json_payment(row->vals + VIEW_PAY, 1));
    }
    if (row->vals[VIEW_LINE])
        json_object_array_add(v->lines,
                              ec_order_json_line(row->vals + VIEW_LINE));
    return 0;
}

int
ec_order_view(struct ec_db *db, long long tenant_id, const char *public_id,
              const struct ec_order_owner *owner, struct json_object **out)
{
    struct ec_db_param p[4] = {EC_DB_I(tenant_id), EC_DB_S(public_id)};
    struct view v = {NULL, NULL};
    int rc;

    *out = NULL;
    if (!ec_hex_valid(public_id, 32))
        return EC_ERR_NOT_FOUND;
    owner_params(owner, p + 2);
    rc = ec_db_exec(db,
                    "SELECT o.id, o.public_id, o.status, o.cancel_reason,"
                    " DATE_FORMAT(o.created_at, " RFC3339 "), o.currency,"
                    " o.monthly_total, o.one_time_total, o.due_now,"
                    " o.min_total, o.vat_due_now,"
                    " o.identity_sealed IS NOT NULL,"
                    " o.contract_summary IS NOT NULL,"
                    " p.public_id, p.provider, p.status, p.amount, p.url,"
                    " l.line_no, l.sku, l.name, l.channel, l.binding_months,"
                    " l.sim_type, l.msisdn, l.porting_msisdn, l.monthly_now,"
                    " l.one_time, l.min_total"
                    " FROM orders o"
                    " LEFT JOIN payments p ON p.tenant_id = o.tenant_id"
                    " AND p.id = (SELECT MAX(p2.id) FROM payments p2"
                    " WHERE p2.tenant_id = o.tenant_id"
                    " AND p2.order_id = o.id)"
                    " LEFT JOIN order_lines l ON l.tenant_id = o.tenant_id"
                    " AND l.order_id = o.id"
                    " WHERE o.tenant_id = ? AND o.public_id = ?"
                    " AND (o.session_hash = ? OR o.account_id = ?)"
                    " ORDER BY l.line_no",
                    p, 4, read_view, &v, NULL);
    if (rc < 0) {
        json_object_put(v.o);
        return rc;
    }
    if (!v.o)
        return EC_ERR_NOT_FOUND;
    *out = v.o;
    return 0;
}

static int
read_summary(const struct ec_db_row *row, void *ctx)
{
    json_object_array_add(ctx, ec_order_json_summary(row->vals));
    return 0;
}

int
ec_order_list(struct ec_db *db, long long tenant_id,
              const struct ec_order_owner *owner, unsigned limit,
              struct json_object **out)
{
    struct ec_db_param p[4] = {EC_DB_I(tenant_id)};
    int rc;

    if (limit == 0 || limit > EC_ORDER_LIST_MAX)
        limit = EC_ORDER_LIST_MAX;
    owner_params(owner, p + 1);
    p[3] = EC_DB_I((long long)limit);
    *out = json_object_new_array();
    rc = ec_db_exec(db,
                    "SELECT " EC_ORDER_SUMMARY_COLUMNS
                    " FROM orders o WHERE o.tenant_id = ?"
                    " AND (o.session_hash = ? OR o.account_id = ?)"
                    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
                    p, 4, read_summary, *out, NULL);
    if (rc < 0) {
        json_object_put(*out);
        *out = NULL;
        return rc;
    }
    return 0;
}

int
ec_order_claim(struct ec_db *db, long long tenant_id, const char *session_hash,
               long long account_id, size_t *n)
{
    struct ec_db_param p[3];
    unsigned long long changed = 0;
    int rc;

    if (n)
        *n = 0;
    if (!ec_hex_valid(session_hash, 64) || account_id <= 0)
        return EC_ERR_INVALID_FIELD;
    p[0] = EC_DB_I(account_id);
    p[1] = EC_DB_I(tenant_id);
    p[2] = EC_DB_S(session_hash);
    rc = ec_db_exec(db,
                    "UPDATE orders SET account_id = ? WHERE tenant_id = ?"
                    " AND session_hash = ? AND account_id IS NULL",
                    p, 3, NULL, NULL, &changed);
    if (rc >= 0 && n)
        *n = (size_t)changed;
    return rc < 0 ? rc : 0;
}

static int
read_stored_summary(const struct ec_db_row *row, void *ctx)
{
    if (row->vals[0])
        ec_buf_add(ctx, row->vals[0], row->lens[0]);
    return 1;
}

int
ec_order_contract_summary(struct ec_db *db, long long tenant_id,
                          const char *public_id,
                          const struct ec_order_owner *owner,
                          struct ec_buf *out)
{
    struct ec_db_param p[4] = {EC_DB_I(tenant_id), EC_DB_S(public_id)};
    size_t before = out->len;
    int rc;

    if (!ec_hex_valid(public_id, 32))
        return EC_ERR_NOT_FOUND;
    owner_params(owner, p + 2);
    rc = ec_db_exec(db,
                    "SELECT contract_summary FROM orders"
                    " WHERE tenant_id = ? AND public_id = ?"
                    " AND (session_hash = ? OR account_id = ?)"
                    " AND contract_summary IS NOT NULL",
                    p, 4, read_stored_summary, out, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 && out->len > before ? 0 : EC_ERR_NOT_FOUND;
}
