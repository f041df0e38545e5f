/* prov_kannel.c - Kannel: smsbox sms-service get-url in, sendsms out
 *
 * The operator's smsbox calls us for every MO with (docs/PROVIDERS.md):
 *
 *   get-url = "http://HOST:8080/v1/kannel/sms?token=SECRET&id=%I&from=%p
 *              &to=%P&text=%b"
 *
 * %I is smsbox's message UUID, the same on every retry of one MO, so it is
 * the dedup key. %b is the whole text as received (words and whitespace
 * as sent; %a would collapse them); with `mo-recode = true` a UCS-2 MO
 * arrives as UTF-8. `max-messages = 0` keeps our HTTP answer from becoming
 * an SMS: replies go through the outbox and /cgi-bin/sendsms.
 */
#include <stdio.h>
#include <string.h>

#include "gateway/provider.h"
#include "common/strv.h"
#include "common/banned.h"

/* dlr-mask 27 = 1 delivered + 2 undelivered + 8 SMSC accepted + 16 SMSC
 * rejected: the finals, plus the SMSC's own accept and reject. */
#define KANNEL_DLR_MASK "27"

/* The value of %d: one dlr-mask bit (Kannel's gw/dlr.h). */
static enum dlr_state kannel_dlr_state(const char *status)
{
    uint32_t v;

    if (strv_to_u32(strv_from_cstr(status), &v))
        return DLR_UNKNOWN;
    switch (v) {
    case 1:
        return DLR_DELIVERED;
    case 2:  /* not delivered to the phone */
    case 16: /* rejected by the SMSC */
        return DLR_UNDELIVERED;
    case 4:  /* queued on the SMSC */
    case 8:  /* accepted by the SMSC */
    case 32: /* SMSC intermediate notification */
        return DLR_PENDING;
    default:
        return DLR_UNKNOWN;
    }
}

static gw_err kannel_parse_dlr(const struct http_req *req, struct prov_dlr *out)
{
    char id[24], status[64];

    memset(out, 0, sizeof(*out));
    if (prov_field(req, "id", true, id, sizeof(id)) ||
        prov_parse_id(id, &out->our_id))
        return GW_EINVAL;
    if (prov_field(req, "status", true, status, sizeof(status)))
        return GW_EINVAL;
    prov_copy_for_log(status, strlen(status), out->raw_status,
                      sizeof(out->raw_status));
    out->state = kannel_dlr_state(status);
    return GW_OK;
}

/* Appends "?key=val" for the first parameter of a bare URL, "&key=val"
 * after that (or after a send_url that already has a query). */
static void add_param(struct buf *b, const char *key, const char *val)
{
    const char *q = strchr(buf_cstr(b), '?');
    char last = b->len ? b->data[b->len - 1] : '\0';

    if (!q)
        buf_putc(b, '?');
    else if (last != '?' && last != '&')
        buf_putc(b, '&');
    buf_puts(b, key);
    buf_putc(b, '=');
    prov_urlencode(b, val);
}

static gw_err kannel_build_send(const struct cfg_provider *cfg,
                                const struct prov_out *msg,
                                struct prov_send *out)
{
    char id[24];

    if (!cfg || cfg->send_url[0] == '\0' || cfg->username[0] == '\0')
        return GW_EINVAL;
    (void)snprintf(id, sizeof(id), "%lld", (long long)msg->id);
    out->method = "GET";
    buf_puts(&out->url, cfg->send_url);
    add_param(&out->url, "username", cfg->username);
    add_param(&out->url, "password", cfg->password);
    if (cfg->sender[0])
        add_param(&out->url, "from", cfg->sender);
    add_param(&out->url, "to", msg->phone);
    add_param(&out->url, "text", msg->text);
    add_param(&out->url, "charset", "UTF-8");
    add_param(&out->url, "coding", "0");
    if (cfg->dlr_url[0]) {
        struct buf dlr;

        /* Kannel fetches this URL itself after replacing %d; the token
         * is letters and digits (docs/PROVIDERS.md), so no '%' of ours
         * can be taken for one of its escapes. */
        buf_init(&dlr, PROV_URL_MAX);
        prov_join_url(&dlr, cfg->dlr_url, "/v1/kannel/dlr?token=");
        prov_urlencode(&dlr, cfg->token);
        buf_appendf(&dlr, "&id=%s&status=%%d", id);
        add_param(&out->url, "dlr-mask", KANNEL_DLR_MASK);
        add_param(&out->url, "dlr-url", buf_cstr(&dlr));
        if (dlr.err)
            out->url.err = dlr.err;
        buf_release(&dlr);
    }
    return out->url.err ? GW_EINVAL : GW_OK;
}

/* Kannel's sendsms answers (smsbox.c): 202 "0: Accepted for delivery",
 * "3: Queued for later delivery" or "Sent."; 400 a bad parameter; 403
 * "Authorization failed for sendsms" or "Not routable. Do not try
 * again."; 500 "Sending failed."; 503 "Temporal failure, try again
 * later.". It gives no message id: the DLR carries ours. */
static enum send_result kannel_read_send(long http_status, const char *body,
                                         size_t len, char *provider_msg_id,
                                         size_t id_size, char *why,
                                         size_t why_size)
{
    char text[64];

    if (id_size)
        provider_msg_id[0] = '\0';
    prov_copy_for_log(body ? body : "", body ? len : 0, text, sizeof(text));
    if (why_size)
        why[0] = '\0';
    if (http_status >= 200 && http_status <= 299)
        return SEND_OK;
    if (http_status == 0) {
        (void)snprintf(why, why_size, "kannel: no answer");
        return SEND_RETRY;
    }
    (void)snprintf(why, why_size, "kannel %ld: %s", http_status, text);
    if (http_status == 408 || http_status == 429 || http_status >= 500)
        return SEND_RETRY;
    if (http_status >= 400)
        return SEND_FAIL;
    return SEND_RETRY; /* 1xx/3xx: not an answer we know; bounded retries */
}

const struct provider_ops prov_kannel_ops = {
    .name = "kannel",
    .authenticate = provider_token_ok,
    .parse_sms = prov_parse_sms_basic,
    /* An empty body: with max-messages = 0 smsbox sends nothing, and
     * omit-empty = true covers a configuration that forgot it. */
    .answer_sms = prov_answer_empty,
    .parse_dlr = kannel_parse_dlr,
    .build_send = kannel_build_send,
    .read_send = kannel_read_send,
};
