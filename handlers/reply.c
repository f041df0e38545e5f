/* reply.c - collecting the messages one inbound message causes */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/log.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "text/gsm7.h"
#include "common/banned.h"

gw_err reply_add(struct reply *out, const char *phone, const char *text,
                 const char *kind, int64_t member_id)
{
    size_t plen = strlen(phone), tlen = strlen(text), septets = 0;
    struct out_msg *m;

    if (out->nmsgs >= REPLY_MAX_MSGS) {
        log_error("handler", "more than %d messages for one inbound",
                  REPLY_MAX_MSGS);
        return GW_ETOOBIG;
    }
    if (plen == 0 || plen >= sizeof(m->phone)) {
        log_error("handler", "%s message without a valid phone", kind);
        return GW_EINVAL;
    }
    /* Templates are checked at load; this catches a bug that slips past,
     * before it costs a second segment or goes out garbled as UCS-2. */
    if (tlen == 0 || tlen > DT_SMS_MAX ||
        gsm7_septets(text, tlen, &septets) != GW_OK || septets > DT_SMS_MAX) {
        log_error("handler", "%s message is not one GSM-7 segment (%zu bytes)",
                  kind, tlen);
        return GW_ETOOBIG;
    }
    m = &out->msgs[out->nmsgs];
    memcpy(m->phone, phone, plen + 1);
    memcpy(m->text, text, tlen + 1);
    m->kind = kind;
    m->member_id = member_id;
    out->nmsgs++;
    return GW_OK;
}

gw_err handler_say(const struct handler_call *call, enum msg_id msg,
                   const struct tpl_arg *args, size_t nargs)
{
    char text[DT_SMS_MAX * 4 + 1];
    gw_err err;

    err = template_render(call->ctx->tpl, msg, args, nargs, text, sizeof(text));
    if (err) {
        log_error("handler", "message %s: %s", template_key(msg),
                  gw_strerror(err));
        return err;
    }
    /* The sender, and only the sender: replies never go elsewhere. */
    return reply_add(call->out, call->in->phone, text, "REPLY",
                     call->who ? call->who->id : 0);
}
