/* ussd_at.c - Africa's Talking USSD: form POST per hop, CON/END text */
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"
#include "gateway/ussd.h"
#include "common/banned.h"

/* The form field key, else the query parameter; NULL when absent. */
static const struct kv *field(const struct http_req *req, const char *key)
{
    size_t i;

    for (i = 0; i < req->nform; i++)
        if (strcmp(req->form[i].key, key) == 0)
            return &req->form[i];
    for (i = 0; i < req->nquery; i++)
        if (strcmp(req->query[i].key, key) == 0)
            return &req->query[i];
    return NULL;
}

/* Copies field key (printable ASCII, shorter than size) into out; an
 * absent optional field is "". */
static gw_err copy_field(const struct http_req *req, const char *key,
                         bool required, char *out, size_t size)
{
    const struct kv *f = field(req, key);
    size_t i;

    out[0] = '\0';
    if (f == NULL || f->val_len == 0)
        return required ? GW_EINVAL : GW_OK;
    if (f->val_len >= size)
        return GW_EINVAL;
    for (i = 0; i < f->val_len; i++)
        if ((unsigned char)f->val[i] < 0x20 || (unsigned char)f->val[i] > 0x7e)
            return GW_EINVAL;
    memcpy(out, f->val, f->val_len);
    out[f->val_len] = '\0';
    return GW_OK;
}

static gw_err at_parse(const struct http_req *req, struct prov_ussd *out)
{
    const struct kv *text;

    memset(out, 0, sizeof(*out));
    if (copy_field(req, "sessionId", true, out->session_id,
                   sizeof(out->session_id)) ||
        copy_field(req, "phoneNumber", true, out->phone, sizeof(out->phone)) ||
        copy_field(req, "serviceCode", false, out->service_code,
                   sizeof(out->service_code)) ||
        copy_field(req, "networkCode", false, out->network_code,
                   sizeof(out->network_code)))
        return GW_EINVAL;
    /* Absent or empty on the first hop. */
    text = field(req, "text");
    out->text = text ? strv_make(text->val, text->val_len) : strv_make("", 0);
    return GW_OK;
}

static void at_format(bool end, const char *screen, struct http_resp *resp)
{
    resp->status = 200;
    resp->content_type = "text/plain";
    (void)buf_puts(&resp->body, end ? "END " : "CON ");
    (void)buf_puts(&resp->body, screen);
}

static const struct ussd_dialect at_dialect = {
    .name = "africastalking",
    .parse = at_parse,
    .format = at_format,
};

const struct ussd_dialect *ussd_dialect_find(const char *name)
{
    if (name && strcmp(name, at_dialect.name) == 0)
        return &at_dialect;
    return NULL;
}
