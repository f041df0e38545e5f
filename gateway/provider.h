/* provider.h - the seam every aggregator dialect implements
 *
 * A provider module turns the aggregator's HTTP callbacks into our
 * structures and our messages into its send requests; it does no I/O.
 * httpd.c authenticates and parses with it; outbox.c sends with it.
 * One module a provider: prov_kannel.c, prov_esms.c,
 * prov_africastalking.c, prov_log.c.
 */
#ifndef DT_PROVIDER_H
#define DT_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/config.h"

/* One name=value pair, URL-decoded, NUL-terminated (values may hold
 * bytes of any kind but NUL; val_len is exact). */
struct kv {
    const char *key;
    const char *val;
    size_t val_len;
};

#define HTTP_MAX_PARAMS 64

/* A request as httpd.c hands it to a provider: the query string and, for a
 * form POST, the decoded body fields; for other bodies the raw bytes. */
struct http_req {
    const char *method; /* "GET" or "POST" */
    const char *path;
    struct kv query[HTTP_MAX_PARAMS];
    size_t nquery;
    struct kv form[HTTP_MAX_PARAMS];
    size_t nform;
    const char *body; /* raw body, NUL-terminated; "" when none */
    size_t body_len;
    const char *content_type; /* "" when none */
};

/* Looks key up in the form fields, then the query; NULL when absent. */
const struct kv *http_req_param(const struct http_req *req, const char *key);

struct http_resp {
    unsigned status;
    const char *content_type; /* static */
    struct buf body;
};

/* An inbound SMS as the provider described it. */
struct prov_sms {
    char provider_id[128]; /* the provider's message id: the dedup key */
    char from[64];         /* the sender as given (normalise it after) */
    char to[64];           /* our short code, when given */
    struct buf text;       /* UTF-8, as received; init'd by the caller */
};

enum dlr_state {
    DLR_DELIVERED,   /* final: on the handset */
    DLR_UNDELIVERED, /* final: will not be delivered */
    DLR_PENDING,     /* intermediate (accepted, buffered, sent on) */
    DLR_UNKNOWN      /* a status we do not know: log it, answer 2xx */
};

struct prov_dlr {
    int64_t our_id;            /* outbox id, when the DLR carries it */
    char provider_msg_id[128]; /* the provider's id, when it carries it */
    enum dlr_state state;
    char raw_status[64]; /* for the log */
};

/* A message to send (outbox row). */
struct prov_out {
    int64_t id;        /* our outbox id: eSMS RequestId, Kannel dlr-url */
    const char *phone; /* E.164 */
    const char *text;  /* ASCII, one segment */
};

#define SEND_MAX_HEADERS 4

struct prov_send {
    struct buf url;
    struct buf body; /* empty for GET */
    const char *method;
    const char *headers[SEND_MAX_HEADERS]; /* "Name: value", owned */
    size_t nheaders;
};

enum send_result {
    SEND_OK,    /* accepted by the aggregator */
    SEND_RETRY, /* temporary: back off and try again */
    SEND_FAIL   /* permanent: the message is FAILED */
};

struct provider_ops {
    const char *name;
    /* true when the callback carries the right credential: the token query
     * parameter (constant-time) and, where the provider signs, a valid
     * signature. An unset token never matches. */
    bool (*authenticate)(const struct cfg_provider *cfg,
                         const struct http_req *req);
    /* GW_EINVAL for a request that is not a valid inbound SMS. */
    gw_err (*parse_sms)(const struct cfg_provider *cfg,
                        const struct http_req *req, struct prov_sms *out);
    /* The answer the provider expects once the SMS is safely stored (or
     * was a repeat). */
    void (*answer_sms)(const struct prov_sms *sms, struct http_resp *resp);
    gw_err (*parse_dlr)(const struct http_req *req, struct prov_dlr *out);
    /* NULL for providers that cannot send (then outbound is refused at
     * start-up). */
    gw_err (*build_send)(const struct cfg_provider *cfg,
                         const struct prov_out *msg, struct prov_send *out);
    /* Reads the aggregator's answer to a send. Fills provider_msg_id when
     * it gives one, and why with a short reason when not SEND_OK. */
    enum send_result (*read_send)(long http_status, const char *body,
                                  size_t len, char *provider_msg_id,
                                  size_t id_size, char *why, size_t why_size);
};

/* The module for name ("kannel", "esms", "africastalking", "log"), or
 * NULL. */
const struct provider_ops *provider_find(const char *name);

void prov_send_init(struct prov_send *s);
void prov_send_release(struct prov_send *s);

#endif
