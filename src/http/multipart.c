#include "http/multipart.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/err.h"

/* RFC 2046's bchars, less the space (which may not end a boundary and
   which no browser uses). */
static int
is_bchar(unsigned char c)
{
    return isalnum(c) || strchr("'()+_,-./:=?", c) != NULL;
}

/* RFC 7230 tchar: a header's or a parameter's name. */
static int
is_tchar(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

int
ec_multipart_boundary(struct ec_arena *a, const char *ct, const char **out)
{
    const char *p = ct ? strchr(ct, ';') : NULL;

    while (p && *p) {
        size_t n;

        p += strspn(p, "; \t");
        if (strncasecmp(p, "boundary=", 9) != 0) {
            p = strchr(p, ';');
            continue;
        }
        p += 9;
        if (*p == '"') {
            const char *end = strchr(++p, '"');

            if (!end)
                return EC_ERR_BAD_REQUEST;
            n = (size_t)(end - p);
        } else {
            n = strcspn(p, "; \t");
        }
        if (n == 0 || n > EC_MULTIPART_BOUNDARY_MAX)
            return EC_ERR_BAD_REQUEST;
        for (size_t i = 0; i < n; i++)
            if (!is_bchar((unsigned char)p[i]))
                return EC_ERR_BAD_REQUEST;
        *out = ec_arena_strndup(a, p, n);
        return 0;
    }
    return EC_ERR_BAD_REQUEST;
}

/* s[0..n) case-insensitively equal to the NUL-terminated lit */
static int
span_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/*
 * The parameters of a Content-Disposition value in [p, end): "form-data"
 * then "; name=value" pairs, values quoted (a backslash escapes the next
 * character) or tokens. Sets part->name and part->filename. 0 or
 * EC_ERR_BAD_REQUEST.
 */
static int
disposition(struct ec_arena *a, const char *p, const char *end,
            struct ec_multipart_part *part)
{
    size_t n = 0;

    while (p + n < end && is_tchar((unsigned char)p[n]))
        n++;
    if (!span_is(p, n, "form-data"))
        return EC_ERR_BAD_REQUEST;
    p += n;
    for (;;) {
        const char *pname;
        size_t plen;
        char *v;
        size_t vlen = 0;

        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end)
            break;
        if (*p++ != ';')
            return EC_ERR_BAD_REQUEST;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        for (pname = p; p < end && is_tchar((unsigned char)*p); p++)
            ;
        plen = (size_t)(p - pname);
        if (plen == 0 || p == end || *p++ != '=')
            return EC_ERR_BAD_REQUEST;
        v = ec_arena_alloc(a, (size_t)(end - p) + 1);
        if (p < end && *p == '"') {
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end)
                    p++;
                v[vlen++] = *p;
            }
            if (p == end)
                return EC_ERR_BAD_REQUEST; /* unterminated */
            p++;
        } else {
            while (p < end && is_tchar((unsigned char)*p))
                v[vlen++] = *p++;
        }
        v[vlen] = '\0';
        if (memchr(v, '\0', vlen))
            return EC_ERR_BAD_REQUEST;
        if (span_is(pname, plen, "name")) {
            if (part->name || vlen == 0)
                return EC_ERR_BAD_REQUEST;
            part->name = v;
        } else if (span_is(pname, plen, "filename")) {
            if (part->filename)
                return EC_ERR_BAD_REQUEST;
            part->filename = v;
        }
        /* others (filename*) are ignored, as RFC 7578 4.2 allows */
    }
    return part->name ? 0 : EC_ERR_BAD_REQUEST;
}

/* The header lines in [p, end), each "Name: value" ended by CRLF but the
   last. 0 or EC_ERR_BAD_REQUEST. */
static int
headers(struct ec_arena *a, const char *p, const char *end,
        struct ec_multipart_part *part)
{
    int seen_disposition = 0;

    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        const char *colon, *v;
        size_t n;

        if (!eol)
            eol = end;
        colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p)
            return EC_ERR_BAD_REQUEST;
        for (const char *q = p; q < colon; q++)
            if (!is_tchar((unsigned char)*q))
                return EC_ERR_BAD_REQUEST; /* folded or malformed */
        for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
            ;
        n = (size_t)(colon - p);
        if (span_is(p, n, "content-disposition")) {
            if (seen_disposition++ || disposition(a, v, eol, part) < 0)
                return EC_ERR_BAD_REQUEST;
        } else if (span_is(p, n, "content-type")) {
            char *t = ec_arena_strndup(a, v, (size_t)(eol - v));

            for (char *q = t; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            part->content_type = t;
        }
        p = eol == end ? end : eol + 2;
    }
    return seen_disposition ? 0 : EC_ERR_BAD_REQUEST;
}

int
ec_multipart_parse(struct ec_arena *a, const char *boundary, const char *body,
                   size_t len, struct ec_multipart *out)
{
    size_t blen = strlen(boundary);
    /* "\r\n--" boundary: the delimiter; the first may lack the CRLF */
    char *delim = ec_arena_printf(a, "\r\n--%s", boundary);
    size_t dlen = blen + 4;
    const char *end = body + len, *p;

    out->parts = NULL;
    out->n = 0;
    if (blen == 0 || blen > EC_MULTIPART_BOUNDARY_MAX)
        return EC_ERR_BAD_REQUEST;
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        p = body + dlen - 2;
    } else {
        p = memmem(body, len, delim, dlen);
        if (!p)
            return EC_ERR_BAD_REQUEST;
        p += dlen;
    }
    out->parts =
        ec_arena_calloc(a, EC_MULTIPART_MAX_PARTS, sizeof(*out->parts));
    for (;;) {
        struct ec_multipart_part *part;
        const char *hend, *data, *next;
        size_t room;

        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0; /* the close delimiter; the epilogue is ignored */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++; /* transport padding */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return EC_ERR_BAD_REQUEST;
        if (out->n == EC_MULTIPART_MAX_PARTS)
            return EC_ERR_TOO_LARGE;
        part = &out->parts[out->n];
        /* the headers end at an empty line, within the limit */
        room = (size_t)(end - p);
        if (room > EC_MULTIPART_HEADERS_MAX + 4)
            room = EC_MULTIPART_HEADERS_MAX + 4;
        hend = memmem(p, room, "\r\n\r\n", 4);
        if (!hend || headers(a, p + 2, hend, part) < 0)
            return EC_ERR_BAD_REQUEST;
        data = hend + 4;
        next = memmem(data, (size_t)(end - data), delim, dlen);
        if (!next)
            return EC_ERR_BAD_REQUEST; /* not closed */
        part->data = data;
        part->len = (size_t)(next - data);
        out->n++;
        p = next + dlen;
    }
}

const struct ec_multipart_part *
ec_multipart_get(const struct ec_multipart *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->parts[i].name, name) == 0)
            return &m->parts[i];
    return NULL;
}
