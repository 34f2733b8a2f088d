#include "core/contrast.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/base64.h"

int
ec_rgb_parse(const char *s, struct ec_rgb *out)
{
    unsigned char v[6];
    size_t n;

    if (!s || s[0] != '#')
        return -1;
    n = strlen(s + 1);
    if (n != 3 && n != 6)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int d = ec_hex_digit((unsigned char)s[1 + i]);
        if (d < 0)
            return -1;
        v[i] = (unsigned char)d;
    }
    if (n == 3) {
        /* "#abc" is "#aabbcc": each digit doubled */
        out->r = (unsigned char)(v[0] * 17);
        out->g = (unsigned char)(v[1] * 17);
        out->b = (unsigned char)(v[2] * 17);
    } else {
        out->r = (unsigned char)(v[0] * 16 + v[1]);
        out->g = (unsigned char)(v[2] * 16 + v[3]);
        out->b = (unsigned char)(v[4] * 16 + v[5]);
    }
    return 0;
}

void
ec_rgb_format(const struct ec_rgb *c, char out[8])
{
    snprintf(out, 8, "#%02x%02x%02x", c->r, c->g, c->b);
}

static unsigned char
mix_channel(unsigned char a, unsigned percent_a, unsigned char b)
{
    /* to the nearest, halves up: (a p + b (100 - p) + 50) / 100 */
    return (unsigned char)((a * percent_a + b * (100 - percent_a) + 50) / 100);
}

void
ec_rgb_mix(const struct ec_rgb *a, unsigned percent_a, const struct ec_rgb *b,
           struct ec_rgb *out)
{
    if (percent_a > 100)
        percent_a = 100;
    out->r = mix_channel(a->r, percent_a, b->r);
    out->g = mix_channel(a->g, percent_a, b->g);
    out->b = mix_channel(a->b, percent_a, b->b);
}

/* An 8-bit sRGB channel, linearised (WCAG 2.x: the 0.03928 threshold as
   the recommendation writes it; sRGB's 0.04045 changes no 8-bit value). */
static double
linear(unsigned char v)
{
    double c = v / 255.0;

    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double
ec_rgb_luminance(const struct ec_rgb *c)
{
    return 0.2126 * linear(c->r) + 0.7152 * linear(c->g) +
           0.0722 * linear(c->b);
}

double
ec_contrast_ratio(const struct ec_rgb *a, const struct ec_rgb *b)
{
    double la = ec_rgb_luminance(a), lb = ec_rgb_luminance(b);

    if (la < lb) {
        double t = la;
        la = lb;
        lb = t;
    }
    return (la + 0.05) / (lb + 0.05);
}
