/* member_fixture.c - handler test data
 *
 * Master data goes in through the import API (db/db_import.h), as the
 * bank's files would; collections, which only leaders' commands create,
 * are written with SQL (tests may use SQL).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "db/db_import.h"
#include "db/db_internal.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

static const struct db_commune commune = {"X01",     "An Thanh", "Ben Luc",
                                          "Long An", 17,         FIX_OFFICER};
static const struct db_group group = {"G01", "To 3 ap Binh Hoa", "X01", "LHPN"};

static const struct db_member members[] = {
    {"TV09", "G01", 9, "Tr\xe1\xba\xa7n Th\xe1\xbb\x8b Lan", FIX_LEADER,
     "leader", 1, 0},
    {"TV01", "G01", 1, "Nguyen Thi Hoa", FIX_ONE, "member", 1, 1},
    {"TV02", "G01", 2, "Le Thi Mai", FIX_PENDING, "member", 1, 0},
    {"TV03", "G01", 3, "Pham Thi Cuc", FIX_MULTI, "member", 0, 0},
    {"TV04", "G01", 4, "Vo Thi Dao", FIX_NOLOAN, "member", 1, 0},
    {"TV05", "G01", 5, "Ho Thi Em", FIX_EMPTY, "member", 1, 0},
};

static const struct db_loan loans[] = {
    {"L1", "TV01", "HN", "2024-11-17", 50000000, 50000000, 55, "2029-11-17",
     "2026-11-17", 10000000, 275000, 0, "current"},
    {"L2", "TV02", "CN", "2025-01-17", 30000000, 30000000, 66, "2028-01-17", "",
     0, 198000, 0, "current"},
    {"L3a", "TV03", "HN", "2023-05-17", 40000000, 20000000, 55, "2027-05-17",
     "2026-08-17", 5000000, 110000, 0, "current"},
    {"L3b", "TV03", "NSVSMT", "2024-05-17", 25000000, 25000000, 75,
     "2029-05-17", "2026-08-17", 2500000, 187500, 1500000, "overdue"},
    {"L3c", "TV03", "HSSV", "2015-05-17", 30000000, 0, 55, "2025-05-17",
     "2026-06-17", 9000000, 0, 0, "closed"},
};

static const struct db_savings balances[] = {
    {"TV01", 1240000},
    {"TV02", 300000},
    {"TV03", 2000000},
    {"TV04", 500000},
};

/* Member TV02: oldest POSTED, then VOIDED, CONFIRMED, RECORDED. */
static const char collections_sql[] =
    "INSERT INTO collections(receipt_code, member_id, leader_id, group_id,"
    " session_on, interest, savings, principal, state, channel,"
    " created_at, updated_at)"
    " SELECT v.column1, m.id, l.id, m.group_id, v.column2, v.column3,"
    " v.column4, v.column5, v.column6, 'sms', v.column7, v.column7"
    " FROM (VALUES"
    /* recorded at 10:00 Vietnam time on the session days */
    "  ('A2B3C4', '2026-03-17', 198000, 20000, 0, 'POSTED', 1773716400),"
    "  ('D5E6F7', '2026-04-17', 198000, 0, 0, 'VOIDED', 1776394800),"
    "  ('G8H9J2', '2026-04-17', 198000, 50000, 0, 'CONFIRMED', 1776395400),"
    "  ('K7Q2M9', '2026-05-17', 0, 20000, 1000000, 'RECORDED', 1778986800))"
    " v"
    " JOIN members m ON m.code = 'TV02' JOIN members l ON l.code = 'TV09'";

static gw_err load_master(struct db *db)
{
    struct db_conflict conflict;
    gw_err err;
    size_t i;

    err = db_commune_upsert(db, &commune);
    if (!err)
        err = db_group_upsert(db, &group);
    for (i = 0; !err && i < ARRAY_SIZE(members); i++)
        err = db_member_upsert(db, &members[i], &conflict);
    for (i = 0; !err && i < ARRAY_SIZE(loans); i++)
        err = db_loan_upsert(db, &loans[i]);
    for (i = 0; !err && i < ARRAY_SIZE(balances); i++)
        err = db_savings_upsert(db, &balances[i], 0);
    return err;
}

gw_err member_fixture_load(struct db *db)
{
    gw_err err = db_begin(db);

    if (!err)
        err = load_master(db);
    if (!err)
        err = member_fixture_sql(db, collections_sql);
    if (err) {
        (void)fprintf(stderr, "fixture: %s\n", gw_strerror(err));
        db_rollback(db);
        return err;
    }
    return db_commit(db);
}

gw_err member_fixture_sql(struct db *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        (void)fprintf(stderr, "fixture: %s\n", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return GW_EDB;
    }
    return GW_OK;
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
        (void)fprintf(stderr, "fixture: %s\n", sqlite3_errmsg(db->conn));
    }
    sqlite3_finalize(st);
    return err;
}

static const char collection_sql[] =
    "INSERT INTO collections(receipt_code, member_id, leader_id, group_id,"
    " session_on, interest, savings, principal, state, channel,"
    " created_at, updated_at)"
    " SELECT ?2, m.id, l.id, m.group_id, ?3, ?4, ?5, ?6, ?7, 'sms', ?8, ?8"
    " FROM members m JOIN members l ON l.code = 'TV09' WHERE m.code = ?1";

gw_err member_fixture_collection(struct db *db, const char *member_code,
                                 const char *receipt, const char *session_on,
                                 int64_t interest, int64_t savings,
                                 int64_t principal, const char *state,
                                 int64_t created_at)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_prepare_v2(db->conn, collection_sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        (void)sqlite3_bind_text(st, 1, member_code, -1, SQLITE_STATIC);
        (void)sqlite3_bind_text(st, 2, receipt, -1, SQLITE_STATIC);
        (void)sqlite3_bind_text(st, 3, session_on, -1, SQLITE_STATIC);
        (void)sqlite3_bind_int64(st, 4, interest);
        (void)sqlite3_bind_int64(st, 5, savings);
        (void)sqlite3_bind_int64(st, 6, principal);
        (void)sqlite3_bind_text(st, 7, state, -1, SQLITE_STATIC);
        (void)sqlite3_bind_int64(st, 8, created_at);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_changes(db->conn) != 1) {
        (void)fprintf(stderr, "fixture: collection: %s\n",
                      sqlite3_errmsg(db->conn));
        return GW_EDB;
    }
    return GW_OK;
}

gw_err member_fixture_many_loans(struct db *db, const char *member_code, int n,
                                 int64_t interest_due)
{
    gw_err err = GW_OK;
    int i;

    for (i = 0; i < n && err == GW_OK; i++) {
        char sql[512];

        (void)snprintf(sql, sizeof(sql),
                       "INSERT INTO loans(code, member_id, program,"
                       " disbursed_on, disbursed_amount, outstanding,"
                       " monthly_rate_bp, maturity_on, next_principal_amount,"
                       " interest_due, overdue_amount, status)"
                       " SELECT 'W%d', id, 'PROGRAMME%03d', '2024-01-01',"
                       " 99999999999, %lld, 55, '2030-01-01', 0, %lld, 0,"
                       " 'current' FROM members WHERE code = '%s'",
                       i, i, 99999999999LL - i, (long long)interest_due,
                       member_code);
        err = member_fixture_sql(db, sql);
    }
    return err;
}
