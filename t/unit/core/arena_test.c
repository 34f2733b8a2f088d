#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "../test.h"
#include "core/arena.h"

static void
test_alignment(void)
{
    struct ec_arena a;

    ec_arena_init(&a, 256);
    for (size_t n = 1; n < 100; n += 7) {
        void *p = ec_arena_alloc(&a, n);
        CU_ASSERT_EQUAL((uintptr_t)p % alignof(max_align_t), 0);
    }
    ec_arena_release(&a);
}

static void
test_large_allocation_gets_its_own_block(void)
{
    struct ec_arena a;
    char *big, *small;

    ec_arena_init(&a, 256);
    big = ec_arena_alloc(&a, 10000);
    memset(big, 'x', 10000);
    small = ec_arena_alloc(&a, 16);
    memset(small, 'y', 16);
    CU_ASSERT_EQUAL(big[9999], 'x');
    CU_ASSERT_EQUAL(a.allocated, 10016);
    ec_arena_release(&a);
}

static int order[4];
static int norder;

static void
record(void *data)
{
    order[norder++] = *(int *)data;
}

static void
test_cleanups_run_in_reverse_on_reset(void)
{
    static int one = 1, two = 2, three = 3;
    struct ec_arena a;

    norder = 0;
    ec_arena_init(&a, 0);
    ec_arena_cleanup(&a, record, &one);
    ec_arena_cleanup(&a, record, &two);
    ec_arena_cleanup(&a, record, &three);
    ec_arena_reset(&a);
    CU_ASSERT_EQUAL(norder, 3);
    CU_ASSERT_EQUAL(order[0], 3);
    CU_ASSERT_EQUAL(order[2], 1);
    ec_arena_reset(&a);
    CU_ASSERT_EQUAL(norder, 3); /* ran once only */
    CU_ASSERT_EQUAL(a.allocated, 0);
    ec_arena_release(&a);
}

static void
test_reset_reuses_memory(void)
{
    struct ec_arena a;
    void *first, *again;

    ec_arena_init(&a, 1024);
    first = ec_arena_alloc(&a, 100);
    for (int i = 0; i < 100; i++)
        ec_arena_alloc(&a, 500);
    ec_arena_reset(&a);
    again = ec_arena_alloc(&a, 100);
    CU_ASSERT_PTR_EQUAL(first, again);
    ec_arena_release(&a);
}

static void
test_strings(void)
{
    struct ec_arena a;

    ec_arena_init(&a, 0);
    EC_ASSERT_STR(ec_arena_strndup(&a, "hello world", 5), "hello");
    EC_ASSERT_STR(ec_arena_printf(&a, "%s-%d", "id", 42), "id-42");
    CU_ASSERT_EQUAL(((char *)ec_arena_calloc(&a, 10, 10))[99], 0);
    ec_arena_release(&a);
}

static const struct ec_test tests[] = {
    {"allocations are aligned for any type", test_alignment},
    {"a large allocation gets its own block",
     test_large_allocation_gets_its_own_block},
    {"cleanups run in reverse order, once",
     test_cleanups_run_in_reverse_on_reset},
    {"reset keeps the first block for reuse", test_reset_reuses_memory},
    {"string helpers copy and format", test_strings},
    {NULL, NULL},
};

EC_TEST_MAIN("core/arena", tests)
