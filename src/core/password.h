/*
 * ec_password: argon2id password hashes (libargon2) in the PHC string
 * format, "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>"
 * (salt and hash in unpadded base64), the format every argon2 library
 * reads. A stored hash names its own parameters, so hashes made before a
 * change of the configuration keep verifying; ec_password_needs_rehash()
 * says when one should be replaced. See docs/identity.md for the default
 * parameters and how they were chosen.
 *
 * Invariants:
 *   - a password is 10 to 128 bytes without NUL (ec_password_acceptable());
 *     nothing longer is ever hashed, so no client input sets the cost of
 *     a request;
 *   - a stored hash is only ever computed again with parameters within the
 *     EC_PASSWORD_*_MAX bounds, so a damaged or planted row cannot make a
 *     worker allocate gigabytes;
 *   - verification compares in constant time (ec_mem_equal), and its time
 *     depends only on the stored hash's parameters, not on the password.
 * No function here logs a password or a hash.
 */
#ifndef EC_CORE_PASSWORD_H
#define EC_CORE_PASSWORD_H

#include <stddef.h>

/*
 * 10 bytes at least: short passwords fall to guessing however slow the
 * hash. 128 at most: with slow hashes, long inputs are a known
 * denial-of-service vector (each attempt's cost grows with the input in
 * some constructions; bcrypt silently ignores all past 72 bytes), and a
 * passphrase of a dozen words fits. The JSON API and the forms refuse
 * anything outside these bounds before a hash is computed.
 */
#define EC_PASSWORD_MIN_LEN 10
#define EC_PASSWORD_MAX_LEN 128

/* Room for a PHC string of ours, NUL included (ours are about 100). */
#define EC_PASSWORD_HASH_SIZE 192

/* The largest parameters a stored hash may name to be computed at all. */
#define EC_PASSWORD_MEMORY_MAX (1024u * 1024u) /* KiB: 1 GiB */
#define EC_PASSWORD_ITERATIONS_MAX 64u
#define EC_PASSWORD_PARALLELISM_MAX 16u

/* Salt and raw hash lengths of new hashes, in bytes. */
#define EC_PASSWORD_SALT_LEN 16
#define EC_PASSWORD_RAW_LEN 32

struct ec_password_params {
    unsigned memory_kib;  /* m: memory per hash in KiB (>= 8 * lanes) */
    unsigned iterations;  /* t: passes over the memory */
    unsigned parallelism; /* p: lanes (threads) */
};

/* 1 if len bytes at pw make an acceptable password (bounds above, no NUL
   byte), else 0. */
int ec_password_acceptable(const char *pw, size_t len);

/*
 * Hash pw (len bytes) with params and a fresh random salt into out as a
 * PHC string. Returns 0; EC_ERR_INVALID_FIELD when pw is not acceptable
 * (nothing is hashed); EC_ERR_INTERNAL when params are out of bounds or
 * libargon2 fails (logged, without the password).
 */
int ec_password_hash(const struct ec_password_params *params, const char *pw,
                     size_t len, char out[EC_PASSWORD_HASH_SIZE]);

/*
 * 1 if pw (len bytes) matches the stored PHC string, 0 if it does not
 * (an unacceptable password never matches, and is not hashed);
 * EC_ERR_INTERNAL when stored is not an argon2id hash within the bounds
 * (logged without it).
 */
int ec_password_verify(const char *stored, const char *pw, size_t len);

/*
 * Read the parameters of a stored PHC string into params: 0, or
 * EC_ERR_INTERNAL when it is not a well-formed argon2id hash within the
 * bounds.
 */
int ec_password_params_of(const char *stored, struct ec_password_params *p);

/* 1 if stored was made with other parameters than params (or cannot be
   read): it should be hashed again at the next successful sign-in. */
int ec_password_needs_rehash(const char *stored,
                             const struct ec_password_params *params);

/*
 * A PHC string with params that no password matches (its salt and hash
 * are fixed bytes no argon2id output equals in practice), into out: for
 * verifying a password of an e-mail address that has no account, so that
 * the answer takes as long as for one that has. Costs nothing to make.
 */
void ec_password_dummy(const struct ec_password_params *params,
                       char out[EC_PASSWORD_HASH_SIZE]);

/* 1 if params are within the bounds libargon2 and this file accept. */
int ec_password_params_valid(const struct ec_password_params *params);

#endif
