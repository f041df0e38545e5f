/* db_pin.c - PIN hashes, wrong-try counter and lock */
#include <string.h>

#include "common/strv.h"
#include "db/db_internal.h"
#include "db/db_pin.h"
#include "common/banned.h"

gw_err db_pin_get(struct db *db, int64_t member_id, struct db_pin *out)
{
    static const char sql[] =
        "SELECT hash, fails, locked FROM pins WHERE member_id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);

        err = strv_copy(strv_from_cstr(h), out->hash, sizeof(out->hash));
        out->fails = sqlite3_column_int(st, 1);
        out->locked = sqlite3_column_int(st, 2) != 0;
    } else if (rc == SQLITE_DONE) {
        err = GW_ENOTFOUND;
    } else {
        err = db_error(db, rc, "pin get");
    }
    db_stmt_done(st);
    return err;
}

static gw_err db_pin_changes(struct db *db, gw_err err)
{
    if (err == GW_OK && sqlite3_changes(db->conn) == 0)
        return GW_ENOTFOUND;
    return err;
}

/* The upsert behind both setters; where picks the member as ?1. */
#define PIN_UPSERT(where)                                                      \
    "INSERT INTO pins (member_id, hash, fails, locked, updated_at)"            \
    " SELECT id, ?2, 0, 0, ?3 FROM members WHERE " where                       \
    " ON CONFLICT (member_id) DO UPDATE SET hash = excluded.hash,"             \
    " fails = 0, locked = 0, updated_at = excluded.updated_at"

/* Upserts hash for one member, reset to no wrong tries and unlocked.
 * sql's ?1 names the member: by member_code when it is not NULL, else by
 * member_id. GW_ENOTFOUND when no member matches. */
static gw_err pin_store(struct db *db, const char *sql, const char *member_code,
                        int64_t member_id, const char *hash, int64_t now)
{
    sqlite3_stmt *st;

    if (strlen(hash) >= DB_PIN_HASH_SIZE)
        return GW_ETOOBIG;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    if (member_code)
        db_bind_text(st, 1, member_code);
    else
        sqlite3_bind_int64(st, 1, member_id);
    db_bind_text(st, 2, hash);
    sqlite3_bind_int64(st, 3, now);
    return db_pin_changes(db, db_exec_stmt(db, st, "pin set"));
}

gw_err db_pin_set_by_code(struct db *db, const char *member_code,
                          const char *hash, int64_t now)
{
    static const char sql[] = PIN_UPSERT("code = ?1");

    return pin_store(db, sql, member_code, 0, hash, now);
}

gw_err db_pin_set(struct db *db, int64_t member_id, const char *hash,
                  int64_t now)
{
    static const char sql[] = PIN_UPSERT("id = ?1");

    return pin_store(db, sql, NULL, member_id, hash, now);
}

gw_err db_pin_unlock_by_code(struct db *db, const char *member_code,
                             int64_t now, bool *was_locked)
{
    static const char get_sql[] =
        "SELECT p.locked FROM pins p JOIN members m ON m.id = p.member_id"
        " WHERE m.code = ?1";
    static const char sql[] =
        "UPDATE pins SET fails = 0, locked = 0, updated_at = ?2"
        " WHERE member_id = (SELECT id FROM members WHERE code = ?1)";
    sqlite3_stmt *st = db_stmt(db, get_sql);
    gw_err err;
    int rc;

    if (was_locked)
        *was_locked = false;
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, member_code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && was_locked)
        *was_locked = sqlite3_column_int(st, 0) != 0;
    err = rc == SQLITE_ROW    ? GW_OK
          : rc == SQLITE_DONE ? GW_ENOTFOUND
                              : db_error(db, rc, "pin unlock");
    db_stmt_done(st);
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, member_code);
    sqlite3_bind_int64(st, 2, now);
    return db_pin_changes(db, db_exec_stmt(db, st, "pin unlock"));
}

gw_err db_pin_fail(struct db *db, int64_t member_id, int max_fails, int64_t now,
                   int *fails, bool *locked)
{
    static const char sql[] =
        "UPDATE pins SET fails = fails + 1,"
        " locked = CASE WHEN locked = 1 OR fails + 1 >= ?2 THEN 1 ELSE 0 END,"
        " updated_at = ?3 WHERE member_id = ?1 RETURNING fails, locked";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;
    int rc;

    *fails = 0;
    *locked = false;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, max_fails);
    sqlite3_bind_int64(st, 3, now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *fails = sqlite3_column_int(st, 0);
        *locked = sqlite3_column_int(st, 1) != 0;
        rc = sqlite3_step(st);
        err = rc == SQLITE_DONE ? GW_OK : db_error(db, rc, "pin fail");
    } else if (rc == SQLITE_DONE) {
        err = GW_ENOTFOUND;
    } else {
        err = db_error(db, rc, "pin fail");
    }
    db_stmt_done(st);
    return err;
}

gw_err db_pin_success(struct db *db, int64_t member_id, int64_t now)
{
    static const char sql[] =
        "UPDATE pins SET fails = 0, updated_at = ?2"
        " WHERE member_id = ?1 AND locked = 0 AND fails <> 0";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, now);
    return db_exec_stmt(db, st, "pin success");
}
