/* test_campaign.c - advertising under Decree 91: opt-in audience, [QC]
 * prefix and one segment, 3 a day, 07:00-22:00 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "db/db.h"
#include "db/db_remind.h"
#include "handlers/campaign.h"
#include "handlers/remind.h"
#include "tests/support/member_fixture.h"
#include "tests/support/remind_fixture.h"
#include "common/banned.h"

static void test_prepare(void **state)
{
    static const struct {
        const char *in;
        gw_err err;
        const char *want;
    } t[] = {
        {"Tuần lễ tiết kiệm vì người nghèo", GW_OK,
         "[QC] Tuan le tiet kiem vi nguoi ngheo"},
        {"Đăng ký  ngay\n\ttại xã", GW_OK, "[QC] Dang ky ngay tai xa"},
        {"   trim me   ", GW_OK, "[QC] trim me"},
        {"", GW_EINVAL, ""},
        {" \n\t ", GW_EINVAL, ""},
        {"bad \xC3\x28 utf8", GW_EINVAL, ""},
        {"\xE2\x80\x9Cquoted\xE2\x80\x9D", GW_OK, "[QC] \"quoted\""},
    };
    char out[DT_SMS_MAX + 1];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        gw_err err = campaign_prepare(t[i].in, out, sizeof(out));

        if (err != t[i].err || strcmp(out, t[i].want) != 0)
            fail_msg("row %zu: err %d '%s'", i, err, out);
    }
    assert_int_equal(campaign_prepare(NULL, out, sizeof(out)), GW_EINVAL);
}

/* "[QC] " costs 7 septets ('[' and ']' are escapes): 153 are left. */
static void test_prepare_length(void **state)
{
    char in[400], out[DT_SMS_MAX + 1];

    (void)state;
    memset(in, 'a', sizeof(in));
    in[153] = '\0'; /* max */
    assert_int_equal(campaign_prepare(in, out, sizeof(out)), GW_OK);
    assert_int_equal(strlen(out), 158);
    in[153] = 'a';
    in[154] = '\0'; /* max + 1 */
    assert_int_equal(campaign_prepare(in, out, sizeof(out)), GW_ETOOBIG);
    assert_string_equal(out, "");
    in[152] = '{';
    in[153] = '\0'; /* 152 + an escape = 154 septets: too long */
    assert_int_equal(campaign_prepare(in, out, sizeof(out)), GW_ETOOBIG);
    in[152] = '\0'; /* 151 + escape = 153: fits */
    in[151] = '{';
    assert_int_equal(campaign_prepare(in, out, sizeof(out)), GW_OK);
    /* Diacritics fold to one character each. */
    memset(in, 0, sizeof(in));
    for (size_t i = 0; i < 153; i++)
        memcpy(in + i * 2, "\xC3\xA0", 2); /* à */
    assert_int_equal(campaign_prepare(in, out, sizeof(out)), GW_OK);
    assert_int_equal(strlen(out), 158);
    /* A long paste is too long, not an error of another kind. */
    memset(in, 'b', sizeof(in) - 1);
    in[sizeof(in) - 1] = '\0';
    assert_int_equal(campaign_prepare(in, out, sizeof(out)), GW_ETOOBIG);
    /* An output buffer smaller than the prefix. */
    assert_int_equal(campaign_prepare("x", out, 4), GW_ETOOBIG);
}

static void test_hours(void **state)
{
    static const struct {
        unsigned minute;
        bool ok;
    } t[] = {
        {0, false},
        {6 * 60 + 59, false},
        {7 * 60, true},
        {12 * 60, true},
        {21 * 60 + 59, true},
        {22 * 60, false},
        {23 * 60 + 59, false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_int_equal(campaign_hour_ok(t[i].minute), t[i].ok);
}

static void test_day(void **state)
{
    int64_t t = 0, from = 0, to = 0, day0 = 0;
    unsigned minute = 0;

    (void)state;
    assert_int_equal(remind_parse_local("2026-11-14 21:59", &t), GW_OK);
    assert_int_equal(remind_parse_local("2026-11-14 00:00", &day0), GW_OK);
    campaign_day(t, &from, &to, &minute);
    assert_int_equal(from, day0);
    assert_int_equal(to, day0 + 86400);
    assert_int_equal(minute, 21 * 60 + 59);
    /* Local midnight starts the next day (17:00 UTC). */
    campaign_day(day0 + 86400, &from, &to, &minute);
    assert_int_equal(from, day0 + 86400);
    assert_int_equal(minute, 0);
    campaign_day(day0 + 86399, &from, &to, &minute);
    assert_int_equal(from, day0);
}

static int db_setup(void **state)
{
    struct db *db = NULL;

    assert_int_equal(db_open(":memory:", &db), GW_OK);
    assert_int_equal(remind_fixture_load(db), GW_OK);
    *state = db;
    return 0;
}

static int db_teardown(void **state)
{
    db_close(*state);
    return 0;
}

static void count_at(struct db *db, const struct db_campaign_filter *f,
                     const char *at, size_t want_eligible, size_t want_capped)
{
    int64_t t = 0, from, to;
    unsigned minute;
    size_t eligible = 99, capped = 99;

    assert_int_equal(remind_parse_local(at, &t), GW_OK);
    campaign_day(t, &from, &to, &minute);
    assert_int_equal(db_campaign_count(db, f, from, to, CAMPAIGN_DAILY_CAP,
                                       &eligible, &capped),
                     GW_OK);
    assert_int_equal(eligible, want_eligible);
    assert_int_equal(capped, want_capped);
}

static size_t send_at(struct db *db, const struct db_campaign_filter *f,
                      const char *at)
{
    int64_t t = 0, from, to;
    unsigned minute;
    size_t queued = 0;

    assert_int_equal(remind_parse_local(at, &t), GW_OK);
    campaign_day(t, &from, &to, &minute);
    assert_int_equal(db_begin(db), GW_OK);
    assert_int_equal(db_campaign_enqueue(db, f, from, to, CAMPAIGN_DAILY_CAP,
                                         "[QC] Tuan le tiet kiem", t, &queued),
                     GW_OK);
    assert_int_equal(db_commit(db), GW_OK);
    return queued;
}

/* campaigns = 1: M1, M3, M4, L3, M7; M3 sent HUY NHAC: 4 remain. */
static void test_audience(void **state)
{
    struct db *db = *state;
    const struct db_campaign_filter all = {NULL, NULL};
    const struct db_campaign_filter g1 = {"G1", NULL};
    const struct db_campaign_filter g2 = {"G2", NULL};
    const struct db_campaign_filter c2 = {NULL, "C2"};
    const struct db_campaign_filter nog = {"G9", NULL};
    long long n = 0;

    count_at(db, &all, "2026-11-14 09:00", 4, 0);
    count_at(db, &g1, "2026-11-14 09:00", 2, 0);
    count_at(db, &g2, "2026-11-14 09:00", 0, 0);
    count_at(db, &c2, "2026-11-14 09:00", 2, 0);
    assert_int_equal(db_campaign_check_filter(db, &g1), GW_OK);
    assert_int_equal(db_campaign_check_filter(db, &all), GW_OK);
    assert_int_equal(db_campaign_check_filter(db, &nog), GW_ENOTFOUND);
    assert_int_equal(send_at(db, &g1, "2026-11-14 09:00"), 2);
    assert_int_equal(member_fixture_int(db,
                                        "SELECT count(*) FROM outbox WHERE"
                                        " kind = 'CAMPAIGN' AND member_id"
                                        " IN (11, 14) AND text = '[QC] Tuan"
                                        " le tiet kiem'",
                                        &n),
                     GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(member_fixture_int(db,
                                        "SELECT count(*) FROM outbox WHERE"
                                        " member_id = 13",
                                        &n),
                     GW_OK);
    assert_int_equal(n, 0); /* HUY NHAC */
}

static void test_daily_cap(void **state)
{
    struct db *db = *state;
    const struct db_campaign_filter g1 = {"G1", NULL};
    const struct db_campaign_filter all = {NULL, NULL};
    const struct db_campaign_filter c2 = {NULL, "C2"};

    assert_int_equal(send_at(db, &g1, "2026-11-14 07:00"), 2);
    assert_int_equal(send_at(db, &g1, "2026-11-14 12:00"), 2);
    count_at(db, &all, "2026-11-14 20:00", 4, 0); /* 2 each: still under */
    assert_int_equal(send_at(db, &g1, "2026-11-14 21:59"), 2);
    /* Three for M1 and M4 that day: left out, the others still go. */
    count_at(db, &all, "2026-11-14 21:00", 2, 2);
    assert_int_equal(send_at(db, &all, "2026-11-14 21:30"), 2);
    count_at(db, &all, "2026-11-14 21:45", 2, 2); /* L3, M7: one each */
    assert_int_equal(send_at(db, &all, "2026-11-14 21:50"), 2);
    assert_int_equal(send_at(db, &c2, "2026-11-14 21:55"), 2);
    count_at(db, &all, "2026-11-14 21:58", 0, 4);
    assert_int_equal(send_at(db, &all, "2026-11-14 21:59"), 0);
    /* The next local day starts afresh. */
    count_at(db, &all, "2026-11-15 07:00", 4, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_prepare_length),
        cmocka_unit_test(test_hours),
        cmocka_unit_test(test_day),
        cmocka_unit_test_setup_teardown(test_audience, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(test_daily_cap, db_setup, db_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
