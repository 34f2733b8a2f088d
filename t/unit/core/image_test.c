#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "core/image.h"

/* A 1x1 PNG as the format writes it (signature, IHDR, IDAT, IEND, with
   their CRCs), made by zlib from one red RGB pixel. */
static const unsigned char png_1x1[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
    0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

struct bytes {
    unsigned char d[256];
    size_t n;
};

static void
put(struct bytes *b, const void *p, size_t n)
{
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void
put_be16(struct bytes *b, unsigned v)
{
    unsigned char p[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    put(b, p, 2);
}

static void
put_le32(struct bytes *b, unsigned long v)
{
    unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    put(b, p, 4);
}

/* A baseline JPEG's head: SOI, APP0 "JFIF", a DQT, then SOF0 (or the
   frame marker sof) of width x height, three components, then EOI. */
static struct bytes
jpeg(unsigned char sof, unsigned width, unsigned height)
{
    static const unsigned char app0[] = {'J', 'F', 'I', 'F', 0, 1, 1,
                                         0,   0,   1,   0,   1, 0, 0};
    struct bytes b = {{0}, 0};
    unsigned char q[65] = {0};

    put(&b, "\xff\xd8", 2);
    put(&b, "\xff\xe0", 2), put_be16(&b, 2 + sizeof(app0));
    put(&b, app0, sizeof(app0));
    put(&b, "\xff\xdb", 2), put_be16(&b, 2 + sizeof(q));
    memset(q + 1, 1, 64);
    put(&b, q, sizeof(q));
    put(&b, "\xff", 1), put(&b, &sof, 1), put_be16(&b, 17);
    put(&b, "\x08", 1), put_be16(&b, height), put_be16(&b, width);
    put(&b, "\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
    put(&b, "\xff\xd9", 2);
    return b;
}

/* A WebP of one chunk (fourcc) with body (n bytes), RIFF size right. */
static struct bytes
webp(const char *fourcc, const unsigned char *body, size_t n)
{
    struct bytes b = {{0}, 0};

    put(&b, "RIFF", 4), put_le32(&b, 4 + 8 + n), put(&b, "WEBP", 4);
    put(&b, fourcc, 4), put_le32(&b, n), put(&b, body, n);
    return b;
}

static void
expect_ok(const unsigned char *d, size_t n, enum ec_image_type type, unsigned w,
          unsigned h)
{
    struct ec_image_info info;
    const char *why = NULL;
    int rc = ec_image_probe(d, n, &info, &why);

    if (rc != 0)
        fprintf(stderr, "\n    refused: %s\n", why);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(info.type, type);
    CU_ASSERT_EQUAL(info.width, w);
    CU_ASSERT_EQUAL(info.height, h);
}

static void
expect_refused(const unsigned char *d, size_t n, const char *words)
{
    struct ec_image_info info;
    const char *why = NULL;

    CU_ASSERT_EQUAL(ec_image_probe(d, n, &info, &why), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    if (!strstr(why, words))
        fprintf(stderr, "\n    \"%s\" lacks \"%s\"\n", why, words);
    CU_ASSERT(strstr(why, words) != NULL);
}

static void
test_png(void)
{
    unsigned char big[sizeof(png_1x1)];

    expect_ok(png_1x1, sizeof(png_1x1), EC_IMAGE_PNG, 1, 1);
    memcpy(big, png_1x1, sizeof(big));
    big[18] = 0x10, big[19] = 0x00; /* 4096 wide: the limit */
    expect_ok(big, sizeof(big), EC_IMAGE_PNG, 4096, 1);
    big[19] = 0x01; /* 4097 */
    expect_refused(big, sizeof(big), "4096 pixels");
    big[16] = 0x80; /* beyond PNG's own 2^31-1 */
    expect_refused(big, sizeof(big), "no pixels");
    memcpy(big, png_1x1, sizeof(big));
    big[12] = 'X'; /* IHDR not first */
    expect_refused(big, sizeof(big), "PNG");
    /* cut short: the signature alone, then inside IHDR */
    expect_refused(png_1x1, 8, "cut short");
    expect_refused(png_1x1, 20, "cut short");
}

static void
test_jpeg(void)
{
    struct bytes b = jpeg(0xc0, 640, 480);

    expect_ok(b.d, b.n, EC_IMAGE_JPEG, 640, 480);
    b = jpeg(0xc2, 3, 2); /* progressive */
    expect_ok(b.d, b.n, EC_IMAGE_JPEG, 3, 2);
    b = jpeg(0xc0, 4097, 10);
    expect_refused(b.d, b.n, "4096 pixels");
    b = jpeg(0xc0, 0, 10);
    expect_refused(b.d, b.n, "no pixels");
    /* DHT (C4) is not a frame: no frame before EOI */
    b = jpeg(0xc4, 10, 10);
    expect_refused(b.d, b.n, "JPEG");
    /* truncated anywhere before the frame's sizes */
    b = jpeg(0xc0, 10, 10);
    for (size_t n = 3; n < b.n - 12; n++)
        expect_refused(b.d, n, "JPEG");
    /* a segment length that points past the end */
    b = jpeg(0xc0, 10, 10);
    b.d[4] = 0x7f;
    expect_refused(b.d, b.n, "JPEG");
    /* a length under 2 */
    b = jpeg(0xc0, 10, 10);
    b.d[4] = 0, b.d[5] = 1;
    expect_refused(b.d, b.n, "JPEG");
}

static void
test_webp(void)
{
    /* lossy: frame tag (key frame), start code, 14-bit sizes */
    unsigned char vp8[10] = {0x10, 0x02, 0x00, 0x9d, 0x01,
                             0x2a, 0x20, 0x00, 0x10, 0x00};
    /* lossless: 0x2f, then (w-1) | (h-1) << 14 in 28 bits */
    unsigned long bits = (5 - 1) | (7UL - 1) << 14;
    unsigned char vp8l[5] = {
        0x2f, (unsigned char)bits, (unsigned char)(bits >> 8),
        (unsigned char)(bits >> 16), (unsigned char)(bits >> 24)};
    /* extended: flags, reserved, 24-bit (w-1) and (h-1) */
    unsigned char vp8x[10] = {0x10, 0, 0, 0, 0xff, 0x0f, 0, 0x63, 0, 0};
    struct bytes b;

    b = webp("VP8 ", vp8, sizeof(vp8));
    expect_ok(b.d, b.n, EC_IMAGE_WEBP, 32, 16);
    b = webp("VP8L", vp8l, sizeof(vp8l));
    expect_ok(b.d, b.n, EC_IMAGE_WEBP, 5, 7);
    b = webp("VP8X", vp8x, sizeof(vp8x));
    expect_ok(b.d, b.n, EC_IMAGE_WEBP, 4096, 100);
    vp8x[4] = 0x00, vp8x[5] = 0x10; /* 4097 */
    b = webp("VP8X", vp8x, sizeof(vp8x));
    expect_refused(b.d, b.n, "4096 pixels");
    /* an inter frame, a wrong start code, a wrong lossless signature */
    vp8[0] = 0x11;
    b = webp("VP8 ", vp8, sizeof(vp8));
    expect_refused(b.d, b.n, "WebP");
    vp8[0] = 0x10, vp8[3] = 0x9e;
    b = webp("VP8 ", vp8, sizeof(vp8));
    expect_refused(b.d, b.n, "WebP");
    vp8l[0] = 0x2e;
    b = webp("VP8L", vp8l, sizeof(vp8l));
    expect_refused(b.d, b.n, "WebP");
    /* an unknown first chunk */
    b = webp("ALPH", vp8l, sizeof(vp8l));
    expect_refused(b.d, b.n, "WebP");
    /* a RIFF size larger than the file, a chunk larger than the RIFF */
    vp8l[0] = 0x2f;
    b = webp("VP8L", vp8l, sizeof(vp8l));
    b.d[4] = 0xff;
    expect_refused(b.d, b.n, "WebP");
    b = webp("VP8L", vp8l, sizeof(vp8l));
    b.d[16] = 0xff;
    expect_refused(b.d, b.n, "WebP");
    /* truncated */
    b = webp("VP8L", vp8l, sizeof(vp8l));
    for (size_t n = 12; n < b.n; n++)
        expect_refused(b.d, n, "WebP");
}

static void
test_others_refused(void)
{
    static const char svg[] =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
        "height=\"10\"><script>alert(1)</script></svg>";
    static const char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    static const char bom_svg[] = "\xef\xbb\xbf<?xml version=\"1.0\"?><svg/>";
    unsigned char *huge;

    expect_refused((const unsigned char *)svg, sizeof(svg) - 1,
                   "not a PNG, JPEG or WebP");
    expect_refused((const unsigned char *)bom_svg, sizeof(bom_svg) - 1,
                   "SVG is not accepted");
    expect_refused((const unsigned char *)gif, sizeof(gif) - 1,
                   "not a PNG, JPEG or WebP");
    expect_refused((const unsigned char *)"", 0, "not a PNG");
    expect_refused((const unsigned char *)"\x89PNG", 4, "not a PNG");
    /* a PNG header with 512 KiB + 1 of padding: too big, by bytes */
    huge = calloc(1, EC_IMAGE_MAX_BYTES + 1);
    memcpy(huge, png_1x1, sizeof(png_1x1));
    expect_refused(huge, EC_IMAGE_MAX_BYTES + 1, "512 KiB");
    expect_ok(huge, EC_IMAGE_MAX_BYTES, EC_IMAGE_PNG, 1, 1);
    free(huge);
    EC_ASSERT_STR(ec_image_type_ext(EC_IMAGE_WEBP), "webp");
    CU_ASSERT_PTR_NULL(ec_image_type_ext(EC_IMAGE_NONE));
}

static const struct ec_test tests[] = {
    {"PNG: IHDR sizes, limits, truncation", test_png},
    {"JPEG: segments to SOFn, limits, truncation, lying lengths", test_jpeg},
    {"WebP: VP8, VP8L, VP8X, limits, truncation", test_webp},
    {"SVG, GIF, garbage and oversized files refused", test_others_refused},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("core/image", tests);
}
