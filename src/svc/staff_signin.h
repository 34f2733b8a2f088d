/*
 * Staff sign-in (docs/admin.md): the customers' limits
 * (svc/signin_limit.h) around the staff password check and the second
 * factor, as the panel's sign-in routes call them.
 *
 * One answer (EC_ERR_SIGNIN_FAILED) for an unknown address, a wrong
 * password and a disabled user, after the same work. The counters are
 * the customers' (per address, per client), keyed apart: a staff
 * address is counted as "staff:<address>" and a user's codes as
 * "staff-totp:<id>", so a customer's failures never lock a staff member
 * out, nor the other way round, and six-digit codes cannot be guessed
 * faster than passwords.
 */
#ifndef EC_SVC_STAFF_SIGNIN_H
#define EC_SVC_STAFF_SIGNIN_H

#include <stddef.h>
#include <stdint.h>

#include "svc/signin.h"
#include "svc/staff.h"

struct ec_db;
struct ec_kv;
struct ec_seal;

/*
 * Check email and password at tenant (tenant_id, slug) from client (a
 * client key; NULL or "" when exempt from the per-address limit).
 * 0 with *out (the user; a second factor still to check when
 * out->has_totp); EC_ERR_SIGNIN_FAILED; EC_ERR_RATE_LIMITED with
 * *retry_ms; or a store error (the attempt is then not counted).
 */
int ec_staff_signin(struct ec_db *db, struct ec_kv *kv,
                    const struct ec_signin_policy *policy, long long tenant_id,
                    const char *slug, const char *client, const char *email,
                    size_t email_len, const char *password, size_t password_len,
                    struct ec_staff *out, long long *retry_ms);

/*
 * Check user id's second-factor code at UTC second now
 * (ec_staff_totp_check()), counted like a password: 0;
 * EC_ERR_SIGNIN_FAILED; EC_ERR_RATE_LIMITED with *retry_ms; or a store
 * error.
 */
int ec_staff_signin_code(struct ec_db *db, struct ec_kv *kv,
                         const struct ec_seal *ring,
                         const struct ec_signin_limits *limits,
                         const char *slug, const char *client, long long id,
                         const char *code, int64_t now, long long *retry_ms);

#endif
