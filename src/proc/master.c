#include "proc/master.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xalloc.h"
#include "proc/delivery.h"
#include "proc/listen.h"
#include "proc/metrics_http.h"
#include "proc/privilege.h"
#include "proc/upgrade.h"
#include "app/settings.h"
#include "proc/worker.h"

#define EC_RESPAWN_FAST_MS 1000 /* a worker dying sooner failed to start */
#define EC_BACKOFF_FIRST_MS 250
#define EC_BACKOFF_MAX_MS 30000
#define EC_SCRAPERS_MAX 4 /* scrapes answered at once; more wait */

struct slot {
    pid_t pid;    /* 0: empty, waiting for respawn_at */
    int delivery; /* the delivery process (proc/delivery.c), not a worker */
    long long started_ms;
    long long respawn_at_ms;
    long backoff_ms;
};

struct master {
    struct ec_settings settings;
    int listen_fd;
    int sig_pipe[2];
    struct slot *slots; /* the current generation */
    long nslots;
    pid_t *old; /* earlier generations, finishing up */
    size_t nold, cap_old;
    long long old_kill_at_ms; /* SIGKILL old workers still busy by then */
    int stopping;
    long long kill_at_ms; /* stop: SIGKILL stragglers at this time */
    /* metrics (core/metrics.h): the region, who writes each slot, the
       listener and the processes answering scrapes now */
    struct ec_metrics *metrics;
    pid_t *metric_owner;
    int metrics_fd;
    pid_t scrapers[EC_SCRAPERS_MAX];
    /* a binary upgrade (proc/upgrade.h): this binary's path, the
       configuration's, the starting successor, and whether the sockets
       are the successor's now (then leaving does not remove them) */
    char exe[PATH_MAX];
    const char *conf_path;
    pid_t successor;
    int handed_over;
    int inherited; /* the sockets came from a master upgrading */
};

static int sig_write_fd = -1;

static void
on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;

    if (write(sig_write_fd, &c, 1) < 0) {
        /* pipe full: enough signals are queued to wake the loop */
    }
    errno = saved;
}

static int
setup_signals(struct master *m)
{
    static const int sigs[] = {SIGHUP,  SIGTERM, SIGINT, SIGQUIT,
                               SIGCHLD, SIGUSR1, SIGUSR2};
    struct sigaction sa;

    if (pipe2(m->sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
        return -1;
    sig_write_fd = m->sig_pipe[1];
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
        sigaction(sigs[i], &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    return 0;
}

/* A metrics slot no live child writes, or -1 (no metrics, or all in
   use: more children than the region was made for, after a reload that
   raised workers). */
static long
free_metrics_slot(const struct master *m)
{
    for (size_t i = 0; i < ec_metrics_nslots(m->metrics); i++)
        if (!m->metric_owner[i])
            return (long)i;
    if (m->metrics)
        ec_log_warn("metrics: no free slot; this child's requests are not "
                    "counted (a restart sizes the region for workers)");
    return -1;
}

/* What a child closes and frees of the master's right after the fork. */
static void
leave_master(struct master *m)
{
    close(m->sig_pipe[0]);
    close(m->sig_pipe[1]);
    if (m->metrics_fd >= 0)
        close(m->metrics_fd);
}

static void
spawn(struct master *m, struct slot *s)
{
    long ms = free_metrics_slot(m);
    pid_t pid = fork();
    int rc;

    if (pid < 0) {
        ec_log_error("fork failed: %s", strerror(errno));
        s->respawn_at_ms = ec_clock_ms() + EC_BACKOFF_FIRST_MS;
        return;
    }
    if (pid == 0) {
        leave_master(m);
        ec_metrics_bind(m->metrics, ms >= 0 ? (size_t)ms : (size_t)-1);
        if (s->delivery) {
            close(m->listen_fd);
            rc = ec_delivery_run(&m->settings);
        } else {
            rc = ec_worker_run(&m->settings, m->listen_fd);
        }
        ec_settings_release(&m->settings);
        free(m->slots);
        free(m->old);
        free(m->metric_owner);
        exit(rc);
    }
    s->pid = pid;
    s->started_ms = ec_clock_ms();
    if (ms >= 0)
        m->metric_owner[ms] = pid;
}

static void
spawn_generation(struct master *m)
{
    /* the workers, then the delivery process when configured: one more
       child of the generation, respawned and stopped like the others */
    m->nslots = m->settings.workers + (m->settings.delivery ? 1 : 0);
    m->slots = ec_xcalloc((size_t)m->nslots, sizeof(*m->slots));
    if (m->settings.delivery)
        m->slots[m->nslots - 1].delivery = 1;
    for (long i = 0; i < m->nslots; i++)
        spawn(m, &m->slots[i]);
    ec_log_info("started %ld workers%s", m->settings.workers,
                m->settings.delivery ? " and the delivery process" : "");
}

static void
retire_generation(struct master *m)
{
    for (long i = 0; i < m->nslots; i++) {
        if (!m->slots[i].pid)
            continue;
        if (m->nold == m->cap_old) {
            m->cap_old = m->cap_old ? m->cap_old * 2 : 16;
            m->old = ec_xrealloc(m->old, m->cap_old * sizeof(*m->old));
        }
        m->old[m->nold++] = m->slots[i].pid;
        kill(m->slots[i].pid, SIGTERM);
    }
    free(m->slots);
    m->slots = NULL;
    m->nslots = 0;
    m->old_kill_at_ms = ec_clock_ms() + m->settings.graceful_timeout;
}

static void
describe_exit(pid_t pid, int status)
{
    if (WIFSIGNALED(status))
        ec_log_warn("worker %ld killed by signal %d", (long)pid,
                    WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        ec_log_warn("worker %ld exited with status %d", (long)pid,
                    WEXITSTATUS(status));
}

/* A worker of the current generation died: schedule its replacement. */
static void
schedule_respawn(struct master *m, struct slot *s, int status)
{
    long long now = ec_clock_ms();
    int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

    s->pid = 0;
    if (m->stopping)
        return;
    ec_metrics_master_add(m->metrics,
                          clean ? EC_M_WORKER_RESTARTS_RECYCLED
                                : EC_M_WORKER_RESTARTS_CRASHED,
                          1);
    if (!clean && now - s->started_ms < EC_RESPAWN_FAST_MS) {
        s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : EC_BACKOFF_FIRST_MS;
        if (s->backoff_ms > EC_BACKOFF_MAX_MS)
            s->backoff_ms = EC_BACKOFF_MAX_MS;
        ec_log_warn("worker died %lld ms after start; next try in %ld ms",
                    now - s->started_ms, s->backoff_ms);
    } else {
        s->backoff_ms = 0;
    }
    s->respawn_at_ms = now + s->backoff_ms;
}

/* pid exited: its metrics slot is free for the next child, its place
   among the scrapers too. */
static void
forget_child(struct master *m, pid_t pid)
{
    for (size_t i = 0; i < ec_metrics_nslots(m->metrics); i++)
        if (m->metric_owner[i] == pid)
            m->metric_owner[i] = 0;
    for (size_t i = 0; i < EC_SCRAPERS_MAX; i++)
        if (m->scrapers[i] == pid)
            m->scrapers[i] = 0;
}

static void successor_started(struct master *m, int status);

static void
reap(struct master *m)
{
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int found = 0;

        forget_child(m, pid);
        if (pid == m->successor) {
            successor_started(m, status);
            continue;
        }
        for (long i = 0; i < m->nslots && !found; i++)
            if (m->slots[i].pid == pid) {
                found = 1;
                if (!m->stopping)
                    describe_exit(pid, status);
                schedule_respawn(m, &m->slots[i], status);
            }
        for (size_t i = 0; i < m->nold && !found; i++)
            if (m->old[i] == pid) {
                found = 1;
                m->old[i] = m->old[--m->nold];
            }
    }
}

static void
respawn_due(struct master *m)
{
    long long now = ec_clock_ms();

    if (m->stopping)
        return;
    for (long i = 0; i < m->nslots; i++)
        if (!m->slots[i].pid && m->slots[i].respawn_at_ms <= now)
            spawn(m, &m->slots[i]);
}

static int
children_alive(const struct master *m)
{
    for (long i = 0; i < m->nslots; i++)
        if (m->slots[i].pid)
            return 1;
    return m->nold > 0;
}

/* A stopping master waits for its workers, and for a successor's start
   to end (within graceful_timeout): until then it cannot tell whether
   the socket and the pid file are still its own to remove. */
static int
keep_running(const struct master *m)
{
    if (!m->stopping || children_alive(m))
        return 1;
    return m->successor && ec_clock_ms() < m->kill_at_ms;
}

static void
signal_all(struct master *m, int sig)
{
    for (long i = 0; i < m->nslots; i++)
        if (m->slots[i].pid)
            kill(m->slots[i].pid, sig);
    for (size_t i = 0; i < m->nold; i++)
        kill(m->old[i], sig);
}

static int
open_logs(const struct ec_settings *s)
{
    return ec_log_open(s->error_log, s->access_log,
                       (enum ec_log_level)ec_log_level_parse(s->log_level));
}

static int
same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void
reload(struct master *m)
{
    struct ec_settings next;
    char err[512];

    if (ec_settings_load(&next, m->settings.path, err, sizeof(err)) < 0) {
        ec_log_error("reload refused, keeping the running configuration: %s",
                     err);
        return;
    }
    if (!same_str(next.user, m->settings.user) ||
        !same_str(next.group, m->settings.group))
        ec_log_warn("reload: a new user or group takes a restart; the "
                    "workers keep running as they do");
    if (!same_str(next.metrics_listen, m->settings.metrics_listen))
        ec_log_warn("reload: a new metrics_listen takes a restart; keeping "
                    "%s",
                    m->settings.metrics_listen ? m->settings.metrics_listen
                                               : "none");
    free(next.metrics_listen);
    next.metrics_listen = m->settings.metrics_listen
                              ? ec_xstrdup(m->settings.metrics_listen)
                              : NULL;
    if (!same_str(next.listen, m->settings.listen) ||
        !same_str(next.pid_file, m->settings.pid_file))
        ec_log_warn("reload: a new listen or pid_file takes a restart; "
                    "keeping %s",
                    m->settings.listen);
    free(next.listen);
    next.listen = ec_xstrdup(m->settings.listen);
    free(next.pid_file);
    next.pid_file =
        m->settings.pid_file ? ec_xstrdup(m->settings.pid_file) : NULL;
    if (open_logs(&next) < 0)
        ec_log_error("reload: cannot open logs: %s", strerror(errno));
    ec_settings_release(&m->settings);
    m->settings = next;
    retire_generation(m);
    spawn_generation(m);
    ec_log_info("configuration reloaded from %s", m->settings.path);
}

static void
begin_stop(struct master *m, int sig)
{
    if (m->stopping)
        return;
    m->stopping = 1;
    m->kill_at_ms = ec_clock_ms() + m->settings.graceful_timeout;
    ec_log_info("signal %d: stopping gracefully", sig);
    signal_all(m, SIGTERM);
}

/* The pid file's name while a successor starts and until this master
   leaves: the successor writes its own under the usual name. */
static void
old_pid_file(const struct master *m, char *out, size_t size)
{
    snprintf(out, size, "%s.oldbin", m->settings.pid_file);
}

/* SIGUSR2: start the binary at this one's path (a new build) with the
   sockets; this master serves on until it is told to stop. */
static void
begin_upgrade(struct master *m)
{
    char old[PATH_MAX + 8];

    if (m->successor || m->handed_over) {
        ec_log_warn("upgrade: a successor was started already");
        return;
    }
    if (m->settings.pid_file) {
        old_pid_file(m, old, sizeof(old));
        if (rename(m->settings.pid_file, old) < 0) {
            ec_log_error("upgrade: cannot rename %s: %s", m->settings.pid_file,
                         strerror(errno));
            return;
        }
    }
    m->successor =
        ec_upgrade_start(m->exe, m->conf_path, m->listen_fd, m->metrics_fd);
    if (m->successor < 0) {
        ec_log_error("upgrade: fork failed: %s", strerror(errno));
        m->successor = 0;
        if (m->settings.pid_file)
            rename(old, m->settings.pid_file);
        return;
    }
    ec_log_info("upgrade: starting %s", m->exe);
}

/* The successor's starter exited: 0 when the new master serves. */
static void
successor_started(struct master *m, int status)
{
    char old[PATH_MAX + 8];

    m->successor = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        m->handed_over = 1;
        ec_log_info("upgrade: the new master serves; this one serves on "
                    "until stopped (SIGTERM)");
        return;
    }
    ec_log_error("upgrade: the new binary did not start (status %d); this "
                 "master serves on",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (m->settings.pid_file) {
        old_pid_file(m, old, sizeof(old));
        rename(old, m->settings.pid_file);
    }
}

static void
handle_signals(struct master *m)
{
    unsigned char sigs[64];
    ssize_t n;

    while ((n = read(m->sig_pipe[0], sigs, sizeof(sigs))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            switch (sigs[i]) {
            case SIGCHLD:
                reap(m);
                break;
            case SIGHUP:
                if (!m->stopping)
                    reload(m);
                break;
            case SIGUSR1:
                open_logs(&m->settings);
                signal_all(m, SIGUSR1);
                break;
            case SIGUSR2:
                if (!m->stopping)
                    begin_upgrade(m);
                break;
            default:
                begin_stop(m, sigs[i]);
            }
        }
    }
}

/* Milliseconds until the loop has something timed to do, or -1. */
static int
next_timeout(const struct master *m)
{
    long long now = ec_clock_ms(), next = -1, t;

    if (m->stopping)
        next = m->kill_at_ms;
    else
        for (long i = 0; i < m->nslots; i++)
            if (!m->slots[i].pid &&
                (next < 0 || m->slots[i].respawn_at_ms < next))
                next = m->slots[i].respawn_at_ms;
    if (m->nold && (next < 0 || m->old_kill_at_ms < next))
        next = m->old_kill_at_ms;
    if (next < 0)
        return -1;
    t = next - now;
    return t < 0 ? 0 : (t > 60000 ? 60000 : (int)t);
}

/* A process of its own answers each scrape; at most EC_SCRAPERS_MAX at
   once, the others wait in the listen backlog. */
static void
accept_scrapes(struct master *m)
{
    for (size_t i = 0; i < EC_SCRAPERS_MAX; i++) {
        int fd;
        pid_t pid;

        if (m->scrapers[i])
            continue;
        fd = accept4(m->metrics_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            return; /* none waiting (EAGAIN), or it went away */
        pid = fork();
        if (pid == 0) {
            leave_master(m);
            close(m->listen_fd);
            ec_metrics_http_serve(fd, m->metrics);
            _exit(0);
        }
        close(fd);
        if (pid < 0) {
            ec_log_error("metrics: fork failed: %s", strerror(errno));
            return;
        }
        m->scrapers[i] = pid;
    }
}

static void
loop(struct master *m)
{
    struct pollfd pfd[2] = {{m->sig_pipe[0], POLLIN, 0},
                            {m->metrics_fd, POLLIN, 0}};
    nfds_t n = m->metrics_fd >= 0 ? 2 : 1;

    while (keep_running(m)) {
        /* a stopping master answers no more scrapes */
        if (poll(pfd, m->stopping ? 1 : n, next_timeout(m)) < 0 &&
            errno != EINTR) {
            ec_log_error("poll: %s", strerror(errno));
            break;
        }
        handle_signals(m);
        if (n == 2 && !m->stopping && (pfd[1].revents & POLLIN))
            accept_scrapes(m);
        reap(m);
        respawn_due(m);
        if (m->nold && ec_clock_ms() >= m->old_kill_at_ms) {
            ec_log_warn("%zu workers of an earlier generation still busy "
                        "after graceful_timeout: killing them",
                        m->nold);
            for (size_t i = 0; i < m->nold; i++)
                kill(m->old[i], SIGKILL);
            m->old_kill_at_ms = ec_clock_ms() + 60000;
        }
        if (m->stopping && children_alive(m) &&
            ec_clock_ms() >= m->kill_at_ms) {
            ec_log_warn("graceful_timeout passed: killing busy workers");
            signal_all(m, SIGKILL);
            m->kill_at_ms = ec_clock_ms() + 60000;
        }
    }
}

/* Refuse to start twice: a pid file naming a live process wins. */
static int
check_pid_file(const char *path, char *err, size_t errsize)
{
    FILE *f = fopen(path, "r");
    long pid = 0;

    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    if (pid > 0 && kill((pid_t)pid, 0) == 0) {
        snprintf(err, errsize, "already running as pid %ld (%s)", pid, path);
        return -1;
    }
    return 0;
}

static int
write_pid_file(const char *path)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%ld\n", (long)getpid());
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

/*
 * Detach: the parent waits until the child reports that it is serving (a
 * byte on a pipe) so that "ecomd" exits non-zero if start-up fails after
 * the fork.
 */
static int
daemonize(int *ready_fd)
{
    int p[2], null;
    pid_t pid;
    char c;

    if (pipe(p) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 ? 0 : 1);
    }
    close(p[0]);
    setsid();
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    *ready_fd = p[1];
    return 0;
}

static void
report_ready(int *ready_fd)
{
    if (*ready_fd < 0)
        return;
    if (write(*ready_fd, "", 1) < 0) {
        /* the parent is gone; nothing to tell */
    }
    close(*ready_fd);
    *ready_fd = -1;
    /* from here on, errors go to the error log only */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, STDERR_FILENO);
        close(null);
    }
}

/*
 * With metrics_listen: the listener and the shared region, with a slot
 * for each child of two generations at once (a reload's new one starts
 * while the old one finishes) and a few to spare for crashed children
 * not yet reaped.
 */
static int
open_metrics(struct master *m, char *err, size_t errsize)
{
    size_t nslots = 2 * ((size_t)m->settings.workers + 1) + 4;

    if (!m->settings.metrics_listen) {
        if (m->metrics_fd >= 0) /* handed over, no longer wanted */
            close(m->metrics_fd);
        m->metrics_fd = -1;
        return 0;
    }
    if (m->metrics_fd < 0 &&
        (m->metrics_fd =
             ec_listen_tcp(m->settings.metrics_listen, 64, err, errsize)) < 0)
        return -1;
    if (!(m->metrics = ec_metrics_new(nslots))) {
        snprintf(err, errsize, "metrics: cannot map shared memory: %s",
                 strerror(errno));
        return -1;
    }
    m->metric_owner = ec_xcalloc(nslots, sizeof(*m->metric_owner));
    return 0;
}

static int
start(struct master *m, const struct ec_master_opts *o, int *ready_fd)
{
    char err[512];

    if (ec_settings_load(&m->settings, o->conf_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        return -1;
    }
    m->conf_path = o->conf_path;
    if (ec_upgrade_self_path(m->exe, sizeof(m->exe)) < 0)
        m->exe[0] = '\0';
    /* started by a master upgrading (proc/upgrade.h): its sockets, and
       its pid file moved aside already */
    m->listen_fd = ec_upgrade_inherited(EC_UPGRADE_LISTEN_ENV);
    m->metrics_fd = ec_upgrade_inherited(EC_UPGRADE_METRICS_ENV);
    m->inherited = m->listen_fd >= 0;
    if (m->listen_fd < 0 && m->settings.pid_file &&
        check_pid_file(m->settings.pid_file, err, sizeof(err)) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        return -1;
    }
    if (ec_privilege_check(m->settings.user, m->settings.group, err,
                           sizeof(err)) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        return -1;
    }
    if (open_logs(&m->settings) < 0) {
        fprintf(stderr, "ecomd: cannot open logs: %s\n", strerror(errno));
        return -1;
    }
    if (m->listen_fd < 0 &&
        (m->listen_fd = ec_listen_open(&m->settings, err, sizeof(err))) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        return -1;
    }
    if (open_metrics(m, err, sizeof(err)) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        return -1;
    }
    if (!o->foreground && daemonize(ready_fd) < 0) {
        fprintf(stderr, "ecomd: cannot detach: %s\n", strerror(errno));
        return -1;
    }
    if (m->settings.pid_file && write_pid_file(m->settings.pid_file) < 0) {
        fprintf(stderr, "ecomd: cannot write %s: %s\n", m->settings.pid_file,
                strerror(errno));
        return -1;
    }
    /* what needs root is done: socket, logs, pid file; then no worker
       and no reload ever runs as root */
    if (ec_privilege_drop(m->settings.user, m->settings.group, err,
                          sizeof(err)) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        ec_log_error("%s", err);
        if (m->settings.pid_file)
            unlink(m->settings.pid_file);
        return -1;
    }
    if (setup_signals(m) < 0) {
        fprintf(stderr, "ecomd: signal setup: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Close the sockets and remove the pid file; once handed over to a
   successor, both are its own: only this master's files go. A successor
   still starting may be serving already: its files are left alone too. */
static void
leave(struct master *m)
{
    char old[PATH_MAX + 8];
    int theirs = m->handed_over || m->successor;

    if (m->successor)
        ec_log_warn("leaving while a successor still starts: the socket "
                    "and the pid file are left to it");
    if (theirs)
        close(m->listen_fd);
    else
        ec_listen_close(&m->settings, m->listen_fd);
    if (m->metrics_fd >= 0)
        close(m->metrics_fd);
    ec_metrics_free(m->metrics);
    free(m->metric_owner);
    if (m->settings.pid_file && theirs) {
        old_pid_file(m, old, sizeof(old));
        unlink(old);
    } else if (m->settings.pid_file) {
        unlink(m->settings.pid_file);
    }
}

int
ec_master_run(const struct ec_master_opts *o)
{
    struct master m;
    int ready_fd = -1;

    memset(&m, 0, sizeof(m));
    m.listen_fd = -1;
    m.metrics_fd = -1;
    if (start(&m, o, &ready_fd) < 0) {
        /* an inherited socket is the old master's: never remove it */
        if (m.listen_fd >= 0 && m.inherited)
            close(m.listen_fd);
        else if (m.listen_fd >= 0)
            ec_listen_close(&m.settings, m.listen_fd);
        if (m.metrics_fd >= 0)
            close(m.metrics_fd);
        ec_metrics_free(m.metrics);
        free(m.metric_owner);
        ec_settings_release(&m.settings);
        return 1;
    }
    ec_log_info("ecomd listening on %s", m.settings.listen);
    /* before the fork of workers, so none inherits the terminal or pipe */
    report_ready(&ready_fd);
    spawn_generation(&m);
    loop(&m);

    leave(&m);
    ec_log_info("ecomd stopped");
    ec_log_close();
    free(m.slots);
    free(m.old);
    close(m.sig_pipe[0]);
    close(m.sig_pipe[1]);
    ec_settings_release(&m.settings);
    return 0;
}
