#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define EC_CONF_MAX_FILE (1024 * 1024)
#define EC_CONF_MAX_LINE 4096

struct conf_ctx {
    const char *name;
    unsigned line;
    char *err;
    size_t errsize;
};

static int conf_error(struct conf_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
conf_error(struct conf_ctx *c, const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(c->err, c->errsize, "%s:%u: ", c->name, c->line);
    if (n < 0 || (size_t)n >= c->errsize)
        return -1;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errsize - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct ec_conf_directive *
find_directive(const struct ec_conf_directive *table, const char *key)
{
    for (; table->name; table++)
        if (strcmp(table->name, key) == 0)
            return table;
    return NULL;
}

/* Parse an unsigned decimal number with an optional unit suffix. */
static int
parse_number(const char *s, unsigned long long *num, const char **suffix)
{
    char *end;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    *num = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    *suffix = end;
    return 0;
}

static int
scale(unsigned long long *v, unsigned long long by)
{
    if (*v > ULLONG_MAX / by)
        return -1;
    *v *= by;
    return 0;
}

static int
parse_size(const char *s, unsigned long long *out)
{
    const char *suf;

    if (parse_number(s, out, &suf) < 0)
        return -1;
    if (*suf == '\0')
        return 0;
    if (suf[1] != '\0')
        return -1;
    switch (tolower((unsigned char)*suf)) {
    case 'k':
        return scale(out, 1024ULL);
    case 'm':
        return scale(out, 1024ULL * 1024);
    case 'g':
        return scale(out, 1024ULL * 1024 * 1024);
    default:
        return -1;
    }
}

static int
parse_msec(const char *s, unsigned long long *out)
{
    const char *suf;

    if (parse_number(s, out, &suf) < 0)
        return -1;
    if (strcmp(suf, "ms") == 0)
        return 0;
    if (*suf == '\0' || strcmp(suf, "s") == 0)
        return scale(out, 1000ULL);
    if (strcmp(suf, "m") == 0)
        return scale(out, 60000ULL);
    if (strcmp(suf, "h") == 0)
        return scale(out, 3600000ULL);
    if (strcmp(suf, "d") == 0)
        return scale(out, 86400000ULL);
    return -1;
}

static int
parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"on", "yes", "true", "1"};
    static const char *const no[] = {"off", "no", "false", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static int
check_range(struct conf_ctx *c, const struct ec_conf_directive *d,
            unsigned long long v)
{
    if (d->min == 0 && d->max == 0)
        return 0;
    if ((long long)v < d->min || v > (unsigned long long)d->max ||
        v > LLONG_MAX)
        return conf_error(c, "%s: %llu is out of range (%lld to %lld)", d->name,
                          v, d->min, d->max);
    return 0;
}

static int
set_value(struct conf_ctx *c, const struct ec_conf_directive *d, void *target,
          const char *value)
{
    char *field = (char *)target + d->offset;
    unsigned long long v;
    char *end;
    int b;

    switch (d->type) {
    case EC_CONF_STR:
        free(*(char **)field);
        *(char **)field = ec_xstrdup(value);
        return 0;
    case EC_CONF_INT:
    case EC_CONF_SIZE:
        if (parse_size(value, &v) < 0 ||
            (d->type == EC_CONF_INT &&
             !isdigit((unsigned char)value[strlen(value) - 1])))
            return conf_error(c, "%s: '%s' is not a %s", d->name, value,
                              d->type == EC_CONF_INT ? "whole number"
                                                     : "size (e.g. 1m, 64k)");
        if (check_range(c, d, v) < 0)
            return -1;
        if (d->type == EC_CONF_INT)
            *(long *)field = (long)v;
        else
            *(size_t *)field = (size_t)v;
        return 0;
    case EC_CONF_MSEC:
        if (parse_msec(value, &v) < 0)
            return conf_error(c,
                              "%s: '%s' is not a duration (e.g. 500ms, 5s, "
                              "15m, 2d)",
                              d->name, value);
        if (check_range(c, d, v) < 0)
            return -1;
        *(long *)field = (long)v;
        return 0;
    case EC_CONF_BOOL:
        if (parse_bool(value, &b) < 0)
            return conf_error(c, "%s: '%s' is not on or off", d->name, value);
        *(int *)field = b;
        return 0;
    case EC_CONF_MODE:
        errno = 0;
        v = strtoull(value, &end, 8);
        if (*value != '0' || *end || errno || v > 07777)
            return conf_error(c, "%s: '%s' is not an octal mode such as 0660",
                              d->name, value);
        *(unsigned *)field = (unsigned)v;
        return 0;
    }
    return conf_error(c, "%s: unsupported directive type", d->name);
}

/* Split one line into key and value in place. 1 = directive, 0 = blank. */
static int
split_line(struct conf_ctx *c, char *line, char **key, char **value)
{
    char *p = line, *eq, *end;

    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0' || *p == '#')
        return 0;
    eq = strchr(p, '=');
    if (!eq)
        return conf_error(c, "expected 'key = value'");
    *key = p;
    for (end = eq; end > p && isspace((unsigned char)end[-1]); end--)
        ;
    *end = '\0';
    if (**key == '\0')
        return conf_error(c, "missing key before '='");
    for (p = *key; *p; p++)
        if (!islower((unsigned char)*p) && *p != '_' &&
            !isdigit((unsigned char)*p))
            return conf_error(c, "'%s' is not a valid key", *key);

    p = eq + 1;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '"') {
        *value = ++p;
        end = strchr(p, '"');
        if (!end)
            return conf_error(c, "unterminated quoted value");
        *end++ = '\0';
        while (isspace((unsigned char)*end))
            end++;
        if (*end && *end != '#')
            return conf_error(c, "unexpected text after quoted value");
        return 1;
    }
    *value = p;
    end = strchr(p, '#');
    if (!end)
        end = p + strlen(p);
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    *end = '\0';
    if (**value == '\0')
        return conf_error(c, "%s: missing value", *key);
    return 1;
}

int
ec_conf_parse_text(const char *name, const char *text, size_t len,
                   const struct ec_conf_directive *table, void *target,
                   char *err, size_t errsize)
{
    struct conf_ctx c = {name, 0, err, errsize};
    const struct ec_conf_directive *d;
    unsigned char seen[256] = {0};
    char line[EC_CONF_MAX_LINE];
    const char *p = text, *end = text + len, *nl;
    char *key = NULL, *value = NULL;
    size_t n, idx;
    int rc;

    while (p < end) {
        c.line++;
        nl = memchr(p, '\n', (size_t)(end - p));
        n = (size_t)((nl ? nl : end) - p);
        if (n >= sizeof(line))
            return conf_error(&c, "line is too long");
        memcpy(line, p, n);
        line[n] = '\0';
        if (memchr(line, '\0', n))
            return conf_error(&c, "line contains a NUL byte");
        p += n + (nl != NULL);

        rc = split_line(&c, line, &key, &value);
        if (rc <= 0) {
            if (rc < 0)
                return -1;
            continue;
        }
        d = find_directive(table, key);
        if (!d)
            return conf_error(&c, "unknown directive '%s'", key);
        idx = (size_t)(d - table);
        if (idx < sizeof(seen) && seen[idx]++)
            return conf_error(&c, "'%s' is set twice", key);
        if (set_value(&c, d, target, value) < 0)
            return -1;
    }
    return 0;
}

int
ec_conf_parse_file(const char *path, const struct ec_conf_directive *table,
                   void *target, char *err, size_t errsize)
{
    struct ec_buf b = EC_BUF_INIT;
    int rc;

    if (ec_buf_read_file(&b, path, EC_CONF_MAX_FILE) < 0) {
        if (errno == EFBIG)
            snprintf(err, errsize, "%s: file is larger than 1 MiB", path);
        else
            snprintf(err, errsize, "%s: cannot open: %s", path,
                     strerror(errno));
        ec_buf_release(&b);
        return -1;
    }
    rc = ec_conf_parse_text(path, b.data, b.len, table, target, err, errsize);
    ec_buf_release(&b);
    return rc;
}

void
ec_conf_free_strings(const struct ec_conf_directive *table, void *target)
{
    char **field;

    for (; table->name; table++) {
        if (table->type != EC_CONF_STR)
            continue;
        field = (char **)((char *)target + table->offset);
        free(*field);
        *field = NULL;
    }
}
