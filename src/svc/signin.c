#include "svc/signin.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/metrics.h"
#include "svc/email.h"

/* What the per-account counter is keyed by: the normalised address, or
   the text sent (bounded) when it is no address, which no account has. */
static void
counter_email(const char *email, size_t len, char out[EC_EMAIL_MAX + 1])
{
    if (ec_email_normalize(email, len, out) == 0)
        return;
    snprintf(out, EC_EMAIL_MAX + 1, "%.*s",
             (int)(len > EC_EMAIL_MAX ? EC_EMAIL_MAX : len), email);
}

int
ec_signin(struct ec_db *db, struct ec_kv *kv,
          const struct ec_signin_policy *policy, long long tenant_id,
          const char *slug, const char *client, const char *email,
          size_t email_len, const char *password, size_t password_len,
          struct ec_account *out, long long *retry_ms)
{
    char key[EC_EMAIL_MAX + 1];
    int rc;

    memset(out, 0, sizeof(*out));
    counter_email(email, email_len, key);
    rc = ec_signin_limit_take(kv, &policy->limits, slug, key, client, retry_ms);
    if (rc == EC_ERR_RATE_LIMITED)
        ec_metric_inc(EC_M_SIGNINS_LIMITED);
    if (rc < 0)
        return rc;
    rc = ec_account_authenticate(db, &policy->hash, tenant_id, email, email_len,
                                 password, password_len, out);
    if (rc == 0)
        ec_metric_inc(EC_M_SIGNINS_OK);
    else if (rc == EC_ERR_SIGNIN_FAILED)
        ec_metric_inc(EC_M_SIGNINS_FAILED);
    /* a failure counts; a success, or a check a store cut short, not */
    if (rc != EC_ERR_SIGNIN_FAILED)
        ec_signin_limit_give_back(kv, &policy->limits, slug, key, client);
    return rc;
}
