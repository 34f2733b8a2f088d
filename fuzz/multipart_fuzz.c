/*
 * libFuzzer target for the multipart/form-data parser (http/multipart.c):
 * any bytes as a body under a fixed boundary, and any bytes (up to the
 * first NUL) as a Content-Type's boundary. An accepted body's parts must
 * lie within the input; AddressSanitizer catches a read past it.
 *
 * Build and run: make fuzz-run (see Makefile.am), or by hand
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *       fuzz/multipart_fuzz.c src/http/multipart.c src/core/arena.c \
 *       src/core/xalloc.c -o multipart_fuzz
 *   ./multipart_fuzz -max_total_time=300 fuzz/corpus/multipart
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ec_arena a;
    struct ec_multipart m;
    const char *b;
    /* a copy of exactly size bytes, so a read past it is caught */
    char *copy = malloc(size ? size : 1);
    char *ct = malloc(size + 1);

    memcpy(copy, data, size);
    memcpy(ct, data, size);
    ct[size] = '\0';
    ec_arena_init(&a, 0);
    (void)ec_multipart_boundary(&a, ct, &b);
    if (ec_multipart_parse(&a, "XyZ", copy, size, &m) == 0) {
        if (m.n > EC_MULTIPART_MAX_PARTS)
            abort();
        for (size_t i = 0; i < m.n; i++)
            if (!m.parts[i].name || m.parts[i].data < copy ||
                m.parts[i].data + m.parts[i].len > copy + size)
                abort();
    }
    ec_arena_release(&a);
    free(ct);
    free(copy);
    return 0;
}
