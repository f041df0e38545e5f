/* cmd_member.c - what a member can ask by SMS about her own account
 *
 * SD, TK, LAI, LS, HUY NHAC and its undo DK NHAC. Every figure comes from
 * db_member_* for call->who, the sender, and every reply goes to the
 * sender alone (handler_say): one member's figures never reach another.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/util.h"
#include "db/db_member.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "text/date.h"
#include "text/money.h"
#include "common/banned.h"

/* A formatted amount: "99.999.999.999" at most (DT_MONEY_MAX). */
#define AMOUNT_SIZE 32

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

static void session_dm(const struct handler_call *call, char *out,
                       size_t size)
{
    struct dt_date d = next_session(&call->in->today, call->who->session_day);

    date_format_dm(&d, out, size);
}

static void amount(int64_t v, char out[AMOUNT_SIZE])
{
    (void)money_format(v, out, AMOUNT_SIZE);
}

/* "2026-11-17" from the store as "17/11/2026"; "" stays "". */
static void iso_to_dmy(const char *iso, char *out, size_t size)
{
    struct dt_date d;

    out[0] = '\0';
    if (iso[0] && date_parse_iso(strv_from_cstr(iso), &d) == GW_OK)
        date_format_dmy(&d, out, size);
}

/* ---- SD / BAL ---- */

struct balance {
    struct db_loan_totals totals;
    struct db_member_loan top; /* the largest loan, when there is one */
    int64_t savings;
    int64_t pending; /* recorded by the leader, not booked by the bank */
};

static gw_err balance_read(const struct handler_call *call, struct balance *b)
{
    struct db_pending p;
    size_t n = 0;
    gw_err err;

    memset(b, 0, sizeof(*b));
    err = db_member_loan_totals(call->db, call->who->id, &b->totals);
    if (!err && b->totals.count > 0)
        err = db_member_loans(call->db, call->who->id, &b->top, 1, &n);
    if (!err)
        err = db_member_savings(call->db, call->who->id, &b->savings);
    if (!err)
        err = db_member_pending(call->db, call->who->id, &p);
    if (!err)
        b->pending = p.interest + p.savings + p.principal;
    return err;
}

/* Which text: one loan shows its programme, several show the count and
 * totals (so that any number of loans fits one SMS), none shows savings;
 * each with or without the pending amount. */
static int balance_msg(const struct balance *b)
{
    bool pend = b->pending > 0;

    if (b->totals.count == 0)
        return pend ? MSG_SD_NOLOAN_PEND : MSG_SD_NOLOAN;
    if (b->totals.count == 1)
        return pend ? MSG_SD_ONE_PEND : MSG_SD_ONE;
    return pend ? MSG_SD_MULTI_PEND : MSG_SD_MULTI;
}

gw_err handler_balance(const struct handler_call *call)
{
    char outstanding[AMOUNT_SIZE], interest[AMOUNT_SIZE];
    char savings[AMOUNT_SIZE], pending[AMOUNT_SIZE];
    char count[16], session[DT_DATE_SIZE];
    struct balance b;
    gw_err err;

    err = balance_read(call, &b);
    if (err)
        return err;
    amount(b.totals.outstanding, outstanding);
    amount(b.totals.interest_due, interest);
    amount(b.savings, savings);
    amount(b.pending, pending);
    (void)snprintf(count, sizeof(count), "%d", b.totals.count);
    session_dm(call, session, sizeof(session));
    {
        const struct handler_field f[] = {
            {"program", b.top.program}, {"count", count},
            {"outstanding", outstanding}, {"session", session},
            {"interest", interest}, {"savings", savings},
            {"pending", pending},
        };

        return handler_say(call, balance_msg(&b), f, ARRAY_SIZE(f));
    }
}

/* ---- TK / SAV ---- */

gw_err handler_savings(const struct handler_call *call)
{
    char savings[AMOUNT_SIZE], pending[AMOUNT_SIZE];
    struct db_pending p;
    int64_t balance;
    gw_err err;

    err = db_member_savings(call->db, call->who->id, &balance);
    if (!err)
        err = db_member_pending(call->db, call->who->id, &p);
    if (err)
        return err;
    amount(balance, savings);
    amount(p.savings, pending);
    {
        const struct handler_field f[] = {
            {"savings", savings},
            {"pending", pending},
        };

        return handler_say(call, p.savings > 0 ? MSG_TK_PEND : MSG_TK, f,
                           ARRAY_SIZE(f));
    }
}

/* ---- LAI / DUE ---- */

gw_err handler_due(const struct handler_call *call)
{
    char interest[AMOUNT_SIZE], principal[AMOUNT_SIZE], overdue[AMOUNT_SIZE];
    char session[DT_DATE_SIZE], pdate[DT_DATE_SIZE];
    struct db_loan_totals t;
    int msg;
    gw_err err;

    err = db_member_loan_totals(call->db, call->who->id, &t);
    if (err)
        return err;
    if (t.count == 0)
        return handler_say(call, MSG_LAI_NOLOAN, NULL, 0);
    amount(t.interest_due, interest);
    amount(t.next_principal_amount, principal);
    amount(t.overdue, overdue);
    session_dm(call, session, sizeof(session));
    iso_to_dmy(t.next_principal_on, pdate, sizeof(pdate));
    if (t.overdue > 0)
        msg = pdate[0] ? MSG_LAI_OVERDUE : MSG_LAI_NOPRIN_OVERDUE;
    else
        msg = pdate[0] ? MSG_LAI : MSG_LAI_NOPRIN;
    {
        const struct handler_field f[] = {
            {"session", session}, {"interest", interest},
            {"pdate", pdate},     {"principal", principal},
            {"overdue", overdue},
        };

        return handler_say(call, msg, f, ARRAY_SIZE(f));
    }
}

/* ---- LS / HIST ---- */

#define HISTORY_ITEMS 3

/* The state as the member reads it: a short text of its own. */
static int state_msg(const char *state)
{
    static const struct {
        const char *state;
        int msg;
    } t[] = {
        {"RECORDED", MSG_ST_RECORDED}, {"CONFIRMED", MSG_ST_CONFIRMED},
        {"DISPUTED", MSG_ST_DISPUTED}, {"VOIDED", MSG_ST_VOIDED},
        {"POSTED", MSG_ST_POSTED},     {"UNPOSTED", MSG_ST_UNPOSTED},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++)
        if (strcmp(state, t[i].state) == 0)
            return t[i].msg;
    return MSG_ST_RECORDED;
}

struct history_item {
    char code[DT_CODE_SIZE];
    char date[DT_DATE_SIZE];
    char amount[AMOUNT_SIZE];
    char state[DT_SMS_MAX + 1];
};

static gw_err history_item(const struct handler_call *call,
                           const struct db_collection_brief *c,
                           struct history_item *it)
{
    struct dt_date d;

    memcpy(it->code, c->receipt_code, sizeof(it->code));
    it->date[0] = '\0';
    if (date_parse_iso(strv_from_cstr(c->session_on), &d) == GW_OK)
        date_format_dm(&d, it->date, sizeof(it->date));
    amount(c->interest + c->savings + c->principal, it->amount);
    return template_render(call->ctx->tpl, state_msg(c->state), NULL, 0,
                           it->state, sizeof(it->state));
}

gw_err handler_history(const struct handler_call *call)
{
    static const int msgs[] = {MSG_LS_NONE, MSG_LS_1, MSG_LS_2, MSG_LS_3};
    static const char *const names[HISTORY_ITEMS][4] = {
        {"code1", "date1", "amount1", "state1"},
        {"code2", "date2", "amount2", "state2"},
        {"code3", "date3", "amount3", "state3"},
    };
    struct db_collection_brief c[HISTORY_ITEMS];
    struct history_item it[HISTORY_ITEMS];
    struct handler_field f[HISTORY_ITEMS * 4];
    size_t n = 0, i;
    gw_err err;

    err = db_member_collections(call->db, call->who->id, c, HISTORY_ITEMS,
                                &n);
    for (i = 0; i < n && !err; i++) {
        err = history_item(call, &c[i], &it[i]);
        f[i * 4] = (struct handler_field){names[i][0], it[i].code};
        f[i * 4 + 1] = (struct handler_field){names[i][1], it[i].date};
        f[i * 4 + 2] = (struct handler_field){names[i][2], it[i].amount};
        f[i * 4 + 3] = (struct handler_field){names[i][3], it[i].state};
    }
    if (err)
        return err;
    return handler_say(call, msgs[n], f, n * 4);
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
