/* cmd_member.c - what a member can ask by SMS about her own account
 *
 * SD, TK, LAI, LS, HUY NHAC and its undo DK NHAC. Every figure comes from
 * db_member_* for call->who, the sender, and every reply goes to the
 * sender alone (handler_say): one member's figures never reach another.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "db/db_member.h"
#include "handlers/handler.h"
#include "text/date.h"
#include "text/money.h"
#include "common/banned.h"

/* The commune's next session on or after today: this month's session day
 * if it has not passed, else next month's (session_day is 1..28, valid in
 * every month). */
static struct dt_date next_session(const struct dt_date *today, int day)
{
    struct dt_date d = {today->year, today->month, day};

    if (today->day > day) {
        d.month++;
        if (d.month > 12) {
            d.month = 1;
            d.year++;
        }
    }
    return d;
}

static struct dt_date session_of(const struct handler_call *call)
{
    return next_session(&call->in->today, call->who->session_day);
}

/* ---- SD / BAL ---- */

#define SD_LOANS_MAX 16   /* listed at most; the rest are "+N khac" */
#define SD_LOANS_WIDTH 64 /* the {loans} field */

struct balance {
    struct db_loan_totals totals;
    struct db_member_loan loans[SD_LOANS_MAX]; /* largest first */
    size_t nloans;
    int64_t savings;
    int64_t pending; /* recorded by the leader, not booked by the bank */
};

static gw_err balance_read(struct db *db, int64_t member_id, struct balance *b)
{
    struct db_pending p = {0, 0, 0, 0};
    size_t n = 0;
    gw_err err;

    memset(b, 0, sizeof(*b));
    err = db_member_loan_totals(db, member_id, &b->totals);
    if (!err && b->totals.count > 0)
        err = db_member_loans(db, member_id, b->loans, SD_LOANS_MAX, &n);
    b->nloans = n;
    if (!err)
        err = db_member_savings(db, member_id, &b->savings);
    if (!err)
        err = db_member_pending(db, member_id, &p);
    if (!err)
        b->pending = p.interest + p.savings + p.principal;
    return err;
}

/* Which text: one loan shows its programme, several show the count and
 * totals (so that any number of loans fits one SMS), none shows savings;
 * each with or without the pending amount. */
static enum msg_id balance_msg(const struct balance *b)
{
    bool pend = b->pending > 0;

    if (b->totals.count == 0)
        return pend ? MSG_SD_NOLOAN_PEND : MSG_SD_NOLOAN;
    if (b->totals.count == 1)
        return pend ? MSG_SD_ONE_PEND : MSG_SD_ONE;
    return pend ? MSG_SD_MULTI_PEND : MSG_SD_MULTI;
}

/* "HN 100.000.000, GQVL 18.500.000": each loan by programme, largest
 * first, from loans[from], as many as fit the field with room for
 * " +N khoan khac<where>" naming the rest (counted over all open loans).
 * Returns the index of the first loan not listed. */
static size_t loans_list(const struct balance *b, size_t from,
                         const char *where, char *out, size_t size)
{
    size_t len = 0, i;
    uint64_t count = (uint64_t)b->totals.count;

    out[0] = '\0';
    for (i = from; i < b->nloans; i++) {
        char item[DT_PROGRAM_SIZE + 32], money[32], more[64];
        uint64_t rest = count - i - 1;
        int w, m;

        (void)money_format(b->loans[i].outstanding, money, sizeof(money));
        w = snprintf(item, sizeof(item), "%s%s %s", i > from ? ", " : "",
                     b->loans[i].program, money);
        m = rest ? snprintf(more, sizeof(more), " +%llu khoan khac%s",
                            (unsigned long long)rest, where)
                 : 0;
        if (w < 0 || m < 0 || len + (size_t)w + (size_t)m > SD_LOANS_WIDTH ||
            len + (size_t)w >= size) {
            (void)snprintf(out + len, size - len, " +%llu khoan khac%s",
                           (unsigned long long)(count - i), where);
            return i;
        }
        memcpy(out + len, item, (size_t)w + 1);
        len += (size_t)w;
    }
    return i;
}

/* The first page's suffix: where the rest are. */
#define SD_PAGE2 ": SD 2"

gw_err handler_balance_more(struct db *db, int64_t member_id, bool *more)
{
    struct balance b;
    char loans[SD_LOANS_WIDTH + 1];
    gw_err err = balance_read(db, member_id, &b);

    *more = false;
    if (err)
        return err;
    *more = b.totals.count > 1 &&
            loans_list(&b, 0, SD_PAGE2, loans, sizeof(loans)) < b.nloans;
    return GW_OK;
}

/* SD 2: the loans the first page had no room for. */
static gw_err balance_page2(const struct handler_call *call,
                            const struct balance *b)
{
    char loans[SD_LOANS_WIDTH + 1], rest[SD_LOANS_WIDTH + 1];
    size_t next = loans_list(b, 0, SD_PAGE2, loans, sizeof(loans));
    const struct tpl_arg a[] = {TPL_STR("loans", rest)};

    if (b->totals.count < 2 || next >= b->nloans)
        (void)snprintf(rest, sizeof(rest), "%s", "");
    else
        (void)loans_list(b, next, "", rest, sizeof(rest));
    return handler_say(call, rest[0] ? MSG_SD_MORE : MSG_SD_NO_MORE, a,
                       ARRAY_SIZE(a));
}

gw_err handler_balance(const struct handler_call *call)
{
    struct balance b;
    char loans[SD_LOANS_WIDTH + 1];
    gw_err err;

    err = balance_read(call->db, call->who->id, &b);
    if (err)
        return err;
    if (call->argc == 1 && strv_eq(call->argv[0], "2"))
        return balance_page2(call, &b);
    if (call->argc > 0)
        return handler_say(call, call->cmd->usage, NULL, 0);
    (void)loans_list(&b, 0, SD_PAGE2, loans, sizeof(loans));
    {
        const struct tpl_arg a[] = {
            TPL_STR("loans", loans),
            TPL_STR("program", b.nloans ? b.loans[0].program : ""),
            TPL_INT("count", b.totals.count),
            TPL_INT("outstanding", b.totals.outstanding),
            TPL_DATE("session", session_of(call)),
            TPL_INT("interest", b.totals.interest_due),
            TPL_INT("savings", b.savings),
            TPL_INT("pending", b.pending),
        };

        return handler_say(call, balance_msg(&b), a, ARRAY_SIZE(a));
    }
}

/* ---- TK / SAV ---- */

gw_err handler_savings(const struct handler_call *call)
{
    struct db_pending p = {0, 0, 0, 0};
    int64_t balance;
    gw_err err;

    err = db_member_savings(call->db, call->who->id, &balance);
    if (!err)
        err = db_member_pending(call->db, call->who->id, &p);
    if (err)
        return err;
    {
        const struct tpl_arg a[] = {
            TPL_INT("savings", balance),
            TPL_INT("pending", p.savings),
        };

        return handler_say(call, p.savings > 0 ? MSG_TK_PEND : MSG_TK, a,
                           ARRAY_SIZE(a));
    }
}

/* ---- LAI / DUE ---- */

gw_err handler_due(const struct handler_call *call)
{
    struct db_loan_totals t;
    struct dt_date pdate = {0, 0, 0};
    bool has_pdate;
    enum msg_id msg;
    gw_err err;

    err = db_member_loan_totals(call->db, call->who->id, &t);
    if (err)
        return err;
    if (t.count == 0)
        return handler_say(call, MSG_LAI_NOLOAN, NULL, 0);
    has_pdate =
        t.next_principal_on[0] &&
        date_parse_iso(strv_from_cstr(t.next_principal_on), &pdate) == GW_OK;
    if (t.overdue > 0)
        msg = has_pdate ? MSG_LAI_OVERDUE : MSG_LAI_NOPRIN_OVERDUE;
    else
        msg = has_pdate ? MSG_LAI : MSG_LAI_NOPRIN;
    {
        const struct tpl_arg a[] = {
            TPL_DATE("session", session_of(call)),
            TPL_INT("interest", t.interest_due),
            TPL_DATE("pdate", pdate),
            TPL_INT("principal", t.next_principal_amount),
            TPL_INT("overdue", t.overdue),
        };

        /* pdate is only in the texts that have one. */
        return handler_say(call, msg, a, ARRAY_SIZE(a));
    }
}

/* ---- LS / HIST ---- */

#define HISTORY_ITEMS 3

/* The state as the member reads it: a short text of its own. */
static enum msg_id state_msg(const char *state)
{
    static const struct {
        const char *state;
        enum msg_id msg;
    } t[] = {
        {"RECORDED", MSG_ST_RECORDED}, {"CONFIRMED", MSG_ST_CONFIRMED},
        {"DISPUTED", MSG_ST_DISPUTED}, {"VOIDED", MSG_ST_VOIDED},
        {"POSTED", MSG_ST_POSTED},     {"UNPOSTED", MSG_ST_UNPOSTED},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++)
        if (strcmp(state, t[i].state) == 0)
            return t[i].msg;
    return MSG_ST_RECORDED; /* the schema's CHECK allows no other */
}

struct history_item {
    struct dt_date dm;
    int64_t amount;
    char state[DT_SMS_MAX + 1];
};

static gw_err history_item(const struct handler_call *call,
                           const struct db_collection_brief *c,
                           struct history_item *it)
{
    /* One date rule for every message about a receipt: the day the leader
     * recorded it (Vietnam time), the day printed on the member's receipt;
     * the session it counts for is not the day the cash changed hands. */
    it->dm = date_local((time_t)c->created_at, NULL);
    it->amount = c->interest + c->savings + c->principal;
    return template_render(call->ctx->tpl, state_msg(c->state), NULL, 0,
                           it->state, sizeof(it->state));
}

gw_err handler_history(const struct handler_call *call)
{
    static const enum msg_id msgs[] = {MSG_LS_NONE, MSG_LS_1, MSG_LS_2,
                                       MSG_LS_3};
    static const char *const names[HISTORY_ITEMS][4] = {
        {"dm1", "code1", "amount1", "state1"},
        {"dm2", "code2", "amount2", "state2"},
        {"dm3", "code3", "amount3", "state3"},
    };
    struct db_collection_brief c[HISTORY_ITEMS];
    struct history_item it[HISTORY_ITEMS];
    struct tpl_arg a[HISTORY_ITEMS * 4];
    size_t n = 0, i;
    gw_err err;

    err = db_member_collections(call->db, call->who->id, c, HISTORY_ITEMS, &n);
    for (i = 0; i < n && !err; i++) {
        struct tpl_arg *p = &a[i * 4];

        err = history_item(call, &c[i], &it[i]);
        p[0] = (struct tpl_arg)TPL_DATE(names[i][0], it[i].dm);
        p[1] = (struct tpl_arg)TPL_STR(names[i][1], c[i].receipt_code);
        p[2] = (struct tpl_arg)TPL_INT(names[i][2], it[i].amount);
        p[3] = (struct tpl_arg)TPL_STR(names[i][3], it[i].state);
    }
    if (err)
        return err;
    return handler_say(call, msgs[n], a, n * 4);
}

/* ---- HUY NHAC / STOP and DK NHAC / START ---- */

/* Receipts are not optional and are not touched: only reminders and
 * campaigns stop. */
gw_err handler_stop(const struct handler_call *call)
{
    const struct db_caller *w = call->who;
    gw_err err = GW_OK;

    if (w->reminders || w->campaigns)
        err = db_member_set_consent(call->db, w->id, call->in->phone, 0, 0,
                                    call->in->now);
    return err ? err : handler_say(call, MSG_STOP_OK, NULL, 0);
}

/* Turns reminders back on. Campaigns are advertising (Decree 91/2020):
 * they need an opt-in of their own, so this leaves them off. */
gw_err handler_start(const struct handler_call *call)
{
    const struct db_caller *w = call->who;
    gw_err err = GW_OK;

    if (!w->reminders)
        err = db_member_set_consent(call->db, w->id, call->in->phone, 1, -1,
                                    call->in->now);
    return err ? err : handler_say(call, MSG_START_OK, NULL, 0);
}
