/* date.h - calendar dates (proleptic Gregorian) and Vietnam local time
 *
 * Vietnam is UTC+7 all year (no daylight saving), so local time is a
 * fixed offset and needs no tz database.
 */
#ifndef DT_DATE_H
#define DT_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/err.h"
#include "common/strv.h"

#define DT_TZ_OFFSET_SECONDS (7 * 3600)

struct dt_date {
    int year;  /* 1900..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31, valid for the month */
};

/* Strict YYYY-MM-DD, a real calendar day, year 1900..9999. */
gw_err date_parse_iso(struct strv s, struct dt_date *out);
bool date_valid(const struct dt_date *d);
int date_days_in_month(int year, int month);

/* Days since 1970-01-01 and back. d must be a real date (date_valid or
 * at least month 1..12). date_from_days covers 0001-01-01..9999-12-31 and
 * gives the all-zero date (not valid) outside it; so does date_add_days
 * and date_local for a result outside that range. */
int64_t date_to_days(const struct dt_date *d);
struct dt_date date_from_days(int64_t days);
/* d plus n days (n may be negative). */
struct dt_date date_add_days(const struct dt_date *d, int64_t n);
/* <0, 0, >0 like strcmp. */
int date_cmp(const struct dt_date *a, const struct dt_date *b);

/* "2026-11-17", "17/11/2026", "17/11" into out (size >= 11). */
void date_format_iso(const struct dt_date *d, char *out, size_t size);
void date_format_dmy(const struct dt_date *d, char *out, size_t size);
void date_format_dm(const struct dt_date *d, char *out, size_t size);

/* The Vietnam local date and minute of day (0..1439) at UTC time t. */
struct dt_date date_local(time_t t, int *minute_of_day);

#endif
