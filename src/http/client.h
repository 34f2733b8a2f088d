/*
 * The client's address: IPv4 and IPv6 addresses, lists of addresses and
 * CIDR blocks (trusted_proxies, client_limits_exempt), the client behind
 * proxies we trust, and the key under which per-address limits count it.
 * Pure functions: no I/O, no configuration.
 *
 * Invariants:
 *   - an ec_addr is always 16 bytes of IPv6; an IPv4 address is held as
 *     IPv4-mapped IPv6 (::ffff:a.b.c.d) with v4 set, so one comparison
 *     serves both families and "::ffff:192.0.2.1" is 192.0.2.1;
 *   - an ec_cidr's bits count over those 128 bits (192.0.2.0/24 is held
 *     as /120) and the address's bits past the prefix are zero;
 *   - a client key is what one client is counted as: its IPv4 address, or
 *     the /64 of its IPv6 address ("2001:db8:1:2::/64"), since one IPv6
 *     customer usually gets a whole /64 and could otherwise take a new
 *     address for every request.
 */
#ifndef EC_HTTP_CLIENT_H
#define EC_HTTP_CLIENT_H

#include <stddef.h>

struct ec_addr {
    unsigned char b[16];
    int v4; /* an IPv4 address (b is ::ffff:a.b.c.d) */
};

struct ec_cidr {
    struct ec_addr addr;
    unsigned bits; /* 0..128, over the 16 bytes */
};

/* A list of CIDR blocks; items is malloc'ed (ec_cidrs_release). */
struct ec_cidrs {
    struct ec_cidr *items;
    size_t n;
};

/* "255.255.255.255" or an IPv6 /64 with its suffix, and NUL */
#define EC_CLIENT_KEY_SIZE 48

/*
 * The address in the len bytes at s: dotted IPv4 ("192.0.2.1") or IPv6
 * in any form inet_pton(3) takes ("2001:db8::1", "::ffff:192.0.2.1"),
 * optionally in brackets ("[2001:db8::1]"). No port, no zone, no blanks.
 * 0 with *out, or -1.
 */
int ec_addr_parse(const char *s, size_t len, struct ec_addr *out);

/*
 * An address or a CIDR block in the len bytes at s: "192.0.2.0/24",
 * "2001:db8::/32", or a bare address (/32 for IPv4, /128 for IPv6). Bits
 * set past the prefix ("192.0.2.1/24") are refused, as they usually mean
 * a typo. 0 with *out, or -1.
 */
int ec_cidr_parse(const char *s, size_t len, struct ec_cidr *out);

/* 1 if address a lies in block c, else 0. */
int ec_cidr_match(const struct ec_cidr *c, const struct ec_addr *a);

/*
 * Append the blocks of list (separated by blanks or commas; NULL or empty
 * adds none) to l, which starts zeroed. 0, or -1 with the first word that
 * is not an address or block in err; l keeps what it had then.
 */
int ec_cidrs_parse(const char *list, struct ec_cidrs *l, char *err,
                   size_t errsize);

/* 1 if a lies in any block of l, else 0. */
int ec_cidrs_match(const struct ec_cidrs *l, const struct ec_addr *a);

void ec_cidrs_release(struct ec_cidrs *l);

/*
 * The client's address, from the peer's (remote: REMOTE_ADDR) and the
 * X-Forwarded-For header (xff, may be NULL). Only when the peer is a
 * proxy we trust does the header count: it is walked from its end (the
 * hop nearest to us) towards its start, and the first address that is
 * not a trusted proxy is the client; when every address is trusted, the
 * first one is. An entry that is not an address ends the walk: the
 * trusted proxy that added it is taken as the client, as whatever it
 * forwarded cannot be read. 0 with *out, or -1 when remote is not an
 * address.
 */
int ec_client_addr(const char *remote, const char *xff,
                   const struct ec_cidrs *trusted, struct ec_addr *out);

/*
 * Whether a request came over HTTPS: https_param is the FastCGI HTTPS
 * parameter (nginx sets "on" for a TLS connection; NULL, "" or "off" is
 * no), forwarded_proto the X-Forwarded-Proto header (may be NULL), which
 * counts only when the peer is a trusted proxy (trusted_peer 1): its last
 * value, the one that proxy set, must be "https". 1 or 0.
 */
int ec_client_https(const char *https_param, const char *forwarded_proto,
                    int trusted_peer);

/* The key per-address limits count a under (see the invariants). */
void ec_client_key(const struct ec_addr *a, char out[EC_CLIENT_KEY_SIZE]);

#endif
