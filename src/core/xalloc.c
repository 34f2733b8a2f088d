#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ec_die(const char *fmt, ...)
{
    va_list ap;

    fputs("fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void
ec_bug_at(const char *file, int line, const char *msg)
{
    fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
    abort();
}

void *
ec_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        ec_die("out of memory allocating %zu bytes", n);
    return p;
}

void *
ec_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (!p)
        ec_die("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *
ec_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        ec_die("out of memory reallocating %zu bytes", n);
    return p;
}

char *
ec_xstrndup(const char *s, size_t n)
{
    char *p = ec_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
ec_xstrdup(const char *s)
{
    return ec_xstrndup(s, strlen(s));
}
