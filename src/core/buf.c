#include "core/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

char ec_buf_empty[1];

void
ec_buf_init(struct ec_buf *b)
{
    b->data = ec_buf_empty;
    b->len = 0;
    b->cap = 0;
}

void
ec_buf_release(struct ec_buf *b)
{
    if (b->cap)
        free(b->data);
    ec_buf_init(b);
}

void
ec_buf_reset(struct ec_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = '\0';
}

void
ec_buf_grow(struct ec_buf *b, size_t extra)
{
    size_t need, cap;

    if (extra > SIZE_MAX - b->len - 1)
        ec_die("buffer size overflow");
    need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap < SIZE_MAX / 2 ? cap * 2 : need;
    if (b->cap) {
        b->data = ec_xrealloc(b->data, cap);
    } else {
        b->data = ec_xmalloc(cap);
        b->data[0] = '\0';
    }
    b->cap = cap;
}

void
ec_buf_add(struct ec_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return;
    ec_buf_grow(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
ec_buf_adds(struct ec_buf *b, const char *s)
{
    ec_buf_add(b, s, strlen(s));
}

void
ec_buf_addch(struct ec_buf *b, int c)
{
    ec_buf_grow(b, 1);
    b->data[b->len++] = (char)c;
    b->data[b->len] = '\0';
}

void
ec_buf_vaddf(struct ec_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    ec_buf_grow(b, 64);
    va_copy(cp, ap);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
    va_end(cp);
    if (n < 0)
        ec_die("vsnprintf failed");
    if ((size_t)n >= b->cap - b->len) {
        ec_buf_grow(b, (size_t)n);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
}

void
ec_buf_addf(struct ec_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ec_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void
ec_buf_add_html(struct ec_buf *b, const char *s, size_t len)
{
    size_t i, start = 0;
    const char *rep;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        ec_buf_add(b, s + start, i - start);
        ec_buf_adds(b, rep);
        start = i + 1;
    }
    ec_buf_add(b, s + start, len - start);
}

void
ec_buf_add_json_str(struct ec_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, start = 0;
    unsigned char c;

    for (i = 0; i < len; i++) {
        c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' &&
            c != '&')
            continue;
        ec_buf_add(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"':
            ec_buf_add(b, "\\\"", 2);
            break;
        case '\\':
            ec_buf_add(b, "\\\\", 2);
            break;
        case '\n':
            ec_buf_add(b, "\\n", 2);
            break;
        case '\r':
            ec_buf_add(b, "\\r", 2);
            break;
        case '\t':
            ec_buf_add(b, "\\t", 2);
            break;
        default:
            /* control characters, and <>& so JSON is safe inside HTML */
            ec_buf_add(b, "\\u00", 4);
            ec_buf_addch(b, hex[c >> 4]);
            ec_buf_addch(b, hex[c & 15]);
        }
    }
    ec_buf_add(b, s + start, len - start);
}

char *
ec_buf_detach(struct ec_buf *b, size_t *len)
{
    char *p;

    if (len)
        *len = b->len;
    p = b->cap ? b->data : ec_xstrdup("");
    ec_buf_init(b);
    return p;
}

int
ec_buf_read_file(struct ec_buf *b, const char *path, size_t max)
{
    char chunk[8192];
    size_t n, start = b->len;
    FILE *f = fopen(path, "rb");
    int failed;

    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b->len - start + n > max) {
            fclose(f);
            errno = EFBIG;
            return -1;
        }
        ec_buf_add(b, chunk, n);
    }
    failed = ferror(f);
    fclose(f);
    if (failed) {
        errno = EIO;
        return -1;
    }
    return 0;
}
