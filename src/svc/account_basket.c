#include "svc/account_basket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "store/kv.h"
#include "svc/session.h"

#define KEY_SIZE 192
#define EC_MERGE_ASIDE_MAX_S "10" /* EC_MERGE_ASIDE_MAX, for the script */
#define MERGE_TRIES 3
/* session, pointer, two baskets, the aside list; the locks; the holds */
#define FIXED_KEYS 5
#define MERGE_KEYS_MAX (FIXED_KEYS + EC_BASKET_LINES_MAX + 1)

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "ecom:{<slug>}:<what>:<id>[<tail>]" */
static int
key_of(char out[KEY_SIZE], const char *slug, const char *what, const char *id,
       const char *tail)
{
    int n = snprintf(out, KEY_SIZE, "ecom:{%s}:%s:%s%s", slug, what, id, tail);

    return n < 0 || n >= KEY_SIZE ? EC_ERR_INVALID_FIELD : 0;
}

/*
 * The step on the server. KEYS[1] the session record, KEYS[2] the
 * account's pointer, KEYS[3] the account's basket, KEYS[4] the session's
 * basket (KEYS[3] again when it names none), KEYS[5] the account basket's
 * aside list; then M locks to move, R locks to release, and, when
 * ARGV[15] is '1', the client's set of held locks.
 * ARGV[1] the basket the session named when read ('' none), ARGV[2] its
 * version then (0: none stored), ARGV[3] the account's basket id (the
 * session's from now on), ARGV[4] its version then (0: none stored),
 * ARGV[5] 'merge' (the session's lines join the account's: ARGV[6] is
 * the account basket's new document), 'adopt' (the session's basket
 * becomes the account's) or 'name' (nothing moves), ARGV[7] the basket
 * TTL, ARGV[8] the pointer's, ARGV[9] the session's idle ms, ARGV[10] now
 * (ms), ARGV[11] the account's name, ARGV[12] M, ARGV[13] R, ARGV[14] the
 * aside entries, one JSON text a line.
 *
 * Returns -1 when a basket or the session changed since it was read (the
 * caller reads again), else how many locks got the account basket's id.
 * A lock moves or goes only while the session's basket holds it: one
 * that ran out, or that another basket took, is left alone.
 */
static const char merge_script[] =
    "local function version(k)\n"
    "  local d = redis.call('GET', k)\n"
    "  if not d then return 0 end\n"
    "  return tonumber(string.match(d, '^{\"version\":(%d+)')) or -1\n"
    "end\n"
    "local g, acc, mode = ARGV[1], ARGV[3], ARGV[5]\n"
    "if (redis.call('HGET', KEYS[1], 'basket') or '') ~= g then return -1 end\n"
    "if g ~= '' and version(KEYS[4]) ~= tonumber(ARGV[2]) then return -1 end\n"
    "if version(KEYS[3]) ~= tonumber(ARGV[4]) then return -1 end\n"
    "local m, r, moved = tonumber(ARGV[12]), tonumber(ARGV[13]), 0\n"
    "if mode == 'merge' then\n"
    "  local holds\n"
    "  if ARGV[15] == '1' then holds = KEYS[6 + m + r] end\n"
    "  for i = 6, 5 + m do\n"
    "    if redis.call('GET', KEYS[i]) == g then\n"
    "      redis.call('SET', KEYS[i], acc, 'KEEPTTL')\n"
    "      moved = moved + 1\n"
    "    end\n"
    "  end\n"
    "  for i = 6 + m, 5 + m + r do\n"
    "    if redis.call('GET', KEYS[i]) == g then\n"
    "      redis.call('DEL', KEYS[i])\n"
    "      if holds then redis.call('ZREM', holds, KEYS[i]) end\n"
    "    end\n"
    "  end\n"
    "  redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])\n"
    "  redis.call('DEL', KEYS[4])\n"
    "  if ARGV[14] ~= '' then\n"
    "    for e in string.gmatch(ARGV[14], '[^\\n]+') do\n"
    "      redis.call('RPUSH', KEYS[5], e)\n"
    "    end\n"
    "    redis.call('LTRIM', KEYS[5], -" EC_MERGE_ASIDE_MAX_S ", -1)\n"
    "    redis.call('PEXPIRE', KEYS[5], ARGV[7])\n"
    "  end\n"
    "end\n"
    "redis.call('SET', KEYS[2], acc, 'PX', ARGV[8])\n"
    "redis.call('HSETNX', KEYS[1], 'created', ARGV[10])\n"
    "redis.call('HSET', KEYS[1], 'basket', acc, 'name', ARGV[11])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[9])\n"
    "return moved\n";

/* The number a stored line holds, or NULL. */
static const char *
msisdn_of(struct json_object *line)
{
    struct json_object *v;

    if (!json_object_object_get_ex(line, "msisdn", &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* What one attempt sends. */
struct call {
    char keys[MERGE_KEYS_MAX][KEY_SIZE];
    size_t nkeys;
    unsigned moves, releases;
    struct ec_buf doc, aside;
};

/*
 * The lines of guest g joined to those of account basket acc, into c
 * (the new document, the locks to move and release, the aside entries)
 * and *out. 0 or an ec_err.
 */
static int
plan_merge(const char *slug, const struct ec_basket *acc,
           const struct ec_basket *g, const struct ec_basket_policy *p,
           struct call *c, struct ec_basket_merge *out)
{
    const char *seen[2 * EC_BASKET_LINES_MAX];
    char release[EC_BASKET_LINES_MAX][KEY_SIZE];
    struct json_object *lines = json_object_new_array(), *idv = NULL;
    size_t nseen = 0, nlines = 0, numbers = 0, ng, na;
    const char *identity = NULL;
    int rc = 0;

    na = json_object_array_length(acc->lines);
    for (size_t i = 0; i < na; i++) {
        struct json_object *e = json_object_array_get_idx(acc->lines, i);
        const char *m = msisdn_of(e);

        json_object_array_add(lines, json_object_get(e));
        nlines++;
        if (m) {
            numbers++;
            if (nseen < sizeof(seen) / sizeof(seen[0]))
                seen[nseen++] = m;
        }
    }
    ng = json_object_array_length(g->lines);
    for (size_t i = 0; i < ng && i < EC_BASKET_LINES_MAX; i++) {
        struct json_object *e = json_object_array_get_idx(g->lines, i);
        const char *m = msisdn_of(e), *why = NULL;
        int twice = 0;

        for (size_t k = 0; m && k < nseen; k++)
            twice |= strcmp(seen[k], m) == 0;
        if (twice)
            why = "same_number";
        else if (nlines >= EC_BASKET_LINES_MAX)
            why = "lines";
        else if (m && p->numbers_max && numbers >= p->numbers_max)
            why = "numbers";
        if (!why) {
            json_object_array_add(lines, json_object_get(e));
            nlines++;
            out->joined++;
            if (m) {
                numbers++;
                seen[nseen++] = m;
            }
        }
        /* a joining line's lock moves; so does the lock of a number the
           account's basket has too (its line now holds it) */
        if (m && (!why || twice)) {
            if (ec_number_lock_key(c->keys[c->nkeys++], KEY_SIZE, slug, m) < 0)
                rc = EC_ERR_INTERNAL;
            c->moves++;
        }
        if (!why)
            continue;
        {
            struct json_object *o = json_object_new_object();

            json_object_object_add(o, "line", json_object_get(e));
            json_object_object_add(o, "reason", json_object_new_string(why));
            ec_buf_adds(&c->aside, json_object_to_json_string_ext(
                                       o, JSON_C_TO_STRING_PLAIN));
            ec_buf_addch(&c->aside, '\n');
            json_object_array_add(out->set_aside, o);
        }
        /* a line without its place gives its number up: no lock
           without its line (the same number stays the account line's) */
        if (m && !twice &&
            ec_number_lock_key(release[c->releases++], KEY_SIZE, slug, m) < 0)
            rc = EC_ERR_INTERNAL;
    }
    for (unsigned i = 0; i < c->releases; i++)
        memcpy(c->keys[c->nkeys++], release[i], KEY_SIZE);
    /* the account's verified identity, else the one the guest proved */
    if ((acc->doc && json_object_object_get_ex(acc->doc, "identity", &idv)) ||
        (g->doc && json_object_object_get_ex(g->doc, "identity", &idv)))
        identity = json_object_to_json_string_ext(idv, JSON_C_TO_STRING_PLAIN);
    ec_buf_addf(&c->doc, "{\"version\":%lld,\"lines\":%s%s%s}",
                acc->version + 1,
                json_object_to_json_string_ext(lines, JSON_C_TO_STRING_PLAIN),
                identity ? ",\"identity\":" : "", identity ? identity : "");
    json_object_put(lines);
    return rc;
}

static void
put_json(void *obj)
{
    json_object_put(obj);
}

/* One read-decide-write attempt. 0, -1 (changed under it) or an ec_err. */
static int
attempt(struct ec_kv *kv, const char *slug, const char *id, const char *account,
        const char *name, long long idle_ms, const struct ec_basket_policy *p,
        struct ec_arena *a, struct call *c, struct ec_basket_merge *out)
{
    char pointer[KEY_SIZE], *acc_id = NULL, gver[24], aver[24], ttl[24],
                            keep[24], idle[24], now[24], nm[8], nr[8];
    const char *key_ptrs[MERGE_KEYS_MAX], *args[15], *mode = "name";
    struct ec_basket acc, g;
    struct ec_session s;
    size_t len;
    long long moved = 0;
    int rc;

    memset(&acc, 0, sizeof(acc));
    memset(&g, 0, sizeof(g));
    c->nkeys = FIXED_KEYS;
    c->moves = c->releases = 0;
    ec_buf_reset(&c->doc);
    ec_buf_reset(&c->aside);
    out->joined = out->moved = 0;
    out->adopted = 0;
    out->set_aside = json_object_new_array();
    ec_arena_cleanup(a, put_json, out->set_aside);

    if ((rc = ec_session_load(kv, slug, id, idle_ms, a, &s)) < 0)
        return rc;
    if ((rc = key_of(pointer, slug, "account", account, ":basket")) < 0)
        return rc;
    rc = ec_kv_get(kv, pointer, a, &acc_id, &len);
    if (rc < 0 && rc != EC_ERR_NOT_FOUND)
        return rc;
    if (rc == EC_ERR_NOT_FOUND || !ec_basket_id_valid(acc_id))
        acc_id = NULL;
    if (acc_id && (rc = ec_basket_load(kv, slug, acc_id, a, &acc)) < 0)
        return rc;
    if (s.basket[0] && (rc = ec_basket_load(kv, slug, s.basket, a, &g)) < 0)
        return rc;

    if (s.account[0]) {
        /* signed in already: its basket is that account's, not a guest's */
        if (strcmp(s.account, account) == 0 && s.basket[0]) {
            acc_id = s.basket;
            acc.version = g.version;
        }
    } else if (g.version > 0 && (!acc_id || acc.version == 0)) {
        mode = "adopt";
        acc_id = s.basket;
        acc.version = g.version;
        out->adopted = 1;
        out->joined = (unsigned)json_object_array_length(g.lines);
    } else if (g.version > 0 && strcmp(acc_id, s.basket) != 0) {
        mode = "merge";
        if ((rc = plan_merge(slug, &acc, &g, p, c, out)) < 0)
            return rc;
    }
    if (!acc_id) {
        acc_id = ec_arena_alloc(a, EC_BASKET_ID_SIZE);
        ec_basket_new_id(acc_id);
    }
    snprintf(out->basket, sizeof(out->basket), "%s", acc_id);

    if ((rc = key_of(c->keys[0], slug, "session", id, "")) < 0 ||
        (rc = key_of(c->keys[2], slug, "basket", acc_id, "")) < 0 ||
        (rc = key_of(c->keys[3], slug, "basket",
                     s.basket[0] ? s.basket : acc_id, "")) < 0 ||
        (rc = key_of(c->keys[4], slug, "aside", acc_id, "")) < 0)
        return rc;
    memcpy(c->keys[1], pointer, KEY_SIZE);
    args[14] = "0";
    if (p->rate.client && *p->rate.client && c->nkeys < MERGE_KEYS_MAX &&
        strlen(p->rate.client) <= EC_NUMBER_CLIENT_MAX &&
        !strpbrk(p->rate.client, " \t\r\n") &&
        snprintf(c->keys[c->nkeys], KEY_SIZE, "ecom:{%s}:holds:%s", slug,
                 p->rate.client) < KEY_SIZE) {
        c->nkeys++;
        args[14] = "1";
    }
    for (size_t i = 0; i < c->nkeys; i++)
        key_ptrs[i] = c->keys[i];
    snprintf(gver, sizeof(gver), "%lld", g.version);
    snprintf(aver, sizeof(aver), "%lld", acc.version);
    snprintf(ttl, sizeof(ttl), "%lld", p->ttl_ms);
    snprintf(keep, sizeof(keep), "%lld", p->ttl_ms + EC_ACCOUNT_BASKET_KEEP_MS);
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    snprintf(now, sizeof(now), "%lld", now_ms());
    snprintf(nm, sizeof(nm), "%u", c->moves);
    snprintf(nr, sizeof(nr), "%u", c->releases);
    args[0] = s.basket;
    args[1] = gver;
    args[2] = acc_id;
    args[3] = aver;
    args[4] = mode;
    args[5] = c->doc.len ? c->doc.data : "";
    args[6] = ttl;
    args[7] = keep;
    args[8] = idle;
    args[9] = now;
    args[10] = name ? name : "";
    args[11] = nm;
    args[12] = nr;
    args[13] = c->aside.len ? c->aside.data : "";
    /* args[14]: the holds flag, set above */
    rc = ec_kv_eval(kv, merge_script, c->nkeys, key_ptrs, 15, args, &moved);
    if (rc < 0)
        return rc;
    if (moved < 0)
        return -1;
    out->moved = (unsigned)moved;
    return 0;
}

int
ec_account_basket_merge(struct ec_kv *kv, const char *slug, const char *id,
                        const char *account, const char *name,
                        long long idle_ms, const struct ec_basket_policy *p,
                        struct ec_arena *a, struct ec_basket_merge *out)
{
    struct call *c;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (!ec_session_id_valid(id) || !ec_session_account_valid(account))
        return EC_ERR_INVALID_FIELD;
    c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    ec_buf_init(&c->doc);
    ec_buf_init(&c->aside);
    for (int i = 0; i < MERGE_TRIES && rc == -1; i++)
        rc = attempt(kv, slug, id, account, name, idle_ms, p, a, c, out);
    ec_buf_release(&c->doc);
    ec_buf_release(&c->aside);
    free(c);
    if (rc == -1) {
        ec_log(EC_LOG_WARN, "sign-in of %s: the baskets kept changing", slug);
        return EC_ERR_VERSION_CONFLICT;
    }
    return rc;
}

static const char aside_script[] =
    "return redis.call('LRANGE', KEYS[1], 0, -1)\n";

int
ec_account_basket_aside(struct ec_kv *kv, const char *slug, const char *id,
                        struct ec_arena *a, struct json_object **out)
{
    char key[KEY_SIZE], *vals[EC_MERGE_ASIDE_MAX];
    const char *keys[1] = {key};
    size_t n = 0;
    int rc;

    *out = json_object_new_array();
    ec_arena_cleanup(a, put_json, *out);
    if (!ec_basket_id_valid(id) || key_of(key, slug, "aside", id, "") < 0)
        return 0;
    rc = ec_kv_eval_strs(kv, aside_script, 1, keys, 0, NULL, a, vals,
                         EC_MERGE_ASIDE_MAX, &n);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = vals[i] ? json_tokener_parse(vals[i]) : NULL;

        if (o && json_object_is_type(o, json_type_object))
            json_object_array_add(*out, o);
        else
            json_object_put(o);
    }
    return 0;
}

static const char aside_clear_script[] = "return redis.call('DEL', KEYS[1])\n";

int
ec_account_basket_aside_clear(struct ec_kv *kv, const char *slug,
                              const char *id)
{
    char key[KEY_SIZE];
    const char *keys[1] = {key};

    if (!ec_basket_id_valid(id) || key_of(key, slug, "aside", id, "") < 0)
        return EC_ERR_INVALID_FIELD;
    return ec_kv_eval(kv, aside_clear_script, 1, keys, 0, NULL, NULL);
}
