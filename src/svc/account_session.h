/*
 * What a customer's session needs besides svc/session.h: signing out,
 * the name the page header shows, and the limit on password reset mails.
 * See docs/identity.md.
 *
 * Invariants:
 *   - a signed-in session's record (svc/session.h) holds the account's
 *     name in the field name, written at sign-in with its basket
 *     (svc/account_basket.h), read for the page header;
 *   - signing out deletes the record and takes its id off the account's
 *     list: the old cookie names nothing, and the browser continues as a
 *     new guest, without a basket (the basket stays the account's);
 *   - sign-ups are counted per client in a fixed window,
 *     ecom:{<slug>}:signup:client:<client key>, so harvesting which
 *     addresses have accounts (sign-up says so) stays slow;
 *   - reset mails are counted per address (the SHA-256 of the normalised
 *     e-mail, so no address sits in Redis in clear) and per client, in
 *     fixed windows: ecom:{<slug>}:reset:email:<hex> and
 *     ecom:{<slug>}:reset:client:<client key>.
 */
#ifndef EC_SVC_ACCOUNT_SESSION_H
#define EC_SVC_ACCOUNT_SESSION_H

#include "svc/session.h"

struct ec_arena;
struct ec_kv;

/* Who a session is signed in as, for the page header. */
struct ec_session_viewer {
    char account[EC_SESSION_ACCOUNT_SIZE]; /* "" = a guest */
    const char *name;                      /* in the arena; "" when unknown */
};

/*
 * The account and name of session id (one round trip, nothing written)
 * into *v; a guest, a missing record or a malformed id is an empty *v.
 * 0 or EC_ERR_UNAVAILABLE.
 */
int ec_session_viewer(struct ec_kv *kv, const char *slug, const char *id,
                      struct ec_arena *a, struct ec_session_viewer *v);

/*
 * Sign session id out: its record deleted, its id taken off its
 * account's list. *account (may be NULL; EC_SESSION_ACCOUNT_SIZE bytes)
 * gets the account it belonged to, "" for none. 0 or an ec_err.
 */
int ec_session_sign_out(struct ec_kv *kv, const char *slug, const char *id,
                        char *account);

/* Reset mails one address gets in a window (signin_window). */
#define EC_RESET_MAILS_MAX 3

/* How many reset mails a window allows. */
struct ec_reset_limits {
    unsigned email_max;  /* mails per address; 0: no limit */
    unsigned client_max; /* requests per client address; 0: no limit */
    long long window_ms;
};

enum ec_reset_verdict {
    EC_RESET_SEND,    /* go on: make a token, mail it */
    EC_RESET_QUIET,   /* the address had its mails: answer 202, send none */
    EC_RESET_REFUSED, /* the client asked too often: 429 */
};

/*
 * Count one reset request for email (normalised, or as sent when it is no
 * address) from client (NULL or "": exempt) at tenant slug, in one
 * script; nothing is counted when the client is refused. *verdict as
 * above, *retry_ms the time left of the client's window when refused.
 * 0 or an ec_err.
 */
int ec_reset_limit_take(struct ec_kv *kv, const struct ec_reset_limits *l,
                        const char *slug, const char *email, const char *client,
                        enum ec_reset_verdict *verdict, long long *retry_ms);

/*
 * Count one sign-up from client (NULL or "": exempt, nothing counted) at
 * tenant slug, at most max (0: no limit) in a window of window_ms that
 * starts with the first. 0; EC_ERR_RATE_LIMITED with *retry_ms, the time
 * left of the window (nothing counted); or an ec_err.
 */
int ec_signup_limit_take(struct ec_kv *kv, const char *slug, const char *client,
                         unsigned max, long long window_ms,
                         long long *retry_ms);

#endif
