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
#include "db/db_member.h"
#include "handlers/template.h"
#include "text/date.h"

struct templates;
struct pin_precheck;
struct phrases;

/* Everything a handler may need besides the message; read-only. */
struct handler_ctx {
    const struct dt_config *cfg;
    const struct templates *tpl;
    /* People's own words (config/phrases.conf); NULL: keywords as typed
     * only, as before the table existed. */
    const struct phrases *phrases;
};

struct sms_in {
    const char *provider;      /* "kannel", "esms", "africastalking" */
    const char *channel;       /* "sms" or "ussd" */
    char phone[DT_PHONE_SIZE]; /* E.164, "" when not a Vietnamese mobile */
    struct strv text;          /* UTF-8 as the provider gave it */
    int64_t now;               /* Unix seconds (UTC) */
    struct dt_date today;      /* Vietnam local date at now */
    /* NULL, or the PIN of a leader command verified ahead of the
     * transaction (handler_pin_precheck()); borrowed. */
    const struct pin_precheck *pin_pre;
};

/* Messages one inbound message may cause: the reply, a receipt to the
 * member, alerts to the officer (a THU for the leader herself after NOP:
 * confirmation, receipt, self alert, late-batch note and alert). */
#define REPLY_MAX_MSGS 6

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
    /* The collection this message recorded, 0 when none: the gateway links
     * it to the message's inbound row once that row exists, so every money
     * effect traces to the message that caused it. */
    int64_t collection_id;
    /* An unknown number left unanswered by the hourly cap (/metrics). */
    bool unknown_capped;
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

/* Whether text is a command that carries a PIN (THU, GTK, HUYTHU, NOP,
 * MK): worth handler_pin_precheck(). Cheap; no database. */
bool handler_takes_pin(struct strv text);

/* Verifies, outside any write transaction, the PIN that handle_sms()
 * would check for in (a leader's command with a PIN, a PIN set, not
 * locked) and keeps the outcome in *out for in->pin_pre. db may be a
 * read-only connection. Leaves out->done false when there is nothing to
 * verify; an error is a failed read (nothing kept, the writer verifies). */
gw_err handler_pin_precheck(struct db *db, const struct handler_ctx *ctx,
                            const struct sms_in *in, struct pin_precheck *out);

/* ---- The command table (dispatch.c) ----
 *
 * handle_sms() folds the text (keyword_normalize: ASCII, upper case, one
 * space between words), finds the command by its Vietnamese keyword or
 * English alias, checks the caller's role and the number of arguments,
 * then runs it. Adding a command is one row in dispatch.c plus its
 * handler; the checks are the dispatcher's, not the handler's.
 */

/* Who may run a command (a bit set). */
/* The least amount a receipt may carry (besides 0): under it, a leader
 * almost surely forgot the k (385 for 385k). */
#define HANDLER_AMOUNT_MIN 1000

#define HANDLER_MEMBER 1u
#define HANDLER_LEADER 2u
#define HANDLER_ALL (HANDLER_MEMBER | HANDLER_LEADER)

/* What a command does besides reading (struct handler_cmd.flags): such a
 * command never runs from a guess. */
#define HANDLER_F_MONEY 1u   /* moves money or a PIN: exact keyword only */
#define HANDLER_F_RECEIPT 2u /* changes a receipt's state (XN, SAI) */

/* Words of a command message the dispatcher looks at; more is an arity
 * error for every command. */
#define HANDLER_MAX_WORDS 16

/* One command call, built by the dispatcher; everything is borrowed and
 * valid only during the call. */
struct handler_call {
    struct db *db;
    const struct handler_ctx *ctx;
    const struct sms_in *in;
    const struct db_caller *who;   /* the sender, a known member */
    const struct handler_cmd *cmd; /* the row that matched */
    const struct strv *argv;       /* normalised words after the keyword */
    size_t argc;
    /* The command was read from the member's own words ("sai roi, em
     * chua dua tien"), not typed as its keyword: all of them are hers. */
    bool phrased;
    struct reply *out;
};

typedef gw_err (*handler_fn)(const struct handler_call *call);

struct handler_cmd {
    const char *keyword; /* Vietnamese, upper-case ASCII, may hold a space */
    const char *alias;   /* English, or NULL */
    unsigned roles;      /* HANDLER_MEMBER | HANDLER_LEADER */
    unsigned min_args;
    unsigned max_args;
    /* The last pin_tail arguments are PINs: stored as "****". Counted from
     * the end so optional arguments before the PIN do not move it. */
    unsigned pin_tail;
    handler_fn run;
    enum msg_id usage; /* the syntax reply */
    unsigned flags;    /* HANDLER_F_MONEY, HANDLER_F_RECEIPT */
};

/* The command table, in its order; *n rows. */
const struct handler_cmd *dispatch_commands(size_t *n);

/* The row for the command at the start of words[0..n), or NULL; *used is
 * how many words the keyword took (1 or 2: "HUY NHAC", or "S D" typed
 * with a space). words are normalised (upper-case ASCII). */
const struct handler_cmd *dispatch_lookup(const struct strv *words, size_t n,
                                          size_t *used);

/* Renders message msg with args and adds it as the reply to the sender
 * (call->in->phone, and no one else), kind REPLY. A render error is a
 * template bug (the load check rules it out) and is returned. */
gw_err handler_say(const struct handler_call *call, enum msg_id msg,
                   const struct tpl_arg *args, size_t nargs);

/* Member commands (cmd_member.c). */
gw_err handler_balance(const struct handler_call *call); /* SD  / BAL  */
/* Whether a member's SD has no room for all her loans (USSD offers the
 * second page, SD 2, as a screen of its own). */
gw_err handler_balance_more(struct db *db, int64_t member_id, bool *more);
gw_err handler_savings(const struct handler_call *call); /* TK  / SAV  */
gw_err handler_due(const struct handler_call *call);     /* LAI / DUE  */
gw_err handler_history(const struct handler_call *call); /* LS  / HIST */
gw_err handler_stop(const struct handler_call *call);    /* HUY NHAC / STOP */
gw_err handler_start(const struct handler_call *call);   /* DK NHAC / START */
gw_err handler_help(const struct handler_call *call);    /* HD  / HELP */
/* Commands not built yet (XN, SAI and the leader's): the help for the
 * caller's role. */
gw_err handler_pending_help(const struct handler_call *call);

#endif
