/*
 * Tests of svc/product_attr.c: every entry of the attribute tables, at
 * the edges of its rule, goes document -> struct -> export JSON and
 * comes back equal, and struct -> SQL parameter -> struct the same. The
 * tests walk the tables, so a new attribute is tested without a new
 * line here.
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"
#include "svc/product_attr.h"

/* A product that offers everything, so a placement may narrow to any
   value; written as an export writes it. */
static const char product_text[] =
    "{\"sku\": \"T-1\", \"kind\": \"plan\", \"status\": \"active\","
    " \"name\": \"N\", \"description\": \"\", \"data_gb\": 1,"
    " \"talk_minutes\": 1, \"network\": \"4g\", \"eu_data_gb\": 0,"
    " \"monthly_price\": 100, \"fees\": {\"startup\": 0, \"sim\": 0},"
    " \"binding_months\": [0, 1, 2, 3, 4, 5, 6],"
    " \"sim_types\": [\"physical\", \"esim\"],"
    " \"channels\": {\"web\": {\"visible\": true, \"sort\": 0}},"
    " \"addons\": []}";

static const char doc_head[] =
    "{\"format\": \"ecom-catalog/1\", \"channels\": [{\"code\": \"web\","
    " \"name\": \"Web\", \"kind\": \"web_front\", \"default\": true}],"
    " \"channel_rules\": [], \"campaigns\": [], \"products\": []}";

static const char *
plain(struct json_object *o)
{
    return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* Member key ("fees.startup" within "fees") of o set to v (owned). */
static void
set_member(struct json_object *o, const char *key, struct json_object *v)
{
    const char *dot = strchr(key, '.');
    char group[64];

    if (!dot) {
        json_object_object_add(o, key, v);
        return;
    }
    snprintf(group, sizeof(group), "%.*s", (int)(dot - key), key);
    json_object_object_add(json_object_object_get(o, group), dot + 1, v);
}

/* Member key of o with its members in the order of table attrs, as an
   export writes them. */
static void
in_table_order(struct json_object *o, const char *key,
               const struct ec_product_attr *attrs, size_t n)
{
    struct json_object *old = json_object_object_get(o, key), *v;
    struct json_object *now = json_object_new_object();

    for (size_t i = 0; i < n; i++)
        if (json_object_object_get_ex(old, attrs[i].key, &v))
            json_object_object_add(now, attrs[i].key, json_object_get(v));
    json_object_object_add(o, key, now);
}

/* A string of n characters c (UTF-8), new. */
static struct json_object *
chars(size_t n, const char *c)
{
    size_t w = strlen(c);
    char *s = malloc(n * w + 1);
    struct json_object *o;

    for (size_t i = 0; i < n; i++)
        memcpy(s + i * w, c, w);
    s[n * w] = '\0';
    o = json_object_new_string(s);
    free(s);
    return o;
}

/* The set of bits as the document writes it, new. */
static struct json_object *
set_value(const struct ec_product_attr *a, unsigned bits)
{
    struct json_object *arr = json_object_new_array();

    for (unsigned i = 0; i < 32; i++) {
        if (a->names && !a->names[i])
            break;
        if (!a->names && i > (unsigned)a->max)
            break;
        if (bits & (1u << i))
            json_object_array_add(arr, a->names
                                           ? json_object_new_string(a->names[i])
                                           : json_object_new_int((int)i));
    }
    return arr;
}

/* The values of attribute a to try, at the edges of its rule; n of them
   into out (new references). */
static size_t
values_of(const struct ec_product_attr *a, struct json_object **out)
{
    size_t n = 0, width;

    switch (a->kind) {
    case EC_ATTR_CODE:
        out[n++] = chars((size_t)(a->min ? a->min : 1), "A");
        out[n++] = chars((size_t)a->max, "A");
        break;
    case EC_ATTR_TEXT:
        out[n++] = chars((size_t)(a->min ? a->min : 1), "a");
        out[n++] = chars((size_t)a->max, "\xc3\xa6"); /* æ: 2 bytes */
        break;
    case EC_ATTR_BOOL:
        out[n++] = json_object_new_boolean(1);
        out[n++] = json_object_new_boolean(0);
        break;
    case EC_ATTR_INT:
        out[n++] = json_object_new_int64(a->min);
        out[n++] = json_object_new_int64(a->max);
        if (a->flags & EC_ATTR_NULL)
            out[n++] = NULL;
        break;
    case EC_ATTR_ENUM:
        for (size_t i = 0; a->names[i]; i++)
            out[n++] = json_object_new_string(a->names[i]);
        break;
    case EC_ATTR_SET:
        width = a->names ? 0 : (size_t)a->max + 1;
        while (a->names && a->names[width])
            width++;
        for (size_t i = 0; i < width; i++)
            out[n++] = set_value(a, 1u << i);
        out[n++] = set_value(a, (1u << width) - 1);
        break;
    case EC_ATTR_GROUP:
        break;
    }
    return n;
}

/*
 * The document with product p (owned) parsed, checked, written back:
 * its product must be p again, and each attribute must survive its SQL
 * parameter and its reading back.
 */
static void
round_trip(struct json_object *p, const char *what)
{
    struct json_object *doc = json_tokener_parse(doc_head), *out, *got;
    struct ec_catalog_doc d;
    struct ec_check_error err;
    struct ec_product back;
    struct ec_placement pback;
    char *want = strdup(plain(p));
    int rc;

    json_object_array_add(json_object_object_get(doc, "products"), p);
    ec_catalog_doc_init(&d);
    rc = ec_catalog_doc_parse(&d, doc, NULL, &err);
    if (rc < 0)
        fprintf(stderr, "\n    %s: %s: %s\n", what, err.path, err.message);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    out = ec_catalog_doc_to_json(&d, NULL);
    got = json_object_array_get_idx(json_object_object_get(out, "products"), 0);
    if (strcmp(plain(got), want) != 0)
        fprintf(stderr, "\n    %s:\n    got  %s\n    want %s\n", what,
                plain(got), want);
    CU_ASSERT_STRING_EQUAL(plain(got), want);

    /* struct -> statement parameter -> a row's text -> struct */
    memset(&back, 0, sizeof(back));
    memset(&pback, 0, sizeof(pback));
    for (int t = 0; t < 2; t++) {
        const struct ec_product_attr *attrs =
            t ? ec_placement_attrs : ec_product_attrs;
        size_t n = t ? ec_placement_nattrs : ec_product_nattrs;
        const void *from = t ? (const void *)&d.products[0].placements[0]
                             : (const void *)&d.products[0];
        void *to = t ? (void *)&pback : (void *)&back;

        for (size_t i = 0; i < n; i++) {
            const struct ec_product_attr *a = &attrs[i];
            struct ec_db_param prm;
            char num[32];
            const char *text = NULL;

            if (!a->column)
                continue;
            prm = ec_product_attr_param(a, from, &d.arena);
            if (prm.type == EC_DB_STR)
                text = prm.str;
            else if (prm.type == EC_DB_INT)
                text = (snprintf(num, sizeof(num), "%lld", prm.num), num);
            ec_product_attr_from_sql(a, text, &d.arena, to);
            if (!ec_product_attr_equal(a, from, to))
                fprintf(stderr, "\n    %s: %s differs through SQL\n", what,
                        a->key);
            CU_ASSERT_TRUE(ec_product_attr_equal(a, from, to));
        }
    }
    free(want);
    json_object_put(out);
    json_object_put(doc);
    ec_catalog_doc_release(&d);
}

static void
test_every_product_attribute_round_trips(void)
{
    size_t tried = 0;

    for (size_t i = 0; i < ec_product_nattrs; i++) {
        const struct ec_product_attr *a = &ec_product_attrs[i];
        struct json_object *values[16];
        size_t n = values_of(a, values);

        for (size_t k = 0; k < n; k++) {
            struct json_object *p = json_tokener_parse(product_text);
            char what[96];

            set_member(p, a->key, values[k]);
            /* only plans carry add-ons */
            if (a->kind == EC_ATTR_ENUM && a->names == ec_product_kind_names &&
                strcmp(json_object_get_string(values[k]), "plan") != 0)
                json_object_object_del(p, "addons");
            snprintf(what, sizeof(what), "%s value %zu", a->key, k);
            round_trip(p, what);
            tried++;
        }
    }
    CU_ASSERT_TRUE(tried > ec_product_nattrs);
}

static void
test_every_placement_attribute_round_trips(void)
{
    size_t tried = 0;

    for (size_t i = 0; i < ec_placement_nattrs; i++) {
        const struct ec_product_attr *a = &ec_placement_attrs[i];
        struct json_object *values[16];
        size_t n = values_of(a, values);

        for (size_t k = 0; k < n; k++) {
            struct json_object *p = json_tokener_parse(product_text);
            struct json_object *web = json_object_object_get(
                json_object_object_get(p, "channels"), "web");
            char what[96];

            set_member(web, a->key, values[k]);
            in_table_order(json_object_object_get(p, "channels"), "web",
                           ec_placement_attrs, ec_placement_nattrs);
            snprintf(what, sizeof(what), "channels.web.%s value %zu", a->key,
                     k);
            round_trip(p, what);
            tried++;
        }
    }
    CU_ASSERT_TRUE(tried > ec_placement_nattrs);
}

/* What the tables promise their walkers (svc/product_attr.h). */
static void
test_tables_keep_their_invariants(void)
{
    for (int t = 0; t < 2; t++) {
        const struct ec_product_attr *attrs =
            t ? ec_placement_attrs : ec_product_attrs;
        size_t n = t ? ec_placement_nattrs : ec_product_nattrs;

        for (size_t i = 0; i < n; i++) {
            const struct ec_product_attr *a = &attrs[i];

            CU_ASSERT_PTR_NOT_NULL(a->key);
            CU_ASSERT_EQUAL(a->kind == EC_ATTR_GROUP, a->column == NULL);
            if (a->kind != EC_ATTR_GROUP && a->kind != EC_ATTR_BOOL &&
                a->kind != EC_ATTR_ENUM)
                CU_ASSERT_PTR_NOT_NULL(a->what);
            if (a->kind == EC_ATTR_ENUM)
                CU_ASSERT_PTR_NOT_NULL(a->names);
            if (a->kind == EC_ATTR_SET)
                CU_ASSERT_PTR_NOT_NULL(a->one);
            /* a member follows its group */
            if (strchr(a->key, '.'))
                CU_ASSERT_TRUE(i > 0 && (attrs[i - 1].kind == EC_ATTR_GROUP ||
                                         strchr(attrs[i - 1].key, '.')));
        }
    }
}

/* The statements' column lists, in the table's order. */
static void
test_sql_lists(void)
{
    static const struct ec_product_attr t[] = {
        {.key = "a", .column = "ca", .kind = EC_ATTR_INT},
        {.key = "g", .kind = EC_ATTR_GROUP},
        {.key = "g.b", .column = "cb", .kind = EC_ATTR_INT},
    };
    char buf[128];

    EC_ASSERT_STR(ec_product_attr_sql(buf, sizeof(buf), "SELECT ", t, 3,
                                      EC_ATTR_SQL_COLUMNS, "x.", " FROM y"),
                  "SELECT x.ca, x.cb FROM y");
    EC_ASSERT_STR(ec_product_attr_sql(buf, sizeof(buf), "(", t, 3,
                                      EC_ATTR_SQL_MARKS, NULL, ")"),
                  "(?, ?)");
    EC_ASSERT_STR(ec_product_attr_sql(buf, sizeof(buf), "SET ", t, 3,
                                      EC_ATTR_SQL_SETS, NULL, ""),
                  "SET ca = ?, cb = ?");
    CU_ASSERT_EQUAL(ec_product_attr_ncolumns(t, 3), 2);
}

static const struct ec_test tests[] = {
    {"every product attribute round-trips",
     test_every_product_attribute_round_trips},
    {"every placement attribute round-trips",
     test_every_placement_attribute_round_trips},
    {"the tables keep their invariants", test_tables_keep_their_invariants},
    {"SQL lists follow the table", test_sql_lists},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/product_attr", tests)
