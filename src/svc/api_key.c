#include "svc/api_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/check.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/rand.h"
#include "store/db.h"

int
ec_api_key_role_ok(int role)
{
    return role == EC_STAFF_ADMIN || role == EC_STAFF_EDITOR ||
           role == EC_STAFF_VIEWER;
}

int
ec_api_key_format_ok(const char *s)
{
    static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz0123456789-_";
    const size_t plen = sizeof(EC_API_KEY_PREFIX) - 1;
    unsigned char raw[EC_B64URL_DECODED_MAX(EC_API_KEY_LEN)];

    if (!s || strlen(s) != EC_API_KEY_LEN ||
        strncmp(s, EC_API_KEY_PREFIX, plen) != 0 ||
        strspn(s + plen, b64url) != EC_API_KEY_LEN - plen)
        return 0;
    /* canonical: the last character's unused bits are zero */
    return ec_b64url_decode(raw, s + plen, EC_API_KEY_LEN - plen) ==
           EC_API_KEY_BYTES;
}

void
ec_api_key_hash(const char *s, char hex[EC_API_KEY_HASH_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char h[EC_SHA256_SIZE];

    ec_sha256(s, strlen(s), h);
    for (size_t i = 0; i < sizeof(h); i++) {
        hex[2 * i] = digits[h[i] >> 4];
        hex[2 * i + 1] = digits[h[i] & 15];
    }
    hex[EC_API_KEY_HASH_HEX] = '\0';
}

void
ec_api_key_generate(char key[EC_API_KEY_LEN + 1])
{
    unsigned char raw[EC_API_KEY_BYTES];

    ec_rand_bytes(raw, sizeof(raw));
    memcpy(key, EC_API_KEY_PREFIX, sizeof(EC_API_KEY_PREFIX) - 1);
    ec_b64url_encode(key + sizeof(EC_API_KEY_PREFIX) - 1, raw, sizeof(raw));
    ec_mem_wipe(raw, sizeof(raw));
}

/* A key's name: 1 to 100 characters of UTF-8, none a control one. */
static int
name_ok(const char *name)
{
    long n = ec_check_utf8_chars(name, strlen(name));

    if (n < 1 || n > EC_API_KEY_NAME_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* What the audit log keeps of a key: never the key, nor its hash. */
static struct json_object *
key_json(const struct ec_api_key *k)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(k->id));
    json_object_object_add(o, "name", json_object_new_string(k->name));
    json_object_object_add(o, "role",
                           json_object_new_string(ec_staff_role_name(k->role)));
    json_object_object_add(o, "revoked", json_object_new_boolean(k->revoked));
    return o;
}

static int
audit(struct ec_db *db, const struct ec_api_key *k,
      const struct ec_audit_actor *who, const char *action,
      const struct ec_api_key *before)
{
    struct json_object *a = key_json(k);
    struct json_object *b = before ? key_json(before) : NULL;
    char id[24];
    int rc;

    snprintf(id, sizeof(id), "%lld", k->id);
    rc = ec_audit_record(db, k->tenant_id, who, "api_key", id, action, b, a);
    json_object_put(a);
    json_object_put(b);
    return rc;
}

int
ec_api_key_create(struct ec_db *db, long long tenant_id, const char *name,
                  int role, const struct ec_audit_actor *who,
                  char key[EC_API_KEY_LEN + 1], struct ec_api_key *out,
                  const char **field)
{
    char hash[EC_API_KEY_HASH_HEX + 1];
    struct ec_db_param p[4];
    int rc;

    *field = NULL;
    memset(out, 0, sizeof(*out));
    if (!name_ok(name)) {
        *field = "name";
        return EC_ERR_INVALID_FIELD;
    }
    if (!ec_api_key_role_ok(role)) {
        *field = "role";
        return EC_ERR_INVALID_FIELD;
    }
    ec_api_key_generate(key);
    ec_api_key_hash(key, hash);
    p[0] = EC_DB_I(tenant_id);
    p[1] = EC_DB_S(name);
    p[2] = EC_DB_S(ec_staff_role_name((enum ec_staff_role)role));
    p[3] = EC_DB_S(hash);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_db_exec(db,
                    "INSERT INTO api_keys (tenant_id, name, role, key_hash)"
                    " VALUES (?, ?, ?, ?)",
                    p, 4, NULL, NULL, NULL);
    if (rc == 0) {
        out->id = (long long)ec_db_insert_id(db);
        out->tenant_id = tenant_id;
        snprintf(out->name, sizeof(out->name), "%s", name);
        out->role = (enum ec_staff_role)role;
        rc = audit(db, out, who, "create", NULL);
    }
    if (rc == 0)
        rc = ec_db_commit(db);
    if (rc < 0) {
        ec_db_rollback(db);
        ec_mem_wipe(key, EC_API_KEY_LEN + 1);
    }
    return rc;
}

#define KEY_COLUMNS                                                            \
    "id, tenant_id, name, role,"                                               \
    " DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'),"                          \
    " DATE_FORMAT(last_used_at, '%Y-%m-%dT%H:%i:%sZ'),"                        \
    " revoked_at IS NOT NULL"

static void
read_key(const struct ec_db_row *row, struct ec_api_key *k)
{
    memset(k, 0, sizeof(*k));
    k->id = strtoll(row->vals[0], NULL, 10);
    k->tenant_id = strtoll(row->vals[1], NULL, 10);
    snprintf(k->name, sizeof(k->name), "%s", row->vals[2]);
    k->role = (enum ec_staff_role)ec_staff_role_parse(row->vals[3]);
    snprintf(k->created_at, sizeof(k->created_at), "%s", row->vals[4]);
    if (row->vals[5])
        snprintf(k->last_used_at, sizeof(k->last_used_at), "%s", row->vals[5]);
    k->revoked = row->vals[6][0] == '1';
}

struct each_ctx {
    ec_api_key_fn fn;
    void *ctx;
};

static int
each_row(const struct ec_db_row *row, void *ctx)
{
    struct each_ctx *c = ctx;
    struct ec_api_key k;

    read_key(row, &k);
    return c->fn(&k, c->ctx);
}

int
ec_api_key_each(struct ec_db *db, long long tenant_id, ec_api_key_fn fn,
                void *ctx)
{
    struct each_ctx c = {fn, ctx};
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};

    return ec_db_exec(db,
                      "SELECT " KEY_COLUMNS " FROM api_keys"
                      " WHERE tenant_id = ? ORDER BY id",
                      p, 1, each_row, &c, NULL);
}

static int
one_row(const struct ec_db_row *row, void *ctx)
{
    read_key(row, ctx);
    return 1;
}

int
ec_api_key_revoke(struct ec_db *db, long long tenant_id, long long id,
                  const struct ec_audit_actor *who)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_I(id)};
    struct ec_api_key before, after;
    int rc;

    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT " KEY_COLUMNS " FROM api_keys"
                    " WHERE tenant_id = ? AND id = ? FOR UPDATE",
                    p, 2, one_row, &before, NULL);
    if (rc == 0)
        rc = EC_ERR_NOT_FOUND;
    else if (rc == 1 && before.revoked)
        rc = 0; /* revoked before: nothing to record */
    else if (rc == 1) {
        rc = ec_db_exec(db,
                        "UPDATE api_keys SET revoked_at = NOW(6)"
                        " WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
        after = before;
        after.revoked = 1;
        if (rc == 0)
            rc = audit(db, &after, who, "revoke", &before);
    }
    if (rc == 0)
        rc = ec_db_commit(db);
    if (rc < 0)
        ec_db_rollback(db);
    return rc;
}

struct auth_row {
    struct ec_api_key *key;
    int stale; /* last_used_at is a minute old, or unset */
};

static int
auth_row(const struct ec_db_row *row, void *ctx)
{
    struct auth_row *a = ctx;

    read_key(row, a->key);
    a->stale = row->vals[7][0] == '1';
    return 1;
}

int
ec_api_key_authenticate(struct ec_db *db, const char *s, struct ec_api_key *out)
{
    char hash[EC_API_KEY_HASH_HEX + 1];
    struct auth_row a = {out, 0};
    struct ec_db_param p[1];
    int rc;

    memset(out, 0, sizeof(*out));
    if (!ec_api_key_format_ok(s))
        return EC_ERR_API_KEY_INVALID;
    ec_api_key_hash(s, hash);
    p[0] = EC_DB_S(hash);
    rc = ec_db_exec(db,
                    "SELECT " KEY_COLUMNS ", last_used_at IS NULL OR"
                    " last_used_at < NOW(6) - INTERVAL 1 MINUTE"
                    " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                    p, 1, auth_row, &a, NULL);
    if (rc == 0)
        return EC_ERR_API_KEY_INVALID;
    if (rc < 0)
        return rc;
    /* to the minute: a busy script costs a write a minute, not one a
       request; a failure to note it does not refuse the request */
    if (a.stale) {
        struct ec_db_param q[] = {EC_DB_I(out->tenant_id), EC_DB_I(out->id)};

        ec_db_exec(db,
                   "UPDATE api_keys SET last_used_at = NOW(6)"
                   " WHERE tenant_id = ? AND id = ?",
                   q, 2, NULL, NULL, NULL);
    }
    return 0;
}
