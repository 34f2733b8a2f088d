/*
 * The basket service: what a customer is configuring, kept in Redis as
 * one JSON document per basket under ecom:{<slug>}:basket:<id>.
 *
 * Invariants:
 *   - a basket id is 32 lower-case hex digits (128 random bits); it is the
 *     only secret that names a guest's basket;
 *   - the document is {"version":N,"lines":[...]} with "version" first;
 *     N starts at 1 and grows by one with every write, which is a
 *     compare-and-set by version in one Lua script, so two writers never
 *     silently overwrite each other; every write refreshes the TTL;
 *   - a line that carries a number holds (or held) the number's lock
 *     (svc/number.h) with the basket id as owner; locks are taken,
 *     extended and released in the same script that writes the basket, so
 *     there is never a lock without its line.
 */
#ifndef EC_SVC_BASKET_H
#define EC_SVC_BASKET_H

#include <stddef.h>
#include <stdint.h>

#include "svc/catalog.h"
#include "svc/number.h"
#include "svc/promotion.h"

struct ec_arena;
struct ec_kv;
struct json_object;

#define EC_BASKET_ID_SIZE 33      /* 32 hex digits, NUL */
#define EC_BASKET_LINE_ID_SIZE 17 /* 16 hex digits, NUL */
#define EC_BASKET_LINES_MAX 10
#define EC_BASKET_ADDONS_MAX 8
#define EC_BASKET_KEY_SIZE 128

/* One subscription line. Strings point into the catalog or the JSON the
   line was parsed from (which must outlive it). */
struct ec_basket_line {
    char id[EC_BASKET_LINE_ID_SIZE];
    const char *channel; /* code of the channel it was chosen in */
    const char *sku;
    int binding_months;
    int binding_accepted;
    enum ec_sim_type sim;
    const char *addons[EC_BASKET_ADDONS_MAX];
    size_t naddons;
    char msisdn[EC_NUMBER_SIZE];  /* "" = no number from the pool */
    char porting[EC_NUMBER_SIZE]; /* "" = not porting */
    int64_t added_at;             /* UTC seconds */
    int64_t lock_expires_at;      /* UTC ms of the lock taken, or 0 */
    int64_t lock_taken_at;        /* UTC ms the number's lock was first
                                     taken (extensions do not move it), or
                                     0 without a number */
    long long monthly_at_add;     /* monthly price when added (øre), or
                                     -1: unknown; for price-change notices */
};

/*
 * Check a line as a client sent it (a JSON object: sku, binding_months,
 * binding_accepted, sim_type, addons, msisdn | porting:{msisdn}; null is
 * as absent) against channel ch of catalog c, without I/O, with the JSON
 * checker of core/check.h. The line belongs to ch from then on: it is
 * priced there, and a change to it is checked there. Returns 0 with *out
 * filled (id, times left zero), or a negative ec_err with the top-level
 * field that broke a rule in *field and the checker's path and message in
 * *message ("$.addons[1]: EU does not fit this plan here"), both in a:
 *   EC_ERR_INVALID_FIELD "sku" (not a plan offered in ch; also for a line
 *   that is not an object), "binding_months", "binding_accepted",
 *   "sim_type", "addons", "msisdn", "porting";
 *   EC_ERR_SIM_TYPE_NOT_ALLOWED "sim_type";
 *   EC_ERR_ADDON_INCOMPATIBLE "addons".
 * Whether the number is free is decided by the lock, not here.
 */
int ec_basket_line_check(const struct ec_catalog *c,
                         const struct ec_channel *ch, struct json_object *j,
                         struct ec_basket_line *out, struct ec_arena *a,
                         const char **field, const char **message);

/*
 * How long a basket and its numbers live, and how much one customer may
 * reserve (settings basket_ttl, number_lock_ttl, basket_numbers_max,
 * number_lock_rate, number_holds_max, number_hold_max, basket_new_rate).
 * The per-client limits count rate.client (a client key, http/client.h);
 * with rate.client NULL none of them applies.
 */
struct ec_basket_policy {
    long long ttl_ms;           /* the basket, from its last change */
    long long lock_ttl_ms;      /* its numbers' locks, from the last change */
    unsigned numbers_max;       /* lines holding a number from the pool */
    struct ec_number_rate rate; /* new locks per client address, in a
                                   window of rate.window_ms */
    unsigned holds_max;         /* locks one client holds at once, over all
                                   its baskets; 0: no limit */
    long long hold_max_ms;      /* a lock lives at most this long from when
                                   it was first taken, however often it is
                                   extended; 0: no limit */
    unsigned baskets_rate;      /* new baskets per client in a window of
                                   rate.window_ms; 0: no limit */
};

/*
 * The policy for one client into p: base with the per-client limits
 * counted against client, or none when client is NULL or empty (a client
 * exempt from them, or one whose address is unknown).
 */
void ec_basket_policy_for(const struct ec_basket_policy *base,
                          const char *client, struct ec_basket_policy *p);

/* A basket as read: lines is a json-c array owned by doc. */
struct ec_basket {
    char id[EC_BASKET_ID_SIZE];
    long long version;       /* 0: no such basket (yet) */
    struct json_object *doc; /* owned by the arena it was read into */
    struct json_object *lines;
    long retry_after; /* seconds until a change refused with
                         EC_ERR_RATE_LIMITED may succeed */
};

/* The string member k of a stored line (or any object), or NULL when it
   is absent or not a string. */
const char *ec_basket_line_str(struct json_object *o, const char *k);

/* 1 if s is a well-formed basket id, else 0. */
int ec_basket_id_valid(const char *s);

/* A fresh random basket id into id. */
void ec_basket_new_id(char id[EC_BASKET_ID_SIZE]);

/* An empty basket with a fresh random id, not yet stored (version 0),
   released with arena a. */
void ec_basket_init_new(struct ec_basket *b, struct ec_arena *a);

/*
 * Read basket id of tenant slug into *b (the document is released with
 * arena a). A missing basket is not an error: b->version is 0 and its
 * lines empty. Returns 0, EC_ERR_UNAVAILABLE, or EC_ERR_INTERNAL for a
 * stored document that is not a basket.
 */
int ec_basket_load(struct ec_kv *kv, const char *slug, const char *id,
                   struct ec_arena *a, struct ec_basket *b);

/*
 * Basket id of tenant slug from its stored document text (NULL: there is
 * none, b->version 0 and its lines empty) into *b, as ec_basket_load()
 * does after reading it. 0 or EC_ERR_INTERNAL.
 */
int ec_basket_from_text(const char *slug, const char *id, const char *text,
                        struct ec_arena *a, struct ec_basket *b);

/* The JSON object of line l as stored in the basket (a new reference). */
struct json_object *ec_basket_line_to_json(const struct ec_basket_line *l);

/*
 * Store b->lines as the basket's new content if the stored version is
 * still b->version (0: the basket must not exist yet), with a TTL of
 * p->ttl_ms from now, keeping the locks of its numbers (as
 * ec_basket_add() does): a compare-and-set in one Redis script. Returns 0
 * and sets b->version to the new version; EC_ERR_VERSION_CONFLICT when
 * someone wrote in between (or the basket expired under us);
 * EC_ERR_UNAVAILABLE; EC_ERR_INTERNAL.
 */
int ec_basket_save(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                   const struct ec_basket_policy *p);

/*
 * The stored line line_id of basket b, or NULL; *index (may be NULL) gets
 * its position.
 */
struct json_object *ec_basket_find_line(const struct ec_basket *b,
                                        const char *line_id, size_t *index);

/*
 * Which of basket b's first nheld lines still hold their number's lock, in
 * one round trip (one MGET): held[i] is 1 when line i has a number and b
 * holds its lock, else 0. held has room for nheld entries; lines past
 * them (a stored basket longer than EC_BASKET_LINES_MAX, which no change
 * makes) are not looked at, as ec_basket_view_build() cuts them. 0 or
 * EC_ERR_UNAVAILABLE.
 */
int ec_basket_locks_held(struct ec_kv *kv, const char *slug,
                         const struct ec_basket *b, struct ec_arena *a,
                         int *held, size_t nheld);

/*
 * Add line l to basket b (read by ec_basket_load) and save it under policy
 * p. Every change of a basket is one Redis script (one round trip) that
 * stores the basket and settles its locks together, or does nothing:
 *   - the number of the new line, if any, is locked (counted against the
 *     client's rate);
 *   - basket activity keeps the basket's numbers: the locks its other
 *     lines hold get a fresh TTL, and a lock that ran out is taken again
 *     if nobody else took the number (another basket's is left alone).
 * On success l->id, l->added_at and l->lock_expires_at are set. Returns
 * 0, or:
 *   EC_ERR_BASKET_LIMIT with *field and *message: the basket is full
 *     ("lines"), or holds p->numbers_max numbers already ("msisdn");
 *   EC_ERR_NUMBER_TAKEN: another basket (or this one) holds the number;
 *   EC_ERR_RATE_LIMITED with *field, *message and b->retry_after: the
 *     client took p->rate.max new numbers this window ("msisdn"), holds
 *     p->holds_max numbers already ("msisdn"; retry when its first lock
 *     ends), or, for a new basket, started p->baskets_rate baskets this
 *     window (no field);
 *   EC_ERR_VERSION_CONFLICT; EC_ERR_UNAVAILABLE.
 * A lock lives p->lock_ttl_ms from the change, but never longer than
 * p->hold_max_ms from when it was first taken: keeping a basket cannot
 * hold a number for ever. A lapsed lock is taken again only within that
 * time, and only while the client holds fewer than p->holds_max.
 */
int ec_basket_add(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                  struct ec_basket_line *l, const struct ec_basket_policy *p,
                  const char **field, const char **message);

/*
 * A session's first change: the session's record (a key of
 * svc/session.h, a hash) names the basket the change makes, in the same
 * Redis script, so the change costs one round trip like a cookie-less
 * basket's did. The script sets the record's fields created and basket
 * only when the change succeeds, so a refused change stores no session.
 */
struct ec_basket_claim {
    const char *record;     /* the session record's key */
    long long idle_ms;      /* its idle timeout (a fresh TTL) */
    struct ec_arena *arena; /* the basket it names already is read here */
};

/* ec_basket_add_claimed(): the session names a basket already. */
#define EC_BASKET_NAMED 1

/*
 * Add line l to a new basket (*b made here, with a fresh id) that the
 * session of claim takes as its basket in the same step, as
 * ec_basket_add() does otherwise. When the session names a basket
 * already, nothing is written and EC_BASKET_NAMED is returned with *b
 * that basket as stored (version 0 and no lines when it expired): the
 * caller adds to it with ec_basket_add(). Returns 0, EC_BASKET_NAMED, or
 * as ec_basket_add().
 */
int ec_basket_add_claimed(struct ec_kv *kv, const char *slug,
                          const struct ec_basket_claim *claim,
                          struct ec_basket *b, struct ec_basket_line *l,
                          const struct ec_basket_policy *p, const char **field,
                          const char **message);

/*
 * Replace line line_id of basket b by l (checked by
 * ec_basket_line_check(); it keeps the stored id and added_at) and save,
 * as ec_basket_add() does; a new number is locked and the old one released
 * (if the basket still holds it) in the same script. Returns as
 * ec_basket_add(), or EC_ERR_NOT_FOUND when the basket has no such line.
 */
int ec_basket_update(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                     const char *line_id, struct ec_basket_line *l,
                     const struct ec_basket_policy *p, const char **field,
                     const char **message);

/*
 * Remove line line_id from basket b and save it, releasing the line's
 * number lock (if the basket holds it) in the same script; the other
 * lines' locks are kept as by ec_basket_add(). Returns 0, EC_ERR_NOT_FOUND
 * when the basket has no such line, or as ec_basket_save().
 */
int ec_basket_remove(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                     const char *line_id, const struct ec_basket_policy *p);

/*
 * Basket activity without a change (the customer asks to keep the
 * numbers): extend the locks as ec_basket_add() does and save, which also
 * renews the basket's TTL. Returns as ec_basket_save().
 */
int ec_basket_touch(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                    const struct ec_basket_policy *p);

/*
 * Basket b was ordered (svc/order.h): store it empty, with a note of the
 * sale ({"sold": {"key", "basket", "order"}}: the checkout's
 * Idempotency-Key, the digest of the lines sold and the order's id), so
 * a retry of that checkout is still recognised while a reload offers
 * nothing to buy again; and give up the locks of its numbers, which MySQL
 * now has as assigned (each only if b still holds it; the client's
 * count of held locks drops with them). The identity record stays. One
 * script, a compare-and-set by version like every change. Returns as
 * ec_basket_save().
 */
int ec_basket_sold(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                   const struct ec_basket_policy *p, const char *key,
                   const char *digest, const char *order_id);

/*
 * The note ec_basket_sold() left on b: the Idempotency-Key and the
 * digest of the lines sold (pointers into b's document), or 0 when it
 * has none.
 */
int ec_basket_sold_note(const struct ec_basket *b, const char **key,
                        const char **digest);

/* ---- what a basket costs now ---- */

/* An add-on of a line, priced now in the line's channel. */
struct ec_basket_view_addon {
    const char *sku;
    const char *name; /* the channel's display name */
    long long monthly_now;
    long long one_time;
    long long min_total; /* one-time fees + monthly_now for the plan's
                            minimum term: it runs as long as the plan */
};

/*
 * One stored line as the customer sees it now. offer NULL means the plan
 * is no longer offered as chosen (unknown, hidden, or without the chosen
 * binding or SIM type in its channel): it then has no price, and adds
 * nothing to the totals.
 */
struct ec_basket_view_line {
    struct json_object *stored;       /* the line as stored (the basket's) */
    const char *id;                   /* "" when the stored line has none */
    const struct ec_channel *channel; /* the one it was chosen in, while the
                                         catalog has it; else the caller's */
    const struct ec_offer *offer;
    const struct ec_promotion_breakdown *plan; /* the plan's price */
    struct ec_basket_view_addon addons[EC_BASKET_ADDONS_MAX];
    size_t naddons;
    int addon_unavailable; /* an add-on is no longer offered here */
    long long monthly_now; /* plan and add-ons */
    long long one_time;
    long long min_total;
    int price_changed;    /* monthly_now differs from the price when chosen */
    int lock_held;        /* as the caller said (ec_basket_locks_held) */
    int binding_months;   /* as chosen */
    int binding_accepted; /* the customer accepted the binding */
    int needs_acceptance; /* bound (binding_months > 0) and not accepted:
                             the order cannot go through as it is */
    enum ec_sim_type sim; /* as chosen; 0 when the stored one is unknown */
    int has_number;       /* carries a number of the pool (msisdn) */
};

/*
 * A basket priced now: lines in their stored order, each with its plan's
 * breakdown from the promotion engine and its add-ons, and the totals.
 * The minimum total is, per line, the plan's minimum total price
 * (svc/promotion.h) plus each add-on's one-time fees and monthly price
 * for max(binding, 1) months. A line bound for more than 0 months needs
 * the customer's acceptance of the binding before it can be ordered
 * (needs_acceptance), priced or not. Pointers borrow from the catalog,
 * the basket and the arena the view was built with.
 */
struct ec_basket_view {
    struct ec_basket_view_line lines[EC_BASKET_LINES_MAX];
    size_t nlines;
    long long monthly_now;
    long long one_time;
    long long min_total;
    size_t needs_acceptance; /* lines whose binding awaits acceptance */
    int holds_numbers;       /* a line carries a number of the pool */
};

/*
 * Price basket b at instant at (UTC seconds) with catalog c, each line in
 * the channel it was chosen in (fallback when the catalog no longer has
 * it), into *v. held[i] (may be NULL: none held) is line i's lock state.
 * Breakdowns are allocated from a. A stored basket never holds more than
 * EC_BASKET_LINES_MAX lines; a longer one is cut. Pure: no I/O.
 */
void ec_basket_view_build(const struct ec_catalog *c,
                          const struct ec_channel *fallback,
                          const struct ec_basket *b, const int *held,
                          int64_t at, int vat_rate_bp, struct ec_arena *a,
                          struct ec_basket_view *v);

/*
 * What line l costs a month at instant at in channel ch (its plan and
 * add-ons, campaigns applied), or -1 when any of them is not offered as
 * chosen: what a line records as its price when chosen.
 */
long long ec_basket_line_monthly(const struct ec_catalog *c,
                                 const struct ec_channel *ch,
                                 const struct ec_basket_line *l, int64_t at,
                                 int vat_rate_bp, struct ec_arena *a);

#endif
