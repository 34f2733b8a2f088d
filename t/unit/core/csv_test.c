/*
 * core/csv.c: RFC 4180 quoting, and cells a spreadsheet would run as a
 * formula shown as text instead.
 */
#include "../test.h"
#include "core/buf.h"
#include "core/csv.h"

static void
test_cells(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\rhere", "\"cr\rhere\""},
        {"æøå 5G", "æøå 5G"},
        /* formula starts: a leading apostrophe */
        {"=1+2", "'=1+2"},
        {"+45 12345678", "'+45 12345678"},
        {"-5", "'-5"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"=HYPERLINK(\"http://x\",\"y\")",
         "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        /* only at the start */
        {"a=b", "a=b"},
        {"1-2", "1-2"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ec_buf b = EC_BUF_INIT;

        ec_csv_cell(&b, cases[i].in, strlen(cases[i].in));
        EC_ASSERT_STR(b.data, cases[i].want);
        ec_buf_release(&b);
    }
}

static void
test_rows(void)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *row[] = {"1", NULL, "a,b", "=x"};

    ec_csv_row(&b, row, 4);
    ec_csv_row(&b, row, 1);
    EC_ASSERT_STR(b.data, "1,,\"a,b\",'=x\r\n1\r\n");
    ec_buf_release(&b);
    ec_csv_cell(&b, NULL, 0);
    CU_ASSERT_EQUAL(b.len, 0);
}

static const struct ec_test tests[] = {
    {"cells: quoting and formula starts", test_cells},
    {"rows: separators, empty cells, CRLF", test_rows},
    {NULL, NULL},
};

EC_TEST_MAIN("core/csv", tests)
