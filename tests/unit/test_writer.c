/* test_writer.c - the writer's helper stage: a prepared job is prepared
 * before it runs, prepared jobs keep their order, and a stop runs every
 * job handed over, prepared or not */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/writer.h"

#define NJOBS 64

struct tjob {
    struct writer_job wj; /* first */
    int id;
    bool prepared;
    bool ran_prepared; /* prepared already when run */
    int ran_at;        /* order of the run, from 1 */
    bool done;
};

static int run_count; /* the writer thread's only until writer_stop() */

static void prep(struct db *db, struct writer_job *wj)
{
    struct tjob *j = (struct tjob *)wj;

    assert_non_null(db);
    j->prepared = true;
}

static gw_err run(struct db *db, struct writer_job *wj, size_t *queued)
{
    struct tjob *j = (struct tjob *)wj;

    (void)db;
    *queued = 0;
    j->ran_prepared = j->prepared;
    j->ran_at = ++run_count;
    return GW_OK;
}

static void done(struct writer_job *wj)
{
    ((struct tjob *)wj)->done = true;
}

static void test_prepared_jobs(void **state)
{
    struct tjob *jobs = calloc(NJOBS, sizeof(*jobs));
    struct writer *w;
    int i, last_prepared = 0;

    (void)state;
    assert_non_null(jobs);
    run_count = 0;
    assert_int_equal(writer_start(":memory:", NULL, NULL, &w), GW_OK);
    for (i = 0; i < NJOBS; i++) {
        jobs[i].id = i;
        jobs[i].wj.run = run;
        jobs[i].wj.done = done;
        /* Every other job takes the helper's step. */
        if (i % 2)
            assert_int_equal(writer_submit_prepared(w, &jobs[i].wj, prep),
                             GW_OK);
        else
            assert_int_equal(writer_submit(w, &jobs[i].wj), GW_OK);
    }
    writer_stop(w); /* runs everything handed over */
    writer_free(w);
    for (i = 0; i < NJOBS; i++) {
        assert_true(jobs[i].done);
        assert_int_equal(jobs[i].wj.err, GW_OK);
        assert_true(jobs[i].ran_at > 0);
        if (i % 2) {
            assert_true(jobs[i].ran_prepared);
            /* Prepared jobs run in the order they were handed over. */
            assert_true(jobs[i].ran_at > last_prepared);
            last_prepared = jobs[i].ran_at;
        } else {
            assert_false(jobs[i].prepared);
        }
    }
    assert_int_equal(run_count, NJOBS);
    free(jobs);
}

/* A stop right after a prepared submit still prepares and runs it. */
static void test_stop_drains(void **state)
{
    struct writer *w;

    (void)state;
    assert_int_equal(writer_start(":memory:", NULL, NULL, &w), GW_OK);
    writer_stop(w);
    writer_free(w);
    writer_stop(NULL); /* NULL-safe */
    writer_free(NULL);
    assert_int_equal(writer_start(":memory:", NULL, NULL, &w), GW_OK);
    {
        struct tjob j;

        memset(&j, 0, sizeof(j));
        j.wj.run = run;
        j.wj.done = done;
        run_count = 0;
        assert_int_equal(writer_submit_prepared(w, &j.wj, prep), GW_OK);
        writer_stop(w);
        assert_true(j.done && j.ran_prepared);
        assert_int_equal(run_count, 1);
    }
    writer_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepared_jobs),
        cmocka_unit_test(test_stop_drains),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
