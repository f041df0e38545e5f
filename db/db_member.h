/* db_member.h - what the SMS handlers read about the caller, and the few
 * small writes they make (reminder consent, unknown-number replies)
 *
 * Every function works on one member, found by the phone the message came
 * from: nothing here returns another member's figures, so a reply built
 * from these results can only describe the sender. All run inside the
 * caller's transaction; results are copied into caller-owned structs.
 */
#ifndef DT_DB_MEMBER_H
#define DT_DB_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

/* The sender of a message, with what the replies mention. */
struct db_caller {
    int64_t id;
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    int seq;        /* number in the group list */
    bool is_leader; /* role 'leader' */
    int reminders;  /* consent flags, 0 or 1 */
    int campaigns;
    int64_t group_id;
    char group_name[DT_NAME_SIZE];
    char leader_name[DT_NAME_SIZE]; /* "" when the group has no leader */
    int session_day;                /* the commune's, 1..28 */
    char officer_phone[DT_PHONE_SIZE];
};

/* The member whose phone (E.164) is phone. GW_ENOTFOUND when none. */
gw_err db_member_by_phone(struct db *db, const char *phone,
                          struct db_caller *out);

/* Totals over a member's loans that are not closed. */
struct db_loan_totals {
    int count;
    int64_t outstanding;
    int64_t interest_due; /* the bank's figure for the coming session */
    int64_t overdue;
    /* The earliest next principal date over those loans ("" when none)
     * and the sum of the principal due on that date. */
    char next_principal_on[DT_DATE_SIZE];
    int64_t next_principal_amount;
};

gw_err db_member_loan_totals(struct db *db, int64_t member_id,
                             struct db_loan_totals *out);

struct db_member_loan {
    char code[DT_CODE_SIZE];
    char program[DT_PROGRAM_SIZE];
    int64_t outstanding;
    int64_t interest_due;
    char next_principal_on[DT_DATE_SIZE]; /* "" when none */
    int64_t next_principal_amount;
    int64_t overdue;
    char status[12];
};

/* The member's loans that are not closed, largest outstanding first, at
 * most max of them into out[]; *n is how many were written. */
gw_err db_member_loans(struct db *db, int64_t member_id,
                       struct db_member_loan *out, size_t max, size_t *n);

/* The savings balance the bank last exported; 0 when it sent none. */
gw_err db_member_savings(struct db *db, int64_t member_id, int64_t *balance);

/* Amounts the leader recorded (collections RECORDED or CONFIRMED) that
 * the bank has not booked yet. */
struct db_pending {
    int64_t interest;
    int64_t savings;
    int64_t principal;
    int count;
};

gw_err db_member_pending(struct db *db, int64_t member_id,
                         struct db_pending *out);

struct db_collection_brief {
    char receipt_code[DT_CODE_SIZE];
    char session_on[DT_DATE_SIZE]; /* YYYY-MM-DD */
    int64_t interest;
    int64_t savings;
    int64_t principal;
    char state[12]; /* RECORDED CONFIRMED DISPUTED VOIDED POSTED UNPOSTED */
    int64_t created_at;
};

/* The member's latest collections, newest first, at most max. */
gw_err db_member_collections(struct db *db, int64_t member_id,
                             struct db_collection_brief *out, size_t max,
                             size_t *n);

/* Sets the member's consent flags (reminders always; campaigns unless it
 * is negative) and appends an audit row: who (phone) changed what, when.
 * The consent record is kept because Decree 13/2023 asks for it. */
gw_err db_member_set_consent(struct db *db, int64_t member_id,
                             const char *phone, int reminders, int campaigns,
                             int64_t now);

/* Claims the one reply a day an unknown number may get: *claimed is true
 * the first time (phone, day) is seen, false afterwards. day is the
 * Vietnam local date, YYYY-MM-DD. At most cap replies to unknown numbers
 * in all in the hour before at (a flood of new numbers must not spend
 * the budget): past it nothing is claimed and *capped is set. */
gw_err db_unknown_reply_claim(struct db *db, const char *phone, const char *day,
                              int64_t at, unsigned cap, bool *claimed,
                              bool *capped);

#endif
