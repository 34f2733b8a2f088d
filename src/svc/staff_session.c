#include "svc/staff_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/kv.h"
#include "svc/session.h"

#define KEY_SIZE 192

/*
 * KEYS[1] the record; ARGV[1] idle ms. Returns {} when there is no
 * record, else {staff, staff_pending} (nil when absent); the record's
 * idle time starts again.
 */
static const char read_script[] =
    "if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return {} end\n"
    "return redis.call('HMGET', KEYS[1], 'staff', 'staff_pending')\n";

/* A positive decimal id, or 0 for anything else. */
static long long
id_of(const char *s, char end)
{
    char *e;
    long long v;

    if (!s || *s < '1' || *s > '9')
        return 0;
    v = strtoll(s, &e, 10);
    return *e == end && v > 0 ? v : 0;
}

int
ec_staff_session_read(struct ec_kv *kv, const char *slug, const char *id,
                      long long idle_ms, struct ec_arena *a,
                      struct ec_staff_session *s)
{
    char key[KEY_SIZE], idle[24], *vals[2];
    const char *keys[1] = {key}, *args[1] = {idle};
    size_t n;
    int rc;

    memset(s, 0, sizeof(*s));
    if (ec_session_record_key(key, sizeof(key), slug, id) < 0)
        return 0;
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    rc = ec_kv_eval_strs(kv, read_script, 1, keys, 1, args, a, vals, 2, &n);
    if (rc < 0 || n == 0)
        return rc;
    if (n != 2)
        return EC_ERR_INTERNAL;
    /* a field that is not what this code writes names nobody */
    s->staff = id_of(vals[0], '\0');
    if ((s->pending = id_of(vals[1], ':')) > 0) {
        const char *ms = strchr(vals[1], ':') + 1;

        s->pending_ms = *ms ? strtoll(ms, NULL, 10) : 0;
        if (s->pending_ms <= 0)
            s->pending = 0;
    }
    return 0;
}

/*
 * KEYS[1] the record; ARGV[1] the field to set (staff or staff_pending),
 * ARGV[2] its value, ARGV[3] the other field (deleted), ARGV[4] now (ms),
 * ARGV[5] idle ms. Returns 1.
 */
static const char set_script[] =
    "redis.call('HSETNX', KEYS[1], 'created', ARGV[4])\n"
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
    "redis.call('HDEL', KEYS[1], ARGV[3])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[5])\n"
    "return 1\n";

int
ec_staff_session_set(struct ec_kv *kv, const char *slug, const char *id,
                     long long staff_id, int pending, long long now_ms,
                     long long idle_ms)
{
    char key[KEY_SIZE], val[48], now[24], idle[24];
    const char *keys[1] = {key};
    const char *args[5] = {pending ? "staff_pending" : "staff", val,
                           pending ? "staff" : "staff_pending", now, idle};

    if (staff_id <= 0 || ec_session_record_key(key, sizeof(key), slug, id) < 0)
        return EC_ERR_INVALID_FIELD;
    if (pending)
        snprintf(val, sizeof(val), "%lld:%lld", staff_id, now_ms);
    else
        snprintf(val, sizeof(val), "%lld", staff_id);
    snprintf(now, sizeof(now), "%lld", now_ms);
    snprintf(idle, sizeof(idle), "%lld", idle_ms);
    return ec_kv_eval(kv, set_script, 1, keys, 5, args, NULL);
}

/* KEYS[1] the record. Returns the number of fields deleted. */
static const char clear_script[] =
    "return redis.call('HDEL', KEYS[1], 'staff', 'staff_pending')\n";

int
ec_staff_session_clear(struct ec_kv *kv, const char *slug, const char *id)
{
    char key[KEY_SIZE];
    const char *keys[1] = {key};

    if (ec_session_record_key(key, sizeof(key), slug, id) < 0)
        return 0;
    return ec_kv_eval(kv, clear_script, 1, keys, 0, NULL, NULL);
}
