/* Reading a ring of sealing keys from its key file (see seal.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/seal.h"

/* 64 hex digits into key: 0, or -1. */
static int
parse_key(const char *hex, unsigned char key[EC_SEAL_KEY_SIZE])
{
    if (strlen(hex) != 2 * EC_SEAL_KEY_SIZE)
        return -1;
    return ec_hex_decode(key, hex, EC_SEAL_KEY_SIZE);
}

/* One line, split into words by blanks: "kid key" or "current kid".
   Returns 0, or -1 with a reason in *why. */
static int
parse_line(struct ec_seal *s, char *line, char *current, const char **why)
{
    unsigned char key[EC_SEAL_KEY_SIZE];
    char *save, *a, *b;
    int rc;

    line[strcspn(line, "#\r\n")] = '\0';
    a = strtok_r(line, " \t", &save);
    b = a ? strtok_r(NULL, " \t", &save) : NULL;
    if (!a)
        return 0;
    *why = "expected \"KID KEY\" or \"current KID\"";
    if (!b || strtok_r(NULL, " \t", &save))
        return -1;
    if (strcmp(a, "current") == 0) {
        if (strlen(b) > EC_SEAL_KID_MAX)
            return -1;
        strcpy(current, b);
        return 0;
    }
    *why = "the key must be 64 hex digits (openssl rand -hex 32)";
    if (parse_key(b, key) < 0)
        return -1;
    *why = "the kid must be 1 to 32 of A-Z a-z 0-9 - _, once per file";
    rc = ec_seal_add(s, a, key, 0);
    ec_mem_wipe(key, sizeof(key));
    return rc < 0 ? -1 : 0;
}

/* Make the key named current the one that seals. */
static int
set_current(struct ec_seal *s, const char *current)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(s->keys[i].kid, current) == 0) {
            s->current = i;
            return 0;
        }
    return -1;
}

int
ec_seal_load(struct ec_seal *s, const char *path, char *err, size_t err_size)
{
    char line[256], current[EC_SEAL_KID_MAX + 1] = "";
    const char *why = NULL;
    unsigned lineno = 0;
    FILE *f = fopen(path, "r");

    if (!f) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return EC_ERR_INVALID_FIELD;
    }
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (parse_line(s, line, current, &why) < 0)
            break;
        why = NULL;
    }
    ec_mem_wipe(line, sizeof(line));
    fclose(f);
    if (why) {
        snprintf(err, err_size, "%s:%u: %s", path, lineno, why);
        return EC_ERR_INVALID_FIELD;
    }
    if (!*current || set_current(s, current) < 0) {
        snprintf(err, err_size, "%s: no \"current KID\" line naming a key",
                 path);
        return EC_ERR_INVALID_FIELD;
    }
    return 0;
}
