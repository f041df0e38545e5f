/* metrics.c - atomic counters and their Prometheus text exposition */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "common/util.h"
#include "gateway/metrics.h"
#include "common/banned.h"

static const char *const path_names[METRICS_PATH_COUNT] = {
    "/v1/{provider}/sms", "/v1/{provider}/dlr", "/v1/{provider}/ussd",
    "/healthz",           "/metrics",           "other",
};

/* The statuses we answer; anything else is counted under "other". */
static const unsigned status_codes[] = {200, 202, 400, 401, 403, 404,
                                        405, 413, 414, 431, 500, 503};
#define NSTATUS (ARRAY_SIZE(status_codes) + 1)

static const char *const provider_names[] = {"kannel", "esms", "africastalking",
                                             "log"};
#define NPROVIDER (ARRAY_SIZE(provider_names) + 1)

static const char *const result_names[METRICS_IN_COUNT] = {
    "ok",      "duplicate", "rate_limited", "unknown_sender", "unknown_capped",
    "ignored", "dlr_held",  "dlr_kept",     "forbidden",      "invalid",
    "error",
};

/* Upper bounds: jobs a batch, and microseconds a commit. */
static const uint64_t batch_bounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
static const uint64_t commit_bounds_us[] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

static _Atomic uint64_t http_count[METRICS_PATH_COUNT][NSTATUS];
static _Atomic uint64_t inbound_count[NPROVIDER][METRICS_IN_COUNT];
static _Atomic uint64_t batch_bucket[ARRAY_SIZE(batch_bounds) + 1];
static _Atomic uint64_t batch_sum, batch_count;
static _Atomic uint64_t commit_bucket[ARRAY_SIZE(commit_bounds_us) + 1];
static _Atomic uint64_t commit_sum_us;
/* Set before the HTTP threads start (and cleared after they stop), so a
 * lock protects the pair only against a stray scrape. */
static pthread_mutex_t extra_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*extra_fn)(void *cls, struct buf *out);
static void *extra_cls;

static void bump(_Atomic uint64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t get(_Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_http(enum metrics_path path, unsigned status)
{
    size_t i;

    if ((unsigned)path >= METRICS_PATH_COUNT)
        path = METRICS_PATH_OTHER;
    for (i = 0; i < ARRAY_SIZE(status_codes); i++)
        if (status_codes[i] == status)
            break;
    bump(&http_count[path][i], 1);
}

void metrics_inbound(const char *provider, enum metrics_inbound result)
{
    size_t i;

    if ((unsigned)result >= METRICS_IN_COUNT)
        return;
    for (i = 0; i < ARRAY_SIZE(provider_names); i++)
        if (provider && strcmp(provider, provider_names[i]) == 0)
            break;
    bump(&inbound_count[i][result], 1);
}

static size_t bucket_of(const uint64_t *bounds, size_t n, uint64_t v)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v <= bounds[i])
            break;
    return i;
}

static _Atomic uint64_t conn_count[METRICS_CONN_COUNT];

void metrics_conn(enum metrics_conn what)
{
    if (what < METRICS_CONN_COUNT)
        bump(&conn_count[what], 1);
}

static void render_conn(struct buf *out)
{
    static const char *const names[METRICS_CONN_COUNT] = {"head_timeout",
                                                          "evicted", "refused"};
    size_t i;

    buf_puts(out, "# HELP diemtua_http_connections_shut_total Connections "
                  "shut down by the guard: request head past its deadline, "
                  "the oldest unfinished head evicted at the limit, or "
                  "refused at the limit.\n"
                  "# TYPE diemtua_http_connections_shut_total counter\n");
    for (i = 0; i < METRICS_CONN_COUNT; i++)
        (void)buf_appendf(out,
                          "diemtua_http_connections_shut_total{reason=\"%s\"}"
                          " %llu\n",
                          names[i], (unsigned long long)get(&conn_count[i]));
}

void metrics_batch(size_t n, double commit_seconds)
{
    uint64_t us = commit_seconds > 0 ? (uint64_t)(commit_seconds * 1e6) : 0;

    bump(&batch_bucket[bucket_of(batch_bounds, ARRAY_SIZE(batch_bounds),
                                 (uint64_t)n)],
         1);
    bump(&batch_sum, (uint64_t)n);
    bump(&batch_count, 1);
    bump(&commit_bucket[bucket_of(commit_bounds_us,
                                  ARRAY_SIZE(commit_bounds_us), us)],
         1);
    bump(&commit_sum_us, us);
}

void metrics_set_extra(void (*fn)(void *cls, struct buf *out), void *cls)
{
    pthread_mutex_lock(&extra_lock);
    extra_fn = fn;
    extra_cls = cls;
    pthread_mutex_unlock(&extra_lock);
}

static void render_http(struct buf *out)
{
    size_t p, s;

    buf_puts(out, "# HELP diemtua_http_requests_total HTTP requests answered."
                  "\n# TYPE diemtua_http_requests_total counter\n");
    for (p = 0; p < METRICS_PATH_COUNT; p++)
        for (s = 0; s < NSTATUS; s++) {
            uint64_t v = get(&http_count[p][s]);

            if (v == 0)
                continue;
            if (s < ARRAY_SIZE(status_codes))
                buf_appendf(out,
                            "diemtua_http_requests_total{path=\"%s\","
                            "status=\"%u\"} %llu\n",
                            path_names[p], status_codes[s],
                            (unsigned long long)v);
            else
                buf_appendf(out,
                            "diemtua_http_requests_total{path=\"%s\","
                            "status=\"other\"} %llu\n",
                            path_names[p], (unsigned long long)v);
        }
}

static void render_inbound(struct buf *out)
{
    size_t p, r;

    buf_puts(out, "# HELP diemtua_inbound_total Inbound callbacks by "
                  "outcome.\n# TYPE diemtua_inbound_total counter\n");
    for (p = 0; p < NPROVIDER; p++)
        for (r = 0; r < METRICS_IN_COUNT; r++) {
            uint64_t v = get(&inbound_count[p][r]);

            if (v == 0)
                continue;
            buf_appendf(out,
                        "diemtua_inbound_total{provider=\"%s\","
                        "result=\"%s\"} %llu\n",
                        p < ARRAY_SIZE(provider_names) ? provider_names[p]
                                                       : "other",
                        result_names[r], (unsigned long long)v);
        }
}

static void render_outbox(struct buf *out, const struct db_outbox_stats *st)
{
    const struct {
        const char *state;
        int64_t n;
    } rows[] = {
        {"queued", st->queued},
        {"sending", st->sending},
        {"sent", st->sent},
        {"delivered", st->delivered},
        {"undelivered", st->undelivered},
        {"failed", st->failed},
    };
    size_t i;

    buf_puts(out, "# HELP diemtua_outbox_messages Outbox rows by state.\n"
                  "# TYPE diemtua_outbox_messages gauge\n");
    for (i = 0; i < ARRAY_SIZE(rows); i++)
        buf_appendf(out, "diemtua_outbox_messages{state=\"%s\"} %lld\n",
                    rows[i].state, (long long)rows[i].n);
}

static void render_histogram(struct buf *out, const char *name,
                             const uint64_t *bounds, size_t nb,
                             _Atomic uint64_t *buckets, double scale,
                             double sum, uint64_t count)
{
    uint64_t cum = 0;
    size_t i;

    for (i = 0; i < nb; i++) {
        cum += get(&buckets[i]);
        buf_appendf(out, "%s_bucket{le=\"%g\"} %llu\n", name,
                    (double)bounds[i] * scale, (unsigned long long)cum);
    }
    cum += get(&buckets[nb]);
    buf_appendf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name,
                (unsigned long long)cum);
    buf_appendf(out, "%s_sum %.6f\n%s_count %llu\n", name, sum, name,
                (unsigned long long)count);
}

void metrics_render(struct buf *out, const struct db_outbox_stats *stats)
{
    uint64_t count = get(&batch_count);

    render_http(out);
    render_conn(out);
    render_inbound(out);
    if (stats)
        render_outbox(out, stats);
    buf_puts(out, "# HELP diemtua_writer_batch_size Jobs committed "
                  "together.\n# TYPE diemtua_writer_batch_size histogram\n");
    render_histogram(out, "diemtua_writer_batch_size", batch_bounds,
                     ARRAY_SIZE(batch_bounds), batch_bucket, 1.0,
                     (double)get(&batch_sum), count);
    buf_puts(out, "# HELP diemtua_commit_seconds Duration of a writer "
                  "commit.\n# TYPE diemtua_commit_seconds histogram\n");
    render_histogram(out, "diemtua_commit_seconds", commit_bounds_us,
                     ARRAY_SIZE(commit_bounds_us), commit_bucket, 1e-6,
                     (double)get(&commit_sum_us) / 1e6, count);
    pthread_mutex_lock(&extra_lock);
    if (extra_fn)
        extra_fn(extra_cls, out);
    pthread_mutex_unlock(&extra_lock);
}
