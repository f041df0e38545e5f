/* db_member.c - the caller's own data for the SMS handlers */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "db/db_internal.h"
#include "db/db_member.h"
#include "common/banned.h"

/* Copies text column col into out[size]. Imports bound every stored
 * field, so a value that does not fit is corruption: refuse it rather
 * than cut it. NULL gives "". */
static gw_err col_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
    if (db_col_text_fit(st, col, out, size) == GW_OK)
        return GW_OK;
    log_error("db", "column %d: value of %d bytes exceeds %zu", col,
              sqlite3_column_bytes(st, col), size - 1);
    return GW_EDB;
}

/* Takes the cached statement for sql, binds member_id to ?1 and steps
 * once. NULL when the statement could not be prepared (logged); else
 * *rc is the bind or step result and the caller must db_stmt_done(). */
static sqlite3_stmt *step_by_member(struct db *db, const char *sql,
                                    int64_t member_id, int *rc)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return NULL;
    *rc = sqlite3_bind_int64(st, 1, member_id);
    if (*rc == SQLITE_OK)
        *rc = sqlite3_step(st);
    return st;
}

/* Reads the rows of sql (?1 member_id, ?2 max) into the caller's array
 * out through row(st, out, i), at most max of them; *n is how many were
 * written. what names the query in the log. */
static gw_err member_rows(struct db *db, const char *sql, int64_t member_id,
                          gw_err (*row)(sqlite3_stmt *, void *, size_t),
                          void *out, size_t max, size_t *n, const char *what)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    *n = 0;
    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_bind_int64(st, 1, member_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW || *n == max)
            break;
        err = row(st, out, *n);
        if (err)
            break;
        (*n)++;
    }
    if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = db_error(db, rc, what);
    db_stmt_done(st);
    return err;
}

static const char sql_by_phone[] =
    "SELECT m.id, m.code, m.full_name, m.seq, m.role = 'leader',"
    " m.reminders, m.campaigns, g.id, g.name,"
    " (SELECT l.full_name FROM members l WHERE l.group_id = m.group_id"
    "  AND l.role = 'leader' ORDER BY l.seq LIMIT 1),"
    " c.session_day, c.officer_phone"
    " FROM members m JOIN groups g ON g.id = m.group_id"
    " JOIN communes c ON c.id = g.commune_id WHERE m.phone = ?1";

static gw_err caller_row(sqlite3_stmt *st, struct db_caller *out)
{
    gw_err err;

    out->id = sqlite3_column_int64(st, 0);
    out->seq = sqlite3_column_int(st, 3);
    out->is_leader = sqlite3_column_int(st, 4) != 0;
    out->reminders = sqlite3_column_int(st, 5);
    out->campaigns = sqlite3_column_int(st, 6);
    out->group_id = sqlite3_column_int64(st, 7);
    out->session_day = sqlite3_column_int(st, 10);
    err = col_text(st, 1, out->code, sizeof(out->code));
    if (!err)
        err = col_text(st, 2, out->name, sizeof(out->name));
    if (!err)
        err = col_text(st, 8, out->group_name, sizeof(out->group_name));
    if (!err)
        err = col_text(st, 9, out->leader_name, sizeof(out->leader_name));
    if (!err)
        err = col_text(st, 11, out->officer_phone, sizeof(out->officer_phone));
    return err;
}

gw_err db_member_by_phone(struct db *db, const char *phone,
                          struct db_caller *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_phone);
    gw_err err;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    rc = db_bind_text(st, 1, phone);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        err = caller_row(st, out);
    else if (rc == SQLITE_DONE)
        err = GW_ENOTFOUND;
    else
        err = db_error(db, rc, "member by phone");
    db_stmt_done(st);
    return err;
}

/* SUM() of integers fails with "integer overflow" rather than wrapping,
 * which db_error reports. */
static const char sql_totals[] =
    "SELECT count(*), coalesce(sum(outstanding), 0),"
    " coalesce(sum(interest_due), 0), coalesce(sum(overdue_amount), 0)"
    " FROM loans WHERE member_id = ?1 AND status <> 'closed'";

static const char sql_next_principal[] =
    "SELECT next_principal_on, sum(next_principal_amount) FROM loans"
    " WHERE member_id = ?1 AND status <> 'closed'"
    " AND next_principal_on IS NOT NULL AND next_principal_on <> ''"
    " GROUP BY next_principal_on ORDER BY next_principal_on LIMIT 1";

static gw_err next_principal(struct db *db, int64_t member_id,
                             struct db_loan_totals *out)
{
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc;

    st = step_by_member(db, sql_next_principal, member_id, &rc);
    if (st == NULL)
        return GW_EDB;
    if (rc == SQLITE_ROW) {
        err = col_text(st, 0, out->next_principal_on,
                       sizeof(out->next_principal_on));
        out->next_principal_amount = sqlite3_column_int64(st, 1);
    } else if (rc != SQLITE_DONE) {
        err = db_error(db, rc, "next principal");
    }
    db_stmt_done(st);
    return err;
}

gw_err db_member_loan_totals(struct db *db, int64_t member_id,
                             struct db_loan_totals *out)
{
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc;

    memset(out, 0, sizeof(*out));
    st = step_by_member(db, sql_totals, member_id, &rc);
    if (st == NULL)
        return GW_EDB;
    if (rc == SQLITE_ROW) {
        out->count = sqlite3_column_int(st, 0);
        out->outstanding = sqlite3_column_int64(st, 1);
        out->interest_due = sqlite3_column_int64(st, 2);
        out->overdue = sqlite3_column_int64(st, 3);
    } else {
        err = db_error(db, rc, "loan totals");
    }
    db_stmt_done(st);
    if (!err && out->count > 0)
        err = next_principal(db, member_id, out);
    return err;
}

static const char sql_loans[] =
    "SELECT code, program, outstanding, interest_due, next_principal_on,"
    " next_principal_amount, overdue_amount, status FROM loans"
    " WHERE member_id = ?1 AND status <> 'closed'"
    " ORDER BY outstanding DESC, code LIMIT ?2";

static gw_err loan_row(sqlite3_stmt *st, void *arr, size_t i)
{
    struct db_member_loan *l = (struct db_member_loan *)arr + i;
    gw_err err;

    l->outstanding = sqlite3_column_int64(st, 2);
    l->interest_due = sqlite3_column_int64(st, 3);
    l->next_principal_amount = sqlite3_column_int64(st, 5);
    l->overdue = sqlite3_column_int64(st, 6);
    err = col_text(st, 0, l->code, sizeof(l->code));
    if (!err)
        err = col_text(st, 1, l->program, sizeof(l->program));
    if (!err)
        err =
            col_text(st, 4, l->next_principal_on, sizeof(l->next_principal_on));
    if (!err)
        err = col_text(st, 7, l->status, sizeof(l->status));
    return err;
}

gw_err db_member_loans(struct db *db, int64_t member_id,
                       struct db_member_loan *out, size_t max, size_t *n)
{
    return member_rows(db, sql_loans, member_id, loan_row, out, max, n,
                       "member loans");
}

static const char sql_savings[] =
    "SELECT balance FROM savings WHERE member_id = ?1";

gw_err db_member_savings(struct db *db, int64_t member_id, int64_t *balance)
{
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc;

    *balance = 0;
    st = step_by_member(db, sql_savings, member_id, &rc);
    if (st == NULL)
        return GW_EDB;
    if (rc == SQLITE_ROW)
        *balance = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        err = db_error(db, rc, "member savings");
    db_stmt_done(st);
    return err;
}

static const char sql_pending[] =
    "SELECT count(*), coalesce(sum(interest), 0), coalesce(sum(savings), 0),"
    " coalesce(sum(principal), 0) FROM collections"
    " WHERE member_id = ?1 AND state IN ('RECORDED', 'CONFIRMED')";

gw_err db_member_pending(struct db *db, int64_t member_id,
                         struct db_pending *out)
{
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc;

    memset(out, 0, sizeof(*out));
    st = step_by_member(db, sql_pending, member_id, &rc);
    if (st == NULL)
        return GW_EDB;
    if (rc == SQLITE_ROW) {
        out->count = sqlite3_column_int(st, 0);
        out->interest = sqlite3_column_int64(st, 1);
        out->savings = sqlite3_column_int64(st, 2);
        out->principal = sqlite3_column_int64(st, 3);
    } else {
        err = db_error(db, rc, "member pending");
    }
    db_stmt_done(st);
    return err;
}

static const char sql_collections[] =
    "SELECT receipt_code, session_on, interest, savings, principal, state,"
    " created_at FROM collections WHERE member_id = ?1"
    " ORDER BY created_at DESC, id DESC LIMIT ?2";

static gw_err collection_row(sqlite3_stmt *st, void *arr, size_t i)
{
    struct db_collection_brief *c = (struct db_collection_brief *)arr + i;
    gw_err err;

    c->interest = sqlite3_column_int64(st, 2);
    c->savings = sqlite3_column_int64(st, 3);
    c->principal = sqlite3_column_int64(st, 4);
    c->created_at = sqlite3_column_int64(st, 6);
    err = col_text(st, 0, c->receipt_code, sizeof(c->receipt_code));
    if (!err)
        err = col_text(st, 1, c->session_on, sizeof(c->session_on));
    if (!err)
        err = col_text(st, 5, c->state, sizeof(c->state));
    return err;
}

gw_err db_member_collections(struct db *db, int64_t member_id,
                             struct db_collection_brief *out, size_t max,
                             size_t *n)
{
    return member_rows(db, sql_collections, member_id, collection_row, out, max,
                       n, "member collections");
}

static const char sql_consent_read[] =
    "SELECT reminders, campaigns, code FROM members WHERE id = ?1";
static const char sql_consent_set[] =
    "UPDATE members SET reminders = ?2,"
    " campaigns = CASE WHEN ?3 < 0 THEN campaigns ELSE ?3 END WHERE id = ?1";
static const char sql_audit[] =
    "INSERT INTO audit(at, actor, phone, action, object, before, after)"
    " VALUES (?1, ?2, ?3, 'consent', ?2, ?4, ?5)";

/* The flags as the audit row shows them: "reminders=1 campaigns=0". */
static void consent_text(char *out, size_t size, int reminders, int campaigns)
{
    (void)snprintf(out, size, "reminders=%d campaigns=%d", reminders,
                   campaigns);
}

static gw_err consent_read(struct db *db, int64_t member_id, int *rem,
                           int *camp, char code[DT_CODE_SIZE])
{
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc;

    st = step_by_member(db, sql_consent_read, member_id, &rc);
    if (st == NULL)
        return GW_EDB;
    if (rc == SQLITE_ROW) {
        *rem = sqlite3_column_int(st, 0);
        *camp = sqlite3_column_int(st, 1);
        err = col_text(st, 2, code, DT_CODE_SIZE);
    } else if (rc == SQLITE_DONE) {
        err = GW_ENOTFOUND;
    } else {
        err = db_error(db, rc, "consent read");
    }
    db_stmt_done(st);
    return err;
}

static gw_err consent_audit(struct db *db, const char *code, const char *phone,
                            const char *before, const char *after, int64_t now)
{
    sqlite3_stmt *st = db_stmt(db, sql_audit);
    int rc;

    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_bind_int64(st, 1, now);
    if (rc == SQLITE_OK)
        rc = db_bind_text(st, 2, code);
    if (rc == SQLITE_OK)
        rc = db_bind_text(st, 3, phone);
    if (rc == SQLITE_OK)
        rc = db_bind_text(st, 4, before);
    if (rc == SQLITE_OK)
        rc = db_bind_text(st, 5, after);
    if (rc != SQLITE_OK) {
        db_stmt_done(st);
        return db_error(db, rc, "consent audit");
    }
    return db_exec_stmt(db, st, "consent audit");
}

gw_err db_member_set_consent(struct db *db, int64_t member_id,
                             const char *phone, int reminders, int campaigns,
                             int64_t now)
{
    char code[DT_CODE_SIZE], before[48], after[48];
    int rem = 0, camp = 0, rc;
    sqlite3_stmt *st;
    gw_err err;

    err = consent_read(db, member_id, &rem, &camp, code);
    if (err)
        return err;
    st = db_stmt(db, sql_consent_set);
    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_bind_int64(st, 1, member_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, reminders != 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 3, campaigns < 0 ? -1 : campaigns != 0);
    if (rc != SQLITE_OK) {
        db_stmt_done(st);
        return db_error(db, rc, "consent set");
    }
    err = db_exec_stmt(db, st, "consent set");
    if (err)
        return err;
    consent_text(before, sizeof(before), rem, camp);
    consent_text(after, sizeof(after), reminders != 0,
                 campaigns < 0 ? camp : campaigns != 0);
    return consent_audit(db, code, phone, before, after, now);
}

static const char sql_unknown_claim[] =
    "INSERT OR IGNORE INTO unknown_replies(phone, day, at) VALUES (?1, ?2, ?3)";
static const char sql_unknown_seen[] =
    "SELECT 1 FROM unknown_replies WHERE phone = ?1 AND day = ?2";
static const char sql_unknown_hour[] =
    "SELECT count(*) FROM unknown_replies WHERE at > ?1";

gw_err db_unknown_reply_claim(struct db *db, const char *phone, const char *day,
                              int64_t at, unsigned cap, bool *claimed,
                              bool *capped)
{
    sqlite3_stmt *st;
    gw_err err;
    int rc;

    *claimed = false;
    *capped = false;
    /* Already answered today: not a new reply, whatever the cap. */
    if ((st = db_stmt(db, sql_unknown_seen)) == NULL)
        return GW_EDB;
    (void)db_bind_text(st, 1, phone);
    (void)db_bind_text(st, 2, day);
    rc = sqlite3_step(st);
    db_stmt_done(st);
    if (rc == SQLITE_ROW)
        return GW_OK;
    if (rc != SQLITE_DONE)
        return db_error(db, rc, "unknown reply seen");
    if ((st = db_stmt(db, sql_unknown_hour)) == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, at - 3600);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= (int64_t)cap)
        *capped = true;
    db_stmt_done(st);
    if (rc != SQLITE_ROW)
        return db_error(db, rc, "unknown reply hour");
    if (*capped)
        return GW_OK;
    if ((st = db_stmt(db, sql_unknown_claim)) == NULL)
        return GW_EDB;
    rc = db_bind_text(st, 1, phone);
    if (rc == SQLITE_OK)
        rc = db_bind_text(st, 2, day);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 3, at);
    if (rc != SQLITE_OK) {
        db_stmt_done(st);
        return db_error(db, rc, "unknown reply claim");
    }
    err = db_exec_stmt(db, st, "unknown reply claim");
    if (!err)
        *claimed = sqlite3_changes(db->conn) == 1;
    return err;
}
