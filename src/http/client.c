#include "http/client.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

#define ADDR_TEXT_MAX 64 /* longer than any address's text */

int
ec_addr_parse(const char *s, size_t len, struct ec_addr *out)
{
    char text[ADDR_TEXT_MAX];
    unsigned char v4[4];

    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        s++;
        len -= 2;
        if (!memchr(s, ':', len))
            return -1; /* brackets hold IPv6 only */
    }
    if (len == 0 || len >= sizeof(text))
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, v4) == 1) {
        out->b[10] = out->b[11] = 0xff;
        memcpy(out->b + 12, v4, 4);
        out->v4 = 1;
        return 0;
    }
    if (inet_pton(AF_INET6, text, out->b) != 1)
        return -1;
    /* ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket */
    out->v4 = memcmp(out->b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
    return 0;
}

/* 1 if the bits of a past the first bits are all zero. */
static int
host_bits_zero(const struct ec_addr *a, unsigned bits)
{
    for (unsigned i = bits; i < 128; i++)
        if (a->b[i / 8] & (0x80u >> (i % 8)))
            return 0;
    return 1;
}

int
ec_cidr_parse(const char *s, size_t len, struct ec_cidr *out)
{
    const char *slash = memchr(s, '/', len);
    unsigned long bits;
    size_t alen = slash ? (size_t)(slash - s) : len;

    if (ec_addr_parse(s, alen, &out->addr) < 0)
        return -1;
    if (!slash) {
        out->bits = 128;
        return 0;
    }
    bits = 0;
    for (const char *p = slash + 1; p < s + len; p++) {
        if (*p < '0' || *p > '9' || bits > 128)
            return -1;
        bits = bits * 10 + (unsigned long)(*p - '0');
    }
    if (slash + 1 == s + len || bits > (out->addr.v4 ? 32u : 128u))
        return -1;
    out->bits = (unsigned)bits + (out->addr.v4 ? 96u : 0u);
    return host_bits_zero(&out->addr, out->bits) ? 0 : -1;
}

int
ec_cidr_match(const struct ec_cidr *c, const struct ec_addr *a)
{
    unsigned whole = c->bits / 8, rest = c->bits % 8;

    if (memcmp(c->addr.b, a->b, whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    return ((c->addr.b[whole] ^ a->b[whole]) & (0xffu << (8 - rest)) & 0xffu) ==
           0;
}

int
ec_cidrs_parse(const char *list, struct ec_cidrs *l, char *err, size_t errsize)
{
    if (!list)
        return 0;
    while (*list) {
        struct ec_cidr c;
        size_t w;

        list += strspn(list, " \t,");
        w = strcspn(list, " \t,");
        if (w == 0)
            break;
        if (ec_cidr_parse(list, w, &c) < 0) {
            snprintf(err, errsize, "'%.*s' is not an address or CIDR block",
                     (int)(w > 64 ? 64 : w), list);
            return -1;
        }
        l->items = ec_xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
        l->items[l->n++] = c;
        list += w;
    }
    return 0;
}

int
ec_cidrs_match(const struct ec_cidrs *l, const struct ec_addr *a)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (ec_cidr_match(&l->items[i], a))
            return 1;
    return 0;
}

void
ec_cidrs_release(struct ec_cidrs *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int
ec_client_addr(const char *remote, const char *xff,
               const struct ec_cidrs *trusted, struct ec_addr *out)
{
    const char *end;

    if (!remote || ec_addr_parse(remote, strlen(remote), out) < 0)
        return -1;
    if (!xff || !ec_cidrs_match(trusted, out))
        return 0;
    /* from the nearest hop back: each trusted one vouches for the next */
    end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        struct ec_addr hop;

        while (start > xff && start[-1] != ',')
            start--;
        {
            const char *s = start, *e = end;

            while (s < e && (*s == ' ' || *s == '\t'))
                s++;
            while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            if (s == e || ec_addr_parse(s, (size_t)(e - s), &hop) < 0)
                return 0; /* unreadable: the proxy that added it */
        }
        *out = hop;
        if (!ec_cidrs_match(trusted, &hop))
            return 0;
        end = start > xff ? start - 1 : xff;
    }
    return 0;
}

void
ec_client_key(const struct ec_addr *a, char out[EC_CLIENT_KEY_SIZE])
{
    unsigned char b[16];
    size_t n;

    if (a->v4) {
        inet_ntop(AF_INET, a->b + 12, out, EC_CLIENT_KEY_SIZE);
        return;
    }
    memcpy(b, a->b, 8);
    memset(b + 8, 0, 8);
    inet_ntop(AF_INET6, b, out, EC_CLIENT_KEY_SIZE);
    n = strlen(out);
    snprintf(out + n, EC_CLIENT_KEY_SIZE - n, "/64");
}

int
ec_client_https(const char *https_param, const char *forwarded_proto,
                int trusted_peer)
{
    const char *last, *end;

    if (https_param && *https_param && strcasecmp(https_param, "off") != 0)
        return 1;
    if (!trusted_peer || !forwarded_proto)
        return 0;
    /* "https", or "http, https" after a chain of proxies: the last one is
       what the trusted proxy in front of us saw */
    last = strrchr(forwarded_proto, ',');
    last = last ? last + 1 : forwarded_proto;
    while (*last == ' ' || *last == '\t')
        last++;
    end = last + strlen(last);
    while (end > last && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return end - last == 5 && strncasecmp(last, "https", 5) == 0;
}
