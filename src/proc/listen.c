#include "proc/listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "app/settings.h"

static int
fail(char *err, size_t errsize, const char *what, const char *where)
{
    snprintf(err, errsize, "%s %s: %s", what, where, strerror(errno));
    return -1;
}

/* 1 if something accepts connections on the unix socket at path. */
static int
socket_in_use(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

    if (fd < 0)
        return 0;
    rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
    close(fd);
    return rc == 0;
}

static int
set_owner(const struct ec_settings *s, char *err, size_t errsize)
{
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    struct passwd *pw;
    struct group *gr;

    if (s->listen_owner) {
        if (!(pw = getpwnam(s->listen_owner))) {
            snprintf(err, errsize, "listen_owner: no user '%s'",
                     s->listen_owner);
            return -1;
        }
        uid = pw->pw_uid;
    }
    if (s->listen_group) {
        if (!(gr = getgrnam(s->listen_group))) {
            snprintf(err, errsize, "listen_group: no group '%s'",
                     s->listen_group);
            return -1;
        }
        gid = gr->gr_gid;
    }
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
        chown(s->listen, uid, gid) < 0)
        return fail(err, errsize, "chown", s->listen);
    if (chmod(s->listen, s->listen_mode) < 0)
        return fail(err, errsize, "chmod", s->listen);
    return 0;
}

static int
open_unix(const struct ec_settings *s, char *err, size_t errsize)
{
    struct sockaddr_un sa;
    mode_t old;
    int fd;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(s->listen) >= sizeof(sa.sun_path)) {
        snprintf(err, errsize, "listen: socket path is too long");
        return -1;
    }
    strcpy(sa.sun_path, s->listen);
    if (socket_in_use(&sa)) {
        snprintf(err, errsize, "listen: %s is in use by another process",
                 s->listen);
        return -1;
    }
    unlink(s->listen); /* a stale socket from a crash */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return fail(err, errsize, "socket", s->listen);
    old = umask(0177); /* no window in which others could connect */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        umask(old);
        fail(err, errsize, "bind", s->listen);
        close(fd);
        return -1;
    }
    umask(old);
    if (set_owner(s, err, errsize) < 0 ||
        listen(fd, (int)s->listen_backlog) < 0) {
        if (!*err)
            fail(err, errsize, "listen", s->listen);
        close(fd);
        unlink(s->listen);
        return -1;
    }
    return fd;
}

int
ec_listen_tcp(const char *addr, int backlog, char *err, size_t errsize)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    struct addrinfo hints, *ai = NULL;
    size_t n = (size_t)(colon - addr);
    int fd, one = 1, rc;

    if (n >= sizeof(host)) {
        snprintf(err, errsize, "%s: host is too long", addr);
        return -1;
    }
    memcpy(host, addr, n);
    host[n] = '\0';
    if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
        memmove(host, host + 1, n - 2);
        host[n - 2] = '\0';
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errsize, "listen %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                ai->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(ai);
        return fail(err, errsize, "socket", addr);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
        fail(err, errsize, "bind", addr);
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

int
ec_listen_open(const struct ec_settings *s, char *err, size_t errsize)
{
    err[0] = '\0';
    return ec_settings_listen_is_unix(s)
               ? open_unix(s, err, errsize)
               : ec_listen_tcp(s->listen, (int)s->listen_backlog, err, errsize);
}

void
ec_listen_close(const struct ec_settings *s, int fd)
{
    if (fd >= 0)
        close(fd);
    if (ec_settings_listen_is_unix(s))
        unlink(s->listen);
}
