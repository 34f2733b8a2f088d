/*
 * The account service: customers' accounts per tenant (table accounts,
 * sql/005_accounts.sql), their passwords, and checking one at sign-in.
 * See docs/identity.md.
 *
 * Rules:
 *   - every statement names the tenant: an account id or an e-mail of one
 *     brand finds nothing at another, where the same address may be a
 *     different account;
 *   - e-mails are normalised (svc/email.h) before they are stored or
 *     looked up; names are 1 to EC_ACCOUNT_NAME_MAX characters of UTF-8
 *     without control characters, blanks around them trimmed; passwords
 *     are 10 to 128 bytes (core/password.h);
 *   - sign-up says when an address is taken (EC_ERR_EMAIL_TAKEN), as
 *     shops commonly do: the customer needs to know to sign in instead,
 *     and hiding it would only move the answer into the mail. Sign-in
 *     never says it: a wrong address and a wrong password are the same
 *     EC_ERR_SIGNIN_FAILED, after the same work (one hash either way);
 *     sign-ups are bounded by the per-address limits, which keeps
 *     harvesting addresses through sign-up slow;
 *   - a password is never logged, never kept past the call, and only its
 *     argon2id hash is stored; a hash made with other parameters than the
 *     configured ones is replaced at the next successful sign-in.
 */
#ifndef EC_SVC_ACCOUNT_H
#define EC_SVC_ACCOUNT_H

#include <stddef.h>

#include "core/password.h"
#include "svc/email.h"

struct ec_db;

#define EC_ACCOUNT_NAME_MAX 100 /* characters (code points) */
/* bytes of a name, NUL included: 4 per character at most in UTF-8 */
#define EC_ACCOUNT_NAME_SIZE (4 * EC_ACCOUNT_NAME_MAX + 1)

/* One account as read; the strings are NUL-terminated copies. */
struct ec_account {
    long long id;
    long long tenant_id;
    char email[EC_EMAIL_MAX + 1];
    char name[EC_ACCOUNT_NAME_SIZE];
    char password_hash[EC_PASSWORD_HASH_SIZE]; /* never shown or logged */
    char created_at[32]; /* RFC 3339, UTC: "2026-12-03T11:25:26Z" */
};

/*
 * The name in (len bytes) with blanks around it trimmed into out. 0, or
 * EC_ERR_INVALID_FIELD when it is empty, longer than EC_ACCOUNT_NAME_MAX
 * characters, not UTF-8, or holds a control character (a line break in a
 * name would end up in mail headers).
 */
int ec_account_name_normalize(const char *in, size_t len,
                              char out[EC_ACCOUNT_NAME_SIZE]);

/*
 * Create an account of tenant_id: e-mail, name and password as the client
 * sent them (checked and normalised here; the password hashed with
 * params). Returns 0 with *out; EC_ERR_INVALID_FIELD with *field ("email",
 * "name" or "password") and nothing written; EC_ERR_EMAIL_TAKEN with
 * *field "email" when the tenant has an account for that address; or a
 * store error.
 */
int ec_account_create(struct ec_db *db, const struct ec_password_params *params,
                      long long tenant_id, const char *email, size_t email_len,
                      const char *name, size_t name_len, const char *password,
                      size_t password_len, struct ec_account *out,
                      const char **field);

/* The account of tenant_id with the normalised email into *out: 0,
   EC_ERR_NOT_FOUND or a store error. */
int ec_account_find_by_email(struct ec_db *db, long long tenant_id,
                             const char *email, struct ec_account *out);

/* The account id of tenant_id into *out: 0, EC_ERR_NOT_FOUND or a store
   error. */
int ec_account_find(struct ec_db *db, long long tenant_id, long long id,
                    struct ec_account *out);

/*
 * Sign-in's check of an e-mail (as the client sent it) and a password.
 * Returns 0 with *out when they belong together; EC_ERR_SIGNIN_FAILED for
 * an address that is malformed or unknown or a password that is wrong,
 * in each case after one hash with params (against a dummy hash when
 * there is no account), so neither the answer nor its time tells whether
 * the address has an account; or a store error. On success, a hash made
 * with other parameters than params is replaced (a failure to store the
 * new one is logged and does not fail the sign-in).
 */
int ec_account_authenticate(struct ec_db *db,
                            const struct ec_password_params *params,
                            long long tenant_id, const char *email,
                            size_t email_len, const char *password,
                            size_t password_len, struct ec_account *out);

/*
 * Set the password of account id of tenant_id (after a reset, or a change
 * whose current password was checked by ec_account_change_password()).
 * 0; EC_ERR_INVALID_FIELD when the password is not acceptable;
 * EC_ERR_NOT_FOUND; or a store error.
 */
int ec_account_set_password(struct ec_db *db,
                            const struct ec_password_params *params,
                            long long tenant_id, long long id,
                            const char *password, size_t len);

/* Store hash (a PHC string ec_password_hash() made) as the password of
   account id of tenant_id: 0, EC_ERR_NOT_FOUND or a store error. */
int ec_account_set_hash(struct ec_db *db, long long tenant_id, long long id,
                        const char *hash);

/*
 * Change the password of a signed-in account: current must match.
 * 0; EC_ERR_SIGNIN_FAILED with *field "current_password" when it does
 * not; EC_ERR_INVALID_FIELD with *field "password" when the new one is
 * not acceptable; EC_ERR_NOT_FOUND; or a store error.
 */
int ec_account_change_password(struct ec_db *db,
                               const struct ec_password_params *params,
                               long long tenant_id, long long id,
                               const char *current, size_t current_len,
                               const char *password, size_t len,
                               const char **field);

#endif
