#include "svc/number_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/invalidate.h"

const char *const ec_number_admin_statuses[] = {"any",  "free",        "locked",
                                                "sold", "quarantined", NULL};

/* The pool's status column for a search's status ("" = any). */
static const char *const status_column[] = {"", "available", "", "assigned",
                                            "quarantined"};

/* Every pool is Danish for now (svc/number.h): digits without a '+' are
   looked for in the national number, after this. */
#define COUNTRY "+45"

/* Rounds of a "free" search reading past locked numbers to fill a page. */
#define FREE_ROUNDS 10

/* Keys one script call takes (store/kv.h). */
#define SCRIPT_KEYS 16

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* '+' and 6 to 15 digits: a number as the pool's CHECK allows it. */
static int
e164_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 7 || n > 16 || s[0] != '+')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* digits into q->digits: spaces dropped, an optional leading '+', 1 to
   EC_NUMBER_ADMIN_DIGITS_MAX digits. 0 or -1. */
static int
parse_digits(struct ec_number_admin_query *q, const char *s)
{
    size_t n = 0, digits = 0;

    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (*s == '+' && n == 0) {
            q->digits[n++] = '+';
            continue;
        }
        if (!is_digit(*s) || digits == EC_NUMBER_ADMIN_DIGITS_MAX)
            return -1;
        q->digits[n++] = *s;
        digits++;
    }
    q->digits[n] = '\0';
    return n > 0 && digits == 0 ? -1 : 0;
}

int
ec_number_admin_query_parse(struct ec_number_admin_query *q, const char *digits,
                            const char *match, const char *status,
                            const char *after, const char **field)
{
    int bad = 0;

    memset(q, 0, sizeof(*q));
    *field = NULL;
    if (digits && *digits && parse_digits(q, digits) < 0) {
        q->digits[0] = '\0';
        *field = "digits", bad = 1;
    }
    if (match && *match && strcmp(match, "contains") != 0) {
        if (strcmp(match, "starts") == 0)
            q->prefix = 1;
        else if (!bad)
            *field = "match", bad = 1;
    }
    if (status && *status) {
        int i = 0;

        while (i < EC_NUMBER_ADMIN__NSTATUS &&
               strcmp(status, ec_number_admin_statuses[i]) != 0)
            i++;
        if (i < EC_NUMBER_ADMIN__NSTATUS)
            q->status = (enum ec_number_admin_status)i;
        else if (!bad)
            *field = "status", bad = 1;
    }
    if (after && *after) {
        if (e164_ok(after))
            snprintf(q->after, sizeof(q->after), "%s", after);
        else if (!bad)
            *field = "after", bad = 1;
    }
    return bad ? EC_ERR_INVALID_FIELD : 0;
}

/* Whether msisdn matches q's digits, as the LIKE of like_pattern() does. */
static int
digits_match(const struct ec_number_admin_query *q, const char *msisdn)
{
    const char *national = msisdn + strlen(COUNTRY);

    if (!q->digits[0])
        return 1;
    if (q->digits[0] == '+')
        return strncmp(msisdn, q->digits, strlen(q->digits)) == 0;
    if (strncmp(msisdn, COUNTRY, strlen(COUNTRY)) != 0)
        return 0;
    if (q->prefix)
        return strncmp(national, q->digits, strlen(q->digits)) == 0;
    return strstr(national, q->digits) != NULL;
}

/* q's digits as a LIKE pattern (digits only: nothing to escape). */
static void
like_pattern(const struct ec_number_admin_query *q, char *out, size_t size)
{
    if (!q->digits[0])
        snprintf(out, size, "%%");
    else if (q->digits[0] == '+')
        snprintf(out, size, "%s%%", q->digits);
    else if (q->prefix)
        snprintf(out, size, COUNTRY "%s%%", q->digits);
    else
        snprintf(out, size, COUNTRY "%%%s%%", q->digits);
}

/* ---- the locks of a page's numbers ---- */

/*
 * KEYS: lock keys. For each, "" when no lock is held, else "<PTTL in ms>
 * <the first 16 hex digits of the SHA-1 of its owner>": which lock it is,
 * without giving away the basket's id.
 */
static const char locks_script[] =
    "local r = {}\n"
    "for i = 1, #KEYS do\n"
    "  local o = redis.call('GET', KEYS[i])\n"
    "  if o then\n"
    "    r[i] = redis.call('PTTL', KEYS[i]) .. ' ' ..\n"
    "           string.sub(redis.sha1hex(o), 1, 16)\n"
    "  else\n"
    "    r[i] = ''\n"
    "  end\n"
    "end\n"
    "return r\n";

/* The lock of each of rows[0..n): one script call a SCRIPT_KEYS. */
static int
read_locks(struct ec_kv *kv, const char *slug, struct ec_arena *a,
           struct ec_number_admin_row *rows, size_t n)
{
    for (size_t from = 0; from < n; from += SCRIPT_KEYS) {
        size_t k = n - from < SCRIPT_KEYS ? n - from : SCRIPT_KEYS, got = 0;
        char keys[SCRIPT_KEYS][EC_NUMBER_LOCK_KEY_SIZE];
        const char *key_ptrs[SCRIPT_KEYS];
        char *vals[SCRIPT_KEYS];
        int rc;

        for (size_t i = 0; i < k; i++) {
            if ((rc = ec_number_lock_key(keys[i], sizeof(keys[i]), slug,
                                         rows[from + i].msisdn)) < 0)
                return rc;
            key_ptrs[i] = keys[i];
        }
        rc = ec_kv_eval_strs(kv, locks_script, k, key_ptrs, 0, NULL, a, vals, k,
                             &got);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < got; i++) {
            struct ec_number_admin_row *r = &rows[from + i];
            char *sp;

            if (!vals[i] || !*vals[i] || !(sp = strchr(vals[i], ' ')))
                continue;
            r->locked = 1;
            r->lock_ms = strtoll(vals[i], NULL, 10);
            snprintf(r->lock_seen, sizeof(r->lock_seen), "%s", sp + 1);
        }
    }
    return 0;
}

/* ---- the search ---- */

struct batch {
    struct ec_number_admin_row rows[EC_NUMBER_ADMIN_PAGE + 1];
    size_t n;
};

static int
read_row(const struct ec_db_row *row, void *ctx)
{
    struct batch *b = ctx;
    struct ec_number_admin_row *r;

    if (b->n >= sizeof(b->rows) / sizeof(b->rows[0]))
        return 0;
    r = &b->rows[b->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->msisdn, sizeof(r->msisdn), "%s", row->vals[0]);
    snprintf(r->status, sizeof(r->status), "%s", row->vals[1]);
    return 0;
}

/* The next page + 1 numbers of the pool after `after`, by number. */
static int
read_batch(struct ec_db *db, long long tenant_id, const char *like,
           const char *status, const char *after, struct batch *b)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(after), EC_DB_S(like),
                              EC_DB_S(status), EC_DB_S(status)};

    b->n = 0;
    return ec_db_exec(db,
                      "SELECT msisdn, status FROM numbers"
                      " WHERE tenant_id = ? AND msisdn > ? AND msisdn LIKE ?"
                      " AND (? = '' OR status = ?)"
                      " ORDER BY msisdn LIMIT 51",
                      p, 5, read_row, b, NULL);
}

/* The pool's rows, a "free" search reading on past locked numbers. */
static int
search_pool(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
            const char *slug, const struct ec_number_admin_query *q,
            struct ec_arena *a, struct ec_number_admin_page *page)
{
    struct batch *b = ec_arena_alloc(a, sizeof(*b));
    char like[EC_NUMBER_ADMIN_DIGITS_MAX + 8], cursor[EC_NUMBER_SIZE];
    int free_only = q->status == EC_NUMBER_ADMIN_FREE;
    int rc;

    like_pattern(q, like, sizeof(like));
    snprintf(cursor, sizeof(cursor), "%s", q->after);
    for (int round = 0; round < (free_only ? FREE_ROUNDS : 1); round++) {
        if ((rc = read_batch(db, tenant_id, like, status_column[q->status],
                             cursor, b)) < 0 ||
            (rc = read_locks(kv, slug, a, b->rows, b->n)) < 0)
            return rc;
        for (size_t i = 0; i < b->n; i++) {
            if (free_only && b->rows[i].locked)
                continue;
            if (page->n == EC_NUMBER_ADMIN_PAGE) { /* there is more */
                snprintf(page->next, sizeof(page->next), "%s",
                         page->rows[page->n - 1].msisdn);
                return 0;
            }
            page->rows[page->n++] = b->rows[i];
        }
        if (b->n <= EC_NUMBER_ADMIN_PAGE)
            return 0; /* the pool has no more */
        snprintf(cursor, sizeof(cursor), "%s", b->rows[b->n - 1].msisdn);
    }
    /* rounds spent on locked numbers: go on from the last one read */
    snprintf(page->next, sizeof(page->next), "%s", cursor);
    return 0;
}

/* The smallest page + 1 locked numbers after q->after matching q, sorted
   and distinct (a walk may repeat a key). */
struct locked_pick {
    const struct ec_number_admin_query *q;
    struct batch b;
};

static void
pick_locked(const char *msisdn, void *ctx)
{
    struct locked_pick *l = ctx;
    struct batch *b = &l->b;
    const size_t cap = sizeof(b->rows) / sizeof(b->rows[0]);
    size_t i;

    if (strcmp(msisdn, l->q->after) <= 0 || !digits_match(l->q, msisdn))
        return;
    for (i = 0; i < b->n && strcmp(b->rows[i].msisdn, msisdn) < 0; i++)
        ;
    if (i == cap || (i < b->n && strcmp(b->rows[i].msisdn, msisdn) == 0))
        return;
    if (b->n == cap)
        b->n--; /* the largest goes */
    memmove(&b->rows[i + 1], &b->rows[i], (b->n - i) * sizeof(b->rows[0]));
    memset(&b->rows[i], 0, sizeof(b->rows[i]));
    snprintf(b->rows[i].msisdn, sizeof(b->rows[i].msisdn), "%s", msisdn);
    b->n++;
}

static int
status_row(const struct ec_db_row *row, void *ctx)
{
    snprintf(ctx, 16, "%s", row->vals[0]);
    return 0;
}

/* Locked numbers from Redis, each with its status in the pool. */
static int
search_locked(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
              const char *slug, const struct ec_number_admin_query *q,
              struct ec_arena *a, struct ec_number_admin_page *page)
{
    struct locked_pick *l = ec_arena_calloc(a, 1, sizeof(*l));
    int complete = 0, rc;

    l->q = q;
    if ((rc = ec_number_locked_each(kv, slug, pick_locked, l, &complete)) < 0 ||
        (rc = read_locks(kv, slug, a, l->b.rows, l->b.n)) < 0)
        return rc;
    page->incomplete = !complete;
    for (size_t i = 0; i < l->b.n; i++) {
        struct ec_number_admin_row *r = &l->b.rows[i];
        struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(r->msisdn)};

        if (!r->locked)
            continue; /* its lock ended meanwhile */
        if (page->n == EC_NUMBER_ADMIN_PAGE) {
            snprintf(page->next, sizeof(page->next), "%s",
                     page->rows[page->n - 1].msisdn);
            break;
        }
        if ((rc = ec_db_exec(db,
                             "SELECT status FROM numbers"
                             " WHERE tenant_id = ? AND msisdn = ?",
                             p, 2, status_row, r->status, NULL)) < 0)
            return rc;
        if (r->status[0]) /* a lock of a number the pool does not hold:
                             nothing to show or do here */
            page->rows[page->n++] = *r;
    }
    return 0;
}

int
ec_number_admin_search(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                       const char *slug, const struct ec_number_admin_query *q,
                       struct ec_arena *a, struct ec_number_admin_page *page)
{
    memset(page, 0, sizeof(*page));
    if (q->status == EC_NUMBER_ADMIN_LOCKED)
        return search_locked(db, kv, tenant_id, slug, q, a, page);
    return search_pool(db, kv, tenant_id, slug, q, a, page);
}

/* ---- the counts ---- */

static int
count_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_number_admin_counts *c = ctx;
    long long n = strtoll(row->vals[1], NULL, 10);

    if (strcmp(row->vals[0], "available") == 0)
        c->available = n;
    else if (strcmp(row->vals[0], "assigned") == 0)
        c->assigned = n;
    else if (strcmp(row->vals[0], "quarantined") == 0)
        c->quarantined = n;
    return 0;
}

int
ec_number_admin_counts(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                       const char *slug, struct ec_number_admin_counts *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = ec_db_exec(db,
                         "SELECT status, COUNT(*) FROM numbers"
                         " WHERE tenant_id = ? GROUP BY status",
                         p, 1, count_row, out, NULL)) < 0)
        return rc;
    return ec_number_locked_count(kv, slug, &out->locked,
                                  &out->locked_complete);
}

/* ---- moves ---- */

/*
 * KEYS[1] a lock; ARGV[1] the lock seen ("" any: 16 hex digits of the
 * SHA-1 of its owner, as locks_script reads them). Deletes the lock when
 * it is the one seen, in one step, so a lock that lapsed and went to
 * another basket in between is left alone, as the basket's own release
 * only deletes a lock it holds. 1 deleted; 0 no lock; -1 another lock.
 */
static const char unlock_script[] =
    "local o = redis.call('GET', KEYS[1])\n"
    "if not o then return 0 end\n"
    "if ARGV[1] ~= '' and string.sub(redis.sha1hex(o), 1, 16) ~= ARGV[1]\n"
    "then return -1 end\n"
    "redis.call('DEL', KEYS[1])\n"
    "return 1\n";

static const char *const move_actions[] = {"quarantine", "release", "unlock"};

/* The number as the audit log shows it. The caller owns it. */
static struct json_object *
number_json(const char *msisdn, const char *status, int locked)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "msisdn", json_object_new_string(msisdn));
    json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(o, "locked", json_object_new_boolean(locked));
    return o;
}

static int
audit(struct ec_db *db, long long tenant_id, const struct ec_audit_actor *who,
      const char *msisdn, enum ec_number_admin_move move, const char *before,
      const char *after, int locked_before, int locked_after)
{
    struct json_object *b = number_json(msisdn, before, locked_before);
    struct json_object *a = number_json(msisdn, after, locked_after);
    int rc = ec_audit_record(db, tenant_id, who, "number", msisdn,
                             move_actions[move], b, a);

    json_object_put(b);
    json_object_put(a);
    return rc;
}

/* In the move's transaction: the status changed and recorded. */
static int
set_status(struct ec_db *db, long long tenant_id,
           const struct ec_audit_actor *who, const char *msisdn,
           enum ec_number_admin_move move, const char *before,
           const char *after, int *changed)
{
    struct ec_db_param p[] = {EC_DB_S(after), EC_DB_I(tenant_id),
                              EC_DB_S(msisdn)};
    int rc;

    if (strcmp(before, after) == 0)
        return 0; /* so already: nothing to write or record */
    if ((rc = ec_db_exec(db,
                         "UPDATE numbers SET status = ?"
                         " WHERE tenant_id = ? AND msisdn = ?",
                         p, 3, NULL, NULL, NULL)) < 0 ||
        (rc = audit(db, tenant_id, who, msisdn, move, before, after, 0, 0)) < 0)
        return rc;
    *changed = 1;
    return 0;
}

/* In the move's transaction: the lock released (if it is the one seen)
   and recorded; the row is left unrecorded unless the lock went. */
static int
unlock(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
       const char *slug, const struct ec_audit_actor *who, const char *msisdn,
       const char *status, const char *lock_seen, int *changed,
       const char **why)
{
    char key[EC_NUMBER_LOCK_KEY_SIZE];
    const char *keys[1] = {key}, *args[1] = {lock_seen ? lock_seen : ""};
    long long got = 0;
    int rc;

    if ((rc = ec_number_lock_key(key, sizeof(key), slug, msisdn)) < 0)
        return EC_ERR_NOT_FOUND;
    /* the row first, so the script's delete is the last thing that can
       fail before the commit */
    if ((rc = audit(db, tenant_id, who, msisdn, EC_NUMBER_ADMIN_UNLOCK, status,
                    status, 1, 0)) < 0)
        return rc;
    if ((rc = ec_kv_eval(kv, unlock_script, 1, keys, 1, args, &got)) < 0)
        return rc;
    if (got < 0) {
        *why = "lock_changed";
        return EC_ERR_CONFLICT;
    }
    *changed = got == 1;
    return 0;
}

int
ec_number_admin_move(struct ec_db *db, struct ec_kv *kv, long long tenant_id,
                     const char *slug, const char *msisdn,
                     enum ec_number_admin_move move, const char *lock_seen,
                     const struct ec_audit_actor *who, int *changed,
                     const char **why)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(msisdn)};
    char status[16] = "";
    int rc;

    *changed = 0;
    *why = NULL;
    if (!msisdn || !e164_ok(msisdn))
        return EC_ERR_NOT_FOUND;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT status FROM numbers"
                    " WHERE tenant_id = ? AND msisdn = ? FOR UPDATE",
                    p, 2, status_row, status, NULL);
    if (rc == 0 && !status[0])
        rc = EC_ERR_NOT_FOUND;
    if (rc == 0 && strcmp(status, "assigned") == 0) {
        *why = "sold";
        rc = EC_ERR_CONFLICT;
    }
    if (rc == 0 && move == EC_NUMBER_ADMIN_QUARANTINE)
        rc = set_status(db, tenant_id, who, msisdn, move, status, "quarantined",
                        changed);
    else if (rc == 0 && move == EC_NUMBER_ADMIN_RELEASE)
        rc = set_status(db, tenant_id, who, msisdn, move, status, "available",
                        changed);
    else if (rc == 0)
        rc = unlock(db, kv, tenant_id, slug, who, msisdn, status, lock_seen,
                    changed, why);
    if (rc == 0 && *changed && (rc = ec_db_commit(db)) < 0 &&
        move == EC_NUMBER_ADMIN_UNLOCK)
        ec_log_error("the lock of %s in %s was released, but its audit row "
                     "was not committed",
                     msisdn, slug);
    if (rc < 0 || !*changed) {
        ec_db_rollback(db);
        return rc;
    }
    /* after the commit: samples read again, so a number put back on sale
       or unlocked is offered, a quarantined one no longer */
    if (ec_invalidate_numbers(kv, slug) < 0)
        ec_log_warn("numbers of %s changed, but the workers were not told",
                    slug);
    return 0;
}
