/*
 * Which staff member a session is signed in as (docs/admin.md): two
 * fields of the session's record (svc/session.h), apart from the
 * customer's account, so that a customer and a staff member signing in
 * in one browser never stand for each other.
 *
 * Invariants:
 *   - staff holds the id of a user who passed every step of the sign-in
 *     (password, and the second factor when enrolled); only this field
 *     makes a staff session, and the dispatcher reads the user again
 *     from MySQL on each admin request;
 *   - staff_pending holds "<id>:<UTC ms>" of a user who gave a good
 *     password and still owes a second-factor code: it grants nothing,
 *     and is good for EC_STAFF_PENDING_MS after that time;
 *   - a record holds at most one of the two; setting one deletes the
 *     other; both go with the record (its idle TTL, a customer's
 *     sign-out).
 */
#ifndef EC_SVC_STAFF_SESSION_H
#define EC_SVC_STAFF_SESSION_H

struct ec_arena;
struct ec_kv;

/* How long a half-signed-in session waits for its code: 5 minutes. */
#define EC_STAFF_PENDING_MS (5LL * 60 * 1000)

struct ec_staff_session {
    long long staff;      /* signed in as; 0: not */
    long long pending;    /* owes a code; 0: not */
    long long pending_ms; /* when the password was good (UTC ms) */
};

/*
 * The staff fields of session id of tenant slug into *s (all 0 when the
 * record, or the id, names none), its idle time started again: one round
 * trip. 0, EC_ERR_UNAVAILABLE or EC_ERR_INTERNAL.
 */
int ec_staff_session_read(struct ec_kv *kv, const char *slug, const char *id,
                          long long idle_ms, struct ec_arena *a,
                          struct ec_staff_session *s);

/*
 * Mark session id (the record made if there is none) as signed in as
 * staff member staff_id, or, when pending is non-zero, as owing that
 * user's code since now_ms. 0, EC_ERR_INVALID_FIELD (a malformed id) or
 * a store error.
 */
int ec_staff_session_set(struct ec_kv *kv, const char *slug, const char *id,
                         long long staff_id, int pending, long long now_ms,
                         long long idle_ms);

/* Take the staff fields off session id (sign-out); the rest of the
   record (basket, customer) stays. 0 or a store error. */
int ec_staff_session_clear(struct ec_kv *kv, const char *slug, const char *id);

#endif
