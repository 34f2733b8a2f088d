/*
 * Checking a JSON value against declared rules, naming the first field
 * that breaks one by its JSON path ("$.products[2].channels.app.sim_types[0]")
 * with a short message for people: what is wrong, and what is allowed.
 *
 * A struct ec_check walks a value: ec_check_key() and ec_check_index()
 * step into a member or element and return what ec_check_pop() needs to
 * step back out; ec_check_fail() records the current path and a message
 * in the caller's struct ec_check_error and returns EC_ERR_INVALID_FIELD.
 * The first failure stops a check, so callers return as soon as a
 * function returns below 0. Paths and messages are truncated to fit,
 * never overflowed.
 *
 * Strings that pass are copied into the check's arena, so the JSON value
 * may be freed once the check is over. Field rules can be declared as a
 * table (struct ec_check_field) and checked in its order with
 * ec_check_fields(); a rule a table cannot say is a callback.
 */
#ifndef EC_CORE_CHECK_H
#define EC_CORE_CHECK_H

#include <stddef.h>

/* json-c's headers stay in check.c: core includes no library header */
struct ec_arena;
struct json_object;

struct ec_check_error {
    char path[256];
    char message[256];
};

struct ec_check {
    struct ec_arena *arena; /* passing strings are copied here */
    struct ec_check_error *err;
    char path[sizeof(((struct ec_check_error *)0)->path)];
    size_t len;
};

/* Start at "$", errors into *err (cleared). */
void ec_check_init(struct ec_check *ck, struct ec_arena *a,
                   struct ec_check_error *err);

/* Step into member key (".key", or "['key']" when a dot cannot carry it)
   or element i ("[i]"); returns what ec_check_pop() takes to step out. */
size_t ec_check_key(struct ec_check *ck, const char *key);
size_t ec_check_index(struct ec_check *ck, size_t i);
void ec_check_pop(struct ec_check *ck, size_t old);

/* Append text to the path as it is. */
void ec_check_pathf(struct ec_check *ck, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record the current path and the message; returns EC_ERR_INVALID_FIELD. */
int ec_check_fail(struct ec_check *ck, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A short description of v for "(got ...)": "null", "an array", "12",
   "\"nano\"" (short plain strings only), "a string". */
const char *ec_check_got(struct json_object *v, char *buf, size_t size);

/* "a, b or c" and "a, b, c" of a NULL-terminated list, into buf. */
void ec_check_join_or(char *buf, size_t size, const char *const *names);
void ec_check_join_and(char *buf, size_t size, const char *const *names);

/* The characters of s (len bytes), or -1 when it is not valid UTF-8
   (overlong forms, surrogates and code points above U+10FFFF included). */
long ec_check_utf8_chars(const char *s, size_t len);

/* The index of s in the NULL-terminated list, or -1. */
int ec_check_in_list(const char *s, const char *const *list);

/* The first member of object o not in allowed fails: most likely a typo. */
int ec_check_keys(struct ec_check *ck, struct json_object *o,
                  const char *const *allowed);

/*
 * Member key of o into *v: 1 when present (*v NULL for a JSON null), 0
 * when absent, or a failure when absent and required ("required: what").
 */
int ec_check_member(struct ec_check *ck, struct json_object *o, const char *key,
                    int required, const char *what, struct json_object **v);

/* The value at the current path as a string of min..max characters
   (copied to the arena), one of names (its index), a whole number in
   min..max, or an object; else a failure saying it must be `what`. */
int ec_check_string(struct ec_check *ck, struct json_object *v, size_t min,
                    size_t max, const char *what, const char **out);
int ec_check_enum(struct ec_check *ck, struct json_object *v,
                  const char *const *names, int *index);
int ec_check_int(struct ec_check *ck, struct json_object *v, long long min,
                 long long max, const char *what, long long *out);
int ec_check_object(struct ec_check *ck, struct json_object *v,
                    const char *what);

/* Member key of o must have JSON type `type` (an enum json_type):
   1 with *v, 0 when absent and optional, or a failure. */
int ec_check_typed(struct ec_check *ck, struct json_object *o, const char *key,
                   int required, int type, const char *what,
                   struct json_object **v);

/* ---- fields declared as a table ---- */

enum ec_check_type {
    EC_CHECK_STRING, /* const char *; min..max characters */
    EC_CHECK_ENUM,   /* an enum (int-sized); one of names */
    EC_CHECK_INT,    /* int; a whole number in min..max */
    EC_CHECK_INT64,  /* long long / int64_t; a whole number in min..max */
    EC_CHECK_BOOL,   /* int; true or false */
    EC_CHECK_CUSTOM, /* fn decides */
};

#define EC_CHECK_REQUIRED 1u
#define EC_CHECK_NULLABLE 2u /* integers: null gives -1 (min must be >= 0) */

struct ec_check_field;

/* A rule a table cannot say: check member key of o into field. */
typedef int (*ec_check_fn)(struct ec_check *ck, struct json_object *o,
                           const struct ec_check_field *f, void *field,
                           void *ctx);

struct ec_check_field {
    const char *key;
    enum ec_check_type type;
    unsigned flags; /* EC_CHECK_REQUIRED, EC_CHECK_NULLABLE */
    long long min;  /* characters or value */
    long long max;
    const char *what;         /* what belongs there, for messages */
    const char *const *names; /* EC_CHECK_ENUM */
    size_t offset;            /* of the field in the struct checked */
    ec_check_fn fn;           /* EC_CHECK_CUSTOM */
};

/*
 * Check the members of object o named by fields[0..n) in that order,
 * storing each into base + offset. An absent optional member leaves its
 * field as it was (the caller's default). ctx goes to custom rules.
 */
int ec_check_fields(struct ec_check *ck, struct json_object *o,
                    const struct ec_check_field *fields, size_t n, void *base,
                    void *ctx);

#endif
