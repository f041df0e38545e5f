/* db.h - the store: connection, transactions, schema version
 *
 * This is the only interface to persistent data. Nothing here exposes
 * SQLite: a PostgreSQL backend will implement the same functions. Tables
 * have their own headers (db_import.h, ...), all taking a struct db.
 *
 * One struct db is one connection and must be used by one thread at a
 * time; every thread that needs the store opens its own. Writes happen
 * inside db_begin()/db_commit(): the transaction takes the write lock at
 * once (BEGIN IMMEDIATE), so it can never fail half-way for a lock.
 *
 * Durability: a commit is on disk when db_commit() returns (WAL with
 * synchronous=FULL), which is what lets the gateway answer 2xx after it.
 */
#ifndef DT_DB_H
#define DT_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

struct db;

/* Opens (creating if needed) the database at path and brings its schema
 * to the current version, each migration in its own transaction.
 * ":memory:" gives a private in-memory database (tests). On failure *out
 * is NULL and the reason is logged. */
gw_err db_open(const char *path, struct db **out);
/* Like db_open(), but a database that does not exist yet is an error
 * (GW_ENOTFOUND, logged) rather than created: for the operator's tools,
 * where a mistyped --db must not answer from a new, empty database. */
gw_err db_open_existing(const char *path, struct db **out);
/* Whether serve may start on path: refuses (logged, in words an
 * operator can act on) a database that is missing, not a regular file,
 * empty, not SQLite, without diemtua's schema, newer than this build, or
 * damaged (PRAGMA quick_check). Creates and changes nothing. */
gw_err db_check_start(const char *path);
/* NULL-safe; finalizes every cached statement. */
void db_close(struct db *db);

/* The schema version this build migrates to, and the one db is at. */
int db_schema_current(void);
gw_err db_schema_version(struct db *db, int *version);
/* Migrates to version target only (tests of the migration path): opens
 * without migrating past it. */
gw_err db_open_at_version(const char *path, int target, struct db **out);

/* Transactions. GW_EBUSY when the database is locked past the busy
 * timeout or the disk is full: the caller answers 503 and the sender
 * retries. db_rollback is safe to call when no transaction is open. */
gw_err db_begin(struct db *db);
gw_err db_commit(struct db *db);
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);
/* How long db_begin() on this connection waits for another connection's
 * write lock before GW_EBUSY (default 5000 ms). A connection that answers
 * clients sets it below their patience: a quick 503 beats a hang. */
gw_err db_set_busy_timeout(struct db *db, int ms);

/* A cheap read that proves the database answers (for /healthz). */
gw_err db_ping(struct db *db);

/* PRAGMA integrity_check == "ok". */
gw_err db_integrity_ok(struct db *db);

/* Savepoints nest inside a transaction: the gateway's writer runs many
 * requests in one transaction (group commit), each in its own savepoint,
 * so one failed request is undone without touching the others. */
gw_err db_savepoint(struct db *db);
gw_err db_savepoint_release(struct db *db);
void db_savepoint_rollback(struct db *db);
#endif
