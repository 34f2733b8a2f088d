/*
 * JSON-lines logging: one object per line, written with a single write(2)
 * to a file opened O_APPEND, so lines from many workers never interleave.
 *
 * The error log carries level, pid, message and the request id when there
 * is one; the access log one line per request. Messages never contain
 * secrets: callers pass operator detail (library errors, SQL state), never
 * passwords or request bodies.
 */
#ifndef EC_CORE_LOG_H
#define EC_CORE_LOG_H

#include <stdarg.h>

enum ec_log_level { EC_LOG_ERROR, EC_LOG_WARN, EC_LOG_INFO, EC_LOG_DEBUG };

struct ec_access_entry {
    const char *request_id;
    const char *tenant; /* slug or NULL */
    const char *method;
    const char *route; /* the route table's pattern; NULL: none matched */
    const char *path;  /* logged only when no route matched: a matched
                          path can carry a secret (a password-reset token)
                          or a capability (an order's id) */
    int status;
    double duration_ms;
    unsigned long bytes;
};

/*
 * Open (or reopen, on reload) the logs. A path of "stderr" or NULL writes
 * to standard error. Returns 0, or -1 with errno set if a file can't be
 * opened (the old descriptors stay in use).
 */
int ec_log_open(const char *error_path, const char *access_path,
                enum ec_log_level level);
void ec_log_close(void);

/* Parse "error", "warn", "info" or "debug"; -1 if none. */
int ec_log_level_parse(const char *s);

/* Set the request id that error lines carry until the next call (NULL to
   clear). The string must live until then. */
void ec_log_set_request_id(const char *id);

void ec_log(enum ec_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ec_log_v(enum ec_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#define ec_log_error(...) ec_log(EC_LOG_ERROR, __VA_ARGS__)
#define ec_log_warn(...) ec_log(EC_LOG_WARN, __VA_ARGS__)
#define ec_log_info(...) ec_log(EC_LOG_INFO, __VA_ARGS__)
#define ec_log_debug(...) ec_log(EC_LOG_DEBUG, __VA_ARGS__)

void ec_log_access(const struct ec_access_entry *e);

/* Format the current time as RFC 3339 UTC with milliseconds into out
   (at least 32 bytes). */
void ec_log_timestamp(char *out, unsigned long size);

#endif
