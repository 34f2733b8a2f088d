/*
 * The master process, after php-fpm's: binds the FastCGI socket, forks
 * the workers and keeps their number up. Signals reach it through a
 * self-pipe, so every decision is taken in the main loop, never inside a
 * signal handler.
 *
 *   SIGHUP         re-read the configuration; if it is valid, start a new
 *                  generation of workers and let the old ones finish
 *                  their request and exit (the socket stays open, so no
 *                  connection is refused or lost meanwhile)
 *   SIGTERM/INT/QUIT  stop: workers finish their request; those still
 *                  busy after graceful_timeout are killed
 *   SIGUSR1        reopen the log files (after rotation)
 *   SIGUSR2        start the binary at this one's path (a new build) with
 *                  the sockets (proc/upgrade.h); once it serves, this
 *                  master serves on until SIGTERM, its pid file renamed
 *                  to <pid_file>.oldbin
 *   SIGCHLD        respawn a worker that died, waiting longer each time
 *                  one dies right after starting
 */
#ifndef EC_PROC_MASTER_H
#define EC_PROC_MASTER_H

struct ec_master_opts {
    const char *conf_path;
    int foreground; /* -f: do not detach */
};

/* Run until stopped; returns the process exit status. */
int ec_master_run(const struct ec_master_opts *opts);

#endif
