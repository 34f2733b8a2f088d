#include <stdlib.h>

#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/multipart.h"

static struct ec_arena arena;

/* What Chromium sends for a form with a text field and a file. */
#define B "----WebKitFormBoundary7MA4YWxkTrZu0gW"
static const char chromium[] =
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"csrf\"\r\n"
    "\r\n"
    "tok123\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"logo\"; filename=\"a b.png\"\r\n"
    "Content-Type: image/PNG\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\0\r\n--not-the-boundary\r\n"
    "--" B "--\r\n";

static int
parse(const char *body, size_t len, struct ec_multipart *m)
{
    return ec_multipart_parse(&arena, B, body, len, m);
}

static void
test_boundary(void)
{
    static const struct {
        const char *ct, *want; /* NULL: refused */
    } cases[] = {
        {"multipart/form-data; boundary=" B, B},
        {"multipart/form-data;boundary=\"a'()+_,-./:=?z\"", "a'()+_,-./:=?z"},
        {"multipart/form-data; charset=utf-8; BOUNDARY=xyz; x=y", "xyz"},
        {"multipart/form-data", NULL},
        {"multipart/form-data; boundary=", NULL},
        {"multipart/form-data; boundary=\"unterminated", NULL},
        {"multipart/form-data; boundary=a<b", NULL},
        {"multipart/form-data; boundary=\"sp ace\"", NULL},
        {"multipart/form-data; boundary="
         "123456789012345678901234567890123456789012345678901234567890123456789"
         "01",
         NULL},
        {NULL, NULL},
    };
    const char *b;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = ec_multipart_boundary(&arena, cases[i].ct, &b);

        if (cases[i].want) {
            CU_ASSERT_EQUAL(rc, 0);
            if (rc == 0)
                EC_ASSERT_STR(b, cases[i].want);
        } else {
            CU_ASSERT_EQUAL(rc, EC_ERR_BAD_REQUEST);
        }
    }
}

static void
test_chromium_form(void)
{
    struct ec_multipart m;
    const struct ec_multipart_part *f;

    CU_ASSERT_EQUAL_FATAL(parse(chromium, sizeof(chromium) - 1, &m), 0);
    CU_ASSERT_EQUAL_FATAL(m.n, 2);
    EC_ASSERT_STR(m.parts[0].name, "csrf");
    CU_ASSERT_PTR_NULL(m.parts[0].filename);
    CU_ASSERT_EQUAL(m.parts[0].len, 6);
    CU_ASSERT(memcmp(m.parts[0].data, "tok123", 6) == 0);
    f = ec_multipart_get(&m, "logo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    EC_ASSERT_STR(f->filename, "a b.png");
    EC_ASSERT_STR(f->content_type, "image/png");
    /* the bytes as sent, a NUL, a CRLF and a near-boundary included */
    CU_ASSERT_EQUAL(f->len, 8 + 1 + 2 + 2 + 16);
    CU_ASSERT(memcmp(f->data, "\x89PNG\r\n\x1a\n\0\r\n--not-the-boundary",
                     f->len) == 0);
    CU_ASSERT(f->data > chromium && f->data < chromium + sizeof(chromium));
    CU_ASSERT_PTR_NULL(ec_multipart_get(&m, "missing"));
}

static void
test_preamble_padding_epilogue_quotes(void)
{
    static const char body[] =
        "a preamble is ignored\r\n"
        "--" B "  \t\r\n"
        "content-disposition: FORM-DATA; filename=\"x\\\"y.png\";name=f\r\n"
        "X-Other: ignored\r\n"
        "\r\n"
        "\r\n"
        "--" B "\r\n"
        "Content-Disposition: form-data; name=\"empty\"\r\n"
        "\r\n"
        "\r\n"
        "--" B "--the epilogue is ignored too";
    struct ec_multipart m;

    CU_ASSERT_EQUAL_FATAL(parse(body, sizeof(body) - 1, &m), 0);
    CU_ASSERT_EQUAL_FATAL(m.n, 2);
    EC_ASSERT_STR(m.parts[0].name, "f");
    EC_ASSERT_STR(m.parts[0].filename, "x\"y.png");
    CU_ASSERT_PTR_NULL(m.parts[0].content_type);
    CU_ASSERT_EQUAL(m.parts[0].len, 0);
    CU_ASSERT_EQUAL(m.parts[1].len, 0);
}

static void
test_malformed(void)
{
    static const char *const bad[] = {
        "", /* nothing */
        "no delimiter at all",
        "--" B "\r\n\r\nno headers\r\n--" B "--",
        "--" B "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" B "--",
        "--" B
        "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" B "--",
        "--" B "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" B "--",
        "--" B "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--" B
        "--",
        "--" B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--" B
        "--",
        "--" B
        "\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--" B
        "--",
        "--" B "\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--" B "--",
        "--" B "\r\nContent-Disposition: form-data name=a\r\n\r\nx\r\n--" B
        "--",
        "--" B "\r\nNo colon here\r\n\r\nx\r\n--" B "--",
        "--" B "\r\n folded: header\r\n\r\nx\r\n--" B "--",
        "--" B "\r\nContent-Disposition: form-data; name=a\r\n"
        "Content-Disposition: form-data; name=b\r\n\r\nx\r\n--" B "--",
        /* not closed by a delimiter */
        "--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\nx",
        "--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--" B,
        /* a delimiter not followed by CRLF or -- */
        "--" B "x\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--" B
        "--",
        /* headers never end */
        "--" B "\r\nContent-Disposition: form-data; name=a\r\n",
    };
    struct ec_multipart m;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i], strlen(bad[i]), &m);

        if (rc != EC_ERR_BAD_REQUEST)
            fprintf(stderr, "case %zu: %d\n", i, rc);
        CU_ASSERT_EQUAL(rc, EC_ERR_BAD_REQUEST);
    }
}

/* Every prefix of a good body is refused (never a partial result), and
   read only within its length (AddressSanitizer on the copy). */
static void
test_truncation(void)
{
    struct ec_multipart m;
    size_t n = sizeof(chromium) - 1;

    for (size_t len = 0; len < n; len++) {
        char *copy = malloc(len ? len : 1);
        int rc;

        memcpy(copy, chromium, len);
        rc = parse(copy, len, &m);
        /* the close delimiter's "--" is the last thing that counts */
        if (len < n - 2)
            CU_ASSERT_EQUAL(rc, EC_ERR_BAD_REQUEST);
        free(copy);
    }
}

static void
test_limits(void)
{
    static const char part[] =
        "--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n";
    static const char close[] = "--" B "--";
    char *body = malloc((sizeof(part) - 1) * (EC_MULTIPART_MAX_PARTS + 1) +
                        sizeof(close));
    char *big = malloc(EC_MULTIPART_HEADERS_MAX + 200);
    struct ec_multipart m;
    size_t len = 0;

    /* as many parts as allowed, then one more */
    for (int i = 0; i < EC_MULTIPART_MAX_PARTS; i++) {
        memcpy(body + len, part, sizeof(part) - 1);
        len += sizeof(part) - 1;
    }
    memcpy(body + len, close, sizeof(close));
    CU_ASSERT_EQUAL(parse(body, len + sizeof(close) - 1, &m), 0);
    CU_ASSERT_EQUAL(m.n, EC_MULTIPART_MAX_PARTS);
    memcpy(body + len, part, sizeof(part) - 1);
    memcpy(body + len + sizeof(part) - 1, close, sizeof(close));
    CU_ASSERT_EQUAL(parse(body, len + sizeof(part) - 1 + sizeof(close) - 1, &m),
                    EC_ERR_TOO_LARGE);

    /* headers beyond the limit */
    len = (size_t)sprintf(big, "--" B "\r\nContent-Disposition: form-data; "
                               "name=a\r\nX-Pad: ");
    memset(big + len, 'p', EC_MULTIPART_HEADERS_MAX);
    len += EC_MULTIPART_HEADERS_MAX;
    len += (size_t)sprintf(big + len, "\r\n\r\nx\r\n--" B "--");
    CU_ASSERT_EQUAL(parse(big, len, &m), EC_ERR_BAD_REQUEST);
    free(body);
    free(big);
}

static const struct ec_test tests[] = {
    {"the boundary of a Content-Type", test_boundary},
    {"a form as Chromium sends it", test_chromium_form},
    {"preamble, padding, epilogue, quoted-pair",
     test_preamble_padding_epilogue_quotes},
    {"malformed bodies are refused", test_malformed},
    {"every truncation is refused", test_truncation},
    {"too many parts, too long headers", test_limits},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    ec_arena_init(&arena, 0);
    rc = ec_test_run("http/multipart", tests);
    ec_arena_release(&arena);
    return rc;
}
