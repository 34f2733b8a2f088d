#include "cli/tenant_arg.h"

#include <string.h>

#include "core/err.h"
#include "store/db.h"
#include "svc/tenant.h"

int
ec_ctl_tenant_id(struct ec_db *db, const char *slug, long long *id, FILE *err)
{
    struct ec_tenant *t = NULL;
    int rc = ec_tenant_load(db, slug, &t);

    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: no tenant '%s'\n", slug);
        return -1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: could not read tenant '%s': %s\n", slug,
                ec_db_last_error(db));
        return -1;
    }
    *id = t->id;
    ec_tenant_free(t);
    return 0;
}

int
ec_ctl_set_field(char *out, size_t size, const char *value, const char *name,
                 FILE *err)
{
    if (strlen(value) >= size) {
        fprintf(err, "ecomctl: %s is longer than %zu bytes\n", name, size - 1);
        return -1;
    }
    memcpy(out, value, strlen(value) + 1);
    return 0;
}
