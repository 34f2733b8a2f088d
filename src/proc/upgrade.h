/*
 * Replacing the running binary without closing the sockets, after
 * nginx's: on SIGUSR2 the master starts the binary found at its own path
 * now (the newly built one), handing it the listening sockets through
 * the environment. Both masters serve from the same sockets until the
 * old one is told to stop (SIGTERM), which lets its workers finish their
 * requests: no connection is refused or lost (docs/operations.md,
 * "Deploying").
 */
#ifndef EC_PROC_UPGRADE_H
#define EC_PROC_UPGRADE_H

#include <stddef.h>
#include <sys/types.h>

#define EC_UPGRADE_LISTEN_ENV "ECOMD_LISTEN_FD"
#define EC_UPGRADE_METRICS_ENV "ECOMD_METRICS_FD"

/*
 * The listening socket handed over in environment variable name by the
 * master that started this one (close-on-exec set again, non-blocking),
 * or -1 when there is none. The variable is removed, so workers and any
 * later binary do not see it.
 */
int ec_upgrade_inherited(const char *name);

/* This binary's path (for starting its successor) into out; 0 or -1. */
int ec_upgrade_self_path(char *out, size_t size);

/*
 * Start exe -c conf as the successor, with listen_fd and metrics_fd (-1:
 * none) handed over. Returns the child's pid: it exits 0 once the new
 * master serves (it detaches as any ecomd does), non-zero if it could
 * not start; or -1 when fork failed.
 */
pid_t ec_upgrade_start(const char *exe, const char *conf, int listen_fd,
                       int metrics_fd);

#endif
