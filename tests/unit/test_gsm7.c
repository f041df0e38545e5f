/* test_gsm7.c - GSM-7 alphabet, septet counts and SMS segments */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/util.h"
#include "text/gsm7.h"
#include "text/utf8.h"
#include "common/banned.h"

#define NOT_GSM7 SIZE_MAX

/* head repeated reps times, then mid, then after times 'a'. */
static const struct {
    const char *head;
    size_t reps;
    const char *mid;
    size_t after;
    size_t septets; /* NOT_GSM7 when UCS-2 */
    size_t segments;
} rows[] = {
    {"", 0, "", 0, 0, 0},
    {"a", 1, "", 0, 1, 1},
    {"a", 159, "", 0, 159, 1},
    {"a", 160, "", 0, 160, 1},
    {"a", 161, "", 0, 161, 2},
    {"a", 305, "", 0, 305, 2},
    {"a", 306, "", 0, 306, 2},
    {"a", 307, "", 0, 307, 3},
    {"a", 459, "", 0, 459, 3},
    {"a", 460, "", 0, 460, 4},
    {"€", 80, "", 0, 160, 1}, /* extension pairs fill one SMS exactly */
    {"€", 80, "", 1, 161, 2}, /* 76 pairs (152) then 4 pairs + a */
    {"a", 159, "€", 0, 161, 2},
    {"a", 158, "€", 0, 160, 1},
    {"a", 152, "€", 0, 154, 1},
    /* 152 + pair would be 154 > 153: the pair moves whole to part 2 */
    {"a", 152, "€", 7, 161, 2},
    {"a", 151, "€", 0, 153, 1},
    {"a", 151, "€", 153, 306, 2}, /* the pair ends part 1 exactly */
    /* 306 septets, but with the split forbidden it needs a third part */
    {"a", 152, "€", 152, 306, 3},
    {"a", 152, "€", 151, 305, 2},
    {"[", 153, "", 0, 306, 3}, /* 76 pairs a part: 76 + 76 + 1 */
    {"[", 152, "", 0, 304, 2},
    {"\f^{}\\[~]|€", 1, "", 0, 20, 1},
    {"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ", 1, "", 0, 31, 1},
    {" !\"#¤%&'()*+,-./0123456789:;<=>?", 1, "", 0, 32, 1},
    {"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿", 1, "", 0, 33, 1},
    {"abcdefghijklmnopqrstuvwxyzäöñüà", 1, "", 0, 31, 1},
    /* outside the alphabet: UCS-2 */
    {"`", 1, "", 0, NOT_GSM7, 1},
    {"ç", 1, "", 0, NOT_GSM7, 1}, /* only capital Ç is in the table */
    {"\t", 1, "", 0, NOT_GSM7, 1},
    {"\x01", 1, "", 0, NOT_GSM7, 1},
    {"Nguyễn", 1, "", 0, NOT_GSM7, 1},
    {"ễ", 70, "", 0, NOT_GSM7, 1},
    {"ễ", 71, "", 0, NOT_GSM7, 2},
    {"ễ", 134, "", 0, NOT_GSM7, 2},
    {"ễ", 135, "", 0, NOT_GSM7, 3},
    {"a", 69, "đ", 0, NOT_GSM7, 1},
    {"a", 70, "đ", 0, NOT_GSM7, 2},
    {"a", 200, "đ", 0, NOT_GSM7, 3},
    {"a", 201, "đ", 0, NOT_GSM7, 4},
    /* beyond the BMP: two UTF-16 units, never split */
    {"\xf0\x9f\x98\x80", 35, "", 0, NOT_GSM7, 1},
    {"\xf0\x9f\x98\x80", 36, "", 0, NOT_GSM7, 2},
    {"a", 68, "\xf0\x9f\x98\x80", 0, NOT_GSM7, 1},
    {"a", 69, "\xf0\x9f\x98\x80", 0, NOT_GSM7, 2},
    {"a", 65, "\xf0\x9f\x98\x80", 67, NOT_GSM7, 2},
    /* 134 units, yet three parts: the pair cannot straddle 66|67 */
    {"a", 66, "\xf0\x9f\x98\x80", 66, NOT_GSM7, 3},
};

static void build(struct buf *b, size_t row)
{
    size_t i;

    for (i = 0; i < rows[row].reps; i++)
        buf_puts(b, rows[row].head);
    buf_puts(b, rows[row].mid);
    for (i = 0; i < rows[row].after; i++)
        buf_putc(b, 'a');
    assert_int_equal(b->err, GW_OK);
}

static void test_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        struct buf b;
        size_t septets = 12345, segments = 12345;
        bool gsm7 = false, want_gsm7 = rows[i].septets != NOT_GSM7;

        buf_init(&b, 4096);
        build(&b, i);
        assert_int_equal(gsm7_is_encodable(buf_cstr(&b), b.len), want_gsm7);
        if (want_gsm7) {
            assert_int_equal(gsm7_septets(buf_cstr(&b), b.len, &septets),
                             GW_OK);
            assert_int_equal(septets, rows[i].septets);
        } else {
            assert_int_equal(gsm7_septets(buf_cstr(&b), b.len, &septets),
                             GW_EINVAL);
            assert_int_equal(septets, 12345);
        }
        assert_int_equal(sms_segments(buf_cstr(&b), b.len, &segments, &gsm7),
                         GW_OK);
        assert_int_equal(segments, rows[i].segments);
        assert_int_equal(gsm7, want_gsm7);
        /* the encoding flag is optional */
        assert_int_equal(sms_segments(buf_cstr(&b), b.len, &segments, NULL),
                         GW_OK);
        assert_int_equal(segments, rows[i].segments);
        buf_release(&b);
    }
}

static void test_invalid_utf8(void **state)
{
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"\xff", 1},         {"abc\xc3", 4}, {"\xc0\x80", 2},
        {"\xed\xa0\x80", 3}, {"a\0b", 3},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        size_t n = 7;
        bool gsm7 = true;

        assert_false(gsm7_is_encodable(bad[i].s, bad[i].len));
        assert_int_equal(gsm7_septets(bad[i].s, bad[i].len, &n), GW_EINVAL);
        assert_int_equal(sms_segments(bad[i].s, bad[i].len, &n, &gsm7),
                         GW_EINVAL);
        assert_int_equal(n, 7);
    }
}

/* Folded Vietnamese is always GSM-7: the point of folding. */
static void test_folded_is_gsm7(void **state)
{
    const char *msg = "Chị Nguyễn Thị Hồng Nhung đã nộp 275.000 đồng – "
                      "cảm ơn “Tổ 5”…";
    struct buf b;
    size_t septets = 0;

    (void)state;
    buf_init(&b, 256);
    assert_false(gsm7_is_encodable(msg, strlen(msg)));
    assert_int_equal(utf8_fold_ascii(msg, strlen(msg), &b), GW_OK);
    assert_true(gsm7_is_encodable(buf_cstr(&b), b.len));
    assert_int_equal(gsm7_septets(buf_cstr(&b), b.len, &septets), GW_OK);
    assert_int_equal(septets, b.len);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_folded_is_gsm7),
    };

    return cmocka_run_group_tests_name("gsm7", tests, NULL, NULL);
}
