/* test_pin_precheck.c - PINs verified ahead of the writer: which texts,
 * what is kept, and that the writer uses it only for the very same PIN
 * and hash (a changed PIN or a lock in between still counts) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "config/config.h"
#include "db/db_collection.h"
#include "db/db_pin.h"
#include "handlers/handler.h"
#include "handlers/pin.h"
#include "handlers/template.h"
#include "text/date.h"
#include "tests/support/leader_fixture.h"
#include "tests/unit/collect_fixture.h"

enum { L1 = 1 };

static int setup(void **state)
{
    struct leader_env *e = leader_env_new(fix_open(":memory:"));

    leader_env_set_pin(e, L1, "1234");
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    leader_env_free(*state);
    return 0;
}

static void make_in(struct leader_env *e, const char *phone, const char *text,
                    const struct pin_precheck *pre, struct sms_in *in)
{
    memset(in, 0, sizeof(*in));
    in->provider = "kannel";
    in->channel = "sms";
    (void)snprintf(in->phone, sizeof(in->phone), "%s", phone);
    in->text = strv_from_cstr(text);
    in->now = e->now;
    in->today = date_local((time_t)e->now, NULL);
    in->pin_pre = pre;
}

/* The gateway's first step, outside any transaction. */
static void precheck(struct leader_env *e, const char *phone, const char *text,
                     struct pin_precheck *pc)
{
    struct sms_in in;

    make_in(e, phone, text, NULL, &in);
    assert_int_equal(handler_pin_precheck(e->db, &e->ctx, &in, pc), GW_OK);
}

/* The writer's step: handle_sms in a transaction, with pre (may be NULL). */
static struct reply *sms(struct leader_env *e, const char *phone,
                         const char *text, const struct pin_precheck *pre)
{
    struct sms_in in;

    make_in(e, phone, text, pre, &in);
    assert_int_equal(db_begin(e->db), GW_OK);
    assert_int_equal(handle_sms(e->db, &e->ctx, &in, &e->out), GW_OK);
    assert_int_equal(db_commit(e->db), GW_OK);
    return &e->out;
}

static void assert_contains(const char *s, const char *part)
{
    if (s == NULL || strstr(s, part) == NULL)
        fail_msg("\"%s\" does not contain \"%s\"", s ? s : "(null)", part);
}

static int64_t audit_n(struct leader_env *e, const char *action)
{
    int64_t n = -1;

    assert_int_equal(db_audit_count(e->db, action, &n), GW_OK);
    return n;
}

static void test_takes_pin(void **state)
{
    static const struct {
        const char *text;
        bool yes;
    } rows[] = {
        {"THU 2 10000 5000 1234", true},
        {"  thu 2 10.000 5000 G1000 1234 ", true},
        {"COL 2 10000 5000 1234", true},
        {"GTK 3 5000 1234", true},
        {"HUYTHU ABCDEF 1234", true},
        {"NOP 1234", true},
        {"MK 1234 5678", true},
        {"SD", false},
        {"", false},
        {"DS", false},
        {"HD THU", false},
        {"MK", false},           /* fewer words than PINs */
        {"\xff THU 1 2", false}, /* bad UTF-8: no command */
        {"THU 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(rows); i++)
        if (handler_takes_pin(strv_from_cstr(rows[i].text)) != rows[i].yes)
            fail_msg("row %zu '%s'", i, rows[i].text);
}

static void test_precheck_outcomes(void **state)
{
    struct leader_env *e = *state;
    struct pin_precheck pc;
    bool match = false;
    bool was;
    int fails;

    precheck(e, FIX_L1_PHONE, "THU 2 1000 0 1234", &pc);
    assert_true(pc.done);
    assert_true(pc.match);
    assert_int_equal(pc.pin_len, 4);
    precheck(e, FIX_L1_PHONE, "thu 2 1000 0 9999", &pc);
    assert_true(pc.done);
    assert_false(pc.match);
    /* MK: the old PIN is the one checked. */
    precheck(e, FIX_L1_PHONE, "MK 1234 5678", &pc);
    assert_true(pc.done && pc.match);
    assert_memory_equal(pc.pin, "1234", 4);
    /* Nothing to check: a member, a read command, an unknown number. */
    precheck(e, FIX_M2_PHONE, "THU 2 1000 0 1234", &pc);
    assert_false(pc.done);
    precheck(e, FIX_L1_PHONE, "SD", &pc);
    assert_false(pc.done);
    precheck(e, "+84999999999", "THU 2 1000 0 1234", &pc);
    assert_false(pc.done);
    precheck(e, "", "THU 2 1000 0 1234", &pc);
    assert_false(pc.done);
    /* Locked: the writer refuses without a check, so none here. */
    assert_int_equal(
        db_pin_fail(e->db, L1, PIN_MAX_FAILS, e->now, &fails, &was), GW_OK);
    assert_int_equal(
        db_pin_fail(e->db, L1, PIN_MAX_FAILS, e->now, &fails, &was), GW_OK);
    assert_int_equal(
        db_pin_fail(e->db, L1, PIN_MAX_FAILS, e->now, &fails, &was), GW_OK);
    assert_true(was);
    precheck(e, FIX_L1_PHONE, "THU 2 1000 0 1234", &pc);
    assert_false(pc.done);
    assert_false(pin_precheck_get(&pc, strv_from_cstr("1234"), "", &match));
}

/* A kept outcome counts for that PIN and hash only. */
static void test_precheck_get(void **state)
{
    struct pin_cost cost = pin_cost_min();
    char h1[PIN_HASH_SIZE], h2[PIN_HASH_SIZE];
    struct pin_precheck pc;
    bool match = false;

    (void)state;
    assert_int_equal(pin_hash(strv_from_cstr("1234"), "p", &cost, h1), GW_OK);
    /* The same PIN again: another salt, another string. */
    assert_int_equal(pin_hash(strv_from_cstr("1234"), "p", &cost, h2), GW_OK);
    assert_string_not_equal(h1, h2);
    pin_precheck_run(strv_from_cstr("1234"), "p", h1, &pc);
    assert_true(pc.done && pc.match);
    assert_true(pin_precheck_get(&pc, strv_from_cstr("1234"), h1, &match));
    assert_true(match);
    assert_false(pin_precheck_get(&pc, strv_from_cstr("1234"), h2, &match));
    assert_false(pin_precheck_get(&pc, strv_from_cstr("1235"), h1, &match));
    assert_false(pin_precheck_get(&pc, strv_from_cstr("12345"), h1, &match));
    assert_false(pin_precheck_get(&pc, strv_from_cstr("123"), h1, &match));
    assert_false(pin_precheck_get(NULL, strv_from_cstr("1234"), h1, &match));
    assert_false(pin_precheck_get(&pc, strv_from_cstr("1234"), NULL, &match));
    /* A wrong PIN is kept as a wrong PIN. */
    pin_precheck_run(strv_from_cstr("4321"), "p", h1, &pc);
    assert_true(pc.done);
    assert_false(pc.match);
    match = true;
    assert_true(pin_precheck_get(&pc, strv_from_cstr("4321"), h1, &match));
    assert_false(match);
    /* Nothing kept: no pepper, a word longer than kept, no hash. */
    pin_precheck_run(strv_from_cstr("1234"), "", h1, &pc);
    assert_false(pc.done);
    pin_precheck_run(strv_from_cstr("123456789"), "p", h1, &pc);
    assert_false(pc.done);
    pin_precheck_run(strv_from_cstr("1234"), "p", "", &pc);
    assert_false(pc.done);
    pin_precheck_run(strv_from_cstr("1234"), "p", NULL, &pc);
    assert_false(pc.done);
    pin_precheck_run(strv_from_cstr("1234"), "p", h1, &pc);
    pin_precheck_clear(&pc);
    assert_false(pc.done);
    assert_int_equal(pc.pin_len, 0);
    assert_false(pin_precheck_get(&pc, strv_from_cstr("1234"), h1, &match));
}

/* The writer takes the outcome: a right PIN records, a wrong one counts
 * as a wrong try, as when the writer verified itself. */
static void test_precheck_used(void **state)
{
    struct leader_env *e = *state;
    struct pin_precheck pc;
    struct reply *r;

    precheck(e, FIX_L1_PHONE, "THU 2 1000 0 1234", &pc);
    r = sms(e, FIX_L1_PHONE, "THU 2 1000 0 1234", &pc);
    assert_int_equal(r->nmsgs, 2); /* reply and receipt */
    assert_int_equal(audit_n(e, "record"), 1);
    precheck(e, FIX_L1_PHONE, "THU 3 1000 0 9999", &pc);
    r = sms(e, FIX_L1_PHONE, "THU 3 1000 0 9999", &pc);
    assert_contains(r->msgs[0].text, "Sai ma PIN. Con 2");
    assert_int_equal(audit_n(e, "pin.fail"), 1);
    assert_int_equal(audit_n(e, "record"), 1);
}

/* Between the check and the writer the PIN changes or the leader is
 * locked: the writer's transaction decides, never the stale outcome. */
static void test_precheck_stale(void **state)
{
    struct leader_env *e = *state;
    struct pin_precheck pc, pc2;
    struct reply *r;

    precheck(e, FIX_L1_PHONE, "THU 2 1000 0 1234", &pc);
    assert_true(pc.done && pc.match);
    r = sms(e, FIX_L1_PHONE, "MK 1234 567890", NULL);
    assert_contains(r->msgs[0].text, "Da doi ma PIN");
    r = sms(e, FIX_L1_PHONE, "THU 2 1000 0 1234", &pc);
    assert_contains(r->msgs[0].text, "Sai ma PIN");
    assert_int_equal(audit_n(e, "record"), 0);

    /* Right PIN checked, then two wrong tries lock her first. */
    precheck(e, FIX_L1_PHONE, "THU 2 1000 0 567890", &pc2);
    assert_true(pc2.done && pc2.match);
    r = sms(e, FIX_L1_PHONE, "NOP 1111", NULL);
    r = sms(e, FIX_L1_PHONE, "NOP 2222", NULL);
    assert_contains(r->msgs[0].text, "bi khoa");
    r = sms(e, FIX_L1_PHONE, "THU 2 1000 0 567890", &pc2);
    assert_contains(r->msgs[0].text, "bi khoa");
    assert_int_equal(audit_n(e, "record"), 0);
    assert_int_equal(audit_n(e, "pin.locked"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_takes_pin),
        cmocka_unit_test_setup_teardown(test_precheck_outcomes, setup,
                                        teardown),
        cmocka_unit_test(test_precheck_get),
        cmocka_unit_test_setup_teardown(test_precheck_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precheck_stale, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
