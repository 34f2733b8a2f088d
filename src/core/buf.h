/*
 * ec_buf: a growable byte buffer, modelled on git's strbuf.
 *
 * Invariants:
 *   - b->data is never NULL once initialised: an empty buffer points at a
 *     shared one-byte "" so it can be printed without a check;
 *   - b->data[b->len] == '\0' always, so data is a C string whenever the
 *     content holds no NUL of its own;
 *   - b->cap == 0 means data is the shared empty string, nothing is owned.
 *
 * Growth aborts the process on out-of-memory (the master respawns the
 * worker); callers never check for allocation failure.
 */
#ifndef EC_CORE_BUF_H
#define EC_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ec_buf {
    char *data;
    size_t len;
    size_t cap;
};

extern char ec_buf_empty[];

#define EC_BUF_INIT                                                            \
    {                                                                          \
        ec_buf_empty, 0, 0                                                     \
    }

/* Set b to the empty state; it owns nothing. */
void ec_buf_init(struct ec_buf *b);

/* Free what b owns and leave it empty and reusable. */
void ec_buf_release(struct ec_buf *b);

/* Make the content empty but keep the allocation for reuse. */
void ec_buf_reset(struct ec_buf *b);

/* Ensure room for at least extra more bytes (plus the terminating NUL). */
void ec_buf_grow(struct ec_buf *b, size_t extra);

void ec_buf_add(struct ec_buf *b, const void *data, size_t len);
void ec_buf_adds(struct ec_buf *b, const char *s);
void ec_buf_addch(struct ec_buf *b, int c);

/* Append printf-style formatted text. */
void ec_buf_addf(struct ec_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ec_buf_vaddf(struct ec_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Append s with & < > " ' replaced by HTML entities. */
void ec_buf_add_html(struct ec_buf *b, const char *s, size_t len);

/* Append s as the inside of a JSON string (no surrounding quotes). */
void ec_buf_add_json_str(struct ec_buf *b, const char *s, size_t len);

/*
 * Append the whole file at path. Returns 0, or -1 with errno set (EFBIG
 * when it is larger than max bytes; then b holds what was read so far).
 */
int ec_buf_read_file(struct ec_buf *b, const char *path, size_t max);

/* Hand the content over to the caller (who frees it) and empty b. */
char *ec_buf_detach(struct ec_buf *b, size_t *len);

#endif
