#include "http/csrf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/rand.h"
#include "http/request.h"

void
ec_csrf_sign(const unsigned char *key, size_t key_len, const char *host,
             const char *session_id, char token[EC_CSRF_TOKEN_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EC_SHA256_SIZE];
    char msg[512];
    int n;

    /* the host binds a token to one shop: another brand's page cannot
       lend its tokens */
    n = snprintf(msg, sizeof(msg), "csrf\n%s\n%s", host ? host : "",
                 session_id ? session_id : "");
    if (n < 0 || (size_t)n >= sizeof(msg))
        n = (int)sizeof(msg) - 1;
    ec_hmac_sha256(key, key_len, msg, (size_t)n, md);
    for (size_t i = 0; i < (EC_CSRF_TOKEN_SIZE - 1) / 2; i++) {
        token[2 * i] = hex[md[i] >> 4];
        token[2 * i + 1] = hex[md[i] & 15];
    }
    token[EC_CSRF_TOKEN_SIZE - 1] = '\0';
}

/* The port after a host in s (up to end), or dflt when there is none; -1
   when it is not a port. */
static long
port_of(const char *s, const char *end, long dflt)
{
    long p = 0;

    if (s == end)
        return dflt;
    if (*s != ':' || end - s < 2 || end - s > 6)
        return -1;
    for (s++; s < end; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        p = p * 10 + (*s - '0');
    }
    return p >= 1 && p <= 65535 ? p : -1;
}

/* The end of the host part of s: past "]" for an IPv6 literal. */
static const char *
host_end(const char *s, const char *end)
{
    if (s < end && *s == '[') {
        const char *b = memchr(s, ']', (size_t)(end - s));
        return b ? b + 1 : end;
    }
    while (s < end && *s != ':')
        s++;
    return s;
}

int
ec_csrf_origin_ok(const char *origin, int https, const char *host,
                  const char *host_header)
{
    const char *scheme = https ? "https://" : "http://";
    long dflt = https ? 443 : 80, want, got;
    const char *o, *oend, *oh, *h, *hend, *hh;
    size_t n;

    if (!origin || !host || !*host)
        return 0;
    n = strlen(scheme);
    if (strncasecmp(origin, scheme, n) != 0)
        return 0;
    o = origin + n;
    oend = o + strlen(o);
    if (oend > o && oend[-1] == '/') /* "https://shop/" from some clients */
        oend--;
    oh = host_end(o, oend);
    if ((size_t)(oh - o) != strlen(host) ||
        strncasecmp(o, host, (size_t)(oh - o)) != 0)
        return 0;
    got = port_of(oh, oend, dflt);
    /* the port the client reached us on, as its Host header says */
    h = host_header ? host_header : host;
    hend = h + strlen(h);
    hh = host_end(h, hend);
    want = port_of(hh, hend, dflt);
    return got > 0 && got == want;
}

int
ec_csrf_check(const struct ec_request *req, const unsigned char *key,
              size_t key_len, const char *sent)
{
    const char *origin = ec_request_header(req, "origin");
    const char *site = ec_request_header(req, "sec-fetch-site");
    const char *host = ec_kvlist_get(&req->params, "REQUEST_HOST");
    char want[EC_CSRF_TOKEN_SIZE];

    if (site && strcasecmp(site, "cross-site") == 0)
        return EC_ERR_CSRF_FAILED;
    /* the Host header as sent (nginx's REQUEST_HOST parameter), whose
       port HTTP_HOST may have lost */
    if (!host || !*host)
        host = ec_request_header(req, "host");
    if (origin && *origin &&
        !ec_csrf_origin_ok(origin, req->https, req->host, host))
        return EC_ERR_CSRF_FAILED;
    if (!req->session_id || !ec_hex_valid(sent, EC_CSRF_TOKEN_SIZE - 1))
        return EC_ERR_CSRF_FAILED;
    ec_csrf_sign(key, key_len, req->host, req->session_id, want);
    return ec_mem_equal(want, sent, EC_CSRF_TOKEN_SIZE - 1)
               ? 0
               : EC_ERR_CSRF_FAILED;
}
