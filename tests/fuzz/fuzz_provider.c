/* fuzz_provider.c - libFuzzer target: every provider's parsers
 *
 * Byte 0 picks the provider (kannel, esms, africastalking), byte 1 the
 * seam: inbound SMS, DLR, the send response, callback authentication, or
 * building a send request. For the callback seams the rest is lines:
 * "q<key>=<value>" a query parameter, "f<key>=<value>" a form field,
 * anything else a line of the raw body. For the send response, two bytes
 * of HTTP status and the body, in a buffer of its exact size (ASan sees
 * any read past it: the body is not NUL-terminated).
 *
 * Invariants: results stay inside their fields and are terminated; a
 * parsed SMS has an id, a sender and valid UTF-8 text within
 * DT_SMS_IN_MAX; a parsed DLR names a message; a request passes
 * authentication only with the configured token in the query; a built
 * send URL is printable ASCII starting with send_url.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/dt_limits.h"
#include "config/config.h"
#include "gateway/provider.h"
#include "tests/fuzz/fuzz.h"
#include "text/utf8.h"

#define TOKEN "fuzz-token-0123456789abcdef"

static const char *const names[] = {"kannel", "esms", "africastalking"};
static struct dt_config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct cfg_provider *all[3];
    size_t i;

    (void)argc;
    (void)argv;
    config_defaults(&cfg);
    all[0] = &cfg.kannel;
    all[1] = &cfg.esms;
    all[2] = &cfg.africastalking;
    for (i = 0; i < 3; i++) {
        struct cfg_provider *p = all[i];

        FUZZ_CHECK(config_provider(&cfg, names[i]) == p);
        p->enabled = true;
        (void)snprintf(p->token, sizeof(p->token), "%s", TOKEN);
        (void)snprintf(p->send_url, sizeof(p->send_url),
                       "http://127.0.0.1:9/send");
        (void)snprintf(p->username, sizeof(p->username), "user");
        (void)snprintf(p->password, sizeof(p->password), "pass");
        (void)snprintf(p->api_key, sizeof(p->api_key), "apikey");
        (void)snprintf(p->secret_key, sizeof(p->secret_key), "secret");
        (void)snprintf(p->private_key, sizeof(p->private_key), "private");
        (void)snprintf(p->sender, sizeof(p->sender), "8085");
        (void)snprintf(p->dlr_url, sizeof(p->dlr_url), "http://127.0.0.1:8080");
        p->sms_type = 2;
    }
    return 0;
}

static bool terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Splits the input into req. Keys and values point into copy, which the
 * caller frees; every key and value is NUL-terminated in it. */
static void build_req(const uint8_t *data, size_t size, struct http_req *req,
                      char *copy, struct buf *body)
{
    char *line = copy, *end = copy + size, *nl, *eq;

    memcpy(copy, data, size);
    copy[size] = '\0';
    while (line < end) {
        nl = memchr(line, '\n', (size_t)(end - line));
        if (nl == NULL)
            nl = end;
        *nl = '\0';
        eq = strchr(line, '=');
        if ((line[0] == 'q' || line[0] == 'f') && eq != NULL &&
            strlen(line) == (size_t)(nl - line)) {
            struct kv *kv = line[0] == 'q' ? req->query : req->form;
            size_t *n = line[0] == 'q' ? &req->nquery : &req->nform;

            if (*n < HTTP_MAX_PARAMS) {
                *eq = '\0';
                kv[*n].key = line + 1;
                kv[*n].val = eq + 1;
                kv[*n].val_len = strlen(eq + 1);
                (*n)++;
            }
        } else {
            (void)buf_append(body, line, (size_t)(nl - line));
            (void)buf_putc(body, '\n');
        }
        line = nl + 1;
    }
    req->method = req->nform ? "POST" : "GET";
    req->path = "/v1/x/sms";
    req->body = buf_cstr(body);
    req->body_len = body->len;
    req->content_type = req->nform ? "application/x-www-form-urlencoded" : "";
}

static void fuzz_callback(const struct provider_ops *ops,
                          const struct cfg_provider *pc, int op,
                          const uint8_t *data, size_t size)
{
    static struct http_req req;
    struct buf body;
    char *copy = malloc(size + 1);

    FUZZ_CHECK(copy != NULL);
    memset(&req, 0, sizeof(req));
    buf_init(&body, PROV_BODY_MAX);
    build_req(data, size, &req, copy, &body);

    if (op == 0) {
        struct prov_sms sms;
        struct http_resp resp;
        gw_err err;

        memset(&sms, 0, sizeof(sms));
        buf_init(&sms.text, DT_SMS_IN_MAX);
        err = ops->parse_sms(pc, &req, &sms);
        if (err == GW_OK) {
            FUZZ_CHECK(terminated(sms.provider_id, sizeof(sms.provider_id)));
            FUZZ_CHECK(terminated(sms.from, sizeof(sms.from)));
            FUZZ_CHECK(terminated(sms.to, sizeof(sms.to)));
            FUZZ_CHECK(sms.provider_id[0] != '\0' && sms.from[0] != '\0');
            FUZZ_CHECK(sms.text.len <= DT_SMS_IN_MAX);
            FUZZ_CHECK(utf8_valid(buf_cstr(&sms.text), sms.text.len));
            memset(&resp, 0, sizeof(resp));
            buf_init(&resp.body, 4096);
            ops->answer_sms(&sms, &resp);
            FUZZ_CHECK(resp.status >= 200 && resp.status < 300);
            FUZZ_CHECK(resp.content_type != NULL);
            buf_release(&resp.body);
        }
        buf_release(&sms.text);
    } else if (op == 1) {
        struct prov_dlr dlr;

        memset(&dlr, 0, sizeof(dlr));
        if (ops->parse_dlr(&req, &dlr) == GW_OK) {
            FUZZ_CHECK(
                terminated(dlr.provider_msg_id, sizeof(dlr.provider_msg_id)));
            FUZZ_CHECK(terminated(dlr.raw_status, sizeof(dlr.raw_status)));
            FUZZ_CHECK(dlr.our_id > 0 || dlr.provider_msg_id[0] != '\0');
            FUZZ_CHECK(dlr.state >= DLR_DELIVERED && dlr.state <= DLR_UNKNOWN);
        }
    } else {
        const struct kv *tok;

        if (ops->authenticate(pc, &req)) {
            /* Only the query carries the token (its first occurrence). */
            tok = NULL;
            for (size_t i = 0; i < req.nquery && tok == NULL; i++)
                if (strcmp(req.query[i].key, "token") == 0)
                    tok = &req.query[i];
            FUZZ_CHECK(tok != NULL && strcmp(tok->val, TOKEN) == 0);
        }
    }
    buf_release(&body);
    free(copy);
}

static void fuzz_read_send(const struct provider_ops *ops, const uint8_t *data,
                           size_t size)
{
    char id[128], why[128];
    long status;
    char *body;
    enum send_result r;

    if (size < 2)
        return;
    status = (long)((data[0] << 8 | data[1]) % 600);
    body = malloc(size - 2 ? size - 2 : 1);
    FUZZ_CHECK(body != NULL);
    memcpy(body, data + 2, size - 2);
    memset(id, 'x', sizeof(id));
    memset(why, 'x', sizeof(why));
    r = ops->read_send(status, body, size - 2, id, sizeof(id), why,
                       sizeof(why));
    FUZZ_CHECK(r == SEND_OK || r == SEND_RETRY || r == SEND_FAIL);
    FUZZ_CHECK(terminated(id, sizeof(id)) && terminated(why, sizeof(why)));
    if (r != SEND_OK)
        FUZZ_CHECK(why[0] != '\0');
    if (status == 0)
        FUZZ_CHECK(r == SEND_RETRY);
    free(body);
}

static void fuzz_build_send(const struct provider_ops *ops,
                            const struct cfg_provider *pc, const uint8_t *data,
                            size_t size)
{
    struct prov_send s;
    struct prov_out msg;
    char text[DT_SMS_MAX + 1];
    size_t i, n = size < DT_SMS_MAX ? size : DT_SMS_MAX;

    /* Outbound texts are rendered templates: printable ASCII. */
    for (i = 0; i < n; i++)
        text[i] = (char)(0x20 + data[i] % 0x5f);
    text[n] = '\0';
    msg.id = (int64_t)size + 1;
    msg.phone = "+84912345678";
    msg.text = text;
    prov_send_init(&s);
    if (ops->build_send(pc, &msg, &s) == GW_OK) {
        const char *url = buf_cstr(&s.url);

        FUZZ_CHECK(strncmp(url, pc->send_url, strlen(pc->send_url)) == 0);
        for (i = 0; i < s.url.len; i++)
            FUZZ_CHECK(url[i] > 0x20 && url[i] < 0x7f);
        FUZZ_CHECK(s.nheaders <= SEND_MAX_HEADERS);
    }
    prov_send_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct provider_ops *ops;
    const struct cfg_provider *pc;
    int op;

    if (size < 2 || size > 16384)
        return 0;
    ops = provider_find(names[data[0] % 3]);
    FUZZ_CHECK(ops != NULL);
    pc = config_provider(&cfg, ops->name);
    op = data[1] % 5;
    data += 2;
    size -= 2;
    if (op <= 2)
        fuzz_callback(ops, pc, op, data, size);
    else if (op == 3)
        fuzz_read_send(ops, data, size);
    else
        fuzz_build_send(ops, pc, data, size);
    return 0;
}
