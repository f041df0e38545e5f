/* outbox.c - the sender thread: claim, send with libcurl multi, record
 *
 * One thread owns everything below the mutex: its db connection, the curl
 * multi handle and its easy handles, the rate limit. A round of the loop:
 *
 *   flush   one transaction: the results gathered since the last flush
 *           (send_attempts rows, state changes) and the next claim
 *   start   claimed rows, as far as the rate, the budget and the
 *           transfer slots allow
 *   harvest finished transfers become results
 *   wait    curl_multi_poll until a socket is ready, a notify, the rate
 *           frees a slot, a result is due to be flushed, or a row is due
 *
 * A claimed row is only sent after the claim's commit; a result is only
 * logged as final after its commit. A crash in between leaves the row
 * SENDING, which the next start requeues as a possible duplicate.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "db/db.h"
#include "db/db_msg.h"
#include "gateway/outbox.h"
#include "gateway/outbox_budget.h"
#include "gateway/outbox_rate.h"
#include "common/banned.h"

/* Claimed rows waiting for a transfer slot. Few enough that a crash
 * requeues little as "possible duplicate"; claims are also capped at one
 * window of the rate. */
#define OUTBOX_PREFETCH 512
/* Results held before a flush is forced; a transfer only starts when its
 * result has room, so harvesting never overflows. */
#define OUTBOX_RESULTS 512
#define OUTBOX_FLUSH_AT (OUTBOX_RESULTS / 2)
/* How long a result may wait for its commit. */
#define OUTBOX_FLUSH_US 20000
/* Look at the table this often even without a notify (another process,
 * e.g. a reminder run, may queue messages). */
#define OUTBOX_IDLE_US 1000000
/* The aggregator's answer kept for read_send and the log. */
#define OUTBOX_RESP_MAX 4096
/* A stop gives up on writing results after this many failed commits
 * (the rows stay SENDING and are requeued at the next start). */
#define OUTBOX_STOP_TRIES 5
/* After a flush that did not commit (disk full, database locked) the
 * sender writes nothing for a while: 100 ms, doubling to 3.2 s, back to
 * none after a commit. Retrying at once would take the write lock again
 * and again (tens of thousands of times a second on a full disk) and
 * starve the writer, whose clients would then wait out its busy timeout
 * instead of getting a quick 503. The results wait in memory. */
#define OUTBOX_STORE_BACKOFF_MIN_US 100000
#define OUTBOX_STORE_BACKOFF_MAX_US 3200000
#define OUTBOX_STOP_BACKOFF_US 500000

struct xfer {
    CURL *easy;
    struct db_outmsg msg;
    struct prov_send send;
    struct curl_slist *hdrs;
    struct buf resp;
    char errbuf[CURL_ERROR_SIZE];
    int64_t started_us;
};

struct result {
    int64_t id;
    int attempts; /* before this one */
    char phone[DT_PHONE_SIZE];
    enum send_result res;
    long http;
    bool ambiguous; /* the request went out but no answer came */
    double latency; /* seconds; < 0 when no answer */
    int64_t at;     /* wall clock, s */
    char provider_msg_id[128];
    char why[DB_ATTEMPT_DETAIL_MAX + 1];
};

struct outbox {
    const struct dt_config *cfg;
    const struct provider_ops *ops;
    const struct cfg_provider *pcfg;
    bool no_http; /* the log provider */
    struct db *db;
    CURLM *multi;
    pthread_t thread;
    bool started;
    atomic_bool notified;
    atomic_bool stopping;

    /* The sender thread's alone. */
    struct rate_limit rate;
    struct xfer xfers[OUTBOX_MAX_INFLIGHT];
    struct xfer *idle[OUTBOX_MAX_INFLIGHT];
    size_t nidle;
    uint32_t inflight;
    struct db_outmsg pending[OUTBOX_PREFETCH]; /* a ring */
    size_t phead, npending;
    struct db_outmsg claimed[OUTBOX_PREFETCH];
    struct result results[OUTBOX_RESULTS];
    size_t nresults;
    int64_t last_flush_us;
    int64_t next_look_us;   /* look for due rows then, notify or not */
    unsigned flush_fails;   /* failed flushes in a row */
    unsigned stop_fails;    /* of those, since the stop began */
    int64_t store_retry_us; /* no flush before then (store backoff) */
    int64_t day;            /* Vietnam day number of sent_today */
    uint64_t sent_today;
    bool budget_warned;
    int claim_class; /* the classes the budget lets a claim take */
    uint64_t rng;

    pthread_mutex_t mu; /* guards m */
    struct outbox_metrics m;
};

static int64_t mono_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t next_rand(struct outbox *ob)
{
    ob->rng ^= ob->rng << 13;
    ob->rng ^= ob->rng >> 7;
    ob->rng ^= ob->rng << 17;
    return ob->rng;
}

/* backoff_initial * 2^attempts, capped at backoff_max, less up to 20%
 * jitter; in ms. attempts is the count before the failed one. */
static uint64_t backoff_ms(struct outbox *ob, int attempts)
{
    uint64_t cap = (uint64_t)ob->cfg->backoff_max * 1000;
    uint64_t d = (uint64_t)ob->cfg->backoff_initial * 1000;

    if (attempts < 0)
        attempts = 0;
    if (attempts >= 40 || (d && (d << attempts) >> attempts != d))
        d = cap;
    else
        d <<= attempts;
    if (d > cap)
        d = cap;
    return d - next_rand(ob) % (d / 5 + 1);
}

/* ---- budget ---------------------------------------------------------- */

/* What the budget lets a claim take now: the accepted messages count,
 * and so do the ones under way and the results not yet recorded (any of
 * them may be accepted). */
static struct budget_share budget_room(struct outbox *ob)
{
    uint64_t busy = (uint64_t)ob->inflight + ob->npending + ob->nresults;
    uint64_t used = ob->sent_today + busy;
    int64_t day = outbox_budget_day(wall_ms() / 1000);

    if (day != ob->day) {
        ob->day = day;
        ob->sent_today = 0;
        used = busy;
        if (ob->budget_warned)
            log_info("outbox", "new day: daily SMS budget reset");
        ob->budget_warned = false;
    }
    return outbox_budget_share(ob->cfg->daily_sms_budget,
                               ob->cfg->reserved_share, used);
}

/* ---- results --------------------------------------------------------- */

static const char *result_name(const struct result *r, bool final_fail)
{
    if (r->res == SEND_OK)
        return DB_ATTEMPT_SENT;
    return final_fail ? DB_ATTEMPT_FAILED : DB_ATTEMPT_RETRY;
}

/* True when r ends the message as FAILED. */
static bool is_final_fail(const struct outbox *ob, const struct result *r)
{
    unsigned max = ob->cfg->max_attempts ? ob->cfg->max_attempts : 1;

    return r->res == SEND_FAIL ||
           (r->res == SEND_RETRY && (unsigned)r->attempts + 1 >= max);
}

/* The row updates for r, in the flush transaction. */
static gw_err write_result(struct outbox *ob, const struct result *r,
                           int64_t now_ms)
{
    bool final_fail = is_final_fail(ob, r);
    int64_t now = now_ms / 1000;
    char error[DB_ATTEMPT_DETAIL_MAX + 32]; /* the store cuts it */
    gw_err err;

    err = db_outbox_attempt(ob->db, r->id, r->at, r->http,
                            result_name(r, final_fail), r->why);
    if (err)
        return err;
    if (r->res == SEND_OK) {
        err = db_outbox_mark_sent(ob->db, r->id, ob->ops->name,
                                  r->provider_msg_id, now);
    } else if (final_fail) {
        if (r->res == SEND_RETRY)
            (void)snprintf(error, sizeof(error), "after %d attempts: %s",
                           r->attempts + 1, r->why);
        else
            (void)snprintf(error, sizeof(error), "%s", r->why);
        err = db_outbox_mark_failed(ob->db, r->id, error, now);
    } else {
        int64_t due_ms = now_ms + (int64_t)backoff_ms(ob, r->attempts);

        /* Rounded up: due no earlier than the backoff. */
        err = db_outbox_mark_retry(ob->db, r->id, (due_ms + 999) / 1000, r->why,
                                   now);
    }
    /* A delivery report overtook the answer: the row is past SENDING. */
    return err == GW_ENOTFOUND ? GW_OK : err;
}

/* After the commit: the log line and the counters of each result. */
static void account_results(struct outbox *ob)
{
    size_t i, b;

    (void)pthread_mutex_lock(&ob->mu);
    for (i = 0; i < ob->nresults; i++) {
        const struct result *r = &ob->results[i];
        bool final_fail = is_final_fail(ob, r);

        ob->m.attempts++;
        if (r->res == SEND_OK)
            ob->m.sent++;
        else if (final_fail)
            ob->m.failed++;
        else
            ob->m.retries++;
        if (r->ambiguous)
            ob->m.duplicates_possible++;
        if (r->latency >= 0) {
            ob->m.latency_count++;
            ob->m.latency_sum += r->latency;
            for (b = 0; b < OUTBOX_LATENCY_BUCKETS; b++)
                if (r->latency <= outbox_latency_bounds[b])
                    ob->m.latency_le[b]++;
        }
    }
    (void)pthread_mutex_unlock(&ob->mu);
    for (i = 0; i < ob->nresults; i++) {
        const struct result *r = &ob->results[i];
        char masked[32];

        log_mask_phone(r->phone, masked, sizeof(masked));
        log_write(r->res == SEND_OK ? LOG_INFO : LOG_WARN, "outbox",
                  "message %lld to %s, attempt %d: %s (http %ld)%s%s",
                  (long long)r->id, masked, r->attempts + 1,
                  result_name(r, is_final_fail(ob, r)), r->http,
                  r->why[0] ? ": " : "", r->why);
        if (r->res == SEND_OK)
            ob->sent_today++;
    }
}

/* ---- flush: results and the next claim in one transaction ------------- */

static gw_err flush_tx(struct outbox *ob, size_t claim_n, bool stopping,
                       size_t *claimed, int64_t now_ms)
{
    size_t i;
    gw_err err;

    if ((err = db_begin(ob->db)) != GW_OK)
        return err;
    for (i = 0; i < ob->nresults && err == GW_OK; i++)
        err = write_result(ob, &ob->results[i], now_ms);
    /* Claimed rows never handed over go back, untouched. */
    for (i = 0; stopping && i < ob->npending && err == GW_OK; i++) {
        err = db_outbox_unclaim(
            ob->db, ob->pending[(ob->phead + i) % OUTBOX_PREFETCH].id,
            now_ms / 1000);
        if (err == GW_ENOTFOUND)
            err = GW_OK;
    }
    /* Due as of now, not as of before the write lock was waited for: a
     * message queued meanwhile (a receipt) is claimed with the rest. */
    if (err == GW_OK && claim_n > 0)
        err = db_outbox_claim_upto(ob->db, wall_ms() / 1000, ob->claim_class,
                                   ob->claimed, claim_n, claimed);
    if (err == GW_OK)
        return db_commit(ob->db); /* rolls back on failure */
    db_rollback(ob->db);
    return err;
}

/* When no row was due: look again when the next one is, or in a while. */
static void plan_next_look(struct outbox *ob, int64_t now_us)
{
    int64_t due = 0, wait_us = OUTBOX_IDLE_US;
    int64_t now_ms = wall_ms();

    if (db_outbox_next_due_upto(ob->db, ob->claim_class, &due) == GW_OK) {
        int64_t until = due * 1000 - now_ms;

        wait_us = until <= 0 ? 0 : until * 1000;
        if (wait_us > OUTBOX_IDLE_US)
            wait_us = OUTBOX_IDLE_US;
    }
    ob->next_look_us = now_us + wait_us;
}

/* The wait after the fails-th failed flush in a row. */
static int64_t store_backoff_us(unsigned fails)
{
    int64_t d = OUTBOX_STORE_BACKOFF_MIN_US;

    while (fails-- > 1 && d < OUTBOX_STORE_BACKOFF_MAX_US)
        d *= 2;
    return d < OUTBOX_STORE_BACKOFF_MAX_US ? d : OUTBOX_STORE_BACKOFF_MAX_US;
}

static void flush(struct outbox *ob, size_t claim_n, int64_t now_us)
{
    bool stopping = atomic_load(&ob->stopping);
    size_t claimed = 0, i;
    bool retried = false;
    gw_err err = flush_tx(ob, claim_n, stopping, &claimed, wall_ms());

    ob->last_flush_us = now_us;
    if (err) {
        /* flush_tx rolled back: no lock is held while we wait. The
         * results stay for the next flush, their rows stay SENDING (so
         * no claim takes them again) and the claim is undone with them. */
        int64_t delay = store_backoff_us(++ob->flush_fails);

        /* A stop waits for a few quick tries only (OUTBOX_STOP_TRIES). */
        if (stopping) {
            ob->stop_fails++;
            if (delay > OUTBOX_STOP_BACKOFF_US)
                delay = OUTBOX_STOP_BACKOFF_US;
        }
        ob->store_retry_us = mono_us() + delay;
        (void)pthread_mutex_lock(&ob->mu);
        ob->m.store_failures++;
        (void)pthread_mutex_unlock(&ob->mu);
        log_error("outbox",
                  "cannot record send results: %s (try %u; %zu results "
                  "kept, next try in %lld ms)",
                  gw_strerror(err), ob->flush_fails, ob->nresults,
                  (long long)(delay / 1000));
        return;
    }
    if (ob->flush_fails)
        log_info("outbox", "send results recorded again after %u failed tries",
                 ob->flush_fails);
    ob->flush_fails = 0;
    ob->store_retry_us = 0;
    for (i = 0; i < ob->nresults; i++)
        retried |= ob->results[i].res == SEND_RETRY;
    account_results(ob);
    ob->nresults = 0;
    if (stopping)
        ob->npending = 0; /* unclaimed in the transaction */
    for (i = 0; i < claimed; i++)
        ob->pending[(ob->phead + ob->npending++) % OUTBOX_PREFETCH] =
            ob->claimed[i];
    if (claim_n > 0 && claimed == claim_n)
        ob->next_look_us = now_us; /* more may be due */
    else if (claim_n > 0 || retried)
        plan_next_look(ob, now_us);
}

/* ---- sending --------------------------------------------------------- */

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;

    /* A longer answer is cut (sticky error), not refused: read_send sees
     * the beginning, which holds the status. */
    (void)buf_append(b, p, n);
    return n * (size == 0 ? 1 : size);
}

static struct result *new_result(struct outbox *ob, const struct db_outmsg *m)
{
    struct result *r = &ob->results[ob->nresults++];

    memset(r, 0, sizeof(*r));
    r->id = m->id;
    r->attempts = m->attempts;
    (void)snprintf(r->phone, sizeof(r->phone), "%s", m->phone);
    r->latency = -1;
    r->at = wall_ms() / 1000;
    return r;
}

static gw_err setup_easy(struct outbox *ob, struct xfer *x)
{
    const struct dt_config *cfg = ob->cfg;
    CURL *e = x->easy;
    size_t i;
    CURLcode rc = CURLE_OK;

    curl_easy_reset(e);
    x->hdrs = curl_slist_append(NULL, "Expect:");
    for (i = 0; i < x->send.nheaders && x->hdrs; i++)
        x->hdrs = curl_slist_append(x->hdrs, x->send.headers[i]);
    if (x->hdrs == NULL)
        return GW_EINTERNAL;
#define SET(opt, val)                                                          \
    do {                                                                       \
        if (rc == CURLE_OK)                                                    \
            rc = curl_easy_setopt(e, opt, val);                                \
    } while (0)
    SET(CURLOPT_URL, buf_cstr(&x->send.url));
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, (long)cfg->request_timeout_ms);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (cfg->ca_file[0])
        SET(CURLOPT_CAINFO, cfg->ca_file);
    SET(CURLOPT_HTTPHEADER, x->hdrs);
    SET(CURLOPT_USERAGENT, "diemtua");
    SET(CURLOPT_WRITEFUNCTION, write_cb);
    SET(CURLOPT_WRITEDATA, &x->resp);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    SET(CURLOPT_PRIVATE, x);
    if (strcmp(x->send.method, "POST") == 0) {
        SET(CURLOPT_POST, 1L);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->send.body.len);
        SET(CURLOPT_POSTFIELDS, buf_cstr(&x->send.body));
    } else {
        SET(CURLOPT_HTTPGET, 1L);
    }
#undef SET
    return rc == CURLE_OK ? GW_OK : GW_EINTERNAL;
}

static void xfer_clear(struct outbox *ob, struct xfer *x)
{
    prov_send_release(&x->send);
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    buf_reset(&x->resp);
    ob->idle[ob->nidle++] = x;
}

/* Hands m to curl; on a local error, the result is a permanent failure
 * (a message the provider cannot even express will not get better). */
static void start_http(struct outbox *ob, const struct db_outmsg *m,
                       int64_t now_us)
{
    struct xfer *x = ob->idle[--ob->nidle];
    struct prov_out po = {m->id, m->phone, m->text};
    const char *why = NULL;
    gw_err err;

    x->msg = *m;
    x->errbuf[0] = '\0';
    prov_send_init(&x->send);
    if ((err = ob->ops->build_send(ob->pcfg, &po, &x->send)) != GW_OK)
        why = "cannot build the request";
    else if (setup_easy(ob, x) != GW_OK)
        why = "cannot set up the transfer";
    else if (curl_multi_add_handle(ob->multi, x->easy) != CURLM_OK)
        why = "cannot start the transfer";
    if (why) {
        struct result *r = new_result(ob, m);

        r->res = SEND_FAIL;
        (void)snprintf(r->why, sizeof(r->why), "%s (%s)", why,
                       gw_strerror(err));
        xfer_clear(ob, x);
        return;
    }
    x->started_us = now_us;
    ob->inflight++;
}

/* The log provider: the message goes to the log and counts as sent. */
static void send_to_log(struct outbox *ob, const struct db_outmsg *m,
                        int64_t now_us)
{
    struct result *r = new_result(ob, m);
    char masked[32];

    log_mask_phone(m->phone, masked, sizeof(masked));
    log_info("outbox", "log provider: message %lld to %s: %s", (long long)m->id,
             masked, m->text);
    r->res = SEND_OK;
    r->latency = 0;
    (void)snprintf(r->why, sizeof(r->why), "logged");
    rate_done(&ob->rate, now_us);
}

static void start_sends(struct outbox *ob, int64_t now_us)
{
    uint32_t room = rate_room(&ob->rate, now_us, ob->inflight);

    while (room > 0 && ob->npending > 0 &&
           ob->nresults + ob->inflight < OUTBOX_RESULTS &&
           (ob->no_http || ob->nidle > 0)) {
        struct db_outmsg *m = &ob->pending[ob->phead];

        ob->phead = (ob->phead + 1) % OUTBOX_PREFETCH;
        ob->npending--;
        if (ob->no_http)
            send_to_log(ob, m, now_us);
        else
            start_http(ob, m, now_us);
        room--;
    }
}

/* A finished transfer becomes a result. */
static void finish(struct outbox *ob, struct xfer *x, CURLcode code,
                   int64_t now_us)
{
    struct result *r = new_result(ob, &x->msg);
    const char *body = buf_cstr(&x->resp);
    char why[DB_ATTEMPT_DETAIL_MAX / 2];
    long status = 0, req_size = 0;

    (void)curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    r->http = status;
    why[0] = '\0';
    if (code == CURLE_OK) {
        r->latency = (double)(now_us - x->started_us) / 1e6;
        r->res =
            ob->ops->read_send(status, body, x->resp.len, r->provider_msg_id,
                               sizeof(r->provider_msg_id), why, sizeof(why));
        /* The aggregator's own words, after our reading of them. */
        (void)snprintf(r->why, sizeof(r->why), "%s%s%.120s", why,
                       why[0] && body[0] ? " | " : "", body);
    } else {
        (void)curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &req_size);
        r->res = SEND_RETRY;
        r->ambiguous = req_size > 0;
        (void)snprintf(r->why, sizeof(r->why), "%.100s%s%.150s",
                       curl_easy_strerror(code), x->errbuf[0] ? ": " : "",
                       x->errbuf);
    }
    (void)curl_multi_remove_handle(ob->multi, x->easy);
    ob->inflight--;
    rate_done(&ob->rate, now_us);
    xfer_clear(ob, x);
}

static void harvest(struct outbox *ob)
{
    int running = 0, left = 0;
    CURLMsg *msg;

    (void)curl_multi_perform(ob->multi, &running);
    while ((msg = curl_multi_info_read(ob->multi, &left)) != NULL) {
        struct xfer *x = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        (void)curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
        if (x)
            finish(ob, x, msg->data.result, mono_us());
    }
}

/* ---- the loop --------------------------------------------------------- */

/* How many rows a claim may take, timing aside: 0 while the claimed rows
 * are enough or the budget holds. */
static size_t claim_room(struct outbox *ob)
{
    uint64_t target = OUTBOX_PREFETCH, n;
    struct budget_share share;

    if (atomic_load(&ob->stopping))
        return 0;
    /* One window of the rate is enough to keep the limiter busy. */
    if (ob->rate.n && ob->rate.n < target)
        target = ob->rate.n;
    if (ob->npending * 2 > target)
        return 0;
    share = budget_room(ob);
    ob->claim_class = share.max_class;
    if (share.room == 0) {
        /* Reached, not merely reserved by messages under way. */
        if (ob->sent_today >= ob->cfg->daily_sms_budget && !ob->budget_warned) {
            ob->budget_warned = true;
            log_warn("outbox",
                     "daily SMS budget of %u reached: messages stay queued "
                     "until tomorrow (Vietnam time)",
                     ob->cfg->daily_sms_budget);
        }
        return 0;
    }
    n = target - ob->npending;
    return (size_t)(n < share.room ? n : share.room);
}

/* How many rows to claim now: after a notify, or when rows may be due. */
static size_t claim_wanted(struct outbox *ob, int64_t now_us)
{
    size_t n = claim_room(ob);

    /* In the store's backoff a notify stays pending for later. */
    if (n == 0 || now_us < ob->store_retry_us)
        return 0;
    if (!atomic_exchange(&ob->notified, false) && now_us < ob->next_look_us)
        return 0;
    return n;
}

static bool flush_due(const struct outbox *ob, int64_t now_us)
{
    if (now_us < ob->store_retry_us)
        return false;
    if (ob->nresults == 0)
        return atomic_load(&ob->stopping) && ob->npending > 0;
    return ob->nresults >= OUTBOX_FLUSH_AT ||
           now_us - ob->last_flush_us >= OUTBOX_FLUSH_US ||
           (ob->inflight == 0 && ob->npending == 0) ||
           atomic_load(&ob->stopping);
}

/* Microseconds to sleep before the next round. */
static int64_t wait_us(struct outbox *ob, int64_t now_us)
{
    int64_t t = OUTBOX_IDLE_US, r, look = ob->next_look_us;
    int64_t flush_at = ob->last_flush_us + OUTBOX_FLUSH_US;

    /* Nothing is written before the store's backoff ends. */
    if (flush_at < ob->store_retry_us)
        flush_at = ob->store_retry_us;
    if (look < ob->store_retry_us)
        look = ob->store_retry_us;
    if (ob->nresults > 0) {
        r = flush_at - now_us;
        t = r < t ? r : t;
    }
    /* A notify that came during the backoff. */
    if (ob->store_retry_us > now_us && atomic_load(&ob->notified) &&
        ob->store_retry_us - now_us < t)
        t = ob->store_retry_us - now_us;
    if (atomic_load(&ob->stopping))
        return t < 10000 ? t : 10000;
    if (ob->npending > 0 && ob->nresults + ob->inflight < OUTBOX_RESULTS &&
        (ob->no_http || ob->nidle > 0)) {
        r = rate_wait_us(&ob->rate, now_us);
        if (r >= 0 && r < t)
            t = r;
    }
    /* A claim blocked by the prefetch or the budget waits for a result,
     * not for the clock. */
    if (look - now_us < t && claim_room(ob) > 0)
        t = look - now_us;
    return t < 0 ? 0 : t;
}

static bool done(struct outbox *ob)
{
    if (!atomic_load(&ob->stopping))
        return false;
    if (ob->stop_fails >= OUTBOX_STOP_TRIES) {
        log_error("outbox", "stopping with results unrecorded: the rows "
                            "are requeued at the next start");
        return true;
    }
    return ob->inflight == 0 && ob->nresults == 0 && ob->npending == 0;
}

static void *sender_main(void *arg)
{
    struct outbox *ob = arg;

    while (!done(ob)) {
        int64_t now = mono_us();
        size_t claim_n = claim_wanted(ob, now);
        int64_t t;

        if (claim_n > 0 || flush_due(ob, now))
            flush(ob, claim_n, now);
        if (!atomic_load(&ob->stopping))
            start_sends(ob, mono_us());
        if (ob->inflight > 0)
            harvest(ob);
        (void)pthread_mutex_lock(&ob->mu);
        ob->m.in_flight = ob->inflight;
        ob->m.sent_today = ob->sent_today;
        ob->m.budget_reached = ob->cfg->daily_sms_budget &&
                               ob->sent_today >= ob->cfg->daily_sms_budget;
        (void)pthread_mutex_unlock(&ob->mu);
        if (done(ob))
            break;
        t = wait_us(ob, mono_us());
        if (t > 0)
            (void)curl_multi_poll(ob->multi, NULL, 0, (int)((t + 999) / 1000),
                                  NULL);
    }
    return NULL;
}

/* ---- start and stop ---------------------------------------------------- */

static gw_err outbox_init_state(struct outbox *ob)
{
    int64_t now = wall_ms() / 1000, sent = 0;
    size_t requeued = 0, i;
    gw_err err = db_outbox_recover(ob->db, &requeued);

    if (err)
        return err;
    if (requeued)
        log_warn("outbox",
                 "%zu messages were being sent at the last stop: requeued "
                 "(possible duplicates at the phone)",
                 requeued);
    ob->m.duplicates_possible = requeued;
    ob->day = outbox_budget_day(now);
    err = db_outbox_attempt_count(ob->db, 0, DB_ATTEMPT_SENT,
                                  outbox_budget_day_start(ob->day), &sent);
    if (err)
        return err;
    ob->sent_today = (uint64_t)sent;
    if ((ob->multi = curl_multi_init()) == NULL)
        return GW_EINTERNAL;
    (void)curl_multi_setopt(ob->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                            (long)OUTBOX_MAX_INFLIGHT);
    (void)curl_multi_setopt(ob->multi, CURLMOPT_MAXCONNECTS,
                            (long)OUTBOX_MAX_INFLIGHT);
    for (i = 0; i < OUTBOX_MAX_INFLIGHT; i++) {
        if ((ob->xfers[i].easy = curl_easy_init()) == NULL)
            return GW_EINTERNAL;
        buf_init(&ob->xfers[i].resp, OUTBOX_RESP_MAX);
        prov_send_init(&ob->xfers[i].send);
        ob->idle[ob->nidle++] = &ob->xfers[i];
    }
    rate_init(&ob->rate, ob->cfg->send_rate);
    ob->rng = (uint64_t)mono_us() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b9u;
    if (ob->rng == 0)
        ob->rng = 1;
    atomic_store(&ob->notified, true); /* look at once */
    return GW_OK;
}

static void outbox_free(struct outbox *ob)
{
    size_t i;

    for (i = 0; i < OUTBOX_MAX_INFLIGHT; i++) {
        if (ob->xfers[i].easy)
            curl_easy_cleanup(ob->xfers[i].easy);
        prov_send_release(&ob->xfers[i].send);
        curl_slist_free_all(ob->xfers[i].hdrs);
        buf_release(&ob->xfers[i].resp);
    }
    if (ob->multi)
        (void)curl_multi_cleanup(ob->multi);
    rate_release(&ob->rate);
    db_close(ob->db);
    (void)pthread_mutex_destroy(&ob->mu);
    free(ob);
    curl_global_cleanup();
}

/* The sender takes no process signals: SIGTERM and friends go to the
 * main thread, and a SIGPIPE from a socket stays pending, harmless. */
static int start_thread(struct outbox *ob)
{
    static const int sigs[] = {SIGPIPE, SIGTERM, SIGINT,  SIGHUP,
                               SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM};
    sigset_t block, old;
    size_t i;
    int rc;

    (void)sigemptyset(&block);
    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        (void)sigaddset(&block, sigs[i]);
    (void)pthread_sigmask(SIG_BLOCK, &block, &old);
    rc = pthread_create(&ob->thread, NULL, sender_main, ob);
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

gw_err outbox_start_with(const struct dt_config *cfg, const char *db_path,
                         const struct provider_ops *ops,
                         const struct cfg_provider *pcfg, struct outbox **out)
{
    struct outbox *ob;
    gw_err err;

    *out = NULL;
    if (ops == NULL || ops->read_send == NULL ||
        (ops->build_send == NULL && strcmp(ops->name, "log") != 0)) {
        log_error("outbox", "provider %s cannot send messages",
                  ops ? ops->name : "(none)");
        return GW_EINVAL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return GW_EINTERNAL;
    ob = xcalloc(1, sizeof(*ob));
    (void)pthread_mutex_init(&ob->mu, NULL);
    ob->cfg = cfg;
    ob->claim_class = DB_CLASS_BULK;
    ob->ops = ops;
    ob->pcfg = pcfg;
    ob->no_http = ops->build_send == NULL;
    atomic_init(&ob->notified, false);
    atomic_init(&ob->stopping, false);
    err = db_open(db_path, &ob->db);
    if (err == GW_OK)
        err = outbox_init_state(ob);
    if (err == GW_OK && start_thread(ob) != 0)
        err = GW_EINTERNAL;
    if (err) {
        log_error("outbox", "cannot start the sender: %s", gw_strerror(err));
        outbox_free(ob);
        return err;
    }
    ob->started = true;
    log_info("outbox", "sender started: provider %s, %g messages/s%s",
             ops->name, cfg->send_rate,
             cfg->send_rate > 0 ? "" : " (no limit)");
    *out = ob;
    return GW_OK;
}

gw_err outbox_start(const struct dt_config *cfg, const char *db_path,
                    struct outbox **out)
{
    const struct provider_ops *ops = provider_find(cfg->provider);
    const struct cfg_provider *pcfg = config_provider(cfg, cfg->provider);

    *out = NULL;
    if (ops == NULL) {
        log_error("outbox", "unknown provider %s", cfg->provider);
        return GW_EINVAL;
    }
    if (ops->build_send && (pcfg == NULL || !pcfg->enabled)) {
        log_error("outbox", "provider %s has no settings section",
                  cfg->provider);
        return GW_EINVAL;
    }
    return outbox_start_with(cfg, db_path, ops, pcfg, out);
}

void outbox_notify(struct outbox *ob)
{
    /* Only the first notify since the sender last looked wakes it. */
    if (ob && !atomic_exchange(&ob->notified, true))
        (void)curl_multi_wakeup(ob->multi);
}

void outbox_stop(struct outbox *ob)
{
    if (ob == NULL)
        return;
    atomic_store(&ob->stopping, true);
    (void)curl_multi_wakeup(ob->multi);
    if (ob->started)
        (void)pthread_join(ob->thread, NULL);
    log_info("outbox", "sender stopped");
    outbox_free(ob);
}

void outbox_metrics(struct outbox *ob, struct outbox_metrics *out)
{
    (void)pthread_mutex_lock(&ob->mu);
    *out = ob->m;
    (void)pthread_mutex_unlock(&ob->mu);
}
