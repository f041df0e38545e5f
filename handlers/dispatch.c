/* dispatch.c - route an inbound SMS to its command
 *
 * One table holds every command with who may run it, how many arguments
 * it takes and which of them are PINs (Redis's command table, OpenSMTPD's
 * split of checking from doing). handle_sms() does the checks every
 * command shares, in this order: who is calling, which command, may this
 * caller run it, are the arguments the right number. A user mistake at
 * any step is answered with the syntax that would have worked.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/util.h"
#include "handlers/collect.h"
#include "db/db_pin.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/pin.h"
#include "handlers/understand.h"
#include "text/date.h"
#include "text/keyword.h"
#include "text/redact.h"
#include "text/utf8.h"
#include "common/banned.h"

/* Leader commands come with their own handlers in the next step; until
 * then they answer with the leader's help, and members are refused. */
static const struct handler_cmd commands[] = {
    /* keyword, alias, roles, min, max, pin_tail, run, usage, flags */
    /* SD 2: the loans the first page had no room for */
    {"SD", "BAL", HANDLER_ALL, 0, 1, 0, handler_balance, MSG_USAGE_SD, 0},
    {"TK", "SAV", HANDLER_ALL, 0, 0, 0, handler_savings, MSG_USAGE_TK, 0},
    {"LAI", "DUE", HANDLER_ALL, 0, 0, 0, handler_due, MSG_USAGE_LAI, 0},
    {"LS", "HIST", HANDLER_ALL, 0, 0, 0, handler_history, MSG_USAGE_LS, 0},
    {"HD", "HELP", HANDLER_ALL, 0, 2, 0, handler_help, MSG_USAGE_HD, 0},
    {"HUY NHAC", "STOP", HANDLER_ALL, 0, 0, 0, handler_stop, MSG_USAGE_HUY_NHAC,
     0},
    {"DK NHAC", "START", HANDLER_ALL, 0, 0, 0, handler_start, MSG_USAGE_DK_NHAC,
     0},
    /* XN / SAI: the code may be left out to mean the latest receipt. */
    {"XN", "OK", HANDLER_ALL, 0, 1, 0, handler_confirm, MSG_USAGE_XN,
     HANDLER_F_RECEIPT},
    /* SAI code words...: the words are the member's own, for the officer */
    {"SAI", "NO", HANDLER_ALL, 0, HANDLER_MAX_WORDS, 0, handler_dispute,
     MSG_USAGE_SAI, HANDLER_F_RECEIPT},
    /* THU <stt> <lai> <tk> [G<goc>] <PIN> */
    {"THU", "COL", HANDLER_LEADER, 4, 5, 1, handler_collect, MSG_USAGE_THU,
     HANDLER_F_MONEY},
    /* GTK <stt> <tk> <PIN>: savings alone */
    {"GTK", "DEP", HANDLER_LEADER, 3, 3, 1, handler_deposit, MSG_USAGE_GTK,
     HANDLER_F_MONEY},
    {"DS", "LIST", HANDLER_LEADER, 0, 1, 0, handler_unpaid, MSG_USAGE_DS, 0},
    {"TONG", "SUM", HANDLER_LEADER, 0, 0, 0, handler_totals, MSG_USAGE_TONG, 0},
    {"HUYTHU", "VOID", HANDLER_LEADER, 2, 2, 1, handler_void, MSG_USAGE_HUYTHU,
     HANDLER_F_MONEY},
    {"NOP", "REMIT", HANDLER_LEADER, 1, 1, 1, handler_remit, MSG_USAGE_NOP,
     HANDLER_F_MONEY},
    {"MK", "PIN", HANDLER_LEADER, 2, 2, 2, handler_pin_change, MSG_USAGE_MK,
     HANDLER_F_MONEY},
};

/* ---- finding the command ---- */

const struct handler_cmd *dispatch_commands(size_t *n)
{
    *n = ARRAY_SIZE(commands);
    return commands;
}

/* name against the first words: "HUY NHAC" matches HUY + NHAC (2 words)
 * and HUYNHAC (1 word); "SD" matches SD. */
static bool name_match(const char *name, const struct strv *w, size_t n,
                       size_t *used)
{
    const char *sp = strchr(name, ' ');
    size_t len = strlen(name), first;

    if (sp == NULL) {
        *used = 1;
        return strv_eq(w[0], name);
    }
    first = (size_t)(sp - name);
    if (n >= 2 && strv_eq(w[1], sp + 1) && w[0].len == first &&
        memcmp(w[0].p, name, first) == 0) {
        *used = 2;
        return true;
    }
    *used = 1;
    return w[0].len == len - 1 && memcmp(w[0].p, name, first) == 0 &&
           memcmp(w[0].p + first, sp + 1, len - first - 1) == 0;
}

/* "S D", "HUY THU": a one-word keyword typed with a space inside. Tried
 * only when nothing matched as typed. */
static const struct handler_cmd *joined_lookup(const struct strv *w, size_t n)
{
    char joined[16];
    size_t i;

    if (n < 2 || w[0].len + w[1].len >= sizeof(joined))
        return NULL;
    memcpy(joined, w[0].p, w[0].len);
    memcpy(joined + w[0].len, w[1].p, w[1].len);
    joined[w[0].len + w[1].len] = '\0';
    for (i = 0; i < ARRAY_SIZE(commands); i++) {
        const struct handler_cmd *c = &commands[i];

        if (strchr(c->keyword, ' ') == NULL && strcmp(joined, c->keyword) == 0)
            return c;
        if (c->alias && strcmp(joined, c->alias) == 0)
            return c;
    }
    return NULL;
}

const struct handler_cmd *dispatch_lookup(const struct strv *words, size_t n,
                                          size_t *used)
{
    const struct handler_cmd *c;
    size_t i;

    *used = 0;
    if (n == 0)
        return NULL;
    for (i = 0; i < ARRAY_SIZE(commands); i++) {
        c = &commands[i];
        if (name_match(c->keyword, words, n, used) ||
            (c->alias && name_match(c->alias, words, n, used)))
            return c;
    }
    c = joined_lookup(words, n);
    *used = c ? 2 : 0;
    return c;
}

/* ---- what gets stored ---- */

static bool is_pin_like(struct strv w)
{
    size_t i;

    if (w.len < 4 || w.len > 8)
        return false;
    for (i = 0; i < w.len; i++)
        if (w.p[i] < '0' || w.p[i] > '9')
            return false;
    return true;
}

/* The normalised words with the command's PIN words (the last pin_tail)
 * replaced by "****". */
static void stored_redacted(const struct strv *w, size_t n, unsigned pin_tail,
                            char *out, size_t size)
{
    struct buf b;
    size_t i;

    buf_init(&b, size - 1);
    for (i = 0; i < n; i++) {
        if (i > 0)
            (void)buf_putc(&b, ' ');
        if (n - i <= pin_tail)
            (void)buf_puts(&b, "****");
        else
            (void)buf_append(&b, w[i].p, w[i].len);
    }
    /* Too long once starred (a short PIN became "****"): store nothing
     * that could hold a PIN. */
    if (b.err)
        (void)strv_copy(strv_make("****", 4), out, size);
    else
        (void)strv_copy(strv_make(buf_cstr(&b), b.len), out, size);
    buf_release(&b);
}

/* The grammar of a command with PINs found them: the right number of
 * words, each PIN word 4-8 digits. Only then is it known where they are. */
static bool pins_where_expected(const struct handler_cmd *c,
                                const struct strv *w, size_t n, size_t total,
                                size_t used)
{
    size_t i, nargs = total - used;

    if (total != n || nargs < c->min_args || nargs > c->max_args ||
        nargs < c->pin_tail)
        return false;
    for (i = n - c->pin_tail; i < n; i++)
        if (!is_pin_like(w[i]))
            return false;
    return true;
}

/* ---- replies every command shares ---- */

static gw_err reply_help(const struct handler_call *call, bool unknown)
{
    bool leader = call->who && call->who->is_leader;
    enum msg_id msg;

    if (unknown)
        msg = leader ? MSG_UNKNOWN_LEADER : MSG_UNKNOWN_MEMBER;
    else
        msg = leader ? MSG_HELP_LEADER : MSG_HELP_MEMBER;
    return handler_say(call, msg, NULL, 0);
}

gw_err handler_help(const struct handler_call *call)
{
    const struct handler_cmd *c;
    size_t used;

    /* HD THU: the syntax of one command, if this caller may use it. */
    if (call->argc > 0) {
        c = dispatch_lookup(call->argv, call->argc, &used);
        if (c && (c->roles &
                  (call->who->is_leader ? HANDLER_LEADER : HANDLER_MEMBER)))
            return handler_say(call, c->usage, NULL, 0);
    }
    return reply_help(call, false);
}

gw_err handler_pending_help(const struct handler_call *call)
{
    return reply_help(call, false);
}

static gw_err reply_unknown_number(const struct handler_call *call)
{
    char day[DT_DATE_SIZE];
    bool claimed = false;
    gw_err err;

    /* Not a Vietnamese mobile: no one to answer, and answering foreign
     * numbers is how SMS pumping makes money. */
    if (call->in->phone[0] == '\0')
        return GW_OK;
    date_format_iso(&call->in->today, day, sizeof(day));
    /* The configured cap; without a configuration, its default. */
    err = db_unknown_reply_claim(
        call->db, call->in->phone, day, call->in->now,
        call->ctx->cfg ? call->ctx->cfg->unknown_replies_per_hour : 100,
        &claimed, &call->out->unknown_capped);
    if (err || !claimed)
        return err;
    return handler_say(call, MSG_UNKNOWN_NUMBER, NULL, 0);
}

static gw_err run_command(struct handler_call *call, size_t nargs_total)
{
    const struct handler_cmd *c = call->cmd;
    unsigned role = call->who->is_leader ? HANDLER_LEADER : HANDLER_MEMBER;

    if (!(c->roles & role)) {
        const struct tpl_arg a[] = {TPL_STR("cmd", c->keyword)};

        return handler_say(call, MSG_LEADER_ONLY, a, ARRAY_SIZE(a));
    }
    if (nargs_total < c->min_args || nargs_total > c->max_args)
        return handler_say(call, c->usage, NULL, 0);
    return c->run(call);
}

/* Fills stored_text: the text as received, unless it may hold a PIN. A
 * command with PINs whose grammar found them is stored as words with its
 * PINs starred. Any other text from a leader or an unknown number (a
 * leader on a new phone, a mistyped THU, NOP2468, NOP 2 4 6 8, a PIN with
 * words after it) may hold a PIN anywhere: every digit goes. */
static void store_text(const struct handler_call *call, const struct strv *w,
                       size_t n, size_t total, size_t used)
{
    char *out = call->out->stored_text;
    size_t size = sizeof(call->out->stored_text);
    bool may_hold_pin = call->who == NULL || call->who->is_leader ||
                        (call->cmd && call->cmd->pin_tail);

    if (call->cmd && call->cmd->pin_tail &&
        pins_where_expected(call->cmd, w, n, total, used))
        stored_redacted(w, n, call->cmd->pin_tail, out, size);
    else
        redact_text(call->in->text.p, call->in->text.len, may_hold_pin, out,
                    size);
}

/* Nothing understood: the likeliest command for this caller, by the
 * name the phrase table gives it; without a table, the role's help. */
static gw_err reply_suggest(const struct handler_call *call,
                            const struct handler_cmd *c)
{
    const char *name = phrases_name(call->ctx->phrases, c);
    const struct tpl_arg a[] = {TPL_STR("cmd", c->keyword),
                                TPL_STR("what", name)};

    if (name[0] == '\0')
        return reply_help(call, true);
    return handler_say(call, MSG_SUGGEST, a, ARRAY_SIZE(a));
}

static gw_err run_understood(struct handler_call *call, const struct strv *w,
                             size_t n, size_t total, bool garbled)
{
    struct understood u;

    if (n == 0)
        return reply_help(call, garbled);
    understand(call->ctx->phrases, w, n, total,
               call->who->is_leader ? HANDLER_LEADER : HANDLER_MEMBER, &u);
    switch (u.how) {
    case UNDERSTOOD_NONE:
        return reply_suggest(call, u.cmd);
    case UNDERSTOOD_SYNTAX:
        return handler_say(call, u.cmd->usage, NULL, 0);
    default:
        call->cmd = u.cmd;
        call->argv = u.argv;
        call->argc = u.argc;
        call->phrased = u.how != UNDERSTOOD_EXACT;
        return run_command(call, u.nargs);
    }
}

gw_err handle_sms(struct db *db, const struct handler_ctx *ctx,
                  const struct sms_in *in, struct reply *out)
{
    struct strv words[HANDLER_MAX_WORDS];
    struct handler_call call;
    struct db_caller who;
    struct buf norm;
    size_t n = 0, total = 0, used = 0;
    bool garbled;
    gw_err err;

    memset(out, 0, sizeof(*out));
    memset(&call, 0, sizeof(call));
    call.db = db;
    call.ctx = ctx;
    call.in = in;
    call.out = out;
    buf_init(&norm, DT_SMS_IN_MAX);
    /* Text that does not fold (bad UTF-8), or longer than any concatenated
     * SMS, is not a command. */
    garbled = in->text.len > DT_SMS_IN_MAX ||
              keyword_normalize(in->text.p, in->text.len, &norm) != GW_OK;
    if (!garbled)
        n = understand_split(buf_cstr(&norm), norm.len, words,
                             ARRAY_SIZE(words), &total);
    /* Only a keyword as typed can carry a PIN where its grammar says. */
    call.cmd = dispatch_lookup(words, n, &used);

    err = in->phone[0] ? db_member_by_phone(db, in->phone, &who) : GW_ENOTFOUND;
    if (err && err != GW_ENOTFOUND)
        goto out;
    call.who = err ? NULL : &who;
    store_text(&call, words, n, total, used);
    if (call.who == NULL)
        err = reply_unknown_number(&call);
    else
        err = run_understood(&call, words, n, total, garbled);
out:
    buf_release(&norm);
    return err;
}

/* ---- PINs verified ahead of the writer ---- */

/* The PIN word handle_sms() would verify for text: the first of the
 * command's PIN words (THU ... PIN, MK OLD NEW). false when text is no
 * command with a PIN, or has more words than are looked at. norm holds
 * the words. */
static bool pin_word(struct strv text, struct buf *norm, struct strv *pin)
{
    struct strv words[HANDLER_MAX_WORDS];
    const struct handler_cmd *c;
    size_t n, total = 0, used = 0;

    if (text.len > DT_SMS_IN_MAX ||
        keyword_normalize(text.p, text.len, norm) != GW_OK)
        return false;
    n = understand_split(buf_cstr(norm), norm->len, words, ARRAY_SIZE(words),
                         &total);
    c = dispatch_lookup(words, n, &used);
    if (c == NULL || c->pin_tail == 0 || total != n || n - used < c->pin_tail)
        return false;
    *pin = words[n - c->pin_tail];
    return true;
}

bool handler_takes_pin(struct strv text)
{
    struct buf norm;
    struct strv pin;
    bool yes;

    buf_init(&norm, DT_SMS_IN_MAX);
    yes = pin_word(text, &norm, &pin);
    buf_release(&norm);
    return yes;
}

gw_err handler_pin_precheck(struct db *db, const struct handler_ctx *ctx,
                            const struct sms_in *in, struct pin_precheck *out)
{
    struct db_caller who;
    struct db_pin p;
    struct buf norm;
    struct strv pin;
    gw_err err = GW_OK;

    pin_precheck_clear(out);
    buf_init(&norm, DT_SMS_IN_MAX);
    if (in->phone[0] == '\0' || !pin_word(in->text, &norm, &pin))
        goto out;
    err = db_member_by_phone(db, in->phone, &who);
    if (err == GW_OK && who.is_leader)
        err = db_pin_get(db, who.id, &p);
    if (err == GW_ENOTFOUND)
        err = GW_OK; /* no such leader or no PIN: the writer answers */
    else if (err == GW_OK && who.is_leader && !p.locked)
        pin_precheck_run(pin, ctx->cfg->pin_pepper, p.hash, out);
out:
    if (norm.data)
        explicit_bzero(norm.data, norm.cap);
    buf_release(&norm);
    return err;
}
