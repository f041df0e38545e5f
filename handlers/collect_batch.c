/* collect_batch.c - after a session: bookings to POSTED, the rest to
 * UNPOSTED, each told to the member (and the officer when it is wrong)
 *
 * These run from the command line (import, close-session), not for an
 * inbound message, so their messages go straight into the outbox, in
 * the caller's transaction with the state changes that caused them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "db/db_collection.h"
#include "db/db_import.h"
#include "db/db_msg.h"
#include "handlers/collect.h"
#include "text/date.h"
#include "common/banned.h"

static gw_err batch_send(struct db *db, const struct templates *tpl,
                         const char *phone, int64_t member_id, const char *kind,
                         enum msg_id msg, const struct tpl_arg *args,
                         size_t nargs, int64_t now)
{
    char text[DT_SMS_MAX * 4 + 1];
    int64_t id;
    gw_err err;

    if (phone == NULL || phone[0] == '\0')
        return GW_OK; /* no number: the audit row is what remains */
    err = template_render(tpl, msg, args, nargs, text, sizeof(text));
    if (err) {
        log_error("collect", "message %s: %s", template_key(msg),
                  gw_strerror(err));
        return err;
    }
    return db_outbox_enqueue(db, phone, text, kind, member_id, 0, now, &id);
}

/* The bank booked other amounts than the leader recorded. */
static gw_err posted_mismatch(struct db *db, const struct templates *tpl,
                              const struct db_collection *c,
                              const struct db_posting *p, int64_t now)
{
    const struct tpl_arg a[] = {
        TPL_STR("code", c->receipt_code),
        TPL_INT("total", c->interest + c->savings + c->principal),
        TPL_INT("amount", p->interest + p->savings + p->principal),
        TPL_STR("officer", c->officer_phone),
        TPL_INT("seq", c->member_seq),
        TPL_STR("name", c->member_name),
        TPL_STR("group", c->group_name),
    };
    gw_err err;

    log_warn("collect", "receipt %s booked with other amounts",
             c->receipt_code);
    err = batch_send(db, tpl, c->member_phone, c->member_id, "ALERT",
                     MSG_POSTED_MISMATCH, a, ARRAY_SIZE(a), now);
    if (!err)
        err = batch_send(db, tpl, c->officer_phone, 0, "ALERT",
                         MSG_MISMATCH_OFFICER, a, ARRAY_SIZE(a), now);
    return err;
}

static gw_err post_one(struct db *db, const struct templates *tpl,
                       const char *code, int64_t now, bool *moved)
{
    struct db_actor bank = {0, "bank", NULL, now};
    struct db_collection c;
    struct db_posting p;
    struct dt_date on;
    gw_err err;

    *moved = false;
    err = db_posting_get(db, code, &p);
    if (!err)
        err = db_collection_post(db, &bank, code, &c);
    if (err == GW_EEXIST || err == GW_EDENIED)
        return GW_OK; /* moved on meanwhile; audited (VOIDED: voided_one) */
    if (err)
        return err;
    *moved = true;
    if (date_parse_iso(strv_from_cstr(p.posted_on), &on) != GW_OK)
        on = date_local((time_t)now, NULL);
    {
        const struct tpl_arg a[] = {
            TPL_STR("code", c.receipt_code),
            TPL_INT("interest", p.interest),
            TPL_INT("savings", p.savings),
            TPL_INT("principal", p.principal),
            TPL_DATE("date", on),
        };

        err = batch_send(db, tpl, c.member_phone, c.member_id, "POSTED",
                         MSG_POSTED, a, ARRAY_SIZE(a), now);
    }
    if (!err && (p.interest != c.interest || p.savings != c.savings ||
                 p.principal != c.principal))
        err = posted_mismatch(db, tpl, &c, &p, now);
    return err;
}

/* The bank booked a receipt its leader voided. The officer must hear:
 * either the leader voided a receipt she was paid for and handed the cash
 * in anyway, or a receipt code was reused or forged. The member hears
 * too: her last word on this receipt was VOID_NOTICE ("voided"), which
 * the bank now contradicts; she alone knows whether she paid, so she is
 * the officer's first witness, and a leader who pockets a void should
 * not be the only one told. The flag (an audit row) is written in this
 * transaction with the outbox rows, so a re-import sends nothing. */
static gw_err voided_one(struct db *db, const struct templates *tpl,
                         const char *code, int64_t now, bool *alerted)
{
    struct db_actor bank = {0, "bank", NULL, now};
    struct db_collection c;
    struct db_posting p;
    struct dt_date on;
    gw_err err;

    *alerted = false;
    err = db_posting_get(db, code, &p);
    if (!err)
        err = db_collection_flag_voided_booked(db, &bank, code, &c);
    if (err == GW_EEXIST || err == GW_EDENIED || err == GW_ENOTFOUND)
        return GW_OK; /* flagged before, or moved on meanwhile */
    if (err)
        return err;
    *alerted = true;
    log_warn("collect", "voided receipt %s booked by the bank", code);
    if (date_parse_iso(strv_from_cstr(p.posted_on), &on) != GW_OK)
        on = date_local((time_t)now, NULL);
    {
        const struct tpl_arg a[] = {
            TPL_STR("code", c.receipt_code),
            TPL_INT("amount", p.interest + p.savings + p.principal),
            TPL_DATE("date", on),
            TPL_STR("officer", c.officer_phone),
            TPL_STR("leader", c.leader_name),
            TPL_INT("seq", c.member_seq),
            TPL_STR("name", c.member_name),
            TPL_STR("group", c.group_name),
        };

        err = batch_send(db, tpl, c.officer_phone, 0, "ALERT",
                         MSG_VOIDED_BOOKED_OFFICER, a, ARRAY_SIZE(a), now);
        if (!err)
            err = batch_send(db, tpl, c.member_phone, c.member_id, "ALERT",
                             MSG_VOIDED_BOOKED_MEMBER, a, ARRAY_SIZE(a), now);
    }
    return err;
}

/* Each run sees every booked receipt again (the postings table keeps
 * them), so each alert is guarded by the state or flag it changes:
 * POSTED leaves booked_codes, with its mismatch alert; a flagged VOIDED
 * one leaves voided_booked_codes. */
gw_err collect_apply_postings(struct db *db, const struct templates *tpl,
                              int64_t now, size_t *posted)
{
    char(*codes)[DT_CODE_SIZE] = NULL;
    size_t n = 0, i, count = 0;
    bool moved;
    gw_err err;

    err = db_collection_booked_codes(db, &codes, &n);
    for (i = 0; !err && i < n; i++) {
        err = post_one(db, tpl, codes[i], now, &moved);
        count += moved;
    }
    free(codes);
    codes = NULL;
    n = 0;
    if (!err)
        err = db_collection_voided_booked_codes(db, &codes, &n);
    for (i = 0; !err && i < n; i++)
        err = voided_one(db, tpl, codes[i], now, &moved);
    free(codes);
    if (posted)
        *posted = err ? 0 : count;
    return err;
}

static gw_err unpost_one(struct db *db, const struct templates *tpl,
                         const char *code, int64_t now, bool *moved)
{
    struct db_actor sys = {0, "system", NULL, now};
    struct db_collection c;
    struct dt_date day;
    gw_err err;

    *moved = false;
    err = db_collection_unpost(db, &sys, code, &c);
    if (err == GW_EEXIST || err == GW_EDENIED)
        return GW_OK;
    if (err)
        return err;
    *moved = true;
    day = date_local((time_t)c.created_at, NULL);
    {
        const struct tpl_arg a[] = {
            TPL_STR("code", c.receipt_code),
            TPL_DATE("dm", day),
            TPL_STR("officer", c.officer_phone),
            TPL_INT("seq", c.member_seq),
            TPL_STR("name", c.member_name),
            TPL_STR("group", c.group_name),
            TPL_INT("amount", c.interest + c.savings + c.principal),
        };

        err = batch_send(db, tpl, c.member_phone, c.member_id, "UNPOSTED",
                         MSG_UNPOSTED_MEMBER, a, ARRAY_SIZE(a), now);
        if (!err)
            err = batch_send(db, tpl, c.officer_phone, 0, "UNPOSTED",
                             MSG_UNPOSTED_OFFICER, a, ARRAY_SIZE(a), now);
    }
    return err;
}

gw_err collect_close_session(struct db *db, const struct templates *tpl,
                             const char *commune_code, const char *session_on,
                             int64_t now, size_t *unposted)
{
    char(*codes)[DT_CODE_SIZE] = NULL;
    size_t n = 0, i, count = 0;
    bool moved;
    gw_err err;

    err = db_collection_open_codes(db, commune_code, session_on, &codes, &n);
    for (i = 0; !err && i < n; i++) {
        err = unpost_one(db, tpl, codes[i], now, &moved);
        count += moved;
    }
    free(codes);
    if (unposted)
        *unposted = err ? 0 : count;
    return err;
}
