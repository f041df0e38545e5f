/* csv.c - streaming RFC 4180 reader with bounded records */
#include <stdio.h>
#include <string.h>

#include "common/csv.h"
#include "common/banned.h"

#define CSV_STR2(x) #x
#define CSV_STR(x) CSV_STR2(x)

enum csv_state {
    ST_START,  /* at the start of a field */
    ST_PLAIN,  /* inside an unquoted field */
    ST_QUOTED, /* inside a quoted field */
    ST_QUOTE   /* just read a '"' inside a quoted field */
};

void csv_init(struct csv_reader *r, FILE *fp)
{
    memset(r, 0, sizeof(*r));
    r->fp = fp;
    r->next_line = 1;
}

/* Makes at least one unread byte available unless at end of input. */
static void csv_fill(struct csv_reader *r)
{
    size_t n;

    if (r->in_pos < r->in_len || r->eof)
        return;
    n = fread(r->in, 1, sizeof(r->in), r->fp);
    r->in_pos = 0;
    r->in_len = n;
    if (n == 0)
        r->eof = true;
}

static int csv_getc(struct csv_reader *r)
{
    csv_fill(r);
    return r->in_pos < r->in_len ? r->in[r->in_pos++] : EOF;
}

static int csv_peek(struct csv_reader *r)
{
    csv_fill(r);
    return r->in_pos < r->in_len ? r->in[r->in_pos] : EOF;
}

/* A BOM is only a BOM as the first three bytes of the file; read until
 * three bytes are there (a pipe may deliver fewer) before looking. */
static void csv_skip_bom(struct csv_reader *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

    while (r->in_len < sizeof(bom) && !r->eof) {
        size_t n =
            fread(r->in + r->in_len, 1, sizeof(r->in) - r->in_len, r->fp);

        if (n == 0)
            r->eof = true;
        r->in_len += n;
    }
    if (r->in_len >= sizeof(bom) && memcmp(r->in, bom, sizeof(bom)) == 0)
        r->in_pos = sizeof(bom);
    /* Bytes already buffered stay readable after eof is set. */
    if (r->in_len > 0)
        r->eof = false;
}

/* Keeps the first reason: the later ones usually follow from it. */
static void csv_fail_at(struct csv_reader *r, const char *why, size_t field)
{
    if (r->why == NULL) {
        r->why = why;
        r->bad_field = field;
    }
}

/* An error in the field being read. */
static void csv_fail(struct csv_reader *r, const char *why)
{
    csv_fail_at(r, why, r->nfields);
}

static void csv_store(struct csv_reader *r, char c)
{
    if (r->why)
        return;
    if (r->len - r->field_at >= CSV_FIELD_MAX) {
        csv_fail(r,
                 "field too long (more than " CSV_STR(CSV_FIELD_MAX) " bytes)");
        return;
    }
    /* Cannot happen while raw <= DT_CSV_LINE_MAX; kept as a guard. */
    if (r->len + 1 >= sizeof(r->data)) {
        csv_fail_at(r, "line too long", CSV_NO_FIELD);
        return;
    }
    r->data[r->len++] = c;
}

static void csv_end_field(struct csv_reader *r)
{
    if (r->why)
        return;
    if (r->nfields == CSV_FIELDS_MAX) {
        csv_fail_at(r, "too many fields", CSV_NO_FIELD);
        return;
    }
    r->data[r->len] = '\0';
    r->fields[r->nfields++] =
        strv_make(r->data + r->field_at, r->len - r->field_at);
    r->len++;
    r->field_at = r->len;
}

/* One byte of a record that is not its terminator. */
static enum csv_state csv_step(struct csv_reader *r, enum csv_state st, int c)
{
    char ch = (char)c;

    if (st == ST_START) {
        if (c == '"') {
            r->quoted = true;
            return ST_QUOTED;
        }
        st = ST_PLAIN;
    }
    switch (st) {
    case ST_PLAIN:
        if (c == ',') {
            csv_end_field(r);
            return ST_START;
        }
        if (c == '"')
            csv_fail(r, "quote inside an unquoted field");
        csv_store(r, ch);
        return ST_PLAIN;
    case ST_QUOTED:
        if (c == '"')
            return ST_QUOTE;
        csv_store(r, ch);
        return ST_QUOTED;
    case ST_QUOTE:
        if (c == '"') {
            csv_store(r, '"');
            return ST_QUOTED;
        }
        if (c == ',') {
            csv_end_field(r);
            return ST_START;
        }
        csv_fail(r, "text after a closing quote");
        return ST_PLAIN;
    case ST_START:
    default:
        return st;
    }
}

static void csv_reset(struct csv_reader *r)
{
    r->nfields = 0;
    r->line = r->next_line;
    r->why = NULL;
    r->bad_field = CSV_NO_FIELD;
    r->raw = 0;
    r->len = 0;
    r->field_at = 0;
    r->quoted = false;
}

enum csv_status csv_next(struct csv_reader *r)
{
    enum csv_state st = ST_START;
    int c;

    if (!r->started) {
        r->started = true;
        csv_skip_bom(r);
    }
    csv_reset(r);
    for (;;) {
        c = csv_getc(r);
        if (c == EOF) {
            if (ferror(r->fp))
                return CSV_EIO;
            if (r->raw == 0 && r->nfields == 0)
                return CSV_EOF;
            if (st == ST_QUOTED)
                csv_fail(r, "unterminated quoted field");
            csv_end_field(r);
            break;
        }
        if (c == '\r' && st != ST_QUOTED && csv_peek(r) == '\n')
            c = csv_getc(r);
        if (c == '\n' && st != ST_QUOTED) {
            r->next_line++;
            csv_end_field(r);
            break;
        }
        if (c == '\n')
            r->next_line++;
        if (++r->raw > DT_CSV_LINE_MAX)
            csv_fail_at(r, "line too long", CSV_NO_FIELD);
        st = csv_step(r, st, c);
    }
    return r->why ? CSV_EBAD : CSV_RECORD;
}

bool csv_blank(const struct csv_reader *r)
{
    size_t i;

    if (r->nfields != 1 || r->quoted)
        return false;
    for (i = 0; i < r->fields[0].len; i++) {
        char c = r->fields[0].p[i];

        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}
