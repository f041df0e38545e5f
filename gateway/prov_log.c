/* prov_log.c - the `log` provider: no aggregator at all (demo, tests)
 *
 * It takes no callbacks (every one is refused) and has no build_send: the
 * outbox sender sees build_send == NULL, writes the message to the log
 * (number masked) and marks it SENT without any HTTP.
 */
#include <string.h>

#include "gateway/provider.h"
#include "common/banned.h"

static bool log_authenticate(const struct cfg_provider *cfg,
                             const struct http_req *req)
{
    (void)cfg;
    (void)req;
    return false;
}

static gw_err log_parse_sms(const struct cfg_provider *cfg,
                            const struct http_req *req, struct prov_sms *out)
{
    (void)cfg;
    (void)req;
    (void)out;
    return GW_EINVAL;
}

static gw_err log_parse_dlr(const struct http_req *req, struct prov_dlr *out)
{
    (void)req;
    memset(out, 0, sizeof(*out));
    return GW_EINVAL;
}

/* Never called (no HTTP is made), but total, like the others. */
static enum send_result log_read_send(long http_status, const char *body,
                                      size_t len, char *provider_msg_id,
                                      size_t id_size, char *why,
                                      size_t why_size)
{
    (void)http_status;
    (void)body;
    (void)len;
    if (id_size)
        provider_msg_id[0] = '\0';
    if (why_size)
        why[0] = '\0';
    return SEND_OK;
}

const struct provider_ops prov_log_ops = {
    .name = "log",
    .authenticate = log_authenticate,
    .parse_sms = log_parse_sms,
    .answer_sms = prov_answer_empty,
    .parse_dlr = log_parse_dlr,
    .build_send = NULL,
    .read_send = log_read_send,
};
