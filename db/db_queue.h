/* db_queue.h - the officer's queue: every member payment that needs a
 * person, and what the officer decided
 *
 * Four kinds of item, one per (receipt, kind):
 *   DISPUTE      the member answered SAI;
 *   UNBOOKED     recorded or confirmed, its session passed and the bank
 *                has not booked it (or the report marked it UNPOSTED);
 *   MISMATCH     the bank booked other amounts than the leader recorded,
 *                or booked a receipt its leader had voided;
 *   UNDELIVERED  booked, but the member's receipt SMS never reached her
 *                (UNDELIVERED or FAILED).
 * An item stays open until a resolution is recorded for it. Every query
 * is scoped by the officer's id in SQL: an officer of one commune never
 * reads another's items, whatever id she sends. A union account sees only
 * items open longer than the escalation delay; admin sees all.
 */
#ifndef DT_DB_QUEUE_H
#define DT_DB_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"
#include "db/db_collection.h"

#define DB_QUEUE_KIND_SIZE 12
#define DB_QUEUE_NOTE_SIZE 512

struct db_queue_item {
    int64_t collection_id;
    int64_t member_id;
    int64_t leader_id;
    char kind[DB_QUEUE_KIND_SIZE];
    char code[DT_CODE_SIZE];
    char state[16];
    char session_on[DT_DATE_SIZE];
    int64_t interest, savings, principal; /* as the leader recorded */
    int64_t booked; /* MISMATCH: the bank's total; else -1 */
    int64_t since;  /* Unix seconds the item opened */
    int64_t commune_id;
    char commune[DT_NAME_SIZE];
    char group[DT_NAME_SIZE];
    char member_code[DT_CODE_SIZE];
    char member_name[DT_NAME_SIZE];
    char member_phone[DT_PHONE_SIZE];
    char leader_name[DT_NAME_SIZE];
    char note[DB_NOTE_SIZE]; /* the member's own words, DISPUTE only */
};

struct db_queue_scope {
    int64_t officer_id;
    const char *today; /* YYYY-MM-DD, Vietnam */
    int64_t now;
    int64_t escalate_s; /* older than this: overdue */
    int64_t commune_id; /* only this one of the officer's communes; 0: all */
};

/* Each open item the officer may see, oldest first. */
typedef gw_err (*db_queue_fn)(void *ctx, const struct db_queue_item *it);
gw_err db_queue_list(struct db *db, const struct db_queue_scope *scope,
                     db_queue_fn fn, void *ctx);

/* One item, open or not, if the officer may see it: GW_ENOTFOUND when it
 * does not exist, is not of that kind, or is of another commune (the
 * same answer: no probing). *resolved tells whether it is closed. */
gw_err db_queue_get(struct db *db, const struct db_queue_scope *scope,
                    int64_t collection_id, const char *kind,
                    struct db_queue_item *it, bool *resolved);

/* Records the decision (outcome MEMBER, LEADER or BANK) on an open item
 * and its audit row; the caller's transaction. GW_EEXIST when it was
 * already resolved, GW_EINVAL for an unknown outcome or kind. */
gw_err db_queue_resolve(struct db *db, const struct db_queue_scope *scope,
                        const struct db_queue_item *it, const char *outcome,
                        const char *note, const char *actor);

/* What was decided on an item: outcome, note, by whom, when.
 * GW_ENOTFOUND while it is open. */
struct db_resolution {
    char outcome[8];
    char note[DB_NOTE_SIZE + 32];
    char officer[40];
    int64_t at;
};
gw_err db_queue_resolution(struct db *db, int64_t collection_id,
                           const char *kind, struct db_resolution *out);

/* The audit rows of a receipt, newest first: who, when, what. */
typedef gw_err (*db_audit_fn)(void *ctx, int64_t at, const char *actor,
                              const char *action, const char *before,
                              const char *after);
gw_err db_queue_story(struct db *db, const char *code, db_audit_fn fn,
                      void *ctx);

#endif
