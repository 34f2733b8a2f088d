/* The payment simulator: see svc/payment.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/jose.h"
#include "core/rand.h"
#include "core/sighead.h"
#include "svc/payment.h"
#include "svc/signed_json.h"

#define SIM "sim"

void
ec_payment_sim_url(struct ec_buf *out, const char *payment_id)
{
    ec_buf_addf(out, "/pay/sim/%s", payment_id);
}

static const char *
event_type(const char *outcome)
{
    if (!outcome)
        return NULL;
    if (strcmp(outcome, "approve") == 0)
        return "payment.approved";
    if (strcmp(outcome, "decline") == 0)
        return "payment.declined";
    if (strcmp(outcome, "cancel") == 0)
        return "payment.cancelled";
    return NULL;
}

int
ec_payment_sim_event(const void *key, size_t key_len, const char *payment_id,
                     const char *outcome, int64_t now, struct ec_buf *body,
                     struct ec_buf *sig)
{
    const char *type = event_type(outcome);
    char id[33];

    if (!type || !ec_hex_valid(payment_id, 32))
        return EC_ERR_INVALID_FIELD;
    ec_rand_hex(id, 16);
    ec_buf_addf(body,
                "{\"id\":\"evt_%s\",\"type\":\"%s\",\"payment\":\"%s\","
                "\"created\":%" PRId64 "}",
                id, type, payment_id, now);
    ec_sighead_sign(sig, key, key_len, now, body->data, body->len);
    return 0;
}

static enum ec_payment_outcome
outcome_of(const char *type)
{
    if (strcmp(type, "payment.approved") == 0)
        return EC_PAYMENT_PAID;
    if (strcmp(type, "payment.declined") == 0)
        return EC_PAYMENT_DECLINED;
    if (strcmp(type, "payment.cancelled") == 0)
        return EC_PAYMENT_CANCELLED;
    return EC_PAYMENT_NONE;
}

int
ec_payment_sim_callback(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                        const void *key, size_t key_len, const char *header,
                        const char *body, size_t len, int64_t now,
                        const char **why)
{
    struct ec_payment_event ev = {.provider = SIM};
    struct json_object *j;
    int rc;

    if ((rc = ec_signed_json(header, key, key_len, body, len,
                             EC_PAYMENT_EVENT_MAX, now, &j, why)) < 0)
        return rc;
    ev.event_id = ec_jose_str(j, "id");
    ev.type = ec_jose_str(j, "type");
    ev.ref = ec_jose_str(j, "payment");
    if (!ev.event_id || !ev.type || !ev.ref) {
        json_object_put(j);
        return EC_ERR_INVALID_FIELD;
    }
    ev.outcome = outcome_of(ev.type);
    rc = ec_payment_apply(db, kv, tenant_id, &ev, NULL);
    json_object_put(j);
    return rc;
}

int
ec_payment_sim_complete(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                        const void *key, size_t key_len, const char *payment_id,
                        const char *outcome, int64_t now, char order_id[33])
{
    struct ec_buf body = EC_BUF_INIT, sig = EC_BUF_INIT;
    struct ec_payment_info p;
    const char *why;
    int rc;

    order_id[0] = '\0';
    if ((rc = ec_payment_get(db, tenant_id, payment_id, &p)) < 0)
        return rc;
    if (strcmp(p.provider, SIM) != 0)
        return EC_ERR_NOT_FOUND;
    memcpy(order_id, p.order_id, 33);
    /* over already (a second post, another tab): nothing changes */
    if (strcmp(p.status, "created") != 0 && strcmp(p.status, "pending") != 0)
        return 0;
    rc = ec_payment_sim_event(key, key_len, payment_id, outcome, now, &body,
                              &sig);
    if (rc == 0)
        rc = ec_payment_sim_callback(db, kv, tenant_id, key, key_len, sig.data,
                                     body.data, body.len, now, &why);
    ec_buf_release(&body);
    ec_buf_release(&sig);
    return rc;
}
