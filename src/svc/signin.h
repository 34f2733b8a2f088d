/*
 * Sign-in: the limits (svc/signin_limit.h) around the account's password
 * check (svc/account.h), as the sign-in route calls them. See
 * docs/identity.md.
 *
 * One answer for a wrong e-mail or a wrong password
 * (EC_ERR_SIGNIN_FAILED), after the same work; a limited attempt is
 * EC_ERR_RATE_LIMITED with the time until it may retry, and checks no
 * password (so it costs no hash).
 */
#ifndef EC_SVC_SIGNIN_H
#define EC_SVC_SIGNIN_H

#include <stddef.h>

#include "core/password.h"
#include "svc/account.h"
#include "svc/signin_limit.h"

struct ec_db;
struct ec_kv;

struct ec_signin_policy {
    struct ec_password_params hash; /* password_memory, _iterations, ... */
    struct ec_signin_limits limits; /* signin_account_max, ... */
};

/*
 * Sign in at tenant (tenant_id, slug) from client (a client key; NULL or
 * "" when exempt from the per-address limit) with email and password as
 * the client sent them. Returns 0 with *out (the account; its stale hash
 * replaced); EC_ERR_SIGNIN_FAILED; EC_ERR_RATE_LIMITED with *retry_ms;
 * or a store error (the attempt is then not counted).
 */
int ec_signin(struct ec_db *db, struct ec_kv *kv,
              const struct ec_signin_policy *policy, long long tenant_id,
              const char *slug, const char *client, const char *email,
              size_t email_len, const char *password, size_t password_len,
              struct ec_account *out, long long *retry_ms);

#endif
