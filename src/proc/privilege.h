/*
 * Dropping root: the master binds its socket and opens its logs and pid
 * file as whoever started it, then becomes `user` (and `group`) for good
 * before it forks a worker, so no worker ever runs as root.
 *
 * Started as root, ecomd refuses to run without `user`, and refuses a
 * `user` or `group` that is root itself: a worker parsing requests must
 * not hold privileges it could be tricked into using. Started as anyone
 * else, it runs as it is and `user`/`group` are not looked at.
 */
#ifndef EC_PROC_PRIVILEGE_H
#define EC_PROC_PRIVILEGE_H

#include <stddef.h>

/*
 * Look up user and group now (before anything is bound), so that a typo
 * fails the start with a message rather than after the fork. 0, or -1 with
 * the reason in err. user and group may be NULL.
 */
int ec_privilege_check(const char *user, const char *group, char *err,
                       size_t errsize);

/*
 * If the process runs as root: become user and group (supplementary groups
 * cleared), then verify that root cannot be regained. Otherwise nothing.
 * 0, or -1 with the reason in err (the caller must not go on: the process
 * may be half-way).
 */
int ec_privilege_drop(const char *user, const char *group, char *err,
                      size_t errsize);

#endif
