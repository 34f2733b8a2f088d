/*
 * Mustache templates rendered against json-c models.
 *
 * A template is compiled once, at start-up, into an immutable instruction
 * array (ec_tmpl_compile) and rendered any number of times against a json-c
 * value (ec_tmpl_render). Rendering never reparses the source, never copies
 * the model and never allocates per lookup: the context stack, the partial
 * indentation and the inheritance scopes live on the C stack, and the only
 * memory that grows is the caller's output buffer.
 *
 * Invariants:
 *   - a struct ec_tmpl is not modified after ec_tmpl_compile() returns, so
 *     one compiled template may be rendered by any number of renders at
 *     once, including nested inside itself (a recursive partial);
 *   - partial and parent names are resolved at render time through the
 *     caller's loader, which hands out templates it compiled and owns;
 *     a render never compiles anything;
 *   - rendering is bounded: partials and parents nested deeper than
 *     EC_TMPL_MAX_DEPTH, or elements (sections, blocks, partials, parents)
 *     nested deeper than EC_TMPL_MAX_NESTING, fail with an error rather
 *     than exhaust the stack.
 *
 * The language is the mustache spec's: comments, set delimiters,
 * interpolation, sections, inverted sections, partials, inheritance
 * (parents and blocks) and dynamic names (`{{>*name}}`, `{{<*name}}`).
 * Lambdas are not supported (a json-c model holds no code). Where the
 * spec leaves a choice open:
 *   - falsey are false, null, a missing name and the empty array; the
 *     empty string, 0 and the empty object are truthy, as in the spec's
 *     reference implementation and mustache(5);
 *   - integers render without a decimal point, doubles in the shortest
 *     form that reads back as the same double (1.210 renders "1.21",
 *     2.0 renders "2"); booleans render "true" and "false"; null,
 *     objects and arrays render as nothing;
 *   - HTML escaping covers & < > " ' (ec_buf_add_html);
 *   - a dynamic name must resolve to a string, otherwise nothing renders;
 *   - a parent's arguments also override blocks in the partials its
 *     template includes (a layout's header partial may hold a block);
 *   - a close tag repeats its open tag's content: `{{#a.b}}` closes with
 *     `{{/a.b}}`, a dynamic parent `{{<*p}}` with a close tag naming *p;
 *   - a tag's name may not be empty or contain whitespace; such tags,
 *     like the spec's syntax errors, fail to compile.
 */
#ifndef EC_RENDER_MUSTACHE_H
#define EC_RENDER_MUSTACHE_H

#include <stddef.h>

struct ec_buf;
struct json_object;

/* Partials and parents nested deeper than this fail the render. */
#define EC_TMPL_MAX_DEPTH 64

/*
 * Sections, blocks and parents open at once in one template fail its
 * compile beyond this; during a render, the same limit applies to all
 * nested elements together, partials included.
 */
#define EC_TMPL_MAX_NESTING 256

/* Larger sources are refused: offsets inside a template are 32-bit. */
#define EC_TMPL_MAX_SOURCE (64u * 1024 * 1024)

/* A compiled template; immutable once compiled. */
struct ec_tmpl;

/*
 * Where and why a compile or render failed. line and column are 1-based
 * and count bytes; they point at the offending tag's opening delimiter.
 * name is the template's name, message a short English sentence; both are
 * NUL-terminated and truncated to fit.
 */
struct ec_tmpl_error {
    char name[128];
    unsigned line, column;
    char message[200];
};

/*
 * Compile src (len bytes, need not be NUL-terminated) as the template
 * `name` (a NUL-terminated string, copied; used in error messages).
 *
 * Returns 0 and stores a new template in *out, which the caller frees with
 * ec_tmpl_free(). Returns -1 on a syntax error (unclosed tag, unclosed
 * section, mismatched or unexpected close tag, bad set-delimiter tag,
 * empty or malformed name, nesting deeper than EC_TMPL_MAX_NESTING, source
 * larger than EC_TMPL_MAX_SOURCE), leaves *out untouched and fills *err
 * when err is not NULL. src is not referenced after the call.
 */
int ec_tmpl_compile(const char *name, const char *src, size_t len,
                    struct ec_tmpl **out, struct ec_tmpl_error *err);

/* Free t and everything it owns. NULL is allowed. */
void ec_tmpl_free(struct ec_tmpl *t);

/*
 * Resolves a partial or parent name (len bytes, not NUL-terminated in
 * general) to a compiled template. The loader keeps ownership; the
 * template must stay valid until the render returns. NULL means there is
 * no such template: it renders as nothing, as the spec says.
 */
typedef const struct ec_tmpl *(*ec_tmpl_loader_fn)(void *ctx, const char *name,
                                                   size_t len);

/*
 * Render t against model (any json-c value; NULL behaves as an empty
 * object, which is then allocated for the render), appending to out. Partials
 * and parents are resolved through loader(loader_ctx, ...); loader may be NULL
 * when t uses none.
 *
 * The model is only read: no reference is taken or dropped, nothing is
 * serialised into it. Returns 0 on success. Returns -1 and fills *err
 * (when not NULL) with the template and tag at fault when partials or
 * parents nest deeper than EC_TMPL_MAX_DEPTH or elements deeper than
 * EC_TMPL_MAX_NESTING; out then holds partial output the caller discards.
 */
int ec_tmpl_render(const struct ec_tmpl *t, struct json_object *model,
                   ec_tmpl_loader_fn loader, void *loader_ctx,
                   struct ec_buf *out, struct ec_tmpl_error *err);

#endif
