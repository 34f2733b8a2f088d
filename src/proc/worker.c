#include "proc/worker.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app/app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/router.h"
#include "proc/child.h"
#include "app/dispatch.h"
#include "app/settings.h"
#include "svc/tenant.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested;
static int wake_fd = -1;

static void
on_signal(int sig)
{
    int saved = errno;

    if (sig == SIGUSR1)
        reopen_requested = 1;
    else
        stop_requested = 1;
    if (write(wake_fd, "", 1) < 0) {
        /* the pipe is full: the worker is awake already */
    }
    errno = saved;
}

static int
setup_signals(int pipe_fds[2])
{
    if (ec_child_signals(pipe_fds, on_signal) < 0)
        return -1;
    wake_fd = pipe_fds[1];
    return 0;
}

static long
read_body(void *ctx, char *buf, size_t n)
{
    FCGX_Request *fr = ctx;

    return FCGX_GetStr(buf, n > INT_MAX ? INT_MAX : (int)n, fr->in);
}

static double
ms_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
           (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

struct worker {
    struct ec_app *app;
    struct ec_arena arena;
    struct ec_buf head;
    struct ec_buf body;
    FCGX_Request fr;
};

static void
serve(struct worker *w)
{
    struct ec_request req;
    struct ec_response res;
    struct ec_access_entry log;

    ec_response_init(&res, &w->arena, &w->body);
    ec_dispatch(w->app, &w->arena, w->fr.envp, read_body, &w->fr, &req, &res);

    ec_buf_reset(&w->head);
    ec_response_write_head(&res, &w->head);
    FCGX_PutStr(w->head.data, (int)w->head.len, w->fr.out);
    if (strcmp(req.method, "HEAD") != 0 && w->body.len)
        FCGX_PutStr(w->body.data, (int)w->body.len, w->fr.out);
    FCGX_Finish_r(&w->fr);
    if (res.after)
        res.after(res.after_ctx);

    log.request_id = req.request_id;
    log.tenant = req.tenant ? req.tenant->slug : NULL;
    log.method = req.method;
    log.route = req.route ? req.route->pattern : NULL;
    log.path = req.path;
    log.status = res.status;
    log.duration_ms = ms_since(&req.started);
    log.bytes = (unsigned long)w->body.len;
    ec_log_access(&log);
    ec_metrics_request(ec_app_route_id(w->app, req.route), req.method,
                       res.status, log.tenant,
                       (uint64_t)(log.duration_ms * 1000));

    ec_log_set_request_id(NULL);
    ec_arena_reset(&w->arena);
    /* a worker lives for millions of requests: do not keep a huge page */
    if (w->body.cap > 1024 * 1024)
        ec_buf_release(&w->body);
}

static void
reopen_logs(const struct ec_settings *s)
{
    reopen_requested = 0;
    if (ec_log_open(s->error_log, s->access_log,
                    (enum ec_log_level)ec_log_level_parse(s->log_level)) < 0)
        ec_log_error("cannot reopen logs: %s", strerror(errno));
}

static int
wait_ready(int ep, int wake_rd)
{
    struct epoll_event ev[2];
    char drain[64];
    int n;

    n = epoll_wait(ep, ev, 2, -1);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++)
        if (ev[i].data.fd == wake_rd)
            while (read(wake_rd, drain, sizeof(drain)) > 0)
                ;
    for (int i = 0; i < n; i++)
        if (ev[i].data.fd != wake_rd)
            return 1;
    return 0;
}

static int
make_epoll(int listen_fd, int wake_rd)
{
    struct epoll_event ev;
    int ep = epoll_create1(EPOLL_CLOEXEC);

    if (ep < 0)
        return -1;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = listen_fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
        return -1;
    ev.events = EPOLLIN;
    ev.data.fd = wake_rd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, wake_rd, &ev) < 0)
        return -1;
    return ep;
}

int
ec_worker_run(const struct ec_settings *s, int listen_fd)
{
    struct worker w;
    long served = 0;
    int pipe_fds[2], ep, rc;

    if (setup_signals(pipe_fds) < 0 ||
        (ep = make_epoll(listen_fd, pipe_fds[0])) < 0) {
        ec_log_error("worker setup failed: %s", strerror(errno));
        return 1;
    }
    if (FCGX_Init() != 0 || FCGX_InitRequest(&w.fr, listen_fd, 0) != 0) {
        ec_log_error("FastCGI library initialisation failed");
        return 1;
    }
    w.app = ec_app_new(s);
    ec_arena_init(&w.arena, 0);
    ec_buf_init(&w.head);
    ec_buf_init(&w.body);

    while (!stop_requested) {
        if (reopen_requested)
            reopen_logs(s);
        rc = wait_ready(ep, pipe_fds[0]);
        if (rc < 0) {
            ec_log_error("epoll_wait: %s", strerror(errno));
            break;
        }
        /* woken for a connection, take it even when told to stop: with
           EPOLLEXCLUSIVE no other worker was woken for it, and it would
           wait in the backlog until the next one arrives */
        if (rc == 0)
            continue;
        /* the socket is non-blocking: another worker may have won it */
        rc = FCGX_Accept_r(&w.fr);
        if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
            continue;
        if (rc < 0) {
            ec_log_error("FastCGI accept failed: %s", strerror(-rc));
            continue;
        }
        serve(&w);
        if (s->max_requests && ++served >= s->max_requests) {
            ec_log_info("worker recycled after %ld requests", served);
            break;
        }
    }

    FCGX_Free(&w.fr, 0);
    ec_buf_release(&w.head);
    ec_buf_release(&w.body);
    ec_arena_release(&w.arena);
    ec_app_free(w.app);
    close(ep);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return 0;
}
