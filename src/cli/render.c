#include "cli/render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/json.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "render/mustache.h"

#define EC_CLI_MAX_FILE (16 * 1024 * 1024)
#define EC_CLI_MAX_PARTIALS 256

struct partial {
    char *name;
    struct ec_tmpl *tmpl; /* NULL: no such file, or it failed */
};

struct cli_loader {
    const char *dir;
    struct partial partials[EC_CLI_MAX_PARTIALS];
    size_t n;
    FILE *errout;
    int failed; /* a partial failed to compile */
};

static struct ec_tmpl *
compile_file(const char *path, FILE *errout, int *missing)
{
    struct ec_buf src = EC_BUF_INIT;
    struct ec_tmpl_error err;
    struct ec_tmpl *t = NULL;

    *missing = 0;
    if (ec_buf_read_file(&src, path, EC_CLI_MAX_FILE) < 0) {
        *missing = errno == ENOENT;
        if (!*missing)
            fprintf(errout, "%s: %s\n", path, strerror(errno));
    } else if (ec_tmpl_compile(path, src.data, src.len, &t, &err) < 0) {
        fprintf(errout, "%s:%u:%u: %s\n", err.name, err.line, err.column,
                err.message);
        t = NULL;
    }
    ec_buf_release(&src);
    return t;
}

/* A partial name may not leave DIR: no '/', no leading '.', no NUL. */
static int
name_stays_in_dir(const char *name, size_t len)
{
    return len > 0 && name[0] != '.' && !memchr(name, '/', len) &&
           !memchr(name, '\0', len);
}

/* Compiled once per name per run; a missing file renders as nothing. */
static const struct ec_tmpl *
load_partial(void *ctx, const char *name, size_t len)
{
    struct cli_loader *l = ctx;
    struct ec_buf path = EC_BUF_INIT;
    struct partial *p;
    int missing;

    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->partials[i].name) == len &&
            memcmp(l->partials[i].name, name, len) == 0)
            return l->partials[i].tmpl;
    if (!name_stays_in_dir(name, len) || l->n == EC_CLI_MAX_PARTIALS)
        return NULL;
    p = &l->partials[l->n++];
    p->name = ec_xstrndup(name, len);
    ec_buf_addf(&path, "%s/%.*s.mustache", l->dir, (int)len, name);
    p->tmpl = compile_file(path.data, l->errout, &missing);
    if (!p->tmpl && !missing)
        l->failed = 1;
    ec_buf_release(&path);
    return p->tmpl;
}

static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? ec_xstrndup(path, (size_t)(slash - path)) : ec_xstrdup(".");
}

int
ec_render_file(const char *template_path, const char *data_path,
               const char *partials_dir, FILE *out, FILE *errout)
{
    struct cli_loader *l = ec_xcalloc(1, sizeof(*l));
    struct ec_buf rendered = EC_BUF_INIT;
    struct ec_tmpl_error err;
    struct json_object *model = NULL;
    struct ec_tmpl *t;
    char *dir = partials_dir ? ec_xstrdup(partials_dir) : dir_of(template_path);
    int missing, rc = 1;

    l->dir = dir;
    l->errout = errout;
    t = compile_file(template_path, errout, &missing);
    if (!t) {
        if (missing)
            fprintf(errout, "%s: no such file\n", template_path);
        goto out;
    }
    if (ec_cli_read_json(data_path, EC_CLI_MAX_FILE, &model, errout) != 0)
        goto out;
    if (ec_tmpl_render(t, model, load_partial, l, &rendered, &err) < 0) {
        fprintf(errout, "%s:%u:%u: %s\n", err.name, err.line, err.column,
                err.message);
        goto out;
    }
    if (l->failed)
        goto out;
    if (fwrite(rendered.data, 1, rendered.len, out) != rendered.len ||
        fflush(out) != 0) {
        fprintf(errout, "write: %s\n", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; i < l->n; i++) {
        free(l->partials[i].name);
        ec_tmpl_free(l->partials[i].tmpl);
    }
    free(l);
    free(dir);
    json_object_put(model);
    ec_tmpl_free(t);
    ec_buf_release(&rendered);
    return rc;
}
