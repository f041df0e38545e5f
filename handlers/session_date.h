/* session_date.h - which commune session a collection belongs to
 *
 * A commune holds its transaction session once a month on session_day
 * (1..28, so the day exists in every month, February included). Cash a
 * leader collects today is handed over at the next session on or after
 * today: on the session day itself that is today's session.
 */
#ifndef DT_SESSION_DATE_H
#define DT_SESSION_DATE_H

#include "common/err.h"
#include "text/date.h"

#define SESSION_DAY_MIN 1
#define SESSION_DAY_MAX 28

/* The first date >= *today whose day of month is session_day. GW_EINVAL
 * when session_day is outside 1..28 or *today is not a plausible date
 * (month outside 1..12, day outside 1..31); *out is then untouched. */
gw_err session_date_next(const struct dt_date *today, int session_day,
                         struct dt_date *out);

#endif
