/* db_remind.c - recipients of scheduled messages, once-only markers,
 * campaign audiences
 *
 * Every query is one set-based statement per commune (or per campaign),
 * driven by the indexes of migration 2: communes(session_day),
 * members(group_id, ...), loans(member_id), collections(member_id,
 * session_on), remind_sent's primary key, outbox(member_id, kind,
 * created_at).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_internal.h"
#include "db/db_msg.h"
#include "db/db_remind.h"
#include "common/banned.h"

/* A collection that counts as paid: recorded by the leader, confirmed by
 * the member or booked by the bank (not voided, disputed or unbooked). */
#define PAID_STATES "('RECORDED', 'CONFIRMED', 'POSTED')"

/* Every walk returns the same columns:
 * 0 member id, 1 phone, 2 leader, 3 commune, 4 officer, 5 program,
 * 6 date, 7 amount, 8 amount2, 9 amount3, 10 count, 11 count2.
 * Parameters: ?1 commune, ?2 kind, ?3 period, ?4 session. */
#define NOT_MARKED(m)                                                          \
    " AND NOT EXISTS (SELECT 1 FROM remind_sent r WHERE r.member_id = " m      \
    ".id AND r.kind = ?2 AND r.period = ?3)"

static const char sql_members[] =
    "SELECT m.id, m.phone,"
    " (SELECT x.full_name FROM members x WHERE x.group_id = m.group_id"
    "  AND x.role = 'leader' ORDER BY x.seq LIMIT 1),"
    " co.name, co.officer_phone, '', '', sum(l.interest_due), 0, 0, 0, 0"
    " FROM groups g JOIN communes co ON co.id = g.commune_id"
    " JOIN members m ON m.group_id = g.id"
    " JOIN loans l ON l.member_id = m.id"
    " WHERE g.commune_id = ?1 AND m.reminders = 1 AND l.status <> 'closed'" //
    NOT_MARKED(
        "m") " AND NOT EXISTS (SELECT 1 FROM collections c WHERE c.member_id = "
             "m.id"
             "  AND c.session_on = ?4 AND c.state IN " PAID_STATES ")"
             " GROUP BY m.id HAVING sum(l.interest_due) > 0 ORDER BY m.id";

#define HAS_DUE(m)                                                             \
    "EXISTS (SELECT 1 FROM loans l WHERE l.member_id = " m ".id"               \
    " AND l.status <> 'closed' AND l.interest_due > 0)"

static const char sql_leaders[] =
    "SELECT ld.id, ld.phone, '', co.name, co.officer_phone, '', '', 0, 0, 0,"
    " (SELECT count(*) FROM members m WHERE m.group_id = ld.group_id"
    "  AND " HAS_DUE(
        "m") " AND NOT EXISTS (SELECT 1 FROM collections c"
             "  WHERE c.member_id = m.id AND c.session_on = ?4"
             "  AND c.state IN " PAID_STATES ")),"
             " (SELECT count(*) FROM members m WHERE m.group_id = ld.group_id"
             "  AND " HAS_DUE(
                 "m") ")"
                      " FROM groups g JOIN communes co ON co.id = g.commune_id"
                      " JOIN members ld ON ld.group_id = g.id AND ld.role = "
                      "'leader'"
                      " WHERE g.commune_id = ?1 AND ld.reminders = 1" //
    NOT_MARKED("ld") " ORDER BY ld.id";

static const char sql_overdue[] =
    "SELECT m.id, m.phone, '', co.name, co.officer_phone,"
    " (SELECT x.program FROM loans x WHERE x.member_id = m.id"
    "  AND x.status <> 'closed' ORDER BY x.overdue_amount DESC, x.id"
    "  LIMIT 1),"
    " min(min(coalesce(l.next_principal_on, l.maturity_on), l.maturity_on)),"
    " sum(l.overdue_amount), 0, 0, 0, 0"
    " FROM groups g JOIN communes co ON co.id = g.commune_id"
    " JOIN members m ON m.group_id = g.id"
    " JOIN loans l ON l.member_id = m.id"
    " WHERE g.commune_id = ?1 AND m.reminders = 1 AND l.status <> 'closed'"
    " AND l.overdue_amount > 0" //
    NOT_MARKED("m") " GROUP BY m.id ORDER BY m.id";

#define PAID_AT_SESSION                                                        \
    " FROM collections c WHERE c.member_id = m.id AND c.session_on = ?4"       \
    " AND c.state IN " PAID_STATES

static const char sql_statements[] =
    "SELECT m.id, m.phone, '', co.name, co.officer_phone, '', '',"
    " coalesce((SELECT sum(l.outstanding) FROM loans l"
    "  WHERE l.member_id = m.id AND l.status <> 'closed'), 0),"
    " coalesce((SELECT s.balance FROM savings s WHERE s.member_id = m.id),"
    "  0),"
    " coalesce((SELECT sum(c.interest)" PAID_AT_SESSION "), 0),"
    " (SELECT count(*)" PAID_AT_SESSION "), 0"
    " FROM groups g JOIN communes co ON co.id = g.commune_id"
    " JOIN members m ON m.group_id = g.id"
    " WHERE g.commune_id = ?1" //
    NOT_MARKED(
        "m") " AND (EXISTS (SELECT 1 FROM loans l WHERE l.member_id = m.id"
             "  AND l.status <> 'closed')"
             "  OR EXISTS (SELECT 1 FROM savings s WHERE s.member_id = m.id"
             "  AND s.balance > 0))"
             " ORDER BY m.id";

static void read_row(sqlite3_stmt *st, struct db_remind_row *r)
{
    memset(r, 0, sizeof(*r));
    r->member_id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, r->phone, sizeof(r->phone));
    db_col_text(st, 2, r->leader, sizeof(r->leader));
    db_col_text(st, 3, r->commune, sizeof(r->commune));
    db_col_text(st, 4, r->officer, sizeof(r->officer));
    db_col_text(st, 5, r->program, sizeof(r->program));
    db_col_text(st, 6, r->date, sizeof(r->date));
    r->amount = sqlite3_column_int64(st, 7);
    r->amount2 = sqlite3_column_int64(st, 8);
    r->amount3 = sqlite3_column_int64(st, 9);
    r->count = sqlite3_column_int64(st, 10);
    r->count2 = sqlite3_column_int64(st, 11);
}

gw_err db_remind_communes(struct db *db, int session_day, const char *kind,
                          const char *period, int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = db_stmt(
        db, "SELECT c.id FROM communes c WHERE c.session_day = ?1"
            " AND NOT EXISTS (SELECT 1 FROM remind_done d"
            "  WHERE d.commune_id = c.id AND d.kind = ?2 AND d.period = ?3)"
            " ORDER BY c.id");
    size_t cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (st == NULL)
        return GW_EDB;
    if (sqlite3_bind_int(st, 1, session_day) || db_bind_text(st, 2, kind) ||
        db_bind_text(st, 3, period)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind communes");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *ids = xrealloc(*ids, cap * sizeof(**ids));
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    db_stmt_done(st);
    if (rc != SQLITE_DONE) {
        free(*ids);
        *ids = NULL;
        *n = 0;
        return db_error(db, rc, "remind communes");
    }
    return GW_OK;
}

static const char *walk_sql(enum db_remind_query q)
{
    switch (q) {
    case DB_REMIND_MEMBERS:
        return sql_members;
    case DB_REMIND_LEADERS:
        return sql_leaders;
    case DB_REMIND_OVERDUE:
        return sql_overdue;
    case DB_REMIND_STATEMENTS:
        return sql_statements;
    }
    return NULL;
}

gw_err db_remind_walk(struct db *db, enum db_remind_query q, int64_t commune_id,
                      const char *kind, const char *period, const char *session,
                      db_remind_row_fn fn, void *arg)
{
    const char *sql = walk_sql(q);
    sqlite3_stmt *st = sql ? db_stmt(db, sql) : NULL;
    struct db_remind_row row;
    gw_err err = GW_OK;
    int rc;

    if (st == NULL)
        return GW_EDB;
    if (sqlite3_bind_int64(st, 1, commune_id) || db_bind_text(st, 2, kind) ||
        db_bind_text(st, 3, period) ||
        (sqlite3_bind_parameter_count(st) >= 4 &&
         db_bind_text(st, 4, session))) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind remind walk");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &row);
        if ((err = fn(arg, &row)) != GW_OK)
            break;
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "remind walk");
    db_stmt_done(st);
    return err;
}

gw_err db_remind_mark(struct db *db, int64_t member_id, const char *kind,
                      const char *period, int64_t outbox_id, int64_t now,
                      bool *fresh)
{
    sqlite3_stmt *st = db_stmt(
        db, "INSERT INTO remind_sent (member_id, kind, period, outbox_id, at)"
            " VALUES (?1, ?2, ?3, nullif(?4, 0), ?5)"
            " ON CONFLICT DO NOTHING");
    gw_err err;

    *fresh = false;
    if (st == NULL)
        return GW_EDB;
    if (sqlite3_bind_int64(st, 1, member_id) || db_bind_text(st, 2, kind) ||
        db_bind_text(st, 3, period) || sqlite3_bind_int64(st, 4, outbox_id) ||
        sqlite3_bind_int64(st, 5, now)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind remind mark");
    }
    err = db_exec_stmt(db, st, "remind mark");
    if (err == GW_OK)
        *fresh = sqlite3_changes(db->conn) > 0;
    return err;
}

gw_err db_remind_commune_done(struct db *db, int64_t commune_id,
                              const char *kind, const char *period, size_t sent,
                              int64_t now)
{
    sqlite3_stmt *st = db_stmt(
        db, "INSERT INTO remind_done (commune_id, kind, period, sent, at)"
            " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");

    if (st == NULL)
        return GW_EDB;
    if (sqlite3_bind_int64(st, 1, commune_id) || db_bind_text(st, 2, kind) ||
        db_bind_text(st, 3, period) ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)sent) ||
        sqlite3_bind_int64(st, 5, now)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind remind done");
    }
    return db_exec_stmt(db, st, "remind done");
}

/* ---- campaigns ---- */

/* Members of the audience with the number of CAMPAIGN rows created for
 * them in [?1, ?2). ?3 group code, ?4 commune code (NULL: any). */
#define CAMPAIGN_AUDIENCE                                                      \
    "SELECT m.id AS id, m.phone AS phone,"                                     \
    " (SELECT count(*) FROM outbox o WHERE o.member_id = m.id"                 \
    "  AND o.kind = 'CAMPAIGN' AND o.created_at >= ?1"                         \
    "  AND o.created_at < ?2) AS n"                                            \
    " FROM members m JOIN groups g ON g.id = m.group_id"                       \
    " JOIN communes c ON c.id = g.commune_id"                                  \
    " WHERE m.campaigns = 1 AND m.reminders = 1"                               \
    " AND (?3 IS NULL OR g.code = ?3) AND (?4 IS NULL OR c.code = ?4)"

static int bind_audience(sqlite3_stmt *st, const struct db_campaign_filter *f,
                         int64_t day_from, int64_t day_to, unsigned cap)
{
    return sqlite3_bind_int64(st, 1, day_from) ||
           sqlite3_bind_int64(st, 2, day_to) ||
           db_bind_text(st, 3, f->group_code) ||
           db_bind_text(st, 4, f->commune_code) ||
           sqlite3_bind_int64(st, 5, (sqlite3_int64)cap);
}

gw_err db_campaign_count(struct db *db, const struct db_campaign_filter *f,
                         int64_t day_from, int64_t day_to, unsigned cap,
                         size_t *eligible, size_t *capped)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT coalesce(sum(n < ?5), 0), coalesce(sum(n >= ?5),"
                    " 0) FROM (" CAMPAIGN_AUDIENCE ")");
    int rc;

    *eligible = *capped = 0;
    if (st == NULL)
        return GW_EDB;
    if (bind_audience(st, f, day_from, day_to, cap)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind campaign");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *eligible = (size_t)sqlite3_column_int64(st, 0);
        *capped = (size_t)sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "campaign count");
}

gw_err db_campaign_enqueue(struct db *db, const struct db_campaign_filter *f,
                           int64_t day_from, int64_t day_to, unsigned cap,
                           const char *text, int64_t at, size_t *queued)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, phone FROM (" CAMPAIGN_AUDIENCE
                                   ") WHERE n < ?5 ORDER BY id");
    gw_err err = GW_OK;
    int rc;

    *queued = 0;
    if (st == NULL)
        return GW_EDB;
    if (bind_audience(st, f, day_from, day_to, cap)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind campaign");
    }
    /* Each member appears once in the walk and the rows inserted are
     * hers only, so the counts of members not yet visited are unchanged:
     * inserting while walking cannot let anyone past the cap. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char phone[DT_PHONE_SIZE];
        int64_t id;

        db_col_text(st, 1, phone, sizeof(phone));
        err = db_outbox_enqueue(db, phone, text, "CAMPAIGN",
                                sqlite3_column_int64(st, 0), 0, at, &id);
        if (err)
            break;
        (*queued)++;
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "campaign walk");
    db_stmt_done(st);
    return err;
}

gw_err db_campaign_check_filter(struct db *db,
                                const struct db_campaign_filter *f)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT (?1 IS NULL OR EXISTS (SELECT 1 FROM groups"
                    "  WHERE code = ?1))"
                    " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM communes"
                    "  WHERE code = ?2))");
    int rc, ok = 0;

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, f->group_code) ||
        db_bind_text(st, 2, f->commune_code)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind filter");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        ok = sqlite3_column_int(st, 0);
    db_stmt_done(st);
    if (rc != SQLITE_ROW)
        return db_error(db, rc, "campaign filter");
    return ok ? GW_OK : GW_ENOTFOUND;
}
