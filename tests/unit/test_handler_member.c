/* test_handler_member.c - member SMS commands against a real schema
 *
 * The fixture (tests/support/member_fixture.c) has one member for each
 * reply form; texts are the shipped config/messages.conf with brand NHCS.
 * Every call checks that each reply goes to the sender alone and fits one
 * GSM-7 segment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "db/db.h"
#include "db/db_member.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/template.h"
#include "text/date.h"
#include "text/gsm7.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

struct fx {
    struct db *db;
    struct templates tpl;
    struct phrases phrases;
    struct handler_ctx ctx;
    struct reply out;
};

static const struct dt_date may10 = {2026, 5, 10};

static int fx_setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    char err[256];

    assert_int_equal(db_open(":memory:", &f->db), GW_OK);
    assert_int_equal(member_fixture_load(f->db), GW_OK);
    assert_int_equal(
        templates_load("config/messages.conf", &f->tpl, err, sizeof(err)),
        GW_OK);
    assert_int_equal(templates_set_brand(&f->tpl, "NHCS", "18001234"), GW_OK);
    f->ctx.tpl = &f->tpl;
    assert_int_equal(
        phrases_load("config/phrases.conf", &f->phrases, err, sizeof(err)),
        GW_OK);
    f->ctx.phrases = &f->phrases;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;

    templates_release(&f->tpl);
    phrases_release(&f->phrases);
    db_close(f->db);
    test_free(f);
    return 0;
}

/* Sends text from phone on day, in a transaction like the gateway's, and
 * checks the invariants every reply must keep. */
static const struct reply *send_on(struct fx *f, const char *phone,
                                   const char *text, struct dt_date day)
{
    struct sms_in in;
    size_t i, septets;

    memset(&in, 0, sizeof(in));
    in.provider = "log";
    in.channel = "sms";
    assert_int_equal(
        strv_copy(strv_from_cstr(phone), in.phone, sizeof(in.phone)), GW_OK);
    in.text = strv_from_cstr(text);
    in.today = day;
    in.now = date_to_days(&day) * 86400 + 3 * 3600;
    assert_int_equal(db_begin(f->db), GW_OK);
    assert_int_equal(handle_sms(f->db, &f->ctx, &in, &f->out), GW_OK);
    assert_int_equal(db_commit(f->db), GW_OK);
    for (i = 0; i < f->out.nmsgs; i++) {
        const struct out_msg *m = &f->out.msgs[i];

        assert_string_equal(m->phone, phone); /* the sender, no one else */
        assert_string_equal(m->kind, "REPLY");
        assert_int_equal(gsm7_septets(m->text, strlen(m->text), &septets),
                         GW_OK);
        assert_true(septets <= DT_SMS_MAX);
    }
    return &f->out;
}

static const struct reply *send(struct fx *f, const char *phone,
                                const char *text)
{
    return send_on(f, phone, text, may10);
}

static void expect(struct fx *f, const char *phone, const char *text,
                   const char *want)
{
    const struct reply *r = send(f, phone, text);

    assert_int_equal(r->nmsgs, 1);
    assert_string_equal(r->msgs[0].text, want);
}

/* ---- SD / BAL ---- */

static void test_sd_one_loan(void **state)
{
    struct fx *f = *state;
    struct db_caller c;

    expect(f, FIX_ONE, "SD",
           "NHCS: Vay HN con no 50.000.000 VND. Lai phien 17/05: 275.000 "
           "VND. Tiet kiem 1.240.000 VND.");
    assert_int_equal(db_member_by_phone(f->db, FIX_ONE, &c), GW_OK);
    assert_int_equal(f->out.msgs[0].member_id, c.id);
    expect(f, FIX_ONE, "bal",
           "NHCS: Vay HN con no 50.000.000 VND. Lai phien 17/05: 275.000 "
           "VND. Tiet kiem 1.240.000 VND.");
}

/* Recorded (RECORDED, CONFIRMED) but not booked: 198.000 + 50.000 +
 * 20.000 + 1.000.000; the POSTED and VOIDED ones are not pending. */
static void test_sd_pending(void **state)
{
    struct fx *f = *state;

    expect(f, FIX_PENDING, "sd",
           "NHCS: Vay CN no 30.000.000. Lai phien 17/05: 198.000. TK "
           "300.000. Da dong chua hach toan 1.268.000 (VND)");
}

/* Two open loans (the closed one left out): each by programme with its
 * outstanding, largest first. */
static void test_sd_multi(void **state)
{
    struct fx *f = *state;

    expect(f, FIX_MULTI, "SD",
           "NHCS: Vay NSVSMT 25.000.000, HN 20.000.000. Lai phien 17/05: "
           "297.500 VND. Tiet kiem 2.000.000 VND.");
    assert_int_equal(member_fixture_collection(f->db, "TV03", "M3M3M3",
                                               "2026-05-17", 297500, 100000, 0,
                                               "RECORDED", 1778986800),
                     GW_OK);
    expect(f, FIX_MULTI, "SD",
           "NHCS: Vay NSVSMT 25.000.000, HN 20.000.000. Lai 17/05: 297.500. "
           "TK 2.000.000. Cho hach toan 397.500 (VND)");
}

/* The worst case the data allows: many loans with 12-character
 * programmes and the largest amounts (their interest due summing to the
 * largest amount), savings and pending: the largest loans that fit,
 * "+N khoan khac: SD 2" for the rest, one segment; SD 2 lists them. */
static void test_sd_many_loans(void **state)
{
    struct fx *f = *state;
    const struct reply *r;

    assert_int_equal(member_fixture_many_loans(f->db, "TV03", 9, 11000000000),
                     GW_OK);
    assert_int_equal(
        member_fixture_sql(f->db, "UPDATE savings SET balance = 99999999999"),
        GW_OK);
    assert_int_equal(member_fixture_collection(f->db, "TV03", "M9M9M9",
                                               "2026-05-17", 0, 99000000000, 0,
                                               "RECORDED", 1778986800),
                     GW_OK);
    r = send(f, FIX_MULTI, "SD");
    assert_int_equal(r->nmsgs, 1);
    assert_true(strlen(r->msgs[0].text) <= DT_SMS_MAX);
    assert_non_null(strstr(r->msgs[0].text, "Vay PROGRAMME000 99.999.999.999"));
    assert_non_null(strstr(r->msgs[0].text, " +"));
    assert_non_null(strstr(r->msgs[0].text, " khoan khac: SD 2."));
    assert_non_null(strstr(r->msgs[0].text, "Cho hach toan"));
    /* SD 2: the rest, from the next largest, one segment too. */
    r = send(f, FIX_MULTI, "SD 2");
    assert_int_equal(r->nmsgs, 1);
    assert_true(strlen(r->msgs[0].text) <= DT_SMS_MAX);
    assert_non_null(strstr(r->msgs[0].text, "Cac khoan vay khac: PROGRAMME00"));
    assert_null(strstr(r->msgs[0].text, "PROGRAMME000 "));
    /* One page was enough: SD 2 says so; SD x is the syntax. */
    r = send(f, FIX_ONE, "SD 2");
    assert_non_null(strstr(r->msgs[0].text, "da ghi du"));
    r = send(f, FIX_ONE, "SD 3");
    assert_non_null(strstr(r->msgs[0].text, "SD"));
}

static void test_sd_no_loan(void **state)
{
    struct fx *f = *state;

    expect(f, FIX_NOLOAN, "SD",
           "NHCS: Ban khong co khoan vay nao. Tiet kiem 500.000 VND.");
    expect(f, FIX_EMPTY, "SD",
           "NHCS: Ban khong co khoan vay nao. Tiet kiem 0 VND.");
}

/* The widest figures the data allows still fit one segment. */
static void test_sd_widest_values(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        member_fixture_sql(
            f->db, "UPDATE loans SET program = 'ABCDEFGHIJKL',"
                   " outstanding = 99999999999, interest_due = 99999999999"
                   " WHERE code = 'L2';"
                   "UPDATE savings SET balance = 99999999999 WHERE member_id ="
                   " (SELECT id FROM members WHERE code = 'TV02');"
                   "UPDATE collections SET interest = 33333333333, savings ="
                   " 33333333333, principal = 33333333333;"
                   "UPDATE collections SET state = 'POSTED'"
                   " WHERE receipt_code = 'K7Q2M9';"),
        GW_OK);
    expect(f, FIX_PENDING, "SD",
           "NHCS: Vay ABCDEFGHIJKL no 99.999.999.999. Lai phien 17/05: "
           "99.999.999.999. TK 99.999.999.999. Da dong chua hach toan "
           "99.999.999.999 (VND)");
}

/* The next session: this month's until the day has passed. */
static void test_sd_session_date(void **state)
{
    static const struct {
        struct dt_date today;
        const char *session;
    } t[] = {
        {{2026, 5, 1}, "17/05"},  {{2026, 5, 16}, "17/05"},
        {{2026, 5, 17}, "17/05"}, {{2026, 5, 18}, "17/06"},
        {{2026, 5, 31}, "17/06"}, {{2026, 12, 18}, "17/01"},
        {{2027, 2, 28}, "17/03"},
    };
    struct fx *f = *state;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        const struct reply *r = send_on(f, FIX_ONE, "SD", t[i].today);

        assert_int_equal(r->nmsgs, 1);
        assert_non_null(strstr(r->msgs[0].text, t[i].session));
    }
}

/* ---- TK / SAV ---- */

static void test_tk(void **state)
{
    struct fx *f = *state;

    expect(f, FIX_ONE, "TK",
           "NHCS: So du tiet kiem to vien cua ban: 1.240.000 VND.");
    expect(f, FIX_PENDING, "sav",
           "NHCS: So du tiet kiem 300.000 VND. Da dong cho to truong, ngan "
           "hang chua hach toan: 70.000 VND.");
    expect(f, FIX_EMPTY, "tk", "NHCS: So du tiet kiem to vien cua ban: 0 VND.");
}

/* ---- LAI / DUE ---- */

static void test_lai(void **state)
{
    struct fx *f = *state;

    expect(f, FIX_ONE, "LAI",
           "NHCS: Phien 17/05 dong lai 275.000 VND. Ky tra goc 17/11/2026: "
           "10.000.000 VND.");
    expect(f, FIX_PENDING, "due",
           "NHCS: Phien 17/05 dong lai 198.000 VND. Chua den ky tra goc.");
    /* Two loans due 17/08: summed; the closed loan's 17/06 ignored. */
    expect(f, FIX_MULTI, "Lãi",
           "NHCS: Phien 17/05 lai 297.500. Goc 17/08/2026: 7.500.000. QUA "
           "HAN 1.500.000 VND, xin tra som.");
    expect(f, FIX_NOLOAN, "LAI", "NHCS: Ban khong co khoan vay nao dang no.");
}

static void test_lai_overdue_no_principal(void **state)
{
    struct fx *f = *state;

    assert_int_equal(member_fixture_sql(f->db,
                                        "UPDATE loans SET overdue_amount ="
                                        " 400000 WHERE code = 'L2'"),
                     GW_OK);
    expect(f, FIX_PENDING, "LAI",
           "NHCS: Phien 17/05 dong lai 198.000 VND. QUA HAN 400.000 VND, "
           "xin tra som.");
}

/* ---- LS / HIST ---- */

static void test_ls(void **state)
{
    struct fx *f = *state;

    /* Newest three of four, with their states. */
    expect(f, FIX_PENDING, "LS",
           "NHCS: 17/05 K7Q2M9 1.020.000 cho XN; 17/04 G8H9J2 248.000 da "
           "XN; 17/04 D5E6F7 198.000 da huy");
    expect(f, FIX_ONE, "hist", "NHCS: Chua co lan dong tien nao duoc ghi.");
    assert_int_equal(member_fixture_collection(f->db, "TV01", "P2P2P2",
                                               "2026-04-17", 275000, 20000, 0,
                                               "POSTED", 1776394800),
                     GW_OK);
    assert_int_equal(member_fixture_collection(f->db, "TV01", "U3U3U3",
                                               "2026-05-17", 275000, 0, 0,
                                               "UNPOSTED", 1778986800),
                     GW_OK);
    expect(f, FIX_ONE, "LS",
           "NHCS LS: 17/05 U3U3U3 275.000 CHUA NOP; 17/04 P2P2P2 295.000 NH "
           "da nhan");
    assert_int_equal(member_fixture_sql(f->db, "DELETE FROM collections WHERE"
                                               " receipt_code = 'U3U3U3'"),
                     GW_OK);
    expect(f, FIX_ONE, "LS", "NHCS LS: 17/04 P2P2P2 295.000 NH da nhan");
}

/* ---- HUY NHAC / STOP and its undo ---- */

static void assert_consent(struct fx *f, const char *phone, int reminders,
                           int campaigns)
{
    struct db_caller c;

    assert_int_equal(db_member_by_phone(f->db, phone, &c), GW_OK);
    assert_int_equal(c.reminders, reminders);
    assert_int_equal(c.campaigns, campaigns);
}

static void test_stop_and_undo(void **state)
{
    static const char stop_ok[] =
        "NHCS: Da ngung tin nhac no. Bien lai thu tien van duoc gui. Muon "
        "nhan lai: DK NHAC";
    static const char start_ok[] =
        "NHCS: Da bat lai tin nhac no. Ngung nhac: HUY NHAC";
    struct fx *f = *state;
    long long n = 0;

    assert_consent(f, FIX_ONE, 1, 1);
    expect(f, FIX_ONE, "huỷ nhắc", stop_ok);
    assert_consent(f, FIX_ONE, 0, 0);
    expect(f, FIX_ONE, "STOP", stop_ok); /* again: same answer */
    assert_consent(f, FIX_ONE, 0, 0);
    expect(f, FIX_ONE, "dk nhac", start_ok);
    /* Advertising needs its own opt-in: campaigns stay off. */
    assert_consent(f, FIX_ONE, 1, 0);
    expect(f, FIX_ONE, "START", start_ok);
    assert_consent(f, FIX_ONE, 1, 0);
    /* Each change is in the audit log, with before and after. */
    assert_int_equal(
        member_fixture_int(f->db,
                           "SELECT count(*) FROM audit WHERE action ="
                           " 'consent' AND phone = '" FIX_ONE "'",
                           &n),
        GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        member_fixture_int(f->db,
                           "SELECT count(*) FROM audit WHERE before ="
                           " 'reminders=1 campaigns=1' AND after ="
                           " 'reminders=0 campaigns=0' AND object = 'TV01'",
                           &n),
        GW_OK);
    assert_int_equal(n, 1);
}

/* ---- unknown numbers ---- */

static void test_unknown_once_a_day(void **state)
{
    static const char want[] =
        "NHCS: So nay chua dang ky dich vu tin nhan vay von. Hay lien he to "
        "truong hoac can bo ngan hang xa. Hoi: 18001234";
    struct fx *f = *state;
    const struct dt_date may11 = {2026, 5, 11};
    const struct reply *r;

    expect(f, FIX_UNKNOWN, "SD", want);
    assert_int_equal(f->out.msgs[0].member_id, 0);
    r = send(f, FIX_UNKNOWN, "SD");
    assert_int_equal(r->nmsgs, 0);
    r = send(f, FIX_UNKNOWN, "HELP");
    assert_int_equal(r->nmsgs, 0);
    r = send_on(f, FIX_UNKNOWN, "SD", may11);
    assert_int_equal(r->nmsgs, 1);
    assert_string_equal(r->msgs[0].text, want);
    r = send_on(f, FIX_UNKNOWN, "", may11);
    assert_int_equal(r->nmsgs, 0);
    /* Not a Vietnamese mobile: never an answer, nothing recorded. */
    r = send(f, "", "SD");
    assert_int_equal(r->nmsgs, 0);
    assert_string_equal(r->stored_text, "SD");
}

/* ---- her own words ---- */

/* However she writes it, she gets the very reply of the keyword. */
static void test_own_words_same_reply(void **state)
{
    static const struct {
        const char *keyword;
        const char *said[4];
    } rows[] = {
        {"SD", {"Số dư ạ", "cho em xem so du nhe", "sos duw", "so du?"}},
        {"TK", {"tiền tiết kiệm", "tiet kiem a", "tie6t1 kie65m", "tiet kim"}},
        {"LAI", {"Tiền lãi tháng này", "ky tra", "phai dong bao nhieu", "lia"}},
        {"LS", {"lịch sử giao dịch", "giao dich", "lichj suwr", "giao dihc"}},
        {"HD", {"hướng dẫn", "alo", "?", "huong dna"}},
        {"SD 2", {"xem so du 2", "so du 2 a", "so61 du7 2", "sdu 2"}},
    };
    struct fx *f = *state;
    char want[DT_SMS_MAX + 1];
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        const struct reply *r = send(f, FIX_MULTI, rows[i].keyword);

        assert_int_equal(r->nmsgs, 1);
        (void)snprintf(want, sizeof(want), "%s", r->msgs[0].text);
        for (j = 0; j < ARRAY_SIZE(rows[i].said); j++) {
            r = send(f, FIX_MULTI, rows[i].said[j]);
            assert_int_equal(r->nmsgs, 1);
            if (strcmp(r->msgs[0].text, want) != 0)
                fail_msg("\"%s\" gave \"%s\", want the %s reply \"%s\"",
                         rows[i].said[j], r->msgs[0].text, rows[i].keyword,
                         want);
        }
    }
}

/* Not understood: one segment that proposes the likeliest command for
 * her role, named as config/phrases.conf names it. */
static void test_suggestion(void **state)
{
    struct fx *f = *state;

    expect(f, FIX_ONE, "xyz",
           "NHCS: Chua hieu tin nhan. Co phai ban muon xem so du vay va tiet "
           "kiem? Nhan SD. Nhan HD de xem cac lenh khac.");
    expect(f, FIX_ONE, "bai",
           "NHCS: Chua hieu tin nhan. Co phai ban muon xem ky tra lai va goc "
           "toi? Nhan LAI. Nhan HD de xem cac lenh khac.");
    expect(f, FIX_LEADER, "7 275000 20000 1234",
           "NHCS: Chua hieu tin nhan. Co phai ban muon ghi thu tien to vien? "
           "Nhan THU. Nhan HD de xem cac lenh khac.");
    /* the PIN-looking words of a leader's text are not kept */
    assert_null(strstr(f->out.stored_text, "1234"));
    /* a slip near a money command: its syntax, nothing recorded */
    expect(f, FIX_LEADER, "THUU 7 275000 20000 1234",
           "NHCS: Ghi thu: THU stt lai tk PIN, vd THU 7 275000 20000 1234; "
           "khong gui TK ghi 0; them goc: THU 7 275k 0 G2tr 1234");
}

/* ---- privacy ---- */

/* Each member's reply carries her own figures only: nothing of another
 * member's loans, savings or receipts. */
static void test_no_cross_member_figures(void **state)
{
    static const char *const phones[] = {FIX_ONE,    FIX_PENDING, FIX_MULTI,
                                         FIX_NOLOAN, FIX_EMPTY,   FIX_LEADER};
    static const char *const cmds[] = {"SD", "TK", "LAI", "LS", "HD", "xyz"};
    struct fx *f = *state;
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(phones); i++)
        for (j = 0; j < ARRAY_SIZE(cmds); j++) {
            const struct reply *r = send(f, phones[i], cmds[j]);

            assert_int_equal(r->nmsgs, 1);
            if (i != 1)
                assert_null(strstr(r->msgs[0].text, "K7Q2M9"));
            if (i != 2)
                assert_null(strstr(r->msgs[0].text, "2.000.000"));
            if (i != 0)
                assert_null(strstr(r->msgs[0].text, "1.240.000"));
        }
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
        T(test_sd_one_loan),
        T(test_sd_pending),
        T(test_sd_multi),
        T(test_sd_many_loans),
        T(test_sd_no_loan),
        T(test_sd_widest_values),
        T(test_sd_session_date),
        T(test_tk),
        T(test_lai),
        T(test_lai_overdue_no_principal),
        T(test_ls),
        T(test_stop_and_undo),
        T(test_unknown_once_a_day),
        T(test_own_words_same_reply),
        T(test_suggestion),
        T(test_no_cross_member_figures),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
