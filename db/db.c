/* db.c - SQLite connection, pragmas, migrations, transactions */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_fault.h"
#include "common/buf.h"
#include "db/db_internal.h"
#include "text/utf8.h"
#include "common/banned.h"

/* How long a writer waits for another writer before GW_EBUSY, unless the
 * connection's owner sets its own (db_set_busy_timeout). */
#define DB_BUSY_TIMEOUT_MS 5000

/* db_fault_full(): process-wide, read by every connection's commit. */
static atomic_bool db_fault_full_on;

void db_fault_full(bool on)
{
    atomic_store(&db_fault_full_on, on);
}

gw_err db_error(struct db *db, int rc, const char *what)
{
    int prim = rc & 0xff;

    if (prim == SQLITE_OK || prim == SQLITE_ROW || prim == SQLITE_DONE)
        return GW_OK;
    log_error("db", "%s: %s (%d)", what,
              db && db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc),
              rc);
    switch (prim) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
        return GW_EBUSY;
    case SQLITE_CONSTRAINT:
        return GW_EEXIST;
    default:
        return GW_EDB;
    }
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int i, rc;

    for (i = 0; i < db->ncache; i++)
        if (db->cache[i].sql == sql)
            return db->cache[i].st;
    rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        (void)db_error(db, rc, "prepare");
        log_error("db", "in statement: %.120s", sql);
        return NULL;
    }
    if (db->ncache == DB_STMT_CACHE) {
        /* More distinct statements than the cache holds is a bug: keep
         * working (the statement leaks until close) but say so. */
        log_error("db", "statement cache full");
        return st;
    }
    db->cache[db->ncache].sql = sql;
    db->cache[db->ncache].st = st;
    db->ncache++;
    return st;
}

void db_stmt_done(sqlite3_stmt *st)
{
    if (st) {
        (void)sqlite3_reset(st);
        (void)sqlite3_clear_bindings(st);
    }
}

int db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s == NULL)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

gw_err db_exec_stmt(struct db *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    gw_err err = rc == SQLITE_DONE ? GW_OK : db_error(db, rc, what);

    db_stmt_done(st);
    return err;
}

static gw_err db_exec(struct db *db, const char *sql, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        log_error("db", "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return db_error(NULL, rc, what) == GW_EBUSY ? GW_EBUSY : GW_EDB;
    }
    return GW_OK;
}

int db_schema_current(void)
{
    return db_migration_count;
}

gw_err db_schema_version(struct db *db, int *version)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
    int rc;

    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "read user_version");
}

static gw_err db_run_migration(struct db *db, const char *const *stmts)
{
    gw_err err = GW_OK;

    for (; *stmts && err == GW_OK; stmts++)
        err = db_exec(db, *stmts, "migrate");
    return err;
}

static gw_err db_migrate(struct db *db, int target)
{
    int version = 0, v;
    gw_err err = db_schema_version(db, &version);

    if (err)
        return err;
    if (version > db_migration_count) {
        log_error("db",
                  "database schema version %d is newer than this "
                  "build (%d): refusing to touch it",
                  version, db_migration_count);
        return GW_EDB;
    }
    for (v = version; v < target; v++) {
        char pragma[64];

        /* PRAGMA takes no parameters; v is our own integer. */
        (void)snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
                       v + 1);
        if ((err = db_begin(db)) != GW_OK)
            return err;
        err = db_run_migration(db, db_migrations[v]);
        if (err != GW_OK ||
            (err = db_exec(db, pragma, "set user_version")) != GW_OK ||
            (err = db_commit(db)) != GW_OK) {
            db_rollback(db);
            log_error("db", "migration to version %d failed", v + 1);
            return err;
        }
        log_info("db", "schema migrated to version %d", v + 1);
    }
    return GW_OK;
}

/* Process-wide SQLite settings, once, before the first connection (the
 * library refuses sqlite3_config() after it is initialised; then the
 * defaults stay, which is only slower).
 * - Statement journals stay in memory in small chunks: by default each
 *   one takes a 64 KiB chunk on its first write and frees it when the
 *   statement or savepoint ends. The writer opens one for every job's
 *   savepoint, and the free at the top of the heap made glibc trim and
 *   refault it per job (madvise, page faults, a TLB shootdown on the
 *   other core): about 15% of the writer's time. A job's sub-journal
 *   holds a few pages, so memory is no concern.
 * - No memory statistics: they take a global mutex on every malloc. */
static void db_global_config(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static pthread_once_t db_global_once = PTHREAD_ONCE_INIT;

static gw_err db_configure(struct db *db, bool memory)
{
    gw_err err;

    (void)sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
    (void)sqlite3_extended_result_codes(db->conn, 1);
    err = db_exec(db, "PRAGMA foreign_keys = ON", "foreign_keys");
    if (!err && !memory)
        err = db_exec(db, "PRAGMA journal_mode = WAL", "journal_mode");
    if (!err)
        err = db_exec(db, "PRAGMA synchronous = FULL", "synchronous");
    /* Bound the WAL file after checkpoints so it cannot grow forever. */
    if (!err)
        err = db_exec(db, "PRAGMA journal_size_limit = 67108864",
                      "journal_size_limit");
    return err;
}

/* dt_fold(text): lower-case ASCII without diacritics ("Nguyễn Thị Hồng"
 * -> "nguyen thi hong"), so an officer finds a name however she types
 * it. NULL for NULL or text that is not UTF-8. */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    struct buf b;
    size_t i;

    (void)argc;
    if (s == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    buf_init(&b, 4096);
    if (utf8_fold_ascii(s, strlen(s), &b) != GW_OK) {
        buf_release(&b);
        sqlite3_result_null(ctx);
        return;
    }
    for (i = 0; i < b.len; i++)
        if (b.data[i] >= 'A' && b.data[i] <= 'Z')
            b.data[i] = (char)(b.data[i] - 'A' + 'a');
    sqlite3_result_text(ctx, buf_cstr(&b), (int)b.len, SQLITE_TRANSIENT);
    buf_release(&b);
}

static gw_err db_functions(struct db *db)
{
    int rc = sqlite3_create_function_v2(db->conn, "dt_fold", 1,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                            SQLITE_INNOCUOUS,
                                        NULL, fold_fn, NULL, NULL, NULL);

    return rc == SQLITE_OK ? GW_OK : db_error(db, rc, "dt_fold");
}

gw_err db_open_at_version(const char *path, int target, struct db **out)
{
    struct db *db = xcalloc(1, sizeof(*db));
    bool memory = strcmp(path, ":memory:") == 0;
    int rc;
    gw_err err;

    *out = NULL;
    (void)pthread_once(&db_global_once, db_global_config);
    rc = sqlite3_open_v2(
        path, &db->conn,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        log_error("db", "open %s: %s", path,
                  db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
        db_close(db);
        return GW_EIO;
    }
    err = db_configure(db, memory);
    if (!err)
        err = db_functions(db);
    if (!err)
        err = db_migrate(db, target);
    if (err) {
        db_close(db);
        return err;
    }
    *out = db;
    return GW_OK;
}

gw_err db_open(const char *path, struct db **out)
{
    return db_open_at_version(path, db_migration_count, out);
}

gw_err db_open_existing(const char *path, struct db **out)
{
    struct stat st;

    *out = NULL;
    if (strcmp(path, ":memory:") != 0 &&
        (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
        log_error("db", "no database at %s: create it with diemtua import",
                  path);
        return GW_ENOTFOUND;
    }
    return db_open(path, out);
}

void db_close(struct db *db)
{
    int i;

    if (db == NULL)
        return;
    for (i = 0; i < db->ncache; i++)
        (void)sqlite3_finalize(db->cache[i].st);
    (void)sqlite3_close_v2(db->conn);
    free(db);
}

gw_err db_begin(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "BEGIN IMMEDIATE");

    return st ? db_exec_stmt(db, st, "begin") : GW_EDB;
}

gw_err db_commit(struct db *db)
{
    sqlite3_stmt *st;
    gw_err err;

    if (atomic_load(&db_fault_full_on)) {
        /* What SQLite does when the commit cannot write the WAL: the
         * transaction's statements ran under the write lock, the commit
         * fails with SQLITE_FULL and everything is rolled back. */
        db_rollback(db);
        return db_error(NULL, SQLITE_FULL, "commit (injected disk full)");
    }
    st = db_stmt(db, "COMMIT");
    err = st ? db_exec_stmt(db, st, "commit") : GW_EDB;

    /* A failed COMMIT may leave the transaction open (SQLITE_BUSY): roll
     * it back so the connection is usable and nothing half-done stays. */
    if (err)
        db_rollback(db);
    return err;
}

gw_err db_set_busy_timeout(struct db *db, int ms)
{
    int rc = sqlite3_busy_timeout(db->conn, ms < 0 ? 0 : ms);

    return rc == SQLITE_OK ? GW_OK : db_error(db, rc, "busy timeout");
}

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->conn))
        (void)sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

bool db_in_transaction(struct db *db)
{
    return !sqlite3_get_autocommit(db->conn);
}

gw_err db_ping(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM communes");
    int rc;

    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_step(st);
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "ping");
}

gw_err db_integrity_ok(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA integrity_check");
    gw_err err = GW_EDB;

    if (st == NULL)
        return GW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);

        if (t && strcmp((const char *)t, "ok") == 0)
            err = GW_OK;
    }
    db_stmt_done(st);
    return err;
}

gw_err db_savepoint(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "SAVEPOINT req");

    return st ? db_exec_stmt(db, st, "savepoint") : GW_EDB;
}

gw_err db_savepoint_release(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, "RELEASE req");

    return st ? db_exec_stmt(db, st, "release savepoint") : GW_EDB;
}

void db_savepoint_rollback(struct db *db)
{
    /* ROLLBACK TO leaves the savepoint open; release it too. */
    (void)sqlite3_exec(db->conn, "ROLLBACK TO req; RELEASE req", NULL, NULL,
                       NULL);
}
