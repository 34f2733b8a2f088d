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
#include "core/metrics.h"
#include "core/rand.h"
#include "store/kv.h"
#include "svc/invalidate.h"

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

void
ec_basket_policy_for(const struct ec_basket_policy *base, const char *client,
                     struct ec_basket_policy *p)
{
    *p = *base;
    p->rate.client = client && *client ? client : NULL;
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
ec_basket_from_text(const char *slug, const char *id, const char *text,
                    struct ec_arena *a, struct ec_basket *b)
{
    struct json_object *v;

    memset(b, 0, sizeof(*b));
    snprintf(b->id, sizeof(b->id), "%s", id);
    if (!text) {
        empty_doc(b, a);
        return 0;
    }
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

int
ec_basket_load(struct ec_kv *kv, const char *slug, const char *id,
               struct ec_arena *a, struct ec_basket *b)
{
    char key[EC_BASKET_KEY_SIZE];
    char *text = NULL;
    size_t len;
    int rc;

    memset(b, 0, sizeof(*b));
    snprintf(b->id, sizeof(b->id), "%s", id);
    if ((rc = basket_key(key, sizeof(key), slug, id)) < 0)
        return rc;
    rc = ec_kv_get(kv, key, a, &text, &len);
    if (rc < 0 && rc != EC_ERR_NOT_FOUND)
        return rc;
    return ec_basket_from_text(slug, id, rc == 0 ? text : NULL, a, b);
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
    json_object_object_add(o, "lock_taken_at",
                           l->lock_taken_at
                               ? json_object_new_int64(l->lock_taken_at)
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
 * version, the client's limits, the lock of a newly chosen number, the
 * locks the basket keeps (activity extends them) and the one it gives up.
 * Either all of it happens or, when a check fails, none of it: a lock is
 * never left without its line, and a line never claims a number it did
 * not lock.
 *
 * KEYS[1] the basket; KEYS[2 .. 1+K] the locks of the numbers the basket
 * keeps; then R (0 or 1) locks to release; then C (0 or 1) the lock of the
 * chosen number; then, when the client is limited (L = 1), its three keys:
 * the counter of its new locks, the sorted set of the locks it holds
 * (member: the lock's key, score: when the lock ends, UTC ms) and the
 * counter of its new baskets.
 * ARGV[1] the version the writer read (0: must not exist), ARGV[2] the new
 * document (which starts {"version":N+1,...}), ARGV[3] its TTL in ms,
 * ARGV[4] the basket id, ARGV[5] the chosen lock's TTL, ARGV[6] the most
 * new locks a counter window allows (0: no limit), ARGV[7] the counters'
 * window in ms, ARGV[8] K, ARGV[9] R, ARGV[10] C, ARGV[11] L, ARGV[12] the
 * most locks the client may hold (0: no limit), ARGV[13] the most new
 * baskets a window allows (0: no limit), ARGV[14] the K kept locks' TTLs
 * ("ms ms ..."; 0: the lock reached its longest hold and is not extended
 * or taken again), ARGV[15] now (UTC ms, the writer's clock, which also
 * wrote the lines' expiries).
 *
 * A kept lock is extended if the basket holds it, taken again if it ran
 * out and nobody took the number (and the client may hold one more),
 * else left to its new owner; a released lock goes only if the basket
 * holds it. Every lock the client takes or extends is recorded in its
 * set with its end, so the set counts the locks the client holds now:
 * ended ones are dropped by score, released ones removed. A lock extended
 * from another address moves there; the first address's entry ends with
 * the lock's old end. Every lock taken is announced to the workers
 * (svc/invalidate.h, "lock:<slug>:<number>", the parts of the lock key of
 * ec_number_lock_key()) in the same step, so no page offers it from then
 * on.
 *
 * A session's first change claims the new basket for the session in the
 * same step (ARGV[16], the session record's idle ms, given; the record, a
 * hash of svc/session.h, the last key): when the record names another
 * basket already, nothing is written and the answer is {"named", that
 * basket's id, its document or nil}; else the save's answer as a string
 * in a list, and only a save that succeeded makes the record name the
 * basket (fields created and basket), so a refused first change stores no
 * session.
 *
 * Returns the new version; 0 when the basket is gone (expired) although
 * the writer read one; -1 when the stored version differs; -2 when the
 * chosen number is locked already; -3 when the client took too many new
 * locks this window; HOLDS_REFUSED - s when it holds as many as it may
 * (its first lock ends in s seconds); BASKETS_REFUSED - s when it made
 * too many new baskets this window (which ends in s seconds).
 */
#define HOLDS_REFUSED (-1000000LL)
#define BASKETS_REFUSED (-2000000LL)
static const char save_script[] =
    "local function save()\n"
    "local cur = redis.call('GET', KEYS[1])\n"
    "local want = tonumber(ARGV[1])\n"
    "if not cur then\n"
    "  if want ~= 0 then return 0 end\n"
    "else\n"
    "  local v = tonumber(string.match(cur, '^{\"version\":(%d+)'))\n"
    "  if v ~= want then return -1 end\n"
    "end\n"
    "local id, now = ARGV[4], tonumber(ARGV[15])\n"
    "local keep, rel = tonumber(ARGV[8]), tonumber(ARGV[9])\n"
    "local n = 1 + keep + rel\n"
    "local lock, counter, holds, baskets\n"
    "if ARGV[10] == '1' then n = n + 1; lock = KEYS[n] end\n"
    "if ARGV[11] == '1' then\n"
    "  counter, holds, baskets = KEYS[n + 1], KEYS[n + 2], KEYS[n + 3]\n"
    "end\n"
    "local cap, made_max = tonumber(ARGV[12]), tonumber(ARGV[13])\n"
    "if not holds or cap == 0 then holds = nil end\n"
    "local px, kept = {}, {}\n"
    "for t in string.gmatch(ARGV[14], '%d+') do px[#px + 1] = tonumber(t) end\n"
    "for i = 2, 1 + keep do kept[i] = redis.call('GET', KEYS[i]) end\n"
    "local function counted(k)\n"
    "  local e = redis.call('ZSCORE', holds, k)\n"
    "  return e and tonumber(e) > now\n"
    "end\n"
    "-- the checks, before anything is written\n"
    "if baskets and not cur and made_max > 0 then\n"
    "  if tonumber(redis.call('GET', baskets) or '0') >= made_max then\n"
    "    local left = redis.call('PTTL', baskets)\n"
    "    if left < 0 then left = tonumber(ARGV[7]) end\n"
    "    return -2000000 - math.ceil(left / 1000)\n"
    "  end\n"
    "end\n"
    "if lock then\n"
    "  if redis.call('EXISTS', lock) == 1 then return -2 end\n"
    "  if counter and tonumber(ARGV[6]) > 0 and\n"
    "     tonumber(redis.call('GET', counter) or '0') >= tonumber(ARGV[6]) "
    "then\n"
    "    return -3\n"
    "  end\n"
    "  if holds then\n"
    "    local held = redis.call('ZCOUNT', holds, '(' .. now, '+inf')\n"
    "    for i = 2, 1 + keep do\n"
    "      if kept[i] == id and px[i - 1] > 0 and not counted(KEYS[i]) then\n"
    "        held = held + 1\n"
    "      end\n"
    "    end\n"
    "    if rel == 1 and counted(KEYS[2 + keep]) then held = held - 1 end\n"
    "    if held >= cap then\n"
    "      local first = redis.call('ZRANGEBYSCORE', holds, '(' .. now,\n"
    "                               '+inf', 'WITHSCORES', 'LIMIT', 0, 1)\n"
    "      local left = first[2] and tonumber(first[2]) - now or\n"
    "                   tonumber(ARGV[5])\n"
    "      return -1000000 - math.ceil(left / 1000)\n"
    "    end\n"
    "  end\n"
    "end\n"
    "-- the writes\n"
    "if baskets and not cur and made_max > 0 then\n"
    "  if redis.call('INCR', baskets) == 1 then\n"
    "    redis.call('PEXPIRE', baskets, ARGV[7])\n"
    "  end\n"
    "end\n"
    "if holds then redis.call('ZREMRANGEBYSCORE', holds, '-inf', now) end\n"
    "local function hold(k, ms)\n"
    "  if holds then redis.call('ZADD', holds, now + ms, k) end\n"
    "end\n"
    "local function take(k, ms)\n"
    "  redis.call('SET', k, id, 'PX', ms)\n"
    "  local slug, number = string.match(k, '^ecom:{(.-)}:lock:(.+)$')\n"
    "  redis.call('PUBLISH', '" EC_INVALIDATE_CHANNEL "',\n"
    "             '" EC_INVALIDATE_LOCK_PREFIX "' .. slug .. ':' .. number)\n"
    "end\n"
    "if lock then\n"
    "  if counter and tonumber(ARGV[6]) > 0 then\n"
    "    if redis.call('INCR', counter) == 1 then\n"
    "      redis.call('PEXPIRE', counter, ARGV[7])\n"
    "    end\n"
    "  end\n"
    "  take(lock, ARGV[5])\n"
    "  hold(lock, tonumber(ARGV[5]))\n"
    "end\n"
    "for i = 2, 1 + keep do\n"
    "  local ms = px[i - 1]\n"
    "  if ms > 0 then\n"
    "    if kept[i] == id then\n"
    "      redis.call('PEXPIRE', KEYS[i], ms)\n"
    "      hold(KEYS[i], ms)\n"
    "    elseif not kept[i] and (not holds or counted(KEYS[i]) or\n"
    "        redis.call('ZCARD', holds) < cap) then\n"
    "      take(KEYS[i], ms)\n"
    "      hold(KEYS[i], ms)\n"
    "    end\n"
    "  end\n"
    "end\n"
    "for i = 2 + keep, 1 + keep + rel do\n"
    "  if redis.call('GET', KEYS[i]) == id then\n"
    "    redis.call('DEL', KEYS[i])\n"
    "    if holds then redis.call('ZREM', holds, KEYS[i]) end\n"
    "  end\n"
    "end\n"
    "if holds then\n"
    "  local last = redis.call('ZRANGE', holds, -1, -1, 'WITHSCORES')\n"
    "  if last[2] then\n"
    "    redis.call('PEXPIREAT', holds, math.floor(tonumber(last[2])))\n"
    "  end\n"
    "end\n"
    "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
    "return want + 1\n"
    "end\n"
    "-- a session's first change: its record names the new basket\n"
    "local idle = ARGV[16]\n"
    "if not idle then return save() end\n"
    "local record = KEYS[#KEYS]\n"
    "local named = redis.call('HGET', record, 'basket')\n"
    "if named and named ~= ARGV[4] then\n"
    "  redis.call('PEXPIRE', record, idle)\n"
    "  local prefix = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[4])\n"
    "  return {'named', named, redis.call('GET', prefix .. named)}\n"
    "end\n"
    "local got = save()\n"
    "if got > 0 then\n"
    "  -- a record without a basket is a new one (a sign-in gives every\n"
    "  -- session a basket): its creation is now\n"
    "  redis.call('HSET', record, 'basket', ARGV[4], 'created', ARGV[15])\n"
    "  redis.call('PEXPIRE', record, idle)\n"
    "end\n"
    "return {tostring(got)}\n";

/* What a save does besides storing the lines. */
struct save {
    const char *chosen;  /* a number to lock now (NULL: none) */
    const char *release; /* a number the basket gives up (NULL: none) */
    const struct ec_basket_claim *claim; /* a session's first change */
};

/* the basket, a kept lock per line, a released one, a chosen one and the
   client's three keys: within ec_kv_eval()'s 16 keys */
#define SAVE_KEYS_MAX (EC_BASKET_LINES_MAX + 6)
#define CLIENT_KEYS 3

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
 * When the lock of stored line e was first taken (UTC ms): as recorded,
 * else (a line stored before that was recorded) when the line was added,
 * else t.
 */
static int64_t
lock_taken_at(struct json_object *e, int64_t t)
{
    struct json_object *v;

    if (json_object_object_get_ex(e, "lock_taken_at", &v) &&
        json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0)
        return json_object_get_int64(v);
    if (json_object_object_get_ex(e, "added_at", &v) &&
        json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0)
        return json_object_get_int64(v) * 1000;
    return t;
}

/*
 * How long from t a lock first taken at taken may live now: a lock TTL,
 * but never past taken + the longest hold. 0 when that has passed.
 */
static long long
lock_ttl_from(const struct ec_basket_policy *p, int64_t taken, int64_t t)
{
    long long left;

    if (p->hold_max_ms <= 0)
        return p->lock_ttl_ms;
    left = taken + p->hold_max_ms - t;
    if (left <= 0)
        return 0;
    return left < p->lock_ttl_ms ? left : p->lock_ttl_ms;
}

/* "ecom:{<slug>}:<what>:<client>": one of the client's keys. */
static int
client_key(char *out, size_t size, const char *slug, const char *what,
           const char *client)
{
    int n;

    if (strlen(client) > EC_NUMBER_CLIENT_MAX || strpbrk(client, " \t\r\n"))
        return EC_ERR_INVALID_FIELD;
    n = snprintf(out, size, "ecom:{%s}:%s:%s", slug, what, client);
    return n < 0 || (size_t)n >= size ? EC_ERR_INVALID_FIELD : 0;
}

/* The keys and arguments of one save, in the script's order. */
struct save_call {
    char keys[SAVE_KEYS_MAX][EC_BASKET_KEY_SIZE];
    int nkeys, kept, released, chosen, client;
    char px[SAVE_KEYS_MAX * 24]; /* the kept locks' TTLs */
};

/*
 * The keys of save sv of basket b at t into *c, in the script's order, with
 * the kept locks' TTLs. 0 or an ec_err.
 */
static int
save_keys(struct save_call *c, const char *slug, const struct ec_basket *b,
          const struct save *sv, const struct ec_basket_policy *p, int64_t t)
{
    size_t n = json_object_array_length(b->lines), used = 0;
    int k = 1, rc;

    c->px[0] = '\0';
    if ((rc = basket_key(c->keys[0], sizeof(c->keys[0]), slug, b->id)) < 0)
        return rc;
    for (size_t i = 0; i < n && k < SAVE_KEYS_MAX - 2 - CLIENT_KEYS; i++) {
        struct json_object *e = json_object_array_get_idx(b->lines, i);
        const char *m = line_msisdn(e);

        if (!m || (sv->chosen && strcmp(m, sv->chosen) == 0))
            continue;
        if (ec_number_lock_key(c->keys[k++], sizeof(c->keys[0]), slug, m) < 0)
            return EC_ERR_INTERNAL;
        used += (size_t)snprintf(c->px + used, sizeof(c->px) - used, "%lld ",
                                 lock_ttl_from(p, lock_taken_at(e, t), t));
    }
    c->kept = k - 1;
    c->released = 0;
    if (sv->release && *sv->release) {
        if (ec_number_lock_key(c->keys[k++], sizeof(c->keys[0]), slug,
                               sv->release) < 0)
            return EC_ERR_INTERNAL;
        c->released = 1;
    }
    c->chosen = 0;
    if (sv->chosen && *sv->chosen) {
        if (ec_number_lock_key(c->keys[k++], sizeof(c->keys[0]), slug,
                               sv->chosen) < 0)
            return EC_ERR_INVALID_FIELD;
        c->chosen = 1;
    }
    c->client = 0;
    if (p->rate.client) {
        if (ec_number_rate_key(c->keys[k], sizeof(c->keys[0]), slug,
                               p->rate.client) < 0 ||
            client_key(c->keys[k + 1], sizeof(c->keys[0]), slug, "holds",
                       p->rate.client) < 0 ||
            client_key(c->keys[k + 2], sizeof(c->keys[0]), slug, "newbaskets",
                       p->rate.client) < 0)
            return EC_ERR_INVALID_FIELD;
        k += CLIENT_KEYS;
        c->client = 1;
    }
    c->nkeys = k;
    return 0;
}

/*
 * Basket activity keeps the basket's numbers: every line with a number
 * records the lock's new expiry, a lock TTL from t but never past its
 * longest hold (the save script extends the locks alike; a line whose
 * number went to another basket is shown as not held, whatever it
 * records).
 */
static void
note_lock_expiry(struct ec_basket *b, int64_t t,
                 const struct ec_basket_policy *p)
{
    for (size_t i = 0; i < json_object_array_length(b->lines); i++) {
        struct json_object *e = json_object_array_get_idx(b->lines, i);
        int64_t taken;
        long long ttl;

        if (!line_msisdn(e))
            continue;
        taken = lock_taken_at(e, t);
        ttl = lock_ttl_from(p, taken, t);
        json_object_object_add(e, "lock_taken_at",
                               json_object_new_int64(taken));
        if (ttl > 0)
            json_object_object_add(e, "lock_expires_at",
                                   json_object_new_int64(t + ttl));
    }
}

/* Seconds from a refusal's code (a base minus the seconds), at least 1. */
static long
refused_seconds(long long got, long long base)
{
    long long s = base - got;

    return s < 1 ? 1 : (long)s;
}

/*
 * The save script of call c for a session's first change (claim): the
 * session's record added as the last key and its idle time as the last
 * argument (args has room for it). 0 with *got the save's answer, or
 * EC_BASKET_NAMED with *b the basket the session names already (as
 * stored, read into claim->arena; nothing written), or an ec_err.
 */
static int
eval_claiming(struct ec_kv *kv, const char *slug,
              const struct ec_basket_claim *claim, const struct save_call *c,
              const char **key_ptrs, const char **args, struct ec_basket *b,
              long long *got)
{
    char idle[24], *vals[3], *end;
    size_t n;
    int rc;

    if (c->nkeys >= SAVE_KEYS_MAX) /* a new basket keeps no locks */
        return EC_ERR_INTERNAL;
    key_ptrs[c->nkeys] = claim->record;
    snprintf(idle, sizeof(idle), "%lld", claim->idle_ms);
    args[15] = idle;
    rc = ec_kv_eval_strs(kv, save_script, (size_t)c->nkeys + 1, key_ptrs, 16,
                         args, claim->arena, vals, 3, &n);
    if (rc < 0)
        return rc;
    if (n == 3 && vals[0] && strcmp(vals[0], "named") == 0) {
        /* a field that is not what this code writes names nothing */
        if (!vals[1] || !ec_basket_id_valid(vals[1]))
            return EC_ERR_INTERNAL;
        rc = ec_basket_from_text(slug, vals[1], vals[2], claim->arena, b);
        return rc < 0 ? rc : EC_BASKET_NAMED;
    }
    if (n != 1 || !vals[0])
        return EC_ERR_INTERNAL;
    *got = strtoll(vals[0], &end, 10);
    return *end ? EC_ERR_INTERNAL : 0;
}

/*
 * Store b->lines if the stored version is still b->version, with sv's
 * locks, in one script, at t. 0 with b->version the new version;
 * EC_ERR_VERSION_CONFLICT; EC_ERR_NUMBER_TAKEN; EC_ERR_RATE_LIMITED with
 * *field, *message and b->retry_after; EC_ERR_UNAVAILABLE;
 * EC_ERR_INTERNAL.
 */
static int
save(struct ec_kv *kv, const char *slug, struct ec_basket *b,
     const struct save *sv, const struct ec_basket_policy *p, int64_t t,
     const char **field, const char **message)
{
    struct save_call *c = malloc(sizeof(*c));
    char want[24], ttl[24], lock_ttl[24], max[24], window[24], kept_s[8];
    char released_s[8], holds_max[24], baskets_max[24], now[24];
    const char *key_ptrs[SAVE_KEYS_MAX], *args[16], *lines, *identity;
    struct json_object *iv;
    long long got;
    char *doc;
    size_t n;
    int rc;

    if (!c)
        abort();
    if ((rc = save_keys(c, slug, b, sv, p, t)) < 0) {
        free(c);
        return rc;
    }
    for (int i = 0; i < c->nkeys; i++)
        key_ptrs[i] = c->keys[i];
    lines = json_object_to_json_string_ext(b->lines, JSON_C_TO_STRING_PLAIN);
    identity = b->doc && json_object_object_get_ex(b->doc, "identity", &iv)
                   ? json_object_to_json_string_ext(iv, JSON_C_TO_STRING_PLAIN)
                   : NULL;
    n = strlen(lines) + (identity ? strlen(identity) : 0) + 64;
    doc = malloc(n);
    if (!doc)
        abort();
    /* "version" first: the script reads it there */
    snprintf(doc, n, "{\"version\":%lld,\"lines\":%s%s%s}", b->version + 1,
             lines, identity ? ",\"identity\":" : "", identity ? identity : "");
    snprintf(want, sizeof(want), "%lld", b->version);
    snprintf(ttl, sizeof(ttl), "%lld", p->ttl_ms);
    snprintf(lock_ttl, sizeof(lock_ttl), "%lld", lock_ttl_from(p, t, t));
    snprintf(max, sizeof(max), "%u", p->rate.max);
    snprintf(window, sizeof(window), "%lld", p->rate.window_ms);
    snprintf(kept_s, sizeof(kept_s), "%d", c->kept);
    snprintf(released_s, sizeof(released_s), "%d", c->released);
    snprintf(holds_max, sizeof(holds_max), "%u", p->holds_max);
    snprintf(baskets_max, sizeof(baskets_max), "%u", p->baskets_rate);
    snprintf(now, sizeof(now), "%lld", (long long)t);
    args[0] = want;
    args[1] = doc;
    args[2] = ttl;
    args[3] = b->id;
    args[4] = lock_ttl;
    args[5] = max;
    args[6] = window;
    args[7] = kept_s;
    args[8] = released_s;
    args[9] = c->chosen ? "1" : "0";
    args[10] = c->client ? "1" : "0";
    args[11] = holds_max;
    args[12] = baskets_max;
    args[13] = c->px;
    args[14] = now;
    if (sv->claim)
        rc = eval_claiming(kv, slug, sv->claim, c, key_ptrs, args, b, &got);
    else
        rc = ec_kv_eval(kv, save_script, (size_t)c->nkeys, key_ptrs, 15, args,
                        &got);
    free(doc);
    free(c);
    if (rc != 0)
        return rc;
    if (got <= BASKETS_REFUSED) {
        b->retry_after = refused_seconds(got, BASKETS_REFUSED);
        *field = NULL;
        *message = "Many baskets were started from your address in a short "
                   "time. Please wait a minute and try again.";
        return EC_ERR_RATE_LIMITED;
    }
    if (got <= HOLDS_REFUSED) {
        b->retry_after = refused_seconds(got, HOLDS_REFUSED);
        *field = "msisdn";
        *message = "Your address holds as many numbers as it may at once. "
                   "Please try again when one of them is released.";
        return EC_ERR_RATE_LIMITED;
    }
    switch (got) {
    case 0:
    case -1:
        return EC_ERR_VERSION_CONFLICT;
    case -2:
        return EC_ERR_NUMBER_TAKEN;
    case -3:
        b->retry_after = (long)((p->rate.window_ms + 999) / 1000);
        *field = "msisdn";
        *message = "Many numbers were reserved from your address in a short "
                   "time. Please wait a minute and try again.";
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
    struct save sv = {NULL, NULL, NULL};
    const char *field, *message;
    int64_t t = now_ms();

    note_lock_expiry(b, t, p);
    return save(kv, slug, b, &sv, p, t, &field, &message);
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

/*
 * Line l joins basket b at t, if the basket may take it: its id and times
 * set, the lines' lock expiries noted. 0, or EC_ERR_BASKET_LIMIT with
 * *field and *message.
 */
static int
append_line(struct ec_basket *b, struct ec_basket_line *l,
            const struct ec_basket_policy *p, int64_t t, const char **field,
            const char **message)
{
    size_t n = json_object_array_length(b->lines);

    if (n >= EC_BASKET_LINES_MAX)
        LIMIT("lines", "The basket is full.");
    if (l->msisdn[0] && numbers_held(b, n) >= p->numbers_max)
        LIMIT("msisdn", "Your basket holds as many new numbers as it can.");
    ec_rand_hex(l->id, (EC_BASKET_LINE_ID_SIZE - 1) / 2);
    l->added_at = t / 1000;
    l->lock_taken_at = l->msisdn[0] ? t : 0;
    l->lock_expires_at = l->msisdn[0] ? t + lock_ttl_from(p, t, t) : 0;
    json_object_array_add(b->lines, ec_basket_line_to_json(l));
    note_lock_expiry(b, t, p);
    return 0;
}

/* rc of a save that chose sv->chosen, counted: the lock granted or
   refused, and a line added when added is set. */
static int
counted(int rc, const struct save *sv, int added)
{
    if (sv->chosen && rc == 0)
        ec_metric_inc(EC_M_NUMBER_LOCKS_GRANTED);
    else if (sv->chosen && rc == EC_ERR_NUMBER_TAKEN)
        ec_metric_inc(EC_M_NUMBER_LOCKS_REFUSED);
    if (added && rc == 0)
        ec_metric_inc(EC_M_BASKET_LINES_ADDED);
    return rc;
}

int
ec_basket_add(struct ec_kv *kv, const char *slug, struct ec_basket *b,
              struct ec_basket_line *l, const struct ec_basket_policy *p,
              const char **field, const char **message)
{
    size_t n = json_object_array_length(b->lines);
    struct save sv = {l->msisdn[0] ? l->msisdn : NULL, NULL, NULL};
    int64_t t = now_ms();
    int rc;

    if ((rc = append_line(b, l, p, t, field, message)) < 0)
        return rc;
    rc = counted(save(kv, slug, b, &sv, p, t, field, message), &sv, 1);
    if (rc < 0)
        json_object_array_del_idx(b->lines, n, 1);
    return rc;
}

int
ec_basket_add_claimed(struct ec_kv *kv, const char *slug,
                      const struct ec_basket_claim *claim, struct ec_basket *b,
                      struct ec_basket_line *l,
                      const struct ec_basket_policy *p, const char **field,
                      const char **message)
{
    struct save sv = {l->msisdn[0] ? l->msisdn : NULL, NULL, claim};
    int64_t t = now_ms();
    int rc;

    ec_basket_init_new(b, claim->arena);
    if ((rc = append_line(b, l, p, t, field, message)) < 0)
        return rc;
    rc = counted(save(kv, slug, b, &sv, p, t, field, message), &sv, 1);
    if (rc < 0) /* EC_BASKET_NAMED: b is the session's basket now */
        json_object_array_del_idx(b->lines, 0, 1);
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
    struct save sv = {NULL, NULL, NULL};
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
    /* a kept number keeps when its lock was first taken */
    l->lock_taken_at = !l->msisdn[0] ? 0
                       : sv.chosen   ? t
                                     : lock_taken_at(old, t);
    l->lock_expires_at = 0;
    if (l->msisdn[0] && lock_ttl_from(p, l->lock_taken_at, t) > 0)
        l->lock_expires_at = t + lock_ttl_from(p, l->lock_taken_at, t);
    else if (l->msisdn[0] &&
             json_object_object_get_ex(old, "lock_expires_at", &v))
        l->lock_expires_at = json_object_get_int64(v);
    /* b is not used after a failure: the caller reads it again */
    json_object_array_put_idx(b->lines, i, ec_basket_line_to_json(l));
    note_lock_expiry(b, t, p);
    return counted(save(kv, slug, b, &sv, p, t, field, message), &sv, 0);
}

int
ec_basket_remove(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                 const char *line_id, const struct ec_basket_policy *p)
{
    char msisdn[EC_NUMBER_SIZE] = "";
    struct save sv = {NULL, NULL, NULL};
    const char *field, *message;
    int64_t t = now_ms();
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
    note_lock_expiry(b, t, p);
    return save(kv, slug, b, &sv, p, t, &field, &message);
}

int
ec_basket_touch(struct ec_kv *kv, const char *slug, struct ec_basket *b,
                const struct ec_basket_policy *p)
{
    return ec_basket_save(kv, slug, b, p);
}

/*
 * A sold basket emptied and its locks given up, in one step.
 *
 * KEYS[1] the basket; KEYS[2 .. 1+K] the locks of its numbers; then,
 * when ARGV[5] is '1', the client's set of held locks.
 * ARGV[1] the version read, ARGV[2] the new document, ARGV[3] its TTL in
 * ms, ARGV[4] the basket id, ARGV[5] whether the set is given, ARGV[6] K.
 * Returns the new version; 0 when the basket is gone; -1 when the stored
 * version differs.
 */
static const char sold_script[] =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if not cur then return 0 end\n"
    "local want = tonumber(ARGV[1])\n"
    "local v = tonumber(string.match(cur, '^{\"version\":(%d+)'))\n"
    "if v ~= want then return -1 end\n"
    "local k = tonumber(ARGV[6])\n"
    "local holds\n"
    "if ARGV[5] == '1' then holds = KEYS[2 + k] end\n"
    "for i = 2, 1 + k do\n"
    "  if redis.call('GET', KEYS[i]) == ARGV[4] then\n"
    "    redis.call('DEL', KEYS[i])\n"
    "    if holds then redis.call('ZREM', holds, KEYS[i]) end\n"
    "  end\n"
    "end\n"
    "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
    "return want + 1\n";

int
ec_basket_sold(struct ec_kv *kv, const char *slug, struct ec_basket *b,
               const struct ec_basket_policy *p, const char *key,
               const char *digest, const char *order_id)
{
    char keys[EC_BASKET_LINES_MAX + 2][EC_BASKET_KEY_SIZE];
    const char *key_ptrs[EC_BASKET_LINES_MAX + 2], *args[6];
    char want[24], ttl[24], k_s[8];
    struct json_object *doc, *note, *iv;
    size_t n = b->lines ? json_object_array_length(b->lines) : 0;
    int k = 1, rc;
    long long got;

    if ((rc = basket_key(keys[0], sizeof(keys[0]), slug, b->id)) < 0)
        return rc;
    key_ptrs[0] = keys[0];
    for (size_t i = 0; i < n && k <= EC_BASKET_LINES_MAX; i++) {
        const char *m = line_msisdn(json_object_array_get_idx(b->lines, i));

        if (!m || ec_number_lock_key(keys[k], sizeof(keys[k]), slug, m) < 0)
            continue;
        key_ptrs[k] = keys[k];
        k++;
    }
    snprintf(k_s, sizeof(k_s), "%d", k - 1);
    args[4] = "0";
    if (p->rate.client && client_key(keys[k], sizeof(keys[k]), slug, "holds",
                                     p->rate.client) == 0) {
        key_ptrs[k] = keys[k];
        k++;
        args[4] = "1";
    }
    /* "version" first: the scripts read it there */
    doc = json_object_new_object();
    json_object_object_add(doc, "version",
                           json_object_new_int64(b->version + 1));
    json_object_object_add(doc, "lines", json_object_new_array());
    if (b->doc && json_object_object_get_ex(b->doc, "identity", &iv))
        json_object_object_add(doc, "identity", json_object_get(iv));
    note = json_object_new_object();
    json_object_object_add(note, "key", json_object_new_string(key));
    json_object_object_add(note, "basket", json_object_new_string(digest));
    json_object_object_add(note, "order", json_object_new_string(order_id));
    json_object_object_add(doc, "sold", note);
    snprintf(want, sizeof(want), "%lld", b->version);
    snprintf(ttl, sizeof(ttl), "%lld", p->ttl_ms);
    args[0] = want;
    args[1] = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
    args[2] = ttl;
    args[3] = b->id;
    args[5] = k_s;
    rc = ec_kv_eval(kv, sold_script, (size_t)k, key_ptrs, 6, args, &got);
    json_object_put(doc);
    if (rc < 0)
        return rc;
    if (got <= 0)
        return EC_ERR_VERSION_CONFLICT;
    b->version = got;
    return 0;
}

int
ec_basket_sold_note(const struct ec_basket *b, const char **key,
                    const char **digest)
{
    struct json_object *note;

    *key = *digest = NULL;
    if (!b->doc || !json_object_object_get_ex(b->doc, "sold", &note))
        return 0;
    *key = ec_basket_line_str(note, "key");
    *digest = ec_basket_line_str(note, "basket");
    return *key && *digest;
}

/* ---- what a basket costs now ---- */

const char *
ec_basket_line_str(struct json_object *o, const char *k)
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
    const char *sku = ec_basket_line_str(vl->stored, "sku");
    const char *sim_name = ec_basket_line_str(vl->stored, "sim_type");
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
    const char *sim_name = ec_basket_line_str(vl->stored, "sim_type");
    struct json_object *v;
    enum ec_sim_type sim;

    vl->binding_months = stored_int(vl->stored, "binding_months");
    vl->binding_accepted =
        json_object_object_get_ex(vl->stored, "binding_accepted", &v) &&
        json_object_get_boolean(v);
    vl->needs_acceptance = vl->binding_months > 0 && !vl->binding_accepted;
    vl->sim = sim_name && ec_sim_type_parse(sim_name, &sim) == 0 ? sim : 0;
    vl->has_number = ec_basket_line_str(vl->stored, "msisdn") != NULL;
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
        vl->id = ec_basket_line_str(vl->stored, "id");
        if (!vl->id)
            vl->id = "";
        code = ec_basket_line_str(vl->stored, "channel");
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
