#include "cli/tenant.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app/settings.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/image.h"
#include "net/https.h"
#include "render/messages.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/audit.h"
#include "svc/downstream.h"
#include "svc/invalidate.h"
#include "svc/payment.h"
#include "svc/tenant.h"
#include "svc/tenant_create.h"
#include "svc/tenant_logo.h"

/* A palette option (--primary …): 1 and the value set, 0 when o is not
   one. */
static int
palette_option(struct ec_tenant_palette *p, const char *o, const char *v)
{
    const char **slot = strcmp(o, "--primary") == 0      ? &p->primary
                        : strcmp(o, "--on-primary") == 0 ? &p->on_primary
                        : strcmp(o, "--background") == 0 ? &p->background
                        : strcmp(o, "--text") == 0       ? &p->text
                        : strcmp(o, "--accent") == 0     ? &p->accent
                                                         : NULL;

    if (!slot)
        return 0;
    *slot = v;
    return 1;
}

/* The theme speaks locale (its language at least), or pages would be in
   the fallback language: 0, or -1 said on err. */
static int
locale_spoken(const struct ec_settings *settings, const char *locale, FILE *err)
{
    if (ec_messages_speaks(settings->templates_dir, locale))
        return 0;
    fprintf(err,
            "ecomctl: the theme has no messages in %s (%s/default/messages): "
            "its pages would be in %s\n",
            locale, settings->templates_dir, EC_MESSAGES_FALLBACK_LOCALE);
    return -1;
}

static void
say_refusal(const struct ec_tenant_refusal *why, FILE *err)
{
    fprintf(err, "ecomctl: %s\n", why->message);
}

/* Tell every worker; a warning only, since the change is committed. */
static void
tell_workers(struct ec_kv *kv, const char *slug, int data, FILE *err)
{
    if (ec_invalidate_tenants(kv) == 0 &&
        (!data || ec_invalidate_data(kv, slug) == 0))
        return;
    /* a worker whose subscription is up never hears of the change */
    fprintf(err,
            "ecomctl: warning: Redis is unreachable, so running workers were "
            "not told: they may answer from their caches (a new hostname as "
            "unknown) until `ecomctl tenant activate %s` is run with Redis "
            "back\n",
            slug);
}

/* The options of `tenant create` into s and *from: 0, 1 refused (said on
   err) or 2 a usage error. */
static int
create_options(int argc, char **argv, struct ec_tenant_spec *s,
               const char **from, FILE *err)
{
    for (int i = 3; i < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];

        if (!v)
            return 2;
        if (palette_option(&s->palette, o, v))
            continue;
        if (strcmp(o, "--name") == 0)
            s->name = v;
        else if (strcmp(o, "--host") == 0 && s->nhosts < EC_TENANT_HOSTS_MAX)
            s->hosts[s->nhosts++] = v;
        else if (strcmp(o, "--host") == 0) {
            fprintf(err, "ecomctl: at most %d hostnames\n",
                    EC_TENANT_HOSTS_MAX);
            return 1;
        } else if (strcmp(o, "--currency") == 0)
            s->currency = v;
        else if (strcmp(o, "--locale") == 0)
            s->locale = v;
        else if (strcmp(o, "--time-zone") == 0)
            s->time_zone = v;
        else if (strcmp(o, "--catalog-from") == 0)
            *from = v;
        else if (strcmp(o, "--vat") == 0) {
            struct ec_tenant_refusal why;

            if (ec_tenant_vat_parse(v, &s->vat_rate_bp, &why) < 0) {
                fprintf(err,
                        "ecomctl: --vat is a percentage from 0 to 100 "
                        "with at most two decimals (25, 12.5), not "
                        "'%s'\n",
                        v);
                return 1;
            }
        } else
            return 2;
    }
    return s->name && s->nhosts > 0 ? 0 : 2;
}

static int
create(struct ec_db *db, struct ec_kv *kv, const struct ec_settings *settings,
       int argc, char **argv, FILE *out, FILE *err)
{
    struct ec_tenant_spec s;
    struct ec_tenant_refusal why;
    const char *from = NULL;
    long long id;
    int changes, rc;

    ec_tenant_spec_init(&s);
    s.slug = argv[2];
    if ((rc = create_options(argc, argv, &s, &from, err)) != 0)
        return rc;
    /* the rules first, so a bad field is named before the locale */
    if (ec_tenant_spec_check(&s, &why) < 0) {
        say_refusal(&why, err);
        return 1;
    }
    if (locale_spoken(settings, s.locale, err) < 0)
        return 1;
    rc = ec_tenant_onboard(db, &s, from, &ec_audit_cli, &id, &changes, &why);
    if ((rc == EC_ERR_INVALID_FIELD || rc == EC_ERR_CONFLICT) && why.field &&
        strcmp(why.field, "catalog_from") == 0)
        fprintf(err, "ecomctl: --catalog-from: %s\n", why.message);
    else if (rc == EC_ERR_INVALID_FIELD || rc == EC_ERR_CONFLICT)
        say_refusal(&why, err);
    else if (rc < 0)
        fprintf(err, "ecomctl: could not create the tenant: %s\n",
                ec_db_last_error(db));
    /* told even when the copy failed and the tenant went again: a worker
       may have found it in between */
    if (id)
        tell_workers(kv, s.slug, from != NULL, err);
    if (rc < 0)
        return 1;
    if (from)
        fprintf(out, "copied the catalog (%d changes)\n", changes);
    fprintf(out, "created tenant %s (%s) at %s", s.slug, s.name, s.hosts[0]);
    for (size_t i = 1; i < s.nhosts; i++)
        fprintf(out, ", %s", s.hosts[i]);
    fprintf(out, "\n");
    return 0;
}

static int
brand(struct ec_db *db, struct ec_kv *kv, int argc, char **argv, FILE *out,
      FILE *err)
{
    struct ec_tenant_refusal why;
    struct ec_tenant_palette p;
    struct ec_tenant *t;
    int rc = ec_tenant_load(db, argv[2], &t);

    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: no tenant '%s'\n", argv[2]);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
        return 1;
    }
    /* what is not named stays, and is checked with the rest */
    p = (struct ec_tenant_palette){t->color_primary, t->color_on_primary,
                                   t->color_background, t->color_text,
                                   t->color_accent};
    rc = argc > 3 ? 0 : 2;
    for (int i = 3; rc == 0 && i < argc; i += 2)
        if (!argv[i + 1] || !palette_option(&p, argv[i], argv[i + 1]))
            rc = 2;
    if (rc == 0) {
        rc = ec_tenant_set_palette(db, argv[2], &p, &why);
        if (rc == EC_ERR_INVALID_FIELD)
            say_refusal(&why, err);
        else if (rc < 0)
            fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
        rc = rc < 0 ? 1 : 0;
    }
    ec_tenant_free(t);
    if (rc == 0) {
        fprintf(out, "the palette of %s is changed\n", argv[2]);
        tell_workers(kv, argv[2], 0, err);
    }
    return rc;
}

static int
logo(struct ec_db *db, struct ec_kv *kv, const struct ec_settings *settings,
     const char *slug, const char *file, FILE *out, FILE *err)
{
    char path[EC_TENANT_LOGO_PATH_MAX];
    struct ec_buf b = EC_BUF_INIT;
    const char *why = NULL;
    int rc;

    if (!settings->upload_dir) {
        fprintf(err, "ecomctl: the configuration has no upload_dir: logos "
                     "cannot be stored\n");
        return 1;
    }
    /* read no more than the limit allows: a larger file is refused by
       its size, as the check itself would */
    if (ec_buf_read_file(&b, file, EC_IMAGE_MAX_BYTES) < 0) {
        if (errno == EFBIG)
            fprintf(err, "ecomctl: %s: the image is larger than %d KiB\n", file,
                    EC_IMAGE_MAX_BYTES / 1024);
        else
            fprintf(err, "ecomctl: cannot read %s: %s\n", file,
                    strerror(errno));
        ec_buf_release(&b);
        return 1;
    }
    rc = ec_tenant_logo_store(db, settings->upload_dir, slug,
                              (const unsigned char *)b.data, b.len, path, &why);
    ec_buf_release(&b);
    if (rc == EC_ERR_INVALID_FIELD)
        fprintf(err, "ecomctl: %s: %s\n", file, why);
    else if (rc == EC_ERR_NOT_FOUND)
        fprintf(err, "ecomctl: no tenant '%s'\n", slug);
    else if (rc == EC_ERR_INTERNAL)
        fprintf(err, "ecomctl: the logo could not be written under %s\n",
                settings->upload_dir);
    else if (rc < 0)
        fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
    if (rc < 0)
        return 1;
    fprintf(out, "the logo of %s is %s/%s\n", slug, settings->static_url, path);
    tell_workers(kv, slug, 0, err);
    return 0;
}

/* The tenant's payment provider, as the settings choose it. */
static const char *
payment_of(const struct ec_settings *settings, const char *slug)
{
    struct ec_payment_conf pc;
    struct ec_https_opts https;
    const char *p;

    ec_settings_payment_conf(settings, &pc, &https);
    p = ec_payment_provider(&pc, slug);
    return p ? p : "none configured (payment_provider)";
}

/* Whether downstream_file names the tenant (never its secret). */
static const char *
downstream_of(const struct ec_settings *settings, const char *slug)
{
    struct ec_downstream d;
    const char *answer = "none (not in downstream_file)";
    char why[256];

    if (!settings->downstream_file)
        return "none (no downstream_file)";
    ec_downstream_init(&d);
    if (ec_downstream_load(&d, settings->downstream_file, why, sizeof(why)) < 0)
        answer = "unknown (downstream_file cannot be read)";
    else if (ec_downstream_find(&d, slug))
        answer = "configured in downstream_file";
    ec_downstream_release(&d);
    return answer;
}

static int
show(struct ec_db *db, const struct ec_settings *settings, const char *slug,
     FILE *out, FILE *err)
{
    struct json_object *hosts = NULL;
    struct ec_tenant *t;
    int rc = ec_tenant_load(db, slug, &t);

    if (rc == 0 && (rc = ec_tenant_hosts(db, t->id, &hosts)) < 0)
        ec_tenant_free(t);
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: no tenant '%s'\n", slug);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
        return 1;
    }
    fprintf(out, "slug\t%s\nname\t%s\nstatus\t%s\nhosts\t", t->slug, t->name,
            t->status);
    for (size_t i = 0; i < json_object_array_length(hosts); i++)
        fprintf(out, "%s%s", i ? " " : "",
                json_object_get_string(json_object_array_get_idx(hosts, i)));
    fprintf(out,
            "\ncurrency\t%s\nlocale\t%s\ntime_zone\t%s\nvat\t%d.%02d %%\n"
            "primary\t%s\non_primary\t%s\nbackground\t%s\ntext\t%s\n"
            "accent\t%s\nlogo\t%s\nmitid\t%s\npayment\t%s\ndownstream\t%s\n",
            t->currency, t->locale, t->time_zone, t->vat_rate_bp / 100,
            t->vat_rate_bp % 100, t->color_primary, t->color_on_primary,
            t->color_background, t->color_text, t->color_accent,
            t->logo_path ? t->logo_path : "-",
            !t->mitid           ? "none"
            : t->mitid_required ? "required"
                                : "offered",
            payment_of(settings, slug), downstream_of(settings, slug));
    json_object_put(hosts);
    ec_tenant_free(t);
    return 0;
}

int
ec_ctl_tenant(struct ec_db *db, struct ec_kv *kv,
              const struct ec_settings *settings, int argc, char **argv,
              FILE *out, FILE *err)
{
    if (argc < 3)
        return 2;
    /* options come in pairs */
    if (strcmp(argv[1], "create") == 0 && argc % 2 == 1)
        return create(db, kv, settings, argc, argv, out, err);
    if (strcmp(argv[1], "brand") == 0 && argc % 2 == 1)
        return brand(db, kv, argc, argv, out, err);
    if (strcmp(argv[1], "logo") == 0 && argc == 4)
        return logo(db, kv, settings, argv[2], argv[3], out, err);
    if (strcmp(argv[1], "show") == 0 && argc == 3)
        return show(db, settings, argv[2], out, err);
    return 2;
}
