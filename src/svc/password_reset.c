#include "svc/password_reset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/rand.h"
#include "store/db.h"
#include "svc/email.h"

#define HASH_HEX (2 * EC_SHA256_SIZE + 1)

/* The stored form of a token: the hex SHA-256 of its text. */
static void
token_hash(const char *token, char out[HASH_HEX])
{
    unsigned char md[EC_SHA256_SIZE];

    ec_sha256(token, strlen(token), md);
    for (size_t i = 0; i < sizeof(md); i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A new account's token: replaces its earlier ones, expires after ttl. */
static int
store_token(struct ec_db *db, const struct ec_account *a, const char *hash,
            long long ttl_ms)
{
    struct ec_db_param del[] = {EC_DB_I(a->tenant_id), EC_DB_I(a->id)};
    struct ec_db_param ins[] = {EC_DB_S(hash), EC_DB_I(a->tenant_id),
                                EC_DB_I(a->id), EC_DB_I(ttl_ms * 1000)};
    int rc;

    rc = ec_db_exec(db,
                    "DELETE FROM password_resets"
                    " WHERE tenant_id = ? AND account_id = ?",
                    del, 2, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    return ec_db_exec(db,
                      "INSERT INTO password_resets (token_hash, tenant_id,"
                      " account_id, expires_at) VALUES (?, ?, ?,"
                      " NOW(6) + INTERVAL ? MICROSECOND)",
                      ins, 4, NULL, NULL, NULL);
}

int
ec_reset_request(struct ec_db *db, long long tenant_id, const char *email,
                 size_t email_len, long long ttl_ms, struct ec_account *account,
                 char token[EC_RESET_TOKEN_LEN + 1], int *found)
{
    char norm[EC_EMAIL_MAX + 1], hash[HASH_HEX];
    int rc = EC_ERR_NOT_FOUND;

    *found = 0;
    memset(account, 0, sizeof(*account));
    /* the token and its hash are made whether or not anyone gets them */
    ec_rand_hex(token, EC_RESET_TOKEN_BYTES);
    token_hash(token, hash);
    if (ec_email_normalize(email, email_len, norm) == 0)
        rc = ec_account_find_by_email(db, tenant_id, norm, account);
    if (rc == 0)
        rc = store_token(db, account, hash, ttl_ms);
    if (rc == 0) {
        *found = 1;
        return 0;
    }
    explicit_bzero(token, EC_RESET_TOKEN_LEN + 1);
    memset(account, 0, sizeof(*account));
    return rc == EC_ERR_NOT_FOUND ? 0 : rc;
}

static int
read_id(const struct ec_db_row *row, void *ctx)
{
    *(long long *)ctx = strtoll(row->vals[0], NULL, 10);
    return 1;
}

/* The account id of a live token's hash into *id: 0 or an ec_err. */
static int
live_token(struct ec_db *db, long long tenant_id, const char *hash,
           int for_update, long long *id)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(hash)};
    int rc;

    /* two statements, not one with the lock clause pasted in: each is a
       literal, prepared once */
    if (for_update)
        rc = ec_db_exec(db,
                        "SELECT account_id FROM password_resets"
                        " WHERE tenant_id = ? AND token_hash = ?"
                        " AND used_at IS NULL AND expires_at > NOW(6)"
                        " FOR UPDATE",
                        p, 2, read_id, id, NULL);
    else
        rc = ec_db_exec(db,
                        "SELECT account_id FROM password_resets"
                        " WHERE tenant_id = ? AND token_hash = ?"
                        " AND used_at IS NULL AND expires_at > NOW(6)",
                        p, 2, read_id, id, NULL);
    return rc == 1 ? 0 : rc == 0 ? EC_ERR_RESET_TOKEN_INVALID : rc;
}

int
ec_reset_check(struct ec_db *db, long long tenant_id, const char *token)
{
    char hash[HASH_HEX];
    long long id;

    if (!token || !ec_hex_valid(token, EC_RESET_TOKEN_LEN))
        return EC_ERR_RESET_TOKEN_INVALID;
    token_hash(token, hash);
    return live_token(db, tenant_id, hash, 0, &id);
}

/* Inside the transaction: take the token, set the hash, end the tokens. */
static int
use_token(struct ec_db *db, long long tenant_id, const char *hash,
          const char *password_hash, long long *id)
{
    struct ec_db_param p[2];
    int rc;

    if ((rc = live_token(db, tenant_id, hash, 1, id)) < 0)
        return rc;
    if ((rc = ec_account_set_hash(db, tenant_id, *id, password_hash)) < 0)
        return rc;
    p[0] = EC_DB_I(tenant_id);
    p[1] = EC_DB_I(*id);
    return ec_db_exec(db,
                      "UPDATE password_resets SET used_at = NOW(6)"
                      " WHERE tenant_id = ? AND account_id = ?"
                      " AND used_at IS NULL",
                      p, 2, NULL, NULL, NULL);
}

int
ec_reset_complete(struct ec_db *db, const struct ec_password_params *params,
                  long long tenant_id, const char *token, const char *password,
                  size_t len, struct ec_account *account, const char **field)
{
    char hash[HASH_HEX], h[EC_PASSWORD_HASH_SIZE];
    long long id = 0;
    int rc;

    *field = NULL;
    memset(account, 0, sizeof(*account));
    if (!token || !ec_hex_valid(token, EC_RESET_TOKEN_LEN))
        return EC_ERR_RESET_TOKEN_INVALID;
    /* hashed before the transaction: no row stays locked for a hash */
    if ((rc = ec_password_hash(params, password, len, h)) < 0) {
        *field = rc == EC_ERR_INVALID_FIELD ? "password" : NULL;
        return rc;
    }
    token_hash(token, hash);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = use_token(db, tenant_id, hash, h, &id);
    if (rc == 0)
        rc = ec_db_commit(db);
    else
        ec_db_rollback(db);
    if (rc < 0)
        return rc;
    return ec_account_find(db, tenant_id, id, account);
}
