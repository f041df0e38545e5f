/* stub_aggregator.c - loopback HTTP stub that records and scripts replies */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "tests/support/stub_aggregator.h"
#include "common/banned.h"

/* A request body larger than this is cut (and still answered). */
#define STUB_BODY_MAX (1024 * 1024)
#define STUB_KV_MAX 128

struct stub_aggregator {
    struct MHD_Daemon *mhd;
    unsigned port;
    char url[64];
    pthread_mutex_t mu;
    pthread_cond_t cond; /* a request arrived, or stopping */
    bool stopping;
    struct stub_request **reqs;
    size_t nreqs, capreqs;
    struct stub_reply *seq; /* copies; bodies owned */
    size_t nseq;
    stub_fn fn;
    void *fn_arg;
};

/* Per connection request: the body as it arrives. */
struct pending {
    struct buf body;
};

double stub_now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct kv_list {
    struct stub_kv *kv;
    size_t n;
};

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
    struct kv_list *l = cls;

    (void)kind;
    if (l->n == STUB_KV_MAX)
        return MHD_NO;
    l->kv[l->n].key = xstrdup(key ? key : "");
    l->kv[l->n].val = xstrdup(value ? value : "");
    l->n++;
    return MHD_YES;
}

static void collect(struct MHD_Connection *c, enum MHD_ValueKind kind,
                    struct stub_kv **out, size_t *n)
{
    struct kv_list l;

    l.kv = xcalloc(STUB_KV_MAX, sizeof(*l.kv));
    l.n = 0;
    (void)MHD_get_connection_values(c, kind, collect_kv, &l);
    *out = l.kv;
    *n = l.n;
}

static void free_kv(struct stub_kv *kv, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].val);
    }
    free(kv);
}

static void free_request(struct stub_request *r)
{
    free(r->method);
    free(r->path);
    free_kv(r->query, r->nquery);
    free_kv(r->headers, r->nheaders);
    free(r->body);
    free(r);
}

/* Builds the record and appends it; returns it (owned by s). */
static struct stub_request *record(struct stub_aggregator *s,
                                   struct MHD_Connection *c, const char *url,
                                   const char *method, struct buf *body)
{
    struct stub_request *r = xcalloc(1, sizeof(*r));
    size_t len = 0;

    r->method = xstrdup(method);
    r->path = xstrdup(url);
    collect(c, MHD_GET_ARGUMENT_KIND, &r->query, &r->nquery);
    collect(c, MHD_HEADER_KIND, &r->headers, &r->nheaders);
    r->body = body->data ? buf_detach(body, &len) : xstrdup("");
    r->body_len = len;
    r->at = stub_now();
    (void)pthread_mutex_lock(&s->mu);
    if (s->nreqs == s->capreqs) {
        s->capreqs = s->capreqs ? s->capreqs * 2 : 64;
        s->reqs = xrealloc(s->reqs, s->capreqs * sizeof(*s->reqs));
    }
    r->index = s->nreqs;
    s->reqs[s->nreqs++] = r;
    (void)pthread_cond_broadcast(&s->cond);
    (void)pthread_mutex_unlock(&s->mu);
    return r;
}

/* The scripted reply for r, body copied into *body (caller frees). */
static void script_reply(struct stub_aggregator *s,
                         const struct stub_request *r, unsigned *status,
                         char **body, unsigned *delay_ms)
{
    struct stub_reply rep = {200, "OK", 0};
    stub_fn fn;
    void *arg;

    (void)pthread_mutex_lock(&s->mu);
    fn = s->fn;
    arg = s->fn_arg;
    if (fn == NULL && s->nseq > 0)
        rep = s->seq[r->index < s->nseq ? r->index : s->nseq - 1];
    *body = xstrdup(rep.body ? rep.body : "");
    (void)pthread_mutex_unlock(&s->mu);
    if (fn) {
        free(*body);
        fn(r, &rep, arg);
        *body = xstrdup(rep.body ? rep.body : "");
    }
    *status = rep.status ? rep.status : 200;
    *delay_ms = rep.delay_ms;
}

/* Sleeps delay_ms unless the stub stops first. */
static void stub_delay(struct stub_aggregator *s, unsigned delay_ms)
{
    struct timespec until;

    if (delay_ms == 0)
        return;
    (void)clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(delay_ms / 1000);
    until.tv_nsec += (long)(delay_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    (void)pthread_mutex_lock(&s->mu);
    while (!s->stopping &&
           pthread_cond_timedwait(&s->cond, &s->mu, &until) != ETIMEDOUT)
        ;
    (void)pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct stub_aggregator *s = cls;
    struct pending *p = *con_cls;
    const struct stub_request *r;
    struct MHD_Response *resp;
    unsigned status, delay_ms;
    char *body;
    enum MHD_Result ret;

    (void)version;
    if (p == NULL) {
        p = xcalloc(1, sizeof(*p));
        buf_init(&p->body, STUB_BODY_MAX);
        *con_cls = p;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        (void)buf_append(&p->body, upload, *upload_size); /* cut if huge */
        *upload_size = 0;
        return MHD_YES;
    }
    r = record(s, c, url, method, &p->body);
    script_reply(s, r, &status, &body, &delay_ms);
    stub_delay(s, delay_ms);
    resp = MHD_create_response_from_buffer(strlen(body), body,
                                           MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(body);
        return MHD_NO;
    }
    (void)MHD_add_response_header(resp, "Content-Type", "text/plain");
    ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct pending *p = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (p) {
        buf_release(&p->body);
        free(p);
        *con_cls = NULL;
    }
}

struct stub_aggregator *stub_start(void)
{
    struct stub_aggregator *s = xcalloc(1, sizeof(*s));
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    (void)pthread_mutex_init(&s->mu, NULL);
    (void)pthread_cond_init(&s->cond, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* A thread a connection: a delayed answer holds up no other. */
    s->mhd = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
            MHD_USE_POLL,
        0, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)512, MHD_OPTION_END);
    if (s->mhd == NULL) {
        log_error("stub", "cannot start the stub aggregator");
        stub_stop(s);
        return NULL;
    }
    info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    (void)snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", s->port);
    return s;
}

void stub_stop(struct stub_aggregator *s)
{
    size_t i;

    if (s == NULL)
        return;
    (void)pthread_mutex_lock(&s->mu);
    s->stopping = true;
    (void)pthread_cond_broadcast(&s->cond);
    (void)pthread_mutex_unlock(&s->mu);
    if (s->mhd)
        MHD_stop_daemon(s->mhd);
    for (i = 0; i < s->nreqs; i++)
        free_request(s->reqs[i]);
    free(s->reqs);
    stub_script(s, NULL, 0);
    (void)pthread_cond_destroy(&s->cond);
    (void)pthread_mutex_destroy(&s->mu);
    free(s);
}

unsigned stub_port(const struct stub_aggregator *s)
{
    return s->port;
}

const char *stub_url(const struct stub_aggregator *s)
{
    return s->url;
}

void stub_script(struct stub_aggregator *s, const struct stub_reply *seq,
                 size_t n)
{
    struct stub_reply *copy = n ? xcalloc(n, sizeof(*copy)) : NULL;
    struct stub_reply *old;
    size_t i, nold;

    for (i = 0; i < n; i++) {
        copy[i] = seq[i];
        copy[i].body = seq[i].body ? xstrdup(seq[i].body) : NULL;
    }
    (void)pthread_mutex_lock(&s->mu);
    old = s->seq;
    nold = s->nseq;
    s->seq = copy;
    s->nseq = n;
    s->fn = NULL;
    (void)pthread_mutex_unlock(&s->mu);
    for (i = 0; i < nold; i++)
        free((void *)(uintptr_t)old[i].body); /* our own copy */
    free(old);
}

void stub_set_handler(struct stub_aggregator *s, stub_fn fn, void *arg)
{
    (void)pthread_mutex_lock(&s->mu);
    s->fn = fn;
    s->fn_arg = arg;
    (void)pthread_mutex_unlock(&s->mu);
}

size_t stub_count(struct stub_aggregator *s)
{
    size_t n;

    (void)pthread_mutex_lock(&s->mu);
    n = s->nreqs;
    (void)pthread_mutex_unlock(&s->mu);
    return n;
}

bool stub_wait_count(struct stub_aggregator *s, size_t n, unsigned timeout_ms)
{
    struct timespec until;
    bool ok;

    (void)clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(timeout_ms / 1000);
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    (void)pthread_mutex_lock(&s->mu);
    while (s->nreqs < n && !s->stopping &&
           pthread_cond_timedwait(&s->cond, &s->mu, &until) != ETIMEDOUT)
        ;
    ok = s->nreqs >= n;
    (void)pthread_mutex_unlock(&s->mu);
    return ok;
}

const struct stub_request *stub_get(struct stub_aggregator *s, size_t i)
{
    const struct stub_request *r = NULL;

    (void)pthread_mutex_lock(&s->mu);
    if (i < s->nreqs)
        r = s->reqs[i];
    (void)pthread_mutex_unlock(&s->mu);
    return r;
}

const char *stub_req_query(const struct stub_request *r, const char *key)
{
    size_t i;

    for (i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, key) == 0)
            return r->query[i].val;
    return NULL;
}

const char *stub_req_header(const struct stub_request *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].key, name) == 0)
            return r->headers[i].val;
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes p[0..n) ('+' is a space, %XX a byte) into out[size]. */
static void form_decode(const char *p, size_t n, char *out, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < n && o + 1 < size; i++) {
        if (p[i] == '+') {
            out[o++] = ' ';
        } else if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
                   hexval(p[i + 2]) >= 0) {
            out[o++] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            i += 2;
        } else {
            out[o++] = p[i];
        }
    }
    if (size)
        out[o] = '\0';
}

const char *stub_req_form(const struct stub_request *r, const char *key,
                          char *out, size_t size)
{
    const char *p = r->body, *end = r->body + r->body_len;
    size_t klen = strlen(key);

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;

        if ((size_t)(stop - p) > klen && memcmp(p, key, klen) == 0 &&
            p[klen] == '=') {
            form_decode(p + klen + 1, (size_t)(stop - p) - klen - 1, out, size);
            return out;
        }
        p = stop + 1;
    }
    return NULL;
}
