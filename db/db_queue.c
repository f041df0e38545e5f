/* db_queue.c - the officer's queue of payments that need a person */
#include <stdio.h>
#include <string.h>

#include "db/db_collection.h"
#include "db/db_internal.h"
#include "db/db_queue.h"
#include "common/banned.h"

/* Every item, open or not, with the instant it opened; ?2 is today. A
 * dispute stays an item after the receipt moves on (a booking does not
 * settle what the member said). Vietnam midnight is UTC+7. Each kind
 * reads only the officer's groups (mine), by the receipts' group index;
 * a receipt's SMS is found by its member (outbox_member_kind). */
#define QUEUE_ITEMS                                                            \
    "items AS ("                                                               \
    " SELECT 'DISPUTE' AS kind, c.id AS cid, COALESCE((SELECT MIN(a.at)"       \
    "  FROM audit a WHERE a.object = c.receipt_code AND a.action = 'dispute'"  \
    "  AND a.after = 'DISPUTED'), c.updated_at) AS since, -1 AS booked"        \
    "  FROM collections c WHERE c.group_id IN (SELECT gid FROM mine)"          \
    "  AND c.disputed_from IS NOT NULL"                                        \
    " UNION ALL"                                                               \
    " SELECT 'UNBOOKED', c.id, CAST((julianday(c.session_on) - 2440588.5)"     \
    "  * 86400 AS INTEGER) + 61200, -1 FROM collections c"                     \
    "  WHERE c.group_id IN (SELECT gid FROM mine) AND"                         \
    "  ((c.state IN ('RECORDED', 'CONFIRMED') AND c.session_on < ?2)"          \
    "  OR c.state = 'UNPOSTED')"                                               \
    " UNION ALL"                                                               \
    " SELECT 'MISMATCH', c.id, p.imported_at,"                                 \
    "  p.interest + p.savings + p.principal FROM collections c"                \
    "  JOIN postings p ON p.receipt_code = c.receipt_code"                     \
    "  WHERE c.group_id IN (SELECT gid FROM mine)"                             \
    "  AND c.state IN ('POSTED', 'VOIDED') AND (c.state = 'VOIDED'"            \
    "  OR p.interest <> c.interest OR p.savings <> c.savings"                  \
    "  OR p.principal <> c.principal)"                                         \
    " UNION ALL"                                                               \
    " SELECT 'UNDELIVERED', c.id, MAX(o.updated_at), -1 FROM collections c"    \
    "  JOIN outbox o ON o.member_id = c.member_id AND o.kind = 'RECEIPT'"      \
    "  AND o.inbound_id = c.inbound_id"                                        \
    "  WHERE c.group_id IN (SELECT gid FROM mine) AND c.state = 'POSTED'"      \
    "  AND o.state IN ('UNDELIVERED', 'FAILED') GROUP BY c.id)"

#define QUEUE_SELECT                                                           \
    "WITH me AS (SELECT id, role FROM officers WHERE id = ?1"                  \
    " AND disabled = 0), " DB_MINE_CTE ", " QUEUE_ITEMS                        \
    " SELECT i.kind, c.id, c.receipt_code, c.state, c.session_on,"             \
    " c.interest, c.savings, c.principal, i.booked, i.since, co.id, co.name,"  \
    " g.name, m.code, m.full_name, m.phone, l.full_name,"                      \
    " COALESCE(c.dispute_note, ''), c.member_id, c.leader_id,"                 \
    " EXISTS (SELECT 1 FROM resolutions r WHERE r.collection_id = c.id"        \
    " AND r.kind = i.kind)"                                                    \
    " FROM items i JOIN collections c ON c.id = i.cid"                         \
    " JOIN groups g ON g.id = c.group_id"                                      \
    " JOIN communes co ON co.id = g.commune_id"                                \
    " JOIN members m ON m.id = c.member_id"                                    \
    " JOIN members l ON l.id = c.leader_id, me"                                \
    " WHERE (me.role = 'admin' OR (g.commune_id IN (SELECT commune_id"         \
    " FROM officer_communes WHERE officer_id = me.id) AND (me.role ="          \
    " 'commune' OR i.since < ?3 - ?4)))"

static void read_item(sqlite3_stmt *st, struct db_queue_item *it,
                      bool *resolved)
{
    memset(it, 0, sizeof(*it));
    db_col_text(st, 0, it->kind, sizeof(it->kind));
    it->collection_id = sqlite3_column_int64(st, 1);
    db_col_text(st, 2, it->code, sizeof(it->code));
    db_col_text(st, 3, it->state, sizeof(it->state));
    db_col_text(st, 4, it->session_on, sizeof(it->session_on));
    it->interest = sqlite3_column_int64(st, 5);
    it->savings = sqlite3_column_int64(st, 6);
    it->principal = sqlite3_column_int64(st, 7);
    it->booked = sqlite3_column_int64(st, 8);
    it->since = sqlite3_column_int64(st, 9);
    it->commune_id = sqlite3_column_int64(st, 10);
    db_col_text(st, 11, it->commune, sizeof(it->commune));
    db_col_text(st, 12, it->group, sizeof(it->group));
    db_col_text(st, 13, it->member_code, sizeof(it->member_code));
    db_col_text(st, 14, it->member_name, sizeof(it->member_name));
    db_col_text(st, 15, it->member_phone, sizeof(it->member_phone));
    db_col_text(st, 16, it->leader_name, sizeof(it->leader_name));
    db_col_text(st, 17, it->note, sizeof(it->note));
    it->member_id = sqlite3_column_int64(st, 18);
    it->leader_id = sqlite3_column_int64(st, 19);
    *resolved = sqlite3_column_int(st, 20) != 0;
}

static void bind_scope(sqlite3_stmt *st, const struct db_queue_scope *s)
{
    sqlite3_bind_int64(st, 1, s->officer_id);
    db_bind_text(st, 2, s->today);
    sqlite3_bind_int64(st, 3, s->now);
    sqlite3_bind_int64(st, 4, s->escalate_s);
    sqlite3_bind_int64(st, 9, s->commune_id);
}

gw_err db_queue_list(struct db *db, const struct db_queue_scope *scope,
                     db_queue_fn fn, void *ctx)
{
    static const char sql[] = QUEUE_SELECT " AND NOT EXISTS (SELECT 1 FROM"
                                           " resolutions r WHERE"
                                           " r.collection_id = c.id AND"
                                           " r.kind = i.kind)"
                                           " ORDER BY i.since, c.id";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    if (st == NULL)
        return GW_EDB;
    bind_scope(st, scope);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_queue_item it;
        bool resolved;

        read_item(st, &it, &resolved);
        err = fn(ctx, &it);
    }
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "queue list");
    db_stmt_done(st);
    return err;
}

gw_err db_queue_get(struct db *db, const struct db_queue_scope *scope,
                    int64_t collection_id, const char *kind,
                    struct db_queue_item *it, bool *resolved)
{
    static const char sql[] = QUEUE_SELECT " AND c.id = ?5 AND i.kind = ?6";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    memset(it, 0, sizeof(*it));
    *resolved = false;
    if (st == NULL)
        return GW_EDB;
    bind_scope(st, scope);
    sqlite3_bind_int64(st, 5, collection_id);
    db_bind_text(st, 6, kind);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_item(st, it, resolved);
    else
        err = rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "queue get");
    db_stmt_done(st);
    return err;
}

gw_err db_queue_resolve(struct db *db, const struct db_queue_scope *scope,
                        const struct db_queue_item *it, const char *outcome,
                        const char *note, const char *actor)
{
    static const char sql[] =
        "INSERT INTO resolutions (collection_id, kind, outcome, note,"
        " officer_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    struct db_audit a;
    char action[32];
    sqlite3_stmt *st;
    gw_err err;

    if (strcmp(outcome, "MEMBER") != 0 && strcmp(outcome, "LEADER") != 0 &&
        strcmp(outcome, "BANK") != 0)
        return GW_EINVAL;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, it->collection_id);
    db_bind_text(st, 2, it->kind);
    db_bind_text(st, 3, outcome);
    db_bind_text(st, 4, note);
    sqlite3_bind_int64(st, 5, scope->officer_id);
    sqlite3_bind_int64(st, 6, scope->now);
    err = db_exec_stmt(db, st, "resolve");
    if (err)
        return err; /* GW_EEXIST: resolved already */
    memset(&a, 0, sizeof(a));
    (void)snprintf(action, sizeof(action), "resolve.%s", it->kind);
    a.at = scope->now;
    a.actor = actor;
    a.action = action;
    a.object = it->code;
    a.before = it->state;
    a.after = outcome;
    return db_audit_append(db, &a);
}

gw_err db_queue_resolution(struct db *db, int64_t collection_id,
                           const char *kind, struct db_resolution *out)
{
    static const char sql[] =
        "SELECT r.outcome, r.note, o.user, r.at FROM resolutions r"
        " JOIN officers o ON o.id = r.officer_id"
        " WHERE r.collection_id = ?1 AND r.kind = ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, collection_id);
    db_bind_text(st, 2, kind);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        db_col_text(st, 0, out->outcome, sizeof(out->outcome));
        db_col_text(st, 1, out->note, sizeof(out->note));
        db_col_text(st, 2, out->officer, sizeof(out->officer));
        out->at = sqlite3_column_int64(st, 3);
    } else {
        err = rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "resolution");
    }
    db_stmt_done(st);
    return err;
}

gw_err db_queue_story(struct db *db, const char *code, db_audit_fn fn,
                      void *ctx)
{
    static const char sql[] =
        "SELECT at, actor, action, COALESCE(before, ''), COALESCE(after, '')"
        " FROM audit WHERE object = ?1 ORDER BY at DESC, id DESC LIMIT 200";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, code);
    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        err = fn(ctx, sqlite3_column_int64(st, 0),
                 (const char *)sqlite3_column_text(st, 1),
                 (const char *)sqlite3_column_text(st, 2),
                 (const char *)sqlite3_column_text(st, 3),
                 (const char *)sqlite3_column_text(st, 4));
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, "story");
    db_stmt_done(st);
    return err;
}
