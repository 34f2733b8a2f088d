/*
 * Contentful rich text to HTML, through an allow-list (docs/cms.md).
 *
 * A rich-text field is a JSON tree of nodes ({"nodeType", "content",
 * "value", "marks", "data"}). Only these become markup:
 *
 *     document, paragraph               -> (its children), <p>
 *     heading-1 .. heading-6            -> <h2> .. <h6> (a page's own
 *                                          title is its <h1>; heading-5
 *                                          and heading-6 both <h6>)
 *     unordered-list, ordered-list,
 *     list-item                         -> <ul>, <ol>, <li>
 *     blockquote, hr                    -> <blockquote>, <hr>
 *     hyperlink                         -> <a href>, only for a data.uri
 *                                          of http://, https:// or mailto:
 *     text                              -> its value, escaped, inside
 *                                          <strong>, <em>, <u>, <code> for
 *                                          the marks bold, italic,
 *                                          underline, code
 *
 * and only where they belong: blocks in the document, a list item or a
 * quote or a list item; list items in a list; text and links in a
 * paragraph, a heading or a list item; text in a link. Anything else (an
 * unknown node type, an embedded entry, a node out of place, a link to another
 * scheme) is dropped with its markup, and the text of its text nodes is kept,
 * escaped, without marks (directly in a list, as an item of its own): a
 * brand loses a decoration, never a sentence, and nothing it writes can
 * become markup. The result is well-formed HTML
 * whatever the input.
 *
 * Trees deeper than EC_RICHTEXT_DEPTH_MAX lose what lies below that depth
 * (the recursion is bounded by it), and every value is text: nothing in
 * the input is ever copied to the output unescaped.
 */
#ifndef EC_RENDER_RICHTEXT_H
#define EC_RENDER_RICHTEXT_H

struct ec_buf;
struct json_object;

#define EC_RICHTEXT_DEPTH_MAX 32

/* Append the HTML of the rich-text node doc (normally a "document"; NULL
   or anything else that is not a node gives nothing) to out. */
void ec_richtext_html(struct json_object *doc, struct ec_buf *out);

#endif
