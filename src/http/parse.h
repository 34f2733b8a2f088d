/*
 * Pure parsers for the pieces of an HTTP request: percent-encoding,
 * urlencoded forms and query strings, cookies, the path and the host.
 * Everything they produce is allocated from the arena passed in; nothing
 * here does I/O, so each can be tested with plain strings.
 */
#ifndef EC_HTTP_PARSE_H
#define EC_HTTP_PARSE_H

#include <stddef.h>

struct ec_arena;

/* One name/value pair; both NUL-terminated, value may hold no NUL. */
struct ec_kv {
    const char *name;
    const char *value;
};

/* An ordered list of pairs; names may repeat (a=1&a=2). */
struct ec_kvlist {
    struct ec_kv *items;
    size_t n;
    size_t cap;
};

#define EC_FORM_MAX_FIELDS 256
#define EC_COOKIE_MAX 64

void ec_kvlist_add(struct ec_kvlist *l, struct ec_arena *a, const char *name,
                   const char *value);

/* The first value for name, or NULL. Case-sensitive. */
const char *ec_kvlist_get(const struct ec_kvlist *l, const char *name);

/*
 * Decode %XX escapes (and '+' as space when plus_is_space) of s[0..len)
 * into a new arena string. Returns it, or NULL if an escape is malformed
 * or decodes to a NUL byte.
 */
char *ec_percent_decode(struct ec_arena *a, const char *s, size_t len,
                        int plus_is_space);

/*
 * Parse "a=1&b=two+words" into out (appending). Returns 0, EC_ERR_BAD_REQUEST
 * for a malformed escape or NUL byte, or EC_ERR_TOO_LARGE beyond
 * EC_FORM_MAX_FIELDS pairs. Empty pieces ("a=1&&b") are skipped; a name
 * without '=' has the value "".
 */
int ec_parse_urlencoded(struct ec_arena *a, const char *s, size_t len,
                        struct ec_kvlist *out);

/*
 * Parse a Cookie header ("a=1; b=2") into out. Values keep their bytes
 * (cookies are not percent-decoded); surrounding double quotes are
 * removed. Pairs without '=' are ignored, as browsers do. Returns 0 or
 * EC_ERR_BAD_REQUEST beyond EC_COOKIE_MAX cookies.
 */
int ec_parse_cookies(struct ec_arena *a, const char *header,
                     struct ec_kvlist *out);

/*
 * Turn the path part of a request target into the path the router sees:
 * percent-decoded, "//" collapsed, "." segments dropped, a trailing '/'
 * kept. Returns 0 and *out, or EC_ERR_BAD_REQUEST when it does not start
 * with '/', holds a ".." segment (before or after decoding), a NUL byte or
 * a malformed escape.
 */
int ec_normalize_path(struct ec_arena *a, const char *raw, size_t len,
                      const char **out);

/*
 * Lowercase the Host header and strip its port and a trailing dot:
 * "Shop.Example.COM:8080" -> "shop.example.com", "[::1]:80" -> "[::1]".
 * Returns 0 and *out, or EC_ERR_BAD_REQUEST for an empty or invalid host.
 */
int ec_normalize_host(struct ec_arena *a, const char *raw, const char **out);

#endif
