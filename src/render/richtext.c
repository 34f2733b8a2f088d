#include "render/richtext.h"

#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/buf.h"

/* Where a node sits decides which nodes may be there. */
enum place {
    IN_BLOCKS, /* the document, a quote: paragraphs, headings, lists, hr */
    IN_ITEM,   /* a list item: blocks, and text as Contentful allows */
    IN_LIST,   /* a list: list items only */
    IN_TEXT,   /* a paragraph or heading: text and links */
    IN_LINK    /* a link: text only */
};

static const char *
str_of(struct json_object *o, const char *key)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static struct json_object *
children_of(struct json_object *node)
{
    struct json_object *c;

    if (!json_object_object_get_ex(node, "content", &c) ||
        !json_object_is_type(c, json_type_array))
        return NULL;
    return c;
}

/* The text of node and its descendants, escaped, without markup. */
static void
text_only(struct json_object *node, int depth, struct ec_buf *out)
{
    struct json_object *kids;
    const char *type, *value;

    if (depth > EC_RICHTEXT_DEPTH_MAX ||
        !json_object_is_type(node, json_type_object))
        return;
    type = str_of(node, "nodeType");
    if (type && strcmp(type, "text") == 0) {
        if ((value = str_of(node, "value")))
            ec_buf_add_html(out, value, strlen(value));
        return;
    }
    if (!(kids = children_of(node)))
        return;
    for (size_t i = 0; i < json_object_array_length(kids); i++)
        text_only(json_object_array_get_idx(kids, i), depth + 1, out);
}

static const struct mark {
    const char *type, *tag;
} marks[] = {
    {"bold", "strong"},
    {"italic", "em"},
    {"underline", "u"},
    {"code", "code"},
};

/* 1 if the text node has the mark of the given type. */
static int
has_mark(struct json_object *node, const char *type)
{
    struct json_object *list;

    if (!json_object_object_get_ex(node, "marks", &list) ||
        !json_object_is_type(list, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        const char *t = str_of(json_object_array_get_idx(list, i), "type");

        if (t && strcmp(t, type) == 0)
            return 1;
    }
    return 0;
}

static void
text_node(struct json_object *node, struct ec_buf *out)
{
    const char *value = str_of(node, "value");
    size_t n = sizeof(marks) / sizeof(marks[0]);
    int on[sizeof(marks) / sizeof(marks[0])];

    if (!value || !*value)
        return;
    for (size_t i = 0; i < n; i++)
        if ((on[i] = has_mark(node, marks[i].type)))
            ec_buf_addf(out, "<%s>", marks[i].tag);
    ec_buf_add_html(out, value, strlen(value));
    for (size_t i = n; i-- > 0;)
        if (on[i])
            ec_buf_addf(out, "</%s>", marks[i].tag);
}

/*
 * 1 if uri may be a link's target: http://, https:// or mailto: (either
 * case), with no blank or control character anywhere (browsers skip
 * those inside a scheme, "java\tscript:").
 */
static int
safe_uri(const char *uri)
{
    if (!uri)
        return 0;
    for (const char *p = uri; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f)
            return 0;
    return (strncasecmp(uri, "http://", 7) == 0 && uri[7]) ||
           (strncasecmp(uri, "https://", 8) == 0 && uri[8]) ||
           (strncasecmp(uri, "mailto:", 7) == 0 && uri[7]);
}

static void node_html(struct json_object *node, enum place at, int depth,
                      struct ec_buf *out);

static void
children_html(struct json_object *node, enum place at, int depth,
              struct ec_buf *out)
{
    struct json_object *kids = children_of(node);

    if (!kids)
        return;
    for (size_t i = 0; i < json_object_array_length(kids); i++)
        node_html(json_object_array_get_idx(kids, i), at, depth + 1, out);
}

static void
wrap(struct json_object *node, const char *tag, enum place inside, int depth,
     struct ec_buf *out)
{
    ec_buf_addf(out, "<%s>", tag);
    children_html(node, inside, depth, out);
    ec_buf_addf(out, "</%s>", tag);
}

static void
link_html(struct json_object *node, int depth, struct ec_buf *out)
{
    struct json_object *data;
    const char *uri = NULL;

    if (json_object_object_get_ex(node, "data", &data))
        uri = str_of(data, "uri");
    if (!safe_uri(uri)) {
        text_only(node, depth, out);
        return;
    }
    ec_buf_adds(out, "<a href=\"");
    ec_buf_add_html(out, uri, strlen(uri));
    ec_buf_adds(out, "\" rel=\"noopener noreferrer\">");
    children_html(node, IN_LINK, depth, out);
    ec_buf_adds(out, "</a>");
}

/* A block node in a place that takes blocks: 1 if it was one. */
static int
block_html(struct json_object *node, const char *type, int depth,
           struct ec_buf *out)
{
    static const char *const headings[] = {"h2", "h3", "h4", "h5", "h6", "h6"};

    if (strcmp(type, "paragraph") == 0)
        wrap(node, "p", IN_TEXT, depth, out);
    else if (strncmp(type, "heading-", 8) == 0 && type[8] >= '1' &&
             type[8] <= '6' && !type[9])
        wrap(node, headings[type[8] - '1'], IN_TEXT, depth, out);
    else if (strcmp(type, "unordered-list") == 0)
        wrap(node, "ul", IN_LIST, depth, out);
    else if (strcmp(type, "ordered-list") == 0)
        wrap(node, "ol", IN_LIST, depth, out);
    else if (strcmp(type, "blockquote") == 0)
        wrap(node, "blockquote", IN_BLOCKS, depth, out);
    else if (strcmp(type, "hr") == 0)
        ec_buf_adds(out, "<hr>");
    else
        return 0;
    return 1;
}

static void
node_html(struct json_object *node, enum place at, int depth,
          struct ec_buf *out)
{
    const char *type;

    if (depth > EC_RICHTEXT_DEPTH_MAX ||
        !json_object_is_type(node, json_type_object) ||
        !(type = str_of(node, "nodeType")))
        return;
    if (strcmp(type, "text") == 0 && at != IN_BLOCKS && at != IN_LIST) {
        text_node(node, out);
        return;
    }
    if (strcmp(type, "hyperlink") == 0 && (at == IN_TEXT || at == IN_ITEM)) {
        link_html(node, depth, out);
        return;
    }
    if (strcmp(type, "list-item") == 0 && at == IN_LIST) {
        wrap(node, "li", IN_ITEM, depth, out);
        return;
    }
    if ((at == IN_BLOCKS || at == IN_ITEM) &&
        block_html(node, type, depth, out))
        return;
    /* anything else: its words, none of its markup (in a list, as an
       item of their own, so the list holds only items) */
    if (at == IN_LIST) {
        size_t before = out->len;

        ec_buf_adds(out, "<li>");
        text_only(node, depth, out);
        if (out->len == before + 4)
            out->len = before, out->data[before] = '\0';
        else
            ec_buf_adds(out, "</li>");
        return;
    }
    text_only(node, depth, out);
}

void
ec_richtext_html(struct json_object *doc, struct ec_buf *out)
{
    const char *type;

    if (!doc || !json_object_is_type(doc, json_type_object))
        return;
    type = str_of(doc, "nodeType");
    if (type && strcmp(type, "document") == 0)
        children_html(doc, IN_BLOCKS, 0, out);
    else
        node_html(doc, IN_BLOCKS, 0, out);
}
