/* test_scheduler.c - the scheduler thread runs the same pass, once-only
 * across restarts, and feeds the /metrics gauges */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "config/config.h"
#include "db/db.h"
#include "gateway/scheduler.h"
#include "handlers/remind.h"
#include "tests/support/member_fixture.h"
#include "tests/support/remind_fixture.h"
#include "common/banned.h"

static int64_t fixed_now;
static int notified;

static int64_t fake_clock(void)
{
    return fixed_now;
}

static void on_notify(void *arg)
{
    (void)arg;
    notified++;
}

/* Waits (at most 5 s) for n passes. */
static void wait_passes(struct scheduler *s, uint64_t n)
{
    struct timespec ms = {0, 10 * 1000 * 1000};
    int i;

    for (i = 0; i < 500 && scheduler_passes(s) < n; i++)
        (void)nanosleep(&ms, NULL);
    assert_true(scheduler_passes(s) >= n);
}

static void test_scheduler(void **state)
{
    static struct dt_config cfg;
    struct scheduler_opts opts = {1, on_notify, NULL, fake_clock};
    struct scheduler *s = NULL;
    struct db *db = NULL;
    struct buf m;
    long long n = 0;
    char path[64];
    int fd;

    (void)state;
    (void)snprintf(path, sizeof(path), "/tmp/dt_sched_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    (void)close(fd);
    assert_int_equal(db_open(path, &db), GW_OK);
    assert_int_equal(remind_fixture_load(db), GW_OK);
    config_defaults(&cfg);
    (void)snprintf(cfg.db_path, sizeof(cfg.db_path), "%s", path);
    assert_int_equal(remind_parse_local("2026-11-14 08:00", &fixed_now), GW_OK);
    assert_int_equal(scheduler_start(&cfg, &opts, &s), GW_OK);
    wait_passes(s, 2);
    scheduler_stop(s);
    assert_int_equal(notified, 1); /* the second pass had nothing */
    assert_int_equal(member_fixture_int(db, "SELECT count(*) FROM outbox", &n),
                     GW_OK);
    assert_int_equal(n, 11);
    /* A restart sends nothing twice. */
    assert_int_equal(scheduler_start(&cfg, &opts, &s), GW_OK);
    wait_passes(s, 1);
    scheduler_stop(s);
    assert_int_equal(member_fixture_int(db, "SELECT count(*) FROM outbox", &n),
                     GW_OK);
    assert_int_equal(n, 11);
    buf_init(&m, 65536);
    scheduler_metrics(&m);
    assert_non_null(strstr(buf_cstr(&m), "diemtua_scheduled_queued_total"
                                         "{kind=\"REMINDER\"} 2\n"));
    assert_non_null(strstr(buf_cstr(&m), "diemtua_scheduled_queued_total"
                                         "{kind=\"STATEMENT\"} 8\n"));
    assert_non_null(strstr(buf_cstr(&m), "diemtua_kpi_overdue_ratio_bp 54\n"));
    assert_non_null(
        strstr(buf_cstr(&m), "diemtua_kpi_interest_collection_bp 2400\n"));
    assert_non_null(strstr(buf_cstr(&m), "diemtua_kpi_savers_share_bp 3000\n"));
    assert_non_null(strstr(buf_cstr(&m), "diemtua_kpi_receipts_unbooked 1\n"));
    buf_release(&m);
    db_close(db);
    (void)unlink(path);
}

static void test_bad_start(void **state)
{
    static struct dt_config cfg;
    struct scheduler *s = (struct scheduler *)&cfg; /* must become NULL */

    (void)state;
    config_defaults(&cfg);
    (void)snprintf(cfg.templates, sizeof(cfg.templates), "/nonexistent");
    assert_int_not_equal(scheduler_start(&cfg, NULL, &s), GW_OK);
    assert_null(s);
    scheduler_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheduler),
        cmocka_unit_test(test_bad_start),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
