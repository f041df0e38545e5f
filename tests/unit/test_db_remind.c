/* test_db_remind.c - reminder passes over a small data set: exact counts
 * and texts for a fixed time, once-only, opt-out, leader notes, windows
 *
 * Data: tests/support/remind_fixture.h. Texts: the shipped
 * config/messages.conf with brand NHCS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/util.h"
#include "db/db.h"
#include "handlers/remind.h"
#include "handlers/template.h"
#include "text/gsm7.h"
#include "tests/support/member_fixture.h"
#include "tests/support/remind_fixture.h"
#include "common/banned.h"

#define MAX_SEEN 64

struct seen {
    enum remind_kind kind;
    char phone[20];
    char text[200];
};

struct fx {
    struct db *db;
    struct templates tpl;
    struct remind_settings set;
    struct remind_opts o;
    struct seen seen[MAX_SEEN];
    size_t nseen;
    char path[64];
};

static void on_msg(void *arg, const struct remind_msg *m)
{
    struct fx *f = arg;
    size_t septets = 0;

    assert_int_equal(gsm7_septets(m->text, strlen(m->text), &septets), GW_OK);
    assert_true(septets <= 160);
    assert_true(f->nseen < MAX_SEEN);
    f->seen[f->nseen].kind = m->kind;
    (void)snprintf(f->seen[f->nseen].phone, sizeof(f->seen[0].phone), "%s",
                   m->phone);
    (void)snprintf(f->seen[f->nseen].text, sizeof(f->seen[0].text), "%s",
                   m->text);
    f->nseen++;
}

static int fx_setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    char err[256];
    int fd;

    (void)snprintf(f->path, sizeof(f->path), "/tmp/dt_remind_XXXXXX");
    fd = mkstemp(f->path);
    assert_true(fd >= 0);
    (void)close(fd);
    assert_int_equal(db_open(f->path, &f->db), GW_OK);
    assert_int_equal(remind_fixture_load(f->db), GW_OK);
    assert_int_equal(
        templates_load("config/messages.conf", &f->tpl, err, sizeof(err)),
        GW_OK);
    assert_int_equal(templates_set_brand(&f->tpl, "NHCS", NULL), GW_OK);
    remind_settings_default(&f->set);
    f->o.settings = &f->set;
    f->o.tpl = &f->tpl;
    f->o.on_msg = on_msg;
    f->o.arg = f;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    char side[80];

    db_close(f->db);
    templates_release(&f->tpl);
    (void)unlink(f->path);
    (void)snprintf(side, sizeof(side), "%s-wal", f->path);
    (void)unlink(side);
    (void)snprintf(side, sizeof(side), "%s-shm", f->path);
    (void)unlink(side);
    test_free(f);
    return 0;
}

static struct remind_result pass_at(struct fx *f, const char *at)
{
    struct remind_result res;
    int64_t now = 0;

    f->nseen = 0;
    assert_int_equal(remind_parse_local(at, &now), GW_OK);
    assert_int_equal(remind_pass(f->db, &f->o, now, &res), GW_OK);
    return res;
}

static long long count_sql(struct fx *f, const char *sql)
{
    long long n = -1;

    assert_int_equal(member_fixture_int(f->db, sql, &n), GW_OK);
    return n;
}

/* The text sent to phone of kind, or NULL. */
static const char *text_for(const struct fx *f, enum remind_kind k,
                            const char *phone)
{
    size_t i;

    for (i = 0; i < f->nseen; i++)
        if (f->seen[i].kind == k && strcmp(f->seen[i].phone, phone) == 0)
            return f->seen[i].text;
    return NULL;
}

static void test_exact_pass(void **state)
{
    struct fx *f = *state;
    struct remind_result r = pass_at(f, "2026-11-14 08:00");

    assert_true(r.in_window);
    assert_int_equal(r.count[REMIND_MEMBER], 2);    /* M1, M2 */
    assert_int_equal(r.count[REMIND_LEADER], 0);    /* not the day before */
    assert_int_equal(r.count[REMIND_OVERDUE], 1);   /* M2 (M7: C2 not due) */
    assert_int_equal(r.count[REMIND_STATEMENT], 8); /* C1: 7, C2: M7 */
    assert_int_equal(r.skipped, 1);                 /* M8: group unsigned */
    assert_int_equal(f->nseen, 11);
    assert_string_equal(text_for(f, REMIND_MEMBER, RFX_M1),
                        "NHCS: Nhac tu to truong Lan: phien 17/11 tai Xa An "
                        "Binh. Lai thang 11 cua ban 275.000 VND. Ngung nhac: "
                        "HUY NHAC");
    assert_string_equal(text_for(f, REMIND_MEMBER, RFX_M2),
                        "NHCS: Nhac tu to truong Lan: phien 17/11 tai Xa An "
                        "Binh. Lai thang 11 cua ban 150.000 VND. Ngung nhac: "
                        "HUY NHAC");
    assert_string_equal(text_for(f, REMIND_OVERDUE, RFX_M2),
                        "NHCS: Khoan vay CN qua han 500.000 VND tu "
                        "30/09/2026. Xin tra som. Can giup: goi can bo xa "
                        "0912999999");
    assert_string_equal(text_for(f, REMIND_STATEMENT, RFX_M1),
                        "NHCS sao ke thang 10: du no 30.000.000, TK 0, lai "
                        "da dong 270.000 VND (1 phieu).");
    assert_string_equal(text_for(f, REMIND_STATEMENT, RFX_M5),
                        "NHCS sao ke thang 10: du no 0, TK 50.000, lai da "
                        "dong 0 VND (0 phieu).");
    assert_string_equal(text_for(f, REMIND_STATEMENT, RFX_M7),
                        "NHCS sao ke thang 11: du no 8.000.000, TK 0, lai "
                        "da dong 0 VND (1 phieu).");
    /* Paid (M4, M6), opted out (M3), no loan (M5), no leader (M8). */
    assert_null(text_for(f, REMIND_MEMBER, RFX_M3));
    assert_null(text_for(f, REMIND_MEMBER, RFX_M4));
    assert_null(text_for(f, REMIND_MEMBER, RFX_M5));
    assert_null(text_for(f, REMIND_MEMBER, RFX_M6));
    assert_null(text_for(f, REMIND_MEMBER, RFX_M8));
    /* Leaders without loans or savings get no statement. */
    assert_null(text_for(f, REMIND_STATEMENT, RFX_L1));
    /* What was queued is what was shown, marked once each. */
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox WHERE state ="
                                  " 'QUEUED'"),
                     11);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM remind_sent"), 11);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox WHERE kind ="
                                  " 'REMINDER' AND member_id = 11"),
                     1);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM remind_sent r JOIN"
                                  " outbox o ON o.id = r.outbox_id"),
                     11);
}

/* The scheduler's pause between communes: called after each commune's
 * transaction; false ends the pass with what was committed kept, and the
 * next pass queues the rest, nothing twice. */
static int gaps;

static bool stop_at_first(void *arg)
{
    (void)arg;
    gaps++;
    return false;
}

static bool go_on(void *arg)
{
    (void)arg;
    gaps++;
    return true;
}

static void test_between_communes(void **state)
{
    struct fx *f = *state;
    struct remind_result r;
    long long first;

    gaps = 0;
    f->o.between = stop_at_first;
    r = pass_at(f, "2026-11-14 08:00");
    assert_true(r.stopped);
    assert_int_equal(gaps, 1);
    first = count_sql(f, "SELECT count(*) FROM outbox");
    assert_true(first > 0 && first < 11);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM remind_sent"), first);
    f->o.between = go_on;
    r = pass_at(f, "2026-11-14 08:01");
    assert_false(r.stopped);
    assert_true(gaps >= 3); /* one per commune and kind with work */
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox"), 11);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM remind_sent"), 11);
    /* a dry run writes nothing and never pauses */
    gaps = 0;
    f->o.dry_run = true;
    (void)pass_at(f, "2026-11-14 08:02");
    assert_int_equal(gaps, 0);
}

static void test_once_only(void **state)
{
    struct fx *f = *state;
    struct remind_result r;
    unsigned k;

    (void)pass_at(f, "2026-11-14 08:00");
    r = pass_at(f, "2026-11-14 08:00"); /* the same minute again */
    for (k = 0; k < REMIND_KIND_COUNT; k++)
        assert_int_equal(r.count[k], 0);
    r = pass_at(f, "2026-11-15 10:00"); /* next day: catch-up finds none */
    for (k = 0; k < REMIND_KIND_COUNT; k++)
        assert_int_equal(r.count[k], 0);
    /* A restart: a new connection to the same file. */
    db_close(f->db);
    assert_int_equal(db_open(f->path, &f->db), GW_OK);
    r = pass_at(f, "2026-11-14 09:00");
    for (k = 0; k < REMIND_KIND_COUNT; k++)
        assert_int_equal(r.count[k], 0);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox"), 11);
    /* Even with the commune markers gone, the member markers hold. */
    assert_int_equal(member_fixture_sql(f->db, "DELETE FROM remind_done"),
                     GW_OK);
    r = pass_at(f, "2026-11-14 09:00");
    for (k = 0; k < REMIND_KIND_COUNT; k++)
        assert_int_equal(r.count[k], 0);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox"), 11);
}

static void test_leader_note(void **state)
{
    struct fx *f = *state;
    struct remind_result r = pass_at(f, "2026-11-16 08:00");

    assert_int_equal(r.count[REMIND_LEADER], 1); /* G2 has no leader */
    assert_string_equal(text_for(f, REMIND_LEADER, RFX_L1),
                        "NHCS: Mai 17/11 giao dich tai Xa An Binh. Con 3/4 "
                        "TV chua dong. DS xem danh sach, TONG xem tong.");
    /* Reminders missed on the 14th are caught up on the 16th. */
    assert_int_equal(r.count[REMIND_MEMBER], 2);
    /* M1 pays now: the count the next leader note would show drops, but
     * the note went out once. */
    assert_int_equal(
        member_fixture_sql(f->db,
                           "INSERT INTO collections (receipt_code,"
                           " member_id, leader_id, group_id, session_on,"
                           " interest, savings, principal, state, channel,"
                           " created_at, updated_at) VALUES ('R9', 11, 10, 1,"
                           " '2026-11-17', 275000, 0, 0, 'RECORDED', 'sms',"
                           " 0, 0)"),
        GW_OK);
    r = pass_at(f, "2026-11-16 13:00");
    assert_int_equal(r.count[REMIND_LEADER], 0);
}

static void test_opt_out(void **state)
{
    struct fx *f = *state;
    struct remind_result r;
    size_t i;

    /* L1 and M2 send HUY NHAC. */
    assert_int_equal(member_fixture_sql(f->db, "UPDATE members SET"
                                               " reminders = 0 WHERE code IN"
                                               " ('L1', 'M2')"),
                     GW_OK);
    r = pass_at(f, "2026-11-16 08:00");
    assert_int_equal(r.count[REMIND_LEADER], 0);
    assert_int_equal(r.count[REMIND_MEMBER], 1);  /* M1 only */
    assert_int_equal(r.count[REMIND_OVERDUE], 0); /* M2 opted out */
    for (i = 0; i < f->nseen; i++) {
        bool out = strcmp(f->seen[i].phone, RFX_M2) == 0 ||
                   strcmp(f->seen[i].phone, RFX_M3) == 0 ||
                   strcmp(f->seen[i].phone, RFX_L1) == 0;

        /* Statements still go to those who opted out. */
        if (out && f->seen[i].kind != REMIND_STATEMENT)
            fail_msg("%s got %s", f->seen[i].phone,
                     remind_kind_name(f->seen[i].kind));
    }
    assert_non_null(text_for(f, REMIND_STATEMENT, RFX_M2));
    assert_non_null(text_for(f, REMIND_STATEMENT, RFX_M3));
}

static void test_windows(void **state)
{
    static const struct {
        const char *at;
        bool open;
    } t[] = {
        {"2026-11-14 06:59", false}, {"2026-11-14 11:30", false},
        {"2026-11-14 12:59", false}, {"2026-11-14 17:00", false},
        {"2026-11-14 22:00", false},
    };
    struct fx *f = *state;
    struct remind_result r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        r = pass_at(f, t[i].at);
        assert_false(r.in_window);
        assert_int_equal(f->nseen, 0);
    }
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox"), 0);
    /* The next pass inside a window picks it up. */
    r = pass_at(f, "2026-11-14 13:00");
    assert_true(r.in_window);
    assert_int_equal(r.count[REMIND_MEMBER], 2);
}

static void test_dry_run(void **state)
{
    struct fx *f = *state;
    struct remind_result r;

    f->o.dry_run = true;
    r = pass_at(f, "2026-11-14 08:00");
    assert_int_equal(r.count[REMIND_MEMBER], 2);
    assert_int_equal(r.count[REMIND_STATEMENT], 8);
    assert_int_equal(f->nseen, 11);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM remind_sent"), 0);
    assert_int_equal(count_sql(f, "SELECT count(*) FROM remind_done"), 0);
    /* A dry run does not use up the real one. */
    f->o.dry_run = false;
    r = pass_at(f, "2026-11-14 08:00");
    assert_int_equal(r.count[REMIND_MEMBER], 2);
}

static void test_days_before_setting(void **state)
{
    struct fx *f = *state;
    struct remind_result r;

    f->set.days_before = 1;
    r = pass_at(f, "2026-11-14 08:00");
    assert_int_equal(r.count[REMIND_MEMBER], 0);
    assert_int_equal(r.count[REMIND_OVERDUE], 0);
    r = pass_at(f, "2026-11-16 08:00");
    assert_int_equal(r.count[REMIND_MEMBER], 2);
    assert_int_equal(r.count[REMIND_OVERDUE], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exact_pass, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_once_only, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_between_communes, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_leader_note, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_opt_out, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_windows, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_dry_run, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_days_before_setting, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
