/*
 * Shared scaffolding for the CUnit programs under t/unit: each file lists
 * its tests in a table and ends with EC_TEST_MAIN(suite name, table).
 * The program exits non-zero when any test failed, which CUnit's own
 * basic runner does not do.
 */
#ifndef EC_T_UNIT_TEST_H
#define EC_T_UNIT_TEST_H

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

struct ec_test {
    const char *name;
    void (*fn)(void);
};

#define EC_ASSERT_STR(actual, expected)                                        \
    do {                                                                       \
        const char *a_ = (actual), *e_ = (expected);                           \
        if (!(a_ && e_ && strcmp(a_, e_) == 0))                                \
            fprintf(stderr, "\n    %s:%d: got \"%s\", want \"%s\"\n",          \
                    __FILE__, __LINE__, a_ ? a_ : "(null)",                    \
                    e_ ? e_ : "(null)");                                       \
        CU_ASSERT_STRING_EQUAL_FATAL(a_ ? a_ : "(null)", e_ ? e_ : "(null)");  \
    } while (0)

static inline int
ec_test_run(const char *suite_name, const struct ec_test *tests)
{
    CU_pSuite suite;
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    suite = CU_add_suite(suite_name, NULL, NULL);
    if (!suite)
        return 2;
    for (; tests->name; tests++)
        if (!CU_add_test(suite, tests->name, tests->fn))
            return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        return 2;
    failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
    if (CU_get_number_of_tests_run() == 0)
        failed = 1; /* a program that ran nothing has not passed */
    CU_cleanup_registry();
    return failed ? 1 : 0;
}

#define EC_TEST_MAIN(name, table)                                              \
    int main(void)                                                             \
    {                                                                          \
        return ec_test_run((name), (table));                                   \
    }

#endif
