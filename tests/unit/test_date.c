/* test_date.c - calendar dates, day numbers and Vietnam local time */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/dt_limits.h"
#include "common/strv.h"
#include "common/util.h"
#include "text/date.h"
#include "common/banned.h"

static const struct {
    const char *in;
    bool ok;
    int y, m, d;
} parse_rows[] = {
    {"2026-11-17", true, 2026, 11, 17},
    {"2026-01-01", true, 2026, 1, 1},
    {"2026-12-31", true, 2026, 12, 31},
    {"2026-04-30", true, 2026, 4, 30},
    {"2024-02-29", true, 2024, 2, 29}, /* leap */
    {"2000-02-29", true, 2000, 2, 29}, /* divisible by 400: leap */
    {"1900-01-01", true, 1900, 1, 1},  /* first year accepted */
    {"1900-02-28", true, 1900, 2, 28},
    {"9999-12-31", true, 9999, 12, 31}, /* last day accepted */
    {"2026-02-29", false, 0, 0, 0},
    {"1900-02-29", false, 0, 0, 0}, /* divisible by 100: not leap */
    {"2100-02-29", false, 0, 0, 0},
    {"2024-02-30", false, 0, 0, 0},
    {"2026-04-31", false, 0, 0, 0},
    {"2026-06-31", false, 0, 0, 0},
    {"2026-01-32", false, 0, 0, 0},
    {"2026-01-00", false, 0, 0, 0},
    {"2026-00-10", false, 0, 0, 0},
    {"2026-13-01", false, 0, 0, 0},
    {"1899-12-31", false, 0, 0, 0},
    {"0000-01-01", false, 0, 0, 0},
    {"2026-1-5", false, 0, 0, 0},
    {"2026-01-5", false, 0, 0, 0},
    {"26-01-05", false, 0, 0, 0},
    {"2026-11-17x", false, 0, 0, 0},
    {"2026-11-17 ", false, 0, 0, 0},
    {" 2026-11-17", false, 0, 0, 0},
    {"2026/11/17", false, 0, 0, 0},
    {"17/11/2026", false, 0, 0, 0},
    {"20261117", false, 0, 0, 0},
    {"2026-11-1a", false, 0, 0, 0},
    {"+026-11-17", false, 0, 0, 0},
    {"2026-+1-17", false, 0, 0, 0},
    {"2026--1-17", false, 0, 0, 0},
    {"", false, 0, 0, 0},
};

static void test_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(parse_rows); i++) {
        struct dt_date d = {-1, -1, -1};
        gw_err err = date_parse_iso(strv_from_cstr(parse_rows[i].in), &d);

        if (!parse_rows[i].ok) {
            assert_int_equal(err, GW_EINVAL);
            assert_int_equal(d.year, -1); /* untouched */
            continue;
        }
        assert_int_equal(err, GW_OK);
        assert_int_equal(d.year, parse_rows[i].y);
        assert_int_equal(d.month, parse_rows[i].m);
        assert_int_equal(d.day, parse_rows[i].d);
        assert_true(date_valid(&d));
    }
    /* the view's length bounds the text */
    {
        struct dt_date d;

        assert_int_equal(date_parse_iso(strv_make("2026-11-17xyz", 10), &d),
                         GW_OK);
        assert_int_equal(date_parse_iso(strv_make("2026-11-17", 9), &d),
                         GW_EINVAL);
    }
}

static void test_days_in_month(void **state)
{
    static const struct {
        int y, m, days;
    } t[] = {
        {2026, 1, 31}, {2026, 2, 28}, {2024, 2, 29}, {2000, 2, 29},
        {1900, 2, 28}, {2100, 2, 28}, {2026, 4, 30}, {2026, 12, 31},
        {2026, 0, 0},  {2026, 13, 0}, {2026, -1, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_int_equal(date_days_in_month(t[i].y, t[i].m), t[i].days);
}

static const struct {
    struct dt_date d;
    int64_t days;
} day_rows[] = {
    {{1970, 1, 1}, 0},         {{1969, 12, 31}, -1},   {{1970, 1, 2}, 1},
    {{2000, 1, 1}, 10957},     {{2000, 2, 29}, 11016}, {{2000, 3, 1}, 11017},
    {{1900, 1, 1}, -25567},    {{1900, 3, 1}, -25508}, {{2024, 2, 29}, 19782},
    {{2026, 11, 17}, 20774},   {{2038, 1, 19}, 24855}, {{2100, 3, 1}, 47541},
    {{9999, 12, 31}, 2932896}, {{1, 1, 1}, -719162},
};

static void test_days(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(day_rows); i++) {
        struct dt_date back = date_from_days(day_rows[i].days);

        assert_int_equal(date_to_days(&day_rows[i].d), day_rows[i].days);
        assert_int_equal(date_cmp(&back, &day_rows[i].d), 0);
    }
}

/* Every day from 1900 to 2200 against a plain day-by-day calendar walk. */
static void test_days_walk(void **state)
{
    struct dt_date d = {1900, 1, 1};
    int64_t n = -25567;

    (void)state;
    while (d.year < 2200) {
        struct dt_date got = date_from_days(n);

        assert_int_equal(date_to_days(&d), n);
        assert_int_equal(got.year, d.year);
        assert_int_equal(got.month, d.month);
        assert_int_equal(got.day, d.day);
        if (++d.day > date_days_in_month(d.year, d.month)) {
            d.day = 1;
            if (++d.month > 12) {
                d.month = 1;
                d.year++;
            }
        }
        n++;
    }
}

static void test_from_days_range(void **state)
{
    static const int64_t out[] = {-719163, 2932897, INT64_MIN, INT64_MAX};
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(out); i++) {
        struct dt_date d = date_from_days(out[i]);

        assert_int_equal(d.year, 0);
        assert_int_equal(d.month, 0);
        assert_int_equal(d.day, 0);
        assert_false(date_valid(&d));
    }
}

static void test_add_days(void **state)
{
    static const struct {
        struct dt_date from;
        int64_t n;
        struct dt_date to;
    } t[] = {
        {{2026, 11, 17}, 0, {2026, 11, 17}},
        {{2026, 12, 31}, 1, {2027, 1, 1}},
        {{2027, 1, 1}, -1, {2026, 12, 31}},
        {{2024, 2, 28}, 1, {2024, 2, 29}},
        {{2026, 2, 28}, 1, {2026, 3, 1}},
        {{2026, 3, 1}, -1, {2026, 2, 28}},
        {{2026, 1, 31}, 30, {2026, 3, 2}},
        {{2026, 11, 17}, 365, {2027, 11, 17}},
        {{2024, 1, 1}, 366, {2025, 1, 1}},
        {{2026, 11, 17}, -36525, {1926, 11, 17}}, /* 25 leap days */
        {{9999, 12, 31}, 0, {9999, 12, 31}},
        {{9999, 12, 31}, 1, {0, 0, 0}},
        {{2026, 11, 17}, INT64_MAX, {0, 0, 0}},
        {{2026, 11, 17}, INT64_MIN, {0, 0, 0}},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct dt_date got = date_add_days(&t[i].from, t[i].n);

        assert_int_equal(got.year, t[i].to.year);
        assert_int_equal(got.month, t[i].to.month);
        assert_int_equal(got.day, t[i].to.day);
    }
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void test_cmp(void **state)
{
    static const struct {
        struct dt_date a, b;
        int want;
    } t[] = {
        {{2026, 11, 17}, {2026, 11, 17}, 0},
        {{2026, 11, 16}, {2026, 11, 17}, -1},
        {{2026, 11, 18}, {2026, 11, 17}, 1},
        {{2026, 10, 31}, {2026, 11, 1}, -1},
        {{2027, 1, 1}, {2026, 12, 31}, 1},
        {{1900, 1, 1}, {9999, 12, 31}, -1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        assert_int_equal(sign(date_cmp(&t[i].a, &t[i].b)), t[i].want);
        assert_int_equal(sign(date_cmp(&t[i].b, &t[i].a)), -t[i].want);
    }
}

static void test_format(void **state)
{
    static const struct {
        struct dt_date d;
        const char *iso, *dmy, *dm;
    } t[] = {
        {{2026, 11, 17}, "2026-11-17", "17/11/2026", "17/11"},
        {{2026, 1, 5}, "2026-01-05", "05/01/2026", "05/01"},
        {{1900, 1, 1}, "1900-01-01", "01/01/1900", "01/01"},
        {{9999, 12, 31}, "9999-12-31", "31/12/9999", "31/12"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char out[DT_DATE_SIZE];
        struct dt_date back;

        date_format_iso(&t[i].d, out, sizeof(out));
        assert_string_equal(out, t[i].iso);
        assert_int_equal(date_parse_iso(strv_from_cstr(out), &back), GW_OK);
        assert_int_equal(date_cmp(&back, &t[i].d), 0);
        date_format_dmy(&t[i].d, out, sizeof(out));
        assert_string_equal(out, t[i].dmy);
        date_format_dm(&t[i].d, out, sizeof(out));
        assert_string_equal(out, t[i].dm);
    }
}

static void test_format_small(void **state)
{
    struct dt_date d = {2026, 11, 17};
    char out[8];

    (void)state;
    memset(out, 'x', sizeof(out));
    date_format_iso(&d, out, 5);
    assert_string_equal(out, "2026");
    assert_int_equal(out[5], 'x');
    date_format_dmy(&d, out, 1);
    assert_string_equal(out, "");
}

static void test_local(void **state)
{
    static const struct {
        time_t t;
        struct dt_date d;
        int minute;
    } t[] = {
        {0, {1970, 1, 1}, 420},
        {-1, {1970, 1, 1}, 419},
        {-25200, {1970, 1, 1}, 0},              /* 00:00 local */
        {-25201, {1969, 12, 31}, 1439},         /* 23:59:59 the day before */
        {1794934800 - 1, {2026, 11, 17}, 1439}, /* 16:59:59 UTC */
        {1794934800, {2026, 11, 18}, 0},        /* 17:00 UTC: next day */
        {1794934800 + 60, {2026, 11, 18}, 1},
        {1794934800 - 17 * 3600, {2026, 11, 17}, 420}, /* 00:00 UTC */
        {1794934800 - 12 * 3600 + 30, {2026, 11, 17}, 720},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int minute = -1;
        struct dt_date d = date_local(t[i].t, &minute);

        assert_int_equal(d.year, t[i].d.year);
        assert_int_equal(d.month, t[i].d.month);
        assert_int_equal(d.day, t[i].d.day);
        assert_int_equal(minute, t[i].minute);
        d = date_local(t[i].t, NULL); /* the minute is optional */
        assert_int_equal(d.day, t[i].d.day);
    }
}

static void test_local_extremes(void **state)
{
    int minute = -1;
    struct dt_date d;

    (void)state;
    /* far outside 0001..9999: the zero date, no overflow */
    d = date_local((time_t)INT64_MAX, &minute);
    assert_false(date_valid(&d));
    assert_true(minute >= 0 && minute < 1440);
    d = date_local((time_t)INT64_MIN, &minute);
    assert_false(date_valid(&d));
    assert_true(minute >= 0 && minute < 1440);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_days_walk),
        cmocka_unit_test(test_from_days_range),
        cmocka_unit_test(test_add_days),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_small),
        cmocka_unit_test(test_local),
        cmocka_unit_test(test_local_extremes),
    };

    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
