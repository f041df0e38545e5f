/* db_internal.h - shared by the db/ sources only; never include elsewhere
 *
 * Statements are prepared once per connection and cached by their SQL text
 * pointer: pass a string literal (static storage) to db_stmt(). Callers
 * must db_stmt_done() the statement (reset + clear bindings) when finished,
 * on every path.
 */
#ifndef DT_DB_INTERNAL_H
#define DT_DB_INTERNAL_H

#include <sqlite3.h>

#include "common/err.h"
#include "db/db.h"

#define DB_STMT_CACHE 192

struct db_cached {
    const char *sql;
    sqlite3_stmt *st;
};

struct db {
    sqlite3 *conn;
    struct db_cached cache[DB_STMT_CACHE];
    int ncache;
};

/* The cached prepared statement for sql (a literal), or NULL on error
 * (logged). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);
/* Resets and clears bindings; NULL-safe. */
void db_stmt_done(sqlite3_stmt *st);

/* Maps a SQLite result code to gw_err: BUSY/LOCKED/FULL/IOERR give
 * GW_EBUSY, CONSTRAINT gives GW_EEXIST, others GW_EDB. Logs the error
 * message with what (the operation) unless rc is OK/ROW/DONE. */
gw_err db_error(struct db *db, int rc, const char *what);

/* Binds a C string as text (SQLITE_TRANSIENT), or NULL when s is NULL. */
int db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Copies text column col of the current row into the caller's out[size]
 * as a C string; NULL gives "". A longer value is cut at size - 1 bytes
 * (rows we wrote were checked to fit on the way in). size must be > 0. */
void db_col_text(sqlite3_stmt *st, int col, char *out, size_t size);

/* Like db_col_text, but never cuts: a value of size bytes or more leaves
 * out "" and returns GW_ETOOBIG (not logged; the caller decides whether
 * that is corruption). NULL gives "" and GW_OK. */
gw_err db_col_text_fit(sqlite3_stmt *st, int col, char *out, size_t size);

/* Runs a statement that returns no rows. */
gw_err db_exec_stmt(struct db *db, sqlite3_stmt *st, const char *what);

/* The migrations: migration i (1-based) takes the schema from version
 * i-1 to i; each is a NULL-terminated list of statements. */
extern const char *const *const db_migrations[];
extern const int db_migration_count;

/* The outbox class of a message kind (db_msg.h: DB_CLASS_*): the money
 * record first (receipts, alerts, booking notices, dispute answers),
 * then replies, then reminders and campaigns. K is an SQL expression. */
#define DB_OUTBOX_CLASS(K)                                                     \
    "(CASE " K " WHEN 'RECEIPT' THEN 0 WHEN 'ALERT' THEN 0"                    \
    " WHEN 'POSTED' THEN 0 WHEN 'UNPOSTED' THEN 0 WHEN 'DISPUTE' THEN 0"       \
    " WHEN 'RESOLVED' THEN 0"                                                  \
    " WHEN 'REMINDER' THEN 2 WHEN 'LEADER_NOTE' THEN 2 WHEN 'OVERDUE' THEN 2"  \
    " WHEN 'STATEMENT' THEN 2 WHEN 'CAMPAIGN' THEN 2 ELSE 1 END)"

/* "mine": the groups officer ?1 sees (her communes, or every one for
 * admin), of commune ?9 only unless it is 0, as a CTE. Driven by the
 * officer's communes and the groups' commune index (a scan of every
 * group with a subquery each took 10 ms at a million members). */
#define DB_MINE_CTE                                                            \
    "mine AS (SELECT g.id AS gid FROM officers o JOIN officer_communes oc"     \
    " ON oc.officer_id = o.id JOIN groups g ON g.commune_id = oc.commune_id"   \
    " WHERE o.id = ?1 AND o.disabled = 0 AND o.role <> 'admin'"                \
    " AND (?9 = 0 OR oc.commune_id = ?9)"                                      \
    " UNION ALL SELECT g.id FROM officers o, groups g WHERE o.id = ?1"         \
    " AND o.disabled = 0 AND o.role = 'admin' AND g.commune_id BETWEEN"        \
    " (CASE WHEN ?9 = 0 THEN 0 ELSE ?9 END) AND"                               \
    " (CASE WHEN ?9 = 0 THEN 9223372036854775807 ELSE ?9 END))"

/* A receipt whose amounts count (against the due, in the totals, as paid):
 * not voided, nor disputed after it was voided. P is the table's prefix
 * ("" or "c."). */
#define DB_LIVE_RECEIPT(P)                                                     \
    "(" P "state <> 'VOIDED' AND COALESCE(" P "disputed_from, '') <> "         \
    "'VOIDED')"

#endif
