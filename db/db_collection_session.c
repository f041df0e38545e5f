/* db_collection_session.c - a session's receipts: open codes, totals,
 * unpaid members, remit (NOP), the session list export */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "db/db_collection.h"
#include "db/db_internal.h"
#include "common/banned.h"

static gw_err code_exists(struct db *db, const char *sql, const char *code)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, code);
    rc = sqlite3_step(st);
    db_stmt_done(st);
    if (rc == SQLITE_ROW)
        return GW_OK;
    return rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "lookup");
}

/* Collects the first column of every row of st into a growing array. */
static gw_err codes_collect(struct db *db, sqlite3_stmt *st,
                            char (**codes)[DT_CODE_SIZE], size_t *n)
{
    char(*v)[DT_CODE_SIZE] = NULL;
    size_t cap = 0;
    int rc;

    *codes = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, cap * sizeof(*v));
        }
        (void)db_col_text_fit(st, 0, v[*n], sizeof(v[*n]));
        (*n)++;
    }
    db_stmt_done(st);
    if (rc != SQLITE_DONE) {
        free(v);
        *n = 0;
        return db_error(db, rc, "receipt codes");
    }
    *codes = v;
    return GW_OK;
}

/* The state of a row as its DB_ST_ bit, for masks bound as a parameter. */
#define STATE_BIT_SQL                                                          \
    "(CASE state WHEN 'RECORDED' THEN 1 WHEN 'CONFIRMED' THEN 2"               \
    " WHEN 'DISPUTED' THEN 4 WHEN 'VOIDED' THEN 8 WHEN 'POSTED' THEN 16"       \
    " WHEN 'UNPOSTED' THEN 32 ELSE 0 END)"

gw_err db_collection_latest(struct db *db, int64_t member_id, unsigned states,
                            char code[DT_CODE_SIZE])
{
    static const char sql[] =
        "SELECT receipt_code FROM collections WHERE member_id = ?1"
        " AND (" STATE_BIT_SQL " & ?2) <> 0 ORDER BY created_at DESC, id DESC"
        " LIMIT 1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    code[0] = '\0';
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)states);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        (void)db_col_text_fit(st, 0, code, DT_CODE_SIZE);
    db_stmt_done(st);
    if (rc == SQLITE_ROW)
        return GW_OK;
    return rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "latest");
}

gw_err db_collection_booked_codes(struct db *db, char (**codes)[DT_CODE_SIZE],
                                  size_t *n)
{
    static const char sql[] =
        "SELECT c.receipt_code FROM collections c"
        " JOIN postings p ON p.receipt_code = c.receipt_code"
        " WHERE c.state IN ('RECORDED', 'CONFIRMED', 'DISPUTED', 'UNPOSTED')"
        " ORDER BY c.id";
    sqlite3_stmt *st = db_stmt(db, sql);

    *codes = NULL;
    *n = 0;
    if (st == NULL)
        return GW_EDB;
    return codes_collect(db, st, codes, n);
}

gw_err db_collection_voided_booked_codes(struct db *db,
                                         char (**codes)[DT_CODE_SIZE],
                                         size_t *n)
{
    /* audit has no index on object: the NOT EXISTS scans it, but only for
     * the rare VOIDED receipts the bank booked. */
    static const char sql[] =
        "SELECT c.receipt_code FROM collections c"
        " JOIN postings p ON p.receipt_code = c.receipt_code"
        " WHERE c.state = 'VOIDED' AND NOT EXISTS (SELECT 1 FROM audit a"
        "  WHERE a.action = '" DB_AUDIT_POST_VOIDED "'"
        "  AND a.object = c.receipt_code) ORDER BY c.id";
    sqlite3_stmt *st = db_stmt(db, sql);

    *codes = NULL;
    *n = 0;
    if (st == NULL)
        return GW_EDB;
    return codes_collect(db, st, codes, n);
}

static const char commune_exists_sql[] =
    "SELECT 1 FROM communes WHERE code = ?1";
static const char group_exists_sql[] = "SELECT 1 FROM groups WHERE code = ?1";

gw_err db_collection_open_codes(struct db *db, const char *commune_code,
                                const char *session_on,
                                char (**codes)[DT_CODE_SIZE], size_t *n)
{
    static const char sql[] =
        "SELECT c.receipt_code FROM collections c"
        " JOIN groups g ON g.id = c.group_id"
        " JOIN communes co ON co.id = g.commune_id"
        " WHERE co.code = ?1 AND c.session_on = ?2"
        " AND c.state IN ('RECORDED', 'CONFIRMED')"
        " AND NOT EXISTS (SELECT 1 FROM postings p"
        "  WHERE p.receipt_code = c.receipt_code) ORDER BY c.id";
    sqlite3_stmt *st;
    gw_err err;

    *codes = NULL;
    *n = 0;
    err = code_exists(db, commune_exists_sql, commune_code);
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, commune_code);
    db_bind_text(st, 2, session_on);
    return codes_collect(db, st, codes, n);
}

gw_err db_collection_totals(struct db *db, int64_t leader_id,
                            const char *session_on,
                            struct db_session_totals *out)
{
    static const char sql[] =
        "WITH g AS (SELECT group_id AS id FROM members"
        "  WHERE id = ?1 AND role = 'leader'),"
        " c AS (SELECT * FROM collections WHERE group_id = (SELECT id FROM g)"
        "  AND session_on = ?2 AND " DB_LIVE_RECEIPT(
            "") ")"
                " SELECT (SELECT COUNT(*) FROM members"
                "  WHERE group_id = (SELECT id FROM g)),"
                " (SELECT COUNT(DISTINCT member_id) FROM c), (SELECT COUNT(*) "
                "FROM c),"
                " (SELECT COALESCE(SUM(interest), 0) FROM c),"
                " (SELECT COALESCE(SUM(savings), 0) FROM c),"
                " (SELECT COALESCE(SUM(principal), 0) FROM c),"
                " (SELECT COALESCE(SUM(l.interest_due), 0) FROM loans l"
                "  JOIN members m ON m.id = l.member_id"
                "  WHERE m.group_id = (SELECT id FROM g) AND l.status <> "
                "'closed'),"
                " (SELECT COALESCE(SUM(l.overdue_amount), 0) FROM loans l"
                "  JOIN members m ON m.id = l.member_id"
                "  WHERE m.group_id = (SELECT id FROM g) AND l.status <> "
                "'closed'),"
                " (SELECT COUNT(*) FROM c WHERE remitted_at IS NOT NULL),"
                " (SELECT COUNT(*) FROM c WHERE state = 'DISPUTED')"
                " FROM g";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, leader_id);
    db_bind_text(st, 2, session_on);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->members = sqlite3_column_int(st, 0);
        out->collected = sqlite3_column_int(st, 1);
        out->receipts = sqlite3_column_int(st, 2);
        out->interest = sqlite3_column_int64(st, 3);
        out->savings = sqlite3_column_int64(st, 4);
        out->principal = sqlite3_column_int64(st, 5);
        out->interest_due = sqlite3_column_int64(st, 6);
        out->overdue = sqlite3_column_int64(st, 7);
        out->remitted = sqlite3_column_int(st, 8);
        out->disputed = sqlite3_column_int(st, 9);
        err = GW_OK;
    } else {
        err = rc == SQLITE_DONE ? GW_EDENIED : db_error(db, rc, "totals");
    }
    db_stmt_done(st);
    return err;
}

static gw_err leader_check(struct db *db, int64_t leader_id)
{
    static const char sql[] =
        "SELECT 1 FROM members WHERE id = ?1 AND role = 'leader'";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, leader_id);
    rc = sqlite3_step(st);
    db_stmt_done(st);
    if (rc == SQLITE_ROW)
        return GW_OK;
    return rc == SQLITE_DONE ? GW_EDENIED : db_error(db, rc, "leader");
}

gw_err db_collection_unpaid(struct db *db, int64_t leader_id,
                            const char *session_on, int *seqs, size_t max,
                            size_t *n, size_t *total)
{
    static const char sql[] =
        "SELECT m.seq FROM members m WHERE m.group_id = (SELECT group_id"
        "  FROM members WHERE id = ?1 AND role = 'leader')"
        " AND NOT EXISTS (SELECT 1 FROM collections c"
        "  WHERE c.member_id = m.id AND c.session_on = ?2"
        "  AND " DB_LIVE_RECEIPT("c.") ") ORDER BY m.seq";
    sqlite3_stmt *st;
    gw_err err;
    int rc;

    *n = 0;
    *total = 0;
    err = leader_check(db, leader_id);
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, leader_id);
    db_bind_text(st, 2, session_on);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n < max)
            seqs[(*n)++] = sqlite3_column_int(st, 0);
        (*total)++;
    }
    db_stmt_done(st);
    return rc == SQLITE_DONE ? GW_OK : db_error(db, rc, "unpaid");
}

gw_err db_collection_remit(struct db *db, const struct db_actor *who,
                           const char *session_on, int *count, int64_t *amount)
{
    static const char sql[] =
        "UPDATE collections SET remitted_at = ?3, updated_at = ?3"
        " WHERE leader_id = ?1 AND session_on = ?2"
        /* A disputed receipt is remitted as recorded: the leader hands
         * over what she recorded, the officer settles the dispute, and
         * NOP's totals tell the leader nothing of it. */
        " AND state IN ('RECORDED', 'CONFIRMED', 'DISPUTED')"
        " AND " DB_LIVE_RECEIPT(
            "") " AND remitted_at IS NULL"
                " AND group_id = (SELECT group_id FROM members"
                "  WHERE id = ?1 AND role = 'leader')"
                " RETURNING interest + savings + principal";
    char after[96];
    struct db_audit a;
    sqlite3_stmt *st;
    gw_err err;
    int rc;

    *count = 0;
    *amount = 0;
    err = leader_check(db, who->member_id);
    if (err) {
        struct db_audit r = {who->now,
                             who->code,
                             who->phone,
                             "remit",
                             session_on,
                             NULL,
                             "refused: not a leader"};
        gw_err aerr = err == GW_EDENIED ? db_audit_append(db, &r) : GW_OK;

        return aerr ? aerr : err;
    }
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, who->member_id);
    db_bind_text(st, 2, session_on);
    sqlite3_bind_int64(st, 3, who->now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (*count)++;
        *amount += sqlite3_column_int64(st, 0);
    }
    db_stmt_done(st);
    if (rc != SQLITE_DONE)
        return db_error(db, rc, "remit");
    (void)snprintf(after, sizeof(after), "remitted count=%d amount=%lld",
                   *count, (long long)*amount);
    a.at = who->now;
    a.actor = who->code;
    a.phone = who->phone;
    a.action = "remit";
    a.object = session_on;
    a.before = NULL;
    a.after = after;
    return db_audit_append(db, &a);
}

static void export_row(sqlite3_stmt *st, struct db_export_row *r)
{
    r->seq = sqlite3_column_int(st, 0);
    (void)db_col_text_fit(st, 1, r->member_code, sizeof(r->member_code));
    (void)db_col_text_fit(st, 2, r->member_name, sizeof(r->member_name));
    r->interest_due = sqlite3_column_int64(st, 3);
    r->overdue = sqlite3_column_int64(st, 4);
    r->outstanding = sqlite3_column_int64(st, 5);
    (void)db_col_text_fit(st, 6, r->receipt_code, sizeof(r->receipt_code));
    (void)db_col_text_fit(st, 7, r->state, sizeof(r->state));
    r->interest = sqlite3_column_int64(st, 8);
    r->savings = sqlite3_column_int64(st, 9);
    r->principal = sqlite3_column_int64(st, 10);
    r->remitted_at = sqlite3_column_int64(st, 11);
}

gw_err db_collection_export(
    struct db *db, const char *group_code, const char *session_on,
    gw_err (*row)(const struct db_export_row *r, void *arg), void *arg)
{
    static const char sql[] =
        "SELECT m.seq, m.code, m.full_name,"
        " (SELECT COALESCE(SUM(interest_due), 0) FROM loans"
        "  WHERE member_id = m.id AND status <> 'closed'),"
        " (SELECT COALESCE(SUM(overdue_amount), 0) FROM loans"
        "  WHERE member_id = m.id AND status <> 'closed'),"
        " (SELECT COALESCE(SUM(outstanding), 0) FROM loans"
        "  WHERE member_id = m.id AND status <> 'closed'),"
        " COALESCE(c.receipt_code, ''), COALESCE(c.state, ''),"
        " COALESCE(c.interest, 0), COALESCE(c.savings, 0),"
        " COALESCE(c.principal, 0), COALESCE(c.remitted_at, 0)"
        " FROM members m JOIN groups g ON g.id = m.group_id"
        " LEFT JOIN collections c ON c.member_id = m.id"
        "  AND c.group_id = g.id AND c.session_on = ?2"
        " WHERE g.code = ?1 ORDER BY m.seq, c.id";
    struct db_export_row r;
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc;

    err = code_exists(db, group_exists_sql, group_code);
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, group_code);
    db_bind_text(st, 2, session_on);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        export_row(st, &r);
        err = row(&r, arg);
        if (err)
            break;
    }
    db_stmt_done(st);
    if (err)
        return err;
    return rc == SQLITE_DONE ? GW_OK : db_error(db, rc, "export");
}
