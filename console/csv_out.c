/* csv_out.c - CSV cells that no spreadsheet reads as a formula */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console/csv_out.h"
#include "common/banned.h"

void csv_text(struct buf *b, const char *s, int first)
{
    bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = strpbrk(s, ",\"\r\n") != NULL || formula;

    if (!first)
        (void)buf_putc(b, ',');
    if (quote)
        (void)buf_putc(b, '"');
    if (formula)
        (void)buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            (void)buf_putc(b, '"');
        (void)buf_putc(b, *s);
    }
    if (quote)
        (void)buf_putc(b, '"');
}

void csv_int(struct buf *b, int64_t v, int first)
{
    char s[32];

    (void)snprintf(s, sizeof(s), "%s%lld", first ? "" : ",", (long long)v);
    (void)buf_puts(b, s);
}

void csv_time(struct buf *b, int64_t t, int first)
{
    time_t vn = (time_t)(t + 7 * 3600);
    struct tm tm;
    char s[64] = "";

    if (t != 0 && gmtime_r(&vn, &tm) != NULL)
        (void)snprintf(s, sizeof(s), "%04d-%02d-%02d %02d:%02d",
                       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min);
    csv_text(b, s, first);
}

void csv_end_row(struct buf *b)
{
    (void)buf_puts(b, "\r\n");
}
