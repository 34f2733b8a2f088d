#include "cli/staff.h"

#include <stdlib.h>
#include <string.h>

#include "cli/tenant_arg.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/staff.h"

/* The scope argv names: 0 for --operator, else the tenant's id. 0 with
 *id and *slug, or -1 (said on err). */
static int
scope_of(struct ec_db *db, const char *arg, long long *id, const char **slug,
         FILE *err)
{
    *slug = arg;
    if (strcmp(arg, "--operator") == 0) {
        *id = 0;
        *slug = "the platform";
        return 0;
    }
    return ec_ctl_tenant_id(db, arg, id, err);
}

static int
create(struct ec_db *db, const struct ec_password_params *params,
       const char *scope, const char *email, const char *name,
       const char *role_name, FILE *out, FILE *err)
{
    const char *password = getenv("ECOMD_STAFF_PASSWORD"), *slug, *field;
    int role = ec_staff_role_parse(role_name);
    struct ec_staff s;
    long long tenant;
    int rc;

    if (role < 0) {
        fprintf(err,
                "ecomctl: role is operator, admin, editor, viewer or "
                "agent, not '%s'\n",
                role_name);
        return 2;
    }
    if (!password || !*password) {
        fprintf(err, "ecomctl: set the password in ECOMD_STAFF_PASSWORD (it "
                     "is never taken from the command line)\n");
        return 2;
    }
    if (scope_of(db, scope, &tenant, &slug, err) < 0)
        return 1;
    rc = ec_staff_create(db, params, tenant, email, name,
                         (enum ec_staff_role)role, password, &s, &field);
    if (rc == EC_ERR_EMAIL_TAKEN) {
        fprintf(err, "ecomctl: %s has a user with that address already\n",
                slug);
        return 1;
    }
    if (rc == EC_ERR_INVALID_FIELD) {
        fprintf(err, "ecomctl: the %s is not acceptable%s\n",
                field ? field : "input",
                field && strcmp(field, "role") == 0
                    ? " (an operator belongs to no tenant: --operator; "
                      "every other role to one)"
                : field && strcmp(field, "password") == 0
                    ? " (10 to 128 characters)"
                    : "");
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: could not add the user: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    fprintf(out, "added %s (%s) as %s of %s\n", s.email, s.name,
            ec_staff_role_name(s.role), slug);
    return 0;
}

static int
print_user(const struct ec_staff *s, void *ctx)
{
    fprintf(ctx, "%s\t%s\t%s\t%s%s\n", s->email, ec_staff_role_name(s->role),
            s->name, s->has_totp ? "totp" : "-",
            s->disabled ? "\tdisabled" : "");
    return 0;
}

static int
list(struct ec_db *db, const char *scope, FILE *out, FILE *err)
{
    const char *slug;
    long long tenant;

    if (scope_of(db, scope, &tenant, &slug, err) < 0)
        return 1;
    fprintf(out, "email\trole\tname\tsecond factor\n");
    if (ec_staff_each(db, tenant, print_user, out) < 0) {
        fprintf(err, "ecomctl: could not read the staff: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    return 0;
}

static int
totp(struct ec_db *db, const struct ec_seal *ring, const char *scope,
     const char *email, FILE *out, FILE *err)
{
    struct ec_buf secret = EC_BUF_INIT;
    const char *slug;
    struct ec_staff s;
    long long tenant;
    int rc;

    if (scope_of(db, scope, &tenant, &slug, err) < 0)
        return 1;
    rc = ec_staff_find(db, tenant, email, &s);
    if (rc == 0 && s.tenant_id != tenant)
        rc = EC_ERR_NOT_FOUND; /* an operator, asked for as a tenant's */
    if (rc == 0)
        rc = ec_staff_totp_enroll(db, ring, s.id, &secret);
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: %s has no user %s\n", slug, email);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: could not enrol a second factor%s\n",
                rc == EC_ERR_INTERNAL ? ": no key in seal_keys_file" : "");
        ec_buf_release(&secret);
        return 1;
    }
    /* shown once: what the authenticator app takes, typed or scanned */
    fprintf(out,
            "secret %s\notpauth://totp/ecom:%s?secret=%s&issuer=ecom"
            "&algorithm=SHA1&digits=6&period=30\n",
            secret.data, s.email, secret.data);
    ec_mem_wipe(secret.data, secret.len);
    ec_buf_release(&secret);
    return 0;
}

int
ec_ctl_staff(struct ec_db *db, const struct ec_password_params *params,
             const struct ec_seal *ring, int argc, char **argv, FILE *out,
             FILE *err)
{
    if (argc == 6 && strcmp(argv[1], "create") == 0)
        return create(db, params, argv[2], argv[3], argv[4], argv[5], out, err);
    if (argc == 3 && strcmp(argv[1], "list") == 0)
        return list(db, argv[2], out, err);
    if (argc == 4 && strcmp(argv[1], "totp") == 0)
        return totp(db, ring, argv[2], argv[3], out, err);
    return 2;
}
