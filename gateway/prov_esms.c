/* prov_esms.c - eSMS (esms.vn): signed GET MO, JSON send, GET DLR
 *
 * MO (short-code service): GET ...?sender=84...&content=...&serviceNumber=
 * 8079&keyword=SD&sign=...&cpid=...&smsid=...&receiverTime=yyyyMMddhhmmss,
 * with sign = base64(MD5(cpid + smsid + content + receiverTime +
 * private_key)) over the decoded values. We answer the XML ClientResponse
 * with an empty Message: the reply goes out through the outbox.
 *
 * Send: POST JSON to SendMultipleMessage_V4_post_json with RequestId = our
 * outbox id, so a retry of a message they already took answers 124
 * instead of sending it twice. DLR: GET ...?SMSID=&SendStatus=&RequestId=.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "gateway/provider.h"
#include "common/strv.h"
#include "text/date.h"
#include "common/banned.h"

/* The MO fields that go into the signature, in order, then the key. */
static const char *const sign_fields[] = {"cpid", "smsid", "content",
                                          "receiverTime"};

/* Any of these makes a request an MO, which must then be signed. */
static const char *const mo_fields[] = {"sign", "cpid", "smsid", "content",
                                        "sender"};

/* base64(MD5(...)) is 24 characters. */
#define ESMS_SIGN_SIZE 32

/* Computes the expected sign of req into out. false when a signed field
 * is missing or the key is unset. */
static bool esms_sign(const struct cfg_provider *cfg,
                      const struct http_req *req, char out[ESMS_SIGN_SIZE])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    struct buf in;
    size_t i;
    bool ok = false;

    if (cfg->private_key[0] == '\0')
        return false;
    buf_init(&in, DT_SMS_IN_MAX * 3 + 4 * CFG_STR_SIZE);
    for (i = 0; i < ARRAY_SIZE(sign_fields); i++) {
        const struct kv *v = http_req_param(req, sign_fields[i]);

        if (!v || !v->val)
            goto out;
        buf_append(&in, v->val, v->val_len);
    }
    buf_puts(&in, cfg->private_key);
    if (in.err ||
        !EVP_Digest(buf_cstr(&in), in.len, md, &mdlen, EVP_md5(), NULL) ||
        mdlen != 16)
        goto out;
    ok = EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen) == 24;
out:
    buf_release(&in);
    return ok;
}

/* receiverTime, yyyyMMddhhmmss in Vietnam time (UTC+7), as Unix seconds;
 * -1 for anything else. */
static int64_t esms_receiver_time(const struct kv *v)
{
    struct dt_date d;
    int f[6], i, hh, mi, ss;
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    const char *p;

    if (v == NULL || v->val == NULL || v->val_len != 14)
        return -1;
    for (i = 0, p = v->val; i < 6; p += width[i], i++) {
        int k;

        f[i] = 0;
        for (k = 0; k < width[i]; k++) {
            if (p[k] < '0' || p[k] > '9')
                return -1;
            f[i] = f[i] * 10 + (p[k] - '0');
        }
    }
    d.year = f[0];
    d.month = f[1];
    d.day = f[2];
    hh = f[3];
    mi = f[4];
    ss = f[5];
    if (d.year < 2000 || !date_valid(&d) || hh > 23 || mi > 59 || ss > 59)
        return -1;
    return date_to_days(&d) * 86400 + hh * 3600 + mi * 60 + ss - 7 * 3600;
}

/* An MO from our own account, sent lately: a capture replayed later, or
 * re-cut into another account's fields, is not one. */
static bool esms_mo_fresh(const struct cfg_provider *cfg,
                          const struct http_req *req)
{
    const struct kv *cpid = http_req_param(req, "cpid");
    int64_t t = esms_receiver_time(http_req_param(req, "receiverTime"));
    int64_t skew = t - req->now;

    if (cfg->cpid[0] == '\0' || cpid == NULL || cpid->val == NULL ||
        !strv_eq(strv_make(cpid->val, cpid->val_len), cfg->cpid))
        return false;
    if (skew < 0)
        skew = -skew;
    return t >= 0 && skew <= (int64_t)cfg->time_window;
}

static bool esms_authenticate(const struct cfg_provider *cfg,
                              const struct http_req *req)
{
    char want[ESMS_SIGN_SIZE], got[ESMS_SIGN_SIZE];
    const struct kv *sign;
    size_t i;
    bool mo = false;

    if (!provider_token_ok(cfg, req))
        return false;
    for (i = 0; i < ARRAY_SIZE(mo_fields); i++)
        if (http_req_param(req, mo_fields[i]))
            mo = true;
    if (!mo)
        return true; /* a DLR: eSMS signs only its MO */
    sign = http_req_param(req, "sign");
    if (!sign || !sign->val || sign->val_len >= sizeof(got) ||
        !esms_sign(cfg, req, want))
        return false;
    /* Base64 has no space: a '+' that reached us unescaped in the query
     * was decoded to ' ', so turn it back. */
    for (i = 0; i < sign->val_len; i++)
        got[i] = sign->val[i] == ' ' ? '+' : sign->val[i];
    return strv_secure_eq(strv_make(got, sign->val_len),
                          strv_from_cstr(want)) &&
           esms_mo_fresh(cfg, req);
}

static gw_err esms_parse_sms(const struct cfg_provider *cfg,
                             const struct http_req *req, struct prov_sms *out)
{
    static const struct prov_sms_keys keys = {"smsid", "sender",
                                              "serviceNumber", "content"};
    const struct kv *sign = http_req_param(req, "sign");
    gw_err err;
    size_t i;

    (void)cfg;
    err = prov_sms_fields(req, &keys, out);
    if (err)
        return err;
    /* The signature is a second dedup key: the same signed fields cut
     * at other places (smsid "6001" -> "001" with cpid "CP16") keep the
     * sign and must not make a new message. */
    if (sign == NULL || sign->val == NULL ||
        sign->val_len >= sizeof(out->alt_id))
        return GW_EINVAL;
    for (i = 0; i < sign->val_len; i++)
        out->alt_id[i] = sign->val[i] == ' ' ? '+' : sign->val[i];
    out->alt_id[i] = '\0';
    return GW_OK;
}

static void xml_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&apos;");
            break;
        default:
            buf_putc(b, *s);
        }
    }
}

static void esms_answer_sms(const struct prov_sms *sms, struct http_resp *resp)
{
    resp->status = 200;
    resp->content_type = "text/xml; charset=utf-8";
    buf_puts(&resp->body, "<ClientResponse><Message></Message><Smsid>");
    xml_escaped(&resp->body, sms->provider_id);
    buf_puts(&resp->body, "</Smsid><Receiver>");
    xml_escaped(&resp->body, sms->from);
    buf_puts(&resp->body, "</Receiver></ClientResponse>");
}

/* SendStatus: 1 pending approval, 2 waiting to send, 4 rejected, 5 sent
 * successfully, 7 at the telco waiting for its report. */
static enum dlr_state esms_dlr_state(const char *status)
{
    if (strcmp(status, "5") == 0)
        return DLR_DELIVERED;
    if (strcmp(status, "4") == 0)
        return DLR_UNDELIVERED;
    if (strcmp(status, "1") == 0 || strcmp(status, "2") == 0 ||
        strcmp(status, "7") == 0)
        return DLR_PENDING;
    return DLR_UNKNOWN;
}

static gw_err esms_parse_dlr(const struct http_req *req, struct prov_dlr *out)
{
    char rid[24], status[64];

    memset(out, 0, sizeof(*out));
    if (prov_field(req, "SMSID", false, out->provider_msg_id,
                   sizeof(out->provider_msg_id)))
        return GW_EINVAL;
    /* RequestId is our id; the `id` we put in CallbackUrl is a fallback
     * for reports that come with RequestId empty. */
    if (prov_field(req, "RequestId", false, rid, sizeof(rid)))
        return GW_EINVAL;
    if (rid[0] == '\0' && prov_field(req, "id", false, rid, sizeof(rid)))
        return GW_EINVAL;
    if (rid[0] && prov_parse_id(rid, &out->our_id))
        return GW_EINVAL;
    if (out->our_id == 0 && out->provider_msg_id[0] == '\0')
        return GW_EINVAL;
    if (prov_field(req, "SendStatus", true, status, sizeof(status)))
        return GW_EINVAL;
    prov_copy_for_log(status, strlen(status), out->raw_status,
                      sizeof(out->raw_status));
    out->state = esms_dlr_state(status);
    return GW_OK;
}

/* eSMS wants the national form: +84912345678 -> 0912345678 (its own
 * callbacks write numbers so). Other numbers go as digits without '+'. */
static void esms_phone(const char *e164, char *out, size_t size)
{
    if (strncmp(e164, "+84", 3) == 0)
        (void)snprintf(out, size, "0%s", e164 + 3);
    else
        (void)snprintf(out, size, "%s", e164[0] == '+' ? e164 + 1 : e164);
}

static gw_err esms_build_send(const struct cfg_provider *cfg,
                              const struct prov_out *msg, struct prov_send *out)
{
    char id[24], phone[DT_PHONE_SIZE + 8], type[16];
    struct buf cb;
    json_t *o;
    char *js;

    if (!cfg || cfg->send_url[0] == '\0' || cfg->api_key[0] == '\0' ||
        cfg->secret_key[0] == '\0')
        return GW_EINVAL;
    (void)snprintf(id, sizeof(id), "%lld", (long long)msg->id);
    (void)snprintf(type, sizeof(type), "%u", cfg->sms_type);
    esms_phone(msg->phone, phone, sizeof(phone));
    buf_init(&cb, PROV_URL_MAX);
    if (cfg->dlr_url[0]) {
        prov_join_url(&cb, cfg->dlr_url, "/v1/esms/dlr?token=");
        prov_urlencode(&cb, cfg->token);
        buf_appendf(&cb, "&id=%s", id);
    }
    o = json_object();
    json_object_set_new(o, "ApiKey", json_string(cfg->api_key));
    json_object_set_new(o, "SecretKey", json_string(cfg->secret_key));
    json_object_set_new(o, "Phone", json_string(phone));
    json_object_set_new(o, "Content", json_string(msg->text));
    json_object_set_new(o, "Brandname", json_string(cfg->sender));
    json_object_set_new(o, "SmsType", json_string(type));
    json_object_set_new(o, "IsUnicode", json_string("0"));
    json_object_set_new(o, "RequestId", json_string(id));
    if (cb.len)
        json_object_set_new(o, "CallbackUrl", json_string(buf_cstr(&cb)));
    js = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    out->method = "POST";
    buf_puts(&out->url, cfg->send_url);
    if (js)
        buf_puts(&out->body, js);
    free(js);
    prov_send_header(out, "Content-Type", "application/json");
    prov_send_header(out, "Accept", "application/json");
    if (!js || cb.err || out->url.err || out->body.err) {
        buf_release(&cb);
        return GW_EINVAL;
    }
    buf_release(&cb);
    return GW_OK;
}

/* CodeResult as a string (the documented form) or a number. */
static bool esms_code(json_t *root, char *out, size_t size)
{
    json_t *c = json_object_get(root, "CodeResult");

    if (json_is_string(c))
        prov_copy_for_log(json_string_value(c), json_string_length(c), out,
                          size);
    else if (json_is_integer(c))
        (void)snprintf(out, size, "%lld", (long long)json_integer_value(c));
    else
        return false;
    return out[0] != '\0';
}

static enum send_result esms_read_json(json_t *root, char *provider_msg_id,
                                       size_t id_size, char *why,
                                       size_t why_size)
{
    json_t *smsid = json_object_get(root, "SMSID");
    json_t *emsg = json_object_get(root, "ErrorMessage");
    char code[16], msgtext[96] = "";

    if (!esms_code(root, code, sizeof(code))) {
        (void)snprintf(why, why_size, "esms: no CodeResult");
        return SEND_RETRY;
    }
    if (json_is_string(emsg))
        prov_copy_for_log(json_string_value(emsg), json_string_length(emsg),
                          msgtext, sizeof(msgtext));
    if (strcmp(code, "100") == 0 || strcmp(code, "124") == 0) {
        if (json_is_string(smsid))
            prov_copy_for_log(json_string_value(smsid),
                              json_string_length(smsid), provider_msg_id,
                              id_size);
        /* 124: this RequestId was sent before; they have the message. */
        if (strcmp(code, "124") == 0)
            (void)snprintf(why, why_size, "duplicate");
        return SEND_OK;
    }
    (void)snprintf(why, why_size, "esms %s: %s", code, msgtext);
    return SEND_FAIL;
}

/* Answers: HTTP 200 with {"CodeResult":"100","SMSID":...} accepted;
 * "124" a repeated RequestId (already accepted); 99 blocked number, 101
 * bad ApiKey/SecretKey, 103 balance, 104 brandname, 108 bad phone, 146
 * template, others: permanent. No answer, 429, 5xx or an unreadable body:
 * retry (the sender bounds the attempts). */
static enum send_result esms_read_send(long http_status, const char *body,
                                       size_t len, char *provider_msg_id,
                                       size_t id_size, char *why,
                                       size_t why_size)
{
    enum send_result r;
    json_t *root;

    if (id_size)
        provider_msg_id[0] = '\0';
    if (why_size)
        why[0] = '\0';
    if (http_status == 0 || http_status == 408 || http_status == 429 ||
        http_status >= 500) {
        (void)snprintf(why, why_size, "esms: HTTP %ld", http_status);
        return SEND_RETRY;
    }
    root = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!json_is_object(root)) {
        json_decref(root);
        (void)snprintf(why, why_size, "esms: HTTP %ld, unreadable answer",
                       http_status);
        return http_status >= 400 ? SEND_FAIL : SEND_RETRY;
    }
    if (http_status != 200) {
        json_decref(root);
        (void)snprintf(why, why_size, "esms: HTTP %ld", http_status);
        return http_status >= 400 ? SEND_FAIL : SEND_RETRY;
    }
    r = esms_read_json(root, provider_msg_id, id_size, why, why_size);
    json_decref(root);
    return r;
}

const struct provider_ops prov_esms_ops = {
    .name = "esms",
    .authenticate = esms_authenticate,
    .parse_sms = esms_parse_sms,
    .answer_sms = esms_answer_sms,
    .parse_dlr = esms_parse_dlr,
    .build_send = esms_build_send,
    .read_send = esms_read_send,
};
