/*
 * A table-driven parser for "key = value" configuration files, after
 * nginx's command tables: each directive names its type and where its
 * value goes in the target struct; parsing a file fills the struct or
 * fails with "FILE:LINE: reason".
 *
 * File format: one directive per line, '#' starts a comment (outside
 * double quotes), blank lines are ignored, a value may be double-quoted
 * to keep spaces or '#'. Unknown keys and repeated keys are errors.
 */
#ifndef EC_CORE_CONF_H
#define EC_CORE_CONF_H

#include <stddef.h>

enum ec_conf_type {
    EC_CONF_STR,  /* char *, malloc'd, freed by ec_conf_free_strings */
    EC_CONF_INT,  /* long, within [min, max] */
    EC_CONF_SIZE, /* size_t, with optional k/m/g suffix, within [min, max] */
    EC_CONF_MSEC, /* long milliseconds: "250ms", "5s", "2m", "1h", "2d"; bare =
                     s */
    EC_CONF_BOOL, /* int, on/off yes/no true/false 1/0 */
    EC_CONF_MODE, /* unsigned, octal file mode such as 0660 */
};

struct ec_conf_directive {
    const char *name;
    enum ec_conf_type type;
    size_t offset;      /* offsetof(target struct, field) */
    long long min, max; /* for INT, SIZE, MSEC; ignored when both 0 */
    const char *help;   /* one line, shown in errors for bad values */
};

/*
 * Parse path into target by table (terminated by a NULL name). Fields not
 * mentioned keep their values, so callers set defaults first. Returns 0, or
 * -1 with "FILE:LINE: reason" (or "FILE: reason") written to err.
 */
int ec_conf_parse_file(const char *path, const struct ec_conf_directive *table,
                       void *target, char *err, size_t errsize);

/* Same, for text already in memory; name is used in messages. */
int ec_conf_parse_text(const char *name, const char *text, size_t len,
                       const struct ec_conf_directive *table, void *target,
                       char *err, size_t errsize);

/* Free every EC_CONF_STR field of target named in table. */
void ec_conf_free_strings(const struct ec_conf_directive *table, void *target);

#endif
