/*
 * Render benchmark: the product-list page of a shop, as ecomd renders it.
 *
 * bench/templates/ holds the page (product_list, a child of layout with
 * title, head and content blocks), the layout, the product_card partial
 * rendered once per product (features list, price object, optional
 * campaign) and model.json with 20 products. Everything is compiled and
 * parsed once; the loop then renders the page into one reused ec_buf for
 * a few seconds and reports renders and bytes per second.
 *
 * Build and run from the project root:
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -Isrc $(pkg-config --cflags json-c) \
 *       bench/render_bench.c src/render/mustache_parse.c \
 *       src/render/mustache_render.c src/core/buf.c src/core/xalloc.c \
 *       $(pkg-config --libs json-c) -o render_bench
 *   ./render_bench [template-dir [seconds]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "render/mustache.h"

static const char *const names[] = {"product_list", "layout", "product_card"};
#define NTMPL (sizeof(names) / sizeof(names[0]))

struct bench {
    struct ec_tmpl *tmpl[NTMPL];
};

static const struct ec_tmpl *
load(void *ctx, const char *name, size_t len)
{
    struct bench *b = ctx;
    size_t i;

    for (i = 0; i < NTMPL; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return b->tmpl[i];
    return NULL;
}

static struct ec_tmpl *
compile_file(const char *dir, const char *name)
{
    struct ec_buf path = EC_BUF_INIT, src = EC_BUF_INIT;
    struct ec_tmpl_error err;
    struct ec_tmpl *t;
    char chunk[4096];
    size_t n;
    FILE *f;

    ec_buf_addf(&path, "%s/%s.mustache", dir, name);
    f = fopen(path.data, "rb");
    if (!f)
        ec_die("cannot open %s", path.data);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ec_buf_add(&src, chunk, n);
    fclose(f);
    if (ec_tmpl_compile(path.data, src.data, src.len, &t, &err))
        ec_die("%s:%u:%u: %s", err.name, err.line, err.column, err.message);
    ec_buf_release(&src);
    ec_buf_release(&path);
    return t;
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "bench/templates";
    double seconds = argc > 2 ? atof(argv[2]) : 3.0, start, elapsed;
    struct ec_buf out = EC_BUF_INIT, path = EC_BUF_INIT;
    struct ec_tmpl_error err;
    struct json_object *model;
    struct bench b;
    unsigned long renders = 0, i;
    size_t bytes = 0, page;

    for (i = 0; i < NTMPL; i++)
        b.tmpl[i] = compile_file(dir, names[i]);
    ec_buf_addf(&path, "%s/model.json", dir);
    model = json_object_from_file(path.data);
    if (!model)
        ec_die("cannot parse %s: %s", path.data, json_util_get_last_err());

    /* One render to check the page is what we mean to measure. */
    if (ec_tmpl_render(b.tmpl[0], model, load, &b, &out, &err))
        ec_die("%s:%u:%u: %s", err.name, err.line, err.column, err.message);
    page = out.len;
    if (!strstr(out.data, "SKU-1019") || !strstr(out.data, "</html>"))
        ec_die("the page does not hold all products");
    if (getenv("BENCH_PRINT"))
        fwrite(out.data, 1, out.len, stdout);

    start = now();
    do {
        for (i = 0; i < 1000; i++) {
            ec_buf_reset(&out);
            if (ec_tmpl_render(b.tmpl[0], model, load, &b, &out, &err))
                ec_die("%s: %s", err.name, err.message);
            bytes += out.len;
        }
        renders += 1000;
        elapsed = now() - start;
    } while (elapsed < seconds);

    printf("page: %zu bytes, 20 products\n", page);
    printf("%lu renders in %.2f s: %.0f renders/s, %.1f MB/s\n", renders,
           elapsed, (double)renders / elapsed, (double)bytes / elapsed / 1e6);

    json_object_put(model);
    ec_buf_release(&out);
    ec_buf_release(&path);
    for (i = 0; i < NTMPL; i++)
        ec_tmpl_free(b.tmpl[i]);
    return 0;
}
