/*
 * What the JOSE readers (jwks.c, jwt.c) share: strict parsing of a JSON
 * text that came from outside, and typed reads of an object's members
 * (which other readers of outside JSON, the payment callbacks and the
 * basket's stored identity, use too).
 */
#ifndef EC_CORE_JOSE_H
#define EC_CORE_JOSE_H

#include <stddef.h>

/* json-c's headers stay in the .c files */
struct json_object;

/* Nesting deeper than this is not a token or a key set. */
#define EC_JOSE_MAX_DEPTH 16

/* The JSON value of the len bytes at text (white space may follow it),
   or NULL when they are not exactly one JSON value or hold a NUL. The
   caller puts the value. */
struct json_object *ec_jose_json(const char *text, size_t len);

/* Member key of object o as a string, or NULL when absent or another
   type. Valid as long as o. */
const char *ec_jose_str(struct json_object *o, const char *key);

/* Member key of object o as a whole number of seconds into *out: 1 when
   it is one (an integer, or a JSON number with no fraction), else 0. */
int ec_jose_time(struct json_object *o, const char *key, long long *out);

#endif
