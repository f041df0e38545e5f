/* test_db.c - the store: open, pragmas, migrations, transactions, upserts
 *
 * White-box: it reads pragmas and sets user_version through the
 * connection in db_internal.h, which product code outside db/ never does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "db/db.h"
#include "db/db_import.h"
#include "db/db_internal.h"

struct tmp {
    char dir[32];
    char path[64];
};

static void tmp_make(struct tmp *t)
{
    (void)snprintf(t->dir, sizeof(t->dir), "/tmp/dt_db_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    (void)snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
}

static void tmp_remove(struct tmp *t)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char p[80];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(sfx); i++) {
        (void)snprintf(p, sizeof(p), "%s%s", t->path, sfx[i]);
        (void)unlink(p);
    }
    assert_int_equal(rmdir(t->dir), 0);
}

/* The first column of a one-row pragma, as text, into out. */
static void pragma(struct db *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    (void)snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static void commune(struct db_commune *c, const char *code, int day)
{
    memset(c, 0, sizeof(*c));
    (void)snprintf(c->code, sizeof(c->code), "%s", code);
    (void)snprintf(c->name, sizeof(c->name), "Xã %s", code);
    (void)snprintf(c->district, sizeof(c->district), "Huyện Bến Lức");
    (void)snprintf(c->province, sizeof(c->province), "Tỉnh Long An");
    c->session_day = day;
    (void)snprintf(c->officer_phone, sizeof(c->officer_phone), "+84912345678");
}

static int64_t count(struct db *db, enum db_table t)
{
    int64_t n = -1;

    assert_int_equal(db_table_count(db, t, &n), GW_OK);
    return n;
}

static void test_fresh_file(void **state)
{
    struct tmp t = {"", ""};
    struct db *db = NULL;
    char v[32];
    int version = -1;

    (void)state;
    tmp_make(&t);
    assert_int_equal(db_open(t.path, &db), GW_OK);
    assert_int_equal(db_schema_version(db, &version), GW_OK);
    assert_int_equal(version, db_schema_current());
    assert_true(db_schema_current() >= 1);
    pragma(db, "PRAGMA journal_mode", v, sizeof(v));
    assert_string_equal(v, "wal");
    pragma(db, "PRAGMA foreign_keys", v, sizeof(v));
    assert_string_equal(v, "1");
    pragma(db, "PRAGMA synchronous", v, sizeof(v));
    assert_string_equal(v, "2"); /* FULL */
    assert_int_equal(db_ping(db), GW_OK);
    assert_int_equal(db_integrity_ok(db), GW_OK);
    assert_false(db_in_transaction(db));
    db_close(db);
    db_close(NULL);
    tmp_remove(&t);
}

static void test_memory(void **state)
{
    struct db *db = NULL;
    int version = -1;

    (void)state;
    assert_int_equal(db_open(":memory:", &db), GW_OK);
    assert_int_equal(db_schema_version(db, &version), GW_OK);
    assert_int_equal(version, db_schema_current());
    assert_int_equal(count(db, DB_COMMUNES), 0);
    db_close(db);
}

/* A database left at any older version ends at the current one, with
 * its data. */
static void test_migrate_from_each_version(void **state)
{
    int from;

    (void)state;
    for (from = 0; from <= db_schema_current(); from++) {
        struct tmp t = {"", ""};
        struct db *db = NULL;
        struct db_commune c;
        int version = -1;

        tmp_make(&t);
        assert_int_equal(db_open_at_version(t.path, from, &db), GW_OK);
        assert_int_equal(db_schema_version(db, &version), GW_OK);
        assert_int_equal(version, from);
        if (from >= 1) {
            commune(&c, "C1", 10);
            assert_int_equal(db_commune_upsert(db, &c), GW_OK);
        }
        db_close(db);
        assert_int_equal(db_open(t.path, &db), GW_OK);
        assert_int_equal(db_schema_version(db, &version), GW_OK);
        assert_int_equal(version, db_schema_current());
        assert_int_equal(count(db, DB_COMMUNES), from >= 1 ? 1 : 0);
        db_close(db);
        tmp_remove(&t);
    }
}

static void test_newer_refused(void **state)
{
    struct tmp t = {"", ""};
    struct db *db = NULL;
    char sql[64];

    (void)state;
    tmp_make(&t);
    assert_int_equal(db_open(t.path, &db), GW_OK);
    (void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
                   db_schema_current() + 1);
    assert_int_equal(sqlite3_exec(db->conn, sql, NULL, NULL, NULL), SQLITE_OK);
    db_close(db);
    db = (struct db *)1;
    assert_int_not_equal(db_open(t.path, &db), GW_OK);
    assert_null(db);
    tmp_remove(&t);
}

static void test_commit_survives_reopen(void **state)
{
    struct tmp t = {"", ""};
    struct db *db = NULL;
    struct db_commune c;

    (void)state;
    tmp_make(&t);
    assert_int_equal(db_open(t.path, &db), GW_OK);
    assert_int_equal(db_begin(db), GW_OK);
    assert_true(db_in_transaction(db));
    commune(&c, "C1", 10);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    assert_int_equal(db_commit(db), GW_OK);
    assert_false(db_in_transaction(db));
    db_close(db);
    assert_int_equal(db_open(t.path, &db), GW_OK);
    assert_int_equal(db_commune_get(db, "C1", &c), GW_OK);
    assert_int_equal(c.session_day, 10);
    assert_string_equal(c.district, "Huyện Bến Lức");
    db_close(db);
    tmp_remove(&t);
}

static void test_rollback(void **state)
{
    struct db *db = NULL;
    struct db_commune c;

    (void)state;
    assert_int_equal(db_open(":memory:", &db), GW_OK);
    db_rollback(db); /* none open: harmless */
    assert_int_equal(db_begin(db), GW_OK);
    commune(&c, "C1", 10);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    assert_int_equal(count(db, DB_COMMUNES), 1);
    db_rollback(db);
    assert_false(db_in_transaction(db));
    assert_int_equal(count(db, DB_COMMUNES), 0);
    assert_int_equal(db_commune_get(db, "C1", &c), GW_ENOTFOUND);
    db_close(db);
}

static void test_savepoints(void **state)
{
    struct db *db = NULL;
    struct db_commune c;

    (void)state;
    assert_int_equal(db_open(":memory:", &db), GW_OK);
    assert_int_equal(db_begin(db), GW_OK);
    commune(&c, "A", 1);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    assert_int_equal(db_savepoint(db), GW_OK);
    commune(&c, "B", 2);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    commune(&c, "A", 3); /* an update undone with the savepoint */
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    db_savepoint_rollback(db);
    assert_true(db_in_transaction(db));
    assert_int_equal(db_savepoint(db), GW_OK);
    commune(&c, "C", 4);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    assert_int_equal(db_savepoint_release(db), GW_OK);
    assert_int_equal(db_commit(db), GW_OK);
    assert_int_equal(count(db, DB_COMMUNES), 2);
    assert_int_equal(db_commune_get(db, "A", &c), GW_OK);
    assert_int_equal(c.session_day, 1);
    assert_int_equal(db_commune_get(db, "B", &c), GW_ENOTFOUND);
    assert_int_equal(db_commune_get(db, "C", &c), GW_OK);
    db_close(db);
}

/* References by code, and unique values held by another row. */
static void test_upsert_refs_and_conflicts(void **state)
{
    struct db *db = NULL;
    struct db_commune c;
    struct db_group g = {"G1", "Tổ 1", "C9", "Hội"};
    struct db_member m = {"M1", "G1", 1, "Lan", "+84912000001", "leader", 1, 1};
    struct db_conflict clash;
    struct db_posting p = {"R1", "2026-12-10", 1, 0, 0};
    struct db_savings s = {"M9", 5};
    struct db_loan l;

    (void)state;
    assert_int_equal(db_open(":memory:", &db), GW_OK);
    assert_int_equal(db_group_upsert(db, &g), GW_ENOTFOUND);
    commune(&c, "C9", 5);
    assert_int_equal(db_commune_upsert(db, &c), GW_OK);
    assert_int_equal(db_group_upsert(db, &g), GW_OK);
    assert_int_equal(db_member_upsert(db, &m, &clash), GW_OK);
    /* The same row again: an update, not a clash. */
    assert_int_equal(db_member_upsert(db, &m, &clash), GW_OK);
    assert_int_equal(count(db, DB_MEMBERS), 1);

    (void)snprintf(m.code, sizeof(m.code), "M2");
    m.seq = 2;
    assert_int_equal(db_member_upsert(db, &m, &clash), GW_EEXIST);
    assert_string_equal(clash.column, "phone");
    assert_string_equal(clash.code, "M1");
    (void)snprintf(m.phone, sizeof(m.phone), "+84912000002");
    m.seq = 1;
    assert_int_equal(db_member_upsert(db, &m, &clash), GW_EEXIST);
    assert_string_equal(clash.column, "seq");
    assert_string_equal(clash.code, "M1");
    assert_int_equal(db_member_upsert(db, &m, NULL), GW_EEXIST);
    (void)snprintf(m.group_code, sizeof(m.group_code), "G9");
    assert_int_equal(db_member_upsert(db, &m, &clash), GW_ENOTFOUND);
    assert_int_equal(count(db, DB_MEMBERS), 1);

    memset(&l, 0, sizeof(l));
    (void)snprintf(l.code, sizeof(l.code), "L1");
    (void)snprintf(l.member_code, sizeof(l.member_code), "M9");
    (void)snprintf(l.program, sizeof(l.program), "HN");
    (void)snprintf(l.disbursed_on, sizeof(l.disbursed_on), "2024-01-01");
    (void)snprintf(l.maturity_on, sizeof(l.maturity_on), "2029-01-01");
    (void)snprintf(l.status, sizeof(l.status), "current");
    assert_int_equal(db_loan_upsert(db, &l), GW_ENOTFOUND);
    (void)snprintf(l.member_code, sizeof(l.member_code), "M1");
    l.outstanding = DT_MONEY_MAX;
    assert_int_equal(db_loan_upsert(db, &l), GW_OK);
    assert_int_equal(db_loan_get(db, "L1", &l), GW_OK);
    assert_int_equal(l.outstanding, DT_MONEY_MAX);
    assert_string_equal(l.next_principal_on, "");

    assert_int_equal(db_savings_upsert(db, &s, 100), GW_ENOTFOUND);
    (void)snprintf(s.member_code, sizeof(s.member_code), "M1");
    assert_int_equal(db_savings_upsert(db, &s, 100), GW_OK);
    s.balance = 7;
    assert_int_equal(db_savings_upsert(db, &s, 200), GW_OK);
    assert_int_equal(db_savings_get(db, "M1", &s), GW_OK);
    assert_int_equal(s.balance, 7);
    assert_int_equal(count(db, DB_SAVINGS), 1);

    assert_int_equal(db_posting_upsert(db, &p, 100), GW_ENOTFOUND);
    assert_int_equal(count(db, DB_POSTINGS), 0);
    assert_int_equal(db_table_count(db, DB_TABLE_COUNT, NULL), GW_EINVAL);
    db_close(db);
}

/* The operator's tools never answer from a database they just created. */
static void test_open_existing(void **state)
{
    char path[64], dir[80];
    struct db *db = NULL;
    int fd;

    (void)state;
    (void)snprintf(path, sizeof(path), "/tmp/test_db_existing_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    (void)close(fd);
    assert_int_equal(unlink(path), 0);
    /* Missing: refused, and still missing afterwards. */
    assert_int_equal(db_open_existing(path, &db), GW_ENOTFOUND);
    assert_null(db);
    assert_int_equal(access(path, F_OK), -1);
    /* A directory is not a database. */
    (void)snprintf(dir, sizeof(dir), "/tmp/test_db_dir_XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(db_open_existing(dir, &db), GW_ENOTFOUND);
    assert_int_equal(rmdir(dir), 0);
    /* Once created, it opens; so does a private in-memory one. */
    assert_int_equal(db_open(path, &db), GW_OK);
    db_close(db);
    assert_int_equal(db_open_existing(path, &db), GW_OK);
    db_close(db);
    assert_int_equal(db_open_existing(":memory:", &db), GW_OK);
    db_close(db);
    (void)unlink(path);
    (void)snprintf(dir, sizeof(dir), "%s-wal", path);
    (void)unlink(dir);
    (void)snprintf(dir, sizeof(dir), "%s-shm", path);
    (void)unlink(dir);
}

/* ---- db_check_start: what serve refuses to start on ---------------- */

static void write_bytes(const char *path, long off, const char *bytes, size_t n,
                        const char *mode)
{
    FILE *f = fopen(path, mode);

    assert_non_null(f);
    assert_int_equal(fseek(f, off, SEEK_SET), 0);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *c = NULL;

    assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
    assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(c), SQLITE_OK);
}

/* A diemtua database with enough rows for several pages (its WAL folded
 * into the file by the last close). */
static void make_good(const char *path)
{
    struct db *db = NULL;

    assert_int_equal(db_open(path, &db), GW_OK);
    db_close(db);
    raw_sql(path, "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                  " FROM s WHERE i < 2000) INSERT INTO communes(code, name,"
                  " district, province, session_day, officer_phone)"
                  " SELECT 'C' || i, 'Xa ' || i, 'D', 'P', 15, '+84912345678'"
                  " FROM s");
}

static void make_none(const char *path)
{
    (void)path;
}
static void make_dir(const char *path)
{
    assert_int_equal(mkdir(path, 0700), 0);
}
static void make_empty(const char *path)
{
    write_bytes(path, 0, "", 0, "w");
}
static void make_garbage(const char *path)
{
    char junk[8192];
    size_t i;

    for (i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i * 131 + 7);
    write_bytes(path, 0, junk, sizeof(junk), "w");
}
static void make_plain_sqlite(const char *path)
{
    raw_sql(path, "CREATE TABLE t(x)");
}
static void make_newer(const char *path)
{
    make_good(path);
    raw_sql(path, "PRAGMA user_version = 999");
}
/* The header is intact; a page of the communes table (the last ones
 * written) is overwritten whole. */
static void make_damaged(const char *path)
{
    char junk[4096];
    struct stat st;

    memset(junk, 0x5a, sizeof(junk));
    make_good(path);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size >= 8 * 4096);
    write_bytes(path, (long)st.st_size - 3 * 4096, junk, sizeof(junk), "r+");
}
static void make_truncated(const char *path)
{
    struct stat st;

    make_good(path);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size / 2), 0);
}

static const struct {
    const char *name;
    void (*make)(const char *path);
    gw_err want;
} check_rows[] = {
    {"missing", make_none, GW_ENOTFOUND},
    {"a directory", make_dir, GW_EDB},
    {"empty", make_empty, GW_EDB},
    {"not SQLite", make_garbage, GW_EDB},
    {"SQLite without diemtua's schema", make_plain_sqlite, GW_EDB},
    {"newer schema", make_newer, GW_EDB},
    {"damaged pages", make_damaged, GW_EDB},
    {"truncated", make_truncated, GW_EDB},
    {"good", make_good, GW_OK},
};

static void test_check_start(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(check_rows); i++) {
        struct tmp t = {"", ""};
        struct stat before, after;
        bool existed;
        gw_err got;

        tmp_make(&t);
        check_rows[i].make(t.path);
        existed = stat(t.path, &before) == 0;
        got = db_check_start(t.path);
        if (got != check_rows[i].want)
            fail_msg("%s: got %s, want %s", check_rows[i].name,
                     gw_strerror(got), gw_strerror(check_rows[i].want));
        /* Nothing created, nothing grown or shrunk. */
        assert_int_equal(stat(t.path, &after) == 0, existed);
        if (existed && S_ISREG(before.st_mode))
            assert_int_equal(after.st_size, before.st_size);
        if (existed && S_ISDIR(before.st_mode))
            assert_int_equal(rmdir(t.path), 0);
        tmp_remove(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_file),
        cmocka_unit_test(test_open_existing),
        cmocka_unit_test(test_check_start),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_migrate_from_each_version),
        cmocka_unit_test(test_newer_refused),
        cmocka_unit_test(test_commit_survives_reopen),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_savepoints),
        cmocka_unit_test(test_upsert_refs_and_conflicts),
    };

    log_set_level(LOG_WARN);
    return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
