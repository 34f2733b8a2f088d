#include "cli/cms.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/json.h"
#include "cli/tenant_arg.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/seal.h"
#include "store/db.h"
#include "store/kv.h"
#include "net/https.h"
#include "svc/audit.h"
#include "svc/cms.h"
#include "svc/cms_sync.h"
#include "svc/invalidate.h"

/* A space export larger than this is a mistake, not a shop's content. */
#define EXPORT_MAX (256 * 1024 * 1024)

/* The options after SLUG into *s: 0, 1 (said on err) or 2 (usage). */
static int
read_options(struct ec_cms_settings *s, int argc, char **argv, FILE *err)
{
    for (int i = 3; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc;

        if (!v)
            return 2;
        if (strcmp(o, "--space") == 0)
            rc = ec_ctl_set_field(s->space_id, sizeof(s->space_id), v, o, err);
        else if (strcmp(o, "--environment") == 0)
            rc = ec_ctl_set_field(s->environment, sizeof(s->environment), v, o,
                                  err);
        else if (strcmp(o, "--locales") == 0)
            rc = ec_ctl_set_field(s->locales, sizeof(s->locales), v, o, err);
        else
            return 2;
        if (rc < 0)
            return 1;
    }
    return s->space_id[0] ? 0 : 2;
}

/* A secret from the environment, or NULL; unset afterwards so that no
   child of this process inherits it. */
static char *
secret_env(const char *name)
{
    const char *v = getenv(name);
    char *copy = v && *v ? strdup(v) : NULL;

    if (v)
        unsetenv(name);
    return copy;
}

static void
free_secret(char *s)
{
    if (s) {
        ec_mem_wipe(s, strlen(s));
        free(s);
    }
}

static int
configure(struct ec_db *db, const struct ec_seal *seal, int argc, char **argv,
          FILE *out, FILE *err)
{
    const char *slug = argv[2], *why = NULL;
    struct ec_cms_settings s, old;
    char *token, *secret;
    long long tenant;
    int rc;

    memset(&s, 0, sizeof(s));
    strcpy(s.environment, "master");
    if ((rc = read_options(&s, argc, argv, err)) != 0)
        return rc;
    if (seal->n == 0) {
        fprintf(err, "ecomctl: the configuration has no seal_keys_file: the "
                     "secrets cannot be sealed\n");
        return 1;
    }
    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    /* a secret not given again keeps the one stored */
    if ((rc = ec_cms_settings_load(db, tenant, &old)) < 0 &&
        rc != EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
        return 1;
    }
    if (rc == 0) {
        memcpy(s.token_sealed, old.token_sealed, sizeof(s.token_sealed));
        memcpy(s.secret_sealed, old.secret_sealed, sizeof(s.secret_sealed));
    }
    token = secret_env(EC_CMS_TOKEN_ENV);
    secret = secret_env(EC_CMS_SECRET_ENV);
    rc = ec_cms_settings_change(db, seal, tenant, slug, &s, token, secret,
                                &ec_audit_cli, &why);
    free_secret(token);
    free_secret(secret);
    if (rc < 0) {
        fprintf(err, "ecomctl: cms configure %s: %s\n", slug,
                why ? why : ec_db_last_error(db));
        return 1;
    }
    fprintf(out, "cms of %s: space %s, environment %s%s%s\n", slug, s.space_id,
            s.environment, s.locales[0] ? ", locales " : "", s.locales);
    return 0;
}

static int
show(struct ec_db *db, const char *slug, FILE *out, FILE *err)
{
    char token_kid[EC_SEAL_KID_MAX + 1] = "?",
                                     secret_kid[EC_SEAL_KID_MAX + 1] = "?";
    struct ec_cms_settings s;
    long long tenant, entries, assets;
    int rc;

    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    rc = ec_cms_settings_load(db, tenant, &s);
    if (rc == 0)
        rc = ec_cms_count(db, tenant, &entries, &assets);
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(err, "ecomctl: %s has no CMS settings\n", slug);
        return 1;
    }
    if (rc < 0) {
        fprintf(err, "ecomctl: %s\n", ec_db_last_error(db));
        return 1;
    }
    ec_seal_kid(s.token_sealed, token_kid);
    ec_seal_kid(s.secret_sealed, secret_kid);
    fprintf(out,
            "space\t%s\nenvironment\t%s\nlocales\t%s\ndelivery_token\tsealed "
            "with key %s\nwebhook_secret\tsealed with key %s\nentries\t%lld\n"
            "assets\t%lld\n",
            s.space_id, s.environment, s.locales, token_kid, secret_kid,
            entries, assets);
    return 0;
}

static int
import(struct ec_db *db, struct ec_kv *kv, const char *slug, const char *path,
       FILE *out, FILE *err)
{
    struct ec_cms_import_stats st;
    struct json_object *doc;
    const char *why = NULL;
    long long tenant;
    int rc;

    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    if (ec_cli_read_json(path, EXPORT_MAX, &doc, err) != 0)
        return 1;
    rc = ec_cms_import(db, tenant, doc, &st, &why);
    json_object_put(doc);
    if (rc < 0) {
        fprintf(err, "ecomctl: cms import %s: %s (%u items stored before)\n",
                path, why ? why : ec_db_last_error(db), st.stored);
        return 1;
    }
    fprintf(out, "cms import %s: %u stored, %u unchanged, %u skipped\n", slug,
            st.stored, st.unchanged, st.skipped);
    if (st.stored && ec_invalidate_data(kv, slug) < 0)
        fprintf(err, "ecomctl: warning: Redis is unreachable; running "
                     "workers show the old content until it is back and the "
                     "import is run again\n");
    return 0;
}

static int
sync(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
     const struct ec_cms_sync_conf *conf, const char *slug, int initial,
     FILE *out, FILE *err)
{
    struct ec_cms_sync_stats st;
    const char *why = NULL;
    long long tenant;
    int rc;

    if (ec_ctl_tenant_id(db, slug, &tenant, err) < 0)
        return 1;
    ec_https_global_init();
    rc = ec_cms_sync(db, seal, tenant, slug, conf, initial, &st, &why);
    ec_https_global_cleanup();
    if (rc < 0) {
        fprintf(err, "ecomctl: cms sync %s: %s; nothing was changed\n", slug,
                why ? why : ec_db_last_error(db));
        return 1;
    }
    fprintf(out, "cms sync %s: %s, %u pages, %u stored, %u deleted\n", slug,
            st.initial ? "initial" : "changes", st.pages, st.stored,
            st.deleted);
    if ((st.initial || st.stored || st.deleted) &&
        ec_invalidate_data(kv, slug) < 0)
        fprintf(err, "ecomctl: warning: Redis is unreachable; running "
                     "workers show the old content until it is back\n");
    return 0;
}

int
ec_ctl_cms(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
           const struct ec_cms_sync_conf *sync_conf, int argc, char **argv,
           FILE *out, FILE *err)
{
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "sync") == 0) {
        if (argc == 4 && strcmp(argv[3], "--initial") != 0)
            return 2;
        return sync(db, kv, seal, sync_conf, argv[2], argc == 4, out, err);
    }
    if (argc >= 3 && strcmp(argv[1], "configure") == 0)
        return configure(db, seal, argc, argv, out, err);
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return show(db, argv[2], out, err);
    if (argc == 4 && strcmp(argv[1], "import") == 0)
        return import(db, kv, argv[2], argv[3], out, err);
    return 2;
}
