/* csv.h - streaming RFC 4180 reader with bounded records
 *
 * Reads one record at a time from a FILE: fields separated by ',',
 * records ended by LF or CRLF, fields optionally in double quotes with ""
 * for a quote and with commas and line breaks inside. A UTF-8 byte order
 * mark at the very start of the file is skipped. Bytes are passed through
 * as they are: checking UTF-8 is the caller's job, per field, so that an
 * error can name the column.
 *
 * Nothing is allocated: the reader holds the current record in a fixed
 * array (DT_CSV_LINE_MAX), so one struct csv_reader is about 9 KB. A record
 * longer than DT_CSV_LINE_MAX bytes, a field longer than CSV_FIELD_MAX, or
 * more than CSV_FIELDS_MAX fields is reported as a bad record and skipped
 * up to its end, so the records after it are still read correctly.
 *
 *   struct csv_reader r;
 *   csv_init(&r, fp);
 *   while ((st = csv_next(&r)) != CSV_EOF) {
 *       if (st == CSV_EBAD) report(r.line, r.why);
 *       else use(r.fields, r.nfields);
 *   }
 */
#ifndef DT_CSV_H
#define DT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/dt_limits.h"
#include "common/strv.h"

/* The widest import has 13 columns; 32 leaves room and still catches a
 * file that is not what it claims to be. */
#define CSV_FIELDS_MAX 32
/* One field, unescaped. The longest real field is a name of DT_NAME_MAX
 * characters, at most 5 bytes each in NFD Vietnamese (a letter and two
 * combining marks): 320 bytes. A field up to this size reaches the
 * importer, which can then say "too long" about the column. */
#define CSV_FIELD_MAX 1024
/* Input is read in chunks of this size. */
#define CSV_CHUNK 4096
/* bad_field when an error is about the record as a whole. */
#define CSV_NO_FIELD ((size_t)-1)

enum csv_status {
    CSV_RECORD, /* fields/nfields hold the record */
    CSV_EOF,    /* no more records */
    CSV_EBAD,   /* malformed record (why says how); skipped, read on */
    CSV_EIO     /* read error on the stream; stop */
};

struct csv_reader {
    /* The current record, valid until the next csv_next(). Each field is
     * also NUL-terminated in data, but may itself hold NUL bytes: use
     * the lengths. */
    struct strv fields[CSV_FIELDS_MAX];
    size_t nfields;
    /* The physical line (1-based) the current record starts on. */
    size_t line;
    /* Static English text for CSV_EBAD, and the 0-based index of the
     * field it concerns (CSV_NO_FIELD when it is the whole record: a line
     * too long, too many fields). */
    const char *why;
    size_t bad_field;

    /* Private. */
    FILE *fp;
    size_t next_line;
    bool started, eof;
    size_t in_pos, in_len;
    unsigned char in[CSV_CHUNK];
    size_t raw;      /* bytes of the record read so far */
    size_t len;      /* bytes used in data */
    size_t field_at; /* where the current field starts in data */
    bool quoted;     /* the current record has a quoted field */
    char data[DT_CSV_LINE_MAX + 1];
};

/* Starts reading fp (borrowed: the caller opens and closes it). */
void csv_init(struct csv_reader *r, FILE *fp);

/* Reads the next record. */
enum csv_status csv_next(struct csv_reader *r);

/* true when the current record is an empty line (one empty unquoted
 * field); importers skip those. */
bool csv_blank(const struct csv_reader *r);

#endif
