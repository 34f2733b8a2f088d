#include <stddef.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/arena.h"
#include "core/check.h"
#include "core/err.h"

/* A record checked by a table, as a service would declare one. */
struct rec {
    const char *name;
    int color;
    int count;
    long long big;
    int on;
    int custom_seen;
};

static const char *const colors[] = {"red", "green", "blue", NULL};

static int
custom(struct ec_check *ck, struct json_object *o,
       const struct ec_check_field *f, void *field, void *ctx)
{
    (void)ck, (void)o, (void)f, (void)ctx;
    *(int *)field = 1;
    return 0;
}

static const struct ec_check_field fields[] = {
    {"name", EC_CHECK_STRING, EC_CHECK_REQUIRED, 1, 5, "a name of 1 to 5", NULL,
     offsetof(struct rec, name), NULL},
    {"color", EC_CHECK_ENUM, 0, 0, 0, NULL, colors, offsetof(struct rec, color),
     NULL},
    {"count", EC_CHECK_INT, EC_CHECK_NULLABLE, 0, 10, "0 to 10", NULL,
     offsetof(struct rec, count), NULL},
    {"big", EC_CHECK_INT64, 0, 0, 5000000000LL, "up to 5e9", NULL,
     offsetof(struct rec, big), NULL},
    {"on", EC_CHECK_BOOL, 0, 0, 0, NULL, NULL, offsetof(struct rec, on), NULL},
    {"x", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL,
     offsetof(struct rec, custom_seen), custom},
};

static const struct {
    const char *json;
    const char *path;    /* NULL: valid */
    const char *message; /* NULL: valid */
} cases[] = {
    {"{\"name\": \"ab\"}", NULL, NULL},
    {"{}", "$.name", "required: a name of 1 to 5"},
    {"{\"name\": 7}", "$.name", "must be a name of 1 to 5 (got 7)"},
    {"{\"name\": \"abcdef\"}", "$.name",
     "must be a name of 1 to 5 (got 6 characters)"},
    {"{\"name\": \"\\u00e6\\u00f8\\u00e5\"}", NULL, NULL},
    {"{\"name\": \"a\", \"color\": \"pink\"}", "$.color",
     "must be red, green or blue (got \"pink\")"},
    {"{\"name\": \"a\", \"count\": 11}", "$.count", "must be 0 to 10 (got 11)"},
    {"{\"name\": \"a\", \"count\": 1.5}", "$.count",
     "must be 0 to 10 (got 1.5)"},
    {"{\"name\": \"a\", \"count\": null}", NULL, NULL},
    {"{\"name\": \"a\", \"big\": 5000000001}", "$.big",
     "must be up to 5e9 (got 5000000001)"},
    {"{\"name\": \"a\", \"on\": \"yes\"}", "$.on",
     "must be true or false (got \"yes\")"},
};

static void
test_fields_table(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct json_object *j = json_tokener_parse(cases[i].json);
        struct ec_check_error err;
        struct ec_check ck;
        struct ec_arena a;
        struct rec r;
        int rc;

        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        ec_arena_init(&a, 0);
        memset(&r, 0, sizeof(r));
        r.count = 3;
        ec_check_init(&ck, &a, &err);
        rc = ec_check_fields(&ck, j, fields, sizeof(fields) / sizeof(*fields),
                             &r, NULL);
        if (!cases[i].path) {
            CU_ASSERT_EQUAL(rc, 0);
            CU_ASSERT_EQUAL(r.custom_seen, 1);
        } else {
            CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
            EC_ASSERT_STR(err.path, cases[i].path);
            EC_ASSERT_STR(err.message, cases[i].message);
        }
        json_object_put(j);
        ec_arena_release(&a);
    }
}

static void
test_values_land_in_their_fields(void)
{
    struct json_object *j = json_tokener_parse(
        "{\"name\": \"ab\", \"color\": \"blue\", \"count\": null,"
        " \"big\": 4000000000, \"on\": true}");
    struct ec_check_error err;
    struct ec_check ck;
    struct ec_arena a;
    struct rec r;

    ec_arena_init(&a, 0);
    memset(&r, 0, sizeof(r));
    ec_check_init(&ck, &a, &err);
    CU_ASSERT_EQUAL_FATAL(ec_check_fields(&ck, j, fields,
                                          sizeof(fields) / sizeof(*fields), &r,
                                          NULL),
                          0);
    json_object_put(j);
    /* strings are the arena's: they outlive the JSON */
    EC_ASSERT_STR(r.name, "ab");
    CU_ASSERT_EQUAL(r.color, 2);
    CU_ASSERT_EQUAL(r.count, -1);
    CU_ASSERT_EQUAL(r.big, 4000000000LL);
    CU_ASSERT_EQUAL(r.on, 1);
    ec_arena_release(&a);
}

static void
test_paths(void)
{
    struct ec_check_error err;
    struct ec_check ck;
    struct ec_arena a;
    size_t old;

    ec_arena_init(&a, 0);
    ec_check_init(&ck, &a, &err);
    old = ec_check_key(&ck, "products");
    ec_check_index(&ck, 2);
    ec_check_key(&ck, "it's");
    CU_ASSERT_EQUAL(ec_check_fail(&ck, "bad %d", 1), EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(err.path, "$.products[2]['it\\'s']");
    EC_ASSERT_STR(err.message, "bad 1");
    ec_check_pop(&ck, old);
    EC_ASSERT_STR(ck.path, "$");
    /* a path too long to hold is cut, never overflowed */
    for (int i = 0; i < 100; i++)
        ec_check_key(&ck, "abcdefgh");
    CU_ASSERT_EQUAL(ck.len, sizeof(ck.path) - 1);
    ec_arena_release(&a);
}

static void
test_utf8_and_lists(void)
{
    char buf[64];

    CU_ASSERT_EQUAL(ec_check_utf8_chars("a\xc3\xa6", 3), 2);
    CU_ASSERT_EQUAL(ec_check_utf8_chars("\xc0\xaf", 2), -1);     /* overlong */
    CU_ASSERT_EQUAL(ec_check_utf8_chars("\xed\xa0\x80", 3), -1); /* surrogate */
    CU_ASSERT_EQUAL(ec_check_utf8_chars("\xf4\x90\x80\x80", 4), -1);
    ec_check_join_or(buf, sizeof(buf), colors);
    EC_ASSERT_STR(buf, "red, green or blue");
    ec_check_join_and(buf, sizeof(buf), colors);
    EC_ASSERT_STR(buf, "red, green, blue");
    CU_ASSERT_EQUAL(ec_check_in_list("blue", colors), 2);
    CU_ASSERT_EQUAL(ec_check_in_list("pink", colors), -1);
}

static const struct ec_test tests[] = {
    {"fields declared as a table: each rule and its message",
     test_fields_table},
    {"checked values land in their fields", test_values_land_in_their_fields},
    {"paths: dots, brackets, indexes, cut when too long", test_paths},
    {"UTF-8 and name lists", test_utf8_and_lists},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("core/check", tests);
}
