/*
 * A shop's branding changed by its own staff in the admin panel
 * (docs/admin.md, "Branding"): its name and palette as one change, and
 * its logo, each checked by the rules onboarding uses
 * (svc/tenant_create.h, svc/tenant_logo.h) and audited in the change's
 * transaction (svc/audit.h, object type "branding", the tenant's slug).
 *
 * Telling workers (ec_invalidate_tenants()) is the caller's job, after
 * the commit, as for `ecomctl tenant brand`.
 */
#ifndef EC_SVC_TENANT_BRAND_H
#define EC_SVC_TENANT_BRAND_H

#include <stddef.h>

#include "svc/tenant_create.h"
#include "svc/tenant_logo.h"

struct ec_audit_actor;
struct ec_db;

/*
 * Set tenant_id's (slug's) name and palette (every colour; checked as one) and
 * record the change, before and after, as who. Returns 0 (a change that
 * changes nothing writes and records nothing, *changed 0), or
 * EC_ERR_INVALID_FIELD with why (nothing written), EC_ERR_NOT_FOUND, or
 * a store error (rolled back).
 */
int ec_tenant_brand_set(struct ec_db *db, long long tenant_id, const char *slug,
                        const char *name, const struct ec_tenant_palette *p,
                        const struct ec_audit_actor *who, int *changed,
                        struct ec_tenant_refusal *why);

/*
 * Check data (len bytes) as tenant slug's logo, store it and record it as
 * ec_tenant_logo_store() does, with the audit row in the same transaction
 * as the tenant's new logo_path. Returns 0 with path, or its errors
 * (EC_ERR_INVALID_FIELD with *why for a file that is no acceptable
 * image: nothing written).
 */
int ec_tenant_brand_logo(struct ec_db *db, const char *upload_dir,
                         long long tenant_id, const char *slug,
                         const unsigned char *data, size_t len,
                         const struct ec_audit_actor *who,
                         char path[EC_TENANT_LOGO_PATH_MAX], const char **why);

#endif
