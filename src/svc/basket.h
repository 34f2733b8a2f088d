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
 *     (svc/number.h) with the basket id as owner; the lock is taken before
 *     the line is written and released if the write fails.
 */
#ifndef EC_SVC_BASKET_H
#define EC_SVC_BASKET_H

#include <stddef.h>
#include <stdint.h>

#include "svc/catalog.h"
#include "svc/number.h"

struct ec_arena;
struct ec_kv;
struct json_object;

#define EC_BASKET_ID_SIZE 33                      /* 32 hex digits, NUL */
#define EC_BASKET_LINE_ID_SIZE 17                 /* 16 hex digits, NUL */
#define EC_BASKET_TTL_MS (2LL * 24 * 3600 * 1000) /* default: 2 days */
#define EC_BASKET_LOCK_TTL_MS (15LL * 60 * 1000)  /* default: 15 min */
#define EC_BASKET_LINES_MAX 10
#define EC_BASKET_ADDONS_MAX 8
#define EC_BASKET_KEY_SIZE 128

/* One subscription line. Strings point into the catalog or the JSON the
   line was parsed from (which must outlive it). */
struct ec_basket_line {
    char id[EC_BASKET_LINE_ID_SIZE];
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
    long long monthly_at_add;     /* monthly price when added (øre), or
                                     -1: unknown; for price-change notices */
};

/*
 * Check a line as a client sent it (a JSON object: sku, binding_months,
 * binding_accepted, sim_type, addons, msisdn | porting:{msisdn}) against
 * channel ch of catalog c, without I/O. Returns 0 with *out filled (id,
 * times left zero), or a negative ec_err with the field in *field and a
 * message for people in *message (static strings):
 *   EC_ERR_INVALID_FIELD "sku" (not offered in ch, or an add-on),
 *   "binding_months", "binding_accepted", "msisdn", "porting";
 *   EC_ERR_SIM_TYPE_NOT_ALLOWED "sim_type";
 *   EC_ERR_ADDON_INCOMPATIBLE "addons".
 * Whether the number is free is decided by the lock, not here.
 */
int ec_basket_line_check(const struct ec_catalog *c,
                         const struct ec_channel *ch, struct json_object *j,
                         struct ec_basket_line *out, const char **field,
                         const char **message);

/* A basket as read: lines is a json-c array owned by doc. */
struct ec_basket {
    char id[EC_BASKET_ID_SIZE];
    long long version;       /* 0: no such basket (yet) */
    struct json_object *doc; /* owned by the arena it was read into */
    struct json_object *lines;
};

/* 1 if s is a well-formed basket id, else 0. */
int ec_basket_id_valid(const char *s);

/* A fresh random basket id into id. */
void ec_basket_new_id(char id[EC_BASKET_ID_SIZE]);

/*
 * Read basket id of tenant slug into *b (the document is released with
 * arena a). A missing basket is not an error: b->version is 0 and its
 * lines empty. Returns 0, EC_ERR_UNAVAILABLE, or EC_ERR_INTERNAL for a
 * stored document that is not a basket.
 */
int ec_basket_load(struct ec_kv *kv, const char *slug, const char *id,
                   struct ec_arena *a, struct ec_basket *b);

/* The JSON object of line l as stored in the basket (a new reference). */
struct json_object *ec_basket_line_to_json(const struct ec_basket_line *l);

/*
 * Store b->lines as the basket's new content if the stored version is
 * still b->version (0: the basket must not exist yet), with a TTL of
 * ttl_ms from now. Returns 0 and sets b->version to the new version;
 * EC_ERR_VERSION_CONFLICT when someone wrote in between (or the basket
 * expired under us); EC_ERR_UNAVAILABLE; EC_ERR_INTERNAL.
 */
int ec_basket_save(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                   long long ttl_ms);

/*
 * Add line l to basket b (read by ec_basket_load) and save it: the locks
 * the basket's other lines still hold get a fresh lock_ttl_ms (activity
 * keeps them); the number of the line, if any, is locked first for
 * lock_ttl_ms and released again when the save fails. On success l->id and
 * l->lock_expires_at are set. Returns 0; EC_ERR_NUMBER_TAKEN when another
 * basket (or this one) holds the number; EC_ERR_INVALID_FIELD when the basket
 * is full; EC_ERR_VERSION_CONFLICT; EC_ERR_UNAVAILABLE.
 */
int ec_basket_add(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                  struct ec_basket_line *l, long long ttl_ms,
                  long long lock_ttl_ms);

/*
 * Remove line line_id from basket b and save it (TTL ttl_ms), then release the
 * line's number lock at once. Returns 0, EC_ERR_NOT_FOUND when the basket has
 * no such line, or as ec_basket_save().
 */
int ec_basket_remove(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                     const char *line_id, long long ttl_ms);

#endif
