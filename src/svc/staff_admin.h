/*
 * The panel's management of a tenant's staff (docs/admin.md, MANAGE):
 * add a user, change a role, disable and enable, each audited (object
 * "staff", the user's id) in the change's transaction.
 *
 * Invariants:
 *   - only the tenant's own users are managed: operators (no tenant) and
 *     other tenants' users are not found (EC_ERR_NOT_FOUND);
 *   - nobody disables or demotes themselves, and a tenant always keeps
 *     one enabled admin: the rule is checked with the tenant's admins
 *     locked, so two admins demoting each other at once cannot both win;
 *   - an audit row never holds a password or its hash.
 */
#ifndef EC_SVC_STAFF_ADMIN_H
#define EC_SVC_STAFF_ADMIN_H

#include "svc/audit.h"
#include "svc/staff.h"

struct ec_db;

/*
 * Add a user with role (admin, editor, viewer or agent: an operator is
 * not made here) and an initial password (the customers' rule,
 * core/password.h) to tenant_id, audited as who ("create"). 0 with *out;
 * EC_ERR_INVALID_FIELD or EC_ERR_EMAIL_TAKEN with *field, nothing
 * written; or a store error.
 */
int ec_staff_admin_create(struct ec_db *db,
                          const struct ec_password_params *params,
                          long long tenant_id, const char *email,
                          const char *name, int role, const char *password,
                          const struct ec_audit_actor *who,
                          struct ec_staff *out, const char **field);

/*
 * Give tenant_id's user id the role (not operator), or disable (1) or
 * enable (0) them, audited as who ("update"; before and after).
 * 0 (a change that changes nothing records nothing); EC_ERR_NOT_FOUND;
 * EC_ERR_INVALID_FIELD for a role a tenant's user cannot have;
 * EC_ERR_CONFLICT with *why "self" (who acts on themselves) or
 * "last_admin" (the tenant would have no enabled admin left); or a store
 * error.
 */
int ec_staff_admin_set_role(struct ec_db *db, long long tenant_id, long long id,
                            int role, const struct ec_audit_actor *who,
                            const char **why);
int ec_staff_admin_set_disabled(struct ec_db *db, long long tenant_id,
                                long long id, int disabled,
                                const struct ec_audit_actor *who,
                                const char **why);

#endif
