/* ussd.h - USSD menus: a second front end over the SMS command table
 *
 * A USSD hop (Africa's Talking shape) carries in `text` every input of
 * the session so far joined by '*'. Each hop is worked out again from the
 * whole path: '0' drops the last input kept (at home it closes the
 * session), '00' drops them all; a wrong entry is not kept and its
 * screen is asked again after a one-line hint. The menus only collect
 * inputs: what a screen does is the SMS command it builds (leader,
 * "record a collection": 1*7*275000*20000*<PIN>*1 runs THU 7 275000
 * 20000 <PIN>), run through handle_sms(), whose reply becomes the END
 * screen. Menus by role:
 *
 *   member: 1 SD, 2 LAI, 3 LS, 4 receipt code -> 1 XN / 2 SAI, 5 HD
 *   leader: 1 seq -> interest -> savings -> PIN -> confirm (THU),
 *           2 DS, 3 TONG, 4 code -> PIN (HUYTHU),
 *           5 more: 1 PIN (NOP), 2 old, new, repeat (MK), 3 SD, 4 HD
 *
 * Two steps, so that a navigation hop never waits for the writer:
 *   ussd_walk()   reads only (any connection): the next screen, or for a
 *                 read-only command its END screen; for the final hop
 *                 of an action that writes it sets step->write instead.
 *   ussd_commit() runs that action inside the caller's transaction and
 *                 gives its END screen and the messages to queue.
 *
 * The PIN is in the path of every later hop. It is only ever copied into
 * step->command (wiped by ussd_commit() and ussd_step_wipe()); the screen
 * never shows it, and step->stored (what may be stored or logged) has
 * every input typed on a PIN screen, and every rejected run of 4 to 8
 * digits, replaced by "****".
 *
 * Nothing here does HTTP or SQL; screens are templates USSD_* of
 * handlers/messages.def.
 */
#ifndef DT_USSD_H
#define DT_USSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "common/strv.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "text/date.h"

/* A path longer than this, or with more inputs, ends the session with a
 * short note: a real session (180 s, 182-character screens) never gets
 * near it, and every hop walks the path from the start. */
#define USSD_TEXT_MAX 1024
#define USSD_MAX_INPUTS 64
/* One input longer than this is a wrong entry (the longest right one is
 * an amount such as "99.999.999.999"). */
#define USSD_INPUT_MAX 32
/* The provider's session id: printable ASCII, at most this long. */
#define USSD_SESSION_ID_MAX 64

#define USSD_SCREEN_SIZE (DT_USSD_SCREEN_MAX + 1)
#define USSD_COMMAND_SIZE 96
#define USSD_STORED_SIZE (USSD_TEXT_MAX + 4 * USSD_MAX_INPUTS + 1)
/* session id, ':', 16 hex digits of a hash of the stored path. */
#define USSD_KEY_SIZE (USSD_SESSION_ID_MAX + 1 + 16 + 1)

/* One hop, decoded; everything is borrowed for the call. */
struct ussd_hop {
    const char *provider;      /* static module name: "africastalking" */
    const char *session_id;    /* printable ASCII, 1..USSD_SESSION_ID_MAX */
    char phone[DT_PHONE_SIZE]; /* E.164; "" when not a Vietnamese mobile */
    struct strv text;          /* the whole path; holds PINs */
    /* Leading inputs to ignore: those of a walk the idle timeout ended
     * (the session starts again at home after them). */
    size_t skip;
    int64_t now;          /* Unix seconds */
    struct dt_date today; /* Vietnam local date at now */
};

struct ussd_step {
    bool end;                      /* END (true) or CON */
    char screen[USSD_SCREEN_SIZE]; /* the screen, plain ASCII */
    /* The final hop of an action that writes: screen is not filled;
     * call ussd_commit() in the writer's transaction. */
    bool write;
    char command[USSD_COMMAND_SIZE]; /* holds the PIN */
    /* The path as it may be stored and logged: PINs as "****". */
    char stored[USSD_STORED_SIZE];
    /* The dedup id of this hop: session id + ':' + hash of stored. A
     * repeat of the final hop has the same key. */
    char key[USSD_KEY_SIZE];
};

/* Number of inputs in text ("" has none, "1*7" two). */
size_t ussd_count_inputs(struct strv text);

/* Works out the screen for hop (see above) into step. Reads through db
 * only. GW_OK with a screen (or step->write) for every input, however
 * wrong; an error only when the store fails (step then holds the END
 * screen USSD_BUSY, so the caller may still answer). */
gw_err ussd_walk(struct db *db, const struct handler_ctx *ctx,
                 const struct ussd_hop *hop, struct ussd_step *step);

/* Runs step->command (ussd_walk set step->write) for hop->phone inside
 * the caller's transaction: step->screen gets the END screen (the reply
 * to the caller), out the messages to queue (the reply included: it is
 * the caller's lasting record of the action). Wipes step->command. An
 * error rolls back like handle_sms()'s. */
gw_err ussd_commit(struct db *db, const struct handler_ctx *ctx,
                   const struct ussd_hop *hop, struct ussd_step *step,
                   struct reply *out);

/* Wipes step->command (the PIN); safe to call more than once. */
void ussd_step_wipe(struct ussd_step *step);

/* Renders a closing note (USSD_BYE, USSD_BUSY, ...) as an END screen. */
void ussd_end_note(const struct handler_ctx *ctx, enum msg_id msg,
                   struct ussd_step *step);

#endif
