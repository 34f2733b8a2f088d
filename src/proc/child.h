/*
 * What every child of the master (a worker, the delivery process) sets up
 * before its loop: a self-pipe its signal handler writes to, so a signal
 * wakes the loop wherever it waits; on_signal for TERM, INT, QUIT and
 * USR1; HUP (the master's) and PIPE ignored; CHLD as by default; no
 * signal blocked; and death with its master, so none outlives it.
 */
#ifndef EC_PROC_CHILD_H
#define EC_PROC_CHILD_H

/* fds[0] the end to watch, fds[1] the end on_signal writes (both
   non-blocking, close-on-exec). 0, or -1 with errno. */
int ec_child_signals(int fds[2], void (*on_signal)(int));

#endif
