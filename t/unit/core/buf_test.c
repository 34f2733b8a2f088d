#include <stdlib.h>

#include "../test.h"
#include "core/buf.h"

static void
test_empty_buffer_is_a_string(void)
{
    struct ec_buf b = EC_BUF_INIT;

    EC_ASSERT_STR(b.data, "");
    CU_ASSERT_EQUAL(b.len, 0);
    ec_buf_release(&b);
}

static void
test_add_and_format_grow(void)
{
    struct ec_buf b = EC_BUF_INIT;

    for (int i = 0; i < 1000; i++)
        ec_buf_addf(&b, "%04d", i);
    CU_ASSERT_EQUAL(b.len, 4000);
    CU_ASSERT_EQUAL(b.data[4000], '\0');
    CU_ASSERT_NSTRING_EQUAL(b.data + 3996, "0999", 4);
    ec_buf_reset(&b);
    CU_ASSERT_EQUAL(b.len, 0);
    EC_ASSERT_STR(b.data, "");
    ec_buf_release(&b);
}

static void
test_html_escaping(void)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *in = "<a href=\"x\">Tom & Jerry's</a>";

    ec_buf_add_html(&b, in, strlen(in));
    EC_ASSERT_STR(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; "
                          "Jerry&#39;s&lt;/a&gt;");
    ec_buf_release(&b);
}

static void
test_json_escaping(void)
{
    struct ec_buf b = EC_BUF_INIT;
    const char in[] = "q\"\\\n\x01</script>";

    ec_buf_add_json_str(&b, in, sizeof(in) - 1);
    EC_ASSERT_STR(b.data, "q\\\"\\\\\\n\\u0001\\u003c/script\\u003e");
    ec_buf_release(&b);
}

static void
test_detach_hands_over(void)
{
    struct ec_buf b = EC_BUF_INIT;
    size_t len;
    char *s;

    ec_buf_adds(&b, "mine");
    s = ec_buf_detach(&b, &len);
    EC_ASSERT_STR(s, "mine");
    CU_ASSERT_EQUAL(len, 4);
    CU_ASSERT_EQUAL(b.len, 0);
    free(s);
}

static const struct ec_test tests[] = {
    {"an empty buffer is the empty string", test_empty_buffer_is_a_string},
    {"add and addf grow the buffer", test_add_and_format_grow},
    {"HTML escaping covers & < > \" '", test_html_escaping},
    {"JSON escaping is safe inside HTML", test_json_escaping},
    {"detach hands the string to the caller", test_detach_hands_over},
    {NULL, NULL},
};

EC_TEST_MAIN("core/buf", tests)
