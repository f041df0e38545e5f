/* db_report.h - the KPIs of the Long An review, per group, commune, union
 *
 * Sums are whole VND or counts in int64_t; ratios are basis points
 * (1/100 of a percent) computed in integers, printed with 2 decimals:
 *
 *   overdue ratio          sum overdue_amount / sum outstanding (loans not
 *                          closed: the bank's latest import, a snapshot)
 *   interest collection    interest of collections RECORDED, CONFIRMED or
 *                          POSTED of the period's sessions / sum
 *                          interest_due (the bank's figure for the coming
 *                          session: exact for the current session, only
 *                          indicative for a past one after a new import)
 *   savers                 members with such a collection with savings > 0
 *                          in the month / members
 *   disputed, unposted     receipts of the period's sessions in state
 *                          DISPUTED, UNPOSTED (never booked by the bank)
 *
 * The union row is the whole database.
 */
#ifndef DT_DB_REPORT_H
#define DT_DB_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

struct db_kpi {
    int64_t outstanding, overdue;
    int64_t interest_due, interest_collected;
    int64_t members, savers;
    int64_t disputed, unposted;
};

enum db_kpi_level { DB_KPI_GROUP, DB_KPI_COMMUNE, DB_KPI_UNION };

struct db_kpi_row {
    enum db_kpi_level level;
    char code[DT_CODE_SIZE];         /* group or commune code; "" union */
    char name[DT_NAME_SIZE];         /* its name (UTF-8) */
    char commune_code[DT_CODE_SIZE]; /* a group's commune; "" otherwise */
    struct db_kpi k;
};

/* Dates "YYYY-MM-DD", inclusive: the sessions counted (session_on), and
 * the month in which saving counts. */
struct db_kpi_period {
    char session_from[DT_DATE_SIZE], session_to[DT_DATE_SIZE];
    char month_from[DT_DATE_SIZE], month_to[DT_DATE_SIZE];
};

/* Row by row: each group (by commune code, then group code), each
 * commune after its groups, the union last. The row is borrowed for the
 * call; a non-OK return from fn stops and is returned. */
typedef gw_err (*db_kpi_fn)(void *arg, const struct db_kpi_row *row);
gw_err db_report_kpis(struct db *db, const struct db_kpi_period *p,
                      db_kpi_fn fn, void *arg);

/* The union row only. */
gw_err db_report_union(struct db *db, const struct db_kpi_period *p,
                       struct db_kpi *out);

/* num / den in basis points, rounded half up; 0 when den <= 0 or num < 0.
 * Exact for any num, den up to INT64_MAX (no floating point). */
int64_t kpi_ratio_bp(int64_t num, int64_t den);
/* "12.34" for 1234 (out size >= 24). */
void kpi_format_bp(int64_t bp, char *out, size_t size);

#endif
