#include "svc/staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/seal.h"
#include "core/totp.h"
#include "store/db.h"
#include "svc/account.h"

static const char *const role_names[EC_STAFF__NROLES] = {
    "operator", "admin", "editor", "viewer", "agent"};

/*
 * Who may do what: a row per role, a column per action (read, edit the
 * catalog, manage, sell, tenants). An agent sells and reads no panel
 * screens; a viewer reads and changes nothing.
 */
static const unsigned char may[EC_STAFF__NROLES][EC_STAFF__NACTIONS] = {
    [EC_STAFF_OPERATOR] = {1, 1, 1, 1, 1}, [EC_STAFF_ADMIN] = {1, 1, 1, 1, 0},
    [EC_STAFF_EDITOR] = {1, 1, 0, 0, 0},   [EC_STAFF_VIEWER] = {1, 0, 0, 0, 0},
    [EC_STAFF_AGENT] = {0, 0, 0, 1, 0},
};

const char *
ec_staff_role_name(enum ec_staff_role r)
{
    return (unsigned)r < EC_STAFF__NROLES ? role_names[r] : NULL;
}

int
ec_staff_role_parse(const char *s)
{
    for (int i = 0; s && i < EC_STAFF__NROLES; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

int
ec_staff_can(enum ec_staff_role r, enum ec_staff_action a)
{
    return (unsigned)r < EC_STAFF__NROLES && (unsigned)a < EC_STAFF__NACTIONS &&
           may[r][a];
}

/* ---- the users ---- */

/* The columns every read names, in read_staff()'s order. */
#define STAFF_COLUMNS                                                          \
    "id, IFNULL(tenant_id, 0), email, name, role, totp_sealed IS NOT NULL,"    \
    " disabled_at IS NOT NULL"

static int
read_staff(const struct ec_db_row *row, void *ctx)
{
    struct ec_staff *s = ctx;
    int role = ec_staff_role_parse(row->vals[4]);

    memset(s, 0, sizeof(*s));
    s->id = strtoll(row->vals[0], NULL, 10);
    s->tenant_id = strtoll(row->vals[1], NULL, 10);
    snprintf(s->email, sizeof(s->email), "%s", row->vals[2]);
    snprintf(s->name, sizeof(s->name), "%s", row->vals[3]);
    s->role = role < 0 ? EC_STAFF_VIEWER : (enum ec_staff_role)role;
    s->has_totp = atoi(row->vals[5]);
    s->disabled = atoi(row->vals[6]);
    return 1;
}

int
ec_staff_create(struct ec_db *db, const struct ec_password_params *params,
                long long tenant_id, const char *email, const char *name,
                enum ec_staff_role role, const char *password,
                struct ec_staff *out, const char **field)
{
    char mail[EC_EMAIL_MAX + 1], who[EC_STAFF_NAME_SIZE];
    char hash[EC_PASSWORD_HASH_SIZE];
    struct ec_db_param p[5];
    int rc;

    *field = NULL;
    if ((unsigned)role >= EC_STAFF__NROLES ||
        (role == EC_STAFF_OPERATOR) != (tenant_id == 0))
        *field = "role";
    else if (!email || ec_email_normalize(email, strlen(email), mail) < 0)
        *field = "email";
    else if (!name || ec_account_name_normalize(name, strlen(name), who) < 0)
        *field = "name";
    if (*field)
        return EC_ERR_INVALID_FIELD;
    rc = ec_password_hash(params, password ? password : "",
                          password ? strlen(password) : 0, hash);
    if (rc < 0) {
        *field = rc == EC_ERR_INVALID_FIELD ? "password" : NULL;
        return rc;
    }
    p[0] = tenant_id ? EC_DB_I(tenant_id)
                     : (struct ec_db_param){EC_DB_NULL, NULL, 0, 0};
    p[1] = EC_DB_S(mail);
    p[2] = EC_DB_S(who);
    p[3] = EC_DB_S(role_names[role]);
    p[4] = EC_DB_S(hash);
    rc = ec_db_exec(db,
                    "INSERT INTO staff_users (tenant_id, email, name, role,"
                    " password_hash) VALUES (?, ?, ?, ?, ?)",
                    p, 5, NULL, NULL, NULL);
    ec_mem_wipe(hash, sizeof(hash));
    if (rc == EC_ERR_CONFLICT) {
        *field = "email";
        return EC_ERR_EMAIL_TAKEN;
    }
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof(*out));
    out->id = (long long)ec_db_insert_id(db);
    out->tenant_id = tenant_id;
    snprintf(out->email, sizeof(out->email), "%s", mail);
    snprintf(out->name, sizeof(out->name), "%s", who);
    out->role = role;
    return 0;
}

int
ec_staff_find(struct ec_db *db, long long tenant_id, const char *email,
              struct ec_staff *out)
{
    struct ec_db_param p[2] = {EC_DB_I(tenant_id), EC_DB_S(email)};
    int rc;

    memset(out, 0, sizeof(*out));
    /* the tenant's own user first (scope = the tenant's id), then an
       operator (scope 0) */
    rc = ec_db_exec(db,
                    "SELECT " STAFF_COLUMNS " FROM staff_users"
                    " WHERE scope IN (?, 0) AND email = ?"
                    " ORDER BY scope DESC LIMIT 1",
                    p, 2, read_staff, out, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : EC_ERR_NOT_FOUND;
}

int
ec_staff_get(struct ec_db *db, long long tenant_id, long long id,
             struct ec_staff *out)
{
    struct ec_db_param p[2] = {EC_DB_I(id), EC_DB_I(tenant_id)};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ec_db_exec(db,
                    "SELECT " STAFF_COLUMNS " FROM staff_users"
                    " WHERE id = ? AND scope IN (?, 0)",
                    p, 2, read_staff, out, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : EC_ERR_NOT_FOUND;
}

/* A user and the hash to check against, for ec_staff_authenticate(). */
struct with_hash {
    struct ec_staff staff;
    char hash[EC_PASSWORD_HASH_SIZE];
};

static int
read_with_hash(const struct ec_db_row *row, void *ctx)
{
    struct with_hash *w = ctx;

    read_staff(row, &w->staff);
    snprintf(w->hash, sizeof(w->hash), "%s", row->vals[7]);
    return 1;
}

/* Store a hash made with the current parameters, unless it changed
   meanwhile; a failure only costs the next sign-in another try. */
static void
rehash(struct ec_db *db, const struct ec_password_params *params,
       const struct with_hash *w, const char *password, size_t len)
{
    char h[EC_PASSWORD_HASH_SIZE];
    struct ec_db_param p[3];

    if (ec_password_hash(params, password, len, h) < 0)
        return;
    p[0] = EC_DB_S(h);
    p[1] = EC_DB_I(w->staff.id);
    p[2] = EC_DB_S(w->hash);
    ec_db_exec(db,
               "UPDATE staff_users SET password_hash = ?"
               " WHERE id = ? AND password_hash = ?",
               p, 3, NULL, NULL, NULL);
    ec_mem_wipe(h, sizeof(h));
}

int
ec_staff_authenticate(struct ec_db *db, const struct ec_password_params *params,
                      long long tenant_id, const char *email, size_t email_len,
                      const char *password, size_t password_len,
                      struct ec_staff *out)
{
    struct with_hash w;
    char norm[EC_EMAIL_MAX + 1];
    int rc = EC_ERR_NOT_FOUND, ok;

    memset(&w, 0, sizeof(w));
    memset(out, 0, sizeof(*out));
    if (ec_email_normalize(email, email_len, norm) == 0) {
        struct ec_db_param p[2] = {EC_DB_I(tenant_id), EC_DB_S(norm)};

        rc = ec_db_exec(db,
                        "SELECT " STAFF_COLUMNS ", password_hash"
                        " FROM staff_users WHERE scope IN (?, 0)"
                        " AND email = ? ORDER BY scope DESC LIMIT 1",
                        p, 2, read_with_hash, &w, NULL);
        if (rc >= 0)
            rc = rc == 1 ? 0 : EC_ERR_NOT_FOUND;
    }
    if (rc < 0 && rc != EC_ERR_NOT_FOUND)
        return rc;
    /* the same work whoever asks: nobody learns which addresses exist,
       nor which users are disabled */
    if (rc == EC_ERR_NOT_FOUND)
        ec_password_dummy(params, w.hash);
    ok = ec_password_verify(w.hash, password, password_len);
    if (rc == 0 && ok == 1 && !w.staff.disabled &&
        ec_password_needs_rehash(w.hash, params))
        rehash(db, params, &w, password, password_len);
    if (rc == 0 && ok == 1 && !w.staff.disabled)
        *out = w.staff;
    ec_mem_wipe(w.hash, sizeof(w.hash));
    if (rc == EC_ERR_NOT_FOUND || ok != 1 || w.staff.disabled)
        return ok < 0 ? ok : EC_ERR_SIGNIN_FAILED;
    return 0;
}

struct each {
    ec_staff_fn fn;
    void *ctx;
};

static int
each_row(const struct ec_db_row *row, void *ctx)
{
    struct each *e = ctx;
    struct ec_staff s;

    read_staff(row, &s);
    return e->fn(&s, e->ctx);
}

int
ec_staff_each(struct ec_db *db, long long tenant_id, ec_staff_fn fn, void *ctx)
{
    struct ec_db_param p[1] = {EC_DB_I(tenant_id)};
    struct each e = {fn, ctx};

    return ec_db_exec(db,
                      "SELECT " STAFF_COLUMNS " FROM staff_users"
                      " WHERE scope = ? ORDER BY email",
                      p, 1, each_row, &e, NULL);
}

/* ---- the second factor ---- */

int
ec_staff_totp_enroll(struct ec_db *db, const struct ec_seal *ring, long long id,
                     struct ec_buf *secret)
{
    unsigned char key[EC_TOTP_KEY_SIZE];
    char b32[EC_BASE32_LEN(EC_TOTP_KEY_SIZE) + 1];
    struct ec_buf sealed = EC_BUF_INIT;
    struct ec_db_param p[2];
    unsigned long long n = 0;
    int rc;

    ec_rand_bytes(key, sizeof(key));
    if (ec_seal_encrypt(ring, EC_STAFF_TOTP_CONTEXT, key, sizeof(key),
                        &sealed) < 0) {
        ec_mem_wipe(key, sizeof(key));
        ec_buf_release(&sealed);
        return EC_ERR_INTERNAL;
    }
    p[0] = EC_DB_S(sealed.data);
    p[1] = EC_DB_I(id);
    rc = ec_db_exec(db,
                    "UPDATE staff_users SET totp_sealed = ?,"
                    " totp_last_step = NULL WHERE id = ?",
                    p, 2, NULL, NULL, &n);
    ec_buf_release(&sealed);
    if (rc == 0 && n == 0)
        rc = EC_ERR_NOT_FOUND;
    if (rc == 0) {
        ec_base32_encode(b32, key, sizeof(key));
        ec_buf_adds(secret, b32);
        ec_mem_wipe(b32, sizeof(b32));
    }
    ec_mem_wipe(key, sizeof(key));
    return rc;
}

struct totp_row {
    struct ec_buf sealed;
    long long last_step; /* -1: none yet */
};

static int
read_totp(const struct ec_db_row *row, void *ctx)
{
    struct totp_row *t = ctx;

    if (row->vals[0])
        ec_buf_adds(&t->sealed, row->vals[0]);
    t->last_step = row->vals[1] ? strtoll(row->vals[1], NULL, 10) : -1;
    return 1;
}

int
ec_staff_totp_check(struct ec_db *db, const struct ec_seal *ring, long long id,
                    const char *code, int64_t now)
{
    struct totp_row t = {EC_BUF_INIT, -1};
    struct ec_db_param p[1] = {EC_DB_I(id)};
    unsigned char key[64];
    unsigned long long n = 0;
    size_t len = 0;
    int64_t step = -1;
    int rc;

    rc = ec_db_exec(db,
                    "SELECT totp_sealed, totp_last_step FROM staff_users"
                    " WHERE id = ?",
                    p, 1, read_totp, &t, NULL);
    if (rc >= 0 && t.sealed.len > 0 &&
        ec_seal_decrypt(ring, EC_STAFF_TOTP_CONTEXT, t.sealed.data, key,
                        sizeof(key), &len) == 0)
        step = ec_totp_verify(key, len, code, now, t.last_step);
    ec_mem_wipe(key, sizeof(key));
    ec_buf_release(&t.sealed);
    if (rc < 0)
        return rc;
    if (step < 0)
        return EC_ERR_SIGNIN_FAILED;
    {
        struct ec_db_param u[3] = {EC_DB_I(step), EC_DB_I(id), EC_DB_I(step)};

        /* the step is used once: of two requests with one code, the
           second changes no row */
        rc = ec_db_exec(db,
                        "UPDATE staff_users SET totp_last_step = ?"
                        " WHERE id = ? AND (totp_last_step IS NULL"
                        " OR totp_last_step < ?)",
                        u, 3, NULL, NULL, &n);
    }
    if (rc < 0)
        return rc;
    return n == 1 ? 0 : EC_ERR_SIGNIN_FAILED;
}
