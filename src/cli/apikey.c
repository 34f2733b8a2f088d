#include "cli/apikey.h"

#include <stdlib.h>
#include <string.h>

#include "cli/tenant_arg.h"
#include "core/crypto.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/api_key.h"

static int
create(struct ec_db *db, const char *slug, const char *name,
       const char *role_name, FILE *out, FILE *err)
{
    int role = ec_staff_role_parse(role_name);
    char key[EC_API_KEY_LEN + 1];
    struct ec_api_key k;
    const char *field;
    long long tenant;
    int rc;

    if (!ec_api_key_role_ok(role)) {
        fprintf(err,
                "ecomctl: a key's role is admin, editor or viewer, not "
                "'%s'\n",
                role_name);
        return 2;
    }
    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    rc = ec_api_key_create(db, tenant, name, role, &ec_audit_cli, key, &k,
                           &field);
    if (rc == EC_ERR_CONFLICT) {
        fprintf(err, "ecomctl: %s has a key named '%s' already\n", slug, name);
        return 1;
    }
    if (rc == EC_ERR_INVALID_FIELD) {
        fprintf(err,
                "ecomctl: the %s is not acceptable (a name is 1 to 100 "
                "characters)\n",
                field);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: could not make the key: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    /* shown once: only its hash is kept */
    fprintf(err, "made key %lld '%s' (%s) of %s; it is shown once:\n", k.id,
            k.name, ec_staff_role_name(k.role), slug);
    fprintf(out, "%s\n", key);
    ec_mem_wipe(key, sizeof(key));
    return 0;
}

static int
print_key(const struct ec_api_key *k, void *ctx)
{
    fprintf(ctx, "%lld\t%s\t%s\t%s\t%s\t%s\n", k->id, k->name,
            ec_staff_role_name(k->role), k->created_at,
            k->last_used_at[0] ? k->last_used_at : "-",
            k->revoked ? "revoked" : "active");
    return 0;
}

static int
list(struct ec_db *db, const char *slug, FILE *out, FILE *err)
{
    long long tenant;

    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    fprintf(out, "id\tname\trole\tcreated\tlast used\tstate\n");
    if (ec_api_key_each(db, tenant, print_key, out) < 0) {
        fprintf(err, "ecomctl: could not read the keys: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    return 0;
}

static int
revoke(struct ec_db *db, const char *slug, const char *id_arg, FILE *out,
       FILE *err)
{
    long long tenant, id;
    char *end;
    int rc;

    id = strtoll(id_arg, &end, 10);
    if (*id_arg == '\0' || *end != '\0' || id <= 0) {
        fprintf(err,
                "ecomctl: a key's id is a number (apikey list), not "
                "'%s'\n",
                id_arg);
        return 2;
    }
    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    rc = ec_api_key_revoke(db, tenant, id, &ec_audit_cli);
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: %s has no key %lld\n", slug, id);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: could not revoke the key: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    fprintf(out, "revoked key %lld of %s\n", id, slug);
    return 0;
}

int
ec_ctl_apikey(struct ec_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    if (argc == 5 && strcmp(argv[1], "create") == 0)
        return create(db, argv[2], argv[3], argv[4], out, err);
    if (argc == 3 && strcmp(argv[1], "list") == 0)
        return list(db, argv[2], out, err);
    if (argc == 4 && strcmp(argv[1], "revoke") == 0)
        return revoke(db, argv[2], argv[3], out, err);
    return 2;
}
