/* db_story.c - one member's, and one leader's, whole story */
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/db_story.h"
#include "common/banned.h"

/* ?1 is the officer: she sees commune X when she is admin or X is hers. */
#define SEES(X)                                                                \
    "EXISTS (SELECT 1 FROM officers o WHERE o.id = ?1 AND o.disabled = 0"      \
    " AND (o.role = 'admin' OR EXISTS (SELECT 1 FROM officer_communes oc"      \
    " WHERE oc.officer_id = o.id AND oc.commune_id = " X ")))"

#define PERSON_COLS                                                            \
    "SELECT m.id, m.code, m.full_name, m.phone, m.seq, m.role = 'leader',"     \
    " m.reminders, g.id, g.name, co.id, co.name,"                              \
    " COALESCE((SELECT l.id FROM members l WHERE l.group_id = g.id AND"        \
    " l.role = 'leader' ORDER BY l.seq LIMIT 1), 0),"                          \
    " COALESCE((SELECT l.full_name FROM members l WHERE l.group_id = g.id"     \
    " AND l.role = 'leader' ORDER BY l.seq LIMIT 1), ''),"                     \
    " COALESCE((SELECT s.balance FROM savings s WHERE s.member_id = m.id), "   \
    "0),"                                                                      \
    " COALESCE((SELECT MAX(ob.updated_at) FROM outbox ob WHERE"                \
    " ob.member_id = m.id AND ob.state = 'DELIVERED'), 0)"                     \
    " FROM members m JOIN groups g ON g.id = m.group_id"                       \
    " JOIN communes co ON co.id = g.commune_id "

static void read_person(sqlite3_stmt *st, struct db_person *p)
{
    memset(p, 0, sizeof(*p));
    p->id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, p->code, sizeof(p->code));
    db_col_text(st, 2, p->name, sizeof(p->name));
    db_col_text(st, 3, p->phone, sizeof(p->phone));
    p->seq = sqlite3_column_int(st, 4);
    p->leader = sqlite3_column_int(st, 5) != 0;
    p->reminders = sqlite3_column_int(st, 6) != 0;
    p->group_id = sqlite3_column_int64(st, 7);
    db_col_text(st, 8, p->group, sizeof(p->group));
    p->commune_id = sqlite3_column_int64(st, 9);
    db_col_text(st, 10, p->commune, sizeof(p->commune));
    p->leader_id = sqlite3_column_int64(st, 11);
    db_col_text(st, 12, p->leader_name, sizeof(p->leader_name));
    p->savings = sqlite3_column_int64(st, 13);
    p->last_delivered = sqlite3_column_int64(st, 14);
}

gw_err db_story_person(struct db *db, int64_t officer_id, int64_t member_id,
                       struct db_person *out)
{
    static const char sql[] =
        PERSON_COLS "WHERE m.id = ?2 AND " SEES("g.commune_id");
    sqlite3_stmt *st = db_stmt(db, sql);
    gw_err err = GW_OK;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 2, member_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_person(st, out);
    else
        err = rc == SQLITE_DONE ? GW_ENOTFOUND : db_error(db, rc, "person");
    db_stmt_done(st);
    return err;
}

/* Runs st (bound) and hands each row to row(); the common loop. */
static gw_err each_row(struct db *db, sqlite3_stmt *st, const char *what,
                       gw_err (*row)(sqlite3_stmt *st, void *arg), void *arg)
{
    gw_err err = GW_OK;
    int rc = SQLITE_DONE;

    while (err == GW_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        err = row(st, arg);
    if (err == GW_OK && rc != SQLITE_DONE)
        err = db_error(db, rc, what);
    db_stmt_done(st);
    return err;
}

struct cb {
    union {
        db_loan_fn loan;
        db_receipt_fn receipt;
        db_msg_fn msg;
        db_person_fn person;
    } fn;
    void *ctx;
};

static gw_err loan_row(sqlite3_stmt *st, void *arg)
{
    struct cb *c = arg;
    struct db_story_loan l;

    memset(&l, 0, sizeof(l));
    db_col_text(st, 0, l.code, sizeof(l.code));
    db_col_text(st, 1, l.program, sizeof(l.program));
    l.outstanding = sqlite3_column_int64(st, 2);
    l.interest_due = sqlite3_column_int64(st, 3);
    l.overdue = sqlite3_column_int64(st, 4);
    l.next_principal = sqlite3_column_int64(st, 5);
    db_col_text(st, 6, l.next_principal_on, sizeof(l.next_principal_on));
    db_col_text(st, 7, l.status, sizeof(l.status));
    return c->fn.loan(c->ctx, &l);
}

gw_err db_story_loans(struct db *db, int64_t member_id, db_loan_fn fn,
                      void *ctx)
{
    static const char sql[] =
        "SELECT code, program, outstanding, interest_due, overdue_amount,"
        " next_principal_amount, COALESCE(next_principal_on, ''), status"
        " FROM loans WHERE member_id = ?1"
        " ORDER BY status = 'closed', outstanding DESC, code";
    sqlite3_stmt *st = db_stmt(db, sql);
    struct cb c;

    c.fn.loan = fn;
    c.ctx = ctx;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    return each_row(db, st, "loans", loan_row, &c);
}

#define RECEIPT_COLS                                                           \
    "SELECT c.id, c.receipt_code, c.created_at, c.session_on, c.interest,"     \
    " c.savings, c.principal, c.state, c.disputed_from IS NOT NULL,"           \
    " COALESCE(c.remitted_at, 0), m.full_name, m.id FROM collections c"        \
    " JOIN members m ON m.id = c.member_id "

static gw_err receipt_row(sqlite3_stmt *st, void *arg)
{
    struct cb *c = arg;
    struct db_story_receipt r;

    memset(&r, 0, sizeof(r));
    r.id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, r.code, sizeof(r.code));
    r.created_at = sqlite3_column_int64(st, 2);
    db_col_text(st, 3, r.session_on, sizeof(r.session_on));
    r.interest = sqlite3_column_int64(st, 4);
    r.savings = sqlite3_column_int64(st, 5);
    r.principal = sqlite3_column_int64(st, 6);
    db_col_text(st, 7, r.state, sizeof(r.state));
    r.disputed = sqlite3_column_int(st, 8) != 0;
    r.remitted_at = sqlite3_column_int64(st, 9);
    db_col_text(st, 10, r.member_name, sizeof(r.member_name));
    r.member_id = sqlite3_column_int64(st, 11);
    return c->fn.receipt(c->ctx, &r);
}

gw_err db_story_receipts(struct db *db, int64_t member_id, int limit,
                         db_receipt_fn fn, void *ctx)
{
    static const char sql[] = RECEIPT_COLS
        "WHERE c.member_id = ?1 ORDER BY c.created_at DESC, c.id DESC LIMIT ?2";
    sqlite3_stmt *st = db_stmt(db, sql);
    struct cb c;

    c.fn.receipt = fn;
    c.ctx = ctx;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, limit);
    return each_row(db, st, "receipts", receipt_row, &c);
}

struct timeline_cb {
    struct cb c;
    int n, per_page;
    bool *more;
};

static gw_err msg_row(sqlite3_stmt *st, void *arg)
{
    struct timeline_cb *t = arg;
    struct db_story_msg m;

    if (t->n++ == t->per_page) {
        *t->more = true; /* the one row past the page */
        return GW_OK;
    }
    memset(&m, 0, sizeof(m));
    m.in = sqlite3_column_int(st, 0) != 0;
    m.at = sqlite3_column_int64(st, 1);
    db_col_text(st, 2, m.channel, sizeof(m.channel));
    db_col_text(st, 3, m.kind, sizeof(m.kind));
    db_col_text(st, 4, m.text, sizeof(m.text));
    db_col_text(st, 5, m.state, sizeof(m.state));
    m.attempts = sqlite3_column_int(st, 6);
    db_col_text(st, 7, m.provider, sizeof(m.provider));
    db_col_text(st, 8, m.last_error, sizeof(m.last_error));
    m.updated_at = sqlite3_column_int64(st, 9);
    return t->c.fn.msg(t->c.ctx, &m);
}

gw_err db_story_timeline(struct db *db, int64_t member_id, int page,
                         int per_page, db_msg_fn fn, void *ctx, bool *more)
{
    /* Her phone's inbound rows, and every message to her (each carries
     * her member id). */
    static const char sql[] =
        "WITH me AS (SELECT phone FROM members WHERE id = ?1)"
        " SELECT * FROM ("
        " SELECT 1 AS dir, i.received_at AS at, i.channel, '', i.text, '',"
        "  0, i.provider, '', i.received_at, i.id AS rid FROM inbound i, me"
        "  WHERE i.phone = me.phone"
        " UNION ALL"
        " SELECT 0, o.created_at, 'sms', o.kind, o.text, o.state,"
        "  o.attempts, COALESCE(o.provider, ''), COALESCE(o.last_error, ''),"
        "  o.updated_at, o.id FROM outbox o WHERE o.member_id = ?1)"
        " ORDER BY at DESC, dir, rid DESC LIMIT ?2 OFFSET ?3";
    sqlite3_stmt *st = db_stmt(db, sql);
    struct timeline_cb t;

    t.c.fn.msg = fn;
    t.c.ctx = ctx;
    t.n = 0;
    t.per_page = per_page;
    t.more = more;
    *more = false;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, per_page + 1);
    sqlite3_bind_int64(st, 3, (int64_t)page * per_page);
    return each_row(db, st, "timeline", msg_row, &t);
}

static gw_err person_row(sqlite3_stmt *st, void *arg)
{
    struct cb *c = arg;
    struct db_person p;

    read_person(st, &p);
    return c->fn.person(c->ctx, &p);
}

/* The people a statement of the form (officer ?1, text ?2, limit ?3)
 * finds: the training phones. */
static gw_err officer_people(struct db *db, const char *sql, int64_t officer_id,
                             const char *text, int limit, const char *what,
                             db_person_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    struct cb c;

    c.fn.person = fn;
    c.ctx = ctx;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    db_bind_text(st, 2, text);
    sqlite3_bind_int(st, 3, limit);
    return each_row(db, st, what, person_row, &c);
}

gw_err db_story_search(struct db *db, int64_t officer_id, int64_t commune_id,
                       const char *q, int limit, db_person_fn fn, void *ctx)
{
    /* ?2 digits: the end of a phone; else a code, or words of a name.
     * In one commune (?4), its groups lead the search: a whole country's
     * names are never read for it. */
#define MATCH                                                                  \
    " AND ((?2 GLOB '[0-9]*' AND length(?2) >= 3 AND m.phone LIKE '%' || ?2)"  \
    " OR upper(m.code) = upper(?2) OR (length(?2) >= 2 AND"                    \
    " dt_fold(m.full_name) LIKE '%' || dt_fold(?2) || '%'))"                   \
    " ORDER BY m.full_name, m.id LIMIT ?3"
    static const char all_sql[] =
        PERSON_COLS "WHERE " SEES("g.commune_id") MATCH;
    static const char one_sql[] =
        PERSON_COLS "WHERE g.commune_id = ?4 AND " SEES("?4") MATCH;
#undef MATCH
    sqlite3_stmt *st = db_stmt(db, commune_id ? one_sql : all_sql);
    struct cb c;

    c.fn.person = fn;
    c.ctx = ctx;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, officer_id);
    db_bind_text(st, 2, q);
    sqlite3_bind_int(st, 3, limit);
    if (commune_id)
        sqlite3_bind_int64(st, 4, commune_id);
    return each_row(db, st, "search", person_row, &c);
}

gw_err db_story_training(struct db *db, int64_t officer_id, const char *codes,
                         int limit, db_person_fn fn, void *ctx)
{
    static const char sql[] = PERSON_COLS
        "WHERE " SEES("g.commune_id") " AND instr(',' || ?2 ||"
                                      " ',', ',' || co.code || ',') > 0 ORDER "
                                      "BY m.role <> 'leader',"
                                      " co.name, g.name, m.seq LIMIT ?3";

    return officer_people(db, sql, officer_id, codes, limit, "training", fn,
                          ctx);
}

gw_err db_story_group(struct db *db, int64_t group_id, db_person_fn fn,
                      void *ctx)
{
    static const char sql[] = PERSON_COLS "WHERE g.id = ?1 ORDER BY m.seq";
    sqlite3_stmt *st = db_stmt(db, sql);
    struct cb c;

    c.fn.person = fn;
    c.ctx = ctx;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, group_id);
    return each_row(db, st, "group", person_row, &c);
}

gw_err db_story_signs(struct db *db, int64_t leader_id, const char *since_day,
                      const char *today, int64_t now, enum db_sign sign,
                      db_receipt_fn fn, void *ctx)
{
    /* ?1 leader, ?2 since, ?3 today, ?4 now. A late NOP: handed over
     * after the end of its session's day (Vietnam, UTC+7). */
#define SIGN_SQL(W)                                                            \
    RECEIPT_COLS "WHERE c.leader_id = ?1 AND c.session_on >= ?2 AND " W        \
                 " ORDER BY c.created_at DESC LIMIT 500"
    static const char *const sqls[DB_SIGN_COUNT] = {
        SIGN_SQL("c.state = 'VOIDED'"),
        SIGN_SQL("c.disputed_from IS NOT NULL"),
        SIGN_SQL("((c.state IN ('RECORDED', 'CONFIRMED') AND c.session_on <"
                 " ?3) OR c.state = 'UNPOSTED')"),
        SIGN_SQL("c.state = 'RECORDED' AND c.created_at < ?4 - 3 * 86400"),
        SIGN_SQL("c.remitted_at > CAST((julianday(c.session_on) - 2440587.5)"
                 " * 86400 AS INTEGER) + 61200"),
    };
    sqlite3_stmt *st;
    struct cb c;

    c.fn.receipt = fn;
    c.ctx = ctx;
    if ((unsigned)sign >= DB_SIGN_COUNT)
        return GW_EINVAL;
    st = db_stmt(db, sqls[sign]);
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, leader_id);
    db_bind_text(st, 2, since_day);
    db_bind_text(st, 3, today);
    sqlite3_bind_int64(st, 4, now);
    return each_row(db, st, "signs", receipt_row, &c);
}

gw_err db_story_sessions(struct db *db, int64_t group_id, const char *today,
                         struct db_session_sum *out, int n, int *got)
{
    /* What is due is the bank's current figure (loans.interest_due): the
     * store keeps no history of it. */
    static const char sql[] =
        "SELECT c.session_on, (SELECT COALESCE(SUM(l.interest_due), 0)"
        " FROM loans l JOIN members m ON m.id = l.member_id WHERE"
        " m.group_id = ?1 AND l.status <> 'closed'),"
        " SUM(CASE WHEN " DB_LIVE_RECEIPT(
            "c.") " THEN c.interest ELSE 0 END)"
                  " FROM collections c WHERE c.group_id = ?1 AND c.session_on "
                  "< ?2"
                  " GROUP BY c.session_on ORDER BY c.session_on DESC LIMIT ?3";
    sqlite3_stmt *st = db_stmt(db, sql);
    int rc = SQLITE_DONE;
    gw_err err = GW_OK;

    *got = 0;
    if (st == NULL)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, group_id);
    db_bind_text(st, 2, today);
    sqlite3_bind_int(st, 3, n);
    while (*got < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_session_sum *s = &out[(*got)++];

        db_col_text(st, 0, s->session_on, sizeof(s->session_on));
        s->due = sqlite3_column_int64(st, 1);
        s->collected = sqlite3_column_int64(st, 2);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = db_error(db, rc, "sessions");
    db_stmt_done(st);
    return err;
}
