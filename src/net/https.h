/*
 * Outbound HTTPS over libcurl, for the calls a request must wait for (the
 * OIDC code exchange, a broker's discovery document and key set): one
 * GET or one form POST, answered with the status and the body.
 *
 * Every call has a connect timeout and a total timeout, reads at most
 * max_body bytes of an answer (a larger one is abandoned, not truncated),
 * speaks HTTPS only (TLS 1.2 or later, the peer's certificate and name
 * verified against the system's CAs or ca_file), and follows no
 * redirect: a broker's endpoints are configured, not discovered by
 * wandering. Signals are never used for timeouts (CURLOPT_NOSIGNAL), so
 * a worker's own signal handling is undisturbed.
 *
 * Nothing here logs: the caller logs the status or resp->error (libcurl's
 * text, which names the host but never a form field or a header), and
 * never the body, which may hold tokens or personal data.
 *
 * Call ec_https_global_init() once at start-up, before any other thread or
 * any fork, as libcurl requires.
 */
#ifndef EC_NET_HTTPS_H
#define EC_NET_HTTPS_H

#include <stddef.h>

#include "core/buf.h"

#define EC_HTTPS_CONNECT_TIMEOUT_MS 3000
#define EC_HTTPS_TIMEOUT_MS 10000
#define EC_HTTPS_MAX_BODY (256 * 1024)

/*
 * Connections (and TLS sessions) kept between calls, for a process that
 * calls the same hosts again and again (the delivery process): without
 * one, every call opens a TCP connection and does a whole TLS handshake,
 * which costs both sides far more than the request. One process, one
 * thread: a pool is never shared across threads.
 */
struct ec_https_pool;

/* A new, empty pool (dies when libcurl cannot make one). */
struct ec_https_pool *ec_https_pool_new(void);

/* Close the pool's connections and free it (NULL: nothing). */
void ec_https_pool_free(struct ec_https_pool *p);

struct ec_https_opts {
    const char *ca_file;        /* trusted CAs (PEM); NULL: the system's */
    long connect_timeout_ms;    /* 0: EC_HTTPS_CONNECT_TIMEOUT_MS */
    long timeout_ms;            /* the whole call; 0: EC_HTTPS_TIMEOUT_MS */
    size_t max_body;            /* 0: EC_HTTPS_MAX_BODY */
    struct ec_https_pool *pool; /* NULL: a connection of its own a call */
};

struct ec_https_resp {
    long status;        /* the HTTP status, 0 when there was no answer */
    struct ec_buf body; /* the answer's body, NUL-terminated */
    char error[256];    /* why the call failed, for the log */
};

void ec_https_global_init(void);
void ec_https_global_cleanup(void);

/* GET url. Returns 0 when an answer arrived (of any status: the caller
   judges it) with resp filled; EC_ERR_UNAVAILABLE when none did in time
   or TLS failed; EC_ERR_TOO_LARGE when the body passed max_body;
   EC_ERR_BAD_REQUEST for a URL that is not https. Release resp either
   way. opts may be NULL for the defaults. */
int ec_https_get(const struct ec_https_opts *opts, const char *url,
                 struct ec_https_resp *resp);

/* GET url as ec_https_get() does, with the extra header lines of the
   NULL-terminated list headers ("Name: value"; may be NULL), e.g. an
   Authorization: Bearer token, wiped from the memory this call used. */
int ec_https_get_with(const struct ec_https_opts *opts, const char *url,
                      const char *const *headers, struct ec_https_resp *resp);

/*
 * POST the NULL-terminated name, value, name, value, ... list as
 * application/x-www-form-urlencoded to url; with basic_user set, with
 * HTTP Basic credentials (each part form-encoded first, as RFC 6749
 * §2.3.1 asks of client_secret_basic). Returns as ec_https_get().
 */
int ec_https_post_form(const struct ec_https_opts *opts, const char *url,
                       const char *const *fields, const char *basic_user,
                       const char *basic_password, struct ec_https_resp *resp);

/*
 * POST len bytes of body as content_type to url, with the extra header
 * lines of the NULL-terminated list headers ("Name: value"; may be NULL):
 * a JSON event to a downstream receiver, a provider's API call with an
 * Idempotency-Key. Returns as ec_https_get(). Header values and the body
 * are wiped from the memory this call used, not from the caller's.
 */
int ec_https_post(const struct ec_https_opts *opts, const char *url,
                  const char *content_type, const void *body, size_t len,
                  const char *const *headers, struct ec_https_resp *resp);

/* Append the form encoding of the name, value list to out: the body
   ec_https_post_form() sends (unreserved characters as they are, space as
   '+', anything else %XX). */
void ec_https_form_encode(struct ec_buf *out, const char *const *fields);

void ec_https_resp_init(struct ec_https_resp *resp);
void ec_https_resp_release(struct ec_https_resp *resp);

#endif
