/*
 * `ecomctl render TEMPLATE DATA.json [--partials DIR]`: render one template
 * file against a JSON file for theme authors and for checking the engine
 * from outside. Partials and parents are looked up in DIR (default: the
 * template's own directory) as NAME.mustache.
 */
#ifndef EC_CLI_RENDER_H
#define EC_CLI_RENDER_H

#include <stdio.h>

/*
 * Render and write exactly the rendered bytes to out (nothing added).
 * Returns 0; or 1 after writing the reason (with file, line and column for
 * a template error) to errout.
 */
int ec_render_file(const char *template_path, const char *data_path,
                   const char *partials_dir, FILE *out, FILE *errout);

#endif
