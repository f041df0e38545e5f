/* collect.h - the receipt control: leader and member commands, and the
 * jobs that run after a session (postings, close-session)
 *
 * Leader commands (dispatch.c rows, HANDLER_LEADER; the PIN is the last
 * word and is stored as "****" by the dispatcher):
 *   THU <stt> <lai> [<tk>] [G<goc>] <PIN>   record a collection
 *   GTK <stt> <tk> <PIN>                     record a savings deposit
 *   DS [<page>]                              members not collected yet
 *   TONG                                     session totals against due
 *   HUYTHU <code> <PIN>                      void an unconfirmed receipt
 *   NOP <PIN>                                close the batch to remit
 *   MK <old> <new>                           change the PIN
 * Member commands (HANDLER_ALL):
 *   XN [<code>]    confirm a receipt (the newest RECORDED one if no code)
 *   SAI [<code>]   dispute it; the commune officer is told, never the
 *                  leader
 *
 * Every money action checks the PIN first (3 wrong tries lock until an
 * officer unlocks), then writes through db/db_collection.h, which checks
 * the group and state again in the write itself. A receipt goes to the
 * member at RECORDED and VOIDED; the leader gets the code back.
 */
#ifndef DT_COLLECT_H
#define DT_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "handlers/template.h"

struct db_collection;

/* Largest single amount (interest, savings or principal) one THU may
 * record: the largest household loan the bank makes through the groups
 * is 100 million VND, so more in one go is a typing mistake or worse. */
#define COLLECT_MAX_AMOUNT 100000000LL

gw_err handler_collect(const struct handler_call *call);    /* THU / COL */
gw_err handler_deposit(const struct handler_call *call);    /* GTK / DEP */
gw_err handler_unpaid(const struct handler_call *call);     /* DS / LIST */
gw_err handler_totals(const struct handler_call *call);     /* TONG / SUM */
gw_err handler_void(const struct handler_call *call);       /* HUYTHU / VOID */
gw_err handler_remit(const struct handler_call *call);      /* NOP / REMIT */
gw_err handler_pin_change(const struct handler_call *call); /* MK / PIN */
gw_err handler_confirm(const struct handler_call *call);    /* XN / OK */
gw_err handler_dispute(const struct handler_call *call);    /* SAI / NO */

/* Renders msg and adds it for phone (not the sender: a receipt to the
 * member, an alert to the officer) to the call's reply. */
gw_err collect_send(const struct handler_call *call, const char *phone,
                    int64_t member_id, const char *kind, enum msg_id msg,
                    const struct tpl_arg *args, size_t nargs);

/* The state a receipt's leader is told: a dispute is the officer's to
 * know, never the leader's (the member who complains would pay for it),
 * so a disputed receipt reads as the state it was disputed from, a
 * recorded one as confirmed (neither can be voided any more). */
const char *collect_leader_state(const struct db_collection *c);

/* The member-facing word for a collection state ("da XN"), rendered
 * from the ST_* templates into out[size]. */
gw_err collect_state_word(const struct templates *tpl, const char *state,
                          char *out, size_t size);

/* After a postings import: every booked receipt not yet POSTED becomes
 * POSTED and its member is told what the bank booked; where the bank
 * booked other amounts than the leader recorded, the member and the
 * officer are alerted. Messages go to the outbox in the caller's
 * transaction. *posted (may be NULL) counts the receipts moved. */
gw_err collect_apply_postings(struct db *db, const struct templates *tpl,
                              int64_t now, size_t *posted);

/* After a commune's session (YYYY-MM-DD): every receipt of it still
 * RECORDED or CONFIRMED with no booking becomes UNPOSTED, and its member
 * and the commune officer are alerted. Call collect_apply_postings()
 * first so that booked receipts are not alerted. GW_ENOTFOUND for an
 * unknown commune. */
gw_err collect_close_session(struct db *db, const struct templates *tpl,
                             const char *commune_code, const char *session_on,
                             int64_t now, size_t *unposted);

#endif
