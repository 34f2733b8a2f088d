/*
 * A fake request for handler and dispatcher tests: what nginx would send
 * over FastCGI (method, URI, headers, body), parsed by the real request
 * code into an arena, and an empty response, so a test can call a
 * handler, or the whole dispatcher, without a server.
 *
 *   struct fake f;
 *   fake_init(&f);
 *   fake_request(&f, "POST", "/basket/lines",
 *                "Content-Type: application/x-www-form-urlencoded\n"
 *                "Cookie: csrf=...", "sku=L&csrf=...");
 *   rc = ec_h_something(&f.req, &f.res);        (a handler), or
 *   fake_dispatch(&f, app, "GET", "/", NULL, NULL);  (the dispatcher)
 *   fake_release(&f);
 *
 * Headers are "Name: value" lines separated by newlines; Host defaults to
 * nordlys.localhost. Everything lives until the next fake_request() or
 * fake_release().
 */
#ifndef EC_T_UNIT_FAKE_H
#define EC_T_UNIT_FAKE_H

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/dispatch.h"
#include "core/arena.h"
#include "core/buf.h"
#include "http/request.h"
#include "http/response.h"

#define FAKE_MAX_PARAMS 32

struct fake {
    struct ec_arena arena;
    struct ec_buf body; /* the response body */
    struct ec_request req;
    struct ec_response res;
    char *envp[FAKE_MAX_PARAMS + 1];
    const char *in; /* the request body not yet read */
    size_t in_left;
};

static inline void
fake_init(struct fake *f)
{
    memset(f, 0, sizeof(*f));
    ec_arena_init(&f->arena, 0);
    ec_buf_init(&f->body);
}

static inline void
fake_release(struct fake *f)
{
    ec_arena_release(&f->arena);
    ec_buf_release(&f->body);
}

static inline void
fake_param(struct fake *f, size_t *n, const char *name, const char *value,
           size_t value_len)
{
    if (*n < FAKE_MAX_PARAMS)
        f->envp[(*n)++] =
            ec_arena_printf(&f->arena, "%s=%.*s", name, (int)value_len, value);
}

/* "Content-Type: x" -> CONTENT_TYPE=x, "X-Foo: y" -> HTTP_X_FOO=y */
static inline void
fake_header(struct fake *f, size_t *n, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len), *v;
    char name[128] = "HTTP_";
    size_t at = 5, i;

    if (!colon)
        return;
    if ((size_t)(colon - line) == 12 &&
        strncasecmp(line, "content-type", 12) == 0)
        at = 0;
    for (i = 0; line + i < colon && at < sizeof(name) - 1; i++)
        name[at++] =
            line[i] == '-' ? '_' : (char)toupper((unsigned char)line[i]);
    name[at] = '\0';
    for (v = colon + 1; v < line + len && *v == ' '; v++)
        ;
    fake_param(f, n, name, v, (size_t)(line + len - v));
}

/* The FastCGI parameters of a request (no body read yet). */
static inline void
fake_envp(struct fake *f, const char *method, const char *uri,
          const char *headers, const char *body)
{
    size_t n = 0, len;
    const char *h = headers;
    char cl[32];

    ec_arena_reset(&f->arena);
    fake_param(f, &n, "REQUEST_METHOD", method, strlen(method));
    fake_param(f, &n, "REQUEST_URI", uri, strlen(uri));
    fake_param(f, &n, "REMOTE_ADDR", "192.0.2.10", 10);
    if (!headers || !strstr(headers, "Host:"))
        fake_param(f, &n, "HTTP_HOST", "nordlys.localhost", 17);
    while (h && *h) {
        len = strcspn(h, "\n");
        fake_header(f, &n, h, len);
        h += len + (h[len] == '\n');
    }
    snprintf(cl, sizeof(cl), "%zu", body ? strlen(body) : 0);
    fake_param(f, &n, "CONTENT_LENGTH", cl, strlen(cl));
    f->envp[n] = NULL;
    f->in = body ? body : "";
    f->in_left = body ? strlen(body) : 0;
    ec_buf_reset(&f->body);
    ec_response_init(&f->res, &f->arena, &f->body);
}

static inline long
fake_read(void *ctx, char *buf, size_t n)
{
    struct fake *f = ctx;

    if (n > f->in_left)
        n = f->in_left;
    memcpy(buf, f->in, n);
    f->in += n;
    f->in_left -= n;
    return (long)n;
}

/*
 * A parsed request for calling a handler directly: head and body parsed
 * as the dispatcher would. Returns what parsing returned (0 or an ec_err).
 */
static inline int
fake_request(struct fake *f, const char *method, const char *uri,
             const char *headers, const char *body)
{
    int rc;

    fake_envp(f, method, uri, headers, body);
    rc = ec_request_parse_head(&f->req, &f->arena, f->envp);
    f->req.at = (int64_t)time(NULL); /* the dispatcher's clock */
    if (rc == 0 && body)
        rc = ec_request_parse_body(&f->req, body, strlen(body));
    return rc;
}

/* The whole dispatcher on a request; the answer is in f->res. */
static inline void
fake_dispatch(struct fake *f, struct ec_app *app, const char *method,
              const char *uri, const char *headers, const char *body)
{
    fake_envp(f, method, uri, headers, body);
    ec_dispatch(app, &f->arena, f->envp, fake_read, f, &f->req, &f->res);
}

/* The response body as a string (it is NUL-terminated by ec_buf). */
static inline const char *
fake_body(const struct fake *f)
{
    return f->body.data ? f->body.data : "";
}

#endif
