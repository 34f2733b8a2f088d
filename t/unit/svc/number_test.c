/*
 * The number service's pure parts: normalising a number, the pool file
 * format, the limits of a request for numbers, lock keys, and the sample
 * pages offer from (drawing, removing locked numbers, when it is read
 * again); a cache whose MySQL is not there. What needs
 * MySQL or Redis is tested through the test stack (t/http/numbers.test.mjs;
 * the locks, which the basket's script takes, in
 * t/integration/svc/basket_store_test.c).
 */
#include <stdlib.h>

#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/kv.h"
#include "svc/number.h"
#include "svc/tenant.h"

static void
test_normalise(void)
{
    static const struct {
        const char *in;
        const char *want; /* the number, or a part of the reason */
        int ok;
    } cases[] = {
        {"20123456", "+4520123456", 1},
        {"+4520123456", "+4520123456", 1},
        {"004520123456", "+4520123456", 1},
        {"99999999", "+4599999999", 1},
        {"+4530000000", "+4530000000", 1},
        {"", "no number", 0},
        {"+", "no digits after '+'", 0},
        {"2012345", "8 digits (or +45 or 0045 and 8 digits), this has 7", 0},
        {"201234567", "this has 9", 0},
        {"4520123456", "this has 10", 0},
        {"+452012345", "8 digits after +45, this has 7", 0},
        {"+45201234567", "8 digits after +45, this has 9", 0},
        {"00452012345", "8 digits after +45, this has 7", 0},
        {"+4620123456", "not a Danish number", 0},
        {"004620123456", "not a Danish number", 0},
        {"+1", "not a Danish number", 0},
        {"0045", "this has 4", 0}, /* too short to be 00 and a number */
        {"12345678", "does not start with 1", 0},
        {"02345678", "does not start with 0", 0},
        {"00123456", "does not start with 0", 0},
        {"+4510123456", "does not start with 1", 0},
        {"004501234567", "does not start with 0", 0},
        {"2012 3456", "' ' is not a digit", 0},
        {"20-12-34-56", "'-' is not a digit", 0},
        {"2012345a", "'a' is not a digit", 0},
        {"45+20123456", "'+' may only come first", 0},
        {"++4520123456", "'+' may only come first", 0},
        {"2012\x01"
         "3456",
         "byte 0x01 is not a digit", 0},
        {"2012\xc3\xa6"
         "3456",
         "byte 0xc3 is not a digit", 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char out[EC_NUMBER_SIZE] = "", why[120] = "";
        int rc = ec_number_normalise(cases[i].in, strlen(cases[i].in), out, why,
                                     sizeof(why));
        int pass = cases[i].ok ? rc == 0 && strcmp(out, cases[i].want) == 0
                               : rc == EC_ERR_INVALID_FIELD &&
                                     strstr(why, cases[i].want) != NULL;
        if (!pass)
            fprintf(stderr, "\n    \"%s\": rc %d, out \"%s\", why \"%s\"\n",
                    cases[i].in, rc, out, why);
        CU_ASSERT_TRUE(pass);
    }
}

static void
test_normalise_takes_length_not_nul(void)
{
    char out[EC_NUMBER_SIZE];

    /* a line of a file is not NUL-terminated */
    CU_ASSERT_EQUAL(ec_number_normalise("20123456789", 8, out, NULL, 0), 0);
    EC_ASSERT_STR(out, "+4520123456");
    /* a NUL inside is a bad byte, not an end */
    CU_ASSERT_EQUAL(ec_number_normalise("2012\0"
                                        "3456",
                                        9, out, NULL, 0),
                    EC_ERR_INVALID_FIELD);
}

static void
test_valid_and_national(void)
{
    static const struct {
        const char *msisdn;
        int valid;
        const char *national;
    } cases[] = {
        {"+4520123456", 1, "20 12 34 56"},
        {"+4599999999", 1, "99 99 99 99"},
        {"+4510123456", 0, "+4510123456"},
        {"+452012345", 0, "+452012345"},
        {"+45201234567", 0, "+45201234567"},
        {"4520123456", 0, "4520123456"},
        {"+4620123456", 0, "+4620123456"},
        {"+45201234x6", 0, "+45201234x6"},
        {"", 0, ""},
    };
    char out[EC_NUMBER_SIZE * 2];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CU_ASSERT_EQUAL(ec_number_valid(cases[i].msisdn), cases[i].valid);
        ec_number_format_national(cases[i].msisdn, out, sizeof(out));
        EC_ASSERT_STR(out, cases[i].national);
    }
    CU_ASSERT_FALSE(ec_number_valid(NULL));
}

/* ---- pool files ---- */

static void
test_file_accepts(void)
{
    static const struct {
        const char *name, *text;
        size_t n, repeated;
        const char *first, *last;
    } cases[] = {
        {"one per line, every form", "20123456\n+4520123457\n004520123458\n", 3,
         0, "+4520123456", "+4520123458"},
        {"header line", "msisdn\n20123456\n", 1, 0, "+4520123456",
         "+4520123456"},
        {"header in capitals and quotes", "\"MSISDN\"\r\n\"20123456\"\r\n", 1,
         0, "+4520123456", "+4520123456"},
        {"comments and blank lines skipped, also before the header",
         "# pool of 2026\n\n  \nmsisdn\n# block 1\n20123456\n\n\t\n30123456\n",
         2, 0, "+4520123456", "+4530123456"},
        {"no newline at the end", "20123456\n30123456", 2, 0, "+4520123456",
         "+4530123456"},
        {"CRLF and surrounding blanks", "  20123456 \r\n\t30123456\t\r\n", 2, 0,
         "+4520123456", "+4530123456"},
        {"byte order mark", "\xef\xbb\xbfmsisdn\n20123456\n", 1, 0,
         "+4520123456", "+4520123456"},
        {"repeats in the file, in any form, counted once",
         "20123456\n+4520123456\n004520123456\n30123456\n20123456\n", 2, 3,
         "+4520123456", "+4530123456"},
        {"sorted whatever the order of the file",
         "99999999\n20000000\n50000000\n", 3, 0, "+4520000000", "+4599999999"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_number_file f;
        struct ec_number_error err;
        int rc;

        ec_number_file_init(&f);
        rc = ec_number_file_parse(&f, cases[i].text, strlen(cases[i].text),
                                  &err);
        if (rc != 0)
            fprintf(stderr, "\n    %s: line %zu: %s\n", cases[i].name, err.line,
                    err.message);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        CU_ASSERT_EQUAL(f.n, cases[i].n);
        CU_ASSERT_EQUAL(f.repeated, cases[i].repeated);
        EC_ASSERT_STR(f.numbers[0], cases[i].first);
        EC_ASSERT_STR(f.numbers[f.n - 1], cases[i].last);
        ec_number_file_release(&f);
    }
}

static void
test_file_refuses(void)
{
    static const struct {
        const char *name, *text;
        size_t line;
        const char *why;
    } cases[] = {
        {"a short number", "20123456\n2012345\n", 2,
         "'2012345': a Danish number has 8 digits"},
        {"the first bad line is named, not a later one",
         "msisdn\n20123456\n# ok\n\n+4620123456\n12345678\n", 5,
         "'+4620123456': not a Danish number"},
        {"a first digit of 1", "12345678\n", 1, "does not start with 1"},
        {"two fields", "20123456,30123456\n", 1, "one number per line"},
        {"a trailing separator", "20123456;\n", 1, "one number per line"},
        {"a tab between two", "20123456\t30123456\n", 1, "one number per line"},
        {"letters", "20123456\nabc\n", 2, "'abc': 'a' is not a digit"},
        {"spaces inside", "20 12 34 56\n", 1, "' ' is not a digit"},
        {"a quote not closed", "\"20123456\n", 1, "quote is not closed"},
        {"a lone quote", "\"\n", 1, "quote is not closed"},
        {"empty quotes", "\"\"\n", 1, "no number"},
        {"the header further down", "20123456\nmsisdn\n", 2,
         "header 'msisdn' belongs on the first line"},
        {"the header twice", "msisdn\nmsisdn\n", 2, "header"},
        {"a byte that is no text, not quoted back",
         "2012\x01"
         "3456\n",
         1, "byte 0x01 is not a digit"},
        {"a long line is not quoted back",
         "20123456\n123456789012345678901234567890\n", 2, "a Danish number"},
        {"a file without numbers", "msisdn\n# nothing yet\n\n", 0,
         "no numbers in the file"},
        {"an empty file", "", 0, "no numbers"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_number_file f;
        struct ec_number_error err;
        int rc;

        ec_number_file_init(&f);
        rc = ec_number_file_parse(&f, cases[i].text, strlen(cases[i].text),
                                  &err);
        if (rc != EC_ERR_INVALID_FIELD || err.line != cases[i].line ||
            !strstr(err.message, cases[i].why))
            fprintf(stderr, "\n    %s: rc %d, line %zu: %s\n", cases[i].name,
                    rc, err.line, err.message);
        CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
        CU_ASSERT_EQUAL(err.line, cases[i].line);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, cases[i].why));
        /* all or nothing: a bad file leaves no numbers behind */
        CU_ASSERT_EQUAL(f.n, 0);
        CU_ASSERT_PTR_NULL(f.numbers);
        ec_number_file_release(&f);
    }
    /* the long line is not echoed */
    {
        struct ec_number_file f;
        struct ec_number_error err;
        const char *t = "123456789012345678901234567890\n";

        ec_number_file_init(&f);
        ec_number_file_parse(&f, t, strlen(t), &err);
        CU_ASSERT_PTR_NULL(strstr(err.message, "1234567890"));
    }
}

static void
test_file_nul_inside_is_refused(void)
{
    static const char text[] = "20123456\n3012\0"
                               "3456\n";
    struct ec_number_file f;
    struct ec_number_error err;

    ec_number_file_init(&f);
    CU_ASSERT_EQUAL(ec_number_file_parse(&f, text, sizeof(text) - 1, &err),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(err.line, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "byte 0x00"));
}

static void
test_file_parse_again_starts_afresh(void)
{
    struct ec_number_file f;
    struct ec_number_error err;

    ec_number_file_init(&f);
    CU_ASSERT_EQUAL(ec_number_file_parse(&f, "20123456\n20123456\n", 18, &err),
                    0);
    CU_ASSERT_EQUAL(f.repeated, 1);
    CU_ASSERT_EQUAL(ec_number_file_parse(&f, "30123456\n", 9, &err), 0);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.repeated, 0);
    EC_ASSERT_STR(f.numbers[0], "+4530123456");
    ec_number_file_release(&f);
}

static void
test_file_many_numbers(void)
{
    /* past the first growth of the array, with every other line a repeat */
    size_t lines = 5000, len = 0;
    char *text = malloc(lines * 9 + 1);
    struct ec_number_file f;
    struct ec_number_error err;

    for (size_t i = 0; i < lines; i++)
        len += (size_t)sprintf(text + len, "%08zu\n", 20000000 + i / 2 * 7);
    ec_number_file_init(&f);
    CU_ASSERT_EQUAL_FATAL(ec_number_file_parse(&f, text, len, &err), 0);
    CU_ASSERT_EQUAL(f.n, 2500);
    CU_ASSERT_EQUAL(f.repeated, 2500);
    for (size_t i = 1; i < f.n; i++)
        CU_ASSERT_TRUE(strcmp(f.numbers[i - 1], f.numbers[i]) < 0);
    ec_number_file_release(&f);
    free(text);
}

/* ---- GET /api/v1/numbers parameters ---- */

static void
test_query_limits(void)
{
    static const struct {
        const char *count, *contains;
        unsigned want_count;
        const char *want_contains;
        const char *bad_field; /* NULL: accepted */
    } cases[] = {
        {NULL, NULL, EC_NUMBER_COUNT_DEFAULT, "", NULL},
        {"1", NULL, 1, "", NULL},
        {"50", NULL, 50, "", NULL},
        {"050", NULL, 50, "", NULL},
        {"10", "", 10, "", NULL}, /* an empty search box: any */
        {NULL, "7", 10, "7", NULL},
        {NULL, "12345678", 10, "12345678", NULL},
        {NULL, "0045", 10, "0045", NULL},
        {"0", NULL, 0, NULL, "count"},
        {"51", NULL, 0, NULL, "count"},
        {"1000", NULL, 0, NULL, "count"},
        {"99999999999999999999", NULL, 0, NULL, "count"},
        {"-1", NULL, 0, NULL, "count"},
        {"+5", NULL, 0, NULL, "count"},
        {"5 ", NULL, 0, NULL, "count"},
        {"ten", NULL, 0, NULL, "count"},
        {"", NULL, 0, NULL, "count"},
        {"1e1", NULL, 0, NULL, "count"},
        {NULL, "123456789", 0, NULL, "contains"},
        {NULL, "abc", 0, NULL, "contains"},
        {NULL, "12a", 0, NULL, "contains"},
        {NULL, "+4520", 0, NULL, "contains"},
        {NULL, "20 12", 0, NULL, "contains"},
        {NULL, "%", 0, NULL, "contains"},
        {NULL, "_", 0, NULL, "contains"},
        {"51", "abc", 0, NULL, "count"}, /* the first bad one is named */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_number_query q;
        const char *field = NULL, *message = NULL;
        int rc = ec_number_query_parse(&q, cases[i].count, cases[i].contains,
                                       &field, &message);
        if (cases[i].bad_field) {
            if (rc != EC_ERR_INVALID_FIELD || !field ||
                strcmp(field, cases[i].bad_field) != 0)
                fprintf(stderr, "\n    count=%s contains=%s: rc %d field %s\n",
                        cases[i].count ? cases[i].count : "(none)",
                        cases[i].contains ? cases[i].contains : "(none)", rc,
                        field ? field : "(none)");
            CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
            EC_ASSERT_STR(field, cases[i].bad_field);
            CU_ASSERT_PTR_NOT_NULL(message);
        } else {
            CU_ASSERT_EQUAL_FATAL(rc, 0);
            CU_ASSERT_EQUAL(q.count, cases[i].want_count);
            EC_ASSERT_STR(q.contains, cases[i].want_contains);
        }
    }
}

/* ---- lock keys ---- */

static void
test_lock_keys(void)
{
    static const struct {
        const char *slug, *msisdn, *want;
    } cases[] = {
        {"nordlys", "+4520123456", "ecom:{nordlys}:lock:+4520123456"},
        {"fjord-mobil2", "+4599999999", "ecom:{fjord-mobil2}:lock:+4599999999"},
        /* only normalised numbers: one number, one key */
        {"nordlys", "20123456", NULL},
        {"nordlys", "004520123456", NULL},
        {"nordlys", "+4510123456", NULL},
        /* nothing that could break out of the {hash tag} */
        {"nord}lys", "+4520123456", NULL},
        {"Nordlys", "+4520123456", NULL},
        {"", "+4520123456", NULL},
        {NULL, "+4520123456", NULL},
        {"nordlys", NULL, NULL},
    };
    char key[EC_NUMBER_LOCK_KEY_SIZE];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int rc = ec_number_lock_key(key, sizeof(key), cases[i].slug,
                                    cases[i].msisdn);
        if (cases[i].want) {
            CU_ASSERT_EQUAL(rc, 0);
            EC_ASSERT_STR(key, cases[i].want);
        } else {
            CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
        }
    }
    /* the longest slug fits; a buffer too small is refused, not cut */
    CU_ASSERT_EQUAL(
        ec_number_lock_key(key, sizeof(key),
                           "abcdefghijklmnopqrstuvwxyz0123456789abcd",
                           "+4520123456"),
        0);
    CU_ASSERT_EQUAL(ec_number_lock_key(key, 20, "nordlys", "+4520123456"),
                    EC_ERR_INVALID_FIELD);
}

static void
test_rate_key(void)
{
    static const struct {
        const char *slug, *client;
    } bad[] = {
        {"nordlys", ""},
        {"nordlys", NULL},
        {"nordlys", "two words"},
        {"nordlys", "line\nbreak"},
        {"nordlys",
         "0123456789012345678901234567890123456789012345678901234567890123x"},
        {"no}slug", "192.0.2.7"},
    };
    char key[EC_NUMBER_LOCK_KEY_SIZE];

    CU_ASSERT_EQUAL(
        ec_number_rate_key(key, sizeof(key), "nordlys", "2001:db8::7"), 0);
    EC_ASSERT_STR(key, "ecom:{nordlys}:lockrate:2001:db8::7");
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CU_ASSERT_EQUAL(
            ec_number_rate_key(key, sizeof(key), bad[i].slug, bad[i].client),
            EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_number_rate_key(key, 20, "nordlys", "192.0.2.7"),
                    EC_ERR_INVALID_FIELD);
}

/* ---- the sample pages offer from ---- */

#define POOL 60

/* A sample of POOL numbers, +4520000000 + i. */
static void
sample_fill(struct ec_number_sample *s, char (*buf)[EC_NUMBER_SIZE], size_t n)
{
    memset(s, 0, sizeof(*s));
    memset(buf, 0, n * EC_NUMBER_SIZE); /* so memcmp sees numbers only */
    for (size_t i = 0; i < n; i++)
        snprintf(buf[i], EC_NUMBER_SIZE, "+45%08zu", 20000000 + i);
    s->numbers = buf;
    s->n = s->loaded = n;
    s->valid = 1;
}

/* The index of a number of sample_fill()'s pool. */
static size_t
pool_index(const char *msisdn)
{
    return (size_t)strtoul(msisdn + 3, NULL, 10) - 20000000;
}

/* Every number of the pool is still in s exactly once. */
static int
sample_is_pool(const struct ec_number_sample *s, size_t n)
{
    unsigned char seen[POOL] = {0};

    if (s->n != n)
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t k = pool_index(s->numbers[i]);
        if (k >= n || seen[k]++)
            return 0;
    }
    return 1;
}

static void
test_draw_distinct_and_keeps_the_sample(void)
{
    char buf[POOL][EC_NUMBER_SIZE];
    struct ec_number_sample s;
    static const size_t ks[] = {0, 1, 6, 32, 59, 60, 61, 500};

    for (size_t c = 0; c < sizeof(ks) / sizeof(*ks); c++) {
        for (unsigned long long seed = 1; seed < 50; seed++) {
            sample_fill(&s, buf, POOL);
            size_t w = ec_number_sample_draw(&s, ks[c], seed);
            CU_ASSERT_EQUAL(w, ks[c] < POOL ? ks[c] : POOL);
            /* a permutation: nothing lost, nothing twice */
            CU_ASSERT_TRUE(sample_is_pool(&s, POOL));
        }
    }
    /* an empty sample draws nothing */
    memset(&s, 0, sizeof(s));
    CU_ASSERT_EQUAL(ec_number_sample_draw(&s, 6, 42), 0);
}

static void
test_draw_depends_on_the_seed(void)
{
    char buf[POOL][EC_NUMBER_SIZE], first[6][EC_NUMBER_SIZE];
    struct ec_number_sample s;
    int differ = 0;

    sample_fill(&s, buf, POOL);
    ec_number_sample_draw(&s, 6, 7);
    memcpy(first, buf, sizeof(first));
    sample_fill(&s, buf, POOL);
    ec_number_sample_draw(&s, 6, 7);
    CU_ASSERT_EQUAL(memcmp(first, buf, sizeof(first)), 0); /* repeatable */
    for (unsigned long long seed = 8; seed < 18; seed++) {
        sample_fill(&s, buf, POOL);
        ec_number_sample_draw(&s, 6, seed);
        differ += memcmp(first, buf, sizeof(first)) != 0;
    }
    CU_ASSERT_EQUAL(differ, 10);
}

/*
 * Uniform: over 30 000 draws of 6 of 60 each number is drawn about 3 000
 * times, and each position of the draw takes each number about 500 times
 * (a chi-square test at a generous bound: 59 degrees of freedom, 99.99th
 * percentile about 112).
 */
static void
test_draw_is_uniform(void)
{
    enum { DRAWS = 30000, K = 6 };
    static char buf[POOL][EC_NUMBER_SIZE];
    static unsigned hits[POOL], first[POOL];
    struct ec_number_sample s;
    double chi = 0, chi_first = 0, want = (double)DRAWS * K / POOL,
           want_first = (double)DRAWS / POOL;

    sample_fill(&s, buf, POOL);
    for (unsigned long long seed = 0; seed < DRAWS; seed++) {
        /* drawing from what the last draw left, as a worker does */
        ec_number_sample_draw(&s, K, seed * 0x2545f4914f6cdd1dULL + 1);
        for (size_t i = 0; i < K; i++)
            hits[pool_index(s.numbers[i])]++;
        first[pool_index(s.numbers[0])]++;
    }
    for (size_t i = 0; i < POOL; i++) {
        chi += (hits[i] - want) * (hits[i] - want) / want;
        chi_first +=
            (first[i] - want_first) * (first[i] - want_first) / want_first;
    }
    if (chi > 112 || chi_first > 112)
        fprintf(stderr, "\n    chi-square %.1f, of the first %.1f\n", chi,
                chi_first);
    CU_ASSERT_TRUE(chi < 112);
    CU_ASSERT_TRUE(chi_first < 112);
}

static void
test_remove_locked(void)
{
    char buf[POOL][EC_NUMBER_SIZE], drawn[10][EC_NUMBER_SIZE];
    struct ec_number_sample s;
    unsigned char locked[POOL] = {0};
    size_t w;

    /* 10 drawn, 3 of them locked: those 3 go, the other 57 stay */
    sample_fill(&s, buf, POOL);
    w = ec_number_sample_draw(&s, 10, 99);
    memcpy(drawn, buf, sizeof(drawn));
    locked[0] = locked[4] = locked[9] = 1;
    ec_number_sample_remove(&s, w, locked);
    CU_ASSERT_EQUAL(s.n, POOL - 3);
    CU_ASSERT_EQUAL(s.loaded, POOL);
    for (size_t i = 0; i < 10; i++) {
        int found = 0;
        for (size_t j = 0; j < s.n; j++)
            found += strcmp(s.numbers[j], drawn[i]) == 0;
        CU_ASSERT_EQUAL(found, locked[i] ? 0 : 1);
    }
    {
        unsigned char seen[POOL] = {0};
        for (size_t j = 0; j < s.n; j++)
            CU_ASSERT_EQUAL(seen[pool_index(s.numbers[j])]++, 0);
    }

    /* every number drawn and locked: the sample is empty */
    sample_fill(&s, buf, 5);
    w = ec_number_sample_draw(&s, 20, 3);
    CU_ASSERT_EQUAL(w, 5);
    memset(locked, 1, sizeof(locked));
    ec_number_sample_remove(&s, w, locked);
    CU_ASSERT_EQUAL(s.n, 0);

    /* the last drawn numbers locked, the sample no larger than the draw */
    sample_fill(&s, buf, 4);
    w = ec_number_sample_draw(&s, 4, 5);
    memcpy(drawn, buf, 4 * EC_NUMBER_SIZE);
    memset(locked, 0, sizeof(locked));
    locked[2] = locked[3] = 1;
    ec_number_sample_remove(&s, w, locked);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_TRUE((strcmp(s.numbers[0], drawn[0]) == 0 &&
                    strcmp(s.numbers[1], drawn[1]) == 0) ||
                   (strcmp(s.numbers[0], drawn[1]) == 0 &&
                    strcmp(s.numbers[1], drawn[0]) == 0));
}

static void
test_take_by_number(void)
{
    char buf[POOL][EC_NUMBER_SIZE], gone[EC_NUMBER_SIZE], last[EC_NUMBER_SIZE];
    struct ec_number_sample s;
    unsigned char seen[POOL] = {0};

    sample_fill(&s, buf, POOL);
    memcpy(gone, buf[7], EC_NUMBER_SIZE);
    memcpy(last, buf[POOL - 1], EC_NUMBER_SIZE);
    ec_number_sample_take(&s, gone);
    CU_ASSERT_EQUAL(s.n, POOL - 1);
    CU_ASSERT_EQUAL(s.loaded, POOL);
    for (size_t j = 0; j < s.n; j++) {
        CU_ASSERT_NOT_EQUAL(strcmp(s.numbers[j], gone), 0);
        CU_ASSERT_EQUAL(seen[pool_index(s.numbers[j])]++, 0);
    }
    /* a number not there (taken already, or never read): nothing moves */
    ec_number_sample_take(&s, gone);
    ec_number_sample_take(&s, "+4599999999");
    CU_ASSERT_EQUAL(s.n, POOL - 1);
    /* the last one, then an empty sample */
    ec_number_sample_take(&s, last);
    CU_ASSERT_EQUAL(s.n, POOL - 2);
    sample_fill(&s, buf, 1);
    ec_number_sample_take(&s, buf[0]);
    CU_ASSERT_EQUAL(s.n, 0);
    ec_number_sample_take(&s, gone);
    CU_ASSERT_EQUAL(s.n, 0);
}

static void
test_stale(void)
{
    enum { T0 = 1000000 };
    static const struct {
        int valid;
        size_t n, loaded;
        long long read_ago, tried_ago; /* ms before now */
        int want;
    } cases[] = {
        {0, 0, 0, 0, 0, 1},       /* never read */
        {0, 500, 512, 10, 10, 1}, /* dropped: read at once */
        {1, 512, 512, 0, 0, 0},   /* just read */
        {1, 512, 512, 29999, 29999, 0},
        {1, 512, 512, 30000, 30000, 1}, /* too old */
        {1, 256, 512, 5000, 5000, 0},   /* half left: not yet */
        {1, 255, 512, 5000, 5000, 1},   /* less than half */
        {1, 255, 512, 500, 500, 0},     /* ... but read a moment ago */
        {1, 0, 0, 29000, 29000, 0},     /* an empty pool: only the TTL */
        {1, 0, 0, 30000, 30000, 1},
        /* MySQL failed a moment ago: the old sample serves a while */
        {1, 512, 512, 40000, 200, 0},
        {1, 512, 512, 40000, 1000, 1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_number_sample s = {NULL,
                                     cases[i].n,
                                     cases[i].loaded,
                                     T0 - cases[i].read_ago,
                                     T0 - cases[i].tried_ago,
                                     cases[i].valid};
        int got = ec_number_sample_stale(&s, T0);
        if (got != cases[i].want)
            fprintf(stderr, "\n    case %zu: stale %d, want %d\n", i, got,
                    cases[i].want);
        CU_ASSERT_EQUAL(got, cases[i].want);
    }
}

/* With MySQL not there and nothing read yet, a page gets unavailable (and
   a page shows that it cannot offer numbers now); a search too. */
static void
test_offer_without_mysql(void)
{
    static const struct ec_db_config dbc = {"127.0.0.1", 1,    NULL, "nobody",
                                            "",          NULL, 200,  200};
    static const struct ec_kv_config kvc = {"127.0.0.1", 1,    200,
                                            200,         NULL, NULL};
    struct ec_db *db = ec_db_new(&dbc);
    struct ec_kv *kv = ec_kv_new(&kvc);
    struct ec_number_cache *nc = ec_number_cache_new();
    struct ec_tenant t = {.id = 1, .slug = "nordlys"};
    struct ec_number_query q = {.count = 6};
    struct ec_arena a;
    const char **out;
    size_t n = 99;

    ec_arena_init(&a, 0);
    CU_ASSERT_EQUAL(ec_number_offer(nc, db, kv, &t, &q, &a, &out, &n),
                    EC_ERR_UNAVAILABLE);
    CU_ASSERT_EQUAL(n, 0);
    memcpy(q.contains, "42", 3);
    CU_ASSERT_EQUAL(ec_number_offer(nc, db, kv, &t, &q, &a, &out, &n),
                    EC_ERR_UNAVAILABLE);
    ec_number_cache_drop(nc, "nordlys");
    ec_number_cache_clear(nc);
    ec_arena_release(&a);
    ec_number_cache_free(nc);
    ec_kv_free(kv);
    ec_db_free(db);
}

static const struct ec_test tests[] = {
    {"numbers are normalised to E.164 or refused with a reason",
     test_normalise},
    {"normalise reads len bytes", test_normalise_takes_length_not_nul},
    {"valid numbers and their national form", test_valid_and_national},
    {"pool files: what is accepted", test_file_accepts},
    {"pool files: the first bad line, and nothing kept", test_file_refuses},
    {"pool files: a NUL byte is a bad line", test_file_nul_inside_is_refused},
    {"pool files: parsing again starts afresh",
     test_file_parse_again_starts_afresh},
    {"pool files: thousands of numbers, repeats counted",
     test_file_many_numbers},
    {"count and contains are bounded", test_query_limits},
    {"lock keys carry the tenant as hash tag", test_lock_keys},
    {"rate keys: a client of 1 to 64 printable bytes", test_rate_key},
    {"sample: a draw is distinct numbers, the sample kept whole",
     test_draw_distinct_and_keeps_the_sample},
    {"sample: a draw follows its seed", test_draw_depends_on_the_seed},
    {"sample: draws are uniform (chi-square)", test_draw_is_uniform},
    {"sample: locked numbers drawn leave it, the others stay",
     test_remove_locked},
    {"sample: an announced lock takes its number out", test_take_by_number},
    {"sample: when it is read again", test_stale},
    {"offer: MySQL not there and nothing read yet is unavailable",
     test_offer_without_mysql},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/number", tests)
