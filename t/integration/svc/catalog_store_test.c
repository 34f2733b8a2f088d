/*
 * The catalog's reader and writer against a real MariaDB (the test
 * stack's: 127.0.0.1, port EC_MYSQL_PORT, user ecom, database ecom,
 * password EC_MYSQL_PASSWORD, which scripts/test passes): a document
 * written for a scratch tenant reads back as the same document, every
 * attribute of the attribute tables (svc/product_attr.h) included, and a
 * change writes exactly the change lines it should.
 *
 * Never skips: without the database (or its password) the first test
 * fails. The scratch tenant "catalogtest" is deleted, with everything
 * its catalog holds, at the start and the end.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../unit/test.h"
#include "fixture.h"
#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "svc/catalog_read.h"
#include "svc/catalog_write.h"
#include "svc/product_attr.h"

#define SLUG "catalogtest"

static struct ec_db_config cfg = {
    .host = "127.0.0.1",
    .port = 13307,
    .user = "ecom",
    .database = "ecom",
    .connect_timeout_ms = 2000,
    .read_timeout_ms = 5000,
};
static struct ec_db *db;

/*
 * Every attribute away from its default where it can be: null and
 * numbers, a narrowing placement with its own price and name, one that
 * leaves everything out, add-ons in every channel and in some, and a
 * campaign.
 */
static const char doc_text[] =
    "{\"format\": \"ecom-catalog/1\","
    " \"channels\": ["
    "  {\"code\": \"web\", \"name\": \"Forside\", \"kind\": \"web_front\","
    "   \"default\": true},"
    "  {\"code\": \"app\", \"name\": \"App\", \"kind\": \"app\"}],"
    " \"channel_rules\": ["
    "  {\"kind\": \"header\", \"param\": \"x-channel\", \"value\": \"app\","
    "   \"channel\": \"app\"}],"
    " \"products\": ["
    "  {\"sku\": \"CT-ADD\", \"kind\": \"addon\", \"status\": \"active\","
    "   \"name\": \"Ekstra\", \"description\": \"\","
    "   \"data_gb\": 5, \"talk_minutes\": 0, \"network\": \"4g\","
    "   \"eu_data_gb\": 0, \"monthly_price\": 2900,"
    "   \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {\"web\": {\"visible\": true, \"sort\": 0},"
    "                  \"app\": {\"visible\": true, \"sort\": 0}}},"
    "  {\"sku\": \"CT-PLAN\", \"kind\": \"plan\", \"status\": \"draft\","
    "   \"name\": \"5G 100 GB\", \"description\": \"Fri tale, \\u00e6\\u00f8"
    "\\u00e5.\","
    "   \"data_gb\": 100, \"talk_minutes\": null, \"network\": \"5g\","
    "   \"eu_data_gb\": 30, \"monthly_price\": 19900,"
    "   \"fees\": {\"startup\": 9900, \"sim\": 2900},"
    "   \"binding_months\": [0, 6], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {"
    "    \"app\": {\"visible\": true, \"name\": \"Kun i appen\", \"sort\": -3,"
    "             \"sim_types\": [\"esim\"], \"binding_months\": [6],"
    "             \"monthly_price\": 17900},"
    "    \"web\": {\"visible\": false, \"sort\": 20}},"
    "   \"addons\": [{\"sku\": \"CT-ADD\", \"channels\": [\"app\"]}]},"
    "  {\"sku\": \"CT-TALE\", \"kind\": \"plan\", \"status\": \"retired\","
    "   \"name\": \"Tale\", \"description\": \"\", \"data_gb\": null,"
    "   \"talk_minutes\": 300, \"network\": \"4g\", \"eu_data_gb\": 0,"
    "   \"monthly_price\": 0, \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [3], \"sim_types\": [\"esim\"],"
    "   \"channels\": {}, \"addons\": [{\"sku\": \"CT-ADD\"}]}],"
    " \"campaigns\": ["
    "  {\"code\": \"ct-app\", \"name\": \"App\","
    "   \"valid_from\": \"2026-11-01T00:00:00+01:00\","
    "   \"valid_to\": \"2027-03-01T00:00:00+01:00\","
    "   \"products\": [\"CT-PLAN\"], \"channels\": [\"app\"],"
    "   \"priority\": 10, \"stacking\": \"exclusive\","
    "   \"required_binding\": 6,"
    "   \"actions\": [{\"kind\": \"fixed_price\", \"amount\": 9900,"
    "                 \"first_month\": 1, \"months\": 6}]}]}";

static int
no_rows(const struct ec_db_row *row, void *ctx)
{
    (void)row;
    (void)ctx;
    return 0;
}

static int
drop_tenant(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG)};

    return ec_db_exec(db, "DELETE FROM tenants WHERE slug = ?", p, 1, no_rows,
                      NULL, NULL);
}

static int
make_tenant(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG)};

    return ec_db_exec(db,
                      "INSERT INTO tenants (slug, name, time_zone)"
                      " VALUES (?, 'Catalog test', 'Europe/Copenhagen')",
                      p, 1, NULL, NULL, NULL);
}

/* Parse text (which must pass) into doc, in zone. */
static void
parse(const char *text, const struct ec_catalog_tenant *t,
      struct ec_catalog_doc *doc)
{
    struct json_object *j = json_tokener_parse(text);
    struct ec_check_error err;
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    ec_catalog_doc_init(doc);
    rc = ec_catalog_doc_parse(doc, j, t->zone, &err);
    if (rc < 0)
        fprintf(stderr, "\n    %s: %s\n", err.path, err.message);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    json_object_put(j);
}

/* Write want for the scratch tenant in one transaction; changes filled. */
static int
write_doc(const struct ec_catalog_tenant *t, const struct ec_catalog_doc *want,
          struct ec_catalog_changes *changes)
{
    int rc;

    ec_catalog_changes_init(changes);
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_catalog_write(db, t, want, changes);
    if (rc == 0)
        return ec_db_commit(db);
    ec_db_rollback(db);
    return rc;
}

/* The export's text of doc (sorted), as a malloc'ed string. */
static char *
export_text(struct ec_catalog_doc *doc, const struct ec_catalog_tenant *t)
{
    struct json_object *j;
    char *s;

    ec_catalog_doc_sort(doc);
    j = ec_catalog_doc_to_json(doc, t->zone);
    s = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    json_object_put(j);
    return s;
}

static const struct ec_product *
product(const struct ec_catalog_doc *doc, const char *sku)
{
    for (size_t i = 0; i < doc->nproducts; i++)
        if (strcmp(doc->products[i].sku, sku) == 0)
            return &doc->products[i];
    return NULL;
}

static void
test_mariadb_is_there(void)
{
    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    CU_ASSERT_EQUAL_FATAL(drop_tenant(), 0);
    CU_ASSERT_EQUAL_FATAL(make_tenant(), 0);
}

/*
 * Written, then read back: the same document, and every attribute of
 * every product and placement the same, entry by entry of the tables,
 * so a new attribute is checked here without a new line.
 */
static void
test_write_then_read_gives_the_document(void)
{
    struct ec_catalog_doc want, got;
    struct ec_catalog_changes changes;
    struct ec_catalog_tenant t;
    char *a, *b;

    CU_ASSERT_EQUAL_FATAL(ec_catalog_tenant_read(db, SLUG, 0, &t), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t.zone);
    parse(doc_text, &t, &want);
    CU_ASSERT_EQUAL_FATAL(write_doc(&t, &want, &changes), 0);
    CU_ASSERT_EQUAL_FATAL(changes.n, 7);
    EC_ASSERT_STR(changes.lines[0], "added channel web");
    EC_ASSERT_STR(changes.lines[2], "replaced channel rules (1)");
    EC_ASSERT_STR(changes.lines[3], "added product CT-ADD");
    EC_ASSERT_STR(changes.lines[6], "added campaign ct-app");
    ec_catalog_changes_release(&changes);

    ec_catalog_doc_init(&got);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_read(db, t.id, &got), 0);
    CU_ASSERT_EQUAL_FATAL(got.nproducts, want.nproducts);
    for (size_t i = 0; i < want.nproducts; i++) {
        const struct ec_product *w = &want.products[i];
        const struct ec_product *g = product(&got, w->sku);

        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        CU_ASSERT_TRUE(g->id > 0);
        for (size_t k = 0; k < ec_product_nattrs; k++) {
            const struct ec_product_attr *at = &ec_product_attrs[k];

            if (!at->column || ec_product_attr_equal(at, w, g))
                continue;
            fprintf(stderr, "\n    %s: %s differs after a round trip\n", w->sku,
                    at->key);
            CU_FAIL("an attribute differs");
        }
        CU_ASSERT_EQUAL_FATAL(g->nplacements, w->nplacements);
        for (size_t j = 0; j < w->nplacements; j++) {
            const struct ec_placement *wp = &w->placements[j];
            const struct ec_placement *gp =
                ec_product_placement(g, wp->channel);

            CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
            for (size_t k = 0; k < ec_placement_nattrs; k++) {
                const struct ec_product_attr *at = &ec_placement_attrs[k];

                if (ec_product_attr_equal(at, wp, gp))
                    continue;
                fprintf(stderr, "\n    %s in %s: %s differs\n", w->sku,
                        wp->channel, at->key);
                CU_FAIL("a placement's attribute differs");
            }
        }
    }
    a = export_text(&want, &t);
    b = export_text(&got, &t);
    EC_ASSERT_STR(b, a);
    free(a);
    free(b);
    ec_catalog_doc_release(&got);
    ec_catalog_doc_release(&want);
    ec_catalog_tenant_release(&t);
}

/* The same document again changes nothing and writes nothing. */
static void
test_the_same_document_changes_nothing(void)
{
    struct ec_catalog_changes changes;
    struct ec_catalog_tenant t;
    struct ec_catalog_doc want;

    CU_ASSERT_EQUAL_FATAL(ec_catalog_tenant_read(db, SLUG, 0, &t), 0);
    parse(doc_text, &t, &want);
    CU_ASSERT_EQUAL_FATAL(write_doc(&t, &want, &changes), 0);
    CU_ASSERT_EQUAL(changes.n, 0);
    ec_catalog_changes_release(&changes);
    ec_catalog_doc_release(&want);
    ec_catalog_tenant_release(&t);
}

/* Replace the first occurrence of from in s by to, into a new string. */
static char *
replaced(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);

    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

/*
 * A changed product: short values as old -> new in the table's order,
 * texts and lists by name; the rows read back are the new ones.
 */
static void
test_a_change_names_its_attributes(void)
{
    struct ec_catalog_changes changes;
    struct ec_catalog_tenant t;
    struct ec_catalog_doc want, got;
    char *s1, *s2, *s3, *s4, *a, *b;

    CU_ASSERT_EQUAL_FATAL(ec_catalog_tenant_read(db, SLUG, 0, &t), 0);
    s1 = replaced(doc_text, "\"data_gb\": 100", "\"data_gb\": null");
    s2 = replaced(s1, "\"monthly_price\": 19900", "\"monthly_price\": 17900");
    s3 = replaced(s2, "\"name\": \"5G 100 GB\"", "\"name\": \"5G 200 GB\"");
    s4 = replaced(s3, "\"monthly_price\": 17900}", "\"monthly_price\": 15900}");
    parse(s4, &t, &want);
    CU_ASSERT_EQUAL_FATAL(write_doc(&t, &want, &changes), 0);
    CU_ASSERT_EQUAL_FATAL(changes.n, 1);
    EC_ASSERT_STR(changes.lines[0],
                  "updated product CT-PLAN: data_gb 100 -> unlimited, "
                  "monthly_price 19900 -> 17900, name, channels");
    ec_catalog_changes_release(&changes);
    ec_catalog_doc_init(&got);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_read(db, t.id, &got), 0);
    a = export_text(&want, &t);
    b = export_text(&got, &t);
    EC_ASSERT_STR(b, a);
    free(a);
    free(b);
    free(s1);
    free(s2);
    free(s3);
    free(s4);
    ec_catalog_doc_release(&got);
    ec_catalog_doc_release(&want);
    ec_catalog_tenant_release(&t);
}

/* Another tenant's catalog is not this one's: every statement names the
   tenant. */
static void
test_another_tenant_reads_nothing_of_it(void)
{
    struct ec_catalog_tenant t;
    struct ec_catalog_doc got;

    CU_ASSERT_EQUAL_FATAL(ec_catalog_tenant_read(db, SLUG, 0, &t), 0);
    ec_catalog_doc_init(&got);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_read(db, t.id + 100000, &got), 0);
    CU_ASSERT_EQUAL(got.nproducts, 0);
    CU_ASSERT_EQUAL(got.nchannels, 0);
    CU_ASSERT_EQUAL(got.ncampaigns, 0);
    ec_catalog_doc_release(&got);
    ec_catalog_tenant_release(&t);
}

static const struct ec_test tests[] = {
    {"MariaDB is there, with a scratch tenant", test_mariadb_is_there},
    {"a written document reads back the same, attribute by attribute",
     test_write_then_read_gives_the_document},
    {"the same document again changes nothing",
     test_the_same_document_changes_nothing},
    {"a change names its attributes, and reads back",
     test_a_change_names_its_attributes},
    {"another tenant reads nothing of it",
     test_another_tenant_reads_nothing_of_it},
    {NULL, NULL},
};

/* A run's scratch tenant, gone before and after (its rows follow). */
static void
cleanup(void)
{
    drop_tenant();
}

int
main(void)
{
    return fixture_run_db(&cfg, &db, "integration/svc/catalog_store", tests,
                          cleanup);
}
