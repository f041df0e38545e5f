/* test_html.c - the one way console pages and CSV exports are written */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/util.h"
#include "console/csv_out.h"
#include "console/html.h"
#include "common/banned.h"

static const struct {
    const char *in;
    const char *out;
} escape_rows[] = {
    {"", ""},
    {"Nguyễn Thị Hồng", "Nguyễn Thị Hồng"},
    {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {"\" onmouseover=\"x", "&quot; onmouseover=&quot;x"},
    {"' autofocus '", "&#39; autofocus &#39;"},
    {"Tổ TK&VV", "Tổ TK&amp;VV"},
    {"a\x01"
     "b\x7f"
     "c",
     "a?b?c"}, /* control bytes */
    {"line\nbreak", "line\nbreak"},
    {"&amp;", "&amp;amp;"}, /* escaped once more, never read */
};

static void test_escape_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(escape_rows); i++) {
        struct buf b;

        buf_init(&b, 1024);
        html_escape(&b, escape_rows[i].in);
        if (strcmp(buf_cstr(&b), escape_rows[i].out) != 0)
            fail_msg("row %zu: %s gave %s", i, escape_rows[i].in, buf_cstr(&b));
        buf_release(&b);
    }
}

static void test_page_directives(void **state)
{
    struct page p;
    const char *data;
    size_t len;

    (void)state;
    page_init(&p, 4096);
    page_f(&p, "<p title=\"%s\">%s %d %D %m %m %m|%t|%p|%P|100%%</p>", "a\"b",
           "<b>", -7, (int64_t)9000000000LL, (int64_t)0, (int64_t)1234567,
           (int64_t)-1000, (int64_t)1780000000, "+84912345678", "+84912345678");
    assert_int_equal(page_done(&p, &data, &len), GW_OK);
    assert_string_equal(data, "<p title=\"a&quot;b\">&lt;b&gt; -7 9000000000 0 "
                              "1.234.567 -1.000|29/05/2026 03:26|0912***678|"
                              "0912345678|100%</p>");
    assert_int_equal(len, strlen(data));
    page_release(&p);
}

static void test_bad_directive_fails_page(void **state)
{
    struct page p;
    const char *data;
    size_t len;

    (void)state;
    page_init(&p, 4096);
    page_f(&p, "<p>%x</p>", 5);
    assert_int_equal(page_done(&p, &data, &len), GW_EINTERNAL);
    page_release(&p);
    page_init(&p, 4096);
    page_f(&p, "<p>50%");
    assert_int_equal(page_done(&p, &data, &len), GW_EINTERNAL);
    page_release(&p);
    page_init(&p, 8); /* too big */
    page_f(&p, "<p>%s</p>", "far longer than eight bytes");
    assert_int_not_equal(page_done(&p, &data, &len), GW_OK);
    page_release(&p);
}

static const struct {
    const char *e164;
    const char *masked;
    const char *full;
} phone_rows[] = {
    {"+84912345678", "0912***678", "0912345678"},
    {"+84123", "***123", "0123"},
    {"", "***", ""},
    {"+4412345678901", "+441***901", "+4412345678901"},
};

static void test_phone_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(phone_rows); i++) {
        char out[32];

        html_phone(phone_rows[i].e164, 1, out, sizeof(out));
        assert_string_equal(out, phone_rows[i].masked);
        html_phone(phone_rows[i].e164, 0, out, sizeof(out));
        assert_string_equal(out, phone_rows[i].full);
    }
}

static const struct {
    const char *in;
    const char *out;
} csv_rows[] = {
    {"plain", "plain"},
    {"", ""},
    {"a,b", "\"a,b\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"two\nlines", "\"two\nlines\""},
    {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
    {"+1+1", "\"'+1+1\""},
    {"-2+3", "\"'-2+3\""},
    {"@SUM(A1)", "\"'@SUM(A1)\""},
    {"\tcmd", "\"'\tcmd\""},
    {"\rcmd", "\"'\rcmd\""},
    {"a=b", "a=b"}, /* only a leading sign makes a formula */
};

static void test_csv_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(csv_rows); i++) {
        struct buf b;

        buf_init(&b, 1024);
        csv_text(&b, csv_rows[i].in, 1);
        if (strcmp(buf_cstr(&b), csv_rows[i].out) != 0)
            fail_msg("row %zu: %s gave %s", i, csv_rows[i].in, buf_cstr(&b));
        buf_release(&b);
    }
}

static void test_csv_row_shape(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 1024);
    csv_text(&b, "DISPUTE", 1);
    csv_int(&b, -5, 0);
    csv_text(&b, "=1", 0);
    csv_end_row(&b);
    assert_string_equal(buf_cstr(&b), "DISPUTE,-5,\"'=1\"\r\n");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_rows),
        cmocka_unit_test(test_page_directives),
        cmocka_unit_test(test_bad_directive_fails_page),
        cmocka_unit_test(test_phone_rows),
        cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_csv_row_shape),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
