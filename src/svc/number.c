#include "svc/number.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/tenant.h"

/* ---- one number ---- */

static int reason(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
reason(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (why && size) {
        va_start(ap, fmt);
        vsnprintf(why, size, fmt, ap);
        va_end(ap);
    }
    return EC_ERR_INVALID_FIELD;
}

static int
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int
ec_number_normalise(const char *s, size_t len, char out[EC_NUMBER_SIZE],
                    char *why, size_t why_size)
{
    const char *d = s;
    size_t n = len;
    int international = 0; /* written with +45 or 0045 */

    if (len == 0)
        return reason(why, why_size, "no number");
    if (d[0] == '+') {
        d++, n--, international = 1;
        if (n == 0)
            return reason(why, why_size, "no digits after '+'");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c >= '0' && c <= '9')
            continue;
        if (c == '+')
            return reason(why, why_size, "'+' may only come first");
        if (isprint(c))
            return reason(why, why_size, "'%c' is not a digit", c);
        return reason(why, why_size, "byte 0x%02x is not a digit", c);
    }
    /* eight digits are a national number, even "00123456" (refused
       below for its first digit); longer ones may start with 00 */
    if (!international && n > 8 && d[0] == '0' && d[1] == '0')
        d += 2, n -= 2, international = 1;
    if (international) {
        if (n < 2 || d[0] != '4' || d[1] != '5')
            return reason(why, why_size,
                          "not a Danish number: only +45 numbers are taken");
        d += 2, n -= 2;
        if (n != 8)
            return reason(why, why_size,
                          "a Danish number has 8 digits after +45, this "
                          "has %zu",
                          n);
    } else if (n != 8) {
        return reason(why, why_size,
                      "a Danish number has 8 digits (or +45 or 0045 and 8 "
                      "digits), this has %zu",
                      n);
    }
    if (d[0] < '2')
        return reason(why, why_size, "a Danish number does not start with %c",
                      d[0]);
    memcpy(out, "+45", 3);
    memcpy(out + 3, d, 8);
    out[11] = '\0';
    return 0;
}

int
ec_number_valid(const char *msisdn)
{
    return msisdn && strlen(msisdn) == 11 && strncmp(msisdn, "+45", 3) == 0 &&
           all_digits(msisdn + 3, 8) && msisdn[3] >= '2';
}

void
ec_number_format_national(const char *msisdn, char *out, size_t size)
{
    const char *d = msisdn + 3;

    if (ec_number_valid(msisdn))
        snprintf(out, size, "%.2s %.2s %.2s %.2s", d, d + 2, d + 4, d + 6);
    else
        snprintf(out, size, "%s", msisdn ? msisdn : "");
}

/* ---- a pool file ---- */

void
ec_number_file_init(struct ec_number_file *f)
{
    memset(f, 0, sizeof(*f));
}

void
ec_number_file_release(struct ec_number_file *f)
{
    free(f->numbers);
    ec_number_file_init(f);
}

static void
file_add(struct ec_number_file *f, const char *msisdn)
{
    if (f->n == f->alloc) {
        f->alloc = f->alloc ? 2 * f->alloc : 1024;
        f->numbers = ec_xrealloc(f->numbers, f->alloc * sizeof(*f->numbers));
    }
    memcpy(f->numbers[f->n++], msisdn, EC_NUMBER_SIZE);
}

static int
cmp_number(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Sort and drop repeats, counting them. */
static void
file_dedupe(struct ec_number_file *f)
{
    size_t kept = 0;

    if (f->n == 0)
        return;
    qsort(f->numbers, f->n, sizeof(*f->numbers), cmp_number);
    for (size_t i = 1; i < f->n; i++)
        if (strcmp(f->numbers[i], f->numbers[kept]) != 0)
            memcpy(f->numbers[++kept], f->numbers[i], EC_NUMBER_SIZE);
    f->repeated = f->n - (kept + 1);
    f->n = kept + 1;
}

static int file_error(struct ec_number_file *f, struct ec_number_error *err,
                      size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
file_error(struct ec_number_file *f, struct ec_number_error *err, size_t line,
           const char *fmt, ...)
{
    va_list ap;

    ec_number_file_release(f);
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return EC_ERR_INVALID_FIELD;
}

/* Whether s is short and plain enough to quote back in a message. */
static int
quotable(const char *s, size_t n)
{
    if (n > 24)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isprint((unsigned char)s[i]))
            return 0;
    return 1;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int
ec_number_file_parse(struct ec_number_file *f, const char *text, size_t len,
                     struct ec_number_error *err)
{
    size_t pos = 0, line = 0;
    int seen_first = 0;

    ec_number_file_release(f);
    memset(err, 0, sizeof(*err));
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3; /* the byte order mark spreadsheets write */
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        char msisdn[EC_NUMBER_SIZE], why[120];

        pos += n + (nl ? 1 : 0);
        line++;
        while (n && is_blank(s[0]))
            s++, n--;
        while (n && is_blank(s[n - 1]))
            n--;
        if (n == 0 || s[0] == '#')
            continue;
        if (s[0] == '"') {
            if (n < 2 || s[n - 1] != '"')
                return file_error(f, err, line, "a quote is not closed");
            s++, n -= 2;
        }
        if (n == 6 && strncasecmp(s, "msisdn", 6) == 0) {
            if (seen_first)
                return file_error(f, err, line,
                                  "the header 'msisdn' belongs on the first "
                                  "line");
            seen_first = 1;
            continue;
        }
        seen_first = 1;
        if (memchr(s, ',', n) || memchr(s, ';', n) || memchr(s, '\t', n))
            return file_error(f, err, line,
                              "one number per line: this line has more "
                              "than one field");
        if (ec_number_normalise(s, n, msisdn, why, sizeof(why)) < 0) {
            if (quotable(s, n))
                return file_error(f, err, line, "'%.*s': %s", (int)n, s, why);
            return file_error(f, err, line, "%s", why);
        }
        file_add(f, msisdn);
    }
    if (f->n == 0)
        return file_error(f, err, 0, "no numbers in the file");
    file_dedupe(f);
    return 0;
}

static int
count_row(const struct ec_db_row *row, void *ctx)
{
    *(long long *)ctx = row->vals[0] ? strtoll(row->vals[0], NULL, 10) : 0;
    return 0;
}

static int
found_row(const struct ec_db_row *row, void *ctx)
{
    *(int *)ctx = 1;
    return 0;
}

#define IMPORT_BATCH 16

/*
 * Insert the numbers from..from+n: a batch of IMPORT_BATCH in one
 * statement, or one at a time for the tail. A number the pool holds
 * already is left alone ("msisdn = msisdn" changes nothing).
 */
static int
insert_numbers(struct ec_db *db, long long tenant_id,
               const struct ec_number_file *f, size_t from, size_t n)
{
    struct ec_db_param p[2 * IMPORT_BATCH];

    for (size_t i = 0; i < n; i++) {
        p[2 * i] = EC_DB_I(tenant_id);
        p[2 * i + 1] = EC_DB_S(f->numbers[from + i]);
    }
    if (n == IMPORT_BATCH)
        return ec_db_exec(db,
                          "INSERT INTO numbers (tenant_id, msisdn) VALUES"
                          " (?, ?), (?, ?), (?, ?), (?, ?),"
                          " (?, ?), (?, ?), (?, ?), (?, ?),"
                          " (?, ?), (?, ?), (?, ?), (?, ?),"
                          " (?, ?), (?, ?), (?, ?), (?, ?)"
                          " ON DUPLICATE KEY UPDATE msisdn = msisdn",
                          p, 2 * IMPORT_BATCH, NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        int rc = ec_db_exec(db,
                            "INSERT INTO numbers (tenant_id, msisdn)"
                            " VALUES (?, ?)"
                            " ON DUPLICATE KEY UPDATE msisdn = msisdn",
                            p + 2 * i, 2, NULL, NULL, NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int
ec_number_import_in_tx(struct ec_db *db, long long tenant_id,
                       const struct ec_number_file *f,
                       struct ec_number_import_counts *out)
{
    struct ec_db_param t[] = {EC_DB_I(tenant_id)};
    long long before = 0, after = 0;
    int found = 0, rc;

    memset(out, 0, sizeof(*out));
    /*
     * The tenant's row, locked: imports into one pool run one after the
     * other, so the difference of the counts is what this one added
     * whatever the isolation level.
     */
    rc = ec_db_exec(db, "SELECT id FROM tenants WHERE id = ? FOR UPDATE", t, 1,
                    found_row, &found, NULL);
    if (rc == 0 && !found)
        rc = EC_ERR_NOT_FOUND;
    if (rc == 0)
        rc = ec_db_exec(db, "SELECT COUNT(*) FROM numbers WHERE tenant_id = ?",
                        t, 1, count_row, &before, NULL);
    for (size_t i = 0; rc == 0 && i < f->n; i += IMPORT_BATCH)
        rc = insert_numbers(db, tenant_id, f, i,
                            f->n - i < IMPORT_BATCH ? f->n - i : IMPORT_BATCH);
    if (rc == 0)
        rc = ec_db_exec(db, "SELECT COUNT(*) FROM numbers WHERE tenant_id = ?",
                        t, 1, count_row, &after, NULL);
    if (rc < 0)
        return rc;
    out->added = (size_t)(after - before);
    out->in_pool = f->n - out->added;
    return 0;
}

int
ec_number_import(struct ec_db *db, long long tenant_id,
                 const struct ec_number_file *f,
                 struct ec_number_import_counts *out)
{
    int rc;

    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if ((rc = ec_number_import_in_tx(db, tenant_id, f, out)) == 0)
        rc = ec_db_commit(db);
    if (rc < 0)
        ec_db_rollback(db);
    return rc;
}

/* ---- the numbers a shopper is offered ---- */

int
ec_number_query_parse(struct ec_number_query *q, const char *count,
                      const char *contains, const char **field,
                      const char **message)
{
    size_t n;

    memset(q, 0, sizeof(*q));
    q->count = EC_NUMBER_COUNT_DEFAULT;
    if (count) {
        unsigned long v = 0;
        n = strlen(count);
        /* digits only, and few enough that the value cannot overflow */
        if (n == 0 || n > 4 || !all_digits(count, n) ||
            (v = strtoul(count, NULL, 10)) < 1 || v > EC_NUMBER_COUNT_MAX) {
            *field = "count";
            *message = "Ask for 1 to 50 numbers.";
            return EC_ERR_INVALID_FIELD;
        }
        q->count = (unsigned)v;
    }
    if (contains && *contains) {
        n = strlen(contains);
        if (n > EC_NUMBER_CONTAINS_MAX || !all_digits(contains, n)) {
            *field = "contains";
            *message = "Search with 1 to 8 digits.";
            return EC_ERR_INVALID_FIELD;
        }
        memcpy(q->contains, contains, n + 1);
    }
    return 0;
}

/*
 * Numbers read per request: the count asked for plus room for some that
 * turn out to be locked. With more locked than that among the next
 * numbers, fewer are offered (the answer says "up to").
 */
#define SUGGEST_WINDOW(count) (2 * (count) + 20)

/* Numbers read from the pool: arena strings (a request's), or copies
   into a fixed array (a sample's) when fixed is set. */
struct candidates {
    struct ec_arena *a;
    const char **msisdn;
    char (*fixed)[EC_NUMBER_SIZE];
    size_t n, max;
};

static int
candidate_row(const struct ec_db_row *row, void *ctx)
{
    struct candidates *c = ctx;

    if (c->n == c->max || !row->vals[0])
        return 0;
    if (!c->fixed)
        c->msisdn[c->n++] = ec_arena_strdup(c->a, row->vals[0]);
    else if (ec_number_valid(row->vals[0])) /* so it fits */
        memcpy(c->fixed[c->n++], row->vals[0], strlen(row->vals[0]) + 1);
    return 0;
}

/*
 * The next available numbers from pick key start (inclusive), up to
 * c->max, wrapping around to the smallest keys once. Without a digit
 * filter the pattern is "%", which matches every number.
 */
static int
read_candidates(struct ec_db *db, long long tenant_id, const char *like,
                long long start, struct candidates *c)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(like ? like : "%"),
                              EC_DB_I(start), EC_DB_I((long long)c->max)};
    int rc;

    rc = ec_db_exec(db,
                    "SELECT msisdn FROM numbers WHERE tenant_id = ?"
                    " AND status = 'available' AND msisdn LIKE ?"
                    " AND pick_key >= ? ORDER BY pick_key LIMIT ?",
                    p, 4, candidate_row, c, NULL);
    if (rc < 0 || c->n == c->max)
        return rc;
    p[3] = EC_DB_I((long long)(c->max - c->n));
    return ec_db_exec(db,
                      "SELECT msisdn FROM numbers WHERE tenant_id = ?"
                      " AND status = 'available' AND msisdn LIKE ?"
                      " AND pick_key < ? ORDER BY pick_key LIMIT ?",
                      p, 4, candidate_row, c, NULL);
}

static int
cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
ec_number_suggest(struct ec_db *db, struct ec_kv *kv, const struct ec_tenant *t,
                  const struct ec_number_query *q, struct ec_arena *a,
                  const char ***out, size_t *n)
{
    struct candidates c = {a, NULL, NULL, 0, 0};
    const char **keys, **picked;
    char **owners;
    const char *like = NULL;
    uint32_t start;
    size_t k = 0;
    int rc;

    if (q->count < 1 || q->count > EC_NUMBER_COUNT_MAX)
        EC_BUG("ec_number_suggest: count out of range");
    *out = NULL;
    *n = 0;
    c.max = SUGGEST_WINDOW(q->count);
    c.msisdn = ec_arena_calloc(a, c.max, sizeof(*c.msisdn));
    /* digits only (checked), so nothing in them means anything to LIKE;
       "+45%" keeps a search for 45 from matching every country code */
    if (q->contains[0])
        like = ec_arena_printf(a, "+45%%%s%%", q->contains);
    ec_rand_bytes(&start, sizeof(start));
    if ((rc = read_candidates(db, t->id, like, start, &c)) < 0)
        return rc;
    if (c.n == 0)
        return 0;

    keys = ec_arena_calloc(a, c.n, sizeof(*keys));
    for (size_t i = 0; i < c.n; i++) {
        char *key = ec_arena_alloc(a, EC_NUMBER_LOCK_KEY_SIZE);
        if (ec_number_lock_key(key, EC_NUMBER_LOCK_KEY_SIZE, t->slug,
                               c.msisdn[i]) < 0)
            return EC_ERR_INTERNAL; /* the pool holds only valid numbers */
        keys[i] = key;
    }
    owners = ec_arena_calloc(a, c.n, sizeof(*owners));
    if ((rc = ec_kv_mget(kv, keys, c.n, a, owners)) < 0)
        return rc;

    picked = ec_arena_calloc(a, q->count, sizeof(*picked));
    for (size_t i = 0; i < c.n && k < q->count; i++)
        if (!owners[i]) /* not locked */
            picked[k++] = c.msisdn[i];
    /* drawn in random order, shown in number order */
    qsort(picked, k, sizeof(*picked), cmp_str_ptr);
    *out = picked;
    *n = k;
    return 0;
}

/* ---- the sample a worker offers from ---- */

/* splitmix64: a fast generator for the draws of one view, seeded from the
   kernel each time (whom a page offers what needs no secrecy, only
   variety between views and between workers). */
static uint64_t
next_random(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t
ec_number_sample_draw(struct ec_number_sample *s, size_t k,
                      unsigned long long seed)
{
    size_t w = k < s->n ? k : s->n;
    uint64_t x = seed;

    for (size_t i = 0; i < w; i++) {
        /* j uniform in [i, n): the high 32 bits scaled to the range
           (the bias is below 2^-22 for a sample of 512) */
        uint64_t r = next_random(&x) >> 32;
        size_t j = i + (size_t)((r * (uint64_t)(s->n - i)) >> 32);
        char tmp[EC_NUMBER_SIZE];

        if (j == i)
            continue;
        memcpy(tmp, s->numbers[i], EC_NUMBER_SIZE);
        memcpy(s->numbers[i], s->numbers[j], EC_NUMBER_SIZE);
        memcpy(s->numbers[j], tmp, EC_NUMBER_SIZE);
    }
    return w;
}

void
ec_number_sample_remove(struct ec_number_sample *s, size_t w,
                        const unsigned char *locked)
{
    if (w > s->n)
        EC_BUG("ec_number_sample_remove: more drawn than held");
    /* from the back: what moves into a hole comes from the end of the
       sample, or from the drawn numbers after it, already kept */
    for (size_t i = w; i-- > 0;)
        if (locked[i]) {
            s->n--;
            if (i != s->n)
                memcpy(s->numbers[i], s->numbers[s->n], EC_NUMBER_SIZE);
        }
}

void
ec_number_sample_take(struct ec_number_sample *s, const char *msisdn)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->numbers[i], msisdn, EC_NUMBER_SIZE) == 0) {
            s->n--;
            if (i != s->n)
                memcpy(s->numbers[i], s->numbers[s->n], EC_NUMBER_SIZE);
            return;
        }
}

int
ec_number_sample_stale(const struct ec_number_sample *s, long long now_ms)
{
    if (!s->valid)
        return 1;
    if (now_ms - s->tried_ms < EC_NUMBER_SAMPLE_RETRY_MS)
        return 0;
    if (now_ms - s->read_ms >= EC_NUMBER_SAMPLE_TTL_MS)
        return 1;
    return s->n * 2 < s->loaded;
}

struct sample_slot {
    long long tenant_id; /* 0: a free slot */
    char slug[48];
    long long used_ms; /* the last view that asked: the oldest goes */
    struct ec_number_sample s;
};

struct ec_number_cache {
    struct sample_slot slots[EC_NUMBER_CACHE_TENANTS];
    int announced; /* lock announcements reach the samples */
};

struct ec_number_cache *
ec_number_cache_new(void)
{
    return ec_xcalloc(1, sizeof(struct ec_number_cache));
}

void
ec_number_cache_free(struct ec_number_cache *nc)
{
    if (!nc)
        return;
    for (size_t i = 0; i < EC_NUMBER_CACHE_TENANTS; i++)
        free(nc->slots[i].s.numbers);
    free(nc);
}

void
ec_number_cache_drop(struct ec_number_cache *nc, const char *slug)
{
    for (size_t i = 0; i < EC_NUMBER_CACHE_TENANTS; i++)
        if (nc->slots[i].tenant_id && strcmp(nc->slots[i].slug, slug) == 0)
            nc->slots[i].s.valid = 0;
}

void
ec_number_cache_clear(struct ec_number_cache *nc)
{
    for (size_t i = 0; i < EC_NUMBER_CACHE_TENANTS; i++)
        nc->slots[i].s.valid = 0;
}

void
ec_number_cache_locked(struct ec_number_cache *nc, const char *slug,
                       const char *msisdn)
{
    for (size_t i = 0; i < EC_NUMBER_CACHE_TENANTS; i++)
        if (nc->slots[i].tenant_id && nc->slots[i].s.valid &&
            strcmp(nc->slots[i].slug, slug) == 0)
            ec_number_sample_take(&nc->slots[i].s, msisdn);
}

void
ec_number_cache_announced(struct ec_number_cache *nc, int on)
{
    nc->announced = on;
}

/* The tenant's slot: its own, else a free one, else the one least
   recently used, emptied. */
static struct sample_slot *
slot_for(struct ec_number_cache *nc, const struct ec_tenant *t)
{
    struct sample_slot *pick = NULL;

    for (size_t i = 0; i < EC_NUMBER_CACHE_TENANTS; i++) {
        struct sample_slot *sl = &nc->slots[i];

        if (sl->tenant_id == t->id && strcmp(sl->slug, t->slug) == 0)
            return sl;
        if (!pick || (pick->tenant_id &&
                      (!sl->tenant_id || sl->used_ms < pick->used_ms)))
            pick = sl;
    }
    pick->tenant_id = t->id;
    snprintf(pick->slug, sizeof(pick->slug), "%s", t->slug);
    pick->s.n = pick->s.loaded = 0;
    pick->s.valid = 0;
    return pick;
}

/*
 * Which of the first w numbers of s are locked: locked[i] set for each,
 * from one MGET of their lock keys. 0, or an ec_err of Redis.
 */
static int
find_locked(const struct ec_number_sample *s, size_t w, struct ec_kv *kv,
            const struct ec_tenant *t, struct ec_arena *a,
            unsigned char *locked, size_t *nlocked)
{
    const char **keys = ec_arena_calloc(a, w, sizeof(*keys));
    char **owners = ec_arena_calloc(a, w, sizeof(*owners));
    int rc;

    for (size_t i = 0; i < w; i++) {
        char *key = ec_arena_alloc(a, EC_NUMBER_LOCK_KEY_SIZE);
        if (ec_number_lock_key(key, EC_NUMBER_LOCK_KEY_SIZE, t->slug,
                               s->numbers[i]) < 0)
            return EC_ERR_INTERNAL; /* the sample holds only valid numbers */
        keys[i] = key;
    }
    if ((rc = ec_kv_mget(kv, keys, w, a, owners)) < 0)
        return rc;
    *nlocked = 0;
    for (size_t i = 0; i < w; i++)
        if ((locked[i] = owners[i] != NULL))
            (*nlocked)++;
    return 0;
}

/*
 * Read the tenant's sample: EC_NUMBER_SAMPLE_SIZE available numbers from
 * a random point of the pool's random order (the same one index range as
 * ec_number_suggest()), without those locked now. A lock granted later is
 * announced (the worker subscribed before this read), so the sample stays
 * free of locked numbers. A failed read leaves the sample as it was.
 */
static int
sample_read(struct ec_number_sample *s, struct ec_db *db, struct ec_kv *kv,
            const struct ec_tenant *t, struct ec_arena *a, long long now)
{
    struct candidates c = {NULL, NULL, NULL, 0, EC_NUMBER_SAMPLE_SIZE};
    struct ec_number_sample fresh = {0};
    unsigned char locked[EC_NUMBER_SAMPLE_SIZE];
    size_t nlocked = 0;
    uint32_t start;
    int rc;

    c.fixed = ec_xcalloc(EC_NUMBER_SAMPLE_SIZE, EC_NUMBER_SIZE);
    ec_rand_bytes(&start, sizeof(start));
    s->tried_ms = now;
    if ((rc = read_candidates(db, t->id, NULL, start, &c)) < 0) {
        free(c.fixed);
        return rc;
    }
    fresh.numbers = c.fixed;
    fresh.n = c.n;
    if (c.n > 0 &&
        (rc = find_locked(&fresh, c.n, kv, t, a, locked, &nlocked)) < 0) {
        free(c.fixed);
        return rc;
    }
    if (nlocked)
        ec_number_sample_remove(&fresh, c.n, locked);
    free(s->numbers);
    s->numbers = fresh.numbers;
    s->n = fresh.n;
    s->loaded = c.n;
    s->read_ms = now;
    s->valid = 1;
    return 0;
}

int
ec_number_offer(struct ec_number_cache *nc, struct ec_db *db, struct ec_kv *kv,
                const struct ec_tenant *t, const struct ec_number_query *q,
                struct ec_arena *a, const char ***out, size_t *n)
{
    struct sample_slot *sl;
    const char **picked;
    unsigned char *locked;
    unsigned long long seed;
    long long now = ec_clock_ms();
    size_t w, k = 0, nlocked = 0;
    int rc;

    if (q->contains[0])
        return ec_number_suggest(db, kv, t, q, a, out, n);
    if (q->count < 1 || q->count > EC_NUMBER_COUNT_MAX)
        EC_BUG("ec_number_offer: count out of range");
    *out = NULL;
    *n = 0;
    sl = slot_for(nc, t);
    sl->used_ms = now;
    if (ec_number_sample_stale(&sl->s, now) &&
        (rc = sample_read(&sl->s, db, kv, t, a, now)) < 0) {
        if (!sl->s.valid)
            return rc;
        ec_log_warn("numbers of %s: offering from a sample %lld s old", t->slug,
                    (now - sl->s.read_ms) / 1000);
    }
    ec_rand_bytes(&seed, sizeof(seed));
    w = ec_number_sample_draw(&sl->s, SUGGEST_WINDOW(q->count), seed);
    if (w == 0)
        return 0;

    /* announced locks have left the sample already; without the
       announcements, Redis is asked about this draw */
    locked = ec_arena_calloc(a, w, 1);
    if (!nc->announced &&
        (rc = find_locked(&sl->s, w, kv, t, a, locked, &nlocked)) < 0)
        return rc;
    picked = ec_arena_calloc(a, q->count, sizeof(*picked));
    for (size_t i = 0; i < w && k < q->count; i++)
        if (!locked[i])
            picked[k++] = ec_arena_strdup(a, sl->s.numbers[i]);
    /* a locked number is likely to be sold: it leaves this sample, and
       comes back with the next read if its lock lapses */
    if (nlocked)
        ec_number_sample_remove(&sl->s, w, locked);
    /* drawn in random order, shown in number order */
    qsort(picked, k, sizeof(*picked), cmp_str_ptr);
    *out = picked;
    *n = k;
    return 0;
}

static int
status_row(const struct ec_db_row *row, void *ctx)
{
    *(int *)ctx =
        row->vals[0] && strcmp(row->vals[0], "available") == 0 ? 1 : 2;
    return 0;
}

int
ec_number_check_available(struct ec_db *db, long long tenant_id,
                          const char *msisdn)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id), EC_DB_S(msisdn)};
    int found = 0, rc;

    if (!ec_number_valid(msisdn))
        return EC_ERR_NOT_FOUND;
    rc = ec_db_exec(db,
                    "SELECT status FROM numbers WHERE tenant_id = ?"
                    " AND msisdn = ?",
                    p, 2, status_row, &found, NULL);
    if (rc < 0)
        return rc;
    return found == 1 ? 0 : found == 2 ? EC_ERR_NUMBER_TAKEN : EC_ERR_NOT_FOUND;
}

/* ---- locks ---- */

static int
slug_valid(const char *slug)
{
    size_t n = slug ? strlen(slug) : 0;

    if (n == 0 || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((slug[i] >= 'a' && slug[i] <= 'z') ||
              (slug[i] >= '0' && slug[i] <= '9') || slug[i] == '-'))
            return 0;
    return 1;
}

/* A client address as a key part: 1 to 64 printable bytes, no blanks. */
static int
client_valid(const char *client)
{
    size_t n = client ? strlen(client) : 0;

    if (n == 0 || n > EC_NUMBER_CLIENT_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)client[i] <= ' ' || (unsigned char)client[i] >= 127)
            return 0;
    return 1;
}

int
ec_number_lock_key(char *out, size_t size, const char *slug, const char *msisdn)
{
    int len;

    if (!slug_valid(slug) || !ec_number_valid(msisdn))
        return EC_ERR_INVALID_FIELD;
    len = snprintf(out, size, "ecom:{%s}:lock:%s", slug, msisdn);
    if (len < 0 || (size_t)len >= size)
        return EC_ERR_INVALID_FIELD;
    return 0;
}

/* SCAN calls of 1000 slots the overview's count may take */
#define LOCK_COUNT_CALLS 200

int
ec_number_locked_count(struct ec_kv *kv, const char *slug, long long *n,
                       int *complete)
{
    char pattern[96];

    *n = 0;
    *complete = 0;
    if (!slug_valid(slug))
        return EC_ERR_INVALID_FIELD;
    snprintf(pattern, sizeof(pattern), "ecom:{%s}:lock:*", slug);
    return ec_kv_count_matching(kv, pattern, LOCK_COUNT_CALLS, n, complete);
}

struct locked_walk {
    size_t prefix; /* bytes of "ecom:{<slug>}:lock:" */
    ec_number_locked_fn fn;
    void *ctx;
};

static void
locked_key(const char *key, size_t len, void *ctx)
{
    struct locked_walk *w = ctx;
    char msisdn[EC_NUMBER_SIZE];
    size_t n = len - w->prefix;

    if (len <= w->prefix || n >= sizeof(msisdn))
        return;
    memcpy(msisdn, key + w->prefix, n);
    msisdn[n] = '\0';
    if (ec_number_valid(msisdn))
        w->fn(msisdn, w->ctx);
}

int
ec_number_locked_each(struct ec_kv *kv, const char *slug,
                      ec_number_locked_fn fn, void *ctx, int *complete)
{
    struct locked_walk w = {0, fn, ctx};
    char pattern[96];

    *complete = 0;
    if (!slug_valid(slug))
        return EC_ERR_INVALID_FIELD;
    w.prefix =
        (size_t)snprintf(pattern, sizeof(pattern), "ecom:{%s}:lock:", slug);
    if (w.prefix + 2 > sizeof(pattern))
        return EC_ERR_INVALID_FIELD;
    pattern[w.prefix] = '*';
    pattern[w.prefix + 1] = '\0';
    return ec_kv_scan(kv, pattern, LOCK_COUNT_CALLS, locked_key, &w, complete);
}

int
ec_number_rate_key(char *out, size_t size, const char *slug, const char *client)
{
    int len;

    if (!slug_valid(slug) || !client_valid(client))
        return EC_ERR_INVALID_FIELD;
    len = snprintf(out, size, "ecom:{%s}:lockrate:%s", slug, client);
    if (len < 0 || (size_t)len >= size)
        return EC_ERR_INVALID_FIELD;
    return 0;
}
