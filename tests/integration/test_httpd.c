/* test_httpd.c - the real server in-process on 127.0.0.1, libcurl client */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "db/db.h"
#include "db/db_inbound.h"
#include "db/db_msg.h"
#include "gateway/inbound.h"
#include "gateway/server.h"
#include "gateway/writer.h"
#include "handlers/handler.h"
#include "tests/support/log_gate.h"
#include "tests/support/member_fixture.h"
#include "common/banned.h"

#define TOKEN "s3cret-token"
#define MAX_BODY 1024
#define ESMS_KEY "esms-private-key"
#define METRICS_TOKEN "metrics-t0ken-5e8a1c2d"

/* ---- the handler the writer runs ------------------------------------ */

/* "SD" answers, "PIN 1234" is stored redacted, "BUSY" fails like a locked
 * database. */
static gw_err test_handle(struct db *db, const struct handler_ctx *ctx,
                          const struct sms_in *in, struct reply *out)
{
    struct out_msg *m = &out->msgs[0];

    (void)db;
    (void)ctx;
    if (strv_eq(in->text, "BUSY"))
        return GW_EBUSY;
    if (strv_starts_with_nocase(in->text, "PIN "))
        (void)snprintf(out->stored_text, sizeof(out->stored_text), "PIN ****");
    else
        (void)snprintf(out->stored_text, sizeof(out->stored_text), "%.*s",
                       (int)in->text.len, in->text.p);
    if (in->phone[0] == '\0')
        return GW_OK;
    (void)snprintf(m->phone, sizeof(m->phone), "%s", in->phone);
    (void)snprintf(m->text, sizeof(m->text), "OK %.20s", out->stored_text);
    m->kind = "REPLY";
    out->nmsgs = 1;
    return GW_OK;
}

/* ---- fixture -------------------------------------------------------- */

struct fixture {
    char dir[64];
    struct dt_config cfg;
    struct server *srv;
    unsigned port;
};

/* When set, the next fx_start uses this connection limit and head
 * deadline (the guard's test). */
static unsigned fx_conn_limit, fx_head_timeout;
/* The same for the leaders' hourly limit and the unknown numbers' cap. */
static unsigned fx_leader_limit, fx_unknown_cap;

/* real: the real handlers on the member fixture, else test_handle. */
static struct fixture *fx_start_with(unsigned per_hour, bool real)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct server_opts opts = {.handle = real ? NULL : test_handle};

    assert_non_null(fx);
    (void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/dt_httpd_XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    config_defaults(&fx->cfg);
    (void)snprintf(fx->cfg.bind, sizeof(fx->cfg.bind), "127.0.0.1");
    (void)snprintf(fx->cfg.db_path, sizeof(fx->cfg.db_path), "%s/t.db",
                   fx->dir);
    fx->cfg.port = 0;
    fx->cfg.threads = 2;
    fx->cfg.connection_limit = 64;
    fx->cfg.connection_timeout = 5;
    if (fx_conn_limit)
        fx->cfg.connection_limit = fx_conn_limit;
    if (fx_head_timeout)
        fx->cfg.head_timeout = fx_head_timeout;
    fx->cfg.max_body = MAX_BODY;
    fx->cfg.per_number_per_hour = per_hour;
    if (fx_leader_limit)
        fx->cfg.leader_per_hour = fx_leader_limit;
    if (fx_unknown_cap)
        fx->cfg.unknown_replies_per_hour = fx_unknown_cap;
    fx->cfg.kannel.enabled = true;
    (void)snprintf(fx->cfg.kannel.token, sizeof(fx->cfg.kannel.token), "%s",
                   TOKEN);
    (void)snprintf(fx->cfg.metrics_token, sizeof(fx->cfg.metrics_token), "%s",
                   METRICS_TOKEN);
    if (real) {
        fx->cfg.esms.enabled = true;
        (void)snprintf(fx->cfg.esms.token, sizeof(fx->cfg.esms.token), "%s",
                       TOKEN);
        (void)snprintf(fx->cfg.esms.private_key,
                       sizeof(fx->cfg.esms.private_key), "%s", ESMS_KEY);
        (void)snprintf(fx->cfg.esms.cpid, sizeof(fx->cfg.esms.cpid), "777");
        fx->cfg.esms.time_window = 900;
        fx->cfg.africastalking.enabled = true;
        (void)snprintf(fx->cfg.africastalking.token,
                       sizeof(fx->cfg.africastalking.token), "%s", TOKEN);
    }
    /* Every line the server logs, every text it stores: no credential,
     * no PIN, no unexpected ERROR. */
    log_gate_begin();
    log_gate_secret(TOKEN);
    log_gate_secret(ESMS_KEY);
    log_gate_secret(METRICS_TOKEN);
    log_gate_secret("1234"); /* the PIN the texts below carry */
    if (real) {
        struct db *db = NULL;

        assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
        assert_int_equal(member_fixture_load(db), GW_OK);
        db_close(db);
    }
    assert_int_equal(server_start_opts(&fx->cfg, &opts, &fx->srv), GW_OK);
    fx->port = server_port(fx->srv);
    assert_true(fx->port > 0);
    return fx;
}

static struct fixture *fx_start(unsigned per_hour)
{
    return fx_start_with(per_hour, false);
}

static void fx_stop_server(struct fixture *fx)
{
    server_stop(fx->srv);
    fx->srv = NULL;
}

static void fx_free(struct fixture *fx)
{
    char path[128];

    if (fx->srv)
        server_stop(fx->srv);
    (void)snprintf(path, sizeof(path), "%s/t.db", fx->dir);
    assert_int_equal(log_gate_end(path), 0);
    (void)unlink(path);
    (void)snprintf(path, sizeof(path), "%s/t.db-wal", fx->dir);
    (void)unlink(path);
    (void)snprintf(path, sizeof(path), "%s/t.db-shm", fx->dir);
    (void)unlink(path);
    (void)rmdir(fx->dir);
    free(fx);
}

static struct db *fx_db(struct fixture *fx)
{
    struct db *db = NULL;

    assert_int_equal(db_open(fx->cfg.db_path, &db), GW_OK);
    return db;
}

static int64_t inbound_rows(struct fixture *fx)
{
    struct db *db = fx_db(fx);
    int64_t n = -1;

    assert_int_equal(db_inbound_count(db, &n), GW_OK);
    db_close(db);
    return n;
}

static int64_t outbox_rows(struct fixture *fx)
{
    struct db *db = fx_db(fx);
    struct db_outbox_stats st;

    assert_int_equal(db_outbox_stats(db, &st), GW_OK);
    db_close(db);
    return st.queued + st.sending + st.sent + st.delivered + st.undelivered +
           st.failed;
}

/* The newest outbox row (ids count up from 1 in a fresh database). */
static void last_outbox(struct fixture *fx, struct db_outbox_row *row)
{
    int64_t n = outbox_rows(fx);
    struct db *db = fx_db(fx);

    assert_true(n > 0);
    assert_int_equal(db_outbox_get(db, n, row), GW_OK);
    db_close(db);
}

#define LAST_PHONE(fx) (last_outbox((fx), &row), row.msg.phone)
#define LAST_TEXT(fx) (last_outbox((fx), &row), row.msg.text)

/* ---- a small libcurl client ----------------------------------------- */

struct resp {
    long status;
    char body[16384];
    size_t len;
    char allow[64];
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

static size_t on_header(char *p, size_t size, size_t n, void *cls)
{
    struct resp *r = cls;
    size_t len = size * n;

    if (len > 7 && strncasecmp(p, "Allow: ", 7) == 0)
        (void)snprintf(r->allow, sizeof(r->allow), "%.*s",
                       (int)strcspn(p + 7, "\r\n"), p + 7);
    return len;
}

/* Chunked upload of a body of len 'x' bytes. */
struct chunked {
    size_t left;
};

static size_t on_read(char *p, size_t size, size_t n, void *cls)
{
    struct chunked *c = cls;
    size_t len = size * n < c->left ? size * n : c->left;

    memset(p, 'x', len);
    c->left -= len;
    return len;
}

/* When set, http() sends "Authorization: Bearer <http_bearer>". */
static const char *http_bearer;

/* method NULL: GET. body NULL: none. chunked > 0: a chunked upload. */
static long http(unsigned port, const char *method, const char *path,
                 const char *ctype, const char *body, size_t chunked,
                 struct resp *r)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    struct chunked ck = {chunked};
    char url[4096], h[128];
    CURLcode rc;

    assert_non_null(c);
    memset(r, 0, sizeof(*r));
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    if (ctype) {
        (void)snprintf(h, sizeof(h), "Content-Type: %s", ctype);
        hdrs = curl_slist_append(hdrs, h);
    }
    if (http_bearer) {
        (void)snprintf(h, sizeof(h), "Authorization: Bearer %s", http_bearer);
        hdrs = curl_slist_append(hdrs, h);
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (chunked) {
        hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
        hdrs = curl_slist_append(hdrs, "Expect:");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &ck);
    }
    if (method && strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    else
        r->status = -1;
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return r->status;
}

static long get(unsigned port, const char *path, struct resp *r)
{
    return http(port, NULL, path, NULL, NULL, 0, r);
}

/* GET with a bearer token (NULL: none). */
static long get_as(unsigned port, const char *path, const char *bearer,
                   struct resp *r)
{
    long status;

    http_bearer = bearer;
    status = get(port, path, r);
    http_bearer = NULL;
    return status;
}

#define SMS(id, from, text)                                                    \
    "/v1/kannel/sms?token=" TOKEN "&id=" id "&from=" from "&text=" text

/* ---- tests ------------------------------------------------------------ */

/* Sends raw bytes (a request curl would not make) and returns the status
 * of the answer, 0 when none came. */
/* A TCP connection to the server on loopback. */
static int loopback_connect(unsigned port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static int raw_request(unsigned port, const char *req, size_t len)
{
    struct timeval tv = {5, 0};
    char buf[256];
    ssize_t n;
    int fd = loopback_connect(port), status = 0;

    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_int_equal(send(fd, req, len, 0), (ssize_t)len);
    n = recv(fd, buf, sizeof(buf) - 1, 0);
    if (n > 12) {
        buf[n] = '\0';
        status = (int)strtol(buf + 9, NULL, 10);
    }
    (void)close(fd);
    return status;
}

/* A raw NUL or control byte in the request line, a query field or a form
 * field is a 400 and stores nothing; a line break sent escaped in the
 * text is a member's SMS and is stored. */
static void test_control_bytes(void **state)
{
#define LINE(id, text)                                                         \
    "GET /v1/kannel/sms?token=" TOKEN "&id=" id "&from=0912345678&text=" text  \
    " HTTP/1.1\r\nHost: x\r\n\r\n"
    static const struct {
        const char *label;
        const char *req;
        size_t len;
        int status;
    } t[] = {
        {"raw NUL in the text", LINE("c1", "S\0D"),
         sizeof(LINE("c1", "S\0D")) - 1, 400},
        {"raw NUL in the path", "GET /healthz\0x HTTP/1.1\r\n\r\n",
         sizeof("GET /healthz\0x HTTP/1.1\r\n\r\n") - 1, 400},
        {"raw 0x01 in the text", LINE("c2", "S\001D"),
         sizeof(LINE("c2", "S\001D")) - 1, 400},
        {"escaped 0x01 in the text", LINE("c3", "S%01D"),
         sizeof(LINE("c3", "S%01D")) - 1, 400},
        {"escaped 0x7f in the text", LINE("c4", "S%7FD"),
         sizeof(LINE("c4", "S%7FD")) - 1, 400},
        {"escaped NUL", LINE("c5", "S%00D"), sizeof(LINE("c5", "S%00D")) - 1,
         400},
        {"control byte in a key", LINE("c6", "SD&x%01=1"),
         sizeof(LINE("c6", "SD&x%01=1")) - 1, 400},
        {"a line break, escaped: stored", LINE("c7", "S%0AD"),
         sizeof(LINE("c7", "S%0AD")) - 1, 200},
        {"plain", LINE("c8", "SD"), sizeof(LINE("c8", "SD")) - 1, 200},
    };
#undef LINE
    struct fixture *fx = fx_start(0);
    struct resp r;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int got = raw_request(fx->port, t[i].req, t[i].len);

        if (got != t[i].status)
            fail_msg("%s: status %d, want %d", t[i].label, got, t[i].status);
    }
    assert_int_equal(inbound_rows(fx), 2);
    /* A form POST with a control byte in a field. */
    assert_int_equal(http(fx->port, "POST", "/v1/kannel/sms?token=" TOKEN,
                          "application/x-www-form-urlencoded",
                          "id=c9&from=0912345678&text=S%01D", 0, &r),
                     400);
    assert_int_equal(inbound_rows(fx), 2);
    assert_int_equal(http(fx->port, "POST", "/v1/kannel/sms?token=" TOKEN,
                          "application/x-www-form-urlencoded",
                          "id=c9&from=0912345678&text=S%0D%0AD", 0, &r),
                     200);
    assert_int_equal(inbound_rows(fx), 3);
    fx_free(fx);
}

static double now_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Too many query parameters or header lines: refused at once, never left
 * waiting for the connection timeout. */
static void test_too_many_fields(void **state)
{
    static const struct {
        unsigned params, headers;
        int status;
    } t[] = {
        {63, 0, 400},   {100, 0, 400}, {500, 0, 400},
        {2000, 0, 400}, {0, 500, 431},
    };
    struct fixture *fx = fx_start(0);
    char *req = malloc(65536);
    size_t i;

    (void)state;
    assert_non_null(req);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        size_t n = 0, k;
        double t0;
        int got;

        n += (size_t)snprintf(req + n, 65536 - n,
                              "GET /v1/kannel/sms?token=" TOKEN "&id=f%zu", i);
        for (k = 0; k < t[i].params; k++)
            n += (size_t)snprintf(req + n, 65536 - n, "&p%zu=1", k);
        n += (size_t)snprintf(req + n, 65536 - n, " HTTP/1.1\r\nHost: x\r\n");
        for (k = 0; k < t[i].headers; k++)
            n += (size_t)snprintf(req + n, 65536 - n, "X-H%zu: 1\r\n", k);
        n += (size_t)snprintf(req + n, 65536 - n, "\r\n");
        assert_true(n < 65536);
        t0 = now_s();
        got = raw_request(fx->port, req, n);
        if (got != t[i].status || now_s() - t0 > 1.0)
            fail_msg("%u params, %u headers: status %d in %.2f s, want %d "
                     "within 1 s",
                     t[i].params, t[i].headers, got, now_s() - t0, t[i].status);
    }
    free(req);
    assert_int_equal(inbound_rows(fx), 0);
    fx_free(fx);
}

/* A connection that sent part of a request head. */
static int slow_open(unsigned port)
{
    static const char part[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    int fd = loopback_connect(port);

    assert_int_equal(send(fd, part, sizeof(part) - 1, 0),
                     (ssize_t)(sizeof(part) - 1));
    return fd;
}

/* true once the server closed fd (end of stream or reset). */
static bool closed_by_server(int fd)
{
    struct timeval tv = {6, 0};
    char c;

    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return recv(fd, &c, 1, 0) <= 0;
}

/* Slow request heads: 24 connections over a limit of 8 trickle their
 * headers; the oldest unfinished heads are closed to make room for new
 * connections, legitimate requests are answered at once (well before the
 * heads' deadline), and every slow head is closed at its deadline (2 s)
 * however it trickles. */
static void test_slow_heads(void **state)
{
    enum { SLOW = 24 };
    int fds[SLOW];
    struct fixture *fx;
    struct resp r;
    double t0;
    size_t i, closed = 0;
    unsigned long long evicted = 0, timed = 0;
    const char *p;

    (void)state;
    fx_conn_limit = 8;
    fx_head_timeout = 2; /* not 1: a loaded sanitizer run needs the room */
    fx = fx_start(0);
    fx_conn_limit = fx_head_timeout = 0;
    for (i = 0; i < SLOW; i++)
        fds[i] = slow_open(fx->port);
    /* A header line every 300 ms keeps the idle timeout away. */
    for (i = 0; i < 3; i++) {
        const struct timespec pause = {0, 300 * 1000 * 1000};
        size_t k;

        (void)nanosleep(&pause, NULL);
        for (k = 0; k < SLOW; k++)
            (void)send(fds[k], "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
        t0 = now_s();
        assert_int_equal(get(fx->port, "/healthz", &r), 200);
        assert_true(now_s() - t0 < 2.0);
    }
    for (i = 0; i < SLOW; i++) {
        closed += closed_by_server(fds[i]);
        (void)close(fds[i]);
    }
    assert_int_equal(closed, SLOW);
    assert_int_equal(get_as(fx->port, "/metrics", METRICS_TOKEN, &r), 200);
    p = strstr(r.body, "connections_shut_total{reason=\"evicted\"} ");
    assert_non_null(p);
    evicted = strtoull(strchr(p, ' ') + 1, NULL, 10);
    p = strstr(r.body, "connections_shut_total{reason=\"head_timeout\"} ");
    assert_non_null(p);
    timed = strtoull(strchr(p, ' ') + 1, NULL, 10);
    assert_true(evicted >= SLOW - 8);
    assert_true(timed >= 1);
    fx_free(fx);
}

static void test_status_table(void **state)
{
    static const struct {
        const char *method, *path, *ctype, *body;
        long status;
        const char *allow;
    } t[] = {
        {NULL, "/", NULL, NULL, 404, ""},
        {NULL, "/nope", NULL, NULL, 404, ""},
        {NULL, "/v1/kannel", NULL, NULL, 404, ""},
        {NULL, "/v1/kannel/foo", NULL, NULL, 404, ""},
        {NULL, "/v1/kannel/sms/x", NULL, NULL, 404, ""},
        {NULL, "/v1/nope/sms?token=" TOKEN, NULL, NULL, 404, ""},
        {NULL, "/v1/KANNEL/sms?token=" TOKEN, NULL, NULL, 404, ""},
        {NULL, "/v1/esms/sms?token=" TOKEN, NULL, NULL, 404, ""},
        {NULL, "/v1/africastalking/sms", NULL, NULL, 404, ""},
        {"POST", "/v1/kannel/ussd?token=" TOKEN, "text/plain", "x", 404, ""},
        {"DELETE", "/v1/kannel/sms", NULL, NULL, 405, "GET, POST"},
        {"HEAD", "/v1/kannel/sms", NULL, NULL, 405, "GET, POST"},
        {"PUT", "/v1/kannel/dlr", NULL, NULL, 405, "GET, POST"},
        {NULL, "/v1/kannel/ussd", NULL, NULL, 405, "POST"},
        {"POST", "/healthz", "text/plain", "x", 405, "GET"},
        {"DELETE", "/metrics", NULL, NULL, 405, "GET"},
        /* authentication comes first */
        {NULL, "/v1/kannel/sms", NULL, NULL, 403, ""},
        {NULL, "/v1/kannel/sms?token=" TOKEN "x&id=1&from=0912345678&text=SD",
         NULL, NULL, 403, ""},
        {NULL, "/v1/kannel/sms?token=&id=1&from=0912345678&text=SD", NULL, NULL,
         403, ""},
        {NULL, "/v1/kannel/dlr?token=bad&id=1&status=1", NULL, NULL, 403, ""},
        {"POST", "/v1/kannel/sms", "application/x-www-form-urlencoded",
         "token=nope&id=1&from=0912345678&text=SD", 403, ""},
        /* then parsing */
        {NULL, "/v1/kannel/sms?token=" TOKEN, NULL, NULL, 400, ""},
        {NULL, "/v1/kannel/sms?token=" TOKEN "&id=1&from=1", NULL, NULL, 400,
         ""},
        {NULL, SMS("1", "0912345678", "a%G1"), NULL, NULL, 400, ""},
        {NULL, SMS("1", "0912345678", "a%00b"), NULL, NULL, 400, ""},
        {NULL, SMS("1", "0912345678", "SD") "&id=2", NULL, NULL, 400, ""},
        {"POST", "/v1/kannel/sms?token=" TOKEN,
         "application/x-www-form-urlencoded", "id=1&from=0912345678&text=%ZZ",
         400, ""},
        {"POST", "/v1/kannel/sms?token=" TOKEN,
         "multipart/form-data; boundary=x", "--x--", 415, ""},
        /* a token in the form does not count */
        {"POST", "/v1/kannel/sms", "application/x-www-form-urlencoded",
         "token=" TOKEN "&id=1&from=0912345678&text=SD", 403, ""},
        {NULL, "/v1/kannel/dlr?token=" TOKEN "&status=1", NULL, NULL, 400, ""},
    };
    struct fixture *fx = fx_start(0);
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct resp r;
        long got = http(fx->port, t[i].method, t[i].path, t[i].ctype, t[i].body,
                        0, &r);

        if (got != t[i].status || strcmp(r.allow, t[i].allow) != 0)
            fail_msg("row %zu %s %s: got %ld allow '%s', want %ld '%s'", i,
                     t[i].method ? t[i].method : "GET", t[i].path, got, r.allow,
                     t[i].status, t[i].allow);
    }
    /* None of that stored or sent anything. */
    assert_int_equal(inbound_rows(fx), 0);
    fx_free(fx);
}

static void test_healthz(void **state)
{
    struct fixture *fx = fx_start(0);
    struct resp r;

    (void)state;
    /* Publicly, up or down only; the figures with the operator's token. */
    assert_int_equal(get(fx->port, "/healthz", &r), 200);
    assert_string_equal(r.body, "{\"status\":\"ok\"}\n");
    assert_int_equal(get_as(fx->port, "/healthz", "wrong-token-0000000000", &r),
                     200);
    assert_string_equal(r.body, "{\"status\":\"ok\"}\n");
    assert_int_equal(get_as(fx->port, "/healthz", METRICS_TOKEN, &r), 200);
    assert_string_equal(r.body, "{\"status\":\"ok\",\"db\":\"ok\",\"outbox\":"
                                "{\"queued\":0,\"sending\":0,\"failed\":0},"
                                "\"oldest_queued_age_s\":0}\n");
    fx_free(fx);
}

/* Every sample line is NAME{LABELS} VALUE or NAME VALUE. */
static void assert_exposition(const char *text)
{
    const char *line = text;

    while (*line) {
        size_t len = strcspn(line, "\n");
        const char *sp = memchr(line, ' ', len);

        if (line[0] != '#') {
            size_t i;

            assert_non_null(sp);
            for (i = 0; line + i < sp && line[i] != '{'; i++)
                assert_true(line[i] == '_' ||
                            (line[i] >= 'a' && line[i] <= 'z'));
            assert_true(sp[1] == '-' || sp[1] == '+' ||
                        (sp[1] >= '0' && sp[1] <= '9'));
        }
        line += len + (line[len] == '\n');
    }
}

static void test_metrics(void **state)
{
    struct fixture *fx = fx_start(0);
    struct resp r;

    (void)state;
    assert_int_equal(get(fx->port, "/v1/kannel/sms?token=x", &r), 403);
    assert_int_equal(get(fx->port, SMS("m1", "0912345678", "SD"), &r), 200);
    /* The union's figures are not for the port facing the aggregator. */
    assert_int_equal(get(fx->port, "/metrics", &r), 401);
    assert_null(strstr(r.body, "diemtua_"));
    assert_int_equal(get_as(fx->port, "/metrics", "metrics-t0ken-5e8a1c2e", &r),
                     401);
    assert_int_equal(get_as(fx->port, "/metrics", "", &r), 401);
    assert_int_equal(get_as(fx->port, "/metrics", METRICS_TOKEN, &r), 200);
    assert_exposition(r.body);
    assert_non_null(strstr(r.body, "path=\"/metrics\",status=\"401\""));
    assert_non_null(strstr(r.body, "diemtua_http_requests_total{path=\"/v1/"
                                   "{provider}/sms\",status=\"403\"}"));
    assert_non_null(strstr(r.body, "diemtua_http_requests_total{path=\"/v1/"
                                   "{provider}/sms\",status=\"200\"}"));
    assert_non_null(strstr(r.body, "diemtua_inbound_total{provider=\"kannel\","
                                   "result=\"forbidden\"}"));
    assert_non_null(strstr(r.body, "diemtua_inbound_total{provider=\"kannel\","
                                   "result=\"ok\"}"));
    assert_non_null(
        strstr(r.body, "diemtua_outbox_messages{state=\"queued\"}"));
    assert_non_null(strstr(r.body, "# TYPE diemtua_writer_batch_size "
                                   "histogram"));
    assert_non_null(strstr(r.body, "diemtua_commit_seconds_count"));
    assert_non_null(strstr(r.body, "path=\"/metrics\",status=\"200\""));
    /* Raw URLs never become labels. */
    assert_null(strstr(r.body, "token"));
    fx_free(fx);
}

/* A form body whose total length is exactly len bytes. */
static void make_body(char *out, size_t len, const char *id)
{
    int n = snprintf(out, len + 1, "id=%s&from=0912345678&text=SD&pad=", id);

    assert_true(n > 0 && (size_t)n <= len);
    memset(out + n, 'p', len - (size_t)n);
    out[len] = '\0';
}

static void test_body_cap(void **state)
{
    static const struct {
        size_t len;
        long status;
    } t[] = {
        {MAX_BODY - 1, 200},
        {MAX_BODY, 200},
        {MAX_BODY + 1, 413},
        {MAX_BODY * 64, 413},
    };
    struct fixture *fx = fx_start(0);
    static char body[MAX_BODY * 64 + 1];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct resp r;
        char id[16];

        (void)snprintf(id, sizeof(id), "cap%zu", i);
        make_body(body, t[i].len, id);
        assert_int_equal(http(fx->port, "POST", "/v1/kannel/sms?token=" TOKEN,
                              "application/x-www-form-urlencoded", body, 0, &r),
                         t[i].status);
    }
    /* Without a Content-Length the accumulated upload is what counts. */
    {
        struct resp r;

        assert_int_equal(http(fx->port, "POST", "/v1/kannel/sms?token=" TOKEN,
                              "application/x-www-form-urlencoded", NULL,
                              MAX_BODY + 1, &r),
                         413);
    }
    assert_int_equal(inbound_rows(fx), 2);
    fx_free(fx);
}

static void test_forged_changes_nothing(void **state)
{
    static const char *const forged[] = {
        "/v1/kannel/sms?id=f1&from=0912345678&text=SD",
        "/v1/kannel/sms?token=" TOKEN "x&id=f2&from=0912345678&text=SD",
        "/v1/kannel/sms?token=S3CRET-TOKEN&id=f3&from=0912345678&text=SD",
        "/v1/kannel/sms?token=" TOKEN "%20&id=f4&from=0912345678&text=SD",
        "/v1/kannel/dlr?id=1&status=1",
    };
    struct fixture *fx = fx_start(0);
    int64_t out_before = outbox_rows(fx);
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(forged); i++) {
        struct resp r;

        assert_int_equal(get(fx->port, forged[i], &r), 403);
        assert_string_equal(r.body, "forbidden\n");
    }
    assert_int_equal(inbound_rows(fx), 0);
    assert_int_equal(outbox_rows(fx), out_before);
    fx_free(fx);
}

static void test_repeat_is_acknowledged_once(void **state)
{
    struct db_outbox_row row;
    struct fixture *fx = fx_start(0);
    int64_t out_before = outbox_rows(fx);
    struct resp r;
    int i;

    (void)state;
    for (i = 0; i < 3; i++) {
        assert_int_equal(get(fx->port, SMS("rep1", "0912345678", "SD"), &r),
                         200);
        assert_string_equal(r.body, ""); /* Kannel: no SMS from the body */
    }
    assert_int_equal(inbound_rows(fx), 1);
    assert_int_equal(outbox_rows(fx), out_before + 1);
    assert_string_equal(LAST_PHONE(fx), "+84912345678");
    assert_string_equal(LAST_TEXT(fx), "OK SD");
    fx_free(fx);
}

static void test_stored_text(void **state)
{
    static const struct {
        const char *path, *id, *want;
    } t[] = {
        {SMS("st1", "0912345678", "PIN+1234"), "st1", "PIN ****"},
        {SMS("st2", "0912345678", "SD"), "st2", "SD"},
        /* unknown sender: stored, no reply */
        {SMS("st3", "%2B4477", "SD+5"), "st3", "SD 5"},
    };
    struct fixture *fx = fx_start(0);
    int64_t out_before = outbox_rows(fx);
    struct db *db;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct resp r;

        assert_int_equal(get(fx->port, t[i].path, &r), 200);
    }
    db = fx_db(fx);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char text[64];

        assert_int_equal(
            db_inbound_text(db, "kannel", t[i].id, text, sizeof(text)), GW_OK);
        assert_string_equal(text, t[i].want);
    }
    db_close(db);
    assert_int_equal(outbox_rows(fx), out_before + 2);
    fx_free(fx);
}

static void test_busy_is_503(void **state)
{
    struct fixture *fx = fx_start(0);
    struct resp r;

    (void)state;
    assert_int_equal(get(fx->port, SMS("b1", "0912345678", "BUSY"), &r), 503);
    assert_int_equal(inbound_rows(fx), 0);
    /* The retry, once the store is back, goes through. */
    assert_int_equal(get(fx->port, SMS("b1", "0912345678", "SD"), &r), 200);
    assert_int_equal(inbound_rows(fx), 1);
    fx_free(fx);
}

static void test_rate_limit(void **state)
{
    struct fixture *fx = fx_start(2);
    int64_t out_before = outbox_rows(fx);
    struct db *db;
    char text[64];
    struct resp r;

    (void)state;
    assert_int_equal(get(fx->port, SMS("r1", "0912345678", "SD"), &r), 200);
    assert_int_equal(get(fx->port, SMS("r2", "0912345678", "SD"), &r), 200);
    /* Over the limit: still acknowledged and stored, but not run. */
    assert_int_equal(get(fx->port, SMS("r3", "0912345678", "PIN+1234"), &r),
                     200);
    /* Another number is not affected. */
    assert_int_equal(get(fx->port, SMS("r4", "0987654321", "SD"), &r), 200);
    assert_int_equal(inbound_rows(fx), 4);
    assert_int_equal(outbox_rows(fx), out_before + 3);
    db = fx_db(fx);
    assert_int_equal(db_inbound_text(db, "kannel", "r3", text, sizeof(text)),
                     GW_OK);
    assert_string_equal(text, "PIN ****"); /* digits never stored raw */
    db_close(db);
    fx_free(fx);
}

/* A leader records her whole group at the session, one SMS a member: the
 * per-number limit does not stop her; a member over it still gets no
 * reply. */
static void test_rate_limit_spares_leaders(void **state)
{
    struct fixture *fx = fx_start_with(2, true);
    int64_t before = outbox_rows(fx);
    struct db_outbox_row row;
    struct resp r;

    (void)state;
    assert_int_equal(get(fx->port, SMS("q1", "0912000009", "DS"), &r), 200);
    assert_int_equal(get(fx->port, SMS("q2", "0912000009", "DS"), &r), 200);
    assert_int_equal(get(fx->port, SMS("q3", "0912000009", "DS"), &r), 200);
    assert_int_equal(get(fx->port, SMS("q4", "0912000009", "TONG"), &r), 200);
    assert_int_equal(outbox_rows(fx), before + 4); /* max + 2: all answered */
    assert_string_equal(LAST_PHONE(fx), "+84912000009");
    assert_int_equal(get(fx->port, SMS("q5", "0912000001", "SD"), &r), 200);
    assert_int_equal(get(fx->port, SMS("q6", "0912000001", "SD"), &r), 200);
    assert_int_equal(get(fx->port, SMS("q7", "0912000001", "SD"), &r), 200);
    assert_int_equal(outbox_rows(fx), before + 6); /* max + 1: stored only */
    assert_int_equal(inbound_rows(fx), 7);
    fx_free(fx);
}

/* Leaders have their own limit, higher than members' but not none: a
 * flood from a leader's number (DS x100 before a THU) cannot fill the
 * outbox; and replies to unknown numbers stop at the hourly cap, each
 * such message still stored. Both counted in /metrics. */
/* The value of the first /metrics line that starts with name; 0 when
 * there is none (a counter still at zero is not written). */
static long long metric(unsigned port, const char *name)
{
    struct resp r;
    const char *p;

    assert_int_equal(get_as(port, "/metrics", METRICS_TOKEN, &r), 200);
    p = strstr(r.body, name);
    return p ? strtoll(p + strlen(name), NULL, 10) : 0;
}

#define KANNEL_RESULT(x)                                                       \
    "diemtua_inbound_total{provider=\"kannel\",result=\"" x "\"} "

static void test_leader_and_unknown_caps(void **state)
{
    struct fixture *fx;
    int64_t before;
    long long limited, capped;
    struct resp r;
    char id[32], from[32];
    int i;

    (void)state;
    fx_leader_limit = 4;
    fx_unknown_cap = 3;
    fx = fx_start_with(2, true);
    fx_leader_limit = fx_unknown_cap = 0;
    before = outbox_rows(fx);
    limited = metric(fx->port, KANNEL_RESULT("rate_limited"));
    capped = metric(fx->port, KANNEL_RESULT("unknown_capped"));
    for (i = 0; i < 6; i++) {
        char path[256];

        (void)snprintf(
            path, sizeof(path),
            "/v1/kannel/sms?token=" TOKEN "&id=l%d&from=0912000009&text=DS", i);
        assert_int_equal(get(fx->port, path, &r), 200);
    }
    assert_int_equal(outbox_rows(fx), before + 4); /* 2 stored, not run */
    /* Five unknown numbers: three answered, two stored unanswered. */
    for (i = 0; i < 5; i++) {
        char path[256];

        (void)snprintf(id, sizeof(id), "u%d", i);
        (void)snprintf(from, sizeof(from), "097800000%d", i);
        (void)snprintf(path, sizeof(path),
                       "/v1/kannel/sms?token=" TOKEN "&id=%s&from=%s&text=SD",
                       id, from);
        assert_int_equal(get(fx->port, path, &r), 200);
    }
    assert_int_equal(outbox_rows(fx), before + 7);
    assert_int_equal(inbound_rows(fx), 11);
    assert_int_equal(metric(fx->port, KANNEL_RESULT("rate_limited")),
                     limited + 2);
    assert_int_equal(metric(fx->port, KANNEL_RESULT("unknown_capped")),
                     capped + 2);
    fx_free(fx);
}

static void test_rate_bucket(void **state)
{
    struct inbound *in = inbound_new(NULL, 3, test_handle);
    int64_t t0 = 1000000;

    (void)state;
    assert_true(inbound_rate_allow(in, "+84912345678", t0));
    assert_true(inbound_rate_allow(in, "+84912345678", t0));
    assert_true(inbound_rate_allow(in, "+84912345678", t0));
    assert_false(inbound_rate_allow(in, "+84912345678", t0)); /* max + 1 */
    assert_false(inbound_rate_allow(in, "+84912345678", t0 + 1199));
    assert_true(inbound_rate_allow(in, "+84912345678", t0 + 1200)); /* 1/3 h */
    assert_false(inbound_rate_allow(in, "+84912345678", t0 + 1200));
    assert_true(inbound_rate_allow(in, "+84987654321", t0));
    assert_true(inbound_rate_allow(in, "", t0)); /* unknown: no bucket */
    inbound_free(in);
    in = inbound_new(NULL, 0, test_handle); /* 0: no limit */
    assert_true(inbound_rate_allow(in, "+84912345678", t0));
    inbound_free(in);
}

static void test_dlr(void **state)
{
    static const char *const paths[] = {
        "/v1/kannel/dlr?token=" TOKEN "&id=999&status=1", /* unknown id */
        "/v1/kannel/dlr?token=" TOKEN "&id=999&status=2",
        "/v1/kannel/dlr?token=" TOKEN "&id=999&status=8", /* pending */
    };
    struct fixture *fx = fx_start(0);
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(paths); i++) {
        struct resp r;

        assert_int_equal(get(fx->port, paths[i], &r), 200);
    }
    fx_free(fx);
}

/* The whole path with the real handlers: a member's balance request is
 * answered through the outbox, an unknown number once a day, a
 * non-Vietnamese sender never. */
static void test_real_handler(void **state)
{
    struct db_outbox_row row;
    struct fixture *fx = fx_start_with(0, true);
    int64_t before = outbox_rows(fx);
    struct resp r;

    (void)state;
    assert_int_equal(get(fx->port, SMS("h1", "0912000001", "sd"), &r), 200);
    assert_int_equal(outbox_rows(fx), before + 1);
    assert_string_equal(LAST_PHONE(fx), "+84912000001");
    assert_non_null(strstr(LAST_TEXT(fx), "NHCS: Vay "));
    assert_int_equal(get(fx->port, SMS("h2", "0987654321", "sd"), &r), 200);
    assert_int_equal(get(fx->port, SMS("h3", "0987654321", "sd"), &r), 200);
    assert_int_equal(outbox_rows(fx), before + 2);
    assert_string_equal(LAST_PHONE(fx), "+84987654321");
    assert_int_equal(get(fx->port, SMS("h4", "%2B4420", "sd"), &r), 200);
    assert_int_equal(outbox_rows(fx), before + 2);
    assert_int_equal(inbound_rows(fx), 4);
    fx_free(fx);
}

/* base64(MD5(cpid smsid content receiverTime key)), URL-encoded. */
static void esms_sign(const char *cpid, const char *smsid, const char *content,
                      const char *rtime, char *out, size_t size)
{
    unsigned char md[EVP_MAX_MD_SIZE], b64[32];
    unsigned int mdlen = 0;
    char in[256];
    size_t i, o = 0;
    int n;

    n = snprintf(in, sizeof(in), "%s%s%s%s%s", cpid, smsid, content, rtime,
                 ESMS_KEY);
    assert_true(n > 0 && (size_t)n < sizeof(in));
    assert_true(EVP_Digest(in, (size_t)n, md, &mdlen, EVP_md5(), NULL));
    assert_int_equal(EVP_EncodeBlock(b64, md, (int)mdlen), 24);
    for (i = 0; i < 24 && o + 4 < size; i++) {
        if (b64[i] == '+' || b64[i] == '/' || b64[i] == '=')
            o += (size_t)snprintf(out + o, size - o, "%%%02X", b64[i]);
        else
            out[o++] = (char)b64[i];
    }
    out[o] = '\0';
}

/* receiverTime (yyyyMMddhhmmss, Vietnam time) of now + offset seconds. */
static void esms_time(long offset, char *out, size_t size)
{
    time_t t = time(NULL) + 7 * 3600 + offset;
    struct tm tm;

    assert_non_null(gmtime_r(&t, &tm));
    assert_int_equal(strftime(out, size, "%Y%m%d%H%M%S", &tm), 14);
}

/* An MO of account cpid with content, signed over exactly those fields
 * (content is plain: no characters that need escaping). */
static void esms_mo(char *out, size_t size, const char *cpid, const char *smsid,
                    const char *content, long offset)
{
    char rtime[16], sign[64];

    esms_time(offset, rtime, sizeof(rtime));
    esms_sign(cpid, smsid, content, rtime, sign, sizeof(sign));
    (void)snprintf(out, size,
                   "/v1/esms/sms?token=" TOKEN "&sender=84912000001"
                   "&content=%s&serviceNumber=8079&keyword=SD&cpid=%s"
                   "&smsid=%s&receiverTime=%s&sign=%s",
                   content, cpid, smsid, rtime, sign);
}

static void esms_path(char *out, size_t size, const char *smsid,
                      const char *sign)
{
    char rtime[16];

    esms_time(0, rtime, sizeof(rtime));
    (void)snprintf(out, size,
                   "/v1/esms/sms?token=" TOKEN "&sender=84912000001"
                   "&content=SD&serviceNumber=8079&keyword=SD&cpid=777"
                   "&smsid=%s&receiverTime=%s&sign=%s",
                   smsid, rtime, sign);
}

/* One member's balance request through each provider's own shape: the
 * reply is queued for her phone, and a forged signature does nothing. */
static void test_providers_end_to_end(void **state)
{
    struct db_outbox_row row;
    struct fixture *fx = fx_start_with(0, true);
    int64_t before = outbox_rows(fx);
    char sign[64], path[512], rtime[16];
    struct resp r;

    (void)state;
    /* Kannel: sms-service get-url */
    assert_int_equal(get(fx->port,
                         "/v1/kannel/sms?token=" TOKEN "&id=k-1"
                         "&from=%2B84912000001&to=8079&text=SD",
                         &r),
                     200);
    assert_int_equal(outbox_rows(fx), before + 1);
    assert_string_equal(LAST_PHONE(fx), "+84912000001");
    assert_non_null(strstr(LAST_TEXT(fx), "NHCS: Vay "));

    /* eSMS: signed GET, answered with its XML */
    esms_mo(path, sizeof(path), "777", "e-1", "SD", 0);
    assert_int_equal(get(fx->port, path, &r), 200);
    assert_non_null(strstr(r.body, "<Smsid>e-1</Smsid>"));
    assert_int_equal(outbox_rows(fx), before + 2);
    assert_string_equal(LAST_PHONE(fx), "+84912000001");
    assert_non_null(strstr(LAST_TEXT(fx), "NHCS: Vay "));
    /* the same with a signature over other text: refused, nothing stored */
    esms_time(0, rtime, sizeof(rtime));
    esms_sign("777", "e-2", "LS", rtime, sign, sizeof(sign));
    esms_path(path, sizeof(path), "e-2", sign);
    assert_int_equal(get(fx->port, path, &r), 403);

    /* Africa's Talking: form POST */
    assert_int_equal(http(fx->port, "POST",
                          "/v1/africastalking/sms?token=" TOKEN,
                          "application/x-www-form-urlencoded",
                          "id=ATXid_1&from=%2B84912000002&to=8079&text=SD"
                          "&date=2026-11-26T12%3A00%3A00Z&linkId=x",
                          0, &r),
                     200);
    assert_int_equal(outbox_rows(fx), before + 3);
    assert_string_equal(LAST_PHONE(fx), "+84912000002");
    assert_non_null(strstr(LAST_TEXT(fx), "NHCS: "));

    assert_int_equal(inbound_rows(fx), 3);
    fx_free(fx);
}

/* A captured eSMS MO cannot be replayed as a new message: re-cut into
 * other fields (the sign does not separate them), sent long after, or
 * with a receiverTime that is not a time, it is refused or is a
 * duplicate; nothing is stored, nothing is queued. */
static void test_esms_replays(void **state)
{
    static const struct {
        const char *label, *cpid, *smsid, *content;
        long offset;
        int status;
    } t[] = {
        {"re-cut cpid/smsid (777,8001 -> 7778,001)", "7778", "001", "SD", 0,
         403},
        {"another account's cpid", "778", "8001", "SD", 0, 403},
        {"from 2019", "777", "8002", "SD", -7L * 365 * 86400, 403},
        {"six hours ahead", "777", "8003", "SD", 6 * 3600, 403},
        {"16 minutes old", "777", "8004", "SD", -16 * 60, 403},
        {"re-cut smsid/content (8001,SD -> 800,1SD): same sign", "777", "800",
         "1SD", 0, 200},
        {"the original again (the provider's retry)", "777", "8001", "SD", 0,
         200},
    };
    struct fixture *fx = fx_start_with(0, true);
    char path[512], first_time[16], sign[64];
    int64_t inbound, outbox;
    struct resp r;
    size_t i;

    (void)state;
    /* The captured MO: its receiverTime is kept for the re-cuts (a new
     * second would make a new sign, a new message only the key holder
     * could have made). */
    esms_time(0, first_time, sizeof(first_time));
    esms_sign("777", "8001", "SD", first_time, sign, sizeof(sign));
    (void)snprintf(path, sizeof(path),
                   "/v1/esms/sms?token=" TOKEN "&sender=84912000001"
                   "&content=SD&serviceNumber=8079&cpid=777&smsid=8001"
                   "&receiverTime=%s&sign=%s",
                   first_time, sign);
    assert_int_equal(get(fx->port, path, &r), 200);
    inbound = inbound_rows(fx);
    outbox = outbox_rows(fx);
    assert_int_equal(inbound, 1);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int got;

        if (strcmp(t[i].cpid, "7778") == 0 || strcmp(t[i].smsid, "800") == 0) {
            /* The captured sign, moved to other field boundaries. */
            (void)snprintf(path, sizeof(path),
                           "/v1/esms/sms?token=" TOKEN "&sender=84912000001"
                           "&content=%s&serviceNumber=8079&cpid=%s&smsid=%s"
                           "&receiverTime=%s&sign=%s",
                           t[i].content, t[i].cpid, t[i].smsid, first_time,
                           sign);
        } else {
            esms_mo(path, sizeof(path), t[i].cpid, t[i].smsid, t[i].content,
                    t[i].offset);
        }
        got = get(fx->port, path, &r);
        if (got != t[i].status)
            fail_msg("%s: status %d, want %d", t[i].label, got, t[i].status);
        assert_int_equal(inbound_rows(fx), inbound);
        assert_int_equal(outbox_rows(fx), outbox);
    }
    /* Not a time at all. */
    esms_sign("777", "8005", "SD", "2026-12-06", sign, sizeof(sign));
    (void)snprintf(path, sizeof(path),
                   "/v1/esms/sms?token=" TOKEN "&sender=84912000001"
                   "&content=SD&cpid=777&smsid=8005&receiverTime=2026-12-06"
                   "&sign=%s",
                   sign);
    assert_int_equal(get(fx->port, path, &r), 403);
    assert_int_equal(inbound_rows(fx), inbound);
    fx_free(fx);
}

/* A delivery report moves the message; unknown ids and pending states
 * are acknowledged and change nothing. */
static void test_dlr_moves_message(void **state)
{
    struct fixture *fx = fx_start_with(0, true);
    const struct timespec pause = {0, 10 * 1000 * 1000};
    struct db_outbox_row row;
    struct db *db;
    struct resp r;
    int i;

    (void)state;
    assert_int_equal(get(fx->port, SMS("d1", "0912000001", "SD"), &r), 200);
    /* The log provider marks it SENT at once. */
    for (i = 0; i < 1000; i++) { /* 10 s: a loaded sanitizer run */
        last_outbox(fx, &row);
        if (strcmp(row.state, "SENT") == 0)
            break;
        (void)nanosleep(&pause, NULL);
    }
    assert_string_equal(row.state, "SENT");
    /* Kannel did not send it (the log provider did): acknowledged, and
     * the message stays as it is. */
    assert_int_equal(
        get(fx->port, "/v1/kannel/dlr?token=" TOKEN "&id=1&status=1", &r), 200);
    last_outbox(fx, &row);
    assert_string_equal(row.state, "SENT");
    /* As if Kannel had sent it. */
    db = fx_db(fx);
    assert_int_equal(db_outbox_mark_sent(db, row.msg.id, "kannel", "", 1),
                     GW_OK);
    db_close(db);
    assert_int_equal(
        get(fx->port, "/v1/kannel/dlr?token=" TOKEN "&id=1&status=8", &r), 200);
    last_outbox(fx, &row);
    assert_string_equal(row.state, "SENT"); /* pending: no change */
    assert_int_equal(
        get(fx->port, "/v1/kannel/dlr?token=" TOKEN "&id=1&status=1", &r), 200);
    last_outbox(fx, &row);
    assert_string_equal(row.state, "DELIVERED");
    /* DELIVERED is final: a later failure report changes nothing. */
    assert_int_equal(
        get(fx->port, "/v1/kannel/dlr?token=" TOKEN "&id=1&status=16", &r),
        200);
    last_outbox(fx, &row);
    assert_string_equal(row.state, "DELIVERED");
    fx_free(fx);
}

/* Callbacks keep the connection open: one TCP connection for many. */
static void test_keepalive(void **state)
{
    struct fixture *fx = fx_start(0);
    CURL *c = curl_easy_init();
    struct resp r;
    int i;

    (void)state;
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    for (i = 0; i < 3; i++) {
        char url[256];
        long conns = -1, status = 0;

        (void)snprintf(url, sizeof(url),
                       "http://127.0.0.1:%u" SMS("ka%d", "0912345678", "SD"),
                       fx->port, i);
        memset(&r, 0, sizeof(r));
        curl_easy_setopt(c, CURLOPT_URL, url);
        assert_int_equal(curl_easy_perform(c), CURLE_OK);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
        assert_int_equal(status, 200);
        assert_int_equal(conns, i == 0 ? 1 : 0);
    }
    curl_easy_cleanup(c);
    assert_int_equal(inbound_rows(fx), 3);
    fx_free(fx);
}

/* ---- stop with requests in flight ----------------------------------- */

#define STOP_CLIENTS 4
#define STOP_REQUESTS 1000 /* more than the drain sees: the stop cuts in */

static _Atomic unsigned acked; /* 2xx answers seen by the clients */

struct client {
    unsigned port, index;
    bool keepalive; /* one connection for all its requests, like smsbox */
    long status[STOP_REQUESTS];
};

/* One request on the client's kept-alive handle c; 0 when no answer. */
static long get_on(CURL *c, unsigned port, const char *path)
{
    char url[320];
    struct resp r;
    long status = 0;

    memset(&r, 0, sizeof(r));
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    CURL *h = c->keepalive ? curl_easy_init() : NULL;
    const struct timespec gap = {0, 3 * 1000 * 1000};
    unsigned i;

    for (i = 0; i < STOP_REQUESTS; i++) {
        char path[256];
        struct resp r;

        (void)snprintf(path, sizeof(path),
                       "/v1/kannel/sms?token=" TOKEN "&id=s%u-%u"
                       "&from=09%08u&text=SD",
                       c->index, i, c->index * 1000 + i);
        c->status[i] = h ? get_on(h, c->port, path) : get(c->port, path, &r);
        if (c->status[i] != 200)
            break; /* stopping: the rest would be refused too */
        atomic_fetch_add(&acked, 1);
        /* Idle moments on an open connection: the drain sees none in
         * flight while the connection still brings more. */
        if (h)
            (void)nanosleep(&gap, NULL);
    }
    for (i++; i < STOP_REQUESTS; i++)
        c->status[i] = 0; /* not sent */
    if (h)
        curl_easy_cleanup(h);
    return NULL;
}

static void stop_under_load(bool keepalive)
{
    struct fixture *fx = fx_start(0);
    struct client clients[STOP_CLIENTS];
    pthread_t th[STOP_CLIENTS];
    unsigned i, j, ok = 0;
    const struct timespec pause = {0, 2 * 1000 * 1000};
    struct db *db;

    atomic_store(&acked, 0);
    for (i = 0; i < STOP_CLIENTS; i++) {
        clients[i].port = fx->port;
        clients[i].index = i;
        clients[i].keepalive = keepalive;
        assert_int_equal(pthread_create(&th[i], NULL, client_main, &clients[i]),
                         0);
    }
    /* Stop in the middle of the flow, whatever the machine's load. */
    for (i = 0; i < 5000 && atomic_load(&acked) < 20; i++)
        (void)nanosleep(&pause, NULL);
    fx_stop_server(fx);
    for (i = 0; i < STOP_CLIENTS; i++)
        (void)pthread_join(th[i], NULL);
    db = fx_db(fx);
    for (i = 0; i < STOP_CLIENTS; i++)
        for (j = 0; j < STOP_REQUESTS; j++) {
            char id[32];
            bool found = false;

            if (clients[i].status[j] != 200)
                continue;
            ok++;
            (void)snprintf(id, sizeof(id), "s%u-%u", i, j);
            assert_int_equal(db_inbound_exists(db, "kannel", id, &found),
                             GW_OK);
            if (!found)
                fail_msg("%s was acknowledged but is not stored", id);
        }
    db_close(db);
    print_message("%u of %u acknowledged before the stop\n", ok,
                  STOP_CLIENTS * STOP_REQUESTS);
    assert_true(ok > 0);
    fx_free(fx);
}

static void test_stop_loses_nothing(void **state)
{
    (void)state;
    stop_under_load(false);
}

static gw_err job_ok(struct db *db, struct writer_job *job, size_t *queued)
{
    (void)db;
    (void)job;
    *queued = 0;
    return GW_OK;
}

static _Atomic int jobs_done;

static void job_counted(struct writer_job *job)
{
    (void)job;
    atomic_fetch_add(&jobs_done, 1);
}

/* The stop's order: the writer, stopped, still answers the HTTP threads
 * (a request on a kept-alive connection) with GW_EBUSY until it is freed
 * after httpd_stop(); it used to be freed by writer_stop() itself. */
static void test_writer_refuses_after_stop(void **state)
{
    char dir[] = "/tmp/dt_writer_XXXXXX", path[64];
    struct writer_job a = {.run = job_ok, .done = job_counted};
    struct writer_job b = {.run = job_ok, .done = job_counted};
    struct writer *w = NULL;

    (void)state;
    atomic_store(&jobs_done, 0);
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/w.db", dir);
    assert_int_equal(writer_start(path, NULL, NULL, &w), GW_OK);
    assert_int_equal(writer_submit(w, &a), GW_OK);
    writer_stop(w); /* runs what is queued first */
    assert_int_equal(atomic_load(&jobs_done), 1);
    assert_int_equal(a.err, GW_OK);
    assert_int_equal(writer_submit(w, &b), GW_EBUSY);
    writer_stop(w); /* twice: harmless */
    assert_int_equal(writer_submit(w, &b), GW_EBUSY);
    assert_int_equal(atomic_load(&jobs_done), 1); /* b never ran */
    writer_free(w);
    writer_free(NULL);
    writer_stop(NULL);
    (void)unlink(path);
    (void)snprintf(path, sizeof(path), "%s/w.db-wal", dir);
    (void)unlink(path);
    (void)snprintf(path, sizeof(path), "%s/w.db-shm", dir);
    (void)unlink(path);
    (void)rmdir(dir);
}

/* Kept-alive connections bring requests after the drain: the stop must
 * refuse them (503), not hand them to a writer already freed (it hung in
 * MHD_stop_daemon, a worker blocked on the freed writer's lock). */
static void test_stop_keepalive_loses_nothing(void **state)
{
    (void)state;
    stop_under_load(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_slow_heads),
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_forged_changes_nothing),
        cmocka_unit_test(test_repeat_is_acknowledged_once),
        cmocka_unit_test(test_stored_text),
        cmocka_unit_test(test_busy_is_503),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_rate_limit_spares_leaders),
        cmocka_unit_test(test_leader_and_unknown_caps),
        cmocka_unit_test(test_rate_bucket),
        cmocka_unit_test(test_dlr),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_real_handler),
        cmocka_unit_test(test_esms_replays),
        cmocka_unit_test(test_providers_end_to_end),
        cmocka_unit_test(test_dlr_moves_message),
        cmocka_unit_test(test_stop_loses_nothing),
        cmocka_unit_test(test_stop_keepalive_loses_nothing),
        cmocka_unit_test(test_writer_refuses_after_stop),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests_name("httpd", tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
