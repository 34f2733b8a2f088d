/*
 * JSON files for ecomctl's commands (catalog import, render): one parser,
 * so every command accepts the same files and reports a bad one the same
 * way, with its line and column.
 *
 * A file holds exactly one JSON value of any type, white space around it
 * allowed. json-c's tokener cannot know that a number at the very end of
 * its input is complete ("85" could go on as "850"), so the text is handed
 * to it with its terminating NUL, which tells it the input ends there.
 */
#ifndef EC_CLI_JSON_H
#define EC_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * Parse len bytes of text, where text[len] == '\0'. Returns 0 with the
 * value in *out (the caller owns it and releases it with json_object_put;
 * the JSON null is NULL); or -1 with *out NULL, *why a static string and
 * *line, *column (from 1) saying what is wrong and where.
 */
int ec_cli_json_parse(const char *text, size_t len, struct json_object **out,
                      const char **why, size_t *line, size_t *column);

/*
 * Read the file at path ("-": standard input), at most max bytes, and parse
 * it as above. Returns 0 with the value in *out (owned by the caller; NULL
 * for the JSON null); or 1 with *out NULL after writing "ecomctl:
 * PATH[:LINE:COLUMN]: REASON" to errout.
 */
int ec_cli_read_json(const char *path, size_t max, struct json_object **out,
                     FILE *errout);

#endif
