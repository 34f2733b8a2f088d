/*
 * Mustache compiler: source text to the node array of mustache_int.h.
 *
 * One left-to-right pass with an explicit stack of open elements (no
 * recursion, so nesting is bounded by EC_TMPL_MAX_NESTING, not by the C
 * stack). Text is copied into the template's pool as it is scanned, which
 * lets the whitespace rules of the spec be applied here once instead of on
 * every render:
 *
 *   - a standalone tag (section, inverted, close, comment, set-delimiter,
 *     partial, block: alone on its line but for blanks) takes its whole
 *     line with it; a partial keeps the blanks as its indentation;
 *   - a parent pair, and a block pair outside a parent, whose open tag has
 *     only blanks before it and whose close tag only blanks after it is
 *     standalone as a pair: the blanks before the open tag become its
 *     indentation. A parent pair also takes the close tag's line end; a
 *     block pair keeps it, because the block's content stands for a
 *     single line there (the spec's "Standalone block" case);
 *   - a block whose open tag ends its line has an intrinsic indentation,
 *     the blanks starting the next line. It is stripped from each line of
 *     the block's content (nested blocks strip theirs after ours), and a
 *     standalone block gives it back as its indentation when it renders.
 *
 * Inside a parent pair only the blocks matter (they are the arguments):
 * the text there is not stored, and an argument block's open tag needs
 * nothing but a line end after it to be standalone.
 */
#include "render/mustache_int.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define NO_NODE UINT32_MAX
#define NOT_FOUND SIZE_MAX

/* An element whose close tag has not been seen yet. */
struct open_elem {
    uint32_t node;
    size_t tag;      /* source offset of its open tag */
    const char *key; /* tag content its close tag must repeat */
    size_t key_len;
    char sigil;       /* '#', '^', '<' or '$' */
    bool left_clear;  /* only blanks before the open tag on its line */
    uint32_t ws_node; /* text node ending in those blanks, or NO_NODE */
    uint32_t ws_len;
    const char *strip; /* intrinsic indentation (blocks) */
    size_t strip_len;
};

struct parser {
    const char *name;
    const char *src;
    size_t len, pos;
    const char *otag, *ctag; /* current delimiters */
    size_t olen, clen;

    struct ec_buf pool;
    struct ec_node *nodes;
    size_t nnodes, nodes_cap;
    uint32_t *parts; /* pool offsets of name parts */
    size_t nparts, parts_cap;
    uint32_t *breaks; /* line ends in text nodes */
    size_t nbreaks, breaks_cap;
    struct open_elem *stack;
    size_t depth, stack_cap;

    size_t text_start; /* pool offset where pending text begins */
    size_t bol;        /* pool offset where the current line begins */
    bool line_clear;   /* only blanks (and removed tags) on it yet */

    size_t loc_off, loc_bol; /* line/column cursor, moves forward */
    unsigned loc_line;

    struct ec_tmpl_error *err;
};

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/* Offset of needle in hay, or NOT_FOUND. */
static size_t
find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    const char *p = hay, *end = hay + hlen;

    while ((size_t)(end - p) >= nlen) {
        p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);
        if (!p)
            break;
        if (memcmp(p, needle, nlen) == 0)
            return (size_t)(p - hay);
        p++;
    }
    return NOT_FOUND;
}

static void
locate(struct parser *p, size_t off, unsigned *line, unsigned *column)
{
    if (off < p->loc_off) {
        p->loc_off = p->loc_bol = 0;
        p->loc_line = 1;
    }
    for (; p->loc_off < off; p->loc_off++) {
        if (p->src[p->loc_off] == '\n') {
            p->loc_line++;
            p->loc_bol = p->loc_off + 1;
        }
    }
    *line = p->loc_line;
    *column = (unsigned)(off - p->loc_bol) + 1;
}

static int fail(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report a syntax error at source offset off; returns -1. */
static int
fail(struct parser *p, size_t off, const char *fmt, ...)
{
    struct ec_tmpl_error *err = p->err;
    va_list ap;

    if (!err)
        return -1;
    snprintf(err->name, sizeof(err->name), "%s", p->name);
    locate(p, off, &err->line, &err->column);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return -1;
}

/* Names quoted in messages are cut so the message stays readable. */
static int
quote_len(size_t n)
{
    return n > 40 ? 40 : (int)n;
}

static uint32_t
add_node(struct parser *p, enum ec_node_type type, size_t tag)
{
    struct ec_node *n;

    if (p->nnodes == p->nodes_cap) {
        p->nodes_cap = p->nodes_cap ? p->nodes_cap * 2 : 16;
        p->nodes = ec_xrealloc(p->nodes, p->nodes_cap * sizeof(*n));
    }
    n = &p->nodes[p->nnodes];
    memset(n, 0, sizeof(*n));
    n->type = (uint8_t)type;
    n->next = (uint32_t)p->nnodes + 1;
    locate(p, tag, &n->line, &n->column);
    return (uint32_t)p->nnodes++;
}

/* Append s plus a NUL to the pool; returns its offset. */
static uint32_t
pool_add(struct parser *p, const char *s, size_t n)
{
    uint32_t off = (uint32_t)p->pool.len;

    ec_buf_add(&p->pool, s, n);
    ec_buf_addch(&p->pool, '\0');
    return off;
}

/* Drop the blanks that start the current line (a standalone tag's). */
static void
cut_line(struct parser *p)
{
    /* Only pending text may go: a clear line began inside it. */
    if (!p->line_clear || p->bol < p->text_start)
        EC_BUG("cutting a line that is not pending text");
    p->pool.len = p->bol;
    if (p->pool.cap)
        p->pool.data[p->bol] = '\0';
}

/* End the pending text at pool offset cut; what follows is not text. */
static void
flush_text(struct parser *p, size_t cut)
{
    const char *s = p->pool.data + p->text_start;
    struct ec_node *n;
    uint32_t i, k;

    if (cut > p->text_start) {
        i = add_node(p, EC_NODE_TEXT, p->pos);
        n = &p->nodes[i];
        n->str = (uint32_t)p->text_start;
        n->len = (uint32_t)(cut - p->text_start);
        n->brk = (uint32_t)p->nbreaks;
        for (k = 0; k < n->len; k++) {
            if (s[k] != '\n')
                continue;
            if (p->nbreaks == p->breaks_cap) {
                p->breaks_cap = p->breaks_cap ? p->breaks_cap * 2 : 16;
                p->breaks =
                    ec_xrealloc(p->breaks, p->breaks_cap * sizeof(*p->breaks));
            }
            p->breaks[p->nbreaks++] = k + 1;
            n->nbrk++;
        }
    }
    p->text_start = p->pool.len;
}

/* Store a dotted name as NUL-terminated parts; "." has none. */
static void
set_parts(struct parser *p, uint32_t node, const char *s, size_t n)
{
    size_t i, start = 0;

    p->nodes[node].part = (uint32_t)p->nparts;
    if (n == 1 && s[0] == '.')
        return;
    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        if (p->nparts == p->parts_cap) {
            p->parts_cap = p->parts_cap ? p->parts_cap * 2 : 16;
            p->parts = ec_xrealloc(p->parts, p->parts_cap * sizeof(*p->parts));
        }
        p->parts[p->nparts++] = pool_add(p, s + start, i - start);
        p->nodes[node].nparts++;
        start = i + 1;
    }
}

/* Skip the intrinsic indentation of the enclosing blocks at a line start. */
static size_t
skip_strips(const struct parser *p, size_t at)
{
    size_t i;
    const struct open_elem *e;

    for (i = 0; i < p->depth; i++) {
        e = &p->stack[i];
        if (!e->strip_len)
            continue;
        if (p->len - at < e->strip_len ||
            memcmp(p->src + at, e->strip, e->strip_len) != 0)
            break;
        at += e->strip_len;
    }
    return at;
}

/* The blanks that start the line at source offset at, once stripped. */
static size_t
line_indent(const struct parser *p, size_t at, const char **ws)
{
    size_t n = 0;

    at = skip_strips(p, at);
    *ws = p->src + at;
    while (at + n < p->len && is_blank(p->src[at + n]))
        n++;
    return n;
}

/* p->pos is at the start of a source line. */
static void
start_line(struct parser *p)
{
    p->pos = skip_strips(p, p->pos);
    p->bol = p->pool.len;
    p->line_clear = true;
}

static bool
in_parent_body(const struct parser *p)
{
    return p->depth && p->stack[p->depth - 1].sigil == '<';
}

/* Consume source text up to offset end. */
static void
append_text(struct parser *p, size_t end)
{
    bool store = !in_parent_body(p);
    const char *s, *nl;
    size_t n, i;

    while (p->pos < end) {
        s = p->src + p->pos;
        nl = memchr(s, '\n', end - p->pos);
        n = nl ? (size_t)(nl - s) + 1 : end - p->pos;
        if (store)
            ec_buf_add(&p->pool, s, n);
        p->pos += n;
        if (nl) {
            start_line(p);
            continue;
        }
        for (i = 0; p->line_clear && i < n; i++)
            if (!is_blank(s[i]))
                p->line_clear = false;
    }
}

/* Only blanks then a line end (or the end) after offset at? */
static bool
right_clear(const struct parser *p, size_t at, size_t *eol)
{
    while (at < p->len && is_blank(p->src[at]))
        at++;
    if (at == p->len) {
        *eol = at;
        return true;
    }
    if (p->src[at] == '\n') {
        *eol = at + 1;
        return true;
    }
    if (p->src[at] == '\r' && at + 1 < p->len && p->src[at + 1] == '\n') {
        *eol = at + 2;
        return true;
    }
    return false;
}

/* Continue after a tag: past its line when standalone, else after it. */
static void
finish_tag(struct parser *p, bool standalone, size_t end, size_t eol)
{
    p->text_start = p->pool.len;
    if (standalone) {
        p->pos = eol;
        start_line(p);
    } else {
        p->line_clear = false;
        p->pos = end;
    }
}

static void
trim(const char **s, size_t *n)
{
    while (*n && is_space((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static int
check_name(struct parser *p, size_t tag, const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return fail(p, tag, "empty tag name");
    for (i = 0; i < n; i++)
        if (is_space(s[i]))
            return fail(p, tag, "tag name \"%.*s\" contains whitespace",
                        quote_len(n), s);
    return 0;
}

static int
push_open(struct parser *p, uint32_t node, size_t tag, char sigil,
          const char *key, size_t key_len)
{
    struct open_elem *e;

    if (p->depth >= EC_TMPL_MAX_NESTING)
        return fail(p, tag, "sections nested deeper than %d",
                    EC_TMPL_MAX_NESTING);
    if (p->depth == p->stack_cap) {
        p->stack_cap = p->stack_cap ? p->stack_cap * 2 : 16;
        p->stack = ec_xrealloc(p->stack, p->stack_cap * sizeof(*e));
    }
    e = &p->stack[p->depth++];
    memset(e, 0, sizeof(*e));
    e->node = node;
    e->tag = tag;
    e->sigil = sigil;
    e->key = key;
    e->key_len = key_len;
    e->ws_node = NO_NODE;
    return 0;
}

/* A standalone pair: the blanks before its open tag become indentation. */
static void
indent_pair(struct parser *p, const struct open_elem *e)
{
    struct ec_node *n = &p->nodes[e->node], *text;

    n->flags |= EC_NODE_INDENTED;
    if (e->ws_node == NO_NODE)
        return;
    text = &p->nodes[e->ws_node];
    text->len -= e->ws_len;
    n->indent = text->str + text->len;
    n->indent_len = e->ws_len;
}

/* Set-delimiter content: two blank-free delimiters separated by blanks. */
static int
set_delimiters(struct parser *p, size_t tag, const char *s, size_t n)
{
    size_t i = 0, j, k;

    trim(&s, &n);
    while (i < n && !is_space(s[i]))
        i++;
    j = i;
    while (j < n && is_space(s[j]))
        j++;
    if (i == 0 || j == n || j == i)
        goto bad;
    for (k = j; k < n; k++)
        if (is_space(s[k]))
            goto bad;
    p->otag = s;
    p->olen = i;
    p->ctag = s + j;
    p->clen = n - j;
    return 0;
bad:
    return fail(p, tag,
                "set-delimiter tag needs two delimiters separated "
                "by whitespace, as in {{=<%% %%>=}}");
}

/* Offset of the close delimiter after from, preceded by pre if not 0. */
static size_t
find_close(const struct parser *p, size_t from, char pre)
{
    size_t at = from, k;

    for (;;) {
        k = find(p->src + at, p->len - at, p->ctag, p->clen);
        if (k == NOT_FOUND)
            return NOT_FOUND;
        k += at;
        if (!pre || (k > from && p->src[k - 1] == pre))
            return k;
        at = k + 1;
    }
}

static int
close_tag(struct parser *p, size_t q, const char *key, size_t key_len,
          bool left, bool right, size_t end, size_t eol)
{
    struct open_elem *e;
    uint32_t node;
    unsigned line, column;
    bool sa;

    if (check_name(p, q, key, key_len))
        return -1;
    if (!p->depth)
        return fail(p, q, "close tag {{/%.*s}} has no open section",
                    quote_len(key_len), key);
    e = &p->stack[p->depth - 1];
    if (e->key_len != key_len || memcmp(e->key, key, key_len) != 0) {
        locate(p, e->tag, &line, &column);
        return fail(p, q,
                    "close tag {{/%.*s}} does not match {{%c%.*s}} "
                    "opened at line %u, column %u",
                    quote_len(key_len), key, e->sigil, quote_len(e->key_len),
                    e->key, line, column);
    }
    node = e->node;
    if (e->sigil == '<') {
        /* Left of the close tag is the parent's ignored content. */
        sa = e->left_clear && right;
        flush_text(p, p->pool.len);
        if (sa)
            indent_pair(p, e);
    } else if (p->nodes[node].flags & EC_NODE_ARG) {
        /* The argument ends here; what follows is the parent's ignored
           content, so the line end stays where it is. */
        if (left)
            cut_line(p);
        flush_text(p, p->pool.len);
        sa = false;
        right = false;
    } else {
        sa = left && right;
        if (sa)
            cut_line(p);
        flush_text(p, p->pool.len);
        if (sa)
            p->nodes[node].flags |= EC_NODE_CLOSE_SA;
        if (e->sigil == '$' && !(p->nodes[node].flags & EC_NODE_OPEN_SA) &&
            e->left_clear && right)
            indent_pair(p, e);
    }
    p->nodes[node].next = (uint32_t)p->nnodes;
    p->depth--;
    finish_tag(p, sa, end, eol);
    return 0;
}

static int
partial_tag(struct parser *p, size_t q, char sigil, const char *s, size_t n,
            bool left, bool right, size_t end, size_t eol)
{
    const char *key = s;
    size_t key_len = n, ws_len = 0, ind = 0;
    bool dynamic = false, sa = false;
    uint32_t node, ws_node = NO_NODE;

    if (n && s[0] == '*') {
        dynamic = true;
        s++;
        n--;
        trim(&s, &n);
    }
    if (check_name(p, q, s, n))
        return -1;
    if (sigil == '>') {
        sa = left && right;
        if (sa) {
            ind = p->bol;
            ws_len = p->pool.len - p->bol;
        }
        flush_text(p, sa ? p->bol : p->pool.len);
    } else {
        ws_len = left ? p->pool.len - p->bol : 0;
        flush_text(p, p->pool.len);
        if (ws_len)
            ws_node = (uint32_t)p->nnodes - 1;
    }
    node = add_node(p, sigil == '>' ? EC_NODE_PARTIAL : EC_NODE_PARENT, q);
    p->nodes[node].len = (uint32_t)n;
    p->nodes[node].str = pool_add(p, s, n);
    if (dynamic) {
        p->nodes[node].flags |= EC_NODE_DYNAMIC;
        set_parts(p, node, s, n);
    }
    if (sa) {
        p->nodes[node].flags |= EC_NODE_INDENTED;
        p->nodes[node].indent = (uint32_t)ind;
        p->nodes[node].indent_len = (uint32_t)ws_len;
    }
    if (sigil == '<') {
        if (push_open(p, node, q, '<', key, key_len))
            return -1;
        p->stack[p->depth - 1].left_clear = left;
        p->stack[p->depth - 1].ws_node = ws_node;
        p->stack[p->depth - 1].ws_len = (uint32_t)ws_len;
    }
    finish_tag(p, sa, end, eol);
    return 0;
}

static int
block_tag(struct parser *p, size_t q, const char *s, size_t n, bool left,
          bool right, size_t end, size_t eol)
{
    struct open_elem *e;
    struct ec_node *b;
    const char *ws;
    size_t ws_len = 0, ind;
    uint32_t node;
    bool arg = in_parent_body(p), sa = !arg && left && right;

    if (check_name(p, q, s, n))
        return -1;
    if (sa)
        cut_line(p);
    else if (!arg && left)
        ws_len = p->pool.len - p->bol;
    flush_text(p, p->pool.len);
    node = add_node(p, EC_NODE_BLOCK, q);
    if (push_open(p, node, q, '$', s, n))
        return -1;
    e = &p->stack[p->depth - 1];
    e->left_clear = left;
    if (ws_len) {
        e->ws_node = node - 1;
        e->ws_len = (uint32_t)ws_len;
    }
    b = &p->nodes[node];
    b->len = (uint32_t)n;
    b->str = pool_add(p, s, n);
    if (arg)
        b->flags |= EC_NODE_ARG;
    if (sa)
        b->flags |= EC_NODE_OPEN_SA | EC_NODE_INDENTED;
    if (sa || (arg && right)) {
        ind = line_indent(p, eol, &ws);
        e->strip = ws;
        e->strip_len = ind;
        if (sa) {
            b->indent = pool_add(p, ws, ind);
            b->indent_len = (uint32_t)ind;
        }
        finish_tag(p, true, end, eol);
    } else if (arg) {
        /* An argument is a template of its own: it starts a line. */
        finish_tag(p, false, end, eol);
        p->bol = p->pool.len;
        p->line_clear = true;
    } else {
        finish_tag(p, false, end, eol);
    }
    return 0;
}

static int
parse_tag(struct parser *p, size_t q)
{
    size_t c = q + p->olen, k, end, eol = 0, n;
    const char *s;
    char sigil;
    bool left = p->line_clear, right;
    uint32_t node;

    if (c >= p->len)
        return fail(p, q, "unclosed tag: no closing \"%.*s\"",
                    quote_len(p->clen), p->ctag);
    sigil = p->src[c];
    if (sigil == '{' || sigil == '=') {
        k = find_close(p, c + 1, sigil == '{' ? '}' : '=');
        s = p->src + c + 1;
        n = k == NOT_FOUND ? 0 : k - 1 - (c + 1);
    } else {
        if (sigil && strchr("#^/!><$&", sigil))
            c++;
        k = find_close(p, c, 0);
        s = p->src + c;
        n = k == NOT_FOUND ? 0 : k - c;
    }
    if (k == NOT_FOUND)
        return fail(p, q, "unclosed tag: no closing \"%s%.*s\"",
                    sigil == '{'   ? "}"
                    : sigil == '=' ? "="
                                   : "",
                    quote_len(p->clen), p->ctag);
    end = k + p->clen;
    right = right_clear(p, end, &eol);

    switch (sigil) {
    case '!':
    case '=':
        if (sigil == '=' && set_delimiters(p, q, s, n))
            return -1;
        if (left && right) {
            cut_line(p);
            p->pos = eol;
            start_line(p);
        } else {
            p->line_clear = false;
            p->pos = end;
        }
        return 0;
    case '/':
        trim(&s, &n);
        return close_tag(p, q, s, n, left, right, end, eol);
    case '>':
    case '<':
        trim(&s, &n);
        return partial_tag(p, q, sigil, s, n, left, right, end, eol);
    case '$':
        trim(&s, &n);
        return block_tag(p, q, s, n, left, right, end, eol);
    case '#':
    case '^':
        trim(&s, &n);
        if (check_name(p, q, s, n))
            return -1;
        if (left && right)
            cut_line(p);
        flush_text(p, p->pool.len);
        node =
            add_node(p, sigil == '#' ? EC_NODE_SECTION : EC_NODE_INVERTED, q);
        set_parts(p, node, s, n);
        if (left && right)
            p->nodes[node].flags |= EC_NODE_OPEN_SA;
        if (push_open(p, node, q, sigil, s, n))
            return -1;
        finish_tag(p, left && right, end, eol);
        return 0;
    default:
        trim(&s, &n);
        if (check_name(p, q, s, n))
            return -1;
        flush_text(p, p->pool.len);
        node = add_node(p, EC_NODE_VAR, q);
        set_parts(p, node, s, n);
        if (sigil != '&' && sigil != '{')
            p->nodes[node].flags |= EC_NODE_ESCAPE;
        finish_tag(p, false, end, eol);
        return 0;
    }
}

static int
parse(struct parser *p)
{
    size_t q;
    const struct open_elem *e;

    start_line(p);
    while (p->pos < p->len) {
        q = find(p->src + p->pos, p->len - p->pos, p->otag, p->olen);
        append_text(p, q == NOT_FOUND ? p->len : p->pos + q);
        if (q == NOT_FOUND)
            break;
        if (parse_tag(p, p->pos))
            return -1;
    }
    flush_text(p, p->pool.len);
    if (p->depth) {
        e = &p->stack[p->depth - 1];
        return fail(p, e->tag, "{{%c%.*s}} is never closed", e->sigil,
                    quote_len(e->key_len), e->key);
    }
    return 0;
}

int
ec_tmpl_compile(const char *name, const char *src, size_t len,
                struct ec_tmpl **out, struct ec_tmpl_error *err)
{
    struct parser p;
    struct ec_tmpl *t;
    struct json_object *probe;
    struct lh_table *table;
    size_t i;
    int rc;

    memset(&p, 0, sizeof(p));
    p.name = name ? name : "";
    p.src = src;
    p.len = len;
    p.otag = "{{";
    p.ctag = "}}";
    p.olen = p.clen = 2;
    p.loc_line = 1;
    p.err = err;
    ec_buf_init(&p.pool);

    if (len > EC_TMPL_MAX_SOURCE)
        rc = fail(&p, 0, "template larger than %u bytes", EC_TMPL_MAX_SOURCE);
    else
        rc = parse(&p);
    free(p.stack);
    if (rc) {
        ec_buf_release(&p.pool);
        free(p.nodes);
        free(p.parts);
        free(p.breaks);
        return -1;
    }
    ec_buf_grow(&p.pool, EC_TMPL_POOL_PAD);
    memset(p.pool.data + p.pool.len, 0, EC_TMPL_POOL_PAD + 1);

    t = ec_xcalloc(1, sizeof(*t));
    t->name = ec_xstrdup(p.name);
    t->nodes = p.nodes;
    t->nnodes = (uint32_t)p.nnodes;
    t->pool = ec_buf_detach(&p.pool, NULL);
    /* Never NULL: the renderer adds offsets to it even when empty. */
    t->breaks = p.breaks ? p.breaks : ec_xmalloc(sizeof(*t->breaks));
    t->parts = ec_xmalloc((p.nparts ? p.nparts : 1) * sizeof(*t->parts));
    t->hashes = ec_xmalloc((p.nparts ? p.nparts : 1) * sizeof(*t->hashes));
    probe = json_object_new_object();
    table = json_object_get_object(probe);
    if (!table)
        ec_die("out of memory creating a json-c object");
    t->hash_fn = table->hash_fn;
    for (i = 0; i < p.nparts; i++) {
        t->parts[i] = t->pool + p.parts[i];
        t->hashes[i] = lh_get_hash(table, t->parts[i]);
    }
    json_object_put(probe);
    free(p.parts);
    *out = t;
    return 0;
}

void
ec_tmpl_free(struct ec_tmpl *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->nodes);
    free(t->pool);
    free(t->breaks);
    free(t->parts);
    free(t->hashes);
    free(t);
}
