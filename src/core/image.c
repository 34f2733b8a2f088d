#include "core/image.h"

#include <string.h>

static unsigned
be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long
be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
           (unsigned long)p[2] << 8 | p[3];
}

static unsigned long
le32(const unsigned char *p)
{
    return (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 |
           (unsigned long)p[1] << 8 | p[0];
}

static unsigned
le24(const unsigned char *p)
{
    return (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0];
}

/* PNG: the signature, then IHDR first, 13 bytes: width, height (4 each,
   big-endian, 1 to 2^31-1), bit depth, colour type... */
static int
png(const unsigned char *d, size_t len, struct ec_image_info *info,
    const char **why)
{
    static const unsigned char ihdr[] = {0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    if (len < 8 + 8 + 13 + 4 || memcmp(d + 8, ihdr, 8) != 0) {
        *why = "the PNG file is cut short or does not start with its header";
        return -1;
    }
    info->type = EC_IMAGE_PNG;
    info->width = be32(d + 16) > 0x7fffffffUL ? 0 : (unsigned)be32(d + 16);
    info->height = be32(d + 20) > 0x7fffffffUL ? 0 : (unsigned)be32(d + 20);
    return 0;
}

/* A JPEG start-of-frame marker: SOF0..SOF15 but DHT (C4), JPG (C8) and
   DAC (CC), which share the range. */
static int
is_sof(unsigned char m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* JPEG: SOI, then segments (FF, marker, 2-byte length that counts
   itself) until a SOFn, whose body is precision, height, width. */
static int
jpeg(const unsigned char *d, size_t len, struct ec_image_info *info,
     const char **why)
{
    size_t i = 2;

    while (i + 4 <= len) {
        unsigned char m;
        unsigned seglen;

        if (d[i] != 0xff)
            break;
        m = d[i + 1];
        if (m == 0xff) { /* fill bytes before a marker */
            i++;
            continue;
        }
        if (m == 0xd8 || m == 0xd9 || m == 0xda || (m >= 0xd0 && m <= 0xd7))
            break; /* a second SOI, EOI or scan data before any frame */
        seglen = be16(d + i + 2);
        if (seglen < 2 || i + 2 + seglen > len)
            break;
        if (is_sof(m)) {
            if (seglen < 8)
                break;
            info->type = EC_IMAGE_JPEG;
            info->height = be16(d + i + 5);
            info->width = be16(d + i + 7);
            return 0;
        }
        i += 2 + seglen;
    }
    *why = "the JPEG file is cut short or its segments do not hold "
           "together before the frame header";
    return -1;
}

/* WebP: RIFF <size> WEBP, then the first chunk: VP8 (lossy: a key
   frame's start code, 14-bit sizes), VP8L (lossless: signature 0x2f,
   14-bit sizes minus one) or VP8X (extended: 24-bit sizes minus one). */
static int
webp(const unsigned char *d, size_t len, struct ec_image_info *info,
     const char **why)
{
    const unsigned char *c = d + 12, *b = d + 20;
    unsigned long riff = le32(d + 4), clen;

    *why = "the WebP file is cut short or its first chunk does not hold "
           "together";
    if (len < 20 || riff + 8 > len || riff < 12)
        return -1;
    clen = le32(c + 4);
    if (clen > riff - 12)
        return -1;
    info->type = EC_IMAGE_WEBP;
    if (memcmp(c, "VP8 ", 4) == 0) {
        if (clen < 10 || len < 30 || b[3] != 0x9d || b[4] != 0x01 ||
            b[5] != 0x2a || (b[0] & 1) != 0) /* a key frame */
            return -1;
        info->width = (unsigned)(b[6] | b[7] << 8) & 0x3fff;
        info->height = (unsigned)(b[8] | b[9] << 8) & 0x3fff;
        return 0;
    }
    if (memcmp(c, "VP8L", 4) == 0) {
        unsigned long bits;

        if (clen < 5 || len < 25 || b[0] != 0x2f)
            return -1;
        bits = le32(b + 1);
        info->width = (unsigned)(bits & 0x3fff) + 1;
        info->height = (unsigned)((bits >> 14) & 0x3fff) + 1;
        return 0;
    }
    if (memcmp(c, "VP8X", 4) == 0) {
        if (clen < 10 || len < 30)
            return -1;
        info->width = le24(b + 4) + 1;
        info->height = le24(b + 7) + 1;
        return 0;
    }
    return -1;
}

int
ec_image_probe(const unsigned char *d, size_t len, struct ec_image_info *info,
               const char **why)
{
    static const unsigned char png_sig[] = {0x89, 'P',  'N',  'G',
                                            '\r', '\n', 0x1a, '\n'};
    int rc;

    memset(info, 0, sizeof(*info));
    if (len > EC_IMAGE_MAX_BYTES) {
        *why = "the image is larger than 512 KiB";
        return -1;
    }
    if (len >= 8 && memcmp(d, png_sig, 8) == 0)
        rc = png(d, len, info, why);
    else if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
        rc = jpeg(d, len, info, why);
    else if (len >= 12 && memcmp(d, "RIFF", 4) == 0 &&
             memcmp(d + 8, "WEBP", 4) == 0)
        rc = webp(d, len, info, why);
    else {
        *why = "the file is not a PNG, JPEG or WebP image (SVG is not "
               "accepted either)";
        return -1;
    }
    if (rc < 0) {
        info->type = EC_IMAGE_NONE;
        return -1;
    }
    if (info->width == 0 || info->height == 0) {
        *why = "the image says it has no pixels";
        info->type = EC_IMAGE_NONE;
        return -1;
    }
    if (info->width > EC_IMAGE_MAX_SIDE || info->height > EC_IMAGE_MAX_SIDE) {
        *why = "the image is more than 4096 pixels wide or high";
        return -1;
    }
    return 0;
}

const char *
ec_image_type_ext(enum ec_image_type t)
{
    switch (t) {
    case EC_IMAGE_PNG:
        return "png";
    case EC_IMAGE_JPEG:
        return "jpeg";
    case EC_IMAGE_WEBP:
        return "webp";
    default:
        return NULL;
    }
}
