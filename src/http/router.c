#include "http/router.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

static const struct {
    const char *name;
    unsigned bit;
} methods[] = {
    {"GET", EC_GET},         {"HEAD", EC_HEAD},   {"POST", EC_POST},
    {"PUT", EC_PUT},         {"PATCH", EC_PATCH}, {"DELETE", EC_DELETE},
    {"OPTIONS", EC_OPTIONS},
};

unsigned
ec_method_parse(const char *method)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
        if (strcmp(method, methods[i].name) == 0)
            return methods[i].bit;
    return 0;
}

const char *
ec_methods_string(struct ec_arena *a, unsigned set)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *s;

    for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++) {
        if (!(set & methods[i].bit))
            continue;
        if (b.len)
            ec_buf_adds(&b, ", ");
        ec_buf_adds(&b, methods[i].name);
    }
    s = ec_arena_strndup(a, b.data, b.len);
    ec_buf_release(&b);
    return s;
}

/* Length of the segment starting at s (up to '/' or the end). */
static size_t
seglen(const char *s)
{
    return strcspn(s, "/");
}

/*
 * Match path against pattern segment by segment. On success the {name}
 * captures are appended to args (only when args is non-NULL). A trailing
 * slash on the path is ignored so "/shop/" finds "/shop".
 */
static int
pattern_match(const char *pattern, const char *path, struct ec_arena *a,
              struct ec_kvlist *args)
{
    const char *p = pattern, *s = path;
    size_t pn, sn;

    for (;;) {
        if (*p == '/')
            p++;
        if (*s == '/')
            s++;
        if (*p == '\0')
            return *s == '\0';
        if (*s == '\0')
            return 0;
        pn = seglen(p);
        sn = seglen(s);
        if (p[0] == '{' && p[pn - 1] == '}') {
            if (args)
                ec_kvlist_add(args, a, ec_arena_strndup(a, p + 1, pn - 2),
                              ec_arena_strndup(a, s, sn));
        } else if (pn != sn || memcmp(p, s, pn) != 0) {
            return 0;
        }
        p += pn;
        s += sn;
    }
}

int
ec_router_match(const struct ec_route *table, size_t n, const char *method,
                const char *path, struct ec_arena *a,
                const struct ec_route **route, struct ec_kvlist *args,
                unsigned *allowed)
{
    unsigned m = ec_method_parse(method), accepts;

    *allowed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!pattern_match(table[i].pattern, path, a, NULL))
            continue;
        accepts = table[i].methods;
        if (accepts & EC_GET)
            accepts |= EC_HEAD;
        if (m & accepts) {
            pattern_match(table[i].pattern, path, a, args);
            *route = &table[i];
            return 0;
        }
        *allowed |= accepts;
    }
    return *allowed ? EC_ERR_METHOD : EC_ERR_NOT_FOUND;
}
