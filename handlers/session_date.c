/* session_date.c - the next commune session on or after a date */
#include "handlers/session_date.h"
#include "common/banned.h"

gw_err session_date_next(const struct dt_date *today, int session_day,
                         struct dt_date *out)
{
    struct dt_date d;

    if (session_day < SESSION_DAY_MIN || session_day > SESSION_DAY_MAX ||
        today->month < 1 || today->month > 12 || today->day < 1 ||
        today->day > 31 || today->year < 1900 || today->year > 9999)
        return GW_EINVAL;
    d.year = today->year;
    d.month = today->month;
    d.day = session_day;
    /* session_day <= 28 exists in every month, so only the month moves. */
    if (today->day > session_day) {
        if (d.month == 12) {
            if (d.year == 9999)
                return GW_EINVAL;
            d.year++;
            d.month = 1;
        } else {
            d.month++;
        }
    }
    *out = d;
    return GW_OK;
}
