#include "core/sighead.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"

void
ec_sighead_hex(char hex[65], const void *key, size_t key_len, int64_t t,
               const void *body, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char mac[EC_SHA256_SIZE];
    struct ec_buf msg = EC_BUF_INIT;

    ec_buf_addf(&msg, "%" PRId64 ".", t);
    ec_buf_add(&msg, body, len);
    ec_hmac_sha256(key, key_len, msg.data, msg.len, mac);
    ec_buf_release(&msg);
    for (size_t i = 0; i < sizeof(mac); i++) {
        hex[2 * i] = digits[mac[i] >> 4];
        hex[2 * i + 1] = digits[mac[i] & 15];
    }
    hex[64] = '\0';
}

void
ec_sighead_sign(struct ec_buf *out, const void *key, size_t key_len, int64_t t,
                const void *body, size_t len)
{
    char hex[65];

    ec_sighead_hex(hex, key, key_len, t, body, len);
    ec_buf_addf(out, "t=%" PRId64 ",v1=%s", t, hex);
}

/* t as a whole number of at most 12 digits, or -1. */
static int64_t
parse_t(const char *s, size_t n)
{
    int64_t t = 0;

    if (n == 0 || n > 12)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        t = t * 10 + (s[i] - '0');
    }
    return t;
}

int
ec_sighead_verify(const char *header, const void *key, size_t key_len,
                  const void *body, size_t len, int64_t now, int64_t tolerance,
                  enum ec_sighead_why *why)
{
    enum ec_sighead_why w = EC_SIGHEAD_MALFORMED;
    const char *v1[8];
    size_t nv1 = 0, n;
    int64_t t = -1;
    char want[65];
    int match = 0;

    if (!header || strlen(header) > EC_SIGHEAD_MAX)
        goto out;
    for (const char *p = header; *p; p += n + (p[n] == ',')) {
        n = strcspn(p, ",");
        while (n && *p == ' ') {
            p++;
            n--;
        }
        if (n > 2 && strncmp(p, "t=", 2) == 0) {
            if (t >= 0) /* two timestamps: which one was signed? */
                goto out;
            t = parse_t(p + 2, n - 2);
            if (t < 0)
                goto out;
        } else if (n == 3 + 64 && strncmp(p, "v1=", 3) == 0 &&
                   nv1 < sizeof(v1) / sizeof(*v1)) {
            v1[nv1++] = p + 3;
        }
    }
    if (t < 0 || nv1 == 0)
        goto out;
    if (t > now + tolerance || t < now - tolerance) {
        w = EC_SIGHEAD_STALE;
        goto out;
    }
    ec_sighead_hex(want, key, key_len, t, body, len);
    /* compare with every candidate, so the time does not say which one */
    for (size_t i = 0; i < nv1; i++)
        match |= ec_mem_equal(v1[i], want, 64);
    w = match ? EC_SIGHEAD_OK : EC_SIGHEAD_MISMATCH;
out:
    if (why)
        *why = w;
    return w == EC_SIGHEAD_OK ? 0 : EC_ERR_FORBIDDEN;
}

const char *
ec_sighead_why_str(enum ec_sighead_why why)
{
    switch (why) {
    case EC_SIGHEAD_OK:
        return "ok";
    case EC_SIGHEAD_MALFORMED:
        return "malformed";
    case EC_SIGHEAD_STALE:
        return "stale";
    case EC_SIGHEAD_MISMATCH:
        return "mismatch";
    }
    return "malformed";
}
