/* campaign.h - advertising messages under Decree 91/2020/ND-CP
 *
 * A campaign ("savings week for the poor") is advertising, not customer
 * care: it goes only to members who opted in (members.campaigns = 1) and
 * have not sent HUY NHAC (members.reminders = 1), starts with "[QC] ",
 * fits one SMS, reaches a member at most CAMPAIGN_DAILY_CAP times a local
 * day, and is sent only between 07:00 and 22:00 Vietnam time. A campaign
 * asked for outside those hours is refused (not deferred): the operator
 * picks a time with --at, and nothing advertising waits silently in the
 * queue. The sender's retries may still deliver a message queued just
 * before 22:00 a little after it; queue campaigns early in the day.
 */
#ifndef DT_CAMPAIGN_H
#define DT_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define CAMPAIGN_PREFIX "[QC] "
#define CAMPAIGN_DAILY_CAP 3U
/* Local minutes [from, to) when advertising may be sent. */
#define CAMPAIGN_FROM_MINUTE (7U * 60U)
#define CAMPAIGN_TO_MINUTE (22U * 60U)

/* The text as it is sent: text (UTF-8) folded to plain ASCII, runs of
 * white space made one space, trimmed, then CAMPAIGN_PREFIX in front.
 * GW_EINVAL for empty or invalid UTF-8 text, GW_ETOOBIG when the result
 * would not fit one 160-septet GSM-7 segment ('[' and ']' count two).
 * out[size] needs size > 160; out is "" on error. */
gw_err campaign_prepare(const char *text, char *out, size_t size);

/* true when local minute (0..1439) may carry advertising. */
bool campaign_hour_ok(unsigned minute);

/* The Unix-time bounds [*from, *to) of the Vietnam local day holding t,
 * over which the daily cap is counted; *minute is t's local minute. */
void campaign_day(int64_t t, int64_t *from, int64_t *to, unsigned *minute);

#endif
