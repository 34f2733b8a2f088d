/*
 * libFuzzer target for the rich-text renderer (render/richtext.c).
 *
 * Each input is parsed as JSON (json-c's own depth limit applies) and
 * rendered. Besides the sanitizers, the output is checked for the
 * renderer's promise: every '<' opens or closes one of the allowed tags,
 * and a link's href is http(s) or mailto, with no quote or blank in it.
 * A violation aborts, which libFuzzer reports as a crash.
 *
 * Build and run: make fuzz-richtext-run FUZZ_SECONDS=300 (Makefile.am).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "render/richtext.h"

static const char *const tags[] = {
    "p>",  "/p>",         "h2>",          "/h2>", "h3>",     "/h3>",
    "h4>", "/h4>",        "h5>",          "/h5>", "h6>",     "/h6>",
    "ul>", "/ul>",        "ol>",          "/ol>", "li>",     "/li>",
    "hr>", "blockquote>", "/blockquote>", "/a>",  "strong>", "/strong>",
    "em>", "/em>",        "u>",           "/u>",  "code>",   "/code>",
};

/* The length of an allowed tag at s (after '<'), or 0. */
static size_t
allowed_at(const char *s)
{
    static const char rel[] = "\" rel=\"noopener noreferrer\">";

    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
        if (strncmp(s, tags[i], strlen(tags[i])) == 0)
            return strlen(tags[i]);
    if (strncmp(s, "a href=\"", 8) == 0) {
        const char *uri = s + 8, *end = strchr(uri, '"');

        if (!end || strncmp(end, rel, sizeof(rel) - 1) != 0)
            return 0;
        if (strncasecmp(uri, "http://", 7) != 0 &&
            strncasecmp(uri, "https://", 8) != 0 &&
            strncasecmp(uri, "mailto:", 7) != 0)
            return 0;
        for (const char *p = uri; p < end; p++)
            if ((unsigned char)*p <= 0x20 || *p == '<' || *p == '>')
                return 0;
        return (size_t)(end - s) + sizeof(rel) - 1;
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_tokener *tok = json_tokener_new();
    struct ec_buf out = EC_BUF_INIT;
    struct json_object *doc;

    doc = json_tokener_parse_ex(tok, (const char *)data, (int)size);
    json_tokener_free(tok);
    if (!doc)
        return 0;
    ec_richtext_html(doc, &out);
    for (const char *p = out.data; (p = strchr(p, '<')); p++) {
        size_t n = allowed_at(p + 1);

        if (!n)
            abort();
        p += n;
    }
    ec_buf_release(&out);
    json_object_put(doc);
    return 0;
}
