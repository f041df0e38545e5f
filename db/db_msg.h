/* db_msg.h - inbound messages and the outbox
 *
 * Inbound rows make provider retries harmless: (provider, provider_id) is
 * unique, so the insert of a repeat fails with GW_EEXIST and the caller
 * acknowledges it without running the command again.
 *
 * The outbox holds every message to send. A row is QUEUED, claimed as
 * SENDING by the sender, then SENT (the aggregator accepted it), and moved
 * to DELIVERED / UNDELIVERED by a delivery report; FAILED after a
 * permanent error or max attempts. Rows left SENDING by a crash are
 * requeued at start-up (at-least-once: the phone may see a duplicate,
 * which is counted).
 */
#ifndef DT_DB_MSG_H
#define DT_DB_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

/* channel is "sms" or "ussd"; text must already be free of any PIN.
 * GW_EEXIST for a repeated (provider, provider_id). */
gw_err db_inbound_insert(struct db *db, const char *provider,
                         const char *provider_id, const char *channel,
                         const char *phone, const char *text, int64_t at,
                         int64_t *id);

/* kind: REPLY, RECEIPT, VOIDED, POSTED, UNPOSTED, DISPUTE, REMINDER, ...
 * member_id and inbound_id may be 0 (none). The row is QUEUED, due now;
 * for a training commune's member or officer phone it is stored SENT by
 * "simulator" instead (db_training_set), never sent.
 * GW_EINVAL for an empty phone, text or kind; GW_ETOOBIG when one does
 * not fit struct db_outmsg. Runs in the caller's transaction if open;
 * after the commit, wake the sender (outbox_notify). */
gw_err db_outbox_enqueue(struct db *db, const char *phone, const char *text,
                         const char *kind, int64_t member_id,
                         int64_t inbound_id, int64_t now, int64_t *id);

/* Marks the communes whose codes are in codes ("C01,C02"; "" none) as
 * training communes, every other one not. */
gw_err db_training_set(struct db *db, const char *codes);

/* The same message as a training phone receives it in the console's
 * simulator: stored SENT through the provider "simulator", so the
 * sender never claims it and no provider ever sees it. */
gw_err db_outbox_simulated(struct db *db, const char *phone, const char *text,
                           const char *kind, int64_t member_id,
                           int64_t inbound_id, int64_t now);

struct db_outmsg {
    int64_t id;
    char phone[DT_PHONE_SIZE];
    char text[DT_SMS_MAX * 4 + 1];
    char kind[16];
    int attempts; /* before this one */
};

/* Outbox classes, claimed in this order (db_internal.h maps kinds): */
enum {
    DB_CLASS_FIRST = 0, /* RECEIPT, ALERT, POSTED, UNPOSTED, DISPUTE */
    DB_CLASS_REPLY = 1, /* REPLY and any other kind */
    DB_CLASS_BULK = 2   /* REMINDER, LEADER_NOTE, OVERDUE, STATEMENT,
                           CAMPAIGN */
};

/* Claims up to max QUEUED rows due at now (next_at <= now), the first
 * class first, then oldest due (next_at, then id), marking them SENDING.
 * db_outbox_claim_upto takes only classes up to max_class (the budget's
 * reserved share is for DB_CLASS_FIRST). Runs in its own short
 * BEGIN IMMEDIATE transaction, or inside the caller's when one is open
 * (the sender groups a round's updates and its claim in one commit). The
 * rows are copied into out[0..*n). */
gw_err db_outbox_claim(struct db *db, int64_t now, struct db_outmsg *out,
                       size_t max, size_t *n);
gw_err db_outbox_claim_upto(struct db *db, int64_t now, int max_class,
                            struct db_outmsg *out, size_t max, size_t *n);

/* The per-message updates below are single statements: they run inside
 * the caller's transaction when one is open (group them: one commit a
 * round, not one fsync a message), else on their own.
 *
 * mark_sent: SENDING -> SENT, storing provider and provider_msg_id (NULL
 * or "" for none). A row a delivery report already moved keeps its state
 * but still gets the ids. GW_ENOTFOUND for an unknown id.
 * mark_retry: SENDING -> QUEUED due at next_at, attempts + 1, last_error.
 * mark_failed: SENDING -> FAILED, attempts + 1, last_error.
 * Both give GW_ENOTFOUND when the row is not SENDING (a delivery report
 * overtook the answer): the row is left as it is. */
gw_err db_outbox_mark_sent(struct db *db, int64_t id, const char *provider,
                           const char *provider_msg_id, int64_t now);
gw_err db_outbox_mark_retry(struct db *db, int64_t id, int64_t next_at,
                            const char *error, int64_t now);
gw_err db_outbox_mark_failed(struct db *db, int64_t id, const char *error,
                             int64_t now);
/* SENDING -> QUEUED without counting an attempt: a claimed row that was
 * never handed to the aggregator (the sender is stopping).
 * GW_ENOTFOUND when the row is not SENDING. */
gw_err db_outbox_unclaim(struct db *db, int64_t id, int64_t now);

/* Send attempt results as stored in send_attempts.result. */
#define DB_ATTEMPT_SENT "sent"
#define DB_ATTEMPT_RETRY "retry"
#define DB_ATTEMPT_FAILED "failed"
#define DB_ATTEMPT_INTERRUPTED "interrupted" /* found SENDING at start-up */

/* Logs one send attempt with the provider's answer (detail truncated to
 * DB_ATTEMPT_DETAIL_MAX bytes; may be NULL). http_status is 0 when no
 * answer came (timeout, connection refused). */
#define DB_ATTEMPT_DETAIL_MAX 256
gw_err db_outbox_attempt(struct db *db, int64_t id, int64_t at,
                         long http_status, const char *result,
                         const char *detail);
/* Counts send_attempts rows at or after since, of message id (0: all) and
 * with result (NULL: any). The sender counts today's DB_ATTEMPT_SENT rows
 * for the daily budget. */
gw_err db_outbox_attempt_count(struct db *db, int64_t id, const char *result,
                               int64_t since, int64_t *n);

/* What a delivery report did. */
enum db_dlr_outcome {
    DB_DLR_APPLIED, /* SENT -> DELIVERED or UNDELIVERED */
    DB_DLR_REPEAT,  /* the state it already has */
    DB_DLR_HELD,    /* still being sent: applied once recorded SENT */
    DB_DLR_KEPT     /* changed nothing; kept in dlr_kept for inspection */
};

/* Delivery report from provider (the callback's module name): state is
 * "DELIVERED" or "UNDELIVERED" (else GW_EINVAL, as for an empty
 * provider). The message is found by our id (id > 0) or else by the
 * provider's message id among the rows that provider sent; GW_ENOTFOUND
 * when there is none. A report moves only a SENT message, and only when
 * that provider sent it; a final state stays final. A report for a
 * SENDING message is held and applied when the send is recorded SENT
 * (never when it fails: the send's own outcome counts). One that
 * contradicts a final state, comes through another provider's endpoint,
 * or names a message not sent (QUEUED, FAILED) is kept in dlr_kept and
 * changes nothing. *outcome (may be NULL) says which. */
gw_err db_outbox_report(struct db *db, const char *provider, int64_t id,
                        const char *provider_msg_id, const char *state,
                        int64_t now, enum db_dlr_outcome *outcome);
/* The same without the outcome. */
gw_err db_outbox_dlr(struct db *db, const char *provider, int64_t id,
                     const char *provider_msg_id, const char *state,
                     int64_t now);

/* At start-up: SENDING rows (a crash mid-send) go back to QUEUED, due at
 * once. Each may already be on the phone, so it counts as an attempt
 * (attempts + 1, a DB_ATTEMPT_INTERRUPTED send_attempts row) and the
 * caller counts *requeued as possible duplicates. One transaction. */
gw_err db_outbox_recover(struct db *db, size_t *requeued);

/* The earliest next_at of a QUEUED row; GW_ENOTFOUND when none is. */
gw_err db_outbox_next_due(struct db *db, int64_t *at);
/* The same among classes up to max_class. */
gw_err db_outbox_next_due_upto(struct db *db, int max_class, int64_t *at);

/* One row as stored (tests, admin). GW_ENOTFOUND for an unknown id. */
struct db_outbox_row {
    struct db_outmsg msg; /* msg.attempts: attempts so far */
    char state[16];
    int64_t next_at, created_at, updated_at;
    char provider[32];
    char provider_msg_id[128];
    char last_error[DB_ATTEMPT_DETAIL_MAX + 1];
};
gw_err db_outbox_get(struct db *db, int64_t id, struct db_outbox_row *out);

struct db_outbox_stats {
    int64_t queued, sending, sent, delivered, undelivered, failed;
    int64_t oldest_queued_at; /* 0 when nothing is queued */
};
gw_err db_outbox_stats(struct db *db, struct db_outbox_stats *out);

#endif
