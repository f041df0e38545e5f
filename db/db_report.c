/* db_report.c - KPI sums per group in one statement, rolled up in C */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/db_report.h"
#include "common/banned.h"

#define PAID_STATES "('RECORDED', 'CONFIRMED', 'POSTED')"

/* ?1..?2 sessions, ?3..?4 the month. Each aggregate is computed once per
 * table in a CTE and joined to the groups: one pass over loans and one
 * over the period's collections (index collections_session). CROSS JOIN
 * makes SQLite walk the groups and look each commune up: left to itself
 * it scanned every group for every commune to save the final sort (7 s
 * instead of 1 s at 1 million members). */
static const char sql_groups[] =
    "WITH lo AS (SELECT m.group_id AS gid, sum(l.outstanding) AS o,"
    "  sum(l.overdue_amount) AS od, sum(l.interest_due) AS idue"
    "  FROM loans l JOIN members m ON m.id = l.member_id"
    "  WHERE l.status <> 'closed' GROUP BY m.group_id),"
    " co AS (SELECT group_id AS gid,"
    "  sum(CASE WHEN state IN " PAID_STATES " THEN interest ELSE 0 END)"
    "  AS ic, sum(state = 'DISPUTED') AS d, sum(state = 'UNPOSTED') AS u"
    "  FROM collections WHERE session_on BETWEEN ?1 AND ?2"
    "  GROUP BY group_id),"
    " sv AS (SELECT group_id AS gid, count(DISTINCT member_id) AS s"
    "  FROM collections WHERE session_on BETWEEN ?3 AND ?4"
    "  AND savings > 0 AND state IN " PAID_STATES " GROUP BY group_id),"
    " mm AS (SELECT group_id AS gid, count(*) AS n FROM members"
    "  GROUP BY group_id)"
    " SELECT g.code, g.name, c.code, c.name, coalesce(lo.o, 0),"
    " coalesce(lo.od, 0), coalesce(lo.idue, 0), coalesce(co.ic, 0),"
    " coalesce(mm.n, 0), coalesce(sv.s, 0), coalesce(co.d, 0),"
    " coalesce(co.u, 0)"
    " FROM groups g CROSS JOIN communes c ON c.id = g.commune_id"
    " LEFT JOIN lo ON lo.gid = g.id LEFT JOIN co ON co.gid = g.id"
    " LEFT JOIN sv ON sv.gid = g.id LEFT JOIN mm ON mm.gid = g.id"
    " ORDER BY c.code, g.code";

static void kpi_add(struct db_kpi *a, const struct db_kpi *b)
{
    a->outstanding += b->outstanding;
    a->overdue += b->overdue;
    a->interest_due += b->interest_due;
    a->interest_collected += b->interest_collected;
    a->members += b->members;
    a->savers += b->savers;
    a->disputed += b->disputed;
    a->unposted += b->unposted;
}

static void read_group(sqlite3_stmt *st, struct db_kpi_row *g,
                       struct db_kpi_row *commune)
{
    memset(g, 0, sizeof(*g));
    g->level = DB_KPI_GROUP;
    db_col_text(st, 0, g->code, sizeof(g->code));
    db_col_text(st, 1, g->name, sizeof(g->name));
    db_col_text(st, 2, g->commune_code, sizeof(g->commune_code));
    g->k.outstanding = sqlite3_column_int64(st, 4);
    g->k.overdue = sqlite3_column_int64(st, 5);
    g->k.interest_due = sqlite3_column_int64(st, 6);
    g->k.interest_collected = sqlite3_column_int64(st, 7);
    g->k.members = sqlite3_column_int64(st, 8);
    g->k.savers = sqlite3_column_int64(st, 9);
    g->k.disputed = sqlite3_column_int64(st, 10);
    g->k.unposted = sqlite3_column_int64(st, 11);
    if (strcmp(commune->code, g->commune_code) != 0) {
        memset(commune, 0, sizeof(*commune));
        commune->level = DB_KPI_COMMUNE;
        memcpy(commune->code, g->commune_code, sizeof(commune->code));
        db_col_text(st, 3, commune->name, sizeof(commune->name));
    }
}

struct rollup {
    struct db_kpi_row commune, all;
    int have_commune;
};

gw_err db_report_kpis(struct db *db, const struct db_kpi_period *p,
                      db_kpi_fn fn, void *arg)
{
    sqlite3_stmt *st = db_stmt(db, sql_groups);
    struct rollup r;
    struct db_kpi_row g;
    gw_err err = GW_OK;
    int rc;

    if (st == NULL)
        return GW_EDB;
    memset(&r, 0, sizeof(r));
    r.all.level = DB_KPI_UNION;
    if (db_bind_text(st, 1, p->session_from) ||
        db_bind_text(st, 2, p->session_to) ||
        db_bind_text(st, 3, p->month_from) ||
        db_bind_text(st, 4, p->month_to)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "bind report");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cc = (const char *)sqlite3_column_text(st, 2);

        /* A new commune: the finished one goes out first. */
        if (r.have_commune && cc && strcmp(cc, r.commune.code) != 0 &&
            (err = fn(arg, &r.commune)) != GW_OK)
            break;
        read_group(st, &g, &r.commune);
        r.have_commune = 1;
        kpi_add(&r.commune.k, &g.k);
        kpi_add(&r.all.k, &g.k);
        if ((err = fn(arg, &g)) != GW_OK)
            break;
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "report");
    db_stmt_done(st);
    if (err == GW_OK && r.have_commune)
        err = fn(arg, &r.commune);
    if (err == GW_OK)
        err = fn(arg, &r.all);
    return err;
}

static gw_err keep_union(void *arg, const struct db_kpi_row *row)
{
    if (row->level == DB_KPI_UNION)
        *(struct db_kpi *)arg = row->k;
    return GW_OK;
}

gw_err db_report_union(struct db *db, const struct db_kpi_period *p,
                       struct db_kpi *out)
{
    memset(out, 0, sizeof(*out));
    return db_report_kpis(db, p, keep_union, out);
}

int64_t kpi_ratio_bp(int64_t num, int64_t den)
{
    int64_t q, rem, bp, i;

    if (den <= 0 || num < 0)
        return 0;
    /* Sums of VND stay far below this; halving keeps rem * 10 in range
     * for absurd inputs at the cost of exactness only there. */
    while (den > INT64_MAX / 10) {
        num /= 2;
        den /= 2;
    }
    q = num / den;
    rem = num % den;
    if (q > INT64_MAX / 10000 - 1)
        return INT64_MAX;
    /* Long division, one decimal digit at a time: num * 10000 itself
     * could overflow, rem * 10 cannot (rem < den <= INT64_MAX / 10). */
    bp = q * 10000;
    for (i = 1000; i >= 1; i /= 10) {
        bp += rem * 10 / den * i;
        rem = rem * 10 % den;
    }
    if (rem >= den - rem) /* half up */
        bp++;
    return bp;
}

void kpi_format_bp(int64_t bp, char *out, size_t size)
{
    (void)snprintf(out, size, "%lld.%02lld", (long long)(bp / 100),
                   (long long)(bp % 100));
}
