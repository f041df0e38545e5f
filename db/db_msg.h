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
 * member_id and inbound_id may be 0 (none). The row is QUEUED, due now. */
gw_err db_outbox_enqueue(struct db *db, const char *phone, const char *text,
                         const char *kind, int64_t member_id,
                         int64_t inbound_id, int64_t now, int64_t *id);

struct db_outmsg {
    int64_t id;
    char phone[DT_PHONE_SIZE];
    char text[DT_SMS_MAX * 4 + 1];
    char kind[16];
    int attempts; /* before this one */
};

/* Claims up to max QUEUED rows due at now (next_at <= now), oldest first,
 * marking them SENDING in one transaction. */
gw_err db_outbox_claim(struct db *db, int64_t now, struct db_outmsg *out,
                       size_t max, size_t *n);
gw_err db_outbox_mark_sent(struct db *db, int64_t id, const char *provider,
                           const char *provider_msg_id, int64_t now);
gw_err db_outbox_mark_retry(struct db *db, int64_t id, int64_t next_at,
                            const char *error, int64_t now);
gw_err db_outbox_mark_failed(struct db *db, int64_t id, const char *error,
                             int64_t now);
/* Logs one send attempt with the provider's answer (truncated). */
gw_err db_outbox_attempt(struct db *db, int64_t id, int64_t at,
                         long http_status, const char *result,
                         const char *detail);

/* Delivery report: state is "DELIVERED" or "UNDELIVERED". The message is
 * found by our id (id > 0) or by the provider's message id.
 * GW_ENOTFOUND when no message matches. */
gw_err db_outbox_dlr(struct db *db, int64_t id, const char *provider_msg_id,
                     const char *state, int64_t now);

/* At start-up: SENDING rows (a crash mid-send) go back to QUEUED. */
gw_err db_outbox_recover(struct db *db, size_t *requeued);

struct db_outbox_stats {
    int64_t queued, sending, sent, delivered, undelivered, failed;
    int64_t oldest_queued_at; /* 0 when nothing is queued */
};
gw_err db_outbox_stats(struct db *db, struct db_outbox_stats *out);

#endif
