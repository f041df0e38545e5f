/* writer.c - one writer thread, savepoint per job, one commit per batch */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/metrics.h"
#include "gateway/writer.h"
#include "common/banned.h"

/* The writer's wait for another connection's write lock (the sender's
 * flush, a reminder pass, a CLI import) before its batch fails with
 * GW_EBUSY, i.e. 503. Shorter than the store's default 5 s on purpose: the
 * aggregator waits for our answer (5 s in tests/fault, 10-30 s at real
 * aggregators, less for a USSD hop) and the jobs queued behind a waiting
 * BEGIN wait as long again, so a hang past its patience would only turn
 * into a retry anyway, later and with a connection held. A 503 after 1 s
 * says the same sooner. The gateway's own lock holders keep their
 * transactions to milliseconds, far below it. */
#define WRITER_BUSY_TIMEOUT_MS 1000

struct writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct writer_job *head, *tail; /* FIFO, under lock */
    bool stopping;                  /* under lock */
    struct db *db;                  /* the writer thread's only */
    void (*notify)(void *cls);
    void *notify_cls;
    /* The helper thread of writer_submit_prepared(): its own FIFO and
     * connection. The writer stops only once the helper has handed over
     * everything (prep_running false). */
    pthread_t prep_thread;
    pthread_cond_t prep_cond;
    struct writer_job *prep_head, *prep_tail; /* under lock */
    bool prep_running;                        /* under lock */
    struct db *prep_db;                       /* the helper thread's only */
};

static double now_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes up to WRITER_BATCH_MAX jobs off the queue, waiting for one.
 * Returns NULL when stopping with nothing left. */
static struct writer_job *take_batch(struct writer *w, size_t *n)
{
    struct writer_job *first, *last;

    pthread_mutex_lock(&w->lock);
    while (w->head == NULL && (!w->stopping || w->prep_running))
        pthread_cond_wait(&w->cond, &w->lock);
    first = w->head;
    *n = 0;
    for (last = first; last; last = last->next) {
        if (++*n == WRITER_BATCH_MAX || last->next == NULL)
            break;
    }
    if (last) {
        w->head = last->next;
        if (w->head == NULL)
            w->tail = NULL;
        last->next = NULL;
    }
    pthread_mutex_unlock(&w->lock);
    return first;
}

/* Runs one job in its savepoint; false when the whole transaction was
 * lost (SQLite rolls back by itself on a full disk or an I/O error). */
static bool run_job(struct writer *w, struct writer_job *job, size_t *queued)
{
    size_t q = 0;
    gw_err err = db_savepoint(w->db);

    if (err == GW_OK) {
        err = job->run(w->db, job, &q);
        if (err == GW_OK)
            err = db_savepoint_release(w->db);
        if (err != GW_OK && db_in_transaction(w->db))
            db_savepoint_rollback(w->db);
    }
    job->err = err;
    if (err == GW_OK)
        *queued += q;
    return db_in_transaction(w->db);
}

static void finish(struct writer_job *batch)
{
    struct writer_job *job, *next;

    for (job = batch; job; job = next) {
        next = job->next; /* done() gives the job back: read first */
        job->next = NULL;
        job->done(job);
    }
}

static void fail_all(struct writer_job *batch, gw_err err)
{
    struct writer_job *job;

    for (job = batch; job; job = job->next)
        job->err = err;
}

static void run_batch(struct writer *w, struct writer_job *batch, size_t n)
{
    struct writer_job *job;
    size_t queued = 0;
    double t0;
    gw_err err = db_begin(w->db);

    if (err == GW_OK) {
        for (job = batch; job && err == GW_OK; job = job->next)
            if (!run_job(w, job, &queued))
                err = GW_EBUSY;
    }
    if (err == GW_OK) {
        t0 = now_seconds();
        err = db_commit(w->db);
        metrics_batch(n, now_seconds() - t0);
    }
    if (err != GW_OK) {
        /* Nothing of this batch is durable: every job must be retried. */
        db_rollback(w->db);
        log_error("writer",
                  "batch of %zu not stored (answered 503 to retry): %s", n,
                  gw_strerror(err));
        fail_all(batch, GW_EBUSY);
        queued = 0;
    }
    if (queued && w->notify)
        w->notify(w->notify_cls);
    finish(batch);
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct writer_job *batch;
    size_t n;

    while ((batch = take_batch(w, &n)) != NULL)
        run_batch(w, batch, n);
    return NULL;
}

/* Appends job to the writer's FIFO; under lock. */
static void push_locked(struct writer *w, struct writer_job *job)
{
    job->next = NULL;
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    pthread_cond_signal(&w->cond);
}

static void *prep_main(void *arg)
{
    struct writer *w = arg;
    struct writer_job *job;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->prep_head == NULL && !w->stopping)
            pthread_cond_wait(&w->prep_cond, &w->lock);
        job = w->prep_head;
        if (job == NULL)
            break; /* stopping, nothing left */
        w->prep_head = job->next;
        if (w->prep_head == NULL)
            w->prep_tail = NULL;
        pthread_mutex_unlock(&w->lock);
        job->prepare(w->prep_db, job);
        pthread_mutex_lock(&w->lock);
        push_locked(w, job);
    }
    w->prep_running = false;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Everything but the threads: a start that failed, or writer_free(). */
static void writer_destroy(struct writer *w)
{
    pthread_cond_destroy(&w->prep_cond);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    db_close(w->prep_db);
    db_close(w->db);
    free(w);
}

gw_err writer_start(const char *db_path, void (*notify)(void *cls), void *cls,
                    struct writer **out)
{
    struct writer *w = xcalloc(1, sizeof(*w));
    gw_err err;

    *out = NULL;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    pthread_cond_init(&w->prep_cond, NULL);
    err = db_open(db_path, &w->db);
    if (err == GW_OK)
        err = db_set_busy_timeout(w->db, WRITER_BUSY_TIMEOUT_MS);
    if (err == GW_OK)
        err = db_open(db_path, &w->prep_db);
    if (err) {
        writer_destroy(w);
        return err;
    }
    w->notify = notify;
    w->notify_cls = cls;
    w->prep_running = true;
    if (pthread_create(&w->prep_thread, NULL, prep_main, w) != 0) {
        log_error("writer", "cannot start the writer's helper thread");
        writer_destroy(w);
        return GW_EINTERNAL;
    }
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        log_error("writer", "cannot start the writer thread");
        pthread_mutex_lock(&w->lock);
        w->stopping = true;
        pthread_cond_signal(&w->prep_cond);
        pthread_mutex_unlock(&w->lock);
        (void)pthread_join(w->prep_thread, NULL);
        writer_destroy(w);
        return GW_EINTERNAL;
    }
    *out = w;
    return GW_OK;
}

gw_err writer_submit(struct writer *w, struct writer_job *job)
{
    gw_err err = GW_OK;

    job->prepare = NULL;
    pthread_mutex_lock(&w->lock);
    if (w->stopping)
        err = GW_EBUSY;
    else
        push_locked(w, job);
    pthread_mutex_unlock(&w->lock);
    return err;
}

gw_err writer_submit_prepared(struct writer *w, struct writer_job *job,
                              void (*prepare)(struct db *db,
                                              struct writer_job *job))
{
    gw_err err = GW_OK;

    job->next = NULL;
    job->prepare = prepare;
    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        err = GW_EBUSY;
    } else {
        if (w->prep_tail)
            w->prep_tail->next = job;
        else
            w->prep_head = job;
        w->prep_tail = job;
        pthread_cond_signal(&w->prep_cond);
    }
    pthread_mutex_unlock(&w->lock);
    return err;
}

void writer_stop(struct writer *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    if (w->stopping) { /* stopped already */
        pthread_mutex_unlock(&w->lock);
        return;
    }
    w->stopping = true;
    pthread_cond_signal(&w->prep_cond);
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    /* The helper hands over what it holds; the writer runs it all. */
    (void)pthread_join(w->prep_thread, NULL);
    (void)pthread_join(w->thread, NULL);
    db_close(w->prep_db);
    w->prep_db = NULL;
    db_close(w->db);
    w->db = NULL;
}

void writer_free(struct writer *w)
{
    if (w == NULL)
        return;
    writer_destroy(w);
}
