/*
 * The number pool as the admin panel's staff see and tend it
 * (docs/admin.md, "The number pool"; MANAGE): a search of the tenant's
 * pool with each number's status and, for a number held in a basket now,
 * when its lock ends; the pool's counts; a free number taken out of sale
 * (quarantined) and put back; a stuck lock released.
 *
 * Invariants:
 *   - every read and write names the tenant, and a lock key is built from
 *     the tenant's own slug (ec_number_lock_key()): another tenant's
 *     number is not found (EC_ERR_NOT_FOUND);
 *   - a sold number (status assigned) is never moved nor unlocked
 *     (EC_ERR_CONFLICT, why "sold"): checkout's conditional update is what
 *     decides a sale, and nothing here may undo one;
 *   - every move is one audit row (object "number", the number; before
 *     and after: status and whether it is locked) in the move's
 *     transaction; a move that changes nothing records nothing;
 *   - a lock is released only if it is still the one read (compare and
 *     delete, as the basket releases its own), so a lock that lapsed and
 *     went to another basket meanwhile is left alone;
 *   - after a move the workers are told (svc/invalidate.h, numbers).
 */
#ifndef EC_SVC_NUMBER_ADMIN_H
#define EC_SVC_NUMBER_ADMIN_H

#include <stddef.h>

#include "svc/audit.h"
#include "svc/number.h"

struct ec_arena;
struct ec_db;
struct ec_kv;

#define EC_NUMBER_ADMIN_PAGE 50       /* numbers a page of the search */
#define EC_NUMBER_ADMIN_DIGITS_MAX 15 /* digits a search takes */
#define EC_NUMBER_ADMIN_LOCK_SEEN_SIZE 17

/* What a search asks for by status. */
enum ec_number_admin_status {
    EC_NUMBER_ADMIN_ANY,
    EC_NUMBER_ADMIN_FREE,        /* available, not locked now */
    EC_NUMBER_ADMIN_LOCKED,      /* locked in a basket now (Redis) */
    EC_NUMBER_ADMIN_SOLD,        /* assigned */
    EC_NUMBER_ADMIN_QUARANTINED, /* out of sale */
    EC_NUMBER_ADMIN__NSTATUS
};

/* "any", "free", "locked", "sold", "quarantined": index = enum value. */
extern const char *const ec_number_admin_statuses[];

struct ec_number_admin_query {
    /* digits to look for ("" = any); with a leading '+' they are matched
       from the start of the whole number, country code included, else in
       the national number (after +45) */
    char digits[EC_NUMBER_ADMIN_DIGITS_MAX + 2];
    int prefix; /* 1: the national number starts with them; 0: contains */
    enum ec_number_admin_status status;
    char after[EC_NUMBER_SIZE]; /* the page after this number ("": first) */
};

/*
 * A search's parameters as a GET form sends them (NULL or "" for any):
 * digits (spaces ignored, an optional leading '+', 1 to 15 digits), match
 * ("contains" or "starts"), status (ec_number_admin_statuses) and after
 * (a number, the previous page's last). 0 with *q, or
 * EC_ERR_INVALID_FIELD with the parameter's name in *field (q then holds
 * what could be read, the bad parameter's default).
 */
int ec_number_admin_query_parse(struct ec_number_admin_query *q,
                                const char *digits, const char *match,
                                const char *status, const char *after,
                                const char **field);

/* One number of a search. */
struct ec_number_admin_row {
    char msisdn[EC_NUMBER_SIZE];
    char status[16];   /* available, assigned or quarantined */
    int locked;        /* held by a basket now */
    long long lock_ms; /* locked: ms until the lock ends (-1: never) */
    /* locked: which lock, for an unlock to name the one seen (16 hex
       digits of the SHA-1 of its owner: not the basket's id) */
    char lock_seen[EC_NUMBER_ADMIN_LOCK_SEEN_SIZE];
};

struct ec_number_admin_page {
    struct ec_number_admin_row rows[EC_NUMBER_ADMIN_PAGE];
    size_t n;
    char next[EC_NUMBER_SIZE]; /* after= of the next page; "" when none */
    int incomplete; /* "locked": the walk of the locks stopped early */
};

/*
 * The numbers of tenant tenant_id (slug) matching q, by number, at most
 * EC_NUMBER_ADMIN_PAGE after q->after, into *page, each with its lock
 * (one script call a 16 numbers: their PTTL). "locked" walks the tenant's
 * lock keys (ec_number_locked_each()); "free" skips locked numbers, and
 * reads on until the page is full (a page may hold fewer when most of the
 * pool is locked, with next set all the same). 0 or a store error.
 */
int ec_number_admin_search(struct ec_db *db, struct ec_kv *kv,
                           long long tenant_id, const char *slug,
                           const struct ec_number_admin_query *q,
                           struct ec_arena *a,
                           struct ec_number_admin_page *page);

struct ec_number_admin_counts {
    long long available, assigned, quarantined;
    long long locked;    /* locks held now (Redis) */
    int locked_complete; /* 0: locked is a lower bound */
};

/* The tenant's pool by status (one grouped read of its index) and the
   locks held now (ec_number_locked_count()). 0 or a store error. */
int ec_number_admin_counts(struct ec_db *db, struct ec_kv *kv,
                           long long tenant_id, const char *slug,
                           struct ec_number_admin_counts *out);

enum ec_number_admin_move {
    EC_NUMBER_ADMIN_QUARANTINE, /* available -> quarantined */
    EC_NUMBER_ADMIN_RELEASE,    /* quarantined -> available */
    EC_NUMBER_ADMIN_UNLOCK      /* the lock in Redis released */
};

/*
 * Make move on tenant tenant_id's (slug) number msisdn, audited as who
 * (object "number", msisdn; action "quarantine", "release" or "unlock"),
 * then tell the workers (kv). An unlock releases the lock lock_seen names
 * (NULL: whichever is held). 0 with *changed (0: the number was so
 * already, e.g. not locked; nothing recorded); EC_ERR_NOT_FOUND (not the
 * tenant's number, or not a number); EC_ERR_CONFLICT with *why "sold"
 * (a sold number is neither moved nor unlocked) or "lock_changed" (an
 * unlock whose lock_seen, a row's, names another lock than the one held
 * now: it lapsed and the number was locked again); or a store error, with
 * nothing changed. A quarantined number that a basket still holds keeps
 * its lock: checkout will not sell it (its update wants "available").
 */
int ec_number_admin_move(struct ec_db *db, struct ec_kv *kv,
                         long long tenant_id, const char *slug,
                         const char *msisdn, enum ec_number_admin_move move,
                         const char *lock_seen,
                         const struct ec_audit_actor *who, int *changed,
                         const char **why);

#endif
