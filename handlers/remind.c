/* remind.c - plan and run a pass of scheduled messages
 *
 * The planning half is pure (local dates, windows, which kind is due for
 * which session day); the pass half walks the store through
 * db/db_remind.h and queues through db_outbox_enqueue(). No SQL here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "db/db_msg.h"
#include "db/db_remind.h"
#include "handlers/remind.h"
#include "handlers/template.h"
#include "common/banned.h"

#define MINUTES_PER_DAY 1440U
#define SECONDS_PER_DAY 86400

static const char *const kind_names[REMIND_KIND_COUNT] = {
    "REMINDER", "LEADER_NOTE", "OVERDUE", "STATEMENT"};

const char *remind_kind_name(enum remind_kind k)
{
    return (unsigned)k < REMIND_KIND_COUNT ? kind_names[k] : "?";
}

void remind_settings_default(struct remind_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->days_before = 3;
    s->statement_days_after = REMIND_STATEMENT_DAYS_AFTER;
    s->nwindows = 2;
    s->w[0].from = 7 * 60;
    s->w[0].to = 11 * 60 + 30;
    s->w[1].from = 13 * 60;
    s->w[1].to = 17 * 60;
}

void remind_settings_from_config(const struct dt_config *cfg,
                                 struct remind_settings *s)
{
    unsigned i, n;

    remind_settings_default(s);
    s->days_before = cfg->remind_days_before > REMIND_DAYS_BEFORE_MAX
                         ? REMIND_DAYS_BEFORE_MAX
                         : cfg->remind_days_before;
    n = cfg->service_hours.n;
    if (n == 0)
        return; /* not configured: keep the default windows */
    if (n > REMIND_WINDOWS_MAX)
        n = REMIND_WINDOWS_MAX;
    s->nwindows = n;
    for (i = 0; i < n; i++) {
        s->w[i].from = cfg->service_hours.w[i].from;
        s->w[i].to = cfg->service_hours.w[i].to;
    }
}

bool remind_in_window(const struct remind_settings *s, unsigned minute)
{
    unsigned i;

    for (i = 0; i < s->nwindows && i < REMIND_WINDOWS_MAX; i++)
        if (minute >= s->w[i].from && minute < s->w[i].to)
            return true;
    return false;
}

/* Session day in the month of (year, month). Days are 1..28, so every
 * month has it. */
static struct dt_date session_in(int year, int month, int day)
{
    struct dt_date d = {year, month, day};

    if (month < 1) {
        d.year--;
        d.month = 12;
    } else if (month > 12) {
        d.year++;
        d.month = 1;
    }
    return d;
}

struct dt_date remind_next_session(const struct dt_date *today, int session_day)
{
    static const struct dt_date none = {0, 0, 0};

    if (session_day < 1 || session_day > 28 || !date_valid(today))
        return none;
    if (today->day <= session_day)
        return session_in(today->year, today->month, session_day);
    return session_in(today->year, today->month + 1, session_day);
}

struct dt_date remind_prev_session(const struct dt_date *today, int session_day)
{
    static const struct dt_date none = {0, 0, 0};

    if (session_day < 1 || session_day > 28 || !date_valid(today))
        return none;
    if (today->day > session_day)
        return session_in(today->year, today->month, session_day);
    return session_in(today->year, today->month - 1, session_day);
}

static void set_due(struct remind_due *out, enum remind_kind k,
                    const struct dt_date *session, bool month_only)
{
    out->due[k] = true;
    out->session[k] = *session;
    date_format_iso(session, out->period[k], sizeof(out->period[k]));
    if (month_only)
        out->period[k][7] = '\0'; /* "2026-11" */
}

bool remind_plan_day(const struct remind_settings *s,
                     const struct dt_date *today, int session_day,
                     struct remind_due *out)
{
    struct dt_date next = remind_next_session(today, session_day);
    struct dt_date prev = remind_prev_session(today, session_day);
    int64_t until, since;

    memset(out, 0, sizeof(*out));
    if (!date_valid(&next) || !date_valid(&prev))
        return false;
    until = date_to_days(&next) - date_to_days(today);
    since = date_to_days(today) - date_to_days(&prev);
    /* From days_before days ahead to the day before; on the day itself
     * only when days_before is 0 (the session is that morning). Days in
     * between catch up a pass that could not run. */
    if (until <= (int64_t)s->days_before &&
        (until >= 1 || s->days_before == 0)) {
        set_due(out, REMIND_MEMBER, &next, false);
        set_due(out, REMIND_OVERDUE, &next, false);
    }
    if (until == 1)
        set_due(out, REMIND_LEADER, &next, false);
    if (s->statement_days_after > 0 &&
        since >= (int64_t)s->statement_days_after)
        set_due(out, REMIND_STATEMENT, &prev, true);
    return out->due[REMIND_MEMBER] || out->due[REMIND_LEADER] ||
           out->due[REMIND_OVERDUE] || out->due[REMIND_STATEMENT];
}

static bool two_digits(const char *p, unsigned *v)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return false;
    *v = (unsigned)(p[0] - '0') * 10U + (unsigned)(p[1] - '0');
    return true;
}

gw_err remind_parse_local(const char *s, int64_t *out)
{
    struct dt_date d;
    unsigned hh, mm;

    if (s == NULL || strlen(s) != 16 || s[10] != ' ' || s[13] != ':' ||
        date_parse_iso(strv_make(s, 10), &d) != GW_OK ||
        !two_digits(s + 11, &hh) || !two_digits(s + 14, &mm) || hh > 23 ||
        mm > 59)
        return GW_EINVAL;
    *out = date_to_days(&d) * SECONDS_PER_DAY + (int64_t)(hh * 3600U) +
           (int64_t)(mm * 60U) - DT_TZ_OFFSET_SECONDS;
    return GW_OK;
}

/* ---- the pass ---- */

/* State of one commune's walk. */
struct walk {
    const struct remind_opts *o;
    struct db *db;
    enum remind_kind kind;
    const struct remind_due *due;
    int64_t now;
    size_t queued, skipped;
};

static gw_err render(const struct walk *w, const struct db_remind_row *r,
                     char *out, size_t size)
{
    const struct dt_date *ses = &w->due->session[w->kind];
    struct dt_date date;
    const struct templates *t = w->o->tpl;

    switch (w->kind) {
    case REMIND_MEMBER: {
        const struct tpl_arg a[] = {
            TPL_STR("leader", r->leader), TPL_DATE("session", *ses),
            TPL_STR("commune", r->commune), TPL_INT("month", ses->month),
            TPL_INT("interest", r->amount)};

        if (r->leader[0] == '\0')
            return GW_ENOTFOUND; /* a reminder must be signed */
        return template_render(t, MSG_REMINDER, a, ARRAY_SIZE(a), out, size);
    }
    case REMIND_LEADER: {
        const struct tpl_arg a[] = {
            TPL_DATE("session", *ses), TPL_STR("commune", r->commune),
            TPL_INT("unpaid", r->count), TPL_INT("members", r->count2)};

        return template_render(t, MSG_LEADER_DAY_BEFORE, a, ARRAY_SIZE(a), out,
                               size);
    }
    case REMIND_OVERDUE: {
        if (date_parse_iso(strv_from_cstr(r->date), &date) != GW_OK)
            date = *ses; /* no date on the loan: not expected */
        const struct tpl_arg a[] = {
            TPL_STR("program", r->program), TPL_INT("overdue", r->amount),
            TPL_DATE("date", date), TPL_STR("officer", r->officer)};

        return template_render(t, MSG_OVERDUE, a, ARRAY_SIZE(a), out, size);
    }
    case REMIND_STATEMENT: {
        const struct tpl_arg a[] = {
            TPL_INT("month", ses->month), TPL_INT("outstanding", r->amount),
            TPL_INT("savings", r->amount2), TPL_INT("interest", r->amount3),
            TPL_INT("count", r->count)};

        return template_render(t, MSG_STATEMENT, a, ARRAY_SIZE(a), out, size);
    }
    case REMIND_KIND_COUNT:
        break;
    }
    return GW_EINTERNAL;
}

static gw_err on_row(void *arg, const struct db_remind_row *r)
{
    struct walk *w = arg;
    const char *kind = kind_names[w->kind];
    char text[DT_SMS_MAX + 1];
    struct remind_msg m;
    int64_t outbox_id = 0;
    bool fresh = true;
    gw_err err;

    /* A leader with nobody owing interest gets no note. */
    if (w->kind == REMIND_LEADER && r->count2 == 0)
        return GW_OK;
    err = render(w, r, text, sizeof(text));
    if (err == GW_ENOTFOUND) {
        log_warn("remind",
                 "no %s for member %lld: her group has no leader "
                 "to sign it",
                 kind, (long long)r->member_id);
        w->skipped++;
        return GW_OK;
    }
    if (err) {
        /* One bad row (no leader, an amount past the template's width)
         * must not stop the others: count it and go on. */
        log_warn("remind", "%s for member %lld not rendered: %s", kind,
                 (long long)r->member_id, gw_strerror(err));
        w->skipped++;
        return GW_OK;
    }
    if (!w->o->dry_run) {
        err = db_outbox_enqueue(w->db, r->phone, text, kind, r->member_id, 0,
                                w->now, &outbox_id);
        if (err == GW_OK)
            err = db_remind_mark(w->db, r->member_id, kind,
                                 w->due->period[w->kind], outbox_id, w->now,
                                 &fresh);
        if (err)
            return err;
        /* The walk excludes marked members and we hold the write lock:
         * a marker already there means the query returned a member
         * twice. Undo the commune rather than send twice. */
        if (!fresh)
            return GW_EINTERNAL;
    }
    w->queued++;
    if (w->o->on_msg) {
        m.kind = w->kind;
        m.member_id = r->member_id;
        m.phone = r->phone;
        m.text = text;
        w->o->on_msg(w->o->arg, &m);
    }
    return GW_OK;
}

static const enum db_remind_query kind_query[REMIND_KIND_COUNT] = {
    DB_REMIND_MEMBERS, DB_REMIND_LEADERS, DB_REMIND_OVERDUE,
    DB_REMIND_STATEMENTS};

/* One commune, one kind: one transaction (none in a dry run). */
static gw_err run_commune(struct walk *w, int64_t commune_id)
{
    const char *kind = kind_names[w->kind];
    const char *period = w->due->period[w->kind];
    char session[DT_DATE_SIZE];
    gw_err err;

    date_format_iso(&w->due->session[w->kind], session, sizeof(session));
    w->queued = w->skipped = 0;
    if (!w->o->dry_run && (err = db_begin(w->db)) != GW_OK)
        return err;
    err = db_remind_walk(w->db, kind_query[w->kind], commune_id, kind, period,
                         session, on_row, w);
    if (w->o->dry_run)
        return err;
    if (err == GW_OK)
        err = db_remind_commune_done(w->db, commune_id, kind, period, w->queued,
                                     w->now);
    if (err == GW_OK)
        err = db_commit(w->db);
    if (err) {
        db_rollback(w->db);
        w->queued = 0;
    }
    return err;
}

static gw_err run_kind(struct db *db, const struct remind_opts *o,
                       const struct remind_due *due, enum remind_kind k,
                       int session_day, int64_t now, struct remind_result *res)
{
    struct walk w = {o, db, k, due, now, 0, 0};
    int64_t *ids = NULL;
    size_t n = 0, i;
    gw_err err = db_remind_communes(db, session_day, kind_names[k],
                                    due->period[k], &ids, &n);

    for (i = 0; err == GW_OK && i < n; i++) {
        err = run_commune(&w, ids[i]);
        res->count[k] += w.queued;
        res->skipped += w.skipped;
        if (err == GW_OK && !o->dry_run && o->between &&
            !o->between(o->between_arg)) {
            res->stopped = true;
            break;
        }
    }
    free(ids);
    return err;
}

gw_err remind_pass(struct db *db, const struct remind_opts *o, int64_t now,
                   struct remind_result *res)
{
    struct remind_due due;
    struct dt_date today;
    int minute = 0, day;
    unsigned k;
    gw_err err = GW_OK;

    memset(res, 0, sizeof(*res));
    today = date_local((time_t)now, &minute);
    if (!date_valid(&today))
        return GW_EINVAL;
    res->in_window = remind_in_window(o->settings, (unsigned)minute);
    if (!res->in_window)
        return GW_OK;
    for (day = 1; day <= 28 && err == GW_OK && !res->stopped; day++) {
        if (!remind_plan_day(o->settings, &today, day, &due))
            continue;
        for (k = 0; k < REMIND_KIND_COUNT && err == GW_OK && !res->stopped; k++)
            if (due.due[k])
                err = run_kind(db, o, &due, (enum remind_kind)k, day, now, res);
    }
    return err;
}
