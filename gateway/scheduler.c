/* scheduler.c - a thread that runs the reminder pass every minute */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db.h"
#include "db/db_report.h"
#include "gateway/scheduler.h"
#include "handlers/remind.h"
#include "handlers/template.h"
#include "common/banned.h"

#define SCHEDULER_DEFAULT_INTERVAL 60
/* The KPI query reads every loan: at most once a minute. */
#define SCHEDULER_KPI_EVERY 60

struct scheduler {
    const struct dt_config *cfg;
    struct scheduler_opts opts;
    struct remind_settings settings;
    struct templates tpl;
    struct db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    uint64_t passes;
    int64_t kpi_at;      /* last KPI refresh, 0 = never */
    int64_t worked_from; /* monotonic ms: the pass's writing since then */
};

/* The cache /metrics reads: process-wide, as the metrics hook has no
 * argument; one scheduler runs per process. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    bool have_kpi;
    struct db_kpi kpi;
    uint64_t queued[REMIND_KIND_COUNT];
    uint64_t errors;
} cache;

static int64_t wall_clock(void)
{
    return (int64_t)time(NULL);
}

static void refresh_kpis(struct scheduler *s, int64_t now)
{
    struct db_kpi_period p;
    struct dt_date d = date_local((time_t)now, NULL);
    struct dt_date first = {d.year, d.month, 1};
    struct dt_date last = {d.year, d.month,
                           date_days_in_month(d.year, d.month)};
    struct db_kpi k;

    if (s->kpi_at && now - s->kpi_at < SCHEDULER_KPI_EVERY && now >= s->kpi_at)
        return;
    s->kpi_at = now;
    date_format_iso(&first, p.month_from, sizeof(p.month_from));
    date_format_iso(&last, p.month_to, sizeof(p.month_to));
    memcpy(p.session_from, p.month_from, sizeof(p.session_from));
    memcpy(p.session_to, p.month_to, sizeof(p.session_to));
    if (db_report_union(s->db, &p, &k) != GW_OK)
        return;
    pthread_mutex_lock(&cache_mu);
    cache.kpi = k;
    cache.have_kpi = true;
    pthread_mutex_unlock(&cache_mu);
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Between two communes of a pass: after REMIND_WORK_MS of writing, the
 * database is left to the other writers for REMIND_GAP_MS, so that they
 * wait about 370 ms at most while a full pass stays well inside its
 * minute (at most about half again as long); a stop ends the pass here. */
static bool gap(void *arg)
{
    struct scheduler *s = arg;
    struct timespec until;
    bool go;

    pthread_mutex_lock(&s->mu);
    if (!s->stop && mono_ms() - s->worked_from >= REMIND_WORK_MS) {
        (void)clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += REMIND_GAP_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!s->stop &&
               pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
            ;
        s->worked_from = mono_ms();
    }
    go = !s->stop;
    pthread_mutex_unlock(&s->mu);
    return go;
}

static void run_once(struct scheduler *s)
{
    struct remind_opts o;
    struct remind_result res;
    int64_t now = s->opts.clock ? s->opts.clock() : wall_clock();
    size_t total = 0;
    unsigned k;
    gw_err err;

    memset(&o, 0, sizeof(o));
    o.settings = &s->settings;
    o.tpl = &s->tpl;
    o.between = gap;
    o.between_arg = s;
    s->worked_from = mono_ms();
    err = remind_pass(s->db, &o, now, &res);
    pthread_mutex_lock(&cache_mu);
    for (k = 0; k < REMIND_KIND_COUNT; k++) {
        cache.queued[k] += res.count[k];
        total += res.count[k];
    }
    if (err)
        cache.errors++;
    pthread_mutex_unlock(&cache_mu);
    if (err)
        log_warn("remind", "pass stopped: %s (the next pass goes on)",
                 gw_strerror(err));
    if (total) {
        log_info("remind",
                 "queued %zu reminders, %zu leader notes, %zu overdue "
                 "notices, %zu statements",
                 res.count[REMIND_MEMBER], res.count[REMIND_LEADER],
                 res.count[REMIND_OVERDUE], res.count[REMIND_STATEMENT]);
        if (s->opts.notify)
            s->opts.notify(s->opts.notify_arg);
    }
    refresh_kpis(s, now);
}

static void *scheduler_main(void *arg)
{
    struct scheduler *s = arg;
    struct timespec until;

    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        pthread_mutex_unlock(&s->mu);
        run_once(s);
        pthread_mutex_lock(&s->mu);
        s->passes++;
        (void)clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)s->opts.interval_s;
        while (!s->stop &&
               pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void scheduler_free(struct scheduler *s)
{
    db_close(s->db);
    templates_release(&s->tpl);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

gw_err scheduler_start(const struct dt_config *cfg,
                       const struct scheduler_opts *opts,
                       struct scheduler **out)
{
    struct scheduler *s = xcalloc(1, sizeof(*s));
    char why[512];
    gw_err err;

    *out = NULL;
    s->cfg = cfg;
    if (opts)
        s->opts = *opts;
    if (s->opts.interval_s == 0)
        s->opts.interval_s = SCHEDULER_DEFAULT_INTERVAL;
    remind_settings_from_config(cfg, &s->settings);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    err = templates_load(cfg->templates, &s->tpl, why, sizeof(why));
    if (err)
        log_error("remind", "%s", why);
    if (!err &&
        (err = templates_set_brand(&s->tpl, cfg->brand, cfg->hotline)) != GW_OK)
        log_error("remind", "bad brand or hotline");
    if (!err)
        err = db_open(cfg->db_path, &s->db);
    if (!err && pthread_create(&s->thread, NULL, scheduler_main, s) != 0) {
        log_error("remind", "cannot start the scheduler thread");
        err = GW_EINTERNAL;
    }
    if (err) {
        scheduler_free(s);
        return err;
    }
    log_info("remind", "scheduler started: a pass every %u s",
             s->opts.interval_s);
    *out = s;
    return GW_OK;
}

void scheduler_stop(struct scheduler *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    (void)pthread_join(s->thread, NULL);
    scheduler_free(s);
}

uint64_t scheduler_passes(struct scheduler *s)
{
    uint64_t n;

    pthread_mutex_lock(&s->mu);
    n = s->passes;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void gauge(struct buf *out, const char *name, const char *help,
                  int64_t v)
{
    (void)buf_appendf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name,
                      help, name, name, (long long)v);
}

void scheduler_metrics(struct buf *out)
{
    struct db_kpi k;
    uint64_t queued[REMIND_KIND_COUNT], errors;
    bool have;
    unsigned i;

    pthread_mutex_lock(&cache_mu);
    have = cache.have_kpi;
    k = cache.kpi;
    memcpy(queued, cache.queued, sizeof(queued));
    errors = cache.errors;
    pthread_mutex_unlock(&cache_mu);
    (void)buf_puts(out, "# HELP diemtua_scheduled_queued_total Scheduled "
                        "messages queued, by kind.\n"
                        "# TYPE diemtua_scheduled_queued_total counter\n");
    for (i = 0; i < REMIND_KIND_COUNT; i++)
        (void)buf_appendf(out,
                          "diemtua_scheduled_queued_total{kind=\"%s\"} "
                          "%llu\n",
                          remind_kind_name((enum remind_kind)i),
                          (unsigned long long)queued[i]);
    (void)buf_appendf(out,
                      "# HELP diemtua_scheduler_errors_total Reminder "
                      "passes that stopped on an error.\n"
                      "# TYPE diemtua_scheduler_errors_total counter\n"
                      "diemtua_scheduler_errors_total %llu\n",
                      (unsigned long long)errors);
    if (!have)
        return;
    gauge(out, "diemtua_kpi_outstanding_vnd",
          "Outstanding on open loans, whole database (VND).", k.outstanding);
    gauge(out, "diemtua_kpi_overdue_vnd", "Overdue amount (VND).", k.overdue);
    gauge(out, "diemtua_kpi_overdue_ratio_bp",
          "Overdue / outstanding, basis points.",
          kpi_ratio_bp(k.overdue, k.outstanding));
    gauge(out, "diemtua_kpi_interest_collection_bp",
          "Interest collected this month / interest due, basis points.",
          kpi_ratio_bp(k.interest_collected, k.interest_due));
    gauge(out, "diemtua_kpi_savers_share_bp",
          "Members who saved this month / members, basis points.",
          kpi_ratio_bp(k.savers, k.members));
    gauge(out, "diemtua_kpi_receipts_disputed",
          "Receipts of this month's sessions disputed by the member.",
          k.disputed);
    gauge(out, "diemtua_kpi_receipts_unbooked",
          "Receipts of this month's sessions the bank never booked.",
          k.unposted);
}
