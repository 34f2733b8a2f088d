#include "cli/mitid.h"

#include <string.h>

#include "cli/tenant_arg.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/seal.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/invalidate.h"
#include "svc/mitid.h"
#include "svc/tenant.h"

/* A secret file larger than this holds no client secret. */
#define SECRET_FILE_MAX 4096

/* The secret in path, without the line break an editor adds. */
static int
read_secret(const char *path, struct ec_buf *b, FILE *err)
{
    if (ec_buf_read_file(b, path, SECRET_FILE_MAX) < 0) {
        fprintf(err, "ecomctl: cannot read the secret file %s\n", path);
        return -1;
    }
    while (b->len > 0 &&
           (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r' ||
            b->data[b->len - 1] == ' '))
        b->data[--b->len] = '\0';
    return 0;
}

static int
configure(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
          int argc, char **argv, FILE *out, FILE *err)
{
    const char *slug = argv[2], *secret_file = NULL, *why;
    struct ec_mitid_config c;
    struct ec_buf secret = EC_BUF_INIT;
    long long tenant;
    int rc, i;

    memset(&c, 0, sizeof(c));
    for (i = 3; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(o, "--required") == 0) {
            c.required = 1;
            continue;
        }
        if (strcmp(o, "--not-required") == 0) {
            c.required = 0;
            continue;
        }
        if (!v)
            return 2;
        i++;
        if (strcmp(o, "--issuer") == 0)
            rc = ec_ctl_set_field(c.issuer, sizeof(c.issuer), v, "--issuer",
                                  err);
        else if (strcmp(o, "--client-id") == 0)
            rc = ec_ctl_set_field(c.client_id, sizeof(c.client_id), v,
                                  "--client-id", err);
        else if (strcmp(o, "--scopes") == 0)
            rc = ec_ctl_set_field(c.scopes, sizeof(c.scopes), v, "--scopes",
                                  err);
        else if (strcmp(o, "--acr-values") == 0)
            rc = ec_ctl_set_field(c.acr_values, sizeof(c.acr_values), v,
                                  "--acr-values", err);
        else if (strcmp(o, "--secret-file") == 0)
            secret_file = v, rc = 0;
        else if (strcmp(o, "--style") == 0) {
            c.style = ec_mitid_style_parse(v);
            rc = 0;
        } else
            return 2;
        if (rc < 0)
            return 1;
    }
    if (!c.issuer[0] || !c.client_id[0] || !secret_file || !c.style)
        return 2;
    if (seal->n == 0) {
        fprintf(err, "ecomctl: the configuration has no seal_keys_file: the "
                     "client secret cannot be sealed\n");
        return 1;
    }
    if (read_secret(secret_file, &secret, err) < 0) {
        ec_buf_release(&secret);
        return 1;
    }
    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0) {
        ec_buf_release(&secret);
        return 1;
    }
    rc = ec_mitid_config_save(db, seal, tenant, slug, &c, secret.data,
                              secret.len, &why);
    ec_mem_wipe(secret.data, secret.len);
    ec_buf_release(&secret);
    if (rc < 0) {
        fprintf(err, "ecomctl: mitid configure %s: %s\n", slug,
                why ? why : ec_db_last_error(db));
        return 1;
    }
    fprintf(out, "mitid of %s: %s at %s as %s%s\n", slug,
            ec_mitid_style_name(c.style), c.issuer, c.client_id,
            c.required ? ", required before a subscription" : "");
    if (ec_invalidate_tenants(kv) < 0)
        fprintf(err, "ecomctl: warning: Redis is unreachable; running "
                     "workers keep the old setting until it is back\n");
    return 0;
}

static int
show(struct ec_db *db, const char *slug, FILE *out, FILE *err)
{
    struct ec_mitid_config c;
    struct ec_buf scope = EC_BUF_INIT;
    char kid[EC_SEAL_KID_MAX + 1] = "?";
    struct ec_tenant *t;
    int rc = ec_tenant_load(db, slug, &t);

    if (rc == 0) {
        rc = ec_mitid_config_load(db, t->id, &c);
        ec_tenant_free(t);
    }
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: %s has no MitID broker (or no such tenant)\n",
                slug);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
        return 1;
    }
    ec_mitid_scope(&c, &scope);
    ec_seal_kid(c.secret_sealed, kid);
    fprintf(out,
            "style\t%s\nissuer\t%s\nclient_id\t%s\nclient_secret\tsealed with "
            "key %s\nscope\t%s\nacr_values\t%s\nrequired\t%s\n",
            ec_mitid_style_name(c.style), c.issuer, c.client_id, kid,
            scope.data, ec_mitid_acr(&c), c.required ? "yes" : "no");
    ec_buf_release(&scope);
    return 0;
}

int
ec_ctl_mitid(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
             int argc, char **argv, FILE *out, FILE *err)
{
    if (argc >= 3 && strcmp(argv[1], "configure") == 0)
        return configure(db, kv, seal, argc, argv, out, err);
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return show(db, argv[2], out, err);
    return 2;
}
