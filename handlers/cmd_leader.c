/* cmd_leader.c - a leader's commands: THU, GTK, DS, TONG, HUYTHU, NOP, MK
 *
 * Order of checks in a money command: the syntax (a wrong one costs no
 * PIN try and is answered with the syntax), the PIN, then the write,
 * which checks the group, the amounts and the state itself. Every refusal
 * past the syntax is in the audit log.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "db/db_collection.h"
#include "db/db_pin.h"
#include "handlers/collect.h"
#include "handlers/pin.h"
#include "handlers/receipt.h"
#include "handlers/session_date.h"
#include "text/date.h"
#include "text/money.h"
#include "common/banned.h"

/* A receipt code collides with one of 2^30 at most once in a blue moon;
 * a few draws make a failure a sign of a broken generator. */
#define COLLECT_CODE_TRIES 8
/* Width of the DS list field (template.c). */
#define DS_LIST_WIDTH 90
/* Members of one group at most (seq is 1..999). */
#define DS_MAX_SEQS 1000

static struct db_actor leader_actor(const struct handler_call *call)
{
    struct db_actor a = {call->who->id, call->who->code, call->in->phone,
                         call->in->now};

    return a;
}

static gw_err say_usage(const struct handler_call *call)
{
    return handler_say(call, call->cmd->usage, NULL, 0);
}

static gw_err leader_audit(const struct handler_call *call, const char *action,
                           const char *after)
{
    struct db_audit a = {call->in->now, call->who->code,    call->in->phone,
                         action,        call->cmd->keyword, NULL,
                         after};

    return db_audit_append(call->db, &a);
}

/* The PIN refusal replies; *ok tells the caller to go on. */
static gw_err pin_refuse(const struct handler_call *call, enum msg_id msg,
                         int fails)
{
    const struct tpl_arg a[] = {
        TPL_STR("officer", call->who->officer_phone),
        TPL_INT("tries", fails < PIN_MAX_FAILS ? PIN_MAX_FAILS - fails : 0),
    };

    return handler_say(call, msg, a, ARRAY_SIZE(a));
}

/* Checks the leader's PIN. A wrong one counts toward the lock in the
 * same transaction; a locked leader is refused without a check, so a
 * locked account tells nothing about a guess. */
static gw_err leader_pin(const struct handler_call *call, struct strv pin,
                         bool *ok)
{
    struct db_pin p;
    bool match = false, locked = false;
    int fails = 0;
    gw_err err;

    *ok = false;
    err = db_pin_get(call->db, call->who->id, &p);
    if (err == GW_ENOTFOUND) {
        err = leader_audit(call, "pin.none", "refused: no PIN set");
        return err ? err : pin_refuse(call, MSG_PIN_NOT_SET, 0);
    }
    if (err)
        return err;
    if (p.locked) {
        err = leader_audit(call, "pin.locked", "refused: locked");
        return err ? err : pin_refuse(call, MSG_PIN_LOCKED, PIN_MAX_FAILS);
    }
    /* Verified ahead of the transaction when the gateway could; against
     * this very hash only (pin.h), else now. */
    if (!pin_precheck_get(call->in->pin_pre, pin, p.hash, &match) &&
        pin_verify(pin, call->ctx->cfg->pin_pepper, p.hash, &match)) {
        /* No pepper configured: nobody can be checked; nothing counts. */
        return pin_refuse(call, MSG_PIN_LOCKED, PIN_MAX_FAILS);
    }
    if (match) {
        *ok = true;
        return db_pin_success(call->db, call->who->id, call->in->now);
    }
    err = db_pin_fail(call->db, call->who->id, PIN_MAX_FAILS, call->in->now,
                      &fails, &locked);
    if (!err)
        err = leader_audit(call, locked ? "pin.lock" : "pin.fail",
                           locked ? "refused: wrong PIN, now locked"
                                  : "refused: wrong PIN");
    if (err)
        return err;
    return pin_refuse(call, locked ? MSG_PIN_LOCKED : MSG_PIN_WRONG, fails);
}

/* The session this leader's collections today belong to. */
static gw_err leader_session(const struct handler_call *call, struct dt_date *d,
                             char iso[DT_DATE_SIZE])
{
    gw_err err = session_date_next(&call->in->today, call->who->session_day, d);

    if (err) {
        log_error("handler.collect", "commune session day %d is invalid",
                  call->who->session_day);
        return GW_EINTERNAL;
    }
    date_format_iso(d, iso, DT_DATE_SIZE);
    return GW_OK;
}

/* ---- THU / GTK ---------------------------------------------------- */

struct thu_args {
    unsigned seq;
    int64_t interest, savings, principal;
    struct strv pin;
};

/* An amount as typed; past the maximum it is kept as "too big" so the
 * refusal is recorded with its reason rather than as a syntax error. */
static bool parse_amount(struct strv s, int64_t *out)
{
    gw_err err = money_parse(s, out);

    if (err == GW_ETOOBIG)
        *out = DT_MONEY_MAX + 1;
    return err == GW_OK || err == GW_ETOOBIG;
}

static bool parse_seq(struct strv s, unsigned *seq)
{
    uint32_t v;

    if (strv_to_u32(s, &v) != GW_OK || v < 1 || v > 999)
        return false;
    *seq = v;
    return true;
}

/* THU <stt> <lai> <tk> [G<goc>] <PIN>. The savings are required (0 when
 * none) so that a forgotten PIN can never be mistaken for the savings and
 * counted as a wrong try: "THU 7 275000 20000" is a syntax error. */
static bool parse_thu(const struct handler_call *call, struct thu_args *t)
{
    size_t n = call->argc;

    memset(t, 0, sizeof(*t));
    if (n < 4 || n > 5 || !parse_seq(call->argv[0], &t->seq) ||
        !parse_amount(call->argv[1], &t->interest) ||
        !parse_amount(call->argv[2], &t->savings))
        return false;
    if (n == 5) {
        struct strv w = call->argv[3];

        if (w.len < 2 || (w.p[0] != 'G' && w.p[0] != 'g') ||
            !parse_amount(strv_make(w.p + 1, w.len - 1), &t->principal))
            return false;
    }
    t->pin = call->argv[n - 1];
    return pin_syntax_ok(t->pin);
}

/* GTK <stt> <tk> <PIN> */
static bool parse_gtk(const struct handler_call *call, struct thu_args *t)
{
    memset(t, 0, sizeof(*t));
    if (call->argc != 3 || !parse_seq(call->argv[0], &t->seq) ||
        !parse_amount(call->argv[1], &t->savings))
        return false;
    t->pin = call->argv[2];
    return pin_syntax_ok(t->pin);
}

static gw_err thu_refused(const struct handler_call *call,
                          enum db_collect_why why, unsigned seq,
                          int64_t allowed)
{
    const struct tpl_arg a[] = {
        TPL_INT("seq", seq),
        TPL_INT("due", allowed),
        TPL_INT("outstanding", allowed),
        TPL_INT("amount", allowed),
        TPL_STR("cmd", call->cmd->keyword),
    };
    enum msg_id msg;

    switch (why) {
    case DB_COLLECT_NOT_LEADER:
        msg = MSG_LEADER_ONLY;
        break;
    case DB_COLLECT_NO_MEMBER:
        msg = MSG_THU_NO_MEMBER;
        break;
    case DB_COLLECT_INTEREST_OVER:
        msg = MSG_THU_OVER_INTEREST;
        break;
    case DB_COLLECT_PRINCIPAL_OVER:
        msg = MSG_THU_OVER_PRINCIPAL;
        break;
    case DB_COLLECT_TOO_BIG:
        msg = MSG_THU_TOO_BIG;
        break;
    default:
        msg = call->cmd->usage;
        break;
    }
    return handler_say(call, msg, a, ARRAY_SIZE(a));
}

static gw_err thu_after_nop(const struct handler_call *call,
                            const struct db_collection *c)
{
    struct dt_date session;
    gw_err err;

    if (date_parse_iso(strv_from_cstr(c->session_on), &session) != GW_OK)
        return GW_EDB;
    {
        const struct tpl_arg a[] = {
            TPL_STR("code", c->receipt_code),
            TPL_DATE("session", session),
            TPL_STR("leader", call->who->name),
            TPL_STR("group", c->group_name),
            TPL_INT("seq", c->member_seq),
            TPL_INT("amount", c->interest + c->savings + c->principal),
        };

        err = handler_say(call, MSG_THU_AFTER_NOP, a, ARRAY_SIZE(a));
        if (!err && c->officer_phone[0] != '\0' &&
            strcmp(c->officer_phone, c->leader_phone) != 0)
            err = collect_send(call, c->officer_phone, 0, "ALERT",
                               MSG_THU_AFTER_NOP_OFFICER, a, ARRAY_SIZE(a));
    }
    return err;
}

/* The leader's confirmation (with the session so far) and the member's
 * receipt. */
static gw_err thu_recorded(const struct handler_call *call,
                           const struct db_collection *c)
{
    struct db_session_totals t;
    gw_err err =
        db_collection_totals(call->db, call->who->id, c->session_on, &t);

    if (err)
        return err;
    {
        const struct tpl_arg a[] = {
            TPL_STR("code", c->receipt_code),
            TPL_INT("seq", c->member_seq),
            TPL_STR("name", c->member_name),
            TPL_INT("interest", c->interest),
            TPL_INT("savings", c->savings),
            TPL_INT("principal", c->principal),
            TPL_INT("paid", t.collected),
            TPL_INT("members", t.members),
            TPL_INT("total", t.interest + t.savings + t.principal),
            TPL_STR("leader", call->who->name),
            TPL_DATE("dm", call->in->today),
        };

        err = handler_say(call, MSG_THU_OK, a, ARRAY_SIZE(a));
        if (!err)
            err = collect_send(call, c->member_phone, c->member_id, "RECEIPT",
                               MSG_RECEIPT, a, ARRAY_SIZE(a));
    }
    /* Her own membership: flagged to the officer until someone else (a
     * leader of the commune, or the officer) confirms it. */
    if (!err && c->member_id == call->who->id && c->officer_phone[0] != '\0' &&
        strcmp(c->officer_phone, c->leader_phone) != 0) {
        const struct tpl_arg a[] = {
            TPL_STR("leader", call->who->name),
            TPL_STR("group", c->group_name),
            TPL_STR("code", c->receipt_code),
            TPL_INT("amount", c->interest + c->savings + c->principal),
            TPL_DATE("dm", call->in->today),
        };

        err = collect_send(call, c->officer_phone, 0, "ALERT",
                           MSG_THU_SELF_OFFICER, a, ARRAY_SIZE(a));
    }
    /* After NOP closed the session's batch: a receipt of a new batch,
     * allowed (a member may pay late), but said to the leader and to the
     * officer, whose books must not miss it. */
    if (!err && t.remitted > 0)
        err = thu_after_nop(call, c);
    return err;
}

static gw_err thu_record(const struct handler_call *call,
                         const struct thu_args *t)
{
    char code[RECEIPT_CODE_SIZE], session[DT_DATE_SIZE];
    enum db_collect_why why = DB_COLLECT_OK;
    struct db_collect_req r;
    struct db_collection c;
    struct dt_date d;
    int64_t allowed = 0;
    gw_err err;
    int i;

    err = leader_session(call, &d, session);
    if (err)
        return err;
    memset(&r, 0, sizeof(r));
    r.leader_id = call->who->id;
    r.actor = call->who->code;
    r.phone = call->in->phone;
    r.seq = (int)t->seq;
    r.receipt_code = code;
    r.session_on = session;
    r.interest = t->interest;
    r.savings = t->savings;
    r.principal = t->principal;
    r.max_amount = COLLECT_MAX_AMOUNT;
    r.channel = call->in->channel;
    r.now = call->in->now;
    err = GW_EEXIST;
    for (i = 0; i < COLLECT_CODE_TRIES && err == GW_EEXIST; i++) {
        receipt_generate(code);
        err = db_collection_record(call->db, &r, &why, &allowed, &c);
    }
    if (err == GW_EDENIED)
        return thu_refused(call, why, t->seq, allowed);
    if (err) {
        if (err == GW_EEXIST)
            log_error("handler.collect", "no free receipt code in %d draws",
                      COLLECT_CODE_TRIES);
        return err == GW_EEXIST ? GW_EINTERNAL : err;
    }
    call->out->collection_id = c.id;
    return thu_recorded(call, &c);
}

static gw_err collect_common(const struct handler_call *call, bool deposit)
{
    struct thu_args t;
    bool ok;
    gw_err err;

    if (!call->who->is_leader)
        return thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0);
    if (!(deposit ? parse_gtk(call, &t) : parse_thu(call, &t)))
        return say_usage(call);
    /* Before the PIN: a missing k is a typing slip, not a wrong try. */
    {
        const int64_t amounts[] = {t.interest, t.savings, t.principal};
        size_t i;

        for (i = 0; i < ARRAY_SIZE(amounts); i++)
            if (amounts[i] > 0 && amounts[i] < HANDLER_AMOUNT_MIN) {
                const struct tpl_arg a[] = {TPL_INT("amount", amounts[i]),
                                            TPL_STR("cmd", call->cmd->keyword)};

                return handler_say(call, MSG_THU_TOO_SMALL, a, ARRAY_SIZE(a));
            }
    }
    err = leader_pin(call, t.pin, &ok);
    if (err || !ok)
        return err;
    return thu_record(call, &t);
}

gw_err handler_collect(const struct handler_call *call)
{
    return collect_common(call, false);
}

gw_err handler_deposit(const struct handler_call *call)
{
    return collect_common(call, true);
}

/* ---- DS / TONG ---------------------------------------------------- */

/* "2,5,17" from seqs[from..n), as many as fit the field with room for
 * " +N" naming the rest. Returns how many were written. */
static size_t ds_format(const int *seqs, size_t n, size_t from, char *out,
                        size_t size)
{
    size_t len = 0, i;

    out[0] = '\0';
    for (i = from; i < n; i++) {
        char item[8], more[8];
        int w =
            snprintf(item, sizeof(item), "%s%d", i > from ? "," : "", seqs[i]);
        int m = snprintf(more, sizeof(more), " +%zu", n - i - 1);

        if (w < 0 || m < 0)
            break;
        /* Keep room for " +N" unless this is the last one. */
        if (len + (size_t)w + (i + 1 < n ? (size_t)m : 0) > DS_LIST_WIDTH ||
            len + (size_t)w >= size)
            break;
        memcpy(out + len, item, (size_t)w + 1);
        len += (size_t)w;
    }
    if (i < n && len + 8 < size)
        (void)snprintf(out + len, size - len, " +%zu", n - i);
    return i - from;
}

gw_err handler_unpaid(const struct handler_call *call)
{
    char session[DT_DATE_SIZE], list[DS_LIST_WIDTH + 16];
    int seqs[DS_MAX_SEQS];
    struct db_session_totals t;
    size_t n = 0, total = 0, from = 0, shown;
    uint32_t page = 1, p;
    struct dt_date d;
    gw_err err;

    if (call->argc > 1 ||
        (call->argc == 1 &&
         (strv_to_u32(call->argv[0], &page) != GW_OK || page < 1)))
        return say_usage(call);
    err = leader_session(call, &d, session);
    if (!err)
        err = db_collection_totals(call->db, call->who->id, session, &t);
    if (!err)
        err = db_collection_unpaid(call->db, call->who->id, session, seqs,
                                   ARRAY_SIZE(seqs), &n, &total);
    if (err)
        return err == GW_EDENIED
                   ? thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0)
                   : err;
    /* DS 2: the page after what DS showed; past the end, the last one. */
    for (p = 1; p < page && from < n; p++) {
        shown = ds_format(seqs, n, from, list, sizeof(list));
        if (shown == 0)
            break;
        from += shown;
    }
    if (from >= n)
        from = n ? n - 1 : 0;
    (void)ds_format(seqs, n, from, list, sizeof(list));
    {
        const struct tpl_arg a[] = {
            TPL_DATE("session", d),
            TPL_INT("unpaid", total),
            TPL_INT("members", t.members),
            TPL_STR("list", list),
        };

        return handler_say(call, total ? MSG_DS_LIST : MSG_DS_NONE, a,
                           ARRAY_SIZE(a));
    }
}

gw_err handler_totals(const struct handler_call *call)
{
    char session[DT_DATE_SIZE];
    struct db_session_totals t;
    struct dt_date d;
    gw_err err;

    err = leader_session(call, &d, session);
    if (!err)
        err = db_collection_totals(call->db, call->who->id, session, &t);
    if (err)
        return err == GW_EDENIED
                   ? thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0)
                   : err;
    {
        const struct tpl_arg a[] = {
            TPL_DATE("session", d),
            TPL_INT("paid", t.collected),
            TPL_INT("members", t.members),
            TPL_INT("interest", t.interest),
            TPL_INT("due", t.interest_due),
            TPL_INT("savings", t.savings),
            TPL_INT("principal", t.principal),
            TPL_INT("total", t.interest + t.savings + t.principal),
        };

        return handler_say(call, MSG_TONG, a, ARRAY_SIZE(a));
    }
}

/* ---- HUYTHU / NOP / MK -------------------------------------------- */

static gw_err code_reply(const struct handler_call *call, gw_err verdict,
                         const struct db_collection *c, const char *code)
{
    char word[32] = "";
    gw_err err = GW_OK;
    const char *state = collect_leader_state(c);

    if (verdict == GW_EEXIST || verdict == GW_EDENIED)
        err = collect_state_word(call->ctx->tpl, state, word, sizeof(word));
    if (err)
        return err;
    {
        const struct tpl_arg a[] = {TPL_STR("code", code),
                                    TPL_STR("state", word)};

        if (verdict == GW_ENOTFOUND)
            return handler_say(call, MSG_CODE_NOT_FOUND, a, 1);
        if (verdict == GW_EDENIED && c->remitted_at != 0 &&
            strcmp(state, "RECORDED") == 0)
            return handler_say(call, MSG_VOID_REMITTED, a, 1);
        return handler_say(call, MSG_CODE_CLOSED, a, ARRAY_SIZE(a));
    }
}

static gw_err void_done(const struct handler_call *call,
                        const struct db_collection *c)
{
    struct dt_date day = date_local((time_t)c->created_at, NULL);
    const struct tpl_arg a[] = {
        TPL_STR("code", c->receipt_code),  TPL_INT("seq", c->member_seq),
        TPL_STR("name", c->member_name),   TPL_DATE("dm", day),
        TPL_STR("leader", c->leader_name), TPL_STR("officer", c->officer_phone),
    };
    gw_err err = handler_say(call, MSG_VOID_OK, a, ARRAY_SIZE(a));

    if (!err)
        err = collect_send(call, c->member_phone, c->member_id, "VOIDED",
                           MSG_VOID_NOTICE, a, ARRAY_SIZE(a));
    return err;
}

gw_err handler_void(const struct handler_call *call)
{
    char code[RECEIPT_CODE_SIZE];
    struct db_actor who;
    struct db_collection c;
    bool ok;
    gw_err err;

    if (!call->who->is_leader)
        return thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0);
    if (call->argc != 2 || !pin_syntax_ok(call->argv[1]))
        return say_usage(call);
    if (receipt_parse(call->argv[0], code) != GW_OK)
        (void)strv_copy(call->argv[0].len <= RECEIPT_CODE_LEN
                            ? call->argv[0]
                            : strv_make(call->argv[0].p, RECEIPT_CODE_LEN),
                        code, sizeof(code));
    err = leader_pin(call, call->argv[1], &ok);
    if (err || !ok)
        return err;
    who = leader_actor(call);
    err = db_collection_void(call->db, &who, code, &c);
    if (err == GW_OK)
        return void_done(call, &c);
    if (err == GW_ENOTFOUND || err == GW_EEXIST || err == GW_EDENIED)
        return code_reply(call, err, &c, code);
    return err;
}

gw_err handler_remit(const struct handler_call *call)
{
    char session[DT_DATE_SIZE];
    struct db_actor who;
    struct dt_date d;
    int64_t amount = 0;
    int count = 0;
    bool ok;
    gw_err err;

    if (!call->who->is_leader)
        return thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0);
    if (call->argc != 1 || !pin_syntax_ok(call->argv[0]))
        return say_usage(call);
    err = leader_pin(call, call->argv[0], &ok);
    if (err || !ok)
        return err;
    err = leader_session(call, &d, session);
    if (err)
        return err;
    who = leader_actor(call);
    err = db_collection_remit(call->db, &who, session, &count, &amount);
    if (err)
        return err == GW_EDENIED
                   ? thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0)
                   : err;
    {
        const struct tpl_arg a[] = {
            TPL_DATE("session", d),
            TPL_INT("count", count),
            TPL_INT("amount", amount),
        };

        return handler_say(call, count ? MSG_NOP_OK : MSG_NOP_NONE, a,
                           ARRAY_SIZE(a));
    }
}

gw_err handler_pin_change(const struct handler_call *call)
{
    struct pin_cost cost = pin_cost_default();
    char hash[PIN_HASH_SIZE];
    bool ok;
    gw_err err;

    if (!call->who->is_leader)
        return thu_refused(call, DB_COLLECT_NOT_LEADER, 0, 0);
    if (call->argc != 2 || !pin_syntax_ok(call->argv[0]) ||
        !pin_syntax_ok(call->argv[1]))
        return say_usage(call);
    err = leader_pin(call, call->argv[0], &ok);
    if (err || !ok)
        return err;
    err = pin_hash(call->argv[1], call->ctx->cfg->pin_pepper, &cost, hash);
    if (!err)
        err = db_pin_set(call->db, call->who->id, hash, call->in->now);
    if (!err)
        err = leader_audit(call, "pin.change", "changed");
    if (err)
        return err == GW_EINVAL ? GW_EINTERNAL : err;
    return handler_say(call, MSG_PIN_CHANGED, NULL, 0);
}
