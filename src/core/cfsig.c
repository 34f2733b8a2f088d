#include "core/cfsig.h"

#include <string.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"

#define SIGNATURE "x-contentful-signature"
#define SIGNED_HEADERS "x-contentful-signed-headers"
#define TIMESTAMP "x-contentful-timestamp"
/* the longest header name we look up; longer ones are not Contentful's */
#define NAME_MAX_LEN 64

const char *
ec_cfsig_why_name(enum ec_cfsig_why why)
{
    switch (why) {
    case EC_CFSIG_OK:
        return "ok";
    case EC_CFSIG_MALFORMED:
        return "malformed";
    case EC_CFSIG_UNSIGNED_TIMESTAMP:
        return "timestamp not signed";
    case EC_CFSIG_STALE:
        return "stale timestamp";
    case EC_CFSIG_MISMATCH:
        return "signature mismatch";
    }
    return "?";
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* s[0..*n) without the blanks at its ends: the start, *n shortened. */
static const char *
trim(const char *s, size_t *n)
{
    while (*n > 0 && is_space(s[0]))
        s++, (*n)--;
    while (*n > 0 && is_space(s[*n - 1]))
        (*n)--;
    return s;
}

/* The i-th name of list into name (lower-cased, trimmed): 0, or -1. */
static int
name_at(const char *item, size_t n, char name[NAME_MAX_LEN + 1])
{
    item = trim(item, &n);
    if (n == 0 || n > NAME_MAX_LEN)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = item[i];

        name[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    name[n] = '\0';
    return 0;
}

static int
add_header(const struct ec_cfsig_request *r, const char *item, size_t n,
           int first, struct ec_buf *out)
{
    char name[NAME_MAX_LEN + 1];
    const char *v;
    size_t vn;

    if (name_at(item, n, name) < 0)
        return -1;
    v = r->header(r->ctx, name);
    if (!v || (vn = strlen(v)) > EC_CFSIG_VALUE_MAX)
        return -1;
    v = trim(v, &vn);
    if (!first)
        ec_buf_addch(out, ';');
    ec_buf_adds(out, name);
    ec_buf_addch(out, ':');
    ec_buf_add(out, v, vn);
    return 0;
}

int
ec_cfsig_canonical(const struct ec_cfsig_request *r, const char *signed_,
                   struct ec_buf *out)
{
    const char *p = signed_, *comma;
    int count = 0;

    ec_buf_adds(out, r->method);
    ec_buf_addch(out, '\n');
    ec_buf_adds(out, r->path);
    ec_buf_addch(out, '\n');
    for (;; p = comma + 1) {
        comma = strchr(p, ',');
        if (++count > EC_CFSIG_HEADERS_MAX ||
            add_header(r, p, comma ? (size_t)(comma - p) : strlen(p),
                       count == 1, out) < 0)
            return -1;
        if (!comma)
            break;
    }
    ec_buf_addch(out, '\n');
    ec_buf_add(out, r->body ? r->body : "", r->len);
    return 0;
}

int
ec_cfsig_sign(char hex[65], const struct ec_cfsig_request *r,
              const char *signed_, const void *key, size_t key_len)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char mac[EC_SHA256_SIZE];
    struct ec_buf msg = EC_BUF_INIT;

    if (ec_cfsig_canonical(r, signed_, &msg) < 0) {
        ec_buf_release(&msg);
        return -1;
    }
    ec_hmac_sha256(key, key_len, msg.data, msg.len, mac);
    ec_buf_release(&msg);
    for (size_t i = 0; i < sizeof(mac); i++) {
        hex[2 * i] = digits[mac[i] >> 4];
        hex[2 * i + 1] = digits[mac[i] & 15];
    }
    hex[64] = '\0';
    return 0;
}

int
ec_cfsig_signs(const char *signed_, const char *wanted)
{
    char name[NAME_MAX_LEN + 1];
    const char *p = signed_, *comma;

    for (;; p = comma + 1) {
        comma = strchr(p, ',');
        if (name_at(p, comma ? (size_t)(comma - p) : strlen(p), name) == 0 &&
            strcmp(name, wanted) == 0)
            return 1;
        if (!comma)
            return 0;
    }
}

/* Unix milliseconds of at most 15 digits, or -1. */
static int64_t
parse_ms(const char *s)
{
    size_t n = strlen(s);
    int64_t t = 0;

    s = trim(s, &n);
    if (n == 0 || n > 15)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        t = t * 10 + (s[i] - '0');
    }
    return t;
}

static int
fail(enum ec_cfsig_why *why, enum ec_cfsig_why w)
{
    if (why)
        *why = w;
    return EC_ERR_UNAUTHORIZED;
}

int
ec_cfsig_verify(const struct ec_cfsig_request *r, const void *key,
                size_t key_len, int64_t now_ms, enum ec_cfsig_why *why)
{
    const char *sig = r->header(r->ctx, SIGNATURE);
    const char *signed_ = r->header(r->ctx, SIGNED_HEADERS);
    const char *ts = r->header(r->ctx, TIMESTAMP);
    char hex[65], given[65];
    size_t n;
    int64_t t;

    if (!sig || !signed_ || !ts || strlen(signed_) > EC_CFSIG_VALUE_MAX)
        return fail(why, EC_CFSIG_MALFORMED);
    n = strlen(sig);
    sig = trim(sig, &n);
    if (n != 64)
        return fail(why, EC_CFSIG_MALFORMED);
    for (size_t i = 0; i < 64; i++) {
        char c = sig[i];

        given[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    }
    given[64] = '\0';
    if (!ec_cfsig_signs(signed_, TIMESTAMP))
        return fail(why, EC_CFSIG_UNSIGNED_TIMESTAMP);
    if ((t = parse_ms(ts)) < 0)
        return fail(why, EC_CFSIG_MALFORMED);
    if (t < now_ms - EC_CFSIG_TOLERANCE_MS ||
        t > now_ms + EC_CFSIG_TOLERANCE_MS)
        return fail(why, EC_CFSIG_STALE);
    if (ec_cfsig_sign(hex, r, signed_, key, key_len) < 0)
        return fail(why, EC_CFSIG_MALFORMED);
    if (!ec_mem_equal(hex, given, 64))
        return fail(why, EC_CFSIG_MISMATCH);
    if (why)
        *why = EC_CFSIG_OK;
    return 0;
}
