/* test_db_collection.c - recording, every transition and refusal, the
 * audit log, session totals, remit, export; PIN store */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/util.h"
#include "db/db_collection.h"
#include "db/db_msg.h"
#include "db/db_pin.h"
#include "tests/unit/collect_fixture.h"

/* Row ids in fixture order. */
enum { L1 = 1, M2 = 2, M3 = 3, M4 = 4, L2 = 5, N2 = 6 };

#define SESSION "2026-05-17"
#define NOW 1779000000

static int setup(void **state)
{
    *state = fix_open(":memory:");
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static struct db_collect_req req(int64_t leader, int seq, const char *code,
                                 int64_t interest, int64_t savings,
                                 int64_t principal)
{
    struct db_collect_req r;

    memset(&r, 0, sizeof(r));
    r.leader_id = leader;
    r.actor = leader == L2 ? "L2" : "L1";
    r.phone = leader == L2 ? FIX_L2_PHONE : FIX_L1_PHONE;
    r.seq = seq;
    r.receipt_code = code;
    r.session_on = SESSION;
    r.interest = interest;
    r.savings = savings;
    r.principal = principal;
    r.channel = "sms";
    r.now = NOW;
    return r;
}

static int64_t audit_n(struct db *db, const char *action)
{
    int64_t n = -1;

    assert_int_equal(db_audit_count(db, action, &n), GW_OK);
    return n;
}

static void record_ok(struct db *db, int64_t leader, int seq, const char *code,
                      int64_t i, int64_t s, int64_t p)
{
    struct db_collect_req r = req(leader, seq, code, i, s, p);
    enum db_collect_why why = DB_COLLECT_TOO_BIG;
    struct db_collection c;

    assert_int_equal(db_collection_record(db, &r, &why, NULL, &c), GW_OK);
    assert_int_equal(why, DB_COLLECT_OK);
    assert_string_equal(c.state, "RECORDED");
    assert_string_equal(c.receipt_code, code);
}

static void test_record(void **state)
{
    struct db *db = *state;
    struct db_collect_req r = req(L1, 2, "K7Q2M9", 275000, 20000, 0);
    enum db_collect_why why;
    struct db_collection c;

    assert_int_equal(db_collection_record(db, &r, &why, NULL, &c), GW_OK);
    assert_int_equal(why, DB_COLLECT_OK);
    assert_string_equal(c.state, "RECORDED");
    assert_string_equal(c.member_code, "M2");
    assert_string_equal(c.member_name, "Nguyen Thi Hoa");
    assert_string_equal(c.member_phone, FIX_M2_PHONE);
    assert_string_equal(c.leader_name, "Tran Thi Lan");
    assert_string_equal(c.officer_phone, FIX_OFFICER);
    assert_string_equal(c.commune_name, "An Thanh");
    assert_string_equal(c.session_on, SESSION);
    assert_int_equal(c.interest, 275000);
    assert_int_equal(c.savings, 20000);
    assert_int_equal(c.member_seq, 2);
    assert_int_equal(c.remitted_at, 0);
    assert_int_equal(audit_n(db, "record"), 1);

    /* The same code again: a collision, nothing written. */
    r = req(L1, 3, "K7Q2M9", 1000, 0, 0);
    assert_int_equal(db_collection_record(db, &r, &why, NULL, &c), GW_EEXIST);
    assert_int_equal(audit_n(db, NULL), 1);

    /* Savings only (GTK) for a member with no loan. */
    record_ok(db, L1, 4, "GTK234", 0, 50000, 0);
    /* The leader records her own. */
    record_ok(db, L1, 1, "SELF22", 50000, 0, 0);
}

/* A collection is linked once to the inbound message that caused it. */
static void test_link_inbound(void **state)
{
    struct db *db = *state;
    struct db_collect_req r = req(L1, 2, "K7Q2M9", 275000, 20000, 0);
    enum db_collect_why why;
    struct db_collection c;
    int64_t in1 = 0, in2 = 0;

    assert_int_equal(db_collection_record(db, &r, &why, NULL, &c), GW_OK);
    assert_int_equal(db_inbound_insert(db, "kannel", "m-1", "sms", FIX_L1_PHONE,
                                       "THU 2 ****", 1, &in1),
                     GW_OK);
    assert_int_equal(db_inbound_insert(db, "kannel", "m-2", "sms", FIX_L1_PHONE,
                                       "THU 2 ****", 2, &in2),
                     GW_OK);
    assert_int_equal(db_collection_link_inbound(db, c.id, in1), GW_OK);
    /* Linked already: a second link changes nothing. */
    assert_int_equal(db_collection_link_inbound(db, c.id, in2), GW_ENOTFOUND);
    assert_int_equal(db_collection_link_inbound(db, c.id + 1000, in2),
                     GW_ENOTFOUND);
}

static void test_record_refusals(void **state)
{
    static const struct {
        int64_t leader;
        int seq;
        int64_t i, s, p, cap;
        enum db_collect_why why;
        int64_t allowed;
    } t[] = {
        /* No seq 5 in G1; N2 is seq 2 of G2 but G1's seq 2 is M2. */
        {L1, 5, 1000, 0, 0, 0, DB_COLLECT_NO_MEMBER, 0},
        {L1, 0, 1000, 0, 0, 0, DB_COLLECT_NO_MEMBER, 0},
        {L1, 1000, 1000, 0, 0, 0, DB_COLLECT_NO_MEMBER, 0},
        /* A member is not a leader, even for her own group. */
        {M2, 3, 1000, 0, 0, 0, DB_COLLECT_NOT_LEADER, 0},
        {N2, 1, 1000, 0, 0, 0, DB_COLLECT_NOT_LEADER, 0},
        {999, 2, 1000, 0, 0, 0, DB_COLLECT_NOT_LEADER, 0},
        /* Interest: M2 owes 275,000; M3 100,000 + 50,000 overdue. */
        {L1, 2, 275001, 0, 0, 0, DB_COLLECT_INTEREST_OVER, 275000},
        {L1, 3, 150001, 0, 0, 0, DB_COLLECT_INTEREST_OVER, 150000},
        {L1, 4, 1, 0, 0, 0, DB_COLLECT_INTEREST_OVER, 0}, /* no loan */
        /* Principal: M2 has 50,000,000 outstanding. */
        {L1, 2, 0, 0, 50000001, 0, DB_COLLECT_PRINCIPAL_OVER, 50000000},
        {L1, 4, 0, 0, 1, 0, DB_COLLECT_PRINCIPAL_OVER, 0},
        /* Absurd amounts. */
        {L1, 2, 0, DT_MONEY_MAX + 1, 0, 0, DB_COLLECT_TOO_BIG, DT_MONEY_MAX},
        {L1, 2, 0, 5000001, 0, 5000000, DB_COLLECT_TOO_BIG, 5000000},
        {L1, 2, -1, 0, 0, 0, DB_COLLECT_TOO_BIG, DT_MONEY_MAX},
        {L1, 2, 0, 0, 0, 0, DB_COLLECT_EMPTY, 0},
    };
    struct db *db = *state;
    struct db_collection c;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct db_collect_req r =
            req(t[i].leader, t[i].seq, "ABCDEF", t[i].i, t[i].s, t[i].p);
        enum db_collect_why why = DB_COLLECT_OK;
        int64_t allowed = -1;

        r.max_amount = t[i].cap;
        assert_int_equal(db_collection_record(db, &r, &why, &allowed, &c),
                         GW_EDENIED);
        assert_int_equal(why, t[i].why);
        assert_int_equal(allowed, t[i].allowed);
        assert_int_equal(audit_n(db, "record"), (int64_t)i + 1);
        assert_int_equal(db_collection_get(db, "ABCDEF", &c), GW_ENOTFOUND);
    }
    /* At the limits exactly, accepted. */
    record_ok(db, L1, 3, "MAX150", 150000, 0, 10000000);
    /* Already recorded this session counts against what is due. */
    record_ok(db, L1, 2, "PART22", 200000, 0, 0);
    {
        struct db_collect_req r = req(L1, 2, "PART33", 75001, 0, 0);
        enum db_collect_why why;

        assert_int_equal(db_collection_record(db, &r, &why, NULL, &c),
                         GW_EDENIED);
        assert_int_equal(why, DB_COLLECT_INTEREST_OVER);
    }
    record_ok(db, L1, 2, "PART44", 75000, 0, 0);
    /* Another session has its own due. */
    {
        struct db_collect_req r = req(L1, 2, "NEXT22", 275000, 0, 0);
        enum db_collect_why why;

        r.session_on = "2026-06-17";
        assert_int_equal(db_collection_record(db, &r, &why, NULL, &c), GW_OK);
    }
}

static struct db_actor actor(int64_t id, const char *code, const char *phone)
{
    struct db_actor a = {id, code, phone, NOW + 60};

    return a;
}

static void test_confirm(void **state)
{
    struct db *db = *state;
    struct db_actor m2 = actor(M2, "M2", FIX_M2_PHONE);
    struct db_actor m3 = actor(M3, "M3", FIX_M3_PHONE);
    struct db_collection c;

    {
        char code[DT_CODE_SIZE];

        assert_int_equal(db_collection_latest(db, M2, DB_ST_RECORDED, code),
                         GW_ENOTFOUND);
        record_ok(db, L1, 2, "OLD222", 1000, 0, 0);
        record_ok(db, L1, 2, "K7Q2M9", 274000, 20000, 0);
        assert_int_equal(db_collection_latest(db, M2, DB_ST_RECORDED, code),
                         GW_OK);
        assert_string_equal(code, "K7Q2M9");
        assert_int_equal(db_collection_latest(db, M3, DB_ST_RECORDED, code),
                         GW_ENOTFOUND);
        assert_int_equal(db_collection_latest(db, M2, DB_ST_POSTED, code),
                         GW_ENOTFOUND);
    }
    /* Another member cannot see or touch it: same answer as unknown. */
    assert_int_equal(db_collection_confirm(db, &m3, "K7Q2M9", &c),
                     GW_ENOTFOUND);
    assert_string_equal(c.member_name, "");
    assert_int_equal(db_collection_confirm(db, &m2, "ZZZZZZ", &c),
                     GW_ENOTFOUND);
    assert_int_equal(audit_n(db, "confirm"), 2);

    assert_int_equal(db_collection_confirm(db, &m2, "K7Q2M9", &c), GW_OK);
    assert_string_equal(c.state, "CONFIRMED");
    /* A second XN is harmless. */
    assert_int_equal(db_collection_confirm(db, &m2, "K7Q2M9", &c), GW_EEXIST);
    assert_string_equal(c.state, "CONFIRMED");
    assert_int_equal(audit_n(db, "confirm"), 4);

    /* A confirmed receipt cannot be voided, even by its leader. */
    {
        struct db_actor l1 = actor(L1, "L1", FIX_L1_PHONE);

        assert_int_equal(db_collection_void(db, &l1, "K7Q2M9", &c), GW_EDENIED);
        assert_string_equal(c.state, "CONFIRMED");
    }
    /* Disputing a confirmed one is allowed. */
    assert_int_equal(db_collection_dispute(db, &m2, "K7Q2M9", &c), GW_OK);
    assert_string_equal(c.state, "DISPUTED");
    assert_int_equal(db_collection_dispute(db, &m2, "K7Q2M9", &c), GW_EEXIST);
    /* Not back to CONFIRMED. */
    assert_int_equal(db_collection_confirm(db, &m2, "K7Q2M9", &c), GW_EDENIED);
}

static void test_void(void **state)
{
    struct db *db = *state;
    struct db_actor l1 = actor(L1, "L1", FIX_L1_PHONE);
    struct db_actor l2 = actor(L2, "L2", FIX_L2_PHONE);
    struct db_actor m2 = actor(M2, "M2", FIX_M2_PHONE);
    struct db_collection c;

    record_ok(db, L1, 2, "VVVVVV", 100000, 0, 0);
    /* Another group's leader, or the member: as if it did not exist. */
    assert_int_equal(db_collection_void(db, &l2, "VVVVVV", &c), GW_ENOTFOUND);
    assert_int_equal(db_collection_void(db, &m2, "VVVVVV", &c), GW_ENOTFOUND);
    assert_int_equal(db_collection_get(db, "VVVVVV", &c), GW_OK);
    assert_string_equal(c.state, "RECORDED");
    assert_int_equal(db_collection_void(db, &l1, "VVVVVV", &c), GW_OK);
    assert_string_equal(c.state, "VOIDED");
    assert_int_equal(db_collection_void(db, &l1, "VVVVVV", &c), GW_EEXIST);
    /* A voided amount no longer counts against the due. */
    record_ok(db, L1, 2, "AFTER2", 275000, 0, 0);
    /* The member may still dispute it (paid, then voided behind her). */
    assert_int_equal(db_collection_confirm(db, &m2, "VVVVVV", &c), GW_EDENIED);
    assert_int_equal(db_collection_dispute(db, &m2, "VVVVVV", &c), GW_OK);
    /* Not voidable once remitted. */
    {
        int n;
        int64_t amount;

        assert_int_equal(db_collection_remit(db, &l1, SESSION, &n, &amount),
                         GW_OK);
        assert_int_equal(n, 1);
        assert_int_equal(amount, 275000);
        assert_int_equal(db_collection_void(db, &l1, "AFTER2", &c), GW_EDENIED);
        assert_string_equal(c.state, "RECORDED");
    }
    assert_int_equal(audit_n(db, "void"), 5);
}

static void test_leader_moved(void **state)
{
    struct db *db = *state;
    struct db_actor l1 = actor(L1, "L1", FIX_L1_PHONE);
    struct db_collection c;
    struct db_member m;

    record_ok(db, L1, 2, "MOVED2", 100000, 0, 0);
    /* L1 is demoted by an import: the write itself refuses the void. */
    memset(&m, 0, sizeof(m));
    assert_int_equal(db_member_get(db, "L1", &m), GW_OK);
    (void)snprintf(m.role, sizeof(m.role), "member");
    assert_int_equal(db_member_upsert(db, &m, NULL), GW_OK);
    assert_int_equal(db_collection_void(db, &l1, "MOVED2", &c), GW_EDENIED);
    assert_int_equal(db_collection_get(db, "MOVED2", &c), GW_OK);
    assert_string_equal(c.state, "RECORDED");
}

static void test_post_unpost(void **state)
{
    struct db *db = *state;
    struct db_actor bank = actor(0, "bank", NULL);
    struct db_actor sys = actor(0, "system", NULL);
    struct db_actor l1 = actor(L1, "L1", FIX_L1_PHONE);
    struct db_collection c;
    char(*codes)[DT_CODE_SIZE] = NULL;
    size_t n = 9;

    record_ok(db, L1, 2, "POST22", 275000, 0, 0);
    record_ok(db, L1, 3, "LOST33", 100000, 0, 0);
    record_ok(db, L1, 4, "VOID44", 0, 10000, 0);
    assert_int_equal(db_collection_void(db, &l1, "VOID44", &c), GW_OK);
    assert_int_equal(db_collection_post(db, &bank, "POST22", &c), GW_OK);
    assert_string_equal(c.state, "POSTED");
    assert_int_equal(db_collection_post(db, &bank, "POST22", &c), GW_EEXIST);
    assert_int_equal(db_collection_post(db, &bank, "VOID44", &c), GW_EDENIED);
    assert_int_equal(db_collection_post(db, &bank, "NONE22", &c), GW_ENOTFOUND);

    /* The bank books LOST33 and VOID44: only LOST33 may become POSTED. */
    {
        struct db_posting p = {"LOST33", "2026-05-17", 100000, 0, 0};
        struct db_posting v = {"VOID44", "2026-05-17", 0, 10000, 0};

        assert_int_equal(db_collection_booked_codes(db, &codes, &n), GW_OK);
        assert_int_equal(n, 0);
        assert_null(codes);
        assert_int_equal(db_posting_upsert(db, &p, NOW), GW_OK);
        assert_int_equal(db_posting_upsert(db, &v, NOW), GW_OK);
        assert_int_equal(db_collection_booked_codes(db, &codes, &n), GW_OK);
        assert_int_equal(n, 1);
        assert_string_equal(codes[0], "LOST33");
        free(codes);
        /* Booked, so not left open for close-session. */
        assert_int_equal(
            db_collection_open_codes(db, "C1", SESSION, &codes, &n), GW_OK);
        assert_int_equal(n, 0);
        free(codes);
    }
    record_ok(db, L1, 3, "OPEN33", 50000, 0, 0);
    assert_int_equal(db_collection_open_codes(db, "C1", SESSION, &codes, &n),
                     GW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(codes[0], "OPEN33");
    free(codes);
    assert_int_equal(db_collection_open_codes(db, "NOPE", SESSION, &codes, &n),
                     GW_ENOTFOUND);
    assert_int_equal(db_collection_unpost(db, &sys, "OPEN33", &c), GW_OK);
    assert_string_equal(c.state, "UNPOSTED");
    assert_int_equal(db_collection_unpost(db, &sys, "POST22", &c), GW_EDENIED);
    /* A late booking still lands. */
    assert_int_equal(db_collection_post(db, &bank, "OPEN33", &c), GW_OK);
    assert_int_equal(audit_n(db, "post"), 5);
    assert_int_equal(audit_n(db, "unpost"), 2);
}

/* A VOIDED receipt the bank booked is flagged once, whatever the
 * imports do after; nothing else is flagged. */
static void test_voided_booked(void **state)
{
    static const struct {
        const char *code;
        gw_err want;
        const char *state; /* the state out holds; NULL: not read */
    } rows[] = {
        {"VOID44", GW_OK, "VOIDED"},        /* voided, booked */
        {"VOID44", GW_EEXIST, "VOIDED"},    /* the same, again */
        {"VOID33", GW_EDENIED, "VOIDED"},   /* voided, not booked */
        {"POST22", GW_EDENIED, "RECORDED"}, /* booked, not voided */
        {"NONE22", GW_ENOTFOUND, NULL},     /* no such receipt */
        {"", GW_ENOTFOUND, NULL},           /* empty code */
    };
    struct db *db = *state;
    struct db_actor bank = actor(0, "bank", NULL);
    struct db_actor l1 = actor(L1, "L1", FIX_L1_PHONE);
    struct db_posting v = {"VOID44", SESSION, 0, 10000, 0};
    struct db_posting p = {"POST22", SESSION, 275000, 0, 0};
    struct db_collection c;
    char(*codes)[DT_CODE_SIZE] = NULL;
    size_t n = 9, i;

    record_ok(db, L1, 2, "POST22", 275000, 0, 0);
    record_ok(db, L1, 3, "VOID33", 1000, 0, 0);
    record_ok(db, L1, 4, "VOID44", 0, 10000, 0);
    assert_int_equal(db_collection_void(db, &l1, "VOID33", &c), GW_OK);
    assert_int_equal(db_collection_void(db, &l1, "VOID44", &c), GW_OK);
    assert_int_equal(db_collection_voided_booked_codes(db, &codes, &n), GW_OK);
    assert_int_equal(n, 0);
    assert_null(codes);
    assert_int_equal(db_posting_upsert(db, &v, NOW), GW_OK);
    assert_int_equal(db_posting_upsert(db, &p, NOW), GW_OK);
    assert_int_equal(db_collection_voided_booked_codes(db, &codes, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(codes[0], "VOID44");
    free(codes);
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        gw_err got =
            db_collection_flag_voided_booked(db, &bank, rows[i].code, &c);

        if (got != rows[i].want)
            fail_msg("row %zu (%s): %d, want %d", i, rows[i].code, (int)got,
                     (int)rows[i].want);
        if (rows[i].state)
            assert_string_equal(c.state, rows[i].state);
    }
    /* Flagged: off the list, one audit row, the state untouched; a
     * re-import (the upsert again) changes nothing. */
    assert_int_equal(db_posting_upsert(db, &v, NOW), GW_OK);
    assert_int_equal(db_collection_voided_booked_codes(db, &codes, &n), GW_OK);
    assert_int_equal(n, 0);
    assert_int_equal(db_collection_flag_voided_booked(db, &bank, "VOID44", &c),
                     GW_EEXIST);
    assert_int_equal(audit_n(db, DB_AUDIT_POST_VOIDED), 1);
    assert_int_equal(db_collection_get(db, "VOID44", &c), GW_OK);
    assert_string_equal(c.state, "VOIDED");
}

static void test_session(void **state)
{
    struct db *db = *state;
    struct db_actor l1 = actor(L1, "L1", FIX_L1_PHONE);
    struct db_actor l2 = actor(L2, "L2", FIX_L2_PHONE);
    struct db_actor m2 = actor(M2, "M2", FIX_M2_PHONE);
    struct db_session_totals t;
    struct db_collection c;
    int seqs[2];
    size_t n, total;
    int count;
    int64_t amount;

    assert_int_equal(db_collection_unpaid(db, L1, SESSION, seqs, 2, &n, &total),
                     GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(total, 4);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 2);
    record_ok(db, L1, 2, "TOT222", 275000, 20000, 0);
    record_ok(db, L1, 3, "TOT333", 100000, 0, 1000000);
    record_ok(db, L1, 3, "TOT334", 0, 5000, 0);
    record_ok(db, L1, 4, "TOT444", 0, 7000, 0);
    assert_int_equal(db_collection_void(db, &l1, "TOT444", &c), GW_OK);
    record_ok(db, L2, 2, "OTHER2", 200000, 0, 0);
    assert_int_equal(db_collection_unpaid(db, L1, SESSION, seqs, 2, &n, &total),
                     GW_OK);
    assert_int_equal(total, 2);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 4);
    assert_int_equal(db_collection_unpaid(db, M2, SESSION, seqs, 2, &n, &total),
                     GW_EDENIED);

    assert_int_equal(db_collection_confirm(db, &m2, "TOT222", &c), GW_OK);
    assert_int_equal(db_collection_totals(db, L1, SESSION, &t), GW_OK);
    assert_int_equal(t.members, 4);
    assert_int_equal(t.collected, 2);
    assert_int_equal(t.receipts, 3);
    assert_int_equal(t.interest, 375000);
    assert_int_equal(t.savings, 25000);
    assert_int_equal(t.principal, 1000000);
    assert_int_equal(t.interest_due, 50000 + 275000 + 100000);
    assert_int_equal(t.overdue, 50000);
    assert_int_equal(t.remitted, 0);
    assert_int_equal(db_collection_totals(db, M2, SESSION, &t), GW_EDENIED);

    /* NOP: her own open receipts only, once. */
    assert_int_equal(db_collection_remit(db, &l1, SESSION, &count, &amount),
                     GW_OK);
    assert_int_equal(count, 3);
    assert_int_equal(amount, 275000 + 20000 + 100000 + 1000000 + 5000);
    assert_int_equal(db_collection_remit(db, &l1, SESSION, &count, &amount),
                     GW_OK);
    assert_int_equal(count, 0);
    assert_int_equal(db_collection_remit(db, &m2, SESSION, &count, &amount),
                     GW_EDENIED);
    assert_int_equal(db_collection_get(db, "OTHER2", &c), GW_OK);
    assert_int_equal(c.remitted_at, 0);
    assert_int_equal(db_collection_remit(db, &l2, SESSION, &count, &amount),
                     GW_OK);
    assert_int_equal(count, 1);
    assert_int_equal(db_collection_totals(db, L1, SESSION, &t), GW_OK);
    assert_int_equal(t.remitted, 3);
    assert_int_equal(audit_n(db, "remit"), 4);
}

struct export_acc {
    int rows;
    int with_receipt;
    char codes[256];
};

static gw_err export_cb(const struct db_export_row *r, void *arg)
{
    struct export_acc *a = arg;
    size_t len = strlen(a->codes);

    a->rows++;
    if (r->receipt_code[0]) {
        a->with_receipt++;
        (void)snprintf(a->codes + len, sizeof(a->codes) - len, "%d:%s:%s ",
                       r->seq, r->receipt_code, r->state);
    }
    if (r->seq == 3)
        assert_int_equal(r->interest_due, 100000); /* closed loan left out */
    return GW_OK;
}

static gw_err export_stop(const struct db_export_row *r, void *arg)
{
    (void)r;
    (*(int *)arg)++;
    return GW_EIO;
}

static void test_export(void **state)
{
    struct db *db = *state;
    struct export_acc a;
    int calls = 0;

    memset(&a, 0, sizeof(a));
    record_ok(db, L1, 2, "EXP222", 275000, 20000, 0);
    record_ok(db, L1, 2, "EXP223", 0, 10000, 0);
    record_ok(db, L2, 2, "EXPN22", 200000, 0, 0);
    assert_int_equal(db_collection_export(db, "G1", SESSION, export_cb, &a),
                     GW_OK);
    assert_int_equal(a.rows, 5);
    assert_int_equal(a.with_receipt, 2);
    assert_string_equal(a.codes, "2:EXP222:RECORDED 2:EXP223:RECORDED ");
    assert_int_equal(db_collection_export(db, "G9", SESSION, export_cb, &a),
                     GW_ENOTFOUND);
    assert_int_equal(
        db_collection_export(db, "G1", SESSION, export_stop, &calls), GW_EIO);
    assert_int_equal(calls, 1);
}

static void test_pin_store(void **state)
{
    struct db *db = *state;
    struct db_pin p;
    int fails;
    bool locked, was;

    assert_int_equal(db_pin_get(db, L1, &p), GW_ENOTFOUND);
    assert_int_equal(db_pin_fail(db, L1, 3, NOW, &fails, &locked),
                     GW_ENOTFOUND);
    assert_int_equal(db_pin_set_by_code(db, "NOPE", "$h", NOW), GW_ENOTFOUND);
    assert_int_equal(db_pin_set_by_code(db, "L1", "$argon2id$x", NOW), GW_OK);
    assert_int_equal(db_pin_get(db, L1, &p), GW_OK);
    assert_string_equal(p.hash, "$argon2id$x");
    assert_int_equal(p.fails, 0);
    assert_false(p.locked);

    assert_int_equal(db_pin_fail(db, L1, 3, NOW, &fails, &locked), GW_OK);
    assert_int_equal(fails, 1);
    assert_false(locked);
    assert_int_equal(db_pin_success(db, L1, NOW), GW_OK); /* resets */
    assert_int_equal(db_pin_get(db, L1, &p), GW_OK);
    assert_int_equal(p.fails, 0);
    assert_int_equal(db_pin_fail(db, L1, 3, NOW, &fails, &locked), GW_OK);
    assert_int_equal(db_pin_fail(db, L1, 3, NOW, &fails, &locked), GW_OK);
    assert_false(locked);
    assert_int_equal(db_pin_fail(db, L1, 3, NOW, &fails, &locked), GW_OK);
    assert_int_equal(fails, 3);
    assert_true(locked);
    /* Success while locked does not unlock. */
    assert_int_equal(db_pin_success(db, L1, NOW), GW_OK);
    assert_int_equal(db_pin_get(db, L1, &p), GW_OK);
    assert_true(p.locked);
    assert_int_equal(p.fails, 3);

    assert_int_equal(db_pin_unlock_by_code(db, "M2", NOW, &was), GW_ENOTFOUND);
    assert_int_equal(db_pin_unlock_by_code(db, "L1", NOW, &was), GW_OK);
    assert_true(was);
    assert_int_equal(db_pin_get(db, L1, &p), GW_OK);
    assert_false(p.locked);
    assert_int_equal(p.fails, 0);
    assert_int_equal(db_pin_unlock_by_code(db, "L1", NOW, &was), GW_OK);
    assert_false(was);
    /* A new PIN also clears a lock. */
    assert_int_equal(db_pin_set(db, M2, "$h2", NOW), GW_OK);
    assert_int_equal(db_pin_set(db, 999, "$h2", NOW), GW_ENOTFOUND);
    {
        char big[DB_PIN_HASH_SIZE + 1];

        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_int_equal(db_pin_set(db, M2, big, NOW), GW_ETOOBIG);
    }
}

/* The audit log refuses changes, from any connection. */
static void test_audit_append_only(void **state)
{
    char path[] = "/tmp/dt_audit_XXXXXX";
    struct db *db;
    sqlite3 *raw = NULL;
    int fd = mkstemp(path);
    char *msg = NULL;

    (void)state;
    assert_true(fd >= 0);
    (void)close(fd);
    db = fix_open(path);
    record_ok(db, L1, 2, "AUDIT2", 1000, 0, 0);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(raw, "UPDATE audit SET actor = 'x'", NULL, NULL, &msg),
        SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    msg = NULL;
    assert_int_not_equal(
        sqlite3_exec(raw, "DELETE FROM audit", NULL, NULL, &msg), SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    (void)sqlite3_close(raw);
    assert_int_equal(audit_n(db, "record"), 1);
    db_close(db);
    (void)unlink(path);
    {
        char side[sizeof(path) + 8];

        (void)snprintf(side, sizeof(side), "%s-wal", path);
        (void)unlink(side);
        (void)snprintf(side, sizeof(side), "%s-shm", path);
        (void)unlink(side);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_inbound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_void, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leader_moved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_unpost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_voided_booked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_store, setup, teardown),
        cmocka_unit_test(test_audit_append_only),
    };

    return cmocka_run_group_tests_name("db_collection", tests, NULL, NULL);
}
