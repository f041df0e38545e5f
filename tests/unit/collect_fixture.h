/* collect_fixture.h - two groups in one commune, for the collection tests
 *
 * Commune C1 (session day 17, officer +84900000001) holds groups G1 and
 * G2. G1: leader L1 seq 1, members M2 seq 2, M3 seq 3, M4 seq 4 (no
 * loan). G2: leader L2 seq 1, member N2 seq 2. Loaded through the
 * importer's upserts, as the bank's files would be.
 */
#ifndef COLLECT_FIXTURE_H
#define COLLECT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/db_import.h"

#define FIX_OFFICER "+84900000001"
#define FIX_L1_PHONE "+84911000001"
#define FIX_M2_PHONE "+84911000002"
#define FIX_M3_PHONE "+84911000003"
#define FIX_M4_PHONE "+84911000004"
#define FIX_L2_PHONE "+84922000001"
#define FIX_N2_PHONE "+84922000002"

static void fix_member(struct db *db, const char *code, const char *group,
                       int seq, const char *name, const char *phone,
                       const char *role)
{
    struct db_member m;

    memset(&m, 0, sizeof(m));
    (void)snprintf(m.code, sizeof(m.code), "%s", code);
    (void)snprintf(m.group_code, sizeof(m.group_code), "%s", group);
    m.seq = seq;
    (void)snprintf(m.full_name, sizeof(m.full_name), "%s", name);
    (void)snprintf(m.phone, sizeof(m.phone), "%s", phone);
    (void)snprintf(m.role, sizeof(m.role), "%s", role);
    m.reminders = 1;
    assert_int_equal(db_member_upsert(db, &m, NULL), GW_OK);
}

static void fix_loan(struct db *db, const char *code, const char *member,
                     int64_t outstanding, int64_t interest_due, int64_t overdue,
                     const char *status)
{
    struct db_loan l;

    memset(&l, 0, sizeof(l));
    (void)snprintf(l.code, sizeof(l.code), "%s", code);
    (void)snprintf(l.member_code, sizeof(l.member_code), "%s", member);
    (void)snprintf(l.program, sizeof(l.program), "HN");
    (void)snprintf(l.disbursed_on, sizeof(l.disbursed_on), "2024-05-17");
    l.disbursed_amount = outstanding;
    l.outstanding = outstanding;
    l.monthly_rate_bp = 55;
    (void)snprintf(l.maturity_on, sizeof(l.maturity_on), "2029-05-17");
    l.interest_due = interest_due;
    l.overdue_amount = overdue;
    (void)snprintf(l.status, sizeof(l.status), "%s", status);
    assert_int_equal(db_loan_upsert(db, &l), GW_OK);
}

static struct db *fix_open(const char *path)
{
    struct db_commune c = {"C1",      "An Thanh", "Ben Luc",
                           "Long An", 17,         FIX_OFFICER};
    struct db_group g1 = {"G1", "To 1 Ap 3", "C1", "LHPN"};
    struct db_group g2 = {"G2", "To 2 Ap 5", "C1", "ND"};
    struct db *db = NULL;

    assert_int_equal(db_open(path, &db), GW_OK);
    assert_int_equal(db_begin(db), GW_OK);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    assert_int_equal(db_group_upsert(db, &g1), GW_OK);
    assert_int_equal(db_group_upsert(db, &g2), GW_OK);
    fix_member(db, "L1", "G1", 1, "Tran Thi Lan", FIX_L1_PHONE, "leader");
    fix_member(db, "M2", "G1", 2, "Nguyen Thi Hoa", FIX_M2_PHONE, "member");
    fix_member(db, "M3", "G1", 3, "Le Thi Mai", FIX_M3_PHONE, "member");
    fix_member(db, "M4", "G1", 4, "Pham Thi Cuc", FIX_M4_PHONE, "member");
    fix_member(db, "L2", "G2", 1, "Vo Thi Binh", FIX_L2_PHONE, "leader");
    fix_member(db, "N2", "G2", 2, "Dang Thi Nga", FIX_N2_PHONE, "member");
    fix_loan(db, "LN-L1", "L1", 20000000, 50000, 0, "current");
    fix_loan(db, "LN-M2", "M2", 50000000, 275000, 0, "current");
    fix_loan(db, "LN-M3", "M3", 10000000, 100000, 50000, "overdue");
    fix_loan(db, "LN-M3B", "M3", 5000000, 999999, 0, "closed");
    fix_loan(db, "LN-N2", "N2", 30000000, 200000, 0, "current");
    assert_int_equal(db_commit(db), GW_OK);
    return db;
}

#endif
