#include "svc/staff_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "store/db.h"

/* A user as the audit log shows them: never the password or its hash,
   nor the second factor's secret. The caller owns it. */
static struct json_object *
user_json(const struct ec_staff *s)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(s->id));
    json_object_object_add(o, "email", json_object_new_string(s->email));
    json_object_object_add(o, "name", json_object_new_string(s->name));
    json_object_object_add(o, "role",
                           json_object_new_string(ec_staff_role_name(s->role)));
    json_object_object_add(o, "disabled", json_object_new_boolean(s->disabled));
    return o;
}

static int
audit(struct ec_db *db, long long tenant_id, const struct ec_audit_actor *who,
      const char *action, const struct ec_staff *before,
      const struct ec_staff *after)
{
    struct json_object *b = before ? user_json(before) : NULL;
    struct json_object *a = user_json(after);
    char id[24];
    int rc;

    snprintf(id, sizeof(id), "%lld", after->id);
    rc = ec_audit_record(db, tenant_id, who, "staff", id, action, b, a);
    json_object_put(b);
    json_object_put(a);
    return rc;
}

/* A role a tenant's user may have: every one but operator. */
static int
tenant_role_ok(int role)
{
    return role > EC_STAFF_OPERATOR && role < EC_STAFF__NROLES;
}

int
ec_staff_admin_create(struct ec_db *db, const struct ec_password_params *params,
                      long long tenant_id, const char *email, const char *name,
                      int role, const char *password,
                      const struct ec_audit_actor *who, struct ec_staff *out,
                      const char **field)
{
    int rc;

    *field = NULL;
    if (tenant_id <= 0 || !tenant_role_ok(role)) {
        *field = "role";
        return EC_ERR_INVALID_FIELD;
    }
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_staff_create(db, params, tenant_id, email, name,
                         (enum ec_staff_role)role, password, out, field);
    if (rc == 0)
        rc = audit(db, tenant_id, who, "create", NULL, out);
    if (rc == 0)
        rc = ec_db_commit(db);
    if (rc < 0)
        ec_db_rollback(db);
    return rc;
}

static int
read_user(const struct ec_db_row *row, void *ctx)
{
    struct ec_staff *s = ctx;
    int role = ec_staff_role_parse(row->vals[3]);

    memset(s, 0, sizeof(*s));
    s->id = strtoll(row->vals[0], NULL, 10);
    snprintf(s->email, sizeof(s->email), "%s", row->vals[1]);
    snprintf(s->name, sizeof(s->name), "%s", row->vals[2]);
    s->role = role < 0 ? EC_STAFF_VIEWER : (enum ec_staff_role)role;
    s->disabled = row->vals[4][0] == '1';
    return 1;
}

static int
count_row(const struct ec_db_row *row, void *ctx)
{
    (void)row;
    ++*(long long *)ctx;
    return 0;
}

/*
 * In a transaction: tenant_id's user id into *s, locked, and every
 * enabled admin of the tenant locked too (so the last-admin rule holds
 * against a concurrent change), their number into *admins.
 */
static int
lock_user(struct ec_db *db, long long tenant_id, long long id,
          struct ec_staff *s, long long *admins)
{
    struct ec_db_param p[2] = {EC_DB_I(tenant_id), EC_DB_I(id)};
    int rc;

    *admins = 0;
    rc = ec_db_exec(db,
                    "SELECT id FROM staff_users WHERE tenant_id = ?"
                    " AND role = 'admin' AND disabled_at IS NULL"
                    " ORDER BY id FOR UPDATE",
                    p, 1, count_row, admins, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT id, email, name, role, disabled_at IS NOT NULL"
                    " FROM staff_users WHERE tenant_id = ? AND id = ?"
                    " FOR UPDATE",
                    p, 2, read_user, s, NULL);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : EC_ERR_NOT_FOUND;
}

/* The rules of a change from before to after: 0, or EC_ERR_CONFLICT with
 *why. */
static int
allowed(const struct ec_staff *before, const struct ec_staff *after,
        long long admins, const struct ec_audit_actor *who, const char **why)
{
    int was_admin = before->role == EC_STAFF_ADMIN && !before->disabled;
    int is_admin = after->role == EC_STAFF_ADMIN && !after->disabled;

    /* less than before for oneself: a demotion or a disable */
    if (who->kind == EC_AUDIT_STAFF && who->id == before->id &&
        (after->role != before->role || after->disabled)) {
        *why = "self";
        return EC_ERR_CONFLICT;
    }
    if (was_admin && !is_admin && admins <= 1) {
        *why = "last_admin";
        return EC_ERR_CONFLICT;
    }
    return 0;
}

/* Apply after (role and disabled) to the locked user, audited. */
static int
change(struct ec_db *db, long long tenant_id, long long id, int role,
       int disabled, const struct ec_audit_actor *who, const char **why)
{
    struct ec_staff before, after;
    struct ec_db_param p[4];
    long long admins;
    int rc;

    *why = NULL;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = lock_user(db, tenant_id, id, &before, &admins);
    after = before;
    if (role >= 0)
        after.role = (enum ec_staff_role)role;
    if (disabled >= 0)
        after.disabled = disabled;
    if (rc == 0 && after.role == before.role &&
        after.disabled == before.disabled) {
        ec_db_rollback(db); /* nothing to change, nor to record */
        return 0;
    }
    if (rc == 0)
        rc = allowed(&before, &after, admins, who, why);
    if (rc == 0) {
        p[0] = EC_DB_S(ec_staff_role_name(after.role));
        p[1] = EC_DB_I(after.disabled);
        p[2] = EC_DB_I(tenant_id);
        p[3] = EC_DB_I(id);
        rc = ec_db_exec(db,
                        "UPDATE staff_users SET role = ?, disabled_at ="
                        " IF(?, IFNULL(disabled_at, NOW(6)), NULL)"
                        " WHERE tenant_id = ? AND id = ?",
                        p, 4, NULL, NULL, NULL);
    }
    if (rc == 0)
        rc = audit(db, tenant_id, who, "update", &before, &after);
    if (rc == 0)
        rc = ec_db_commit(db);
    if (rc < 0)
        ec_db_rollback(db);
    return rc;
}

int
ec_staff_admin_set_role(struct ec_db *db, long long tenant_id, long long id,
                        int role, const struct ec_audit_actor *who,
                        const char **why)
{
    *why = NULL;
    if (!tenant_role_ok(role))
        return EC_ERR_INVALID_FIELD;
    return change(db, tenant_id, id, role, -1, who, why);
}

int
ec_staff_admin_set_disabled(struct ec_db *db, long long tenant_id, long long id,
                            int disabled, const struct ec_audit_actor *who,
                            const char **why)
{
    return change(db, tenant_id, id, -1, disabled ? 1 : 0, who, why);
}
