/* db_collection.h - collections a leader records, their receipt states,
 * and the append-only audit log
 *
 * A collection moves RECORDED -> CONFIRMED | DISPUTED | VOIDED, then
 * -> POSTED (the bank's postings import) or -> UNPOSTED (the session
 * closed without a booking). Every write here checks, in the statement
 * that writes, who may make it:
 *   - record: the actor is a leader and the member is in her own group;
 *   - void: the actor is the leader who recorded it, it is RECORDED and
 *     not yet remitted;
 *   - confirm, dispute: the collection is the actor's own;
 * so a caller that gets the checks wrong upstream still cannot write
 * across groups. Every transition and every refused attempt appends an
 * audit row (who, when, from which phone, action, object, before, after)
 * in the same transaction; the audit table refuses UPDATE and DELETE.
 *
 * Refusals return GW_EDENIED or GW_ENOTFOUND with the audit row written,
 * so the caller must commit (not roll back) to keep the record of the
 * attempt. Everything runs inside the caller's transaction.
 */
#ifndef DT_DB_COLLECTION_H
#define DT_DB_COLLECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

#define DB_STATE_SIZE 12
/* A member's words with her dispute, at most this many bytes - 1. */
#define DB_NOTE_SIZE 481

/* One audit row. Strings are borrowed; any but action may be NULL. */
struct db_audit {
    int64_t at;
    const char *actor;  /* member code, or "officer", "bank", "system" */
    const char *phone;  /* the number the request came from */
    const char *action; /* "record", "void", "confirm", "pin.fail", ... */
    const char *object; /* receipt code, "seq:7", member code */
    const char *before;
    const char *after; /* the new state, or "refused: reason" */
};

gw_err db_audit_append(struct db *db, const struct db_audit *a);
/* Audit rows counted (tests, reports); action NULL counts every row. */
gw_err db_audit_count(struct db *db, const char *action, int64_t *n);

/* A collection with what the receipts and alerts mention. */
struct db_collection {
    int64_t id;
    char receipt_code[DT_CODE_SIZE];
    char state[DB_STATE_SIZE];
    char session_on[DT_DATE_SIZE]; /* YYYY-MM-DD */
    int64_t interest, savings, principal;
    int64_t remitted_at; /* 0 when not remitted */
    int64_t created_at;
    int64_t member_id;
    int member_seq;
    char member_code[DT_CODE_SIZE];
    char member_name[DT_NAME_SIZE];
    char member_phone[DT_PHONE_SIZE];
    int64_t leader_id;
    char leader_name[DT_NAME_SIZE];
    char leader_phone[DT_PHONE_SIZE];
    int64_t group_id;
    char group_code[DT_CODE_SIZE];
    char group_name[DT_NAME_SIZE];
    char commune_name[DT_NAME_SIZE];
    char officer_phone[DT_PHONE_SIZE];
    char disputed_from[DB_STATE_SIZE]; /* "" unless state is DISPUTED */
    char dispute_note[DB_NOTE_SIZE];   /* the member's words, "" if none */
};

/* The collection with this receipt code. GW_ENOTFOUND when none. */
gw_err db_collection_get(struct db *db, const char *receipt_code,
                         struct db_collection *out);

/* Why a record was refused. */
enum db_collect_why {
    DB_COLLECT_OK = 0,
    DB_COLLECT_NOT_LEADER,     /* the actor is not a leader */
    DB_COLLECT_NO_MEMBER,      /* no member with that seq in her group */
    DB_COLLECT_EMPTY,          /* every amount is 0 */
    DB_COLLECT_TOO_BIG,        /* an amount above the cap */
    DB_COLLECT_INTEREST_OVER,  /* above interest due + overdue, less what
                                  is already recorded this session */
    DB_COLLECT_PRINCIPAL_OVER, /* above outstanding, less what is already
                                  recorded this session */
};

/* Static English text for why (audit rows, logs). */
const char *db_collect_why_text(enum db_collect_why why);

struct db_collect_req {
    int64_t leader_id;
    const char *actor; /* the leader's member code (audit) */
    const char *phone; /* where the request came from (audit) */
    int seq;           /* the member's number in the leader's group */
    const char *receipt_code;
    const char *session_on; /* YYYY-MM-DD */
    int64_t interest, savings, principal;
    /* Cap on each amount; 0 or anything above DT_MONEY_MAX means
     * DT_MONEY_MAX. */
    int64_t max_amount;
    const char *channel; /* "sms" or "ussd" */
    int64_t inbound_id;  /* 0 when none */
    int64_t now;
};

/* Records a collection in state RECORDED. The group, leader and amount
 * checks are in the INSERT itself; amounts already recorded for the same
 * member and session (any state but VOIDED) count against what is due.
 * GW_OK: out holds the new row (why DB_COLLECT_OK).
 * GW_EDENIED: refused, *why says why, an audit row is written; *allowed
 *   (may be NULL) is the most that would have been accepted for the
 *   amount at fault (interest, principal, or the cap), 0 otherwise.
 * GW_EEXIST: the receipt code is taken; draw another and call again
 * (nothing is written). */
gw_err db_collection_record(struct db *db, const struct db_collect_req *r,
                            enum db_collect_why *why, int64_t *allowed,
                            struct db_collection *out);

/* Records which inbound message (inbound.id) caused collection id; only a
 * collection not linked yet is changed. GW_ENOTFOUND when none matches. */
gw_err db_collection_link_inbound(struct db *db, int64_t id,
                                  int64_t inbound_id);

/* Who acts on an existing receipt. */
struct db_actor {
    int64_t member_id; /* 0 for officer, bank, system */
    const char *code;  /* member code or "officer", "bank", "system" */
    const char *phone; /* may be NULL */
    int64_t now;
};

/* The member confirms (XN) or disputes (SAI) her own receipt.
 * Confirm: RECORDED -> CONFIRMED.
 * Dispute: RECORDED, CONFIRMED, VOIDED or UNPOSTED -> DISPUTED (a leader
 *   who voids a receipt she was paid for is disputed too).
 * GW_OK: changed; out holds the row after the change.
 * GW_EEXIST: already in the target state (a repeat is harmless: no
 *   change, out holds the row).
 * GW_ENOTFOUND: no such code, or not hers (the same answer, so codes of
 *   others cannot be probed).
 * GW_EDENIED: the state does not allow it; out->state is the state.
 * Every outcome but GW_OK with a change writes an audit row marked
 * refused; GW_OK writes the transition. */
gw_err db_collection_confirm(struct db *db, const struct db_actor *who,
                             const char *receipt_code,
                             struct db_collection *out);
gw_err db_collection_dispute(struct db *db, const struct db_actor *who,
                             const char *receipt_code,
                             struct db_collection *out);
/* A leader's receipt for her own membership is confirmed by someone
 * else: here another leader of the same commune (who). GW_ENOTFOUND when
 * the receipt is not another leader's own receipt, GW_EDENIED when the
 * store refuses (another commune, not a leader), as db_collection_confirm
 * otherwise. */
gw_err db_collection_confirm_peer(struct db *db, const struct db_actor *who,
                                  const char *receipt_code,
                                  struct db_collection *out);
/* Keeps the member's own words with her dispute of receipt id (the
 * officer reads them; a later SAI with words replaces them). */
gw_err db_collection_dispute_note(struct db *db, int64_t id, const char *note);

/* The leader who recorded it voids it: RECORDED and not remitted only.
 * Same results as above (GW_ENOTFOUND also for another leader's code). */
gw_err db_collection_void(struct db *db, const struct db_actor *who,
                          const char *receipt_code, struct db_collection *out);

/* The bank booked it (postings import): RECORDED, CONFIRMED, DISPUTED or
 * UNPOSTED -> POSTED. GW_EEXIST when already POSTED, GW_EDENIED for a
 * VOIDED one (an anomaly worth an alert), GW_ENOTFOUND for no such code.
 * who->code is typically "bank". */
gw_err db_collection_post(struct db *db, const struct db_actor *who,
                          const char *receipt_code, struct db_collection *out);

/* The audit action that marks a VOIDED receipt the bank booked. */
#define DB_AUDIT_POST_VOIDED "post.voided"

/* The bank booked a receipt its leader VOIDED: the anomaly the receipt
 * control exists for (voided though the cash reached the bank, or a code
 * reused). Appends, once per receipt, the audit row DB_AUDIT_POST_VOIDED
 * (before "VOIDED", after "booked by the bank"); that row is also the
 * marker that the alerts went out, so the caller must queue them in the
 * same transaction. The guard is in the INSERT itself.
 * GW_OK: written now; out holds the row (the caller alerts).
 * GW_EEXIST: flagged before, by an earlier import; nothing written.
 * GW_EDENIED: not VOIDED, or no postings row; nothing written.
 * GW_ENOTFOUND: no such code. */
gw_err db_collection_flag_voided_booked(struct db *db,
                                        const struct db_actor *who,
                                        const char *receipt_code,
                                        struct db_collection *out);

/* The session closed without a booking: RECORDED or CONFIRMED ->
 * UNPOSTED. GW_EDENIED when the state has moved on. */
gw_err db_collection_unpost(struct db *db, const struct db_actor *who,
                            const char *receipt_code,
                            struct db_collection *out);

/* State sets, as bit masks. */
#define DB_ST_RECORDED (1u << 0)
#define DB_ST_CONFIRMED (1u << 1)
#define DB_ST_DISPUTED (1u << 2)
#define DB_ST_VOIDED (1u << 3)
#define DB_ST_POSTED (1u << 4)
#define DB_ST_UNPOSTED (1u << 5)

/* The receipt code of the member's newest collection whose state is in
 * states (XN or SAI typed without a code). GW_ENOTFOUND when none. */
gw_err db_collection_latest(struct db *db, int64_t member_id, unsigned states,
                            char code[DT_CODE_SIZE]);

/* Receipt codes the bank has booked (a postings row) whose collection is
 * not POSTED yet and may become so (RECORDED, CONFIRMED, DISPUTED,
 * UNPOSTED), oldest first, in a malloc'ed array the caller frees (NULL
 * when none). */
gw_err db_collection_booked_codes(struct db *db, char (**codes)[DT_CODE_SIZE],
                                  size_t *n);

/* Receipt codes the bank has booked whose collection is VOIDED and not
 * yet flagged (db_collection_flag_voided_booked), oldest first, in a
 * malloc'ed array the caller frees (NULL when none). */
gw_err db_collection_voided_booked_codes(struct db *db,
                                         char (**codes)[DT_CODE_SIZE],
                                         size_t *n);

/* The receipt codes of a commune's session still RECORDED or CONFIRMED
 * (what close-session turns UNPOSTED), into a malloc'ed array the caller
 * frees; *codes is NULL when there are none. GW_ENOTFOUND for an unknown
 * commune code. */
gw_err db_collection_open_codes(struct db *db, const char *commune_code,
                                const char *session_on,
                                char (**codes)[DT_CODE_SIZE], size_t *n);

/* The leader's session: her group's members and totals. */
struct db_session_totals {
    int members;   /* in the group */
    int collected; /* with at least one collection not VOIDED */
    int receipts;  /* collections not VOIDED */
    int64_t interest, savings, principal; /* over those collections */
    int64_t interest_due; /* the bank's figure over the group's loans */
    int64_t overdue;      /* overdue amounts over the group's loans */
    int remitted;         /* collections already remitted */
    int disputed;
};

/* Totals for the group led by leader_id at session_on. GW_EDENIED when
 * leader_id is not a leader. */
gw_err db_collection_totals(struct db *db, int64_t leader_id,
                            const char *session_on,
                            struct db_session_totals *out);

/* The seqs of the members of her group with no collection (but VOIDED
 * ones) at session_on, ascending: at most max into seqs, *n written,
 * *total how many there are. GW_EDENIED when not a leader. */
gw_err db_collection_unpaid(struct db *db, int64_t leader_id,
                            const char *session_on, int *seqs, size_t max,
                            size_t *n, size_t *total);

/* NOP: marks the leader's RECORDED and CONFIRMED collections of
 * session_on not yet remitted as remitted now; *count and *amount say
 * what the batch holds (0 when nothing was open). Audited. GW_EDENIED
 * when not a leader. */
gw_err db_collection_remit(struct db *db, const struct db_actor *who,
                           const char *session_on, int *count, int64_t *amount);

/* One line of the session list (Form 13/TD): a member, and one of her
 * collections at that session (receipt_code "" when none). A member with
 * several collections has several lines. */
struct db_export_row {
    int seq;
    char member_code[DT_CODE_SIZE];
    char member_name[DT_NAME_SIZE];
    int64_t interest_due;
    int64_t overdue;
    int64_t outstanding;
    char receipt_code[DT_CODE_SIZE];
    char state[DB_STATE_SIZE];
    int64_t interest, savings, principal;
    int64_t remitted_at;
};

/* Calls row for every line of group_code's session list, by seq; stops at
 * the first error row returns and gives it back. GW_ENOTFOUND for an
 * unknown group code. */
gw_err db_collection_export(
    struct db *db, const char *group_code, const char *session_on,
    gw_err (*row)(const struct db_export_row *r, void *arg), void *arg);

#endif
