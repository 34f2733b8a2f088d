/*
 * ec_messages: the words a shopper reads, per locale, from GNU gettext
 * .po files, with each tenant's overrides layered on top (docs/messages.md).
 *
 * Files live beside the templates:
 *   DIR/default/messages/<locale>.po            the default catalog
 *   DIR/tenants/<slug>/messages/<locale>.po     a tenant's overrides
 * A message id (msgid) is a stable key such as "basket.empty"; its msgstr
 * is the text, which may hold Mustache tags naming values of the page
 * ("{{months}} måneders binding").
 *
 * Invariants:
 *   - a tenant with locale L reads the first of L, L's language ("da" for
 *     "da-DK") and EC_MESSAGES_FALLBACK_LOCALE whose default catalog
 *     exists: that is the page's language (ec_msgcat_locale()), and one
 *     page never mixes two languages;
 *   - a lookup tries the tenant's catalog for that locale, then the
 *     default catalog for it, then answers the msgid itself;
 *   - a file that fails to parse is logged and counts as absent (the next
 *     layer answers), so a typo in an override never takes a page down;
 *   - entries flagged fuzzy and entries with an empty msgstr are skipped,
 *     as msgfmt does; msgctxt and plural forms are refused (not needed by
 *     any message; the file fails to parse);
 *   - a catalog (struct ec_msgcat) stays valid and unchanged from one
 *     ec_messages_get() to the next: with reload on, a changed file is
 *     reread by an ec_messages_get() of a catalog that uses it (which
 *     checks its files at most every check_ms), never in the middle of a
 *     request.
 */
#ifndef EC_RENDER_MESSAGES_H
#define EC_RENDER_MESSAGES_H

#include <stddef.h>

struct ec_buf;
struct ec_tmpl;
struct json_object;

/* The locale of a page whose tenant's locale has no catalog, or that has
   no tenant at all (an unknown host). */
#define EC_MESSAGES_FALLBACK_LOCALE "en"

/* .po files larger than this are refused. */
#define EC_MESSAGES_MAX_FILE (1024 * 1024)

struct ec_messages;
struct ec_msgcat;

/* One message of a parsed .po file. */
struct ec_po_entry {
    char *id;
    char *str;
};

/* A parsed .po file: entries sorted by id, ids unique. */
struct ec_po {
    struct ec_po_entry *entries;
    size_t n;
};

/*
 * Parse .po text (len bytes) into po. Returns 0; or -1 with *line (1-based)
 * and *why (a static English phrase) saying what is wrong, and po empty.
 * Release with ec_po_release() either way.
 */
int ec_po_parse(struct ec_po *po, const char *text, size_t len, unsigned *line,
                const char **why);
void ec_po_release(struct ec_po *po);

/* The msgstr of id in po, or NULL. */
const char *ec_po_find(const struct ec_po *po, const char *id);

/*
 * A set of catalogs rooted at dir (copied), the templates' root. A
 * catalog's files are checked for changes at most every check_ms (0: at
 * every ec_messages_get()); never when check_ms is negative.
 */
struct ec_messages *ec_messages_new(const char *dir, long check_ms);
void ec_messages_free(struct ec_messages *m);

/*
 * The catalog of tenant slug (NULL or "": none) in locale (NULL: the
 * fallback locale). Never NULL; owned by m, valid until the next
 * ec_messages_get() or ec_messages_free().
 */
const struct ec_msgcat *ec_messages_get(struct ec_messages *m, const char *slug,
                                        const char *locale);

/*
 * Whether the default theme under dir speaks locale, in its own or its
 * language's catalog (ec_messages_get()'s choice; otherwise a shop in
 * locale would read the fallback language): 1 or 0. Reads the files
 * afresh, for a new shop's check rather than a page.
 */
int ec_messages_speaks(const char *dir, const char *locale);

/* The locale the catalog speaks ("da-DK", "en"): the page's lang. */
const char *ec_msgcat_locale(const struct ec_msgcat *c);

/* The text of id, or NULL when no layer has it (or c is NULL). */
const char *ec_msgcat_find(const struct ec_msgcat *c, const char *id);

/* The text of id, or id itself when no layer has it (or c is NULL). */
const char *ec_msgcat_text(const struct ec_msgcat *c, const char *id);

/*
 * Every message as nested objects for templates: "basket.empty" is
 * {{t.basket.empty}}. A msgid that is also the prefix of another one
 * ("a.b" beside "a.b.c") is left out and logged. Borrowed: take a
 * reference (json_object_get) to keep it past the catalog's life.
 */
struct json_object *ec_msgcat_json(const struct ec_msgcat *c);

/*
 * The messages whose id starts with one of the catalog's script prefixes
 * ("js.", "form_error.", "field_error.") as one flat JSON object, with
 * < > & escaped so it can stand in a <script type="application/json">.
 * Owned by the catalog.
 */
const char *ec_msgcat_script_json(const struct ec_msgcat *c);
/* The same as a json-c string, built once and shared by every page that
   carries it: take a reference (json_object_get) to put it in a model. */
struct json_object *ec_msgcat_script_model(const struct ec_msgcat *c);

/*
 * The message id as a compiled template (its literal text HTML-escaped,
 * its tags rendered against the page), for the theme's partials
 * {{>t/<id>}}. NULL when no layer has id or it fails to compile (logged).
 * Owned by the catalog.
 */
const struct ec_tmpl *ec_msgcat_tmpl(const struct ec_msgcat *c, const char *id,
                                     size_t len);

/*
 * Append the text of id rendered against model (its literal text as is,
 * not HTML-escaped: the caller's template escapes it). Returns 0, or -1
 * when the message does not compile (the msgid is appended instead).
 */
int ec_msgcat_render(const struct ec_msgcat *c, const char *id,
                     struct json_object *model, struct ec_buf *out);

#endif
