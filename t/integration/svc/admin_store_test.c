/*
 * The admin API's services against the test stack's MariaDB (port
 * EC_MYSQL_PORT, ecomd's account "ecom" with the password scripts/test
 * passes): the audit log (append-only for ecomd's account, per tenant,
 * filtered, in the caller's transaction); catalog edits (a bad field named
 * by its path in the object and nothing written, one audit row a change,
 * none for a put that changes nothing, retiring, deleting, per tenant);
 * API keys (only the hash at rest, revoked keys stop, per tenant).
 *
 * Never skips: without the database (or its password) the first test
 * fails. Two scratch tenants, "admtest" and "admtest2", are deleted at
 * the start and the end (their audit rows stay: nobody may delete them;
 * new tenants get new ids, so old rows never match).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../../unit/test.h"
#include "fixture.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "svc/api_key.h"
#include "svc/audit.h"
#include "svc/catalog_edit.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"

#define SLUG_A "admtest"
#define SLUG_B "admtest2"

static struct ec_db_config dbc = FIXTURE_DB_CONFIG;
static struct ec_db *db;
static long long tenant_a, tenant_b;

static void
drop_tenants(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG_A), EC_DB_S(SLUG_B)};

    ec_db_exec(db, "DELETE FROM tenants WHERE slug IN (?, ?)", p, 2, NULL, NULL,
               NULL);
}

static void
test_setup(void)
{
    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    drop_tenants();
    tenant_a = fixture_make_tenant(db, SLUG_A, "Admin test A");
    tenant_b = fixture_make_tenant(db, SLUG_B, "Admin test B");
}

/* ---- audit ---- */

struct collected {
    int n;
    long long ids[16];
    char actions[16][32];
    char before[16][256];
    struct ec_buf csv;
};

static int
collect(const struct ec_audit_entry *e, void *ctx)
{
    struct collected *c = ctx;

    if (c->n < 16) {
        c->ids[c->n] = e->id;
        snprintf(c->actions[c->n], sizeof(c->actions[0]), "%s", e->action);
        snprintf(c->before[c->n], sizeof(c->before[0]), "%s",
                 e->before ? e->before : "(null)");
    }
    c->n++;
    ec_audit_csv_row(&c->csv, e);
    return 0;
}

static struct ec_audit_filter
no_filter(void)
{
    struct ec_audit_filter f;

    memset(&f, 0, sizeof(f));
    f.actor_kind = -1;
    return f;
}

static void
record(long long tenant, enum ec_audit_actor_kind kind, const char *label,
       const char *type, const char *id, const char *action,
       const char *before_json)
{
    struct ec_audit_actor who = {kind, 7, label};
    struct json_object *before =
        before_json ? json_tokener_parse(before_json) : NULL;
    struct json_object *after = json_tokener_parse("{\"sku\":\"X\"}");

    CU_ASSERT_EQUAL(
        ec_audit_record(db, tenant, &who, type, id, action, before, after), 0);
    json_object_put(before);
    json_object_put(after);
}

static void
test_audit_list_and_filters(void)
{
    struct ec_audit_filter f = no_filter();
    struct collected c;

    record(tenant_a, EC_AUDIT_STAFF, "eva@a.example", "product", "A-1",
           "create", NULL);
    record(tenant_a, EC_AUDIT_API_KEY, "@deploy-script", "product", "A-1",
           "update", "{\"name\":\"=cmd|' /C calc'!A0\"}");
    record(tenant_a, EC_AUDIT_CLI, "ecomctl", "campaign", "c1", "delete", "{}");
    record(tenant_b, EC_AUDIT_STAFF, "bo@b.example", "product", "B-1", "create",
           NULL);

    memset(&c, 0, sizeof(c));
    ec_buf_init(&c.csv);
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    /* the tenant's own rows only, newest first */
    CU_ASSERT_EQUAL(c.n, 3);
    EC_ASSERT_STR(c.actions[0], "delete");
    EC_ASSERT_STR(c.actions[2], "create");
    EC_ASSERT_STR(c.before[2], "(null)");
    CU_ASSERT(c.ids[0] > c.ids[1] && c.ids[1] > c.ids[2]);
    /* a label a spreadsheet would run is defused in the export, and
       JSON cells are quoted */
    CU_ASSERT_PTR_NOT_NULL(strstr(c.csv.data, ",'@deploy-script,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.csv.data, ",\"{\"\"name\"\":\"\"=cmd"));
    ec_buf_release(&c.csv);

    /* each filter alone */
    f.object_type = "product";
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 2);
    ec_buf_release(&c.csv);
    f = no_filter();
    f.actor_kind = EC_AUDIT_API_KEY;
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 1);
    EC_ASSERT_STR(c.actions[0], "update");
    ec_buf_release(&c.csv);
    f = no_filter();
    f.actor_label = "eva@a.example";
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 1);
    ec_buf_release(&c.csv);
    /* a date range: everything was written now, nothing a day ago */
    f = no_filter();
    f.from = (long long)time(NULL) - 3600;
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 3);
    ec_buf_release(&c.csv);
    f.from = (long long)time(NULL) - 86400;
    f.to = (long long)time(NULL) - 3600;
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 0);
    ec_buf_release(&c.csv);
    /* paging */
    f = no_filter();
    f.limit = 2;
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 2);
    f.before_id = c.ids[1];
    ec_buf_release(&c.csv);
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c), 0);
    CU_ASSERT_EQUAL(c.n, 1);
    EC_ASSERT_STR(c.actions[0], "create");
    ec_buf_release(&c.csv);
    f.limit = EC_AUDIT_LIMIT_MAX + 1;
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_a, &f, collect, &c),
                    EC_ERR_INVALID_FIELD);
}

/* ecomd's account may add rows and read them, never change or remove
   one: the grants say so, whatever the code does */
static void
test_audit_append_only(void)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_a)};
    long long n = -1;

    CU_ASSERT_NOT_EQUAL(ec_db_exec(db,
                                   "UPDATE audit_log SET action = 'x'"
                                   " WHERE tenant_id = ?",
                                   p, 1, NULL, NULL, NULL),
                        0);
    CU_ASSERT_NOT_EQUAL(ec_db_exec(db,
                                   "DELETE FROM audit_log"
                                   " WHERE tenant_id = ?",
                                   p, 1, NULL, NULL, NULL),
                        0);
    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "SELECT COUNT(*) FROM audit_log"
                               " WHERE tenant_id = ? AND action <> 'x'",
                               p, 1, fixture_read_ll, &n, NULL),
                    0);
    CU_ASSERT_EQUAL(n, 3);
}

/* a row written in a transaction that is rolled back is gone with it */
static void
test_audit_in_callers_transaction(void)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_b)};
    long long n = -1;

    CU_ASSERT_EQUAL_FATAL(ec_db_begin(db), 0);
    record(tenant_b, EC_AUDIT_CLI, "ecomctl", "product", "B-2", "create", NULL);
    CU_ASSERT_EQUAL(ec_db_rollback(db), 0);
    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "SELECT COUNT(*) FROM audit_log"
                               " WHERE tenant_id = ?",
                               p, 1, fixture_read_ll, &n, NULL),
                    0);
    CU_ASSERT_EQUAL(n, 1);
}

/* ---- catalog edits ---- */

static const char catalog_text[] =
    "{\"format\": \"ecom-catalog/1\","
    " \"channels\": ["
    "  {\"code\": \"web\", \"name\": \"Web\", \"kind\": \"web_front\","
    "   \"default\": true},"
    "  {\"code\": \"app\", \"name\": \"App\", \"kind\": \"app\"},"
    "  {\"code\": \"spare\", \"name\": \"Spare\", \"kind\": \"custom\"}],"
    " \"channel_rules\": [],"
    " \"products\": ["
    "  {\"sku\": \"ED-PLAN\", \"kind\": \"plan\", \"status\": \"active\","
    "   \"name\": \"Plan\", \"description\": \"\","
    "   \"data_gb\": 10, \"talk_minutes\": null, \"network\": \"5g\","
    "   \"eu_data_gb\": 0, \"monthly_price\": 9900,"
    "   \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [0], \"sim_types\": [\"esim\"],"
    "   \"channels\": {\"web\": {\"visible\": true, \"sort\": 0},"
    "                  \"app\": {\"visible\": true, \"sort\": 0}},"
    "   \"addons\": []}],"
    " \"campaigns\": ["
    "  {\"code\": \"ed-camp\", \"name\": \"Camp\","
    "   \"valid_from\": \"2026-11-01T00:00:00+01:00\","
    "   \"valid_to\": \"2027-03-01T00:00:00+01:00\","
    "   \"products\": [\"ED-PLAN\"], \"priority\": 0,"
    "   \"stacking\": \"exclusive\", \"required_binding\": 0,"
    "   \"actions\": [{\"kind\": \"amount_off\", \"amount\": 1000,"
    "                 \"first_month\": 1, \"months\": 3}]}]}";

static const struct ec_audit_actor script = {EC_AUDIT_API_KEY, 3, "script"};

static void
ignore_line(const char *line, void *ctx)
{
    (void)line;
    (void)ctx;
}

static long long
audit_rows(long long tenant)
{
    struct ec_db_param p[] = {EC_DB_I(tenant)};
    long long n = -1;

    CU_ASSERT_EQUAL(ec_db_exec(db,
                               "SELECT COUNT(*) FROM audit_log"
                               " WHERE tenant_id = ? AND object_type <> 'x'",
                               p, 1, fixture_read_ll, &n, NULL),
                    0);
    return n;
}

static long long
price_of(const char *slug, const char *sku)
{
    struct json_object *o = NULL, *v;
    long long n = -1;

    if (ec_catalog_edit_get(db, slug, EC_CATALOG_PRODUCT, sku, &o) == 0 &&
        json_object_object_get_ex(o, "monthly_price", &v))
        n = json_object_get_int64(v);
    json_object_put(o);
    return n;
}

/* ED-PLAN as stored, with one member set to the JSON value json */
static struct json_object *
plan_with(const char *member, const char *json)
{
    struct json_object *o = NULL;

    CU_ASSERT_EQUAL_FATAL(
        ec_catalog_edit_get(db, SLUG_B, EC_CATALOG_PRODUCT, "ED-PLAN", &o), 0);
    json_object_object_del(o, "sku");
    if (member)
        json_object_object_add(o, member, json_tokener_parse(json));
    return o;
}

static void
test_edit_setup(void)
{
    struct json_object *doc = json_tokener_parse(catalog_text);
    struct ec_check_error err;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL_FATAL(
        ec_catalog_import(db, SLUG_B, doc, &err, ignore_line, NULL), 0);
    json_object_put(doc);
    CU_ASSERT_EQUAL(price_of(SLUG_B, "ED-PLAN"), 9900);
    /* another tenant's SKU is not found */
    CU_ASSERT_EQUAL(price_of(SLUG_A, "ED-PLAN"), -1);
}

static void
test_edit_bad_field(void)
{
    struct json_object *o = plan_with("fees", "{\"startup\": 0, \"sim\": -1}");
    struct json_object *after = NULL;
    struct ec_check_error err;
    long long rows = audit_rows(tenant_b);
    int created = -1;

    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ED-PLAN", o, EC_CATALOG_PUT_REPLACE,
                                        &script, &err, &after, &created),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.fees.sim");
    CU_ASSERT_PTR_NULL(after);
    json_object_put(o);
    /* a placement in a channel that does not exist */
    o = plan_with("channels", "{\"nope\": {\"visible\": true, \"sort\": 0}}");
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ED-PLAN", o, EC_CATALOG_PUT_REPLACE,
                                        &script, &err, &after, &created),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.channels.nope");
    json_object_put(o);
    /* a key that is not the address's */
    o = plan_with("sku", "\"OTHER\"");
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ED-PLAN", o, EC_CATALOG_PUT_REPLACE,
                                        &script, &err, &after, &created),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.sku");
    json_object_put(o);
    /* nothing written, nothing audited */
    CU_ASSERT_EQUAL(price_of(SLUG_B, "ED-PLAN"), 9900);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows);
}

static void
test_edit_put_audited(void)
{
    struct json_object *o = plan_with("monthly_price", "12900");
    struct json_object *after = NULL, *v;
    struct ec_check_error err;
    long long rows = audit_rows(tenant_b);
    struct ec_audit_filter f = no_filter();
    struct collected c;
    int created = -1;

    /* the address's SKU in another case names the same product, whose
       stored spelling stays (a campaign names it so) */
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ed-plan", o, EC_CATALOG_PUT_REPLACE,
                                        &script, &err, &after, &created),
                    0);
    CU_ASSERT_EQUAL(created, 0);
    CU_ASSERT(json_object_object_get_ex(after, "sku", &v));
    EC_ASSERT_STR(json_object_get_string(v), "ED-PLAN");
    json_object_put(after);
    CU_ASSERT_EQUAL(price_of(SLUG_B, "ED-PLAN"), 12900);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 1);
    f.limit = 1;
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_b, &f, collect, &c), 0);
    EC_ASSERT_STR(c.actions[0], "update");
    CU_ASSERT_PTR_NOT_NULL(strstr(c.before[0], "\"monthly_price\":9900"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.csv.data, "12900"));
    ec_buf_release(&c.csv);
    /* the same again changes nothing and records nothing */
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ED-PLAN", o, EC_CATALOG_PUT_REPLACE,
                                        &script, &err, &after, &created),
                    0);
    json_object_put(after);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 1);
    /* create only: it exists */
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ED-PLAN", o, EC_CATALOG_PUT_CREATE,
                                        &script, &err, &after, &created),
                    EC_ERR_CONFLICT);
    /* a new one */
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                        "ED-NEW", o, EC_CATALOG_PUT_CREATE,
                                        &script, &err, &after, &created),
                    0);
    CU_ASSERT_EQUAL(created, 1);
    json_object_put(after);
    CU_ASSERT_EQUAL(price_of(SLUG_B, "ED-NEW"), 12900);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 2);
    json_object_put(o);
}

static void
test_edit_remove(void)
{
    struct json_object *before = NULL, *o = NULL, *v;
    struct ec_check_error err;
    long long rows = audit_rows(tenant_b);

    /* a product is retired, not deleted; the campaign naming it stays
       valid */
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_B, EC_CATALOG_PRODUCT,
                                           "ED-PLAN", &script, &err, &before),
                    0);
    json_object_put(before);
    CU_ASSERT_EQUAL(
        ec_catalog_edit_get(db, SLUG_B, EC_CATALOG_PRODUCT, "ED-PLAN", &o), 0);
    CU_ASSERT(json_object_object_get_ex(o, "status", &v));
    EC_ASSERT_STR(json_object_get_string(v), "retired");
    json_object_put(o);
    /* a channel still in use is refused; one that is not goes */
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_B, EC_CATALOG_CHANNEL,
                                           "app", &script, &err, &before),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.path, "app"));
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_B, EC_CATALOG_CHANNEL,
                                           "spare", &script, &err, &before),
                    0);
    json_object_put(before);
    CU_ASSERT_EQUAL(
        ec_catalog_edit_get(db, SLUG_B, EC_CATALOG_CHANNEL, "spare", &o),
        EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_B,
                                           EC_CATALOG_CAMPAIGN, "ed-camp",
                                           &script, &err, &before),
                    0);
    json_object_put(before);
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_B,
                                           EC_CATALOG_CAMPAIGN, "ed-camp",
                                           &script, &err, &before),
                    EC_ERR_NOT_FOUND);
    /* another tenant's campaign is not there */
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_A, EC_CATALOG_PRODUCT,
                                           "ED-NEW", &script, &err, &before),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 3);
}

/* The tenant's channel_rules as stored, as compact JSON (the caller's). */
static const char *
stored_rules(char *buf, size_t size)
{
    struct json_object *doc = NULL, *arr;

    buf[0] = '\0';
    CU_ASSERT_EQUAL_FATAL(ec_catalog_export(db, SLUG_B, &doc), 0);
    if (json_object_object_get_ex(doc, "channel_rules", &arr))
        snprintf(buf, size, "%s",
                 json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    return buf;
}

static int
put_rules(const char *json, struct ec_check_error *err)
{
    struct json_object *rules = json_tokener_parse(json), *after = NULL;
    int rc = ec_catalog_edit_put_rules(db, NULL, SLUG_B, rules, &script, err,
                                       &after);

    if (rc == 0)
        CU_ASSERT_EQUAL(json_object_array_length(after),
                        json_object_array_length(rules));
    json_object_put(after);
    json_object_put(rules);
    return rc;
}

static void
test_edit_rules(void)
{
    static const char two[] =
        "[{\"kind\":\"query_param\",\"param\":\"channel\","
        "\"value\":\"app\",\"channel\":\"app\"},"
        "{\"kind\":\"path_prefix\",\"value\":\"/web\",\"channel\":\"web\"}]";
    static const char swapped[] =
        "[{\"kind\":\"path_prefix\",\"value\":\"/web\",\"channel\":\"web\"},"
        "{\"kind\":\"query_param\",\"param\":\"channel\","
        "\"value\":\"app\",\"channel\":\"app\"}]";
    struct ec_audit_filter f = no_filter();
    long long rows = audit_rows(tenant_b);
    struct ec_check_error err;
    struct json_object *gone = NULL;
    struct collected c;
    char buf[1024];

    /* refused by the import's own checks, at the path in the list */
    CU_ASSERT_EQUAL(put_rules("[{\"kind\":\"path_prefix\",\"value\":\"/a\","
                              "\"channel\":\"web\"},{\"kind\":\"path_prefix\","
                              "\"value\":\"/b\",\"channel\":\"nope\"}]",
                              &err),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$[1].channel");
    CU_ASSERT_EQUAL(
        put_rules("[{\"kind\":\"path_prefix\",\"value\":\"no-slash\","
                  "\"channel\":\"web\"}]",
                  &err),
        EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$[0].value");
    CU_ASSERT_EQUAL(put_rules("{}", &err), EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$");
    EC_ASSERT_STR(stored_rules(buf, sizeof(buf)), "[]");
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows);
    /* two rules, in their order, one audit row */
    CU_ASSERT_EQUAL(put_rules(two, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(stored_rules(buf, sizeof(buf)),
               "\"channel\":\"app\"},{\"kind\":\"path_prefix\""));
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 1);
    f.limit = 1;
    memset(&c, 0, sizeof(c));
    CU_ASSERT_EQUAL(ec_audit_each(db, tenant_b, &f, collect, &c), 0);
    EC_ASSERT_STR(c.actions[0], "update");
    EC_ASSERT_STR(c.before[0], "[]");
    CU_ASSERT_PTR_NOT_NULL(strstr(c.csv.data, "channel_rules"));
    ec_buf_release(&c.csv);
    /* the same again: nothing; the order changed: a change */
    CU_ASSERT_EQUAL(put_rules(two, &err), 0);
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 1);
    CU_ASSERT_EQUAL(put_rules(swapped, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(stored_rules(buf, sizeof(buf)),
               "\"channel\":\"web\"},{\"kind\":\"query_param\""));
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 2);
    /* a channel a rule names cannot go */
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG_B, EC_CATALOG_CHANNEL,
                                           "web", &script, &err, &gone),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_PTR_NULL(gone);
    /* and none again */
    CU_ASSERT_EQUAL(put_rules("[]", &err), 0);
    EC_ASSERT_STR(stored_rules(buf, sizeof(buf)), "[]");
    CU_ASSERT_EQUAL(audit_rows(tenant_b), rows + 3);
}

/* ---- API keys ---- */

static int
count_keys(const struct ec_api_key *k, void *ctx)
{
    (void)k;
    ++*(int *)ctx;
    return 0;
}

/* 1 when any column of any row of api_keys holds text */
static int
row_has(const struct ec_db_row *row, void *ctx)
{
    for (unsigned i = 0; i < row->ncols; i++)
        if (row->vals[i] && strstr(row->vals[i], ctx))
            return 1;
    return 0;
}

static void
test_api_keys(void)
{
    static const struct ec_audit_actor cli = {EC_AUDIT_CLI, 0, "ecomctl"};
    char key[EC_API_KEY_LEN + 1], key_b[EC_API_KEY_LEN + 1];
    char hash[EC_API_KEY_HASH_HEX + 1];
    struct ec_api_key k, got;
    const char *field;
    int n = 0;

    CU_ASSERT_EQUAL_FATAL(ec_api_key_create(db, tenant_a, "deploy",
                                            EC_STAFF_EDITOR, &cli, key, &k,
                                            &field),
                          0);
    CU_ASSERT(ec_api_key_format_ok(key));
    CU_ASSERT_EQUAL(ec_api_key_create(db, tenant_a, "deploy", EC_STAFF_VIEWER,
                                      &cli, key_b, &got, &field),
                    EC_ERR_CONFLICT);
    CU_ASSERT_EQUAL(ec_api_key_create(db, tenant_a, "x", EC_STAFF_AGENT, &cli,
                                      key_b, &got, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "role");
    CU_ASSERT_EQUAL(ec_api_key_create(db, tenant_a, "", EC_STAFF_VIEWER, &cli,
                                      key_b, &got, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "name");
    CU_ASSERT_EQUAL_FATAL(ec_api_key_create(db, tenant_b, "deploy",
                                            EC_STAFF_ADMIN, &cli, key_b, &got,
                                            &field),
                          0);

    /* at rest: the hash, and the key nowhere, not even a part of it */
    ec_api_key_hash(key, hash);
    CU_ASSERT_EQUAL(
        ec_db_exec(db, "SELECT * FROM api_keys", NULL, 0, row_has, hash, NULL),
        1);
    CU_ASSERT_EQUAL(ec_db_exec(db, "SELECT * FROM api_keys", NULL, 0, row_has,
                               key + 4, NULL),
                    0);
    CU_ASSERT_EQUAL(ec_db_exec(db, "SELECT * FROM audit_log", NULL, 0, row_has,
                               key + 4, NULL),
                    0);

    /* it names its tenant and role; the other tenant's names its own */
    CU_ASSERT_EQUAL(ec_api_key_authenticate(db, key, &got), 0);
    CU_ASSERT_EQUAL(got.tenant_id, tenant_a);
    CU_ASSERT_EQUAL(got.role, EC_STAFF_EDITOR);
    CU_ASSERT_EQUAL(got.id, k.id);
    CU_ASSERT_EQUAL(ec_api_key_authenticate(db, key_b, &got), 0);
    CU_ASSERT_EQUAL(got.tenant_id, tenant_b);
    /* a key one character off is unknown */
    key_b[10] = key_b[10] == 'A' ? 'B' : 'A';
    CU_ASSERT_EQUAL(ec_api_key_authenticate(db, key_b, &got),
                    EC_ERR_API_KEY_INVALID);
    CU_ASSERT_EQUAL(ec_api_key_authenticate(db, "eck_short", &got),
                    EC_ERR_API_KEY_INVALID);

    /* revoked: only by its own tenant, and then it stops at once */
    CU_ASSERT_EQUAL(ec_api_key_revoke(db, tenant_b, k.id, &cli),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(ec_api_key_authenticate(db, key, &got), 0);
    CU_ASSERT_EQUAL(ec_api_key_revoke(db, tenant_a, k.id, &cli), 0);
    CU_ASSERT_EQUAL(ec_api_key_authenticate(db, key, &got),
                    EC_ERR_API_KEY_INVALID);
    CU_ASSERT_EQUAL(ec_api_key_revoke(db, tenant_a, k.id, &cli), 0);
    CU_ASSERT_EQUAL(ec_api_key_each(db, tenant_a, count_keys, &n), 0);
    CU_ASSERT_EQUAL(n, 1);
    ec_mem_wipe(key, sizeof(key));
}

static const struct ec_test tests[] = {
    {"setup: the database and two scratch tenants", test_setup},
    {"audit: per tenant, newest first, filters, paging, CSV",
     test_audit_list_and_filters},
    {"audit: append-only for ecomd's account", test_audit_append_only},
    {"audit: written in the caller's transaction",
     test_audit_in_callers_transaction},
    {"catalog edit: a catalog to edit", test_edit_setup},
    {"catalog edit: a bad field by its path, nothing written",
     test_edit_bad_field},
    {"catalog edit: a put, one audit row", test_edit_put_audited},
    {"catalog edit: retire, delete, in use", test_edit_remove},
    {"catalog edit: the channel rules as one list", test_edit_rules},
    {"api keys: hash at rest, per tenant, revoked stops", test_api_keys},
    {NULL, NULL},
};

int
main(void)
{
    return fixture_run_db(&dbc, &db, "integration/svc/admin_store", tests,
                          drop_tenants);
}
