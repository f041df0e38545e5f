/* test_outbox.c - the sender against the stub aggregator: every message
 * delivered through outages, the rate held, stops and restarts clean */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/util.h"
#include "config/config.h"
#include "db/db.h"
#include "db/db_msg.h"
#include "gateway/outbox.h"
#include "gateway/provider.h"
#include "tests/support/log_gate.h"
#include "tests/support/stub_aggregator.h"
#include "common/banned.h"

/* ---- a minimal provider: form POST, answer by status ----------------- */

static gw_err fake_build_send(const struct cfg_provider *cfg,
                              const struct prov_out *msg, struct prov_send *out)
{
    const char *p;

    out->method = "POST";
    buf_appendf(&out->url, "%s/send", cfg->send_url);
    buf_appendf(&out->body, "id=%lld&to=", (long long)msg->id);
    for (p = msg->phone; *p; p++)
        buf_appendf(&out->body, *p == '+' ? "%%2B" : "%c", *p);
    buf_appendf(&out->body, "&text=%s", msg->text);
    return out->url.err ? out->url.err : out->body.err;
}

/* 2xx accepted ("ID:x" gives the provider id), 5xx and 429 retry, any
 * other status is permanent. */
static enum send_result fake_read_send(long status, const char *body,
                                       size_t len, char *pid, size_t pid_size,
                                       char *why, size_t why_size)
{
    (void)len;
    if (status >= 200 && status < 300) {
        if (strncmp(body, "ID:", 3) == 0)
            (void)snprintf(pid, pid_size, "%s", body + 3);
        return SEND_OK;
    }
    (void)snprintf(why, why_size, "status %ld", status);
    return status >= 500 || status == 429 ? SEND_RETRY : SEND_FAIL;
}

static const struct provider_ops fake_ops = {
    .name = "fake",
    .build_send = fake_build_send,
    .read_send = fake_read_send,
};

static const struct provider_ops fake_log_ops = {
    .name = "log",
    .build_send = NULL,
    .read_send = fake_read_send,
};

/* ---- fixture ----------------------------------------------------------- */

struct fx {
    char dir[64];
    char path[96];
    struct dt_config cfg;
    struct cfg_provider pcfg;
    struct stub_aggregator *stub;
    struct db *db; /* the test's own connection */
    struct outbox *ob;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/dt_outbox_XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    (void)snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    config_defaults(&f->cfg);
    f->cfg.send_rate = 0;
    f->cfg.max_attempts = 5;
    f->cfg.backoff_initial = 0; /* retry at the next second */
    f->cfg.backoff_max = 1;
    f->cfg.connect_timeout_ms = 1000;
    f->cfg.request_timeout_ms = 3000;
    f->cfg.daily_sms_budget = 0;
    *state = f;
    log_gate_begin();
    f->stub = stub_start();
    if (f->stub == NULL || db_open(f->path, &f->db) != GW_OK)
        return -1; /* teardown is not run: the test fails anyway */
    f->pcfg.enabled = true;
    (void)snprintf(f->pcfg.send_url, sizeof(f->pcfg.send_url), "%s",
                   stub_url(f->stub));
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[128];
    long findings;

    outbox_stop(f->ob);
    stub_stop(f->stub);
    db_close(f->db);
    findings = log_gate_end(f->path);
    (void)unlink(f->path);
    (void)snprintf(p, sizeof(p), "%s-wal", f->path);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", f->path);
    (void)unlink(p);
    (void)rmdir(f->dir);
    free(f);
    return findings == 0 ? 0 : -1;
}

static void start(struct fx *f, const struct provider_ops *ops)
{
    assert_int_equal(outbox_start_with(&f->cfg, f->path, ops, &f->pcfg, &f->ob),
                     GW_OK);
}

static void enqueue(struct fx *f, size_t n, int64_t *ids)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char phone[DT_PHONE_SIZE];
        int64_t id = 0;

        (void)snprintf(phone, sizeof(phone), "+849%08u",
                       (unsigned)(i % 100000000));
        assert_int_equal(db_outbox_enqueue(f->db, phone, "NHCS: thu nghiem",
                                           "REPLY", 0, 0, time(NULL), &id),
                         GW_OK);
        if (ids)
            ids[i] = id;
    }
    outbox_notify(f->ob);
}

static void stats(struct fx *f, struct db_outbox_stats *s)
{
    assert_int_equal(db_outbox_stats(f->db, s), GW_OK);
}

/* Waits (generously) until field of the stats reaches want. */
#define WAIT_STAT(f, field, want, ms)                                          \
    do {                                                                       \
        struct db_outbox_stats ws_;                                            \
        int ws_i_;                                                             \
                                                                               \
        for (ws_i_ = 0; ws_i_ < (ms) / 10; ws_i_++) {                          \
            stats((f), &ws_);                                                  \
            if (ws_.field >= (want))                                           \
                break;                                                         \
            (void)usleep(10000);                                               \
        }                                                                      \
        stats((f), &ws_);                                                      \
        assert_int_equal(ws_.field, (want));                                   \
    } while (0)

/* The outbox id the stub got in request i. */
static int64_t req_id(struct fx *f, size_t i)
{
    const struct stub_request *r = stub_get(f->stub, i);
    char v[32];

    assert_non_null(r);
    assert_non_null(stub_req_form(r, "id", v, sizeof(v)));
    return strtoll(v, NULL, 10);
}

/* ---- tests -------------------------------------------------------------- */

static void test_every_message_delivered(void **state)
{
    struct fx *f = *state;
    int64_t ids[50];
    unsigned char seen[ARRAY_SIZE(ids)] = {0};
    const struct stub_request *r;
    struct outbox_metrics m;
    int64_t n = 0;
    size_t i;
    char v[32];

    start(f, &fake_ops);
    enqueue(f, ARRAY_SIZE(ids), ids);
    WAIT_STAT(f, sent, (int64_t)ARRAY_SIZE(ids), 10000);
    assert_int_equal(stub_count(f->stub), ARRAY_SIZE(ids));
    for (i = 0; i < ARRAY_SIZE(ids); i++) {
        int64_t id = req_id(f, i);

        assert_true(id >= ids[0] && id <= ids[ARRAY_SIZE(ids) - 1]);
        assert_int_equal(seen[id - ids[0]]++, 0); /* once each */
    }
    r = stub_get(f->stub, 0);
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->path, "/send");
    assert_non_null(stub_req_form(r, "to", v, sizeof(v)));
    assert_int_equal(strncmp(v, "+849", 4), 0);
    assert_int_equal(db_outbox_attempt_count(f->db, 0, DB_ATTEMPT_SENT, 0, &n),
                     GW_OK);
    assert_int_equal(n, (int64_t)ARRAY_SIZE(ids));
    outbox_metrics(f->ob, &m);
    assert_int_equal(m.sent, ARRAY_SIZE(ids));
    assert_int_equal(m.attempts, ARRAY_SIZE(ids));
    assert_int_equal(m.latency_count, ARRAY_SIZE(ids));
    assert_int_equal(m.retries + m.failed + m.duplicates_possible, 0);
}

/* First 500s, then answers that come after the client's timeout, then
 * the aggregator is back. */
static void outage(const struct stub_request *req, struct stub_reply *out,
                   void *arg)
{
    size_t batch = *(const size_t *)arg;

    if (req->index < batch) {
        out->status = 500;
        out->body = "Internal Server Error";
    } else if (req->index < 2 * batch) {
        out->status = 202;
        out->body = "ID:late";
        out->delay_ms = 2000;
    } else {
        out->status = 202;
        out->body = "ID:ok";
    }
}

static void test_outage_loses_nothing(void **state)
{
    struct fx *f = *state;
    static size_t batch = 5;
    int64_t ids[5];
    struct outbox_metrics m;
    size_t i;

    f->cfg.request_timeout_ms = 300;
    stub_set_handler(f->stub, outage, &batch);
    start(f, &fake_ops);
    enqueue(f, ARRAY_SIZE(ids), ids);
    WAIT_STAT(f, sent, (int64_t)ARRAY_SIZE(ids), 10000);
    assert_int_equal(stub_count(f->stub), 3 * ARRAY_SIZE(ids));
    for (i = 0; i < ARRAY_SIZE(ids); i++) {
        struct db_outbox_row row;
        int64_t n = 0;

        assert_int_equal(db_outbox_get(f->db, ids[i], &row), GW_OK);
        assert_string_equal(row.state, "SENT");
        assert_int_equal(row.msg.attempts, 2); /* the failed ones */
        assert_string_equal(row.provider, "fake");
        assert_string_equal(row.provider_msg_id, "ok");
        /* Every attempt logged: 500, timeout, accepted. */
        assert_int_equal(
            db_outbox_attempt_count(f->db, ids[i], DB_ATTEMPT_RETRY, 0, &n),
            GW_OK);
        assert_int_equal(n, 2);
        assert_int_equal(
            db_outbox_attempt_count(f->db, ids[i], DB_ATTEMPT_SENT, 0, &n),
            GW_OK);
        assert_int_equal(n, 1);
    }
    outbox_metrics(f->ob, &m);
    assert_int_equal(m.sent, ARRAY_SIZE(ids));
    assert_int_equal(m.retries, 2 * ARRAY_SIZE(ids));
    /* The timed-out requests reached the aggregator. */
    assert_int_equal(m.duplicates_possible, ARRAY_SIZE(ids));
}

static void test_permanent_failure(void **state)
{
    struct fx *f = *state;
    static const struct stub_reply bad[] = {{400, "Bad phone number", 0}};
    struct db_outbox_row row;
    struct outbox_metrics m;
    int64_t id = 0, n = 0;

    stub_script(f->stub, bad, 1);
    start(f, &fake_ops);
    enqueue(f, 1, &id);
    WAIT_STAT(f, failed, 1, 10000);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.state, "FAILED");
    assert_int_equal(row.msg.attempts, 1);
    assert_non_null(strstr(row.last_error, "Bad phone number"));
    assert_int_equal(
        db_outbox_attempt_count(f->db, id, DB_ATTEMPT_FAILED, 0, &n), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(stub_count(f->stub), 1);
    outbox_metrics(f->ob, &m);
    assert_int_equal(m.failed, 1);
    assert_int_equal(m.retries, 0);
}

/* The attack of a report that arrives while its message is being sent:
 * a DELIVERED forged through another endpoint and one through the sending
 * provider's own, both while the first attempt is still waiting for the
 * aggregator's answer (a 503 after 400 ms). Neither changes the message:
 * the send's own outcome counts, so it is retried and sent, and the
 * reports are kept as conflicts, never applied. */
static void test_report_while_sending(void **state)
{
    struct fx *f = *state;
    static const struct stub_reply seq[] = {{503, "try later", 400},
                                            {202, "accepted", 0}};
    const struct timespec pause = {0, 20 * 1000 * 1000};
    struct db_outbox_row row;
    enum db_dlr_outcome oc = DB_DLR_APPLIED;
    int64_t id = 0;
    int i;

    stub_script(f->stub, seq, ARRAY_SIZE(seq));
    start(f, &fake_ops);
    enqueue(f, 1, &id);
    for (i = 0; i < 500 && stub_count(f->stub) == 0; i++)
        (void)nanosleep(&pause, NULL);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.state, "SENDING");
    assert_int_equal(
        db_outbox_report(f->db, "esms", id, NULL, "DELIVERED", time(NULL), &oc),
        GW_OK);
    assert_int_equal(oc, DB_DLR_HELD);
    assert_int_equal(db_outbox_report(f->db, fake_ops.name, id, NULL,
                                      "DELIVERED", time(NULL), &oc),
                     GW_OK);
    assert_int_equal(oc, DB_DLR_HELD);
    WAIT_STAT(f, sent, 1, 10000);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.state, "SENT");
    assert_int_equal(row.msg.attempts, 1); /* the 503, then the send */
    assert_int_equal(stub_count(f->stub), 2);
}

static void test_max_attempts(void **state)
{
    struct fx *f = *state;
    static const struct stub_reply busy[] = {{503, "try later", 0}};
    struct db_outbox_row row;
    int64_t id = 0, n = 0;

    f->cfg.max_attempts = 3;
    stub_script(f->stub, busy, 1);
    start(f, &fake_ops);
    enqueue(f, 1, &id);
    WAIT_STAT(f, failed, 1, 10000);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_int_equal(row.msg.attempts, 3);
    assert_non_null(strstr(row.last_error, "after 3 attempts"));
    assert_int_equal(stub_count(f->stub), 3);
    assert_int_equal(db_outbox_attempt_count(f->db, id, NULL, 0, &n), GW_OK);
    assert_int_equal(n, 3);
}

/* The busiest one-second window at the stub, over every start. */
static size_t busiest_second(struct fx *f)
{
    size_t i, j, n = stub_count(f->stub), best = 0;

    for (i = 0; i < n; i++) {
        double a = stub_get(f->stub, i)->at;
        size_t in = 0;

        for (j = 0; j < n; j++) {
            double b = stub_get(f->stub, j)->at;

            in += b >= a && b < a + 1.0;
        }
        best = in > best ? in : best;
    }
    return best;
}

static void test_rate_never_exceeded(void **state)
{
    struct fx *f = *state;
    double first, last;

    f->cfg.send_rate = 10;
    start(f, &fake_ops);
    enqueue(f, 20, NULL);
    assert_true(stub_wait_count(f->stub, 20, 10000));
    WAIT_STAT(f, sent, 20, 10000);
    assert_int_equal(busiest_second(f), 10);
    first = stub_get(f->stub, 0)->at;
    last = stub_get(f->stub, 19)->at;
    assert_true(last - first >= 1.0);
    assert_true(last - first < 3.0); /* and it does use the rate */
}

static void test_fractional_rate(void **state)
{
    struct fx *f = *state;

    f->cfg.send_rate = 2.5; /* 2 in any second */
    start(f, &fake_ops);
    enqueue(f, 5, NULL);
    WAIT_STAT(f, sent, 5, 10000);
    assert_int_equal(busiest_second(f), 2);
}

static void test_stop_in_flight_then_resume(void **state)
{
    struct fx *f = *state;
    static const struct stub_reply slow[] = {{202, "ID:slow", 600}};
    struct db_outbox_stats s;
    unsigned char seen[100] = {0};
    int64_t ids[100];
    size_t i, n;

    stub_script(f->stub, slow, 1);
    start(f, &fake_ops);
    enqueue(f, ARRAY_SIZE(ids), ids);
    /* A full set of transfers in flight, more rows claimed behind. */
    assert_true(stub_wait_count(f->stub, OUTBOX_MAX_INFLIGHT, 10000));
    outbox_stop(f->ob);
    f->ob = NULL;
    stats(f, &s);
    assert_int_equal(s.sending, 0);
    n = stub_count(f->stub);
    assert_int_equal(s.sent, (int64_t)n); /* every answer recorded */
    assert_int_equal(s.sent + s.queued, (int64_t)ARRAY_SIZE(ids));
    assert_true(s.queued > 0);

    stub_script(f->stub, NULL, 0); /* fast again */
    start(f, &fake_ops);
    WAIT_STAT(f, sent, (int64_t)ARRAY_SIZE(ids), 10000);
    assert_int_equal(stub_count(f->stub), ARRAY_SIZE(ids)); /* no repeat */
    for (i = 0; i < ARRAY_SIZE(ids); i++)
        assert_int_equal(seen[req_id(f, i) - ids[0]]++, 0);
}

static void test_crash_recovery_counts_duplicates(void **state)
{
    struct fx *f = *state;
    struct db_outmsg claimed[3];
    struct outbox_metrics m;
    size_t n = 0;

    enqueue(f, 3, NULL);
    /* A sender that died after its claim. */
    assert_int_equal(db_outbox_claim(f->db, time(NULL), claimed, 3, &n), GW_OK);
    assert_int_equal(n, 3);
    start(f, &fake_ops);
    WAIT_STAT(f, sent, 3, 10000);
    outbox_metrics(f->ob, &m);
    assert_int_equal(m.duplicates_possible, 3);
    assert_int_equal(stub_count(f->stub), 3);
}

static void test_budget_holds(void **state)
{
    struct fx *f = *state;
    struct db_outbox_stats s;
    struct outbox_metrics m;

    f->cfg.daily_sms_budget = 3;
    start(f, &fake_ops);
    enqueue(f, 5, NULL);
    WAIT_STAT(f, sent, 3, 10000);
    (void)usleep(300000); /* time to (wrongly) send more */
    outbox_notify(f->ob);
    (void)usleep(200000);
    stats(f, &s);
    assert_int_equal(s.sent, 3);
    assert_int_equal(s.queued, 2);
    assert_int_equal(stub_count(f->stub), 3);
    outbox_metrics(f->ob, &m);
    assert_int_equal(m.budget_reached, 1);
    assert_int_equal(m.sent_today, 3);

    /* A restart counts today's sends from the store. */
    outbox_stop(f->ob);
    f->ob = NULL;
    start(f, &fake_ops);
    (void)usleep(300000);
    stats(f, &s);
    assert_int_equal(s.queued, 2);
    assert_int_equal(stub_count(f->stub), 3);
}

/* Receipts first, and within the share of the budget kept for them: with
 * 1,000 replies queued ahead of it and a budget of 100 (30% kept), the
 * receipt is the first message sent; replies stop where only the kept
 * share is left (70 sent in all: the receipt and 69 replies); a receipt
 * queued after that still goes out, and so does a dispute answer. */
static void test_receipt_first(void **state)
{
    struct fx *f = *state;
    struct db_outbox_row row;
    struct db_outbox_stats s;
    char want[32];
    int64_t receipt = 0, late = 0, dispute = 0, queued_at;

    f->cfg.daily_sms_budget = 100;
    f->cfg.reserved_share = 30;
    start(f, &fake_ops);
    /* Queued in one transaction so nothing is claimed before the last;
     * the receipt due as early as the first reply (1,000 inserts under a
     * sanitizer can cross a second, and a claim takes only what is due). */
    queued_at = time(NULL);
    assert_int_equal(db_begin(f->db), GW_OK);
    enqueue(f, 1000, NULL);
    assert_int_equal(db_outbox_enqueue(f->db, "+84900000001", "NHCS: phieu",
                                       "RECEIPT", 0, 0, queued_at, &receipt),
                     GW_OK);
    assert_int_equal(db_commit(f->db), GW_OK);
    outbox_notify(f->ob);
    WAIT_STAT(f, sent, 70, 10000);
    (void)usleep(300000); /* time to (wrongly) send more replies */
    outbox_notify(f->ob);
    (void)usleep(200000);
    stats(f, &s);
    assert_int_equal(s.sent, 70);
    assert_int_equal(db_outbox_get(f->db, receipt, &row), GW_OK);
    assert_string_equal(row.state, "SENT");
    /* Claimed first; the sends of one claim leave together (64 in
     * flight at most), so it is within the first window at the stub,
     * never behind the queued replies. How far into it depends on the
     * machine's load: 32 was flaky on two busy cores. */
    (void)snprintf(want, sizeof(want), "id=%lld&", (long long)receipt);
    {
        size_t k;

        for (k = 0; k < 64; k++)
            if (strncmp(stub_get(f->stub, k)->body, want, strlen(want)) == 0)
                break;
        assert_true(k < 64);
    }

    assert_int_equal(db_outbox_enqueue(f->db, "+84900000002", "NHCS: phieu 2",
                                       "RECEIPT", 0, 0, time(NULL), &late),
                     GW_OK);
    assert_int_equal(db_outbox_enqueue(f->db, "+84900000003", "NHCS: SAI ok",
                                       "DISPUTE", 0, 0, time(NULL), &dispute),
                     GW_OK);
    outbox_notify(f->ob);
    WAIT_STAT(f, sent, 72, 10000);
    assert_int_equal(db_outbox_get(f->db, late, &row), GW_OK);
    assert_string_equal(row.state, "SENT");
    assert_int_equal(db_outbox_get(f->db, dispute, &row), GW_OK);
    assert_string_equal(row.state, "SENT");
    stats(f, &s);
    assert_int_equal(s.queued, 931);
}

static void test_log_provider(void **state)
{
    struct fx *f = *state;
    struct db_outbox_row row;
    int64_t id = 0;

    start(f, &fake_log_ops);
    enqueue(f, 1, &id);
    WAIT_STAT(f, sent, 1, 10000);
    assert_int_equal(stub_count(f->stub), 0);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.provider, "log");
}

static void test_refuses_provider_without_send(void **state)
{
    struct fx *f = *state;
    static const struct provider_ops mute = {.name = "mute"};

    log_gate_expect("provider mute cannot send messages");
    assert_int_equal(outbox_start_with(&f->cfg, f->path, &mute, NULL, &f->ob),
                     GW_EINVAL);
    assert_null(f->ob);
}

/* ---- the real providers -------------------------------------------------- */

/* Kannel through outbox_start: a 503 retried, then accepted; the dlr-url
 * carries our id, and the report it yields moves the row. */
static void test_kannel_send_and_dlr(void **state)
{
    struct fx *f = *state;
    static const struct stub_reply seq[] = {
        {503, "Temporal failure, try again later.", 0},
        {202, "0: Accepted for delivery", 0},
    };
    const struct stub_request *r;
    struct prov_dlr dlr;
    struct http_req req;
    struct db_outbox_row row;
    const char *dlr_url, *q;
    int64_t id = 0;
    char idtext[24];

    (void)snprintf(f->cfg.provider, sizeof(f->cfg.provider), "kannel");
    f->cfg.kannel.enabled = true;
    (void)snprintf(f->cfg.kannel.send_url, sizeof(f->cfg.kannel.send_url),
                   "%s/cgi-bin/sendsms", stub_url(f->stub));
    (void)snprintf(f->cfg.kannel.username, sizeof(f->cfg.kannel.username),
                   "diemtua");
    (void)snprintf(f->cfg.kannel.password, sizeof(f->cfg.kannel.password),
                   "kannel-pass-77");
    (void)snprintf(f->cfg.kannel.token, sizeof(f->cfg.kannel.token),
                   "tok0123456789abcdef");
    log_gate_secret("kannel-pass-77");
    log_gate_secret("tok0123456789abcdef");
    (void)snprintf(f->cfg.kannel.dlr_url, sizeof(f->cfg.kannel.dlr_url),
                   "http://127.0.0.1:8080");
    stub_script(f->stub, seq, ARRAY_SIZE(seq));
    assert_int_equal(outbox_start(&f->cfg, f->path, &f->ob), GW_OK);
    enqueue(f, 1, &id);
    WAIT_STAT(f, sent, 1, 10000);
    assert_int_equal(stub_count(f->stub), 2);
    r = stub_get(f->stub, 1);
    assert_string_equal(r->method, "GET");
    assert_string_equal(r->path, "/cgi-bin/sendsms");
    assert_string_equal(stub_req_query(r, "to"), "+84900000000");
    assert_string_equal(stub_req_query(r, "text"), "NHCS: thu nghiem");
    dlr_url = stub_req_query(r, "dlr-url");
    assert_non_null(dlr_url);
    (void)snprintf(idtext, sizeof(idtext), "id=%lld&", (long long)id);
    assert_non_null(strstr(dlr_url, idtext));
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.provider, "kannel");
    assert_int_equal(row.msg.attempts, 1);

    /* The report Kannel would fetch: id from the dlr-url, %d = 1. */
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/v1/kannel/dlr";
    req.body = "";
    req.content_type = "";
    q = strstr(dlr_url, "id=") + 3;
    (void)snprintf(idtext, sizeof(idtext), "%.*s", (int)strcspn(q, "&"), q);
    req.query[0] = (struct kv){"id", idtext, strlen(idtext)};
    req.query[1] = (struct kv){"status", "1", 1};
    req.nquery = 2;
    assert_int_equal(prov_kannel_ops.parse_dlr(&req, &dlr), GW_OK);
    assert_int_equal(dlr.our_id, id);
    assert_int_equal(dlr.state, DLR_DELIVERED);
    assert_int_equal(db_outbox_dlr(f->db, "kannel", dlr.our_id,
                                   dlr.provider_msg_id, "DELIVERED",
                                   time(NULL)),
                     GW_OK);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.state, "DELIVERED");
}

/* eSMS gets our id as RequestId; its SMSID is kept for the report. */
static void test_esms_request_id(void **state)
{
    struct fx *f = *state;
    static const struct stub_reply ok[] = {
        {200, "{\"CodeResult\":\"100\",\"SMSID\":\"e-77\"}", 0}};
    const struct stub_request *r;
    struct db_outbox_row row;
    char want[48];
    int64_t id = 0;

    (void)snprintf(f->pcfg.send_url, sizeof(f->pcfg.send_url),
                   "%s/MainService.svc/json/SendMultipleMessage_V4_post_json",
                   stub_url(f->stub));
    (void)snprintf(f->pcfg.api_key, sizeof(f->pcfg.api_key), "esms-api-key-1");
    (void)snprintf(f->pcfg.secret_key, sizeof(f->pcfg.secret_key),
                   "esms-secret-key-1");
    log_gate_secret("esms-api-key-1");
    log_gate_secret("esms-secret-key-1");
    (void)snprintf(f->pcfg.sender, sizeof(f->pcfg.sender), "NHCS");
    f->pcfg.sms_type = 2;
    stub_script(f->stub, ok, 1);
    start(f, &prov_esms_ops);
    enqueue(f, 1, &id);
    WAIT_STAT(f, sent, 1, 10000);
    r = stub_get(f->stub, 0);
    assert_string_equal(r->method, "POST");
    (void)snprintf(want, sizeof(want), "\"RequestId\":\"%lld\"", (long long)id);
    assert_non_null(strstr(r->body, want));
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.provider_msg_id, "e-77");
    assert_int_equal(db_outbox_dlr(f->db, "esms", 0, "e-77", "UNDELIVERED", 0),
                     GW_OK);
    assert_int_equal(db_outbox_get(f->db, id, &row), GW_OK);
    assert_string_equal(row.state, "UNDELIVERED");
}

static void test_log_provider_via_start(void **state)
{
    struct fx *f = *state;

    (void)snprintf(f->cfg.provider, sizeof(f->cfg.provider), "log");
    assert_int_equal(outbox_start(&f->cfg, f->path, &f->ob), GW_OK);
    enqueue(f, 2, NULL);
    WAIT_STAT(f, sent, 2, 10000);
    assert_int_equal(stub_count(f->stub), 0);
}

static void test_start_refuses_bad_provider(void **state)
{
    struct fx *f = *state;

    log_gate_expect("unknown provider nosuch");
    log_gate_expect("provider kannel has no settings section");
    (void)snprintf(f->cfg.provider, sizeof(f->cfg.provider), "nosuch");
    assert_int_equal(outbox_start(&f->cfg, f->path, &f->ob), GW_EINVAL);
    /* kannel named but no [kannel] section */
    (void)snprintf(f->cfg.provider, sizeof(f->cfg.provider), "kannel");
    f->cfg.kannel.enabled = false;
    assert_int_equal(outbox_start(&f->cfg, f->path, &f->ob), GW_EINVAL);
    assert_null(f->ob);
}

static void test_metrics_render(void **state)
{
    struct outbox_metrics m;
    struct buf b;

    (void)state;
    memset(&m, 0, sizeof(m));
    m.sent = 7;
    m.latency_count = 2;
    m.latency_le[OUTBOX_LATENCY_BUCKETS - 1] = 2;
    buf_init(&b, 1 << 16);
    outbox_metrics_render(&m, &b);
    assert_int_equal(b.err, GW_OK);
    assert_non_null(strstr(buf_cstr(&b), "diemtua_outbox_sent_total 7\n"));
    assert_non_null(
        strstr(buf_cstr(&b), "diemtua_outbox_send_seconds_count 2\n"));
    assert_non_null(strstr(buf_cstr(&b), "le=\"+Inf\"} 2\n"));
    buf_release(&b);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_every_message_delivered),
        T(test_outage_loses_nothing),
        T(test_permanent_failure),
        T(test_report_while_sending),
        T(test_max_attempts),
        T(test_rate_never_exceeded),
        T(test_fractional_rate),
        T(test_stop_in_flight_then_resume),
        T(test_crash_recovery_counts_duplicates),
        T(test_budget_holds),
        T(test_receipt_first),
        T(test_log_provider),
        T(test_refuses_provider_without_send),
        T(test_kannel_send_and_dlr),
        T(test_esms_request_id),
        T(test_log_provider_via_start),
        T(test_start_refuses_bad_provider),
        cmocka_unit_test(test_metrics_render),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
