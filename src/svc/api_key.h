/*
 * API keys of the admin API (sql/011_api_keys.sql, docs/admin.md): what a
 * script sends as "Authorization: Bearer <key>" instead of signing in.
 *
 * Invariants:
 *   - a key is "eck_" and the base64url of 32 random bytes (47
 *     characters); it is shown once, when made, and stored only as its
 *     SHA-256, so nothing at rest lets anyone in;
 *   - a key belongs to one tenant and has one role of admin, editor or
 *     viewer, which may do what ec_staff_can() lets that role do;
 *   - a revoked key authenticates nothing from the moment it is revoked;
 *   - every statement names the tenant, but the lookup by hash, which
 *     finds the tenant (the caller then compares it with the request's).
 */
#ifndef EC_SVC_API_KEY_H
#define EC_SVC_API_KEY_H

#include <stddef.h>

#include "core/base64.h"
#include "svc/audit.h"
#include "svc/staff.h"

struct ec_db;

#define EC_API_KEY_PREFIX "eck_"
#define EC_API_KEY_BYTES 32
#define EC_API_KEY_LEN                                                         \
    (sizeof(EC_API_KEY_PREFIX) - 1 + EC_B64URL_LEN(EC_API_KEY_BYTES))
#define EC_API_KEY_NAME_MAX 100 /* characters */
#define EC_API_KEY_HASH_HEX 64

struct ec_api_key {
    long long id;
    long long tenant_id;
    char name[EC_API_KEY_NAME_MAX * 4 + 1]; /* UTF-8 */
    enum ec_staff_role role;                /* admin, editor or viewer */
    char created_at[32];                    /* RFC 3339 UTC */
    char last_used_at[32];                  /* "" when never */
    int revoked;
};

/* 1 when role may be a key's (admin, editor, viewer), else 0. */
int ec_api_key_role_ok(int role);

/* 1 when s has a key's form (prefix, 43 base64url characters), else 0. */
int ec_api_key_format_ok(const char *s);

/* The hex SHA-256 of the key s, as stored, into hex. */
void ec_api_key_hash(const char *s, char hex[EC_API_KEY_HASH_HEX + 1]);

/* A new random key into key (with its NUL). */
void ec_api_key_generate(char key[EC_API_KEY_LEN + 1]);

/*
 * Make a key named name with role for tenant_id, audited as who (object
 * "api_key", action "create"; the key itself never is). 0 with the key
 * into key (shown once: the caller prints it and forgets it) and *out;
 * EC_ERR_INVALID_FIELD with *field ("name" or "role"); EC_ERR_CONFLICT
 * when the tenant has a key of that name; or the database's error.
 */
int ec_api_key_create(struct ec_db *db, long long tenant_id, const char *name,
                      int role, const struct ec_audit_actor *who,
                      char key[EC_API_KEY_LEN + 1], struct ec_api_key *out,
                      const char **field);

/* Called per key of a listing; non-zero stops it. */
typedef int (*ec_api_key_fn)(const struct ec_api_key *k, void *ctx);

/* tenant_id's keys, oldest first, each to fn. 0, fn's value, or the
   database's error. */
int ec_api_key_each(struct ec_db *db, long long tenant_id, ec_api_key_fn fn,
                    void *ctx);

/* Revoke tenant_id's key id, audited as who ("revoke"). 0 (revoked now or
   before), EC_ERR_NOT_FOUND, or the database's error. */
int ec_api_key_revoke(struct ec_db *db, long long tenant_id, long long id,
                      const struct ec_audit_actor *who);

/*
 * The key s sent by a client into *out, and its use noted (last_used_at,
 * at most once a minute). 0; EC_ERR_API_KEY_INVALID when it is
 * malformed, unknown or revoked; or the database's error. Which tenant
 * it belongs to is the caller's to compare.
 */
int ec_api_key_authenticate(struct ec_db *db, const char *s,
                            struct ec_api_key *out);

#endif
