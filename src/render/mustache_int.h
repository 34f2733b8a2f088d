/*
 * The compiled form of a mustache template, shared by the compiler
 * (mustache_parse.c) and the renderer (mustache_render.c). Nothing outside
 * src/render/ includes this.
 *
 * A template is one array of nodes in document order (pre-order). A node
 * that has content (section, inverted section, block, parent) is followed
 * by its content; its `next` field is the index just past the content, so
 * the content of node i is [i + 1, nodes[i].next) and the next sibling is
 * nodes[i].next. Leaf nodes have next == i + 1.
 *
 * Invariants:
 *   - all text, names and indentation live in one pool owned by the
 *     template; nodes refer to it by offset, so the pool never needs
 *     pointers fixed up. The pool has EC_TMPL_POOL_PAD readable bytes past
 *     its end, so short text can be copied in fixed-size chunks;
 *   - a parent's content holds its arguments: the blocks among its direct
 *     children (flag EC_NODE_ARG). The rest of a parent's content is
 *     parsed but never rendered, and its text is not even stored;
 *   - text has the spec's whitespace rules already applied (standalone
 *     lines removed, block indentation stripped); only the indentation of
 *     standalone partials, parents and blocks is left to the renderer,
 *     which prepends it to each line that starts in template text.
 */
#ifndef EC_RENDER_MUSTACHE_INT_H
#define EC_RENDER_MUSTACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/linkhash.h>

#include "render/mustache.h"

enum ec_node_type {
    EC_NODE_TEXT,
    EC_NODE_VAR,      /* {{x}}, {{{x}}}, {{&x}} */
    EC_NODE_SECTION,  /* {{#x}} */
    EC_NODE_INVERTED, /* {{^x}} */
    EC_NODE_PARTIAL,  /* {{>x}} */
    EC_NODE_PARENT,   /* {{<x}} */
    EC_NODE_BLOCK     /* {{$x}} */
};

enum ec_node_flag {
    EC_NODE_ESCAPE = 1 << 0,   /* VAR: HTML-escape the value */
    EC_NODE_DYNAMIC = 1 << 1,  /* PARTIAL, PARENT: name is looked up */
    EC_NODE_INDENTED = 1 << 2, /* PARTIAL, PARENT, BLOCK: standalone,
                                  content gets `indent` on each line */
    EC_NODE_OPEN_SA = 1 << 3,  /* open tag was a removed standalone line */
    EC_NODE_CLOSE_SA = 1 << 4, /* close tag was a removed standalone line */
    EC_NODE_ARG = 1 << 5       /* BLOCK: argument of the enclosing parent */
};

struct ec_node {
    uint8_t type;      /* enum ec_node_type */
    uint8_t flags;     /* enum ec_node_flag */
    uint32_t next;     /* index just past this node's content */
    uint32_t str, len; /* TEXT: the text; PARTIAL, PARENT, BLOCK: the
                          name (NUL-terminated in the pool) */
    uint32_t part;     /* VAR, SECTION, INVERTED, DYNAMIC: first name */
    uint32_t nparts;   /*   part in ec_tmpl.parts; 0 means "." */
    uint32_t brk;      /* TEXT: first entry in ec_tmpl.breaks */
    uint32_t nbrk;     /*   and how many; one per '\n' in the text */
    uint32_t indent;   /* INDENTED: indentation in the pool */
    uint32_t indent_len;
    uint32_t line, column; /* of the tag, for render errors */
};

#define EC_TMPL_POOL_PAD 16

struct ec_tmpl {
    char *name;
    struct ec_node *nodes;
    uint32_t nnodes;
    char *pool;
    /* Where each text node's lines end: offsets, from the start of the
       node's text, just past each '\n'. Indentation goes there. */
    uint32_t *breaks;
    /* Dotted names split into NUL-terminated parts, pointing into pool:
       json-c looks keys up by C string. */
    const char **parts;
    /* Each part's hash by hash_fn, the function json-c hashes object
       keys with, so a render looks keys up without hashing them again
       (lh_table_lookup_entry_w_hash). Tables hashed by another function
       are searched the ordinary way. */
    unsigned long *hashes;
    lh_hash_fn *hash_fn;
};

#endif
