/* csv_out.c - CSV cells that no spreadsheet reads as a formula */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

void csv_end_row(struct buf *b)
{
    (void)buf_puts(b, "\r\n");
}
