#include "cli/json.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"

int
ec_cli_json_parse(const char *text, size_t len, struct json_object **out,
                  const char **why, size_t *line, size_t *column)
{
    struct json_object *obj = NULL;
    enum json_tokener_error jerr;
    struct json_tokener *tok;
    size_t end = 0;

    *why = NULL;
    if (len >= INT32_MAX) {
        *why = "too large";
    } else if ((end = strlen(text)) < len) {
        *why = "a NUL byte"; /* json-c would stop there */
    } else if (!(tok = json_tokener_new())) {
        *why = "out of memory";
    } else {
        /* len + 1: the NUL ends the input, and a number at the end with it */
        obj = json_tokener_parse_ex(tok, text, (int)len + 1);
        jerr = json_tokener_get_error(tok);
        end = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        if (jerr == json_tokener_error_parse_eof ||
            jerr == json_tokener_continue)
            *why = "unexpected end of file";
        else if (jerr != json_tokener_success)
            *why = json_tokener_error_desc(jerr);
        else if (end <= len &&
                 text[end += strspn(text + end, " \t\r\n")] != '\0')
            *why = "more after the JSON value";
    }
    *line = *column = 1;
    for (size_t i = 0; i < end && i < len; i++, (*column)++)
        if (text[i] == '\n')
            (*line)++, *column = 0;
    if (*why) {
        json_object_put(obj);
        obj = NULL;
    }
    *out = obj;
    return *why ? -1 : 0;
}

int
ec_cli_read_json(const char *path, size_t max, struct json_object **out,
                 FILE *errout)
{
    struct ec_buf text = EC_BUF_INIT;
    const char *why = NULL;
    size_t n, line, column;
    char chunk[8192];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

    *out = NULL;
    if (!f) {
        fprintf(errout, "ecomctl: %s: %s\n", path, strerror(errno));
        return 1;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && text.len <= max)
        ec_buf_add(&text, chunk, n);
    if (ferror(f))
        why = strerror(errno);
    else if (text.len > max)
        why = "too large";
    if (f != stdin)
        fclose(f);
    if (why) {
        fprintf(errout, "ecomctl: %s: %s\n", path, why);
    } else if (ec_cli_json_parse(text.data, text.len, out, &why, &line,
                                 &column) < 0) {
        fprintf(errout, "ecomctl: %s:%zu:%zu: not valid JSON: %s\n", path, line,
                column, why);
    }
    ec_buf_release(&text);
    return why ? 1 : 0;
}
