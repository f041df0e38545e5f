/* db_import_read.c - reading imported rows back: by code, counts, digests */
#include <string.h>

#include "db/db_import.h"
#include "db/db_internal.h"
#include "common/banned.h"

/* Binds code to ?1 and steps: GW_OK with a row ready to read,
 * GW_ENOTFOUND (statement already reset) or a store error. */
static gw_err get_row(struct db *db, sqlite3_stmt *st, const char *code)
{
    int rc;

    if (st == NULL)
        return GW_EDB;
    rc = db_bind_text(st, 1, code);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return GW_OK;
    db_stmt_done(st);
    return rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "read row");
}

gw_err db_commune_get(struct db *db, const char *code, struct db_commune *out)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT code, name, district, province, session_day,"
                    " officer_phone FROM communes WHERE code = ?1");
    gw_err err = get_row(db, st, code);

    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    db_col_text(st, 0, out->code, sizeof(out->code));
    db_col_text(st, 1, out->name, sizeof(out->name));
    db_col_text(st, 2, out->district, sizeof(out->district));
    db_col_text(st, 3, out->province, sizeof(out->province));
    out->session_day = sqlite3_column_int(st, 4);
    db_col_text(st, 5, out->officer_phone, sizeof(out->officer_phone));
    db_stmt_done(st);
    return GW_OK;
}

gw_err db_group_get(struct db *db, const char *code, struct db_group *out)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT g.code, g.name, c.code, g.union_name FROM groups g"
            " JOIN communes c ON c.id = g.commune_id WHERE g.code = ?1");
    gw_err err = get_row(db, st, code);

    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    db_col_text(st, 0, out->code, sizeof(out->code));
    db_col_text(st, 1, out->name, sizeof(out->name));
    db_col_text(st, 2, out->commune_code, sizeof(out->commune_code));
    db_col_text(st, 3, out->union_name, sizeof(out->union_name));
    db_stmt_done(st);
    return GW_OK;
}

gw_err db_member_get(struct db *db, const char *code, struct db_member *out)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT m.code, g.code, m.seq, m.full_name, m.phone, m.role,"
            " m.reminders, m.campaigns FROM members m"
            " JOIN groups g ON g.id = m.group_id WHERE m.code = ?1");
    gw_err err = get_row(db, st, code);

    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    db_col_text(st, 0, out->code, sizeof(out->code));
    db_col_text(st, 1, out->group_code, sizeof(out->group_code));
    out->seq = sqlite3_column_int(st, 2);
    db_col_text(st, 3, out->full_name, sizeof(out->full_name));
    db_col_text(st, 4, out->phone, sizeof(out->phone));
    db_col_text(st, 5, out->role, sizeof(out->role));
    out->reminders = sqlite3_column_int(st, 6);
    out->campaigns = sqlite3_column_int(st, 7);
    db_stmt_done(st);
    return GW_OK;
}

gw_err db_loan_get(struct db *db, const char *code, struct db_loan *out)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT l.code, m.code, l.program, l.disbursed_on,"
            " l.disbursed_amount, l.outstanding, l.monthly_rate_bp,"
            " l.maturity_on, l.next_principal_on, l.next_principal_amount,"
            " l.interest_due, l.overdue_amount, l.status FROM loans l"
            " JOIN members m ON m.id = l.member_id WHERE l.code = ?1");
    gw_err err = get_row(db, st, code);

    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    db_col_text(st, 0, out->code, sizeof(out->code));
    db_col_text(st, 1, out->member_code, sizeof(out->member_code));
    db_col_text(st, 2, out->program, sizeof(out->program));
    db_col_text(st, 3, out->disbursed_on, sizeof(out->disbursed_on));
    out->disbursed_amount = sqlite3_column_int64(st, 4);
    out->outstanding = sqlite3_column_int64(st, 5);
    out->monthly_rate_bp = sqlite3_column_int64(st, 6);
    db_col_text(st, 7, out->maturity_on, sizeof(out->maturity_on));
    db_col_text(st, 8, out->next_principal_on, sizeof(out->next_principal_on));
    out->next_principal_amount = sqlite3_column_int64(st, 9);
    out->interest_due = sqlite3_column_int64(st, 10);
    out->overdue_amount = sqlite3_column_int64(st, 11);
    db_col_text(st, 12, out->status, sizeof(out->status));
    db_stmt_done(st);
    return GW_OK;
}

gw_err db_savings_get(struct db *db, const char *member_code,
                      struct db_savings *out)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT m.code, s.balance FROM savings s"
                                   " JOIN members m ON m.id = s.member_id"
                                   " WHERE m.code = ?1");
    gw_err err = get_row(db, st, member_code);

    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    db_col_text(st, 0, out->member_code, sizeof(out->member_code));
    out->balance = sqlite3_column_int64(st, 1);
    db_stmt_done(st);
    return GW_OK;
}

gw_err db_posting_get(struct db *db, const char *receipt_code,
                      struct db_posting *out)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT receipt_code, posted_on, interest, savings, principal"
            " FROM postings WHERE receipt_code = ?1");
    gw_err err = get_row(db, st, receipt_code);

    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    db_col_text(st, 0, out->receipt_code, sizeof(out->receipt_code));
    db_col_text(st, 1, out->posted_on, sizeof(out->posted_on));
    out->interest = sqlite3_column_int64(st, 2);
    out->savings = sqlite3_column_int64(st, 3);
    out->principal = sqlite3_column_int64(st, 4);
    db_stmt_done(st);
    return GW_OK;
}

static const char *const count_sql[DB_TABLE_COUNT] = {
    "SELECT count(*) FROM communes", "SELECT count(*) FROM groups",
    "SELECT count(*) FROM members",  "SELECT count(*) FROM loans",
    "SELECT count(*) FROM savings",  "SELECT count(*) FROM postings",
};

/* The imported values only, references as codes: timestamps of when a
 * row was imported are left out, so a re-import of the same file gives
 * the same digest. */
static const char *const digest_sql[DB_TABLE_COUNT] = {
    "SELECT code, name, district, province, session_day, officer_phone"
    " FROM communes ORDER BY id",
    "SELECT g.code, g.name, c.code, g.union_name FROM groups g"
    " JOIN communes c ON c.id = g.commune_id ORDER BY g.id",
    "SELECT m.code, g.code, m.seq, m.full_name, m.phone, m.role,"
    " m.reminders, m.campaigns FROM members m"
    " JOIN groups g ON g.id = m.group_id ORDER BY m.id",
    "SELECT l.code, m.code, l.program, l.disbursed_on, l.disbursed_amount,"
    " l.outstanding, l.monthly_rate_bp, l.maturity_on, l.next_principal_on,"
    " l.next_principal_amount, l.interest_due, l.overdue_amount, l.status"
    " FROM loans l JOIN members m ON m.id = l.member_id ORDER BY l.id",
    "SELECT m.code, s.balance FROM savings s"
    " JOIN members m ON m.id = s.member_id ORDER BY s.member_id",
    "SELECT receipt_code, posted_on, interest, savings, principal"
    " FROM postings ORDER BY id",
};

gw_err db_table_count(struct db *db, enum db_table t, int64_t *n)
{
    sqlite3_stmt *st;
    int rc;

    if ((unsigned)t >= DB_TABLE_COUNT)
        return GW_EINVAL;
    if ((st = db_stmt(db, count_sql[t])) == NULL)
        return GW_EDB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "count");
}

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

gw_err db_table_digest(struct db *db, enum db_table t, uint64_t *digest)
{
    static const char null_mark[] = "\x01NULL", col_end = 0x1f, row_end = 0x1e;
    uint64_t h = FNV_OFFSET;
    sqlite3_stmt *st;
    int rc, i;

    if ((unsigned)t >= DB_TABLE_COUNT)
        return GW_EINVAL;
    if ((st = db_stmt(db, digest_sql[t])) == NULL)
        return GW_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *v = sqlite3_column_text(st, i);

            if (v)
                h = fnv(h, v, (size_t)sqlite3_column_bytes(st, i));
            else
                h = fnv(h, null_mark, sizeof(null_mark));
            h = fnv(h, &col_end, 1);
        }
        h = fnv(h, &row_end, 1);
    }
    db_stmt_done(st);
    if (rc != SQLITE_DONE)
        return db_error(db, rc, "digest");
    *digest = h;
    return GW_OK;
}
