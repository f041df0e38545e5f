/* ussd.h - the USSD dialect seam: one hop in, one screen out
 *
 * A dialect turns an aggregator's USSD callback into a struct prov_ussd
 * and a screen into the answer the aggregator expects; it does no I/O and
 * no authentication (httpd.c checks the provider's credential first, as
 * for SMS). Only Africa's Talking's shape exists today (ussd_at.c): a
 * form POST per hop with sessionId, serviceCode, phoneNumber, networkCode
 * and text (every input so far joined by '*'), answered text/plain
 * "CON <screen>" or "END <screen>". A provider without a dialect answers
 * 404 on /v1/{provider}/ussd.
 */
#ifndef DT_GW_USSD_H
#define DT_GW_USSD_H

#include <stdbool.h>

#include "common/err.h"
#include "common/strv.h"
#include "gateway/provider.h"
#include "handlers/ussd.h"

/* One hop as the aggregator described it. */
struct prov_ussd {
    char session_id[USSD_SESSION_ID_MAX + 1]; /* printable ASCII, not "" */
    char phone[64];                           /* as given; normalise it after */
    char service_code[32];                    /* "*384*1234#", "" when absent */
    char network_code[16];                    /* "" when absent */
    struct strv text; /* borrowed from the request; may hold PINs */
};

struct ussd_dialect {
    const char *name; /* the provider module's name */
    /* GW_EINVAL for a request that is not a USSD hop: a missing or
     * oversized session id or phone, bytes outside printable ASCII in
     * them. The text is taken as it is (the menus judge it). */
    gw_err (*parse)(const struct http_req *req, struct prov_ussd *out);
    /* Writes the answer for screen (END when end) into resp, whose body
     * the caller buf_init()ed. */
    void (*format)(bool end, const char *screen, struct http_resp *resp);
};

/* The dialect of provider name, or NULL when it has no USSD. */
const struct ussd_dialect *ussd_dialect_find(const char *name);

#endif
