#include "core/password.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"

/* A stored hash's salt and raw hash, decoded, may be this long at most. */
#define RAW_MAX 64

/* The parts of a PHC string: its parameters, salt and raw hash. */
struct phc {
    struct ec_password_params params;
    unsigned char salt[RAW_MAX];
    size_t salt_len;
    unsigned char hash[RAW_MAX];
    size_t hash_len;
};

int
ec_password_acceptable(const char *pw, size_t len)
{
    return pw && len >= EC_PASSWORD_MIN_LEN && len <= EC_PASSWORD_MAX_LEN &&
           !memchr(pw, '\0', len);
}

int
ec_password_params_valid(const struct ec_password_params *p)
{
    return p->parallelism >= 1 &&
           p->parallelism <= EC_PASSWORD_PARALLELISM_MAX &&
           p->iterations >= 1 && p->iterations <= EC_PASSWORD_ITERATIONS_MAX &&
           p->memory_kib >= 8 * p->parallelism &&
           p->memory_kib <= EC_PASSWORD_MEMORY_MAX;
}

int
ec_password_hash(const struct ec_password_params *p, const char *pw, size_t len,
                 char out[EC_PASSWORD_HASH_SIZE])
{
    unsigned char salt[EC_PASSWORD_SALT_LEN];
    int rc;

    if (!ec_password_acceptable(pw, len))
        return EC_ERR_INVALID_FIELD;
    if (!ec_password_params_valid(p)) {
        ec_log_error("password: hash parameters out of bounds");
        return EC_ERR_INTERNAL;
    }
    ec_rand_bytes(salt, sizeof(salt));
    rc = argon2id_hash_encoded(p->iterations, p->memory_kib, p->parallelism, pw,
                               len, salt, sizeof(salt), EC_PASSWORD_RAW_LEN,
                               out, EC_PASSWORD_HASH_SIZE);
    if (rc != ARGON2_OK) {
        ec_log_error("password: argon2id: %s", argon2_error_message(rc));
        return EC_ERR_INTERNAL;
    }
    return 0;
}

/* Read "<prefix><number>" at *s, moving past it: 0 or -1. */
static int
read_number(const char **s, const char *prefix, unsigned *out)
{
    size_t n = strlen(prefix);
    unsigned long v = 0;
    const char *p;

    if (strncmp(*s, prefix, n) != 0)
        return -1;
    p = *s + n;
    if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 0xffffffffUL)
            return -1;
    }
    *out = (unsigned)v;
    *s = p;
    return 0;
}

/* Decode the base64 field at *s up to the next '$' (or the end). */
static int
read_b64(const char **s, unsigned char *out, size_t *len)
{
    const char *end = strchr(*s, '$');
    size_t n = end ? (size_t)(end - *s) : strlen(*s);
    unsigned char buf[EC_B64URL_DECODED_MAX(EC_B64URL_LEN(RAW_MAX))];
    long got;

    if (n > EC_B64URL_LEN(RAW_MAX))
        return -1;
    got = ec_b64_decode_unpadded(buf, *s, n);
    if (got < 0 || got > RAW_MAX)
        return -1;
    memcpy(out, buf, (size_t)got);
    *len = (size_t)got;
    *s += n;
    return 0;
}

/* Parse a PHC argon2id string: 0, or -1 when it is anything else. */
static int
phc_parse(const char *s, struct phc *h)
{
    unsigned version;

    if (!s || strncmp(s, "$argon2id$", 10) != 0)
        return -1;
    s += 10;
    if (read_number(&s, "v=", &version) < 0 || version != ARGON2_VERSION_13 ||
        read_number(&s, "$m=", &h->params.memory_kib) < 0 ||
        read_number(&s, ",t=", &h->params.iterations) < 0 ||
        read_number(&s, ",p=", &h->params.parallelism) < 0 || *s++ != '$' ||
        read_b64(&s, h->salt, &h->salt_len) < 0 || *s++ != '$' ||
        read_b64(&s, h->hash, &h->hash_len) < 0 || *s)
        return -1;
    if (h->salt_len < 8 || h->hash_len < 16 ||
        !ec_password_params_valid(&h->params))
        return -1;
    return 0;
}

int
ec_password_params_of(const char *stored, struct ec_password_params *p)
{
    struct phc h;

    if (phc_parse(stored, &h) < 0)
        return EC_ERR_INTERNAL;
    *p = h.params;
    return 0;
}

int
ec_password_verify(const char *stored, const char *pw, size_t len)
{
    unsigned char got[RAW_MAX];
    struct phc h;
    int rc;

    if (phc_parse(stored, &h) < 0) {
        ec_log_error("password: a stored hash is not an argon2id PHC string "
                     "within bounds");
        return EC_ERR_INTERNAL;
    }
    if (!ec_password_acceptable(pw, len))
        return 0;
    rc = argon2id_hash_raw(h.params.iterations, h.params.memory_kib,
                           h.params.parallelism, pw, len, h.salt, h.salt_len,
                           got, h.hash_len);
    if (rc != ARGON2_OK) {
        ec_log_error("password: argon2id: %s", argon2_error_message(rc));
        return EC_ERR_INTERNAL;
    }
    rc = ec_mem_equal(got, h.hash, h.hash_len);
    explicit_bzero(got, sizeof(got));
    return rc;
}

int
ec_password_needs_rehash(const char *stored,
                         const struct ec_password_params *want)
{
    struct phc h;

    if (phc_parse(stored, &h) < 0)
        return 1;
    return h.params.memory_kib != want->memory_kib ||
           h.params.iterations != want->iterations ||
           h.params.parallelism != want->parallelism ||
           h.salt_len != EC_PASSWORD_SALT_LEN ||
           h.hash_len != EC_PASSWORD_RAW_LEN;
}

void
ec_password_dummy(const struct ec_password_params *p,
                  char out[EC_PASSWORD_HASH_SIZE])
{
    /* 16 bytes of salt and 32 of hash, as ec_password_hash() makes them;
       the hash is all zero bits, which no argon2id output is in practice */
    snprintf(out, EC_PASSWORD_HASH_SIZE,
             "$argon2id$v=19$m=%u,t=%u,p=%u$ZHVtbXkgc2FsdCwgMTYgQg"
             "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
             p->memory_kib, p->iterations, p->parallelism);
}
