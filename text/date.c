/* date.c - proleptic Gregorian dates and Vietnam local time (UTC+7) */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "text/date.h"
#include "common/banned.h"

#define YEAR_MIN 1900
#define YEAR_MAX 9999
/* Days counted from 0000-03-01, the start of a year whose leap day is
 * its last day, which makes the leap rules plain divisions. */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define DAYS_PER_400Y 146097
#define DAYS_PER_100Y 36524
#define DAYS_PER_4Y 1461
/* The range date_from_days() maps: 0001-01-01 .. 9999-12-31. */
#define DAYS_FIRST (-719162)
#define DAYS_LAST 2932896
#define SECONDS_PER_DAY 86400

/* Days before each month of a year that starts on 1 March. */
static const int days_before_march_month[12] = {
    0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337,
};

static bool is_leap(int year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

bool date_valid(const struct dt_date *d)
{
    return d->year >= YEAR_MIN && d->year <= YEAR_MAX && d->day >= 1 &&
           d->day <= date_days_in_month(d->year, d->month);
}

static int two_digits(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

gw_err date_parse_iso(struct strv s, struct dt_date *out)
{
    struct dt_date d;
    size_t i;

    if (s.len != 10 || s.p[4] != '-' || s.p[7] != '-')
        return GW_EINVAL;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s.p[i] < '0' || s.p[i] > '9'))
            return GW_EINVAL;
    d.year = two_digits(s.p) * 100 + two_digits(s.p + 2);
    d.month = two_digits(s.p + 5);
    d.day = two_digits(s.p + 8);
    if (!date_valid(&d))
        return GW_EINVAL;
    *out = d;
    return GW_OK;
}

int64_t date_to_days(const struct dt_date *d)
{
    int64_t y = d->year;
    int m = d->month;

    if (m < 1 || m > 12)
        return 0; /* not a date: callers check date_valid first */
    /* January and February belong to the previous March-based year. */
    if (m <= 2) {
        y--;
        m += 9;
    } else {
        m -= 3;
    }
    return y * 365 + y / 4 - y / 100 + y / 400 + days_before_march_month[m] +
           d->day - 1 - DAYS_0000_03_01_TO_EPOCH;
}

struct dt_date date_from_days(int64_t days)
{
    struct dt_date d = {0, 0, 0};
    int64_t z, cycles, centuries, quads, years, year;
    int m;

    if (days < DAYS_FIRST || days > DAYS_LAST)
        return d;
    z = days + DAYS_0000_03_01_TO_EPOCH; /* > 0 in the range above */
    cycles = z / DAYS_PER_400Y;
    z -= cycles * DAYS_PER_400Y;
    centuries = z / DAYS_PER_100Y;
    if (centuries == 4) /* 29 February of a year divisible by 400 */
        centuries = 3;
    z -= centuries * DAYS_PER_100Y;
    quads = z / DAYS_PER_4Y;
    z -= quads * DAYS_PER_4Y;
    years = z / 365;
    if (years == 4) /* 29 February closing a four-year run */
        years = 3;
    z -= years * 365;
    year = cycles * 400 + centuries * 100 + quads * 4 + years;
    for (m = 11; days_before_march_month[m] > z; m--)
        ;
    d.day = (int)(z - days_before_march_month[m]) + 1;
    d.month = m < 10 ? m + 3 : m - 9;
    d.year = (int)(m < 10 ? year : year + 1);
    return d;
}

struct dt_date date_add_days(const struct dt_date *d, int64_t n)
{
    int64_t days = date_to_days(d);
    struct dt_date none = {0, 0, 0};

    if (n > DAYS_LAST - days || n < DAYS_FIRST - days)
        return none;
    return date_from_days(days + n);
}

int date_cmp(const struct dt_date *a, const struct dt_date *b)
{
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return 0;
}

void date_format_iso(const struct dt_date *d, char *out, size_t size)
{
    (void)snprintf(out, size, "%04d-%02d-%02d", d->year, d->month, d->day);
}

void date_format_dmy(const struct dt_date *d, char *out, size_t size)
{
    (void)snprintf(out, size, "%02d/%02d/%04d", d->day, d->month, d->year);
}

void date_format_dm(const struct dt_date *d, char *out, size_t size)
{
    (void)snprintf(out, size, "%02d/%02d", d->day, d->month);
}

struct dt_date date_local(time_t t, int *minute_of_day)
{
    int64_t s = (int64_t)t, days, sec;

    /* Clamp far-off instants so the arithmetic cannot overflow; they fall
     * outside date_from_days' range and give the all-zero date anyway. */
    if (s > INT64_MAX / 2)
        s = INT64_MAX / 2;
    if (s < INT64_MIN / 2)
        s = INT64_MIN / 2;
    s += DT_TZ_OFFSET_SECONDS;
    days = s / SECONDS_PER_DAY;
    sec = s % SECONDS_PER_DAY;
    if (sec < 0) { /* floor, not truncation, before 1970 */
        sec += SECONDS_PER_DAY;
        days--;
    }
    if (minute_of_day)
        *minute_of_day = (int)(sec / 60);
    return date_from_days(days);
}
