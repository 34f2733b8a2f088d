/*
 * The audit log (sql/010_audit.sql, docs/admin.md): who changed what of a
 * tenant's data, when, and the object before and after.
 *
 * Invariants:
 *   - append-only: rows are only inserted, never changed or deleted
 *     (ecomd's database account has no UPDATE or DELETE on the table);
 *   - a row is written in the caller's transaction, beside the change it
 *     records, so a change that is rolled back leaves no row and a
 *     committed change always has its row;
 *   - every read names the tenant: a listing never shows another
 *     tenant's rows;
 *   - before and after are JSON (an object as the API shows it) or NULL
 *     where the object did not exist (before a create, after a delete).
 */
#ifndef EC_SVC_AUDIT_H
#define EC_SVC_AUDIT_H

#include <stddef.h>

struct ec_buf;
struct ec_db;
struct json_object;

enum ec_audit_actor_kind {
    EC_AUDIT_STAFF,   /* a staff member, in the panel */
    EC_AUDIT_API_KEY, /* a script with an API key */
    EC_AUDIT_CLI,     /* an operator's ecomctl */
    EC_AUDIT__NKINDS
};

/* "staff", "api_key", "cli", NULL: index = enum value. */
extern const char *const ec_audit_actor_kinds[];

/* Who made a change: kind, the staff user's or key's id (0 for none) and
   a label people recognise (an e-mail, a key's name). */
struct ec_audit_actor {
    enum ec_audit_actor_kind kind;
    long long id;
    const char *label;
};

/* An operator's ecomctl, as every command that changes something names
   itself. */
extern const struct ec_audit_actor ec_audit_cli;

/* Longest object type, object id, action and actor label stored. */
#define EC_AUDIT_TYPE_MAX 32
#define EC_AUDIT_ID_MAX 128
#define EC_AUDIT_ACTION_MAX 32
#define EC_AUDIT_LABEL_MAX 254

/*
 * Record that who did action ("create", "update", "retire", "delete",
 * "import", ...) to object object_type ("product", "campaign", "channel",
 * "numbers", ...) object_id of tenant_id, with the object before and
 * after (borrowed; NULL: it did not exist). In the caller's transaction.
 * Returns 0, EC_ERR_INTERNAL for a field too long to store (a bug of the
 * caller), or the database's error.
 */
int ec_audit_record(struct ec_db *db, long long tenant_id,
                    const struct ec_audit_actor *who, const char *object_type,
                    const char *object_id, const char *action,
                    struct json_object *before, struct json_object *after);

/* The most rows one listing answers, and how many when none is asked. */
#define EC_AUDIT_LIMIT_MAX 500
#define EC_AUDIT_LIMIT_DEFAULT 100

/* What a listing keeps; NULL or 0 fields do not filter. */
struct ec_audit_filter {
    const char *object_type;
    const char *object_id;
    int actor_kind; /* an enum ec_audit_actor_kind, or -1: any */
    const char *actor_label;
    long long from;      /* UTC seconds: at or after; 0: no bound */
    long long to;        /* UTC seconds: before; 0: no bound */
    long long before_id; /* rows older than this one (paging); 0: none */
    unsigned limit;      /* 1 to EC_AUDIT_LIMIT_MAX; 0: the default */
};

/* One row, borrowed for the call of an ec_audit_fn only. */
struct ec_audit_entry {
    long long id;
    const char *at; /* RFC 3339 in UTC with microseconds */
    const char *actor_kind;
    long long actor_id; /* 0: none */
    const char *actor_label;
    const char *object_type;
    const char *object_id;
    const char *action;
    const char *before; /* JSON text, or NULL */
    const char *after;  /* JSON text, or NULL */
};

/* Called per row of a listing; non-zero stops it. */
typedef int (*ec_audit_fn)(const struct ec_audit_entry *e, void *ctx);

/*
 * tenant_id's rows that pass f, newest first, each to fn. 0, fn's
 * non-zero value, EC_ERR_INVALID_FIELD for a limit out of range, or the
 * database's error.
 */
int ec_audit_each(struct ec_db *db, long long tenant_id,
                  const struct ec_audit_filter *f, ec_audit_fn fn, void *ctx);

/* e as a new JSON object (before and after as JSON values); the caller
   owns it. */
struct json_object *ec_audit_entry_json(const struct ec_audit_entry *e);

/* The CSV export's header row, and e as one row (core/csv.h: quoted,
   formula cells defused), each ending in CRLF. */
void ec_audit_csv_header(struct ec_buf *b);
void ec_audit_csv_row(struct ec_buf *b, const struct ec_audit_entry *e);

#endif
