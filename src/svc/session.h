/*
 * The session service: what the server keeps for a visitor's session, in
 * Redis, once the visitor changed something. The id comes from the
 * session cookie (http/session_cookie.h), which the server issues and
 * signs on a GET without writing anything: the record is made at the
 * first change (the first basket line), so a page view costs no write.
 *
 * Invariants:
 *   - a session id is 64 lower-case hex digits; an account id 1 to 64 of
 *     [A-Za-z0-9_-];
 *   - the record is a hash under ecom:{<slug>}:session:<id> with the
 *     fields created (UTC ms it was made), basket (the id of the
 *     session's basket, svc/basket.h) and, once a customer signs in,
 *     account and name (the customer's, for the page header; written by
 *     the sign-in's basket merge, svc/account_basket.c); fields that are
 *     not set are absent;
 *   - a record lives idle_ms after the last time it was read or written
 *     (its TTL; settings session_idle_timeout); the absolute timeout
 *     (session_absolute_timeout) is the cookie's, checked before any
 *     record is read;
 *   - each account's sessions are listed in the set
 *     ecom:{<slug>}:account:<account>:sessions (ids whose record may have
 *     expired since), so that all of them can be revoked at once; the set
 *     lives absolute_ms after its last addition;
 *   - every key of a tenant carries the {<slug>} hash tag, so the scripts
 *     below, which build the keys of one tenant from a prefix, touch one
 *     Redis Cluster slot.
 */
#ifndef EC_SVC_SESSION_H
#define EC_SVC_SESSION_H

#include <stddef.h>

#include "svc/basket.h"

struct ec_arena;
struct ec_kv;

#define EC_SESSION_ID_LEN 64
#define EC_SESSION_ACCOUNT_SIZE 65 /* up to 64 characters, NUL */

/* A session record as read; all empty (stored 0) when there is none. */
struct ec_session {
    int stored;                            /* a record exists */
    long long created_ms;                  /* when it was made */
    char basket[EC_BASKET_ID_SIZE];        /* "" = no basket yet */
    char account[EC_SESSION_ACCOUNT_SIZE]; /* "" = a guest */
};

/*
 * The key of session id's record of tenant slug into out (size bytes),
 * for a script of another service that makes or reads the record in the
 * same step (svc/basket.h, ec_basket_add_claimed()). 0, or
 * EC_ERR_INVALID_FIELD for a malformed id or a key too long.
 */
int ec_session_record_key(char *out, size_t size, const char *slug,
                          const char *id);

/* 1 if s is a well-formed session id, else 0. */
int ec_session_id_valid(const char *s);

/* 1 if s is a well-formed account id, else 0. */
int ec_session_account_valid(const char *s);

/*
 * Read session id of tenant slug into *s, and start its idle time again
 * (one round trip). A missing record is no error (s->stored 0), nor is a
 * malformed id (it names nothing). 0, EC_ERR_UNAVAILABLE or
 * EC_ERR_INTERNAL.
 */
int ec_session_load(struct ec_kv *kv, const char *slug, const char *id,
                    long long idle_ms, struct ec_arena *a,
                    struct ec_session *s);

/*
 * The session's basket, read in one round trip with the session (whose
 * idle time starts again): into *b the basket the session names (version
 * 0 and no lines when it expired: the session keeps its id). When the
 * session names none, claim (a fresh basket id, or NULL) becomes its
 * basket, the record made if need be, and *b is that new empty basket;
 * without claim, *b is empty with id "". The caller of a change passes a
 * claim, a reader none, so a page view stores nothing. 0,
 * EC_ERR_UNAVAILABLE or EC_ERR_INTERNAL.
 */
int ec_session_basket(struct ec_kv *kv, const char *slug, const char *id,
                      const char *claim, long long idle_ms, struct ec_arena *a,
                      struct ec_basket *b);

/*
 * Attach account to session id (making the record if there is none) and
 * list the session under the account; a session moved from another
 * account leaves that account's list. The caller rotates the id first
 * (sign-in). 0 or as above.
 */
int ec_session_set_account(struct ec_kv *kv, const char *slug, const char *id,
                           const char *account, long long idle_ms,
                           long long absolute_ms);

/*
 * Give session old_id's record the new id new_id, keeping its content
 * (basket, account, created) and its account's list current; old_id names
 * nothing afterwards. *moved is 1 when there was a record, 0 when there
 * was none (nothing to move: the new cookie is all). 0 or as above.
 */
int ec_session_rotate(struct ec_kv *kv, const char *slug, const char *old_id,
                      const char *new_id, long long idle_ms, int *moved);

/*
 * Delete every session of account (sign-out everywhere, a password
 * change): their cookies name nothing afterwards. *n (may be NULL) gets
 * how many ids were listed. 0 or as above.
 */
int ec_session_revoke_account(struct ec_kv *kv, const char *slug,
                              const char *account, long long *n);

#endif
