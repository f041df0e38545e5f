/* test_import.c - diemtua import: every kind, every reason, rollback */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/import.h"
#include "cli/import_rows.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/util.h"
#include "db/db_import.h"
#include "db/db_internal.h"

#define DATA "tests/data/import/"
#define NOW 1795000000

/* ---- helpers ---- */

struct snap {
    int64_t count[DB_TABLE_COUNT];
    uint64_t digest[DB_TABLE_COUNT];
};

static void take_snap(struct db *db, struct snap *s)
{
    int t;

    for (t = 0; t < DB_TABLE_COUNT; t++) {
        assert_int_equal(db_table_count(db, (enum db_table)t, &s->count[t]),
                         GW_OK);
        assert_int_equal(db_table_digest(db, (enum db_table)t, &s->digest[t]),
                         GW_OK);
    }
}

static void assert_same_snap(const struct snap *a, const struct snap *b)
{
    int t;

    for (t = 0; t < DB_TABLE_COUNT; t++) {
        assert_int_equal(a->count[t], b->count[t]);
        assert_true(a->digest[t] == b->digest[t]);
    }
}

/* Imports path as kind; returns the error and fills *out (malloc'd, the
 * caller frees) with everything written to the error stream. */
static gw_err run(struct db *db, enum import_kind kind, const char *path,
                  char **out, struct import_result *res)
{
    size_t len = 0;
    FILE *mem = open_memstream(out, &len);
    gw_err err;

    assert_non_null(mem);
    err = import_file(db, kind, path, mem, NOW, res);
    assert_int_equal(fclose(mem), 0);
    return err;
}

static void import_ok(struct db *db, enum import_kind kind, const char *path,
                      size_t rows)
{
    struct import_result res;
    char *errs = NULL;
    gw_err err = run(db, kind, path, &errs, &res);

    if (err != GW_OK || errs[0] != '\0')
        print_error("%s: %s\n%s", path, gw_strerror(err), errs);
    assert_int_equal(err, GW_OK);
    assert_string_equal(errs, "");
    assert_int_equal(res.rows, rows);
    assert_int_equal(res.bad_rows, 0);
    free(errs);
}

/* A collection as the collections module would record it, so postings
 * have a receipt to match (that module's API is not the importer's). */
static void seed_collection(struct db *db, const char *receipt)
{
    sqlite3_stmt *st = db_stmt(
        db, "INSERT INTO collections(receipt_code, member_id, leader_id,"
            " group_id, session_on, interest, savings, principal, state,"
            " channel, created_at, updated_at)"
            " SELECT ?1, m.id, l.id, m.group_id, '2026-12-10', 110000, 50000,"
            " 0, 'RECORDED', 'sms', 0, 0 FROM members m, members l"
            " WHERE m.code = 'M2' AND l.code = 'M1'");

    assert_non_null(st);
    assert_int_equal(db_bind_text(st, 1, receipt), SQLITE_OK);
    assert_int_equal(db_exec_stmt(db, st, "seed"), GW_OK);
    assert_int_equal(sqlite3_changes(db->conn), 1);
}

/* The base every case starts from: 1 commune, 2 groups, 3 members, 2
 * loans, 2 savings, collection R1. */
static struct db *base_db(void)
{
    struct db *db = NULL;

    assert_int_equal(db_open(":memory:", &db), GW_OK);
    import_ok(db, IMPORT_COMMUNES, DATA "base_communes.csv", 1);
    import_ok(db, IMPORT_GROUPS, DATA "base_groups.csv", 2);
    import_ok(db, IMPORT_MEMBERS, DATA "base_members.csv", 3);
    import_ok(db, IMPORT_LOANS, DATA "base_loans.csv", 2);
    import_ok(db, IMPORT_SAVINGS, DATA "base_savings.csv", 2);
    seed_collection(db, "R1");
    return db;
}

/* ---- bad files: exact reports, nothing changed ---- */

struct bad_case {
    enum import_kind kind;
    const char *file;
    /* Expected lines without the "PATH:" prefix, '\n'-separated. */
    const char *want;
};

static const struct bad_case bad_cases[] = {
    {IMPORT_GROUPS, "empty.csv",
     "1: header: empty file, expected "
     "'group_code,group_name,commune_code,union'"},
    {IMPORT_GROUPS, "groups_bad_header.csv",
     "1: header: expected 'group_code,group_name,commune_code,union'"},
    {IMPORT_GROUPS, "groups_extra_column.csv",
     "1: header: expected 'group_code,group_name,commune_code,union'"},
    {IMPORT_GROUPS, "groups_header_order.csv",
     "1: header: expected 'group_code,group_name,commune_code,union'"},
    {IMPORT_MEMBERS, "groups_ok.csv",
     "1: header: expected 'member_code,group_code,seq,full_name,phone,role,"
     "reminders,campaigns'"},
    {IMPORT_GROUPS, "groups_column_count.csv",
     "3: row: wrong column count (3, expected 4)\n"
     "4: row: wrong column count (5, expected 4)"},
    {IMPORT_GROUPS, "groups_unterminated.csv",
     "3: group_name: unterminated quoted field"},
    {IMPORT_GROUPS, "groups_unknown_commune.csv",
     "3: commune_code: unknown commune C9"},
    {IMPORT_COMMUNES, "communes_bad_phone.csv",
     "2: officer_phone: wrong number of digits\n"
     "3: officer_phone: not a phone number"},
    {IMPORT_COMMUNES, "communes_bad_day.csv",
     "2: session_day: out of range 1..28\n"
     "3: session_day: out of range 1..28\n"
     "4: session_day: not a whole number"},
    {IMPORT_COMMUNES, "communes_empty_field.csv",
     "2: commune_name: empty\n"
     "3: province: empty\n"
     "3: officer_phone: empty"},
    {IMPORT_MEMBERS, "members_dup_code.csv",
     "4: member_code: duplicate code M4 in the file (first on line 2)"},
    {IMPORT_MEMBERS, "members_phone_taken.csv",
     "2: phone: already used by member M1"},
    {IMPORT_MEMBERS, "members_phone_dup_in_file.csv",
     "3: phone: already used by member M4"},
    {IMPORT_MEMBERS, "members_seq_taken.csv",
     "2: seq: 1 already used in group G1 by member M1"},
    /* Phones and seqs are checked on the state the whole file produces:
     * a member outside the file keeps what she holds... */
    {IMPORT_MEMBERS, "members_clash_outside.csv",
     "3: seq: 1 already used in group G1 by member M1\n"
     "3: phone: already used by member M3"},
    {IMPORT_MEMBERS, "members_move_onto_taken.csv",
     "2: seq: 1 already used in group G2 by member M3"},
    {IMPORT_MEMBERS, "members_three_way.csv",
     "2: seq: 1 already used in group G1 by member M1\n"
     "3: seq: 1 already used in group G1 by member M1"},
    /* ...and between two rows of the file the later one is refused. */
    {IMPORT_MEMBERS, "members_clash_in_file.csv",
     "3: seq: 2 already used in group G2 by member M4"},
    {IMPORT_MEMBERS, "members_clash_in_file_rev.csv",
     "3: seq: 2 already used in group G2 by member M5"},
    {IMPORT_MEMBERS, "members_half_swap.csv",
     "3: phone: already used by member M2"},
    /* Header names: case and surrounding spaces are forgiven, nothing
     * else (members_header_case.csv, groups_header_case.csv pass). */
    {IMPORT_GROUPS, "groups_header_misspelled.csv",
     "1: header: expected 'group_code,group_name,commune_code,union'"},
    {IMPORT_GROUPS, "groups_header_order_case.csv",
     "1: header: expected 'group_code,group_name,commune_code,union'"},
    {IMPORT_GROUPS, "groups_header_inner_space.csv",
     "1: header: expected 'group_code,group_name,commune_code,union'"},
    {IMPORT_MEMBERS, "members_header_missing.csv",
     "1: header: expected 'member_code,group_code,seq,full_name,phone,role,"
     "reminders,campaigns'"},
    {IMPORT_MEMBERS, "members_header_extra.csv",
     "1: header: expected 'member_code,group_code,seq,full_name,phone,role,"
     "reminders,campaigns'"},
    {IMPORT_MEMBERS, "members_unknown_group.csv",
     "2: group_code: unknown group G9"},
    {IMPORT_MEMBERS, "members_bad_fields.csv",
     "2: seq: out of range 1..999\n"
     "2: role: must be one of: member, leader\n"
     "2: reminders: must be 0 or 1\n"
     "2: campaigns: must be 0 or 1\n"
     "3: seq: out of range 1..999\n"
     "4: seq: not a whole number\n"
     "4: reminders: empty"},
    {IMPORT_MEMBERS, "members_bad_code.csv",
     "2: member_code: bad code characters (letters, digits, - _ . / only)\n"
     "3: member_code: too long (33 characters, at most 32)\n"
     "4: group_code: bad code characters (letters, digits, - _ . / only)"},
    {IMPORT_MEMBERS, "members_bad_utf8.csv",
     "2: full_name: bad UTF-8\n"
     "3: full_name: bad UTF-8"},
    {IMPORT_MEMBERS, "members_control.csv", "2: full_name: control character"},
    {IMPORT_MEMBERS, "members_field_too_long.csv",
     "2: full_name: field too long (more than 1024 bytes)"},
    {IMPORT_MEMBERS, "members_name_long.csv",
     "2: full_name: too long (65 characters, at most 64)"},
    {IMPORT_MEMBERS, "members_many_bad.csv",
     "3: phone: not a Vietnamese number\n"
     "4: group_code: unknown group G9\n"
     "5: row: wrong column count (7, expected 8)\n"
     "6: member_code: duplicate code M4 in the file (first on line 2)"},
    {IMPORT_LOANS, "loans_bad_dates.csv",
     "2: disbursed_on: bad date (expected YYYY-MM-DD)\n"
     "2: maturity_on: bad date (expected YYYY-MM-DD)\n"
     "2: next_principal_on: bad date (expected YYYY-MM-DD)"},
    {IMPORT_LOANS, "loans_bad_amounts.csv",
     "2: disbursed_amount: negative amount\n"
     "2: outstanding: not a whole number of VND\n"
     "2: next_principal_amount: exceeds maximum 99999999999\n"
     "2: overdue_amount: not a whole number of VND"},
    {IMPORT_LOANS, "loans_bad_other.csv",
     "2: program: bad programme code (letters, digits, - _ only)\n"
     "2: monthly_rate_bp: out of range 0..10000\n"
     "2: status: must be one of: current, overdue, extended, frozen, "
     "closed\n"
     "3: monthly_rate_bp: not a whole number\n"
     "4: member_code: unknown member M9"},
    {IMPORT_LOANS, "loans_over_max.csv",
     "2: outstanding: exceeds maximum 99999999999"},
    {IMPORT_SAVINGS, "savings_bad.csv",
     "2: balance: negative amount\n"
     "3: member_code: unknown member M9\n"
     "4: balance: not a whole number of VND"},
    {IMPORT_POSTINGS, "postings_bad.csv",
     "3: receipt_code: unknown receipt R9\n"
     "4: posted_on: bad date (expected YYYY-MM-DD)"},
};

static void expected_text(const char *path, const char *want, struct buf *b)
{
    const char *p = want;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        buf_appendf(b, "%s:%.*s\n", path, (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_bad_files(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        const struct bad_case *c = &bad_cases[i];
        struct db *db = base_db();
        struct import_result res;
        struct snap before, after;
        char path[256], *errs = NULL;
        struct buf want;
        gw_err err;

        (void)snprintf(path, sizeof(path), DATA "%s", c->file);
        buf_init(&want, 1 << 16);
        expected_text(path, c->want, &want);
        take_snap(db, &before);
        err = run(db, c->kind, path, &errs, &res);
        if (strcmp(errs, buf_cstr(&want)) != 0)
            print_error("case %s:\nwant:\n%sgot:\n%s", c->file, buf_cstr(&want),
                        errs);
        assert_int_equal(err, GW_EINVAL);
        assert_string_equal(errs, buf_cstr(&want));
        assert_int_equal(res.errors, count_lines(errs));
        assert_false(db_in_transaction(db));
        take_snap(db, &after);
        assert_same_snap(&before, &after);
        free(errs);
        buf_release(&want);
        db_close(db);
    }
}

/* ---- valid files ---- */

static void test_communes_ok(void **state)
{
    struct db *db = base_db();
    struct db_commune c;

    (void)state;
    import_ok(db, IMPORT_COMMUNES, DATA "communes_ok.csv", 2);
    assert_int_equal(db_commune_get(db, "C1", &c), GW_OK);
    assert_int_equal(c.session_day, 12);
    assert_string_equal(c.officer_phone, "+84912345678");
    assert_int_equal(db_commune_get(db, "C2", &c), GW_OK);
    assert_string_equal(c.name, "Xã An Thạnh, ấp 3");
    assert_int_equal(c.session_day, 28);
    assert_string_equal(c.officer_phone, "+84912345679");
    db_close(db);
}

static void test_groups_ok(void **state)
{
    struct db *db = base_db();
    struct db_group g;
    int64_t n;

    (void)state;
    import_ok(db, IMPORT_GROUPS, DATA "groups_ok.csv", 2);
    assert_int_equal(db_table_count(db, DB_GROUPS, &n), GW_OK);
    assert_int_equal(n, 3);
    assert_int_equal(db_group_get(db, "G1", &g), GW_OK);
    assert_string_equal(g.name, "Tổ ấp Một");
    assert_string_equal(g.commune_code, "C1");
    assert_string_equal(g.union_name, "Hội LHPN xã Mỹ Yên");
    db_close(db);
}

static void test_members_ok(void **state)
{
    struct db *db = base_db();
    struct db_member m;
    int64_t n;

    (void)state;
    import_ok(db, IMPORT_MEMBERS, DATA "members_ok.csv", 3);
    assert_int_equal(db_table_count(db, DB_MEMBERS, &n), GW_OK);
    assert_int_equal(n, 5);
    /* Surrounding spaces trimmed, role folded to lower case. */
    assert_int_equal(db_member_get(db, "M5", &m), GW_OK);
    assert_string_equal(m.group_code, "G2");
    assert_int_equal(m.seq, 3);
    assert_string_equal(m.full_name, "Võ Thị Ánh");
    assert_string_equal(m.phone, "+84978315062");
    assert_string_equal(m.role, "leader");
    assert_int_equal(m.reminders, 0);
    assert_int_equal(m.campaigns, 1);
    /* An existing member updated in place. */
    assert_int_equal(db_member_get(db, "M2", &m), GW_OK);
    assert_string_equal(m.full_name, "Trần Thị Hoa Hồng");
    assert_int_equal(m.reminders, 0);
    db_close(db);
}

static void test_loans_ok(void **state)
{
    struct db *db = base_db();
    struct db_loan l;

    (void)state;
    import_ok(db, IMPORT_LOANS, DATA "loans_ok.csv", 3);
    assert_int_equal(db_loan_get(db, "L3", &l), GW_OK);
    assert_string_equal(l.program, "NSVSMT");
    assert_int_equal(l.monthly_rate_bp, 75);
    assert_string_equal(l.next_principal_on, "2027-02-15");
    /* DT_MONEY_MAX is accepted everywhere (max+1: loans_over_max.csv). */
    assert_int_equal(db_loan_get(db, "L4", &l), GW_OK);
    assert_int_equal(l.disbursed_amount, DT_MONEY_MAX);
    assert_int_equal(l.outstanding, DT_MONEY_MAX);
    assert_int_equal(l.interest_due, DT_MONEY_MAX);
    assert_int_equal(l.overdue_amount, DT_MONEY_MAX);
    assert_int_equal(l.monthly_rate_bp, 10000);
    assert_string_equal(l.status, "overdue");
    assert_string_equal(l.next_principal_on, "");
    assert_int_equal(db_loan_get(db, "L1", &l), GW_OK);
    assert_int_equal(l.outstanding, 48000000);
    assert_string_equal(l.status, "extended");
    assert_string_equal(l.next_principal_on, "");
    db_close(db);
}

static void test_savings_postings_ok(void **state)
{
    struct db *db = base_db();
    struct db_savings s;
    struct db_posting p;
    int64_t n;

    (void)state;
    import_ok(db, IMPORT_SAVINGS, DATA "savings_ok.csv", 3);
    assert_int_equal(db_savings_get(db, "M1", &s), GW_OK);
    assert_int_equal(s.balance, 1500000);
    assert_int_equal(db_savings_get(db, "M2", &s), GW_OK);
    assert_int_equal(s.balance, DT_MONEY_MAX);
    assert_int_equal(db_savings_get(db, "M3", &s), GW_OK);
    assert_int_equal(s.balance, 0);
    import_ok(db, IMPORT_POSTINGS, DATA "postings_header_only.csv", 0);
    import_ok(db, IMPORT_POSTINGS, DATA "postings_ok.csv", 1);
    assert_int_equal(db_posting_get(db, "R1", &p), GW_OK);
    assert_string_equal(p.posted_on, "2026-12-10");
    assert_int_equal(p.interest, 110000);
    assert_int_equal(p.savings, 50000);
    assert_int_equal(db_table_count(db, DB_POSTINGS, &n), GW_OK);
    assert_int_equal(n, 1);
    db_close(db);
}

/* Importing every file a second time changes no row. */
static void test_idempotent(void **state)
{
    static const struct {
        enum import_kind kind;
        const char *file;
        size_t rows;
    } files[] = {
        {IMPORT_COMMUNES, DATA "communes_ok.csv", 2},
        {IMPORT_GROUPS, DATA "groups_ok.csv", 2},
        {IMPORT_MEMBERS, DATA "members_ok.csv", 3},
        {IMPORT_LOANS, DATA "loans_ok.csv", 3},
        {IMPORT_SAVINGS, DATA "savings_ok.csv", 3},
        {IMPORT_POSTINGS, DATA "postings_ok.csv", 1},
    };
    struct db *db = base_db();
    struct snap once, twice;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(files); i++)
        import_ok(db, files[i].kind, files[i].file, files[i].rows);
    take_snap(db, &once);
    for (i = 0; i < ARRAY_SIZE(files); i++)
        import_ok(db, files[i].kind, files[i].file, files[i].rows);
    take_snap(db, &twice);
    assert_same_snap(&once, &twice);
    db_close(db);
}

/* Later rows see earlier ones: a seq or a phone freed by an update
 * earlier in the same file can be taken by a later row. */
static void test_reuse_freed_in_file(void **state)
{
    struct db *db = base_db();
    struct db_member m;

    (void)state;
    import_ok(db, IMPORT_MEMBERS, DATA "members_reuse_freed.csv", 4);
    assert_int_equal(db_member_get(db, "M1", &m), GW_OK);
    assert_int_equal(m.seq, 5);
    assert_int_equal(db_member_get(db, "M4", &m), GW_OK);
    assert_int_equal(m.seq, 1);
    assert_int_equal(db_member_get(db, "M5", &m), GW_OK);
    assert_string_equal(m.phone, "+84912000002");
    db_close(db);
}

/* Files that only work when judged as a whole: swaps and renumbering
 * import in any row order, and a second import changes nothing. */
static void test_final_state_decides(void **state)
{
    static const struct {
        const char *file;
        size_t rows;
        struct {
            const char *code, *group;
            int seq;
            const char *phone;
        } want[3];
    } cases[] = {
        {"members_seq_swap.csv",
         2,
         {{"M1", "G1", 2, "+84912000001"},
          {"M2", "G1", 1, "+84912000002"},
          {"M3", "G2", 1, "+84912000003"}}},
        {"members_phone_swap.csv",
         2,
         {{"M1", "G1", 1, "+84912000002"},
          {"M2", "G1", 2, "+84912000001"},
          {"M3", "G2", 1, "+84912000003"}}},
        {"members_move_taker_first.csv",
         2,
         {{"M4", "G1", 2, "+84961204837"},
          {"M2", "G2", 2, "+84912000002"},
          {"M1", "G1", 1, "+84912000001"}}},
        {"members_move_mover_first.csv",
         2,
         {{"M4", "G1", 2, "+84961204837"},
          {"M2", "G2", 2, "+84912000002"},
          {"M3", "G2", 1, "+84912000003"}}},
        {"members_renumber.csv",
         3,
         {{"M1", "G1", 3, "+84912000003"},
          {"M2", "G1", 1, "+84912000001"},
          {"M3", "G1", 2, "+84912000002"}}},
        {"members_header_case.csv",
         1,
         {{"M4", "G2", 2, "+84961204837"},
          {"M3", "G2", 1, "+84912000003"},
          {"M1", "G1", 1, "+84912000001"}}},
    };
    size_t i, k;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct db *db = base_db();
        struct snap once, twice;
        char path[256];

        (void)snprintf(path, sizeof(path), DATA "%s", cases[i].file);
        import_ok(db, IMPORT_MEMBERS, path, cases[i].rows);
        for (k = 0; k < ARRAY_SIZE(cases[i].want); k++) {
            struct db_member m;

            assert_int_equal(db_member_get(db, cases[i].want[k].code, &m),
                             GW_OK);
            assert_string_equal(m.group_code, cases[i].want[k].group);
            assert_int_equal(m.seq, cases[i].want[k].seq);
            assert_string_equal(m.phone, cases[i].want[k].phone);
        }
        take_snap(db, &once);
        import_ok(db, IMPORT_MEMBERS, path, cases[i].rows);
        take_snap(db, &twice);
        assert_same_snap(&once, &twice);
        db_close(db);
    }
}

/* What db_member_conflicts() reported, one line per shared value:
 * "phone +849...: M1 M4" or "seq G1/2: M2 M4". */
struct clash_log {
    struct buf text;
    int calls;
    gw_err fail_at; /* returned from the call numbered stop (1-based) */
    int stop;
};

static gw_err log_clash(void *arg, const struct db_member_clash *c)
{
    struct clash_log *l = arg;
    size_t i;

    if (strcmp(c->column, "phone") == 0)
        buf_appendf(&l->text, "phone %s:", c->phone);
    else
        buf_appendf(&l->text, "seq %s/%d:", c->group_code, c->seq);
    for (i = 0; i < c->ncodes; i++)
        buf_appendf(&l->text, " %s", c->codes[i]);
    buf_appendf(&l->text, "\n");
    return ++l->calls == l->stop ? l->fail_at : GW_OK;
}

/* The check itself: every shared value with every holder, oldest first;
 * a callback's error stops it. */
static void test_conflicts_listed(void **state)
{
    struct db *db = base_db();
    struct db_member m4 = {"M4",           "G1",     2, "Thu",
                           "+84912000001", "member", 1, 0};
    struct db_member m5 = {"M5",           "G1",     2, "Anh",
                           "+84912000005", "member", 1, 0};
    struct clash_log l;

    (void)state;
    memset(&l, 0, sizeof(l));
    buf_init(&l.text, 1024);
    assert_int_equal(db_member_conflicts(db, log_clash, &l), GW_OK);
    assert_int_equal(l.calls, 0);
    assert_int_equal(db_begin(db), GW_OK);
    assert_int_equal(db_member_upsert_deferred(db, &m4), GW_OK);
    assert_int_equal(db_member_upsert_deferred(db, &m5), GW_OK);
    assert_int_equal(db_member_conflicts(db, log_clash, &l), GW_OK);
    assert_string_equal(buf_cstr(&l.text), "phone +84912000001: M1 M4\n"
                                           "seq G1/2: M2 M4 M5\n");
    /* The checked upsert still refuses what the deferred one let in. */
    m5.seq = 3;
    m5.phone[11] = '2';
    assert_int_equal(db_member_upsert(db, &m5, NULL), GW_EEXIST);
    l.calls = 0;
    l.stop = 1;
    l.fail_at = GW_EDB;
    assert_int_equal(db_member_conflicts(db, log_clash, &l), GW_EDB);
    assert_int_equal(l.calls, 1);
    db_rollback(db);
    buf_release(&l.text);
    db_close(db);
}

/* Header names in any case, with spaces around them. */
static void test_header_case_spaces(void **state)
{
    struct db *db = base_db();
    struct db_group g;

    (void)state;
    import_ok(db, IMPORT_GROUPS, DATA "groups_header_case.csv", 1);
    assert_int_equal(db_group_get(db, "G3", &g), GW_OK);
    assert_string_equal(g.union_name, "Hội");
    db_close(db);
}

static void test_bom_crlf_blank_lines(void **state)
{
    struct db *db = base_db();
    struct db_member m;

    (void)state;
    import_ok(db, IMPORT_MEMBERS, DATA "members_bom_crlf.csv", 1);
    assert_int_equal(db_member_get(db, "M4", &m), GW_OK);
    assert_string_equal(m.full_name, "Phạm Thị Thu");
    assert_int_equal(m.campaigns, 0);
    db_close(db);
}

static void test_nfd_stored_nfc(void **state)
{
    struct db *db = base_db();
    struct db_member m;

    (void)state;
    import_ok(db, IMPORT_MEMBERS, DATA "members_nfd.csv", 1);
    assert_int_equal(db_member_get(db, "M4", &m), GW_OK);
    /* The literal is NFC (precomposed): "Nguy\u1ec5n Th\u1ecb ..." */
    assert_string_equal(m.full_name, "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b Ng"
                                     "\xe1\xbb\x8d"
                                     "c \xc3\x81nh");
    db_close(db);
}

static void test_name_and_code_limits(void **state)
{
    struct db *db = base_db();
    struct db_member m;
    char code[DT_CODE_SIZE];

    (void)state;
    /* 64 characters after NFC, more before it: accepted. */
    import_ok(db, IMPORT_MEMBERS, DATA "members_name_max.csv", 1);
    assert_int_equal(db_member_get(db, "M4", &m), GW_OK);
    assert_int_equal(strlen(m.full_name), 11 + 2 + 2 + 53 * 2);
    memset(code, '0', DT_CODE_MAX);
    code[0] = 'M';
    code[DT_CODE_MAX] = '\0';
    db_close(db);
    db = base_db();
    import_ok(db, IMPORT_MEMBERS, DATA "members_code_max.csv", 1);
    assert_int_equal(db_member_get(db, code, &m), GW_OK);
    db_close(db);
}

static void test_old_numbers(void **state)
{
    struct db *db = base_db();
    struct db_member m;

    (void)state;
    import_ok(db, IMPORT_MEMBERS, DATA "members_old_numbers.csv", 3);
    assert_int_equal(db_member_get(db, "M4", &m), GW_OK);
    assert_string_equal(m.phone, "+84389452317"); /* 0168 -> 038 */
    assert_int_equal(db_member_get(db, "M5", &m), GW_OK);
    assert_string_equal(m.phone, "+84392547108"); /* 0169 -> 039 */
    assert_int_equal(db_member_get(db, "M6", &m), GW_OK);
    assert_string_equal(m.phone, "+84834567890"); /* 0123 -> 083 */
    db_close(db);
}

static void test_demo_files(void **state)
{
    static const char *const order[] = {"communes", "groups",  "members",
                                        "loans",    "savings", "postings"};
    struct db *db = NULL;
    struct db_loan l;
    struct db_member m;
    size_t i;

    (void)state;
    assert_int_equal(db_open(":memory:", &db), GW_OK);
    for (i = 0; i < ARRAY_SIZE(order); i++) {
        enum import_kind kind;
        struct import_result res;
        char path[64], *errs = NULL;

        (void)snprintf(path, sizeof(path), "demo/%s.csv", order[i]);
        assert_true(import_kind_parse(order[i], &kind));
        assert_int_equal(run(db, kind, path, &errs, &res), GW_OK);
        assert_string_equal(errs, "");
        free(errs);
    }
    assert_int_equal(db_loan_get(db, "HN-240312-0101", &l), GW_OK);
    assert_int_equal(l.outstanding, 50000000);
    assert_int_equal(l.monthly_rate_bp, 55);
    assert_int_equal(l.interest_due, 275000);
    assert_int_equal(db_member_get(db, "AT01-06", &m), GW_OK);
    assert_string_equal(m.phone, "+84389452317");
    assert_int_equal(db_member_get(db, "AT02-08", &m), GW_OK);
    assert_string_equal(m.phone, "+84835603185");
    db_close(db);
}

static void test_kind_table(void **state)
{
    int k;

    (void)state;
    for (k = 0; k < IMPORT_KIND_COUNT; k++) {
        const struct import_kind_def *d = &import_kinds[k];
        enum import_kind got;
        struct buf b;
        size_t i;

        buf_init(&b, 1024);
        for (i = 0; i < d->ncolumns; i++)
            buf_appendf(&b, "%s%s", i ? "," : "", d->columns[i]);
        assert_string_equal(buf_cstr(&b), d->header);
        assert_true(import_kind_parse(d->name, &got));
        assert_int_equal(got, k);
        buf_release(&b);
    }
    {
        enum import_kind got;

        assert_false(import_kind_parse("member", &got));
        assert_false(import_kind_parse("", &got));
    }
}

static void test_missing_file(void **state)
{
    struct db *db = base_db();
    struct import_result res;
    char *errs = NULL;

    (void)state;
    assert_int_equal(
        run(db, IMPORT_GROUPS, DATA "no_such_file.csv", &errs, &res), GW_EIO);
    assert_non_null(strstr(errs, "no_such_file.csv: cannot open"));
    assert_false(db_in_transaction(db));
    free(errs);
    db_close(db);
}

/* The subcommand's exit statuses: 0 ok, 1 bad rows, 2 usage. */
static void test_cli(void **state)
{
    char dir[] = "/tmp/dt_import_XXXXXX", db[64];
    struct {
        const char *args[6];
        int want;
    } cases[] = {
        {{"import", "--db", db, "communes", DATA "base_communes.csv"}, 0},
        {{"import", "--db", db, "groups", DATA "groups_unknown_commune.csv"},
         1},
        {{"import", "--db", db, "group", DATA "base_groups.csv"}, 2},
        {{"import", "--db", db, "groups"}, 2},
        {{"import", "--bogus", "groups", DATA "base_groups.csv"}, 2},
        {{"import", "--help"}, 0},
    };
    size_t i;

    (void)state;
    assert_non_null(mkdtemp(dir));
    (void)snprintf(db, sizeof(db), "%s/t.db", dir);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        char *argv[6] = {NULL};
        int argc = 0;

        while (argc < 6 && cases[i].args[argc]) {
            argv[argc] = (char *)(uintptr_t)cases[i].args[argc];
            argc++;
        }
        assert_int_equal(cmd_import(argc, argv), cases[i].want);
    }
    (void)unlink(db);
    (void)snprintf(db + strlen(dir), sizeof(db) - strlen(dir), "/t.db-wal");
    (void)unlink(db);
    (void)snprintf(db + strlen(dir), sizeof(db) - strlen(dir), "/t.db-shm");
    (void)unlink(db);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_table),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_communes_ok),
        cmocka_unit_test(test_groups_ok),
        cmocka_unit_test(test_members_ok),
        cmocka_unit_test(test_loans_ok),
        cmocka_unit_test(test_savings_postings_ok),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_reuse_freed_in_file),
        cmocka_unit_test(test_final_state_decides),
        cmocka_unit_test(test_conflicts_listed),
        cmocka_unit_test(test_header_case_spaces),
        cmocka_unit_test(test_bom_crlf_blank_lines),
        cmocka_unit_test(test_nfd_stored_nfc),
        cmocka_unit_test(test_name_and_code_limits),
        cmocka_unit_test(test_old_numbers),
        cmocka_unit_test(test_demo_files),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_cli),
    };

    log_set_level(LOG_WARN);
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
