/* test_outbox_budget.c - the share of the daily budget kept for receipts,
 * and the budget's day */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/util.h"
#include "db/db_msg.h"
#include "gateway/outbox_budget.h"
#include "common/banned.h"

static void test_share(void **state)
{
    static const struct {
        unsigned budget, reserved;
        uint64_t used, room;
        int max_class;
    } t[] = {
        {0, 30, 5000, UINT64_MAX, DB_CLASS_BULK}, /* no budget */
        {100, 30, 0, 70, DB_CLASS_BULK},
        {100, 30, 69, 1, DB_CLASS_BULK},
        {100, 30, 70, 30, DB_CLASS_FIRST}, /* only the kept share left */
        {100, 30, 99, 1, DB_CLASS_FIRST},
        {100, 30, 100, 0, DB_CLASS_FIRST},
        {100, 30, 150, 0, DB_CLASS_FIRST}, /* over: nothing */
        {100, 0, 99, 1, DB_CLASS_BULK},    /* nothing kept */
        {100, 0, 100, 0, DB_CLASS_FIRST},
        {100, 90, 10, 90, DB_CLASS_FIRST}, /* the most kept: first only */
        {100, 90, 9, 1, DB_CLASS_BULK},
        {3, 30, 0, 3, DB_CLASS_BULK}, /* 30% of 3 rounds to 0 */
        {10000000, 30, 0, 7000000, DB_CLASS_BULK},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct budget_share s =
            outbox_budget_share(t[i].budget, t[i].reserved, t[i].used);

        if (s.room != t[i].room || s.max_class != t[i].max_class)
            fail_msg("row %zu: room %llu class %d, want %llu class %d", i,
                     (unsigned long long)s.room, s.max_class,
                     (unsigned long long)t[i].room, t[i].max_class);
    }
}

/* The day turns at midnight in Vietnam (17:00 UTC). */
static void test_day(void **state)
{
    const int64_t d = outbox_budget_day(1796576400); /* 2026-12-06 17:00Z */

    (void)state;
    assert_int_equal(outbox_budget_day(1796576399), d - 1);
    assert_int_equal(outbox_budget_day_start(d), 1796576400);
    assert_int_equal(outbox_budget_day(outbox_budget_day_start(d) + 86399), d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_day),
    };

    return cmocka_run_group_tests_name("outbox_budget", tests, NULL, NULL);
}
