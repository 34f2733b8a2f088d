/*
 * libFuzzer target for the logo check (core/image.c): any bytes are
 * probed; an answer must be a refusal with a reason, or a PNG, JPEG or
 * WebP within the limits. AddressSanitizer catches a read past the
 * input, which is what a lying header would provoke.
 *
 * Build and run: make fuzz-run (see Makefile.am), or by hand
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *       fuzz/image_fuzz.c src/core/image.c -o image_fuzz
 *   ./image_fuzz -max_total_time=300 fuzz/corpus/image
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ec_image_info info;
    const char *why = NULL;
    /* a copy of exactly size bytes, so a read past it is caught */
    unsigned char *copy = malloc(size ? size : 1);

    memcpy(copy, data, size);
    if (ec_image_probe(copy, size, &info, &why) == 0) {
        if (!ec_image_type_ext(info.type) || info.width == 0 ||
            info.height == 0 || info.width > EC_IMAGE_MAX_SIDE ||
            info.height > EC_IMAGE_MAX_SIDE || size > EC_IMAGE_MAX_BYTES)
            abort();
    } else if (!why || !*why) {
        abort();
    }
    free(copy);
    return 0;
}
