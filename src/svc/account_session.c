#include "svc/account_session.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "store/kv.h"
#include "svc/email.h"
#include "svc/signin_limit.h"

#define KEY_SIZE 192

/* KEYS[1] the record. {account, name}, nil for an absent field. */
static const char viewer_script[] =
    "return redis.call('HMGET', KEYS[1], 'account', 'name')\n";

int
ec_session_viewer(struct ec_kv *kv, const char *slug, const char *id,
                  struct ec_arena *a, struct ec_session_viewer *v)
{
    char key[KEY_SIZE], *vals[2];
    const char *keys[1] = {key};
    size_t n = 0;
    int rc;

    memset(v, 0, sizeof(*v));
    v->name = "";
    if (!id || !ec_session_id_valid(id) ||
        snprintf(key, sizeof(key), "ecom:{%s}:session:%s", slug, id) >=
            (int)sizeof(key))
        return 0;
    rc = ec_kv_eval_strs(kv, viewer_script, 1, keys, 0, NULL, a, vals, 2, &n);
    if (rc < 0 || n != 2)
        return rc;
    if (vals[0] && ec_session_account_valid(vals[0])) {
        snprintf(v->account, sizeof(v->account), "%s", vals[0]);
        v->name = vals[1] ? vals[1] : "";
    }
    return 0;
}

/*
 * KEYS[1] the record; ARGV[1] the session id, ARGV[2] the prefix of an
 * account's list ("ecom:{slug}:account:"). Deletes the record and takes
 * the id off its account's list; returns {account} or {}.
 */
static const char sign_out_script[] =
    "local acc = redis.call('HGET', KEYS[1], 'account')\n"
    "redis.call('DEL', KEYS[1])\n"
    "if not acc then return {} end\n"
    "redis.call('SREM', ARGV[2] .. acc .. ':sessions', ARGV[1])\n"
    "return {acc}\n";

int
ec_session_sign_out(struct ec_kv *kv, const char *slug, const char *id,
                    char *account)
{
    char key[KEY_SIZE], prefix[KEY_SIZE], *vals[1];
    const char *keys[1] = {key}, *args[2] = {id, prefix};
    struct ec_arena a;
    size_t n = 0;
    int rc;

    if (account)
        account[0] = '\0';
    if (!ec_session_id_valid(id) ||
        snprintf(key, sizeof(key), "ecom:{%s}:session:%s", slug, id) >=
            (int)sizeof(key))
        return EC_ERR_INVALID_FIELD;
    snprintf(prefix, sizeof(prefix), "ecom:{%s}:account:", slug);
    ec_arena_init(&a, 512);
    rc =
        ec_kv_eval_strs(kv, sign_out_script, 1, keys, 2, args, &a, vals, 1, &n);
    if (rc == 0 && n == 1 && vals[0] && account &&
        ec_session_account_valid(vals[0]))
        snprintf(account, EC_SESSION_ACCOUNT_SIZE, "%s", vals[0]);
    ec_arena_release(&a);
    return rc;
}

/*
 * KEYS[1] the address's counter, KEYS[2] the client's; ARGV[1] the most
 * a window allows the address (0: no limit), ARGV[2] the client (0: no
 * limit, or no client), ARGV[3] the window in ms. Returns -ms when the
 * client is refused (ms left of its window, nothing counted), 0 to send,
 * 1 when the address had its mails (the client's request still counted).
 */
static const char reset_script[] =
    "local function count(k)\n"
    "  local n = redis.call('INCR', k)\n"
    "  if n == 1 then redis.call('PEXPIRE', k, ARGV[3]) end\n"
    "  return n\n"
    "end\n"
    "local cmax = tonumber(ARGV[2])\n"
    "if cmax > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= cmax then\n"
    "  local left = redis.call('PTTL', KEYS[2])\n"
    "  if left < 1 then left = tonumber(ARGV[3]) end\n"
    "  return -left\n"
    "end\n"
    "if cmax > 0 then count(KEYS[2]) end\n"
    "local emax = tonumber(ARGV[1])\n"
    "if emax > 0 and count(KEYS[1]) > emax then return 1 end\n"
    "return 0\n";

int
ec_reset_limit_take(struct ec_kv *kv, const struct ec_reset_limits *l,
                    const char *slug, const char *email, const char *client,
                    enum ec_reset_verdict *verdict, long long *retry_ms)
{
    char norm[EC_EMAIL_MAX + 1], hex[2 * EC_SHA256_SIZE + 1];
    char ekey[KEY_SIZE], ckey[KEY_SIZE], emax[24], cmax[24], win[24];
    const char *keys[2] = {ekey, ckey}, *args[3] = {emax, cmax, win};
    unsigned char md[EC_SHA256_SIZE];
    int has_client = client && *client;
    long long r = 0;
    int rc;

    *verdict = EC_RESET_SEND;
    *retry_ms = 0;
    if (ec_email_normalize(email, strlen(email), norm) < 0)
        snprintf(norm, sizeof(norm), "%s", email);
    ec_sha256(norm, strlen(norm), md);
    for (size_t i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    if (has_client &&
        (strlen(client) > EC_SIGNIN_CLIENT_MAX || strpbrk(client, " \t\r\n")))
        has_client = 0;
    snprintf(ekey, sizeof(ekey), "ecom:{%s}:reset:email:%s", slug, hex);
    snprintf(ckey, sizeof(ckey), "ecom:{%s}:reset:client:%s", slug,
             has_client ? client : "");
    snprintf(emax, sizeof(emax), "%u", l->email_max);
    snprintf(cmax, sizeof(cmax), "%u", has_client ? l->client_max : 0);
    snprintf(win, sizeof(win), "%lld", l->window_ms);
    if ((rc = ec_kv_eval(kv, reset_script, 2, keys, 3, args, &r)) < 0)
        return rc;
    if (r < 0) {
        *verdict = EC_RESET_REFUSED;
        *retry_ms = -r;
    } else if (r == 1) {
        *verdict = EC_RESET_QUIET;
    }
    return 0;
}

/*
 * KEYS[1] the client's counter; ARGV[1] the most a window allows, ARGV[2]
 * the window in ms. Returns -ms (refused, ms left) or the new count.
 */
static const char signup_script[] =
    "local n = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
    "if n >= tonumber(ARGV[1]) then\n"
    "  local left = redis.call('PTTL', KEYS[1])\n"
    "  if left < 1 then left = tonumber(ARGV[2]) end\n"
    "  return -left\n"
    "end\n"
    "n = redis.call('INCR', KEYS[1])\n"
    "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end\n"
    "return n\n";

int
ec_signup_limit_take(struct ec_kv *kv, const char *slug, const char *client,
                     unsigned max, long long window_ms, long long *retry_ms)
{
    char key[KEY_SIZE], maxs[24], win[24];
    const char *keys[1] = {key}, *args[2] = {maxs, win};
    long long r = 0;
    int rc;

    *retry_ms = 0;
    if (!client || !*client || max == 0)
        return 0;
    if (strlen(client) > EC_SIGNIN_CLIENT_MAX || strpbrk(client, " \t\r\n") ||
        snprintf(key, sizeof(key), "ecom:{%s}:signup:client:%s", slug,
                 client) >= (int)sizeof(key))
        return EC_ERR_INVALID_FIELD;
    snprintf(maxs, sizeof(maxs), "%u", max);
    snprintf(win, sizeof(win), "%lld", window_ms);
    if ((rc = ec_kv_eval(kv, signup_script, 1, keys, 2, args, &r)) < 0)
        return rc;
    if (r < 0) {
        *retry_ms = -r;
        return EC_ERR_RATE_LIMITED;
    }
    return 0;
}
