/* writer.h - the one database writer: group commit for every callback
 *
 * HTTP threads never write. They hand a job to the writer thread and
 * suspend their connection; the writer takes every job queued (up to
 * WRITER_BATCH_MAX), runs them in ONE transaction, each in its own
 * savepoint so a failing job is undone alone, commits once (one fsync for
 * the whole batch) and only then reports each job's fate through its
 * done() callback. A job's err is GW_OK only once its effects are
 * durable; a failed commit fails every job of the batch (GW_EBUSY: the
 * provider must retry).
 */
#ifndef DT_WRITER_H
#define DT_WRITER_H

#include <stddef.h>

#include "common/err.h"
#include "db/db.h"

#define WRITER_BATCH_MAX 256

struct writer_job {
    struct writer_job *next; /* the writer's queue link */
    /* Runs inside a savepoint of the batch's transaction on the writer's
     * connection; a returned error rolls the job's savepoint back. Sets
     * *queued to the outbox messages it added. */
    gw_err (*run)(struct db *db, struct writer_job *job, size_t *queued);
    /* Called on the writer thread once err is final (after the commit).
     * The job is the caller's again from here on. */
    void (*done)(struct writer_job *job);
    /* writer_submit_prepared()'s step, NULL otherwise (the writer's). */
    void (*prepare)(struct db *db, struct writer_job *job);
    gw_err err; /* set by the writer before done() */
};

struct writer;

/* Opens its own connection to db_path and starts the thread. notify (may
 * be NULL) is called with cls after each commit that queued outbox
 * messages: it wakes the sender. *out is NULL on failure. */
gw_err writer_start(const char *db_path, void (*notify)(void *cls), void *cls,
                    struct writer **out);

/* Queues job (borrowed until its done() call). GW_EBUSY when the writer
 * is stopping: job is not queued and done() will not be called. */
gw_err writer_submit(struct writer *w, struct writer_job *job);

/* Like writer_submit(), but first runs prepare(db, job) on the writer's
 * helper thread, with its own connection, outside any transaction: slow
 * work a job can do before it writes (a PIN's Argon2id) without holding
 * up a batch. Jobs queued so keep their order among themselves, not with
 * writer_submit()'s. */
gw_err writer_submit_prepared(struct writer *w, struct writer_job *job,
                              void (*prepare)(struct db *db,
                                              struct writer_job *job));

/* Runs every job already queued, then stops the thread and closes the
 * connection. w stays valid: writer_submit() answers GW_EBUSY from then
 * on, so the HTTP threads, which may still take a request on a kept-alive
 * connection until httpd_stop(), can refuse it (503). NULL-safe; a second
 * call does nothing. */
void writer_stop(struct writer *w);

/* Frees a stopped writer, once nothing can call writer_submit() any
 * more (after httpd_stop()). NULL-safe. */
void writer_free(struct writer *w);

#endif
