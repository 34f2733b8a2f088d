#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/buf.h"
#include "render/richtext.h"

/* JSON written with ' for ", to keep the table readable */
static char *
json_of(const char *squoted)
{
    char *s = strdup(squoted);

    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

static void
expect_html(const char *squoted, const char *want)
{
    char *text = json_of(squoted);
    struct json_object *doc = json_tokener_parse(text);
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    ec_richtext_html(doc, &out);
    EC_ASSERT_STR(out.data, want);
    ec_buf_release(&out);
    json_object_put(doc);
    free(text);
}

#define DOC(...) "{'nodeType':'document','content':[" __VA_ARGS__ "]}"
#define P(...) "{'nodeType':'paragraph','content':[" __VA_ARGS__ "]}"
#define T(v) "{'nodeType':'text','value':'" v "','marks':[]}"

static void
test_allowed_nodes(void)
{
    expect_html(DOC(P(T("Hej"))), "<p>Hej</p>");
    expect_html(
        DOC("{'nodeType':'heading-1','content':[" T(
            "A") "]}"
                 ",{'nodeType':'heading-4','content':[" T(
                     "B") "]}"
                          ",{'nodeType':'heading-6','content':[" T("C") "]}"),
        "<h2>A</h2><h5>B</h5><h6>C</h6>");
    expect_html(
        DOC("{'nodeType':'unordered-list','content':["
            "{'nodeType':'list-item','content':[" P(
                T("en")) "]},"
                         "{'nodeType':'list-item','content':[" P(
                             T("to")) "]}]}"
                                      ",{'nodeType':'ordered-list','content':["
                                      "{'nodeType':'list-item','content':[" P(
                                          T("et")) "]}]}"),
        "<ul><li><p>en</p></li><li><p>to</p></li></ul><ol><li><p>et</p>"
        "</li></ol>");
    expect_html(DOC("{'nodeType':'blockquote','content':[" P(
                    T("Citat")) "]}"
                                ",{'nodeType':'hr','content':[]}"),
                "<blockquote><p>Citat</p></blockquote><hr>");
    expect_html(DOC(P("{'nodeType':'text','value':'fed','marks':[{'type':"
                      "'bold'},{'type':'italic'}]}"
                      ",{'nodeType':'text','value':'x','marks':[{'type':"
                      "'underline'},{'type':'code'},{'type':'glow'}]}")),
                "<p><strong><em>fed</em></strong><u><code>x</code></u></p>");
    expect_html(
        DOC(P("{'nodeType':'hyperlink','data':{'uri':'https://"
              "example.dk/a?b=1&c=2'},'content':[" T(
                  "se her") "]}"
                            ",{'nodeType':'hyperlink','data':{'uri':'mailto:"
                            "kundeservice@nordlys.dk'},'content':[" T(
                                "skriv") "]}"
                                         ",{'nodeType':'hyperlink','data':{'"
                                         "uri':'HTTP://x.dk'},"
                                         "'content':[" T("x") "]}")),
        "<p><a href=\"https://example.dk/a?b=1&amp;c=2\" "
        "rel=\"noopener noreferrer\">se her</a><a "
        "href=\"mailto:kundeservice@nordlys.dk\" rel=\"noopener "
        "noreferrer\">skriv</a><a href=\"HTTP://x.dk\" "
        "rel=\"noopener noreferrer\">x</a></p>");
}

static void
test_script_text_is_inert(void)
{
    expect_html(DOC(P(T("<script>alert(1)</script>"))),
                "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    /* a node that calls itself script is not one of ours */
    expect_html(DOC("{'nodeType':'script','content':[" T("alert(1)") "]}"),
                "alert(1)");
    expect_html(DOC(P("{'nodeType':'text','value':'\\u0022 onmouseover=x "
                      "&amp;','marks':[{'type':'bold\\u0022><script>'}]}")),
                "<p>&quot; onmouseover=x &amp;amp;</p>");
}

static void
test_links_other_than_http_https_mailto_keep_only_their_text(void)
{
    static const char *const uris[] = {"javascript:alert(1)",
                                       "JavaScript:alert(1)",
                                       " javascript:alert(1)",
                                       "java\\tscript:alert(1)",
                                       "data:text/html,<script>",
                                       "vbscript:x",
                                       "/relative",
                                       "//evil.example",
                                       "https://",
                                       "mailto:",
                                       "http:x y",
                                       "https://a.dk/\\u0001"};

    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        char doc[512];

        snprintf(doc, sizeof(doc),
                 DOC(P("{'nodeType':'hyperlink','data':{'uri':'%s'},"
                       "'content':[{'nodeType':'text','value':'klik',"
                       "'marks':[{'type':'bold'}]}]}")),
                 uris[i]);
        expect_html(doc, "<p>klik</p>");
    }
    /* a link without data, or with a number for a uri */
    expect_html(
        DOC(P("{'nodeType':'hyperlink','content':[" T(
            "a") "]}"
                 ",{'nodeType':'hyperlink','data':{'uri':5},'content':[" T(
                     "b") "]}")),
        "<p>ab</p>");
}

static void
test_unknown_and_misplaced_nodes_keep_their_text(void)
{
    /* embedded entries and assets, tables: words kept, markup dropped */
    expect_html(DOC("{'nodeType':'embedded-entry-block','data':{'target':{}}"
                    ",'content':[]}"
                    ",{'nodeType':'table','content':[{'nodeType':'table-row',"
                    "'content':[" P(T("celle")) "]}]}"),
                "celle");
    /* a paragraph inside a paragraph, a list item outside a list, a link
       inside a link, a heading in a link */
    expect_html(DOC(P(P(T("indre")))), "<p>indre</p>");
    expect_html(DOC("{'nodeType':'list-item','content':[" P(T("løs")) "]}"),
                "løs");
    expect_html(DOC(P("{'nodeType':'hyperlink','data':{'uri':'https://a.dk'},"
                      "'content':[{'nodeType':'hyperlink','data':{'uri':"
                      "'https://b.dk'},'content':[" T("b") "]}]}")),
                "<p><a href=\"https://a.dk\" rel=\"noopener "
                "noreferrer\">b</a></p>");
    /* text directly in a list becomes an item; nothing, nothing */
    expect_html(
        DOC("{'nodeType':'unordered-list','content':[" P(
            T("p")) ","
                    "{'nodeType':'embedded-entry-inline','content':[]}]}"),
        "<ul><li>p</li></ul>");
    /* not a node at all */
    expect_html("{'nodeType':'document','content':[1,'x',null,[],{}]}", "");
    expect_html("{'nodeType':'document','content':{}}", "");
    expect_html("{'content':[" P(T("x")) "]}", "");
    expect_html("[1,2]", "");
}

static void
test_deep_nesting_is_bounded(void)
{
    struct ec_buf in = EC_BUF_INIT, out = EC_BUF_INIT;
    struct json_object *doc;
    const int levels = 5000;
    size_t lis;

    /* lists of lists, far deeper than the limit */
    ec_buf_adds(&in, "{\"nodeType\":\"document\",\"content\":[");
    for (int i = 0; i < levels; i++)
        ec_buf_adds(&in, "{\"nodeType\":\"unordered-list\",\"content\":[{"
                         "\"nodeType\":\"list-item\",\"content\":[");
    ec_buf_adds(&in, "{\"nodeType\":\"paragraph\",\"content\":[{"
                     "\"nodeType\":\"text\",\"value\":\"bund\"}]}");
    for (int i = 0; i < levels; i++)
        ec_buf_adds(&in, "]}]}");
    ec_buf_adds(&in, "]}");
    {
        struct json_tokener *tok = json_tokener_new_ex(4 * levels + 16);

        doc = json_tokener_parse_ex(tok, in.data, (int)in.len);
        json_tokener_free(tok);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    ec_richtext_html(doc, &out);
    /* as many lists open as close, and no more than the limit allows */
    lis = 0;
    for (const char *p = out.data; (p = strstr(p, "<ul>")); p++)
        lis++;
    CU_ASSERT(lis > 0 && lis <= EC_RICHTEXT_DEPTH_MAX / 2 + 1);
    {
        size_t closes = 0;

        for (const char *p = out.data; (p = strstr(p, "</ul>")); p++)
            closes++;
        CU_ASSERT_EQUAL(closes, lis);
    }
    CU_ASSERT_PTR_NULL(strstr(out.data, "bund"));
    json_object_put(doc);
    ec_buf_release(&in);
    ec_buf_release(&out);
}

static const struct ec_test tests[] = {
    {"paragraphs, headings, lists, quotes, hr, marks and links",
     test_allowed_nodes},
    {"a <script> text node, node type or mark renders inert",
     test_script_text_is_inert},
    {"javascript:, data:, relative and malformed links keep only their text",
     test_links_other_than_http_https_mailto_keep_only_their_text},
    {"unknown and misplaced nodes lose their markup, keep their text",
     test_unknown_and_misplaced_nodes_keep_their_text},
    {"nesting deeper than EC_RICHTEXT_DEPTH_MAX is cut off, well-formed",
     test_deep_nesting_is_bounded},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("render/richtext", tests);
}
