/*
 * Telling what an uploaded image is by its bytes alone, never by its name
 * or declared type: PNG, JPEG or WebP, with its width and height, within
 * limits. Anything else (SVG, which can carry script, included) is
 * refused.
 *
 * Invariants: reads only the len bytes given (a truncated or lying header
 * is refused, never read past); no allocation; a refusal names why in a
 * static English sentence.
 */
#ifndef EC_CORE_IMAGE_H
#define EC_CORE_IMAGE_H

#include <stddef.h>

#define EC_IMAGE_MAX_BYTES (512 * 1024)
#define EC_IMAGE_MAX_SIDE 4096 /* pixels, either way */

enum ec_image_type {
    EC_IMAGE_NONE = 0,
    EC_IMAGE_PNG,
    EC_IMAGE_JPEG,
    EC_IMAGE_WEBP,
};

struct ec_image_info {
    enum ec_image_type type;
    unsigned width, height;
};

/*
 * What data (len bytes) is. Returns 0 with *info for a PNG, JPEG or WebP
 * whose header holds together, at most EC_IMAGE_MAX_BYTES and
 * EC_IMAGE_MAX_SIDE in width and height; else -1 with *why (static).
 * The pixels themselves are not decoded: a browser does that, and a
 * broken body shows as a broken image, not as anything else.
 */
int ec_image_probe(const unsigned char *data, size_t len,
                   struct ec_image_info *info, const char **why);

/* "png", "jpeg", "webp" (file extension and media subtype), or NULL. */
const char *ec_image_type_ext(enum ec_image_type t);

#endif
