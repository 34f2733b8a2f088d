#include "http/session_cookie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/rand.h"

#define MAC_HEX 32    /* 16 bytes of the HMAC */
#define ISSUED_MAX 12 /* seconds: past the year 30000 */

const char *
ec_session_cookie_name(int https)
{
    return https ? EC_SESSION_COOKIE_HTTPS : EC_SESSION_COOKIE_HTTP;
}

void
ec_session_new_id(char id[EC_SESSION_ID_SIZE])
{
    ec_rand_hex(id, (EC_SESSION_ID_SIZE - 1) / 2);
}

/* The MAC of id and issued (its decimal text) under key, in hex. */
static void
mac_of(const unsigned char *key, size_t key_len, const char *id,
       const char *issued, size_t issued_len, char out[MAC_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EC_SHA256_SIZE];
    char msg[8 + EC_SESSION_ID_SIZE + ISSUED_MAX + 2];
    int n;

    n = snprintf(msg, sizeof(msg), "session\n%.64s\n%.*s", id, (int)issued_len,
                 issued);
    ec_hmac_sha256(key, key_len, msg, (size_t)n, md);
    for (size_t i = 0; i < MAC_HEX / 2; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[MAC_HEX] = '\0';
    explicit_bzero(md, sizeof(md));
}

char *
ec_session_cookie_make(const unsigned char *key, size_t key_len, const char *id,
                       int64_t issued, struct ec_arena *a)
{
    char when[24], mac[MAC_HEX + 1];
    int n = snprintf(when, sizeof(when), "%lld", (long long)issued);

    mac_of(key, key_len, id, when, (size_t)n, mac);
    return ec_arena_printf(a, "%s.%s.%s", id, when, mac);
}

int
ec_session_cookie_verify(const unsigned char *key, size_t key_len,
                         const char *value, int64_t now, long absolute,
                         char id[EC_SESSION_ID_SIZE], int64_t *issued)
{
    const char *when, *mac;
    char want[MAC_HEX + 1];
    size_t when_len;
    long long t = 0;

    if (!value ||
        strnlen(value, EC_SESSION_COOKIE_MAX + 1) > EC_SESSION_COOKIE_MAX)
        return -1;
    /* <64 hex>.<digits>.<32 hex> */
    if (strspn(value, "0123456789abcdef") != EC_SESSION_ID_SIZE - 1 ||
        value[EC_SESSION_ID_SIZE - 1] != '.')
        return -1;
    when = value + EC_SESSION_ID_SIZE;
    when_len = strspn(when, "0123456789");
    if (when_len == 0 || when_len > ISSUED_MAX || when[when_len] != '.' ||
        (when[0] == '0' && when_len > 1))
        return -1;
    mac = when + when_len + 1;
    if (strspn(mac, "0123456789abcdef") != MAC_HEX || mac[MAC_HEX] != '\0')
        return -1;
    mac_of(key, key_len, value, when, when_len, want);
    if (!ec_mem_equal(want, mac, MAC_HEX))
        return -1;
    for (size_t i = 0; i < when_len; i++)
        t = t * 10 + (when[i] - '0');
    if (t > now + EC_SESSION_SKEW || now - t >= absolute)
        return -1;
    memcpy(id, value, EC_SESSION_ID_SIZE - 1);
    id[EC_SESSION_ID_SIZE - 1] = '\0';
    *issued = t;
    return 0;
}

char *
ec_session_cookie_header(int https, const char *value, long max_age,
                         struct ec_arena *a)
{
    return ec_arena_printf(a,
                           "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
                           "SameSite=Lax%s",
                           ec_session_cookie_name(https), value, max_age,
                           https ? "; Secure" : "");
}
