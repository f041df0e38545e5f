/* campaign.c - the text, the hours and the day of an advertising message */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/dt_limits.h"
#include "handlers/campaign.h"
#include "text/date.h"
#include "text/gsm7.h"
#include "text/utf8.h"
#include "common/banned.h"

#define SECONDS_PER_DAY 86400

/* Longest input considered: far past one SMS, so a paste of a long text
 * is reported as too long rather than as an internal limit. */
#define CAMPAIGN_IN_MAX 4096

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

gw_err campaign_prepare(const char *text, char *out, size_t size)
{
    char in[CAMPAIGN_IN_MAX + 1];
    struct buf folded;
    const char *p;
    size_t n = 0, len, i, septets = 0;
    gw_err err;

    if (size > 0)
        out[0] = '\0';
    len = text ? strnlen(text, CAMPAIGN_IN_MAX + 1) : 0;
    if (len > CAMPAIGN_IN_MAX)
        return GW_ETOOBIG;
    /* Line breaks and tabs are spaces in an SMS; the fold would make
     * them '?'. ASCII bytes never occur inside a UTF-8 sequence. */
    for (i = 0; i < len; i++)
        in[i] = is_space(text[i]) ? ' ' : text[i];
    buf_init(&folded, CAMPAIGN_IN_MAX);
    err = utf8_fold_ascii(in, len, &folded);
    if (err) {
        buf_release(&folded);
        return err == GW_ETOOBIG ? GW_ETOOBIG : GW_EINVAL;
    }
    if (size <= sizeof(CAMPAIGN_PREFIX) - 1) {
        buf_release(&folded);
        return GW_ETOOBIG;
    }
    memcpy(out, CAMPAIGN_PREFIX, sizeof(CAMPAIGN_PREFIX) - 1);
    n = sizeof(CAMPAIGN_PREFIX) - 1;
    for (p = buf_cstr(&folded); *p; p++) {
        if (is_space(*p) &&
            (n == sizeof(CAMPAIGN_PREFIX) - 1 || out[n - 1] == ' '))
            continue; /* leading or repeated white space */
        if (n + 1 >= size) {
            err = GW_ETOOBIG;
            break;
        }
        out[n++] = is_space(*p) ? ' ' : *p;
    }
    buf_release(&folded);
    while (!err && n > sizeof(CAMPAIGN_PREFIX) - 1 && out[n - 1] == ' ')
        n--;
    if (!err && n == sizeof(CAMPAIGN_PREFIX) - 1)
        err = GW_EINVAL; /* nothing but the prefix */
    if (!err) {
        out[n] = '\0';
        err = gsm7_septets(out, n, &septets);
        if (!err && septets > DT_SMS_MAX)
            err = GW_ETOOBIG;
    }
    if (err)
        out[0] = '\0';
    return err;
}

bool campaign_hour_ok(unsigned minute)
{
    return minute >= CAMPAIGN_FROM_MINUTE && minute < CAMPAIGN_TO_MINUTE;
}

void campaign_day(int64_t t, int64_t *from, int64_t *to, unsigned *minute)
{
    int m = 0;
    struct dt_date d = date_local((time_t)t, &m);

    *from = date_to_days(&d) * SECONDS_PER_DAY - DT_TZ_OFFSET_SECONDS;
    *to = *from + SECONDS_PER_DAY;
    *minute = (unsigned)m;
}
