/*
 * ecomctl: the operator's command line. It reads the same configuration
 * file as ecomd for its database and Redis settings. -u USER connects to
 * MariaDB as another account than the file's mysql_user (the password still
 * comes from ECOMD_MYSQL_PASSWORD or the file): migrations run as the
 * schema's owner, since ecomd's own account may not change tables.
 *
 *   ecomctl [-c FILE] [-u USER] migrate [DIR]
 *   ecomctl [-c FILE] seed FILE.sql
 *   ecomctl [-c FILE] tenant list
 *   ecomctl [-c FILE] tenant suspend|activate SLUG
 *   ecomctl [-c FILE] tenant create SLUG --name NAME --host HOST... [options]
 *   ecomctl [-c FILE] tenant show SLUG
 *   ecomctl [-c FILE] tenant brand SLUG [--primary C] [--on-primary C]
 *                 [--background C] [--text C] [--accent C]
 *   ecomctl [-c FILE] tenant logo SLUG FILE
 *   ecomctl [-c FILE] catalog export TENANT
 *   ecomctl [-c FILE] catalog import TENANT FILE
 *   ecomctl [-c FILE] price TENANT SKU [--channel C] [--binding N] [--at T]
 *   ecomctl [-c FILE] numbers import TENANT FILE.csv
 *   ecomctl [-c FILE] mitid configure SLUG --issuer URL --client-id ID
 *                 --secret-file F --style S [--scopes S] [--acr-values V]
 *                 [--required | --not-required]
 *   ecomctl [-c FILE] mitid show SLUG
 *   ecomctl [-c FILE] outbox dead [SLUG]
 *   ecomctl [-c FILE] outbox retry SLUG EVENT_ID|--all
 *   ecomctl [-c FILE] staff create SLUG|--operator EMAIL NAME ROLE
 *   ecomctl [-c FILE] staff list SLUG|--operator
 *   ecomctl [-c FILE] staff totp SLUG|--operator EMAIL
 *   ecomctl [-c FILE] apikey create SLUG NAME ROLE | list SLUG | revoke SLUG ID
 *   ecomctl [-c FILE] cms configure SLUG --space ID [--environment ENV]
 *                 [--locales SHOP=SPACE,...]
 *   ecomctl [-c FILE] cms show SLUG
 *   ecomctl [-c FILE] cms import SLUG FILE
 *   ecomctl [-c FILE] cms sync SLUG [--initial]
 *   ecomctl render TEMPLATE DATA.json [--partials DIR]
 *   ecomctl oidc discover ISSUER [--ca-file F]
 *   ecomctl oidc token ISSUER CLIENT_ID REDIRECT_URI CODE VERIFIER NONCE
 *                      [--ca-file F] [--basic]
 *   ecomctl -h|--help, ecomctl -v|--version
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "cli/cms.h"
#include "cli/json.h"
#include "cli/mitid.h"
#include "cli/numbers.h"
#include "cli/oidc.h"
#include "cli/outbox.h"
#include "cli/price.h"
#include "cli/apikey.h"
#include "cli/staff.h"
#include "cli/tenant.h"
#include "core/password.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "cli/render.h"
#include "app/settings.h"
#include "store/db.h"
#include "store/kv.h"
#include "store/migrate.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "svc/cms_sync.h"
#include "svc/invalidate.h"
#include "svc/tenant.h"

/* A catalog document larger than this is a mistake, not a catalog. */
#define CTL_MAX_DOC (64 * 1024 * 1024)

struct ctl {
    struct ec_settings settings;
    struct ec_db *db;
    struct ec_kv *kv;
};

struct command {
    const char *name;
    int (*run)(struct ctl *c, int argc, char **argv);
    int needs_config; /* reads the database settings */
    const char *usage;
};

static void
print_line(const char *line, void *ctx)
{
    fprintf(ctx, "%s\n", line);
}

static struct ec_db *
open_db(struct ctl *c)
{
    const struct ec_settings *s = &c->settings;
    struct ec_db_config cfg = {
        s->mysql_host,
        (unsigned)s->mysql_port,
        s->mysql_socket,
        s->mysql_user,
        s->mysql_password,
        s->mysql_database,
        (unsigned)s->mysql_connect_timeout,
        (unsigned)s->mysql_read_timeout,
    };

    if (!c->db)
        c->db = ec_db_new(&cfg);
    return c->db;
}

static struct ec_kv *
open_kv(struct ctl *c)
{
    const struct ec_settings *s = &c->settings;
    struct ec_kv_config cfg = {s->redis_host,
                               (unsigned)s->redis_port,
                               (unsigned)s->redis_connect_timeout,
                               (unsigned)s->redis_timeout,
                               s->redis_user,
                               s->redis_password};

    if (!c->kv)
        c->kv = ec_kv_new(&cfg);
    return c->kv;
}

/* Tell running workers that tenants changed; they reload on next use. */
static int
bump_tenants(struct ctl *c)
{
    if (ec_invalidate_tenants(open_kv(c)) < 0) {
        fprintf(stderr, "ecomctl: warning: Redis is unreachable; running "
                        "workers keep their cached tenants until it is back "
                        "and the command is run again\n");
        return 1;
    }
    return 0;
}

static int
cmd_migrate(struct ctl *c, int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "sql";

    if (ec_migrate(open_db(c), dir, print_line, stdout) < 0)
        return 1;
    printf("schema is up to date\n");
    return 0;
}

static int
cmd_seed(struct ctl *c, int argc, char **argv)
{
    struct ec_buf text = EC_BUF_INIT;
    int rc;

    if (argc != 2)
        return 2;
    if (ec_buf_read_file(&text, argv[1], 64 * 1024 * 1024) < 0) {
        perror(argv[1]);
        ec_buf_release(&text);
        return 1;
    }
    rc = ec_db_exec_script(open_db(c), text.data, text.len);
    ec_buf_release(&text);
    if (rc < 0) {
        fprintf(stderr, "ecomctl: seed %s failed: %s\n", argv[1],
                ec_db_last_error(c->db));
        return 1;
    }
    printf("seeded %s\n", argv[1]);
    bump_tenants(c);
    return 0;
}

static int
cmd_tenant(struct ctl *c, int argc, char **argv)
{
    const char *status;
    int rc;

    if (argc > 1 &&
        (strcmp(argv[1], "create") == 0 || strcmp(argv[1], "show") == 0 ||
         strcmp(argv[1], "brand") == 0 || strcmp(argv[1], "logo") == 0))
        return ec_ctl_tenant(open_db(c), open_kv(c), &c->settings, argc, argv,
                             stdout, stderr);
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        if (ec_tenant_list(open_db(c), print_line, stdout) < 0) {
            fprintf(stderr, "ecomctl: %s\n", ec_db_last_error(c->db));
            return 1;
        }
        return 0;
    }
    if (argc != 3)
        return 2;
    if (strcmp(argv[1], "suspend") == 0)
        status = "suspended";
    else if (strcmp(argv[1], "activate") == 0)
        status = "active";
    else
        return 2;
    rc = ec_tenant_set_status(open_db(c), argv[2], status);
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(stderr, "ecomctl: no tenant '%s'\n", argv[2]);
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr, "ecomctl: %s\n", ec_db_last_error(c->db));
        return 1;
    }
    printf("tenant %s is now %s\n", argv[2], status);
    bump_tenants(c);
    return 0;
}

static int
catalog_export(struct ctl *c, const char *slug)
{
    struct json_object *doc;
    int rc = ec_catalog_export(open_db(c), slug, &doc);

    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(stderr, "ecomctl: no tenant '%s'\n", slug);
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr, "ecomctl: catalog export failed: %s\n",
                ec_db_last_error(c->db));
        return 1;
    }
    printf("%s\n", json_object_to_json_string_ext(
                       doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(doc);
    /* a full disk must not pass for a complete export */
    if (fflush(stdout) != 0) {
        fprintf(stderr, "ecomctl: writing the export: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static int
catalog_import(struct ctl *c, const char *slug, const char *path)
{
    struct ec_check_error err;
    struct json_object *doc;
    int rc;

    if (ec_cli_read_json(path, CTL_MAX_DOC, &doc, stderr) != 0)
        return 1;
    rc = ec_catalog_import(open_db(c), slug, doc, &err, print_line, stdout);
    json_object_put(doc);
    if (rc == EC_ERR_INVALID_FIELD) {
        fprintf(stderr, "ecomctl: %s: %s: %s\n", path, err.path, err.message);
        return 1;
    }
    if (rc == EC_ERR_NOT_FOUND) {
        fprintf(stderr, "ecomctl: no tenant '%s'\n", slug);
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr,
                "ecomctl: catalog import failed, nothing was changed: %s\n",
                ec_db_last_error(c->db));
        return 1;
    }
    /* the catalog is committed; only the workers' caches lag behind */
    if (ec_invalidate_data(open_kv(c), slug) < 0)
        fprintf(stderr,
                "ecomctl: warning: Redis is unreachable; running workers "
                "show the old catalog of %s until it is back and the import "
                "is run again\n",
                slug);
    return 0;
}

static int
cmd_catalog(struct ctl *c, int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "export") == 0)
        return catalog_export(c, argv[2]);
    if (argc == 4 && strcmp(argv[1], "import") == 0)
        return catalog_import(c, argv[2], argv[3]);
    return 2;
}

static int
cmd_render(struct ctl *c, int argc, char **argv)
{
    const char *partials = NULL;

    if (argc == 5 && strcmp(argv[3], "--partials") == 0)
        partials = argv[4];
    else if (argc != 3)
        return 2;
    return ec_render_file(argv[1], argv[2], partials, stdout, stderr);
}

static int
cmd_price(struct ctl *c, int argc, char **argv)
{
    return ec_ctl_price(open_db(c), argc, argv, stdout, stderr);
}

static int
cmd_numbers(struct ctl *c, int argc, char **argv)
{
    return ec_ctl_numbers(open_db(c), open_kv(c), argc, argv, stdout, stderr);
}

static int
cmd_oidc(struct ctl *c, int argc, char **argv)
{
    (void)c;
    return ec_ctl_oidc(argc, argv, stdout, stderr);
}

static int
cmd_mitid(struct ctl *c, int argc, char **argv)
{
    return ec_ctl_mitid(open_db(c), open_kv(c), &c->settings.seal, argc, argv,
                        stdout, stderr);
}

static int
cmd_outbox(struct ctl *c, int argc, char **argv)
{
    return ec_ctl_outbox(open_db(c), argc, argv, stdout, stderr);
}

static int
cmd_staff(struct ctl *c, int argc, char **argv)
{
    struct ec_password_params params;

    ec_settings_password_params(&c->settings, &params);
    return ec_ctl_staff(open_db(c), &params, &c->settings.seal, argc, argv,
                        stdout, stderr);
}

static int
cmd_apikey(struct ctl *c, int argc, char **argv)
{
    return ec_ctl_apikey(open_db(c), argc, argv, stdout, stderr);
}

static int
cmd_cms(struct ctl *c, int argc, char **argv)
{
    struct ec_cms_sync_conf sync = {c->settings.cms_cdn_url,
                                    c->settings.cms_ca_file};

    return ec_ctl_cms(open_db(c), open_kv(c), &c->settings.seal, &sync, argc,
                      argv, stdout, stderr);
}

static const struct command commands[] = {
    {"migrate", cmd_migrate, 1,
     "migrate [DIR]     apply new sql/NNN_*.sql files"},
    {"seed", cmd_seed, 1, "seed FILE.sql     run an SQL data file (demo data)"},
    {"tenant", cmd_tenant, 1,
     "tenant list | suspend SLUG | activate SLUG | show SLUG\n"
     "         | create SLUG --name NAME --host HOST [--host HOST]... "
     "[--currency C]\n"
     "           [--locale L] [--time-zone TZ] [--vat PERCENT] "
     "[--catalog-from SLUG]\n"
     "           [--primary C] [--on-primary C] [--background C] [--text C] "
     "[--accent C]\n"
     "         | brand SLUG [--primary C] [--on-primary C] [--background C] "
     "[--text C] [--accent C]\n"
     "         | logo SLUG FILE   a PNG, JPEG or WebP (512 KiB, 4096x4096 at "
     "most)"},
    {"catalog", cmd_catalog, 1,
     "catalog export TENANT | import TENANT FILE   the catalog as JSON"},
    {"price", cmd_price, 1,
     "price TENANT SKU [--channel C] [--binding N] [--sim TYPE] [--at "
     "ISO-8601]"},
    {"numbers", cmd_numbers, 1,
     "numbers import TENANT FILE.csv   add phone numbers to the pool"},
    {"oidc", cmd_oidc, 0,
     "oidc discover ISSUER | token ISSUER CLIENT_ID REDIRECT_URI CODE "
     "VERIFIER NONCE [--ca-file F] [--basic]"},
    {"mitid", cmd_mitid, 1,
     "mitid configure SLUG --issuer URL --client-id ID --secret-file F "
     "--style idura|signicat|signaturgruppen [--scopes S] [--acr-values V] "
     "[--required|--not-required] | show SLUG"},
    {"outbox", cmd_outbox, 1,
     "outbox dead [SLUG] | retry SLUG EVENT_ID|--all   events the receiver "
     "refused for good"},
    {"staff", cmd_staff, 1,
     "staff create SLUG|--operator EMAIL NAME ROLE | list SLUG|--operator | "
     "totp SLUG|--operator EMAIL   the admin panel's users (password from "
     "ECOMD_STAFF_PASSWORD)"},
    {"apikey", cmd_apikey, 1,
     "apikey create SLUG NAME ROLE | list SLUG | revoke SLUG ID   the admin "
     "API's keys (ROLE admin, editor or viewer; the key is printed once)"},
    {"cms", cmd_cms, 1,
     "cms configure SLUG --space ID [--environment ENV] [--locales "
     "SHOP=SPACE,...] | show SLUG | import SLUG FILE | sync SLUG "
     "[--initial]   Contentful (the "
     "delivery token from ECOMD_CMS_DELIVERY_TOKEN, the webhook secret "
     "from ECOMD_CMS_WEBHOOK_SECRET)"},
    {"render", cmd_render, 0,
     "render TEMPLATE DATA.json [--partials DIR]   print a rendered template"},
    {NULL, NULL, 0, NULL},
};

#define DEFAULT_CONF "etc/ecomd.conf"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: ecomctl [-c FILE] [-u USER] COMMAND [ARGS]\n"
            "  -c FILE        configuration file (default %s)\n"
            "  -u, --mysql-user USER\n"
            "                 MariaDB account instead of mysql_user (e.g. "
            "the\n"
            "                 schema's owner for migrate); its password from\n"
            "                 ECOMD_MYSQL_PASSWORD\n"
            "  -v, --version  print the version and exit\n"
            "  -h, --help     print this help and exit\n\ncommands:\n",
            DEFAULT_CONF);
    for (const struct command *cmd = commands; cmd->name; cmd++)
        fprintf(out, "  %s\n", cmd->usage);
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},
        {"mysql-user", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    const char *conf = DEFAULT_CONF, *mysql_user = NULL;
    const struct command *cmd;
    struct ctl c;
    char err[512];
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "+c:u:hv", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            conf = optarg;
            break;
        case 'u':
            mysql_user = optarg;
            break;
        case 'v':
            printf("ecomctl %s\n", PACKAGE_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1) {
        usage(stderr);
        return 2;
    }
    for (cmd = commands; cmd->name; cmd++)
        if (strcmp(cmd->name, argv[0]) == 0)
            break;
    if (!cmd->name) {
        fprintf(stderr, "ecomctl: unknown command '%s'\n", argv[0]);
        usage(stderr);
        return 2;
    }
    memset(&c, 0, sizeof(c));
    if (cmd->needs_config &&
        ec_settings_load(&c.settings, conf, err, sizeof(err)) < 0) {
        fprintf(stderr, "ecomctl: %s\n", err);
        return 1;
    }
    if (cmd->needs_config && mysql_user) {
        free(c.settings.mysql_user);
        c.settings.mysql_user = ec_xstrdup(mysql_user);
    }
    /* operator detail goes to the terminal, not to the server's log */
    ec_log_open("stderr", "stderr", EC_LOG_WARN);
    rc = cmd->run(&c, argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: ecomctl %s\n", cmd->usage);
    ec_db_free(c.db);
    ec_kv_free(c.kv);
    ec_settings_release(&c.settings);
    return rc;
}
