/* test_db_outbox.c - outbox store: enqueue, claim, transitions, reports */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "db/db.h"
#include "db/db_internal.h"
#include "db/db_msg.h"
#include "common/banned.h"

static int setup(void **state)
{
    struct db *db = NULL;

    if (db_open(":memory:", &db) != GW_OK)
        return -1;
    *state = db;
    return 0;
}

/* The delivery tally (kept by triggers) must equal a count of the
 * outbox after whatever a test did to it: every transition is counted
 * out of its old state and into its new one. */
static int tally_matches(struct db *db)
{
    static const char sql[] =
        "SELECT COUNT(*) FROM (SELECT created_at / 3600 AS h,"
        " COALESCE(provider, '') AS p, substr(phone, 4, 2) AS x, state AS s,"
        " COUNT(*) AS n FROM outbox GROUP BY 1, 2, 3, 4) o"
        " FULL JOIN (SELECT * FROM delivery_tally WHERE n <> 0) t"
        " ON t.hour = o.h AND t.provider = o.p AND t.prefix = o.x"
        " AND t.state = o.s WHERE o.n IS NOT t.n";
    sqlite3_stmt *st = NULL;
    int bad = -1;

    if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        bad = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (bad != 0)
        print_error("delivery tally: %d rows differ from the outbox\n", bad);
    return bad == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    int rc = tally_matches(*state);

    db_close(*state);
    return rc;
}

static int64_t enqueue_at(struct db *db, const char *phone, int64_t now)
{
    int64_t id = 0;

    assert_int_equal(db_outbox_enqueue(db, phone, "NHCS: so du 1.000d", "REPLY",
                                       0, 0, now, &id),
                     GW_OK);
    assert_true(id > 0);
    return id;
}

static void assert_state(struct db *db, int64_t id, const char *state,
                         int attempts)
{
    struct db_outbox_row row;

    assert_int_equal(db_outbox_get(db, id, &row), GW_OK);
    assert_string_equal(row.state, state);
    assert_int_equal(row.msg.attempts, attempts);
}

static void fill(char *s, size_t n, char c)
{
    memset(s, c, n);
    s[n] = '\0';
}

static void test_enqueue_bounds(void **state)
{
    struct db *db = *state;
    struct db_outmsg *m = NULL;
    static char text_max[sizeof(m->text)], text_over[sizeof(m->text) + 1];
    char phone_max[sizeof(m->phone)], phone_over[sizeof(m->phone) + 1];
    char kind_max[sizeof(m->kind)], kind_over[sizeof(m->kind) + 1];
    const struct {
        const char *phone, *text, *kind;
        gw_err err;
    } t[] = {
        {"+84912345678", "hello", "REPLY", GW_OK},
        {"", "hello", "REPLY", GW_EINVAL},
        {NULL, "hello", "REPLY", GW_EINVAL},
        {"+84912345678", "", "REPLY", GW_EINVAL},
        {"+84912345678", "hello", "", GW_EINVAL},
        {"+84912345678", text_max, "REPLY", GW_OK},
        {"+84912345678", text_over, "REPLY", GW_ETOOBIG},
        {phone_max, "hello", "REPLY", GW_OK},
        {phone_over, "hello", "REPLY", GW_ETOOBIG},
        {"+84912345678", "hello", kind_max, GW_OK},
        {"+84912345678", "hello", kind_over, GW_ETOOBIG},
    };
    size_t i;

    fill(text_max, sizeof(text_max) - 1, 'a');
    fill(text_over, sizeof(text_over) - 1, 'a');
    fill(phone_max, sizeof(phone_max) - 1, '9');
    fill(phone_over, sizeof(phone_over) - 1, '9');
    fill(kind_max, sizeof(kind_max) - 1, 'K');
    fill(kind_over, sizeof(kind_over) - 1, 'K');
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t id = 0;
        gw_err err = db_outbox_enqueue(db, t[i].phone, t[i].text, t[i].kind, 0,
                                       0, 100, &id);

        assert_int_equal(err, t[i].err);
        if (err == GW_OK) {
            struct db_outbox_row row;

            assert_int_equal(db_outbox_get(db, id, &row), GW_OK);
            assert_string_equal(row.msg.text, t[i].text);
            assert_string_equal(row.msg.phone, t[i].phone);
            assert_string_equal(row.state, "QUEUED");
            assert_int_equal(row.next_at, 100);
        }
    }
}

static void test_claim_order_and_due(void **state)
{
    struct db *db = *state;
    struct db_outmsg out[8];
    int64_t a = enqueue_at(db, "+84900000001", 100);
    int64_t b = enqueue_at(db, "+84900000002", 101);
    int64_t c = enqueue_at(db, "+84900000003", 102);
    int64_t d = enqueue_at(db, "+84900000004", 160);
    size_t n = 99;

    /* Nothing is due before the first next_at. */
    assert_int_equal(db_outbox_claim(db, 99, out, 8, &n), GW_OK);
    assert_int_equal(n, 0);
    /* max bounds the batch; oldest first. */
    assert_int_equal(db_outbox_claim(db, 101, out, 1, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].id, a);
    assert_string_equal(out[0].phone, "+84900000001");
    assert_int_equal(db_outbox_claim(db, 101, out, 8, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].id, b);
    assert_state(db, b, "SENDING", 0);
    /* A claimed row is not claimed twice. */
    assert_int_equal(db_outbox_claim(db, 101, out, 8, &n), GW_OK);
    assert_int_equal(n, 0);

    /* a retries at 150: due before d (next_at 160), after c (102). */
    assert_int_equal(db_outbox_mark_retry(db, a, 150, "http 500", 101), GW_OK);
    assert_state(db, a, "QUEUED", 1);
    assert_int_equal(db_outbox_claim(db, 149, out, 8, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].id, c);
    assert_int_equal(db_outbox_claim(db, 200, out, 8, &n), GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].id, a);
    assert_int_equal(out[0].attempts, 1);
    assert_int_equal(out[1].id, d);
}

static void test_claim_in_caller_transaction(void **state)
{
    struct db *db = *state;
    struct db_outmsg out[4];
    int64_t a = enqueue_at(db, "+84900000001", 100);
    size_t n = 0;

    assert_int_equal(db_begin(db), GW_OK);
    assert_int_equal(db_outbox_claim(db, 100, out, 4, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_true(db_in_transaction(db));
    db_rollback(db);
    assert_state(db, a, "QUEUED", 0);
    assert_int_equal(db_outbox_claim(db, 100, out, 4, &n), GW_OK);
    assert_false(db_in_transaction(db));
    assert_int_equal(n, 1);
    assert_state(db, a, "SENDING", 0);
}

enum op {
    OP_SENT,
    OP_RETRY,
    OP_FAILED,
    OP_UNCLAIM,
    OP_DLR_OK,
    OP_DLR_KO,
    OP_DLR_OTHER
};

/* Brings a fresh row to state and returns its id. */
static int64_t row_in(struct db *db, const char *state)
{
    struct db_outmsg out[1];
    int64_t id = enqueue_at(db, "+84900000009", 100);
    size_t n = 0;

    if (strcmp(state, "QUEUED") == 0)
        return id;
    assert_int_equal(db_outbox_claim(db, 100, out, 1, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].id, id);
    if (strcmp(state, "FAILED") == 0)
        assert_int_equal(db_outbox_mark_failed(db, id, "x", 100), GW_OK);
    if (strcmp(state, "SENT") == 0 || strcmp(state, "DELIVERED") == 0 ||
        strcmp(state, "UNDELIVERED") == 0)
        assert_int_equal(db_outbox_mark_sent(db, id, "kannel", "", 100), GW_OK);
    if (strcmp(state, "DELIVERED") == 0 || strcmp(state, "UNDELIVERED") == 0)
        assert_int_equal(db_outbox_dlr(db, "kannel", id, NULL, state, 100),
                         GW_OK);
    assert_state(db, id, state, strcmp(state, "FAILED") == 0 ? 1 : 0);
    return id;
}

static gw_err apply(struct db *db, int64_t id, enum op op)
{
    switch (op) {
    case OP_SENT:
        return db_outbox_mark_sent(db, id, "kannel", "pm-1", 200);
    case OP_RETRY:
        return db_outbox_mark_retry(db, id, 300, "http 503", 200);
    case OP_FAILED:
        return db_outbox_mark_failed(db, id, "http 400", 200);
    case OP_UNCLAIM:
        return db_outbox_unclaim(db, id, 200);
    case OP_DLR_OK:
        return db_outbox_dlr(db, "kannel", id, NULL, "DELIVERED", 200);
    case OP_DLR_KO:
        return db_outbox_dlr(db, "kannel", id, NULL, "UNDELIVERED", 200);
    case OP_DLR_OTHER:
        /* rows are sent through kannel: esms did not send them */
        return db_outbox_dlr(db, "esms", id, NULL, "DELIVERED", 200);
    }
    return GW_EINTERNAL;
}

static void test_transitions(void **state)
{
    struct db *db = *state;
    static const struct {
        const char *from;
        enum op op;
        gw_err err;
        const char *to;
        int attempts_added;
    } t[] = {
        {"SENDING", OP_SENT, GW_OK, "SENT", 0},
        {"SENDING", OP_RETRY, GW_OK, "QUEUED", 1},
        {"SENDING", OP_FAILED, GW_OK, "FAILED", 1},
        {"SENDING", OP_UNCLAIM, GW_OK, "QUEUED", 0},
        /* A report can overtake the aggregator's answer: held, applied
         * only once the send is recorded (test_dlr_held). */
        {"SENDING", OP_DLR_OK, GW_OK, "SENDING", 0},
        {"QUEUED", OP_RETRY, GW_ENOTFOUND, "QUEUED", 0},
        {"QUEUED", OP_FAILED, GW_ENOTFOUND, "QUEUED", 0},
        {"QUEUED", OP_UNCLAIM, GW_ENOTFOUND, "QUEUED", 0},
        /* Not on any phone: kept, changes nothing. */
        {"QUEUED", OP_DLR_OK, GW_OK, "QUEUED", 0},
        {"SENT", OP_DLR_OK, GW_OK, "DELIVERED", 0},
        {"SENT", OP_DLR_KO, GW_OK, "UNDELIVERED", 0},
        {"SENT", OP_RETRY, GW_ENOTFOUND, "SENT", 0},
        {"SENT", OP_FAILED, GW_ENOTFOUND, "SENT", 0},
        {"DELIVERED", OP_SENT, GW_OK, "DELIVERED", 0},
        {"DELIVERED", OP_RETRY, GW_ENOTFOUND, "DELIVERED", 0},
        /* DELIVERED is final: acknowledged, not moved back. */
        {"DELIVERED", OP_DLR_KO, GW_OK, "DELIVERED", 0},
        {"DELIVERED", OP_DLR_OK, GW_OK, "DELIVERED", 0},
        {"UNDELIVERED", OP_DLR_KO, GW_OK, "UNDELIVERED", 0},
        /* Only the provider that sent a row moves it; the others' reports
         * are kept, not applied. */
        {"SENT", OP_DLR_OTHER, GW_OK, "SENT", 0},
        {"UNDELIVERED", OP_DLR_OTHER, GW_OK, "UNDELIVERED", 0},
        {"SENDING", OP_DLR_OTHER, GW_OK, "SENDING", 0},
        /* UNDELIVERED is final too: a later DELIVERED does not flip it. */
        {"UNDELIVERED", OP_DLR_OK, GW_OK, "UNDELIVERED", 0},
        {"FAILED", OP_DLR_OK, GW_OK, "FAILED", 0},
        {"FAILED", OP_RETRY, GW_ENOTFOUND, "FAILED", 0},
        {"FAILED", OP_UNCLAIM, GW_ENOTFOUND, "FAILED", 0},
    };
    size_t i;

    /* A database a row: an earlier row left QUEUED would be claimed. */
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct db *one = NULL;
        int64_t id;
        int before = strcmp(t[i].from, "FAILED") == 0 ? 1 : 0;

        assert_int_equal(db_open(":memory:", &one), GW_OK);
        id = row_in(one, t[i].from);
        assert_int_equal(apply(one, id, t[i].op), t[i].err);
        assert_state(one, id, t[i].to, before + t[i].attempts_added);
        db_close(one);
    }
    assert_int_equal(apply(db, 424242, OP_SENT), GW_ENOTFOUND);
    assert_int_equal(apply(db, 424242, OP_DLR_OK), GW_ENOTFOUND);
}

static void test_retry_and_fail_record_error(void **state)
{
    struct db *db = *state;
    int64_t id = row_in(db, "SENDING");
    char long_err[DB_ATTEMPT_DETAIL_MAX * 2];
    struct db_outbox_row row;
    int64_t at = 0;

    fill(long_err, sizeof(long_err) - 1, 'e');
    assert_int_equal(db_outbox_mark_retry(db, id, 345, long_err, 200), GW_OK);
    assert_int_equal(db_outbox_get(db, id, &row), GW_OK);
    assert_int_equal(row.next_at, 345);
    assert_int_equal(strlen(row.last_error), DB_ATTEMPT_DETAIL_MAX);
    assert_int_equal(db_outbox_next_due(db, &at), GW_OK);
    assert_int_equal(at, 345);
}

static void test_sent_stores_ids(void **state)
{
    struct db *db = *state;
    int64_t id = row_in(db, "SENDING");
    int64_t other = row_in(db, "SENDING");
    struct db_outbox_row row;

    assert_int_equal(db_outbox_mark_sent(db, id, "esms", "E-77", 200), GW_OK);
    assert_int_equal(db_outbox_get(db, id, &row), GW_OK);
    assert_string_equal(row.provider, "esms");
    assert_string_equal(row.provider_msg_id, "E-77");
    /* No provider id: stored as none, never as "". */
    assert_int_equal(db_outbox_mark_sent(db, other, "kannel", "", 200), GW_OK);
    assert_int_equal(db_outbox_dlr(db, "esms", 0, "", "DELIVERED", 300),
                     GW_ENOTFOUND);
    assert_state(db, other, "SENT", 0);
}

static void test_dlr_by_both_ids(void **state)
{
    struct db *db = *state;
    int64_t a = row_in(db, "SENDING");
    int64_t b = row_in(db, "SENDING");
    int64_t c = row_in(db, "SENDING");
    int64_t q = row_in(db, "QUEUED");

    assert_int_equal(db_outbox_mark_sent(db, a, "esms", "E-1", 200), GW_OK);
    assert_int_equal(db_outbox_mark_sent(db, b, "esms", "E-2", 200), GW_OK);
    assert_int_equal(db_outbox_dlr(db, "esms", 0, "E-2", "UNDELIVERED", 300),
                     GW_OK);
    assert_state(db, b, "UNDELIVERED", 0);
    assert_state(db, a, "SENT", 0);
    assert_int_equal(db_outbox_dlr(db, "esms", a, NULL, "DELIVERED", 300),
                     GW_OK);
    assert_state(db, a, "DELIVERED", 0);
    /* Our id wins over a provider id that names another row. */
    assert_int_equal(db_outbox_mark_sent(db, c, "esms", "E-3", 200), GW_OK);
    assert_int_equal(db_outbox_dlr(db, "esms", c, "E-1", "UNDELIVERED", 300),
                     GW_OK);
    assert_state(db, c, "UNDELIVERED", 0);
    assert_state(db, a, "DELIVERED", 0);
    assert_int_equal(db_outbox_dlr(db, "esms", 0, "E-404", "DELIVERED", 300),
                     GW_ENOTFOUND);
    assert_int_equal(db_outbox_dlr(db, "esms", 9999, NULL, "DELIVERED", 300),
                     GW_ENOTFOUND);
    /* Not sent: kept, not applied. */
    assert_int_equal(db_outbox_dlr(db, "esms", q, NULL, "DELIVERED", 300),
                     GW_OK);
    assert_state(db, q, "QUEUED", 0);
    assert_int_equal(db_outbox_dlr(db, "esms", a, NULL, "PENDING", 300),
                     GW_EINVAL);
    assert_int_equal(db_outbox_dlr(db, "esms", a, NULL, NULL, 300), GW_EINVAL);
    assert_int_equal(db_outbox_dlr(db, "esms", a, NULL, "delivered", 300),
                     GW_EINVAL);
    /* A report names the provider it came through. */
    assert_int_equal(db_outbox_dlr(db, NULL, a, NULL, "DELIVERED", 300),
                     GW_EINVAL);
    assert_int_equal(db_outbox_dlr(db, "", a, NULL, "DELIVERED", 300),
                     GW_EINVAL);
    /* Another provider's report for esms's message id changes nothing. */
    assert_int_equal(db_outbox_dlr(db, "kannel", 0, "E-1", "UNDELIVERED", 300),
                     GW_ENOTFOUND);
    assert_state(db, a, "DELIVERED", 0);
}

/* Claims take the first class first, then replies, then bulk, each
 * oldest due first; a claim limited to the first class takes no other. */
static void test_claim_classes(void **state)
{
    struct db *db = *state;
    static const char *const kinds[] = {"REMINDER",  "REPLY",   "CAMPAIGN",
                                        "RECEIPT",   "REPLY",   "ALERT",
                                        "STATEMENT", "DISPUTE", "POSTED"};
    static const char *const want[] = {"RECEIPT",  "ALERT",    "DISPUTE",
                                       "POSTED",   "REPLY",    "REPLY",
                                       "REMINDER", "CAMPAIGN", "STATEMENT"};
    struct db_outmsg out[16];
    size_t i, n = 0;
    int64_t at = 0;

    for (i = 0; i < ARRAY_SIZE(kinds); i++)
        assert_int_equal(db_outbox_enqueue(db, "+84900000001", "t", kinds[i], 0,
                                           0, 100, NULL),
                         GW_OK);
    assert_int_equal(db_outbox_claim_upto(db, 100, DB_CLASS_FIRST, out, 16, &n),
                     GW_OK);
    assert_int_equal(n, 4);
    for (i = 0; i < n; i++)
        assert_string_equal(out[i].kind, want[i]);
    assert_int_equal(db_outbox_next_due_upto(db, DB_CLASS_FIRST, &at),
                     GW_ENOTFOUND);
    assert_int_equal(db_outbox_next_due_upto(db, DB_CLASS_REPLY, &at), GW_OK);
    assert_int_equal(db_outbox_claim(db, 100, out, 16, &n), GW_OK);
    assert_int_equal(n, 5);
    for (i = 0; i < n; i++)
        assert_string_equal(out[i].kind, want[4 + i]);
}

static enum db_dlr_outcome report(struct db *db, const char *provider,
                                  int64_t id, const char *state)
{
    enum db_dlr_outcome oc = DB_DLR_REPEAT;

    assert_int_equal(db_outbox_report(db, provider, id, NULL, state, 300, &oc),
                     GW_OK);
    return oc;
}

static int64_t kept(struct db *db, int64_t id, const char *reason)
{
    int64_t n = -1;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_prepare_v2(db->conn,
                                        "SELECT count(*) FROM dlr_kept WHERE"
                                        " outbox_id = ?1 AND reason = ?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A report that arrives while the message is being sent is held: the
 * send's own outcome counts first. Sent: the report applies. Failed (or
 * to be retried): the report is a conflict, never applied, and the
 * message is still sent later. Through another provider: never applied. */
static void test_dlr_held(void **state)
{
    struct db *db = *state;
    int64_t ok = row_in(db, "SENDING");
    int64_t retry = row_in(db, "SENDING");
    int64_t other = row_in(db, "SENDING");

    assert_int_equal(report(db, "kannel", ok, "DELIVERED"), DB_DLR_HELD);
    assert_state(db, ok, "SENDING", 0);
    assert_int_equal(db_outbox_mark_sent(db, ok, "kannel", "K-1", 400), GW_OK);
    assert_state(db, ok, "DELIVERED", 0);
    assert_int_equal(kept(db, ok, "applied"), 1);
    assert_int_equal(kept(db, ok, "held"), 0);

    /* The send fails after a report claimed delivery: the message goes
     * back to the queue and is sent again; the report never counts. */
    assert_int_equal(report(db, "kannel", retry, "DELIVERED"), DB_DLR_HELD);
    assert_int_equal(db_outbox_mark_retry(db, retry, 300, "http 503", 400),
                     GW_OK);
    assert_state(db, retry, "QUEUED", 1);
    assert_int_equal(kept(db, retry, "conflict"), 1);
    assert_int_equal(kept(db, retry, "held"), 0);

    /* esms's report for a message kannel then sends: not applied. */
    assert_int_equal(report(db, "esms", other, "DELIVERED"), DB_DLR_HELD);
    assert_int_equal(db_outbox_mark_sent(db, other, "kannel", "K-2", 400),
                     GW_OK);
    assert_state(db, other, "SENT", 0);
    assert_int_equal(kept(db, other, "other_provider"), 1);

    /* Outcomes of the later reports. */
    assert_int_equal(report(db, "kannel", other, "UNDELIVERED"),
                     DB_DLR_APPLIED);
    assert_int_equal(report(db, "kannel", other, "UNDELIVERED"), DB_DLR_REPEAT);
    assert_int_equal(report(db, "kannel", other, "DELIVERED"), DB_DLR_KEPT);
    assert_state(db, other, "UNDELIVERED", 0);
    assert_int_equal(kept(db, other, "conflict"), 1);
    assert_int_equal(report(db, "esms", ok, "UNDELIVERED"), DB_DLR_KEPT);
    assert_state(db, ok, "DELIVERED", 0);
}

static void test_recover(void **state)
{
    struct db *db = *state;
    int64_t a = row_in(db, "SENDING");
    int64_t b = row_in(db, "SENDING");
    int64_t s = row_in(db, "SENT");
    int64_t q = row_in(db, "QUEUED");
    size_t n = 99;
    int64_t count = 0;

    assert_int_equal(db_outbox_recover(db, &n), GW_OK);
    assert_int_equal(n, 2);
    assert_state(db, a, "QUEUED", 1);
    assert_state(db, b, "QUEUED", 1);
    assert_state(db, s, "SENT", 0);
    assert_state(db, q, "QUEUED", 0);
    assert_int_equal(
        db_outbox_attempt_count(db, a, DB_ATTEMPT_INTERRUPTED, 0, &count),
        GW_OK);
    assert_int_equal(count, 1);
    assert_int_equal(
        db_outbox_attempt_count(db, 0, DB_ATTEMPT_INTERRUPTED, 0, &count),
        GW_OK);
    assert_int_equal(count, 2);
    /* Nothing is SENDING any more. */
    assert_int_equal(db_outbox_recover(db, &n), GW_OK);
    assert_int_equal(n, 0);
}

static void test_attempts_counted(void **state)
{
    struct db *db = *state;
    int64_t a = row_in(db, "SENDING");
    int64_t b = row_in(db, "SENDING");
    static const struct {
        const char *result; /* NULL: any */
        int64_t id, since, want;
    } t[] = {
        {NULL, 0, 0, 4},
        {DB_ATTEMPT_SENT, 0, 0, 2},
        {DB_ATTEMPT_SENT, 0, 150, 1},
        {DB_ATTEMPT_SENT, 0, 201, 0},
        {DB_ATTEMPT_RETRY, 0, 0, 2},
    };
    int64_t count = -1;
    size_t i;

    assert_int_equal(db_outbox_attempt(db, a, 100, 500, DB_ATTEMPT_RETRY,
                                       "Internal Server Error"),
                     GW_OK);
    assert_int_equal(
        db_outbox_attempt(db, a, 110, 0, DB_ATTEMPT_RETRY, "timeout"), GW_OK);
    assert_int_equal(db_outbox_attempt(db, a, 120, 202, DB_ATTEMPT_SENT, NULL),
                     GW_OK);
    assert_int_equal(
        db_outbox_attempt(db, b, 200, 202, DB_ATTEMPT_SENT, "0: Accepted"),
        GW_OK);
    assert_int_equal(db_outbox_attempt(db, b, 200, 202, "", NULL), GW_EINVAL);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t n = -1;

        assert_int_equal(
            db_outbox_attempt_count(db, t[i].id, t[i].result, t[i].since, &n),
            GW_OK);
        assert_int_equal(n, t[i].want);
    }
    assert_int_equal(db_outbox_attempt_count(db, a, NULL, 0, &count), GW_OK);
    assert_int_equal(count, 3);
    assert_int_equal(db_outbox_attempt_count(db, b, NULL, 0, &count), GW_OK);
    assert_int_equal(count, 1);
}

static void test_stats(void **state)
{
    struct db *db = *state;
    struct db_outbox_stats s;
    int64_t at = 0;

    assert_int_equal(db_outbox_stats(db, &s), GW_OK);
    assert_int_equal(s.queued, 0);
    assert_int_equal(s.oldest_queued_at, 0);
    assert_int_equal(db_outbox_next_due(db, &at), GW_ENOTFOUND);

    (void)row_in(db, "SENDING");
    (void)row_in(db, "SENT");
    (void)row_in(db, "DELIVERED");
    (void)row_in(db, "UNDELIVERED");
    (void)row_in(db, "FAILED");
    (void)row_in(db, "FAILED");
    (void)enqueue_at(db, "+84900000001", 150);
    (void)enqueue_at(db, "+84900000002", 140);
    assert_int_equal(db_outbox_stats(db, &s), GW_OK);
    assert_int_equal(s.queued, 2);
    assert_int_equal(s.sending, 1);
    assert_int_equal(s.sent, 1);
    assert_int_equal(s.delivered, 1);
    assert_int_equal(s.undelivered, 1);
    assert_int_equal(s.failed, 2);
    assert_int_equal(s.oldest_queued_at, 140);
    assert_int_equal(db_outbox_next_due(db, &at), GW_OK);
    assert_int_equal(at, 140);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enqueue_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_order_and_due, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_claim_in_caller_transaction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_and_fail_record_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sent_stores_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dlr_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dlr_by_both_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attempts_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
