/* test_log_gate.c - the log gate finds what it must and only that */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/log.h"
#include "common/util.h"
#include "tests/support/log_gate.h"
#include "common/banned.h"

#define PIN "7391"
#define TOKEN "tok-Secret-42"

static void rules(struct gate_rules *r)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(gate_add_secret(r, PIN), 0);
    assert_int_equal(gate_add_secret(r, TOKEN), 0);
    assert_int_equal(gate_add_secret(r, ""), 0); /* ignored */
    assert_int_equal(gate_add_expected(r, "injected disk full"), 0);
}

/* A full list is refused out loud, never silently cut. */
static void test_full(void **state)
{
    static struct gate_rules r;
    size_t i;

    (void)state;
    for (i = 0; i < GATE_MAX; i++)
        assert_int_equal(gate_add_secret(&r, "s"), 0);
    assert_int_equal(gate_add_secret(&r, "one too many"), -1);
    assert_int_equal(r.nsecrets, GATE_MAX);
}

static const struct {
    const char *line;
    bool finding;
} log_rows[] = {
    {"2026-12-06T10:00:00Z INFO server: listening on 127.0.0.1:8080", false},
    {"2026-12-06T10:00:00Z WARN outbox: message 5 to +849*****004: retry",
     false},
    /* errors: unexpected, expected */
    {"2026-12-06T10:00:00Z ERROR outbox: unknown provider nosuch", true},
    {"2026-12-06T10:00:00Z ERROR db: commit (injected disk full): full", false},
    {"ERROR without the level's spaces is not a level", false},
    /* sanitizer reports, whatever the level */
    {"==123==ERROR: AddressSanitizer: heap-use-after-free on address", true},
    {"gateway/outbox.c:12:3: runtime error: signed integer overflow", true},
    {"==9==ERROR: LeakSanitizer: detected memory leaks", true},
    {"SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior", true},
    /* a PIN: as a whole number only */
    {"2026-12-06T10:00:00Z INFO inbound: THU 2 50k 0 7391", true},
    {"2026-12-06T10:00:00Z INFO inbound: pin=7391;", true},
    {"7391", true},
    {"2026-12-06T10:00:00Z INFO inbound: THU 2 50k 0 ****", false},
    {"2026-12-06T10:00:00Z INFO outbox: id 73910 sent", false},
    {"2026-12-06T10:00:00Z INFO outbox: id 17391 sent", false},
    {"2026-12-06T10:00:00Z INFO outbox: amount 7.391.000", false},
    /* a secret in an ERROR line the test expects is still a finding */
    {"2026-12-06T10:00:00Z ERROR db: injected disk full 7391", true},
    /* credentials: anywhere, as substrings */
    {"GET /v1/kannel/sms?token=tok-Secret-42&id=1", true},
    {"GET /v1/kannel/sms?token=tok-Secret-4&id=1", false},
    /* whole phone numbers in the log; masked ones are fine */
    {"2026-12-06T10:00:00Z WARN inbound: +84912345678 over 2 SMS", true},
    {"2026-12-06T10:00:00Z WARN inbound: 84912345678 over 2 SMS", true},
    {"2026-12-06T10:00:00Z WARN inbound: 0912345678 over 2 SMS", true},
    {"to 0352345678.", true},
    {"2026-12-06T10:00:00Z WARN inbound: +849****5678 over 2 SMS", false},
    {"2026-12-06T10:00:00Z WARN inbound: +849*****678 over 2 SMS", false},
    /* not a mobile: wrong length, wrong prefix, part of a longer run */
    {"id 0212345678 (landline prefix 2)", false},
    {"id 091234567 (9 digits)", false},
    {"id 09123456789 (11 digits)", false},
    {"id 849123456789 (12 digits)", false},
    {"ts 1796544000123", false},
    {"", false},
};

static void test_log_lines(void **state)
{
    struct gate_rules r;
    char why[320];
    size_t i;

    (void)state;
    rules(&r);
    assert_int_equal(r.nsecrets, 2);
    for (i = 0; i < ARRAY_SIZE(log_rows); i++) {
        const char *got = gate_log_line(&r, log_rows[i].line, why, sizeof(why));

        if ((got != NULL) != log_rows[i].finding)
            fail_msg("row %zu \"%s\": finding %d, want %d", i, log_rows[i].line,
                     got != NULL, log_rows[i].finding);
        /* The report never prints a secret it found. */
        if (got != NULL) {
            assert_null(strstr(got, TOKEN));
            assert_null(strstr(got, PIN " "));
        }
    }
}

/* Stored texts: secrets only; a whole phone in a reply (the officer's
 * dispute alert names the member's number) is not a finding there. */
static void test_texts(void **state)
{
    struct gate_rules r;
    char why[320];

    (void)state;
    rules(&r);
    assert_non_null(gate_text(&r, "MK 7391 2468", why, sizeof(why)));
    assert_non_null(gate_text(&r, "x tok-Secret-42 y", why, sizeof(why)));
    assert_null(gate_text(&r, "MK **** ****", why, sizeof(why)));
    assert_null(gate_text(&r, "NHCS: SAI phieu AB: Hoa 0912345678, to 3", why,
                          sizeof(why)));
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void test_scan_log_file(void **state)
{
    struct gate_rules r;
    char path[] = "/tmp/dt-gate-test.XXXXXX";
    FILE *devnull = fopen("/dev/null", "w");
    long n = -1;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    (void)close(fd);
    assert_non_null(devnull);
    rules(&r);
    write_file(path, "a INFO b: fine\n"
                     "a ERROR b: unexpected\n"
                     "a INFO b: THU 1 2 3 7391\n"
                     "a INFO b: fine again\n");
    assert_int_equal(gate_scan_log(&r, path, devnull, &n), 2);
    assert_int_equal(n, 4);
    write_file(path, "a INFO b: fine\n");
    assert_int_equal(gate_scan_log(&r, path, devnull, &n), 0);
    assert_int_equal(n, 1);
    (void)unlink(path);
    assert_int_equal(gate_scan_log(&r, path, devnull, &n), -1);
    (void)fclose(devnull);
}

static void test_scan_db(void **state)
{
    struct gate_rules r;
    char dir[] = "/tmp/dt-gate-db.XXXXXX", path[64];
    FILE *devnull = fopen("/dev/null", "w");
    sqlite3 *db = NULL;
    long n = -1;

    (void)state;
    assert_non_null(devnull);
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/t.db", dir);
    rules(&r);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    /* outbox without last_error: a column a schema lacks is skipped. */
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE inbound(text TEXT);"
                     "CREATE TABLE outbox(text TEXT);"
                     "INSERT INTO inbound VALUES ('THU 2 50k 0 ****');"
                     "INSERT INTO inbound VALUES ('MK 7391 1111');"
                     "INSERT INTO outbox VALUES ('NHCS: so du 7.391.000');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(gate_scan_db(&r, path, devnull, &n), 1);
    assert_int_equal(n, 3);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM inbound WHERE rowid = 2",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(gate_scan_db(&r, path, devnull, &n), 0);
    sqlite3_close(db);
    (void)unlink(path);
    (void)rmdir(dir);
    (void)fclose(devnull);
}

/* The gate's own proof: a PIN planted in a real log line, written through
 * the logger while the capture runs, is found; so is an unexpected ERROR;
 * an expected one is not. */
static void test_capture(void **state)
{
    (void)state;
    log_gate_begin();
    log_gate_secret(PIN);
    log_info("test", "planted by test_log_gate: MK %s 2468", PIN);
    assert_int_equal(log_gate_end(NULL), 1);

    log_gate_begin();
    log_error("test", "planted by test_log_gate: an unexpected error");
    assert_int_equal(log_gate_end(NULL), 1);

    log_gate_begin();
    log_gate_secret(PIN);
    log_gate_expect("went wrong on purpose");
    log_error("test", "it went wrong on purpose");
    log_info("test", "leader typed MK **** 2468");
    assert_int_equal(log_gate_end(NULL), 0);

    /* A capture left running (a test that failed early) is replaced. */
    log_gate_begin();
    log_error("test", "left behind");
    log_gate_begin();
    assert_int_equal(log_gate_end(NULL), 0);
    assert_int_equal(log_gate_end(NULL), 0); /* none running */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_lines),     cmocka_unit_test(test_texts),
        cmocka_unit_test(test_scan_log_file), cmocka_unit_test(test_scan_db),
        cmocka_unit_test(test_capture),       cmocka_unit_test(test_full),
    };

    return cmocka_run_group_tests_name("log_gate", tests, NULL, NULL);
}
