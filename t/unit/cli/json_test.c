/*
 * Tests for src/cli/json.c: the JSON files ecomctl reads. A file holding
 * only a number ("85", no newline) was refused as "continue" by `ecomctl
 * render`: json-c waits for more digits unless told the input ended.
 */
#include <stdlib.h>

#include "../test.h"
#include "cli/json.h"

struct parse_case {
    const char *text;
    size_t len;         /* 0: strlen(text) */
    const char *result; /* the value as JSON text, or NULL: refused */
    const char *why;    /* when refused */
    size_t line, column;
};

static const struct parse_case cases[] = {
    {"85", 0, "85", NULL, 0, 0},
    {"85\n", 0, "85", NULL, 0, 0},
    {" -1.5e3", 0, "-1.5e3", NULL, 0, 0},
    {"true", 0, "true", NULL, 0, 0},
    {"null", 0, "null", NULL, 0, 0},
    {"\"s\"", 0, "\"s\"", NULL, 0, 0},
    {"{\"a\": [1, 2]}\r\n", 0, "{\"a\":[1,2]}", NULL, 0, 0},
    {"", 0, NULL, "unexpected end of file", 1, 1},
    {"  \n", 0, NULL, "unexpected end of file", 2, 1},
    {"[1,", 0, NULL, "unexpected end of file", 1, 4},
    {"{\"a\":\n  1", 0, NULL, "unexpected end of file", 2, 4},
    {"8 5", 0, NULL, "more after the JSON value", 1, 3},
    {"{}\n{}", 0, NULL, "more after the JSON value", 2, 1},
    {"85\0"
     "9",
     4, NULL, "a NUL byte", 1, 3},
};

static void
test_parse_cases(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct parse_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->text);
        char *text = malloc(len + 1);
        const char *why;
        size_t line, column;
        struct json_object *v;
        int rc;

        memcpy(text, c->text, len);
        text[len] = '\0';
        rc = ec_cli_json_parse(text, len, &v, &why, &line, &column);
        if (c->result) {
            EC_ASSERT_STR(rc == 0 ? json_object_to_json_string_ext(
                                        v, JSON_C_TO_STRING_PLAIN)
                                  : why,
                          c->result);
        } else {
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_PTR_NULL(v);
            EC_ASSERT_STR(why, c->why);
            if (line != c->line || column != c->column)
                fprintf(stderr, "\n    case %zu: at %zu:%zu, want %zu:%zu\n", i,
                        line, column, c->line, c->column);
            CU_ASSERT_EQUAL(line, c->line);
            CU_ASSERT_EQUAL(column, c->column);
        }
        json_object_put(v);
        free(text);
    }
}

/* Any syntax error is refused with json-c's reason and a position. */
static void
test_syntax_error(void)
{
    struct json_object *v;
    const char *why;
    size_t line, column;

    CU_ASSERT_EQUAL(ec_cli_json_parse("{\n  x}", 6, &v, &why, &line, &column),
                    -1);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_PTR_NOT_NULL(why);
    CU_ASSERT_EQUAL(line, 2);
}

static const struct ec_test tests[] = {
    {"one value of any type, white space around it", test_parse_cases},
    {"a syntax error has a reason and a line", test_syntax_error},
    {NULL, NULL},
};

EC_TEST_MAIN("cli/json", tests)
