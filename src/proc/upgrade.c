/* Handing the sockets to a new binary: see proc/upgrade.h. */
#include "proc/upgrade.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int
ec_upgrade_inherited(const char *name)
{
    const char *v = getenv(name);
    char *end;
    long fd;
    struct stat st;

    if (!v)
        return -1;
    errno = 0;
    fd = strtol(v, &end, 10);
    unsetenv(name);
    if (errno || *end || fd < 3 || fd > 65535 || fstat((int)fd, &st) < 0 ||
        !S_ISSOCK(st.st_mode))
        return -1;
    fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    fcntl((int)fd, F_SETFL, fcntl((int)fd, F_GETFL) | O_NONBLOCK);
    return (int)fd;
}

int
ec_upgrade_self_path(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);

    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    out[n] = '\0';
    return 0;
}

/* In the child: keep fd open across exec and name it in env name. */
static int
hand_over(int fd, const char *name)
{
    char v[16];

    if (fd < 0)
        return 0;
    snprintf(v, sizeof(v), "%d", fd);
    if (fcntl(fd, F_SETFD, 0) < 0 || setenv(name, v, 1) < 0)
        return -1;
    return 0;
}

pid_t
ec_upgrade_start(const char *exe, const char *conf, int listen_fd,
                 int metrics_fd)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    if (hand_over(listen_fd, EC_UPGRADE_LISTEN_ENV) < 0 ||
        hand_over(metrics_fd, EC_UPGRADE_METRICS_ENV) < 0)
        _exit(126);
    execl(exe, exe, "-c", conf, (char *)NULL);
    _exit(127); /* the master logs that its successor did not start */
}
