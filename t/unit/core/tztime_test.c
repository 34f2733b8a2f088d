#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "../test.h"
#include "core/err.h"
#include "core/tztime.h"

/* 2026's changes in Europe/Copenhagen, both at 01:00 UTC. */
#define SPRING 1774746000LL /* 2026-03-29T01:00:00Z: 02:00 CET -> 03:00 */
#define AUTUMN 1792890000LL /* 2026-10-25T01:00:00Z: 03:00 CEST -> 02:00 */

static struct ec_tztime_zone *
load(const char *name)
{
    struct ec_tztime_zone *z = NULL;

    CU_ASSERT_EQUAL_FATAL(ec_tztime_load(name, &z), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    return z;
}

static const char *
fmt(const struct ec_tztime_zone *z, int64_t t, char *buf)
{
    if (ec_tztime_format(z, t, buf, EC_TZTIME_RFC3339_SIZE))
        return "(format failed)";
    return buf;
}

static int64_t
utc(const char *s)
{
    int64_t t = 0;

    CU_ASSERT_EQUAL_FATAL(ec_tztime_parse(NULL, s, EC_TZTIME_REJECT, &t), 0);
    return t;
}

static void
test_constants_are_the_2026_changes(void)
{
    CU_ASSERT_EQUAL(utc("2026-03-29T01:00:00Z"), SPRING);
    CU_ASSERT_EQUAL(utc("2026-10-25T01:00:00Z"), AUTUMN);
    CU_ASSERT_EQUAL(utc("1970-01-01T00:00:00Z"), 0);
    CU_ASSERT_EQUAL(ec_tztime_days_from_civil(2000, 3, 1), 11017);
    CU_ASSERT_EQUAL(ec_tztime_days_from_civil(1969, 12, 31), -1);
}

static void
test_load_names_and_refusals(void)
{
    static const struct {
        const char *name;
        int rc;
    } cases[] = {
        {"Europe/Copenhagen", 0},
        {"UTC", 0},
        {"America/Argentina/Buenos_Aires", 0},
        {"Etc/GMT+5", 0},
        {"", EC_ERR_INVALID_FIELD},
        {"/etc/passwd", EC_ERR_INVALID_FIELD},
        {"../../etc/passwd", EC_ERR_INVALID_FIELD},
        {"Europe/../UTC", EC_ERR_INVALID_FIELD},
        {"Europe/./Copenhagen", EC_ERR_INVALID_FIELD},
        {"Europe//Copenhagen", EC_ERR_INVALID_FIELD},
        {"Europe/Copenhagen/", EC_ERR_INVALID_FIELD},
        {"Europe/Copen hagen", EC_ERR_INVALID_FIELD},
        {"Europe\\Copenhagen", EC_ERR_INVALID_FIELD},
        {"Nowhere/City", EC_ERR_NOT_FOUND},
        {"Europe", EC_ERR_NOT_FOUND}, /* a directory, not a zone */
        {"Europe/Copenhagen/x", EC_ERR_NOT_FOUND},
    };
    struct ec_tztime_zone *z;

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int rc;

        z = (struct ec_tztime_zone *)1;
        rc = ec_tztime_load(cases[i].name, &z);
        if (rc != cases[i].rc)
            fprintf(stderr, "\n    zone \"%s\": %d\n", cases[i].name, rc);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        if (cases[i].rc == 0) {
            CU_ASSERT_PTR_NOT_NULL(z);
            EC_ASSERT_STR(ec_tztime_zone_name(z), cases[i].name);
        } else {
            CU_ASSERT_PTR_NULL(z);
        }
        ec_tztime_zone_free(z);
    }
    z = (struct ec_tztime_zone *)1;
    CU_ASSERT_EQUAL(ec_tztime_load(NULL, &z), EC_ERR_INVALID_FIELD);
    CU_ASSERT_PTR_NULL(z);
    ec_tztime_zone_free(NULL);
}

/* The offset in force on each side of both changes of 2026. */
static void
test_offsets_around_both_changes(void)
{
    static const struct {
        int64_t t;
        int utoff, is_dst;
    } cases[] = {
        {SPRING - 86400, 3600, 0}, {SPRING - 1, 3600, 0}, {SPRING, 7200, 1},
        {SPRING + 1, 7200, 1},     {AUTUMN - 1, 7200, 1}, {AUTUMN, 3600, 0},
        {AUTUMN + 86400, 3600, 0},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    int dst;

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        dst = -1;
        CU_ASSERT_EQUAL(ec_tztime_offset_at(z, cases[i].t, &dst),
                        cases[i].utoff);
        CU_ASSERT_EQUAL(dst, cases[i].is_dst);
    }
    ec_tztime_zone_free(z);
}

/* Instant -> wall clock with offset, across both changes. */
static void
test_format_with_offsets(void)
{
    static const struct {
        int64_t t;
        const char *want;
    } cases[] = {
        {SPRING - 3601, "2026-03-29T00:59:59+01:00"},
        {SPRING - 1, "2026-03-29T01:59:59+01:00"},
        {SPRING, "2026-03-29T03:00:00+02:00"},
        {SPRING + 1800, "2026-03-29T03:30:00+02:00"},
        {AUTUMN - 3600, "2026-10-25T02:00:00+02:00"},
        {AUTUMN - 1, "2026-10-25T02:59:59+02:00"},
        {AUTUMN, "2026-10-25T02:00:00+01:00"},
        {AUTUMN + 3600, "2026-10-25T03:00:00+01:00"},
        {1767225599, "2026-01-01T00:59:59+01:00"}, /* 23:59:59Z */
        {0, "1970-01-01T01:00:00+01:00"},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    struct ec_tztime_civil c;
    char buf[EC_TZTIME_RFC3339_SIZE];
    int off;

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        EC_ASSERT_STR(fmt(z, cases[i].t, buf), cases[i].want);

    CU_ASSERT_EQUAL(ec_tztime_from_utc(z, AUTUMN, &c, &off), 0);
    CU_ASSERT_EQUAL(c.year, 2026);
    CU_ASSERT_EQUAL(c.month, 10);
    CU_ASSERT_EQUAL(c.day, 25);
    CU_ASSERT_EQUAL(c.hour, 2);
    CU_ASSERT_EQUAL(c.minute, 0);
    CU_ASSERT_EQUAL(c.second, 0);
    CU_ASSERT_EQUAL(off, 3600);
    ec_tztime_zone_free(z);
}

static void
test_format_other_zones_and_limits(void)
{
    struct ec_tztime_zone *u = load("UTC"), *ny = load("America/New_York");
    struct ec_tztime_zone *cph = load("Europe/Copenhagen");
    char buf[EC_TZTIME_RFC3339_SIZE], small[EC_TZTIME_RFC3339_SIZE - 1];
    int64_t t, lmt = utc("1890-06-01T12:00:00Z");

    EC_ASSERT_STR(fmt(u, SPRING, buf), "2026-03-29T01:00:00+00:00");
    EC_ASSERT_STR(fmt(ny, SPRING, buf), "2026-03-28T21:00:00-04:00");
    EC_ASSERT_STR(fmt(ny, utc("2026-01-15T12:00:00Z"), buf),
                  "2026-01-15T07:00:00-05:00");

    /* Copenhagen mean time was +00:50:20: cut to +00:50, the wall clock
       moved with it, so the text still names the same instant. */
    CU_ASSERT_EQUAL(ec_tztime_offset_at(cph, lmt, NULL), 3020);
    EC_ASSERT_STR(fmt(cph, lmt, buf), "1890-06-01T12:50:00+00:50");
    CU_ASSERT_EQUAL(ec_tztime_parse(NULL, buf, EC_TZTIME_REJECT, &t), 0);
    CU_ASSERT_EQUAL(t, lmt);

    CU_ASSERT_EQUAL(ec_tztime_format(u, SPRING, small, sizeof(small)),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(small, "");
    CU_ASSERT_EQUAL(
        ec_tztime_format(u, utc("9999-12-31T23:59:59Z"), buf, sizeof(buf)), 0);
    EC_ASSERT_STR(buf, "9999-12-31T23:59:59+00:00");
    CU_ASSERT_EQUAL(
        ec_tztime_format(u, utc("9999-12-31T23:59:59Z") + 1, buf, sizeof(buf)),
        EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_tztime_format(u, INT64_MAX, buf, sizeof(buf)),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_tztime_format(u, INT64_MIN, buf, sizeof(buf)),
                    EC_ERR_INVALID_FIELD);
    /* Absurd instants still have an offset, and no overflow. */
    CU_ASSERT_EQUAL(ec_tztime_offset_at(cph, INT64_MAX, NULL), 3600);
    CU_ASSERT_EQUAL(ec_tztime_offset_at(cph, INT64_MIN, NULL), 3020);
    ec_tztime_zone_free(u);
    ec_tztime_zone_free(ny);
    ec_tztime_zone_free(cph);
}

struct local_case {
    const char *local;
    enum ec_tztime_resolve how;
    int rc;
    const char *want; /* the instant, in UTC */
    enum ec_tztime_kind kind;
};

static void
check_local_cases(const struct ec_tztime_zone *z, const struct local_case *cs,
                  size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ec_tztime_civil c = {0};
        enum ec_tztime_kind kind = (enum ec_tztime_kind) - 1;
        int64_t t = -1;
        int rc;

        CU_ASSERT_EQUAL_FATAL(sscanf(cs[i].local, "%d-%d-%dT%d:%d:%d", &c.year,
                                     &c.month, &c.day, &c.hour, &c.minute,
                                     &c.second),
                              6);
        rc = ec_tztime_to_utc(z, &c, cs[i].how, &t, &kind);
        if (rc != cs[i].rc)
            fprintf(stderr, "\n    case %zu (%s): rc %d\n", i, cs[i].local, rc);
        CU_ASSERT_EQUAL(rc, cs[i].rc);
        CU_ASSERT_EQUAL(kind, cs[i].kind);
        if (cs[i].want) {
            if (t != utc(cs[i].want))
                fprintf(stderr, "\n    case %zu (%s): got %lld\n", i,
                        cs[i].local, (long long)t);
            CU_ASSERT_EQUAL(t, utc(cs[i].want));
        }
    }
}

/* Local -> instant on both sides of the changes: one answer each. */
static void
test_local_to_utc_unique(void)
{
    static const struct local_case cases[] = {
        {"2026-03-29T01:59:59", EC_TZTIME_REJECT, 0, "2026-03-29T00:59:59Z",
         EC_TZTIME_UNIQUE},
        {"2026-03-29T03:00:00", EC_TZTIME_REJECT, 0, "2026-03-29T01:00:00Z",
         EC_TZTIME_UNIQUE},
        {"2026-03-29T00:00:00", EC_TZTIME_REJECT, 0, "2026-03-28T23:00:00Z",
         EC_TZTIME_UNIQUE},
        {"2026-10-25T01:59:59", EC_TZTIME_REJECT, 0, "2026-10-24T23:59:59Z",
         EC_TZTIME_UNIQUE},
        {"2026-10-25T03:00:00", EC_TZTIME_REJECT, 0, "2026-10-25T02:00:00Z",
         EC_TZTIME_UNIQUE},
        {"2026-07-01T12:00:00", EC_TZTIME_LATER, 0, "2026-07-01T10:00:00Z",
         EC_TZTIME_UNIQUE},
        {"2026-12-24T18:00:00", EC_TZTIME_EARLIER, 0, "2026-12-24T17:00:00Z",
         EC_TZTIME_UNIQUE},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");

    check_local_cases(z, cases, sizeof(cases) / sizeof(*cases));
    ec_tztime_zone_free(z);
}

/* 29 March: 02:00-02:59:59 never happens. */
static void
test_local_to_utc_skipped_hour(void)
{
    static const struct local_case cases[] = {
        {"2026-03-29T02:30:00", EC_TZTIME_COMPATIBLE, 0, "2026-03-29T01:30:00Z",
         EC_TZTIME_GAP}, /* = 03:30+02:00 */
        {"2026-03-29T02:30:00", EC_TZTIME_LATER, 0, "2026-03-29T01:30:00Z",
         EC_TZTIME_GAP},
        {"2026-03-29T02:30:00", EC_TZTIME_EARLIER, 0, "2026-03-29T00:30:00Z",
         EC_TZTIME_GAP}, /* = 01:30+01:00 */
        {"2026-03-29T02:30:00", EC_TZTIME_REJECT, EC_ERR_INVALID_FIELD, NULL,
         EC_TZTIME_GAP},
        {"2026-03-29T02:00:00", EC_TZTIME_COMPATIBLE, 0, "2026-03-29T01:00:00Z",
         EC_TZTIME_GAP},
        {"2026-03-29T02:00:00", EC_TZTIME_EARLIER, 0, "2026-03-29T00:00:00Z",
         EC_TZTIME_GAP},
        {"2026-03-29T02:59:59", EC_TZTIME_COMPATIBLE, 0, "2026-03-29T01:59:59Z",
         EC_TZTIME_GAP},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");

    check_local_cases(z, cases, sizeof(cases) / sizeof(*cases));
    ec_tztime_zone_free(z);
}

/* 25 October: 02:00-02:59:59 happens twice, first at +02:00. */
static void
test_local_to_utc_repeated_hour(void)
{
    static const struct local_case cases[] = {
        {"2026-10-25T02:30:00", EC_TZTIME_COMPATIBLE, 0, "2026-10-25T00:30:00Z",
         EC_TZTIME_FOLD},
        {"2026-10-25T02:30:00", EC_TZTIME_EARLIER, 0, "2026-10-25T00:30:00Z",
         EC_TZTIME_FOLD},
        {"2026-10-25T02:30:00", EC_TZTIME_LATER, 0, "2026-10-25T01:30:00Z",
         EC_TZTIME_FOLD},
        {"2026-10-25T02:30:00", EC_TZTIME_REJECT, EC_ERR_INVALID_FIELD, NULL,
         EC_TZTIME_FOLD},
        {"2026-10-25T02:00:00", EC_TZTIME_EARLIER, 0, "2026-10-25T00:00:00Z",
         EC_TZTIME_FOLD},
        {"2026-10-25T02:00:00", EC_TZTIME_LATER, 0, "2026-10-25T01:00:00Z",
         EC_TZTIME_FOLD},
        {"2026-10-25T02:59:59", EC_TZTIME_LATER, 0, "2026-10-25T01:59:59Z",
         EC_TZTIME_FOLD},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");

    check_local_cases(z, cases, sizeof(cases) / sizeof(*cases));
    ec_tztime_zone_free(z);
}

/* From one local midnight to the next: 23, 25 and 24 hours. */
static void
test_day_lengths_across_changes(void)
{
    static const struct {
        const char *from, *to;
        int64_t hours;
    } cases[] = {
        {"2026-03-29T00:00", "2026-03-30T00:00", 23},
        {"2026-10-25T00:00", "2026-10-26T00:00", 25},
        {"2026-06-01T00:00", "2026-06-02T00:00", 24},
        {"2026-03-28T00:00", "2026-03-29T00:00", 24},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    int64_t a, b;

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CU_ASSERT_EQUAL_FATAL(
            ec_tztime_parse(z, cases[i].from, EC_TZTIME_REJECT, &a), 0);
        CU_ASSERT_EQUAL_FATAL(
            ec_tztime_parse(z, cases[i].to, EC_TZTIME_REJECT, &b), 0);
        CU_ASSERT_EQUAL(b - a, cases[i].hours * 3600);
    }
    ec_tztime_zone_free(z);
}

static void
test_parse_accepted_forms(void)
{
    static const struct {
        const char *in;
        enum ec_tztime_resolve how;
        const char *want; /* UTC */
    } cases[] = {
        /* With an offset: the offset alone decides. */
        {"2026-03-29T02:30:00+02:00", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29T02:30:00+01:00", EC_TZTIME_REJECT, "2026-03-29T01:30:00Z"},
        {"2026-03-29T02:30+02:00", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29T00:30:00Z", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29t00:30:00z", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29 00:30:00Z", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29T00:30:00-00:00", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29T06:00:00+05:30", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-28T20:30:00-04:00", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"2026-03-29T00:30:00.999+00:00", EC_TZTIME_REJECT,
         "2026-03-29T00:30:00Z"},
        {"2026-03-29T00:30:00.5Z", EC_TZTIME_REJECT, "2026-03-29T00:30:00Z"},
        {"1969-12-31T23:59:59.5Z", EC_TZTIME_REJECT, "1969-12-31T23:59:59Z"},
        {"2026-12-31T23:30:00-23:59", EC_TZTIME_REJECT, "2027-01-01T23:29:00Z"},
        {"2028-02-29T12:00:00Z", EC_TZTIME_REJECT, "2028-02-29T12:00:00Z"},
        {"2000-02-29T00:00:00Z", EC_TZTIME_REJECT, "2000-02-29T00:00:00Z"},
        /* Local in Europe/Copenhagen. */
        {"2026-03-29T02:30", EC_TZTIME_COMPATIBLE, "2026-03-29T01:30:00Z"},
        {"2026-03-29T02:30", EC_TZTIME_EARLIER, "2026-03-29T00:30:00Z"},
        {"2026-03-29T02:30:00", EC_TZTIME_COMPATIBLE, "2026-03-29T01:30:00Z"},
        {"2026-10-25T02:30", EC_TZTIME_COMPATIBLE, "2026-10-25T00:30:00Z"},
        {"2026-10-25T02:30", EC_TZTIME_LATER, "2026-10-25T01:30:00Z"},
        {"2026-07-01T12:00:00", EC_TZTIME_REJECT, "2026-07-01T10:00:00Z"},
        {"2026-07-01 12:00", EC_TZTIME_REJECT, "2026-07-01T10:00:00Z"},
        {"2026-07-01t12:00:00.75", EC_TZTIME_REJECT, "2026-07-01T10:00:00Z"},
        {"2026-03-29", EC_TZTIME_REJECT, "2026-03-28T23:00:00Z"},
        {"2026-03-30", EC_TZTIME_REJECT, "2026-03-29T22:00:00Z"},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    int64_t t;
    int rc;

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        t = -1;
        rc = ec_tztime_parse(z, cases[i].in, cases[i].how, &t);
        if (rc || t != utc(cases[i].want))
            fprintf(stderr, "\n    \"%s\": rc %d, %lld\n", cases[i].in, rc,
                    (long long)t);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(t, utc(cases[i].want));
    }
    /* An offset needs no zone; a local time does. */
    CU_ASSERT_EQUAL(ec_tztime_parse(NULL, "2026-03-29T02:30:00+02:00",
                                    EC_TZTIME_REJECT, &t),
                    0);
    CU_ASSERT_EQUAL(
        ec_tztime_parse(NULL, "2026-03-29T02:30:00", EC_TZTIME_COMPATIBLE, &t),
        EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(
        ec_tztime_parse(NULL, "2026-03-29", EC_TZTIME_COMPATIBLE, &t),
        EC_ERR_INVALID_FIELD);
    ec_tztime_zone_free(z);
}

static void
test_parse_refuses_bad_input(void)
{
    static const char *const bad[] = {
        "",
        "2026",
        "2026-03",
        "2026-3-29",
        "26-03-29",
        "20260329T023000Z",
        "2026/03/29",
        "2026-00-10",
        "2026-13-01",
        "2026-02-29",
        "2100-02-29",
        "2026-04-31",
        "2026-03-00",
        "2026-03-29T",
        "2026-03-29T2:30",
        "2026-03-29T02",
        "2026-03-29T02:3",
        "2026-03-29T24:00",
        "2026-03-29T23:60",
        "2026-03-29T23:59:60Z", /* a leap second */
        "2026-03-29T02:30:00.",
        "2026-03-29T02:30:00.Z",
        "2026-03-29T02:30.5Z", /* a fraction needs seconds */
        "2026-03-29T02:30:00+2",
        "2026-03-29T02:30:00+02",
        "2026-03-29T02:30:00+0200",
        "2026-03-29T02:30:00+24:00",
        "2026-03-29T02:30:00+02:60",
        "2026-03-29T02:30:00+02:00x",
        "2026-03-29T02:30:00Zx",
        "2026-03-29T02:30:00 ",
        " 2026-03-29T02:30:00",
        "2026-03-29X02:30:00",
        "2026-03-29T02:30:00UTC",
        "2026-03-29T02:30:00+02:00[Europe/Copenhagen]",
        "+2026-03-29T02:30:00Z",
        "2026-03-29T02:30:00Z\n",
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    int64_t t;

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        t = 42;
        if (ec_tztime_parse(z, bad[i], EC_TZTIME_COMPATIBLE, &t) !=
            EC_ERR_INVALID_FIELD)
            fprintf(stderr, "\n    accepted \"%s\"\n", bad[i]);
        CU_ASSERT_EQUAL(ec_tztime_parse(z, bad[i], EC_TZTIME_COMPATIBLE, &t),
                        EC_ERR_INVALID_FIELD);
        CU_ASSERT_EQUAL(t, 42); /* untouched */
    }
    CU_ASSERT_EQUAL(ec_tztime_parse(z, NULL, EC_TZTIME_COMPATIBLE, &t),
                    EC_ERR_INVALID_FIELD);
    ec_tztime_zone_free(z);
}

static void
test_to_utc_refuses_impossible_readings(void)
{
    static const struct ec_tztime_civil bad[] = {
        {2026, 2, 29, 12, 0, 0}, {2026, 0, 1, 0, 0, 0},  {2026, 1, 1, 24, 0, 0},
        {2026, 1, 1, 0, 60, 0},  {2026, 1, 1, 0, 0, 60}, {-1, 1, 1, 0, 0, 0},
        {10000, 1, 1, 0, 0, 0},  {2026, 1, 1, -1, 0, 0},
    };
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    int64_t t;

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CU_ASSERT_EQUAL(
            ec_tztime_to_utc(z, &bad[i], EC_TZTIME_COMPATIBLE, &t, NULL),
            EC_ERR_INVALID_FIELD);
    ec_tztime_zone_free(z);
}

/* Every hour of 2026 and every minute around the changes survives
   format -> parse, and local -> instant lands on one of its readings. */
static void
test_round_trips_through_2026(void)
{
    struct ec_tztime_zone *z = load("Europe/Copenhagen");
    int64_t start = utc("2026-01-01T00:00:00Z"), t, back, e, l;
    char buf[EC_TZTIME_RFC3339_SIZE];
    struct ec_tztime_civil c;
    unsigned bad = 0;

    for (t = start; t < start + 366 * 86400; t += 3600 - 7) {
        if (ec_tztime_format(z, t, buf, sizeof(buf)) ||
            ec_tztime_parse(z, buf, EC_TZTIME_REJECT, &back) || back != t)
            bad++;
        if (ec_tztime_from_utc(z, t, &c, NULL) ||
            ec_tztime_to_utc(z, &c, EC_TZTIME_EARLIER, &e, NULL) ||
            ec_tztime_to_utc(z, &c, EC_TZTIME_LATER, &l, NULL) ||
            (e != t && l != t) || e > l)
            bad++;
    }
    for (t = SPRING - 7200; t < SPRING + 7200; t += 60)
        if (ec_tztime_format(z, t, buf, sizeof(buf)) ||
            ec_tztime_parse(z, buf, EC_TZTIME_REJECT, &back) || back != t)
            bad++;
    for (t = AUTUMN - 7200; t < AUTUMN + 7200; t += 60)
        if (ec_tztime_format(z, t, buf, sizeof(buf)) ||
            ec_tztime_parse(z, buf, EC_TZTIME_REJECT, &back) || back != t)
            bad++;
    CU_ASSERT_EQUAL(bad, 0);
    ec_tztime_zone_free(z);
}

/*
 * Our reading of the tz database agrees with glibc's localtime_r, in
 * zones north and south, with negative DST (Dublin), half hours, 45
 * minutes, and rules past the last transition of the file.
 */
static void
test_agrees_with_glibc(void)
{
    static const char *const zones[] = {
        "Europe/Copenhagen", "America/New_York",   "Australia/Sydney",
        "Europe/Dublin",     "America/Sao_Paulo",  "Asia/Kolkata",
        "Pacific/Chatham",   "America/St_Johns",   "Africa/Casablanca",
        "America/Nuuk",      "Pacific/Kiritimati", "UTC",
    };
    char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    int64_t from = utc("1900-01-01T00:00:00Z");
    int64_t to = utc("2100-01-01T00:00:00Z");

    for (size_t i = 0; i < sizeof(zones) / sizeof(*zones); i++) {
        struct ec_tztime_zone *z = load(zones[i]);
        unsigned bad = 0, n = 0;

        setenv("TZ", zones[i], 1);
        tzset();
        for (int64_t t = from; t < to; t += 86400 * 3 + 3917) {
            time_t tt = (time_t)t;
            struct tm tm;
            int dst, off = ec_tztime_offset_at(z, t, &dst);

            localtime_r(&tt, &tm);
            n++;
            if (off != tm.tm_gmtoff || dst != (tm.tm_isdst > 0)) {
                if (bad++ < 3)
                    fprintf(stderr, "\n    %s at %lld: %d/%d, glibc %ld/%d",
                            zones[i], (long long)t, off, dst, tm.tm_gmtoff,
                            tm.tm_isdst);
            }
        }
        CU_ASSERT(n > 20000);
        CU_ASSERT_EQUAL(bad, 0);
        ec_tztime_zone_free(z);
    }
    if (old)
        setenv("TZ", old, 1);
    else
        unsetenv("TZ");
    tzset();
    free(old);
}

/* ---- hand-made TZif data ---- */

struct tzif {
    unsigned char b[512];
    size_t n;
};

static void
put32(struct tzif *f, uint32_t v)
{
    f->b[f->n++] = (unsigned char)(v >> 24);
    f->b[f->n++] = (unsigned char)(v >> 16);
    f->b[f->n++] = (unsigned char)(v >> 8);
    f->b[f->n++] = (unsigned char)v;
}

static void
put_header(struct tzif *f, char version, uint32_t leapcnt, uint32_t timecnt,
           uint32_t typecnt)
{
    memcpy(f->b + f->n, "TZif", 4);
    f->b[f->n + 4] = (unsigned char)version;
    memset(f->b + f->n + 5, 0, 15);
    f->n += 20;
    put32(f, 0);       /* isutcnt */
    put32(f, 0);       /* isstdcnt */
    put32(f, leapcnt); /* leapcnt */
    put32(f, timecnt);
    put32(f, typecnt);
    put32(f, 4); /* charcnt: "XXX\0" */
}

/*
 * A version 2 file: one transition at `at` from utoff0 to utoff1 (none
 * when at is 0), then footer. The version 1 block is the minimal one.
 */
static void
make_v2(struct tzif *f, int64_t at, int32_t utoff0, int32_t utoff1,
        const char *footer)
{
    f->n = 0;
    put_header(f, '2', 0, 0, 1);
    put32(f, 0); /* one ttinfo: utoff 0, not dst, abbr 0 */
    f->b[f->n++] = 0;
    f->b[f->n++] = 0;
    memcpy(f->b + f->n, "XXX", 4);
    f->n += 4;
    put_header(f, '2', 0, at ? 1 : 0, 2);
    if (at) {
        put32(f, (uint32_t)((uint64_t)at >> 32));
        put32(f, (uint32_t)at);
        f->b[f->n++] = 1;
    }
    put32(f, (uint32_t)utoff0);
    f->b[f->n++] = 0;
    f->b[f->n++] = 0;
    put32(f, (uint32_t)utoff1);
    f->b[f->n++] = 1;
    f->b[f->n++] = 0;
    memcpy(f->b + f->n, "XXX", 4);
    f->n += 4;
    f->b[f->n++] = '\n';
    memcpy(f->b + f->n, footer, strlen(footer));
    f->n += strlen(footer);
    f->b[f->n++] = '\n';
}

static int32_t
offset_of(const struct tzif *f, int64_t t)
{
    struct ec_tztime_zone *z;
    int32_t off;

    if (ec_tztime_zone_from_tzif("test", f->b, f->n, &z))
        return -999999;
    off = ec_tztime_offset_at(z, t, NULL);
    ec_tztime_zone_free(z);
    return off;
}

static void
test_tzif_footer_rules(void)
{
    struct tzif f;
    int64_t jan = utc("2040-01-15T12:00:00Z"),
            jul = utc("2040-07-15T12:00:00Z");

    /* No transitions: the footer rules every instant. */
    make_v2(&f, 0, 0, 0, "<+0530>-5:30");
    CU_ASSERT_EQUAL(offset_of(&f, jan), 19800);
    CU_ASSERT_EQUAL(offset_of(&f, -5000000000LL), 19800);
    /* Southern hemisphere: daylight time spans the new year. */
    make_v2(&f, 0, 0, 0, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    CU_ASSERT_EQUAL(offset_of(&f, jan), 39600);
    CU_ASSERT_EQUAL(offset_of(&f, jul), 36000);
    CU_ASSERT_EQUAL(offset_of(&f, utc("2039-12-31T23:30:00Z")), 39600);
    /* Daylight time all year (tzcode's own example). */
    make_v2(&f, 0, 0, 0, "EST5EDT4,0/0,J365/25");
    CU_ASSERT_EQUAL(offset_of(&f, jan), -14400);
    CU_ASSERT_EQUAL(offset_of(&f, jul), -14400);
    CU_ASSERT_EQUAL(offset_of(&f, utc("2041-01-01T04:00:00Z")), -14400);
    /* Julian day without Feb 29, and a time past 24h (Israel style). */
    make_v2(&f, 0, 0, 0, "IST-2IDT,M3.4.4/26,M10.5.0");
    CU_ASSERT_EQUAL(offset_of(&f, utc("2026-03-27T00:30:00Z")), 10800);
    CU_ASSERT_EQUAL(offset_of(&f, utc("2026-03-26T23:30:00Z")), 7200);
    make_v2(&f, 0, 0, 0, "XXX0YYY,J60/0,J300/0");
    CU_ASSERT_EQUAL(offset_of(&f, utc("2028-02-29T12:00:00Z")), 0);
    CU_ASSERT_EQUAL(offset_of(&f, utc("2028-03-01T12:00:00Z")), 3600);
    /* Before the transition: type 0; after it the footer; empty footer:
       the last type for good. */
    make_v2(&f, 1000000, -3600, 7200, "XXX-4");
    CU_ASSERT_EQUAL(offset_of(&f, 999999), -3600);
    CU_ASSERT_EQUAL(offset_of(&f, 1000000), 14400);
    make_v2(&f, 1000000, -3600, 7200, "");
    CU_ASSERT_EQUAL(offset_of(&f, 1000000), 7200);
    CU_ASSERT_EQUAL(offset_of(&f, jan), 7200);
}

static void
test_tzif_corrupt_data_refused(void)
{
    static const char *const bad_footers[] = {
        "CET",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "C-1",
        "CET-1CEST,J0,J100",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "CET-1CEST,M3.5.0,M10.5.0x",
        "CET-25",
    };
    struct tzif f, g;
    struct ec_tztime_zone *z;
    size_t cut;

    make_v2(&f, 1000000, -3600, 7200, "CET-1CEST,M3.5.0,M10.5.0/3");
    CU_ASSERT_EQUAL(ec_tztime_zone_from_tzif("ok", f.b, f.n, &z), 0);
    ec_tztime_zone_free(z);
    /* Every truncation is refused, none read past the end. */
    for (cut = 0; cut < f.n; cut++) {
        z = (struct ec_tztime_zone *)1;
        CU_ASSERT_EQUAL(ec_tztime_zone_from_tzif("cut", f.b, cut, &z),
                        EC_ERR_INVALID_FIELD);
        CU_ASSERT_PTR_NULL(z);
    }
    for (size_t i = 0; i < sizeof(bad_footers) / sizeof(*bad_footers); i++) {
        make_v2(&g, 0, 0, 0, bad_footers[i]);
        if (ec_tztime_zone_from_tzif("f", g.b, g.n, &z) == 0) {
            fprintf(stderr, "\n    accepted footer \"%s\"\n", bad_footers[i]);
            ec_tztime_zone_free(z);
            CU_FAIL("bad footer accepted");
        }
    }
    g = f;
    g.b[0] = 'X'; /* magic */
    CU_ASSERT_EQUAL(ec_tztime_zone_from_tzif("m", g.b, g.n, &z),
                    EC_ERR_INVALID_FIELD);
    g = f;
    g.b[g.n - 1] = 'x'; /* footer not closed */
    CU_ASSERT_EQUAL(ec_tztime_zone_from_tzif("n", g.b, g.n, &z),
                    EC_ERR_INVALID_FIELD);
    /* Leap seconds: the second header's leapcnt. */
    g = f;
    g.b[54 + 28 + 3] = 1;
    CU_ASSERT_EQUAL(ec_tztime_zone_from_tzif("l", g.b, g.n, &z),
                    EC_ERR_INVALID_FIELD);
    /* A transition naming a type that does not exist. */
    g = f;
    g.b[54 + 44 + 8] = 7;
    CU_ASSERT_EQUAL(ec_tztime_zone_from_tzif("t", g.b, g.n, &z),
                    EC_ERR_INVALID_FIELD);
}

/* A version 1 file (32-bit times, no footer) still reads. */
static void
test_tzif_version_1(void)
{
    struct tzif f;
    struct ec_tztime_zone *z;

    f.n = 0;
    put_header(&f, 0, 0, 1, 2);
    put32(&f, 1000000);
    f.b[f.n++] = 1;
    put32(&f, 3600);
    f.b[f.n++] = 0;
    f.b[f.n++] = 0;
    put32(&f, 7200);
    f.b[f.n++] = 1;
    f.b[f.n++] = 0;
    memcpy(f.b + f.n, "XXX", 4);
    f.n += 4;
    CU_ASSERT_EQUAL_FATAL(ec_tztime_zone_from_tzif("v1", f.b, f.n, &z), 0);
    CU_ASSERT_EQUAL(ec_tztime_offset_at(z, 0, NULL), 3600);
    CU_ASSERT_EQUAL(ec_tztime_offset_at(z, 1000000, NULL), 7200);
    CU_ASSERT_EQUAL(ec_tztime_offset_at(z, INT64_MAX, NULL), 7200);
    ec_tztime_zone_free(z);
}

static const struct ec_test tests[] = {
    {"the 2026 change instants are what the tests assume",
     test_constants_are_the_2026_changes},
    {"zones load by IANA name; bad and unknown names are refused",
     test_load_names_and_refusals},
    {"offsets on both sides of 29 March and 25 October 2026",
     test_offsets_around_both_changes},
    {"instants format with +01:00 and +02:00 across both changes",
     test_format_with_offsets},
    {"format in UTC, New York, local mean time, and at the limits",
     test_format_other_zones_and_limits},
    {"local times next to the changes have one instant",
     test_local_to_utc_unique},
    {"the skipped hour of 29 March resolves as documented",
     test_local_to_utc_skipped_hour},
    {"the repeated hour of 25 October resolves as documented",
     test_local_to_utc_repeated_hour},
    {"local days are 23, 25 and 24 hours long",
     test_day_lengths_across_changes},
    {"RFC 3339 with offsets, local times and dates parse",
     test_parse_accepted_forms},
    {"malformed and impossible input is refused", test_parse_refuses_bad_input},
    {"impossible wall-clock readings are refused",
     test_to_utc_refuses_impossible_readings},
    {"every hour of 2026 round-trips", test_round_trips_through_2026},
    {"offsets agree with glibc 1900-2100 in twelve zones",
     test_agrees_with_glibc},
    {"TZif footers: fixed, southern, all-year, Julian, past 24h",
     test_tzif_footer_rules},
    {"corrupt TZif data is refused", test_tzif_corrupt_data_refused},
    {"version 1 TZif files still read", test_tzif_version_1},
    {NULL, NULL},
};

EC_TEST_MAIN("core/tztime", tests)
