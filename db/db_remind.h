/* db_remind.h - who is due a scheduled message, and the once-only markers
 *
 * A pass (handlers/remind.c) works commune by commune. For each kind of
 * message due it lists the communes of a session day not yet done for
 * the period, then, inside one transaction per commune, walks the rows of
 * that commune's recipients (set-based SQL, one statement), marks each
 * (member, kind, period) and queues the text. A marker is a UNIQUE key:
 * db_remind_mark() reports a row already marked, so a message is never
 * queued twice. When the commune is finished it is marked done for the
 * period, which keeps later passes from scanning it again (a member added
 * after that waits for the next period).
 *
 * Kinds are the strings of remind_kind_name(): "REMINDER", "LEADER_NOTE",
 * "OVERDUE", "STATEMENT". Periods are "YYYY-MM-DD" (a session) or
 * "YYYY-MM" (a statement's month).
 */
#ifndef DT_DB_REMIND_H
#define DT_DB_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

enum db_remind_query {
    DB_REMIND_MEMBERS,   /* interest due, unpaid this session, opted in */
    DB_REMIND_LEADERS,   /* leaders with members due, opted in */
    DB_REMIND_OVERDUE,   /* overdue_amount > 0, opted in */
    DB_REMIND_STATEMENTS /* a loan or savings; opt-out ignored */
};

/* One recipient. Which fields are set depends on the query:
 *   MEMBERS:    leader, commune, amount = interest due
 *   LEADERS:    commune, count = unpaid, count2 = members with interest due
 *   OVERDUE:    program (largest overdue loan), amount = total overdue,
 *               date = earliest missed date (next principal or maturity),
 *               officer
 *   STATEMENTS: amount = outstanding, amount2 = savings balance,
 *               amount3 = interest collected at the session, count =
 *               receipts of that session
 * Texts are "" when absent. */
struct db_remind_row {
    int64_t member_id;
    char phone[DT_PHONE_SIZE];
    char leader[DT_NAME_SIZE];  /* the group leader's full name */
    char commune[DT_NAME_SIZE]; /* commune name */
    char officer[DT_PHONE_SIZE];
    char program[DT_PROGRAM_SIZE];
    char date[DT_DATE_SIZE]; /* YYYY-MM-DD */
    int64_t amount, amount2, amount3;
    int64_t count, count2;
};

/* Called for each row; a non-OK return stops the walk and is returned. */
typedef gw_err (*db_remind_row_fn)(void *arg, const struct db_remind_row *r);

/* Ids of the communes holding their session on session_day (1..28) that
 * are not marked done for (kind, period), ascending. *ids is allocated
 * (caller frees; NULL when *n is 0). */
gw_err db_remind_communes(struct db *db, int session_day, const char *kind,
                          const char *period, int64_t **ids, size_t *n);

/* Walks the recipients of query q in commune commune_id who have no
 * marker (kind, period). session is the session's date "YYYY-MM-DD" that
 * "paid" and "collected" refer to. Rows come in member id order. fn may
 * write (mark, enqueue) on the same connection while the walk runs. */
gw_err db_remind_walk(struct db *db, enum db_remind_query q, int64_t commune_id,
                      const char *kind, const char *period, const char *session,
                      db_remind_row_fn fn, void *arg);

/* Marks (member_id, kind, period) sent with the outbox row outbox_id (0:
 * none yet). *fresh is false when the marker already existed (nothing
 * is changed). Use inside the transaction that queues the message. */
gw_err db_remind_mark(struct db *db, int64_t member_id, const char *kind,
                      const char *period, int64_t outbox_id, int64_t now,
                      bool *fresh);

/* Marks the commune done for (kind, period); sent is how many messages
 * the pass queued there. A second call changes nothing. */
gw_err db_remind_commune_done(struct db *db, int64_t commune_id,
                              const char *kind, const char *period, size_t sent,
                              int64_t now);

/* ---- campaigns (advertising, Decree 91) ---- */

/* Which members a campaign targets: all opted-in members, or one group,
 * or one commune (by code; NULL for no filter). */
struct db_campaign_filter {
    const char *group_code;
    const char *commune_code;
};

/* Counts members matching f with campaigns = 1 and reminders = 1:
 * *eligible those with fewer than cap CAMPAIGN messages created in
 * [day_from, day_to) (Unix seconds), *capped the others. */
gw_err db_campaign_count(struct db *db, const struct db_campaign_filter *f,
                         int64_t day_from, int64_t day_to, unsigned cap,
                         size_t *eligible, size_t *capped);

/* Queues text (kind CAMPAIGN, due at `at`) to every eligible member as
 * counted above, in the caller's transaction. *queued is how many. */
gw_err db_campaign_enqueue(struct db *db, const struct db_campaign_filter *f,
                           int64_t day_from, int64_t day_to, unsigned cap,
                           const char *text, int64_t at, size_t *queued);

/* GW_ENOTFOUND when the group or commune code of f does not exist. */
gw_err db_campaign_check_filter(struct db *db,
                                const struct db_campaign_filter *f);

#endif
