#include "store/kv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xalloc.h"

struct ec_kv {
    char *host;
    unsigned port;
    unsigned connect_timeout_ms;
    unsigned timeout_ms;
    char *user;           /* NULL: AUTH with the password alone */
    char *password;       /* NULL: no AUTH; wiped when freed */
    redisContext *ctx;    /* NULL while disconnected */
    int connected_before; /* a connection after this one is a reconnect */
};

struct ec_kv *
ec_kv_new(const struct ec_kv_config *cfg)
{
    struct ec_kv *kv = ec_xcalloc(1, sizeof(*kv));

    kv->host = ec_xstrdup(cfg->host);
    kv->port = cfg->port;
    kv->connect_timeout_ms = cfg->connect_timeout_ms;
    kv->timeout_ms = cfg->timeout_ms;
    if (cfg->password && *cfg->password) {
        kv->password = ec_xstrdup(cfg->password);
        if (cfg->user && *cfg->user)
            kv->user = ec_xstrdup(cfg->user);
    }
    return kv;
}

static void
disconnect(struct ec_kv *kv)
{
    if (kv->ctx)
        redisFree(kv->ctx);
    kv->ctx = NULL;
}

void
ec_kv_free(struct ec_kv *kv)
{
    if (!kv)
        return;
    disconnect(kv);
    free(kv->host);
    free(kv->user);
    if (kv->password) {
        /* do not leave the password in freed heap memory */
        explicit_bzero(kv->password, strlen(kv->password));
        free(kv->password);
    }
    free(kv);
}

static struct timeval
ms_to_tv(unsigned ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
    return tv;
}

/*
 * AUTH [user] password on a fresh connection: 0, or -1 after logging why
 * (the server's reply, never the password).
 */
static int
authenticate(struct ec_kv *kv, redisContext *c)
{
    const char *argv[3];
    size_t lens[3];
    int argc = 0, rc = 0;
    redisReply *r;

    argv[argc] = "AUTH", lens[argc++] = 4;
    if (kv->user)
        argv[argc] = kv->user, lens[argc++] = strlen(kv->user);
    argv[argc] = kv->password, lens[argc++] = strlen(kv->password);
    r = redisCommandArgv(c, argc, argv, lens);
    if (!r || r->type == REDIS_REPLY_ERROR) {
        ec_log_error("redis AUTH as %s on %s:%u failed: %s",
                     kv->user ? kv->user : "default", kv->host, kv->port,
                     r ? r->str : c->errstr);
        rc = -1;
    }
    if (r)
        freeReplyObject(r);
    return rc;
}

int
ec_kv_connect(struct ec_kv *kv)
{
    redisContext *c;

    if (kv->ctx)
        return 0;
    c = redisConnectWithTimeout(kv->host, (int)kv->port,
                                ms_to_tv(kv->connect_timeout_ms));
    if (!c)
        ec_die("redisConnect: out of memory");
    if (c->err) {
        ec_metric_inc(EC_M_REDIS_ERRORS);
        ec_log_error("redis connect to %s:%u failed: %s", kv->host, kv->port,
                     c->errstr);
        redisFree(c);
        return EC_ERR_UNAVAILABLE;
    }
    if (redisSetTimeout(c, ms_to_tv(kv->timeout_ms)) != REDIS_OK) {
        redisFree(c);
        return EC_ERR_UNAVAILABLE;
    }
    if (kv->password && authenticate(kv, c) < 0) {
        redisFree(c);
        return EC_ERR_UNAVAILABLE;
    }
    kv->ctx = c;
    if (kv->connected_before)
        ec_metric_inc(EC_M_REDIS_RECONNECTS);
    kv->connected_before = 1;
    return 0;
}

/*
 * Send a command and read its reply (NULL on a transport error, which
 * closes the link). A connection that went stale while the worker was
 * idle (Redis restarted) fails on first use; one retry on a fresh
 * connection spares the customer a 503. The command cannot have reached
 * the new server, and the old one is gone.
 */
static redisReply *
roundtrip(struct ec_kv *kv, int argc, const char **argv, const size_t *lens)
{
    int reused = kv->ctx != NULL;
    redisReply *r;

    if (ec_kv_connect(kv) < 0)
        return NULL;
    ec_metric_inc(EC_M_REDIS_CALLS);
    r = redisCommandArgv(kv->ctx, argc, argv, lens);
    if (!r && reused) {
        disconnect(kv);
        if (ec_kv_connect(kv) < 0)
            return NULL;
        r = redisCommandArgv(kv->ctx, argc, argv, lens);
    }
    if (!r) {
        ec_metric_inc(EC_M_REDIS_ERRORS);
        ec_log_error("redis %s failed: %s", argv[0], kv->ctx->errstr);
        disconnect(kv);
    }
    return r;
}

/*
 * Error replies: the first word says what kind of error it is. These mean
 * the server cannot serve for now and the caller should try again later,
 * as after a lost connection.
 */
static const char *const unavailable_words[] = {
    "LOADING",     /* reading its append-only file or snapshot at start */
    "BUSY",        /* a script runs past lua-time-limit */
    "MASTERDOWN",  /* a replica cut off from its master */
    "READONLY",    /* a replica, or a master demoted by a failover */
    "MISCONF",     /* it cannot write its snapshot, so it refuses writes */
    "OOM",         /* maxmemory reached: writes refused */
    "NOREPLICAS",  /* min-replicas-to-write not met */
    "TRYAGAIN",    /* a cluster moving slots */
    "CLUSTERDOWN", /* a cluster without a quorum */
};

int
ec_kv_error_of(const char *reply)
{
    for (size_t i = 0;
         i < sizeof(unavailable_words) / sizeof(unavailable_words[0]); i++) {
        size_t n = strlen(unavailable_words[i]);
        if (strncmp(reply, unavailable_words[i], n) == 0 &&
            (reply[n] == ' ' || reply[n] == '\0'))
            return EC_ERR_UNAVAILABLE;
    }
    return EC_ERR_INTERNAL;
}

/* Log an error reply and translate it; frees r. */
static int
error_reply(redisReply *r, const char *what)
{
    int rc = ec_kv_error_of(r->str);

    ec_metric_inc(EC_M_REDIS_ERRORS);
    ec_log_error("redis %s: %s", what, r->str);
    freeReplyObject(r);
    return rc;
}

/*
 * Run a command; on success *reply is owned by the caller. A transport
 * error or an error reply is logged; transport errors close the link.
 */
static int
command(struct ec_kv *kv, redisReply **reply, int argc, const char **argv,
        const size_t *lens)
{
    redisReply *r = roundtrip(kv, argc, argv, lens);

    *reply = NULL;
    if (!r)
        return EC_ERR_UNAVAILABLE;
    if (r->type == REDIS_REPLY_ERROR)
        return error_reply(r, argv[0]);
    *reply = r;
    return 0;
}

int
ec_kv_ping(struct ec_kv *kv)
{
    const char *argv[] = {"PING"};
    size_t lens[] = {4};
    redisReply *r;
    int rc = command(kv, &r, 1, argv, lens);

    if (rc < 0)
        return rc;
    freeReplyObject(r);
    return 0;
}

/* GET or GETDEL (cmd) of key, as ec_kv_get() answers. */
static int
get_string(struct ec_kv *kv, const char *cmd, const char *key,
           struct ec_arena *a, char **out, size_t *len)
{
    const char *argv[] = {cmd, key};
    size_t lens[] = {strlen(cmd), strlen(key)};
    redisReply *r;
    int rc = command(kv, &r, 2, argv, lens);

    if (rc < 0)
        return rc;
    if (r->type == REDIS_REPLY_NIL) {
        rc = EC_ERR_NOT_FOUND;
    } else if (r->type == REDIS_REPLY_STRING) {
        *out = ec_arena_strndup(a, r->str, r->len);
        if (len)
            *len = r->len;
    } else {
        rc = EC_ERR_INTERNAL;
    }
    freeReplyObject(r);
    return rc;
}

int
ec_kv_get(struct ec_kv *kv, const char *key, struct ec_arena *a, char **out,
          size_t *len)
{
    return get_string(kv, "GET", key, a, out, len);
}

int
ec_kv_getdel(struct ec_kv *kv, const char *key, struct ec_arena *a, char **out,
             size_t *len)
{
    return get_string(kv, "GETDEL", key, a, out, len);
}

int
ec_kv_set_px(struct ec_kv *kv, const char *key, const char *value,
             long long ttl_ms)
{
    char px[24];
    const char *argv[] = {"SET", key, value, "PX", px};
    size_t lens[5];
    redisReply *r;
    int rc;

    snprintf(px, sizeof(px), "%lld", ttl_ms);
    for (int i = 0; i < 5; i++)
        lens[i] = strlen(argv[i]);
    if ((rc = command(kv, &r, 5, argv, lens)) < 0)
        return rc;
    freeReplyObject(r);
    return 0;
}

/* The elements of array reply r into vals (in a), NULL for a nil (a
   missing key) and for any element that is not a string. */
static void
strings_of(const redisReply *r, struct ec_arena *a, char **vals)
{
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *e = r->element[i];

        vals[i] = e->type == REDIS_REPLY_STRING
                      ? ec_arena_strndup(a, e->str, e->len)
                      : NULL;
    }
}

int
ec_kv_mget(struct ec_kv *kv, const char *const *keys, size_t n,
           struct ec_arena *a, char **vals)
{
    const char **argv;
    size_t *lens;
    redisReply *r;
    int rc;

    if (n == 0 || n > EC_KV_MANY_MAX)
        EC_BUG("ec_kv_mget takes 1 to EC_KV_MANY_MAX keys");
    argv = ec_xcalloc(n + 1, sizeof(*argv));
    lens = ec_xcalloc(n + 1, sizeof(*lens));
    argv[0] = "MGET";
    lens[0] = 4;
    for (size_t i = 0; i < n; i++) {
        argv[i + 1] = keys[i];
        lens[i + 1] = strlen(keys[i]);
    }
    rc = command(kv, &r, (int)n + 1, argv, lens);
    free(argv);
    free(lens);
    if (rc < 0)
        return rc;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != n) {
        freeReplyObject(r);
        return EC_ERR_INTERNAL;
    }
    strings_of(r, a, vals);
    freeReplyObject(r);
    return 0;
}

int
ec_kv_scan(struct ec_kv *kv, const char *pattern, unsigned max_calls,
           ec_kv_key_fn fn, void *ctx, int *complete)
{
    char cursor[32] = "0";
    const char *argv[] = {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
    size_t lens[6] = {4, 0, 5, strlen(pattern), 5, 4};
    redisReply *r;
    int rc;

    *complete = 0;
    for (unsigned i = 0; i < max_calls; i++) {
        const redisReply *keys;

        lens[1] = strlen(cursor);
        if ((rc = command(kv, &r, 6, argv, lens)) < 0)
            return rc;
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_STRING ||
            r->element[0]->len >= sizeof(cursor) ||
            r->element[1]->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(r);
            return EC_ERR_INTERNAL;
        }
        keys = r->element[1];
        for (size_t k = 0; fn && k < keys->elements; k++)
            if (keys->element[k]->type == REDIS_REPLY_STRING)
                fn(keys->element[k]->str, keys->element[k]->len, ctx);
        memcpy(cursor, r->element[0]->str, r->element[0]->len);
        cursor[r->element[0]->len] = '\0';
        freeReplyObject(r);
        if (strcmp(cursor, "0") == 0) {
            *complete = 1;
            return 0;
        }
    }
    return 0;
}

static void
count_key(const char *key, size_t len, void *ctx)
{
    (void)key;
    (void)len;
    ++*(long long *)ctx;
}

int
ec_kv_count_matching(struct ec_kv *kv, const char *pattern, unsigned max_calls,
                     long long *n, int *complete)
{
    *n = 0;
    return ec_kv_scan(kv, pattern, max_calls, count_key, n, complete);
}

int
ec_kv_publish(struct ec_kv *kv, const char *channel, const char *message)
{
    const char *argv[] = {"PUBLISH", channel, message};
    size_t lens[] = {7, strlen(channel), strlen(message)};
    redisReply *r;
    int rc = command(kv, &r, 3, argv, lens);

    if (rc < 0)
        return rc;
    freeReplyObject(r);
    return 0;
}

/* ---- scripts ---- */

/*
 * Like command(), but an error reply is handed back too (*reply owned by
 * the caller) for EVALSHA, which acts on NOSCRIPT; only transport errors
 * fail, and any other error reply goes through error_reply().
 */
static int
command_any(struct ec_kv *kv, redisReply **reply, int argc, const char **argv,
            const size_t *lens)
{
    redisReply *r = roundtrip(kv, argc, argv, lens);

    if (!r)
        return EC_ERR_UNAVAILABLE;
    *reply = r;
    return 0;
}

#define SCRIPT_MAX_ARGS 16
#define SHA_CACHE 16

/*
 * The lower-case hex SHA-1 of a script, as EVALSHA wants it: 0, or -1 if
 * the digest is not available (a crypto policy without SHA-1), when the
 * caller sends the text with EVAL instead. Scripts are string literals, so
 * the digest is cached by address (per process: it does not depend on the
 * connection).
 */
static int
script_sha(const char *script, char hex[41])
{
    static struct {
        const char *script;
        char hex[41];
    } cache[SHA_CACHE];
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t i;

    for (i = 0; i < SHA_CACHE && cache[i].script; i++) {
        if (cache[i].script == script) {
            memcpy(hex, cache[i].hex, 41);
            return 0;
        }
    }
    if (!EVP_Digest(script, strlen(script), md, &mdlen, EVP_sha1(), NULL) ||
        mdlen != 20)
        return -1;
    for (unsigned j = 0; j < 20; j++) {
        hex[2 * j] = digits[md[j] >> 4];
        hex[2 * j + 1] = digits[md[j] & 15];
    }
    hex[40] = '\0';
    if (i < SHA_CACHE) {
        cache[i].script = script;
        memcpy(cache[i].hex, hex, 41);
    }
    return 0;
}

/* Run script; 0 with its reply (not an error reply) in *reply, owned by
   the caller, or an ec_err. */
static int
eval_reply(struct ec_kv *kv, const char *script, size_t nkeys,
           const char *const *keys, size_t nargs, const char *const *args,
           redisReply **reply)
{
    const char *argv[3 + 2 * SCRIPT_MAX_ARGS];
    size_t lens[3 + 2 * SCRIPT_MAX_ARGS];
    char sha[41], nk[8];
    redisReply *r;
    int argc = 0, by_sha, rc;

    if (nkeys > SCRIPT_MAX_ARGS || nargs > SCRIPT_MAX_ARGS)
        EC_BUG("ec_kv_eval takes up to 16 keys and 16 arguments");
    by_sha = script_sha(script, sha) == 0;
    if (by_sha) {
        argv[argc] = "EVALSHA", lens[argc++] = 7;
        argv[argc] = sha, lens[argc++] = 40;
    } else {
        argv[argc] = "EVAL", lens[argc++] = 4;
        argv[argc] = script, lens[argc++] = strlen(script);
    }
    snprintf(nk, sizeof(nk), "%zu", nkeys);
    argv[argc] = nk, lens[argc++] = strlen(nk);
    for (size_t i = 0; i < nkeys; i++)
        argv[argc] = keys[i], lens[argc++] = strlen(keys[i]);
    for (size_t i = 0; i < nargs; i++)
        argv[argc] = args[i], lens[argc++] = strlen(args[i]);

    if ((rc = command_any(kv, &r, argc, argv, lens)) < 0)
        return rc;
    if (by_sha && r->type == REDIS_REPLY_ERROR &&
        strncmp(r->str, "NOSCRIPT", 8) == 0) {
        /* not in this server's script cache (restarted, flushed, another
           node): send the text once; EVAL caches it for next time */
        freeReplyObject(r);
        argv[0] = "EVAL", lens[0] = 4;
        argv[1] = script, lens[1] = strlen(script);
        if ((rc = command_any(kv, &r, argc, argv, lens)) < 0)
            return rc;
    }
    if (r->type == REDIS_REPLY_ERROR)
        return error_reply(r, "EVAL");
    *reply = r;
    return 0;
}

int
ec_kv_eval(struct ec_kv *kv, const char *script, size_t nkeys,
           const char *const *keys, size_t nargs, const char *const *args,
           long long *out)
{
    redisReply *r;
    int rc = eval_reply(kv, script, nkeys, keys, nargs, args, &r);

    if (rc < 0)
        return rc;
    if (r->type != REDIS_REPLY_INTEGER) {
        ec_log_error("redis EVAL: the script did not answer an integer");
        freeReplyObject(r);
        return EC_ERR_INTERNAL;
    }
    if (out)
        *out = r->integer;
    freeReplyObject(r);
    return 0;
}

int
ec_kv_eval_strs(struct ec_kv *kv, const char *script, size_t nkeys,
                const char *const *keys, size_t nargs, const char *const *args,
                struct ec_arena *a, char **vals, size_t max, size_t *n)
{
    redisReply *r;
    int rc = eval_reply(kv, script, nkeys, keys, nargs, args, &r);

    if (rc < 0)
        return rc;
    if (r->type != REDIS_REPLY_ARRAY || r->elements > max) {
        ec_log_error("redis EVAL: the script did not answer a short list");
        freeReplyObject(r);
        return EC_ERR_INTERNAL;
    }
    strings_of(r, a, vals);
    *n = r->elements;
    freeReplyObject(r);
    return 0;
}

/* ---- subscriptions ---- */

struct ec_kv_sub {
    struct ec_kv *conn; /* host, port, timeouts; ctx is the link */
    char *channel;
};

struct ec_kv_sub *
ec_kv_sub_new(const struct ec_kv_config *cfg, const char *channel)
{
    struct ec_kv_sub *s = ec_xcalloc(1, sizeof(*s));

    s->conn = ec_kv_new(cfg);
    s->channel = ec_xstrdup(channel);
    return s;
}

void
ec_kv_sub_free(struct ec_kv_sub *s)
{
    if (!s)
        return;
    ec_kv_free(s->conn);
    free(s->channel);
    free(s);
}

int
ec_kv_sub_ensure(struct ec_kv_sub *s)
{
    redisReply *r;

    if (s->conn->ctx)
        return 0;
    if (ec_kv_connect(s->conn) < 0)
        return EC_ERR_UNAVAILABLE;
    r = redisCommand(s->conn->ctx, "SUBSCRIBE %s", s->channel);
    /* the reply confirms: ["subscribe", channel, 1] */
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
        ec_log_error("redis SUBSCRIBE %s failed", s->channel);
        if (r)
            freeReplyObject(r);
        disconnect(s->conn);
        return EC_ERR_UNAVAILABLE;
    }
    freeReplyObject(r);
    return 1;
}

static void
deliver(redisReply *r, ec_kv_message_fn fn, void *ctx)
{
    /* ["message", channel, payload]; anything else is not for us */
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
        r->element[0]->type == REDIS_REPLY_STRING &&
        strcmp(r->element[0]->str, "message") == 0 &&
        r->element[2]->type == REDIS_REPLY_STRING)
        fn(r->element[2]->str, r->element[2]->len, ctx);
}

int
ec_kv_sub_poll(struct ec_kv_sub *s, ec_kv_message_fn fn, void *ctx)
{
    redisContext *c = s->conn->ctx;
    struct pollfd pfd;
    void *reply;

    if (!c)
        return EC_ERR_UNAVAILABLE;
    for (;;) {
        /* first whatever the reader has buffered already */
        while (redisGetReplyFromReader(c, &reply) == REDIS_OK && reply) {
            deliver(reply, fn, ctx);
            freeReplyObject(reply);
        }
        if (c->err)
            break;
        pfd.fd = c->fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, 0) <= 0 ||
            !(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            return 0;
        if (redisBufferRead(c) != REDIS_OK)
            break;
    }
    ec_log_warn("redis subscription to %s lost: %s", s->channel, c->errstr);
    disconnect(s->conn);
    return EC_ERR_UNAVAILABLE;
}
