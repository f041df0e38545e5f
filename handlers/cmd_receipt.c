/* cmd_receipt.c - a member's answer to a receipt: XN confirms, SAI
 * disputes; shared helpers of the receipt control
 *
 * A dispute is told to the commune officer and never to the leader: the
 * leader is the one the control watches.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "db/db_collection.h"
#include "handlers/collect.h"
#include "handlers/receipt.h"
#include "text/date.h"
#include "common/banned.h"

gw_err collect_send(const struct handler_call *call, const char *phone,
                    int64_t member_id, const char *kind, enum msg_id msg,
                    const struct tpl_arg *args, size_t nargs)
{
    char text[DT_SMS_MAX * 4 + 1];
    gw_err err;

    err = template_render(call->ctx->tpl, msg, args, nargs, text, sizeof(text));
    if (err) {
        log_error("handler.collect", "message %s: %s", template_key(msg),
                  gw_strerror(err));
        return err;
    }
    return reply_add(call->out, phone, text, kind, member_id);
}

const char *collect_leader_state(const struct db_collection *c)
{
    if (strcmp(c->state, "DISPUTED") != 0)
        return c->state;
    if (strcmp(c->disputed_from, "VOIDED") == 0 ||
        strcmp(c->disputed_from, "UNPOSTED") == 0)
        return c->disputed_from;
    return "CONFIRMED";
}

gw_err collect_state_word(const struct templates *tpl, const char *state,
                          char *out, size_t size)
{
    static const struct {
        const char *state;
        enum msg_id msg;
    } words[] = {
        {"RECORDED", MSG_ST_RECORDED}, {"CONFIRMED", MSG_ST_CONFIRMED},
        {"DISPUTED", MSG_ST_DISPUTED}, {"VOIDED", MSG_ST_VOIDED},
        {"POSTED", MSG_ST_POSTED},     {"UNPOSTED", MSG_ST_UNPOSTED},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(words); i++)
        if (strcmp(state, words[i].state) == 0)
            return template_render(tpl, words[i].msg, NULL, 0, out, size);
    out[0] = '\0';
    return GW_EINVAL;
}

/* A word meant as a receipt code: one we could have issued, or 5 to 7
 * letters and digits with a digit among them (a code mistyped). Other
 * words are the member's talk ("SAI chua dua tien"). */
static bool code_typed(struct strv w)
{
    char code[RECEIPT_CODE_SIZE];
    bool digit = false;
    size_t i;

    if (receipt_parse(w, code) == GW_OK)
        return true;
    if (w.len + 1 < RECEIPT_CODE_LEN || w.len > RECEIPT_CODE_LEN + 1)
        return false;
    for (i = 0; i < w.len; i++) {
        char c = w.p[i];

        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
              (c >= 'a' && c <= 'z')))
            return false;
        digit = digit || (c >= '0' && c <= '9');
    }
    return digit;
}

/* The first code typed, or the member's newest receipt in one of states
 * when she typed none (GW_ENOTFOUND when she has none either: answered
 * with the syntax). */
static gw_err member_code(const struct handler_call *call, unsigned states,
                          char code[DT_CODE_SIZE], bool *typed)
{
    struct strv w = {NULL, 0};
    size_t i;

    *typed = false;
    for (i = 0; i < call->argc && !*typed; i++) {
        w = call->argv[i];
        *typed = code_typed(w);
    }
    if (!*typed)
        return db_collection_latest(call->db, call->who->id, states, code);
    if (receipt_parse(w, code) == GW_OK)
        return GW_OK;
    /* Not a code we could have issued: keep it to say "not found". */
    return strv_copy(w, code, DT_CODE_SIZE) == GW_OK ? GW_OK : GW_EINVAL;
}

static gw_err member_reply(const struct handler_call *call, gw_err verdict,
                           const struct db_collection *c, const char *code,
                           enum msg_id ok_msg)
{
    char word[32] = "";
    gw_err err = GW_OK;

    if (verdict == GW_EDENIED)
        err = collect_state_word(call->ctx->tpl, c->state, word, sizeof(word));
    if (err)
        return err;
    {
        const struct tpl_arg a[] = {TPL_STR("code", code),
                                    TPL_STR("state", word)};

        if (verdict == GW_OK || verdict == GW_EEXIST)
            return handler_say(call, ok_msg, a, 1);
        if (verdict == GW_ENOTFOUND)
            return handler_say(call, MSG_CODE_NOT_FOUND, a, 1);
        return handler_say(call, MSG_CODE_CLOSED, a, ARRAY_SIZE(a));
    }
}

gw_err handler_confirm(const struct handler_call *call)
{
    struct db_actor who = {call->who->id, call->who->code, call->in->phone,
                           call->in->now};
    char code[DT_CODE_SIZE];
    struct db_collection c;
    bool typed;
    gw_err err;

    if (call->argc > 1)
        return handler_say(call, call->cmd->usage, NULL, 0);
    err = member_code(call, DB_ST_RECORDED, code, &typed);
    if (err == GW_ENOTFOUND || err == GW_EINVAL)
        return handler_say(call, call->cmd->usage, NULL, 0);
    if (err)
        return err;
    err = db_collection_confirm(call->db, &who, code, &c);
    if (err && err != GW_EEXIST && err != GW_ENOTFOUND && err != GW_EDENIED)
        return err;
    /* Her own receipt, as a leader: a second person must confirm it. */
    if (err == GW_EDENIED && c.member_id == c.leader_id &&
        c.member_id == call->who->id) {
        const struct tpl_arg a[] = {TPL_STR("code", code)};

        return handler_say(call, MSG_XN_SELF, a, ARRAY_SIZE(a));
    }
    /* Another leader of the commune confirming a leader's own receipt. */
    if (err == GW_ENOTFOUND && call->who->is_leader && typed) {
        gw_err peer = db_collection_confirm_peer(call->db, &who, code, &c);

        if (peer == GW_OK) {
            const struct tpl_arg a[] = {
                TPL_STR("code", c.receipt_code), TPL_STR("name", c.member_name),
                TPL_INT("amount", c.interest + c.savings + c.principal)};

            return handler_say(call, MSG_XN_PEER_OK, a, ARRAY_SIZE(a));
        }
        if (peer != GW_ENOTFOUND && peer != GW_EDENIED && peer != GW_EEXIST)
            return peer;
    }
    return member_reply(call, err, &c, code, MSG_XN_OK);
}

/* The member's words after the first skip words ("SAI code"), as she
 * typed them, with every word of 4-8 digits starred (she may quote a PIN
 * she saw; amounts keep their k, tr or dots). Empty when there are none. */
static void dispute_words(struct strv text, size_t skip, char *out, size_t size)
{
    size_t i = 0, o = 0;

    for (; skip > 0; skip--) {
        while (i < text.len && (text.p[i] == ' ' || text.p[i] == '\t'))
            i++;
        while (i < text.len && text.p[i] != ' ' && text.p[i] != '\t')
            i++;
    }
    while (i < text.len && (text.p[i] == ' ' || text.p[i] == '\t'))
        i++;
    while (i < text.len && o + 1 < size) {
        size_t end = i, k;
        bool digits = true;

        while (end < text.len && text.p[end] != ' ')
            end++;
        for (k = i; k < end; k++)
            digits = digits && text.p[k] >= '0' && text.p[k] <= '9';
        digits = digits && end - i >= 4 && end - i <= 8;
        for (k = i; k <= end && k < text.len && o + 1 < size; k++) {
            char ch = text.p[k];

            out[o++] = digits && k < end ? '*' : ch == '\0' ? '?' : ch;
        }
        i = end + 1;
    }
    /* Cut short: never end inside a UTF-8 sequence (the last character
     * may go with it). */
    if (i < text.len) {
        while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
            o--;
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
        o--;
    out[o] = '\0';
}

/* The officer hears of the dispute, with the member's words; the leader
 * does not, even when the commune's officer number is (wrongly) the
 * leader's own. */
static gw_err dispute_tell_officer(const struct handler_call *call,
                                   const struct db_collection *c,
                                   const char *words)
{
    struct dt_date day = date_local((time_t)c->created_at, NULL);
    char note[DB_NOTE_SIZE + 8];
    const struct tpl_arg a[] = {
        TPL_STR("code", c->receipt_code),
        TPL_STR("name", c->member_name),
        TPL_STR("phone", c->member_phone),
        TPL_STR("group", c->group_name),
        TPL_DATE("dm", day),
        TPL_INT("amount", c->interest + c->savings + c->principal),
        TPL_STR("note", note),
    };

    (void)snprintf(note, sizeof(note), "%s%s", words[0] ? ". TV: " : "", words);
    if (c->officer_phone[0] == '\0' ||
        strcmp(c->officer_phone, c->leader_phone) == 0) {
        log_warn("handler.collect",
                 "dispute %s: no officer other than the leader to tell",
                 c->receipt_code);
        return GW_OK;
    }
    return collect_send(call, c->officer_phone, 0, "DISPUTE",
                        MSG_DISPUTE_OFFICER, a, ARRAY_SIZE(a));
}

gw_err handler_dispute(const struct handler_call *call)
{
    struct db_actor who = {call->who->id, call->who->code, call->in->phone,
                           call->in->now};
    char code[DT_CODE_SIZE], words[DB_NOTE_SIZE];
    struct db_collection c;
    gw_err err, verdict;
    bool typed;

    err = member_code(
        call, DB_ST_RECORDED | DB_ST_CONFIRMED | DB_ST_VOIDED | DB_ST_UNPOSTED,
        code, &typed);
    /* Her words: all of them when she said it her way ("sai roi, em chua
     * dua tien"), else those after the keyword and a code typed first. */
    dispute_words(call->in->text,
                  call->phrased                        ? 0
                  : typed && code_typed(call->argv[0]) ? 2
                                                       : 1,
                  words, sizeof(words));
    if (err == GW_ENOTFOUND || err == GW_EINVAL)
        return handler_say(call, call->cmd->usage, NULL, 0);
    if (err)
        return err;
    verdict = db_collection_dispute(call->db, &who, code, &c);
    if (verdict && verdict != GW_EEXIST && verdict != GW_ENOTFOUND &&
        verdict != GW_EDENIED)
        return verdict;
    err = member_reply(call, verdict, &c, code, MSG_SAI_OK);
    /* The answer to a dispute goes out with the receipts, before replies
     * and reminders, whatever else waits (outbox class DISPUTE). */
    if (!err && call->out->nmsgs > 0)
        call->out->msgs[call->out->nmsgs - 1].kind = "DISPUTE";
    if (!err && words[0] && (verdict == GW_OK || verdict == GW_EEXIST))
        err = db_collection_dispute_note(call->db, c.id, words);
    if (!err && verdict == GW_OK)
        err = dispute_tell_officer(call, &c, words);
    return err;
}
