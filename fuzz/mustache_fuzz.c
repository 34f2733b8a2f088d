/*
 * libFuzzer target for the mustache compiler and renderer.
 *
 * Each input is compiled as a template. A compile error must come with a
 * position and a message; a template that compiles is rendered against a
 * small fixed model, with a loader that answers every partial and parent
 * name with the template itself, so recursion runs into
 * EC_TMPL_MAX_DEPTH.
 *
 * Two things keep one input from running for ages without being a bug:
 * the loader gives up after a budget of calls (two self-includes side by
 * side would otherwise render 2^64 times), and the model's arrays hold at
 * most one element (nested sections over longer arrays multiply).
 *
 * Build (from the project root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=undefined -Isrc $(pkg-config --cflags json-c) \
 *       fuzz/mustache_fuzz.c src/render/mustache_parse.c \
 *       src/render/mustache_render.c src/core/buf.c src/core/xalloc.c \
 *       $(pkg-config --libs json-c) -o mustache_fuzz
 *   ./mustache_fuzz -max_total_time=300 fuzz/corpus/mustache
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "render/mustache.h"

#define LOADER_BUDGET 200

struct self_loader {
    const struct ec_tmpl *self;
    unsigned budget;
};

static const char model_json[] =
    "{\"s\": \"<b>&'\\\"</b>\", \"n\": 42, \"d\": 1.25, \"t\": true,"
    " \"f\": false, \"z\": null, \"e\": [], \"x\": \"\","
    " \"a\": [{\"s\": \"in\", \"o\": {\"k\": \"v\"}}],"
    " \"o\": {\"k\": \"v\", \"a\": [7], \"o\": {\"k\": \"deep\"}},"
    " \"p\": \"partial\", \"l\": \"line\\none\\ntwo\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ec_tmpl *
load_self(void *ctx, const char *name, size_t len)
{
    struct self_loader *l = ctx;

    (void)name;
    (void)len;
    if (!l->budget)
        return NULL;
    l->budget--;
    return l->self;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Built once and only read: json-c values are not modified by a
       render. */
    static struct json_object *model;
    struct ec_buf out = EC_BUF_INIT;
    struct ec_tmpl_error err;
    struct self_loader l;
    struct ec_tmpl *t;

    if (!model)
        model = json_tokener_parse(model_json);
    if (!model)
        __builtin_trap();
    memset(&err, 0, sizeof(err));
    if (ec_tmpl_compile("fuzz", (const char *)data, size, &t, &err)) {
        if (err.line == 0 || err.column == 0 || err.message[0] == '\0' ||
            strcmp(err.name, "fuzz") != 0)
            __builtin_trap();
        return 0;
    }
    l.self = t;
    l.budget = LOADER_BUDGET;
    if (ec_tmpl_render(t, model, load_self, &l, &out, &err) &&
        (err.line == 0 || err.message[0] == '\0'))
        __builtin_trap();
    ec_buf_release(&out);
    ec_tmpl_free(t);
    return 0;
}
