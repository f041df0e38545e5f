/* test_dispatch.c - keywords, roles, arity and stored text of handle_sms
 *
 * The caller FIX_EMPTY has no loans, savings or receipts and FIX_LEADER
 * is the group's leader, so every reply is a fixed text: the expected
 * one is rendered from the same templates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/strv.h"
#include "common/util.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "text/date.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

struct fx {
    struct db *db;
    struct templates tpl;
    struct handler_ctx ctx;
    struct reply out;
};

static int fx_setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    char err[256];

    assert_int_equal(db_open(":memory:", &f->db), GW_OK);
    assert_int_equal(member_fixture_load(f->db), GW_OK);
    assert_int_equal(
        templates_load("config/messages.conf", &f->tpl, err, sizeof(err)),
        GW_OK);
    f->ctx.tpl = &f->tpl;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;

    templates_release(&f->tpl);
    db_close(f->db);
    test_free(f);
    return 0;
}

static const struct reply *send_len(struct fx *f, const char *phone,
                                    const char *text, size_t len)
{
    struct sms_in in;
    size_t i;

    memset(&in, 0, sizeof(in));
    in.provider = "log";
    in.channel = "sms";
    assert_int_equal(
        strv_copy(strv_from_cstr(phone), in.phone, sizeof(in.phone)), GW_OK);
    in.text = strv_make(text, len);
    in.today = (struct dt_date){2026, 5, 10};
    in.now = date_to_days(&in.today) * 86400;
    assert_int_equal(db_begin(f->db), GW_OK);
    assert_int_equal(handle_sms(f->db, &f->ctx, &in, &f->out), GW_OK);
    assert_int_equal(db_commit(f->db), GW_OK);
    for (i = 0; i < f->out.nmsgs; i++)
        assert_string_equal(f->out.msgs[i].phone, phone);
    return &f->out;
}

static const struct reply *send(struct fx *f, const char *phone,
                                const char *text)
{
    return send_len(f, phone, text, strlen(text));
}

/* ---- dispatch_lookup ---- */

static void test_lookup(void **state)
{
    static const struct {
        const char *words; /* normalised, as handle_sms passes them */
        const char *keyword;
        size_t used;
    } t[] = {
        {"SD", "SD", 1},
        {"BAL", "SD", 1},
        {"S D", "SD", 2},  /* typed with a space */
        {"SD 5", "SD", 1}, /* arguments are not the keyword's */
        {"HUY NHAC", "HUY NHAC", 2},
        {"HUYNHAC", "HUY NHAC", 1}, /* typed without the space */
        {"STOP", "HUY NHAC", 1},
        {"DK NHAC", "DK NHAC", 2},
        {"START", "DK NHAC", 1},
        {"HUY THU K7Q2M9 1234", "HUYTHU", 2},
        {"HUYTHU K7Q2M9 1234", "HUYTHU", 1},
        {"VOID K7Q2M9 1234", "HUYTHU", 1},
        {"THU 7 275000 1234", "THU", 1},
        {"LIST", "DS", 1},
        {"HIST", "LS", 1},
        {"HUY", NULL, 0},
        {"NHAC HUY", NULL, 0},
        {"HUY NHA", NULL, 0},
        {"S", NULL, 0},
        {"SDX", NULL, 0},
        {"XYZ", NULL, 0},
        {"", NULL, 0},
        {"ABCDEFGHIJ KLMNOPQRST", NULL, 0}, /* joined too long to try */
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct strv w[HANDLER_MAX_WORDS];
        const struct handler_cmd *c;
        size_t n = 0, used = 99;

        assert_int_equal(
            strv_split(strv_from_cstr(t[i].words), " ", w, ARRAY_SIZE(w), &n),
            GW_OK);
        c = dispatch_lookup(w, n, &used);
        if (t[i].keyword == NULL) {
            assert_null(c);
            continue;
        }
        assert_non_null(c);
        assert_string_equal(c->keyword, t[i].keyword);
        assert_int_equal(used, t[i].used);
    }
}

/* ---- handle_sms: which reply ---- */

#define M FIX_EMPTY
#define L FIX_LEADER

static const struct {
    const char *phone;
    const char *text;
    enum msg_id want;
    const char *cmd; /* for LEADER_ONLY */
} rows[] = {
    /* keyword variants */
    {M, "sd", MSG_SD_NOLOAN, NULL},
    {M, "SD", MSG_SD_NOLOAN, NULL},
    {M, "S D", MSG_SD_NOLOAN, NULL},
    {M, "S\xc4\x91", MSG_SD_NOLOAN, NULL}, /* Sđ */
    {M, "  bal ", MSG_SD_NOLOAN, NULL},
    {M, "SD.", MSG_SD_NOLOAN, NULL},
    {M, "\"sd\"", MSG_SD_NOLOAN, NULL},
    {M, "tk", MSG_TK, NULL},
    {M, "SAV", MSG_TK, NULL},
    {M, "lai", MSG_LAI_NOLOAN, NULL},
    {M, "L\xc3\xa3i", MSG_LAI_NOLOAN, NULL}, /* Lãi */
    {M, "due", MSG_LAI_NOLOAN, NULL},
    {M, "ls", MSG_LS_NONE, NULL},
    {M, "Hist", MSG_LS_NONE, NULL},
    {M, "HUY  NHAC", MSG_STOP_OK, NULL},
    {M, "huỷ nhắc", MSG_STOP_OK, NULL},
    {M, "Hủy-nhắc!", MSG_STOP_OK, NULL},
    {M, "huynhac", MSG_STOP_OK, NULL},
    {M, "STOP", MSG_STOP_OK, NULL},
    {M, "dk nhac", MSG_START_OK, NULL},
    {M, "Start", MSG_START_OK, NULL},
    /* help: empty, asked for, per command */
    {M, "", MSG_HELP_MEMBER, NULL},
    {M, "   ", MSG_HELP_MEMBER, NULL},
    {M, "?!", MSG_HELP_MEMBER, NULL},
    {M, "hd", MSG_HELP_MEMBER, NULL},
    {M, "HELP", MSG_HELP_MEMBER, NULL},
    {M, "HD LS", MSG_USAGE_LS, NULL},
    {M, "HD HUY NHAC", MSG_USAGE_HUY_NHAC, NULL},
    {M, "HD THU", MSG_HELP_MEMBER, NULL}, /* not hers to use */
    {M, "HD XYZ", MSG_HELP_MEMBER, NULL},
    {L, "HD THU", MSG_USAGE_THU, NULL},
    {L, "hd", MSG_HELP_LEADER, NULL},
    {L, "", MSG_HELP_LEADER, NULL},
    /* unknown words */
    {M, "xyz", MSG_UNKNOWN_MEMBER, NULL},
    {M, "S", MSG_UNKNOWN_MEMBER, NULL},
    {M, "HUY", MSG_UNKNOWN_MEMBER, NULL},
    {M, "cho toi hoi so du", MSG_UNKNOWN_MEMBER, NULL},
    {M, "\xff\xfe", MSG_UNKNOWN_MEMBER, NULL},   /* bad UTF-8 */
    {M, "SD\xc0\xaf", MSG_UNKNOWN_MEMBER, NULL}, /* overlong */
    {L, "xyz", MSG_UNKNOWN_LEADER, NULL},
    /* arity */
    {M, "SD 123", MSG_USAGE_SD, NULL},
    {M, "LS abc", MSG_USAGE_LS, NULL},
    {M, "TK 1 2", MSG_USAGE_TK, NULL},
    {M, "LAI 5", MSG_USAGE_LAI, NULL},
    {M, "HUY NHAC NGAY", MSG_USAGE_HUY_NHAC, NULL},
    {M, "DK NHAC 1", MSG_USAGE_DK_NHAC, NULL},
    {M, "HD A B C", MSG_USAGE_HD, NULL},
    {M, "XN A B", MSG_USAGE_XN, NULL},
    /* SAI code words...: words are welcome; a code that is no receipt of
     * hers is "not found" (tested with words in test_handler_member) */
    {L, "THU 7", MSG_USAGE_THU, NULL},
    {L, "THU 7 275000", MSG_USAGE_THU, NULL},
    {L, "THU 1 2 3 4 5 6", MSG_USAGE_THU, NULL},
    {L, "GTK 7 50000", MSG_USAGE_GTK, NULL},
    {L, "DS 1 2", MSG_USAGE_DS, NULL},
    {L, "TONG 1", MSG_USAGE_TONG, NULL},
    {L, "HUYTHU K7Q2M9", MSG_USAGE_HUYTHU, NULL},
    {L, "NOP", MSG_USAGE_NOP, NULL},
    {L, "MK 1234", MSG_USAGE_MK, NULL},
    /* a member can never use leader commands, whatever the arguments */
    {M, "THU 7 275000 1234", MSG_LEADER_ONLY, "THU"},
    {M, "thu", MSG_LEADER_ONLY, "THU"},
    {M, "GTK 7 50000 1234", MSG_LEADER_ONLY, "GTK"},
    {M, "DS", MSG_LEADER_ONLY, "DS"},
    {M, "list", MSG_LEADER_ONLY, "DS"},
    {M, "TONG", MSG_LEADER_ONLY, "TONG"},
    {M, "void K7Q2M9 1234", MSG_LEADER_ONLY, "HUYTHU"},
    {M, "Huy thu K7Q2M9 1234", MSG_LEADER_ONLY, "HUYTHU"},
    {M, "NOP 1234", MSG_LEADER_ONLY, "NOP"},
    {M, "MK 1234 5678", MSG_LEADER_ONLY, "MK"},
    /* leader commands from a leader: a PIN that is not 4-6 digits gets
     * the syntax before any PIN check (test_handler_leader has the rest) */
    {L, "THU 7 275000 20000 12", MSG_USAGE_THU, NULL},
    {L, "HUYTHU K7Q2M9 12", MSG_USAGE_HUYTHU, NULL},
    {L, "NOP 1234567", MSG_USAGE_NOP, NULL},
    /* a leader is also a borrower */
    {L, "SD", MSG_SD_NOLOAN, NULL},
    {L, "STOP", MSG_STOP_OK, NULL},
};

static void render(struct fx *f, enum msg_id msg, const char *cmd, char *out,
                   size_t size)
{
    const struct tpl_arg a[] = {
        TPL_INT("savings", 0),
        TPL_STR("cmd", cmd),
    };

    assert_int_equal(template_render(&f->tpl, msg, a, ARRAY_SIZE(a), out, size),
                     GW_OK);
}

static void test_replies(void **state)
{
    struct fx *f = *state;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        char want[DT_SMS_MAX * 4 + 1];
        const struct reply *r = send(f, rows[i].phone, rows[i].text);

        render(f, rows[i].want, rows[i].cmd, want, sizeof(want));
        if (r->nmsgs != 1 || strcmp(r->msgs[0].text, want) != 0)
            fail_msg("row %zu (%s): got \"%s\", want \"%s\"", i, rows[i].text,
                     r->nmsgs ? r->msgs[0].text : "(none)", want);
    }
}

/* Long input: a command followed by many words is an arity error; a
 * 2000-character word is not a command; past DT_SMS_IN_MAX it is not
 * even read. */
static void test_long_text(void **state)
{
    static const struct {
        size_t len;
        const char *prefix;
        char fill;
        enum msg_id want;
    } t[] = {
        {2000, "SD ", ' ', MSG_SD_NOLOAN}, /* spaces fold away */
        {2000, "SD ", 'x', MSG_USAGE_SD},
        {2000, "", 'a', MSG_UNKNOWN_MEMBER},
        {DT_SMS_IN_MAX, "", 'a', MSG_UNKNOWN_MEMBER},
        {DT_SMS_IN_MAX + 1, "SD ", 'a', MSG_UNKNOWN_MEMBER},
        {3000, "SD ", ' ', MSG_UNKNOWN_MEMBER},
    };
    struct fx *f = *state;
    char text[3001], want[DT_SMS_MAX * 4 + 1];
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        const struct reply *r;
        size_t plen = strlen(t[i].prefix);

        memcpy(text, t[i].prefix, plen);
        for (j = plen; j < t[i].len; j++)
            text[j] = (j % 2 && t[i].fill == 'x') ? ' ' : t[i].fill;
        r = send_len(f, M, text, t[i].len);
        render(f, t[i].want, NULL, want, sizeof(want));
        assert_int_equal(r->nmsgs, 1);
        assert_string_equal(r->msgs[0].text, want);
        assert_true(strlen(r->stored_text) <= DT_SMS_IN_MAX);
    }
}

/* ---- what may be stored ---- */

static void test_stored_text(void **state)
{
    static const struct {
        const char *phone;
        const char *text;
        const char *want;
    } t[] = {
        {M, "sd", "sd"},
        {M, "  Huỷ nhắc ", "  Huỷ nhắc "},
        {M, "\xffSD", "?SD"},
        {M, "", ""},
        {L, "THU 7 275000 20000 1234", "THU 7 275000 20000 ****"},
        {L, "thu 7 275k g2tr 1234", "THU 7 275K G2TR ****"},
        /* a PIN command the grammar cannot read: every digit goes */
        {L, "THU 7 1234", "THU * ****"},
        {L, "MK 1234 5678", "MK **** ****"},
        {L, "mk 1234", "mk ****"},
        {L, "HUYTHU K7Q2M9 4821", "HUYTHU K7Q2M9 ****"},
        {L, "Huy thu K7Q2M9 4821", "HUY THU K7Q2M9 ****"},
        {L, "NOP 4821", "NOP ****"},
        {L, "NOP", "NOP"},
        {L, "SD", "SD"},
        /* refused, still redacted */
        {M, "THU 7 275000 1234", "THU * ****** ****"},
        {M, "MK 1234 5678", "MK **** ****"},
        {FIX_UNKNOWN, "NOP 4821", "NOP ****"},
        /* a leader's mistyped command: every digit goes */
        {L, "THUU 7 275000 4821", "THUU * ****** ****"},
        {FIX_UNKNOWN, "hello 123456", "hello ******"},
        {"", "MK 1234 5678", "MK **** ****"},
        /* unreadable text: digits masked for all but members */
        {L, "NOP 4821\xff", "NOP ****?"},
        {FIX_UNKNOWN, "\xffMK 123 45678", "?MK *** *****"},
        {M, "\xffXN 4821", "?XN 4821"},
    };
    struct fx *f = *state;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        const struct reply *r = send(f, t[i].phone, t[i].text);

        if (strcmp(r->stored_text, t[i].want) != 0)
            fail_msg("row %zu: stored \"%s\", want \"%s\"", i, r->stored_text,
                     t[i].want);
    }
}

/* Stored text longer than the limit is cut, never inside a character. */
static void test_stored_text_cut(void **state)
{
    struct fx *f = *state;
    char text[DT_SMS_IN_MAX + 8];
    const struct reply *r;

    memset(text, 'a', DT_SMS_IN_MAX - 1);
    memcpy(text + DT_SMS_IN_MAX - 1, "\xe1\xba\xaf", 3); /* ắ */
    r = send_len(f, M, text, DT_SMS_IN_MAX + 2);
    assert_int_equal(strlen(r->stored_text), DT_SMS_IN_MAX - 1);
    memset(text, 'b', sizeof(text));
    r = send_len(f, M, text, sizeof(text));
    assert_int_equal(strlen(r->stored_text), DT_SMS_IN_MAX);
}

/* ---- reply_add ---- */

static void test_reply_add(void **state)
{
    char long_text[DT_SMS_MAX + 2];
    struct reply r;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    memset(long_text, 'a', sizeof(long_text));
    long_text[DT_SMS_MAX] = '\0'; /* exactly one segment */
    assert_int_equal(reply_add(&r, "+84912000001", long_text, "REPLY", 1),
                     GW_OK);
    long_text[DT_SMS_MAX] = 'a';
    long_text[DT_SMS_MAX + 1] = '\0'; /* one too many */
    assert_int_equal(reply_add(&r, "+84912000001", long_text, "REPLY", 1),
                     GW_ETOOBIG);
    memset(long_text, '{', 81); /* extension table: 162 septets */
    long_text[81] = '\0';
    assert_int_equal(reply_add(&r, "+84912000001", long_text, "REPLY", 1),
                     GW_ETOOBIG);
    assert_int_equal(reply_add(&r, "+84912000001", "Lãi", "REPLY", 1),
                     GW_ETOOBIG); /* not GSM-7 */
    assert_int_equal(reply_add(&r, "+84912000001", "", "REPLY", 1), GW_ETOOBIG);
    assert_int_equal(reply_add(&r, "", "ok", "REPLY", 1), GW_EINVAL);
    assert_int_equal(r.nmsgs, 1);
    for (i = 1; i < REPLY_MAX_MSGS; i++)
        assert_int_equal(reply_add(&r, "+84912000002", "ok", "RECEIPT", 2),
                         GW_OK);
    assert_int_equal(reply_add(&r, "+84912000002", "ok", "RECEIPT", 2),
                     GW_ETOOBIG);
    assert_int_equal(r.nmsgs, REPLY_MAX_MSGS);
    assert_string_equal(r.msgs[0].phone, "+84912000001");
    assert_int_equal(strlen(r.msgs[0].text), DT_SMS_MAX);
    assert_string_equal(r.msgs[1].kind, "RECEIPT");
    assert_int_equal(r.msgs[1].member_id, 2);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test_setup_teardown(test_replies, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_long_text, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_stored_text, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_stored_text_cut, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_reply_add),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
