/* metrics.h - process-wide counters for /metrics (Prometheus text)
 *
 * Counters are C11 atomics updated from any thread without a lock; the
 * renderer reads them with relaxed loads (a scrape may see one counter a
 * request ahead of another, which Prometheus tolerates).
 *
 *   metrics_http(METRICS_PATH_SMS, 200);
 *   metrics_render(&buf, &stats);
 */
#ifndef DT_METRICS_H
#define DT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "db/db_msg.h"

/* Route templates: labels never hold raw URLs (unbounded cardinality). */
enum metrics_path {
    METRICS_PATH_SMS,
    METRICS_PATH_DLR,
    METRICS_PATH_USSD,
    METRICS_PATH_HEALTHZ,
    METRICS_PATH_METRICS,
    METRICS_PATH_OTHER,
    METRICS_PATH_COUNT
};

/* What became of one inbound callback. */
enum metrics_inbound {
    METRICS_IN_OK,             /* stored and handled (or a DLR applied) */
    METRICS_IN_DUPLICATE,      /* a provider retry: acknowledged, no effect */
    METRICS_IN_RATE_LIMITED,   /* stored, no command, no reply */
    METRICS_IN_UNKNOWN,        /* sender not a Vietnamese mobile */
    METRICS_IN_UNKNOWN_CAPPED, /* unknown number: hourly reply cap hit */
    METRICS_IN_IGNORED,        /* DLR with nothing to change */
    METRICS_IN_DLR_HELD,       /* DLR for a message still being sent: held */
    METRICS_IN_DLR_KEPT,       /* DLR contradicting its message: kept only */
    METRICS_IN_FORBIDDEN,      /* failed authentication */
    METRICS_IN_INVALID,        /* unparseable callback */
    METRICS_IN_ERROR,          /* 5xx: the provider will retry */
    METRICS_IN_COUNT
};

void metrics_http(enum metrics_path path, unsigned status);

/* Connections the guard (conn_guard.h) shut down, by reason. */
enum metrics_conn {
    METRICS_CONN_HEAD_TIMEOUT, /* request head not complete in time */
    METRICS_CONN_EVICTED,      /* made room at the limit: oldest head */
    METRICS_CONN_REFUSED,      /* at the limit, every connection busy */
    METRICS_CONN_COUNT
};
void metrics_conn(enum metrics_conn what);
/* provider is a provider module name; others are counted as "other". */
void metrics_inbound(const char *provider, enum metrics_inbound result);
/* One writer batch of n jobs whose commit took seconds. */
void metrics_batch(size_t n, double commit_seconds);

/* Extra text appended to every scrape (the outbox sender's send latency
 * and retries): fn(cls, out) appends to out. NULL removes the hook. Set
 * it before the HTTP server starts and clear it before cls goes away. */
void metrics_set_extra(void (*fn)(void *cls, struct buf *out), void *cls);

/* Appends the whole exposition to out. stats is NULL when the database
 * could not be read (the outbox gauge is then left out). */
void metrics_render(struct buf *out, const struct db_outbox_stats *stats);

#endif
