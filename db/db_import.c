/* db_import.c - upserts of the bank's master data, and reading it back
 *
 * Every write is one prepared statement that upserts by the row's code
 * and resolves its reference by code inside the statement
 * (INSERT ... SELECT ... FROM parent WHERE code = ?), so a missing parent
 * shows as zero changes: GW_ENOTFOUND, with no second query on the happy
 * path. A member's phone and seq are unique by the checks here, not by
 * the schema (db/schema.c says why): before each write in
 * db_member_upsert(), or once for a whole batch in db_member_conflicts().
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_import.h"
#include "db/db_internal.h"
#include "common/banned.h"

static const char sql_commune_upsert[] =
    "INSERT INTO communes(code, name, district, province, session_day,"
    " officer_phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT(code) DO UPDATE SET name = excluded.name,"
    " district = excluded.district, province = excluded.province,"
    " session_day = excluded.session_day,"
    " officer_phone = excluded.officer_phone";

static const char sql_group_upsert[] =
    "INSERT INTO groups(code, name, commune_id, union_name)"
    " SELECT ?1, ?2, c.id, ?4 FROM communes c WHERE c.code = ?3"
    " ON CONFLICT(code) DO UPDATE SET name = excluded.name,"
    " commune_id = excluded.commune_id, union_name = excluded.union_name";

static const char sql_member_upsert[] =
    "INSERT INTO members(code, group_id, seq, full_name, phone, role,"
    " reminders, campaigns)"
    " SELECT ?1, g.id, ?3, ?4, ?5, ?6, ?7, ?8 FROM groups g"
    " WHERE g.code = ?2"
    " ON CONFLICT(code) DO UPDATE SET group_id = excluded.group_id,"
    " seq = excluded.seq, full_name = excluded.full_name,"
    " phone = excluded.phone, role = excluded.role,"
    " reminders = excluded.reminders, campaigns = excluded.campaigns";

static const char sql_member_phone_holder[] =
    "SELECT code FROM members WHERE phone = ?1 AND code <> ?2";

static const char sql_member_seq_holder[] =
    "SELECT m.code FROM members m JOIN groups g ON g.id = m.group_id"
    " WHERE g.code = ?1 AND m.seq = ?2 AND m.code <> ?3";

static const char sql_loan_upsert[] =
    "INSERT INTO loans(code, member_id, program, disbursed_on,"
    " disbursed_amount, outstanding, monthly_rate_bp, maturity_on,"
    " next_principal_on, next_principal_amount, interest_due,"
    " overdue_amount, status)"
    " SELECT ?1, m.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13"
    " FROM members m WHERE m.code = ?2"
    " ON CONFLICT(code) DO UPDATE SET member_id = excluded.member_id,"
    " program = excluded.program, disbursed_on = excluded.disbursed_on,"
    " disbursed_amount = excluded.disbursed_amount,"
    " outstanding = excluded.outstanding,"
    " monthly_rate_bp = excluded.monthly_rate_bp,"
    " maturity_on = excluded.maturity_on,"
    " next_principal_on = excluded.next_principal_on,"
    " next_principal_amount = excluded.next_principal_amount,"
    " interest_due = excluded.interest_due,"
    " overdue_amount = excluded.overdue_amount, status = excluded.status";

static const char sql_savings_upsert[] =
    "INSERT INTO savings(member_id, balance, updated_at)"
    " SELECT m.id, ?2, ?3 FROM members m WHERE m.code = ?1"
    " ON CONFLICT(member_id) DO UPDATE SET balance = excluded.balance,"
    " updated_at = excluded.updated_at";

static const char sql_posting_upsert[] =
    "INSERT INTO postings(receipt_code, posted_on, interest, savings,"
    " principal, imported_at)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6 FROM collections WHERE receipt_code = ?1"
    " ON CONFLICT(receipt_code) DO UPDATE SET posted_on = excluded.posted_on,"
    " interest = excluded.interest, savings = excluded.savings,"
    " principal = excluded.principal";

/* Steps an upsert whose parent is selected by code: zero changes means
 * the parent does not exist. */
static gw_err run_upsert(struct db *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    gw_err err = GW_OK;

    if (rc == SQLITE_DONE) {
        if (sqlite3_changes(db->conn) == 0)
            err = GW_ENOTFOUND;
    } else {
        err = db_error(db, rc, what);
        if (err == GW_OK || err == GW_EEXIST)
            err = GW_EDB; /* a CHECK failing: the validator missed it */
    }
    db_stmt_done(st);
    return err;
}

gw_err db_commune_upsert(struct db *db, const struct db_commune *c)
{
    sqlite3_stmt *st = db_stmt(db, sql_commune_upsert);

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, c->code) || db_bind_text(st, 2, c->name) ||
        db_bind_text(st, 3, c->district) || db_bind_text(st, 4, c->province) ||
        sqlite3_bind_int(st, 5, c->session_day) ||
        db_bind_text(st, 6, c->officer_phone)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind commune");
    }
    return run_upsert(db, st, "upsert commune");
}

gw_err db_group_upsert(struct db *db, const struct db_group *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_group_upsert);

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, g->code) || db_bind_text(st, 2, g->name) ||
        db_bind_text(st, 3, g->commune_code) ||
        db_bind_text(st, 4, g->union_name)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind group");
    }
    return run_upsert(db, st, "upsert group");
}

/* Steps st (bound by the caller) and copies the code in the first column
 * of its first row into out; GW_ENOTFOUND when there is no row. */
static gw_err first_code(struct db *db, sqlite3_stmt *st,
                         char out[DT_CODE_SIZE])
{
    int rc = sqlite3_step(st);
    gw_err err = GW_ENOTFOUND;

    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);

        (void)snprintf(out, DT_CODE_SIZE, "%s", t ? (const char *)t : "");
        err = GW_OK;
    } else if (rc != SQLITE_DONE) {
        err = db_error(db, rc, "find holder");
    }
    db_stmt_done(st);
    return err;
}

/* Who else holds m's phone, or its seq in its group: GW_OK when nobody,
 * GW_EEXIST with c filled in, or a store error. */
static gw_err member_holder(struct db *db, const struct db_member *m,
                            struct db_conflict *c)
{
    sqlite3_stmt *st = db_stmt(db, sql_member_phone_holder);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    c->column = "phone";
    (void)db_bind_text(st, 1, m->phone);
    (void)db_bind_text(st, 2, m->code);
    err = first_code(db, st, c->code);
    if (err != GW_ENOTFOUND)
        return err ? err : GW_EEXIST;
    if ((st = db_stmt(db, sql_member_seq_holder)) == NULL)
        return GW_EDB;
    c->column = "seq";
    (void)db_bind_text(st, 1, m->group_code);
    (void)sqlite3_bind_int(st, 2, m->seq);
    (void)db_bind_text(st, 3, m->code);
    err = first_code(db, st, c->code);
    if (err != GW_ENOTFOUND)
        return err ? err : GW_EEXIST;
    return GW_OK;
}

gw_err db_member_upsert_deferred(struct db *db, const struct db_member *m)
{
    sqlite3_stmt *st = db_stmt(db, sql_member_upsert);

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, m->code) || db_bind_text(st, 2, m->group_code) ||
        sqlite3_bind_int(st, 3, m->seq) || db_bind_text(st, 4, m->full_name) ||
        db_bind_text(st, 5, m->phone) || db_bind_text(st, 6, m->role) ||
        sqlite3_bind_int(st, 7, m->reminders) ||
        sqlite3_bind_int(st, 8, m->campaigns)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind member");
    }
    return run_upsert(db, st, "upsert member");
}

gw_err db_member_upsert(struct db *db, const struct db_member *m,
                        struct db_conflict *conflict)
{
    struct db_conflict tmp;
    gw_err err;

    if (conflict == NULL)
        conflict = &tmp;
    memset(conflict, 0, sizeof(*conflict));
    err = member_holder(db, m, conflict);
    return err ? err : db_member_upsert_deferred(db, m);
}

/* Members sharing a phone, then members sharing a (group, seq): each row
 * is (key text, key number, member code), ordered so that the members of
 * one shared value are adjacent, oldest row first. The GROUP BY walks the
 * plain index (members_phone, members_group_seq) without sorting. */
static const char sql_phone_clashes[] =
    "SELECT m.phone, 0, m.code FROM members m WHERE m.phone IN"
    " (SELECT phone FROM members GROUP BY phone HAVING count(*) > 1)"
    " ORDER BY m.phone, m.id";

static const char sql_seq_clashes[] =
    "SELECT g.code, m.seq, m.code FROM members m"
    " JOIN groups g ON g.id = m.group_id WHERE (m.group_id, m.seq) IN"
    " (SELECT group_id, seq FROM members GROUP BY group_id, seq"
    "  HAVING count(*) > 1)"
    " ORDER BY m.group_id, m.seq, m.id";

/* The members of the shared value being collected. */
struct clash_acc {
    char *key; /* phone or group code; NULL before the first row */
    int num;   /* seq */
    char **codes;
    size_t n, cap;
};

static void acc_clear(struct clash_acc *a)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        free(a->codes[i]);
    free(a->key);
    a->key = NULL;
    a->n = 0;
}

static gw_err acc_flush(struct clash_acc *a, const char *column,
                        db_member_clash_fn fn, void *arg)
{
    struct db_member_clash c;
    gw_err err = GW_OK;

    if (a->n >= 2) {
        memset(&c, 0, sizeof(c));
        c.column = column;
        if (strcmp(column, "phone") == 0) {
            c.phone = a->key;
        } else {
            c.group_code = a->key;
            c.seq = a->num;
        }
        c.codes = (const char *const *)a->codes;
        c.ncodes = a->n;
        err = fn(arg, &c);
    }
    acc_clear(a);
    return err;
}

static const char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? (const char *)t : "";
}

static gw_err walk_clashes(struct db *db, const char *sql, const char *column,
                           db_member_clash_fn fn, void *arg)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    struct clash_acc a = {NULL, 0, NULL, 0, 0};
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = col_str(st, 0);
        int num = sqlite3_column_int(st, 1);

        if (a.key && (strcmp(a.key, key) != 0 || a.num != num))
            err = acc_flush(&a, column, fn, arg);
        if (a.key == NULL) {
            a.key = xstrdup(key);
            a.num = num;
        }
        if (a.n == a.cap) {
            a.cap = a.cap ? 2 * a.cap : 8;
            a.codes = xrealloc(a.codes, a.cap * sizeof(*a.codes));
        }
        a.codes[a.n++] = xstrdup(col_str(st, 2));
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "member clashes");
    if (err == GW_OK)
        err = acc_flush(&a, column, fn, arg);
    acc_clear(&a);
    free(a.codes);
    db_stmt_done(st);
    return err;
}

gw_err db_member_conflicts(struct db *db, db_member_clash_fn fn, void *arg)
{
    gw_err err = walk_clashes(db, sql_phone_clashes, "phone", fn, arg);

    return err ? err : walk_clashes(db, sql_seq_clashes, "seq", fn, arg);
}

static int bind_loan(sqlite3_stmt *st, const struct db_loan *l)
{
    int rc = db_bind_text(st, 1, l->code);

    if (!rc)
        rc = db_bind_text(st, 2, l->member_code);
    if (!rc)
        rc = db_bind_text(st, 3, l->program);
    if (!rc)
        rc = db_bind_text(st, 4, l->disbursed_on);
    if (!rc)
        rc = sqlite3_bind_int64(st, 5, l->disbursed_amount);
    if (!rc)
        rc = sqlite3_bind_int64(st, 6, l->outstanding);
    if (!rc)
        rc = sqlite3_bind_int64(st, 7, l->monthly_rate_bp);
    if (!rc)
        rc = db_bind_text(st, 8, l->maturity_on);
    if (!rc) /* no next principal date is NULL, not "" */
        rc = db_bind_text(
            st, 9, l->next_principal_on[0] ? l->next_principal_on : NULL);
    if (!rc)
        rc = sqlite3_bind_int64(st, 10, l->next_principal_amount);
    if (!rc)
        rc = sqlite3_bind_int64(st, 11, l->interest_due);
    if (!rc)
        rc = sqlite3_bind_int64(st, 12, l->overdue_amount);
    if (!rc)
        rc = db_bind_text(st, 13, l->status);
    return rc;
}

gw_err db_loan_upsert(struct db *db, const struct db_loan *l)
{
    sqlite3_stmt *st = db_stmt(db, sql_loan_upsert);

    if (st == NULL)
        return GW_EDB;
    if (bind_loan(st, l)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind loan");
    }
    return run_upsert(db, st, "upsert loan");
}

gw_err db_savings_upsert(struct db *db, const struct db_savings *s, int64_t now)
{
    sqlite3_stmt *st = db_stmt(db, sql_savings_upsert);

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, s->member_code) ||
        sqlite3_bind_int64(st, 2, s->balance) ||
        sqlite3_bind_int64(st, 3, now)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind savings");
    }
    return run_upsert(db, st, "upsert savings");
}

gw_err db_posting_upsert(struct db *db, const struct db_posting *p, int64_t now)
{
    sqlite3_stmt *st = db_stmt(db, sql_posting_upsert);

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, p->receipt_code) ||
        db_bind_text(st, 2, p->posted_on) ||
        sqlite3_bind_int64(st, 3, p->interest) ||
        sqlite3_bind_int64(st, 4, p->savings) ||
        sqlite3_bind_int64(st, 5, p->principal) ||
        sqlite3_bind_int64(st, 6, now)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind posting");
    }
    return run_upsert(db, st, "upsert posting");
}
