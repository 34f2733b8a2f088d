#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static int error_fd = STDERR_FILENO;
static int access_fd = STDERR_FILENO;
static enum ec_log_level max_level = EC_LOG_INFO;
static const char *current_request_id;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

static int
open_log(const char *path)
{
    if (!path || !*path || strcmp(path, "stderr") == 0)
        return STDERR_FILENO;
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static void
replace_fd(int *slot, int fd)
{
    if (*slot != STDERR_FILENO && *slot != fd)
        close(*slot);
    *slot = fd;
}

int
ec_log_open(const char *error_path, const char *access_path,
            enum ec_log_level level)
{
    int efd, afd;

    efd = open_log(error_path);
    if (efd < 0)
        return -1;
    afd = open_log(access_path);
    if (afd < 0) {
        int saved = errno;
        if (efd != STDERR_FILENO)
            close(efd);
        errno = saved;
        return -1;
    }
    replace_fd(&error_fd, efd);
    replace_fd(&access_fd, afd);
    max_level = level;
    return 0;
}

void
ec_log_close(void)
{
    replace_fd(&error_fd, STDERR_FILENO);
    replace_fd(&access_fd, STDERR_FILENO);
}

int
ec_log_level_parse(const char *s)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(*level_names); i++)
        if (strcmp(s, level_names[i]) == 0)
            return (int)i;
    return -1;
}

void
ec_log_set_request_id(const char *id)
{
    current_request_id = id;
}

/*
 * Every request logs a timestamp: the date and time part changes once a
 * second, so it is formatted then and reused (strftime is not cheap).
 */
void
ec_log_timestamp(char *out, unsigned long size)
{
    static time_t cached_sec = -1;
    static char cached[24];
    struct timeval tv;
    struct tm tm;

    gettimeofday(&tv, NULL);
    if (tv.tv_sec != cached_sec) {
        gmtime_r(&tv.tv_sec, &tm);
        strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = tv.tv_sec;
    }
    snprintf(out, size, "%s.%03ldZ", cached, (long)(tv.tv_usec / 1000));
}

static void
write_line(int fd, struct ec_buf *b)
{
    ssize_t n;
    size_t off = 0;

    ec_buf_addch(b, '\n');
    while (off < b->len) {
        n = write(fd, b->data + off, b->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* nowhere left to report a logging failure */
        off += (size_t)n;
    }
}

static void
add_json_field(struct ec_buf *b, const char *key, const char *value)
{
    ec_buf_addf(b, ",\"%s\":\"", key);
    ec_buf_add_json_str(b, value, strlen(value));
    ec_buf_addch(b, '"');
}

void
ec_log_v(enum ec_log_level level, const char *fmt, va_list ap)
{
    struct ec_buf msg = EC_BUF_INIT, line = EC_BUF_INIT;
    char ts[40];
    int saved = errno;

    if (level > max_level)
        return;
    ec_buf_vaddf(&msg, fmt, ap);
    ec_log_timestamp(ts, sizeof(ts));
    ec_buf_addf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"pid\":%ld", ts,
                level_names[level], (long)getpid());
    if (current_request_id)
        add_json_field(&line, "request_id", current_request_id);
    add_json_field(&line, "msg", msg.data);
    ec_buf_addch(&line, '}');
    write_line(error_fd, &line);
    ec_buf_release(&msg);
    ec_buf_release(&line);
    errno = saved;
}

void
ec_log(enum ec_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ec_log_v(level, fmt, ap);
    va_end(ap);
}

/* The path of a request no route matched, cut at 200 bytes (a probe's
   junk does not flood the log). */
static void
add_unmatched_path(struct ec_buf *line, const char *path)
{
    size_t n = strlen(path);

    if (n > 200) { /* not inside a UTF-8 sequence */
        n = 200;
        while (n > 0 && ((unsigned char)path[n] & 0xC0) == 0x80)
            n--;
    }
    ec_buf_adds(line, ",\"path\":\"");
    ec_buf_add_json_str(line, path, n);
    ec_buf_adds(line, "\"");
}

void
ec_log_access(const struct ec_access_entry *e)
{
    struct ec_buf line = EC_BUF_INIT;
    unsigned long us;
    char ts[40];

    ec_log_timestamp(ts, sizeof(ts));
    ec_buf_addf(&line, "{\"time\":\"%s\"", ts);
    add_json_field(&line, "request_id", e->request_id ? e->request_id : "");
    if (e->tenant)
        add_json_field(&line, "tenant", e->tenant);
    else
        ec_buf_adds(&line, ",\"tenant\":null");
    add_json_field(&line, "method", e->method ? e->method : "");
    if (e->route)
        add_json_field(&line, "route", e->route);
    else
        add_unmatched_path(&line, e->path ? e->path : "");
    /* milliseconds with three decimals, without floating-point printf */
    us =
        e->duration_ms > 0 ? (unsigned long)(e->duration_ms * 1000.0 + 0.5) : 0;
    ec_buf_addf(&line,
                ",\"status\":%d,\"duration_ms\":%lu.%03lu,\"bytes\":%lu}",
                e->status, us / 1000, us % 1000, e->bytes);
    write_line(access_fd, &line);
    ec_buf_release(&line);
}
