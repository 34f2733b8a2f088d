/*
 * multipart/form-data bodies (RFC 7578 over RFC 2046's multipart), as a
 * browser sends a form with a file: the boundary from the Content-Type
 * header, then each part's name, filename, type and bytes.
 *
 * Invariants:
 *   - nothing is copied but the names: a part's data points into the body
 *     passed in, which must outlive the result; everything else comes
 *     from the arena;
 *   - limits are checked before anything is allocated for them: at most
 *     EC_MULTIPART_MAX_PARTS parts, EC_MULTIPART_HEADERS_MAX bytes of
 *     headers a part, a boundary of 1 to 70 characters (RFC 2046); the
 *     body's own size is bounded by the caller (max_body_size);
 *   - a body is accepted whole or refused: a part not closed by its
 *     boundary, a part without a Content-Disposition of form-data and a
 *     name, a malformed header, or a missing closing delimiter is
 *     EC_ERR_BAD_REQUEST, never a partial result.
 */
#ifndef EC_HTTP_MULTIPART_H
#define EC_HTTP_MULTIPART_H

#include <stddef.h>

struct ec_arena;

#define EC_MULTIPART_MAX_PARTS 64
#define EC_MULTIPART_HEADERS_MAX 2048
#define EC_MULTIPART_BOUNDARY_MAX 70

struct ec_multipart_part {
    const char *name;         /* the form field's name */
    const char *filename;     /* as sent (never a path to trust); NULL for
                                 a plain field */
    const char *content_type; /* as sent, lower case; NULL if none */
    const char *data;         /* into the body; not NUL-terminated */
    size_t len;
};

struct ec_multipart {
    struct ec_multipart_part *parts;
    size_t n;
};

/*
 * The boundary parameter of a Content-Type header value
 * ("multipart/form-data; boundary=xyz", quoted or not), into the arena.
 * Returns 0 and *out, or EC_ERR_BAD_REQUEST when there is none or it is
 * not 1 to 70 characters of RFC 2046's set.
 */
int ec_multipart_boundary(struct ec_arena *a, const char *content_type,
                          const char **out);

/*
 * Parse body (len bytes) delimited by boundary into *out. Returns 0;
 * EC_ERR_BAD_REQUEST for a malformed body (see above); EC_ERR_TOO_LARGE
 * beyond EC_MULTIPART_MAX_PARTS parts.
 */
int ec_multipart_parse(struct ec_arena *a, const char *boundary,
                       const char *body, size_t len, struct ec_multipart *out);

/* The first part named name, or NULL. */
const struct ec_multipart_part *ec_multipart_get(const struct ec_multipart *m,
                                                 const char *name);

#endif
