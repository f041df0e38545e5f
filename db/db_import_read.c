/* db_import_read.c - reading imported rows back: by code, counts, digests */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "db/db_import.h"
#include "common/util.h"
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

/* Each table's imported columns, references as codes: the same SELECT
 * reads one row back by its code and feeds the digest of the table. */
#define COMMUNE_SELECT                                                         \
    "SELECT code, name, district, province, session_day, officer_phone"        \
    " FROM communes"
#define GROUP_SELECT                                                           \
    "SELECT g.code, g.name, c.code, g.union_name FROM groups g"                \
    " JOIN communes c ON c.id = g.commune_id"
#define MEMBER_SELECT                                                          \
    "SELECT m.code, g.code, m.seq, m.full_name, m.phone, m.role,"              \
    " m.reminders, m.campaigns FROM members m"                                 \
    " JOIN groups g ON g.id = m.group_id"
#define LOAN_SELECT                                                            \
    "SELECT l.code, m.code, l.program, l.disbursed_on, l.disbursed_amount,"    \
    " l.outstanding, l.monthly_rate_bp, l.maturity_on, l.next_principal_on,"   \
    " l.next_principal_amount, l.interest_due, l.overdue_amount, l.status"     \
    " FROM loans l JOIN members m ON m.id = l.member_id"
#define SAVINGS_SELECT                                                         \
    "SELECT m.code, s.balance FROM savings s"                                  \
    " JOIN members m ON m.id = s.member_id"
#define POSTING_SELECT                                                         \
    "SELECT receipt_code, posted_on, interest, savings, principal"             \
    " FROM postings"

/* Where column i of a SELECT above lands in its row struct. */
enum col_kind { COL_TEXT, COL_INT, COL_INT64 };

struct col_map {
    enum col_kind kind;
    size_t off;
    size_t size; /* of a text field's array */
};

#define COL_T(type, f)                                                         \
    {                                                                          \
        COL_TEXT, offsetof(type, f), sizeof(((type *)0)->f)                    \
    }
#define COL_I(type, f)                                                         \
    {                                                                          \
        COL_INT, offsetof(type, f), 0                                          \
    }
#define COL_I64(type, f)                                                       \
    {                                                                          \
        COL_INT64, offsetof(type, f), 0                                        \
    }

static const struct col_map commune_cols[] = {
    COL_T(struct db_commune, code),
    COL_T(struct db_commune, name),
    COL_T(struct db_commune, district),
    COL_T(struct db_commune, province),
    COL_I(struct db_commune, session_day),
    COL_T(struct db_commune, officer_phone),
};
static const struct col_map group_cols[] = {
    COL_T(struct db_group, code),
    COL_T(struct db_group, name),
    COL_T(struct db_group, commune_code),
    COL_T(struct db_group, union_name),
};
static const struct col_map member_cols[] = {
    COL_T(struct db_member, code),      COL_T(struct db_member, group_code),
    COL_I(struct db_member, seq),       COL_T(struct db_member, full_name),
    COL_T(struct db_member, phone),     COL_T(struct db_member, role),
    COL_I(struct db_member, reminders), COL_I(struct db_member, campaigns),
};
static const struct col_map loan_cols[] = {
    COL_T(struct db_loan, code),
    COL_T(struct db_loan, member_code),
    COL_T(struct db_loan, program),
    COL_T(struct db_loan, disbursed_on),
    COL_I64(struct db_loan, disbursed_amount),
    COL_I64(struct db_loan, outstanding),
    COL_I64(struct db_loan, monthly_rate_bp),
    COL_T(struct db_loan, maturity_on),
    COL_T(struct db_loan, next_principal_on),
    COL_I64(struct db_loan, next_principal_amount),
    COL_I64(struct db_loan, interest_due),
    COL_I64(struct db_loan, overdue_amount),
    COL_T(struct db_loan, status),
};
static const struct col_map savings_cols[] = {
    COL_T(struct db_savings, member_code),
    COL_I64(struct db_savings, balance),
};
static const struct col_map posting_cols[] = {
    COL_T(struct db_posting, receipt_code), COL_T(struct db_posting, posted_on),
    COL_I64(struct db_posting, interest),   COL_I64(struct db_posting, savings),
    COL_I64(struct db_posting, principal),
};

/* Reads the row whose code is code with sql (a literal ending in a
 * "WHERE ... = ?1") into out (out_size bytes, zeroed first) by map. */
static gw_err get_mapped(struct db *db, const char *sql, const char *code,
                         const struct col_map *map, size_t n, void *out,
                         size_t out_size)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = get_row(db, st, code);
    size_t i;

    if (err)
        return err;
    memset(out, 0, out_size);
    for (i = 0; i < n; i++) {
        char *field = (char *)out + map[i].off;
        int col = (int)i;
        int v32;
        int64_t v64;

        switch (map[i].kind) {
        case COL_TEXT:
            db_col_text(st, col, field, map[i].size);
            break;
        case COL_INT:
            v32 = sqlite3_column_int(st, col);
            memcpy(field, &v32, sizeof(v32));
            break;
        case COL_INT64:
            v64 = sqlite3_column_int64(st, col);
            memcpy(field, &v64, sizeof(v64));
            break;
        }
    }
    db_stmt_done(st);
    return GW_OK;
}

#define GET(sql, code, map, out)                                               \
    get_mapped(db, sql, code, map, ARRAY_SIZE(map), out, sizeof(*(out)))

gw_err db_commune_get(struct db *db, const char *code, struct db_commune *out)
{
    return GET(COMMUNE_SELECT " WHERE code = ?1", code, commune_cols, out);
}

gw_err db_group_get(struct db *db, const char *code, struct db_group *out)
{
    return GET(GROUP_SELECT " WHERE g.code = ?1", code, group_cols, out);
}

gw_err db_member_get(struct db *db, const char *code, struct db_member *out)
{
    return GET(MEMBER_SELECT " WHERE m.code = ?1", code, member_cols, out);
}

gw_err db_loan_get(struct db *db, const char *code, struct db_loan *out)
{
    return GET(LOAN_SELECT " WHERE l.code = ?1", code, loan_cols, out);
}

gw_err db_savings_get(struct db *db, const char *member_code,
                      struct db_savings *out)
{
    return GET(SAVINGS_SELECT " WHERE m.code = ?1", member_code, savings_cols,
               out);
}

gw_err db_posting_get(struct db *db, const char *receipt_code,
                      struct db_posting *out)
{
    return GET(POSTING_SELECT " WHERE receipt_code = ?1", receipt_code,
               posting_cols, out);
}

static const char *const count_sql[DB_TABLE_COUNT] = {
    "SELECT count(*) FROM communes", "SELECT count(*) FROM groups",
    "SELECT count(*) FROM members",  "SELECT count(*) FROM loans",
    "SELECT count(*) FROM savings",  "SELECT count(*) FROM postings",
};

/* The imported values only: timestamps of when a row was imported are
 * left out, so a re-import of the same file gives the same digest. */
static const char *const digest_sql[DB_TABLE_COUNT] = {
    COMMUNE_SELECT " ORDER BY id",          GROUP_SELECT " ORDER BY g.id",
    MEMBER_SELECT " ORDER BY m.id",         LOAN_SELECT " ORDER BY l.id",
    SAVINGS_SELECT " ORDER BY s.member_id", POSTING_SELECT " ORDER BY id",
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
