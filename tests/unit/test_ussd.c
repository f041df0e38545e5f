/* test_ussd.c - the USSD menus: every screen, navigation, bad and
 * oversized input, the screen limit, PIN scrubbing, the idle timeout
 *
 * The fixture (tests/support/member_fixture.c) has a leader (TV09) and
 * members TV01..TV05 in group G01; FIX_ONE is TV01 with one HN loan.
 * Every hop goes through walk(), which checks the invariants every screen
 * keeps: CON/END screen of 1..182 printable ASCII characters (and line
 * breaks), and no PIN in the screen, the stored path or the dedup key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/strv.h"
#include "common/util.h"
#include "config/config.h"
#include "db/db.h"
#include "gateway/ussd.h"
#include "gateway/ussd_session.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/template.h"
#include "handlers/ussd.h"
#include "text/date.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

#define PIN "4821"
#define NEW_PIN "5555"
#define NEW_PIN2 "5556"
#define S "****" /* a starred PIN */

struct fx {
    struct db *db;
    struct templates tpl;
    struct phrases phrases;
    struct dt_config cfg;
    struct handler_ctx ctx;
    struct ussd_step step;
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
    config_defaults(&f->cfg);
    f->ctx.cfg = &f->cfg;
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

static void init_hop(struct ussd_hop *hop, const char *phone, const char *text,
                     size_t len, size_t skip)
{
    memset(hop, 0, sizeof(*hop));
    hop->provider = "africastalking";
    hop->session_id = "ATUid_test_1";
    assert_int_equal(
        strv_copy(strv_from_cstr(phone), hop->phone, sizeof(hop->phone)),
        GW_OK);
    hop->text = strv_make(text, len);
    hop->skip = skip;
    hop->today = may10;
    hop->now = date_to_days(&may10) * 86400 + 3 * 3600;
}

static void no_secret(const char *s)
{
    assert_null(strstr(s, PIN));
    assert_null(strstr(s, NEW_PIN));
    assert_null(strstr(s, NEW_PIN2));
}

/* The invariants of every answer. */
static void check_step(const struct ussd_step *st)
{
    size_t i, n = strlen(st->screen);

    if (!st->write) {
        assert_true(n >= 1);
        assert_true(n <= DT_USSD_SCREEN_MAX);
        for (i = 0; i < n; i++)
            assert_true(st->screen[i] == '\n' ||
                        (st->screen[i] >= 0x20 && st->screen[i] < 0x7f));
        assert_int_equal(st->command[0], '\0'); /* read commands wiped */
    }
    no_secret(st->screen);
    no_secret(st->stored);
    no_secret(st->key);
}

static struct ussd_step *walk_len(struct fx *f, const char *phone,
                                  const char *text, size_t len, size_t skip)
{
    struct ussd_hop hop;

    init_hop(&hop, phone, text, len, skip);
    assert_int_equal(ussd_walk(f->db, &f->ctx, &hop, &f->step), GW_OK);
    check_step(&f->step);
    return &f->step;
}

static struct ussd_step *walk(struct fx *f, const char *phone, const char *text)
{
    return walk_len(f, phone, text, strlen(text), 0);
}

/* Expected answer: CON, END or a write with its command; words that must
 * all be in the screen (or the command). */
enum want { CON, END, WRITE };

struct row {
    const char *text;
    enum want want;
    const char *words[3];
};

static void run_rows(struct fx *f, const char *phone, const struct row *t,
                     size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        const struct ussd_step *st = walk(f, phone, t[i].text);
        const char *hay = t[i].want == WRITE ? st->command : st->screen;

        if (t[i].want == WRITE) {
            assert_true(st->write);
        } else {
            assert_false(st->write);
            if (st->end != (t[i].want == END))
                fail_msg("path '%s': want %s, got '%s'", t[i].text,
                         t[i].want == END ? "END" : "CON", st->screen);
        }
        for (j = 0; j < ARRAY_SIZE(t[i].words) && t[i].words[j]; j++)
            if (strstr(hay, t[i].words[j]) == NULL)
                fail_msg("path '%s': '%s' not in '%s'", t[i].text,
                         t[i].words[j], hay);
    }
}

/* Words typed on the home screen: a command that only reads runs, as
 * its SMS would; anything that writes, or nothing understood, asks the
 * menu again. */
static void test_home_words(void **state)
{
    static const struct row member[] = {
        {"so du", END, {"Vay HN", "50.000.000"}},
        {"Số dư ạ", END, {"Vay HN", "50.000.000"}},
        {"SD", END, {"Vay HN"}},
        {"tien lai", END, {"dong lai 275.000"}},
        {"lichj suwr", END, {"Chua co lan dong"}},
        {"xac nhan", CON, {"1 So du"}}, /* writes: the menu asks */
        {"sai roi", CON, {"1 So du"}},
        {"xyz", CON, {"1 So du"}},
        {"so du*1", END, {"Vay HN"}}, /* inputs after END unread */
        {"xyz*1", END, {"Vay HN"}},   /* asked again, then 1 */
    };
    static const struct row leader[] = {
        {"danh sach", END, {""}},
        {"tong thu", END, {""}},
        {"THU 7 275000 20000 1234", CON, {"1 "}}, /* money: its menu */
        {"nop", CON, {"1 "}},
    };
    struct fx *f = *state;

    run_rows(f, FIX_ONE, member, ARRAY_SIZE(member));
    run_rows(f, FIX_LEADER, leader, ARRAY_SIZE(leader));
    /* the leader's list and totals are the SMS replies, word for word */
    walk(f, FIX_LEADER, "danh sach");
    assert_non_null(strstr(f->step.screen, "NHCS"));
}

static void test_member_screens(void **state)
{
    static const struct row t[] = {
        {"", CON, {"1 So du", "5 Huong dan", "\n4 Xac nhan"}},
        {"1", END, {"Vay HN", "50.000.000"}},
        {"2", END, {"dong lai 275.000", "17/11/2026"}},
        {"3", END, {"Chua co lan dong"}},
        {"4", CON, {"Nhap ma phieu"}},
        {"4*K7Q2M9", CON, {"Phieu K7Q2M9", "1 Dung", "2 Sai"}},
        {"4* k7q2m9 ", CON, {"Phieu K7Q2M9"}},
        {"4*K7Q2M9*1", WRITE, {"XN K7Q2M9"}},
        {"4*k7q2m9*2", WRITE, {"SAI K7Q2M9"}},
        {"5", END, {"SD so du", "HUY NHAC"}},
        /* wrong entries: hint, then the same screen */
        {"6", CON, {"Chon mot so", "1 So du"}},
        {"x", CON, {"Chon mot so", "1 So du"}},
        {"11", CON, {"Chon mot so"}},
        {"4*K7Q", CON, {"6 ky tu", "Nhap ma phieu"}},
        {"4*K7Q2M9X", CON, {"6 ky tu"}},
        {"4*K7Q2M9*3", CON, {"Chon mot so", "Phieu K7Q2M9"}},
        /* a wrong entry not last is simply not kept */
        {"6*1", END, {"Vay HN"}},
        {"4*K7Q*K7Q2M9", CON, {"Phieu K7Q2M9"}},
        /* navigation */
        {"0", END, {"Cam on"}},
        {"4*0", CON, {"1 So du"}},
        {"4*K7Q2M9*0", CON, {"Nhap ma phieu"}},
        {"4*K7Q2M9*00", CON, {"1 So du"}},
        {"4*00*1", END, {"Vay HN"}},
        {"4*K7Q2M9*0*0*2", END, {"dong lai"}},
        /* inputs after a closing screen are not answers */
        {"1*2", END, {"Vay HN"}},
    };

    /* Her own receipt: she confirms what she sees, its amounts. Another
     * member's code shows nothing of it. */
    static const struct row pending[] = {
        {"4*K7Q2M9",
         CON,
         {"Phieu K7Q2M9 ngay 17/05", "Lai 0 TK 20.000 goc 1.000.000 VND",
          "1 Dung, XN"}},
        {"4*A2B3C4", CON, {"Phieu A2B3C4 ngay 17/03", "Lai 198.000"}},
    };
    static const struct row other[] = {
        {"4*K7Q2M9", CON, {"Phieu K7Q2M9\n1 Dung, xac nhan"}},
    };

    run_rows(*state, FIX_ONE, t, ARRAY_SIZE(t));
    run_rows(*state, FIX_PENDING, pending, ARRAY_SIZE(pending));
    run_rows(*state, FIX_ONE, other, ARRAY_SIZE(other));
}

static void test_leader_screens(void **state)
{
    static const struct row t[] = {
        {"", CON, {"to truong", "1 Ghi thu", "5 Them"}},
        {"1", CON, {"so thu tu"}},
        {"1*1", CON, {"TV1 Nguyen Thi Hoa", "Lai 275.000", "1 Khong thu"}},
        {"1*1*275000", CON, {"tiet kiem", "lai 275.000", "1 Khong gui"}},
        {"1*1*275k", CON, {"lai 275.000"}},
        /* under 1.000 VND: a missing k, asked again with its own hint */
        {"1*1*385", CON, {"Duoi 1.000 VND? Nhap vd 385k.", "Lai 275.000"}},
        {"1*1*275000*999", CON, {"Duoi 1.000 VND?", "tiet kiem"}},
        {"1*1*275000*20000", CON, {"du no 50.000.000", "1 Khong tra goc"}},
        {"1*1*275000*20000*1", CON, {"Nhap ma PIN"}},
        {"1*1*275000*20000*5tr*" PIN "*1",
         WRITE,
         {"THU 1 275000 20000 G5000000 " PIN}},
        {"1*1*1*1*2tr*" PIN, CON, {"Goc 2.000.000 VND", "1 Dong y"}},
        {"1*1*275000*20000*1*" PIN,
         CON,
         {"Ghi thu TV1 Nguyen Thi Hoa", "Lai 275.000 VND", "TK 20.000 VND"}},
        {"1*1*275000*20000*1*" PIN "*1", WRITE, {"THU 1 275000 20000 " PIN}},
        {"1*1*1*20000*1*" PIN "*1", WRITE, {"THU 1 0 20000 " PIN}},
        {"1*1*275000*1*1*" PIN "*1", WRITE, {"THU 1 275000 0 " PIN}},
        {"1*1*2tr*1*1*" PIN "*1", WRITE, {"THU 1 2000000 0 " PIN}},
        {"2", END, {"NHCS"}},
        {"3", END, {"NHCS"}},
        {"4", CON, {"Huy phieu", "ma phieu"}},
        {"4*K7Q2M9", CON, {"Huy phieu K7Q2M9", "PIN"}},
        {"4*K7Q2M9*" PIN, WRITE, {"HUYTHU K7Q2M9 " PIN}},
        {"5", CON, {"1 Nop ngan hang", "2 Doi ma PIN", "4 Huong dan"}},
        {"5*1", CON, {"Nop ngan hang", "PIN"}},
        {"5*1*" PIN, WRITE, {"NOP " PIN}},
        {"5*2", CON, {"PIN cu"}},
        {"5*2*" PIN, CON, {"PIN moi"}},
        {"5*2*" PIN "*" NEW_PIN, CON, {"Nhap lai PIN moi"}},
        {"5*2*" PIN "*" NEW_PIN "*" NEW_PIN, WRITE, {"MK " PIN " " NEW_PIN}},
        {"5*3", END, {"khong co khoan vay"}},
        {"5*4", END, {"to truong", "THU"}},
        /* wrong entries */
        {"1*7", CON, {"Khong co so thu tu", "so thu tu"}},
        {"1*0001", CON, {"Khong co so thu tu"}},
        {"1*1000", CON, {"Khong co so thu tu"}},
        {"1*abc", CON, {"Khong co so thu tu"}},
        {"1*1*abc", CON, {"So tien khong dung", "TV1"}},
        {"1*1*-5", CON, {"So tien khong dung"}},
        {"1*1*999999999999", CON, {"So tien khong dung"}},
        {"1*1*1*1", CON, {"Nhap tien goc"}},
        {"1*1*1*1*1", CON, {"deu bang 0", "Nhap tien goc"}},
        {"1*1*275000*20000*1*12", CON, {"4-6 chu so", "Nhap ma PIN"}},
        {"1*1*275000*20000*1*1234567", CON, {"4-6 chu so"}},
        {"1*1*275000*20000*1*" PIN "*2", CON, {"Chon mot so", "Ghi thu TV1"}},
        {"1*1*275000*20000*1*" PIN "*" PIN, CON, {"Chon mot so"}},
        {"4*12", CON, {"6 ky tu"}},
        {"5*9", CON, {"Chon mot so", "Nop ngan hang"}},
        {"5*2*" PIN "*" NEW_PIN "*" NEW_PIN2, CON, {"khac nhau", "Nhap lai"}},
        {"5*2*" PIN "*12", CON, {"4-6 chu so", "PIN moi"}},
        /* navigation */
        {"1*1*275000*20000*1*" PIN "*0", CON, {"Nhap ma PIN"}},
        {"1*1*275000*20000*1*" PIN "*00", CON, {"1 Ghi thu"}},
        {"1*1*275000*20000*1*" PIN "*0*0*0*0*0*0", CON, {"1 Ghi thu"}},
        {"1*1*275000*20000*1*" PIN "*0*0*0*0*0*0*0", END, {"Cam on"}},
        {"1*1*0*2", CON, {"TV2 Le Thi Mai", "Lai 198.000"}},
        {"5*2*" PIN "*0*" NEW_PIN, CON, {"PIN moi"}},
    };

    run_rows(*state, FIX_LEADER, t, ARRAY_SIZE(t));
}

/* The flows with the path that walks each to its end. */
static const struct flow {
    const char *phone;
    const char *steps[7];
} flows[] = {
    {FIX_LEADER, {"1", "1", "275000", "20000", "1", PIN, "1"}},
    {FIX_LEADER, {"4", "K7Q2M9", PIN}},
    {FIX_LEADER, {"5", "1", PIN}},
    {FIX_LEADER, {"5", "2", PIN, NEW_PIN, NEW_PIN}},
    {FIX_ONE, {"4", "K7Q2M9", "1"}},
};

static void join(const char *const *steps, size_t n, const char *tail,
                 char *out, size_t size)
{
    struct buf b;
    size_t i;

    buf_init(&b, size - 1);
    for (i = 0; i < n; i++) {
        if (i)
            assert_int_equal(buf_putc(&b, '*'), GW_OK);
        assert_int_equal(buf_puts(&b, steps[i]), GW_OK);
    }
    if (tail) {
        if (n)
            assert_int_equal(buf_putc(&b, '*'), GW_OK);
        assert_int_equal(buf_puts(&b, tail), GW_OK);
    }
    assert_int_equal(strv_copy(strv_make(buf_cstr(&b), b.len), out, size),
                     GW_OK);
    buf_release(&b);
}

/* At every depth of every flow: '0' shows the screen one step up, '00'
 * the home screen, and a wrong entry keeps the screen. */
static void test_back_and_home(void **state)
{
    struct fx *f = *state;
    char path[256], home[USSD_SCREEN_SIZE], up[USSD_SCREEN_SIZE];
    size_t i, d, n;

    for (i = 0; i < ARRAY_SIZE(flows); i++) {
        const struct flow *fl = &flows[i];

        for (n = 0; n < ARRAY_SIZE(fl->steps) && fl->steps[n]; n++)
            ;
        memcpy(home, walk(f, fl->phone, "")->screen, sizeof(home));
        for (d = 1; d < n; d++) {
            join(fl->steps, d - 1, NULL, path, sizeof(path));
            memcpy(up, walk(f, fl->phone, path)->screen, sizeof(up));
            join(fl->steps, d, "0", path, sizeof(path));
            assert_string_equal(walk(f, fl->phone, path)->screen, up);
            join(fl->steps, d, "00", path, sizeof(path));
            assert_string_equal(walk(f, fl->phone, path)->screen, home);
            /* home, then the whole flow again from there */
            join(fl->steps, d, "00", path, sizeof(path));
            assert_true(strlen(path) + 2 < sizeof(path));
            join(fl->steps, n, NULL, up, sizeof(up));
            (void)snprintf(path + strlen(path), sizeof(path) - strlen(path),
                           "*%s", up);
            assert_true(walk(f, fl->phone, path)->write);
        }
        join(fl->steps, n, NULL, path, sizeof(path));
        assert_true(walk(f, fl->phone, path)->write);
    }
}

/* PINs are starred in what is stored, wherever they were typed. */
static void test_stored_path(void **state)
{
    static const struct {
        const char *phone, *text, *stored;
    } t[] = {
        {FIX_LEADER, "1*1*275000*20000*1*" PIN "*1",
         "1*1*275000*20000*1*" S "*1"},
        {FIX_LEADER, "1*1*275000*20000*1*" PIN "*0*" PIN "*1",
         "1*1*275000*20000*1*" S "*0*" S "*1"},
        /* a PIN of bad syntax on a PIN screen is starred too */
        {FIX_LEADER, "5*1*12", "5*1*" S},
        /* typed on the wrong screen */
        {FIX_LEADER, "1*" PIN, "1*" S},
        {FIX_LEADER, "5*2*" PIN "*" NEW_PIN "*" NEW_PIN, "5*2*" S "*" S "*" S},
        {FIX_LEADER, "4*K7Q2M9*" PIN, "4*K7Q2M9*" S},
        /* after a closing screen: not read, not stored */
        {FIX_LEADER, "2*" PIN, "2"},
        {FIX_LEADER, "5*1*" PIN "*1*" PIN, "5*1*" S},
        {FIX_ONE, "4*K7Q2M9*1", "4*K7Q2M9*1"},
        {FIX_UNKNOWN, "1*" PIN, "1*" S},
        {FIX_LEADER, "1*\x01\xc3\xa9", "1*???"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        const struct ussd_step *st = walk(*state, t[i].phone, t[i].text);

        assert_string_equal(st->stored, t[i].stored);
        assert_true(strncmp(st->key, "ATUid_test_1:", 13) == 0);
        assert_int_equal(strlen(st->key), 13 + 16);
    }
}

/* The same final hop gives the same key; any other hop another one. */
static void test_dedup_key(void **state)
{
    struct fx *f = *state;
    char k1[USSD_KEY_SIZE];

    memcpy(k1, walk(f, FIX_LEADER, "1*1*275000*20000*1*" PIN "*1")->key,
           sizeof(k1));
    assert_string_equal(
        walk(f, FIX_LEADER, "1*1*275000*20000*1*" PIN "*1")->key, k1);
    assert_string_not_equal(
        walk(f, FIX_LEADER, "1*1*275000*20000*1*" PIN "*0*" PIN "*1")->key, k1);
    assert_string_not_equal(walk(f, FIX_LEADER, "1*1*275000*20000*1*" PIN)->key,
                            k1);
    /* Regression: the final hop repeated with more inputs after its END
     * (a sloppy aggregator, or a tester) recorded the collection again
     * under a new key. Past the END nothing is read, so the key is the
     * same and the gateway answers from the stored reply. */
    {
        static const char *const tails[] = {"*1",      "*0", "*00",
                                            "*7*" PIN, "**", "*x"};
        size_t i;
        char text[96];

        for (i = 0; i < ARRAY_SIZE(tails); i++) {
            const struct ussd_step *st;

            (void)snprintf(text, sizeof(text), "1*1*275000*20000*1*%s*1%s", PIN,
                           tails[i]);
            st = walk(f, FIX_LEADER, text);
            assert_true(st->write);
            assert_string_equal(st->key, k1);
            check_step(st);
        }
    }
}

static void test_unknown_numbers(void **state)
{
    struct fx *f = *state;
    const struct ussd_step *st;

    st = walk(f, FIX_UNKNOWN, "");
    assert_true(st->end);
    assert_non_null(strstr(st->screen, "chua dang ky"));
    st = walk(f, "", "1*1");
    assert_true(st->end);
    assert_non_null(strstr(st->screen, "chua dang ky"));
    assert_false(st->write);
}

static void test_oversize(void **state)
{
    struct fx *f = *state;
    static char big[10 * 1024];
    char path[4 * USSD_MAX_INPUTS];
    const struct ussd_step *st;
    size_t i;

    memset(big, '1', sizeof(big));
    st = walk_len(f, FIX_LEADER, big, sizeof(big), 0);
    assert_true(st->end);
    assert_non_null(strstr(st->screen, "qua dai"));
    memset(big, '*', 500);
    st = walk_len(f, FIX_LEADER, big, 500, 0);
    assert_true(st->end);
    assert_non_null(strstr(st->screen, "qua dai"));
    /* exactly USSD_MAX_INPUTS inputs are still walked */
    path[0] = '\0';
    for (i = 0; i + 1 < USSD_MAX_INPUTS; i++)
        (void)snprintf(path + strlen(path), sizeof(path) - strlen(path), "00*");
    (void)snprintf(path + strlen(path), sizeof(path) - strlen(path), "1");
    assert_int_equal(ussd_count_inputs(strv_from_cstr(path)), USSD_MAX_INPUTS);
    st = walk(f, FIX_ONE, path);
    assert_true(st->end);
    assert_non_null(strstr(st->screen, "Vay HN"));
    /* one more is too many */
    (void)snprintf(path + strlen(path), sizeof(path) - strlen(path), "*1");
    st = walk(f, FIX_ONE, path);
    assert_non_null(strstr(st->screen, "qua dai"));
    /* USSD_TEXT_MAX bytes exactly: one long wrong input, re-asked */
    memset(big, '7', USSD_TEXT_MAX);
    big[0] = '1';
    big[1] = '*';
    st = walk_len(f, FIX_LEADER, big, USSD_TEXT_MAX, 0);
    assert_false(st->end);
    assert_non_null(strstr(st->screen, "Khong co so thu tu"));
    st = walk_len(f, FIX_LEADER, big, USSD_TEXT_MAX + 1, 0);
    assert_non_null(strstr(st->screen, "qua dai"));
    /* empty inputs and NUL bytes are wrong entries, nothing more */
    st = walk_len(f, FIX_ONE, "4*\0*1", 5, 0);
    assert_false(st->end);
    st = walk(f, FIX_ONE, "**");
    assert_non_null(strstr(st->screen, "Chon mot so"));
    assert_int_equal(ussd_count_inputs(strv_from_cstr("")), 0);
    assert_int_equal(ussd_count_inputs(strv_from_cstr("**")), 3);
}

/* The longest name (64 characters, decomposed) and the largest amounts
 * keep every screen within 182 characters, hints included. */
static void test_screen_limit(void **state)
{
    struct fx *f = *state;
    static const char *const paths[] = {
        "1*10",
        "1*10*abc",
        "1*10*99999999999",
        "1*10*99999999999*abc",
        "1*10*99999999999*99999999999",
        "1*10*99999999999*99999999999*1*" PIN,
        "1*10*99999999999*99999999999*1*" PIN "*7",
    };
    char name[512], sql[1024];
    struct buf b;
    size_t i;

    /* "Nguyễn " with the tilde and circumflex as combining marks */
    buf_init(&b, sizeof(name) - 1);
    for (i = 0; i < 9; i++)
        (void)buf_puts(&b, "Nguye\xcc\x82\xcc\x83n ");
    (void)buf_puts(&b, "Hoa");
    assert_int_equal(b.err, GW_OK);
    (void)snprintf(name, sizeof(name), "%s", buf_cstr(&b));
    buf_release(&b);
    (void)snprintf(sql, sizeof(sql),
                   "INSERT INTO members(code, group_id, seq, full_name, phone,"
                   " role, reminders, campaigns) SELECT 'TV10', id, 10, '%s',"
                   " '+84912000010', 'member', 1, 1 FROM groups;"
                   "INSERT INTO loans(code, member_id, program, disbursed_on,"
                   " disbursed_amount, outstanding, monthly_rate_bp,"
                   " maturity_on, next_principal_on, next_principal_amount,"
                   " interest_due, overdue_amount, status) SELECT 'L10', id,"
                   " 'NSVSMT', '2024-01-01', 1, 1, 1, '2030-01-01', NULL, 0,"
                   " 99999999999, 99999999999, 'overdue' FROM members"
                   " WHERE code = 'TV10';",
                   name);
    assert_int_equal(member_fixture_sql(f->db, sql), GW_OK);
    for (i = 0; i < ARRAY_SIZE(paths); i++) {
        const struct ussd_step *st = walk(f, FIX_LEADER, paths[i]);

        assert_false(st->end);
        assert_true(strlen(st->screen) <= DT_USSD_SCREEN_MAX);
        /* every screen of the flow but the PIN's shows an amount */
        if (i != 4 && strstr(st->screen, "99.999.999.999") == NULL)
            fail_msg("'%s' shows '%s'", paths[i], st->screen);
    }
    assert_non_null(strstr(walk(f, FIX_LEADER, paths[0])->screen, "TV10 Ng"));
}

/* Every screen template is within its width, with every hint above. */
static void test_templates_fit(void **state)
{
    struct fx *f = *state;
    size_t worst_hint = 0, i;

    for (i = MSG_USSD_HINT_CHOICE; i <= MSG_USSD_HINT_MISMATCH; i++)
        if (template_worst_case(&f->tpl, (enum msg_id)i) > worst_hint)
            worst_hint = template_worst_case(&f->tpl, (enum msg_id)i);
    for (i = MSG_USSD_HOME_MEMBER; i <= MSG_USSD_ASK_PIN_REPEAT; i++)
        assert_true(worst_hint + 1 +
                        template_worst_case(&f->tpl, (enum msg_id)i) <=
                    DT_USSD_SCREEN_MAX);
}

/* *code*1# arrives with the inputs filled in: the screen is reached at
 * the first hop. */
static void test_shortcuts(void **state)
{
    struct fx *f = *state;
    const struct ussd_step *st;

    st = walk(f, FIX_LEADER, "1*2");
    assert_false(st->end);
    assert_non_null(strstr(st->screen, "TV2 Le Thi Mai"));
    st = walk(f, FIX_ONE, "2");
    assert_true(st->end);
    st = walk(f, FIX_LEADER, "5*2");
    assert_non_null(strstr(st->screen, "PIN cu"));
}

/* touch, asserting success; the inputs to skip. */
static size_t touch(struct ussd_sessions *s, const char *id, const char *phone,
                    size_t ninputs, int64_t now)
{
    size_t skip = 99;

    assert_int_equal(ussd_sessions_touch(s, id, phone, ninputs, now, &skip), 0);
    return skip;
}

/* A member with more loans than one SD has room for: the balance screen
 * offers the rest on a second screen (SD 2); one with few ends at once. */
static void test_balance_second_screen(void **state)
{
    struct fx *f = *state;
    static const struct row many[] = {
        {"1", CON, {"khoan khac: SD 2", "1 Xem tiep", "0 Quay lai"}},
        {"1*1", END, {"Cac khoan vay khac: PROGRAMME00"}},
        {"1*2", CON, {"1 Xem tiep"}},
        {"1*0", CON, {"1 So du"}},
    };
    static const struct row few[] = {
        {"1", END, {"Vay HN"}},
    };

    assert_int_equal(member_fixture_many_loans(f->db, "TV03", 9, 1000), GW_OK);
    run_rows(f, FIX_MULTI, many, ARRAY_SIZE(many));
    run_rows(f, FIX_ONE, few, ARRAY_SIZE(few));
}

/* After the idle timeout the path typed so far is ignored. */
static void test_idle_restart(void **state)
{
    struct fx *f = *state;
    struct ussd_sessions *s = ussd_sessions_new(60, 16);
    const char *p3 = "1*1*275000", *p4 = "1*1*275000*1";
    const struct ussd_step *st;

    assert_int_equal(touch(s, "S1", FIX_LEADER, 0, 1000), 0);
    assert_int_equal(touch(s, "S1", FIX_LEADER, 2, 1030), 0);
    assert_int_equal(touch(s, "S1", FIX_LEADER, 3, 1090), 0); /* 60 s */
    assert_int_equal(touch(s, "S1", FIX_LEADER, 3, 1151), 3); /* 61 s */
    st = walk_len(f, FIX_LEADER, p3, strlen(p3), 3);
    assert_non_null(strstr(st->screen, "1 Ghi thu"));
    assert_int_equal(touch(s, "S1", FIX_LEADER, 4, 1160), 3);
    st = walk_len(f, FIX_LEADER, p4, strlen(p4), 3);
    assert_non_null(strstr(st->screen, "so thu tu"));
    /* the prefix is still scrubbed */
    st = walk_len(f, FIX_LEADER, "5*1*" PIN "*1", 10, 3);
    assert_string_equal(st->stored, "5*1*" S "*1");
    /* a prefix that ended on a closing screen */
    st = walk_len(f, FIX_ONE, "1*2*1", 5, 2);
    assert_non_null(strstr(st->screen, "Vay HN"));
    /* another session is its own; so is the same id from another phone */
    assert_int_equal(touch(s, "S2", FIX_LEADER, 5, 1160), 0);
    assert_int_equal(touch(s, "S1", FIX_ONE, 5, 1160), 0);
    assert_int_equal(touch(s, "S1", FIX_LEADER, 4, 1161), 3);
    /* a shorter path than the prefix is a new walk */
    assert_int_equal(touch(s, "S1", FIX_LEADER, 1, 1161), 0);
    ussd_sessions_free(s);
}

/* A session past its timeout whose slot other sessions took is never
 * resumed: its next hop goes home, its stale inputs ignored. */
static void test_stale_session_not_resumed(void **state)
{
    struct ussd_sessions *s = ussd_sessions_new(60, 16);
    char id[32];
    size_t i;

    (void)state;
    assert_int_equal(touch(s, "OLD", FIX_LEADER, 0, 1000), 0);
    assert_int_equal(touch(s, "OLD", FIX_LEADER, 4, 1010), 0);
    /* Long after: other sessions fill every slot (the old one's too). */
    for (i = 0; i < 16; i++) {
        (void)snprintf(id, sizeof(id), "new-%zu", i);
        assert_int_equal(touch(s, id, FIX_ONE, 0, 2000), 0);
    }
    assert_int_equal(ussd_sessions_count(s, 2000), 16);
    /* They end too; the old one comes back with its confirmation. */
    assert_int_equal(touch(s, "OLD", FIX_LEADER, 6, 3000), 6);
    /* A session never seen, arriving with inputs (a shortcut), walks. */
    assert_int_equal(touch(s, "NEVER", FIX_LEADER, 2, 3000), 0);
    ussd_sessions_free(s);
}

/* Live sessions are never pushed out: a full table refuses the new one. */
static void test_session_table_bounded(void **state)
{
    struct ussd_sessions *s = ussd_sessions_new(60, 16);
    char id[32];
    size_t i, skip = 7, refused = 0;

    (void)state;
    for (i = 0; i < 1000; i++) {
        (void)snprintf(id, sizeof(id), "sess-%zu", i);
        if (ussd_sessions_touch(s, id, FIX_ONE, 1, 100, &skip) != 0)
            refused++;
    }
    assert_int_equal(ussd_sessions_count(s, 100), 16);
    assert_int_equal(refused, 1000 - 16);
    /* the first sixteen are still live and still theirs */
    assert_int_equal(touch(s, "sess-0", FIX_ONE, 2, 110), 0);
    assert_int_equal(ussd_sessions_count(s, 1000), 0); /* all expired */
    assert_int_equal(touch(s, "sess-999", FIX_ONE, 1, 1000), 0);
    assert_int_equal(touch(s, "", FIX_ONE, 1, 100), 0);
    assert_int_equal(touch(s, NULL, FIX_ONE, 1, 100), 0);
    ussd_sessions_free(s);
    ussd_sessions_free(NULL);
}

/* The final hop runs the SMS command in a transaction; its reply is the
 * END screen, and the PIN is gone from the step afterwards. */
static void test_commit(void **state)
{
    struct fx *f = *state;
    struct ussd_hop hop;
    struct reply out;
    size_t i;
    const char *text = "4*K7Q2M9*1";

    init_hop(&hop, FIX_PENDING, text, strlen(text), 0);
    assert_int_equal(ussd_walk(f->db, &f->ctx, &hop, &f->step), GW_OK);
    assert_true(f->step.write);
    assert_int_equal(db_begin(f->db), GW_OK);
    assert_int_equal(ussd_commit(f->db, &f->ctx, &hop, &f->step, &out), GW_OK);
    assert_int_equal(db_commit(f->db), GW_OK);
    assert_true(f->step.end);
    assert_true(out.nmsgs >= 1);
    assert_string_equal(out.msgs[0].text, f->step.screen);
    assert_string_equal(out.stored_text, "4*K7Q2M9*1");

    text = "1*1*275000*20000*1*" PIN "*1";
    init_hop(&hop, FIX_LEADER, text, strlen(text), 0);
    assert_int_equal(ussd_walk(f->db, &f->ctx, &hop, &f->step), GW_OK);
    assert_true(f->step.write);
    assert_int_equal(db_begin(f->db), GW_OK);
    assert_int_equal(ussd_commit(f->db, &f->ctx, &hop, &f->step, &out), GW_OK);
    db_rollback(f->db);
    for (i = 0; i < sizeof(f->step.command); i++)
        assert_int_equal(f->step.command[i], 0);
    check_step(&f->step);
    no_secret(out.stored_text);
    for (i = 0; i < out.nmsgs; i++)
        no_secret(out.msgs[i].text);
    /* committing twice, or a step that is no write, is refused */
    assert_int_equal(ussd_commit(f->db, &f->ctx, &hop, &f->step, &out),
                     GW_EINVAL);
}

/* Africa's Talking: form fields in, "CON "/"END " text/plain out. */
static void form(struct http_req *req, const char *const *kv, size_t n)
{
    size_t i;

    memset(req, 0, sizeof(*req));
    req->method = "POST";
    req->path = "/v1/africastalking/ussd";
    req->body = "";
    req->content_type = "application/x-www-form-urlencoded";
    for (i = 0; i + 1 < n; i += 2) {
        req->form[req->nform].key = kv[i];
        req->form[req->nform].val = kv[i + 1];
        req->form[req->nform].val_len = strlen(kv[i + 1]);
        req->nform++;
    }
}

static void test_at_dialect(void **state)
{
    static const char *const ok[] = {
        "sessionId",   "ATUid_1",      "serviceCode", "*384*1234#",
        "phoneNumber", "+84912000001", "networkCode", "45204",
        "text",        "1*7*275000"};
    static const char *const first[] = {"sessionId", "S", "phoneNumber",
                                        "0912000001"};
    static const char *const bad[][4] = {
        {"phoneNumber", "+84912000001", "text", "1"}, /* no session */
        {"sessionId", "S", "text", "1"},              /* no phone */
        {"sessionId", "S\x01", "phoneNumber", "+84912000001"},
        {"sessionId", "", "phoneNumber", "+84912000001"},
    };
    const struct ussd_dialect *d = ussd_dialect_find("africastalking");
    char longid[USSD_SESSION_ID_MAX + 2];
    const char *toolong[4] = {"sessionId", longid, "phoneNumber", "1"};
    struct prov_ussd u;
    struct http_req req;
    struct http_resp resp;
    size_t i;

    (void)state;
    assert_non_null(d);
    assert_null(ussd_dialect_find("kannel"));
    assert_null(ussd_dialect_find("esms"));
    assert_null(ussd_dialect_find(NULL));
    form(&req, ok, ARRAY_SIZE(ok));
    assert_int_equal(d->parse(&req, &u), GW_OK);
    assert_string_equal(u.session_id, "ATUid_1");
    assert_string_equal(u.phone, "+84912000001");
    assert_string_equal(u.service_code, "*384*1234#");
    assert_string_equal(u.network_code, "45204");
    assert_true(strv_eq(u.text, "1*7*275000"));
    form(&req, first, ARRAY_SIZE(first));
    assert_int_equal(d->parse(&req, &u), GW_OK);
    assert_int_equal(u.text.len, 0);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        form(&req, bad[i], 4);
        assert_int_equal(d->parse(&req, &u), GW_EINVAL);
    }
    memset(longid, 'x', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    form(&req, toolong, 4);
    assert_int_equal(d->parse(&req, &u), GW_EINVAL);
    longid[USSD_SESSION_ID_MAX] = '\0'; /* exactly the maximum */
    form(&req, toolong, 4);
    assert_int_equal(d->parse(&req, &u), GW_OK);

    buf_init(&resp.body, 512);
    d->format(false, "NHCS\n1 So du", &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "text/plain");
    assert_string_equal(buf_cstr(&resp.body), "CON NHCS\n1 So du");
    buf_reset(&resp.body);
    d->format(true, "Het", &resp);
    assert_string_equal(buf_cstr(&resp.body), "END Het");
    buf_release(&resp.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_member_screens, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_home_words, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_leader_screens, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_back_and_home, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_stored_path, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_dedup_key, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_numbers, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_oversize, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_screen_limit, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_templates_fit, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_shortcuts, fx_setup, fx_teardown),
        cmocka_unit_test(test_stale_session_not_resumed),
        cmocka_unit_test_setup_teardown(test_balance_second_screen, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_idle_restart, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_session_table_bounded),
        cmocka_unit_test_setup_teardown(test_commit, fx_setup, fx_teardown),
        cmocka_unit_test(test_at_dialect),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
