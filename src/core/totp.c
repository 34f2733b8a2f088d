#include "core/totp.h"

#include <stdio.h>
#include <string.h>

#include "core/crypto.h"

uint32_t
ec_hotp(const void *key, size_t len, uint64_t counter, unsigned digits)
{
    unsigned char msg[8], md[EC_SHA1_SIZE];
    uint32_t bin, mod = 1;
    unsigned off;

    for (int i = 7; i >= 0; i--, counter >>= 8)
        msg[i] = (unsigned char)(counter & 0xff);
    ec_hmac_sha1(key, len, msg, sizeof(msg), md);
    /* dynamic truncation: 31 bits from the offset the last nibble says */
    off = md[19] & 0x0f;
    bin = ((uint32_t)(md[off] & 0x7f) << 24) | ((uint32_t)md[off + 1] << 16) |
          ((uint32_t)md[off + 2] << 8) | (uint32_t)md[off + 3];
    for (unsigned i = 0; i < digits; i++)
        mod *= 10;
    ec_mem_wipe(md, sizeof(md));
    return bin % mod;
}

int64_t
ec_totp_step(int64_t t)
{
    return t < 0 ? 0 : t / EC_TOTP_STEP;
}

/* The code's digits into out (EC_TOTP_DIGITS + 1): 0, or -1 when it is
   not EC_TOTP_DIGITS digits with blanks between. */
static int
code_digits(const char *code, char out[EC_TOTP_DIGITS + 1])
{
    size_t n = 0;

    for (; code && *code; code++) {
        if (*code == ' ')
            continue;
        if (*code < '0' || *code > '9' || n == EC_TOTP_DIGITS)
            return -1;
        out[n++] = *code;
    }
    out[n] = '\0';
    return n == EC_TOTP_DIGITS ? 0 : -1;
}

int64_t
ec_totp_verify(const void *key, size_t len, const char *code, int64_t now,
               int64_t last_step)
{
    char typed[EC_TOTP_DIGITS + 1], want[16];
    int64_t step = ec_totp_step(now), found = -1;

    if (code_digits(code, typed) < 0)
        return -1;
    /* every step of the window is computed and compared, whichever
       matches, so the time taken says nothing about which did */
    for (int64_t s = step - EC_TOTP_WINDOW; s <= step + EC_TOTP_WINDOW; s++) {
        if (s < 0)
            continue;
        snprintf(want, sizeof(want), "%0*u", EC_TOTP_DIGITS,
                 ec_hotp(key, len, (uint64_t)s, EC_TOTP_DIGITS));
        if (ec_mem_equal(want, typed, EC_TOTP_DIGITS) && s > last_step &&
            found < 0)
            found = s;
    }
    return found;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
ec_base32_encode(char *out, const void *in, size_t n)
{
    const unsigned char *p = in;
    unsigned acc = 0, bits = 0;

    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            *out++ = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        *out++ = b32[(acc << (5 - bits)) & 31];
    *out = '\0';
}

long
ec_base32_decode(void *out, size_t max, const char *s)
{
    unsigned char *o = out;
    unsigned acc = 0, bits = 0;
    size_t n = 0, chars = 0;

    for (; *s; s++) {
        const char *c;
        char u = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;

        if (u == ' ' || u == '=')
            continue;
        if (!(c = strchr(b32, u)) || u == '\0')
            return -1;
        acc = (acc << 5) | (unsigned)(c - b32);
        bits += 5;
        chars++;
        if (bits >= 8) {
            if (n == max)
                return -1;
            o[n++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
        }
        acc &= (1u << bits) - 1;
    }
    /* lengths 1, 3 and 6 (mod 8) are no encoder's */
    if (chars % 8 == 1 || chars % 8 == 3 || chars % 8 == 6)
        return -1;
    return (long)n;
}
