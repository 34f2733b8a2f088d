/*
 * Onboarding a brand: checking and creating a tenant with its hostnames,
 * settings and palette, changing its palette and logo later. ecomctl's
 * `tenant create|brand|logo` are thin shells over this, and so will the
 * admin panel's onboarding form be.
 *
 * Rules (each refusal names its field and says why, in words an operator
 * acts on):
 *   - slug: 1 to 40 of [a-z0-9-], starting with a letter or digit (it
 *     names folders and Redis keys); unique;
 *   - hostnames: 1 to EC_TENANT_HOSTS_MAX, each as the dispatcher
 *     normalises a Host header (lower case, no port): labels of [a-z0-9-]
 *     of 1 to 63, not starting or ending with '-', 253 at most in all; no
 *     hostname served by another tenant or named twice; the first is the
 *     primary;
 *   - currency: ISO 4217 with two minor digits (prices are kept in
 *     hundredths);
 *   - time zone: an IANA name the system's zone files know;
 *   - locale: "ll" or "ll-CC" (that the theme speaks it is the caller's
 *     check: svc/ does not read message catalogs);
 *   - VAT rate: 0 to 10000 basis points;
 *   - palette: ec_tenant_palette_check().
 *
 * A create writes the tenant, its hostnames and its audit row (object
 * "tenant", the slug, action "create") in one transaction, or nothing.
 * ec_tenant_onboard() is the whole of onboarding (the checks, the create,
 * the first catalog copied from another tenant), the one path ecomctl's
 * `tenant create` and the panel's form both take. Telling workers
 * (svc/invalidate.h) is the caller's job, after the commit: a worker may
 * hold the new hostnames as unknown.
 */
#ifndef EC_SVC_TENANT_CREATE_H
#define EC_SVC_TENANT_CREATE_H

#include <stddef.h>

struct ec_audit_actor;
struct ec_db;
struct json_object;

#define EC_TENANT_HOSTS_MAX 16
#define EC_TENANT_NAME_MAX 100 /* characters, as the column */

/* Colours as "#rgb" or "#rrggbb" (stored as "#rrggbb"). */
struct ec_tenant_palette {
    const char *primary;    /* links and buttons; the header's background */
    const char *on_primary; /* text on primary */
    const char *background;
    const char *text;   /* text on background */
    const char *accent; /* focus ring and borders on background */
};

struct ec_tenant_spec {
    const char *slug;
    const char *name;
    const char *currency;
    const char *locale;
    const char *time_zone;
    int vat_rate_bp;
    const char *hosts[EC_TENANT_HOSTS_MAX];
    size_t nhosts;
    struct ec_tenant_palette palette;
};

/* Why an input was refused: the field ("slug", "host", "color_text", …)
   and a sentence; for a hostname, which one (borrowed from the input;
   NULL for the field as a whole), so a form can name it in its own
   words. */
struct ec_tenant_refusal {
    const char *field;
    char message[256];
    const char *host;
};

/* The defaults of the tenants table (Danish kroner, da-DK,
   Europe/Copenhagen, 25 % VAT, the default theme's palette); no slug,
   name or hostname. */
void ec_tenant_spec_init(struct ec_tenant_spec *s);

/* 0, or -1 with why filled. No I/O. */
int ec_tenant_slug_check(const char *slug, struct ec_tenant_refusal *why);
int ec_tenant_host_check(const char *host, struct ec_tenant_refusal *why);
int ec_tenant_currency_check(const char *code, struct ec_tenant_refusal *why);

/*
 * The palette against WCAG 2.x AA (core/contrast.h): text on background,
 * on_primary on primary and primary on background (links) at 4.5:1 at
 * least, accent on background (the focus ring) at 3:1. 0, or -1 with why
 * naming the first colour that is malformed or the pair that fails, with
 * its ratio.
 */
int ec_tenant_palette_check(const struct ec_tenant_palette *p,
                            struct ec_tenant_refusal *why);

/* The pairings of colours the default theme draws (the table in
   tenant_create.c), and one as ec_tenant_palette_each() reports it. */
#define EC_TENANT_PAIRINGS 8

struct ec_tenant_pairing {
    const char *key;   /* stable: "text", "on_primary", "links", "notice",
                          "highlight", "error", "focus", "border" */
    const char *what;  /* in English, for operators' messages */
    const char *field; /* the colour a failure is blamed on */
    char fg[8], bg[8]; /* the colours as drawn (mixed), "#rrggbb" */
    double ratio;      /* rounded down to hundredths */
    double min;        /* what WCAG AA asks for */
    int pass;
};

/*
 * Every pairing of palette p, in the table's order, into out: the same
 * table and arithmetic ec_tenant_palette_check() judges by, for a form
 * that shows each contrast. Returns how many fail (0: the palette
 * passes), or -1 with why naming the first malformed colour (out then
 * undefined).
 */
int ec_tenant_palette_each(const struct ec_tenant_palette *p,
                           struct ec_tenant_pairing out[EC_TENANT_PAIRINGS],
                           struct ec_tenant_refusal *why);

/* A shop's name: 1 to EC_TENANT_NAME_MAX characters, no control
   characters. 0, or -1 with why. */
int ec_tenant_name_check(const char *name, struct ec_tenant_refusal *why);

/* A VAT rate as a percentage, "25", "12.5" or "12.75" (0 to 100, at
   most two decimals), into *bp in basis points: 0, or -1 with why
   (field "vat"). */
int ec_tenant_vat_parse(const char *s, int *bp, struct ec_tenant_refusal *why);

/* Every rule above but uniqueness (reads the zone files). 0 or -1. */
int ec_tenant_spec_check(const struct ec_tenant_spec *s,
                         struct ec_tenant_refusal *why);

/* Called with each refusal of ec_tenant_spec_refusals(); borrowed for the
   call. */
typedef void (*ec_tenant_refusal_fn)(const struct ec_tenant_refusal *why,
                                     void *ctx);

/*
 * The rules of ec_tenant_spec_check(), every field checked rather than
 * stopping at the first, for a form that answers each bad field at its
 * place: fn gets each refusal in ec_tenant_spec_check()'s order (at most
 * one a field; the palette's first failing pairing or malformed colour).
 * Returns how many.
 */
int ec_tenant_spec_refusals(const struct ec_tenant_spec *s,
                            ec_tenant_refusal_fn fn, void *ctx);

/*
 * Check s and create the tenant with its hostnames and who's audit row
 * in one transaction. Returns 0 with *id; EC_ERR_INVALID_FIELD (a rule)
 * or EC_ERR_CONFLICT (the slug or a hostname is taken) with why filled
 * and nothing written; or the database's error.
 */
int ec_tenant_create(struct ec_db *db, const struct ec_tenant_spec *s,
                     const struct ec_audit_actor *who, long long *id,
                     struct ec_tenant_refusal *why);

/*
 * Onboarding, as `ecomctl tenant create` and the panel do it: check s;
 * with from (NULL: none), read that tenant's catalog as `catalog export`
 * writes it and check it in s's time zone; create the tenant as
 * ec_tenant_create() does (the audit row names from as "catalog_from");
 * then import the catalog as `catalog import` does, with *changes the
 * number of changes it made. Should the import fail, the new tenant is
 * removed again, so a failed onboarding leaves nothing behind.
 *
 * Returns 0 with *id; EC_ERR_INVALID_FIELD or EC_ERR_CONFLICT with why
 * (field "catalog_from" for a source that does not exist or whose
 * catalog does not fit); or a store error. *id is set (non-zero) as soon
 * as the tenant existed, even for a moment: the caller tells the workers
 * then, as one may have found it.
 */
int ec_tenant_onboard(struct ec_db *db, const struct ec_tenant_spec *s,
                      const char *from, const struct ec_audit_actor *who,
                      long long *id, int *changes,
                      struct ec_tenant_refusal *why);

/*
 * Remove tenant id again when what should have followed its create (its
 * first catalog) failed: its rows go with it (ON DELETE CASCADE). For a
 * tenant made moments ago only. 0 or a store error.
 */
int ec_tenant_discard(struct ec_db *db, long long id);

/*
 * Change slug's palette (every colour, checked as one). 0,
 * EC_ERR_INVALID_FIELD with why, EC_ERR_NOT_FOUND, or a store error.
 */
int ec_tenant_set_palette(struct ec_db *db, const char *slug,
                          const struct ec_tenant_palette *p,
                          struct ec_tenant_refusal *why);

/* Record path (under the static root) as slug's logo. 0,
   EC_ERR_NOT_FOUND or a store error. */
int ec_tenant_set_logo(struct ec_db *db, const char *slug, const char *path);

/* The hostnames of tenant id, the primary first, as a new json-c array. */
int ec_tenant_hosts(struct ec_db *db, long long id, struct json_object **out);

#endif
