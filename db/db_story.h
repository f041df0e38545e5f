/* db_story.h - what the console shows of one member and of one leader
 *
 * Every function takes the officer's id and answers GW_ENOTFOUND for a
 * member of a commune she may not see, as for one that does not exist:
 * the scoping is in the SQL, never in the page.
 */
#ifndef DT_DB_STORY_H
#define DT_DB_STORY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"
#include "db/db_collection.h"

struct db_person {
    int64_t id;
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    char phone[DT_PHONE_SIZE];
    int seq;
    bool leader;
    bool reminders;
    int64_t group_id;
    char group[DT_NAME_SIZE];
    int64_t commune_id;
    char commune[DT_NAME_SIZE];
    int64_t leader_id; /* the group's first leader, 0 if none */
    char leader_name[DT_NAME_SIZE];
    int64_t savings;
    int64_t last_delivered; /* newest DELIVERED SMS to her, 0 if none */
};

gw_err db_story_person(struct db *db, int64_t officer_id, int64_t member_id,
                       struct db_person *out);

struct db_story_loan {
    char code[DT_CODE_SIZE];
    char program[DT_PROGRAM_SIZE];
    int64_t outstanding, interest_due, overdue, next_principal;
    char next_principal_on[DT_DATE_SIZE];
    char status[12];
};
typedef gw_err (*db_loan_fn)(void *ctx, const struct db_story_loan *l);
gw_err db_story_loans(struct db *db, int64_t member_id, db_loan_fn fn,
                      void *ctx);

struct db_story_receipt {
    int64_t id;
    char code[DT_CODE_SIZE];
    int64_t created_at;
    char session_on[DT_DATE_SIZE];
    int64_t interest, savings, principal;
    char state[DB_STATE_SIZE];
    bool disputed;
    int64_t remitted_at;
    char member_name[DT_NAME_SIZE]; /* the leader page lists others' */
    int64_t member_id;
};
typedef gw_err (*db_receipt_fn)(void *ctx, const struct db_story_receipt *r);
/* Her receipts, newest first, at most limit. */
gw_err db_story_receipts(struct db *db, int64_t member_id, int limit,
                         db_receipt_fn fn, void *ctx);

/* One line of her message timeline, newest first: what she sent (in,
 * PINs already masked when stored) and what was sent to her (out). */
struct db_story_msg {
    bool in;
    int64_t at;
    char channel[8]; /* in: sms or ussd */
    char kind[16];   /* out: REPLY, RECEIPT, ... */
    char text[DT_SMS_IN_MAX + 1];
    char state[16]; /* out: QUEUED ... DELIVERED, UNDELIVERED, FAILED */
    int attempts;
    char provider[24];
    char last_error[256];
    int64_t updated_at;
};
typedef gw_err (*db_msg_fn)(void *ctx, const struct db_story_msg *m);
/* Page page (0-based) of per_page lines; *more tells whether another
 * page follows. */
gw_err db_story_timeline(struct db *db, int64_t member_id, int page,
                         int per_page, db_msg_fn fn, void *ctx, bool *more);

/* Members of the officer's communes (of commune_id only, unless it is 0)
 * whose name (any case, with or without diacritics), member code, or
 * phone's last digits match q; at most limit. */
typedef gw_err (*db_person_fn)(void *ctx, const struct db_person *p);
gw_err db_story_search(struct db *db, int64_t officer_id, int64_t commune_id,
                       const char *q, int limit, db_person_fn fn, void *ctx);

/* The members of a group, by number, with the newest SMS delivered to
 * each (0: none). */
gw_err db_story_group(struct db *db, int64_t group_id, db_person_fn fn,
                      void *ctx);

/* A leader's warning signs: the receipts behind each, her group's, since
 * since_day ("YYYY-MM-DD"). today: "YYYY-MM-DD". */
enum db_sign {
    DB_SIGN_VOIDED,      /* she voided it */
    DB_SIGN_DISPUTED,    /* the member disputed it */
    DB_SIGN_UNBOOKED,    /* its session passed; the bank has not booked it */
    DB_SIGN_UNCONFIRMED, /* the member never confirmed it (3 days on) */
    DB_SIGN_LATE_NOP,    /* handed to the bank after its session day */
    DB_SIGN_COUNT
};
gw_err db_story_signs(struct db *db, int64_t leader_id, const char *since_day,
                      const char *today, int64_t now, enum db_sign sign,
                      db_receipt_fn fn, void *ctx);

/* The group's last sessions with what was due and what was collected
 * (interest, live receipts): below due two sessions running is a sign. */
struct db_session_sum {
    char session_on[DT_DATE_SIZE];
    int64_t due, collected;
};
/* The last n sessions before today (newest first); *got of them. */
gw_err db_story_sessions(struct db *db, int64_t group_id, const char *today,
                         struct db_session_sum *out, int n, int *got);

/* Members of the officer's communes whose code is in codes ("C01,C02"):
 * the phones of the training communes, for the simulator. */
gw_err db_story_training(struct db *db, int64_t officer_id, const char *codes,
                         int limit, db_person_fn fn, void *ctx);

#endif
