/* Starting a payment with the tenant's provider: see svc/payment.h. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "svc/payment.h"

#define WORD_MAX 64

/* The provider named by word (n bytes), as a static string, or NULL. */
static const char *
provider_named(const char *word, size_t n)
{
    if (n == 3 && memcmp(word, EC_PAYMENT_SIM, 3) == 0)
        return EC_PAYMENT_SIM;
    if (n == 6 && memcmp(word, EC_PAYMENT_STRIPE, 6) == 0)
        return EC_PAYMENT_STRIPE;
    return NULL;
}

/* The next word of *p (separated by blanks or commas) into w/wn; 0 at
   the end. */
static int
next_word(const char **p, const char **w, size_t *wn)
{
    *p += strspn(*p, " \t,");
    *w = *p;
    *wn = strcspn(*p, " \t,");
    *p += *wn;
    return *wn > 0;
}

int
ec_payment_tenants_check(const char *text, char *err, size_t errsize)
{
    const char *p = text ? text : "", *w, *eq;
    size_t wn;

    while (next_word(&p, &w, &wn)) {
        eq = memchr(w, '=', wn);
        if (!eq || eq == w || wn > WORD_MAX ||
            !provider_named(eq + 1, wn - (size_t)(eq + 1 - w))) {
            snprintf(err, errsize, "'%.*s' is not slug=sim or slug=stripe",
                     (int)wn, w);
            return -1;
        }
    }
    return 0;
}

/* The provider chosen for slug: its word in c->tenants, else the
   default. */
static const char *
chosen(const struct ec_payment_conf *c, const char *slug)
{
    const char *p = c->tenants ? c->tenants : "", *w, *eq;
    size_t wn, sn = strlen(slug);

    while (next_word(&p, &w, &wn)) {
        eq = memchr(w, '=', wn);
        if (eq && (size_t)(eq - w) == sn && memcmp(w, slug, sn) == 0)
            return provider_named(eq + 1, wn - (size_t)(eq + 1 - w));
    }
    return c->provider;
}

static int
configured(const struct ec_payment_conf *c, const char *provider)
{
    if (!provider)
        return 0;
    if (strcmp(provider, EC_PAYMENT_SIM) == 0)
        return c->sim_key != NULL;
    return c->stripe_secret_key && c->stripe_webhook_secrets &&
           *c->stripe_webhook_secrets;
}

const char *
ec_payment_provider(const struct ec_payment_conf *c, const char *slug)
{
    const char *p = chosen(c, slug);

    return configured(c, p) ? p : NULL;
}

static int
begin_stripe(const struct ec_payment_conf *c, const struct ec_payment_info *p,
             const char *return_url, const char *item_name, char *ref,
             struct ec_buf *url)
{
    struct ec_stripe_item item = {item_name, p->amount, 1};
    struct ec_buf body = EC_BUF_INIT;
    int rc;

    ec_stripe_session_body(&body, p->currency, &item, 1, return_url, return_url,
                           p->order_id);
    rc = ec_stripe_create_session(c->https, c->stripe_api, c->stripe_secret_key,
                                  p->id, body.data, body.len, ref, url);
    ec_buf_release(&body);
    return rc < 0 ? EC_ERR_UNAVAILABLE : 0;
}

int
ec_payment_begin(struct ec_db *db, const struct ec_payment_conf *c,
                 long long tenant_id, const char *payment_id,
                 const char *return_url, const char *item_name,
                 struct ec_buf *url)
{
    char ref[EC_PAYMENT_REF_MAX + 1];
    struct ec_payment_info p;
    int rc;

    if ((rc = ec_payment_get(db, tenant_id, payment_id, &p)) < 0)
        return rc;
    if (strcmp(p.status, "created") != 0 && strcmp(p.status, "pending") != 0)
        return EC_ERR_CONFLICT;
    if (!configured(c, p.provider)) {
        ec_log_error("payment %s: its provider '%s' is not configured", p.id,
                     p.provider);
        return EC_ERR_UNAVAILABLE;
    }
    ec_buf_reset(url);
    if (strcmp(p.provider, EC_PAYMENT_SIM) == 0) {
        ec_payment_sim_url(url, p.id);
        snprintf(ref, sizeof(ref), "%s", p.id);
    } else if ((rc = begin_stripe(c, &p, return_url, item_name, ref, url)) <
               0) {
        return rc;
    }
    return ec_payment_started(db, tenant_id, p.id, ref, url->data);
}

int
ec_payment_stripe_webhook(struct ec_db *db, struct ec_kv *kv,
                          const struct ec_payment_conf *c, long long tenant_id,
                          const char *header, const char *body, size_t len,
                          int64_t now, const char **why)
{
    const char *p = c->stripe_webhook_secrets, *eol;
    int rc = EC_ERR_NOT_FOUND, tried = 0;
    size_t n;

    if (!c->stripe_secret_key || !p)
        return EC_ERR_NOT_FOUND;
    /* the signature is checked before anything else, so a secret that
       does not match costs one HMAC and the next is tried */
    for (; *p && tried < EC_PAYMENT_WEBHOOK_SECRETS_MAX; p = eol) {
        eol = p + strcspn(p, "\n");
        n = (size_t)(eol - p);
        if (*eol)
            eol++;
        if (n == 0)
            continue;
        tried++;
        rc = ec_stripe_webhook(db, kv, tenant_id, p, n, header, body, len, now,
                               why);
        if (rc != EC_ERR_FORBIDDEN)
            return rc;
    }
    return rc;
}
