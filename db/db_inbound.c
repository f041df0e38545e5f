/* db_inbound.c - inbound message rows: the provider-retry dedup key */
#include <string.h>

#include "db/db_inbound.h"
#include "db/db_internal.h"
#include "db/db_msg.h"
#include "common/banned.h"

gw_err db_inbound_insert(struct db *db, const char *provider,
                         const char *provider_id, const char *channel,
                         const char *phone, const char *text, int64_t at,
                         int64_t *id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO inbound(provider,"
                                   " provider_id, channel, phone, text,"
                                   " received_at) VALUES (?1, ?2, ?3, ?4,"
                                   " ?5, ?6)");
    int rc;

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, provider) || db_bind_text(st, 2, provider_id) ||
        db_bind_text(st, 3, channel) || db_bind_text(st, 4, phone) ||
        db_bind_text(st, 5, text) || sqlite3_bind_int64(st, 6, at)) {
        db_stmt_done(st);
        return GW_EDB;
    }
    rc = sqlite3_step(st);
    db_stmt_done(st);
    if (rc == SQLITE_DONE) {
        if (id)
            *id = sqlite3_last_insert_rowid(db->conn);
        return GW_OK;
    }
    /* A repeat is expected traffic, not an error worth a log line. */
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return GW_EEXIST;
    return db_error(db, rc, "insert inbound");
}

/* Whether sql (?1 provider, ?2 key) finds a row. sql is a literal: the
 * statement cache keys on its address. */
static gw_err key_exists(struct db *db, const char *sql, const char *provider,
                         const char *key, bool *found, const char *what)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, provider) || db_bind_text(st, 2, key)) {
        db_stmt_done(st);
        return GW_EDB;
    }
    rc = sqlite3_step(st);
    db_stmt_done(st);
    *found = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GW_OK
                                                 : db_error(db, rc, what);
}

gw_err db_inbound_exists(struct db *db, const char *provider,
                         const char *provider_id, bool *found)
{
    static const char sql[] =
        "SELECT 1 FROM inbound WHERE provider = ?1 AND provider_id = ?2";

    return key_exists(db, sql, provider, provider_id, found, "find inbound");
}

gw_err db_inbound_alias_exists(struct db *db, const char *provider,
                               const char *alias, bool *found)
{
    static const char sql[] =
        "SELECT 1 FROM inbound_alias WHERE provider = ?1 AND alias = ?2";

    return key_exists(db, sql, provider, alias, found, "find inbound alias");
}

gw_err db_inbound_alias_insert(struct db *db, const char *provider,
                               const char *alias, int64_t inbound_id)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO inbound_alias(provider,"
                                   " alias, inbound_id) VALUES (?1, ?2, ?3)");
    int rc;

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, provider) || db_bind_text(st, 2, alias) ||
        sqlite3_bind_int64(st, 3, inbound_id)) {
        db_stmt_done(st);
        return GW_EDB;
    }
    rc = sqlite3_step(st);
    db_stmt_done(st);
    if (rc == SQLITE_DONE)
        return GW_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return GW_EEXIST;
    return db_error(db, rc, "insert inbound alias");
}

gw_err db_inbound_count(struct db *db, int64_t *n)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM inbound");
    int rc;

    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "count inbound");
}

gw_err db_inbound_text(struct db *db, const char *provider,
                       const char *provider_id, char *text, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT text FROM inbound WHERE"
                                   " provider = ?1 AND provider_id = ?2");
    gw_err err = GW_ENOTFOUND;
    int rc;

    if (st == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, provider) || db_bind_text(st, 2, provider_id)) {
        db_stmt_done(st);
        return GW_EDB;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t len = t ? strlen(t) : 0;

        err = GW_ETOOBIG;
        if (len < size) {
            memcpy(text, t ? t : "", len + 1);
            err = GW_OK;
        }
    } else if (rc != SQLITE_DONE) {
        err = db_error(db, rc, "read inbound");
    }
    db_stmt_done(st);
    return err;
}
