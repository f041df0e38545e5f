/* db_home.c - the commune at a glance, and the health of delivery */
#include <string.h>

#include "db/db_home.h"
#include "db/db_internal.h"
#include "common/banned.h"

gw_err db_home_sessions(struct db *db, int64_t officer_id, int64_t commune_id,
                        const char *since_day, db_group_session_fn fn,
                        void *ctx)
{
    /* A receipt whose amounts count, in the sessions' sums below. */
#define LIVE DB_LIVE_RECEIPT("c.")
    static const char sql[] =
        "WITH " DB_MINE_CTE
        " SELECT g.id, g.name, co.name, COALESCE(c.session_on, ''),"
        " (SELECT COUNT(*) FROM members m WHERE m.group_id = g.id),"
        " (SELECT COALESCE(SUM(l.interest_due), 0) FROM loans l JOIN members"
        "  m ON m.id = l.member_id WHERE m.group_id = g.id AND l.status <>"
        "  'closed'),"
        " SUM(CASE WHEN " LIVE " THEN c.interest END),"
        " SUM(CASE WHEN " LIVE " THEN c.savings END),"
        " SUM(CASE WHEN " LIVE " THEN c.principal END),"
        " COALESCE(SUM(p.interest), 0), COALESCE(SUM(p.savings), 0),"
        " COALESCE(SUM(p.principal), 0),"
        " COUNT(DISTINCT CASE WHEN " LIVE " THEN c.member_id END),"
        " SUM(c.state = 'RECORDED'), SUM(c.state = 'CONFIRMED'),"
        " SUM(c.state = 'DISPUTED'), SUM(c.state = 'VOIDED'),"
        " SUM(c.state = 'POSTED'), SUM(c.state = 'UNPOSTED'),"
        " COALESCE(MIN(CASE WHEN c.state IN ('RECORDED', 'CONFIRMED',"
        "  'DISPUTED', 'UNPOSTED') THEN c.created_at END), 0)"
        " FROM mine JOIN groups g ON g.id = mine.gid"
        " JOIN communes co ON co.id = g.commune_id"
        " LEFT JOIN collections c ON c.group_id = g.id AND c.session_on >= ?2"
        " LEFT JOIN postings p ON p.receipt_code = c.receipt_code"
        " GROUP BY g.id, c.session_on"
        " ORDER BY co.name, g.name, g.id, c.session_on DESC";
#undef LIVE
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 9, commune_id);
    db_bind_text(st, 2, since_day);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_group_session g;

        memset(&g, 0, sizeof(g));
        g.group_id = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, g.group, sizeof(g.group));
        db_col_text(st, 2, g.commune, sizeof(g.commune));
        db_col_text(st, 3, g.session_on, sizeof(g.session_on));
        g.members = sqlite3_column_int(st, 4);
        g.due = sqlite3_column_int64(st, 5);
        g.rec_interest = sqlite3_column_int64(st, 6);
        g.rec_savings = sqlite3_column_int64(st, 7);
        g.rec_principal = sqlite3_column_int64(st, 8);
        g.book_interest = sqlite3_column_int64(st, 9);
        g.book_savings = sqlite3_column_int64(st, 10);
        g.book_principal = sqlite3_column_int64(st, 11);
        g.paid = sqlite3_column_int(st, 12);
        g.n_recorded = sqlite3_column_int(st, 13);
        g.n_confirmed = sqlite3_column_int(st, 14);
        g.n_disputed = sqlite3_column_int(st, 15);
        g.n_voided = sqlite3_column_int(st, 16);
        g.n_posted = sqlite3_column_int(st, 17);
        g.n_unposted = sqlite3_column_int(st, 18);
        g.oldest_open = sqlite3_column_int64(st, 19);
        err = fn(ctx, &g);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "home sessions");
    db_stmt_done(st);
    return err;
}

gw_err db_home_kpis(struct db *db, int64_t officer_id, int64_t commune_id,
                    const char *since_day, db_kpi_point_fn fn, void *ctx)
{
    static const char sql[] =
        "WITH " DB_MINE_CTE ","
        " pts AS (SELECT c.group_id AS gid, c.session_on AS son,"
        "  SUM(CASE WHEN " DB_LIVE_RECEIPT(
            "c.") " THEN c.interest ELSE 0"
                  "  END) AS i, SUM(CASE WHEN " DB_LIVE_RECEIPT(
                      "c.") " THEN c.savings"
                            "  ELSE 0 END) AS s, SUM(CASE "
                            "WHEN " DB_LIVE_RECEIPT(
                                "c.") " THEN"
                                      "  c.principal ELSE 0 END) AS p FROM "
                                      "collections c"
                                      "  WHERE c.group_id IN (SELECT gid FROM "
                                      "mine) AND c.session_on >= ?2"
                                      "  GROUP BY c.group_id, c.session_on"
                                      "  UNION SELECT k.group_id, "
                                      "k.session_on, 0, 0, 0 FROM kpi_history k"
                                      "  WHERE k.group_id IN (SELECT gid FROM "
                                      "mine) AND k.session_on >= ?2)"
                                      " SELECT pts.gid, pts.son, "
                                      "COALESCE(k.outstanding, -1),"
                                      " COALESCE(k.overdue, -1), "
                                      "COALESCE(k.due, -1), SUM(pts.i),"
                                      " SUM(pts.s), SUM(pts.p) FROM pts LEFT "
                                      "JOIN kpi_history k ON"
                                      " k.group_id = pts.gid AND k.session_on "
                                      "= pts.son"
                                      " GROUP BY pts.gid, pts.son ORDER BY "
                                      "pts.gid, pts.son";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 9, commune_id);
    db_bind_text(st, 2, since_day);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_kpi_point p;

        memset(&p, 0, sizeof(p));
        p.group_id = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, p.session_on, sizeof(p.session_on));
        p.outstanding = sqlite3_column_int64(st, 2);
        p.overdue = sqlite3_column_int64(st, 3);
        p.due = sqlite3_column_int64(st, 4);
        p.interest = sqlite3_column_int64(st, 5);
        p.savings = sqlite3_column_int64(st, 6);
        p.principal = sqlite3_column_int64(st, 7);
        err = fn(ctx, &p);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "home kpis");
    db_stmt_done(st);
    return err;
}

gw_err db_kpi_snapshot(struct db *db, const char *today, int64_t now)
{
    /* The commune's session this month, or last month's when its day is
     * still to come. */
    static const char sql[] =
        "INSERT INTO kpi_history (group_id, session_on, outstanding,"
        " overdue, due, at)"
        " SELECT g.id, s.son, COALESCE(SUM(l.outstanding), 0),"
        " COALESCE(SUM(l.overdue_amount), 0), COALESCE(SUM(l.interest_due),"
        " 0), ?2 FROM groups g JOIN communes co ON co.id = g.commune_id"
        " JOIN (SELECT id AS cid, CASE WHEN date(?1, 'start of month',"
        "  '+' || (session_day - 1) || ' days') <= ?1 THEN date(?1,"
        "  'start of month', '+' || (session_day - 1) || ' days') ELSE"
        "  date(?1, 'start of month', '-1 month', '+' || (session_day - 1)"
        "  || ' days') END AS son FROM communes) s ON s.cid = co.id"
        " LEFT JOIN members m ON m.group_id = g.id"
        " LEFT JOIN loans l ON l.member_id = m.id AND l.status <> 'closed'"
        " GROUP BY g.id"
        " ON CONFLICT (group_id, session_on) DO UPDATE SET"
        " outstanding = excluded.outstanding, overdue = excluded.overdue,"
        " due = excluded.due, at = excluded.at";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, today);
    sqlite3_bind_int64(st, 2, now);
    return db_exec_stmt(db, st, "kpi snapshot");
}

/* The oldest message in state still waiting, in the tally's hour. */
static gw_err oldest_in_hour(struct db *db, const char *state, int64_t hour,
                             int64_t *oldest)
{
    static const char sql[] =
        "SELECT created_at FROM outbox INDEXED BY outbox_created"
        " WHERE created_at >= ?2 * 3600 AND created_at < (?2 + 1) * 3600"
        " AND state = ?1 ORDER BY created_at LIMIT 1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, state);
    sqlite3_bind_int64(st, 2, hour);
    rc = sqlite3_step(st);
    *oldest = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : hour * 3600;
    db_stmt_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GW_OK
                                                 : db_error(db, rc, "oldest");
}

/* Everyone's (admin): the outbox's tally, not a count of a backlog that
 * can be a million messages long. */
static gw_err depth_all(struct db *db, db_depth_fn fn, void *ctx)
{
    static const char sql[] =
        "SELECT state, SUM(n), MIN(hour) FROM delivery_tally"
        " WHERE state IN ('QUEUED', 'SENDING') AND n > 0"
        " GROUP BY state ORDER BY state";
    struct db_outbox_depth d[2];
    sqlite3_stmt *st = db_stmt(db, sql);
    size_t n = 0, i;
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    memset(d, 0, sizeof(d));
    while (n < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_col_text(st, 0, d[n].state, sizeof(d[n].state));
        d[n].count = sqlite3_column_int64(st, 1);
        d[n].oldest = sqlite3_column_int64(st, 2); /* the hour, for now */
        n++;
    }
    if (n < 2 && rc != SQLITE_DONE)
        err = db_error(db, rc, "delivery depth");
    db_stmt_done(st);
    for (i = 0; err == GW_OK && i < n; i++)
        err = oldest_in_hour(db, d[i].state, d[i].oldest, &d[i].oldest);
    for (i = 0; err == GW_OK && i < n; i++)
        err = fn(ctx, &d[i]);
    return err;
}

gw_err db_delivery_depth(struct db *db, int64_t officer_id, int64_t commune_id,
                         bool all, db_depth_fn fn, void *ctx)
{
    /* An officer's (or one commune's): from her members, by the member
     * index; a backlog of the whole country is never walked for it. */
    static const char sql[] =
        "WITH " DB_MINE_CTE " SELECT o.state, COUNT(*), MIN(o.created_at) FROM"
        " members m JOIN outbox o ON o.member_id = m.id WHERE"
        " m.group_id IN (SELECT gid FROM mine) AND"
        " o.state IN ('QUEUED', 'SENDING') GROUP BY o.state ORDER BY o.state";
    sqlite3_stmt *st;
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (all)
        return depth_all(db, fn, ctx);
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 9, commune_id);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_outbox_depth d;

        memset(&d, 0, sizeof(d));
        db_col_text(st, 0, d.state, sizeof(d.state));
        d.count = sqlite3_column_int64(st, 1);
        d.oldest = sqlite3_column_int64(st, 2);
        err = fn(ctx, &d);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "delivery depth");
    db_stmt_done(st);
    return err;
}

gw_err db_delivery_counts(struct db *db, int64_t officer_id, int64_t commune_id,
                          bool all, int64_t since, db_delivery_fn fn, void *ctx)
{
    /* An officer's: her members' messages, by the group and member
     * indexes. */
#define COUNTS(FROM)                                                           \
    "WITH " DB_MINE_CTE                                                        \
    " SELECT COALESCE(o.provider, '-'), substr(o.phone, 4, 2),"                \
    " SUM(o.state IN ('SENT', 'DELIVERED', 'UNDELIVERED')),"                   \
    " SUM(o.state = 'DELIVERED'), SUM(o.state = 'UNDELIVERED'),"               \
    " SUM(o.state = 'FAILED') FROM " FROM " AND o.created_at >= ?2"            \
    " AND o.state NOT IN ('QUEUED', 'SENDING')"                                \
    " AND COALESCE(o.provider, '') <> 'simulator'"                             \
    " GROUP BY 1, 2 ORDER BY 1, 2"
    static const char mine_sql[] =
        COUNTS("members m JOIN outbox o ON o.member_id = m.id WHERE"
               " m.group_id IN (SELECT gid FROM mine)");
#undef COUNTS
    /* Every message (admin): the outbox's own tally, by the hour. */
    static const char all_sql[] =
        "SELECT CASE provider WHEN '' THEN '-' ELSE provider END, prefix,"
        " SUM(CASE WHEN state IN ('SENT', 'DELIVERED', 'UNDELIVERED') THEN n"
        " ELSE 0 END), SUM(CASE state WHEN 'DELIVERED' THEN n ELSE 0 END),"
        " SUM(CASE state WHEN 'UNDELIVERED' THEN n ELSE 0 END),"
        " SUM(CASE state WHEN 'FAILED' THEN n ELSE 0 END)"
        " FROM delivery_tally WHERE hour >= ?2 / 3600"
        " AND state NOT IN ('QUEUED', 'SENDING') AND provider <> 'simulator'"
        " GROUP BY 1, 2 HAVING SUM(n) > 0"
        " ORDER BY 1, 2";
    sqlite3_stmt *st = db_stmt(db, all ? all_sql : mine_sql);
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 9, commune_id);
    sqlite3_bind_int64(st, 2, since);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_delivery_row r;

        memset(&r, 0, sizeof(r));
        db_col_text(st, 0, r.provider, sizeof(r.provider));
        db_col_text(st, 1, r.prefix, sizeof(r.prefix));
        r.sent = sqlite3_column_int64(st, 2);
        r.delivered = sqlite3_column_int64(st, 3);
        r.undelivered = sqlite3_column_int64(st, 4);
        r.failed = sqlite3_column_int64(st, 5);
        err = fn(ctx, &r);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "delivery counts");
    db_stmt_done(st);
    return err;
}
