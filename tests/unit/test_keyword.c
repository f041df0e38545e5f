/* test_keyword.c - command words as users type them */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/strv.h"
#include "common/util.h"
#include "text/keyword.h"
#include "common/banned.h"

static const struct {
    const char *in;
    const char *out;
} norm_rows[] = {
    {"", ""},
    {"   ", ""},
    {"!!!", ""},
    {"sd", "SD"},
    {"  sd  ", "SD"},
    {"SD.", "SD"},
    {"Huỷ  nhắc!", "HUY NHAC"},
    {"Hủy nhắc", "HUY NHAC"},
    {"Hu\xcc\x89y nha\xcc\x86\xcc\x81"
     "c",
     "HUY NHAC"}, /* NFD */
    {"huy nhac", "HUY NHAC"},
    {"HUY-NHAC", "HUY NHAC"},
    {"huy_nhac", "HUY NHAC"},
    {"huy\t\r\nnhac", "HUY NHAC"},
    {"\xe2\x80\x9chuy nhac\xe2\x80\x9d", "HUY NHAC"},
    {"Đ", "D"},
    {"đóng", "DONG"},
    {"xn: AB12", "XN AB12"},
    {"thu 3 275.000 50k g1tr", "THU 3 275.000 50K G1TR"},
    {"thu 3, 275,000", "THU 3 275,000"}, /* ',' after 3 is punctuation */
    {"1.5tr", "1.5TR"},
    {"2tr5", "2TR5"},
    {"1..5", "1 5"},
    {".5", ".5"}, /* a leading separator reaches the parser */
    {"5.", "5"},
    {"5,", "5"},
    {"a.b", "A B"},
    {"a.5", "A 5"},
    {"5.a", "5 A"},
    {"1.2.3", "1.2.3"},
    {"日本 sd", "SD"}, /* unknown characters are punctuation */
    {"sd\xf0\x9f\x98\x80", "SD"},
    {"mk 1234 5678", "MK 1234 5678"},
    {"thu 2 -5 1234", "THU 2 -5 1234"}, /* a sign reaches the parser */
    {"-5", "-5"},
    {"- 5", "5"},
    {"5-3", "5 3"},
    {"a-5", "A 5"},
    {"--5", "--5"},
    {"gtk 5 .5tr 1234", "GTK 5 .5TR 1234"},
    {"gtk 5 ,5tr 1234", "GTK 5 ,5TR 1234"},
    {"gtk 5 \xd9\xab"
     "5tr 1234",
     "GTK 5 ?5TR 1234"}, /* U+066B */
    {"thu 5 .5k 0 1234", "THU 5 .5K 0 1234"},
    {"gtk 5 +50000 1234", "GTK 5 +50000 1234"},
    {"gtk 5 \xef\xbc\x8d"
     "50k 1234",
     "GTK 5 ?50K 1234"}, /* U+FF0D */
    {"gtk 5 \xef\xb9\xa3"
     "50k 1234",
     "GTK 5 ?50K 1234"}, /* U+FE63 */
    {"gtk 5 \xe2\x9e\x96"
     "50k 1234",
     "GTK 5 ?50K 1234"}, /* U+2796 */
    {"gtk 5 \xcb\x97"
     "50k 1234",
     "GTK 5 ?50K 1234"}, /* U+02D7 */
    {"gtk 5 \xe2\x81\xbb"
     "50k 1234",
     "GTK 5 ?50K 1234"}, /* U+207B */
    {"gtk 5 \xe2\x88\x92"
     "50k 1234",
     "GTK 5 -50K 1234"}, /* U+2212 */
    {"(5)", "(5"},
    {"sd 1234.", "SD 1234"}, /* trailing punctuation is not a prefix */
    {"x +", "X"},
    {"thu:5", "THU 5"},
};

static void test_normalize(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(norm_rows); i++) {
        struct buf b;

        buf_init(&b, 128);
        assert_int_equal(
            keyword_normalize(norm_rows[i].in, strlen(norm_rows[i].in), &b),
            GW_OK);
        assert_string_equal(buf_cstr(&b), norm_rows[i].out);
        buf_release(&b);
    }
}

static void test_normalize_errors(void **state)
{
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"\xff", 1},
        {"sd\xc3", 3},
        {"s\0d", 3},
        {"\xed\xa0\x80", 3},
    };
    struct buf b;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        buf_init(&b, 64);
        assert_int_equal(keyword_normalize(bad[i].s, bad[i].len, &b),
                         GW_EINVAL);
        assert_int_equal(b.len, 0);
        buf_release(&b);
    }

    /* exactly the maximum, then one short */
    buf_init(&b, 8);
    assert_int_equal(keyword_normalize("huy nhac", 8, &b), GW_OK);
    assert_string_equal(buf_cstr(&b), "HUY NHAC");
    buf_release(&b);
    buf_init(&b, 7);
    assert_int_equal(keyword_normalize("huy nhac", 8, &b), GW_ETOOBIG);
    buf_release(&b);

    /* appends to what out holds */
    buf_init(&b, 64);
    buf_puts(&b, "> ");
    assert_int_equal(keyword_normalize("  sd!", 5, &b), GW_OK);
    assert_string_equal(buf_cstr(&b), "> SD");
    buf_release(&b);
}

static const struct {
    const char *word;
    const char *keyword;
    bool match;
} match_rows[] = {
    {"Huỷ nhắc", "HUY NHAC", true},
    {"huy nhac", "HUY NHAC", true},
    {"  HUY   NHAC  ", "HUY NHAC", true},
    {"HUY-NHAC", "HUY NHAC", true},
    {"huynhac", "HUY NHAC", false},
    {"huy", "HUY NHAC", false},
    {"sd", "SD", true},
    {"SD", "SD", true},
    {"Sd", "SD", true},
    {"SD.", "SD", true},
    {"(sd)", "SD", true},
    {"S D", "SD", false},
    {"sđ", "SD", true},
    {"sdd", "SD", false},
    {"s", "SD", false},
    {"", "SD", false},
    {"...", "SD", false},
    {"bal", "BAL", true},
    {"ball", "BAL", false},
    {"lãi", "LAI", true},
    {"tổng", "TONG", true},
    {"\xff"
     "sd",
     "SD", false},
    /* longer than any keyword could be: refused without work */
    {"sd                                                               ", "SD",
     false},
};

static void test_match(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(match_rows); i++)
        assert_int_equal(keyword_match(strv_from_cstr(match_rows[i].word),
                                       match_rows[i].keyword),
                         match_rows[i].match);
    /* the view's length, not a NUL, ends the word */
    assert_true(keyword_match(strv_make("sd xyz", 2), "SD"));
    assert_false(keyword_match(strv_make("sd xyz", 6), "SD"));
    assert_false(keyword_match(strv_make(NULL, 0), "SD"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_normalize_errors),
        cmocka_unit_test(test_match),
    };

    return cmocka_run_group_tests_name("keyword", tests, NULL, NULL);
}
