/* outbox.h - the sender thread: drains the durable outbox to the
 * configured aggregator
 *
 * The sender claims due QUEUED rows, sends each with the provider's
 * build_send over libcurl (multi interface, up to OUTBOX_MAX_INFLIGHT
 * transfers at once, connect and total timeouts, TLS verification on, no
 * signals, no redirects) and records every attempt with the aggregator's
 * answer (a send_attempts row and a log line with the phone masked).
 *
 *   accepted (read_send SEND_OK)         -> SENT
 *   SEND_RETRY, timeout, transport error -> QUEUED again after
 *        backoff_initial * 2^attempts s, capped at backoff_max, less up
 *        to 20% random jitter (so retries of a batch spread out); FAILED
 *        once max_attempts attempts are used
 *   SEND_FAIL (permanent)                -> FAILED
 *
 * Limits: never more than send_rate messages in any one-second window at
 * the aggregator (outbox_rate.h); at most daily_sms_budget messages
 * accepted per Vietnam day (0: no budget): once reached, rows stay QUEUED
 * until the next day and a warning is logged once.
 *
 * Updates of one round are written in one transaction together with the
 * next claim (one commit a round, not one a message). Rows found SENDING
 * at start-up (a crash) are requeued and counted as possible duplicates.
 *
 * Transport: http and https are both allowed, since Kannel's sendsms and
 * the test stub speak plain http on loopback; use https URLs for any
 * aggregator off the machine. The `log` provider sends nothing: each
 * message is logged (phone masked) and marked SENT.
 */
#ifndef DT_OUTBOX_H
#define DT_OUTBOX_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/config.h"
#include "gateway/provider.h"

#define OUTBOX_MAX_INFLIGHT 64
/* Upper bounds (seconds) of the send latency histogram buckets; the
 * last bucket, +Inf, is the count. */
#define OUTBOX_LATENCY_BUCKETS 10
extern const double outbox_latency_bounds[OUTBOX_LATENCY_BUCKETS];

struct outbox;

struct outbox_metrics {
    uint64_t attempts; /* every send attempt */
    uint64_t sent;     /* accepted by the aggregator */
    uint64_t retries;  /* attempts to be tried again */
    uint64_t failed;   /* messages moved to FAILED */
    /* Messages the phone may get twice: found SENDING at start-up, or
     * sent with no answer (timeout after the request went out). */
    uint64_t duplicates_possible;
    uint64_t sent_today;     /* counted against daily_sms_budget */
    uint32_t budget_reached; /* 1 while sending is paused for the day */
    uint32_t in_flight;
    /* Flushes of results and claims the store refused (disk full,
     * database locked); each is followed by a backoff. */
    uint64_t store_failures;
    /* Send latency (start to answer) of the attempts that got one:
     * latency_le[i] counts those <= outbox_latency_bounds[i]
     * (cumulative, as Prometheus wants). */
    uint64_t latency_count;
    double latency_sum; /* seconds */
    uint64_t latency_le[OUTBOX_LATENCY_BUCKETS];
};

/* Opens its own connection to db_path, requeues rows left SENDING and
 * starts the sender for cfg->provider (provider_find, config_provider).
 * cfg is borrowed and must outlive the outbox. GW_EINVAL for a provider
 * that does not exist or cannot send; the reason is logged. */
gw_err outbox_start(const struct dt_config *cfg, const char *db_path,
                    struct outbox **out);
/* The same with the provider given (tests): ops may be a test double;
 * pcfg (borrowed, may be NULL for `log`) is passed to its build_send. */
gw_err outbox_start_with(const struct dt_config *cfg, const char *db_path,
                         const struct provider_ops *ops,
                         const struct cfg_provider *pcfg, struct outbox **out);

/* Wakes the sender: call after a commit that queued messages. Cheap,
 * thread-safe, never blocks on the sender. NULL-safe; not after stop. */
void outbox_notify(struct outbox *ob);

/* Stops claiming, gives claimed rows not yet sent back to QUEUED, lets
 * the transfers in flight finish or time out (request_timeout_ms), records
 * their results, joins the thread, closes the connection and frees ob.
 * NULL-safe. */
void outbox_stop(struct outbox *ob);

/* A consistent copy of the counters; thread-safe. */
void outbox_metrics(struct outbox *ob, struct outbox_metrics *out);
/* Appends m in the Prometheus text format (diemtua_outbox_* counters,
 * gauges and the diemtua_outbox_send_seconds histogram) to out. */
void outbox_metrics_render(const struct outbox_metrics *m, struct buf *out);

#endif
