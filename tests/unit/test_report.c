/* test_report.c - KPI figures against values computed by hand from
 * tests/support/remind_fixture.h
 *
 * Month 2026-11, by hand:
 *   G1 outstanding 30M + 20M + 5M + 10M + 12M = 77,000,000 (the closed
 *      loan is left out); overdue 500,000 -> 64.9 bp -> 0.65 %.
 *      Interest due 275k + 150k + 100k + 120k = 645,000; collected
 *      120,000 (M4 RECORDED; M2 DISPUTED and M3 VOIDED do not count)
 *      -> 1860.47 bp -> 18.60 %. Members 6 (with the leader), savers 1
 *      (M4) -> 16.67 %. Disputed 1, unbooked 0.
 *   G2 15,000,000, overdue 0; due 150,000, collected 90,000 -> 60.00 %;
 *      members 2, savers 1 -> 50.00 %.
 *   C1 92,000,000 and 500,000 -> 54.3 bp -> 0.54 %; 210,000 / 795,000
 *      -> 2641.5 bp -> 26.42 % (half up); 2 / 8 -> 25.00 %.
 *   G3 = C2: 8,000,000 and 40,000 -> 0.50 %; 0 / 80,000 (the UNPOSTED
 *      receipt does not count) -> 0.00 %; savers 1 / 2 -> 50.00 %;
 *      unbooked 1.
 *   Union: 100,000,000 and 540,000 -> 0.54 %; 210,000 / 875,000 ->
 *      24.00 %; 3 / 10 -> 30.00 %; disputed 1, unbooked 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "db/db.h"
#include "db/db_report.h"
#include "tests/support/remind_fixture.h"
#include "common/banned.h"

#define MAX_ROWS 16

struct got {
    struct db_kpi_row rows[MAX_ROWS];
    size_t n;
};

static gw_err collect(void *arg, const struct db_kpi_row *row)
{
    struct got *g = arg;

    assert_true(g->n < MAX_ROWS);
    g->rows[g->n++] = *row;
    return GW_OK;
}

static void period(struct db_kpi_period *p, const char *sf, const char *st,
                   const char *mf, const char *mt)
{
    memset(p, 0, sizeof(*p));
    memcpy(p->session_from, sf, DT_DATE_SIZE);
    memcpy(p->session_to, st, DT_DATE_SIZE);
    memcpy(p->month_from, mf, DT_DATE_SIZE);
    memcpy(p->month_to, mt, DT_DATE_SIZE);
}

static int setup(void **state)
{
    struct db *db = NULL;

    assert_int_equal(db_open(":memory:", &db), GW_OK);
    assert_int_equal(remind_fixture_load(db), GW_OK);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

struct want {
    enum db_kpi_level level;
    const char *code;
    const char *overdue, *interest, *savers;
    int64_t members, disputed, unposted;
};

static void check(const struct db_kpi_row *r, const struct want *w)
{
    char a[24], b[24], c[24];

    kpi_format_bp(kpi_ratio_bp(r->k.overdue, r->k.outstanding), a, sizeof(a));
    kpi_format_bp(kpi_ratio_bp(r->k.interest_collected, r->k.interest_due), b,
                  sizeof(b));
    kpi_format_bp(kpi_ratio_bp(r->k.savers, r->k.members), c, sizeof(c));
    if (r->level != w->level || strcmp(r->code, w->code) != 0 ||
        strcmp(a, w->overdue) != 0 || strcmp(b, w->interest) != 0 ||
        strcmp(c, w->savers) != 0 || r->k.members != w->members ||
        r->k.disputed != w->disputed || r->k.unposted != w->unposted)
        fail_msg("%s: %s %s %s m%lld d%lld u%lld", w->code, a, b, c,
                 (long long)r->k.members, (long long)r->k.disputed,
                 (long long)r->k.unposted);
}

static void test_month(void **state)
{
    static const struct want want[] = {
        {DB_KPI_GROUP, "G1", "0.65", "18.60", "16.67", 6, 1, 0},
        {DB_KPI_GROUP, "G2", "0.00", "60.00", "50.00", 2, 0, 0},
        {DB_KPI_COMMUNE, "C1", "0.54", "26.42", "25.00", 8, 1, 0},
        {DB_KPI_GROUP, "G3", "0.50", "0.00", "50.00", 2, 0, 1},
        {DB_KPI_COMMUNE, "C2", "0.50", "0.00", "50.00", 2, 0, 1},
        {DB_KPI_UNION, "", "0.54", "24.00", "30.00", 10, 1, 1},
    };
    struct db_kpi_period p;
    struct got g = {0};
    size_t i;

    period(&p, "2026-11-01", "2026-11-30", "2026-11-01", "2026-11-30");
    assert_int_equal(db_report_kpis(*state, &p, collect, &g), GW_OK);
    assert_int_equal(g.n, ARRAY_SIZE(want));
    for (i = 0; i < g.n; i++)
        check(&g.rows[i], &want[i]);
    /* The sums behind the union's ratios. */
    assert_int_equal(g.rows[5].k.outstanding, 100000000);
    assert_int_equal(g.rows[5].k.overdue, 540000);
    assert_int_equal(g.rows[5].k.interest_due, 875000);
    assert_int_equal(g.rows[5].k.interest_collected, 210000);
    assert_int_equal(g.rows[5].k.savers, 3);
    assert_string_equal(g.rows[0].name, "To 1 An Binh");
    assert_string_equal(g.rows[0].commune_code, "C1");
    assert_string_equal(g.rows[2].name, "Xa An Binh");
}

static void test_session(void **state)
{
    struct db_kpi_period p;
    struct got g = {0};
    struct db_kpi k;

    /* Only the sessions of the 17th: C2's unbooked receipt of the 5th is
     * not in it, but its saving still counts for the month. */
    period(&p, "2026-11-17", "2026-11-17", "2026-11-01", "2026-11-30");
    assert_int_equal(db_report_kpis(*state, &p, collect, &g), GW_OK);
    assert_int_equal(g.n, 6);
    check(&g.rows[5],
          &(struct want){DB_KPI_UNION, "", "0.54", "24.00", "30.00", 10, 1, 0});
    /* October: M1's 270,000 booked at the 17th; nobody saved. */
    period(&p, "2026-10-01", "2026-10-31", "2026-10-01", "2026-10-31");
    assert_int_equal(db_report_union(*state, &p, &k), GW_OK);
    assert_int_equal(k.interest_collected, 270000);
    assert_int_equal(kpi_ratio_bp(k.interest_collected, k.interest_due),
                     3086); /* 270,000 / 875,000 = 30.857 % */
    assert_int_equal(k.savers, 0);
    assert_int_equal(k.disputed, 0);
}

static void test_empty(void **state)
{
    struct db *db = NULL;
    struct db_kpi_period p;
    struct got g = {0};

    (void)state;
    assert_int_equal(db_open(":memory:", &db), GW_OK);
    period(&p, "2026-11-01", "2026-11-30", "2026-11-01", "2026-11-30");
    assert_int_equal(db_report_kpis(db, &p, collect, &g), GW_OK);
    assert_int_equal(g.n, 1); /* the union row alone, all zero */
    check(&g.rows[0],
          &(struct want){DB_KPI_UNION, "", "0.00", "0.00", "0.00", 0, 0, 0});
    db_close(db);
}

static void test_ratio(void **state)
{
    static const struct {
        int64_t num, den, bp;
        const char *text;
    } t[] = {
        {0, 0, 0, "0.00"},
        {5, 0, 0, "0.00"}, /* nothing due: 0, not a division by zero */
        {-1, 5, 0, "0.00"},
        {1, 3, 3333, "33.33"},
        {2, 3, 6667, "66.67"},
        {1, 2, 5000, "50.00"},
        {1, 20000, 1, "0.01"}, /* exactly half a basis point: up */
        {1, 20001, 0, "0.00"},
        {3, 3, 10000, "100.00"},
        {7, 2, 35000, "350.00"},
        {INT64_MAX, INT64_MAX, 10000, "100.00"},
        {INT64_MAX / 3, INT64_MAX, 3333, "33.33"},
        {99999999999LL * 2000000, 99999999999LL * 3000000, 6667, "66.67"},
    };
    char out[24];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t bp = kpi_ratio_bp(t[i].num, t[i].den);

        kpi_format_bp(bp, out, sizeof(out));
        if (bp != t[i].bp || strcmp(out, t[i].text) != 0)
            fail_msg("row %zu: %lld %s", i, (long long)bp, out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_month, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session, setup, teardown),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_ratio),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
