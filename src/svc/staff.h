/*
 * Staff: who may change a shop, separate from its customers
 * (sql/009_staff.sql, docs/admin.md). The roles, what each may do, the
 * users and their second factor. The panel's sign-in builds on this.
 *
 * Invariants:
 *   - an operator belongs to no tenant and may act for every one; every
 *     other user belongs to exactly one tenant, with one role there;
 *   - an e-mail address is normalised (svc/email.h) and unique among a
 *     tenant's staff, and among the operators;
 *   - a password is hashed with argon2id (core/password.h), never stored
 *     or logged otherwise; a TOTP secret is stored only sealed (context
 *     "staff.totp"), and a code's time step is used once.
 */
#ifndef EC_SVC_STAFF_H
#define EC_SVC_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "core/password.h"
#include "svc/account.h"
#include "svc/email.h"

struct ec_buf;
struct ec_db;
struct ec_seal;

#define EC_STAFF_NAME_SIZE EC_ACCOUNT_NAME_SIZE /* 100 characters in UTF-8 */
#define EC_STAFF_TOTP_CONTEXT "staff.totp"

enum ec_staff_role {
    EC_STAFF_OPERATOR, /* the platform's: every tenant */
    EC_STAFF_ADMIN,    /* a tenant's: everything of that tenant */
    EC_STAFF_EDITOR,   /* catalog, campaigns, content */
    EC_STAFF_VIEWER,   /* reads only */
    EC_STAFF_AGENT,    /* sells in the outbound channel */
    EC_STAFF__NROLES
};

/* What a role may be asked to do. */
enum ec_staff_action {
    EC_STAFF_READ,         /* see the panel's screens and the audit log */
    EC_STAFF_EDIT_CATALOG, /* products, channels, prices, campaigns,
                              content */
    EC_STAFF_MANAGE,       /* branding, numbers, orders, staff, API keys */
    EC_STAFF_SELL,         /* shop in the outbound channel for a customer */
    EC_STAFF_TENANTS,      /* create tenants, act for any of them */
    EC_STAFF__NACTIONS
};

/* "operator", "admin", ...; NULL out of range. */
const char *ec_staff_role_name(enum ec_staff_role r);

/* The role named s, or -1. */
int ec_staff_role_parse(const char *s);

/* 1 if role r may do action a, else 0 (docs/admin.md has the table). */
int ec_staff_can(enum ec_staff_role r, enum ec_staff_action a);

struct ec_staff {
    long long id;
    long long tenant_id; /* 0: an operator */
    char email[EC_EMAIL_MAX + 1];
    char name[EC_STAFF_NAME_SIZE];
    enum ec_staff_role role;
    int has_totp; /* enrolled a second factor */
    int disabled;
};

/*
 * Add a user to tenant_id's staff (0 with role EC_STAFF_OPERATOR: an
 * operator; an operator's role needs 0 and every other role a tenant):
 * e-mail, name and password checked and normalised as for accounts, the
 * password hashed with params. Returns 0 with *out; EC_ERR_INVALID_FIELD
 * with *field ("email", "name", "password" or "role") and nothing
 * written; EC_ERR_EMAIL_TAKEN ("email") when that scope has the address;
 * or a store error.
 */
int ec_staff_create(struct ec_db *db, const struct ec_password_params *params,
                    long long tenant_id, const char *email, const char *name,
                    enum ec_staff_role role, const char *password,
                    struct ec_staff *out, const char **field);

/*
 * The user who signs in at tenant_id's shop with the normalised email:
 * that tenant's staff member, else an operator (a tenant's user is found
 * first). 0 with *out, EC_ERR_NOT_FOUND, or a store error.
 */
int ec_staff_find(struct ec_db *db, long long tenant_id, const char *email,
                  struct ec_staff *out);

/*
 * User id as the dispatcher reads them on each admin request, so that a
 * role changed or a user disabled counts at once: tenant_id's staff
 * member or an operator (no other tenant's). 0 with *out,
 * EC_ERR_NOT_FOUND, or a store error.
 */
int ec_staff_get(struct ec_db *db, long long tenant_id, long long id,
                 struct ec_staff *out);

/*
 * Check email (as sent, email_len bytes) and password at tenant_id's
 * shop (ec_staff_find()'s user), hashing as much for an unknown address
 * or a disabled user as for a known one; a stale hash is replaced with
 * one of params. 0 with *out; EC_ERR_SIGNIN_FAILED for an unknown
 * address, a wrong password or a disabled user alike; or a store error.
 */
int ec_staff_authenticate(struct ec_db *db,
                          const struct ec_password_params *params,
                          long long tenant_id, const char *email,
                          size_t email_len, const char *password,
                          size_t password_len, struct ec_staff *out);

/* Called per user of a listing; non-zero stops it. */
typedef int (*ec_staff_fn)(const struct ec_staff *s, void *ctx);

/*
 * tenant_id's staff (0: the operators), by e-mail, each to fn. 0, fn's
 * non-zero value, or a store error.
 */
int ec_staff_each(struct ec_db *db, long long tenant_id, ec_staff_fn fn,
                  void *ctx);

/*
 * Enrol user id in a second factor: a new random TOTP secret, sealed
 * with ring and stored (replacing one enrolled before, whose codes stop
 * working); its base32 (for an authenticator app) is appended to secret.
 * 0, EC_ERR_NOT_FOUND, EC_ERR_INTERNAL (an empty ring), or a store error.
 */
int ec_staff_totp_enroll(struct ec_db *db, const struct ec_seal *ring,
                         long long id, struct ec_buf *secret);

/*
 * Check code against user id's second factor at UTC second now, and use
 * its time step up: 0 when it is good and was not used before;
 * EC_ERR_SIGNIN_FAILED when it is wrong, malformed, used already, or the
 * user has none; or a store error. Two requests with one code: one wins
 * (the step is recorded with a conditional UPDATE).
 */
int ec_staff_totp_check(struct ec_db *db, const struct ec_seal *ring,
                        long long id, const char *code, int64_t now);

#endif
