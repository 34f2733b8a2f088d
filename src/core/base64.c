#include "core/base64.h"

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode whole groups of three and the tail; pad with '=' when pad. */
static char *
encode(char *out, const unsigned char *in, size_t n, const char *abc, int pad)
{
    unsigned v;

    for (; n >= 3; n -= 3, in += 3) {
        v = (unsigned)in[0] << 16 | (unsigned)in[1] << 8 | in[2];
        *out++ = abc[v >> 18 & 63];
        *out++ = abc[v >> 12 & 63];
        *out++ = abc[v >> 6 & 63];
        *out++ = abc[v & 63];
    }
    if (n > 0) {
        v = (unsigned)in[0] << 16 | (n > 1 ? (unsigned)in[1] << 8 : 0);
        *out++ = abc[v >> 18 & 63];
        *out++ = abc[v >> 12 & 63];
        if (n > 1)
            *out++ = abc[v >> 6 & 63];
        else if (pad)
            *out++ = '=';
        if (pad)
            *out++ = '=';
    }
    *out = '\0';
    return out;
}

void
ec_b64url_encode(char *out, const void *in, size_t n)
{
    encode(out, in, n, url_alphabet, 0);
}

void
ec_b64_encode(char *out, const void *in, size_t n)
{
    encode(out, in, n, std_alphabet, 1);
}

/* The 6-bit value of a character of the alphabet whose last two are c62
   and c63, or -1. */
static int
value(char c, char c62, char c63)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == c62)
        return 62;
    if (c == c63)
        return 63;
    return -1;
}

static long
decode(void *out, const char *s, size_t len, char c62, char c63)
{
    unsigned char *p = out;
    unsigned long acc = 0;
    unsigned bits = 0;
    size_t i;
    int v;

    if (len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++) {
        v = value(s[i], c62, c63);
        if (v < 0)
            return -1;
        acc = (acc << 6 | (unsigned)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *p++ = (unsigned char)(acc >> bits);
        }
    }
    /* leftover bits must be zero, or two spellings decode alike */
    if (acc & ((1UL << bits) - 1))
        return -1;
    return (long)(p - (unsigned char *)out);
}

long
ec_b64url_decode(void *out, const char *s, size_t len)
{
    return decode(out, s, len, '-', '_');
}

int
ec_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
ec_hex_decode(void *out, const char *hex, size_t n)
{
    unsigned char *p = out;

    for (size_t i = 0; i < n; i++) {
        int hi = ec_hex_digit(hex[2 * i]), lo = ec_hex_digit(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        p[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

long
ec_b64_decode_unpadded(void *out, const char *s, size_t len)
{
    return decode(out, s, len, '+', '/');
}
