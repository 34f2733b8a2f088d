/*
 * A signed JSON body from outside: a payment provider's callback, a
 * downstream receiver's report. Each is checked the same way before its
 * sender's own rules read it: its size, its `t=…,v1=…` signature
 * (core/sighead.h, within EC_SIGHEAD_TOLERANCE_S of now), then that it is
 * one JSON object. Nothing unsigned is parsed.
 */
#ifndef EC_SVC_SIGNED_JSON_H
#define EC_SVC_SIGNED_JSON_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/*
 * The object of body (len bytes, at most max) signed by header with key,
 * into *out (the caller's to put). 0; EC_ERR_TOO_LARGE; EC_ERR_FORBIDDEN
 * with *why naming what failed (never a secret); or EC_ERR_INVALID_JSON.
 */
int ec_signed_json(const char *header, const void *key, size_t key_len,
                   const char *body, size_t len, size_t max, int64_t now,
                   struct json_object **out, const char **why);

#endif
