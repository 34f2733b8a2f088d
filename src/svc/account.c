#include "svc/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "store/db.h"

/* The columns every read selects, in the order read_row() takes them. */
#define ACCOUNT_COLUMNS                                                        \
    "SELECT id, tenant_id, email, name, password_hash,"                        \
    " DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%SZ') FROM accounts"

static void
copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static int
read_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_account *a = ctx;

    a->id = strtoll(row->vals[0], NULL, 10);
    a->tenant_id = strtoll(row->vals[1], NULL, 10);
    copy(a->email, sizeof(a->email), row->vals[2]);
    copy(a->name, sizeof(a->name), row->vals[3]);
    copy(a->password_hash, sizeof(a->password_hash), row->vals[4]);
    copy(a->created_at, sizeof(a->created_at), row->vals[5]);
    return 1; /* one row is all there is */
}

/* 0 when the statement found a row, EC_ERR_NOT_FOUND, or its error. */
static int
found(int rc)
{
    return rc == 1 ? 0 : rc == 0 ? EC_ERR_NOT_FOUND : rc;
}

int
ec_account_find_by_email(struct ec_db *db, long long tenant_id,
                         const char *email, struct ec_account *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(email)};

    return found(
        ec_db_exec(db, ACCOUNT_COLUMNS " WHERE tenant_id = ? AND email = ?", p,
                   2, read_row, out, NULL));
}

int
ec_account_find(struct ec_db *db, long long tenant_id, long long id,
                struct ec_account *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_I(id)};

    return found(ec_db_exec(db,
                            ACCOUNT_COLUMNS " WHERE tenant_id = ? AND id = ?",
                            p, 2, read_row, out, NULL));
}

/*
 * The length of the UTF-8 sequence at s (n bytes left) that encodes one
 * character other than a control character, or 0: overlong forms,
 * surrogates, C0, DEL, C1 and the line and paragraph separators are
 * refused.
 */
static size_t
name_char(const unsigned char *s, size_t n)
{
    unsigned long c;
    size_t len, i;

    if (s[0] < 0x80)
        return s[0] >= 0x20 && s[0] != 0x7f;
    len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (!len || len > n || s[0] > 0xf4)
        return 0;
    c = s[0] & (0x7f >> len);
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff ||
        (c >= 0xd800 && c <= 0xdfff) || c < 0xa0 || c == 0x2028 || c == 0x2029)
        return 0;
    return len;
}

int
ec_account_name_normalize(const char *in, size_t len,
                          char out[EC_ACCOUNT_NAME_SIZE])
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, chars = 0, n;

    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= EC_ACCOUNT_NAME_SIZE)
        return EC_ERR_INVALID_FIELD;
    for (; i < len; i += n, chars++)
        if (!(n = name_char(s + i, len - i)))
            return EC_ERR_INVALID_FIELD;
    if (chars > EC_ACCOUNT_NAME_MAX)
        return EC_ERR_INVALID_FIELD;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

/* Check and normalise sign-up's fields: 0, or the field that fails. */
static const char *
check_fields(const char *email, size_t email_len, const char *name,
             size_t name_len, const char *password, size_t password_len,
             struct ec_account *a)
{
    if (ec_email_normalize(email, email_len, a->email) < 0)
        return "email";
    if (ec_account_name_normalize(name, name_len, a->name) < 0)
        return "name";
    if (!ec_password_acceptable(password, password_len))
        return "password";
    return NULL;
}

int
ec_account_create(struct ec_db *db, const struct ec_password_params *params,
                  long long tenant_id, const char *email, size_t email_len,
                  const char *name, size_t name_len, const char *password,
                  size_t password_len, struct ec_account *out,
                  const char **field)
{
    struct ec_account a;
    struct ec_db_param p[4];
    int rc;

    memset(&a, 0, sizeof(a));
    *field = check_fields(email, email_len, name, name_len, password,
                          password_len, &a);
    if (*field)
        return EC_ERR_INVALID_FIELD;
    rc = ec_password_hash(params, password, password_len, a.password_hash);
    if (rc < 0) {
        *field = rc == EC_ERR_INVALID_FIELD ? "password" : NULL;
        return rc;
    }
    p[0] = EC_DB_I(tenant_id);
    p[1] = EC_DB_S(a.email);
    p[2] = EC_DB_S(a.name);
    p[3] = EC_DB_S(a.password_hash);
    rc = ec_db_exec(db,
                    "INSERT INTO accounts (tenant_id, email, name,"
                    " password_hash) VALUES (?, ?, ?, ?)",
                    p, 4, NULL, NULL, NULL);
    if (rc == EC_ERR_CONFLICT) {
        *field = "email";
        return EC_ERR_EMAIL_TAKEN;
    }
    if (rc < 0)
        return rc;
    return ec_account_find_by_email(db, tenant_id, a.email, out);
}

/* Store a new hash of password for a (whose stored one is stale). */
static void
rehash(struct ec_db *db, const struct ec_password_params *params,
       struct ec_account *a, const char *password, size_t len)
{
    char h[EC_PASSWORD_HASH_SIZE];
    struct ec_db_param p[4];

    if (ec_password_hash(params, password, len, h) < 0)
        return;
    p[0] = EC_DB_S(h);
    p[1] = EC_DB_I(a->tenant_id);
    p[2] = EC_DB_I(a->id);
    p[3] = EC_DB_S(a->password_hash);
    /* only if nobody changed it meanwhile (a reset in another tab) */
    if (ec_db_exec(db,
                   "UPDATE accounts SET password_hash = ?"
                   " WHERE tenant_id = ? AND id = ? AND password_hash = ?",
                   p, 4, NULL, NULL, NULL) < 0) {
        ec_log_warn("account %lld: storing a rehashed password failed", a->id);
        return;
    }
    copy(a->password_hash, sizeof(a->password_hash), h);
}

int
ec_account_authenticate(struct ec_db *db,
                        const struct ec_password_params *params,
                        long long tenant_id, const char *email,
                        size_t email_len, const char *password,
                        size_t password_len, struct ec_account *out)
{
    char norm[EC_EMAIL_MAX + 1];
    int rc = EC_ERR_NOT_FOUND, ok;

    memset(out, 0, sizeof(*out));
    if (ec_email_normalize(email, email_len, norm) == 0)
        rc = ec_account_find_by_email(db, tenant_id, norm, out);
    if (rc < 0 && rc != EC_ERR_NOT_FOUND)
        return rc;
    if (rc == EC_ERR_NOT_FOUND)
        ec_password_dummy(params, out->password_hash);
    ok = ec_password_verify(out->password_hash, password, password_len);
    if (rc == EC_ERR_NOT_FOUND || ok != 1) {
        memset(out, 0, sizeof(*out));
        return ok < 0 ? ok : EC_ERR_SIGNIN_FAILED;
    }
    if (ec_password_needs_rehash(out->password_hash, params))
        rehash(db, params, out, password, password_len);
    return 0;
}

int
ec_account_set_hash(struct ec_db *db, long long tenant_id, long long id,
                    const char *hash)
{
    struct ec_db_param p[] = {EC_DB_S(hash), EC_DB_I(tenant_id), EC_DB_I(id)};
    unsigned long long changed = 0;
    int rc;

    rc = ec_db_exec(db,
                    "UPDATE accounts SET password_hash = ?"
                    " WHERE tenant_id = ? AND id = ?",
                    p, 3, NULL, NULL, &changed);
    if (rc < 0)
        return rc;
    /* a fresh salt makes every hash new, so a found row always changes */
    return changed ? 0 : EC_ERR_NOT_FOUND;
}

int
ec_account_set_password(struct ec_db *db,
                        const struct ec_password_params *params,
                        long long tenant_id, long long id, const char *password,
                        size_t len)
{
    char h[EC_PASSWORD_HASH_SIZE];
    int rc;

    if ((rc = ec_password_hash(params, password, len, h)) < 0)
        return rc;
    return ec_account_set_hash(db, tenant_id, id, h);
}

int
ec_account_change_password(struct ec_db *db,
                           const struct ec_password_params *params,
                           long long tenant_id, long long id,
                           const char *current, size_t current_len,
                           const char *password, size_t len, const char **field)
{
    struct ec_account a;
    int rc;

    *field = "password";
    if (!ec_password_acceptable(password, len))
        return EC_ERR_INVALID_FIELD;
    *field = NULL;
    if ((rc = ec_account_find(db, tenant_id, id, &a)) < 0)
        return rc;
    rc = ec_password_verify(a.password_hash, current, current_len);
    if (rc != 1) {
        *field = rc == 0 ? "current_password" : NULL;
        return rc == 0 ? EC_ERR_SIGNIN_FAILED : rc;
    }
    return ec_account_set_password(db, params, tenant_id, id, password, len);
}
