/*
 * Colour contrast as WCAG 2.x defines it, for checking a brand's palette
 * before its storefront shows it.
 *
 * Colours are sRGB, written "#rgb" or "#rrggbb" (either case; "#abc" is
 * "#aabbcc"). The relative luminance of a colour is
 * 0.2126 R + 0.7152 G + 0.0722 B of its linearised channels, and the
 * contrast ratio of two colours is (L1 + 0.05) / (L2 + 0.05) with L1 the
 * lighter: 1 for equal colours, 21 for black on white.
 */
#ifndef EC_CORE_CONTRAST_H
#define EC_CORE_CONTRAST_H

/* WCAG 2.x level AA: normal text (1.4.3) and user interface components
   and graphics such as a focus ring (1.4.11). */
#define EC_CONTRAST_AA_TEXT 4.5
#define EC_CONTRAST_AA_NON_TEXT 3.0

struct ec_rgb {
    unsigned char r, g, b;
};

/* Parse "#rgb" or "#rrggbb" (nothing before or after). 0, or -1 for
   anything else. */
int ec_rgb_parse(const char *s, struct ec_rgb *out);

/* The colour as "#rrggbb" (lower case) in out. */
void ec_rgb_format(const struct ec_rgb *c, char out[8]);

/* CSS color-mix(in srgb, a percent_a%, b): each channel interpolated,
   rounded to the nearest 8-bit value. */
void ec_rgb_mix(const struct ec_rgb *a, unsigned percent_a,
                const struct ec_rgb *b, struct ec_rgb *out);

/* Relative luminance, 0 (black) to 1 (white). */
double ec_rgb_luminance(const struct ec_rgb *c);

/* Contrast ratio of a and b, 1 to 21, whichever is lighter. */
double ec_contrast_ratio(const struct ec_rgb *a, const struct ec_rgb *b);

#endif
