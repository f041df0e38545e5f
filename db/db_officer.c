/* db_officer.c - officers' accounts, their communes and console sessions */
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/db_officer.h"
#include "common/banned.h"

static bool role_ok(const char *role)
{
    return strcmp(role, "commune") == 0 || strcmp(role, "union") == 0 ||
           strcmp(role, "admin") == 0;
}

static gw_err add_commune(struct db *db, int64_t officer_id, const char *code)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO officer_communes (officer_id, commune_id)"
        " SELECT ?1, id FROM communes WHERE code = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    db_bind_text(st, 2, code);
    err = db_exec_stmt(db, st, "officer commune");
    if (err == GW_OK && sqlite3_changes(db->conn) == 0) {
        /* Either unknown or listed twice: only the first is an error. */
        static const char known[] = "SELECT 1 FROM communes WHERE code = ?1";
        sqlite3_stmt *k = db_stmt(db, known);

        if (k == NULL)
            return GW_EDB;
        db_bind_text(k, 1, code);
        err = sqlite3_step(k) == SQLITE_ROW ? GW_OK : GW_ENOTFOUND;
        db_stmt_done(k);
    }
    return err;
}

gw_err db_officer_add(struct db *db, const char *user, const char *role,
                      const char *hash, const char *const *communes,
                      size_t ncommunes, int64_t now, const char **bad)
{
    static const char sql[] =
        "INSERT INTO officers (user, role, hash, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?4)";
    sqlite3_stmt *st;
    int64_t id;
    size_t i;
    gw_err err;

    *bad = NULL;
    if (!role_ok(role) || (strcmp(role, "admin") != 0 && ncommunes == 0) ||
        strlen(user) > DB_OFFICER_USER_MAX ||
        strlen(hash) >= DB_OFFICER_HASH_SIZE)
        return GW_EINVAL;
    err = db_begin(db);
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL) {
        db_rollback(db);
        return GW_EDB;
    }
    db_bind_text(st, 1, user);
    db_bind_text(st, 2, role);
    db_bind_text(st, 3, hash);
    sqlite3_bind_int64(st, 4, now);
    err = db_exec_stmt(db, st, "officer add");
    id = sqlite3_last_insert_rowid(db->conn);
    for (i = 0; err == GW_OK && i < ncommunes; i++) {
        err = add_commune(db, id, communes[i]);
        if (err == GW_ENOTFOUND)
            *bad = communes[i];
    }
    if (err == GW_OK)
        return db_commit(db);
    db_rollback(db);
    return err;
}

#define OFFICER_COLS                                                           \
    "SELECT id, user, role, hash, fails, locked_until, disabled FROM "         \
    "officers "

static gw_err read_officer(struct db *db, sqlite3_stmt *st,
                           struct db_officer *o)
{
    int rc = sqlite3_step(st);
    gw_err err = GW_OK;

    memset(o, 0, sizeof(*o));
    if (rc == SQLITE_ROW) {
        o->id = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, o->user, sizeof(o->user));
        db_col_text(st, 2, o->role, sizeof(o->role));
        err = db_col_text_fit(st, 3, o->hash, sizeof(o->hash));
        o->fails = sqlite3_column_int(st, 4);
        o->locked_until = sqlite3_column_int64(st, 5);
        o->disabled = sqlite3_column_int(st, 6) != 0;
    } else {
        err = rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "officer");
    }
    db_stmt_done(st);
    return err;
}

gw_err db_officer_get(struct db *db, const char *user, struct db_officer *o)
{
    static const char sql[] = OFFICER_COLS "WHERE user = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, user);
    return read_officer(db, st, o);
}

gw_err db_officer_by_id(struct db *db, int64_t id, struct db_officer *o)
{
    static const char sql[] = OFFICER_COLS "WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, id);
    return read_officer(db, st, o);
}

static gw_err changed(struct db *db, gw_err err)
{
    return err == GW_OK && sqlite3_changes(db->conn) == 0 ? GW_ENOTFOUND : err;
}

/* A new password or a disabled account ends every session it had. */
static gw_err end_sessions(struct db *db, const char *user, gw_err err)
{
    static const char sql[] = "DELETE FROM console_sessions WHERE officer_id ="
                              " (SELECT id FROM officers WHERE user = ?1)";
    sqlite3_stmt *st;

    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, user);
    return db_exec_stmt(db, st, "officer sessions end");
}

gw_err db_officer_set_hash(struct db *db, const char *user, const char *hash,
                           int64_t now)
{
    static const char sql[] =
        "UPDATE officers SET hash = ?2, fails = 0, locked_until = 0,"
        " updated_at = ?3 WHERE user = ?1";
    sqlite3_stmt *st;

    if (strlen(hash) >= DB_OFFICER_HASH_SIZE)
        return GW_ETOOBIG;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, user);
    db_bind_text(st, 2, hash);
    sqlite3_bind_int64(st, 3, now);
    return end_sessions(db, user,
                        changed(db, db_exec_stmt(db, st, "officer passwd")));
}

gw_err db_officer_set_disabled(struct db *db, const char *user, bool disabled,
                               int64_t now)
{
    static const char sql[] =
        "UPDATE officers SET disabled = ?2, updated_at = ?3 WHERE user = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, user);
    sqlite3_bind_int(st, 2, disabled ? 1 : 0);
    sqlite3_bind_int64(st, 3, now);
    err = changed(db, db_exec_stmt(db, st, "officer disable"));
    return disabled ? end_sessions(db, user, err) : err;
}

gw_err db_officer_login_result(struct db *db, int64_t id, bool ok,
                               int max_fails, int64_t lock_until, int64_t now,
                               bool *locked)
{
    static const char good[] =
        "UPDATE officers SET fails = 0, updated_at = ?2 WHERE id = ?1";
    static const char bad[] =
        "UPDATE officers SET"
        " fails = CASE WHEN fails + 1 >= ?3 THEN 0 ELSE fails + 1 END,"
        " locked_until = CASE WHEN fails + 1 >= ?3 THEN ?4 ELSE locked_until"
        " END, updated_at = ?2 WHERE id = ?1 RETURNING locked_until";
    sqlite3_stmt *st = db_stmt(db, ok ? good : bad);
    gw_err err = GW_OK;
    int rc;

    *locked = false;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    if (ok) {
        err = db_exec_stmt(db, st, "officer login");
        return err;
    }
    sqlite3_bind_int(st, 3, max_fails);
    sqlite3_bind_int64(st, 4, lock_until);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *locked = sqlite3_column_int64(st, 0) > now;
    else if (rc != SQLITE_DONE)
        err = db_error(db, rc, "officer login");
    else
        err = GW_ENOTFOUND;
    if (err == GW_OK)
        rc = sqlite3_step(st); /* finish the statement */
    db_stmt_done(st);
    return err;
}

gw_err db_officer_list(struct db *db, db_officer_fn fn, void *ctx)
{
    static const char sql[] =
        "SELECT o.id, o.user, o.role, o.hash, o.fails, o.locked_until,"
        " o.disabled, CASE o.role WHEN 'admin' THEN '*' ELSE"
        " COALESCE((SELECT group_concat(code, ',') FROM (SELECT c.code FROM"
        " officer_communes oc JOIN communes c ON c.id = oc.commune_id"
        " WHERE oc.officer_id = o.id ORDER BY c.code)), '') END"
        " FROM officers o ORDER BY o.user";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    if (st == NULL)
        return GW_EDB;
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_officer o;
        char communes[1024];

        memset(&o, 0, sizeof(o));
        o.id = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, o.user, sizeof(o.user));
        db_col_text(st, 2, o.role, sizeof(o.role));
        o.fails = sqlite3_column_int(st, 4);
        o.locked_until = sqlite3_column_int64(st, 5);
        o.disabled = sqlite3_column_int(st, 6) != 0;
        db_col_text(st, 7, communes, sizeof(communes));
        err = fn(ctx, &o, communes);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "officer list");
    db_stmt_done(st);
    return err;
}

gw_err db_officer_sees(struct db *db, int64_t officer_id, int64_t commune_id,
                       bool *yes)
{
    static const char sql[] =
        "SELECT 1 FROM officers o WHERE o.id = ?1 AND o.disabled = 0 AND"
        " (o.role = 'admin' OR EXISTS (SELECT 1 FROM officer_communes oc"
        " WHERE oc.officer_id = o.id AND oc.commune_id = ?2))";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *yes = false;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 2, commune_id);
    rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW;
    db_stmt_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GW_OK
                                                 : db_error(db, rc, "sees");
}

gw_err db_officer_communes(struct db *db, int64_t officer_id,
                           db_commune_ref_fn fn, void *ctx)
{
    static const char sql[] =
        "SELECT co.id, co.code, co.name, co.district FROM communes co,"
        " officers o WHERE o.id = ?1 AND o.disabled = 0 AND (o.role = 'admin'"
        " OR co.id IN (SELECT commune_id FROM officer_communes WHERE"
        " officer_id = o.id)) ORDER BY co.province, co.district, co.name,"
        " co.id";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_commune_ref c;

        memset(&c, 0, sizeof(c));
        c.id = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, c.code, sizeof(c.code));
        db_col_text(st, 2, c.name, sizeof(c.name));
        db_col_text(st, 3, c.district, sizeof(c.district));
        err = fn(ctx, &c);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "officer communes");
    db_stmt_done(st);
    return err;
}

gw_err db_session_add(struct db *db, const char *token_hash, int64_t officer_id,
                      const char *csrf, int64_t now)
{
    static const char sql[] =
        "INSERT INTO console_sessions (token_hash, officer_id, csrf,"
        " created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)";
    /* Sessions idle past any idle limit (a day at most) go at each login:
     * reading pages never writes for them. */
    static const char old[] =
        "DELETE FROM console_sessions WHERE last_seen < ?1 - 86400";
    sqlite3_stmt *st = db_stmt(db, old);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, now);
    err = db_exec_stmt(db, st, "sessions expire");
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, officer_id);
    db_bind_text(st, 3, csrf);
    sqlite3_bind_int64(st, 4, now);
    return db_exec_stmt(db, st, "session add");
}

gw_err db_session_get(struct db *db, const char *token_hash, int64_t idle,
                      int64_t now, int64_t *officer_id, char *csrf,
                      size_t csrf_size)
{
    /* Read on every page; written (last_seen) at most once a minute, so
     * that reading pages does not take the write lock the gateway's
     * writer needs. The idle limit is then exact to a minute. */
    static const char sql[] =
        "SELECT s.officer_id, s.csrf, s.last_seen FROM console_sessions s"
        " JOIN officers o ON o.id = s.officer_id WHERE s.token_hash = ?1"
        " AND s.last_seen > ?3 - ?2 AND o.disabled = 0";
    static const char touch[] =
        "UPDATE console_sessions SET last_seen = ?2 WHERE token_hash = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int64_t seen = 0;
    gw_err err = GW_ENOTFOUND;
    int rc;

    *officer_id = 0;
    csrf[0] = '\0';
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, idle);
    sqlite3_bind_int64(st, 3, now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *officer_id = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, csrf, csrf_size);
        seen = sqlite3_column_int64(st, 2);
        err = GW_OK;
    } else if (rc != SQLITE_DONE) {
        err = db_error(db, rc, "session get");
    }
    db_stmt_done(st);
    if (err != GW_OK || seen > now - 60)
        return err;
    st = db_stmt(db, touch);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, now);
    return db_exec_stmt(db, st, "session touch");
}

gw_err db_session_del(struct db *db, const char *token_hash)
{
    static const char sql[] =
        "DELETE FROM console_sessions WHERE token_hash = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, token_hash);
    return db_exec_stmt(db, st, "session del");
}
