/* provider.c - the provider table and the helpers every dialect shares */
#include <stdlib.h>
#include <string.h>

#include "gateway/provider.h"
#include "common/strv.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "text/utf8.h"
#include "common/banned.h"

static const struct provider_ops *const providers[] = {
    &prov_kannel_ops,
    &prov_esms_ops,
    &prov_africastalking_ops,
    &prov_log_ops,
};

const struct provider_ops *provider_find(const char *name)
{
    size_t i;

    if (!name)
        return NULL;
    for (i = 0; i < ARRAY_SIZE(providers); i++)
        if (strcmp(providers[i]->name, name) == 0)
            return providers[i];
    return NULL;
}

static const struct kv *kv_find(const struct kv *kv, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n && i < HTTP_MAX_PARAMS; i++)
        if (kv[i].key && strcmp(kv[i].key, key) == 0)
            return &kv[i];
    return NULL;
}

const struct kv *http_req_param(const struct http_req *req, const char *key)
{
    const struct kv *v = kv_find(req->form, req->nform, key);

    return v ? v : kv_find(req->query, req->nquery, key);
}

void prov_send_init(struct prov_send *s)
{
    buf_init(&s->url, PROV_URL_MAX);
    buf_init(&s->body, PROV_BODY_MAX);
    s->method = "GET";
    s->nheaders = 0;
    memset(s->headers, 0, sizeof(s->headers));
}

void prov_send_release(struct prov_send *s)
{
    size_t i;

    buf_release(&s->url);
    buf_release(&s->body);
    for (i = 0; i < s->nheaders; i++)
        free((char *)(uintptr_t)s->headers[i]); /* owned, see provider.h */
    s->nheaders = 0;
    memset(s->headers, 0, sizeof(s->headers));
}

gw_err prov_send_header(struct prov_send *s, const char *name,
                        const char *value)
{
    struct buf h;

    if (s->nheaders >= SEND_MAX_HEADERS)
        return GW_ETOOBIG;
    buf_init(&h, CFG_STR_SIZE * 2);
    buf_appendf(&h, "%s: %s", name, value);
    if (h.err) {
        buf_release(&h);
        return GW_ETOOBIG;
    }
    s->headers[s->nheaders++] = buf_detach(&h, NULL);
    return GW_OK;
}

bool provider_token_ok(const struct cfg_provider *cfg,
                       const struct http_req *req)
{
    const struct kv *v;

    if (!cfg || !req || cfg->token[0] == '\0')
        return false;
    /* The token belongs to our URL, so only the query counts: a form
     * field cannot stand in for it. */
    v = kv_find(req->query, req->nquery, "token");
    if (!v || !v->val)
        return false;
    return strv_secure_eq(strv_make(v->val, v->val_len),
                          strv_from_cstr(cfg->token));
}

static bool printable(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

gw_err prov_field(const struct http_req *req, const char *key, bool required,
                  char *out, size_t size)
{
    const struct kv *v = http_req_param(req, key);

    if (size)
        out[0] = '\0';
    if (!v || !v->val)
        return required ? GW_EINVAL : GW_OK;
    if (!printable(v->val, v->val_len))
        return GW_EINVAL;
    if (strv_copy(strv_make(v->val, v->val_len), out, size))
        return GW_EINVAL;
    return GW_OK;
}

gw_err prov_text(const struct http_req *req, const char *key, struct buf *text)
{
    const struct kv *v = http_req_param(req, key);

    if (!v || !v->val || v->val_len > DT_SMS_IN_MAX)
        return GW_EINVAL;
    if (!utf8_valid(v->val, v->val_len))
        return GW_EINVAL;
    if (buf_append(text, v->val, v->val_len))
        return GW_EINVAL;
    return GW_OK;
}

gw_err prov_sms_fields(const struct http_req *req,
                       const struct prov_sms_keys *keys, struct prov_sms *out)
{
    out->alt_id[0] = '\0';
    if (prov_field(req, keys->id, true, out->provider_id,
                   sizeof(out->provider_id)) ||
        out->provider_id[0] == '\0')
        return GW_EINVAL;
    if (prov_field(req, keys->from, true, out->from, sizeof(out->from)) ||
        out->from[0] == '\0')
        return GW_EINVAL;
    if (prov_field(req, keys->to, false, out->to, sizeof(out->to)))
        return GW_EINVAL;
    return prov_text(req, keys->text, &out->text);
}

gw_err prov_parse_sms_basic(const struct cfg_provider *cfg,
                            const struct http_req *req, struct prov_sms *out)
{
    static const struct prov_sms_keys keys = {"id", "from", "to", "text"};

    (void)cfg;
    return prov_sms_fields(req, &keys, out);
}

void prov_answer_empty(const struct prov_sms *sms, struct http_resp *resp)
{
    (void)sms;
    resp->status = 200;
    resp->content_type = "text/plain; charset=utf-8";
}

gw_err prov_parse_id(const char *s, int64_t *out)
{
    uint64_t v;

    *out = 0;
    if (strv_to_u64(strv_from_cstr(s), INT64_MAX, &v) || v == 0)
        return GW_EINVAL;
    *out = (int64_t)v;
    return GW_OK;
}

void prov_copy_for_log(const char *s, size_t len, char *out, size_t size)
{
    size_t i;

    if (!size)
        return;
    for (i = 0; i < len && i + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];

        out[i] = (c < 0x20 || c > 0x7e) ? '?' : (char)c;
    }
    out[i] = '\0';
}

void prov_urlencode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;

    for (; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
            *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

            buf_append(b, e, sizeof(e));
        }
    }
}

void prov_join_url(struct buf *b, const char *base, const char *path)
{
    size_t n = strlen(base);

    while (n && base[n - 1] == '/')
        n--;
    buf_append(b, base, n);
    buf_puts(b, path);
}
