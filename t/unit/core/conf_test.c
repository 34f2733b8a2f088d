#include <stddef.h>
#include <stdlib.h>

#include "../test.h"
#include "core/conf.h"

struct sample {
    char *name;
    long count;
    size_t size;
    long timeout;
    int flag;
    unsigned mode;
};

#define F(x) offsetof(struct sample, x)
static const struct ec_conf_directive table[] = {
    {"name", EC_CONF_STR, F(name), 0, 0, NULL},
    {"count", EC_CONF_INT, F(count), 1, 64, NULL},
    {"size", EC_CONF_SIZE, F(size), 1024, 1 << 30, NULL},
    {"timeout", EC_CONF_MSEC, F(timeout), 0, 0, NULL},
    {"flag", EC_CONF_BOOL, F(flag), 0, 0, NULL},
    {"mode", EC_CONF_MODE, F(mode), 0, 0, NULL},
    {NULL, 0, 0, 0, 0, NULL},
};

static int
parse(struct sample *s, const char *text, char *err, size_t errsize)
{
    memset(s, 0, sizeof(*s));
    err[0] = '\0';
    return ec_conf_parse_text("test.conf", text, strlen(text), table, s, err,
                              errsize);
}

static void
test_values_of_every_type(void)
{
    struct sample s;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(parse(&s,
                                "# a comment\n"
                                "name = \"two words # not a comment\"\n"
                                "\n"
                                "count = 8   # trailing comment\n"
                                "size = 2m\n"
                                "timeout = 250ms\n"
                                "flag = on\n"
                                "mode = 0660\n",
                                err, sizeof(err)),
                          0);
    EC_ASSERT_STR(s.name, "two words # not a comment");
    CU_ASSERT_EQUAL(s.count, 8);
    CU_ASSERT_EQUAL(s.size, 2 * 1024 * 1024);
    CU_ASSERT_EQUAL(s.timeout, 250);
    CU_ASSERT_EQUAL(s.flag, 1);
    CU_ASSERT_EQUAL(s.mode, 0660);
    ec_conf_free_strings(table, &s);
}

static void
test_durations(void)
{
    static const struct {
        const char *text;
        long ms;
    } cases[] = {
        {"timeout = 5\n", 5000},       {"timeout = 5s\n", 5000},
        {"timeout = 2m\n", 120000},    {"timeout = 1h\n", 3600000},
        {"timeout = 2d\n", 172800000}, {"timeout = 0ms\n", 0},
    };
    struct sample s;
    char err[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CU_ASSERT_EQUAL_FATAL(parse(&s, cases[i].text, err, sizeof(err)), 0);
        CU_ASSERT_EQUAL(s.timeout, cases[i].ms);
    }
}

/* Each bad file must fail with the file, the line and the reason. */
static void
test_errors_name_file_line_and_reason(void)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"name = a\nbogus = 1\n", "test.conf:2: unknown directive 'bogus'"},
        {"count = 8\ncount = 9\n", "test.conf:2: 'count' is set twice"},
        {"\n\ncount = many\n",
         "test.conf:3: count: 'many' is not a whole number"},
        {"count = 0\n", "test.conf:1: count: 0 is out of range (1 to 64)"},
        {"count = 65\n", "test.conf:1: count: 65 is out of range (1 to 64)"},
        {"count = 1k\n", "test.conf:1: count: '1k' is not a whole number"},
        {"size = 12q\n",
         "test.conf:1: size: '12q' is not a size (e.g. 1m, 64k)"},
        {"timeout = soon\n", "test.conf:1: timeout: 'soon' is not a duration "
                             "(e.g. 500ms, 5s, 15m, 2d)"},
        {"flag = maybe\n", "test.conf:1: flag: 'maybe' is not on or off"},
        {"mode = 660\n",
         "test.conf:1: mode: '660' is not an octal mode such as 0660"},
        {"name\n", "test.conf:1: expected 'key = value'"},
        {"name = \"open\n", "test.conf:1: unterminated quoted value"},
        {"name =   \n", "test.conf:1: name: missing value"},
        {"Name = x\n", "test.conf:1: 'Name' is not a valid key"},
        {" = x\n", "test.conf:1: missing key before '='"},
    };
    struct sample s;
    char err[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CU_ASSERT_EQUAL(parse(&s, cases[i].text, err, sizeof(err)), -1);
        EC_ASSERT_STR(err, cases[i].want);
        ec_conf_free_strings(table, &s);
    }
}

static void
test_missing_file(void)
{
    struct sample s;
    char err[256];

    memset(&s, 0, sizeof(s));
    CU_ASSERT_EQUAL(ec_conf_parse_file("/nonexistent/ecomd.conf", table, &s,
                                       err, sizeof(err)),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/ecomd.conf: cannot open"));
}

static const struct ec_test tests[] = {
    {"values of every directive type parse", test_values_of_every_type},
    {"durations take ms, s, m and h", test_durations},
    {"errors name the file, line and reason",
     test_errors_name_file_line_and_reason},
    {"a missing file is reported with its path", test_missing_file},
    {NULL, NULL},
};

EC_TEST_MAIN("core/conf", tests)
