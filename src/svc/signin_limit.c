#include "svc/signin_limit.h"

#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "store/kv.h"

#define KEY_MAX 256

/*
 * Both counters of one attempt, in one script so the check and the count
 * cannot be split by another attempt.
 *
 * KEYS[1] the account's counter, KEYS[2] the client's.
 * ARGV[1] "take" or "give"; ARGV[2] the account's limit, ARGV[3] the
 * client's (0: that counter is not used); ARGV[4] the window in ms.
 * take: when a used counter is at its limit, the ms until the later of
 * the full ones ends (at least 1) and nothing counted; else each used
 * counter is incremented (a new one expires after the window) and 0.
 * give: each used counter above zero is decremented; 0.
 */
static const char limit_script[] =
    "local window = tonumber(ARGV[4])\n"
    "local max = {tonumber(ARGV[2]), tonumber(ARGV[3])}\n"
    "if ARGV[1] == 'give' then\n"
    "  for i = 1, 2 do\n"
    "    if max[i] > 0 and tonumber(redis.call('GET', KEYS[i]) or '0') > 0 "
    "then\n"
    "      redis.call('DECR', KEYS[i])\n"
    "    end\n"
    "  end\n"
    "  return 0\n"
    "end\n"
    "local wait = 0\n"
    "for i = 1, 2 do\n"
    "  if max[i] > 0 and tonumber(redis.call('GET', KEYS[i]) or '0') >= max[i] "
    "then\n"
    "    local left = redis.call('PTTL', KEYS[i])\n"
    "    if left < 0 then\n"
    "      redis.call('PEXPIRE', KEYS[i], window)\n"
    "      left = window\n"
    "    end\n"
    "    if left > wait then wait = left end\n"
    "  end\n"
    "end\n"
    "if wait > 0 then return wait end\n"
    "for i = 1, 2 do\n"
    "  if max[i] > 0 and redis.call('INCR', KEYS[i]) == 1 then\n"
    "    redis.call('PEXPIRE', KEYS[i], window)\n"
    "  end\n"
    "end\n"
    "return 0\n";

/* The two keys of an attempt; -1 when the client key is unusable. */
static int
limit_keys(char account[KEY_MAX], char client_key[KEY_MAX], const char *slug,
           const char *email, const char *client)
{
    unsigned char md[EC_SHA256_SIZE];
    char hex[2 * EC_SHA256_SIZE + 1];

    ec_sha256(email, strlen(email), md);
    for (size_t i = 0; i < sizeof(md); i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    if (snprintf(account, KEY_MAX, "ecom:{%s}:signin:account:%s", slug, hex) >=
        KEY_MAX)
        return -1;
    if (client &&
        (strlen(client) > EC_SIGNIN_CLIENT_MAX || strpbrk(client, " \t\r\n")))
        return -1;
    snprintf(client_key, KEY_MAX, "ecom:{%s}:signin:client:%s", slug,
             client ? client : "");
    return 0;
}

static int
run(struct ec_kv *kv, const struct ec_signin_limits *l, const char *mode,
    const char *slug, const char *email, const char *client, long long *out)
{
    char account[KEY_MAX], client_key[KEY_MAX], amax[24], cmax[24], win[24];
    const char *keys[2] = {account, client_key};
    const char *args[4] = {mode, amax, cmax, win};
    int has_client = client && *client;

    if (limit_keys(account, client_key, slug, email,
                   has_client ? client : NULL) < 0)
        return EC_ERR_INTERNAL;
    snprintf(amax, sizeof(amax), "%u", l->account_max);
    snprintf(cmax, sizeof(cmax), "%u", has_client ? l->client_max : 0);
    snprintf(win, sizeof(win), "%lld", l->window_ms);
    return ec_kv_eval(kv, limit_script, 2, keys, 4, args, out);
}

int
ec_signin_limit_take(struct ec_kv *kv, const struct ec_signin_limits *l,
                     const char *slug, const char *email, const char *client,
                     long long *retry_ms)
{
    long long wait = 0;
    int rc;

    *retry_ms = 0;
    if (!l->account_max && !(client && *client && l->client_max))
        return 0;
    if ((rc = run(kv, l, "take", slug, email, client, &wait)) < 0)
        return rc;
    if (wait <= 0)
        return 0;
    *retry_ms = wait;
    return EC_ERR_RATE_LIMITED;
}

int
ec_signin_limit_give_back(struct ec_kv *kv, const struct ec_signin_limits *l,
                          const char *slug, const char *email,
                          const char *client)
{
    long long ignored;

    if (!l->account_max && !(client && *client && l->client_max))
        return 0;
    return run(kv, l, "give", slug, email, client, &ignored);
}
