/* remind.h - scheduled messages: reminders, leader notes, overdue
 * notices, monthly statements
 *
 * Two layers. The planning functions are pure: given the Vietnam local
 * date and minute, and the settings, they say whether a pass may send at
 * all (send windows) and, for communes holding their session on a given
 * day of the month, which kinds of message are due and for which session.
 * remind_pass() then does one pass over the store: for every commune with
 * something due it selects the members concerned (db/db_remind.h),
 * renders each text from the templates and queues it in the outbox, in
 * one transaction per commune together with a once-only marker keyed by
 * (member, kind, period). However often a pass runs, or the server
 * restarts, each message goes out once.
 *
 * Who gets what (HUY NHAC sets members.reminders = 0):
 *   REMINDER   members with interest due who have not paid this session,
 *              from days_before days before the session until the day
 *              before it (the day itself when days_before is 0), signed
 *              with the leader's given name; reminders = 1 only.
 *   LEADER     each leader the day before: unpaid / members with interest
 *              due in her group; reminders = 1 only.
 *   OVERDUE    members with overdue_amount > 0, once per session, in the
 *              same days as REMINDER; reminders = 1 only.
 *   STATEMENT  once a month, statement_days_after days after the session,
 *              to every member with a loan or savings: sent even when
 *              reminders = 0. It is not a nudge to pay but her own account
 *              information, like a receipt: the monthly proof of what was
 *              collected, which is the product's control against a leader
 *              keeping cash, and a customer-care message under Decree 91.
 *              HUY NHAC's confirmation promises only that debt reminders
 *              stop.
 *
 * Send windows are half-open ranges of local minutes: "07:00-11:30" lets
 * a pass at 07:00 send and one at 11:30 not. Outside every window a pass
 * queues nothing; the next pass inside one picks the work up.
 */
#ifndef DT_REMIND_H
#define DT_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "config/config.h"
#include "db/db.h"
#include "text/date.h"

#define REMIND_WINDOWS_MAX 4
/* Statements wait for the bank's postings of the session to be imported
 * (usually the next working day), so they show what was booked. */
#define REMIND_STATEMENT_DAYS_AFTER 2
/* Largest days_before accepted: a session is monthly, and 27 keeps the
 * reminder days inside the month before the session. */
#define REMIND_DAYS_BEFORE_MAX 27

enum remind_kind {
    REMIND_MEMBER,
    REMIND_LEADER,
    REMIND_OVERDUE,
    REMIND_STATEMENT,
    REMIND_KIND_COUNT
};

/* The outbox kind and marker name of k: "REMINDER", "LEADER_NOTE",
 * "OVERDUE", "STATEMENT" (static). */
const char *remind_kind_name(enum remind_kind k);

struct remind_window {
    unsigned from; /* minute of the local day, included */
    unsigned to;   /* minute of the local day, excluded; <= 1440 */
};

struct remind_settings {
    unsigned days_before;          /* 0..REMIND_DAYS_BEFORE_MAX */
    unsigned statement_days_after; /* 1..27 */
    unsigned nwindows;             /* 0..REMIND_WINDOWS_MAX; 0 = never */
    struct remind_window w[REMIND_WINDOWS_MAX];
};

/* 3 days before; statements 2 days after; 07:00-11:30 and 13:00-17:00. */
void remind_settings_default(struct remind_settings *s);
/* The defaults with [reminders] days_before and service_hours of cfg. */
void remind_settings_from_config(const struct dt_config *cfg,
                                 struct remind_settings *s);

/* true when minute (0..1439, local) falls in one of the windows. */
bool remind_in_window(const struct remind_settings *s, unsigned minute);

/* The commune session on or after *today (today's on the day itself),
 * held on session_day (1..28) of each month: the same rule as the
 * session a collection belongs to. The all-zero date for a bad day. */
struct dt_date remind_next_session(const struct dt_date *today,
                                   int session_day);
/* The last session strictly before *today. */
struct dt_date remind_prev_session(const struct dt_date *today,
                                   int session_day);

/* What is due on one local day for the communes of one session day. */
struct remind_due {
    bool due[REMIND_KIND_COUNT];
    /* The session each kind is about: the next one for REMINDER, LEADER
     * and OVERDUE, the last one for STATEMENT. */
    struct dt_date session[REMIND_KIND_COUNT];
    /* The once-only period: the session date "2026-11-17", or for the
     * statement the session's month "2026-11". */
    char period[REMIND_KIND_COUNT][DT_DATE_SIZE];
};

/* Fills out for communes whose session day is session_day, on local date
 * *today. Returns true when anything is due. */
bool remind_plan_day(const struct remind_settings *s,
                     const struct dt_date *today, int session_day,
                     struct remind_due *out);

/* Unix time of local "YYYY-MM-DD HH:MM" (Vietnam, UTC+7). GW_EINVAL for
 * anything else (seconds, a bad date, 24:00). */
gw_err remind_parse_local(const char *s, int64_t *out);

/* ---- one pass over the store ---- */

struct templates;

/* A message of a pass, as shown to the operator; all borrowed for the
 * call only. */
struct remind_msg {
    enum remind_kind kind;
    int64_t member_id;
    const char *phone; /* E.164 */
    const char *text;  /* one GSM-7 segment */
};

typedef void (*remind_msg_fn)(void *arg, const struct remind_msg *m);

/* How a pass beside the gateway shares the database (opts->between):
 * after REMIND_WORK_MS of writing, none for REMIND_GAP_MS, longer than
 * SQLite's busy handler sleeps at a time (100 ms). */
#define REMIND_WORK_MS 250
#define REMIND_GAP_MS 120

struct remind_opts {
    const struct remind_settings *settings; /* borrowed */
    const struct templates *tpl;            /* borrowed, brand set */
    bool dry_run;         /* render and report; write nothing */
    remind_msg_fn on_msg; /* each message rendered; may be NULL */
    void *arg;
    /* Called after each commune's transaction; false ends the pass there
     * (what was committed stays; the next pass goes on). The scheduler
     * waits in it, so that the other writers (the gateway's, the
     * console's) get the database between two communes: SQLite's lock
     * is not fair, and a pass over a thousand communes back to back
     * kept them out past their 5 s. NULL: none. */
    bool (*between)(void *between_arg);
    void *between_arg;
};

struct remind_result {
    bool in_window;                  /* false: nothing was considered */
    size_t count[REMIND_KIND_COUNT]; /* queued (or would be, dry run) */
    size_t skipped;                  /* rows that could not be rendered */
    bool stopped;                    /* opts->between said to stop */
};

/* One pass as at Unix time now. Each commune with something due is one
 * transaction (markers and outbox rows together). GW_EBUSY when the
 * database is locked: what was committed stays, the rest waits for the
 * next pass. res is filled in either case. */
gw_err remind_pass(struct db *db, const struct remind_opts *o, int64_t now,
                   struct remind_result *res);

#endif
