/* Stripe Checkout: see svc/payment.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/jose.h"
#include "core/log.h"
#include "net/https.h"
#include "svc/payment.h"
#include "svc/signed_json.h"

#define STRIPE "stripe"
#define ITEMS_MAX 32

void
ec_stripe_session_body(struct ec_buf *out, const char *currency,
                       const struct ec_stripe_item *items, size_t n,
                       const char *success_url, const char *cancel_url,
                       const char *client_reference_id)
{
    char names[ITEMS_MAX][4][64], values[ITEMS_MAX][2][24], cur[4] = "";
    const char *f[8 + ITEMS_MAX * 8 + 1];
    size_t k = 0;

    for (size_t i = 0; i < 3 && currency[i]; i++)
        cur[i] = (char)tolower((unsigned char)currency[i]);
    if (n > ITEMS_MAX)
        n = ITEMS_MAX;
    f[k++] = "mode";
    f[k++] = "payment";
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i][0], 64, "line_items[%zu][price_data][currency]", i);
        snprintf(names[i][1], 64, "line_items[%zu][price_data][unit_amount]",
                 i);
        snprintf(names[i][2], 64,
                 "line_items[%zu][price_data][product_data][name]", i);
        snprintf(names[i][3], 64, "line_items[%zu][quantity]", i);
        snprintf(values[i][0], 24, "%lld", items[i].unit_amount);
        snprintf(values[i][1], 24, "%u", items[i].quantity);
        f[k++] = names[i][0];
        f[k++] = cur;
        f[k++] = names[i][1];
        f[k++] = values[i][0];
        f[k++] = names[i][2];
        f[k++] = items[i].name;
        f[k++] = names[i][3];
        f[k++] = values[i][1];
    }
    f[k++] = "success_url";
    f[k++] = success_url;
    f[k++] = "cancel_url";
    f[k++] = cancel_url;
    f[k++] = "client_reference_id";
    f[k++] = client_reference_id;
    f[k] = NULL;
    ec_https_form_encode(out, f);
}

int
ec_stripe_create_session(const void *https_opts, const char *api,
                         const char *secret_key, const char *idempotency_key,
                         const char *body, size_t len, char *session_id,
                         struct ec_buf *url)
{
    struct ec_buf auth = EC_BUF_INIT, idem = EC_BUF_INIT, u = EC_BUF_INIT;
    struct ec_https_resp resp;
    const char *headers[3], *id, *page;
    struct json_object *j = NULL;
    int rc;

    session_id[0] = '\0';
    ec_buf_addf(&auth, "Authorization: Bearer %s", secret_key);
    ec_buf_addf(&idem, "Idempotency-Key: %s", idempotency_key);
    ec_buf_addf(&u, "%s/v1/checkout/sessions", api);
    headers[0] = auth.data;
    headers[1] = idem.data;
    headers[2] = NULL;
    ec_https_resp_init(&resp);
    rc = ec_https_post(https_opts, u.data, "application/x-www-form-urlencoded",
                       body, len, headers, &resp);
    if (rc < 0 || resp.status != 200) {
        ec_log_error("stripe: creating a checkout session: %s",
                     rc < 0 ? resp.error : "an error status");
        if (rc == 0)
            ec_log_error("stripe: HTTP %ld", resp.status);
        rc = EC_ERR_UNAVAILABLE;
        goto out;
    }
    j = json_tokener_parse(resp.body.data);
    id = ec_jose_str(j, "id");
    page = ec_jose_str(j, "url");
    if (!id || !page || strlen(id) > EC_PAYMENT_REF_MAX) {
        ec_log_error("stripe: a checkout session without id or url");
        rc = EC_ERR_INTERNAL;
        goto out;
    }
    snprintf(session_id, EC_PAYMENT_REF_MAX + 1, "%s", id);
    ec_buf_adds(url, page);
out:
    json_object_put(j);
    ec_https_resp_release(&resp);
    ec_buf_release(&auth); /* ec_https_post wiped its copies */
    ec_buf_release(&idem);
    ec_buf_release(&u);
    return rc;
}

int
ec_stripe_event_read(struct json_object *j, struct ec_payment_event *ev)
{
    struct json_object *data = NULL, *obj = NULL;
    const char *status;

    memset(ev, 0, sizeof(*ev));
    ev->provider = STRIPE;
    ev->event_id = ec_jose_str(j, "id");
    ev->type = ec_jose_str(j, "type");
    if (json_object_object_get_ex(j, "data", &data))
        json_object_object_get_ex(data, "object", &obj);
    ev->ref = ec_jose_str(obj, "id");
    if (!ev->event_id || !ev->type || !ev->ref)
        return EC_ERR_INVALID_FIELD;
    status = ec_jose_str(obj, "payment_status");
    if (strcmp(ev->type, "checkout.session.completed") == 0)
        ev->outcome = status && strcmp(status, "paid") == 0 ? EC_PAYMENT_PAID
                                                            : EC_PAYMENT_NONE;
    else if (strcmp(ev->type, "checkout.session.async_payment_succeeded") == 0)
        ev->outcome = EC_PAYMENT_PAID;
    else if (strcmp(ev->type, "checkout.session.async_payment_failed") == 0)
        ev->outcome = EC_PAYMENT_DECLINED;
    else if (strcmp(ev->type, "checkout.session.expired") == 0)
        ev->outcome = EC_PAYMENT_EXPIRED;
    else
        ev->outcome = EC_PAYMENT_NONE;
    return 0;
}

int
ec_stripe_webhook(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                  const void *secret, size_t secret_len, const char *header,
                  const char *body, size_t len, int64_t now, const char **why)
{
    struct ec_payment_event ev;
    struct json_object *j;
    int rc;

    if ((rc = ec_signed_json(header, secret, secret_len, body, len,
                             EC_PAYMENT_EVENT_MAX, now, &j, why)) < 0)
        return rc;
    rc = ec_stripe_event_read(j, &ev);
    if (rc == 0)
        rc = ec_payment_apply(db, kv, tenant_id, &ev, NULL);
    json_object_put(j);
    return rc;
}
