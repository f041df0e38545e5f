/* db_import.h - upserts of the bank's master data, one row at a time
 *
 * The importer validates every field first (text/, cli/import.c); these
 * functions only store. Each upserts by the row's code, inside the
 * caller's transaction (one transaction a file). References are by code:
 * an unknown one gives GW_ENOTFOUND; a unique value already held by
 * another row (a member's phone, a group's seq) gives GW_EEXIST and, when
 * conflict is not NULL, the code of the row holding it.
 */
#ifndef DT_DB_IMPORT_H
#define DT_DB_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

struct db_commune {
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    char district[DT_NAME_SIZE];
    char province[DT_NAME_SIZE];
    int session_day; /* 1..28 */
    char officer_phone[DT_PHONE_SIZE];
};

struct db_group {
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    char commune_code[DT_CODE_SIZE];
    char union_name[DT_NAME_SIZE];
};

struct db_member {
    char code[DT_CODE_SIZE];
    char group_code[DT_CODE_SIZE];
    int seq; /* 1..999, the member's number in the group list */
    char full_name[DT_NAME_SIZE];
    char phone[DT_PHONE_SIZE];
    char role[8]; /* "member" or "leader" */
    int reminders; /* consent flags, 0 or 1 */
    int campaigns;
};

struct db_loan {
    char code[DT_CODE_SIZE];
    char member_code[DT_CODE_SIZE];
    char program[DT_PROGRAM_SIZE];
    char disbursed_on[DT_DATE_SIZE]; /* YYYY-MM-DD */
    int64_t disbursed_amount;
    int64_t outstanding;
    int64_t monthly_rate_bp;
    char maturity_on[DT_DATE_SIZE];
    char next_principal_on[DT_DATE_SIZE]; /* "" when none */
    int64_t next_principal_amount;
    int64_t interest_due;
    int64_t overdue_amount;
    char status[12]; /* current overdue extended frozen closed */
};

struct db_savings {
    char member_code[DT_CODE_SIZE];
    int64_t balance;
};

struct db_posting {
    char receipt_code[DT_CODE_SIZE];
    char posted_on[DT_DATE_SIZE];
    int64_t interest;
    int64_t savings;
    int64_t principal;
};

gw_err db_commune_upsert(struct db *db, const struct db_commune *c);
gw_err db_group_upsert(struct db *db, const struct db_group *g);
gw_err db_member_upsert(struct db *db, const struct db_member *m,
                        char conflict[DT_CODE_SIZE]);
gw_err db_loan_upsert(struct db *db, const struct db_loan *l);
gw_err db_savings_upsert(struct db *db, const struct db_savings *s,
                         int64_t now);
/* GW_ENOTFOUND when no collection has this receipt code. */
gw_err db_posting_upsert(struct db *db, const struct db_posting *p,
                         int64_t now);

#endif
