/*
 * The catalog draft against the test stack's MariaDB (ecomd's account):
 * a save stays out of the live catalog and is checked whole as an import
 * is; a change undone leaves the draft; the preview's snapshot shows the
 * draft in its channels only; a publish makes it live with one audit row
 * per object changed and empties the draft; a scheduled publish happens
 * at its time as who scheduled it, and one the live catalog has broken
 * meanwhile waits with the reason; the channel rules as one object.
 *
 * Never skips: without the database the first test fails. A scratch
 * tenant "drafttest" is deleted at the start and the end.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../../unit/test.h"
#include "fixture.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/catalog.h"
#include "svc/catalog_draft.h"
#include "svc/catalog_import.h"

#define SLUG "drafttest"

static struct ec_db_config dbc = FIXTURE_DB_CONFIG;
static struct ec_db *db;
static long long tenant;

static const struct ec_audit_actor eva = {EC_AUDIT_STAFF, 41,
                                          "eva@draft.example"};
static const struct ec_audit_actor bo = {EC_AUDIT_STAFF, 42,
                                         "bo@draft.example"};

static const char catalog_text[] =
    "{\"format\": \"ecom-catalog/1\","
    " \"channels\": ["
    "  {\"code\": \"web\", \"name\": \"Web\", \"kind\": \"web_front\","
    "   \"default\": true},"
    "  {\"code\": \"app\", \"name\": \"App\", \"kind\": \"app\"},"
    "  {\"code\": \"spare\", \"name\": \"Spare\", \"kind\": \"custom\"}],"
    " \"channel_rules\": [],"
    " \"products\": ["
    "  {\"sku\": \"DR-PLAN\", \"kind\": \"plan\", \"status\": \"active\","
    "   \"name\": \"Plan\", \"description\": \"\","
    "   \"data_gb\": 10, \"talk_minutes\": null, \"network\": \"5g\","
    "   \"eu_data_gb\": 0, \"monthly_price\": 9900,"
    "   \"fees\": {\"startup\": 0, \"sim\": 0},"
    "   \"binding_months\": [0], \"sim_types\": [\"esim\"],"
    "   \"channels\": {\"web\": {\"visible\": true, \"sort\": 0},"
    "                  \"app\": {\"visible\": true, \"sort\": 0}},"
    "   \"addons\": []}],"
    " \"campaigns\": []}";

/* An app-only plan, as the panel's form would send it. */
static const char app_plan[] =
    "{\"kind\": \"plan\", \"status\": \"active\", \"name\": \"App only\","
    " \"description\": \"\", \"data_gb\": 20, \"talk_minutes\": null,"
    " \"network\": \"5g\", \"eu_data_gb\": 0, \"monthly_price\": 12900,"
    " \"fees\": {\"startup\": 0, \"sim\": 0}, \"binding_months\": [0],"
    " \"sim_types\": [\"esim\"],"
    " \"channels\": {\"app\": {\"visible\": true, \"sort\": 5}}}";

static void
drop_tenant(void)
{
    struct ec_db_param p[] = {EC_DB_S(SLUG)};

    ec_db_exec(db, "DELETE FROM tenants WHERE slug = ?", p, 1, NULL, NULL,
               NULL);
}

static void
ignore_line(const char *line, void *ctx)
{
    (void)line;
    (void)ctx;
}

static long long
count(const char *sql)
{
    struct ec_db_param p[] = {EC_DB_I(tenant)};
    long long n = -1;

    CU_ASSERT_EQUAL(ec_db_exec(db, sql, p, 1, fixture_read_ll, &n, NULL), 0);
    return n;
}

static long long
audit_rows(void)
{
    return count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?");
}

static long long
draft_rows(void)
{
    return count("SELECT COUNT(*) FROM catalog_drafts WHERE tenant_id = ?");
}

/* 1 when sku is live (any status), 0 when not. */
static int
live(const char *sku)
{
    struct json_object *o = NULL;
    int rc = ec_catalog_edit_get(db, SLUG, EC_CATALOG_PRODUCT, sku, &o);

    json_object_put(o);
    return rc == 0;
}

static int
put(const char *sku, const char *json, const struct ec_audit_actor *who,
    struct ec_check_error *err)
{
    struct json_object *o = json_tokener_parse(json), *after = NULL;
    int created, rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    memset(err, 0, sizeof(*err));
    rc = ec_catalog_draft_put(db, SLUG, EC_CATALOG_PRODUCT, sku, o,
                              EC_CATALOG_PUT_REPLACE, who, err, &after,
                              &created);
    json_object_put(o);
    json_object_put(after);
    return rc;
}

/* put sku as the app-only plan with member set to the JSON value json */
static int
put_with(const char *sku, const char *member, const char *json,
         struct ec_check_error *err)
{
    struct json_object *o = json_tokener_parse(app_plan);
    const char *text;
    int rc;

    json_object_object_add(o, member, json_tokener_parse(json));
    text = json_object_to_json_string(o);
    rc = put(sku, text, &eva, err);
    json_object_put(o);
    return rc;
}

static void
test_setup(void)
{
    struct json_object *doc = json_tokener_parse(catalog_text);
    struct ec_check_error err;

    CU_ASSERT_EQUAL_FATAL(ec_db_ping(db), 0);
    drop_tenant();
    tenant = fixture_make_tenant(db, SLUG, "Draft test");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL_FATAL(
        ec_catalog_import(db, SLUG, doc, &err, ignore_line, NULL), 0);
    json_object_put(doc);
}

static void
test_save_stays_out_of_live(void)
{
    struct json_object *o = NULL, *ch = NULL, *v;
    struct ec_check_error err;

    CU_ASSERT_EQUAL(put("DR-APP", app_plan, &eva, &err), 0);
    CU_ASSERT_EQUAL(live("DR-APP"), 0);
    /* the save is audited as its author's, once: the same again is none */
    CU_ASSERT_EQUAL(put("DR-APP", app_plan, &eva, &err), 0);
    CU_ASSERT_EQUAL(
        count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?"
              " AND object_type = 'catalog_draft'"
              " AND object_id = 'product:DR-APP' AND action = 'save'"
              " AND actor_label = 'eva@draft.example'"),
        1);
    CU_ASSERT_EQUAL(
        ec_catalog_draft_get(db, SLUG, EC_CATALOG_PRODUCT, "DR-APP", &o), 0);
    CU_ASSERT(json_object_object_get_ex(o, "monthly_price", &v) &&
              json_object_get_int64(v) == 12900);
    json_object_put(o);
    CU_ASSERT_EQUAL(ec_catalog_draft_changes(db, SLUG, &ch), 0);
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(ch), 1);
    o = json_object_array_get_idx(ch, 0);
    CU_ASSERT(json_object_object_get_ex(o, "action", &v));
    EC_ASSERT_STR(json_object_get_string(v), "create");
    CU_ASSERT(json_object_object_get_ex(o, "updated_by", &v));
    EC_ASSERT_STR(json_object_get_string(v), "eva@draft.example");
    json_object_put(ch);
}

static void
test_save_checked_whole(void)
{
    struct ec_check_error err;
    long long rows = draft_rows();

    /* the import's checks, the path in the object */
    CU_ASSERT_EQUAL(put_with("DR-BAD", "monthly_price", "-5", &err),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.monthly_price");
    /* a channel the catalog lacks */
    CU_ASSERT_EQUAL(
        put_with("DR-BAD", "channels", "{\"nope\": {\"visible\": true}}", &err),
        EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.channels.nope");
    /* update only: a form of an object never makes one */
    {
        struct json_object *o = json_tokener_parse(app_plan), *after = NULL;
        int created;

        CU_ASSERT_EQUAL(ec_catalog_draft_put(db, SLUG, EC_CATALOG_PRODUCT,
                                             "DR-NONE", o,
                                             EC_CATALOG_PUT_UPDATE, &eva, &err,
                                             &after, &created),
                        EC_ERR_NOT_FOUND);
        json_object_put(o);
    }
    CU_ASSERT_EQUAL(draft_rows(), rows);
}

static void
test_change_undone_leaves(void)
{
    struct json_object *o = NULL, *after = NULL;
    struct ec_check_error err;
    int created;

    CU_ASSERT_EQUAL_FATAL(
        ec_catalog_edit_get(db, SLUG, EC_CATALOG_PRODUCT, "DR-PLAN", &o), 0);
    json_object_object_add(o, "monthly_price", json_object_new_int(8900));
    CU_ASSERT_EQUAL(ec_catalog_draft_put(db, SLUG, EC_CATALOG_PRODUCT,
                                         "dr-plan", o, EC_CATALOG_PUT_REPLACE,
                                         &eva, &err, &after, &created),
                    0);
    json_object_put(after);
    CU_ASSERT_EQUAL(draft_rows(), 2);
    json_object_object_add(o, "monthly_price", json_object_new_int(9900));
    CU_ASSERT_EQUAL(ec_catalog_draft_put(db, SLUG, EC_CATALOG_PRODUCT,
                                         "DR-PLAN", o, EC_CATALOG_PUT_REPLACE,
                                         &eva, &err, &after, &created),
                    0);
    json_object_put(after);
    json_object_put(o);
    CU_ASSERT_EQUAL(draft_rows(), 1);
}

/* 1 when channel code of snapshot c offers sku. */
static int
offers(const struct ec_catalog *c, const char *code, const char *sku)
{
    const struct ec_channel *ch = ec_catalog_channel(c, code);

    return ch && ec_catalog_offer(ch, sku) != NULL;
}

static void
test_preview_snapshot(void)
{
    struct ec_catalog *c = NULL;

    CU_ASSERT_EQUAL_FATAL(ec_catalog_draft_snapshot(db, SLUG, &c), 0);
    CU_ASSERT(offers(c, "app", "DR-APP"));
    CU_ASSERT(!offers(c, "web", "DR-APP"));
    CU_ASSERT(offers(c, "web", "DR-PLAN"));
    ec_catalog_free(c);
    CU_ASSERT_EQUAL_FATAL(ec_catalog_load(db, tenant, &c), 0);
    CU_ASSERT(!offers(c, "app", "DR-APP"));
    ec_catalog_free(c);
}

static void
test_publish(void)
{
    struct ec_check_error err;
    long long rows = audit_rows();
    int changed = -1;

    CU_ASSERT_EQUAL(
        ec_catalog_draft_publish(db, NULL, SLUG, &bo, &err, &changed), 0);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(live("DR-APP"), 1);
    CU_ASSERT_EQUAL(draft_rows(), 0);
    CU_ASSERT_EQUAL(audit_rows(), rows + 1);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?"
                          " AND object_id = 'DR-APP' AND action = 'create'"
                          " AND actor_label = 'bo@draft.example'"),
                    1);
    /* an empty draft publishes nothing, and is no error */
    CU_ASSERT_EQUAL(
        ec_catalog_draft_publish(db, NULL, SLUG, &bo, &err, &changed), 0);
    CU_ASSERT_EQUAL(changed, 0);
    CU_ASSERT_EQUAL(audit_rows(), rows + 1);
}

static void
test_retire_in_draft(void)
{
    struct json_object *before = NULL, *ch = NULL, *v;
    struct ec_check_error err;
    int changed;

    CU_ASSERT_EQUAL(ec_catalog_draft_remove(db, SLUG, EC_CATALOG_PRODUCT,
                                            "DR-APP", &eva, &err, &before),
                    0);
    json_object_put(before);
    CU_ASSERT_EQUAL(ec_catalog_draft_changes(db, SLUG, &ch), 0);
    CU_ASSERT(json_object_object_get_ex(json_object_array_get_idx(ch, 0),
                                        "action", &v));
    EC_ASSERT_STR(json_object_get_string(v), "retire");
    json_object_put(ch);
    CU_ASSERT_EQUAL(
        ec_catalog_draft_discard(db, SLUG, "product", "DR-APP", &eva), 0);
    CU_ASSERT_EQUAL(draft_rows(), 0);
    CU_ASSERT_EQUAL(
        ec_catalog_draft_publish(db, NULL, SLUG, &bo, &err, &changed), 0);
    CU_ASSERT_EQUAL(changed, 0);
}

static void
test_scheduled(void)
{
    struct ec_catalog_schedule s;
    struct ec_check_error err;
    int64_t now = (int64_t)time(NULL);
    int n = -1;

    /* nothing to schedule */
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule(db, SLUG, now + 600, &eva, &err),
                    EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(put("DR-LATER", app_plan, &eva, &err), 0);
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule(db, SLUG, now + 600, &eva, &err),
                    0);
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule_get(db, SLUG, &s), 0);
    CU_ASSERT_EQUAL(s.publish_at, now + 600);
    EC_ASSERT_STR(s.by, "eva@draft.example");
    /* not yet */
    CU_ASSERT_EQUAL(ec_catalog_draft_publish_due(db, NULL, now, &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(live("DR-LATER"), 0);
    /* its time: published as who scheduled it */
    CU_ASSERT_EQUAL(ec_catalog_draft_publish_due(db, NULL, now + 600, &n), 0);
    CU_ASSERT(n >= 1);
    CU_ASSERT_EQUAL(live("DR-LATER"), 1);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?"
                          " AND object_id = 'DR-LATER' AND action = 'create'"
                          " AND actor_label = 'eva@draft.example'"),
                    1);
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule_get(db, SLUG, &s), 0);
    CU_ASSERT_EQUAL(s.publish_at, 0);
}

static void
test_scheduled_broken_waits(void)
{
    struct ec_catalog_schedule s;
    struct ec_check_error err;
    struct json_object *before = NULL;
    int64_t now = (int64_t)time(NULL);
    int n = -1;

    /* the draft places a product in "spare"; live then deletes "spare" */
    CU_ASSERT_EQUAL(put_with("DR-SPARE", "channels",
                             "{\"spare\": {\"visible\": true}}", &err),
                    0);
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule(db, SLUG, now - 1, &eva, &err),
                    0);
    CU_ASSERT_EQUAL(ec_catalog_edit_remove(db, NULL, SLUG, EC_CATALOG_CHANNEL,
                                           "spare", &bo, &err, &before),
                    0);
    json_object_put(before);
    CU_ASSERT_EQUAL(ec_catalog_draft_publish_due(db, NULL, now, &n), 0);
    CU_ASSERT_EQUAL(live("DR-SPARE"), 0);
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule_get(db, SLUG, &s), 0);
    CU_ASSERT_EQUAL(s.publish_at, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.last_error, "spare"));
    /* it stays in the draft for a person to mend */
    CU_ASSERT_EQUAL(draft_rows(), 1);
    CU_ASSERT_EQUAL(ec_catalog_draft_discard(db, SLUG, NULL, NULL, &eva), 0);
    CU_ASSERT_EQUAL(draft_rows(), 0);
    CU_ASSERT_EQUAL(ec_catalog_draft_schedule_get(db, SLUG, &s), 0);
    EC_ASSERT_STR(s.last_error, "");
}

static void
test_rules(void)
{
    struct json_object *r, *after = NULL;
    struct ec_check_error err;
    int changed;

    r = json_tokener_parse("[{\"kind\": \"path_prefix\", \"value\": \"/app\","
                           " \"channel\": \"nope\"}]");
    CU_ASSERT_EQUAL(ec_catalog_draft_put_rules(db, SLUG, r, &eva, &err, &after),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$[0].channel");
    json_object_put(r);
    r = json_tokener_parse("[{\"kind\": \"path_prefix\", \"value\": \"/app\","
                           " \"channel\": \"app\"}]");
    CU_ASSERT_EQUAL(ec_catalog_draft_put_rules(db, SLUG, r, &eva, &err, &after),
                    0);
    CU_ASSERT_EQUAL(json_object_array_length(after), 1);
    json_object_put(after);
    json_object_put(r);
    CU_ASSERT_EQUAL(
        ec_catalog_draft_publish(db, NULL, SLUG, &bo, &err, &changed), 0);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(
        count("SELECT COUNT(*) FROM channel_rules WHERE tenant_id = ?"), 1);
}

/* The code of the live channel that says "default": true ("" if none). */
static void
live_default(char *out, size_t size)
{
    struct json_object *arr = NULL;

    out[0] = '\0';
    CU_ASSERT_EQUAL_FATAL(
        ec_catalog_edit_list(db, SLUG, EC_CATALOG_CHANNEL, &arr), 0);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *c = json_object_array_get_idx(arr, i), *v;

        if (json_object_object_get_ex(c, "default", &v) &&
            json_object_get_boolean(v))
            snprintf(out, size, "%s",
                     ec_catalog_edit_key(EC_CATALOG_CHANNEL, c));
    }
    json_object_put(arr);
}

static int
put_channel(const char *code, const char *json)
{
    struct json_object *o = json_tokener_parse(json), *after = NULL;
    struct ec_check_error err;
    int created, rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    rc = ec_catalog_draft_put(db, SLUG, EC_CATALOG_CHANNEL, code, o,
                              EC_CATALOG_PUT_UPDATE, &eva, &err, &after,
                              &created);
    json_object_put(o);
    json_object_put(after);
    return rc;
}

/* A channel saved as the default takes it over: the one that had it is
   drafted without it in the same save; live changes at the publish. */
static void
test_default_moves(void)
{
    char code[64];
    long long rows = audit_rows();
    struct ec_check_error err;
    int changed;

    CU_ASSERT_EQUAL(draft_rows(), 0);
    /* no default at all is refused */
    CU_ASSERT_EQUAL(put_channel("web", "{\"name\": \"Web\", \"kind\": "
                                       "\"web_front\"}"),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(draft_rows(), 0);
    CU_ASSERT_EQUAL(put_channel("app", "{\"name\": \"App\", \"kind\": "
                                       "\"app\", \"default\": true}"),
                    0);
    CU_ASSERT_EQUAL(draft_rows(), 2);
    CU_ASSERT_EQUAL(audit_rows(), rows + 2);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?"
                          " AND object_type = 'catalog_draft' AND action ="
                          " 'save' AND object_id IN ('channel:app',"
                          " 'channel:web')"),
                    2);
    live_default(code, sizeof(code));
    EC_ASSERT_STR(code, "web");
    CU_ASSERT_EQUAL(
        ec_catalog_draft_publish(db, NULL, SLUG, &bo, &err, &changed), 0);
    CU_ASSERT_EQUAL(changed, 2);
    live_default(code, sizeof(code));
    EC_ASSERT_STR(code, "app");
}

/* The same through the live edit (the admin API's PUT): both written
   and each audited as an update. */
static void
test_default_moves_live(void)
{
    struct json_object *o, *after = NULL;
    struct ec_check_error err;
    char code[64];
    long long rows = audit_rows();
    int created;

    o = json_tokener_parse("{\"name\": \"Web\", \"kind\": \"web_front\","
                           " \"default\": true}");
    CU_ASSERT_EQUAL(ec_catalog_edit_put(db, NULL, SLUG, EC_CATALOG_CHANNEL,
                                        "web", o, EC_CATALOG_PUT_UPDATE, &eva,
                                        &err, &after, &created),
                    0);
    json_object_put(o);
    json_object_put(after);
    live_default(code, sizeof(code));
    EC_ASSERT_STR(code, "web");
    CU_ASSERT_EQUAL(audit_rows(), rows + 2);
    CU_ASSERT_EQUAL(
        count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?"
              " AND object_type = 'channel' AND action = 'update'"
              " AND object_id = 'app'"
              " AND JSON_EXTRACT(before_json, '$.default') = 'true'"),
        1);
}

static const struct ec_test tests[] = {
    {"setup: the database and a scratch tenant", test_setup},
    {"draft: a save stays out of the live catalog",
     test_save_stays_out_of_live},
    {"draft: a save is checked whole, the path in the object",
     test_save_checked_whole},
    {"draft: a change undone leaves the draft", test_change_undone_leaves},
    {"draft: the preview's snapshot, with and without the draft",
     test_preview_snapshot},
    {"draft: publish, one audit row a change, the draft emptied", test_publish},
    {"draft: retire in the draft, discard", test_retire_in_draft},
    {"draft: scheduled, published at its time as who asked", test_scheduled},
    {"draft: a scheduled publish live broke waits with the reason",
     test_scheduled_broken_waits},
    {"draft: the channel rules as one object", test_rules},
    {"draft: a channel saved as the default takes it over", test_default_moves},
    {"live: a channel put as the default takes it over, both audited",
     test_default_moves_live},
    {NULL, NULL},
};

int
main(void)
{
    return fixture_run_db(&dbc, &db, "integration/svc/draft_store", tests,
                          drop_tenant);
}
