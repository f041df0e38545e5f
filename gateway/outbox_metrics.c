/* outbox_metrics.c - the sender's counters in the Prometheus text format */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "gateway/outbox.h"
#include "common/banned.h"

const double outbox_latency_bounds[OUTBOX_LATENCY_BUCKETS] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

void outbox_metrics_render(const struct outbox_metrics *m, struct buf *out)
{
    static const struct {
        const char *name, *type, *help;
        size_t off;
    } rows[] = {
        {"attempts_total", "counter", "Send attempts.",
         offsetof(struct outbox_metrics, attempts)},
        {"sent_total", "counter", "Messages accepted by the aggregator.",
         offsetof(struct outbox_metrics, sent)},
        {"retries_total", "counter", "Attempts to be tried again.",
         offsetof(struct outbox_metrics, retries)},
        {"failed_total", "counter", "Messages given up (FAILED).",
         offsetof(struct outbox_metrics, failed)},
        {"duplicates_possible_total", "counter",
         "Messages the phone may have received twice.",
         offsetof(struct outbox_metrics, duplicates_possible)},
        {"store_failures_total", "counter",
         "Times the results could not be recorded (the sender backs off).",
         offsetof(struct outbox_metrics, store_failures)},
        {"sent_today", "gauge", "Messages counted against today's SMS budget.",
         offsetof(struct outbox_metrics, sent_today)},
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint64_t v;

        memcpy(&v, (const char *)m + rows[i].off, sizeof(v));
        buf_appendf(out,
                    "# HELP diemtua_outbox_%s %s\n# TYPE diemtua_outbox_%s "
                    "%s\ndiemtua_outbox_%s %llu\n",
                    rows[i].name, rows[i].help, rows[i].name, rows[i].type,
                    rows[i].name, (unsigned long long)v);
    }
    buf_appendf(out,
                "# HELP diemtua_outbox_in_flight Transfers under way.\n"
                "# TYPE diemtua_outbox_in_flight gauge\n"
                "diemtua_outbox_in_flight %u\n"
                "# HELP diemtua_outbox_budget_reached 1 while the daily SMS "
                "budget holds sending.\n"
                "# TYPE diemtua_outbox_budget_reached gauge\n"
                "diemtua_outbox_budget_reached %u\n"
                "# HELP diemtua_outbox_send_seconds Time from start to the "
                "aggregator's answer.\n"
                "# TYPE diemtua_outbox_send_seconds histogram\n",
                m->in_flight, m->budget_reached);
    for (i = 0; i < OUTBOX_LATENCY_BUCKETS; i++)
        buf_appendf(out, "diemtua_outbox_send_seconds_bucket{le=\"%g\"} %llu\n",
                    outbox_latency_bounds[i],
                    (unsigned long long)m->latency_le[i]);
    buf_appendf(out,
                "diemtua_outbox_send_seconds_bucket{le=\"+Inf\"} %llu\n"
                "diemtua_outbox_send_seconds_sum %.6f\n"
                "diemtua_outbox_send_seconds_count %llu\n",
                (unsigned long long)m->latency_count, m->latency_sum,
                (unsigned long long)m->latency_count);
}
