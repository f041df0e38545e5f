/* test_utf8.c - UTF-8 validation, NFC and folding to ASCII */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/util.h"
#include "text/utf8.h"
#include "common/banned.h"

/* Every Vietnamese vowel with the six tones (none, huyen, sac, hoi, nga,
 * nang), precomposed (NFC) and decomposed (NFD, marks in canonical
 * order), and the plain ASCII vowel it folds to. */
static const struct {
    const char *nfc;
    const char *nfd;
    const char *ascii;
} vowels[] = {
    {"aàáảãạ", "aa\314\200a\314\201a\314\211a\314\203a\314\243", "aaaaaa"},
    {"AÀÁẢÃẠ", "AA\314\200A\314\201A\314\211A\314\203A\314\243", "AAAAAA"},
    {"ăằắẳẵặ",
     "a\314\206a\314\206\314\200a\314\206\314\201a\314\206\314\211a\314\206\314"
     "\203a\314\243\314\206",
     "aaaaaa"},
    {"ĂẰẮẲẴẶ",
     "A\314\206A\314\206\314\200A\314\206\314\201A\314\206\314\211A\314\206\314"
     "\203A\314\243\314\206",
     "AAAAAA"},
    {"âầấẩẫậ",
     "a\314\202a\314\202\314\200a\314\202\314\201a\314\202\314\211a\314\202\314"
     "\203a\314\243\314\202",
     "aaaaaa"},
    {"ÂẦẤẨẪẬ",
     "A\314\202A\314\202\314\200A\314\202\314\201A\314\202\314\211A\314\202\314"
     "\203A\314\243\314\202",
     "AAAAAA"},
    {"eèéẻẽẹ", "ee\314\200e\314\201e\314\211e\314\203e\314\243", "eeeeee"},
    {"EÈÉẺẼẸ", "EE\314\200E\314\201E\314\211E\314\203E\314\243", "EEEEEE"},
    {"êềếểễệ",
     "e\314\202e\314\202\314\200e\314\202\314\201e\314\202\314\211e\314\202\314"
     "\203e\314\243\314\202",
     "eeeeee"},
    {"ÊỀẾỂỄỆ",
     "E\314\202E\314\202\314\200E\314\202\314\201E\314\202\314\211E\314\202\314"
     "\203E\314\243\314\202",
     "EEEEEE"},
    {"iìíỉĩị", "ii\314\200i\314\201i\314\211i\314\203i\314\243", "iiiiii"},
    {"IÌÍỈĨỊ", "II\314\200I\314\201I\314\211I\314\203I\314\243", "IIIIII"},
    {"oòóỏõọ", "oo\314\200o\314\201o\314\211o\314\203o\314\243", "oooooo"},
    {"OÒÓỎÕỌ", "OO\314\200O\314\201O\314\211O\314\203O\314\243", "OOOOOO"},
    {"ôồốổỗộ",
     "o\314\202o\314\202\314\200o\314\202\314\201o\314\202\314\211o\314\202\314"
     "\203o\314\243\314\202",
     "oooooo"},
    {"ÔỒỐỔỖỘ",
     "O\314\202O\314\202\314\200O\314\202\314\201O\314\202\314\211O\314\202\314"
     "\203O\314\243\314\202",
     "OOOOOO"},
    {"ơờớởỡợ",
     "o\314\233o\314\233\314\200o\314\233\314\201o\314\233\314\211o\314\233\314"
     "\203o\314\233\314\243",
     "oooooo"},
    {"ƠỜỚỞỠỢ",
     "O\314\233O\314\233\314\200O\314\233\314\201O\314\233\314\211O\314\233\314"
     "\203O\314\233\314\243",
     "OOOOOO"},
    {"uùúủũụ", "uu\314\200u\314\201u\314\211u\314\203u\314\243", "uuuuuu"},
    {"UÙÚỦŨỤ", "UU\314\200U\314\201U\314\211U\314\203U\314\243", "UUUUUU"},
    {"ưừứửữự",
     "u\314\233u\314\233\314\200u\314\233\314\201u\314\233\314\211u\314\233\314"
     "\203u\314\233\314\243",
     "uuuuuu"},
    {"ƯỪỨỬỮỰ",
     "U\314\233U\314\233\314\200U\314\233\314\201U\314\233\314\211U\314\233\314"
     "\203U\314\233\314\243",
     "UUUUUU"},
    {"yỳýỷỹỵ", "yy\314\200y\314\201y\314\211y\314\203y\314\243", "yyyyyy"},
    {"YỲÝỶỸỴ", "YY\314\200Y\314\201Y\314\211Y\314\203Y\314\243", "YYYYYY"},
};

static void test_vowels(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(vowels); i++) {
        struct buf b;

        buf_init(&b, 256);
        assert_true(utf8_valid(vowels[i].nfc, strlen(vowels[i].nfc)));
        assert_true(utf8_valid(vowels[i].nfd, strlen(vowels[i].nfd)));
        assert_int_equal(utf8_count(vowels[i].nfc, strlen(vowels[i].nfc)), 6);

        assert_int_equal(
            utf8_fold_ascii(vowels[i].nfc, strlen(vowels[i].nfc), &b), GW_OK);
        assert_string_equal(buf_cstr(&b), vowels[i].ascii);
        buf_reset(&b);
        assert_int_equal(
            utf8_fold_ascii(vowels[i].nfd, strlen(vowels[i].nfd), &b), GW_OK);
        assert_string_equal(buf_cstr(&b), vowels[i].ascii);
        buf_reset(&b);
        assert_int_equal(utf8_nfc(vowels[i].nfd, strlen(vowels[i].nfd), &b),
                         GW_OK);
        assert_string_equal(buf_cstr(&b), vowels[i].nfc);
        buf_reset(&b);
        assert_int_equal(utf8_nfc(vowels[i].nfc, strlen(vowels[i].nfc), &b),
                         GW_OK);
        assert_string_equal(buf_cstr(&b), vowels[i].nfc);
        buf_release(&b);
    }
}

static const struct {
    const char *in;
    const char *out;
} folds[] = {
    {"", ""},
    {"plain ASCII 123 !?", "plain ASCII 123 !?"},
    {"Nguyễn Thị Hồng Nhung", "Nguyen Thi Hong Nhung"},
    /* the same name typed in NFD */
    {"Nguye\314\202\314\203n Thi\314\243 Ho\314\202\314\200ng Nhung",
     "Nguyen Thi Hong Nhung"},
    {"Đặng", "Dang"},
    {"ĐỖ", "DO"},
    {"đồng", "dong"},
    {"Trần Văn Đức", "Tran Van Duc"},
    {"Huỷ nhắc", "Huy nhac"},
    {"Hủy nhắc", "Huy nhac"},
    {"Phạm Thị Ngọc Ánh", "Pham Thi Ngoc Anh"},
    {"Lê Thị Bích – 275.000đ", "Le Thi Bich - 275.000d"},
    {"Tổ 5 — xã Mỹ Hạnh", "To 5 - xa My Hanh"},
    {"\xe2\x80\x98trả\xe2\x80\x99 \xe2\x80\x9cnợ\xe2\x80\x9d", "'tra' \"no\""},
    {"a\xc2\xa0"
     "b",
     "a b"},                         /* no-break space */
    {"xong\xe2\x80\xa6", "xong..."}, /* ellipsis */
    {"\xef\xbb\xbfma", "ma"},        /* byte order mark dropped */
    {"\xe2\x88\x92"
     "5",
     "-5"}, /* minus sign */
    {"a\tb\nc\rd", "a b c d"},
    {"a\x01"
     "b\x1f"
     "c\x7f",
     "a?b?c?"},       /* controls */
    {"\xcc\x81", ""}, /* lone combining mark */
    {"日本", "??"},
    {"Æ€", "??"},
    {"\xf0\x9f\x98\x80", "?"}, /* emoji, outside the BMP */
    {"Ǹ", "N"},                /* any letter with marks */
};

static void test_fold(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(folds); i++) {
        struct buf b;

        buf_init(&b, 256);
        assert_int_equal(utf8_fold_ascii(folds[i].in, strlen(folds[i].in), &b),
                         GW_OK);
        assert_string_equal(buf_cstr(&b), folds[i].out);
        buf_release(&b);
    }
}

static const struct {
    const char *s;
    size_t len;
    bool valid;
} valids[] = {
    {"", 0, true},
    {"abc", 3, true},
    {"\x7f", 1, true},
    {"\xc2\x80", 2, true},          /* U+0080, smallest two-byte */
    {"\xdf\xbf", 2, true},          /* U+07FF */
    {"\xc0\x80", 2, false},         /* overlong NUL */
    {"\xc1\xbf", 2, false},         /* overlong */
    {"\xe0\x9f\xbf", 3, false},     /* overlong U+07FF */
    {"\xe0\xa0\x80", 3, true},      /* U+0800 */
    {"\xed\x9f\xbf", 3, true},      /* U+D7FF */
    {"\xed\xa0\x80", 3, false},     /* U+D800 surrogate */
    {"\xed\xbf\xbf", 3, false},     /* U+DFFF surrogate */
    {"\xee\x80\x80", 3, true},      /* U+E000 */
    {"\xef\xbf\xbf", 3, true},      /* U+FFFF */
    {"\xf0\x8f\xbf\xbf", 4, false}, /* overlong U+FFFF */
    {"\xf0\x90\x80\x80", 4, true},  /* U+10000 */
    {"\xf4\x8f\xbf\xbf", 4, true},  /* U+10FFFF */
    {"\xf4\x90\x80\x80", 4, false}, /* U+110000 */
    {"\xf5\x80\x80\x80", 4, false},
    {"\xf8\x88\x80\x80\x80", 5, false}, /* five-byte form */
    {"\xff", 1, false},
    {"\xfe", 1, false},
    {"\x80", 1, false}, /* lone continuation */
    {"a\xbf", 2, false},
    {"\xc3", 1, false},      /* truncated at the end */
    {"a\xe1\xbb", 3, false}, /* truncated three-byte */
    {"\xc3\x28", 2, false},  /* bad continuation */
    {"\xe1\x28\xbb", 3, false},
    {"\xf0\x9f\x98", 3, false}, /* truncated four-byte */
    {"a\0b", 3, false},         /* NUL inside */
    {"\0", 1, false},
    {"Nguyễn", 8, true},
    {"Nguyễn", 7, true},  /* cut after the ễ */
    {"Nguyễn", 6, false}, /* cut inside the ễ */
};

static void test_valid(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(valids); i++) {
        struct buf b;
        gw_err want = valids[i].valid ? GW_OK : GW_EINVAL;

        assert_int_equal(utf8_valid(valids[i].s, valids[i].len),
                         valids[i].valid);
        buf_init(&b, 64);
        assert_int_equal(utf8_nfc(valids[i].s, valids[i].len, &b), want);
        if (!valids[i].valid)
            assert_int_equal(b.len, 0);
        buf_reset(&b);
        assert_int_equal(utf8_fold_ascii(valids[i].s, valids[i].len, &b), want);
        if (!valids[i].valid)
            assert_int_equal(b.len, 0);
        buf_release(&b);
    }
}

static void test_decode(void **state)
{
    static const struct {
        const char *s;
        size_t len;
        size_t n;
        uint32_t cp;
    } t[] = {
        {"A", 1, 1, 0x41},
        {"\xc3\xa9x", 3, 2, 0xE9},
        {"\xe1\xbb\x85", 3, 3, 0x1EC5}, /* ễ */
        {"\xf0\x9f\x98\x80", 4, 4, 0x1F600},
        {"\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF},
        {"\xe1\xbb\x85", 2, 0, 0}, /* length cuts it */
        {"", 0, 0, 0},
        {"\xed\xa0\x80", 3, 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        uint32_t cp = 0xFFFFFFFF;

        assert_int_equal(utf8_decode(t[i].s, t[i].len, &cp), t[i].n);
        if (t[i].n)
            assert_int_equal(cp, t[i].cp);
        else
            assert_int_equal(cp, 0xFFFFFFFF);
    }
}

static void test_count(void **state)
{
    static const struct {
        const char *s;
        size_t count;
    } t[] = {
        {"", 0},
        {"abc", 3},
        {"Nguyễn", 6},
        {"Nguye\314\202\314\203n", 8}, /* NFD: marks count */
        {"\xf0\x9f\x98\x80", 1},
        {"đ€日", 3},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_int_equal(utf8_count(t[i].s, strlen(t[i].s)), t[i].count);
}

static void test_limits(void **state)
{
    struct buf b;
    const char *name = "Nguyễn"; /* 8 bytes NFC, folds to 6 */

    (void)state;
    /* NFC output exactly at the maximum, then one byte short */
    buf_init(&b, 8);
    assert_int_equal(utf8_nfc(name, strlen(name), &b), GW_OK);
    assert_string_equal(buf_cstr(&b), name);
    buf_release(&b);
    buf_init(&b, 7);
    assert_int_equal(utf8_nfc(name, strlen(name), &b), GW_ETOOBIG);
    assert_int_equal(b.err, GW_ETOOBIG);
    buf_release(&b);

    buf_init(&b, 6);
    assert_int_equal(utf8_fold_ascii(name, strlen(name), &b), GW_OK);
    assert_string_equal(buf_cstr(&b), "Nguyen");
    buf_release(&b);
    buf_init(&b, 5);
    assert_int_equal(utf8_fold_ascii(name, strlen(name), &b), GW_ETOOBIG);
    buf_release(&b);

    /* NFC composes NFD input: 10 bytes in, 8 out, fits a max of 8 */
    buf_init(&b, 8);
    assert_int_equal(utf8_nfc("Nguye\314\202\314\203n", 10, &b), GW_OK);
    assert_string_equal(buf_cstr(&b), name);
    /* appends rather than replaces */
    buf_release(&b);
    buf_init(&b, 64);
    assert_int_equal(buf_puts(&b, "x:"), GW_OK);
    assert_int_equal(utf8_fold_ascii("Đ", 2, &b), GW_OK);
    assert_int_equal(utf8_nfc("", 0, &b), GW_OK);
    assert_string_equal(buf_cstr(&b), "x:D");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vowels), cmocka_unit_test(test_fold),
        cmocka_unit_test(test_valid),  cmocka_unit_test(test_decode),
        cmocka_unit_test(test_count),  cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
