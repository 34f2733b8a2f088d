#include <math.h>

#include "../test.h"
#include "core/contrast.h"

static struct ec_rgb
rgb(const char *s)
{
    struct ec_rgb c = {0, 0, 0};

    CU_ASSERT_EQUAL_FATAL(ec_rgb_parse(s, &c), 0);
    return c;
}

static void
test_parse_forms(void)
{
    struct ec_rgb c;
    char out[8];

    c = rgb("#1F4e79");
    CU_ASSERT_EQUAL(c.r, 0x1f);
    CU_ASSERT_EQUAL(c.g, 0x4e);
    CU_ASSERT_EQUAL(c.b, 0x79);
    ec_rgb_format(&c, out);
    EC_ASSERT_STR(out, "#1f4e79");
    /* the short form doubles each digit */
    c = rgb("#0aF");
    ec_rgb_format(&c, out);
    EC_ASSERT_STR(out, "#00aaff");
}

static void
test_parse_refuses(void)
{
    static const char *const bad[] = {
        "",         "#",          "#12",     "#1234",    "#12345",
        "#1234567", "123456",     "#12345g", " #123456", "#123456 ",
        "#ggg",     "rgb(0,0,0)", "red",     "##12345",
    };
    struct ec_rgb c;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(ec_rgb_parse(bad[i], &c), -1);
    CU_ASSERT_EQUAL(ec_rgb_parse(NULL, &c), -1);
}

/* Ratios as WebAIM's contrast checker and the WCAG examples give them,
   to two decimals. */
static void
test_known_ratios(void)
{
    static const struct {
        const char *a, *b;
        double ratio;
    } rows[] = {
        {"#000000", "#ffffff", 21.00}, {"#ffffff", "#000", 21.00},
        {"#ffffff", "#ffffff", 1.00},  {"#777777", "#ffffff", 4.48},
        {"#767676", "#ffffff", 4.54},  {"#ff0000", "#ffffff", 4.00},
        {"#0000ff", "#ffffff", 8.59},  {"#00ff00", "#000000", 15.30},
        {"#1f4e79", "#ffffff", 8.66},  {"#595959", "#ffffff", 7.00},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct ec_rgb a = rgb(rows[i].a), b = rgb(rows[i].b);
        double r = ec_contrast_ratio(&a, &b);

        if (fabs(r - rows[i].ratio) >= 0.005)
            fprintf(stderr, "\n    %s on %s: %.4f, want %.2f\n", rows[i].a,
                    rows[i].b, r, rows[i].ratio);
        CU_ASSERT(fabs(r - rows[i].ratio) < 0.005);
        /* symmetric: which one is the text does not matter */
        CU_ASSERT_DOUBLE_EQUAL(ec_contrast_ratio(&b, &a), r, 1e-12);
    }
}

static void
test_luminance_ends_and_threshold(void)
{
    struct ec_rgb black = rgb("#000"), white = rgb("#fff");
    struct ec_rgb grey77 = rgb("#777777"), grey76 = rgb("#767676");

    CU_ASSERT_DOUBLE_EQUAL(ec_rgb_luminance(&black), 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ec_rgb_luminance(&white), 1.0, 1e-12);
    /* the well-known edge of AA for grey text on white */
    CU_ASSERT(ec_contrast_ratio(&grey77, &white) < EC_CONTRAST_AA_TEXT);
    CU_ASSERT(ec_contrast_ratio(&grey76, &white) >= EC_CONTRAST_AA_TEXT);
}

/* Against an independent formula: every grey on white, luminance from
   the sRGB transfer function written out here again. */
static void
test_greys_monotonic(void)
{
    double last = 22;

    for (int v = 0; v < 256; v++) {
        struct ec_rgb g = {(unsigned char)v, (unsigned char)v,
                           (unsigned char)v};
        struct ec_rgb white = {255, 255, 255};
        double c = v / 255.0;
        double l = c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
        double r = ec_contrast_ratio(&g, &white);

        CU_ASSERT_DOUBLE_EQUAL(r, 1.05 / (l + 0.05), 1e-9);
        CU_ASSERT(r <= last);
        last = r;
    }
}

/* color-mix(in srgb, a p%, b), as browsers compute it */
static void
test_mix(void)
{
    struct ec_rgb a = rgb("#b3261e"), w = rgb("#ffffff"), out;
    char hex[8];

    ec_rgb_mix(&a, 8, &w, &out);
    ec_rgb_format(&out, hex);
    EC_ASSERT_STR(hex, "#f9eeed");
    ec_rgb_mix(&a, 100, &w, &out);
    ec_rgb_format(&out, hex);
    EC_ASSERT_STR(hex, "#b3261e");
    ec_rgb_mix(&a, 0, &w, &out);
    ec_rgb_format(&out, hex);
    EC_ASSERT_STR(hex, "#ffffff");
    /* halves round up: 50 % of 0x01 over 0x00 is 0.5 */
    a = rgb("#010101"), w = rgb("#000000");
    ec_rgb_mix(&a, 50, &w, &out);
    CU_ASSERT_EQUAL(out.r, 1);
}

static const struct ec_test tests[] = {
    {"parse #rgb and #rrggbb", test_parse_forms},
    {"parse refuses everything else", test_parse_refuses},
    {"known contrast ratios", test_known_ratios},
    {"luminance ends and the AA threshold", test_luminance_ends_and_threshold},
    {"every grey on white", test_greys_monotonic},
    {"color-mix in sRGB", test_mix},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("core/contrast", tests);
}
