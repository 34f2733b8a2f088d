/*
 * Mustache renderer: walks a compiled node array against a json-c model.
 *
 * Everything a render needs besides the output lives on the C stack, in
 * three linked lists that grow as the walk descends and vanish as it
 * returns:
 *   - the context stack (struct ctx): the values sections pushed, searched
 *     from the top for the first part of a name;
 *   - the indentation (struct indent): what standalone partials, parents
 *     and blocks prepend to each line of their template text;
 *   - the inheritance scopes (struct scope): the parent tags being
 *     expanded, whose arguments override blocks. The outermost one
 *     that has an argument for a block wins, as the spec requires.
 *
 * Indentation goes before each line that starts in template text, never
 * inside an interpolated value ("Standalone Indentation" in the spec).
 * r->bol tracks whether the next output begins such a line; it only
 * matters while some indentation is in force, and whoever puts
 * indentation in force sets it first. So that a line costs one append,
 * each indentation frame also keeps the whole string, outer parts first,
 * in r->flat, a small stack inside the render state.
 *
 * Output goes through out_add(), which appends in place when the buffer
 * has room (ec_buf's invariants allow it) and leaves growing to ec_buf.
 */
#include "render/mustache_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"

struct ctx {
    struct json_object *obj;
    const struct ctx *up;
};

struct indent {
    const char *s;
    size_t n;
    const struct indent *up; /* outer indentation, emitted first */
    const char *flat;        /* all of it in r->flat, or NULL if full */
    size_t total;            /* its length */
};

#define FLAT_MAX 512
#define CHUNK 16 /* bytes moved at once by out_add_padded() */
#define CHUNKED_MAX 256

struct scope {
    const struct ec_tmpl *t; /* template holding the parent tag */
    uint32_t pair;           /* index of the parent node in t */
    const struct scope *up;
};

struct render {
    ec_tmpl_loader_fn loader;
    void *loader_ctx;
    struct ec_buf *out;
    struct ec_tmpl_error *err;
    unsigned depth;   /* partials and parents being rendered */
    unsigned nesting; /* all elements being rendered */
    bool bol;         /* next template text starts a line */
    size_t flat_top;  /* bytes of flat in use */
    char flat[FLAT_MAX + CHUNK];
};

static int render_nodes(struct render *r, const struct ec_tmpl *t, uint32_t i,
                        uint32_t end, const struct ctx *c,
                        const struct scope *sc, const struct indent *ind);

static int render_fail(struct render *r, const struct ec_tmpl *t,
                       const struct ec_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
render_fail(struct render *r, const struct ec_tmpl *t, const struct ec_node *n,
            const char *fmt, ...)
{
    va_list ap;

    if (!r->err)
        return -1;
    snprintf(r->err->name, sizeof(r->err->name), "%s", t->name);
    r->err->line = n->line;
    r->err->column = n->column;
    va_start(ap, fmt);
    vsnprintf(r->err->message, sizeof(r->err->message), fmt, ap);
    va_end(ap);
    return -1;
}

static inline void
out_add(struct ec_buf *b, const char *s, size_t n)
{
    if (b->cap - b->len > n) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else {
        ec_buf_add(b, s, n);
    }
}

/*
 * out_add() for sources readable CHUNK bytes past s + n (template text,
 * thanks to the pool's padding, and r->flat). Lines and indentation are
 * short: moving them in fixed-size chunks, a few bytes too many, beats
 * calling memcpy for each.
 */
static inline void
out_add_padded(struct ec_buf *b, const char *s, size_t n)
{
    char *d = b->data + b->len;
    size_t k;

    if (n > CHUNKED_MAX || b->cap - b->len <= n + CHUNK) {
        out_add(b, s, n);
        return;
    }
    for (k = 0; k < n; k += CHUNK)
        memcpy(d + k, s + k, CHUNK);
    b->len += n;
    b->data[b->len] = '\0';
}

static void
emit_indent_parts(struct render *r, const struct indent *ind)
{
    if (!ind)
        return;
    emit_indent_parts(r, ind->up);
    out_add(r->out, ind->s, ind->n);
}

static inline void
emit_indent(struct render *r, const struct indent *ind)
{
    if (ind->flat)
        out_add_padded(r->out, ind->flat, ind->total);
    else
        emit_indent_parts(r, ind);
}

/* Template text: indented at each line start while indentation holds. */
static void
emit_text(struct render *r, const struct ec_tmpl *t, const struct ec_node *n,
          const struct indent *ind)
{
    const char *s = t->pool + n->str, *line = s;
    const uint32_t *b = t->breaks + n->brk, *bend = b + n->nbrk;

    if (!ind) {
        out_add_padded(r->out, s, n->len);
        return;
    }
    for (; b < bend; b++) {
        if (r->bol)
            emit_indent(r, ind);
        out_add_padded(r->out, line, (size_t)(s + *b - line));
        line = s + *b;
        r->bol = true;
    }
    if (line < s + n->len) {
        if (r->bol)
            emit_indent(r, ind);
        out_add_padded(r->out, line, (size_t)(s + n->len - line));
        r->bol = false;
    }
}

/* A tag that produces output mid-line or at a line start: indent first. */
static void
begin_tag(struct render *r, const struct indent *ind)
{
    if (ind && r->bol)
        emit_indent(r, ind);
    r->bol = false;
}

/* Objects this small are scanned rather than hashed. */
#define SCAN_MAX 16

/* The member of o named by part k of t's names; false if none. */
static inline bool
member(struct json_object *o, const struct ec_tmpl *t, uint32_t k,
       struct json_object **v)
{
    struct lh_table *table = json_object_get_object(o);
    const char *key = t->parts[k], *ek;
    struct lh_entry *e;
    size_t j;

    if (!table)
        return false; /* not an object */
    /* Most objects of a model are small. Walking their entries is faster
       than json-c's hash lookup, which divides by the table size and
       strcmp()s every slot it probes: here one byte rejects most keys. */
    if (table->count <= SCAN_MAX) {
        for (e = lh_table_head(table); e; e = lh_entry_next(e)) {
            ek = lh_entry_k(e);
            /* Keys are short: comparing inline beats calling strcmp. */
            for (j = 0; ek[j] == key[j]; j++) {
                if (!key[j]) {
                    *v = (struct json_object *)lh_entry_v(e);
                    return true;
                }
            }
        }
        return false;
    }
    if (table->hash_fn != t->hash_fn)
        return json_object_object_get_ex(o, t->parts[k], v);
    e = lh_table_lookup_entry_w_hash(table, t->parts[k], t->hashes[k]);
    if (!e)
        return false;
    *v = (struct json_object *)lh_entry_v(e);
    return true;
}

/*
 * Resolve node n's dotted name: the first part up the context stack, the
 * others only inside what the first found. NULL when missing (or null).
 */
static struct json_object *
lookup(const struct ctx *c, const struct ec_tmpl *t, const struct ec_node *n)
{
    struct json_object *v = NULL;
    uint32_t k;

    if (n->nparts == 0)
        return c->obj;
    for (; c; c = c->up)
        if (member(c->obj, t, n->part, &v))
            break;
    if (!c)
        return NULL;
    for (k = 1; k < n->nparts; k++)
        if (!member(v, t, n->part + k, &v))
            return NULL;
    return v;
}

static bool
truthy(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return false;
    case json_type_boolean:
        return json_object_get_boolean(v);
    case json_type_array:
        return json_object_array_length(v) > 0;
    default:
        return true;
    }
}

/* Decimal digits of v, written backwards ending at end. */
static char *
format_u64(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static char *
format_i64(int64_t v, char *end)
{
    char *p;

    if (v >= 0)
        return format_u64((uint64_t)v, end);
    p = format_u64(-(uint64_t)v, end);
    *--p = '-';
    return p;
}

/*
 * The shortest text that reads back as d, written backwards ending at end
 * (which has 32 bytes before it). Integral values have no ".0".
 *
 * Prices and ratings have few decimals, and printf("%g") is slow, so
 * first try k = 1..6 decimals in integer arithmetic: if m / 10^k (m and
 * 10^k exact, the division correctly rounded) is d, then the decimal
 * m * 10^-k reads back as d, and the smallest such k is the shortest.
 */
static char *
format_double(double d, char *end)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    double mag = d < 0 ? -d : d, scaled;
    char *p, *e, *z;
    uint64_t m;
    int k, prec;

    if (isnan(d))
        return memcpy(end - 3, "NaN", 3);
    if (isinf(d))
        return d < 0 ? memcpy(end - 9, "-Infinity", 9)
                     : memcpy(end - 8, "Infinity", 8);
    if (mag < 1e15 && d == (double)(int64_t)d)
        return format_i64((int64_t)d, end);
    if (mag >= 1e-4 && mag < 1e15) {
        for (k = 1; k <= 6; k++) {
            scaled = mag * pow10[k];
            if (scaled >= 9007199254740992.0) /* 2^53 */
                break;
            m = (uint64_t)(scaled + 0.5);
            if ((double)m / pow10[k] != mag)
                continue;
            p = end;
            for (prec = 0; prec < k; prec++, m /= 10)
                *--p = (char)('0' + m % 10);
            *--p = '.';
            p = format_u64(m, p);
            if (d < 0)
                *--p = '-';
            return p;
        }
    }
    p = end - 32;
    for (prec = 15; prec <= 17; prec++) {
        snprintf(p, 32, "%.*g", prec, d);
        if (strtod(p, NULL) == d)
            break;
    }
    /* "1e-07" reads better as "1e-7", as JavaScript writes it. */
    e = strchr(p, 'e');
    if (e && (e[1] == '-' || e[1] == '+') && e[2] == '0') {
        for (z = e + 2; *z == '0' && z[1]; z++)
            ;
        memmove(e + 2, z, strlen(z) + 1);
    }
    /* Move it to end at end, like the other paths. */
    k = (int)strlen(p);
    return memmove(end - k, p, (size_t)k);
}

static const unsigned char html_special[256] = {
    ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

#define ONES 0x0101010101010101ull
/* Non-zero when some byte of w is c (and only then). */
#define HAS_BYTE(w, c)                                                         \
    ((((w) ^ (ONES * (c))) - ONES) & ~((w) ^ (ONES * (c))) & (ONES * 0x80))

static inline bool
html_word(const char *s)
{
    uint64_t w;

    memcpy(&w, s, 8);
    return (HAS_BYTE(w, '&') | HAS_BYTE(w, '<') | HAS_BYTE(w, '>') |
            HAS_BYTE(w, '"') | HAS_BYTE(w, '\'')) != 0;
}

/* How many bytes of s need no HTML escaping; eight at a time. */
static size_t
html_clean_prefix(const char *s, size_t n)
{
    size_t i = 0;

    for (; i + 8 <= n; i += 8)
        if (html_word(s + i))
            break;
    /* The last few bytes: one more word, overlapping the ones seen. */
    if (i + 8 > n && n >= 8 && !html_word(s + n - 8))
        return n;
    while (i < n && !html_special[(unsigned char)s[i]])
        i++;
    return i;
}

static void
emit_value(struct render *r, struct json_object *v, bool escape)
{
    char buf[64], *end = buf + sizeof(buf);
    const char *s;
    size_t n, i;
    int64_t x;

    switch (json_object_get_type(v)) {
    case json_type_string:
        s = json_object_get_string(v);
        n = (size_t)json_object_get_string_len(v);
        /* Most values need no escaping: copy them in one go. */
        i = escape ? html_clean_prefix(s, n) : n;
        out_add(r->out, s, i);
        if (i < n)
            ec_buf_add_html(r->out, s + i, n - i);
        return;
    case json_type_int:
        /* json-c clamps uint64 values above INT64_MAX in get_int64. */
        x = json_object_get_int64(v);
        if (x == INT64_MAX)
            s = format_u64(json_object_get_uint64(v), end);
        else
            s = format_i64(x, end);
        break;
    case json_type_double:
        s = format_double(json_object_get_double(v), end);
        break;
    case json_type_boolean:
        s = json_object_get_boolean(v) ? "true" : "false";
        out_add(r->out, s, strlen(s));
        return;
    default:
        return; /* null, object, array */
    }
    out_add(r->out, s, (size_t)(end - s));
}

static int
enter(struct render *r, const struct ec_tmpl *t, const struct ec_node *n)
{
    if (r->nesting >= EC_TMPL_MAX_NESTING)
        return render_fail(r, t, n,
                           "sections, blocks and partials nested deeper "
                           "than %d",
                           EC_TMPL_MAX_NESTING);
    r->nesting++;
    return 0;
}

static int
render_section(struct render *r, const struct ec_tmpl *t, uint32_t i,
               const struct ctx *c, const struct scope *sc,
               const struct indent *ind)
{
    const struct ec_node *n = &t->nodes[i];
    struct json_object *v = lookup(c, t, n);
    struct ctx top;
    size_t k, len;
    bool rendered = false;
    int rc = 0;

    if (!(n->flags & EC_NODE_OPEN_SA))
        begin_tag(r, ind);
    if (enter(r, t, n))
        return -1;
    top.up = c;
    if (n->type == EC_NODE_INVERTED) {
        if (!truthy(v)) {
            rendered = true;
            rc = render_nodes(r, t, i + 1, n->next, c, sc, ind);
        }
    } else if (json_object_is_type(v, json_type_array)) {
        len = json_object_array_length(v);
        rendered = len > 0;
        for (k = 0; k < len && rc == 0; k++) {
            top.obj = json_object_array_get_idx(v, k);
            rc = render_nodes(r, t, i + 1, n->next, &top, sc, ind);
        }
    } else if (truthy(v)) {
        rendered = true;
        top.obj = v;
        rc = render_nodes(r, t, i + 1, n->next, &top, sc, ind);
    }
    r->nesting--;
    /* After a removed close line the source is at a line start; after a
       skipped body whose open line was removed, it is wherever the close
       tag left it, mid-line. */
    if (n->flags & EC_NODE_CLOSE_SA)
        r->bol = true;
    else if (!rendered && (n->flags & EC_NODE_OPEN_SA))
        r->bol = false;
    return rc;
}

/* Index of the argument block `name` of the parent node pair, or 0. */
static uint32_t
find_arg(const struct ec_tmpl *t, uint32_t pair, const char *name, uint32_t len)
{
    const struct ec_node *n;
    uint32_t j;

    for (j = pair + 1; j < t->nodes[pair].next; j = n->next) {
        n = &t->nodes[j];
        if (n->type == EC_NODE_BLOCK && (n->flags & EC_NODE_ARG) &&
            n->len == len && memcmp(t->pool + n->str, name, len) == 0)
            return j;
    }
    return 0;
}

/*
 * The indentation in force inside a standalone node n: ind plus n's own,
 * in frame. Undo with pop_indent() once n is rendered.
 */
static const struct indent *
push_indent(struct render *r, const struct ec_tmpl *t, const struct ec_node *n,
            const struct indent *ind, struct indent *frame)
{
    size_t outer = ind ? ind->total : 0;

    r->bol = true;
    if (!n->indent_len)
        return ind;
    frame->s = t->pool + n->indent;
    frame->n = n->indent_len;
    frame->up = ind;
    frame->total = outer + frame->n;
    frame->flat = NULL;
    if ((!ind || ind->flat) && frame->total <= FLAT_MAX - r->flat_top) {
        frame->flat = r->flat + r->flat_top;
        if (outer)
            memcpy(r->flat + r->flat_top, ind->flat, outer);
        memcpy(r->flat + r->flat_top + outer, frame->s, frame->n);
        r->flat_top += frame->total;
    }
    return frame;
}

static void
pop_indent(struct render *r, const struct indent *pushed,
           const struct indent *frame)
{
    if (pushed == frame && frame->flat)
        r->flat_top -= frame->total;
}

static int
render_block(struct render *r, const struct ec_tmpl *t, uint32_t i,
             const struct ctx *c, const struct scope *sc,
             const struct indent *ind)
{
    const struct ec_node *n = &t->nodes[i];
    const struct ec_tmpl *bt = t;
    const struct scope *f, *bsc = sc;
    const struct indent *bind = ind;
    struct indent frame;
    uint32_t from = i + 1, to = n->next, j;
    int rc;

    /* The outermost override wins; its content sees the scopes that
       applied where it was written, so it cannot override itself. */
    for (f = sc; f; f = f->up) {
        j = find_arg(f->t, f->pair, t->pool + n->str, n->len);
        if (j) {
            bt = f->t;
            from = j + 1;
            to = bt->nodes[j].next;
            bsc = f->up;
        }
    }
    if (enter(r, t, n))
        return -1;
    if (n->flags & EC_NODE_INDENTED)
        bind = push_indent(r, t, n, ind, &frame);
    else
        begin_tag(r, ind);
    rc = render_nodes(r, bt, from, to, c, bsc, bind);
    pop_indent(r, bind, &frame);
    r->nesting--;
    if (n->flags & EC_NODE_CLOSE_SA)
        r->bol = true;
    return rc;
}

/* A partial, or a parent whose arguments then override its blocks. */
static int
render_include(struct render *r, const struct ec_tmpl *t, uint32_t i,
               const struct ctx *c, const struct scope *sc,
               const struct indent *ind)
{
    const struct ec_node *n = &t->nodes[i];
    const struct ec_tmpl *p = NULL;
    struct json_object *v;
    struct indent frame;
    struct scope pair;
    const struct indent *pind = NULL;
    const char *name = t->pool + n->str;
    size_t len = n->len;
    bool standalone = (n->flags & EC_NODE_INDENTED) != 0;
    int rc;

    if (n->flags & EC_NODE_DYNAMIC) {
        v = lookup(c, t, n);
        if (!json_object_is_type(v, json_type_string))
            goto missing;
        name = json_object_get_string(v);
        len = (size_t)json_object_get_string_len(v);
    }
    if (r->loader)
        p = r->loader(r->loader_ctx, name, len);
    if (!p)
        goto missing;
    if (r->depth >= EC_TMPL_MAX_DEPTH)
        return render_fail(r, t, n,
                           "partials and parents nested deeper than %d "
                           "(does \"%.40s\" include itself?)",
                           EC_TMPL_MAX_DEPTH, p->name);
    if (n->type == EC_NODE_PARENT) {
        pair.t = t;
        pair.pair = i;
        pair.up = sc;
        sc = &pair;
    }
    /* Only a standalone tag indents; an inline partial's lines are left
       as they are, as the spec's "Inline Indentation" case has it. */
    if (enter(r, t, n))
        return -1;
    if (standalone)
        pind = push_indent(r, t, n, ind, &frame);
    else
        begin_tag(r, ind);
    r->depth++;
    rc = render_nodes(r, p, 0, p->nnodes, c, sc, pind);
    pop_indent(r, pind, &frame);
    r->depth--;
    r->nesting--;
    r->bol = standalone;
    return rc;

missing:
    if (standalone)
        r->bol = true;
    return 0;
}

static int
render_nodes(struct render *r, const struct ec_tmpl *t, uint32_t i,
             uint32_t end, const struct ctx *c, const struct scope *sc,
             const struct indent *ind)
{
    const struct ec_node *n;
    int rc = 0;

    for (; i < end && rc == 0; i = n->next) {
        n = &t->nodes[i];
        switch (n->type) {
        case EC_NODE_TEXT:
            emit_text(r, t, n, ind);
            break;
        case EC_NODE_VAR:
            begin_tag(r, ind);
            emit_value(r, lookup(c, t, n), n->flags & EC_NODE_ESCAPE);
            break;
        case EC_NODE_SECTION:
        case EC_NODE_INVERTED:
            rc = render_section(r, t, i, c, sc, ind);
            break;
        case EC_NODE_PARTIAL:
        case EC_NODE_PARENT:
            rc = render_include(r, t, i, c, sc, ind);
            break;
        case EC_NODE_BLOCK:
            rc = render_block(r, t, i, c, sc, ind);
            break;
        }
    }
    return rc;
}

int
ec_tmpl_render(const struct ec_tmpl *t, struct json_object *model,
               ec_tmpl_loader_fn loader, void *loader_ctx, struct ec_buf *out,
               struct ec_tmpl_error *err)
{
    struct render r;
    struct json_object *empty = NULL;
    struct ctx root;
    int rc;

    memset(&r, 0, sizeof(r));
    r.loader = loader;
    r.loader_ctx = loader_ctx;
    r.out = out;
    r.err = err;
    r.bol = true;
    if (!model)
        model = empty = json_object_new_object();
    root.obj = model;
    root.up = NULL;
    rc = render_nodes(&r, t, 0, t->nnodes, &root, NULL, NULL);
    json_object_put(empty);
    return rc;
}
