#include "../test.h"
#include "core/arena.h"
#include "http/session_cookie.h"

static struct ec_arena arena;
static unsigned char key[32];

#define SID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ISSUED 1700000000
/* `printf 'session\n<SID>\n1700000000' | openssl dgst -sha256 -hmac
   kkkk...` (32 bytes of 'k'), cut to 32 hex digits */
#define MAC "1b3a570ede10995abf9b621e7e536ab7"
#define DAY 86400L

static int
verify(const char *value, int64_t now, char id[EC_SESSION_ID_SIZE])
{
    int64_t issued = 0;
    int rc = ec_session_cookie_verify(key, sizeof(key), value, now, 30 * DAY,
                                      id, &issued);

    if (rc == 0)
        CU_ASSERT_EQUAL(issued, ISSUED);
    return rc;
}

static void
test_value_is_signed_by_the_server(void)
{
    char id[EC_SESSION_ID_SIZE];
    char *v = ec_session_cookie_make(key, sizeof(key), SID, ISSUED, &arena);

    EC_ASSERT_STR(v, SID ".1700000000." MAC);
    CU_ASSERT_EQUAL(verify(v, ISSUED + 10, id), 0);
    EC_ASSERT_STR(id, SID);
}

static void
test_values_the_server_never_issued(void)
{
    static const char *const bad[] = {
        NULL,
        "",
        SID, /* a bare id, as a client would choose one */
        SID ".1700000000",
        SID ".1700000000.",
        /* one digit changed in the id, the time, the MAC */
        "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        ".1700000000." MAC,
        SID ".1700000001." MAC,
        SID ".1700000000.1b3a570ede10995abf9b621e7e536ab8",
        /* upper case, extra bytes, leading zero, too long */
        SID ".1700000000.1B3A570EDE10995ABF9B621E7E536AB7",
        SID ".1700000000." MAC "0",
        SID ".01700000000." MAC,
        SID ".1700000000." MAC ";",
        SID "0.1700000000." MAC,
        " " SID ".1700000000." MAC,
        SID ".17000000000000000000000." MAC,
    };
    char id[EC_SESSION_ID_SIZE];
    unsigned char other[32];
    char *v;

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        if (verify(bad[i], ISSUED + 10, id) != -1)
            fprintf(stderr, "accepted: %s\n", bad[i] ? bad[i] : "(null)");
        CU_ASSERT_EQUAL(verify(bad[i], ISSUED + 10, id), -1);
    }
    /* signed with another key */
    memset(other, 'o', sizeof(other));
    v = ec_session_cookie_make(other, sizeof(other), SID, ISSUED, &arena);
    CU_ASSERT_EQUAL(verify(v, ISSUED + 10, id), -1);
}

static void
test_absolute_timeout(void)
{
    char id[EC_SESSION_ID_SIZE];
    char *v = ec_session_cookie_make(key, sizeof(key), SID, ISSUED, &arena);

    CU_ASSERT_EQUAL(verify(v, ISSUED + 30 * DAY - 1, id), 0);
    CU_ASSERT_EQUAL(verify(v, ISSUED + 30 * DAY, id), -1);
    /* from the future: a little clock skew between hosts, no more */
    CU_ASSERT_EQUAL(verify(v, ISSUED - EC_SESSION_SKEW, id), 0);
    CU_ASSERT_EQUAL(verify(v, ISSUED - EC_SESSION_SKEW - 1, id), -1);
}

static void
test_cookie_attributes(void)
{
    EC_ASSERT_STR(ec_session_cookie_header(1, "V", 2592000, &arena),
                  "__Host-sid=V; Path=/; Max-Age=2592000; HttpOnly; "
                  "SameSite=Lax; Secure");
    EC_ASSERT_STR(ec_session_cookie_header(0, "V", 60, &arena),
                  "sid=V; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
    EC_ASSERT_STR(ec_session_cookie_name(1), "__Host-sid");
    EC_ASSERT_STR(ec_session_cookie_name(0), "sid");
}

static void
test_new_ids_are_random(void)
{
    char a[EC_SESSION_ID_SIZE], b[EC_SESSION_ID_SIZE];

    ec_session_new_id(a);
    ec_session_new_id(b);
    CU_ASSERT_EQUAL(strlen(a), 64);
    CU_ASSERT_EQUAL(strspn(a, "0123456789abcdef"), 64);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

static const struct ec_test tests[] = {
    {"a value is the id, its time and their HMAC",
     test_value_is_signed_by_the_server},
    {"values the server never issued are refused",
     test_values_the_server_never_issued},
    {"a value is valid up to the absolute timeout", test_absolute_timeout},
    {"the cookie's name and attributes over HTTPS and HTTP",
     test_cookie_attributes},
    {"ids are 256 random bits", test_new_ids_are_random},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    memset(key, 'k', sizeof(key));
    ec_arena_init(&arena, 0);
    rc = ec_test_run("http/session_cookie", tests);
    ec_arena_release(&arena);
    return rc;
}
