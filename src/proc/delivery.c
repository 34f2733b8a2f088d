#include "proc/delivery.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/settings.h"
#include "core/clock.h"
#include "core/log.h"
#include "net/https.h"
#include "proc/child.h"
#include "svc/catalog_draft.h"
#include "svc/delivery.h"

static volatile sig_atomic_t stop_requested;
static int wake_fd = -1;

static void
on_signal(int sig)
{
    int saved = errno;

    if (sig != SIGUSR1)
        stop_requested = 1;
    if (write(wake_fd, "", 1) < 0) {
        /* the pipe is full: the loop is awake already */
    }
    errno = saved;
}

static int
setup_signals(int fds[2])
{
    if (ec_child_signals(fds, on_signal) < 0)
        return -1;
    wake_fd = fds[1];
    prctl(PR_SET_NAME, "ecomd-delivery");
    return 0;
}

/* How often scheduled catalog publications are looked for: a publish
   lands within a second of its instant. */
#define PUBLISH_CHECK_MS 1000

/* Publish the catalog drafts whose time has come (svc/catalog_draft.h). */
static void
publish_due(struct ec_delivery *d)
{
    int n;

    if (ec_catalog_draft_publish_due(d->db, d->kv, (int64_t)time(NULL), &n) < 0)
        ec_log_warn("delivery: scheduled catalog publications not looked at; "
                    "trying again");
}

/* Sleep up to ms, or until a signal arrives. */
static void
nap(int fd, long ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    char buf[64];

    if (poll(&p, 1, (int)ms) > 0)
        while (read(fd, buf, sizeof(buf)) > 0) {
        }
}

int
ec_delivery_run(const struct ec_settings *s)
{
    struct ec_https_opts opts = {
        .ca_file = s->downstream_ca_file,
        .connect_timeout_ms =
            s->delivery_timeout < 3000 ? s->delivery_timeout : 3000,
        .timeout_ms = s->delivery_timeout,
        .max_body = 64 * 1024,
        /* the same receivers again and again: keep their connections */
        .pool = ec_https_pool_new(),
    };
    struct ec_delivery_counts c;
    struct ec_delivery d;
    struct ec_app *app;
    long long measure_at = 0, publish_at = 0;
    int fds[2], rc;

    if (setup_signals(fds) < 0) {
        ec_log_error("delivery: signal setup: %s", strerror(errno));
        return 1;
    }
    /* the stores and the receivers (downstream_file); libcurl's global
       state came with the fork (proc/main.c) */
    app = ec_app_new(s);
    d = (struct ec_delivery){
        .db = app->db,
        .kv = app->kv,
        .receivers = &app->receivers,
        .seal = &s->seal,
        .https = &opts,
        .policy =
            {
                .lease_ms = s->delivery_lease,
                .backoff_ms = s->delivery_backoff,
                .backoff_max_ms = s->delivery_backoff_max,
                .max_attempts = (unsigned)s->delivery_max_attempts,
            },
        .batch = (size_t)s->delivery_batch,
    };
    ec_log_info("delivery process started (%zu receivers)", app->receivers.n);
    while (!stop_requested) {
        if (ec_clock_ms() >= measure_at) {
            if (ec_delivery_measure(d.db, d.kv) < 0)
                ec_log_warn("delivery: the outbox and number gauges were "
                            "not measured");
            measure_at = ec_clock_ms() + EC_DELIVERY_MEASURE_MS;
        }
        if (ec_clock_ms() >= publish_at) {
            publish_due(&d);
            publish_at = ec_clock_ms() + PUBLISH_CHECK_MS;
        }
        rc = ec_delivery_round(&d, &c);
        if (rc < 0)
            ec_log_warn("delivery: a round failed (%d); trying again", rc);
        /* a full batch: more may be due at once */
        if (rc < 0 || c.claimed < d.batch)
            nap(fds[0], s->delivery_interval);
    }
    ec_log_info("delivery process stopped");
    ec_app_free(app);
    ec_https_pool_free(opts.pool);
    ec_https_global_cleanup();
    close(fds[0]);
    close(fds[1]);
    return 0;
}
