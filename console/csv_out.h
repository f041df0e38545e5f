/* csv_out.h - the one way the console writes a CSV export
 *
 * RFC 4180 fields (quoted when they hold a comma, a quote or a line
 * break), and safe to open in a spreadsheet: a cell that starts with
 * = + - @, a tab or a carriage return is a formula to Excel or
 * LibreOffice, so it is written with a leading apostrophe (the OWASP
 * advice on CSV injection). Numbers are written by csv_int, never as
 * text, so a negative amount stays a number.
 */
#ifndef DT_CSV_OUT_H
#define DT_CSV_OUT_H

#include <stdint.h>

#include "common/buf.h"

/* One text cell, with its separator before it unless it starts a row. */
void csv_text(struct buf *b, const char *s, int first);
void csv_int(struct buf *b, int64_t v, int first);
/* Unix seconds as "YYYY-MM-DD HH:MM", Vietnam time; "" for 0. */
void csv_time(struct buf *b, int64_t t, int first);
void csv_end_row(struct buf *b);

#endif
