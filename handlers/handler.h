/* handler.h - what a command handler gets and gives back
 *
 * Handlers are the business logic: they read and write the store through
 * db/ functions, inside the transaction the gateway opened for this
 * message, and say what to send. They never touch HTTP, curl or SQL, and
 * never send anything themselves: every message they produce goes into
 * the outbox in the same transaction as the effect that caused it.
 */
#ifndef DT_HANDLER_H
#define DT_HANDLER_H

#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "common/strv.h"
#include "config/config.h"
#include "db/db.h"
#include "text/date.h"

struct templates;

/* Everything a handler may need besides the message; read-only. */
struct handler_ctx {
    const struct dt_config *cfg;
    const struct templates *tpl;
};

struct sms_in {
    const char *provider;      /* "kannel", "esms", "africastalking" */
    const char *channel;       /* "sms" or "ussd" */
    char phone[DT_PHONE_SIZE]; /* E.164, "" when not a Vietnamese mobile */
    struct strv text;          /* UTF-8 as the provider gave it */
    int64_t now;               /* Unix seconds (UTC) */
    struct dt_date today;      /* Vietnam local date at now */
};

/* Messages one inbound message may cause: the reply, a receipt to the
 * member, an alert to the officer. */
#define REPLY_MAX_MSGS 4

struct out_msg {
    char phone[DT_PHONE_SIZE];
    char text[DT_SMS_MAX + 1]; /* one GSM-7 segment */
    const char *kind;          /* static: REPLY, RECEIPT, DISPUTE, ... */
    int64_t member_id;         /* 0 when not a member (officer, unknown) */
};

struct reply {
    struct out_msg msgs[REPLY_MAX_MSGS];
    size_t nmsgs;
    /* The inbound text as it may be stored: any PIN replaced by "****". */
    char stored_text[DT_SMS_IN_MAX + 1];
};

/* Adds a message to out; GW_ETOOBIG when it is full or text exceeds one
 * segment (a template bug: logged). */
gw_err reply_add(struct reply *out, const char *phone, const char *text,
                 const char *kind, int64_t member_id);

/* Runs the command in in->text for in->phone and fills out. Called inside
 * the gateway's transaction; a returned error rolls back the message's
 * effects (GW_EBUSY means the provider should retry: 503). User mistakes
 * are not errors: they produce a helpful reply and GW_OK. */
gw_err handle_sms(struct db *db, const struct handler_ctx *ctx,
                  const struct sms_in *in, struct reply *out);

#endif
