/*
 * The metrics listener's answer (docs/operations.md, "Metrics"): a
 * process the master forks for one scrape reads the request, answers GET
 * /metrics with every slot summed (core/metrics.h) and exits. The master
 * itself never reads from or writes to a scraper, so a slow or stuck one
 * cannot delay a respawn or a reload.
 */
#include "proc/metrics_http.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "app/routes.h"
#include "core/buf.h"
#include "core/metrics.h"

#define REQUEST_MAX 8192
#define IO_TIMEOUT_S 5

/* Read the request head (up to its blank line) into buf; 0 or -1. */
static int
read_head(int fd, char *buf, size_t size)
{
    size_t n = 0;

    while (n + 1 < size) {
        ssize_t r = read(fd, buf + n, size - 1 - n);

        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
            return 0;
    }
    return -1;
}

static void
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void
answer(int fd, const char *status, const char *type, const char *body,
       size_t len, int head_only)
{
    struct ec_buf h = EC_BUF_INIT;

    ec_buf_addf(&h,
                "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                status, type, len);
    write_all(fd, h.data, h.len);
    if (!head_only)
        write_all(fd, body, len);
    ec_buf_release(&h);
}

/* 1 if the request line's target is /metrics (a query string allowed). */
static int
is_metrics(const char *target)
{
    return strncmp(target, "/metrics", 8) == 0 &&
           (target[8] == ' ' || target[8] == '?');
}

void
ec_metrics_http_serve(int fd, const struct ec_metrics *m)
{
    static const char text[] = "text/plain; charset=utf-8";
    struct timeval tv = {IO_TIMEOUT_S, 0};
    char req[REQUEST_MAX];
    int head = 0;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (read_head(fd, req, sizeof(req)) < 0) {
        answer(fd, "400 Bad Request", text, "bad request\n", 12, 0);
        return;
    }
    if (strncmp(req, "HEAD ", 5) == 0)
        head = 1;
    else if (strncmp(req, "GET ", 4) != 0) {
        answer(fd, "405 Method Not Allowed", text, "GET /metrics\n", 13, 0);
        return;
    }
    if (!is_metrics(req + (head ? 5 : 4))) {
        answer(fd, "404 Not Found", text, "not found: GET /metrics\n", 24,
               head);
        return;
    }
    {
        const char *names[EC_METRICS_ROUTES_MAX];
        size_t n = ec_routes_count < EC_METRICS_ROUTES_MAX
                       ? ec_routes_count
                       : EC_METRICS_ROUTES_MAX;
        struct ec_buf body = EC_BUF_INIT;

        for (size_t i = 0; i < n; i++)
            names[i] = ec_routes[i].pattern;
        ec_metrics_expose(m, names, n, &body);
        answer(fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8",
               body.data ? body.data : "", body.len, head);
        ec_buf_release(&body);
    }
}
