#include <string.h>

#include "../test.h"
#include "core/err.h"
#include "svc/cpr.h"

/* The CPR office's century table, and dates that exist or not. */
static const struct {
    const char *in;
    int year; /* 0: refused */
} cases[] = {
    {"010190-1234", 1990}, {"0101901234", 1990},  {" 010190 1234 ", 1990},
    {"010100-3999", 1900},                        /* 0-3: always 19yy */
    {"010136-4000", 2036},                        /* 4: 00-36 -> 20yy */
    {"010137-4000", 1937},                        /*    37-99 -> 19yy */
    {"010157-5000", 2057},                        /* 5-8: 00-57 -> 20yy */
    {"010158-8999", 1858},                        /*      58-99 -> 18yy */
    {"010136-9000", 2036},                        /* 9: as 4 */
    {"010137-9000", 1937}, {"290200-4000", 2000}, /* 2000 is a leap year */
    {"290200-5000", 2000}, {"290200-1000", 1900}, /* 1900 is not */
    {"290200-1000", 0},    {"290296-1234", 1996}, {"290297-1234", 0},
    {"310490-1234", 0},    {"000190-1234", 0},    {"011390-1234", 0},
    {"710190-1234", 0}, /* a replacement number (day + 60) */
    {"010190-123", 0},     {"010190-12345", 0},   {"010190--1234", 0},
    {"01019-01234", 0},    {"010190-12a4", 0},    {"", 0},
};

static void
test_parse(void)
{
    struct ec_cpr c;
    size_t i;
    int rc;

    for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        /* "290200-1000" is both: 1900 has no 29 February */
        if (strcmp(cases[i].in, "290200-1000") == 0)
            continue;
        rc = ec_cpr_parse(cases[i].in, &c);
        if ((rc == 0) != (cases[i].year != 0))
            fprintf(stderr, "\n    %s: rc %d\n", cases[i].in, rc);
        if (cases[i].year) {
            CU_ASSERT_EQUAL(rc, 0);
            CU_ASSERT_EQUAL(c.year, cases[i].year);
            CU_ASSERT_EQUAL(strlen(c.digits), 10);
        } else {
            CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
        }
    }
    CU_ASSERT_EQUAL(ec_cpr_parse("290200-1000", &c), EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_cpr_parse(NULL, &c), EC_ERR_INVALID_FIELD);
}

/* No modulus-11 check: numbers issued since 2007 need not pass it. */
static void
test_no_modulus_11(void)
{
    struct ec_cpr c;

    /* 0101901234: weights 4327654321 give 1+0+... not divisible by 11 */
    CU_ASSERT_EQUAL(ec_cpr_parse("010190-1235", &c), 0);
    CU_ASSERT_EQUAL(ec_cpr_parse("010190-1236", &c), 0);
}

static void
test_eighteenth_birthday(void)
{
    struct ec_cpr c;

    CU_ASSERT_EQUAL_FATAL(ec_cpr_parse("150608-4321", &c), 0);
    CU_ASSERT_EQUAL(c.year, 2008);
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2026, 6, 14), 17);
    CU_ASSERT_FALSE(ec_cpr_is_adult(&c, 2026, 6, 14));
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2026, 6, 15), 18);
    CU_ASSERT(ec_cpr_is_adult(&c, 2026, 6, 15));
    CU_ASSERT(ec_cpr_is_adult(&c, 2027, 1, 1));
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2008, 6, 14), -1);
}

static void
test_leap_day_birthday(void)
{
    struct ec_cpr c;

    CU_ASSERT_EQUAL_FATAL(ec_cpr_parse("290208-4321", &c), 0);
    /* 2026 has no 29 February: 18 on 1 March, not on 28 February */
    CU_ASSERT_FALSE(ec_cpr_is_adult(&c, 2026, 2, 28));
    CU_ASSERT(ec_cpr_is_adult(&c, 2026, 3, 1));
    /* in a leap year on the day itself */
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2028, 2, 28), 19);
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2028, 2, 29), 20);
}

static void
test_across_centuries(void)
{
    struct ec_cpr c;

    CU_ASSERT_EQUAL_FATAL(ec_cpr_parse("311299-1234", &c), 0);
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2026, 1, 1), 26);
    CU_ASSERT_EQUAL_FATAL(ec_cpr_parse("010158-5000", &c), 0);
    CU_ASSERT_EQUAL(ec_cpr_age(&c, 2026, 1, 1), 168);
    CU_ASSERT_EQUAL_FATAL(ec_cpr_parse("010110-4000", &c), 0);
    CU_ASSERT_FALSE(ec_cpr_is_adult(&c, 2026, 1, 1));
}

static void
test_mask(void)
{
    struct ec_cpr c;
    char masked[EC_CPR_MASKED_SIZE];

    CU_ASSERT_EQUAL_FATAL(ec_cpr_parse("0101901234", &c), 0);
    ec_cpr_mask(&c, masked);
    EC_ASSERT_STR(masked, "010190-xxxx");
}

static const struct ec_test tests[] = {
    {"format, date and the century table", test_parse},
    {"no modulus-11 check", test_no_modulus_11},
    {"18 on the 18th birthday, not the day before", test_eighteenth_birthday},
    {"a 29 February birthday counts from 1 March", test_leap_day_birthday},
    {"ages across centuries", test_across_centuries},
    {"masked as DDMMYY-xxxx", test_mask},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/cpr", tests)
