#include "svc/staff_signin.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/metrics.h"
#include "svc/email.h"

/* A step's outcome in ecomd_signins_total: limited, failed, or ok when
   the sign-in is complete (done). */
static void
count(int rc, int done)
{
    if (rc == EC_ERR_RATE_LIMITED)
        ec_metric_inc(EC_M_SIGNINS_LIMITED);
    else if (rc == EC_ERR_SIGNIN_FAILED)
        ec_metric_inc(EC_M_SIGNINS_FAILED);
    else if (rc == 0 && done)
        ec_metric_inc(EC_M_SIGNINS_OK);
}

/* What the per-address counter is keyed by: "staff:" and the normalised
   address, or the text sent (bounded) when it is no address. */
static void
counter_key(const char *email, size_t len, char *out, size_t size)
{
    char norm[EC_EMAIL_MAX + 1];

    if (ec_email_normalize(email, len, norm) == 0)
        snprintf(out, size, "staff:%s", norm);
    else
        snprintf(out, size, "staff:%.*s",
                 (int)(len > EC_EMAIL_MAX ? EC_EMAIL_MAX : len), email);
}

int
ec_staff_signin(struct ec_db *db, struct ec_kv *kv,
                const struct ec_signin_policy *policy, long long tenant_id,
                const char *slug, const char *client, const char *email,
                size_t email_len, const char *password, size_t password_len,
                struct ec_staff *out, long long *retry_ms)
{
    char key[EC_EMAIL_MAX + 8];
    int rc;

    memset(out, 0, sizeof(*out));
    counter_key(email, email_len, key, sizeof(key));
    rc = ec_signin_limit_take(kv, &policy->limits, slug, key, client, retry_ms);
    count(rc, 0);
    if (rc < 0)
        return rc;
    rc = ec_staff_authenticate(db, &policy->hash, tenant_id, email, email_len,
                               password, password_len, out);
    count(rc, !out->has_totp); /* with a second factor, the code ends it */
    /* a failure counts; a success, or a check a store cut short, not */
    if (rc != EC_ERR_SIGNIN_FAILED)
        ec_signin_limit_give_back(kv, &policy->limits, slug, key, client);
    return rc;
}

int
ec_staff_signin_code(struct ec_db *db, struct ec_kv *kv,
                     const struct ec_seal *ring,
                     const struct ec_signin_limits *limits, const char *slug,
                     const char *client, long long id, const char *code,
                     int64_t now, long long *retry_ms)
{
    char key[48];
    int rc;

    snprintf(key, sizeof(key), "staff-totp:%lld", id);
    rc = ec_signin_limit_take(kv, limits, slug, key, client, retry_ms);
    count(rc, 0);
    if (rc < 0)
        return rc;
    rc = ec_staff_totp_check(db, ring, id, code, now);
    count(rc, 1);
    if (rc != EC_ERR_SIGNIN_FAILED)
        ec_signin_limit_give_back(kv, limits, slug, key, client);
    return rc;
}
