/* db_collection.c - collections, receipt state transitions, audit log */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "db/db_collection.h"
#include "db/db_internal.h"
#include "common/banned.h"

/* ---- audit -------------------------------------------------------- */

gw_err db_audit_append(struct db *db, const struct db_audit *a)
{
    static const char sql[] =
        "INSERT INTO audit (at, actor, phone, action, object, before, after)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *st = db_stmt(db, sql);

    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, a->at);
    db_bind_text(st, 2, a->actor ? a->actor : "unknown");
    db_bind_text(st, 3, a->phone);
    db_bind_text(st, 4, a->action);
    db_bind_text(st, 5, a->object);
    db_bind_text(st, 6, a->before);
    db_bind_text(st, 7, a->after);
    return db_exec_stmt(db, st, "audit append");
}

gw_err db_audit_count(struct db *db, const char *action, int64_t *n)
{
    static const char sql[] =
        "SELECT COUNT(*) FROM audit WHERE ?1 IS NULL OR action = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc;

    *n = 0;
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, action);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return rc == SQLITE_ROW ? GW_OK : db_error(db, rc, "audit count");
}

/* An audit row for a refused attempt: after is "refused: why". */
static gw_err audit_refused(struct db *db, const struct db_actor *who,
                            const char *action, const char *object,
                            const char *before, const char *why)
{
    char after[320];
    struct db_audit a;

    (void)snprintf(after, sizeof(after), "refused: %s", why);
    a.at = who->now;
    a.actor = who->code;
    a.phone = who->phone;
    a.action = action;
    a.object = object;
    a.before = before;
    a.after = after;
    return db_audit_append(db, &a);
}

/* ---- reading a collection ----------------------------------------- */

static const char get_sql[] =
    "SELECT c.id, c.receipt_code, c.state, c.session_on, c.interest,"
    " c.savings, c.principal, COALESCE(c.remitted_at, 0), c.created_at,"
    " m.id, m.seq, m.code, m.full_name, m.phone, l.id, l.full_name,"
    " l.phone, g.id, g.code, co.name, co.officer_phone, g.name,"
    " COALESCE(c.disputed_from, ''), COALESCE(c.dispute_note, '')"
    " FROM collections c JOIN members m ON m.id = c.member_id"
    " JOIN members l ON l.id = c.leader_id JOIN groups g ON g.id = c.group_id"
    " JOIN communes co ON co.id = g.commune_id WHERE c.receipt_code = ?1";

/* Text columns: NULL, or a value longer than the imports allow, reads
 * as "" (db_col_text_fit). */
static void collection_row(sqlite3_stmt *st, struct db_collection *o)
{
    o->id = sqlite3_column_int64(st, 0);
    (void)db_col_text_fit(st, 1, o->receipt_code, sizeof(o->receipt_code));
    (void)db_col_text_fit(st, 2, o->state, sizeof(o->state));
    (void)db_col_text_fit(st, 3, o->session_on, sizeof(o->session_on));
    o->interest = sqlite3_column_int64(st, 4);
    o->savings = sqlite3_column_int64(st, 5);
    o->principal = sqlite3_column_int64(st, 6);
    o->remitted_at = sqlite3_column_int64(st, 7);
    o->created_at = sqlite3_column_int64(st, 8);
    o->member_id = sqlite3_column_int64(st, 9);
    o->member_seq = sqlite3_column_int(st, 10);
    (void)db_col_text_fit(st, 11, o->member_code, sizeof(o->member_code));
    (void)db_col_text_fit(st, 12, o->member_name, sizeof(o->member_name));
    (void)db_col_text_fit(st, 13, o->member_phone, sizeof(o->member_phone));
    o->leader_id = sqlite3_column_int64(st, 14);
    (void)db_col_text_fit(st, 15, o->leader_name, sizeof(o->leader_name));
    (void)db_col_text_fit(st, 16, o->leader_phone, sizeof(o->leader_phone));
    o->group_id = sqlite3_column_int64(st, 17);
    (void)db_col_text_fit(st, 18, o->group_code, sizeof(o->group_code));
    (void)db_col_text_fit(st, 19, o->commune_name, sizeof(o->commune_name));
    (void)db_col_text_fit(st, 20, o->officer_phone, sizeof(o->officer_phone));
    (void)db_col_text_fit(st, 21, o->group_name, sizeof(o->group_name));
    (void)db_col_text_fit(st, 22, o->disputed_from, sizeof(o->disputed_from));
    db_col_text(st, 23, o->dispute_note, sizeof(o->dispute_note));
}

gw_err db_collection_get(struct db *db, const char *receipt_code,
                         struct db_collection *out)
{
    sqlite3_stmt *st = db_stmt(db, get_sql);
    gw_err err;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, receipt_code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        collection_row(st, out);
        err = GW_OK;
    } else {
        err = rc == SQLITE_DONE ? GW_ENOTFOUND
                                : db_error(db, rc, "collection get");
    }
    db_stmt_done(st);
    return err;
}

/* ---- recording ---------------------------------------------------- */

const char *db_collect_why_text(enum db_collect_why why)
{
    switch (why) {
    case DB_COLLECT_OK:
        return "ok";
    case DB_COLLECT_NOT_LEADER:
        return "not a leader";
    case DB_COLLECT_NO_MEMBER:
        return "no such member in the leader's group";
    case DB_COLLECT_EMPTY:
        return "every amount is zero";
    case DB_COLLECT_TOO_BIG:
        return "amount above the cap";
    case DB_COLLECT_INTEREST_OVER:
        return "interest above what is due";
    case DB_COLLECT_PRINCIPAL_OVER:
        return "principal above the outstanding balance";
    }
    return "unknown";
}

/* The leader, group and amount checks live in the INSERT's WHERE: if any
 * fails no row is written, whatever the caller checked before. */
static const char record_sql[] =
    "INSERT INTO collections (receipt_code, member_id, leader_id, group_id,"
    " session_on, interest, savings, principal, state, channel, inbound_id,"
    " created_at, updated_at)"
    " SELECT ?1, m.id, l.id, m.group_id, ?3, ?4, ?5, ?6, 'RECORDED', ?7, ?8,"
    " ?9, ?9 FROM members l JOIN members m ON m.group_id = l.group_id"
    " WHERE l.id = ?2 AND l.role = 'leader' AND m.seq = ?10"
    " AND m.group_id = (SELECT group_id FROM members WHERE id = ?2)"
    " AND ?4 <= (SELECT COALESCE(SUM(interest_due + overdue_amount), 0)"
    "  FROM loans WHERE member_id = m.id AND status <> 'closed')"
    "  - (SELECT COALESCE(SUM(interest), 0) FROM collections"
    "  WHERE member_id = m.id AND session_on = ?3 AND " DB_LIVE_RECEIPT(
        "") ")"
            " AND ?6 <= (SELECT COALESCE(SUM(outstanding), 0)"
            "  FROM loans WHERE member_id = m.id AND status <> 'closed')"
            "  - (SELECT COALESCE(SUM(principal), 0) FROM collections"
            "  WHERE member_id = m.id AND session_on = ?3 AND " DB_LIVE_RECEIPT(
                "") ")";

/* After a refused INSERT: which check failed. Only to word the answer;
 * the INSERT alone decided. */
static const char diagnose_sql[] =
    "SELECT l.role, m.id,"
    " (SELECT COALESCE(SUM(interest_due + overdue_amount), 0) FROM loans"
    "  WHERE member_id = m.id AND status <> 'closed')"
    " - (SELECT COALESCE(SUM(interest), 0) FROM collections"
    "  WHERE member_id = m.id AND session_on = ?3 AND " DB_LIVE_RECEIPT(
        "") "),"
            " (SELECT COALESCE(SUM(outstanding), 0) FROM loans"
            "  WHERE member_id = m.id AND status <> 'closed')"
            " - (SELECT COALESCE(SUM(principal), 0) FROM collections"
            "  WHERE member_id = m.id AND session_on = ?3 AND " DB_LIVE_RECEIPT(
                "") ")"
                    " FROM members l LEFT JOIN members m"
                    " ON m.group_id = l.group_id AND m.seq = ?2 WHERE l.id = "
                    "?1";

static gw_err record_diagnose(struct db *db, const struct db_collect_req *r,
                              enum db_collect_why *why, int64_t *allowed)
{
    sqlite3_stmt *st = db_stmt(db, diagnose_sql);
    int rc;

    *why = DB_COLLECT_NOT_LEADER;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, r->leader_id);
    sqlite3_bind_int(st, 2, r->seq);
    db_bind_text(st, 3, r->session_on);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *role = (const char *)sqlite3_column_text(st, 0);

        if (role == NULL || strcmp(role, "leader") != 0)
            *why = DB_COLLECT_NOT_LEADER;
        else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            *why = DB_COLLECT_NO_MEMBER;
        else if (r->interest > sqlite3_column_int64(st, 2)) {
            *why = DB_COLLECT_INTEREST_OVER;
            *allowed = sqlite3_column_int64(st, 2);
        } else {
            *why = DB_COLLECT_PRINCIPAL_OVER;
            *allowed = sqlite3_column_int64(st, 3);
        }
        /* The bank's new figures may be below what was recorded. */
        if (*allowed < 0)
            *allowed = 0;
    }
    db_stmt_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? GW_OK
               : db_error(db, rc, "collection diagnose");
}

static void record_describe(const struct db_collect_req *r, char *out,
                            size_t size)
{
    (void)snprintf(out, size,
                   "RECORDED seq=%d interest=%lld savings=%lld "
                   "principal=%lld session=%s",
                   r->seq, (long long)r->interest, (long long)r->savings,
                   (long long)r->principal, r->session_on);
}

static gw_err record_refuse(struct db *db, const struct db_collect_req *r,
                            enum db_collect_why why)
{
    struct db_actor who = {r->leader_id, r->actor, r->phone, r->now};
    char object[48], what[160], reason[256];

    (void)snprintf(object, sizeof(object), "seq:%d", r->seq);
    record_describe(r, what, sizeof(what));
    (void)snprintf(reason, sizeof(reason), "%s (%s)", db_collect_why_text(why),
                   what);
    return audit_refused(db, &who, "record", object, NULL, reason);
}

static int64_t record_cap(const struct db_collect_req *r)
{
    return r->max_amount > 0 && r->max_amount <= DT_MONEY_MAX ? r->max_amount
                                                              : DT_MONEY_MAX;
}

static enum db_collect_why record_precheck(const struct db_collect_req *r)
{
    int64_t cap = record_cap(r);

    if (r->interest < 0 || r->savings < 0 || r->principal < 0 ||
        r->interest > cap || r->savings > cap || r->principal > cap)
        return DB_COLLECT_TOO_BIG;
    if (r->interest == 0 && r->savings == 0 && r->principal == 0)
        return DB_COLLECT_EMPTY;
    return DB_COLLECT_OK;
}

static gw_err record_insert(struct db *db, const struct db_collect_req *r,
                            bool *inserted)
{
    sqlite3_stmt *st = db_stmt(db, record_sql);
    gw_err err = GW_OK;
    int rc;

    *inserted = false;
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, r->receipt_code);
    sqlite3_bind_int64(st, 2, r->leader_id);
    db_bind_text(st, 3, r->session_on);
    sqlite3_bind_int64(st, 4, r->interest);
    sqlite3_bind_int64(st, 5, r->savings);
    sqlite3_bind_int64(st, 6, r->principal);
    db_bind_text(st, 7, r->channel ? r->channel : "sms");
    if (r->inbound_id > 0)
        sqlite3_bind_int64(st, 8, r->inbound_id);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_int64(st, 9, r->now);
    sqlite3_bind_int(st, 10, r->seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *inserted = sqlite3_changes(db->conn) > 0;
    else if (sqlite3_extended_errcode(db->conn) == SQLITE_CONSTRAINT_UNIQUE)
        err = GW_EEXIST; /* the receipt code: draw again, not an error */
    else
        err = db_error(db, rc, "collection record");
    db_stmt_done(st);
    return err;
}

gw_err db_collection_record(struct db *db, const struct db_collect_req *r,
                            enum db_collect_why *why, int64_t *allowed,
                            struct db_collection *out)
{
    struct db_audit a;
    char after[160];
    int64_t dummy;
    bool inserted;
    gw_err err;

    memset(out, 0, sizeof(*out));
    if (allowed == NULL)
        allowed = &dummy;
    *allowed = 0;
    *why = record_precheck(r);
    if (*why == DB_COLLECT_TOO_BIG)
        *allowed = record_cap(r);
    if (*why == DB_COLLECT_OK) {
        err = record_insert(db, r, &inserted);
        if (err)
            return err;
        if (!inserted) {
            err = record_diagnose(db, r, why, allowed);
            if (err)
                return err;
        }
    }
    if (*why != DB_COLLECT_OK) {
        err = record_refuse(db, r, *why);
        return err ? err : GW_EDENIED;
    }
    record_describe(r, after, sizeof(after));
    a.at = r->now;
    a.actor = r->actor;
    a.phone = r->phone;
    a.action = "record";
    a.object = r->receipt_code;
    a.before = NULL;
    a.after = after;
    err = db_audit_append(db, &a);
    if (err)
        return err;
    return db_collection_get(db, r->receipt_code, out);
}

/* ---- state transitions -------------------------------------------- */

enum move_owner {
    OWNER_MEMBER, /* the collection's member */
    OWNER_LEADER, /* the leader who recorded it, still leading its group */
    OWNER_PEER,   /* another leader of the commune: a leader's own receipt */
    OWNER_ANY     /* officer, bank import, close-session */
};

/* Bits of the states a move may start from. */
enum {
    S_RECORDED = DB_ST_RECORDED,
    S_CONFIRMED = DB_ST_CONFIRMED,
    S_DISPUTED = DB_ST_DISPUTED,
    S_VOIDED = DB_ST_VOIDED,
    S_POSTED = DB_ST_POSTED,
    S_UNPOSTED = DB_ST_UNPOSTED,
};

struct move {
    const char *action;
    const char *to;
    unsigned from;
    enum move_owner owner;
    bool not_remitted; /* a remitted batch is closed to this move */
};

static unsigned state_bit(const char *state)
{
    static const char *const names[] = {"RECORDED", "CONFIRMED", "DISPUTED",
                                        "VOIDED",   "POSTED",    "UNPOSTED"};
    unsigned i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(state, names[i]) == 0)
            return 1u << i;
    return 0;
}

/* The guarded UPDATEs: ?1 code, ?2 the state read just before, ?3 the
 * actor's member id, ?4 the new state, ?5 now. The owner test is repeated
 * here so that the write itself refuses a wrong actor. */
#define MOVE_SET                                                               \
    "UPDATE collections SET state = ?4, updated_at = ?5, disputed_from ="      \
    " CASE WHEN ?4 = 'DISPUTED' THEN ?2 ELSE disputed_from END"
static const char move_member_sql[] =
    MOVE_SET " WHERE receipt_code = ?1 AND state = ?2 AND member_id = ?3";
static const char move_leader_sql[] = MOVE_SET
    " WHERE receipt_code = ?1 AND state = ?2 AND leader_id = ?3"
    " AND remitted_at IS NULL AND group_id = (SELECT group_id FROM members"
    "  WHERE id = ?3 AND role = 'leader')";
static const char move_any_sql[] =
    MOVE_SET " WHERE receipt_code = ?1 AND state = ?2 AND ?3 = ?3";
/* A leader's receipt for herself, confirmed by another leader of the
 * same commune (checked by the write itself). */
static const char move_peer_sql[] =
    MOVE_SET " WHERE receipt_code = ?1 AND state = ?2 AND member_id = leader_id"
             " AND leader_id <> ?3 AND (SELECT commune_id FROM groups"
             "  WHERE id = collections.group_id) = (SELECT g.commune_id"
             "  FROM members m JOIN groups g ON g.id = m.group_id"
             "  WHERE m.id = ?3 AND m.role = 'leader')";
#undef MOVE_SET

static gw_err move_write(struct db *db, const struct move *mv,
                         const struct db_actor *who, const char *code,
                         const char *from, bool *changed)
{
    const char *sql = mv->owner == OWNER_MEMBER   ? move_member_sql
                      : mv->owner == OWNER_LEADER ? move_leader_sql
                      : mv->owner == OWNER_PEER   ? move_peer_sql
                                                  : move_any_sql;
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err;

    *changed = false;
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, code);
    db_bind_text(st, 2, from);
    sqlite3_bind_int64(st, 3, who->member_id);
    db_bind_text(st, 4, mv->to);
    sqlite3_bind_int64(st, 5, who->now);
    err = db_exec_stmt(db, st, mv->action);
    if (err == GW_OK)
        *changed = sqlite3_changes(db->conn) > 0;
    return err;
}

/* Checks what the write will check again, to answer with a reason. */
static gw_err move_check(const struct move *mv, const struct db_actor *who,
                         const struct db_collection *c, const char **why)
{
    if ((mv->owner == OWNER_MEMBER && c->member_id != who->member_id) ||
        (mv->owner == OWNER_LEADER && c->leader_id != who->member_id) ||
        (mv->owner == OWNER_PEER &&
         (c->member_id != c->leader_id || c->leader_id == who->member_id))) {
        *why = "not the actor's receipt";
        return GW_ENOTFOUND;
    }
    /* A leader's receipt for her own membership needs a second person. */
    if (mv->owner == OWNER_MEMBER && strcmp(mv->to, "CONFIRMED") == 0 &&
        c->member_id == c->leader_id) {
        *why = "a leader's own receipt: another leader or the officer confirms";
        return GW_EDENIED;
    }
    if (strcmp(c->state, mv->to) == 0) {
        *why = "already in that state";
        return GW_EEXIST;
    }
    if (!(state_bit(c->state) & mv->from)) {
        *why = "state does not allow it";
        return GW_EDENIED;
    }
    if (mv->not_remitted && c->remitted_at != 0) {
        *why = "already remitted";
        return GW_EDENIED;
    }
    return GW_OK;
}

static gw_err move_run(struct db *db, const struct move *mv,
                       const struct db_actor *who, const char *code,
                       struct db_collection *out)
{
    char before[DB_STATE_SIZE];
    const char *why = "no such receipt";
    struct db_audit a;
    bool changed = false;
    gw_err err, verdict;

    verdict = db_collection_get(db, code, out);
    if (verdict == GW_OK)
        verdict = move_check(mv, who, out, &why);
    if (verdict == GW_OK) {
        memcpy(before, out->state, sizeof(before));
        err = move_write(db, mv, who, code, before, &changed);
        if (err)
            return err;
        if (!changed) {
            why = "refused by the store"; /* leader no longer leads it */
            verdict = GW_EDENIED;
        }
    }
    if (verdict == GW_ENOTFOUND)
        memset(out, 0, sizeof(*out)); /* nothing of another's receipt */
    if (verdict != GW_OK) {
        err = audit_refused(db, who, mv->action, code,
                            out->state[0] ? out->state : NULL, why);
        return err ? err : verdict;
    }
    a.at = who->now;
    a.actor = who->code;
    a.phone = who->phone;
    a.action = mv->action;
    a.object = code;
    a.before = before;
    a.after = mv->to;
    err = db_audit_append(db, &a);
    if (err)
        return err;
    return db_collection_get(db, code, out);
}

gw_err db_collection_confirm(struct db *db, const struct db_actor *who,
                             const char *receipt_code,
                             struct db_collection *out)
{
    static const struct move mv = {"confirm", "CONFIRMED", S_RECORDED,
                                   OWNER_MEMBER, false};

    return move_run(db, &mv, who, receipt_code, out);
}

gw_err db_collection_confirm_peer(struct db *db, const struct db_actor *who,
                                  const char *receipt_code,
                                  struct db_collection *out)
{
    static const struct move mv = {"confirm.peer", "CONFIRMED", S_RECORDED,
                                   OWNER_PEER, false};

    return move_run(db, &mv, who, receipt_code, out);
}

gw_err db_collection_dispute_note(struct db *db, int64_t id, const char *note)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE collections SET dispute_note = ?2"
                                   " WHERE id = ?1 AND state = 'DISPUTED'");

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)db_bind_text(st, 2, note);
    return db_exec_stmt(db, st, "dispute note");
}

gw_err db_collection_dispute(struct db *db, const struct db_actor *who,
                             const char *receipt_code,
                             struct db_collection *out)
{
    static const struct move mv = {
        "dispute", "DISPUTED", S_RECORDED | S_CONFIRMED | S_VOIDED | S_UNPOSTED,
        OWNER_MEMBER, false};

    return move_run(db, &mv, who, receipt_code, out);
}

gw_err db_collection_void(struct db *db, const struct db_actor *who,
                          const char *receipt_code, struct db_collection *out)
{
    static const struct move mv = {"void", "VOIDED", S_RECORDED, OWNER_LEADER,
                                   true};

    return move_run(db, &mv, who, receipt_code, out);
}

gw_err db_collection_post(struct db *db, const struct db_actor *who,
                          const char *receipt_code, struct db_collection *out)
{
    static const struct move mv = {
        "post", "POSTED", S_RECORDED | S_CONFIRMED | S_DISPUTED | S_UNPOSTED,
        OWNER_ANY, false};

    return move_run(db, &mv, who, receipt_code, out);
}

gw_err db_collection_flag_voided_booked(struct db *db,
                                        const struct db_actor *who,
                                        const char *receipt_code,
                                        struct db_collection *out)
{
    /* One statement checks VOIDED, booked and not yet flagged, and
     * writes: a re-import cannot flag (and so alert) twice. */
    static const char sql[] =
        "INSERT INTO audit (at, actor, phone, action, object, before, after)"
        " SELECT ?1, ?2, ?3, '" DB_AUDIT_POST_VOIDED "', c.receipt_code,"
        " c.state, 'booked by the bank' FROM collections c"
        " WHERE c.receipt_code = ?4 AND c.state = 'VOIDED'"
        " AND EXISTS (SELECT 1 FROM postings p"
        "  WHERE p.receipt_code = c.receipt_code)"
        " AND NOT EXISTS (SELECT 1 FROM audit a"
        "  WHERE a.action = '" DB_AUDIT_POST_VOIDED "'"
        "  AND a.object = c.receipt_code)";
    static const char flagged_sql[] =
        "SELECT 1 FROM audit WHERE action = '" DB_AUDIT_POST_VOIDED "'"
        " AND object = ?1";
    sqlite3_stmt *st;
    gw_err err;
    int rc;

    err = db_collection_get(db, receipt_code, out);
    if (err)
        return err;
    st = db_stmt(db, sql);
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, who->now);
    db_bind_text(st, 2, who->code ? who->code : "unknown");
    db_bind_text(st, 3, who->phone);
    db_bind_text(st, 4, receipt_code);
    err = db_exec_stmt(db, st, "flag voided booked");
    if (err)
        return err;
    if (sqlite3_changes(db->conn) > 0)
        return GW_OK;
    /* Nothing written: say why, for the caller's log only. */
    st = db_stmt(db, flagged_sql);
    if (st == NULL)
        return GW_EDB;
    db_bind_text(st, 1, receipt_code);
    rc = sqlite3_step(st);
    db_stmt_done(st);
    if (rc == SQLITE_ROW)
        return GW_EEXIST;
    return rc == SQLITE_DONE ? GW_EDENIED : db_error(db, rc, "flag lookup");
}

gw_err db_collection_unpost(struct db *db, const struct db_actor *who,
                            const char *receipt_code, struct db_collection *out)
{
    static const struct move mv = {"unpost", "UNPOSTED",
                                   S_RECORDED | S_CONFIRMED, OWNER_ANY, false};

    return move_run(db, &mv, who, receipt_code, out);
}

gw_err db_collection_link_inbound(struct db *db, int64_t id, int64_t inbound_id)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE collections SET inbound_id = ?2"
                                   " WHERE id = ?1 AND inbound_id IS NULL");
    gw_err err;

    if (st == NULL)
        return GW_EDB;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int64(st, 2, inbound_id);
    err = db_exec_stmt(db, st, "link collection to inbound");
    if (err == GW_OK && sqlite3_changes(db->conn) == 0)
        err = GW_ENOTFOUND;
    return err;
}
