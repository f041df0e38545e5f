/* prov_africastalking.c - Africa's Talking: form POSTs in, form POST out
 *
 * MO: POST from, to, text, date, id, linkId; the id is the dedup key.
 * DLR: POST id (the messageId of the send), status, phoneNumber,
 * networkCode, failureReason. Send: POST /version1/messaging with the
 * apiKey header; 201 with SMSMessageData.Recipients[].statusCode.
 * AT's "Success" means "accepted" in a send answer and "on the handset" in
 * a DLR (docs/PROVIDERS.md).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "gateway/provider.h"
#include "common/banned.h"

static const struct {
    const char *status;
    enum dlr_state state;
} at_states[] = {
    {"Success", DLR_DELIVERED}, /* on the handset */
    {"Rejected", DLR_UNDELIVERED}, {"Failed", DLR_UNDELIVERED},
    {"Expired", DLR_UNDELIVERED},  {"Sent", DLR_PENDING}, /* left AT */
    {"Submitted", DLR_PENDING}, /* reached the carrier */
    {"Buffered", DLR_PENDING},  /* queued at the carrier */
};

static gw_err at_parse_dlr(const struct http_req *req, struct prov_dlr *out)
{
    char status[64];
    size_t i;

    memset(out, 0, sizeof(*out));
    if (prov_field(req, "id", true, out->provider_msg_id,
                   sizeof(out->provider_msg_id)) ||
        out->provider_msg_id[0] == '\0')
        return GW_EINVAL;
    if (prov_field(req, "status", true, status, sizeof(status)))
        return GW_EINVAL;
    prov_copy_for_log(status, strlen(status), out->raw_status,
                      sizeof(out->raw_status));
    out->state = DLR_UNKNOWN;
    for (i = 0; i < ARRAY_SIZE(at_states); i++)
        if (strcmp(status, at_states[i].status) == 0)
            out->state = at_states[i].state;
    return GW_OK;
}

static void add_field(struct buf *b, const char *key, const char *val)
{
    if (b->len)
        buf_putc(b, '&');
    buf_puts(b, key);
    buf_putc(b, '=');
    prov_urlencode(b, val);
}

static gw_err at_build_send(const struct cfg_provider *cfg,
                            const struct prov_out *msg, struct prov_send *out)
{
    if (!cfg || cfg->send_url[0] == '\0' || cfg->username[0] == '\0' ||
        cfg->api_key[0] == '\0')
        return GW_EINVAL;
    out->method = "POST";
    buf_puts(&out->url, cfg->send_url);
    add_field(&out->body, "username", cfg->username);
    add_field(&out->body, "to", msg->phone);
    add_field(&out->body, "message", msg->text);
    if (cfg->sender[0])
        add_field(&out->body, "from", cfg->sender);
    if (prov_send_header(out, "apiKey", cfg->api_key) ||
        prov_send_header(out, "Accept", "application/json") ||
        prov_send_header(out, "Content-Type",
                         "application/x-www-form-urlencoded"))
        return GW_EINVAL;
    return out->url.err || out->body.err ? GW_EINVAL : GW_OK;
}

/* Recipients[0] of a 200/201 answer. statusCode: 100 Processed, 101 Sent,
 * 102 Queued; 401 RiskHold, 402 InvalidSenderId, 403 InvalidPhoneNumber,
 * 404 UnsupportedNumberType, 405 InsufficientBalance, 406 UserInBlacklist,
 * 407 CouldNotRoute, 409 DoNotDisturb or duplicate: permanent; 500
 * InternalServerError, 501 GatewayError, 502 RejectedByGateway: retry. */
static enum send_result at_read_recipient(json_t *data, char *provider_msg_id,
                                          size_t id_size, char *why,
                                          size_t why_size)
{
    json_t *r = json_array_get(json_object_get(data, "Recipients"), 0);
    json_t *code = json_object_get(r, "statusCode");
    json_t *status = json_object_get(r, "status");
    json_t *mid = json_object_get(r, "messageId");
    char text[64] = "";
    json_int_t c;

    if (!json_is_object(r)) {
        /* No recipient: AT refused the whole request; Message says why. */
        json_t *m = json_object_get(data, "Message");

        if (json_is_string(m))
            prov_copy_for_log(json_string_value(m), json_string_length(m), text,
                              sizeof(text));
        (void)snprintf(why, why_size, "africastalking: no recipient: %s", text);
        return SEND_FAIL;
    }
    if (json_is_string(status))
        prov_copy_for_log(json_string_value(status), json_string_length(status),
                          text, sizeof(text));
    if (!json_is_integer(code)) {
        (void)snprintf(why, why_size, "africastalking: no statusCode");
        return SEND_RETRY;
    }
    c = json_integer_value(code);
    if (c >= 100 && c <= 199) {
        if (json_is_string(mid))
            prov_copy_for_log(json_string_value(mid), json_string_length(mid),
                              provider_msg_id, id_size);
        return SEND_OK;
    }
    (void)snprintf(why, why_size, "africastalking %lld: %s", (long long)c,
                   text);
    return c >= 500 && c <= 599 ? SEND_RETRY : SEND_FAIL;
}

static enum send_result at_read_send(long http_status, const char *body,
                                     size_t len, char *provider_msg_id,
                                     size_t id_size, char *why, size_t why_size)
{
    enum send_result res;
    json_t *root, *data;

    if (id_size)
        provider_msg_id[0] = '\0';
    if (why_size)
        why[0] = '\0';
    if (http_status != 200 && http_status != 201) {
        (void)snprintf(why, why_size, "africastalking: HTTP %ld%s", http_status,
                       http_status == 401 ? " (bad username or apiKey)" : "");
        if (http_status == 0 || http_status == 408 || http_status == 429 ||
            http_status >= 500 || http_status < 400)
            return SEND_RETRY;
        return SEND_FAIL;
    }
    root = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    data = json_object_get(root, "SMSMessageData");
    if (!json_is_object(data)) {
        json_decref(root);
        (void)snprintf(why, why_size, "africastalking: unreadable answer");
        return SEND_RETRY;
    }
    res = at_read_recipient(data, provider_msg_id, id_size, why, why_size);
    json_decref(root);
    return res;
}

const struct provider_ops prov_africastalking_ops = {
    .name = "africastalking",
    .authenticate = provider_token_ok,
    .parse_sms = prov_parse_sms_basic,
    .answer_sms = prov_answer_empty,
    .parse_dlr = at_parse_dlr,
    .build_send = at_build_send,
    .read_send = at_read_send,
};
