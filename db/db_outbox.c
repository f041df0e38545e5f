/* db_outbox.c - the durable outbox: enqueue, claim, results, reports
 *
 * States: QUEUED -> SENDING (claimed) -> SENT -> DELIVERED | UNDELIVERED;
 * SENDING -> QUEUED (retry, unclaim, recover) | FAILED. Only the sender
 * moves a SENDING row: a delivery report that overtakes the aggregator's
 * answer is held (dlr_kept) and applied once the send is recorded SENT,
 * so the send's own outcome always counts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "db/db_internal.h"
#include "db/db_msg.h"
#include "common/banned.h"

/* Binds s cut to at most max bytes (never inside a UTF-8 sequence). */
static int bind_text_max(sqlite3_stmt *st, int idx, const char *s, size_t max)
{
    size_t n;

    if (s == NULL)
        return sqlite3_bind_null(st, idx);
    n = strnlen(s, max + 1);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return sqlite3_bind_text(st, idx, s, (int)n, SQLITE_TRANSIENT);
}

/* Runs st (bound), returning GW_ENOTFOUND when it changed no row. */
static gw_err exec_changed(struct db *db, sqlite3_stmt *st, const char *what)
{
    gw_err err = db_exec_stmt(db, st, what);

    if (err == GW_OK && sqlite3_changes(db->conn) == 0)
        return GW_ENOTFOUND;
    return err;
}

/* Whether a message to phone (member_id, 0 for none) belongs to a
 * training commune: its member's, or its officer's phone. Driven by the
 * training communes (none, mostly): a check that scanned the communes
 * for the officer's phone on every message cost a million-message pass
 * dearly. */
static gw_err is_training(struct db *db, const char *phone, int64_t member_id,
                          bool *yes)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM training_communes tc CROSS JOIN"
        " communes co ON co.id = tc.commune_id WHERE co.officer_phone = ?1)"
        " OR EXISTS (SELECT 1 FROM members m JOIN groups g ON g.id ="
        " m.group_id WHERE m.id = ?2 AND g.commune_id IN (SELECT commune_id"
        " FROM training_communes))";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *yes = false;
    if (st == NULL)
        return GW_EDB;
    (void)db_bind_text(st, 1, phone);
    (void)sqlite3_bind_int64(st, 2, member_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *yes = sqlite3_column_int(st, 0) != 0;
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "outbox training");
}

gw_err db_outbox_enqueue(struct db *db, const char *phone, const char *text,
                         const char *kind, int64_t member_id,
                         int64_t inbound_id, int64_t now, int64_t *id)
{
    /* A message for a training commune's member or officer (?7) is
     * stored as sent by "simulator": it never reaches a provider. A
     * plain INSERT ... VALUES: a SELECT feeding an INSERT with triggers
     * is first copied to a temporary table, per message. */
#define OUTBOX_CLASS_OF_KIND DB_OUTBOX_CLASS("?3")
    static const char sql[] =
        "INSERT INTO outbox (phone, text, kind, member_id, inbound_id,"
        " state, attempts, next_at, created_at, updated_at, class, provider)"
        " VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?7 THEN 'SENT' ELSE 'QUEUED'"
        " END, ?7, ?6, ?6, ?6, " OUTBOX_CLASS_OF_KIND ","
        " CASE WHEN ?7 THEN 'simulator' END)";
#undef OUTBOX_CLASS_OF_KIND
    struct db_outmsg *m = NULL; /* for the field sizes only */
    sqlite3_stmt *st;
    bool training = false;
    gw_err err;

    if (!phone || !*phone || !text || !*text || !kind || !*kind)
        return GW_EINVAL;
    if (strlen(phone) >= sizeof(m->phone) || strlen(text) >= sizeof(m->text) ||
        strlen(kind) >= sizeof(m->kind))
        return GW_ETOOBIG;
    if ((err = is_training(db, phone, member_id, &training)) != GW_OK)
        return err;
    if ((st = db_stmt(db, sql)) == NULL)
        return GW_EDB;
    if (db_bind_text(st, 1, phone) || db_bind_text(st, 2, text) ||
        db_bind_text(st, 3, kind) ||
        (member_id > 0 ? sqlite3_bind_int64(st, 4, member_id)
                       : sqlite3_bind_null(st, 4)) ||
        (inbound_id > 0 ? sqlite3_bind_int64(st, 5, inbound_id)
                        : sqlite3_bind_null(st, 5)) ||
        sqlite3_bind_int64(st, 6, now) || sqlite3_bind_int(st, 7, training)) {
        db_stmt_done(st);
        return db_error(db, sqlite3_errcode(db->conn), "outbox enqueue bind");
    }
    err = db_exec_stmt(db, st, "outbox enqueue");
    if (err == GW_OK && id)
        *id = sqlite3_last_insert_rowid(db->conn);
    return err;
}

gw_err db_training_set(struct db *db, const char *codes)
{
    static const char clear[] = "DELETE FROM training_communes";
    static const char mark[] =
        "INSERT INTO training_communes (commune_id) SELECT id FROM communes"
        " WHERE instr(',' || ?1 || ',', ',' || code || ',') > 0";
    sqlite3_stmt *st;
    gw_err err = db_begin(db);

    if (err)
        return err;
    st = db_stmt(db, clear);
    err = st ? db_exec_stmt(db, st, "training clear") : GW_EDB;
    if (err == GW_OK) {
        st = db_stmt(db, mark);
        if (st == NULL) {
            err = GW_EDB;
        } else {
            db_bind_text(st, 1, codes);
            err = db_exec_stmt(db, st, "training set");
        }
    }
    if (err == GW_OK)
        return db_commit(db);
    db_rollback(db);
    return err;
}

gw_err db_outbox_simulated(struct db *db, const char *phone, const char *text,
                           const char *kind, int64_t member_id,
                           int64_t inbound_id, int64_t now)
{
    static const char sql[] =
        "UPDATE outbox SET state = 'SENT', attempts = 1, provider ="
        " 'simulator', provider_msg_id = 'sim-' || id WHERE id = ?1";
    sqlite3_stmt *st;
    int64_t id = 0;
    gw_err err = db_outbox_enqueue(db, phone, text, kind, member_id, inbound_id,
                                   now, &id);

    if (err)
        return err;
    if ((st = db_stmt(db, sql)) == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, id);
    return db_exec_stmt(db, st, "outbox simulated");
}

static void read_outmsg(sqlite3_stmt *st, struct db_outmsg *m)
{
    m->id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, m->phone, sizeof(m->phone));
    db_col_text(st, 2, m->text, sizeof(m->text));
    db_col_text(st, 3, m->kind, sizeof(m->kind));
    m->attempts = sqlite3_column_int(st, 4);
}

/* The claim proper, inside an open transaction. */
static gw_err claim_rows(struct db *db, int64_t now, int max_class,
                         struct db_outmsg *out, size_t max, size_t *n)
{
    /* ORDER BY class, next_at, id walks the outbox_due index (state,
     * class, next_at, rowid) in order: no sort of a large backlog on
     * every claim, and the first class always first. */
    static const char sel[] =
        "SELECT id, phone, text, kind, attempts FROM outbox"
        " WHERE state = 'QUEUED' AND class <= ?3 AND next_at <= ?1"
        " ORDER BY class, next_at, id LIMIT ?2";
    static const char upd[] = "UPDATE outbox SET state = 'SENDING',"
                              " updated_at = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sel);
    gw_err err = GW_OK;
    size_t i;
    int rc = SQLITE_DONE;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, now);
    (void)sqlite3_bind_int64(st, 2, max > INT32_MAX ? INT32_MAX : (int64_t)max);
    (void)sqlite3_bind_int(st, 3, max_class);
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        read_outmsg(st, &out[(*n)++]);
    if (*n < max && rc != SQLITE_DONE)
        err = db_error(db, rc, "outbox claim select");
    db_stmt_done(st);
    if (err)
        return err;
    if ((st = db_stmt(db, upd)) == NULL)
        return GW_EDB;
    for (i = 0; i < *n && err == GW_OK; i++) {
        (void)sqlite3_bind_int64(st, 1, out[i].id);
        (void)sqlite3_bind_int64(st, 2, now);
        err = db_exec_stmt(db, st, "outbox claim update");
    }
    return err;
}

gw_err db_outbox_claim(struct db *db, int64_t now, struct db_outmsg *out,
                       size_t max, size_t *n)
{
    return db_outbox_claim_upto(db, now, DB_CLASS_BULK, out, max, n);
}

gw_err db_outbox_claim_upto(struct db *db, int64_t now, int max_class,
                            struct db_outmsg *out, size_t max, size_t *n)
{
    bool own = !db_in_transaction(db);
    gw_err err;

    *n = 0;
    if (max == 0)
        return GW_OK;
    if (own && (err = db_begin(db)) != GW_OK)
        return err;
    err = claim_rows(db, now, max_class, out, max, n);
    if (own && err)
        db_rollback(db);
    else if (own)
        err = db_commit(db);
    if (err)
        *n = 0; /* a caller's transaction that fails rolls back too */
    return err;
}

/* A report held while id was being sent, from the provider that sent
 * it: the latest one moves the row now, and every held one is marked
 * applied (or, from another provider, other_provider). */
static gw_err apply_held(struct db *db, int64_t id, const char *provider,
                         int64_t now)
{
    static const char apply[] =
        "UPDATE outbox SET state = (SELECT state FROM dlr_kept"
        " WHERE outbox_id = ?1 AND reason = 'held' AND provider = ?2"
        " ORDER BY id DESC LIMIT 1), updated_at = ?3"
        " WHERE id = ?1 AND state = 'SENT' AND EXISTS (SELECT 1 FROM dlr_kept"
        " WHERE outbox_id = ?1 AND reason = 'held' AND provider = ?2)";
    static const char close[] =
        "UPDATE dlr_kept SET reason = CASE provider WHEN ?2 THEN 'applied'"
        " ELSE 'other_provider' END WHERE outbox_id = ?1 AND reason = 'held'";
    sqlite3_stmt *st = db_stmt(db, apply);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)db_bind_text(st, 2, provider);
    (void)sqlite3_bind_int64(st, 3, now);
    if ((err = db_exec_stmt(db, st, "outbox apply held dlr")) != GW_OK)
        return err;
    if ((st = db_stmt(db, close)) == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)db_bind_text(st, 2, provider);
    return db_exec_stmt(db, st, "outbox close held dlr");
}

gw_err db_outbox_mark_sent(struct db *db, int64_t id, const char *provider,
                           const char *provider_msg_id, int64_t now)
{
    static const char sql[] =
        "UPDATE outbox SET"
        " state = CASE state WHEN 'SENDING' THEN 'SENT' ELSE state END,"
        " provider = ?2, provider_msg_id = ?3, last_error = NULL,"
        " updated_at = ?4 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)db_bind_text(st, 2, provider);
    (void)db_bind_text(
        st, 3, provider_msg_id && *provider_msg_id ? provider_msg_id : NULL);
    (void)sqlite3_bind_int64(st, 4, now);
    err = exec_changed(db, st, "outbox mark sent");
    return err ? err : apply_held(db, id, provider, now);
}

/* The send failed: a report held while it ran claimed a delivery that
 * did not happen, and is kept as a conflict, never applied later. */
static gw_err drop_held(struct db *db, int64_t id)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE dlr_kept SET reason = 'conflict'"
                                   " WHERE outbox_id = ?1 AND reason = 'held'");

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    return db_exec_stmt(db, st, "outbox drop held dlr");
}

gw_err db_outbox_mark_retry(struct db *db, int64_t id, int64_t next_at,
                            const char *error, int64_t now)
{
    static const char sql[] =
        "UPDATE outbox SET state = 'QUEUED', attempts = attempts + 1,"
        " next_at = ?2, last_error = ?3, updated_at = ?4"
        " WHERE id = ?1 AND state = 'SENDING'";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int64(st, 2, next_at);
    (void)bind_text_max(st, 3, error, DB_ATTEMPT_DETAIL_MAX);
    (void)sqlite3_bind_int64(st, 4, now);
    err = exec_changed(db, st, "outbox mark retry");
    return err ? err : drop_held(db, id);
}

gw_err db_outbox_mark_failed(struct db *db, int64_t id, const char *error,
                             int64_t now)
{
    static const char sql[] =
        "UPDATE outbox SET state = 'FAILED', attempts = attempts + 1,"
        " last_error = ?2, updated_at = ?3"
        " WHERE id = ?1 AND state = 'SENDING'";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)bind_text_max(st, 2, error, DB_ATTEMPT_DETAIL_MAX);
    (void)sqlite3_bind_int64(st, 3, now);
    err = exec_changed(db, st, "outbox mark failed");
    return err ? err : drop_held(db, id);
}

gw_err db_outbox_unclaim(struct db *db, int64_t id, int64_t now)
{
    static const char sql[] = "UPDATE outbox SET state = 'QUEUED',"
                              " updated_at = ?2"
                              " WHERE id = ?1 AND state = 'SENDING'";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int64(st, 2, now);
    return exec_changed(db, st, "outbox unclaim");
}

gw_err db_outbox_attempt(struct db *db, int64_t id, int64_t at,
                         long http_status, const char *result,
                         const char *detail)
{
    static const char sql[] =
        "INSERT INTO send_attempts (outbox_id, at, http_status, result,"
        " detail) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st;

    if (result == NULL || *result == '\0')
        return GW_EINVAL;
    if ((st = db_stmt(db, sql)) == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int64(st, 2, at);
    (void)sqlite3_bind_int64(st, 3, (int64_t)http_status);
    (void)db_bind_text(st, 4, result);
    (void)bind_text_max(st, 5, detail, DB_ATTEMPT_DETAIL_MAX);
    return db_exec_stmt(db, st, "outbox attempt");
}

gw_err db_outbox_attempt_count(struct db *db, int64_t id, const char *result,
                               int64_t since, int64_t *n)
{
    static const char sql[] =
        "SELECT count(*) FROM send_attempts WHERE at >= ?1"
        " AND (?2 = 0 OR outbox_id = ?2) AND (?3 IS NULL OR result = ?3)";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *n = 0;
    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, since);
    (void)sqlite3_bind_int64(st, 2, id);
    (void)db_bind_text(st, 3, result);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "outbox attempt count");
}

/* Keeps a report that did not move its message, with why. */
static gw_err keep_report(struct db *db, int64_t id, const char *provider,
                          const char *state, const char *reason, int64_t now)
{
    sqlite3_stmt *st = db_stmt(db, "INSERT INTO dlr_kept(outbox_id, provider,"
                                   " state, reason, at) VALUES (?1, ?2, ?3,"
                                   " ?4, ?5)");

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)db_bind_text(st, 2, provider);
    (void)db_bind_text(st, 3, state);
    (void)db_bind_text(st, 4, reason);
    (void)sqlite3_bind_int64(st, 5, now);
    return db_exec_stmt(db, st, "outbox keep dlr");
}

gw_err db_outbox_report(struct db *db, const char *provider, int64_t id,
                        const char *provider_msg_id, const char *state,
                        int64_t now, enum db_dlr_outcome *outcome)
{
    /* By provider_msg_id only among that provider's rows: two providers'
     * ids may collide. By our id, whoever sent it (a report through the
     * wrong endpoint is kept, not applied). */
    static const char by_id[] =
        "SELECT id, state, coalesce(provider, '') FROM outbox WHERE id = ?1";
    static const char by_pid[] =
        "SELECT id, state, coalesce(provider, '') FROM outbox"
        " WHERE provider_msg_id = ?1 AND provider = ?2 ORDER BY id DESC"
        " LIMIT 1";
    static const char apply[] = "UPDATE outbox SET state = ?2, updated_at = ?3"
                                " WHERE id = ?1 AND state = 'SENT'";
    char row_state[16], row_provider[32];
    const char *reason = NULL;
    enum db_dlr_outcome oc;
    sqlite3_stmt *st;
    int64_t row_id;
    int rc;

    if (outcome)
        *outcome = DB_DLR_APPLIED;
    if (state == NULL || provider == NULL || *provider == '\0' ||
        (strcmp(state, "DELIVERED") != 0 && strcmp(state, "UNDELIVERED") != 0))
        return GW_EINVAL;
    if (id <= 0 && (provider_msg_id == NULL || *provider_msg_id == '\0'))
        return GW_ENOTFOUND;
    if ((st = db_stmt(db, id > 0 ? by_id : by_pid)) == NULL)
        return GW_EDB;
    if (id > 0) {
        (void)sqlite3_bind_int64(st, 1, id);
    } else {
        (void)db_bind_text(st, 1, provider_msg_id);
        (void)db_bind_text(st, 2, provider);
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_stmt_done(st);
        return rc == SQLITE_DONE ? GW_ENOTFOUND
                                 : db_error(db, rc, "outbox dlr find");
    }
    row_id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, row_state, sizeof(row_state));
    db_col_text(st, 2, row_provider, sizeof(row_provider));
    db_stmt_done(st);

    if (strcmp(row_state, "SENDING") == 0) {
        reason = "held";
        oc = DB_DLR_HELD;
    } else if (strcmp(row_state, "QUEUED") == 0 ||
               strcmp(row_state, "FAILED") == 0) {
        reason = "not_sent";
        oc = DB_DLR_KEPT;
    } else if (strcmp(row_provider, provider) != 0) {
        reason = "other_provider";
        oc = DB_DLR_KEPT;
    } else if (strcmp(row_state, "SENT") == 0) {
        oc = DB_DLR_APPLIED;
    } else if (strcmp(row_state, state) == 0) {
        oc = DB_DLR_REPEAT;
    } else {
        reason = "conflict"; /* a final state stays final */
        oc = DB_DLR_KEPT;
    }
    if (outcome)
        *outcome = oc;
    if (reason)
        return keep_report(db, row_id, provider, state, reason, now);
    if (oc == DB_DLR_REPEAT)
        return GW_OK;
    if ((st = db_stmt(db, apply)) == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, row_id);
    (void)db_bind_text(st, 2, state);
    (void)sqlite3_bind_int64(st, 3, now);
    return db_exec_stmt(db, st, "outbox dlr");
}

gw_err db_outbox_dlr(struct db *db, const char *provider, int64_t id,
                     const char *provider_msg_id, const char *state,
                     int64_t now)
{
    return db_outbox_report(db, provider, id, provider_msg_id, state, now,
                            NULL);
}

/* recover's statements, in its transaction. The attempt rows go first:
 * they select the rows still SENDING. */
static gw_err recover_rows(struct db *db, int64_t now, size_t *requeued)
{
    static const char log_sql[] =
        "INSERT INTO send_attempts (outbox_id, at, http_status, result,"
        " detail) SELECT id, ?1, 0, '" DB_ATTEMPT_INTERRUPTED "',"
        " 'found SENDING at start-up: possible duplicate'"
        " FROM outbox WHERE state = 'SENDING'";
    static const char upd_sql[] =
        "UPDATE outbox SET state = 'QUEUED', attempts = attempts + 1,"
        " next_at = ?1, last_error = 'interrupted: possible duplicate',"
        " updated_at = ?1 WHERE state = 'SENDING'";
    sqlite3_stmt *st = db_stmt(db, log_sql);
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, now);
    if ((err = db_exec_stmt(db, st, "outbox recover log")) != GW_OK)
        return err;
    if ((st = db_stmt(db, upd_sql)) == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, now);
    if ((err = db_exec_stmt(db, st, "outbox recover")) != GW_OK)
        return err;
    *requeued = (size_t)sqlite3_changes(db->conn);
    return GW_OK;
}

gw_err db_outbox_recover(struct db *db, size_t *requeued)
{
    gw_err err;

    *requeued = 0;
    if ((err = db_begin(db)) != GW_OK)
        return err;
    err = recover_rows(db, (int64_t)time(NULL), requeued);
    if (err) {
        db_rollback(db);
        *requeued = 0;
        return err;
    }
    if ((err = db_commit(db)) != GW_OK)
        *requeued = 0;
    return err;
}

gw_err db_outbox_next_due(struct db *db, int64_t *at)
{
    return db_outbox_next_due_upto(db, DB_CLASS_BULK, at);
}

gw_err db_outbox_next_due_upto(struct db *db, int max_class, int64_t *at)
{
    static const char sql[] = "SELECT min(next_at) FROM outbox"
                              " WHERE state = 'QUEUED' AND class <= ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_ENOTFOUND;
    int rc;

    *at = 0;
    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int(st, 1, max_class);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *at = sqlite3_column_int64(st, 0);
        err = GW_OK;
    } else if (rc != SQLITE_ROW) {
        err = db_error(db, rc, "outbox next due");
    }
    db_stmt_done(st);
    return err;
}

gw_err db_outbox_get(struct db *db, int64_t id, struct db_outbox_row *out)
{
    static const char sql[] =
        "SELECT id, phone, text, kind, attempts, state, next_at, created_at,"
        " updated_at, provider, provider_msg_id, last_error"
        " FROM outbox WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_ENOTFOUND;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_outmsg(st, &out->msg);
        db_col_text(st, 5, out->state, sizeof(out->state));
        out->next_at = sqlite3_column_int64(st, 6);
        out->created_at = sqlite3_column_int64(st, 7);
        out->updated_at = sqlite3_column_int64(st, 8);
        db_col_text(st, 9, out->provider, sizeof(out->provider));
        db_col_text(st, 10, out->provider_msg_id, sizeof(out->provider_msg_id));
        db_col_text(st, 11, out->last_error, sizeof(out->last_error));
        err = GW_OK;
    } else if (rc != SQLITE_DONE) {
        err = db_error(db, rc, "outbox get");
    }
    db_stmt_done(st);
    return err;
}

static int64_t *stats_slot(struct db_outbox_stats *s, const char *state)
{
    static const struct {
        const char *name;
        size_t off;
    } slots[] = {
        {"QUEUED", offsetof(struct db_outbox_stats, queued)},
        {"SENDING", offsetof(struct db_outbox_stats, sending)},
        {"SENT", offsetof(struct db_outbox_stats, sent)},
        {"DELIVERED", offsetof(struct db_outbox_stats, delivered)},
        {"UNDELIVERED", offsetof(struct db_outbox_stats, undelivered)},
        {"FAILED", offsetof(struct db_outbox_stats, failed)},
    };
    size_t i;

    for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
        if (strcmp(state, slots[i].name) == 0)
            return (int64_t *)(void *)((char *)s + slots[i].off);
    return NULL;
}

gw_err db_outbox_stats(struct db *db, struct db_outbox_stats *out)
{
    static const char counts[] =
        "SELECT state, count(*) FROM outbox GROUP BY state";
    static const char oldest[] =
        "SELECT min(created_at) FROM outbox WHERE state = 'QUEUED'";
    sqlite3_stmt *st = db_stmt(db, counts);
    gw_err err = GW_OK;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        int64_t *slot = state ? stats_slot(out, state) : NULL;

        if (slot)
            *slot = sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_DONE)
        err = db_error(db, rc, "outbox stats");
    db_stmt_done(st);
    if (err || (st = db_stmt(db, oldest)) == NULL)
        return err ? err : GW_EDB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        out->oldest_queued_at = sqlite3_column_int64(st, 0); /* NULL: 0 */
    else
        err = db_error(db, rc, "outbox oldest queued");
    db_stmt_done(st);
    return err;
}
