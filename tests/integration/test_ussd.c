/* test_ussd.c - USSD against the real server: a whole collection by
 * menus, the repeated final hop, navigation without writes, refusals
 *
 * The member fixture (tests/support/member_fixture.c): leader TV09,
 * member TV01; hops are Africa's Talking form POSTs over loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/log.h"
#include "common/strv.h"
#include "config/config.h"
#include "db/db.h"
#include "db/db_pin.h"
#include "gateway/server.h"
#include "handlers/pin.h"
#include "tests/support/log_gate.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

#define TOKEN "ussd-token"
#define PEPPER "ussd-test-pepper"
#define PIN "4821"

struct fixture {
    char dir[64];
    struct dt_config cfg;
    struct server *srv;
    unsigned port;
};

static void set_pin(struct db *db, const char *code, const char *pin)
{
    struct pin_cost cost = pin_cost_min();
    char hash[PIN_HASH_SIZE];

    assert_int_equal(pin_hash(strv_from_cstr(pin), PEPPER, &cost, hash), GW_OK);
    assert_int_equal(db_begin(db), GW_OK);
    assert_int_equal(db_pin_set_by_code(db, code, hash, 1), GW_OK);
    assert_int_equal(db_commit(db), GW_OK);
}

static int fx_setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct db *db = NULL;

    assert_non_null(fx);
    log_gate_begin();
    log_gate_secret(TOKEN);
    log_gate_secret(PEPPER);
    log_gate_secret(PIN);
    (void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/dt_ussd_XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    config_defaults(&fx->cfg);
    (void)snprintf(fx->cfg.bind, sizeof(fx->cfg.bind), "127.0.0.1");
    (void)snprintf(fx->cfg.db_path, sizeof(fx->cfg.db_path), "%s/t.db",
                   fx->dir);
    (void)snprintf(fx->cfg.pin_pepper, sizeof(fx->cfg.pin_pepper), "%s",
                   PEPPER);
    fx->cfg.port = 0;
    fx->cfg.threads = 2;
    fx->cfg.connection_timeout = 5;
    fx->cfg.max_body = 4096;
    fx->cfg.africastalking.enabled = true;
    (void)snprintf(fx->cfg.africastalking.token,
                   sizeof(fx->cfg.africastalking.token), "%s", TOKEN);
    fx->cfg.kannel.enabled = true;
    (void)snprintf(fx->cfg.kannel.token, sizeof(fx->cfg.kannel.token), "%s",
                   TOKEN);
    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(member_fixture_load(db), GW_OK);
    set_pin(db, "TV09", PIN);
    db_close(db);
    /* No scheduler: in the service hours its statements would be queued
     * beside the messages these tests count (a test that failed only
     * between 07:00 and 17:00 Vietnam time). */
    {
        struct server_opts opts = {NULL, false, NULL};

        assert_int_equal(server_start_opts(&fx->cfg, &opts, &fx->srv), GW_OK);
    }
    fx->port = server_port(fx->srv);
    *state = fx;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fixture *fx = *state;
    char path[128];
    static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
    size_t i;
    long findings;

    server_stop(fx->srv);
    (void)snprintf(path, sizeof(path), "%s/t.db", fx->dir);
    findings = log_gate_end(path);
    for (i = 0; i < 3; i++) {
        (void)snprintf(path, sizeof(path), "%s/%s", fx->dir, files[i]);
        (void)unlink(path);
    }
    (void)rmdir(fx->dir);
    free(fx);
    return findings == 0 ? 0 : -1;
}

static long long count(struct fixture *fx, const char *sql)
{
    struct db *db = NULL;
    long long n = -1;

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(member_fixture_int(db, sql, &n), GW_OK);
    db_close(db);
    return n;
}

struct resp {
    long status;
    char body[1024];
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    struct resp *r = cls;
    size_t len = size * n, room = sizeof(r->body) - 1 - r->len;

    if (len > room)
        len = room;
    memcpy(r->body + r->len, p, len);
    r->len += len;
    r->body[r->len] = '\0';
    return size * n;
}

/* POSTs one hop; '*' and '+' are percent-encoded as a browser would. */
static long hop_as(struct fixture *fx, const char *provider, const char *token,
                   const char *session, const char *phone, const char *text,
                   struct resp *r)
{
    CURL *c = curl_easy_init();
    char url[256], body[2048], *e;
    size_t n;

    assert_non_null(c);
    memset(r, 0, sizeof(*r));
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u/v1/%s/ussd?token=%s",
                   fx->port, provider, token);
    e = curl_easy_escape(c, text, 0);
    n = (size_t)snprintf(body, sizeof(body),
                         "serviceCode=%%2A384%%2A7%%23&networkCode=45204"
                         "&phoneNumber=%s&text=%s",
                         phone, e);
    curl_free(e);
    if (session)
        (void)snprintf(body + n, sizeof(body) - n, "&sessionId=%s", session);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    else
        r->status = -1;
    curl_easy_cleanup(c);
    return r->status;
}

#define LEADER "%2B84912000009"
#define MEMBER "%2B84912000001"

static const char *hop(struct fixture *fx, const char *session,
                       const char *phone, const char *text, struct resp *r)
{
    assert_int_equal(
        hop_as(fx, "africastalking", TOKEN, session, phone, text, r), 200);
    assert_null(strstr(r->body, PIN));
    assert_true(strncmp(r->body, "CON ", 4) == 0 ||
                strncmp(r->body, "END ", 4) == 0);
    return r->body;
}

/* A whole action by menus: navigation writes nothing; the final hop is
 * stored once with its PIN starred, its reply is the END screen, and a
 * repeat of it answers the same screen with no second effect. */
static void test_final_hop_once(void **state)
{
    static const char *const walk[] = {
        "",
        "1",
        "1*1",
        "1*1*275000",
        "1*1*275000*20000",
        "1*1*275000*20000*1",
        "1*1*275000*20000*1*" PIN,
    };
    const char *final = "1*1*275000*20000*1*" PIN "*1";
    struct fixture *fx = *state;
    long long inbound = count(fx, "SELECT count(*) FROM inbound");
    long long outbox = count(fx, "SELECT count(*) FROM outbox");
    long long collections = count(fx, "SELECT count(*) FROM collections");
    char first[1024];
    struct resp r;
    size_t i;

    for (i = 0; i < sizeof(walk) / sizeof(walk[0]); i++)
        assert_true(
            strncmp(hop(fx, "ATUid_1", LEADER, walk[i], &r), "CON ", 4) == 0);
    assert_non_null(strstr(r.body, "Ghi thu TV1 Nguyen Thi Hoa"));
    assert_non_null(strstr(r.body, "Lai 275.000 VND"));
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound"), inbound);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox"), outbox);

    hop(fx, "ATUid_1", LEADER, final, &r);
    assert_true(strncmp(r.body, "END ", 4) == 0);
    (void)snprintf(first, sizeof(first), "%s", r.body);
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound"), inbound + 1);
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE"
                               " channel = 'ussd' AND text ="
                               " '1*1*275000*20000*1******1'"
                               " AND provider_id LIKE 'ATUid_1:%'"),
                     1);
    /* the reply to the leader is queued: her lasting record */
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox WHERE"
                               " phone = '+84912000009' AND kind = 'REPLY'"),
                     1);
    assert_true(strstr(first, "NHCS") != NULL);
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE text LIKE"
                               " '%" PIN "%'"),
                     0);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox WHERE text LIKE"
                               " '%" PIN "%'"),
                     0);
    inbound = count(fx, "SELECT count(*) FROM inbound");
    outbox = count(fx, "SELECT count(*) FROM outbox");
    collections = count(fx, "SELECT count(*) FROM collections");

    /* the aggregator repeats the final hop: same screen, no effect */
    hop(fx, "ATUid_1", LEADER, final, &r);
    assert_string_equal(r.body, first);
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound"), inbound);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox"), outbox);
    assert_int_equal(count(fx, "SELECT count(*) FROM collections"),
                     collections);
}

/* The leader records a collection by USSD: a collection row and a
 * receipt SMS for the member, once. */
static void test_collection_by_menus(void **state)
{
    static const char *const walk[] = {
        "",
        "1",
        "1*1",
        "1*1*275000",
        "1*1*275000*20000",
        "1*1*275000*20000*1",
        "1*1*275000*20000*1*" PIN,
    };
    const char *final = "1*1*275000*20000*1*" PIN "*1";
    struct fixture *fx = *state;
    long long collections = count(fx, "SELECT count(*) FROM collections");
    long long inbound = count(fx, "SELECT count(*) FROM inbound");
    long long outbox = count(fx, "SELECT count(*) FROM outbox");
    char first[1024];
    struct resp r;
    size_t i;

    for (i = 0; i < sizeof(walk) / sizeof(walk[0]); i++)
        assert_true(
            strncmp(hop(fx, "ATUid_1", LEADER, walk[i], &r), "CON ", 4) == 0);
    assert_non_null(strstr(r.body, "Lai 275.000 VND"));
    /* navigation wrote nothing */
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound"), inbound);
    hop(fx, "ATUid_1", LEADER, final, &r);
    assert_true(strncmp(r.body, "END ", 4) == 0);
    assert_non_null(strstr(r.body, "Da ghi"));
    (void)snprintf(first, sizeof(first), "%s", r.body);
    assert_int_equal(count(fx, "SELECT count(*) FROM collections"),
                     collections + 1);
    assert_int_equal(count(fx, "SELECT count(*) FROM collections WHERE"
                               " channel = 'ussd' AND interest = 275000"
                               " AND savings = 20000"),
                     1);
    /* the money effect traces to the hop that caused it */
    assert_int_equal(count(fx, "SELECT count(*) FROM collections c JOIN"
                               " inbound i ON i.id = c.inbound_id WHERE"
                               " i.channel = 'ussd' AND c.interest = 275000"),
                     1);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox o JOIN members m"
                               " ON m.id = o.member_id WHERE m.code = 'TV01'"
                               " AND o.kind = 'RECEIPT'"),
                     1);
    /* the stored path has the PIN starred; no row holds it anywhere */
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE"
                               " channel = 'ussd' AND text ="
                               " '1*1*275000*20000*1******1'"),
                     1);
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE text LIKE"
                               " '%" PIN "%'"),
                     0);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox WHERE text LIKE"
                               " '%" PIN "%'"),
                     0);
    assert_int_equal(count(fx, "SELECT count(*) FROM audit WHERE"
                               " coalesce(before, '') || coalesce(after, '')"
                               " || coalesce(object, '') LIKE '%" PIN "%'"),
                     0);
    outbox = count(fx, "SELECT count(*) FROM outbox");
    collections = count(fx, "SELECT count(*) FROM collections");
    /* the aggregator repeats the final hop: same screen, no effect */
    hop(fx, "ATUid_1", LEADER, final, &r);
    assert_string_equal(r.body, first);
    assert_int_equal(count(fx, "SELECT count(*) FROM collections"),
                     collections);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox"), outbox);
    /* in another session the same inputs would be a second collection:
     * the interest is already recorded, so the write itself refuses it */
    hop(fx, "ATUid_2", LEADER, final, &r);
    assert_null(strstr(r.body, "Da ghi"));
    assert_int_equal(count(fx, "SELECT count(*) FROM collections"),
                     collections);
    /* savings alone are another collection */
    hop(fx, "ATUid_3", LEADER, "1*1*1*50000*1*" PIN "*1", &r);
    assert_non_null(strstr(r.body, "Da ghi"));
    assert_int_equal(count(fx, "SELECT count(*) FROM collections"),
                     collections + 1);
}

/* Every hop is logged at debug level with its scrubbed path only. */
static void test_log_has_no_pin(void **state)
{
    struct fixture *fx = *state;
    char path[128], buf[65536];
    int saved, fd;
    ssize_t n;
    struct resp r;

    (void)snprintf(path, sizeof(path), "%s/log", fx->dir);
    fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
    assert_true(fd >= 0);
    (void)fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fd, 2) >= 0);
    log_set_level(LOG_DEBUG);
    hop(fx, "L1", LEADER, "5*1*" PIN, &r);
    hop(fx, "L1", LEADER, "5*2*" PIN "*9876*9876", &r);
    hop(fx, "L2", LEADER, "1*" PIN, &r);
    log_set_level(LOG_INFO);
    (void)fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    (void)close(saved);
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    (void)close(fd);
    (void)unlink(path);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "ussd"));
    assert_null(strstr(buf, PIN));
    assert_null(strstr(buf, "9876"));
}

/* Aggregators reuse and recycle session ids: the same id and path from
 * another phone is that phone's own session. It never receives the
 * first phone's stored END screen, and its own hop is walked for it. */
static void test_session_id_belongs_to_phone(void **state)
{
    struct fixture *fx = *state;
    struct resp r;
    char leader_end[1024];

    hop(fx, "ATUid_9", LEADER, "", &r);
    hop(fx, "ATUid_9", LEADER, "5", &r);
    hop(fx, "ATUid_9", LEADER, "5*1", &r);
    hop(fx, "ATUid_9", LEADER, "5*1*" PIN, &r);
    assert_true(strncmp(r.body, "END ", 4) == 0);
    (void)snprintf(leader_end, sizeof(leader_end), "%s", r.body);
    /* A member's phone, the same session id and path. */
    hop(fx, "ATUid_9", MEMBER, "5*1*" PIN, &r);
    assert_string_not_equal(r.body, leader_end);
    assert_null(strstr(r.body, "nop"));
    /* The leader's repeat still gets hers, once. */
    hop(fx, "ATUid_9", LEADER, "5*1*" PIN, &r);
    assert_string_equal(r.body, leader_end);
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE channel"
                               " = 'ussd'"),
                     1);
}

/* One SMS through the Africa's Talking form callback. */
static long sms_as(struct fixture *fx, const char *id, const char *phone,
                   const char *text)
{
    CURL *c = curl_easy_init();
    char url[256], body[1024], *e;
    struct resp r;

    assert_non_null(c);
    memset(&r, 0, sizeof(r));
    (void)snprintf(url, sizeof(url),
                   "http://127.0.0.1:%u/v1/africastalking/sms?token=%s",
                   fx->port, TOKEN);
    e = curl_easy_escape(c, text, 0);
    (void)snprintf(body, sizeof(body), "id=%s&from=%s&to=8079&text=%s", id,
                   phone, e);
    curl_free(e);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    else
        r.status = -1;
    curl_easy_cleanup(c);
    return r.status;
}

/* Every shape in which a PIN was once stored, sent by the leader through
 * the real server: no digit of them in any stored text (the parsed ones
 * keep only their non-PIN words), the real PIN in no table and no log
 * line (the log gate of fx_teardown searches every text column and the
 * whole log for it), and no reply holds it. */
static void test_sms_pin_shapes(void **state)
{
    static const char *const shapes[] = {
        "NOP" PIN,
        "NOP 4 8 2 1",
        "NOP 48-21",
        "NOP 48.21",
        "NOP " PIN " xong",
        "MK " PIN " 97 53",
        "MK " PIN " 9753 ok",
        "THU 3 297000 50000 48 21",
        "THU 1 100k 0 " PIN " cam on",
        "HUYTHU FSJBFU " PIN " nhe",
    };
    struct fixture *fx = *state;
    char id[16];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(shapes); i++) {
        (void)snprintf(id, sizeof(id), "pin-%zu", i);
        assert_int_equal(sms_as(fx, id, LEADER, shapes[i]), 200);
    }
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE"
                               " provider_id LIKE 'pin-%'"),
                     (long long)ARRAY_SIZE(shapes));
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound WHERE"
                               " provider_id LIKE 'pin-%' AND text GLOB"
                               " '*[0-9]*'"),
                     0);
    assert_int_equal(count(fx, "SELECT count(*) FROM outbox WHERE text LIKE"
                               " '%" PIN "%' OR text LIKE '%48 21%'"),
                     0);
}

static void test_member_reads(void **state)
{
    struct fixture *fx = *state;
    long long inbound = count(fx, "SELECT count(*) FROM inbound");
    struct resp r;

    assert_non_null(strstr(hop(fx, "M1", MEMBER, "", &r), "1 So du"));
    assert_non_null(strstr(hop(fx, "M1", MEMBER, "1", &r), "END NHCS: Vay"));
    /* a shortcut: *384*7*2# */
    assert_non_null(strstr(hop(fx, "M2", MEMBER, "2", &r), "dong lai"));
    assert_int_equal(count(fx, "SELECT count(*) FROM inbound"), inbound);
    assert_non_null(
        strstr(hop(fx, "M3", "%2B84987654321", "", &r), "END NHCS: So nay"));
}

static void test_refusals(void **state)
{
    struct fixture *fx = *state;
    struct resp r;

    assert_int_equal(hop_as(fx, "africastalking", "wrong", "S", LEADER, "", &r),
                     403);
    assert_int_equal(hop_as(fx, "kannel", TOKEN, "S", LEADER, "", &r), 404);
    assert_int_equal(hop_as(fx, "nosuch", TOKEN, "S", LEADER, "", &r), 404);
    assert_int_equal(hop_as(fx, "africastalking", TOKEN, NULL, LEADER, "", &r),
                     400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_final_hop_once, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_collection_by_menus, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_log_has_no_pin, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_session_id_belongs_to_phone,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sms_pin_shapes, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_member_reads, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, fx_setup, fx_teardown),
    };

    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
