/*
 * Where a form may send the shopper back to: only a path of this site.
 * A "next" parameter is what an attacker would set to make a shop's own
 * link lead elsewhere (an open redirect), so everything that is not
 * plainly a same-site path is refused.
 */
#ifndef EC_HTTP_REDIRECT_H
#define EC_HTTP_REDIRECT_H

#define EC_REDIRECT_PATH_MAX 512

/*
 * next when it is a same-site path: one '/' first, not followed by '/' or
 * '\' (a browser reads "//host" and "/\host" as another host), no
 * backslash or control character anywhere (browsers drop tabs and line
 * breaks from URLs), at most EC_REDIRECT_PATH_MAX bytes; else dflt. next
 * may be NULL.
 */
const char *ec_redirect_path(const char *next, const char *dflt);

#endif
