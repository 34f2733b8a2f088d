#include "svc/downstream.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/metrics.h"
#include "core/seal.h"
#include "core/sighead.h"
#include "core/xalloc.h"
#include "net/https.h"
#include "store/db.h"
#include "svc/order.h"
#include "svc/signed_json.h"

#define FILE_MAX (1024 * 1024)

void
ec_downstream_init(struct ec_downstream *d)
{
    d->e = NULL;
    d->n = 0;
}

void
ec_downstream_release(struct ec_downstream *d)
{
    if (d->e)
        ec_mem_wipe(d->e, d->n * sizeof(*d->e));
    free(d->e);
    ec_downstream_init(d);
}

static int
slug_valid(const char *s, size_t n)
{
    if (n == 0 || n > 40 ||
        !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            s[i] != '-')
            return 0;
    return 1;
}

/* The next blank-separated word of [*p, end) into w/wn; 0 at the end. */
static int
word(const char **p, const char *end, const char **w, size_t *wn)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *w = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    *wn = (size_t)(*p - *w);
    return *wn > 0;
}

static int
parse_line(struct ec_downstream *d, const char *p, const char *end,
           const char **why)
{
    struct ec_downstream_endpoint e;
    const char *w[4];
    size_t wn[4], k = 0;

    while (k < 4 && word(&p, end, &w[k], &wn[k]))
        k++;
    if (k == 0)
        return 0;
    if (k != 3) {
        *why = "want: slug URL secret";
        return -1;
    }
    memset(&e, 0, sizeof(e));
    if (!slug_valid(w[0], wn[0])) {
        *why = "not a tenant slug";
        return -1;
    }
    memcpy(e.slug, w[0], wn[0]);
    if (wn[1] > EC_DOWNSTREAM_URL_MAX || wn[1] < 9 ||
        strncmp(w[1], "https://", 8) != 0) {
        *why = "the URL must be https:// and at most 512 characters";
        return -1;
    }
    memcpy(e.url, w[1], wn[1]);
    if (wn[2] != 2 * EC_DOWNSTREAM_SECRET_SIZE) {
        *why = "the secret must be 64 hex digits";
        return -1;
    }
    if (ec_hex_decode(e.secret, w[2], EC_DOWNSTREAM_SECRET_SIZE) < 0) {
        *why = "the secret must be 64 hex digits";
        ec_mem_wipe(&e, sizeof(e));
        return -1;
    }
    if (ec_downstream_find(d, e.slug)) {
        *why = "a second line for this tenant";
        ec_mem_wipe(&e, sizeof(e));
        return -1;
    }
    if (d->n == EC_DOWNSTREAM_MAX) {
        *why = "too many tenants";
        ec_mem_wipe(&e, sizeof(e));
        return -1;
    }
    d->e = ec_xrealloc(d->e, (d->n + 1) * sizeof(*d->e));
    d->e[d->n++] = e;
    ec_mem_wipe(&e, sizeof(e));
    return 0;
}

int
ec_downstream_parse(struct ec_downstream *d, const char *text, size_t len,
                    char *err, size_t errsize)
{
    const char *p = text, *end = text + len, *eol, *stop, *why = NULL;
    unsigned line = 0;

    for (; p < end; p = eol + (eol < end)) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        stop = memchr(p, '#', (size_t)(eol - p));
        if (!stop)
            stop = eol;
        while (stop > p &&
               (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
            stop--;
        if (parse_line(d, p, stop, &why) < 0) {
            snprintf(err, errsize, "line %u: %s", line, why);
            ec_downstream_release(d);
            return EC_ERR_INVALID_FIELD;
        }
    }
    return 0;
}

int
ec_downstream_load(struct ec_downstream *d, const char *path, char *err,
                   size_t errsize)
{
    struct ec_buf b = EC_BUF_INIT;
    char why[200];
    int rc;

    if (ec_buf_read_file(&b, path, FILE_MAX) < 0) {
        snprintf(err, errsize, "%s: cannot be read", path);
        ec_buf_release(&b);
        return EC_ERR_INVALID_FIELD;
    }
    rc = ec_downstream_parse(d, b.data, b.len, why, sizeof(why));
    if (rc < 0)
        snprintf(err, errsize, "%s: %s", path, why);
    ec_mem_wipe(b.data, b.len);
    ec_buf_release(&b);
    return rc;
}

const struct ec_downstream_endpoint *
ec_downstream_find(const struct ec_downstream *d, const char *slug)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->e[i].slug, slug) == 0)
            return &d->e[i];
    return NULL;
}

int
ec_downstream_send(const struct ec_downstream_endpoint *e,
                   const struct ec_https_opts *opts, const char *event_id,
                   const char *body, size_t len, int64_t now, long *status,
                   char *err, size_t errsize)
{
    struct ec_buf sig = EC_BUF_INIT, idh = EC_BUF_INIT;
    struct ec_https_resp resp;
    const char *headers[3];
    int rc;

    ec_buf_adds(&sig, EC_DOWNSTREAM_HEADER ": ");
    ec_sighead_sign(&sig, e->secret, sizeof(e->secret), now, body, len);
    ec_buf_addf(&idh, "Ecom-Event-Id: %s", event_id);
    headers[0] = sig.data;
    headers[1] = idh.data;
    headers[2] = NULL;
    ec_https_resp_init(&resp);
    rc = ec_https_post(opts, e->url, "application/json", body, len, headers,
                       &resp);
    if (status)
        *status = resp.status;
    if (rc < 0) {
        snprintf(err, errsize, "%s", resp.error);
        rc = EC_ERR_UNAVAILABLE;
    } else if (resp.status < 200 || resp.status > 299) {
        snprintf(err, errsize, "HTTP %ld", resp.status);
        rc = EC_ERR_UNAVAILABLE;
    }
    ec_https_resp_release(&resp);
    ec_buf_release(&sig);
    ec_buf_release(&idh);
    return rc;
}

/* ---- reports ---- */

static const char *
str_field(struct json_object *o, const char *k, size_t max)
{
    struct json_object *v;
    const char *s;

    if (!json_object_object_get_ex(o, k, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string(v);
    return strlen(s) <= max ? s : NULL;
}

static int
report_id_valid(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* Step the order on to `to` through the states between. */
static int
step_to(struct ec_db *db, long long tenant_id, const struct ec_order_info *o,
        enum ec_order_status to)
{
    enum ec_order_status s = o->status;
    int rc;

    if (s == to)
        return 0;
    if (s == EC_ORDER_PENDING_PAYMENT || s == EC_ORDER_CANCELLED || s > to)
        return ec_order_move_in_tx(db, tenant_id, o->id, to, NULL, NULL,
                                   NULL); /* refused, and logged */
    for (s = (enum ec_order_status)(s + 1); s <= to;
         s = (enum ec_order_status)(s + 1))
        if ((rc = ec_order_move_in_tx(db, tenant_id, o->id, s, NULL, NULL,
                                      NULL)) < 0)
            return rc;
    return 0;
}

static int
apply_report(struct ec_db *db, long long tenant_id, const char *report_id,
             const char *order_id, enum ec_order_status to, const char *st)
{
    struct ec_order_info o;
    int rc;

    if ((rc = ec_order_get(db, tenant_id, order_id, &o)) < 0)
        return rc;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    {
        struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_I(o.id),
                                  EC_DB_S(report_id), EC_DB_S(st)};

        rc = ec_db_exec(db,
                        "INSERT INTO delivery_reports (tenant_id, order_id,"
                        " report_id, status) VALUES (?, ?, ?, ?)",
                        p, 4, NULL, NULL, NULL);
    }
    if (rc == EC_ERR_CONFLICT) {
        ec_db_rollback(db); /* a report seen before: done already */
        ec_metric_inc(EC_M_WEBHOOKS_DUPLICATE);
        return 0;
    }
    if (rc == 0)
        rc = ec_order_get(db, tenant_id, order_id, &o); /* fresh, in tx */
    if (rc == 0)
        rc = step_to(db, tenant_id, &o, to);
    if (rc < 0) {
        ec_db_rollback(db);
        return rc;
    }
    return ec_db_commit(db);
}

int
ec_downstream_report(struct ec_db *db, const struct ec_downstream_endpoint *e,
                     long long tenant_id, const char *header, const char *body,
                     size_t len, int64_t now, const char **why)
{
    struct json_object *j;
    const char *id, *order, *st;
    int rc, to;

    if ((rc = ec_signed_json(header, e->secret, sizeof(e->secret), body, len,
                             EC_DOWNSTREAM_REPORT_MAX, now, &j, why)) < 0)
        return rc;
    id = str_field(j, "id", 64);
    order = str_field(j, "order", 32);
    st = str_field(j, "status", 16);
    to = ec_order_status_parse(st);
    if (!report_id_valid(id) || !order ||
        (to != EC_ORDER_PROVISIONING && to != EC_ORDER_COMPLETED)) {
        *why = !report_id_valid(id) ? "id" : !order ? "order" : "status";
        json_object_put(j);
        return EC_ERR_INVALID_FIELD;
    }
    rc = apply_report(db, tenant_id, id, order, (enum ec_order_status)to, st);
    json_object_put(j);
    return rc;
}

/* ---- the CPR number, sealed for the receiver ---- */

/* A ring of the one key derived from e's secret, and the context of
   order_id. */
static void
cpr_ring(const struct ec_downstream_endpoint *e, const char *order_id,
         struct ec_seal *ring, struct ec_buf *context)
{
    unsigned char key[EC_SEAL_KEY_SIZE];

    ec_hkdf_sha256("", 0, e->secret, sizeof(e->secret), EC_DOWNSTREAM_CPR_INFO,
                   strlen(EC_DOWNSTREAM_CPR_INFO), key, sizeof(key));
    ec_seal_init(ring);
    if (ec_seal_add(ring, EC_DOWNSTREAM_CPR_KID, key, 1) < 0)
        EC_BUG("the receiver's kid is not a valid kid");
    ec_mem_wipe(key, sizeof(key));
    ec_buf_addf(context, "%s:%s:cpr", e->slug, order_id);
}

int
ec_downstream_seal_cpr(const struct ec_downstream_endpoint *e,
                       const char *order_id, const char *cpr, size_t len,
                       struct ec_buf *out)
{
    struct ec_buf context = EC_BUF_INIT;
    struct ec_seal ring;
    int rc;

    cpr_ring(e, order_id, &ring, &context);
    rc = ec_seal_encrypt(&ring, context.data, cpr, len, out);
    ec_seal_release(&ring);
    ec_buf_release(&context);
    return rc < 0 ? EC_ERR_INTERNAL : 0;
}

int
ec_downstream_open_cpr(const struct ec_downstream_endpoint *e,
                       const char *order_id, const char *sealed,
                       unsigned char *out, size_t cap, size_t *len)
{
    struct ec_buf context = EC_BUF_INIT;
    struct ec_seal ring;
    int rc;

    cpr_ring(e, order_id, &ring, &context);
    rc = ec_seal_decrypt(&ring, context.data, sealed, out, cap, len);
    ec_seal_release(&ring);
    ec_buf_release(&context);
    return rc < 0 ? EC_ERR_FORBIDDEN : 0;
}
