#include "http/parse.h"

#include <ctype.h>
#include <string.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/err.h"

void
ec_kvlist_add(struct ec_kvlist *l, struct ec_arena *a, const char *name,
              const char *value)
{
    struct ec_kv *items;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        items = ec_arena_alloc(a, l->cap * sizeof(*items));
        if (l->n)
            memcpy(items, l->items, l->n * sizeof(*items));
        l->items = items;
    }
    l->items[l->n].name = name;
    l->items[l->n].value = value;
    l->n++;
}

const char *
ec_kvlist_get(const struct ec_kvlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return l->items[i].value;
    return NULL;
}

char *
ec_percent_decode(struct ec_arena *a, const char *s, size_t len,
                  int plus_is_space)
{
    char *out = ec_arena_alloc(a, len + 1), *o = out;
    int hi, lo;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            if (i + 2 >= len)
                return NULL;
            hi = ec_hex_digit((unsigned char)s[i + 1]);
            lo = ec_hex_digit((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            *o++ = ' ';
        } else if (s[i] == '\0') {
            return NULL;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

int
ec_parse_urlencoded(struct ec_arena *a, const char *s, size_t len,
                    struct ec_kvlist *out)
{
    const char *end = s + len, *amp, *eq;
    char *name, *value;
    size_t count = 0;

    while (s < end) {
        amp = memchr(s, '&', (size_t)(end - s));
        if (!amp)
            amp = end;
        if (amp > s) {
            if (++count > EC_FORM_MAX_FIELDS)
                return EC_ERR_TOO_LARGE;
            eq = memchr(s, '=', (size_t)(amp - s));
            name = ec_percent_decode(a, s, (size_t)((eq ? eq : amp) - s), 1);
            value = eq ? ec_percent_decode(a, eq + 1, (size_t)(amp - eq - 1), 1)
                       : ec_arena_strdup(a, "");
            if (!name || !value)
                return EC_ERR_BAD_REQUEST;
            ec_kvlist_add(out, a, name, value);
        }
        s = amp + 1;
    }
    return 0;
}

static const char *
trim(const char **s, const char *end)
{
    while (*s < end && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (end > *s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return end;
}

int
ec_parse_cookies(struct ec_arena *a, const char *header, struct ec_kvlist *out)
{
    const char *s = header, *end = header + strlen(header), *semi, *eq;
    const char *ns, *ne, *vs, *ve;
    size_t count = 0;

    while (s < end) {
        semi = memchr(s, ';', (size_t)(end - s));
        if (!semi)
            semi = end;
        eq = memchr(s, '=', (size_t)(semi - s));
        if (eq) {
            ns = s;
            ne = trim(&ns, eq);
            vs = eq + 1;
            ve = trim(&vs, semi);
            if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
                vs++;
                ve--;
            }
            if (ne > ns) {
                if (++count > EC_COOKIE_MAX)
                    return EC_ERR_BAD_REQUEST;
                ec_kvlist_add(out, a,
                              ec_arena_strndup(a, ns, (size_t)(ne - ns)),
                              ec_arena_strndup(a, vs, (size_t)(ve - vs)));
            }
        }
        s = semi + 1;
    }
    return 0;
}

/* 1 if the segment s[0..n) is exactly "..". */
static int
is_dotdot(const char *s, size_t n)
{
    return n == 2 && s[0] == '.' && s[1] == '.';
}

int
ec_normalize_path(struct ec_arena *a, const char *raw, size_t len,
                  const char **out)
{
    const char *decoded, *seg, *end, *slash;
    char *buf, *o;
    size_t n;

    if (len == 0 || raw[0] != '/')
        return EC_ERR_BAD_REQUEST;
    decoded = ec_percent_decode(a, raw, len, 0);
    if (!decoded)
        return EC_ERR_BAD_REQUEST;

    end = decoded + strlen(decoded);
    o = buf = ec_arena_alloc(a, (size_t)(end - decoded) + 2);
    for (seg = decoded; seg < end; seg = slash + 1) {
        slash = memchr(seg, '/', (size_t)(end - seg));
        if (!slash)
            slash = end;
        n = (size_t)(slash - seg);
        if (is_dotdot(seg, n))
            return EC_ERR_BAD_REQUEST;
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        *o++ = '/';
        memcpy(o, seg, n);
        o += n;
    }
    /* keep a trailing slash ("/shop/"), and the root itself */
    if (o == buf || end[-1] == '/' ||
        (end - decoded >= 2 && end[-1] == '.' && end[-2] == '/'))
        *o++ = '/';
    *o = '\0';
    *out = buf;
    return 0;
}

static int
valid_host_char(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_';
}

int
ec_normalize_host(struct ec_arena *a, const char *raw, const char **out)
{
    const char *end;
    char *host;
    size_t n, i;

    if (!raw || !*raw)
        return EC_ERR_BAD_REQUEST;
    if (raw[0] == '[') {
        end = strchr(raw, ']');
        if (!end || (end[1] != '\0' && end[1] != ':'))
            return EC_ERR_BAD_REQUEST;
        n = (size_t)(end - raw) + 1;
        for (i = 1; i < n - 1; i++)
            if (!isxdigit((unsigned char)raw[i]) && raw[i] != ':' &&
                raw[i] != '.')
                return EC_ERR_BAD_REQUEST;
    } else {
        end = strchr(raw, ':');
        n = end ? (size_t)(end - raw) : strlen(raw);
        if (end) {
            for (const char *p = end + 1; *p; p++)
                if (!isdigit((unsigned char)*p))
                    return EC_ERR_BAD_REQUEST;
        }
        for (i = 0; i < n; i++)
            if (!valid_host_char((unsigned char)raw[i]))
                return EC_ERR_BAD_REQUEST;
        if (n && raw[n - 1] == '.')
            n--;
    }
    if (n == 0 || n > 253)
        return EC_ERR_BAD_REQUEST;
    host = ec_arena_strndup(a, raw, n);
    for (i = 0; i < n; i++)
        host[i] = (char)tolower((unsigned char)host[i]);
    *out = host;
    return 0;
}
