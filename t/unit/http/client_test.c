/*
 * Client addresses (http/client.c): parsing both families, CIDR blocks,
 * the X-Forwarded-For walk behind trusted proxies, and the /64 grouping
 * of IPv6 clients. The byte forms are checked against inet_pton(3) as an
 * independent oracle.
 */
#include <arpa/inet.h>

#include "../test.h"
#include "http/client.h"

static int
parse(const char *s, struct ec_addr *a)
{
    return ec_addr_parse(s, strlen(s), a);
}

static void
test_addresses(void)
{
    static const struct {
        const char *s;
        int ok, v4;
        const char *same_as; /* inet_pton(AF_INET6) of this */
    } cases[] = {
        {"192.0.2.1", 1, 1, "::ffff:192.0.2.1"},
        {"0.0.0.0", 1, 1, "::ffff:0.0.0.0"},
        {"255.255.255.255", 1, 1, "::ffff:255.255.255.255"},
        {"::ffff:192.0.2.1", 1, 1, "::ffff:192.0.2.1"},
        {"2001:db8::1", 1, 0, "2001:db8::1"},
        {"[2001:db8::1]", 1, 0, "2001:db8::1"},
        {"::1", 1, 0, "::1"},
        {"::", 1, 0, "::"},
        {"2001:DB8:0:0:1:2:3:4", 1, 0, "2001:db8::1:2:3:4"},
        {"256.0.0.1", 0, 0, NULL},
        {"192.0.2", 0, 0, NULL},
        {"192.0.2.1.5", 0, 0, NULL},
        {"192.0.2.01", 0, 0, NULL},
        {" 192.0.2.1", 0, 0, NULL},
        {"192.0.2.1:80", 0, 0, NULL},
        {"[192.0.2.1]", 0, 0, NULL},
        {"2001:db8::1%eth0", 0, 0, NULL},
        {"2001:db8:::1", 0, 0, NULL},
        {"unknown", 0, 0, NULL},
        {"", 0, 0, NULL},
        {"[]", 0, 0, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_addr a;
        unsigned char want[16];
        int rc = parse(cases[i].s, &a);

        if ((rc == 0) != cases[i].ok)
            fprintf(stderr, "\n    '%s': got %d", cases[i].s, rc);
        CU_ASSERT_EQUAL(rc == 0, cases[i].ok);
        if (rc != 0 || !cases[i].ok)
            continue;
        CU_ASSERT_EQUAL(a.v4, cases[i].v4);
        CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, cases[i].same_as, want), 1);
        CU_ASSERT_EQUAL(memcmp(a.b, want, 16), 0);
    }
}

static void
test_cidr_blocks(void)
{
    static const struct {
        const char *block, *addr;
        int match;
    } cases[] = {
        {"192.0.2.0/24", "192.0.2.0", 1},
        {"192.0.2.0/24", "192.0.2.255", 1},
        {"192.0.2.0/24", "192.0.3.0", 0},
        {"192.0.2.128/25", "192.0.2.127", 0},
        {"192.0.2.128/25", "192.0.2.200", 1},
        {"10.0.0.0/8", "10.200.3.4", 1},
        {"10.0.0.0/8", "11.0.0.1", 0},
        {"0.0.0.0/0", "203.0.113.9", 1},
        {"0.0.0.0/0", "2001:db8::1", 0}, /* all IPv4, not IPv6 */
        {"192.0.2.7", "192.0.2.7", 1},
        {"192.0.2.7", "192.0.2.8", 0},
        {"127.0.0.1/32", "::ffff:127.0.0.1", 1},
        {"2001:db8::/32", "2001:db8:ffff::1", 1},
        {"2001:db8::/32", "2001:db9::1", 0},
        {"2001:db8::/63", "2001:db8:0:1:ffff::", 1},
        {"2001:db8::/63", "2001:db8:0:2::", 0},
        {"::/0", "192.0.2.1", 1},
        {"::1", "::1", 1},
        {"::1", "127.0.0.1", 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_cidr c;
        struct ec_addr a;

        CU_ASSERT_EQUAL_FATAL(
            ec_cidr_parse(cases[i].block, strlen(cases[i].block), &c), 0);
        CU_ASSERT_EQUAL_FATAL(parse(cases[i].addr, &a), 0);
        if (ec_cidr_match(&c, &a) != cases[i].match)
            fprintf(stderr, "\n    %s in %s: want %d", cases[i].addr,
                    cases[i].block, cases[i].match);
        CU_ASSERT_EQUAL(ec_cidr_match(&c, &a), cases[i].match);
    }
}

static void
test_bad_blocks(void)
{
    static const char *const bad[] = {
        "192.0.2.0/33", "192.0.2.1/24", "2001:db8::/129", "192.0.2.0/",
        "192.0.2.0/x",  "/24",          "2001:db8::1/64", "192.0.2.0/024x",
        "192.0.2.0/-1", "10.0.0.0/8/8",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct ec_cidr c;

        if (ec_cidr_parse(bad[i], strlen(bad[i]), &c) == 0)
            fprintf(stderr, "\n    '%s' parsed", bad[i]);
        CU_ASSERT_EQUAL(ec_cidr_parse(bad[i], strlen(bad[i]), &c), -1);
    }
}

static void
test_lists(void)
{
    struct ec_cidrs l = {NULL, 0};
    struct ec_addr a;
    char err[128];

    CU_ASSERT_EQUAL(ec_cidrs_parse(NULL, &l, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(ec_cidrs_parse("", &l, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_EQUAL(ec_cidrs_parse(" 10.0.0.0/8,192.0.2.10\t2001:db8::/32, ",
                                   &l, err, sizeof(err)),
                    0);
    CU_ASSERT_EQUAL(l.n, 3);
    CU_ASSERT_EQUAL(ec_cidrs_parse("::1", &l, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(l.n, 4);
    parse("10.1.2.3", &a);
    CU_ASSERT_EQUAL(ec_cidrs_match(&l, &a), 1);
    parse("192.0.2.11", &a);
    CU_ASSERT_EQUAL(ec_cidrs_match(&l, &a), 0);
    parse("::1", &a);
    CU_ASSERT_EQUAL(ec_cidrs_match(&l, &a), 1);
    CU_ASSERT_EQUAL(ec_cidrs_parse("10.0.0.1 nonsense", &l, err, sizeof(err)),
                    -1);
    EC_ASSERT_STR(err, "'nonsense' is not an address or CIDR block");
    ec_cidrs_release(&l);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_PTR_NULL(l.items);
}

static void
test_forwarded_for(void)
{
    static const struct {
        const char *remote, *xff, *client;
    } cases[] = {
        /* the peer is no proxy of ours: the header is anyone's words */
        {"203.0.113.5", "198.51.100.7", "203.0.113.5"},
        {"203.0.113.5", NULL, "203.0.113.5"},
        /* a trusted proxy: the address it saw */
        {"10.0.0.2", "198.51.100.7", "198.51.100.7"},
        {"10.0.0.2", NULL, "10.0.0.2"},
        {"10.0.0.2", "", "10.0.0.2"},
        /* what the client wrote in front of it is not believed */
        {"10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"},
        /* a chain of our proxies, the client behind them */
        {"10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3", "198.51.100.7"},
        {"10.0.0.2", "198.51.100.7,10.0.0.9 ,  10.0.0.3", "198.51.100.7"},
        /* every hop ours: the first one */
        {"10.0.0.2", "10.0.0.7, 10.0.0.3", "10.0.0.7"},
        /* unreadable: the trusted proxy that added it */
        {"10.0.0.2", "198.51.100.7, unknown", "10.0.0.2"},
        {"10.0.0.2", "198.51.100.7, unknown, 10.0.0.3", "10.0.0.3"},
        {"10.0.0.2", "198.51.100.7,,10.0.0.3", "10.0.0.3"},
        {"10.0.0.2", "198.51.100.7:4711", "10.0.0.2"},
        /* IPv6 on either side */
        {"10.0.0.2", "2001:db8:1:2::77", "2001:db8:1:2::77"},
        {"10.0.0.2", "[2001:db8:1:2::77]", "2001:db8:1:2::77"},
        {"fd00::1", "198.51.100.7", "198.51.100.7"},
        {"::ffff:10.0.0.2", "198.51.100.7", "198.51.100.7"},
    };
    struct ec_cidrs trusted = {NULL, 0};
    char err[128];

    CU_ASSERT_EQUAL_FATAL(
        ec_cidrs_parse("10.0.0.0/8 fd00::/8", &trusted, err, sizeof(err)), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_addr got, want;

        CU_ASSERT_EQUAL_FATAL(
            ec_client_addr(cases[i].remote, cases[i].xff, &trusted, &got), 0);
        CU_ASSERT_EQUAL_FATAL(parse(cases[i].client, &want), 0);
        if (memcmp(got.b, want.b, 16) != 0)
            fprintf(stderr, "\n    %s + '%s': want %s", cases[i].remote,
                    cases[i].xff ? cases[i].xff : "(none)", cases[i].client);
        CU_ASSERT_EQUAL(memcmp(got.b, want.b, 16), 0);
    }
    {
        struct ec_addr a;

        CU_ASSERT_EQUAL(ec_client_addr(NULL, "1.2.3.4", &trusted, &a), -1);
        CU_ASSERT_EQUAL(ec_client_addr("", NULL, &trusted, &a), -1);
        CU_ASSERT_EQUAL(ec_client_addr("unix:", NULL, &trusted, &a), -1);
    }
    ec_cidrs_release(&trusted);
}

static void
test_client_keys(void)
{
    static const struct {
        const char *addr, *key;
    } cases[] = {
        {"192.0.2.1", "192.0.2.1"},
        {"::ffff:192.0.2.1", "192.0.2.1"},
        {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
        {"2001:db8:1:2::ffff", "2001:db8:1:2::/64"},
        {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
        {"::1", "::/64"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::/64"},
        {"255.255.255.255", "255.255.255.255"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char key[EC_CLIENT_KEY_SIZE];
        struct ec_addr a;

        CU_ASSERT_EQUAL_FATAL(parse(cases[i].addr, &a), 0);
        ec_client_key(&a, key);
        EC_ASSERT_STR(key, cases[i].key);
    }
}

static void
test_https(void)
{
    static const struct {
        const char *param, *proto;
        int trusted, https;
    } cases[] = {
        {"on", NULL, 0, 1},
        {"ON", NULL, 0, 1},
        {"off", NULL, 0, 0},
        {"", NULL, 0, 0},
        {NULL, NULL, 1, 0},
        /* X-Forwarded-Proto counts only from a trusted proxy */
        {NULL, "https", 0, 0},
        {NULL, "https", 1, 1},
        {NULL, " HTTPS ", 1, 1},
        {NULL, "http", 1, 0},
        /* the last value is the one our proxy set */
        {NULL, "http, https", 1, 1},
        {NULL, "https, http", 1, 0},
        {NULL, "httpsx", 1, 0},
        {NULL, "", 1, 0},
        {"on", "http", 1, 1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        CU_ASSERT_EQUAL(
            ec_client_https(cases[i].param, cases[i].proto, cases[i].trusted),
            cases[i].https);
}

static const struct ec_test tests[] = {
    {"IPv4 and IPv6 addresses, as inet_pton reads them", test_addresses},
    {"CIDR blocks match their addresses", test_cidr_blocks},
    {"malformed blocks are refused", test_bad_blocks},
    {"lists of addresses and blocks", test_lists},
    {"X-Forwarded-For counts behind trusted proxies only", test_forwarded_for},
    {"IPv6 clients are counted by their /64", test_client_keys},
    {"HTTPS from nginx, or from a trusted proxy's X-Forwarded-Proto",
     test_https},
    {NULL, NULL},
};

EC_TEST_MAIN("http/client", tests)
