/* test_understand.c - which command a caller's own words mean */
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
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/understand.h"
#include "text/keyword.h"
#include "common/banned.h"

#define M HANDLER_MEMBER
#define L HANDLER_LEADER

enum how { NONE, EXACT, PHRASE, SLIP, SYNTAX };

/* One reading: who types what, how it is read, as which command (the
 * suggestion for NONE), with which arguments (space-separated). */
struct row {
    unsigned role;
    const char *text;
    enum how how;
    const char *cmd;
    const char *args;
};

static const struct row rows[] = {
    /* keywords as typed, and the polite words after them */
    {M, "SD", EXACT, "SD", ""},
    {M, "SD 2", EXACT, "SD", "2"},
    {M, "sd a", EXACT, "SD", ""},
    {M, "XN K7Q2M9 nhe", EXACT, "XN", "K7Q2M9"},
    /* a code is an argument even where its skeleton is a polite word */
    {M, "XN DA77S2", EXACT, "XN", "DA77S2"},
    {M, "XN NNHHAA", EXACT, "XN", "NNHHAA"},
    {M, "SAI CHA2KS", EXACT, "SAI", "CHA2KS"},
    {M, "ok NNHHAA", EXACT, "XN", "NNHHAA"},
    {M, "xac nhan NNHHAA", PHRASE, "XN", "NNHHAA"},
    {M, "HD THU", EXACT, "HD", "THU"},
    {M, "S D", EXACT, "SD", ""},
    {M, "ok", EXACT, "XN", ""}, /* a two-letter alias: as typed */
    {M, "no", EXACT, "SAI", ""},
    {L, "THU 7 275k 20k 1234 a", EXACT, "THU", "7 275K 20K 1234 A"},
    {L, "NOP 1234", EXACT, "NOP", "1234"},
    {L, "HUY THU K7Q2M9 1234", EXACT, "HUYTHU", "K7Q2M9 1234"},
    /* OK and NO are words too: aliases alone or before a code only */
    {M, "no K7Q2M9", EXACT, "SAI", "K7Q2M9"},
    {M, "ok a", EXACT, "XN", ""},
    {M, "no con bao nhieu", PHRASE, "SD", ""}, /* no = no (debt) */
    {M, "ok em hieu roi", NONE, "SD", ""},
    /* a phrase of 2 words or more further on, for a read-only command */
    {M, "khi nao em phai dong lai", PHRASE, "LAI", ""},
    {M, "cho em biet tien tiet kiem", PHRASE, "TK", ""},
    {M, "sao lai khong dung", NONE, "SD", ""}, /* never SAI from there */
    {M, "sao lai the", NONE, "SD", ""},        /* one word: never */
    /* a longer phrase starting with a keyword wins */
    {M, "sai roi", PHRASE, "SAI", ""},
    {M, "no bao nhieu", PHRASE, "SD", ""},
    {M, "lai suat ky nay", PHRASE, "LAI", ""},
    /* phrases, with and without diacritics, fillers around them */
    {M, "so du", PHRASE, "SD", ""},
    {M, "Số dư", PHRASE, "SD", ""},
    {M, "sodu", PHRASE, "SD", ""},
    {M, "Cho em hỏi số dư ạ", PHRASE, "SD", ""},
    {M, "chi oi em con no bao nhieu", PHRASE, "SD", ""},
    {M, "so du tiet kiem", PHRASE, "TK", ""}, /* the longest phrase */
    {M, "xem lai", PHRASE, "LAI", ""},        /* xem: filler */
    {M, "xac nhan K7Q2M9 nhe", PHRASE, "XN", "K7Q2M9"},
    {M, "xac nhan phieu K7Q2M9", PHRASE, "XN", "K7Q2M9"},
    {M, "khong dung, em chua dua tien", PHRASE, "SAI", ""},
    {M, "sai roi K7Q2M9", PHRASE, "SAI", "K7Q2M9"},
    {M, "dung nhac", PHRASE, "HUY NHAC", ""}, /* not dung (XN) */
    {M, "danh sach", PHRASE, "DS", ""},       /* a member: refused later */
    /* Telex and VNI leftovers, doubled letters */
    {M, "sos duw", PHRASE, "SD", ""},
    {M, "so61 du7", PHRASE, "SD", ""},
    {M, "soo duu", PHRASE, "SD", ""},
    {M, "xacs nhaanj", PHRASE, "XN", ""},
    {M, "huowngs daanx", PHRASE, "HD", ""},
    {M, "laix", PHRASE, "LAI", ""},
    /* only polite words, or nothing but punctuation: the help */
    {M, "alo", PHRASE, "HD", ""},
    {M, "cam on chi", PHRASE, "HD", ""},
    {M, "?", PHRASE, "HD", ""},
    /* one slip in a read-only command: run */
    {M, "lia", SLIP, "LAI", ""},     /* swap */
    {M, "laii", PHRASE, "LAI", ""},  /* a double: the skeleton */
    {M, "lau", SLIP, "LAI", ""},     /* substitution */
    {M, "tiet kim", SLIP, "TK", ""}, /* deletion */
    {M, "giao dichh", PHRASE, "LS", ""},
    {M, "giao dihc", SLIP, "LS", ""},
    {M, "dangky nhac", SLIP, "DK NHAC", ""}, /* a space left out */
    {M, "huong dna", SLIP, "HD", ""},
    {L, "tomg", SLIP, "TONG", ""},
    {M, "sdu", SLIP, "SD", ""}, /* from sodu */
    {M, "xem so fu 2", SLIP, "SD", "2"},
    /* a slip near XN or SAI: their syntax, never the action */
    {M, "xac nhna", SYNTAX, "XN", ""},
    {M, "sia roi", SYNTAX, "SAI", ""},
    /* money commands: exact only; near ones answer their syntax */
    {L, "THUU 7 275000 20000 1234", SYNTAX, "THU", ""},
    {L, "THU7 275000 20000 1234", SYNTAX, "THU", ""},
    {L, "tuh 7 275k 20k 1234", SYNTAX, "THU", ""},
    {L, "ghi thu 7 275k 20k 1234", SYNTAX, "THU", ""},
    {L, "GKT 7 50000 1234", SYNTAX, "GTK", ""},
    {L, "nopj 1234", SYNTAX, "NOP", ""},
    {L, "pinn 1234 5678", SYNTAX, "MK", ""},
    {L, "HUYHTU K7Q2M9 1234", SYNTAX, "HUYTHU", ""},
    /* ... and to a member, who may not run them, nothing */
    {M, "thuu 3 275000 20000 1234", NONE, "SD", ""},
    /* ambiguity and real words: no guess */
    {M, "tai", NONE, "SD", ""}, /* a real word of [words] */
    {M, "sao", NONE, "SD", ""}, /* [words]: never a slip of SAI */
    {M, "lan", NONE, "SD", ""},
    {M, "bai", NONE, "LAI", ""}, /* LAI and SAI both one slip away */
    {M, "em dang o nha", NONE, "SD", ""},
    {M, "la", NONE, "SD", ""}, /* under 3 letters: no slip */
    /* nothing near: the role's likeliest need */
    {M, "xyz", NONE, "SD", ""},
    {M, "toi la Lan to 3", NONE, "SD", ""},
    {L, "7 275000 20000 1234", NONE, "THU", ""},
    {L, "hom nay hop", NONE, "HD", ""},
};

static void args_of(const struct understood *u, char *out, size_t size)
{
    size_t i, o = 0;

    out[0] = '\0';
    for (i = 0; i < u->argc && o + 1 < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%.*s", i ? " " : "",
                              (int)u->argv[i].len, u->argv[i].p);
}

static void read_text(const struct phrases *ph, unsigned role, const char *text,
                      struct buf *norm, struct understood *u)
{
    struct strv w[HANDLER_MAX_WORDS];
    size_t n, total;

    buf_init(norm, 1024);
    assert_int_equal(keyword_normalize(text, strlen(text), norm), GW_OK);
    n = understand_split(buf_cstr(norm), norm->len, w, ARRAY_SIZE(w), &total);
    understand(ph, w, n, total, role, u);
}

static void test_rows(void **state)
{
    struct phrases ph;
    char err[PHRASES_ERR_SIZE];
    size_t i;

    (void)state;
    if (phrases_load("config/phrases.conf", &ph, err, sizeof(err)))
        fail_msg("%s", err);
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        const struct row *r = &rows[i];
        struct understood u;
        struct buf norm;
        char args[128];

        read_text(&ph, r->role, r->text, &norm, &u);
        args_of(&u, args, sizeof(args));
        if ((int)u.how != (int)r->how || strcmp(u.cmd->keyword, r->cmd) != 0 ||
            strcmp(args, r->args) != 0)
            fail_msg("row %zu \"%s\": how %d %s [%s], want %d %s [%s]", i,
                     r->text, (int)u.how, u.cmd->keyword, args, (int)r->how,
                     r->cmd, r->args);
        buf_release(&norm);
    }
    phrases_release(&ph);
}

/* Without a table: keywords as typed, nothing guessed, the arity of what
 * was typed kept whole. */
static void test_no_table(void **state)
{
    static const struct row plain[] = {
        {M, "SD", EXACT, "SD", ""},
        {M, "sd a", EXACT, "SD", "A"},
        {M, "so du", NONE, "SD", ""},
        {M, "lia", NONE, "SD", ""},
        {L, "ghi thu 7 275k", NONE, "THU", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(plain); i++) {
        struct understood u;
        struct buf norm;
        char args[128];

        read_text(NULL, plain[i].role, plain[i].text, &norm, &u);
        args_of(&u, args, sizeof(args));
        if ((int)u.how != (int)plain[i].how ||
            strcmp(u.cmd->keyword, plain[i].cmd) != 0 ||
            strcmp(args, plain[i].args) != 0)
            fail_msg("row %zu \"%s\": how %d %s [%s]", i, plain[i].text,
                     (int)u.how, u.cmd->keyword, args);
        buf_release(&norm);
    }
}

/* Words past the 16 looked at still count for the arity check. */
static void test_arity_counts_every_word(void **state)
{
    struct phrases ph;
    struct understood u;
    struct buf norm;
    char err[PHRASES_ERR_SIZE];

    (void)state;
    assert_int_equal(phrases_load("config/phrases.conf", &ph, err, sizeof(err)),
                     GW_OK);
    read_text(&ph, M, "XN K7Q2M9 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 a",
              &norm, &u);
    assert_int_equal(u.how, UNDERSTOOD_EXACT);
    assert_int_equal(u.nargs, 18); /* the closing "a" is kept: not all read */
    buf_release(&norm);
    phrases_release(&ph);
}

/* understand_text reads raw text the same way and leaves no pointers
 * into its own buffer. */
static void test_text(void **state)
{
    struct phrases ph;
    struct understood u;
    char err[PHRASES_ERR_SIZE];

    (void)state;
    assert_int_equal(phrases_load("config/phrases.conf", &ph, err, sizeof(err)),
                     GW_OK);
    understand_text(&ph, strv_from_cstr("Xem số dư 2 ạ"), M, &u);
    assert_int_equal(u.how, UNDERSTOOD_PHRASE);
    assert_string_equal(u.cmd->keyword, "SD");
    assert_int_equal(u.argc, 0);
    assert_int_equal(u.nargs, 1);
    understand_text(&ph, strv_make("\xff\xfe", 2), M, &u); /* bad UTF-8 */
    assert_int_equal(u.how, UNDERSTOOD_PHRASE); /* nothing: the help */
    assert_string_equal(u.cmd->keyword, "HD");
    phrases_release(&ph);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_no_table),
        cmocka_unit_test(test_arity_counts_every_word),
        cmocka_unit_test(test_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
