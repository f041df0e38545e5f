/* scheduler.h - the reminder pass inside `diemtua serve`
 *
 * One thread with its own database connection runs remind_pass() (the
 * same pass as `diemtua remind`) every interval, and refreshes the
 * union-level KPIs for /metrics at most once a minute. Passes are
 * once-only by construction, so a restart or an overlapping
 * `diemtua remind` never sends twice.
 *
 *   struct scheduler *s;
 *   if (scheduler_start(cfg, NULL, &s) == GW_OK) {
 *       ...                       // a /metrics hook calls scheduler_metrics()
 *       scheduler_stop(s);
 *   }
 */
#ifndef DT_SCHEDULER_H
#define DT_SCHEDULER_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/config.h"

struct scheduler;

struct scheduler_opts {
    unsigned interval_s; /* between passes; 0 = 60 */
    /* Called after a pass queued messages (wake the outbox sender); may
     * be NULL. Runs on the scheduler thread. */
    void (*notify)(void *arg);
    void *notify_arg;
    /* Test seam: the clock (Unix seconds); NULL = time(). */
    int64_t (*clock)(void);
};

/* Loads the templates of cfg, opens cfg->db_path and starts the thread;
 * the first pass runs at once. cfg is borrowed until scheduler_stop();
 * opts may be NULL. *out is NULL on failure (logged). */
gw_err scheduler_start(const struct dt_config *cfg,
                       const struct scheduler_opts *opts,
                       struct scheduler **out);

/* Wakes the thread, waits for the pass in progress to finish, closes
 * everything and frees s. NULL-safe. */
void scheduler_stop(struct scheduler *s);

/* Passes completed since start (tests). */
uint64_t scheduler_passes(struct scheduler *s);

/* Appends the union-level KPI gauges and the scheduler's counters in
 * Prometheus text format to out (nothing before the first refresh).
 * Reads a cache under a mutex, never the database, so a scrape costs
 * nothing; safe from any thread (server.c's metrics hook calls it). */
void scheduler_metrics(struct buf *out);

#endif
