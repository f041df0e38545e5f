/* httpd.c - libmicrohttpd front: routes, limits, callbacks to the writer */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_msg.h"
#include "gateway/conn_guard.h"
#include "gateway/form.h"
#include "gateway/httpd.h"
#include "gateway/metrics.h"
#include "gateway/ussd.h"
#include "gateway/ussd_front.h"
#include "common/banned.h"

/* The *req_cls of a request whose line held a raw NUL or control byte
 * (on_uri): answered 400. */
static char bad_line;

/* Used when the configuration leaves a limit at 0. */
#define HTTPD_DEFAULT_THREADS 2
#define HTTPD_DEFAULT_TIMEOUT 10 /* seconds: slowloris */
#define HTTPD_DEFAULT_MAX_BODY 8192
/* Bound on what a provider may answer an SMS with (eSMS wants XML). */
#define HTTPD_ANSWER_MAX 4096
#define HTTPD_PROVIDER_NAME_MAX 31
/* An oversized upload without Content-Length is read and dropped up to
 * this much (to answer 413), then the connection is closed. */
#define HTTPD_DRAIN_MAX (1024 * 1024)

struct httpd {
    struct MHD_Daemon *daemon;
    const struct dt_config *cfg;
    struct writer *writer;
    struct inbound *in;
    size_t max_body;
    unsigned port;
    _Atomic long inflight; /* requests with state, not yet completed */
    pthread_mutex_t stats_lock;
    struct db *stats_db;      /* /healthz and /metrics only, under stats_lock */
    struct ussd_front *ussd;  /* USSD hops: reads, idle table */
    struct conn_guard *guard; /* head deadline, connection limit */
};

enum route { ROUTE_SMS, ROUTE_DLR, ROUTE_USSD };

enum req_phase {
    PHASE_BODY,    /* receiving the upload */
    PHASE_WAITING, /* suspended: the job is with the writer */
    PHASE_DONE     /* resumed: job.wj.err is final */
};

/* Everything one callback needs, in one allocation. */
struct req {
    struct inbound_job job; /* first: the writer hands back &job.wj */
    struct httpd *h;
    struct MHD_Connection *conn;
    const struct provider_ops *ops;
    const struct cfg_provider *pcfg;
    enum route route;
    enum req_phase phase;
    bool too_big;
    size_t dropped; /* bytes of an oversized upload read and discarded */
    struct buf body;
    struct http_req hreq;
    const struct ussd_dialect *dialect; /* ROUTE_USSD only */
    struct ussd_job ujob;               /* ROUTE_USSD only */
};

static const enum metrics_path route_metric[] = {
    [ROUTE_SMS] = METRICS_PATH_SMS,
    [ROUTE_DLR] = METRICS_PATH_DLR,
    [ROUTE_USSD] = METRICS_PATH_USSD,
};

static enum MHD_Result send_text(struct MHD_Connection *conn,
                                 enum metrics_path path, unsigned status,
                                 const char *ctype, const char *body,
                                 size_t len, const char *allow)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (allow)
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    if (path < METRICS_PATH_COUNT) /* COUNT: counted by the caller */
        metrics_http(path, status);
    return ret;
}

/* Short bodies for errors: no detail an attacker could use. */
static enum MHD_Result send_status(struct MHD_Connection *conn,
                                   enum metrics_path path, unsigned status)
{
    const char *msg;

    switch (status) {
    case 200:
        msg = "OK\n";
        break;
    case 400:
        msg = "bad request\n";
        break;
    case 403:
        msg = "forbidden\n";
        break;
    case 404:
        msg = "not found\n";
        break;
    case 413:
        msg = "payload too large\n";
        break;
    case 415:
        msg = "unsupported media type\n";
        break;
    case 503:
        msg = "service unavailable\n";
        break;
    default:
        msg = "internal error\n";
        break;
    }
    return send_text(conn, path, status, "text/plain", msg, strlen(msg), NULL);
}

static enum MHD_Result send_405(struct MHD_Connection *conn,
                                enum metrics_path path, const char *allow)
{
    static const char msg[] = "method not allowed\n";

    return send_text(conn, path, 405, "text/plain", msg, sizeof(msg) - 1,
                     allow);
}

/* ---- /healthz and /metrics ---------------------------------------- */

static gw_err read_stats(struct httpd *h, struct db_outbox_stats *st)
{
    gw_err err;

    pthread_mutex_lock(&h->stats_lock);
    err = h->stats_db ? db_ping(h->stats_db) : GW_EDB;
    if (err == GW_OK)
        err = db_outbox_stats(h->stats_db, st);
    pthread_mutex_unlock(&h->stats_lock);
    return err;
}

/* true when the request carries "Authorization: Bearer <metrics_token>"
 * (constant time). No token configured: nobody is. */
static bool operator_auth(const struct httpd *h, struct MHD_Connection *conn)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);

    if (h->cfg->metrics_token[0] == '\0' || v == NULL ||
        strncmp(v, "Bearer ", 7) != 0)
        return false;
    return strv_secure_eq(strv_from_cstr(v + 7),
                          strv_from_cstr(h->cfg->metrics_token));
}

static enum MHD_Result serve_healthz(struct httpd *h,
                                     struct MHD_Connection *conn)
{
    static const char bad[] = "{\"status\":\"error\"}\n";
    static const char up[] = "{\"status\":\"ok\"}\n";
    struct db_outbox_stats st;
    char body[256];
    int64_t age = 0;
    int n;

    if (read_stats(h, &st) != GW_OK)
        return send_text(conn, METRICS_PATH_HEALTHZ, 503, "application/json",
                         bad, sizeof(bad) - 1, NULL);
    /* The public answer is up or down; the figures are the operator's. */
    if (!operator_auth(h, conn))
        return send_text(conn, METRICS_PATH_HEALTHZ, 200, "application/json",
                         up, sizeof(up) - 1, NULL);
    if (st.oldest_queued_at > 0 && st.oldest_queued_at < time(NULL))
        age = (int64_t)time(NULL) - st.oldest_queued_at;
    n = snprintf(body, sizeof(body),
                 "{\"status\":\"ok\",\"db\":\"ok\",\"outbox\":{\"queued\":%lld,"
                 "\"sending\":%lld,\"failed\":%lld},"
                 "\"oldest_queued_age_s\":%lld}\n",
                 (long long)st.queued, (long long)st.sending,
                 (long long)st.failed, (long long)age);
    if (n < 0 || (size_t)n >= sizeof(body))
        return send_status(conn, METRICS_PATH_HEALTHZ, 500);
    return send_text(conn, METRICS_PATH_HEALTHZ, 200, "application/json", body,
                     (size_t)n, NULL);
}

static enum MHD_Result serve_metrics(struct httpd *h,
                                     struct MHD_Connection *conn)
{
    struct db_outbox_stats st;
    struct buf out;
    bool have;
    enum MHD_Result ret;

    if (!operator_auth(h, conn)) {
        static const char no[] = "401 metrics need Authorization: Bearer "
                                 "[server] metrics_token\n";
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            sizeof(no) - 1, (void *)(uintptr_t)no, MHD_RESPMEM_PERSISTENT);

        if (resp == NULL)
            return MHD_NO;
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                      "Bearer realm=\"diemtua\"");
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                      "text/plain");
        ret = MHD_queue_response(conn, 401, resp);
        MHD_destroy_response(resp);
        metrics_http(METRICS_PATH_METRICS, 401);
        return ret;
    }
    have = read_stats(h, &st) == GW_OK;
    /* Count this scrape before rendering so it sees itself. */
    metrics_http(METRICS_PATH_METRICS, 200);
    buf_init(&out, 1 << 20);
    metrics_render(&out, have ? &st : NULL);
    if (out.err) {
        buf_release(&out);
        return send_status(conn, METRICS_PATH_OTHER, 500);
    }
    ret = send_text(conn, METRICS_PATH_COUNT, 200, "text/plain; version=0.0.4",
                    buf_cstr(&out), out.len, NULL);
    buf_release(&out);
    return ret;
}

/* ---- routing -------------------------------------------------------- */

/* Splits "/v1/NAME/KIND" into name (lower-case letters) and kind. */
static bool parse_v1(const char *url, char name[HTTPD_PROVIDER_NAME_MAX + 1],
                     const char **kind)
{
    const char *p, *slash;
    size_t n;

    if (strncmp(url, "/v1/", 4) != 0)
        return false;
    p = url + 4;
    slash = strchr(p, '/');
    if (slash == NULL)
        return false;
    n = (size_t)(slash - p);
    if (n == 0 || n > HTTPD_PROVIDER_NAME_MAX)
        return false;
    memcpy(name, p, n);
    name[n] = '\0';
    for (p = name; *p; p++)
        if (*p < 'a' || *p > 'z')
            return false;
    *kind = slash + 1;
    return true;
}

static bool is_get(const char *m)
{
    return strcmp(m, MHD_HTTP_METHOD_GET) == 0 ||
           strcmp(m, MHD_HTTP_METHOD_HEAD) == 0;
}

static bool is_post(const char *m)
{
    return strcmp(m, MHD_HTTP_METHOD_POST) == 0;
}

static size_t content_length(struct MHD_Connection *conn, bool *present)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t n = 0;

    *present = v != NULL;
    if (v && strv_to_u64(strv_from_cstr(v), SIZE_MAX, &n) != GW_OK)
        return SIZE_MAX; /* unparseable: MHD refuses it anyway */
    return (size_t)n;
}

static enum MHD_Result on_first(struct httpd *h, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                void **req_cls)
{
    char name[HTTPD_PROVIDER_NAME_MAX + 1];
    const struct provider_ops *ops;
    const struct cfg_provider *pcfg;
    const char *kind;
    enum route route;
    struct req *r;
    bool has_len;

    if (strcmp(url, "/healthz") == 0)
        return is_get(method) ? serve_healthz(h, conn)
                              : send_405(conn, METRICS_PATH_HEALTHZ, "GET");
    if (strcmp(url, "/metrics") == 0)
        return is_get(method) ? serve_metrics(h, conn)
                              : send_405(conn, METRICS_PATH_METRICS, "GET");
    if (!parse_v1(url, name, &kind))
        return send_status(conn, METRICS_PATH_OTHER, 404);
    if (strcmp(kind, "sms") == 0)
        route = ROUTE_SMS;
    else if (strcmp(kind, "dlr") == 0)
        route = ROUTE_DLR;
    else if (strcmp(kind, "ussd") == 0)
        route = ROUTE_USSD;
    else
        return send_status(conn, METRICS_PATH_OTHER, 404);
    /* HEAD is refused here: a callback has effects. */
    if (route == ROUTE_USSD
            ? !is_post(method)
            : strcmp(method, MHD_HTTP_METHOD_GET) != 0 && !is_post(method))
        return send_405(conn, route_metric[route],
                        route == ROUTE_USSD ? "POST" : "GET, POST");
    ops = provider_find(name);
    pcfg = ops ? config_provider(h->cfg, ops->name) : NULL;
    /* A provider without a USSD dialect has no USSD route. */
    if (pcfg == NULL || !pcfg->enabled ||
        (route == ROUTE_USSD && ussd_dialect_find(ops->name) == NULL))
        return send_status(conn, route_metric[route], 404);
    if (content_length(conn, &has_len) > h->max_body)
        return send_status(conn, route_metric[route], 413);
    r = xcalloc(1, sizeof(*r));
    r->h = h;
    r->conn = conn;
    r->ops = ops;
    r->pcfg = pcfg;
    r->route = route;
    r->dialect = route == ROUTE_USSD ? ussd_dialect_find(ops->name) : NULL;
    r->phase = PHASE_BODY;
    buf_init(&r->body, h->max_body);
    buf_init(&r->job.sms.text, DT_SMS_IN_MAX);
    r->hreq.method = is_post(method) ? "POST" : "GET";
    r->hreq.path = url;
    r->hreq.now = (int64_t)time(NULL);
    r->hreq.body = "";
    r->hreq.content_type = "";
    atomic_fetch_add(&h->inflight, 1);
    *req_cls = r;
    return MHD_YES;
}

/* ---- building the request a provider sees --------------------------- */

struct query_ctx {
    struct http_req *req;
    bool bad;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind,
                                 const char *key, size_t key_size,
                                 const char *value, size_t value_size)
{
    struct query_ctx *q = cls;
    size_t i;

    (void)kind;
    if (value == NULL) { /* "?flag" without '=' */
        value = "";
        value_size = 0;
    }
    /* A NUL inside means %00 or a malformed escape (see unescape()). */
    if (key_size == 0 || strlen(key) != key_size ||
        strlen(value) != value_size || q->req->nquery == HTTP_MAX_PARAMS ||
        !form_field_ok(key, key_size, true) ||
        !form_field_ok(value, value_size, false)) {
        q->bad = true;
        return MHD_NO;
    }
    for (i = 0; i < q->req->nquery; i++)
        if (strcmp(q->req->query[i].key, key) == 0) {
            q->bad = true; /* a duplicate: which one counts is ambiguous */
            return MHD_NO;
        }
    q->req->query[q->req->nquery].key = key;
    q->req->query[q->req->nquery].val = value;
    q->req->query[q->req->nquery].val_len = value_size;
    q->req->nquery++;
    return MHD_YES;
}

/* 0 when the request is ready for the provider, else the status. */
static unsigned build_request(struct req *r)
{
    struct query_ctx q = {.req = &r->hreq, .bad = false};
    const char *ctype;

    (void)MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, add_query,
                                      &q);
    if (q.bad)
        return 400;
    ctype = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_CONTENT_TYPE);
    r->hreq.content_type = ctype ? ctype : "";
    if (r->body.len == 0)
        return 0;
    if (strncasecmp(r->hreq.content_type, "application/x-www-form-urlencoded",
                    33) != 0 ||
        (r->hreq.content_type[33] != '\0' && r->hreq.content_type[33] != ';')) {
        /* Providers post forms; multipart never (a parser we avoid). */
        if (strncasecmp(r->hreq.content_type, "multipart/", 10) == 0)
            return 415;
        r->hreq.body = buf_cstr(&r->body);
        r->hreq.body_len = r->body.len;
        return 0;
    }
    if (form_decode(r->body.data, r->body.len, r->hreq.form, HTTP_MAX_PARAMS,
                    &r->hreq.nform) != GW_OK)
        return 400;
    return 0;
}

/* ---- the callback's way through ------------------------------------- */

static void job_done(struct writer_job *wj)
{
    struct req *r = (struct req *)(void *)wj;

    r->phase = PHASE_DONE;
    /* MHD's resume takes a lock: the phase write is seen by the thread
     * that runs the connection next. */
    MHD_resume_connection(r->conn);
}

static enum MHD_Result answer(struct req *r, unsigned status,
                              enum metrics_inbound result)
{
    enum metrics_path path = route_metric[r->route];

    metrics_inbound(r->ops->name, result);
    return send_status(r->conn, path, status);
}

static unsigned status_of(gw_err err)
{
    return err == GW_EBUSY ? 503 : 500;
}

/* The screen of a USSD hop, in the provider's dialect (200 always: a
 * failure is told on the screen, which ends the session). */
static enum MHD_Result answer_ussd(struct req *r)
{
    struct http_resp resp;
    const char *screen;
    enum MHD_Result ret;
    bool end;

    ussd_front_answer(&r->ujob, &end, &screen);
    metrics_inbound(r->ops->name, r->ujob.wj.err   ? METRICS_IN_ERROR
                                  : r->ujob.repeat ? METRICS_IN_DUPLICATE
                                                   : METRICS_IN_OK);
    resp.status = 200;
    resp.content_type = "text/plain";
    buf_init(&resp.body, HTTPD_ANSWER_MAX);
    r->dialect->format(end, screen, &resp);
    ret = send_text(r->conn, METRICS_PATH_USSD, resp.status, resp.content_type,
                    buf_cstr(&resp.body), resp.body.len, NULL);
    buf_release(&resp.body);
    return ret;
}

/* Resumed after the writer: answer as the provider expects. */
static enum MHD_Result answer_done(struct req *r)
{
    struct http_resp resp;
    enum MHD_Result ret;

    if (r->route == ROUTE_USSD)
        return answer_ussd(r);
    if (r->job.wj.err != GW_OK)
        return answer(r, status_of(r->job.wj.err), METRICS_IN_ERROR);
    metrics_inbound(r->ops->name, r->job.result);
    if (r->route != ROUTE_SMS)
        return send_status(r->conn, route_metric[r->route], 200);
    resp.status = 200;
    resp.content_type = "text/plain";
    buf_init(&resp.body, HTTPD_ANSWER_MAX);
    r->ops->answer_sms(&r->job.sms, &resp);
    if (resp.body.err || resp.status < 200 || resp.status > 299) {
        log_error("http", "%s answer_sms failed", r->ops->name);
        resp.status = 200;
        buf_reset(&resp.body);
    }
    ret = send_text(r->conn, METRICS_PATH_SMS, resp.status,
                    resp.content_type ? resp.content_type : "text/plain",
                    buf_cstr(&resp.body), resp.body.len, NULL);
    buf_release(&resp.body);
    return ret;
}

static enum MHD_Result submit(struct req *r)
{
    r->job.wj.done = job_done;
    r->phase = PHASE_WAITING;
    /* Suspend before the writer can possibly resume. */
    MHD_suspend_connection(r->conn);
    if (inbound_submit(r->h->writer, &r->job) != GW_OK) {
        r->job.wj.err = GW_EBUSY; /* stopping: the provider retries */
        r->phase = PHASE_DONE;
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
}

static void ussd_done(struct writer_job *wj)
{
    struct req *r =
        (struct req *)(void *)((char *)wj - offsetof(struct req, ujob.wj));

    r->phase = PHASE_DONE;
    MHD_resume_connection(r->conn);
}

/* A USSD hop: navigation and reads are answered at once; the final hop
 * of an action that writes goes through the writer like an SMS. */
static enum MHD_Result serve_ussd(struct req *r)
{
    struct prov_ussd hop;

    if (r->dialect->parse(&r->hreq, &hop) != GW_OK)
        return answer(r, 400, METRICS_IN_INVALID);
    if (!ussd_front_hop(r->h->ussd, &r->ujob, &hop, r->ops->name,
                        (int64_t)time(NULL)))
        return answer_ussd(r);
    r->ujob.wj.done = ussd_done;
    r->phase = PHASE_WAITING;
    MHD_suspend_connection(r->conn);
    if (writer_submit(r->h->writer, &r->ujob.wj) != GW_OK) {
        r->ujob.wj.err = GW_EBUSY;
        r->phase = PHASE_DONE;
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
}

static enum MHD_Result on_complete(struct req *r)
{
    enum metrics_path path = route_metric[r->route];
    unsigned status;
    gw_err err;

    if (r->too_big)
        return send_status(r->conn, path, 413);
    status = build_request(r);
    if (status)
        return answer(r, status, METRICS_IN_INVALID);
    if (!r->ops->authenticate(r->pcfg, &r->hreq))
        return answer(r, 403, METRICS_IN_FORBIDDEN);
    if (r->route == ROUTE_USSD)
        return serve_ussd(r);
    if (r->route == ROUTE_SMS) {
        err = r->ops->parse_sms(r->pcfg, &r->hreq, &r->job.sms);
        if (err || r->job.sms.provider_id[0] == '\0')
            return answer(r, 400, METRICS_IN_INVALID);
        inbound_prepare_sms(r->h->in, &r->job, r->ops->name,
                            (int64_t)time(NULL));
        return submit(r);
    }
    err = r->ops->parse_dlr(&r->hreq, &r->job.dlr);
    if (err)
        return answer(r, 400, METRICS_IN_INVALID);
    if (!inbound_prepare_dlr(r->h->in, &r->job, r->ops->name,
                             (int64_t)time(NULL)))
        return answer(r, 200, METRICS_IN_IGNORED);
    return submit(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    struct req *r = *req_cls;

    (void)version;
    if (r == NULL || *req_cls == (void *)&bad_line)
        conn_guard_head_done(conn); /* the first call: the head is in */
    if (*req_cls == (void *)&bad_line) {
        *req_cls = NULL;
        return send_status(conn, METRICS_PATH_OTHER, 400);
    }
    if (r == NULL)
        return on_first(cls, conn, url, method, req_cls);
    switch (r->phase) {
    case PHASE_BODY:
        if (*upload_size) {
            /* MHD 0.9 cannot answer before the upload ends: drop the rest
             * and answer 413 then, or hang up on a flood. */
            if (r->too_big || buf_append(&r->body, upload, *upload_size)) {
                r->too_big = true;
                r->dropped += *upload_size;
                if (r->dropped > HTTPD_DRAIN_MAX)
                    return MHD_NO;
            }
            *upload_size = 0;
            return MHD_YES;
        }
        return on_complete(r);
    case PHASE_WAITING:
        return MHD_YES; /* not expected while suspended */
    case PHASE_DONE:
        return answer_done(r);
    }
    return MHD_NO;
}

/* MHD 0.9 cuts the URI at a raw NUL, so "text=S<NUL>D" would be read as
 * "text=S". This runs on the request line before MHD changes it: MHD has
 * ended the URI with a NUL where " HTTP/1.x" began, so a URI whose first
 * NUL is not followed by "HTTP/" held a NUL of its own. Any other raw
 * control byte in the URI is refused too. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    size_t n = strlen(uri), i, params = 0;
    char *q = strchr(uri, '?');

    (void)cls;
    (void)conn;
    for (i = 0; i < n; i++)
        if ((unsigned char)uri[i] < 0x20 || uri[i] == 0x7f)
            return &bad_line;
    if (strncmp(uri + n + 1, "HTTP/", 5) != 0)
        return &bad_line;
    /* More parameters than any callback has: MHD 0.9 would run out of
     * connection memory storing them and then leave the client waiting
     * for the timeout. It parses them after this callback, from this
     * buffer: empty the query so it stores none, and answer 400 at once. */
    for (i = 0; q != NULL && q[i] != '\0'; i++)
        params += q[i] == '&';
    if (q != NULL && params >= HTTP_MAX_PARAMS) {
        q[1] = '\0';
        return &bad_line;
    }
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct httpd *h = cls;
    struct req *r = *req_cls;

    (void)toe;
    conn_guard_request_done(conn);
    if (r == NULL || *req_cls == (void *)&bad_line)
        return;
    buf_release(&r->body);
    buf_release(&r->job.sms.text);
    if (r->route == ROUTE_USSD)
        ussd_front_release(&r->ujob);
    free(r);
    *req_cls = NULL;
    atomic_fetch_sub(&h->inflight, 1);
}

/* Strict unescaping for the path and the query: a bad escape or %00
 * leaves a NUL inside the value, which add_query() refuses (400) and
 * which no route matches (404). MHD has turned '+' into ' ' already. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    size_t len = strlen(s);
    bool ok;
    size_t n;

    (void)cls;
    (void)conn;
    n = form_unescape(s, false, &ok);
    if (ok)
        return n;
    s[0] = '\0';
    return len > 0 ? len : 1;
}

DT_PRINTF(2, 0)
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];
    size_t n;

    (void)cls;
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("http", "%s", msg);
}

/* ---- start and stop ------------------------------------------------- */

static gw_err bind_addr(const struct dt_config *cfg,
                        struct sockaddr_storage *ss, unsigned *flags)
{
    const char *host = cfg->bind[0] ? cfg->bind : "127.0.0.1";
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (cfg->port > 65535)
        return GW_EINVAL;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)cfg->port);
        return GW_OK;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)cfg->port);
        *flags |= MHD_USE_IPv6;
        return GW_OK;
    }
    log_error("http", "bind: '%s' is not an IP address", host);
    return GW_EINVAL;
}

static struct MHD_Daemon *
start_daemon(struct httpd *h, const struct sockaddr_storage *ss, unsigned flags)
{
    const struct dt_config *cfg = h->cfg;
    unsigned threads = cfg->threads ? cfg->threads : HTTPD_DEFAULT_THREADS;
    unsigned timeout = cfg->connection_timeout ? cfg->connection_timeout
                                               : HTTPD_DEFAULT_TIMEOUT;
    struct MHD_OptionItem opts[4];
    size_t n = 0;

    if (threads > 1)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
                                            (intptr_t)threads, NULL};
    /* The guard enforces connection_limit itself, making room from slow
     * heads; libmicrohttpd's own limit is only a backstop above it. */
    if (cfg->connection_limit)
        opts[n++] = (struct MHD_OptionItem){
            MHD_OPTION_CONNECTION_LIMIT,
            (intptr_t)(cfg->connection_limit + cfg->connection_limit / 4 + 64),
            NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (const struct sockaddr *)ss, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, h->guard,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape, NULL, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_ARRAY, opts,
        MHD_OPTION_END);
}

gw_err httpd_start(const struct dt_config *cfg, struct writer *writer,
                   struct inbound *in, struct httpd **out)
{
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *info;
    struct httpd *h;
    gw_err err;

    *out = NULL;
    err = bind_addr(cfg, &ss, &flags);
    if (err)
        return err;
    h = xcalloc(1, sizeof(*h));
    h->cfg = cfg;
    h->writer = writer;
    h->in = in;
    h->max_body = cfg->max_body ? cfg->max_body : HTTPD_DEFAULT_MAX_BODY;
    pthread_mutex_init(&h->stats_lock, NULL);
    err = db_open(cfg->db_path, &h->stats_db);
    if (err == GW_OK)
        err = ussd_front_new(
            cfg, cfg->threads ? cfg->threads : HTTPD_DEFAULT_THREADS, &h->ussd);
    if (err == GW_OK) {
        h->guard = conn_guard_new(cfg->connection_limit, cfg->head_timeout);
        if (h->guard == NULL)
            err = GW_EINTERNAL;
    }
    if (err == GW_OK) {
        h->daemon = start_daemon(h, &ss, flags);
        if (h->daemon == NULL) {
            log_error("http", "cannot listen on %s:%u", cfg->bind, cfg->port);
            err = GW_EIO;
        }
    }
    if (err) {
        httpd_stop(h);
        return err;
    }
    info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : cfg->port;
    *out = h;
    return GW_OK;
}

unsigned httpd_port(const struct httpd *h)
{
    return h->port;
}

void httpd_quiesce(struct httpd *h)
{
    MHD_socket fd;

    if (h == NULL || h->daemon == NULL)
        return;
    fd = MHD_quiesce_daemon(h->daemon);
    if (fd != MHD_INVALID_SOCKET)
        (void)close(fd);
}

bool httpd_wait_idle(struct httpd *h, unsigned timeout_ms)
{
    const struct timespec tick = {0, 5 * 1000 * 1000};
    unsigned waited = 0;

    while (atomic_load(&h->inflight) > 0) {
        if (waited >= timeout_ms)
            return false;
        (void)nanosleep(&tick, NULL);
        waited += 5;
    }
    return true;
}

void httpd_stop(struct httpd *h)
{
    if (h == NULL)
        return;
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    conn_guard_free(h->guard);
    db_close(h->stats_db);
    ussd_front_free(h->ussd);
    pthread_mutex_destroy(&h->stats_lock);
    free(h);
}
