/*
 * Allocation that never returns NULL, and the process-level fatal exits.
 *
 * Out-of-memory is not recoverable in a worker: ec_die() logs and aborts,
 * and the master starts a fresh worker. EC_BUG() marks a broken invariant.
 */
#ifndef EC_CORE_XALLOC_H
#define EC_CORE_XALLOC_H

#include <stddef.h>

void *ec_xmalloc(size_t n);
void *ec_xcalloc(size_t count, size_t size);
void *ec_xrealloc(void *p, size_t n);
char *ec_xstrdup(const char *s);
char *ec_xstrndup(const char *s, size_t n);

/* Print "fatal: ..." to standard error and abort. */
void ec_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

void ec_bug_at(const char *file, int line, const char *msg)
    __attribute__((noreturn));
#define EC_BUG(msg) ec_bug_at(__FILE__, __LINE__, (msg))

#endif
