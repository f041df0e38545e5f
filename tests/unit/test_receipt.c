/* test_receipt.c - receipt codes and session dates */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "handlers/receipt.h"
#include "handlers/session_date.h"

static void test_generate(void **state)
{
    char seen[200][RECEIPT_CODE_SIZE];
    unsigned counts[256] = {0};
    size_t i, j;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(seen); i++) {
        receipt_generate(seen[i]);
        assert_int_equal(strlen(seen[i]), RECEIPT_CODE_LEN);
        assert_true(receipt_valid(seen[i]));
        for (j = 0; j < RECEIPT_CODE_LEN; j++) {
            unsigned char c = (unsigned char)seen[i][j];

            assert_null(strchr("0O1I", c));
            counts[c]++;
        }
        /* 30 bits: 200 codes colliding would be a broken generator. */
        for (j = 0; j < i; j++)
            assert_string_not_equal(seen[i], seen[j]);
    }
    /* 1200 symbols over 32: every symbol should show up (p of a miss is
     * about 32 * (31/32)^1200, under 1e-15). */
    for (i = 0; i < 32; i++)
        assert_true(counts[(unsigned char)RECEIPT_ALPHABET[i]] > 0);
}

static void test_parse(void **state)
{
    static const struct {
        const char *in;
        gw_err err;
        const char *want;
    } t[] = {
        {"K7Q2M9", GW_OK, "K7Q2M9"},    {"k7q2m9", GW_OK, "K7Q2M9"},
        {"  k7Q2m9 ", GW_OK, "K7Q2M9"}, {"ZZZZZZ", GW_OK, "ZZZZZZ"},
        {"222222", GW_OK, "222222"},    {"", GW_EINVAL, ""},
        {"K7Q2M", GW_EINVAL, ""},   /* max-1 */
        {"K7Q2M9A", GW_EINVAL, ""}, /* max+1 */
        {"K7Q2MO", GW_EINVAL, ""},  /* O never issued */
        {"K7Q2M0", GW_EINVAL, ""},  /* 0 never issued */
        {"K7Q2MI", GW_EINVAL, ""},      {"K7Q2M1", GW_EINVAL, ""},
        {"K7Q M9", GW_EINVAL, ""},      {"K7Q-M9", GW_EINVAL, ""},
        {"K7Q2M\xc3", GW_EINVAL, ""}, /* bad UTF-8 */
    };
    char out[RECEIPT_CODE_SIZE];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        assert_int_equal(receipt_parse(strv_from_cstr(t[i].in), out), t[i].err);
        assert_string_equal(out, t[i].want);
    }
    assert_int_equal(receipt_parse(strv_make("K7Q\0M9", 6), out), GW_EINVAL);
    assert_false(receipt_valid("k7q2m9"));
    assert_false(receipt_valid(NULL));
    assert_true(receipt_valid("K7Q2M9"));
}

static void test_session_date(void **state)
{
    static const struct {
        int y, m, d, sd;
        gw_err err;
        int wy, wm, wd;
    } t[] = {
        {2026, 5, 10, 17, GW_OK, 2026, 5, 17}, /* before: this month */
        {2026, 5, 17, 17, GW_OK, 2026, 5, 17}, /* on the day */
        {2026, 5, 18, 17, GW_OK, 2026, 6, 17}, /* after: next month */
        {2026, 1, 31, 28, GW_OK, 2026, 2, 28}, /* Jan 31 to Feb 28 */
        {2026, 2, 28, 28, GW_OK, 2026, 2, 28}, /* Feb, non-leap */
        {2024, 2, 29, 28, GW_OK, 2024, 3, 28}, /* leap day after */
        {2024, 2, 29, 1, GW_OK, 2024, 3, 1},
        {2026, 12, 31, 5, GW_OK, 2027, 1, 5}, /* year end */
        {2026, 12, 5, 5, GW_OK, 2026, 12, 5},
        {2026, 4, 30, 28, GW_OK, 2026, 5, 28}, /* 30-day month end */
        {2026, 3, 1, 1, GW_OK, 2026, 3, 1},
        {2026, 3, 1, 0, GW_EINVAL, 0, 0, 0},
        {2026, 3, 1, 29, GW_EINVAL, 0, 0, 0},
        {2026, 13, 1, 5, GW_EINVAL, 0, 0, 0},
        {9999, 12, 20, 5, GW_EINVAL, 0, 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct dt_date today = {t[i].y, t[i].m, t[i].d};
        struct dt_date out = {0, 0, 0};

        assert_int_equal(session_date_next(&today, t[i].sd, &out), t[i].err);
        assert_int_equal(out.year, t[i].wy);
        assert_int_equal(out.month, t[i].wm);
        assert_int_equal(out.day, t[i].wd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_session_date),
    };

    return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
