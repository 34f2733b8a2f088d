/*
 * Sign-in limits: failed attempts counted per account and per client
 * address in Redis, so guessing passwords is slow whoever guesses and
 * whichever account is guessed at. See docs/identity.md.
 *
 * Each counter is a fixed window: it starts with the first attempt
 * counted and lasts window_ms. An attempt takes one from both counters
 * before the password is checked (so thirty parallel guesses cannot all
 * pass a check before any is counted), and a successful sign-in gives it
 * back: the counters count failures. A refused attempt counts nothing,
 * so a window ends window_ms after it began however hard it is hammered.
 *
 * Keys (the tenant's hash tag, so a Redis Cluster keeps them on one
 * node, and a tenant's counters are its own):
 *   ecom:{<slug>}:signin:account:<hex SHA-256 of the normalised e-mail>
 *   ecom:{<slug>}:signin:client:<client key, http/client.h>
 * The e-mail is hashed: no address sits in Redis in clear, and an unknown
 * address is counted like a known one, so the limit does not tell them
 * apart either.
 */
#ifndef EC_SVC_SIGNIN_LIMIT_H
#define EC_SVC_SIGNIN_LIMIT_H

struct ec_kv;

struct ec_signin_limits {
    unsigned account_max; /* failures per account a window; 0: no limit */
    unsigned client_max;  /* failures per client address a window; 0: none */
    long long window_ms;  /* how long a window lasts */
};

/* Client keys longer than this are refused (http/client.h's are ~40). */
#define EC_SIGNIN_CLIENT_MAX 64

/*
 * Count one attempt at the account of email (normalised, or the text the
 * client sent when it is no address) from client (NULL or "": a client
 * exempt from the per-address limit) at tenant slug, unless a limit is
 * reached. Returns 0 (go on and check the password); EC_ERR_RATE_LIMITED
 * with *retry_ms, how long until the fuller counter's window ends; or
 * EC_ERR_UNAVAILABLE / EC_ERR_INTERNAL.
 */
int ec_signin_limit_take(struct ec_kv *kv, const struct ec_signin_limits *l,
                         const char *slug, const char *email,
                         const char *client, long long *retry_ms);

/* Give back the attempt ec_signin_limit_take() counted, after a
   successful sign-in (or one that a store failure cut short). 0 or an
   ec_err. */
int ec_signin_limit_give_back(struct ec_kv *kv,
                              const struct ec_signin_limits *l,
                              const char *slug, const char *email,
                              const char *client);

#endif
