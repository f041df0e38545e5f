/* test_console.c - the officers' console through the real server
 *
 * serve with a [console] listener on loopback and a temporary database:
 * the member fixture's commune X01 and a second commune X02, each with a
 * disputed receipt; four accounts (the officer of X01, the officer of
 * X02, a union account over X01, an admin). A client with a cookie jar
 * logs in as each and tries every page and action, for its own commune
 * and the other one. The console's clock is the test's.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "common/strv.h"
#include "common/util.h"
#include "config/config.h"
#include "db/db.h"
#include "db/db_home.h"
#include "db/db_msg.h"
#include "db/db_officer.h"
#include "gateway/server.h"
#include "handlers/pin.h"
#include "tests/support/log_gate.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

#define PEPPER "console-test-pepper"
#define PASSWORD "right-password-42"
#define NOW 1779246000 /* 2026-05-20 10:00 in Vietnam */

static int64_t test_now = NOW;

static int64_t test_clock(void)
{
    return test_now;
}

struct fixture {
    char dir[64];
    struct dt_config cfg;
    struct server *srv;
    unsigned port;
    long long a_id, b_id; /* the disputed receipts of X01 and X02 */
};

/* A second commune with a leader, a member and her disputed receipt. */
static const char commune_b[] =
    "INSERT INTO communes (code, name, district, province, session_day,"
    " officer_phone) VALUES ('X02', 'Binh Duc', 'Ben Luc', 'Long An', 17,"
    " '+84912888888');"
    "INSERT INTO groups (code, name, commune_id, union_name) SELECT 'G02',"
    " 'To Binh Duc 1', id, 'Hoi PN Binh Duc' FROM communes WHERE code = 'X02';"
    "INSERT INTO members (code, group_id, seq, full_name, phone, role,"
    " reminders, campaigns) SELECT 'TV21', id, 1, 'Le Thi Binh',"
    " '+84912000021', 'leader', 1, 1 FROM groups WHERE code = 'G02';"
    "INSERT INTO members (code, group_id, seq, full_name, phone, role,"
    " reminders, campaigns) SELECT 'TV22', id, 2, 'Dang Thi Nga',"
    " '+84912000022', 'member', 1, 1 FROM groups WHERE code = 'G02';"
    "INSERT INTO collections (receipt_code, member_id, leader_id, group_id,"
    " session_on, interest, savings, principal, state, channel, created_at,"
    " updated_at, disputed_from, dispute_note) SELECT 'BBBB22', m.id, l.id,"
    " m.group_id, '2026-05-17', 100000, 0, 0, 'DISPUTED', 'sms', 1779240000,"
    " 1779240000, 'RECORDED', 'toi khong dong' FROM members m JOIN members l"
    " ON l.code = 'TV21' WHERE m.code = 'TV22';"
    /* X01's dispute, in words that must stay words in a page and a CSV */
    "UPDATE collections SET state = 'DISPUTED', disputed_from = 'RECORDED',"
    " updated_at = 1779240000, dispute_note = '<script>alert(1)</script>"
    " =HYPERLINK(\"http://evil\")' WHERE receipt_code = 'K7Q2M9';";

static void add_officer(struct db *db, const char *user, const char *role,
                        const char *commune)
{
    struct pin_cost cost = pin_cost_min();
    char hash[PIN_HASH_SIZE];
    const char *codes[1] = {commune};
    const char *bad = NULL;

    assert_int_equal(secret_hash(strv_from_cstr(PASSWORD), PEPPER, &cost, hash),
                     GW_OK);
    assert_int_equal(
        db_officer_add(db, user, role, hash, codes, commune ? 1 : 0, NOW, &bad),
        GW_OK);
}

/* A port free now (the console needs a fixed one). */
static unsigned free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned port;

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    (void)close(fd);
    return port;
}

static int fx_setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct server_opts opts = {NULL, false, test_clock};
    struct db *db = NULL;

    assert_non_null(fx);
    test_now = NOW;
    log_gate_begin();
    log_gate_secret(PEPPER);
    log_gate_secret(PASSWORD);
    (void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/dt_console_XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    config_defaults(&fx->cfg);
    (void)snprintf(fx->cfg.bind, sizeof(fx->cfg.bind), "127.0.0.1");
    (void)snprintf(fx->cfg.db_path, sizeof(fx->cfg.db_path), "%s/t.db",
                   fx->dir);
    (void)snprintf(fx->cfg.pin_pepper, sizeof(fx->cfg.pin_pepper), "%s",
                   PEPPER);
    fx->cfg.port = 0;
    fx->cfg.threads = 1;
    fx->cfg.connection_timeout = 5;
    fx->port = free_port();
    fx->cfg.console_port = fx->port;
    (void)snprintf(fx->cfg.console_training, sizeof(fx->cfg.console_training),
                   "X01");
    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(member_fixture_load(db), GW_OK);
    assert_int_equal(member_fixture_sql(db, commune_b), GW_OK);
    add_officer(db, "officer.a", "commune", "X01");
    add_officer(db, "officer.b", "commune", "X02");
    add_officer(db, "union.a", "union", "X01");
    add_officer(db, "admin", "admin", NULL);
    assert_int_equal(member_fixture_int(db,
                                        "SELECT id FROM collections WHERE"
                                        " receipt_code = 'K7Q2M9'",
                                        &fx->a_id),
                     GW_OK);
    assert_int_equal(member_fixture_int(db,
                                        "SELECT id FROM collections WHERE"
                                        " receipt_code = 'BBBB22'",
                                        &fx->b_id),
                     GW_OK);
    db_close(db);
    assert_int_equal(server_start_opts(&fx->cfg, &opts, &fx->srv), GW_OK);
    *state = fx;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fixture *fx = *state;
    static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
    char path[128];
    size_t i;
    long findings;

    server_stop(fx->srv);
    (void)snprintf(path, sizeof(path), "%s/t.db", fx->dir);
    findings = log_gate_end(path);
    for (i = 0; i < ARRAY_SIZE(files); i++) {
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

/* ---- a browser without a browser ---- */

struct agent {
    CURL *c;
    struct fixture *fx;
    long status;
    char body[256 * 1024];
    size_t len;
    char headers[8192];
    size_t hlen;
    char csrf[DB_TOKEN_HEX_SIZE];
};

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    struct agent *a = cls;
    size_t len = size * n, room = sizeof(a->body) - 1 - a->len;

    if (len > room)
        len = room;
    memcpy(a->body + a->len, p, len);
    a->len += len;
    a->body[a->len] = '\0';
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *cls)
{
    struct agent *a = cls;
    size_t len = size * n, room = sizeof(a->headers) - 1 - a->hlen;

    if (len > room)
        len = room;
    memcpy(a->headers + a->hlen, p, len);
    a->hlen += len;
    a->headers[a->hlen] = '\0';
    return size * n;
}

static void agent_init(struct agent *a, struct fixture *fx)
{
    memset(a, 0, sizeof(*a));
    a->fx = fx;
    a->c = curl_easy_init();
    assert_non_null(a->c);
    curl_easy_setopt(a->c, CURLOPT_COOKIEFILE, ""); /* a cookie jar */
    curl_easy_setopt(a->c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(a->c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(a->c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(a->c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(a->c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(a->c, CURLOPT_HEADERDATA, a);
}

static void agent_free(struct agent *a)
{
    curl_easy_cleanup(a->c);
}

/* The page's CSRF token, when it has a form. */
static void keep_csrf(struct agent *a)
{
    const char *p = strstr(a->body, "name=\"csrf\" value=\"");

    if (p == NULL)
        return;
    p += strlen("name=\"csrf\" value=\"");
    (void)snprintf(a->csrf, sizeof(a->csrf), "%.*s", (int)strcspn(p, "\""), p);
}

/* GET (form NULL) or POST form; no redirect is followed. */
static long request(struct agent *a, const char *path, const char *form)
{
    char url[512];

    a->len = a->hlen = 0;
    a->body[0] = a->headers[0] = '\0';
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", a->fx->port,
                   path);
    curl_easy_setopt(a->c, CURLOPT_URL, url);
    if (form) {
        curl_easy_setopt(a->c, CURLOPT_POSTFIELDS, form);
    } else {
        curl_easy_setopt(a->c, CURLOPT_HTTPGET, 1L);
    }
    a->status = -1;
    if (curl_easy_perform(a->c) == CURLE_OK)
        curl_easy_getinfo(a->c, CURLINFO_RESPONSE_CODE, &a->status);
    keep_csrf(a);
    return a->status;
}

static long get(struct agent *a, const char *path)
{
    return request(a, path, NULL);
}

/* POSTs fields with the page's CSRF token. */
static long post(struct agent *a, const char *path, const char *fields)
{
    char form[1024];

    (void)snprintf(form, sizeof(form), "csrf=%s%s%s", a->csrf,
                   fields[0] ? "&" : "", fields);
    return request(a, path, form);
}

static long login(struct agent *a, const char *user, const char *password)
{
    char form[256];

    assert_int_equal(get(a, "/login"), 200);
    (void)snprintf(form, sizeof(form), "user=%s&password=%s", user, password);
    return post(a, "/login", form);
}

static bool has(const struct agent *a, const char *s)
{
    return strstr(a->body, s) != NULL;
}

static bool header(const struct agent *a, const char *s)
{
    return strstr(a->headers, s) != NULL;
}

/* ---- the tests ---- */

static void test_login_and_headers(void **state)
{
    struct fixture *fx = *state;
    struct agent a;

    agent_init(&a, fx);
    assert_int_equal(get(&a, "/queue"), 303); /* not logged in */
    assert_true(header(&a, "Location: /login"));
    assert_int_equal(get(&a, "/login"), 200);
    assert_true(header(&a, "Content-Security-Policy: default-src 'none';"));
    assert_true(header(&a, "X-Frame-Options: DENY"));
    assert_true(header(&a, "HttpOnly; SameSite=Strict"));
    assert_false(has(&a, "<script"));
    assert_int_equal(login(&a, "officer.a", "wrong-password"), 401);
    assert_true(has(&a, "Sai tên đăng nhập hoặc mật khẩu."));
    assert_int_equal(login(&a, "nobody", PASSWORD), 401); /* the same */
    assert_true(has(&a, "Sai tên đăng nhập hoặc mật khẩu."));
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_true(header(&a, "Location: /\r\n")); /* the commune home */
    assert_true(header(&a, "dt_session="));
    assert_false(header(&a, "Secure")); /* secure_cookies is off */
    assert_int_equal(get(&a, "/queue"), 200);
    assert_true(has(&a, "officer.a (commune)"));
    assert_true(has(&a, "K7Q2M9") || has(&a, "Le Thi Mai"));
    assert_false(has(&a, "Dang Thi Nga")); /* X02's member */
    assert_true(has(&a, "0912***002"));    /* masked in the list */
    assert_false(has(&a, "0912000002"));
    /* her words are words, never markup */
    assert_true(has(&a, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_false(has(&a, "<script>"));
    assert_int_equal(get(&a, "/static/console.css"), 200);
    assert_true(header(&a, "text/css"));
    /* logout needs the CSRF token, then the session is gone */
    assert_int_equal(request(&a, "/logout", "x=1"), 403);
    assert_int_equal(post(&a, "/logout", ""), 303);
    assert_int_equal(get(&a, "/queue"), 303);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM console_sessions"), 0);
    agent_free(&a);
}

/* Officer x URL: allowed (200) or refused (404 as for a missing id, so
 * nothing tells another commune's ids apart from none). */
static void test_access_table(void **state)
{
    struct fixture *fx = *state;
    struct {
        const char *user;
        int own; /* 1: X01's item, 2: X02's item */
        long want;
    } rows[] = {
        {"officer.a", 1, 200}, {"officer.a", 2, 404}, {"officer.b", 1, 404},
        {"officer.b", 2, 200}, {"union.a", 1, 404}, /* not overdue yet */
        {"union.a", 2, 404},   {"admin", 1, 200},     {"admin", 2, 200},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        struct agent a;
        char path[64];
        long long id = rows[i].own == 1 ? fx->a_id : fx->b_id;

        agent_init(&a, fx);
        assert_int_equal(login(&a, rows[i].user, PASSWORD), 303);
        (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE", id);
        if (get(&a, path) != rows[i].want)
            fail_msg("row %zu: %s GET %s gave %ld, want %ld", i, rows[i].user,
                     path, a.status, rows[i].want);
        /* the queue and its CSV show the same */
        assert_int_equal(get(&a, "/queue"), 200);
        (void)snprintf(path, sizeof(path), "href=\"/item/%lld/DISPUTE\"", id);
        assert_int_equal(has(&a, path), rows[i].want == 200);
        assert_int_equal(get(&a, "/queue.csv"), 200);
        assert_int_equal(
            has(&a, rows[i].own == 1 ? "DISPUTE,K7Q2M9" : "DISPUTE,BBBB22"),
            rows[i].want == 200);
        /* a resolve of another commune's item changes nothing */
        if (rows[i].want == 404) {
            assert_int_equal(get(&a, "/queue"), 200); /* a fresh token */
            (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE/resolve",
                           id);
            assert_int_equal(post(&a, path, "outcome=MEMBER&note=x"), 404);
            assert_int_equal(count(fx, "SELECT COUNT(*) FROM resolutions"), 0);
        }
        agent_free(&a);
    }
    /* unknown kinds, ids and paths: the same 404 */
    {
        struct agent a;
        static const char *const bad[] = {"/item/999999/DISPUTE",
                                          "/item/1/NOPE",
                                          "/item/0/DISPUTE",
                                          "/item/-1/DISPUTE",
                                          "/item/1",
                                          "/item/1/DISPUTE/x",
                                          "/admin",
                                          "/item/1e3/DISPUTE"};

        agent_init(&a, fx);
        assert_int_equal(login(&a, "admin", PASSWORD), 303);
        for (i = 0; i < ARRAY_SIZE(bad); i++)
            if (get(&a, bad[i]) != 404)
                fail_msg("%s gave %ld", bad[i], a.status);
        agent_free(&a);
    }
}

/* Past escalate_days, the item is overdue and reaches the union account
 * over its commune. */
static void test_escalation(void **state)
{
    struct fixture *fx = *state;
    struct agent a;
    char path[64];

    agent_init(&a, fx);
    assert_int_equal(login(&a, "union.a", PASSWORD), 303);
    (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE", fx->a_id);
    assert_int_equal(get(&a, path), 404);
    test_now = NOW + 8 * 86400;
    assert_int_equal(login(&a, "union.a", PASSWORD), 303); /* idle: again */
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "quá hạn"));
    assert_int_equal(get(&a, "/queue"), 200);
    (void)snprintf(path, sizeof(path), "href=\"/item/%lld/DISPUTE\"", fx->a_id);
    assert_true(has(&a, path));
    assert_false(has(&a, "Dang Thi Nga")); /* still not X02 */
    agent_free(&a);
}

static void test_csrf_refused(void **state)
{
    struct fixture *fx = *state;
    struct agent a;
    char path[64], form[200];

    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE/resolve", fx->a_id);
    assert_int_equal(request(&a, path, "outcome=MEMBER&note=x"), 403);
    assert_int_equal(
        request(&a, path,
                "csrf=0000000000000000000000000000000000000000000000"
                "000000000000000000&outcome=MEMBER&note=x"),
        403);
    /* another session's token is no good either */
    {
        struct agent b;

        agent_init(&b, fx);
        assert_int_equal(login(&b, "officer.a", PASSWORD), 303);
        assert_int_equal(get(&b, "/queue"), 200);
        (void)snprintf(form, sizeof(form), "csrf=%s&outcome=MEMBER&note=x",
                       b.csrf);
        agent_free(&b);
    }
    assert_int_equal(request(&a, path, form), 403);
    /* the login form has its own token */
    {
        struct agent c;

        agent_init(&c, fx);
        assert_int_equal(
            request(&c, "/login", "user=officer.a&password=" PASSWORD), 403);
        agent_free(&c);
    }
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM resolutions"), 0);
    agent_free(&a);
}

static void test_lockout(void **state)
{
    struct fixture *fx = *state;
    struct agent a;
    int i;

    agent_init(&a, fx);
    for (i = 0; i < 4; i++) {
        assert_int_equal(login(&a, "officer.b", "wrong-password"), 401);
        assert_false(has(&a, "tạm khoá"));
    }
    assert_int_equal(login(&a, "officer.b", "wrong-password"), 401);
    assert_true(has(&a, "Tài khoản tạm khoá vì nhập sai mật khẩu nhiều lần"));
    /* locked: even the right password waits */
    assert_int_equal(login(&a, "officer.b", PASSWORD), 403);
    assert_true(has(&a, "tạm khoá"));
    test_now += 16 * 60;
    assert_int_equal(login(&a, "officer.b", PASSWORD), 303);
    assert_true(count(fx, "SELECT COUNT(*) FROM audit WHERE action ="
                          " 'console.login' AND after = 'locked'") == 1);
    agent_free(&a);
}

static void test_idle_timeout(void **state)
{
    struct fixture *fx = *state;
    struct agent a;

    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    test_now += 29 * 60;
    assert_int_equal(get(&a, "/queue"), 200); /* used: the idle time restarts */
    test_now += 29 * 60;
    assert_int_equal(get(&a, "/queue"), 200);
    test_now += 31 * 60;
    assert_int_equal(get(&a, "/queue"), 303);
    agent_free(&a);
}

/* A new password or a disabled account ends the sessions it had. */
static void test_account_changes_end_sessions(void **state)
{
    struct fixture *fx = *state;
    struct pin_cost cost = pin_cost_min();
    char hash[PIN_HASH_SIZE];
    struct agent a, b;
    struct db *db = NULL;

    agent_init(&a, fx);
    agent_init(&b, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(login(&b, "officer.b", PASSWORD), 303);
    assert_int_equal(
        secret_hash(strv_from_cstr("new-password-99"), PEPPER, &cost, hash),
        GW_OK);
    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(db_officer_set_hash(db, "officer.a", hash, NOW), GW_OK);
    assert_int_equal(db_officer_set_disabled(db, "officer.b", true, NOW),
                     GW_OK);
    db_close(db);
    assert_int_equal(get(&a, "/queue"), 303);
    assert_int_equal(get(&b, "/queue"), 303);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 401);
    assert_int_equal(login(&a, "officer.a", "new-password-99"), 303);
    assert_int_equal(login(&b, "officer.b", PASSWORD), 401); /* disabled */
    agent_free(&a);
    agent_free(&b);
}

/* The whole loop: resolve, the member's SMS queued to her alone, the
 * audit on the item's page, and no second resolution. */
static void test_resolve(void **state)
{
    struct fixture *fx = *state;
    struct agent a;
    char path[64], sql[256];

    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE", fx->a_id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "name=\"outcome\" value=\"MEMBER\""));
    assert_true(has(&a, "0912***002"));
    (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE/resolve", fx->a_id);
    assert_int_equal(post(&a, path, "outcome=NOPE&note=x"), 400);
    assert_int_equal(post(&a, path, "outcome=MEMBER&note="), 400);
    assert_int_equal(post(&a, path, "outcome=MEMBER&note=a%01b"), 400);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM resolutions"), 0);
    assert_int_equal(
        post(&a, path,
             "outcome=MEMBER&note=Da+goi+chi+Mai%2C+to+truong+nop+bu"),
        303);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM resolutions WHERE"
                               " outcome = 'MEMBER' AND kind = 'DISPUTE'"),
                     1);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE kind ="
                               " 'RESOLVED' AND phone = '+84912000002' AND"
                               " text LIKE '%K7Q2M9%ban noi dung%'"),
                     1);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE kind ="
                               " 'RESOLVED' AND phone <> '+84912000002'"),
                     0); /* the leader hears nothing */
    (void)snprintf(sql, sizeof(sql),
                   "SELECT COUNT(*) FROM audit WHERE actor = 'officer:"
                   "officer.a' AND action = 'resolve.DISPUTE' AND object ="
                   " 'K7Q2M9' AND before = 'DISPUTED' AND after = 'MEMBER'");
    assert_int_equal(count(fx, sql), 1);
    (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE", fx->a_id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "Đã xử lý: Thành viên đúng"));
    assert_true(has(&a, "Da goi chi Mai, to truong nop bu"));
    assert_true(has(&a, "resolve.DISPUTE"));
    assert_false(has(&a, "name=\"outcome\""));
    /* gone from the queue; a second resolve is refused */
    assert_int_equal(get(&a, "/queue"), 200);
    (void)snprintf(path, sizeof(path), "href=\"/item/%lld/DISPUTE\"", fx->a_id);
    assert_false(has(&a, path));
    assert_true(has(&a, "/UNBOOKED\"")); /* the other items stay */
    (void)snprintf(path, sizeof(path), "/item/%lld/DISPUTE/resolve", fx->a_id);
    assert_int_equal(post(&a, path, "outcome=LEADER&note=again"), 409);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE kind ="
                               " 'RESOLVED'"),
                     1);
    agent_free(&a);
}

static long long member_id_of(struct fixture *fx, const char *code)
{
    char sql[128];

    (void)snprintf(sql, sizeof(sql), "SELECT id FROM members WHERE code = '%s'",
                   code);
    return count(fx, sql);
}

/* Officer x member/leader/search URL: her communes' people only, and the
 * same 404 for another commune's as for nobody. */
static void test_people_access(void **state)
{
    struct fixture *fx = *state;
    static const char *const users[] = {"officer.a", "officer.b", "union.a",
                                        "admin"};
    /* whether users[i] sees X01 and X02 */
    static const bool sees[][2] = {
        {true, false}, {false, true}, {true, false}, {true, true}};
    static const char *const member_urls[] = {"", "/timeline.csv",
                                              "/receipts.csv"};
    static const char *const leader_urls[] = {"", "/signs.csv", "/members.csv"};
    long long members[2] = {member_id_of(fx, "TV02"), member_id_of(fx, "TV22")};
    long long leaders[2] = {member_id_of(fx, "TV09"), member_id_of(fx, "TV21")};
    static const char *const names[2] = {"Le Thi Mai", "Dang Thi Nga"};
    size_t i, c, u;

    for (i = 0; i < ARRAY_SIZE(users); i++) {
        struct agent a;
        char path[96];

        agent_init(&a, fx);
        assert_int_equal(login(&a, users[i], PASSWORD), 303);
        for (c = 0; c < 2; c++) {
            long want = sees[i][c] ? 200 : 404;

            for (u = 0; u < ARRAY_SIZE(member_urls); u++) {
                (void)snprintf(path, sizeof(path), "/member/%lld%s", members[c],
                               member_urls[u]);
                if (get(&a, path) != want)
                    fail_msg("%s GET %s gave %ld, want %ld", users[i], path,
                             a.status, want);
            }
            for (u = 0; u < ARRAY_SIZE(leader_urls); u++) {
                (void)snprintf(path, sizeof(path), "/leader/%lld%s", leaders[c],
                               leader_urls[u]);
                if (get(&a, path) != want)
                    fail_msg("%s GET %s gave %ld, want %ld", users[i], path,
                             a.status, want);
            }
            /* a member is no leader: no leader page */
            (void)snprintf(path, sizeof(path), "/leader/%lld", members[c]);
            assert_int_equal(get(&a, path), 404);
            /* the search finds her only where she may be seen */
            (void)snprintf(path, sizeof(path), "/search?q=%s",
                           c == 0 ? "le+thi+mai" : "NGA");
            assert_int_equal(get(&a, path), 200);
            if (has(&a, names[c]) != sees[i][c])
                fail_msg("%s search %s: found %d", users[i], path,
                         has(&a, names[c]));
            (void)snprintf(path, sizeof(path), "/search.csv?q=%s",
                           c == 0 ? "000002" : "000022");
            assert_int_equal(get(&a, path), 200);
            assert_int_equal(has(&a, names[c]), sees[i][c]);
        }
        for (u = 0; u < 3; u++) {
            static const char *const bad[] = {"/member/0", "/member/99999",
                                              "/member/1/other.csv"};

            assert_int_equal(get(&a, bad[u]), 404);
        }
        agent_free(&a);
    }
}

/* Her whole story: the full phone (here only), loans, receipts, what
 * she sent (PINs as stored, masked), what was sent and why it failed,
 * newest first, by pages. */
static void test_member_story(void **state)
{
    struct fixture *fx = *state;
    struct db *db = NULL;
    struct agent a;
    char path[64], sql[512];
    long long id = member_id_of(fx, "TV02");
    int i;

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    for (i = 0; i < 55; i++) {
        (void)snprintf(sql, sizeof(sql),
                       "INSERT INTO inbound (provider, provider_id, channel,"
                       " phone, text, received_at) VALUES ('kannel', 'm%d',"
                       " 'sms', '+84912000002', 'SD lan %d', %d)",
                       i, i, 1779200000 + i);
        assert_int_equal(member_fixture_sql(db, sql), GW_OK);
    }
    assert_int_equal(
        member_fixture_sql(
            db,
            "INSERT INTO inbound (provider, provider_id, channel, phone, text,"
            " received_at) VALUES ('kannel', 'x1', 'sms', '+84912000002',"
            " 'XN K7Q2M9 ****', 1779245000);"
            "INSERT INTO outbox (phone, text, kind, member_id, state, attempts,"
            " next_at, provider, last_error, created_at, updated_at) SELECT"
            " '+84912000002', 'NHCS: bien lai giao', 'RECEIPT', id,"
            " 'DELIVERED', 1, 0, 'kannel', NULL, 1779245100, 1779245160 FROM"
            " members WHERE code = 'TV02';"
            "INSERT INTO outbox (phone, text, kind, member_id, state, attempts,"
            " next_at, provider, last_error, created_at, updated_at) SELECT"
            " '+84912000002', 'NHCS: tra loi hong', 'REPLY', id, 'FAILED', 8,"
            " 0, 'kannel', 'status 400 | Bad phone number', 1779245200,"
            " 1779245300 FROM members WHERE code = 'TV02';"
            "INSERT INTO outbox (phone, text, kind, member_id, state, attempts,"
            " next_at, provider, last_error, created_at, updated_at) SELECT"
            " '+84912000002', 'NHCS: nhac no', 'REMINDER', id, 'UNDELIVERED',"
            " 1, 0, 'kannel', NULL, 1779245400, 1779245460 FROM members WHERE"
            " code = 'TV02';"),
        GW_OK);
    db_close(db);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    (void)snprintf(path, sizeof(path), "/member/%lld", id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "<h1>Le Thi Mai</h1>"));
    assert_true(has(&a, "0912000002")); /* the whole number, here only */
    assert_true(has(&a, "CN"));         /* her loan */
    assert_true(has(&a, "K7Q2M9") && has(&a, "G8H9J2") && has(&a, "D5E6F7"));
    assert_true(has(&a, "XN K7Q2M9 ****"));
    assert_true(has(&a, "Đã tới máy"));
    assert_true(has(&a, "nhà cung cấp từ chối: số điện thoại hoặc nội dung "
                        "không hợp lệ"));
    assert_true(has(&a, "8 lần gửi"));
    assert_true(has(&a, "không tới được máy"));
    assert_true(strstr(a.body, "nhac no") < strstr(a.body, "XN K7Q2M9 ****"));
    assert_true(has(&a, "?page=1\">Cũ hơn"));
    assert_false(has(&a, "SD lan 0<")); /* the oldest: on page 2 */
    (void)snprintf(path, sizeof(path), "/member/%lld?page=1", id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "SD lan 0<"));
    assert_true(has(&a, "?page=0\">&larr; Mới hơn"));
    (void)snprintf(path, sizeof(path), "/member/%lld/timeline.csv", id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "at,direction,kind,text,state"));
    assert_true(has(&a, "REPLY,NHCS: tra loi hong,FAILED,8,kannel"));
    assert_true(has(&a, "SD lan 0"));
    agent_free(&a);
}

/* A leader's warning signs, each with the receipts behind it, and the
 * members her SMS never reached. */
static void test_leader_signs(void **state)
{
    struct fixture *fx = *state;
    struct db *db = NULL;
    struct agent a;
    char path[64];
    long long id = member_id_of(fx, "TV09");

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    /* handed to the bank three days after its session day */
    assert_int_equal(member_fixture_sql(db, "UPDATE collections SET"
                                            " remitted_at = 1774000000 WHERE"
                                            " receipt_code = 'A2B3C4'"),
                     GW_OK);
    db_close(db);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "union.a", PASSWORD), 303);
    (void)snprintf(path, sizeof(path), "/leader/%lld", id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "Phiếu đã huỷ: 1"));
    assert_true(has(&a, "Thành viên báo sai: 1"));
    assert_true(has(&a, "Chưa hạch toán: 1")); /* G8H9J2 */
    assert_true(has(&a, "Nộp ngân hàng muộn: 1"));
    assert_true(has(&a, "<b>D5E6F7</b>") && has(&a, "<b>A2B3C4</b>"));
    (void)snprintf(path, sizeof(path), "href=\"/item/%lld/DISPUTE\"", fx->a_id);
    assert_true(has(&a, path)); /* the dispute links to its item */
    assert_true(has(&a, "chưa liên lạc được"));
    assert_true(has(&a, "0912***001"));
    assert_false(has(&a, "0912000001"));
    (void)snprintf(path, sizeof(path), "/leader/%lld/signs.csv", id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "Phiếu đã huỷ,D5E6F7,Le Thi Mai,"));
    assert_true(has(&a, "Nộp ngân hàng muộn,A2B3C4,"));
    (void)snprintf(path, sizeof(path), "/leader/%lld/members.csv", id);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "1,TV01,Nguyen Thi Hoa,0912***001,,yes"));
    agent_free(&a);
}

/* Each kind of item: a booking that differs from the receipt, a voided
 * receipt the bank booked, a booked receipt whose SMS never arrived. */
static void test_queue_kinds(void **state)
{
    struct fixture *fx = *state;
    struct db *db = NULL;
    struct agent a;

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(
        member_fixture_sql(
            db,
            "INSERT INTO postings (receipt_code, posted_on, interest, savings,"
            " principal, imported_at) VALUES ('A2B3C4', '2026-03-18', 150000,"
            " 20000, 0, 1774000000), ('D5E6F7', '2026-04-18', 198000, 0, 0,"
            " 1776500000);"
            "INSERT INTO inbound (provider, provider_id, channel, phone, text,"
            " received_at) VALUES ('kannel', 'thu-a2', 'sms', '+84912000009',"
            " 'THU 2 198000 20000 ****', 1773716400);"
            "UPDATE collections SET inbound_id = (SELECT id FROM inbound WHERE"
            " provider_id = 'thu-a2') WHERE receipt_code = 'A2B3C4';"
            "INSERT INTO outbox (phone, text, kind, member_id, inbound_id,"
            " state, attempts, next_at, created_at, updated_at) SELECT"
            " '+84912000002', 'NHCS: bien lai A2B3C4', 'RECEIPT', c.member_id,"
            " c.inbound_id, 'FAILED', 8, 0, 1773716400, 1773720000 FROM"
            " collections c WHERE c.receipt_code = 'A2B3C4';"),
        GW_OK);
    db_close(db);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(get(&a, "/queue.csv"), 200);
    assert_true(has(&a, "MISMATCH,A2B3C4,"));
    assert_true(has(&a, ",198000,20000,0,170000,POSTED")); /* booked 170k */
    assert_true(has(&a, "MISMATCH,D5E6F7,"));              /* voided */
    assert_true(has(&a, "UNDELIVERED,A2B3C4,"));
    assert_true(has(&a, "DISPUTE,K7Q2M9,"));
    assert_true(has(&a, "UNBOOKED,G8H9J2,"));
    /* oldest first */
    assert_true(strstr(a.body, "UNDELIVERED,A2B3C4") < /* its SMS failed */
                strstr(a.body, "MISMATCH,A2B3C4"));    /* before the import */
    assert_true(strstr(a.body, "UNBOOKED,G8H9J2") <
                strstr(a.body, "DISPUTE,K7Q2M9"));
    assert_int_equal(get(&a, "/queue"), 200);
    assert_true(has(&a, "Lệch số tiền") && has(&a, "Biên lai chưa tới"));
    assert_true(has(&a, "NH ghi 170.000"));
    assert_true(has(&a, "quá hạn")); /* March: long overdue */
    /* the other commune sees none of them */
    agent_free(&a);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.b", PASSWORD), 303);
    assert_int_equal(get(&a, "/queue.csv"), 200);
    assert_false(has(&a, "A2B3C4") || has(&a, "D5E6F7"));
    agent_free(&a);
}

/* The commune at a glance: the officer's groups only, their sessions,
 * and the charts drawn on the server. */
static void test_home(void **state)
{
    struct fixture *fx = *state;
    struct db *db = NULL;
    struct agent a;

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(db_kpi_snapshot(db, "2026-04-20", NOW - 30 * 86400),
                     GW_OK);
    assert_int_equal(db_kpi_snapshot(db, "2026-05-20", NOW), GW_OK);
    db_close(db);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM kpi_history"), 4);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(get(&a, "/"), 200);
    assert_true(has(&a, "Tổng quan các tổ"));
    assert_true(has(&a, "<svg viewBox="));
    assert_true(has(&a, "Tỷ lệ thu lãi") && has(&a, "Phần tiết kiệm") &&
                has(&a, "Tỷ lệ nợ quá hạn"));
    assert_true(has(&a, "<polyline"));
    assert_true(has(&a, "2026-05-17") && has(&a, "2026-04-17"));
    assert_false(has(&a, "To Binh Duc 1")); /* X02's group */
    assert_false(has(&a, "<script"));
    assert_int_equal(get(&a, "/home.csv"), 200);
    assert_true(has(&a, "commune,group,session,members,paid"));
    assert_true(has(&a, ",2026-05-17,"));
    assert_false(has(&a, "Binh Duc"));
    agent_free(&a);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.b", PASSWORD), 303);
    assert_int_equal(get(&a, "/"), 200);
    assert_true(has(&a, "To Binh Duc 1"));
    assert_false(has(&a, "An Thanh"));
    agent_free(&a);
    /* a group nobody recorded for is shown too, as such */
    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(member_fixture_sql(db, "INSERT INTO groups (code, name,"
                                            " commune_id, union_name) SELECT"
                                            " 'G03', 'To Binh Duc 2', id, 'x'"
                                            " FROM communes WHERE code ="
                                            " 'X02'"),
                     GW_OK);
    db_close(db);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.b", PASSWORD), 303);
    assert_int_equal(get(&a, "/"), 200);
    assert_true(has(&a, "To Binh Duc 2"));
    assert_true(has(&a, "Chưa có phiếu nào trong 45 ngày qua"));
    agent_free(&a);
}

/* Delivery health: the officer's members' messages only, by provider
 * and by telco (the number's prefix), and the day's spend. */
static void test_delivery(void **state)
{
    struct fixture *fx = *state;
    struct db *db = NULL;
    struct agent a;

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(
        member_fixture_sql(
            db,
            "INSERT INTO outbox (phone, text, kind, member_id, state, attempts,"
            " next_at, provider, created_at, updated_at) SELECT m.phone, 'x',"
            " 'REPLY', m.id, v.st, 1, 0, 'kannel', 1779242400, 1779242460"
            " FROM members m, (SELECT 'DELIVERED' AS st UNION ALL SELECT"
            " 'DELIVERED' UNION ALL SELECT 'UNDELIVERED' UNION ALL SELECT"
            " 'FAILED') v WHERE m.code = 'TV01';"
            "INSERT INTO outbox (phone, text, kind, member_id, state, attempts,"
            " next_at, provider, created_at, updated_at) SELECT m.phone, 'x',"
            " 'REPLY', m.id, 'FAILED', 8, 0, 'esms', 1779242400, 1779242460"
            " FROM members m WHERE m.code = 'TV22';"
            "INSERT INTO outbox (phone, text, kind, member_id, state, attempts,"
            " next_at, created_at, updated_at) SELECT m.phone, 'x', 'REPLY',"
            " m.id, 'QUEUED', 0, 4102444800, 1779245400, 1779245400 FROM"
            " members m"
            " WHERE m.code = 'TV01';"),
        GW_OK);
    db_close(db);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(get(&a, "/delivery"), 200);
    assert_true(has(&a, "<b>1</b> đang chờ gửi, cũ nhất 10 phút"));
    assert_true(has(&a, "24 giờ qua") && has(&a, "7 ngày qua"));
    assert_true(has(&a, "<span>kannel</span>"));
    assert_false(has(&a, "<span>esms</span>"));     /* X02's */
    assert_true(has(&a, "<span>VinaPhone</span>")); /* 091: VinaPhone */
    assert_true(has(&a, "<span>3</span>"));         /* sent: 2 + 1 */
    assert_true(has(&a, "<span>2 (66,6%)</span>")); /* delivered */
    assert_true(has(&a, "ngân sách 20000 tin"));
    assert_int_equal(get(&a, "/delivery.csv"), 200);
    assert_true(has(&a, "24h,kannel,VinaPhone,91,3,2,1,1"));
    assert_false(has(&a, "esms"));
    agent_free(&a);
    /* An admin's: every message, from the outbox's tally; the same
     * figures for one commune from its members' messages. */
    agent_init(&a, fx);
    assert_int_equal(login(&a, "admin", PASSWORD), 303);
    assert_int_equal(get(&a, "/delivery.csv"), 200);
    assert_true(has(&a, "24h,kannel,VinaPhone,91,3,2,1,1"));
    assert_true(has(&a, "24h,esms,VinaPhone,91,0,0,0,1"));
    assert_true(has(&a, "7d,esms,VinaPhone,91,0,0,0,1"));
    assert_int_equal(get(&a, "/delivery"), 200);
    assert_true(has(&a, "<b>1</b> đang chờ gửi, cũ nhất 10 phút"));
    assert_true(has(&a, "<span>esms</span>"));
    {
        char path[64];

        (void)snprintf(path, sizeof(path), "/delivery.csv?xa=%lld",
                       count(fx, "SELECT id FROM communes WHERE code = 'X02'"));
        assert_int_equal(get(&a, path), 200);
        assert_true(has(&a, "24h,esms,VinaPhone,91,0,0,0,1"));
        assert_false(has(&a, "kannel"));
    }
    agent_free(&a);
}

/* The phone simulator: the real handlers on a training commune's phones,
 * nothing ever queued for a provider, any other phone refused. */
static void test_simulator(void **state)
{
    struct fixture *fx = *state;
    struct agent a, b;

    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(get(&a, "/simulator"), 200);
    assert_true(has(&a, "value=\"+84912000001\""));
    assert_false(has(&a, "+84912000022")); /* X02: no training commune */
    assert_int_equal(request(&a, "/simulator",
                             "phone=%2B84912000001&text=SD"
                             "&how=sms"),
                     403); /* no CSRF token */
    assert_int_equal(get(&a, "/simulator"), 200);
    assert_int_equal(
        post(&a, "/simulator", "phone=%2B84912000001&text=so+du+a&how=sms"),
        200);
    assert_true(has(&a, "Bạn gửi: <q>so du a</q>"));
    assert_true(has(&a, "Vay HN con no 50.000.000"));
    assert_int_equal(
        post(&a, "/simulator", "phone=%2B84912000022&text=SD&how=sms"), 403);
    /* USSD: dial, then 2 (DS): the leader's unpaid list as the END screen */
    assert_int_equal(get(&a, "/simulator"), 200);
    assert_int_equal(
        post(&a, "/simulator", "phone=%2B84912000009&text=&how=dial"), 200);
    assert_true(has(&a, "<pre class=\"screen\">NHCS to truong"));
    assert_int_equal(
        post(&a, "/simulator", "phone=%2B84912000009&text=2&how=ussd"), 200);
    assert_true(has(&a, "Phiên USSD đã kết thúc."));
    /* the SMS reply; a USSD read answers on the screen, as on a phone */
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE provider ="
                               " 'simulator' AND state = 'SENT'"),
                     1);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE state ="
                               " 'QUEUED'"),
                     0);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM inbound WHERE provider"
                               " = 'simulator'"),
                     2);
    /* training is no traffic: not in the delivery figures */
    assert_int_equal(get(&a, "/delivery"), 200);
    assert_false(has(&a, "<span>simulator</span>"));
    assert_true(has(&a, "Không có tin nào đang chờ gửi."));
    /* officer.b sees no X01 phone at all */
    agent_init(&b, fx);
    assert_int_equal(login(&b, "officer.b", PASSWORD), 303);
    assert_int_equal(get(&b, "/simulator"), 200);
    assert_int_equal(
        post(&b, "/simulator", "phone=%2B84912000001&text=SD&how=sms"), 403);
    agent_free(&b);
    agent_free(&a);
}

/* A training commune's messages never leave, whoever queues them (the
 * scheduler's reminders, an alert to its officer): stored as sent by
 * "simulator". Another commune's are queued as always. */
static void test_training_never_sent(void **state)
{
    struct fixture *fx = *state;
    struct db *db = NULL;
    int64_t id;

    assert_int_equal(count(fx, "SELECT COUNT(*) FROM training_communes t"
                               " JOIN communes c ON c.id = t.commune_id"
                               " WHERE c.code = 'X01'"),
                     1);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM training_communes"), 1);
    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    assert_int_equal(db_outbox_enqueue(db, "+84912000001", "NHCS: nhac no",
                                       "REMINDER", member_id_of(fx, "TV01"), 0,
                                       NOW, &id),
                     GW_OK);
    assert_int_equal(db_outbox_enqueue(db, FIX_OFFICER, "NHCS: SAI phieu",
                                       "ALERT", 0, 0, NOW, &id),
                     GW_OK);
    assert_int_equal(db_outbox_enqueue(db, "+84912000022", "NHCS: nhac no",
                                       "REMINDER", member_id_of(fx, "TV22"), 0,
                                       NOW, &id),
                     GW_OK);
    db_close(db);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE state ="
                               " 'SENT' AND provider = 'simulator'"),
                     2);
    assert_int_equal(count(fx, "SELECT COUNT(*) FROM outbox WHERE phone ="
                               " '+84912000022' AND provider IS NOT"
                               " 'simulator'"),
                     1);
}

/* The CSV export: masked phones, the member's words, no formula. */
/* One commune at a time: ?xa= narrows the home, the queue, delivery and
 * their CSVs to one of the officer's communes; another's, or anything not
 * a commune id, is 404; past view_max_communes the home and the queue ask
 * for a commune first. */
static void test_commune_view(void **state)
{
    struct fixture *fx = *state;
    long long x01 = count(fx, "SELECT id FROM communes WHERE code = 'X01'");
    long long x02 = count(fx, "SELECT id FROM communes WHERE code = 'X02'");
    static const char *const pages[] = {
        "/",         "/home.csv",     "/queue",      "/queue.csv",
        "/delivery", "/delivery.csv", "/search?q=x", "/simulator"};
    static const char *const bad[] = {
        "abc",  "-1",   "999999", "1e3",
        "%2B1", "%201", "1x",     "99999999999999999999",
        "%091", "0x1"};
    struct agent a;
    char path[96], link[64];
    size_t i;

    agent_init(&a, fx);
    assert_int_equal(login(&a, "admin", PASSWORD), 303);
    assert_int_equal(get(&a, "/"), 200);
    assert_true(has(&a, "To 3 ap Binh Hoa") && has(&a, "To Binh Duc 1"));
    assert_true(has(&a, "<select name=\"xa\">"));
    assert_true(has(&a, "Tất cả 2 xã"));
    (void)snprintf(path, sizeof(path), "/?xa=%lld", x02);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "To Binh Duc 1"));
    assert_false(has(&a, "To 3 ap Binh Hoa"));
    assert_true(has(&a, "Tổng quan các tổ: Binh Duc"));
    (void)snprintf(link, sizeof(link), "href=\"/queue?xa=%lld\"", x02);
    assert_true(has(&a, link)); /* the header keeps the commune */
    (void)snprintf(link, sizeof(link), "value=\"%lld\" selected", x02);
    assert_true(has(&a, link));
    (void)snprintf(path, sizeof(path), "/home.csv?xa=%lld", x01);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "An Thanh") && !has(&a, "Binh Duc"));
    (void)snprintf(path, sizeof(path), "/queue?xa=%lld", x01);
    assert_int_equal(get(&a, path), 200);
    (void)snprintf(link, sizeof(link), "href=\"/item/%lld/DISPUTE\"", fx->a_id);
    assert_true(has(&a, link));
    assert_false(has(&a, "Dang Thi Nga"));
    (void)snprintf(path, sizeof(path), "/queue.csv?xa=%lld", x02);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "DISPUTE,BBBB22") && !has(&a, "DISPUTE,K7Q2M9"));
    /* the search too, and the header's search box keeps the commune */
    (void)snprintf(path, sizeof(path), "/search?q=Nga&xa=%lld", x01);
    assert_int_equal(get(&a, path), 200);
    assert_false(has(&a, "Dang Thi Nga"));
    (void)snprintf(link, sizeof(link), "name=\"xa\" value=\"%lld\"", x01);
    assert_true(has(&a, link));
    (void)snprintf(path, sizeof(path), "/search?q=Nga&xa=%lld", x02);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "Dang Thi Nga"));
    (void)snprintf(link, sizeof(link), "/search.csv?q=Nga&amp;xa=%lld", x02);
    assert_true(has(&a, link));
    (void)snprintf(path, sizeof(path), "/search.csv?q=Thi&xa=%lld", x01);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "TV01") && !has(&a, "TV22"));
    assert_int_equal(get(&a, "/search?q=Nga"), 200);
    assert_true(has(&a, "Dang Thi Nga"));
    assert_false(has(&a, "name=\"xa\" value="));
    assert_int_equal(get(&a, "/queue?xa=0"), 200); /* 0: all again */
    assert_true(has(&a, "Dang Thi Nga"));
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        (void)snprintf(path, sizeof(path), "/queue?xa=%s", bad[i]);
        if (get(&a, path) != 404)
            fail_msg("admin GET %s gave %ld, want 404", path, a.status);
    }
    agent_free(&a);

    /* An officer of X01: X02 by ?xa= is refused on every page; her own
     * is hers, with no choice to offer. */
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    for (i = 0; i < ARRAY_SIZE(pages); i++) {
        (void)snprintf(path, sizeof(path), "%s%sxa=%lld", pages[i],
                       strchr(pages[i], '?') ? "&" : "?", x02);
        if (get(&a, path) != 404)
            fail_msg("officer.a GET %s gave %ld, want 404", path, a.status);
        assert_false(has(&a, "Dang Thi Nga"));
    }
    (void)snprintf(path, sizeof(path), "/?xa=%lld", x01);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "To 3 ap Binh Hoa"));
    assert_false(has(&a, "<select name=\"xa\">"));
    agent_free(&a);

    /* More communes than view_max_communes: choose one first. */
    fx->cfg.console_view_max = 1;
    agent_init(&a, fx);
    assert_int_equal(login(&a, "admin", PASSWORD), 303);
    assert_int_equal(get(&a, "/"), 200);
    assert_true(has(&a, "Tài khoản này xem 2 xã"));
    assert_false(has(&a, "To 3 ap Binh Hoa") || has(&a, "To Binh Duc 1"));
    (void)snprintf(link, sizeof(link), "href=\"/?xa=%lld\"", x01);
    assert_true(has(&a, link));
    assert_int_equal(get(&a, "/queue"), 200);
    assert_true(has(&a, "Tài khoản này xem 2 xã"));
    assert_false(has(&a, "Dang Thi Nga"));
    (void)snprintf(path, sizeof(path), "/queue?xa=%lld", x02);
    assert_int_equal(get(&a, path), 200);
    assert_true(has(&a, "Dang Thi Nga"));
    assert_int_equal(get(&a, "/delivery"), 200);  /* the providers' health */
    assert_int_equal(get(&a, "/queue.csv"), 200); /* a download: all */
    assert_true(has(&a, "DISPUTE,BBBB22") && has(&a, "DISPUTE,K7Q2M9"));
    agent_free(&a);
    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(get(&a, "/"), 200); /* one commune: never too many */
    assert_true(has(&a, "To 3 ap Binh Hoa"));
    agent_free(&a);
}

static void test_csv(void **state)
{
    struct fixture *fx = *state;
    struct agent a;

    agent_init(&a, fx);
    assert_int_equal(login(&a, "officer.a", PASSWORD), 303);
    assert_int_equal(get(&a, "/queue.csv"), 200);
    assert_true(header(&a, "text/csv"));
    assert_true(header(&a, "attachment; filename=\"hang-doi.csv\""));
    assert_true(strncmp(a.body, "kind,receipt,days_open,", 23) == 0);
    assert_true(has(&a, "DISPUTE,K7Q2M9,0,no,An Thanh"));
    assert_true(has(&a, "0912***002"));
    assert_false(has(&a, "0912000002"));
    assert_true(has(&a, "UNBOOKED,G8H9J2,"));
    assert_false(has(&a, ",=")); /* no cell starts a formula */
    assert_false(has(&a, "\"="));
    agent_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_and_headers, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_access_table, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_escalation, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_csrf_refused, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_lockout, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_idle_timeout, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_account_changes_end_sessions,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_resolve, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_csv, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_queue_kinds, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_home, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_commune_view, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_delivery, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_simulator, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_training_never_sent, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_people_access, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_member_story, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_leader_signs, fx_setup,
                                        fx_teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
