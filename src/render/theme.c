#include "render/theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xalloc.h"
#include "render/messages.h"
#include "render/mustache.h"

#define EC_THEME_BUCKETS 128
#define EC_THEME_MAX_FILE (1024 * 1024)

struct theme_entry {
    struct theme_entry *next;
    char *slug; /* "" for the default theme */
    char *name;
    char *path; /* file it was compiled from, or NULL */
    struct timespec mtime;
    struct ec_tmpl *tmpl;  /* NULL: missing or failed to compile */
    unsigned long checked; /* render serial of the last freshness check */
    long long checked_ms;  /* and its time (monotonic clock) */
};

struct ec_themes {
    char *dir;
    long check_ms;        /* < 0: never */
    unsigned long serial; /* counts renders */
    long long now_ms;     /* when this render started (monotonic clock) */
    struct theme_entry *buckets[EC_THEME_BUCKETS];
};

struct ec_themes *
ec_themes_new(const char *dir, long check_ms)
{
    struct ec_themes *th = ec_xcalloc(1, sizeof(*th));

    th->dir = ec_xstrdup(dir);
    th->check_ms = check_ms;
    return th;
}

static void
entry_free(struct theme_entry *e)
{
    free(e->slug);
    free(e->name);
    free(e->path);
    ec_tmpl_free(e->tmpl);
    free(e);
}

void
ec_themes_free(struct ec_themes *th)
{
    struct theme_entry *e, *next;

    if (!th)
        return;
    for (size_t i = 0; i < EC_THEME_BUCKETS; i++)
        for (e = th->buckets[i]; e; e = next) {
            next = e->next;
            entry_free(e);
        }
    free(th->dir);
    free(th);
}

int
ec_theme_name_valid(const char *name, unsigned long len)
{
    unsigned long i, seg = 0;

    if (len == 0 || len > 100)
        return 0;
    for (i = 0; i < len; i++) {
        char c = name[i];
        if (c == '/') {
            if (seg == 0)
                return 0;
            seg = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return 0;
        seg++;
    }
    return seg > 0;
}

static unsigned
hash2(const char *a, const char *b, size_t blen)
{
    unsigned h = 2166136261u;

    for (; *a; a++)
        h = (h ^ (unsigned char)*a) * 16777619u;
    h = (h ^ '/') * 16777619u;
    for (size_t i = 0; i < blen; i++)
        h = (h ^ (unsigned char)b[i]) * 16777619u;
    return h % EC_THEME_BUCKETS;
}

/* The file for (slug, name): the tenant's override if present. */
static char *
find_file(struct ec_themes *th, const char *slug, const char *name, size_t nlen,
          struct stat *st)
{
    struct ec_buf p = EC_BUF_INIT;

    if (slug && *slug) {
        ec_buf_addf(&p, "%s/tenants/%s/%.*s.mustache", th->dir, slug, (int)nlen,
                    name);
        if (stat(p.data, st) == 0 && S_ISREG(st->st_mode))
            return ec_buf_detach(&p, NULL);
        ec_buf_reset(&p);
    }
    ec_buf_addf(&p, "%s/default/%.*s.mustache", th->dir, (int)nlen, name);
    if (stat(p.data, st) == 0 && S_ISREG(st->st_mode))
        return ec_buf_detach(&p, NULL);
    ec_buf_release(&p);
    return NULL;
}

static void
compile_entry(struct theme_entry *e, const struct stat *st)
{
    struct ec_buf src = EC_BUF_INIT;
    struct ec_tmpl_error err;

    ec_tmpl_free(e->tmpl);
    e->tmpl = NULL;
    e->mtime = st->st_mtim;
    if (ec_buf_read_file(&src, e->path, EC_THEME_MAX_FILE) < 0) {
        ec_log_error("template %s: cannot read: %s", e->path, strerror(errno));
    } else if (ec_tmpl_compile(e->path, src.data, src.len, &e->tmpl, &err) <
               0) {
        ec_log_error("template %s:%u:%u: %s", err.name, err.line, err.column,
                     err.message);
        e->tmpl = NULL;
    }
    ec_buf_release(&src);
}

static int
same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Look up or load (slug, name); reload a changed file when asked to. */
static struct theme_entry *
entry_get(struct ec_themes *th, const char *slug, const char *name, size_t nlen)
{
    unsigned h = hash2(slug, name, nlen);
    struct theme_entry *e;
    struct stat st;
    char *path;

    for (e = th->buckets[h]; e; e = e->next)
        if (strcmp(e->slug, slug) == 0 && strlen(e->name) == nlen &&
            memcmp(e->name, name, nlen) == 0)
            break;
    /*
     * With reload on, a file is checked at most once per render, before
     * its first use in that render: a template in use is never replaced
     * under the renderer's feet.
     */
    if (e && (th->check_ms < 0 || e->checked == th->serial ||
              th->now_ms - e->checked_ms < th->check_ms))
        return e;

    path = find_file(th, slug, name, nlen, &st);
    if (e) {
        int unchanged = path && e->path && strcmp(path, e->path) == 0 &&
                        same_time(&st.st_mtim, &e->mtime);
        if (unchanged || (!path && !e->path)) {
            e->checked = th->serial;
            e->checked_ms = th->now_ms;
            free(path);
            return e;
        }
    } else {
        e = ec_xcalloc(1, sizeof(*e));
        e->slug = ec_xstrdup(slug);
        e->name = ec_xstrndup(name, nlen);
        e->next = th->buckets[h];
        th->buckets[h] = e;
    }
    e->checked = th->serial;
    e->checked_ms = th->now_ms;
    free(e->path);
    e->path = path;
    if (path) {
        compile_entry(e, &st);
    } else {
        ec_tmpl_free(e->tmpl);
        e->tmpl = NULL;
    }
    return e;
}

struct loader_ctx {
    struct ec_themes *th;
    const char *slug;
    const struct ec_msgcat *texts; /* answers "t/<msgid>", or NULL */
};

static const struct ec_tmpl *
loader(void *ctx, const char *name, size_t len)
{
    struct loader_ctx *l = ctx;

    if (len > 2 && memcmp(name, "t/", 2) == 0)
        return l->texts ? ec_msgcat_tmpl(l->texts, name + 2, len - 2) : NULL;
    if (!ec_theme_name_valid(name, len))
        return NULL;
    return entry_get(l->th, l->slug, name, len)->tmpl;
}

int
ec_themes_render(struct ec_themes *th, const char *slug, const char *name,
                 struct json_object *model, struct ec_buf *out)
{
    return ec_themes_render_texts(th, slug, NULL, name, model, out);
}

int
ec_themes_render_texts(struct ec_themes *th, const char *slug,
                       const struct ec_msgcat *texts, const char *name,
                       struct json_object *model, struct ec_buf *out)
{
    struct loader_ctx l = {th, slug ? slug : "", texts};
    struct ec_tmpl_error err;
    struct theme_entry *e;
    long long t0;
    int rc;

    if (!ec_theme_name_valid(name, strlen(name)))
        EC_BUG("invalid template name");
    th->serial++;
    th->now_ms = ec_clock_ms();
    e = entry_get(th, l.slug, name, strlen(name));
    if (!e->path)
        return EC_ERR_NOT_FOUND;
    if (!e->tmpl)
        return EC_ERR_INTERNAL;
    t0 = ec_clock_us();
    rc = ec_tmpl_render(e->tmpl, model, loader, &l, out, &err);
    ec_metric_inc(EC_M_TEMPLATE_RENDERS);
    ec_metric_add(EC_M_TEMPLATE_RENDER_US, (uint64_t)(ec_clock_us() - t0));
    if (rc < 0) {
        ec_log_error("template %s:%u:%u: %s", err.name, err.line, err.column,
                     err.message);
        return EC_ERR_INTERNAL;
    }
    return 0;
}

int
ec_themes_locate(struct ec_themes *th, const char *slug, const char *name,
                 char **path)
{
    struct stat st;

    if (!ec_theme_name_valid(name, strlen(name)))
        return EC_ERR_NOT_FOUND;
    *path = find_file(th, slug, name, strlen(name), &st);
    return *path ? 0 : EC_ERR_NOT_FOUND;
}
