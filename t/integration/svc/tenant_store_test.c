/*
 * Onboarding against a real MariaDB (the test stack's: 127.0.0.1, port
 * EC_MYSQL_PORT, user ecom, database ecom, password EC_MYSQL_PASSWORD):
 * a tenant and its hostnames created in one transaction or not at all,
 * refusals that write nothing, the worker's cache that keeps an unknown
 * host until it is told (why a create must publish), the palette and the
 * logo (stored by its hash in a scratch folder).
 *
 * Never skips: without the database (or its password) the first test
 * fails. The scratch tenants "onbtest" and "onbtest-2" are deleted at
 * the start and the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../unit/test.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "fixture.h"
#include "store/db.h"
#include "svc/audit.h"
#include "svc/tenant.h"
#include "svc/tenant_create.h"
#include "svc/tenant_logo.h"

#define SLUG "onbtest"
#define SLUG2 "onbtest-2"
/* every tenant's create recorded */
#define AUDITS "SELECT COUNT(*) FROM audit_log WHERE object_type = 'tenant'"
#define HOST "onbtest.localhost"
#define HOST_WWW "www.onbtest.localhost"

static struct ec_db_config cfg = {
    .host = "127.0.0.1",
    .port = 13307,
    .user = "ecom",
    .database = "ecom",
    .connect_timeout_ms = 2000,
    .read_timeout_ms = 5000,
};
static struct ec_db *db;

static void
drop_tenants(void)
{
    ec_db_exec(db,
               "DELETE FROM tenants WHERE slug IN ('" SLUG "', '" SLUG2 "')",
               NULL, 0, NULL, NULL, NULL);
}

static long long
count(const char *sql)
{
    long long n = -1;

    CU_ASSERT_EQUAL_FATAL(
        ec_db_exec(db, sql, NULL, 0, fixture_read_ll, &n, NULL), 0);
    return n;
}

static struct ec_tenant_spec
spec(const char *slug, const char *host)
{
    struct ec_tenant_spec s;

    ec_tenant_spec_init(&s);
    s.slug = slug;
    s.name = "Onboarding Test";
    s.hosts[0] = host;
    s.nhosts = 1;
    return s;
}

static void
test_create_and_read_back(void)
{
    struct ec_tenant_spec s = spec(SLUG, HOST);
    struct ec_tenant_refusal why;
    struct json_object *hosts;
    struct ec_tenant *t;
    long long id = 0;
    char q[512];

    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    drop_tenants();
    s.hosts[1] = HOST_WWW, s.nhosts = 2;
    s.currency = "EUR", s.locale = "en", s.time_zone = "Europe/Dublin";
    s.vat_rate_bp = 2300;
    s.palette.text = "#222";
    CU_ASSERT_EQUAL_FATAL(ec_tenant_create(db, &s, &ec_audit_cli, &id, &why),
                          0);
    CU_ASSERT(id > 0);
    CU_ASSERT_EQUAL_FATAL(ec_tenant_load(db, SLUG, &t), 0);
    CU_ASSERT_EQUAL(t->id, id);
    EC_ASSERT_STR(t->name, "Onboarding Test");
    EC_ASSERT_STR(t->status, "active");
    EC_ASSERT_STR(t->currency, "EUR");
    EC_ASSERT_STR(t->locale, "en");
    EC_ASSERT_STR(t->time_zone, "Europe/Dublin");
    CU_ASSERT_EQUAL(t->vat_rate_bp, 2300);
    EC_ASSERT_STR(t->color_text, "#222222"); /* stored as #rrggbb */
    EC_ASSERT_STR(t->color_primary, "#1f4e79");
    CU_ASSERT_PTR_NULL(t->logo_path);
    ec_tenant_free(t);
    CU_ASSERT_EQUAL_FATAL(ec_tenant_hosts(db, id, &hosts), 0);
    EC_ASSERT_STR(json_object_to_json_string_ext(hosts, JSON_C_TO_STRING_PLAIN),
                  "[\"" HOST "\",\"" HOST_WWW "\"]");
    json_object_put(hosts);
    CU_ASSERT_EQUAL(count("SELECT is_primary FROM tenant_domains"
                          " WHERE host = '" HOST "'"),
                    1);
    /* its audit row, written in the create's transaction */
    snprintf(q, sizeof(q),
             "SELECT COUNT(*) FROM audit_log WHERE tenant_id = %lld AND "
             "object_type = 'tenant' AND object_id = '" SLUG "' AND action "
             "= 'create' AND actor_kind = 'cli' AND before_json IS NULL AND "
             "JSON_VALUE(after_json, '$.color_text') = '#222222' AND "
             "JSON_VALUE(after_json, '$.hosts[1]') = '" HOST_WWW "'",
             id);
    CU_ASSERT_EQUAL(count(q), 1);
}

static void
test_refusals_write_nothing(void)
{
    struct ec_tenant_spec s = spec(SLUG, "onbtest-other.localhost");
    struct ec_tenant_refusal why;
    long long id = 0, audits = count(AUDITS);

    /* the slug is taken */
    CU_ASSERT_EQUAL(ec_tenant_create(db, &s, &ec_audit_cli, &id, &why),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(why.field, "slug");
    /* a hostname is another tenant's: the second one, so the first was
       looked at and passed */
    s = spec(SLUG2, "onbtest-2.localhost");
    s.hosts[1] = HOST_WWW, s.nhosts = 2;
    CU_ASSERT_EQUAL(ec_tenant_create(db, &s, &ec_audit_cli, &id, &why),
                    EC_ERR_CONFLICT);
    EC_ASSERT_STR(why.field, "host");
    CU_ASSERT(strstr(why.message, HOST_WWW) != NULL);
    /* a rule */
    s = spec(SLUG2, "onbtest-2.localhost");
    s.palette.on_primary = "#ffd700", s.palette.primary = "#ffffff";
    CU_ASSERT_EQUAL(ec_tenant_create(db, &s, &ec_audit_cli, &id, &why),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM tenants"
                          " WHERE slug = '" SLUG2 "'"),
                    0);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM tenant_domains"
                          " WHERE host LIKE 'onbtest-%'"),
                    0);
    /* nor an audit row */
    CU_ASSERT_EQUAL(count(AUDITS), audits);
}

/* A worker's cache keeps a host it found unknown: the reason a create
   publishes "tenants" (svc/invalidate.h) for every worker to flush. */
static void
test_unknown_host_cached_until_flushed(void)
{
    struct ec_tenant_cache *c = ec_tenant_cache_new();
    struct ec_tenant_spec s = spec(SLUG2, "onbtest-2.localhost");
    struct ec_tenant_refusal why;
    const struct ec_tenant *t = NULL;
    long long id = 0;

    CU_ASSERT_EQUAL(ec_tenant_resolve(c, db, "onbtest-2.localhost", &t),
                    EC_ERR_UNKNOWN_HOST);
    CU_ASSERT_EQUAL_FATAL(ec_tenant_create(db, &s, &ec_audit_cli, &id, &why),
                          0);
    CU_ASSERT_EQUAL(ec_tenant_resolve(c, db, "onbtest-2.localhost", &t),
                    EC_ERR_UNKNOWN_HOST);
    ec_tenant_cache_flush(c);
    CU_ASSERT_EQUAL_FATAL(ec_tenant_resolve(c, db, "onbtest-2.localhost", &t),
                          0);
    EC_ASSERT_STR(t->slug, SLUG2);
    ec_tenant_cache_free(c);
    /* and discarding it takes its hostnames along */
    CU_ASSERT_EQUAL(ec_tenant_discard(db, id), 0);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM tenant_domains"
                          " WHERE host = 'onbtest-2.localhost'"),
                    0);
}

static void
test_palette(void)
{
    struct ec_tenant_palette p = {"#7a1f3d", "#fff", "#fffaf3", "#2b1a12",
                                  "#b34700"};
    struct ec_tenant_refusal why;
    struct ec_tenant *t;

    CU_ASSERT_EQUAL(ec_tenant_set_palette(db, SLUG, &p, &why), 0);
    p.text = "#eeeeee"; /* on #fffaf3: far below AA */
    CU_ASSERT_EQUAL(ec_tenant_set_palette(db, SLUG, &p, &why),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(why.field, "color_text");
    CU_ASSERT_EQUAL_FATAL(ec_tenant_load(db, SLUG, &t), 0);
    EC_ASSERT_STR(t->color_text, "#2b1a12");
    EC_ASSERT_STR(t->color_on_primary, "#ffffff");
    ec_tenant_free(t);
    p.text = "#000";
    CU_ASSERT_EQUAL(ec_tenant_set_palette(db, "onbtest-nobody", &p, &why),
                    EC_ERR_NOT_FOUND);
}

/* A real 1x1 PNG. */
static const unsigned char png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
    0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static void
test_logo(void)
{
    char dir[] = "/tmp/ec-logo-XXXXXX", path[EC_TENANT_LOGO_PATH_MAX];
    char again[EC_TENANT_LOGO_PATH_MAX], file[512], want[128];
    unsigned char sum[EC_SHA256_SIZE];
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    const char *why = NULL;
    struct ec_tenant *t;
    struct stat st;
    FILE *f;
    unsigned char back[sizeof(png)];

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    /* refused by content: nothing stored, nothing recorded */
    CU_ASSERT_EQUAL(ec_tenant_logo_store(db, dir, SLUG,
                                         (const unsigned char *)svg,
                                         sizeof(svg) - 1, path, &why),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT(why && strstr(why, "SVG") != NULL);
    snprintf(file, sizeof(file), "%s/%s", dir, SLUG);
    CU_ASSERT_NOT_EQUAL(stat(file, &st), 0);
    CU_ASSERT_EQUAL(ec_tenant_logo_store(db, dir, "onbtest-nobody", png,
                                         sizeof(png), path, &why),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_NOT_EQUAL(stat(file, &st), 0);

    CU_ASSERT_EQUAL_FATAL(
        ec_tenant_logo_store(db, dir, SLUG, png, sizeof(png), path, &why), 0);
    ec_sha256(png, sizeof(png), sum);
    strcpy(want, "uploads/" SLUG "/");
    for (size_t i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(want + strlen(want), 3, "%02x", sum[i]);
    strcat(want, ".png");
    EC_ASSERT_STR(path, want);
    CU_ASSERT_EQUAL_FATAL(ec_tenant_load(db, SLUG, &t), 0);
    EC_ASSERT_STR(t->logo_path, want);
    ec_tenant_free(t);
    /* the file: the same bytes, readable by everyone (nginx's workers) */
    snprintf(file, sizeof(file), "%s/%s", dir, want + strlen("uploads/"));
    CU_ASSERT_EQUAL_FATAL(stat(file, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
    f = fopen(file, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fread(back, 1, sizeof(back), f), sizeof(png));
    CU_ASSERT_EQUAL(fgetc(f), EOF);
    fclose(f);
    CU_ASSERT_EQUAL(memcmp(back, png, sizeof(png)), 0);
    /* the same bytes again: the same name, no second file */
    CU_ASSERT_EQUAL(
        ec_tenant_logo_store(db, dir, SLUG, png, sizeof(png), again, &why), 0);
    EC_ASSERT_STR(again, path);

    unlink(file);
    snprintf(file, sizeof(file), "%s/%s", dir, SLUG);
    CU_ASSERT_EQUAL(rmdir(file), 0); /* empty: no temporary file left */
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static const struct ec_test tests[] = {
    {"create and read back", test_create_and_read_back},
    {"refusals write nothing", test_refusals_write_nothing},
    {"an unknown host stays cached until flushed",
     test_unknown_host_cached_until_flushed},
    {"palette", test_palette},
    {"logo stored by its hash", test_logo},
    {NULL, NULL},
};

int
main(void)
{
    return fixture_run_db(&cfg, &db, "integration/svc/tenant_store", tests,
                          drop_tenants);
}
