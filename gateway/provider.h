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
#include "common/dt_limits.h"
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
    int64_t now;              /* arrival, Unix seconds (eSMS time window) */
};

/* Looks key up in the form fields, then the query; NULL when absent. */
const struct kv *http_req_param(const struct http_req *req, const char *key);

/* What a provider answers to a callback. The caller (httpd.c) buf_init()s
 * body before answer_sms and releases it after. */
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
    char alt_id[64];       /* a second dedup key, "" if none (eSMS sign) */
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

/* Bounds of what build_send produces (URL-encoded send requests). */
#define PROV_URL_MAX 4096
#define PROV_BODY_MAX 8192

/* A message to send (outbox row). */
struct prov_out {
    int64_t id;        /* our outbox id: eSMS RequestId, Kannel dlr-url */
    const char *phone; /* E.164 */
    const char *text;  /* ASCII, one segment */
};

#define SEND_MAX_HEADERS 4

/* One send request. It carries credentials (Kannel password in the URL,
 * eSMS SecretKey in the body, AT apiKey header): never log url, body or
 * headers. */
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
     * signature. An unset token never matches. Used for both /sms and /dlr:
     * eSMS signs only its MO, so its check demands a valid `sign` whenever
     * the request carries any MO field (and parse_sms needs them all). */
    bool (*authenticate)(const struct cfg_provider *cfg,
                         const struct http_req *req);
    /* GW_EINVAL for a request that is not a valid inbound SMS: a missing
     * field, a field over its size, text over DT_SMS_IN_MAX bytes or not
     * valid UTF-8. out->text must be buf_init()ed by the caller with a max
     * of at least DT_SMS_IN_MAX. Never crashes on hostile input. */
    gw_err (*parse_sms)(const struct cfg_provider *cfg,
                        const struct http_req *req, struct prov_sms *out);
    /* The answer the provider expects once the SMS is safely stored (or
     * was a repeat). Replies never ride on it: they go through the outbox. */
    void (*answer_sms)(const struct prov_sms *sms, struct http_resp *resp);
    /* GW_EINVAL when the report names no message (no usable id) or lacks
     * the status field; a status we do not know is DLR_UNKNOWN, never an
     * error (answer 2xx, or the provider retries it for hours). */
    gw_err (*parse_dlr)(const struct http_req *req, struct prov_dlr *out);
    /* Fills out (prov_send_init()ed by the caller) with the request to
     * make. GW_EINVAL when the section lacks what sending needs (send_url,
     * credentials). NULL only for `log`: the sender then writes the message
     * to the log and marks it SENT, with no HTTP at all. */
    gw_err (*build_send)(const struct cfg_provider *cfg,
                         const struct prov_out *msg, struct prov_send *out);
    /* Reads the aggregator's answer to a send; http_status is 0 when no
     * answer came (connect error, timeout): SEND_RETRY. body need not be
     * NUL-terminated. Fills provider_msg_id when it gives one ("" if not),
     * and why with a short reason when not SEND_OK. On SEND_OK why is ""
     * or "duplicate" when the aggregator says it already had this message
     * (eSMS RequestId repeat): count it as a duplicate avoided. */
    enum send_result (*read_send)(long http_status, const char *body,
                                  size_t len, char *provider_msg_id,
                                  size_t id_size, char *why, size_t why_size);
};

/* USSD is a seam of its own beside this one: gateway/ussd.h
 * (ussd_dialect_find(name): parse a hop, format CON/END), so a provider
 * module needs no change to gain or lack USSD; authentication is still
 * the module's authenticate() above. */

extern const struct provider_ops prov_kannel_ops;
extern const struct provider_ops prov_esms_ops;
extern const struct provider_ops prov_africastalking_ops;
extern const struct provider_ops prov_log_ops;

/* The module for name ("kannel", "esms", "africastalking", "log"), or
 * NULL. The result is static. */
const struct provider_ops *provider_find(const char *name);

/* Empty buffers (bounded by PROV_URL_MAX, PROV_BODY_MAX), no headers,
 * method "GET". */
void prov_send_init(struct prov_send *s);
/* Frees the buffers and the headers; s can be init'd again. */
void prov_send_release(struct prov_send *s);

/* Helpers for the provider modules (prov_*.c) and their tests. */

/* true when the `token` query parameter equals cfg->token, compared in
 * constant time. A NULL cfg, an empty configured token, or a missing
 * token never match. */
bool provider_token_ok(const struct cfg_provider *cfg,
                       const struct http_req *req);

/* Copies the parameter key into out[size]. GW_EINVAL when it is missing
 * (and required), does not fit, or holds a byte outside printable ASCII
 * (0x20..0x7e): ids and numbers never need one. Absent and optional: "". */
gw_err prov_field(const struct http_req *req, const char *key, bool required,
                  char *out, size_t size);

/* Appends the parameter key to text. GW_EINVAL when missing, longer than
 * DT_SMS_IN_MAX bytes, not valid UTF-8, or beyond text's own max. */
gw_err prov_text(const struct http_req *req, const char *key, struct buf *text);

/* The parameter names under which a provider sends an inbound SMS. */
struct prov_sms_keys {
    const char *id;   /* the provider's message id (dedup key) */
    const char *from; /* the sender */
    const char *to;   /* our number; optional */
    const char *text;
};

/* The body of a parse_sms for a provider that sends form or query
 * parameters: id and from required and non-empty, to optional, text as
 * prov_text(). Fills the caller's out (text buf_init()ed by the caller);
 * GW_EINVAL on the first field that fails. */
gw_err prov_sms_fields(const struct http_req *req,
                       const struct prov_sms_keys *keys, struct prov_sms *out);

/* A parse_sms for providers whose parameters are named id, from, to and
 * text (Africa's Talking; Kannel's get-url as PROVIDERS.md sets it up):
 * prov_sms_fields with those keys. cfg is unused. */
gw_err prov_parse_sms_basic(const struct cfg_provider *cfg,
                            const struct http_req *req, struct prov_sms *out);

/* An answer_sms for providers that expect nothing back: 200 with an empty
 * text/plain body. sms is unused. */
void prov_answer_empty(const struct prov_sms *sms, struct http_resp *resp);

/* Parses our outbox id: decimal digits, 1..INT64_MAX. */
gw_err prov_parse_id(const char *s, int64_t *out);

/* Copies s into out[size] for the log: bytes outside printable ASCII
 * become '?', and a long s is cut (raw_status is for humans). */
void prov_copy_for_log(const char *s, size_t len, char *out, size_t size);

/* Appends s percent-encoded: unreserved characters (RFC 3986) as they
 * are, every other byte as %XX. */
void prov_urlencode(struct buf *b, const char *s);

/* Appends base (without trailing '/') + path: base is cfg->dlr_url. */
void prov_join_url(struct buf *b, const char *base, const char *path);

/* Adds the header "name: value" (a copy, owned by s). GW_ETOOBIG when
 * SEND_MAX_HEADERS are already there. */
gw_err prov_send_header(struct prov_send *s, const char *name,
                        const char *value);

#endif
