/*
 * Password reset tokens (table password_resets, sql/005_accounts.sql).
 * See docs/identity.md for the whole flow.
 *
 * A token is 256 random bits, written as 64 lower-case hex digits; it
 * travels only in the mail and the link the customer follows. Only its
 * SHA-256 is stored, so the table (a backup, a replica, a read-only leak)
 * resets no password. A token belongs to one account of one tenant, works
 * once, and never after its expiry; asking again replaces the account's
 * earlier tokens, and using one ends every other.
 *
 * Asking for a reset never tells whether the address has an account: the
 * answer is the same, after the same work (one lookup, one token made and
 * hashed); only an account's token is stored, and only it is mailed. The
 * route must answer 202 either way; what is left to tell the two apart is
 * the mail's delivery, which is why the route must not make its answer
 * wait for it (docs/identity.md).
 */
#ifndef EC_SVC_PASSWORD_RESET_H
#define EC_SVC_PASSWORD_RESET_H

#include <stddef.h>

#include "core/password.h"
#include "svc/account.h"

struct ec_db;

#define EC_RESET_TOKEN_BYTES 32
#define EC_RESET_TOKEN_LEN (2 * EC_RESET_TOKEN_BYTES) /* hex digits */

/*
 * Ask for a reset of the account of tenant_id whose e-mail is email (as
 * the client sent it). Returns 0 either way, with *found 1 and *account
 * and token (NUL-terminated) to mail when there is an account; *found 0
 * and nothing to mail when there is none (or the address is malformed);
 * or a store error. The token expires after ttl_ms.
 */
int ec_reset_request(struct ec_db *db, long long tenant_id, const char *email,
                     size_t email_len, long long ttl_ms,
                     struct ec_account *account,
                     char token[EC_RESET_TOKEN_LEN + 1], int *found);

/*
 * Whether token (as it came in the link) is one of tenant_id's, unused
 * and unexpired, for the page that asks for the new password: 0,
 * EC_ERR_RESET_TOKEN_INVALID, or a store error.
 */
int ec_reset_check(struct ec_db *db, long long tenant_id, const char *token);

/*
 * Set the password of token's account to password and use the token up,
 * in one transaction (of two requests with one token, one wins). Returns
 * 0 with *account; EC_ERR_INVALID_FIELD with *field "password" when the
 * password is not acceptable (the token stays usable);
 * EC_ERR_RESET_TOKEN_INVALID; or a store error. The caller should end the
 * account's sessions: whoever knew the old password is out.
 */
int ec_reset_complete(struct ec_db *db, const struct ec_password_params *params,
                      long long tenant_id, const char *token,
                      const char *password, size_t len,
                      struct ec_account *account, const char **field);

#endif
