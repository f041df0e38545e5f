/* test_store_full.c - the store refuses every commit (a full disk, by
 * db_fault_full): the sender backs off instead of retrying in a loop,
 * keeps its results and sends nothing twice, and the writer answers each
 * job promptly with GW_EBUSY (503); once the store works, all is recorded
 *
 * This is tests/fault/disk_full.sh's failure without a full disk: before
 * the sender had a backoff, its flush retried tens of thousands of times a
 * second, each time under the write lock, and the writer's BEGIN waited
 * out its busy timeout (the 503 came after 5 s, past the client). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "db/db.h"
#include "db/db_fault.h"
#include "db/db_msg.h"
#include "gateway/outbox.h"
#include "gateway/provider.h"
#include "gateway/writer.h"
#include "tests/support/log_gate.h"
#include "tests/support/stub_aggregator.h"
#include "common/banned.h"

#define NMSG 400
/* Writer jobs sent while the store is full, one at a time. */
#define FULL_MS 2500
/* The slowest 503 allowed: below the writer's 1 s busy timeout, as
 * nothing else should hold the write lock for long (a full busy timeout
 * waited would cross it). Not tighter: two sanitizer runs sharing two
 * cores answered in 536 ms. */
#define ANSWER_MAX_MS 900

/* ---- a minimal provider: form POST with our id, 2xx is accepted ------- */

static gw_err sf_build_send(const struct cfg_provider *cfg,
                            const struct prov_out *msg, struct prov_send *out)
{
    out->method = "POST";
    buf_appendf(&out->url, "%s/send", cfg->send_url);
    buf_appendf(&out->body, "id=%lld", (long long)msg->id);
    return out->url.err ? out->url.err : out->body.err;
}

static enum send_result sf_read_send(long status, const char *body, size_t len,
                                     char *pid, size_t pid_size, char *why,
                                     size_t why_size)
{
    (void)body;
    (void)len;
    (void)pid;
    (void)pid_size;
    if (status >= 200 && status < 300)
        return SEND_OK;
    (void)snprintf(why, why_size, "status %ld", status);
    return SEND_RETRY;
}

static const struct provider_ops sf_ops = {
    .name = "fake",
    .build_send = sf_build_send,
    .read_send = sf_read_send,
};

/* ---- writer jobs: one outbox message each ------------------------------ */

struct sf_job {
    struct writer_job wj; /* first */
    atomic_bool done;
};

static gw_err sf_run(struct db *db, struct writer_job *wj, size_t *queued)
{
    gw_err err = db_outbox_enqueue(db, "+84901234567", "job", "reply", 0, 0,
                                   (int64_t)time(NULL), NULL);

    (void)wj;
    *queued = err == GW_OK;
    return err;
}

static void sf_done(struct writer_job *wj)
{
    atomic_store(&((struct sf_job *)(void *)wj)->done, true);
}

static void sf_notify(void *cls)
{
    outbox_notify(*(struct outbox **)cls);
}

/* ---- fixture ----------------------------------------------------------- */

struct fx {
    char dir[64];
    char path[96];
    struct dt_config cfg;
    struct cfg_provider pcfg;
    struct stub_aggregator *stub;
    struct db *db; /* the test's own connection */
    struct writer *w;
    struct outbox *ob;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    *state = f;
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/dt_storefull_XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    (void)snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    config_defaults(&f->cfg);
    /* One window of the rate is claimed at a time: the fault comes while
     * claimed rows are still being sent, so their results must wait. */
    f->cfg.send_rate = 200;
    f->cfg.max_attempts = 5;
    f->cfg.backoff_initial = 0;
    f->cfg.backoff_max = 1;
    f->cfg.connect_timeout_ms = 1000;
    f->cfg.request_timeout_ms = 3000;
    f->cfg.daily_sms_budget = 0;
    log_gate_begin();
    /* The fault this test injects, as the writer and the sender report it. */
    log_gate_expect("injected disk full");
    log_gate_expect("cannot record send results");
    log_gate_expect("not stored (answered 503 to retry)");
    f->stub = stub_start();
    if (f->stub == NULL || db_open(f->path, &f->db) != GW_OK)
        return -1;
    f->pcfg.enabled = true;
    (void)snprintf(f->pcfg.send_url, sizeof(f->pcfg.send_url), "%s",
                   stub_url(f->stub));
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[128];
    long findings;

    db_fault_full(false);
    outbox_stop(f->ob);
    writer_stop(f->w);
    writer_free(f->w);
    stub_stop(f->stub);
    db_close(f->db);
    findings = log_gate_end(f->path);
    (void)unlink(f->path);
    (void)snprintf(p, sizeof(p), "%s-wal", f->path);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", f->path);
    (void)unlink(p);
    (void)rmdir(f->dir);
    free(f);
    return findings == 0 ? 0 : -1;
}

/* Submits one job and waits for its answer; the time it took in ms. */
static int64_t one_job(struct fx *f, gw_err *err)
{
    struct sf_job j;
    int64_t t0 = now_ms();

    memset(&j, 0, sizeof(j));
    atomic_init(&j.done, false);
    j.wj.run = sf_run;
    j.wj.done = sf_done;
    assert_int_equal(writer_submit(f->w, &j.wj), GW_OK);
    while (!atomic_load(&j.done) && now_ms() - t0 < 20000)
        sleep_ms(1);
    assert_true(atomic_load(&j.done));
    *err = j.wj.err;
    return now_ms() - t0;
}

/* Requests at the stub, and how many of them named an id seen before. */
static size_t stub_repeats(struct fx *f, size_t *n)
{
    static unsigned char seen[NMSG + 64];
    size_t i, rep = 0;

    memset(seen, 0, sizeof(seen));
    *n = stub_count(f->stub);
    for (i = 0; i < *n; i++) {
        char id[32];
        const struct stub_request *r = stub_get(f->stub, i);
        long v = 0;

        assert_non_null(stub_req_form(r, "id", id, sizeof(id)));
        v = strtol(id, NULL, 10);
        assert_true(v > 0 && (size_t)v < sizeof(seen));
        rep += seen[v]++ > 0;
    }
    return rep;
}

static void test_store_full(void **state)
{
    struct fx *f = *state;
    struct outbox_metrics m0, m1;
    struct db_outbox_stats st;
    int64_t t0, took, slowest = 0, sent = 0;
    size_t i, jobs = 0, n = 0, n_full;
    gw_err err;

    for (i = 0; i < NMSG; i++)
        assert_int_equal(db_outbox_enqueue(f->db, "+84901234567", "hello",
                                           "reply", 0, 0, (int64_t)time(NULL),
                                           NULL),
                         GW_OK);
    assert_int_equal(writer_start(f->path, sf_notify, &f->ob, &f->w), GW_OK);
    assert_int_equal(
        outbox_start_with(&f->cfg, f->path, &sf_ops, &f->pcfg, &f->ob), GW_OK);
    assert_true(stub_wait_count(f->stub, 50, 10000));

    /* The disk is full. */
    db_fault_full(true);
    outbox_metrics(f->ob, &m0);
    t0 = now_ms();
    while (now_ms() - t0 < FULL_MS) {
        took = one_job(f, &err);
        assert_int_equal(err, GW_EBUSY); /* 503: the provider retries */
        slowest = took > slowest ? took : slowest;
        jobs++;
        sleep_ms(20);
    }
    outbox_metrics(f->ob, &m1);
    n_full = stub_count(f->stub);
    print_message("full for %d ms: %zu writer jobs, slowest answer %lld ms; "
                  "sender: %llu failed flushes; %zu sent so far\n",
                  FULL_MS, jobs, (long long)slowest,
                  (unsigned long long)(m1.store_failures - m0.store_failures),
                  n_full);
    assert_true(slowest < ANSWER_MAX_MS);
    assert_true(jobs >= 50);
    /* 100 ms doubling: tries near 0, 0.1, 0.3, 0.7, 1.5 s (and 3.1 s). */
    assert_true(m1.store_failures - m0.store_failures >= 3);
    assert_true(m1.store_failures - m0.store_failures <= 8);
    /* Nothing new was claimed, nothing went out twice. */
    assert_true(n_full < NMSG);
    assert_int_equal(stub_repeats(f, &n), 0);
    assert_int_equal(db_outbox_stats(f->db, &st), GW_OK);
    assert_true(st.queued > 0);
    /* The results of what went out are held in memory: those rows stay
     * SENDING, so no claim takes them again. */
    assert_true(st.sent < (int64_t)n_full);
    assert_true(st.sending >= (int64_t)n_full - st.sent);

    /* Space again: every held result is recorded, the rest is sent. */
    db_fault_full(false);
    assert_true(stub_wait_count(f->stub, NMSG, 15000));
    t0 = now_ms();
    do {
        sleep_ms(20);
        assert_int_equal(db_outbox_stats(f->db, &st), GW_OK);
    } while (st.sent < NMSG && now_ms() - t0 < 10000);
    assert_int_equal(st.sent, NMSG);
    assert_int_equal(st.queued + st.sending + st.failed, 0);
    sleep_ms(200);
    assert_int_equal(stub_repeats(f, &n), 0);
    assert_int_equal(n, NMSG);
    /* One SENT attempt per message: no result lost, none twice. */
    assert_int_equal(
        db_outbox_attempt_count(f->db, 0, DB_ATTEMPT_SENT, 0, &sent), GW_OK);
    assert_int_equal(sent, NMSG);

    /* The writer commits again, and its message goes out. */
    (void)one_job(f, &err);
    assert_int_equal(err, GW_OK);
    assert_true(stub_wait_count(f->stub, NMSG + 1, 10000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_full, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
