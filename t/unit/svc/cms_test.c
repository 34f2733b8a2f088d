#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/err.h"
#include "svc/cms.h"

/* JSON written with ' for " */
static struct json_object *
parse(const char *squoted)
{
    char *s = strdup(squoted);
    struct json_object *o;

    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    o = json_tokener_parse(s);
    free(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return o;
}

#define CT(id) "'contentType':{'sys':{'type':'Link','id':'" id "'}}"

static void
test_an_entry_its_version_handle_and_fields(void)
{
    struct json_object *o =
        parse("{'sys':{'id':'e1','type':'Entry','version':7," CT(
            "productContent") "},'fields':{'sku':{'da-DK':'NL-FRI'},"
                              "'headline':{'da-DK':'Hej'}}}");
    struct ec_cms_item it;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(ec_cms_item_read(o, EC_CMS_ENTRY, 0, &it, &why), 0);
    EC_ASSERT_STR(it.id, "e1");
    CU_ASSERT_EQUAL(it.version, 7);
    EC_ASSERT_STR(it.content_type, "productContent");
    EC_ASSERT_STR(it.handle, "NL-FRI");
    CU_ASSERT_FALSE(it.deleted);
    EC_ASSERT_STR(it.fields,
                  "{\"sku\":{\"da-DK\":\"NL-FRI\"},\"headline\":{\"da-DK\":"
                  "\"Hej\"}}");
    json_object_put(o);
}

static void
test_handles_by_content_type(void)
{
    static const struct {
        const char *json, *handle;
    } rows[] = {
        {"{'sys':{'id':'p','revision':2," CT("page") "},'fields':{'slug':{'da-"
                                                     "DK':'vinter'}}}",
         "vinter"},
        {"{'sys':{'id':'b','version':1," CT("banner") "},'fields':{'channel':{"
                                                      "'da-DK':'web'}}}",
         "web"},
        {"{'sys':{'id':'x','version':1," CT("other") "},'fields':{'sku':{'da-"
                                                     "DK':'NL-FRI'}}}",
         NULL},
        {"{'sys':{'id':'y','version':1," CT("productContent") "},'fields':{}}",
         NULL},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct json_object *o = parse(rows[i].json);
        struct ec_cms_item it;
        const char *why;

        CU_ASSERT_EQUAL_FATAL(ec_cms_item_read(o, EC_CMS_ENTRY, 0, &it, &why),
                              0);
        if (rows[i].handle)
            EC_ASSERT_STR(it.handle, rows[i].handle);
        else
            CU_ASSERT_PTR_NULL(it.handle);
        json_object_put(o);
    }
}

static void
test_tombstones_and_refusals(void)
{
    static const char *const bad[] = {
        "{'fields':{}}",
        "{'sys':{'version':1},'fields':{}}",
        "{'sys':{'id':'a b','version':1},'fields':{}}",
        "{'sys':{'id':'e','version':'1'},'fields':{}}",
        "{'sys':{'id':'e'},'fields':{}}",
        "{'sys':{'id':'e','version':1}}",
        "{'sys':{'id':'e','version':1},'fields':[]}",
        "[]",
    };
    struct ec_cms_item it;
    const char *why;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct json_object *o = parse(bad[i]);

        why = NULL;
        CU_ASSERT_EQUAL(ec_cms_item_read(o, EC_CMS_ENTRY, 0, &it, &why),
                        EC_ERR_INVALID_FIELD);
        CU_ASSERT_PTR_NOT_NULL(why);
        json_object_put(o);
    }
    /* a deletion needs no fields, and without a version it is version 0,
       which any stored version outranks */
    {
        struct json_object *o =
            parse("{'sys':{'id':'e','type':'DeletedEntry'}}");

        CU_ASSERT_EQUAL(ec_cms_item_read(o, EC_CMS_ENTRY, 1, &it, &why), 0);
        CU_ASSERT_TRUE(it.deleted);
        CU_ASSERT_EQUAL(it.version, 0);
        CU_ASSERT_PTR_NULL(it.fields);
        json_object_put(o);
    }
}

static const struct ec_test tests[] = {
    {"an entry: its id, version, content type, handle and fields",
     test_an_entry_its_version_handle_and_fields},
    {"the handle is the sku, slug or channel by content type",
     test_handles_by_content_type},
    {"tombstones need no fields; malformed items are refused",
     test_tombstones_and_refusals},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("svc/cms", tests);
}
