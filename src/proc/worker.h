/*
 * A worker process: accepts FastCGI connections on the socket the master
 * bound and serves them one at a time until told to stop.
 *
 * SIGTERM (graceful): the request in hand is finished, then the worker
 * exits. Waiting for a connection happens in epoll with the listening
 * socket (EPOLLEXCLUSIVE, so one connection wakes one worker) next to a
 * signal pipe, which is why a stop never interrupts a half-served request
 * and never leaves one accepted but unanswered.
 */
#ifndef EC_PROC_WORKER_H
#define EC_PROC_WORKER_H

struct ec_settings;

/* Serve on listen_fd until stopped; returns the process exit status. */
int ec_worker_run(const struct ec_settings *s, int listen_fd);

#endif
