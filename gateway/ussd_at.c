/* ussd_at.c - Africa's Talking USSD: form POST per hop, CON/END text */
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"
#include "gateway/ussd.h"
#include "common/banned.h"

/* A required field must also be non-empty. */
static gw_err need(const struct http_req *req, const char *key, char *out,
                   size_t size)
{
    gw_err err = prov_field(req, key, true, out, size);

    return err ? err : out[0] ? GW_OK : GW_EINVAL;
}

static gw_err at_parse(const struct http_req *req, struct prov_ussd *out)
{
    const struct kv *text;

    memset(out, 0, sizeof(*out));
    if (need(req, "sessionId", out->session_id, sizeof(out->session_id)) ||
        need(req, "phoneNumber", out->phone, sizeof(out->phone)) ||
        prov_field(req, "serviceCode", false, out->service_code,
                   sizeof(out->service_code)) ||
        prov_field(req, "networkCode", false, out->network_code,
                   sizeof(out->network_code)))
        return GW_EINVAL;
    /* Absent or empty on the first hop; judged by the menus, not here. */
    text = http_req_param(req, "text");
    out->text = text && text->val ? strv_make(text->val, text->val_len)
                                  : strv_make("", 0);
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
