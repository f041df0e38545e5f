/* test_csv.c - the streaming CSV reader, table-driven */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/csv.h"
#include "common/util.h"

/* Renders every record of input as "LINE[f1][f2] ", a blank line as
 * "LINE_ ", a bad record as "LINE!why "; bytes outside printable ASCII as
 * \xNN. */
static void render(const char *in, size_t len, struct buf *out)
{
    static struct csv_reader r;
    FILE *fp = tmpfile();
    enum csv_status st;
    size_t i, k;

    assert_non_null(fp);
    assert_int_equal(fwrite(in, 1, len, fp), len);
    rewind(fp);
    csv_init(&r, fp);
    while ((st = csv_next(&r)) != CSV_EOF) {
        assert_int_not_equal(st, CSV_EIO);
        buf_appendf(out, "%zu", r.line);
        if (st == CSV_EBAD) {
            buf_appendf(out, "!%s", r.why);
            if (r.bad_field != CSV_NO_FIELD)
                buf_appendf(out, "@%zu", r.bad_field);
            buf_putc(out, ' ');
            continue;
        }
        if (csv_blank(&r)) {
            buf_puts(out, "_ ");
            continue;
        }
        for (i = 0; i < r.nfields; i++) {
            buf_putc(out, '[');
            for (k = 0; k < r.fields[i].len; k++) {
                unsigned char c = (unsigned char)r.fields[i].p[k];

                if (c >= 0x20 && c < 0x7f && c != '\\')
                    buf_putc(out, (char)c);
                else
                    buf_appendf(out, "\\x%02x", c);
            }
            buf_putc(out, ']');
        }
        buf_putc(out, ' ');
    }
    /* EOF is sticky. */
    assert_int_equal(csv_next(&r), CSV_EOF);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(out->err, GW_OK);
}

struct csv_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *want;
};

static const struct csv_case cases[] = {
    {"empty input", "", 0, ""},
    {"one record", "a,b,c\n", 0, "1[a][b][c] "},
    {"no final newline", "a,b", 0, "1[a][b] "},
    {"quotes", "\"a\",\"b c\"\n", 0, "1[a][b c] "},
    {"escaped quotes", "\"say \"\"hi\"\"\",x\n", 0, "1[say \"hi\"][x] "},
    {"only an escaped quote", "\"\"\"\"\n", 0, "1[\"] "},
    {"embedded comma", "\"a,b\",c\n", 0, "1[a,b][c] "},
    {"embedded newline", "\"l1\nl2\",x\ny,z\n", 0, "1[l1\\x0al2][x] 3[y][z] "},
    {"embedded CRLF kept", "\"a\r\nb\"\r\nc\r\n", 0, "1[a\\x0d\\x0ab] 3[c] "},
    {"CRLF", "a,b\r\nc,d\r\n", 0, "1[a][b] 2[c][d] "},
    {"lone CR is data", "a\rb\n", 0, "1[a\\x0db] "},
    {"BOM skipped", "\xEF\xBB\xBFh1,h2\nx,y\n", 0, "1[h1][h2] 2[x][y] "},
    {"BOM only", "\xEF\xBB\xBF", 0, ""},
    {"BOM later is data", "a\n\xEF\xBB\xBF\n", 0, "1[a] 2[\\xef\\xbb\\xbf] "},
    {"short input, no BOM", "\xEF\xBB", 0, "1[\\xef\\xbb] "},
    {"empty fields", ",,\n", 0, "1[][][] "},
    {"empty fields, no newline", "a,,b", 0, "1[a][][b] "},
    {"trailing comma", "a,\n", 0, "1[a][] "},
    {"quoted empty is not blank", "\"\"\n", 0, "1[] "},
    {"blank lines", "a\n\nb\n\n\n", 0, "1[a] 2_ 3[b] 4_ 5_ "},
    {"spaces kept", " a , b \n", 0, "1[ a ][ b ] "},
    {"NUL byte kept", "a\0b,c\n", 6, "1[a\\x00b][c] "},
    {"unterminated quote", "a,\"bc\nd\n", 0, "1!unterminated quoted field@1 "},
    {"unterminated quote after good", "x\n\"a\n", 0,
     "1[x] 2!unterminated quoted field@0 "},
    {"text after closing quote", "\"a\"b,c\nx\n", 0,
     "1!text after a closing quote@0 2[x] "},
    {"quote in unquoted field", "a\"b,c\nx\n", 0,
     "1!quote inside an unquoted field@0 2[x] "},
    {"line numbers after a bad record", "\"a\"x\n\"p\nq\"\nz\n", 0,
     "1!text after a closing quote@0 2[p\\x0aq] 4[z] "},
};

static void test_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct csv_case *c = &cases[i];
        struct buf out;

        buf_init(&out, 1 << 16);
        render(c->in, c->len ? c->len : strlen(c->in), &out);
        if (strcmp(buf_cstr(&out), c->want) != 0)
            print_error("case '%s': got '%s' want '%s'\n", c->name,
                        buf_cstr(&out), c->want);
        assert_string_equal(buf_cstr(&out), c->want);
        buf_release(&out);
    }
}

/* n copies of ch, then tail, into b. */
static void fill(struct buf *b, char ch, size_t n, const char *tail)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf_putc(b, ch);
    buf_puts(b, tail);
}

static void render_buf(const struct buf *in, struct buf *out)
{
    buf_reset(out);
    render(buf_cstr(in), in->len, out);
}

static void test_field_limit(void **state)
{
    struct buf in, out;

    (void)state;
    buf_init(&in, 1 << 16);
    buf_init(&out, 1 << 16);
    /* max-1, max: read. */
    fill(&in, 'x', CSV_FIELD_MAX, "\nok\n");
    render_buf(&in, &out);
    assert_int_equal(strlen(buf_cstr(&out)), 1 + 2 + CSV_FIELD_MAX + 1 + 6);
    assert_non_null(strstr(buf_cstr(&out), "] 2[ok] "));
    /* max+1: refused, and the next record is still read. */
    buf_reset(&in);
    fill(&in, 'x', CSV_FIELD_MAX + 1, "\nok\n");
    render_buf(&in, &out);
    assert_string_equal(buf_cstr(&out),
                        "1!field too long (more than 1024 bytes)@0 2[ok] ");
    /* Quoted, with an embedded newline: the next record's line is right. */
    buf_reset(&in);
    buf_puts(&in, "\"\n");
    fill(&in, 'x', CSV_FIELD_MAX, "\"\nok\n");
    render_buf(&in, &out);
    assert_string_equal(buf_cstr(&out),
                        "1!field too long (more than 1024 bytes)@0 3[ok] ");
    buf_release(&in);
    buf_release(&out);
}

/* A record of exactly DT_CSV_LINE_MAX bytes is read; one more is not. */
static void test_line_limit(void **state)
{
    size_t per = CSV_FIELD_MAX, nf = DT_CSV_LINE_MAX / (CSV_FIELD_MAX + 1);
    struct buf in, out;
    size_t i, used;

    (void)state;
    buf_init(&in, 1 << 16);
    buf_init(&out, 1 << 16);
    for (i = 0; i < nf; i++)
        fill(&in, 'y', per, ",");
    used = in.len;
    fill(&in, 'z', DT_CSV_LINE_MAX - used, "\r\nok\n");
    assert_int_equal(in.len, DT_CSV_LINE_MAX + 5);
    render_buf(&in, &out);
    assert_null(strchr(buf_cstr(&out), '!'));
    assert_non_null(strstr(buf_cstr(&out), "2[ok] "));

    buf_reset(&in);
    for (i = 0; i < nf; i++)
        fill(&in, 'y', per, ",");
    fill(&in, 'z', DT_CSV_LINE_MAX - used + 1, "\nok\n");
    render_buf(&in, &out);
    assert_string_equal(buf_cstr(&out), "1!line too long 2[ok] ");
    buf_release(&in);
    buf_release(&out);
}

static void test_field_count(void **state)
{
    struct buf in, out;
    size_t i;

    (void)state;
    buf_init(&in, 1 << 16);
    buf_init(&out, 1 << 16);
    for (i = 1; i < CSV_FIELDS_MAX; i++)
        buf_putc(&in, ',');
    buf_puts(&in, "\n");
    render_buf(&in, &out);
    assert_int_equal(strlen(buf_cstr(&out)), 1 + 2 * CSV_FIELDS_MAX + 1);

    buf_reset(&in);
    for (i = 0; i < CSV_FIELDS_MAX; i++)
        buf_putc(&in, ',');
    buf_puts(&in, "\nok\n");
    render_buf(&in, &out);
    assert_string_equal(buf_cstr(&out), "1!too many fields 2[ok] ");
    buf_release(&in);
    buf_release(&out);
}

/* CRLF split across the reader's input chunks. */
static void test_chunk_boundary(void **state)
{
    struct buf in, out;
    size_t i;

    (void)state;
    buf_init(&in, 1 << 16);
    buf_init(&out, 1 << 16);

    /* 40 lines of 100 bytes, then one whose CR is the chunk's last byte
     * and whose LF starts the next chunk. */
    for (i = 0; i < 40; i++)
        fill(&in, 'a', 98, "\r\n");
    fill(&in, 'b', CSV_CHUNK - 1 - 4000, "\r\n");
    assert_int_equal(in.len, CSV_CHUNK + 1);
    assert_int_equal(in.data[CSV_CHUNK - 1], '\r');
    buf_puts(&in, "c\r\n");
    render_buf(&in, &out);
    assert_null(strstr(buf_cstr(&out), "\\x0d"));
    assert_non_null(strstr(buf_cstr(&out), " 42[c] "));
    buf_release(&in);
    buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_field_count),
        cmocka_unit_test(test_chunk_boundary),
    };

    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
