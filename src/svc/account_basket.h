/*
 * The account's basket, and the guest basket joining it at sign-in. See
 * docs/identity.md ("The basket at sign-in").
 *
 * Invariants:
 *   - an account's basket is named by the key
 *     ecom:{<slug>}:account:<account>:basket (its basket id), which lives
 *     EC_ACCOUNT_BASKET_KEEP_MS longer than a basket may; a key that names
 *     an expired basket names an empty one, whose id is used again;
 *   - at sign-in the session's basket (a guest's) joins the account's in
 *     one Redis script, a compare-and-set on both baskets' versions: the
 *     lines that fit are appended to the account's basket, and the locks
 *     of their numbers that the guest basket holds get the account
 *     basket's id as their value, their TTL kept (SET ... KEEPTTL), so
 *     there is no moment when such a number is free; the guest basket is
 *     deleted; the session then names the account's basket;
 *   - a line that cannot join (the basket is full, holds as many numbers
 *     as it may, or holds the same number) is set aside with its reason
 *     in ecom:{<slug>}:aside:<basket> (a list of JSON texts
 *     {"line":{...},"reason":"lines"|"numbers"|"same_number"}, the
 *     basket's TTL, at most EC_BASKET_LINES_MAX entries), and its number's
 *     lock, when the guest basket holds it, is released in the same
 *     script (no lock without its line), as is the client's record of
 *     holding it;
 *   - when the account has no basket (or an expired one), the guest basket
 *     becomes the account's: nothing moves, and its locks stay as they
 *     are; when neither has one, the session is given the account's basket
 *     id (fresh when it never had one), so the first change starts it;
 *   - a session that belongs to another account already (a second sign-in
 *     in one browser) brings nothing: its basket is that account's.
 */
#ifndef EC_SVC_ACCOUNT_BASKET_H
#define EC_SVC_ACCOUNT_BASKET_H

#include <stddef.h>

#include "svc/basket.h"

struct ec_arena;
struct ec_kv;
struct json_object;

/* the account's pointer outlives its basket by this much */
#define EC_ACCOUNT_BASKET_KEEP_MS (30LL * 24 * 3600 * 1000)
/* the most lines kept aside in one basket's list */
#define EC_MERGE_ASIDE_MAX 10

/* What a sign-in did to the baskets. */
struct ec_basket_merge {
    char basket[EC_BASKET_ID_SIZE]; /* the session's basket now */
    int adopted;                    /* the guest basket became the account's */
    unsigned joined;                /* guest lines that joined */
    unsigned moved;                 /* number locks given to the account's */
    /* the guest lines set aside this time, [{"line":{...},"reason":...}],
       a json-c array released with the arena passed in */
    struct json_object *set_aside;
};

/*
 * Join the basket of session id (its record read now; the caller rotated
 * the id and attaches the account afterwards, svc/session.h) to the
 * basket of account (an account id as svc/session.h takes it) of tenant
 * slug, under policy p (its ttl_ms, numbers_max and, when p->rate.client
 * is set, that client's record of held locks), and store name (the
 * account's display name, for the page header) in the session record.
 * Tried again when a basket changed under it (at most a few times).
 * Returns 0 with *out; EC_ERR_VERSION_CONFLICT when the baskets kept
 * changing; EC_ERR_UNAVAILABLE; EC_ERR_INTERNAL.
 */
int ec_account_basket_merge(struct ec_kv *kv, const char *slug, const char *id,
                            const char *account, const char *name,
                            long long idle_ms, const struct ec_basket_policy *p,
                            struct ec_arena *a, struct ec_basket_merge *out);

/*
 * The lines set aside into basket id (a json-c array as stored, oldest
 * first; an empty one when there are none), released with arena a. 0 or
 * EC_ERR_UNAVAILABLE.
 */
int ec_account_basket_aside(struct ec_kv *kv, const char *slug, const char *id,
                            struct ec_arena *a, struct json_object **out);

/* Forget the lines set aside into basket id (the customer read them). */
int ec_account_basket_aside_clear(struct ec_kv *kv, const char *slug,
                                  const char *id);

#endif
