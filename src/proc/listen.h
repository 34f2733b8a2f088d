/*
 * Opening the FastCGI listening socket: a unix socket path (with the
 * owner, group and mode nginx's workers need to connect) or a TCP
 * "host:port". The socket is non-blocking so workers can wait for it in
 * epoll and lose an accept race without blocking.
 */
#ifndef EC_PROC_LISTEN_H
#define EC_PROC_LISTEN_H

#include <stddef.h>

struct ec_settings;

/* Returns the listening fd, or -1 with a reason in err. */
int ec_listen_open(const struct ec_settings *s, char *err, size_t errsize);

/* A non-blocking TCP socket listening on addr ("host:port", "[v6]:port",
   ":port" for every address). The fd, or -1 with a reason in err. */
int ec_listen_tcp(const char *addr, int backlog, char *err, size_t errsize);

/* Close fd and remove the socket file if it is a unix socket. */
void ec_listen_close(const struct ec_settings *s, int fd);

#endif
