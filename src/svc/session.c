#include "svc/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/rand.h"
#include "store/kv.h"

#define KEY_SIZE 192

int
ec_session_id_valid(const char *s)
{
    return ec_hex_valid(s, EC_SESSION_ID_LEN);
}

int
ec_session_account_valid(const char *s)
{
    size_t n;

    if (!s)
        return 0;
    n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789_-");
    return n >= 1 && n < EC_SESSION_ACCOUNT_SIZE && s[n] == '\0';
}

int
ec_session_record_key(char *out, size_t size, const char *slug, const char *id)
{
    int n;

    if (!ec_session_id_valid(id))
        return EC_ERR_INVALID_FIELD;
    n = snprintf(out, size, "ecom:{%s}:session:%s", slug, id);
    return n < 0 || (size_t)n >= size ? EC_ERR_INVALID_FIELD : 0;
}

static int
record_key(char *out, const char *slug, const char *id)
{
    return ec_session_record_key(out, KEY_SIZE, slug, id);
}

static int
index_key(char *out, const char *slug, const char *account)
{
    int n =
        snprintf(out, KEY_SIZE, "ecom:{%s}:account:%s:sessions", slug, account);

    return n < 0 || n >= KEY_SIZE ? EC_ERR_INVALID_FIELD : 0;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * KEYS[1] the record; ARGV[1] idle ms. Returns {} when there is no
 * record, else {created, basket, account} (nil for an absent field); the
 * record's idle time starts again.
 */
static const char load_script[] =
    "if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return {} end\n"
    "return redis.call('HMGET', KEYS[1], 'created', 'basket', 'account')\n";

int
ec_session_load(struct ec_kv *kv, const char *slug, const char *id,
                long long idle_ms, struct ec_arena *a, struct ec_session *s)
{
    char key[KEY_SIZE], idle[24], *vals[3];
    const char *keys[1] = {key}, *args[1] = {idle};
    size_t n;
    int rc;

    memset(s, 0, sizeof(*s));
    if (!ec_session_id_valid(id) || record_key(key, slug, id) < 0)
        return 0;
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    rc = ec_kv_eval_strs(kv, load_script, 1, keys, 1, args, a, vals, 3, &n);
    if (rc < 0 || n == 0)
        return rc;
    if (n != 3)
        return EC_ERR_INTERNAL;
    s->stored = 1;
    s->created_ms = vals[0] ? atoll(vals[0]) : 0;
    /* a field that is not what this code writes names nothing */
    if (vals[1] && ec_basket_id_valid(vals[1]))
        snprintf(s->basket, sizeof(s->basket), "%s", vals[1]);
    if (vals[2] && ec_session_account_valid(vals[2]))
        snprintf(s->account, sizeof(s->account), "%s", vals[2]);
    return 0;
}

/*
 * KEYS[1] the record; ARGV[1] idle ms, ARGV[2] a basket id to claim (""
 * for none), ARGV[3] now (ms), ARGV[4] the prefix of a basket's key
 * ("ecom:{slug}:basket:", the record's slot). Returns {} when the session
 * names no basket and none was claimed; {claimed} when it claimed one;
 * else {basket, its stored document or nil}.
 */
static const char basket_script[] =
    "local b = redis.call('HGET', KEYS[1], 'basket')\n"
    "if not b then\n"
    "  if ARGV[2] == '' then\n"
    "    redis.call('PEXPIRE', KEYS[1], ARGV[1])\n"
    "    return {}\n"
    "  end\n"
    "  redis.call('HSETNX', KEYS[1], 'created', ARGV[3])\n"
    "  redis.call('HSET', KEYS[1], 'basket', ARGV[2])\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[1])\n"
    "  return {ARGV[2]}\n"
    "end\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[1])\n"
    "return {b, redis.call('GET', ARGV[4] .. b)}\n";

int
ec_session_basket(struct ec_kv *kv, const char *slug, const char *id,
                  const char *claim, long long idle_ms, struct ec_arena *a,
                  struct ec_basket *b)
{
    char key[KEY_SIZE], prefix[KEY_SIZE], now[24], idle[24], *vals[2];
    const char *keys[1] = {key};
    const char *args[4] = {idle, claim ? claim : "", now, prefix};
    size_t n;
    int rc;

    memset(b, 0, sizeof(*b));
    if (!ec_session_id_valid(id) || record_key(key, slug, id) < 0 ||
        (claim && !ec_basket_id_valid(claim)))
        return claim ? EC_ERR_INVALID_FIELD : 0;
    snprintf(prefix, sizeof(prefix), "ecom:{%s}:basket:", slug);
    snprintf(now, sizeof(now), "%lld", now_ms());
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    rc = ec_kv_eval_strs(kv, basket_script, 1, keys, 4, args, a, vals, 2, &n);
    if (rc < 0 || n == 0)
        return rc;
    /* a field that is not what this code writes names nothing */
    if (!vals[0] || !ec_basket_id_valid(vals[0]))
        return claim ? EC_ERR_INTERNAL : 0;
    return ec_basket_from_text(slug, vals[0], n == 2 ? vals[1] : NULL, a, b);
}

/*
 * KEYS[1] the record, KEYS[2] the account's list; ARGV[1] the account,
 * ARGV[2] the session id, ARGV[3] now (ms), ARGV[4] idle ms, ARGV[5] the
 * list's lifetime (ms), ARGV[6] the prefix of an account's list
 * ("ecom:{slug}:account:"). Returns 1.
 */
static const char account_script[] =
    "redis.call('HSETNX', KEYS[1], 'created', ARGV[3])\n"
    "local old = redis.call('HGET', KEYS[1], 'account')\n"
    "if old and old ~= ARGV[1] then\n"
    "  redis.call('SREM', ARGV[6] .. old .. ':sessions', ARGV[2])\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 'account', ARGV[1])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
    "redis.call('SADD', KEYS[2], ARGV[2])\n"
    "redis.call('PEXPIRE', KEYS[2], ARGV[5])\n"
    "return 1\n";

int
ec_session_set_account(struct ec_kv *kv, const char *slug, const char *id,
                       const char *account, long long idle_ms,
                       long long absolute_ms)
{
    char key[KEY_SIZE], list[KEY_SIZE], prefix[KEY_SIZE], now[24], idle[24],
        life[24];
    const char *keys[2] = {key, list};
    const char *args[6] = {account, id, now, idle, life, prefix};

    if (!ec_session_id_valid(id) || !ec_session_account_valid(account) ||
        record_key(key, slug, id) < 0 || index_key(list, slug, account) < 0)
        return EC_ERR_INVALID_FIELD;
    snprintf(prefix, sizeof(prefix), "ecom:{%s}:account:", slug);
    snprintf(now, sizeof(now), "%lld", now_ms());
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    snprintf(life, sizeof(life), "%lld", absolute_ms);
    return ec_kv_eval(kv, account_script, 2, keys, 6, args, NULL);
}

/*
 * KEYS[1] the old record, KEYS[2] the new one; ARGV[1] the old id,
 * ARGV[2] the new id, ARGV[3] idle ms, ARGV[4] the prefix of an account's
 * list. Returns 0 when there was no record, else 1: the record renamed
 * (the old key is gone), its account's list naming the new id.
 */
static const char rotate_script[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
    "redis.call('RENAME', KEYS[1], KEYS[2])\n"
    "redis.call('PEXPIRE', KEYS[2], ARGV[3])\n"
    "local acc = redis.call('HGET', KEYS[2], 'account')\n"
    "if acc then\n"
    "  local list = ARGV[4] .. acc .. ':sessions'\n"
    "  redis.call('SREM', list, ARGV[1])\n"
    "  redis.call('SADD', list, ARGV[2])\n"
    "end\n"
    "return 1\n";

int
ec_session_rotate(struct ec_kv *kv, const char *slug, const char *old_id,
                  const char *new_id, long long idle_ms, int *moved)
{
    char from[KEY_SIZE], to[KEY_SIZE], prefix[KEY_SIZE], idle[24];
    const char *keys[2] = {from, to};
    const char *args[4] = {old_id, new_id, idle, prefix};
    long long r = 0;
    int rc;

    *moved = 0;
    if (!ec_session_id_valid(old_id) || !ec_session_id_valid(new_id) ||
        strcmp(old_id, new_id) == 0 || record_key(from, slug, old_id) < 0 ||
        record_key(to, slug, new_id) < 0)
        return EC_ERR_INVALID_FIELD;
    snprintf(prefix, sizeof(prefix), "ecom:{%s}:account:", slug);
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    rc = ec_kv_eval(kv, rotate_script, 2, keys, 4, args, &r);
    if (rc == 0)
        *moved = r == 1;
    return rc;
}

/*
 * KEYS[1] the account's list; ARGV[1] the prefix of a record
 * ("ecom:{slug}:session:"). Deletes every listed record and the list;
 * returns how many ids it listed.
 */
static const char revoke_script[] =
    "local ids = redis.call('SMEMBERS', KEYS[1])\n"
    "for _, id in ipairs(ids) do redis.call('DEL', ARGV[1] .. id) end\n"
    "redis.call('DEL', KEYS[1])\n"
    "return #ids\n";

int
ec_session_revoke_account(struct ec_kv *kv, const char *slug,
                          const char *account, long long *n)
{
    char list[KEY_SIZE], prefix[KEY_SIZE];
    const char *keys[1] = {list}, *args[1] = {prefix};

    if (!ec_session_account_valid(account) ||
        index_key(list, slug, account) < 0)
        return EC_ERR_INVALID_FIELD;
    snprintf(prefix, sizeof(prefix), "ecom:{%s}:session:", slug);
    return ec_kv_eval(kv, revoke_script, 1, keys, 1, args, n);
}
