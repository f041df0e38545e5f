/* test_remind.c - the pure planning of scheduled messages: send windows
 * and their edges, session dates at month ends, days before */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "config/config.h"
#include "handlers/remind.h"
#include "text/date.h"
#include "common/banned.h"

#define HM(h, m) ((h)*60U + (m))

static void test_windows_default(void **state)
{
    static const struct {
        unsigned minute;
        bool open;
    } t[] = {
        {HM(0, 0), false},   {HM(6, 59), false},  {HM(7, 0), true},
        {HM(7, 1), true},    {HM(11, 29), true},  {HM(11, 30), false},
        {HM(11, 31), false}, {HM(12, 59), false}, {HM(13, 0), true},
        {HM(16, 59), true},  {HM(17, 0), false},  {HM(17, 1), false},
        {HM(23, 59), false}, {1440, false},       {UINT32_MAX, false},
    };
    struct remind_settings s;
    size_t i;

    (void)state;
    remind_settings_default(&s);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        if (remind_in_window(&s, t[i].minute) != t[i].open)
            fail_msg("minute %u: want %d", t[i].minute, t[i].open);
    }
}

static void test_windows_config(void **state)
{
    struct dt_config cfg;
    struct remind_settings s;

    (void)state;
    config_defaults(&cfg);
    cfg.remind_days_before = 5;
    cfg.service_hours.n = 1;
    cfg.service_hours.w[0].from = HM(20, 0);
    cfg.service_hours.w[0].to = 1440; /* to the end of the day */
    remind_settings_from_config(&cfg, &s);
    assert_int_equal(s.days_before, 5);
    assert_false(remind_in_window(&s, HM(19, 59)));
    assert_true(remind_in_window(&s, HM(20, 0)));
    assert_true(remind_in_window(&s, HM(23, 59)));
    assert_false(remind_in_window(&s, HM(8, 0)));
    /* No windows at all: never. */
    s.nwindows = 0;
    assert_false(remind_in_window(&s, HM(8, 0)));
    /* days_before past the maximum is clamped. */
    cfg.remind_days_before = 400;
    remind_settings_from_config(&cfg, &s);
    assert_int_equal(s.days_before, REMIND_DAYS_BEFORE_MAX);
}

static void test_sessions(void **state)
{
    static const struct {
        struct dt_date today;
        int day;
        struct dt_date next, prev;
    } t[] = {
        {{2026, 11, 17}, 17, {2026, 11, 17}, {2026, 10, 17}}, /* the day */
        {{2026, 11, 16}, 17, {2026, 11, 17}, {2026, 10, 17}},
        {{2026, 11, 18}, 17, {2026, 12, 17}, {2026, 11, 17}},
        {{2026, 12, 20}, 17, {2027, 1, 17}, {2026, 12, 17}}, /* year end */
        {{2027, 1, 5}, 10, {2027, 1, 10}, {2026, 12, 10}},   /* year back */
        {{2026, 1, 31}, 28, {2026, 2, 28}, {2026, 1, 28}},   /* month end */
        {{2026, 2, 28}, 28, {2026, 2, 28}, {2026, 1, 28}},
        {{2024, 2, 29}, 28, {2024, 3, 28}, {2024, 2, 28}}, /* leap day */
        {{2026, 4, 30}, 1, {2026, 5, 1}, {2026, 4, 1}},
        {{2026, 3, 1}, 1, {2026, 3, 1}, {2026, 2, 1}},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct dt_date n = remind_next_session(&t[i].today, t[i].day);
        struct dt_date p = remind_prev_session(&t[i].today, t[i].day);

        if (date_cmp(&n, &t[i].next) != 0 || date_cmp(&p, &t[i].prev) != 0)
            fail_msg("row %zu: next %d-%d-%d prev %d-%d-%d", i, n.year, n.month,
                     n.day, p.year, p.month, p.day);
    }
}

static void test_sessions_bad(void **state)
{
    static const int days[] = {0, 29, 31, -1};
    const struct dt_date ok = {2026, 11, 17}, bad = {2026, 2, 30};
    struct dt_date d;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(days); i++) {
        d = remind_next_session(&ok, days[i]);
        assert_false(date_valid(&d));
        d = remind_prev_session(&ok, days[i]);
        assert_false(date_valid(&d));
    }
    d = remind_next_session(&bad, 17);
    assert_false(date_valid(&d));
}

/* Which kinds are due, as a string "MLOS" (member, leader, overdue,
 * statement; '-' when not). */
static void plan(unsigned before, struct dt_date today, int day, char *out,
                 struct remind_due *due)
{
    static const char letters[] = "MLOS";
    struct remind_settings s;
    unsigned k;

    remind_settings_default(&s);
    s.days_before = before;
    (void)remind_plan_day(&s, &today, day, due);
    for (k = 0; k < REMIND_KIND_COUNT; k++)
        out[k] = due->due[k] ? letters[k] : '-';
    out[REMIND_KIND_COUNT] = '\0';
}

static void test_plan_days(void **state)
{
    static const struct {
        unsigned before;
        struct dt_date today;
        int day;
        const char *want;
    } t[] = {
        {3, {2026, 11, 13}, 17, "---S"}, /* 4 days before: not yet */
        {3, {2026, 11, 14}, 17, "M-OS"}, /* 3 days before */
        {3, {2026, 11, 15}, 17, "M-OS"}, /* catch-up */
        {3, {2026, 11, 16}, 17, "MLOS"}, /* the day before */
        {3, {2026, 11, 17}, 17, "---S"}, /* the day itself */
        {3, {2026, 11, 18}, 17, "----"}, /* 1 day after */
        {3, {2026, 11, 19}, 17, "---S"}, /* statement of the 17th */
        {0, {2026, 11, 17}, 17, "M-OS"}, /* 0: on the day */
        {0, {2026, 11, 16}, 17, "-L-S"}, /* the leader still the day before */
        {1, {2026, 11, 16}, 17, "MLOS"},
        {1, {2026, 11, 15}, 17, "---S"},
        /* Month ends: the session of the 1st is 3 days after 26 Feb. */
        {3, {2026, 2, 26}, 1, "M-OS"},
        {3, {2026, 2, 25}, 1, "---S"},
        {3, {2024, 2, 27}, 1, "M-OS"}, /* leap year: 3 days */
        {3, {2024, 2, 26}, 1, "---S"},
        {3, {2026, 12, 31}, 1, "MLOS"}, /* into the next year */
        {3, {2026, 1, 30}, 2, "M-OS"},
    };
    struct remind_due due;
    char got[REMIND_KIND_COUNT + 1];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        plan(t[i].before, t[i].today, t[i].day, got, &due);
        if (strcmp(got, t[i].want) != 0)
            fail_msg("row %zu: %s, want %s", i, got, t[i].want);
    }
    /* days_before 0: the reminder is about today's session. */
    plan(0, (struct dt_date){2026, 11, 17}, 17, got, &due);
    assert_string_equal(due.period[REMIND_MEMBER], "2026-11-17");
}

static void test_plan_periods(void **state)
{
    struct remind_due due;
    char got[REMIND_KIND_COUNT + 1];

    (void)state;
    plan(3, (struct dt_date){2026, 11, 16}, 17, got, &due);
    assert_string_equal(due.period[REMIND_MEMBER], "2026-11-17");
    assert_string_equal(due.period[REMIND_LEADER], "2026-11-17");
    assert_string_equal(due.period[REMIND_OVERDUE], "2026-11-17");
    assert_string_equal(due.period[REMIND_STATEMENT], "2026-10");
    assert_int_equal(due.session[REMIND_STATEMENT].day, 17);
    assert_int_equal(due.session[REMIND_STATEMENT].month, 10);
    plan(3, (struct dt_date){2026, 12, 31}, 1, got, &due);
    assert_string_equal(due.period[REMIND_MEMBER], "2027-01-01");
    assert_string_equal(due.period[REMIND_STATEMENT], "2026-12");
    /* A bad session day plans nothing. */
    plan(3, (struct dt_date){2026, 11, 16}, 29, got, &due);
    assert_string_equal(got, "----");
}

static void test_parse_local(void **state)
{
    static const struct {
        const char *in;
        bool ok;
        int64_t want;
    } t[] = {
        /* 2026-11-14 08:00 +07 = 01:00 UTC */
        {"2026-11-14 08:00", true, 1794618000},
        {"1970-01-01 07:00", true, 0},
        {"2026-11-14 00:00", true, 1794589200},
        {"2026-11-14 23:59", true, 1794675540},
        {"2026-11-14 24:00", false, 0},
        {"2026-11-14 08:60", false, 0},
        {"2026-02-29 08:00", false, 0},
        {"2026-11-14T08:00", false, 0},
        {"2026-11-14 8:00", false, 0},
        {"2026-11-14 08:00:00", false, 0},
        {"", false, 0},
        {"2026-11-14 0a:00", false, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t got = -1;
        gw_err err = remind_parse_local(t[i].in, &got);

        if ((err == GW_OK) != t[i].ok || (t[i].ok && got != t[i].want))
            fail_msg("'%s': err %d got %lld", t[i].in, err, (long long)got);
    }
    assert_int_equal(remind_parse_local(NULL, &(int64_t){0}), GW_EINVAL);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(remind_kind_name(REMIND_MEMBER), "REMINDER");
    assert_string_equal(remind_kind_name(REMIND_LEADER), "LEADER_NOTE");
    assert_string_equal(remind_kind_name(REMIND_OVERDUE), "OVERDUE");
    assert_string_equal(remind_kind_name(REMIND_STATEMENT), "STATEMENT");
    assert_string_equal(remind_kind_name(REMIND_KIND_COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_default),
        cmocka_unit_test(test_windows_config),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_sessions_bad),
        cmocka_unit_test(test_plan_days),
        cmocka_unit_test(test_plan_periods),
        cmocka_unit_test(test_parse_local),
        cmocka_unit_test(test_kind_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
