#include "core/check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"

void
ec_check_init(struct ec_check *ck, struct ec_arena *a,
              struct ec_check_error *err)
{
    memset(ck, 0, sizeof(*ck));
    ck->arena = a;
    ck->err = err;
    err->path[0] = err->message[0] = '\0';
    ec_check_pathf(ck, "$");
}

/* ---- paths and messages ---- */

void
ec_check_pathf(struct ec_check *ck, const char *fmt, ...)
{
    size_t room = sizeof(ck->path) - ck->len;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(ck->path + ck->len, room, fmt, ap);
    va_end(ap);
    /* a path too long to hold is cut short, never overflowed */
    if (n > 0)
        ck->len += (size_t)n < room ? (size_t)n : room - 1;
}

static int
plain_key(const char *key)
{
    if (!*key)
        return 0;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

size_t
ec_check_key(struct ec_check *ck, const char *key)
{
    size_t old = ck->len;

    if (plain_key(key)) {
        ec_check_pathf(ck, ".%s", key);
        return old;
    }
    /* JSONPath's bracket form, for keys a dot cannot carry */
    ec_check_pathf(ck, "['");
    for (const char *p = key; *p; p++) {
        if (*p == '\'' || *p == '\\')
            ec_check_pathf(ck, "\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            ec_check_pathf(ck, "\\u%04x", (unsigned char)*p);
        else
            ec_check_pathf(ck, "%c", *p);
    }
    ec_check_pathf(ck, "']");
    return old;
}

size_t
ec_check_index(struct ec_check *ck, size_t i)
{
    size_t old = ck->len;

    ec_check_pathf(ck, "[%zu]", i);
    return old;
}

void
ec_check_pop(struct ec_check *ck, size_t old)
{
    ck->len = old;
    ck->path[old] = '\0';
}

int
ec_check_fail(struct ec_check *ck, const char *fmt, ...)
{
    va_list ap;

    snprintf(ck->err->path, sizeof(ck->err->path), "%s", ck->path);
    va_start(ap, fmt);
    vsnprintf(ck->err->message, sizeof(ck->err->message), fmt, ap);
    va_end(ap);
    return EC_ERR_INVALID_FIELD;
}

const char *
ec_check_got(struct json_object *v, char *buf, size_t size)
{
    const char *s;
    size_t len;

    switch (json_object_get_type(v)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return json_object_get_boolean(v) ? "true" : "false";
    case json_type_array:
        return "an array";
    case json_type_object:
        return "an object";
    case json_type_int:
    case json_type_double:
        snprintf(buf, size, "%s", json_object_to_json_string(v));
        return buf;
    case json_type_string:
        s = json_object_get_string(v);
        len = (size_t)json_object_get_string_len(v);
        /* quote short, plain strings; a long one would drown the message */
        if (len > 24 || strlen(s) != len || strpbrk(s, "\"\\"))
            return "a string";
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] < 0x20)
                return "a string";
        snprintf(buf, size, "\"%s\"", s);
        return buf;
    }
    return "something else";
}

static void
join(char *buf, size_t size, const char *const *names, const char *last_sep)
{
    size_t len = 0, n = 0;

    while (names[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? last_sep : ", ";
        int w = snprintf(buf + len, size - len, "%s%s", sep, names[i]);
        if (w < 0 || (size_t)w >= size - len)
            return;
        len += (size_t)w;
    }
}

void
ec_check_join_or(char *buf, size_t size, const char *const *names)
{
    join(buf, size, names, " or ");
}

void
ec_check_join_and(char *buf, size_t size, const char *const *names)
{
    join(buf, size, names, ", ");
}

/* ---- text ---- */

long
ec_check_utf8_chars(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    long n = 0;

    while (p < end) {
        unsigned c = *p, cp, need;

        if (c < 0x80) {
            p++;
            n++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07;
        else
            return -1;
        if ((size_t)(end - p) <= need)
            return -1;
        for (unsigned i = 1; i <= need; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return -1;
        p += need + 1;
        n++;
    }
    return n;
}

int
ec_check_in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return (int)i;
    return -1;
}

/* ---- members ---- */

int
ec_check_keys(struct ec_check *ck, struct json_object *o,
              const char *const *allowed)
{
    char list[256];

    json_object_object_foreach(o, key, val)
    {
        (void)val;
        if (ec_check_in_list(key, allowed) < 0) {
            ec_check_join_and(list, sizeof(list), allowed);
            ec_check_key(ck, key);
            return ec_check_fail(ck, "unknown field; allowed here: %s", list);
        }
    }
    return 0;
}

int
ec_check_member(struct ec_check *ck, struct json_object *o, const char *key,
                int required, const char *what, struct json_object **v)
{
    size_t old;
    int rc;

    *v = NULL;
    if (json_object_object_get_ex(o, key, v))
        return 1;
    if (!required)
        return 0;
    old = ec_check_key(ck, key);
    rc = ec_check_fail(ck, "required: %s", what);
    ec_check_pop(ck, old);
    return rc;
}

int
ec_check_string(struct ec_check *ck, struct json_object *v, size_t min,
                size_t max, const char *what, const char **out)
{
    char buf[64];
    size_t len;
    long n;

    if (!json_object_is_type(v, json_type_string))
        return ec_check_fail(ck, "must be %s (got %s)", what,
                             ec_check_got(v, buf, sizeof(buf)));
    len = (size_t)json_object_get_string_len(v);
    if (strlen(json_object_get_string(v)) != len)
        return ec_check_fail(ck, "must be %s without NUL characters", what);
    n = ec_check_utf8_chars(json_object_get_string(v), len);
    if (n < 0)
        return ec_check_fail(ck, "must be %s in valid UTF-8", what);
    if ((size_t)n < min || (size_t)n > max)
        return ec_check_fail(ck, "must be %s (got %ld characters)", what, n);
    *out = ec_arena_strndup(ck->arena, json_object_get_string(v), len);
    return 0;
}

int
ec_check_enum(struct ec_check *ck, struct json_object *v,
              const char *const *names, int *index)
{
    char list[128], buf[64];
    int i;

    ec_check_join_or(list, sizeof(list), names);
    if (!json_object_is_type(v, json_type_string) ||
        (i = ec_check_in_list(json_object_get_string(v), names)) < 0)
        return ec_check_fail(ck, "must be %s (got %s)", list,
                             ec_check_got(v, buf, sizeof(buf)));
    *index = i;
    return 0;
}

int
ec_check_int(struct ec_check *ck, struct json_object *v, long long min,
             long long max, const char *what, long long *out)
{
    char buf[64];
    long long n;

    /* 1.0 is a double to json-c: a price is written as a whole number */
    if (!json_object_is_type(v, json_type_int))
        return ec_check_fail(ck, "must be %s (got %s)", what,
                             ec_check_got(v, buf, sizeof(buf)));
    n = json_object_get_int64(v);
    if (n < min || n > max)
        return ec_check_fail(ck, "must be %s (got %s)", what,
                             ec_check_got(v, buf, sizeof(buf)));
    *out = n;
    return 0;
}

int
ec_check_object(struct ec_check *ck, struct json_object *v, const char *what)
{
    char buf[64];

    if (!json_object_is_type(v, json_type_object))
        return ec_check_fail(ck, "must be %s (got %s)", what,
                             ec_check_got(v, buf, sizeof(buf)));
    return 0;
}

int
ec_check_typed(struct ec_check *ck, struct json_object *o, const char *key,
               int required, int type, const char *what, struct json_object **v)
{
    char buf[64];
    size_t old;
    int rc = ec_check_member(ck, o, key, required, what, v);

    if (rc <= 0)
        return rc;
    if (!json_object_is_type(*v, (enum json_type)type)) {
        old = ec_check_key(ck, key);
        rc = ec_check_fail(ck, "must be %s (got %s)", what,
                           ec_check_got(*v, buf, sizeof(buf)));
        ec_check_pop(ck, old);
        return rc;
    }
    return 1;
}

/* ---- fields declared as a table ---- */

/* The value v of field f (present; NULL for a JSON null) into field. */
static int
check_value(struct ec_check *ck, const struct ec_check_field *f,
            struct json_object *v, void *field)
{
    char buf[64];
    long long n;
    int i, rc;

    switch (f->type) {
    case EC_CHECK_STRING:
        return ec_check_string(ck, v, (size_t)f->min, (size_t)f->max, f->what,
                               (const char **)field);
    case EC_CHECK_ENUM:
        if ((rc = ec_check_enum(ck, v, f->names, &i)) < 0)
            return rc;
        memcpy(field, &i, sizeof(i));
        return 0;
    case EC_CHECK_INT:
    case EC_CHECK_INT64:
        if (!v && (f->flags & EC_CHECK_NULLABLE))
            n = -1;
        else if ((rc = ec_check_int(ck, v, f->min, f->max, f->what, &n)) < 0)
            return rc;
        if (f->type == EC_CHECK_INT64) {
            int64_t w = n;

            memcpy(field, &w, sizeof(w));
        } else {
            /* a table keeps an int's bounds within an int */
            i = (int)n;
            memcpy(field, &i, sizeof(i));
        }
        return 0;
    case EC_CHECK_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return ec_check_fail(ck, "must be true or false (got %s)",
                                 ec_check_got(v, buf, sizeof(buf)));
        i = json_object_get_boolean(v);
        memcpy(field, &i, sizeof(i));
        return 0;
    case EC_CHECK_CUSTOM:
        break;
    }
    return EC_ERR_INTERNAL;
}

int
ec_check_fields(struct ec_check *ck, struct json_object *o,
                const struct ec_check_field *fields, size_t n, void *base,
                void *ctx)
{
    for (size_t k = 0; k < n; k++) {
        const struct ec_check_field *f = &fields[k];
        void *field = (char *)base + f->offset;
        const char *what = f->what;
        struct json_object *v;
        char list[128];
        size_t old;
        int rc;

        if (f->type == EC_CHECK_CUSTOM) {
            if ((rc = f->fn(ck, o, f, field, ctx)) < 0)
                return rc;
            continue;
        }
        if (f->type == EC_CHECK_ENUM) {
            ec_check_join_or(list, sizeof(list), f->names);
            what = list;
        } else if (f->type == EC_CHECK_BOOL) {
            what = "true or false";
        }
        rc = ec_check_member(ck, o, f->key, (f->flags & EC_CHECK_REQUIRED) != 0,
                             what, &v);
        if (rc < 0)
            return rc;
        if (rc == 0)
            continue;
        old = ec_check_key(ck, f->key);
        if ((rc = check_value(ck, f, v, field)) < 0)
            return rc;
        ec_check_pop(ck, old);
    }
    return 0;
}
