#include "svc/basket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/check.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "store/kv.h"

/* ---- checking a line (pure) ---- */

/*
 * Normalise a number as a customer types it, with blanks, dashes or dots
 * between the digits ("30 12 34 56"), into out. 0 or -1.
 */
static int
number_as_typed(struct json_object *v, char out[EC_NUMBER_SIZE])
{
    const char *s = json_object_get_string(v);
    char digits[32], why[96];
    size_t n = 0;

    for (; *s; s++) {
        if (*s == ' ' || *s == '-' || *s == '.')
            continue;
        if (n == sizeof(digits))
            return -1;
        digits[n++] = *s;
    }
    if (ec_number_normalise(digits, n, out, why, sizeof(why)) < 0 ||
        !ec_number_valid(out))
        return -1;
    return 0;
}

/* Member key of o, or NULL when it is absent or JSON null: a client may
   send null for what it does not choose. */
static struct json_object *
member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Fail with err at member key of the line: the checker names the path,
   err the rule (a wrong value is EC_ERR_INVALID_FIELD; a value the
   catalog does not allow here has a code of its own). */
static int
refuse(struct ec_check *ck, int err, const char *key, const char *message)
{
    size_t old = ec_check_key(ck, key);

    ec_check_fail(ck, "%s", message);
    ec_check_pop(ck, old);
    return err;
}

static int
check_addons(struct ec_check *ck, const struct ec_catalog *c,
             const struct ec_channel *ch, const struct ec_offer *o,
             struct json_object *arr, struct ec_basket_line *out)
{
    const struct ec_offer *fits[64];
    size_t nfits, n, old = ec_check_key(ck, "addons");

    if (!json_object_is_type(arr, json_type_array))
        return ec_check_fail(ck, "must be a list of add-on SKUs");
    n = json_object_array_length(arr);
    if (n > EC_BASKET_ADDONS_MAX)
        return ec_check_fail(ck, "must list at most %d add-ons",
                             EC_BASKET_ADDONS_MAX);
    nfits = ec_catalog_addons_for(c, ch, o->product, fits, 64);
    if (nfits > 64)
        nfits = 64;
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        size_t at = ec_check_index(ck, i), k;
        const char *sku;

        if (ec_check_string(ck, e, 1, 64, "an add-on's SKU", &sku) < 0)
            return EC_ERR_INVALID_FIELD;
        for (k = 0; k < nfits; k++)
            if (strcmp(fits[k]->product->sku, sku) == 0)
                break;
        if (k == nfits) {
            ec_check_fail(ck, "%s does not fit this plan here", sku);
            return EC_ERR_ADDON_INCOMPATIBLE;
        }
        for (size_t d = 0; d < out->naddons; d++)
            if (strcmp(out->addons[d], sku) == 0)
                return ec_check_fail(ck, "%s is listed twice", sku);
        out->addons[out->naddons++] = fits[k]->product->sku;
        ec_check_pop(ck, at);
    }
    ec_check_pop(ck, old);
    return 0;
}

/* A number as the customer typed it at the current path, into out. */
static int
check_number(struct ec_check *ck, struct json_object *v,
             char out[EC_NUMBER_SIZE], const char *what)
{
    if (!json_object_is_type(v, json_type_string) ||
        number_as_typed(v, out) < 0)
        return ec_check_fail(ck, "must be %s", what);
    return 0;
}

static int
check_numbers(struct ec_check *ck, struct json_object *j,
              struct ec_basket_line *out)
{
    struct json_object *v = member(j, "msisdn"), *port = member(j, "porting");
    struct json_object *pm;
    size_t old;
    int rc;

    if (v && port)
        return refuse(ck, EC_ERR_INVALID_FIELD, "porting",
                      "a new number (msisdn) or one to port, not both");
    if (v) {
        old = ec_check_key(ck, "msisdn");
        if ((rc = check_number(ck, v, out->msisdn,
                               "a Danish mobile number from the pool")) < 0)
            return rc;
        ec_check_pop(ck, old);
    }
    if (port) {
        old = ec_check_key(ck, "porting");
        if ((rc = ec_check_object(ck, port,
                                  "{\"msisdn\": the number to port}")) < 0 ||
            (rc = ec_check_typed(ck, port, "msisdn", 1, json_type_string,
                                 "the Danish number to port", &pm)) < 0)
            return rc;
        ec_check_key(ck, "msisdn");
        if (!pm || number_as_typed(pm, out->porting) < 0)
            return ec_check_fail(ck, "must be a Danish number, 8 digits");
        ec_check_pop(ck, old);
    }
    return 0;
}

/* The rules of a line, in the order a client fills it in. */
static int
check_line(struct ec_check *ck, const struct ec_catalog *c,
           const struct ec_channel *ch, struct json_object *j,
           struct ec_basket_line *out)
{
    struct json_object *v;
    const struct ec_offer *o;
    size_t old;
    int sim, rc;

    if ((rc = ec_check_object(ck, j, "a basket line (a JSON object)")) < 0)
        return rc;
    if ((rc = ec_check_typed(ck, j, "sku", 1, json_type_string, "a plan's SKU",
                             &v)) < 0)
        return rc;
    o = ec_catalog_offer(ch, json_object_get_string(v));
    if (!o || o->product->kind != EC_PRODUCT_PLAN)
        return refuse(ck, EC_ERR_INVALID_FIELD, "sku",
                      "must be a plan offered here");
    out->sku = o->product->sku;
    out->channel = ch->code;

    if ((rc = ec_check_typed(ck, j, "binding_months", 1, json_type_int,
                             "a binding period in months", &v)) < 0)
        return rc;
    if (!ec_binding_offered(o->binding_months, json_object_get_int64(v)))
        return refuse(ck, EC_ERR_INVALID_FIELD, "binding_months",
                      "must be a binding period this plan offers here");
    out->binding_months = json_object_get_int(v);

    if (member(j, "binding_accepted") &&
        (rc = ec_check_typed(ck, j, "binding_accepted", 0, json_type_boolean,
                             "true or false", &v)) < 0)
        return rc;
    v = member(j, "binding_accepted");
    out->binding_accepted = v && json_object_get_boolean(v);

    if ((rc = ec_check_typed(ck, j, "sim_type", 1, json_type_string,
                             "physical or esim", &v)) < 0)
        return rc;
    old = ec_check_key(ck, "sim_type");
    if ((rc = ec_check_enum(ck, v, ec_sim_type_names, &sim)) < 0)
        return rc;
    ec_check_pop(ck, old);
    out->sim = (enum ec_sim_type)(1 << sim);
    if (!(o->sim_types & (unsigned)out->sim))
        return refuse(ck, EC_ERR_SIM_TYPE_NOT_ALLOWED, "sim_type",
                      "this plan does not come with that SIM type here");

    if ((v = member(j, "addons")) &&
        (rc = check_addons(ck, c, ch, o, v, out)) < 0)
        return rc;
    return check_numbers(ck, j, out);
}

/* "porting" of "$.porting.msisdn": the top-level member a path names. */
static const char *
top_field(struct ec_arena *a, const char *path)
{
    size_t n;

    if (strncmp(path, "$.", 2) != 0)
        return "sku"; /* the line itself: it names no product */
    path += 2;
    n = strcspn(path, ".[");
    return ec_arena_strndup(a, path, n);
}

int
ec_basket_line_check(const struct ec_catalog *c, const struct ec_channel *ch,
                     struct json_object *j, struct ec_basket_line *out,
                     struct ec_arena *a, const char **field,
                     const char **message)
{
    struct ec_check_error err;
    struct ec_check ck;
    int rc;

    memset(out, 0, sizeof(*out));
    out->monthly_at_add = -1;
    ec_check_init(&ck, a, &err);
    rc = check_line(&ck, c, ch, j, out);
    if (rc < 0) {
        *field = top_field(a, err.path);
        *message = ec_arena_printf(a, "%s: %s", err.path, err.message);
    }
    return rc;
}

/* ---- storing ---- */

/* A limit of the basket: its field and message for the caller. */
#define LIMIT(f, m)                                                            \
    do {                                                                       \
        *field = (f);                                                          \
        *message = (m);                                                        \
        return EC_ERR_BASKET_LIMIT;                                            \
    } while (0)

/* 1 if addr is one of the blank- or comma-separated words of list. */
static int
listed(const char *list, const char *addr)
{
    size_t n = addr ? strlen(addr) : 0;

    if (!list || n == 0)
        return 0;
    while (*list) {
        size_t w;

        list += strspn(list, " \t,");
        w = strcspn(list, " \t,");
        if (w == n && memcmp(list, addr, n) == 0)
            return 1;
        list += w;
    }
    return 0;
}

void
ec_basket_policy_for(const struct ec_basket_policy *base, const char *exempt,
                     const char *client, struct ec_basket_policy *p)
{
    *p = *base;
    p->rate.client =
        client && *client && !listed(exempt, client) ? client : NULL;
}

int
ec_basket_id_valid(const char *s)
{
    return ec_hex_valid(s, EC_BASKET_ID_SIZE - 1);
}

void
ec_basket_new_id(char id[EC_BASKET_ID_SIZE])
{
    ec_rand_hex(id, (EC_BASKET_ID_SIZE - 1) / 2);
}

static int
basket_key(char *out, size_t size, const char *slug, const char *id)
{
    int n = snprintf(out, size, "ecom:{%s}:basket:%s", slug, id);

    return n < 0 || (size_t)n >= size ? EC_ERR_INVALID_FIELD : 0;
}

static void
put_json(void *obj)
{
    json_object_put(obj);
}

static void
empty_doc(struct ec_basket *b, struct ec_arena *a)
{
    b->doc = json_object_new_object();
    b->lines = json_object_new_array();
    json_object_object_add(b->doc, "lines", b->lines);
    ec_arena_cleanup(a, put_json, b->doc);
}

void
ec_basket_init_new(struct ec_basket *b, struct ec_arena *a)
{
    memset(b, 0, sizeof(*b));
    ec_basket_new_id(b->id);
    empty_doc(b, a);
}

int
ec_basket_load(struct ec_kv *kv, const char *slug, const char *id,
               struct ec_arena *a, struct ec_basket *b)
{
    char key[EC_BASKET_KEY_SIZE];
    struct json_object *v;
    char *text;
    size_t len;
    int rc;

    memset(b, 0, sizeof(*b));
    snprintf(b->id, sizeof(b->id), "%s", id);
    if ((rc = basket_key(key, sizeof(key), slug, id)) < 0)
        return rc;
    rc = ec_kv_get(kv, key, a, &text, &len);
    if (rc == EC_ERR_NOT_FOUND) {
        empty_doc(b, a);
        return 0;
    }
    if (rc < 0)
        return rc;
    b->doc = json_tokener_parse(text);
    if (!b->doc)
        goto bad;
    ec_arena_cleanup(a, put_json, b->doc);
    if (!json_object_object_get_ex(b->doc, "version", &v) ||
        !json_object_is_type(v, json_type_int) ||
        !json_object_object_get_ex(b->doc, "lines", &b->lines) ||
        !json_object_is_type(b->lines, json_type_array))
        goto bad;
    b->version = json_object_get_int64(v);
    if (b->version < 1)
        goto bad;
    return 0;
bad:
    ec_log(EC_LOG_ERROR, "basket %s of %s: stored document is not a basket", id,
           slug);
    return EC_ERR_INTERNAL;
}

struct json_object *
ec_basket_line_to_json(const struct ec_basket_line *l)
{
    struct json_object *o = json_object_new_object(), *a, *p;

    json_object_object_add(o, "id", json_object_new_string(l->id));
    json_object_object_add(o, "channel", json_object_new_string(l->channel));
    json_object_object_add(o, "sku", json_object_new_string(l->sku));
    json_object_object_add(o, "binding_months",
                           json_object_new_int(l->binding_months));
    json_object_object_add(o, "binding_accepted",
                           json_object_new_boolean(l->binding_accepted));
    json_object_object_add(o, "sim_type",
                           json_object_new_string(ec_sim_type_name(l->sim)));
    a = json_object_new_array();
    for (size_t i = 0; i < l->naddons; i++)
        json_object_array_add(a, json_object_new_string(l->addons[i]));
    json_object_object_add(o, "addons", a);
    json_object_object_add(o, "msisdn",
                           l->msisdn[0] ? json_object_new_string(l->msisdn)
                                        : json_object_new_null());
    if (l->porting[0]) {
        p = json_object_new_object();
        json_object_object_add(p, "msisdn", json_object_new_string(l->porting));
    } else {
        p = json_object_new_null();
    }
    json_object_object_add(o, "porting", p);
    json_object_object_add(o, "added_at", json_object_new_int64(l->added_at));
    json_object_object_add(o, "monthly_at_add",
                           l->monthly_at_add >= 0
                               ? json_object_new_int64(l->monthly_at_add)
                               : json_object_new_null());
    json_object_object_add(o, "lock_expires_at",
                           l->lock_expires_at
                               ? json_object_new_int64(l->lock_expires_at)
                               : json_object_new_null());
    return o;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A whole change of a basket in one step on the server: compare-and-set by
 * version, the lock of a newly chosen number, the locks the basket keeps
 * (activity extends them) and the one it gives up. Either all of it
 * happens or, when a check fails, none of it: a lock is never left without
 * its line, and a line never claims a number it did not lock.
 *
 * KEYS[1] the basket; KEYS[2 .. 1+K] the locks of the numbers the basket
 * keeps; then R (0 or 1) locks to release; then, when a number is chosen,
 * its lock and, under a rate, the client's counter.
 * ARGV[1] the version the writer read (0: must not exist), ARGV[2] the new
 * document (which starts {"version":N+1,...}), ARGV[3] its TTL in ms,
 * ARGV[4] the basket id, ARGV[5] the lock TTL, ARGV[6] the most locks a
 * counter window allows, ARGV[7] the window in ms, ARGV[8] K, ARGV[9] R.
 *
 * A kept lock is extended if the basket holds it, taken again if it ran
 * out and nobody took the number, else left to its new owner; a released
 * lock goes only if the basket holds it.
 *
 * Returns the new version; 0 when the basket is gone (expired) although
 * the writer read one; -1 when the stored version differs; -2 when the
 * chosen number is locked already; -3 when the client is over its limit.
 */
static const char save_script[] =
    "local cur = redis.call('GET', KEYS[1])\n"
    "local want = tonumber(ARGV[1])\n"
    "if not cur then\n"
    "  if want ~= 0 then return 0 end\n"
    "else\n"
    "  local v = tonumber(string.match(cur, '^{\"version\":(%d+)'))\n"
    "  if v ~= want then return -1 end\n"
    "end\n"
    "local keep, rel = tonumber(ARGV[8]), tonumber(ARGV[9])\n"
    "local lock, counter = KEYS[2 + keep + rel], KEYS[3 + keep + rel]\n"
    "if lock then\n"
    "  if redis.call('EXISTS', lock) == 1 then return -2 end\n"
    "  if counter then\n"
    "    local n = tonumber(redis.call('GET', counter) or '0')\n"
    "    if n >= tonumber(ARGV[6]) then return -3 end\n"
    "    if redis.call('INCR', counter) == 1 then\n"
    "      redis.call('PEXPIRE', counter, ARGV[7])\n"
    "    end\n"
    "  end\n"
    "  redis.call('SET', lock, ARGV[4], 'PX', ARGV[5])\n"
    "end\n"
    "for i = 2, 1 + keep do\n"
    "  local v = redis.call('GET', KEYS[i])\n"
    "  if v == ARGV[4] then redis.call('PEXPIRE', KEYS[i], ARGV[5])\n"
    "  elseif not v then redis.call('SET', KEYS[i], ARGV[4], 'PX', ARGV[5])\n"
    "  end\n"
    "end\n"
    "for i = 2 + keep, 1 + keep + rel do\n"
    "  if redis.call('GET', KEYS[i]) == ARGV[4] then\n"
    "    redis.call('DEL', KEYS[i])\n"
    "  end\n"
    "end\n"
    "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
    "return want + 1\n";

/* What a save does besides storing the lines. */
struct save {
    const char *chosen;  /* a number to lock now (NULL: none) */
    const char *release; /* a number the basket gives up (NULL: none) */
};

/* the basket, a kept lock per line, a released one, a chosen one and the
   counter: within ec_kv_eval()'s 16 keys */
#define SAVE_KEYS_MAX (EC_BASKET_LINES_MAX + 4)

static const char *
line_msisdn(struct json_object *line)
{
    struct json_object *v;

    if (!json_object_object_get_ex(line, "msisdn", &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/*
 * The keys of save sv of basket b, in the script's order, into keys;
 * *kept gets K, *released R. The number of keys, or an ec_err.
 */
static int
save_keys(char keys[SAVE_KEYS_MAX][EC_BASKET_KEY_SIZE], const char *slug,
          const struct ec_basket *b, const struct save *sv,
          const struct ec_basket_policy *p, int *kept, int *released)
{
    size_t n = json_object_array_length(b->lines);
    int k = 1, rc;

    if ((rc = basket_key(keys[0], sizeof(keys[0]), slug, b->id)) < 0)
        return rc;
    for (size_t i = 0; i < n && k < SAVE_KEYS_MAX - 3; i++) {
        const char *m = line_msisdn(json_object_array_get_idx(b->lines, i));

        if (!m || (sv->chosen && strcmp(m, sv->chosen) == 0))
            continue;
        if (ec_number_lock_key(keys[k++], sizeof(keys[0]), slug, m) < 0)
            return EC_ERR_INTERNAL;
    }
    *kept = k - 1;
    *released = 0;
    if (sv->release && *sv->release) {
        if (ec_number_lock_key(keys[k++], sizeof(keys[0]), slug, sv->release) <
            0)
            return EC_ERR_INTERNAL;
        *released = 1;
    }
    if (!sv->chosen || !*sv->chosen)
        return k;
    if (ec_number_lock_key(keys[k++], sizeof(keys[0]), slug, sv->chosen) < 0)
        return EC_ERR_INVALID_FIELD;
    if (!p->rate.client || p->rate.max == 0)
        return k;
    if (ec_number_rate_key(keys[k++], sizeof(keys[0]), slug, p->rate.client) <
        0)
        return EC_ERR_INVALID_FIELD;
    return k;
}

/*
 * Basket activity keeps the basket's numbers: every line with a number
 * records the lock's new expiry (the save script extends the locks; a
 * line whose number went to another basket is shown as not held, whatever
 * it records).
 */
static void
note_lock_expiry(struct ec_basket *b, int64_t t, long long lock_ttl_ms)
{
    for (size_t i = 0; i < json_object_array_length(b->lines); i++) {
        struct json_object *e = json_object_array_get_idx(b->lines, i);

        if (line_msisdn(e))
            json_object_object_add(e, "lock_expires_at",
                                   json_object_new_int64(t + lock_ttl_ms));
    }
}

/*
 * Store b->lines if the stored version is still b->version, with sv's
 * locks, in one script. 0 with b->version the new version;
 * EC_ERR_VERSION_CONFLICT; EC_ERR_NUMBER_TAKEN; EC_ERR_RATE_LIMITED;
 * EC_ERR_UNAVAILABLE; EC_ERR_INTERNAL.
 */
static int
save(struct ec_kv *kv, const char *slug, struct ec_basket *b,
     const struct save *sv, const struct ec_basket_policy *p)
{
    char keys[SAVE_KEYS_MAX][EC_BASKET_KEY_SIZE], want[24], ttl[24];
    char lock_ttl[24], max[24], window[24], kept_s[8], released_s[8];
    const char *key_ptrs[SAVE_KEYS_MAX], *args[9], *lines;
    int nkeys, kept, released, rc;
    long long got;
    char *doc;
    size_t n;

    if ((nkeys = save_keys(keys, slug, b, sv, p, &kept, &released)) < 0)
        return nkeys;
    for (int i = 0; i < nkeys; i++)
        key_ptrs[i] = keys[i];
    lines = json_object_to_json_string_ext(b->lines, JSON_C_TO_STRING_PLAIN);
    n = strlen(lines) + 48;
    doc = malloc(n);
    if (!doc)
        abort();
    snprintf(doc, n, "{\"version\":%lld,\"lines\":%s}", b->version + 1, lines);
    snprintf(want, sizeof(want), "%lld", b->version);
    snprintf(ttl, sizeof(ttl), "%lld", p->ttl_ms);
    snprintf(lock_ttl, sizeof(lock_ttl), "%lld", p->lock_ttl_ms);
    snprintf(max, sizeof(max), "%u", p->rate.max);
    snprintf(window, sizeof(window), "%lld", p->rate.window_ms);
    snprintf(kept_s, sizeof(kept_s), "%d", kept);
    snprintf(released_s, sizeof(released_s), "%d", released);
    args[0] = want;
    args[1] = doc;
    args[2] = ttl;
    args[3] = b->id;
    args[4] = lock_ttl;
    args[5] = max;
    args[6] = window;
    args[7] = kept_s;
    args[8] = released_s;
    rc = ec_kv_eval(kv, save_script, (size_t)nkeys, key_ptrs, 9, args, &got);
    free(doc);
    if (rc < 0)
        return rc;
    switch (got) {
    case 0:
    case -1:
        return EC_ERR_VERSION_CONFLICT;
    case -2:
        return EC_ERR_NUMBER_TAKEN;
    case -3:
        return EC_ERR_RATE_LIMITED;
    }
    if (got < 0)
        return EC_ERR_INTERNAL;
    b->version = got;
    return 0;
}

int
ec_basket_save(struct ec_kv *kv, const char *slug, struct ec_basket *b,
               const struct ec_basket_policy *p)
{
    struct save sv = {NULL, NULL};

    note_lock_expiry(b, now_ms(), p->lock_ttl_ms);
    return save(kv, slug, b, &sv, p);
}

struct json_object *
ec_basket_find_line(const struct ec_basket *b, const char *line_id,
                    size_t *index)
{
    size_t n = b->lines ? json_object_array_length(b->lines) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(b->lines, i), *v;

        if (json_object_object_get_ex(e, "id", &v) &&
            json_object_is_type(v, json_type_string) &&
            strcmp(json_object_get_string(v), line_id) == 0) {
            if (index)
                *index = i;
            return e;
        }
    }
    return NULL;
}

int
ec_basket_locks_held(struct ec_kv *kv, const char *slug,
                     const struct ec_basket *b, struct ec_arena *a, int *held,
                     size_t nheld)
{
    size_t n = b->lines ? json_object_array_length(b->lines) : 0, k = 0;
    char keys[EC_BASKET_LINES_MAX][EC_BASKET_KEY_SIZE];
    const char *key_ptrs[EC_BASKET_LINES_MAX];
    size_t line_of[EC_BASKET_LINES_MAX];
    char *owners[EC_BASKET_LINES_MAX];
    int rc;

    /* a stored basket never holds more lines than it may; one that does
       (written by hand, or by an older version) is read cut, as the view
       cuts it */
    if (n > nheld)
        n = nheld;
    for (size_t i = 0; i < n; i++) {
        const char *m = line_msisdn(json_object_array_get_idx(b->lines, i));

        held[i] = 0;
        if (!m || k == EC_BASKET_LINES_MAX ||
            ec_number_lock_key(keys[k], sizeof(keys[k]), slug, m) < 0)
            continue;
        key_ptrs[k] = keys[k];
        line_of[k++] = i;
    }
    if (k == 0)
        return 0;
    if ((rc = ec_kv_mget(kv, key_ptrs, k, a, owners)) < 0)
        return rc;
    for (size_t j = 0; j < k; j++)
        held[line_of[j]] = owners[j] && strcmp(owners[j], b->id) == 0;
    return 0;
}

/* Lines of b holding a number from the pool, line skip (if < n) not
   counted. */
static unsigned
numbers_held(const struct ec_basket *b, size_t skip)
{
    unsigned held = 0;

    for (size_t i = 0; i < json_object_array_length(b->lines); i++)
        if (i != skip && line_msisdn(json_object_array_get_idx(b->lines, i)))
            held++;
    return held;
}

int
ec_basket_add(struct ec_kv *kv, const char *slug, struct ec_basket *b,
              struct ec_basket_line *l, const struct ec_basket_policy *p,
              const char **field, const char **message)
{
    size_t n = json_object_array_length(b->lines);
    struct save sv = {l->msisdn[0] ? l->msisdn : NULL, NULL};
    int64_t t = now_ms();
    int rc;

    if (n >= EC_BASKET_LINES_MAX)
        LIMIT("lines", "The basket is full.");
    if (l->msisdn[0] && numbers_held(b, n) >= p->numbers_max)
        LIMIT("msisdn", "Your basket holds as many new numbers as it can.");
    ec_rand_hex(l->id, (EC_BASKET_LINE_ID_SIZE - 1) / 2);
    l->added_at = t / 1000;
    l->lock_expires_at = l->msisdn[0] ? t + p->lock_ttl_ms : 0;
    json_object_array_add(b->lines, ec_basket_line_to_json(l));
    note_lock_expiry(b, t, p->lock_ttl_ms);
    rc = save(kv, slug, b, &sv, p);
    if (rc < 0)
        json_object_array_del_idx(b->lines, n, 1);
    return rc;
}

int
ec_basket_update(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                 const char *line_id, struct ec_basket_line *l,
                 const struct ec_basket_policy *p, const char **field,
                 const char **message)
{
    char old_msisdn[EC_NUMBER_SIZE] = "";
    struct json_object *old, *v;
    struct save sv = {NULL, NULL};
    int64_t t = now_ms();
    size_t i;

    if (!(old = ec_basket_find_line(b, line_id, &i)))
        return EC_ERR_NOT_FOUND;
    if (line_msisdn(old))
        snprintf(old_msisdn, sizeof(old_msisdn), "%s", line_msisdn(old));
    if (strcmp(old_msisdn, l->msisdn) != 0) {
        if (l->msisdn[0] && numbers_held(b, i) >= p->numbers_max)
            LIMIT("msisdn", "Your basket holds as many new numbers as it can.");
        sv.chosen = l->msisdn[0] ? l->msisdn : NULL;
        sv.release = old_msisdn[0] ? old_msisdn : NULL;
    }
    snprintf(l->id, sizeof(l->id), "%s", line_id);
    l->added_at = json_object_object_get_ex(old, "added_at", &v)
                      ? json_object_get_int64(v)
                      : t / 1000;
    l->lock_expires_at = l->msisdn[0] ? t + p->lock_ttl_ms : 0;
    /* b is not used after a failure: the caller reads it again */
    json_object_array_put_idx(b->lines, i, ec_basket_line_to_json(l));
    note_lock_expiry(b, t, p->lock_ttl_ms);
    return save(kv, slug, b, &sv, p);
}

int
ec_basket_remove(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                 const char *line_id, const struct ec_basket_policy *p)
{
    char msisdn[EC_NUMBER_SIZE] = "";
    struct save sv = {NULL, NULL};
    struct json_object *e;
    size_t i;

    if (!(e = ec_basket_find_line(b, line_id, &i)))
        return EC_ERR_NOT_FOUND;
    if (line_msisdn(e)) {
        /* only the owner's lock goes; an expired one or another's stays */
        snprintf(msisdn, sizeof(msisdn), "%s", line_msisdn(e));
        sv.release = msisdn;
    }
    json_object_array_del_idx(b->lines, i, 1);
    note_lock_expiry(b, now_ms(), p->lock_ttl_ms);
    return save(kv, slug, b, &sv, p);
}

int
ec_basket_touch(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                const struct ec_basket_policy *p)
{
    return ec_basket_save(kv, slug, b, p);
}

/* ---- what a basket costs now ---- */

static const char *
stored_str(struct json_object *o, const char *k)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, k, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int
stored_int(struct json_object *o, const char *k)
{
    struct json_object *v;

    return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

long long
ec_basket_line_monthly(const struct ec_catalog *c, const struct ec_channel *ch,
                       const struct ec_basket_line *l, int64_t at,
                       int vat_rate_bp, struct ec_arena *a)
{
    struct ec_promotion_breakdown *pb = ec_arena_alloc(a, sizeof(*pb));
    const struct ec_offer *o = ec_catalog_offer(ch, l->sku);
    long long sum;

    if (!o || ec_catalog_price(c, o, l->binding_months, l->sim, at, vat_rate_bp,
                               pb) < 0)
        return -1;
    sum = pb->monthly_now;
    for (size_t i = 0; i < l->naddons; i++) {
        o = ec_catalog_offer(ch, l->addons[i]);
        if (!o || ec_catalog_price(c, o, 0, l->sim, at, vat_rate_bp, pb) < 0)
            return -1;
        sum += pb->monthly_now;
    }
    return sum;
}

/* Price the add-ons of line vl (stored) into it; pb is scratch room. */
static void
view_addons(const struct ec_catalog *c, struct ec_basket_view_line *vl,
            enum ec_sim_type sim, int months, int64_t at, int vat_rate_bp,
            struct ec_promotion_breakdown *pb)
{
    struct json_object *arr;
    size_t n;

    if (!json_object_object_get_ex(vl->stored, "addons", &arr) ||
        !json_object_is_type(arr, json_type_array))
        return;
    n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        const char *sku =
            json_object_get_string(json_object_array_get_idx(arr, i));
        const struct ec_offer *ao = ec_catalog_offer(vl->channel, sku);
        struct ec_basket_view_addon *va;

        if (!ao || vl->naddons == EC_BASKET_ADDONS_MAX ||
            ec_catalog_price(c, ao, 0, sim, at, vat_rate_bp, pb) < 0) {
            vl->addon_unavailable = 1;
            continue;
        }
        va = &vl->addons[vl->naddons++];
        va->sku = ao->product->sku;
        va->name = ao->display_name;
        va->monthly_now = pb->monthly_now;
        va->one_time = pb->one_time_total;
        /* an add-on runs as long as the plan's minimum term */
        va->min_total = pb->one_time_total +
                        pb->monthly_now * (long long)(months > 0 ? months : 1);
        vl->monthly_now += va->monthly_now;
        vl->one_time += va->one_time;
        vl->min_total += va->min_total;
    }
}

/* Line vl (stored, channel set) priced at at. */
static void
view_line(const struct ec_catalog *c, struct ec_basket_view_line *vl,
          int64_t at, int vat_rate_bp, struct ec_arena *a)
{
    struct ec_promotion_breakdown *pb = ec_arena_alloc(a, sizeof(*pb));
    const char *sku = stored_str(vl->stored, "sku");
    const char *sim_name = stored_str(vl->stored, "sim_type");
    int months = stored_int(vl->stored, "binding_months");
    enum ec_sim_type sim = EC_SIM_PHYSICAL;
    struct json_object *at_add;

    /* a stored line's SIM type was checked when it was stored */
    if (sim_name)
        ec_sim_type_parse(sim_name, &sim);
    vl->offer = sku ? ec_catalog_offer(vl->channel, sku) : NULL;
    if (!vl->offer ||
        ec_catalog_price(c, vl->offer, months, sim, at, vat_rate_bp, pb) < 0) {
        vl->offer = NULL;
        return;
    }
    vl->plan = pb;
    vl->monthly_now = pb->monthly_now;
    vl->one_time = pb->one_time_total;
    vl->min_total = pb->min_total;
    view_addons(c, vl, sim, months, at, vat_rate_bp,
                ec_arena_alloc(a, sizeof(*pb)));
    vl->price_changed =
        json_object_object_get_ex(vl->stored, "monthly_at_add", &at_add) &&
        json_object_is_type(at_add, json_type_int) &&
        json_object_get_int64(at_add) != vl->monthly_now;
}

/* What the customer chose on line vl (stored), and whether its binding
   still awaits their acceptance. */
static void
view_choice(struct ec_basket_view_line *vl)
{
    const char *sim_name = stored_str(vl->stored, "sim_type");
    struct json_object *v;
    enum ec_sim_type sim;

    vl->binding_months = stored_int(vl->stored, "binding_months");
    vl->binding_accepted =
        json_object_object_get_ex(vl->stored, "binding_accepted", &v) &&
        json_object_get_boolean(v);
    vl->needs_acceptance = vl->binding_months > 0 && !vl->binding_accepted;
    vl->sim = sim_name && ec_sim_type_parse(sim_name, &sim) == 0 ? sim : 0;
    vl->has_number = stored_str(vl->stored, "msisdn") != NULL;
}

void
ec_basket_view_build(const struct ec_catalog *c,
                     const struct ec_channel *fallback,
                     const struct ec_basket *b, const int *held, int64_t at,
                     int vat_rate_bp, struct ec_arena *a,
                     struct ec_basket_view *v)
{
    size_t n = b->lines ? json_object_array_length(b->lines) : 0;

    memset(v, 0, sizeof(*v));
    /* a stored basket never holds more; a longer one is shown cut */
    if (n > EC_BASKET_LINES_MAX)
        n = EC_BASKET_LINES_MAX;
    for (size_t i = 0; i < n; i++) {
        struct ec_basket_view_line *vl = &v->lines[v->nlines++];
        const char *code;

        vl->stored = json_object_array_get_idx(b->lines, i);
        vl->id = stored_str(vl->stored, "id");
        if (!vl->id)
            vl->id = "";
        code = stored_str(vl->stored, "channel");
        vl->channel = code ? ec_catalog_channel(c, code) : NULL;
        if (!vl->channel)
            vl->channel = fallback;
        vl->lock_held = held && held[i];
        view_choice(vl);
        view_line(c, vl, at, vat_rate_bp, a);
        v->needs_acceptance += vl->needs_acceptance != 0;
        v->holds_numbers |= vl->has_number;
        v->monthly_now += vl->monthly_now;
        v->one_time += vl->one_time;
        v->min_total += vl->min_total;
    }
}
