/* member_fixture.c - handler test data, written with plain SQL
 *
 * Tests may use SQL; this goes straight to the tables until the import
 * API can load the same rows.
 */
#include <sqlite3.h>
#include <stdio.h>

#include "db/db_internal.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

static const char fixture_sql[] =
    "BEGIN;"
    "INSERT INTO communes VALUES (1, 'X01', 'An Thanh', 'Ben Luc',"
    " 'Long An', 17, '" FIX_OFFICER "');"
    "INSERT INTO groups VALUES (1, 'G01', 'To 3 ap Binh Hoa', 1, 'LHPN');"
    "INSERT INTO members(id, code, group_id, seq, full_name, phone, role,"
    " reminders, campaigns) VALUES"
    " (9, 'TV09', 1, 9, 'Tran Thi Lan', '" FIX_LEADER "', 'leader', 1, 0),"
    " (1, 'TV01', 1, 1, 'Nguyen Thi Hoa', '" FIX_ONE "', 'member', 1, 1),"
    " (2, 'TV02', 1, 2, 'Le Thi Mai', '" FIX_PENDING "', 'member', 1, 0),"
    " (3, 'TV03', 1, 3, 'Pham Thi Cuc', '" FIX_MULTI "', 'member', 0, 0),"
    " (4, 'TV04', 1, 4, 'Vo Thi Dao', '" FIX_NOLOAN "', 'member', 1, 0),"
    " (5, 'TV05', 1, 5, 'Ho Thi Em', '" FIX_EMPTY "', 'member', 1, 0);"
    "INSERT INTO loans(code, member_id, program, disbursed_on,"
    " disbursed_amount, outstanding, monthly_rate_bp, maturity_on,"
    " next_principal_on, next_principal_amount, interest_due,"
    " overdue_amount, status) VALUES"
    " ('L1', 1, 'HN', '2024-11-17', 50000000, 50000000, 55, '2029-11-17',"
    "  '2026-11-17', 10000000, 275000, 0, 'current'),"
    " ('L2', 2, 'CN', '2025-01-17', 30000000, 30000000, 66, '2028-01-17',"
    "  NULL, 0, 198000, 0, 'current'),"
    " ('L3a', 3, 'HN', '2023-05-17', 40000000, 20000000, 55, '2027-05-17',"
    "  '2026-08-17', 5000000, 110000, 0, 'current'),"
    " ('L3b', 3, 'NSVSMT', '2024-05-17', 25000000, 25000000, 75,"
    "  '2029-05-17', '2026-08-17', 2500000, 187500, 1500000, 'overdue'),"
    " ('L3c', 3, 'HSSV', '2015-05-17', 30000000, 0, 55, '2025-05-17',"
    "  '2026-06-17', 9000000, 0, 0, 'closed');"
    "INSERT INTO savings VALUES (1, 1240000, 0), (2, 300000, 0),"
    " (3, 2000000, 0), (4, 500000, 0);"
    /* Member 2: oldest POSTED, then VOIDED, CONFIRMED, RECORDED. */
    "INSERT INTO collections(receipt_code, member_id, leader_id, group_id,"
    " session_on, interest, savings, principal, state, channel,"
    " created_at, updated_at) VALUES"
    " ('A2B3C4', 2, 9, 1, '2026-03-17', 198000, 20000, 0, 'POSTED', 'sms',"
    "  100, 100),"
    " ('D5E6F7', 2, 9, 1, '2026-04-17', 198000, 0, 0, 'VOIDED', 'sms',"
    "  200, 200),"
    " ('G8H9J2', 2, 9, 1, '2026-04-17', 198000, 50000, 0, 'CONFIRMED',"
    "  'sms', 300, 300),"
    " ('K7Q2M9', 2, 9, 1, '2026-05-17', 0, 20000, 1000000, 'RECORDED',"
    "  'sms', 400, 400);"
    "COMMIT;";

gw_err member_fixture_sql(struct db *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        fprintf(stderr, "fixture: %s\n", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return GW_EDB;
    }
    return GW_OK;
}

gw_err member_fixture_load(struct db *db)
{
    return member_fixture_sql(db, fixture_sql);
}

gw_err member_fixture_int(struct db *db, const char *sql, long long *out)
{
    sqlite3_stmt *st = NULL;
    gw_err err = GW_EDB;

    *out = 0;
    if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        err = GW_OK;
    } else {
        fprintf(stderr, "fixture: %s\n", sqlite3_errmsg(db->conn));
    }
    sqlite3_finalize(st);
    return err;
}
