/*
 * ec_themes: the templates of the default theme and of every tenant's
 * overrides, compiled once per worker and looked up by name.
 *
 * A template "name" lives at DIR/tenants/<slug>/<name>.mustache when the
 * tenant overrides it, else at DIR/default/<name>.mustache. Partials and
 * parents resolve the same way, so a tenant may override just the layout
 * or just one partial. Compiled templates are cached per (tenant, name);
 * with reload on, a changed file is recompiled on its next use (for theme
 * development), otherwise files are read once per worker and SIGHUP (new
 * workers) picks up changes.
 *
 * Reload costs a stat() of each file (two for a tenant without an
 * override) per check, which a busy page pays on every view unless the
 * checks are spaced: check_ms is the least time between two checks of a
 * file (0: before every render that uses it).
 */
#ifndef EC_RENDER_THEME_H
#define EC_RENDER_THEME_H

struct ec_buf;
struct ec_msgcat;
struct ec_themes;
struct json_object;

/*
 * A set of themes rooted at dir (copied). Nothing is read yet. A file is
 * checked for changes at most every check_ms (0: before each render that
 * uses it); never when check_ms is negative.
 */
struct ec_themes *ec_themes_new(const char *dir, long check_ms);
void ec_themes_free(struct ec_themes *th);

/* 1 if name is a safe template name: [a-z0-9_-] segments joined by '/'. */
int ec_theme_name_valid(const char *name, unsigned long len);

/*
 * Render template name for tenant slug (NULL: default theme only) with
 * model, appending to out. Returns 0; EC_ERR_NOT_FOUND if neither the
 * tenant nor the default theme has the template; EC_ERR_INTERNAL if it
 * fails to compile or render (details are logged, out is unusable).
 */
int ec_themes_render(struct ec_themes *th, const char *slug, const char *name,
                     struct json_object *model, struct ec_buf *out);

/*
 * The same with a message catalog (render/messages.h): the partial
 * {{>t/<msgid>}} is that message, rendered in the partial's context so
 * its tags ("{{months}} måneders binding") read the page's values. With
 * texts NULL such partials render as nothing.
 */
int ec_themes_render_texts(struct ec_themes *th, const char *slug,
                           const struct ec_msgcat *texts, const char *name,
                           struct json_object *model, struct ec_buf *out);

/*
 * The path the template would be read from, for tools and tests: 0 and a
 * malloc'd path in *path, or EC_ERR_NOT_FOUND.
 */
int ec_themes_locate(struct ec_themes *th, const char *slug, const char *name,
                     char **path);

#endif
