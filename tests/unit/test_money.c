/* test_money.c - parsing typed and plain amounts, formatting */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/dt_limits.h"
#include "common/strv.h"
#include "common/util.h"
#include "text/money.h"
#include "common/banned.h"

#define TOO_BIG "exceeds maximum 99999999999"
#define NOT_WHOLE "not a whole number of VND"

static const struct {
    const char *in;
    gw_err err;
    int64_t want;
} parse_rows[] = {
    {"0", GW_OK, 0},
    {"1", GW_OK, 1},
    {"275000", GW_OK, 275000},
    {"0275000", GW_OK, 275000},
    {"275.000", GW_OK, 275000},
    {"275,000", GW_OK, 275000},
    {"1.234", GW_OK, 1234},
    {"1.234.567", GW_OK, 1234567},
    {"1,234,567", GW_OK, 1234567},
    {"12.345.678.901", GW_OK, 12345678901},
    {"99.999.999.999", GW_OK, DT_MONEY_MAX},
    {"275k", GW_OK, 275000},
    {"275K", GW_OK, 275000},
    {"0k", GW_OK, 0},
    {"2.5k", GW_OK, 2500},
    {"2,5k", GW_OK, 2500},
    {"2.25k", GW_OK, 2250},
    /* three digits after the separator: decimals or a group? refused */
    {"2.125k", GW_EINVAL, 0},
    {"1.000k", GW_EINVAL, 0},
    {"1,000k", GW_EINVAL, 0},
    {"2.500tr", GW_EINVAL, 0},
    {"2,500TR", GW_EINVAL, 0},
    {"1.000.000k", GW_EINVAL, 0},
    {"2tr", GW_OK, 2000000},
    {"2TR", GW_OK, 2000000},
    {"2Tr", GW_OK, 2000000},
    {"2tr5", GW_OK, 2500000},
    {"2tr25", GW_OK, 2250000},
    {"2tr250", GW_OK, 2250000},
    {"2tr05", GW_OK, 2050000},
    {"2tr005", GW_OK, 2005000},
    {"2tr0", GW_OK, 2000000},
    {"1.5tr", GW_OK, 1500000},
    {"1,5tr", GW_OK, 1500000},
    {"1.25TR", GW_OK, 1250000},
    {"0.5tr", GW_OK, 500000},
    {"275000d", GW_OK, 275000},
    {"275000D", GW_OK, 275000},
    {"275000vnd", GW_OK, 275000},
    {"275000VND", GW_OK, 275000},
    {"275000dong", GW_OK, 275000},
    {"275000Dong", GW_OK, 275000},
    {"275.000d", GW_OK, 275000},
    {"275.000vnd", GW_OK, 275000},
    {"1.234.567dong", GW_OK, 1234567},
    /* boundaries of the maximum */
    {"99999999999", GW_OK, DT_MONEY_MAX},
    {"99999999998", GW_OK, DT_MONEY_MAX - 1},
    {"100000000000", GW_ETOOBIG, 0},
    {"100.000.000.000", GW_ETOOBIG, 0},
    {"99999999999d", GW_OK, DT_MONEY_MAX},
    {"100000000000d", GW_ETOOBIG, 0},
    {"99999999k", GW_OK, 99999999000},
    {"100000000k", GW_ETOOBIG, 0},
    {"99999tr", GW_OK, 99999000000},
    {"99999tr999", GW_OK, 99999999000},
    {"100000tr", GW_ETOOBIG, 0},
    {"99999.99tr", GW_OK, 99999990000},
    {"99999.999tr", GW_EINVAL, 0},
    {"100000.5tr", GW_ETOOBIG, 0},
    {"99999999.99k", GW_OK, 99999999990},
    {"99999999.999k", GW_EINVAL, 0},
    {"100000000.01k", GW_ETOOBIG, 0},
    {"18446744073709551616", GW_ETOOBIG, 0},
    {"99999999999999999999999999999999999999999", GW_ETOOBIG, 0},
    {"99999999999999999999999999999999999999999tr", GW_ETOOBIG, 0},
    {"99999999999999999999999999999999999999999k", GW_ETOOBIG, 0},
    {"999.999.999.999.999.999.999.999.999.999", GW_ETOOBIG, 0},
    /* malformed */
    {"", GW_EINVAL, 0},
    {"-1", GW_EINVAL, 0},
    {"+1", GW_EINVAL, 0},
    {"-275k", GW_EINVAL, 0},
    /* what SMS and USSD both refuse: a leading separator or sign of any
     * script (folded to '?' on the SMS path), a unit without digits */
    {".5tr", GW_EINVAL, 0},
    {",5tr", GW_EINVAL, 0},
    {".5k", GW_EINVAL, 0},
    {"+50000", GW_EINVAL, 0},
    {"?50k", GW_EINVAL, 0},
    {"\xd9\xab"
     "5tr",
     GW_EINVAL, 0},
    {"\xef\xbc\x8d"
     "50k",
     GW_EINVAL, 0},
    {"--50k", GW_EINVAL, 0},
    {"k", GW_EINVAL, 0},
    {"tr", GW_EINVAL, 0},
    {"5 tr", GW_EINVAL, 0},
    {" 275000", GW_EINVAL, 0},
    {"275000 ", GW_EINVAL, 0},
    {"275 000", GW_EINVAL, 0},
    {"275000 d", GW_EINVAL, 0},
    {"27.50", GW_EINVAL, 0},
    {"27,5", GW_EINVAL, 0},
    {"1.2345", GW_EINVAL, 0},
    {"1234.567", GW_EINVAL, 0},
    {"1.234,567", GW_EINVAL, 0},
    {"1,234.567", GW_EINVAL, 0},
    {"1.234.56", GW_EINVAL, 0},
    {"1..234", GW_EINVAL, 0},
    {"1.", GW_EINVAL, 0},
    {"275.", GW_EINVAL, 0},
    {".5", GW_EINVAL, 0},
    {".5tr", GW_EINVAL, 0},
    {"k", GW_EINVAL, 0},
    {"tr", GW_EINVAL, 0},
    {"d", GW_EINVAL, 0},
    {"2tr5k", GW_EINVAL, 0},
    {"2tr2500", GW_EINVAL, 0},
    {"2trd", GW_EINVAL, 0},
    {"2tr5d", GW_EINVAL, 0},
    {"275kd", GW_EINVAL, 0},
    {"2kk", GW_EINVAL, 0},
    {"2t", GW_EINVAL, 0},
    {"2trr", GW_EINVAL, 0},
    {"1.5", GW_EINVAL, 0},
    {"1.5tr5", GW_EINVAL, 0},
    {"1.2345tr", GW_EINVAL, 0},
    {"2.5d", GW_EINVAL, 0},
    {"abc", GW_EINVAL, 0},
    {"275000x", GW_EINVAL, 0},
    {"x275000", GW_EINVAL, 0},
    {"275000dd", GW_EINVAL, 0},
    {"275000vn", GW_EINVAL, 0},
    {"275000dongg", GW_EINVAL, 0},
    {"1e6", GW_EINVAL, 0},
    {"0x10", GW_EINVAL, 0},
    /* syntax is checked even past the maximum */
    {"99999999999999999999999x", GW_EINVAL, 0},
    {"999.999.999.999.999.99", GW_EINVAL, 0},
};

static void test_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(parse_rows); i++) {
        int64_t v = -7;
        gw_err err = money_parse(strv_from_cstr(parse_rows[i].in), &v);

        if (err != parse_rows[i].err)
            print_message("row %zu \"%s\": got %d\n", i, parse_rows[i].in,
                          (int)err);
        assert_int_equal(err, parse_rows[i].err);
        if (err == GW_OK)
            assert_int_equal(v, parse_rows[i].want);
        else
            assert_int_equal(v, -7); /* untouched on failure */
    }
}

/* The view's length, not a NUL, ends the amount. */
static void test_parse_view(void **state)
{
    int64_t v = 0;

    (void)state;
    assert_int_equal(money_parse(strv_make("275k extra", 4), &v), GW_OK);
    assert_int_equal(v, 275000);
    assert_int_equal(money_parse(strv_make("2tr5", 3), &v), GW_OK);
    assert_int_equal(v, 2000000);
    assert_int_equal(money_parse(strv_make("2tr5", 2), &v), GW_EINVAL);
    assert_int_equal(money_parse(strv_make("275\0"
                                           "000",
                                           7),
                                 &v),
                     GW_EINVAL);
    assert_int_equal(money_parse(strv_make(NULL, 0), &v), GW_EINVAL);
}

static const struct {
    const char *in;
    gw_err err;
    int64_t want;
    const char *why;
} plain_rows[] = {
    {"0", GW_OK, 0, NULL},
    {"275000", GW_OK, 275000, NULL},
    {"000275000", GW_OK, 275000, NULL},
    {"99999999998", GW_OK, DT_MONEY_MAX - 1, NULL},
    {"99999999999", GW_OK, DT_MONEY_MAX, NULL},
    {"100000000000", GW_ETOOBIG, 0, TOO_BIG},
    {"18446744073709551615", GW_ETOOBIG, 0, TOO_BIG},
    {"18446744073709551616", GW_ETOOBIG, 0, TOO_BIG},
    {"999999999999999999999999999999999999", GW_ETOOBIG, 0, TOO_BIG},
    {"", GW_EINVAL, 0, "empty"},
    {"-1", GW_EINVAL, 0, "negative amount"},
    {"-", GW_EINVAL, 0, "negative amount"},
    {"-275000", GW_EINVAL, 0, "negative amount"},
    {"+1", GW_EINVAL, 0, NOT_WHOLE},
    {"27.50", GW_EINVAL, 0, NOT_WHOLE},
    {"275.000", GW_EINVAL, 0, NOT_WHOLE},
    {"275,000", GW_EINVAL, 0, NOT_WHOLE},
    {"275k", GW_EINVAL, 0, NOT_WHOLE},
    {"1e6", GW_EINVAL, 0, NOT_WHOLE},
    {" 1", GW_EINVAL, 0, NOT_WHOLE},
    {"1 ", GW_EINVAL, 0, NOT_WHOLE},
    {"abc", GW_EINVAL, 0, NOT_WHOLE},
    {"99999999999999999999x", GW_EINVAL, 0, NOT_WHOLE},
};

static void test_parse_plain(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(plain_rows); i++) {
        int64_t v = -7;
        const char *why = "unset";
        gw_err err =
            money_parse_plain(strv_from_cstr(plain_rows[i].in), &v, &why);

        assert_int_equal(err, plain_rows[i].err);
        if (err == GW_OK) {
            assert_int_equal(v, plain_rows[i].want);
            assert_null(why);
        } else {
            assert_int_equal(v, -7);
            assert_non_null(why);
            assert_string_equal(why, plain_rows[i].why);
        }
        /* why is optional */
        assert_int_equal(
            money_parse_plain(strv_from_cstr(plain_rows[i].in), &v, NULL),
            plain_rows[i].err);
    }
}

static const struct {
    int64_t v;
    const char *out;
} format_rows[] = {
    {0, "0"},
    {1, "1"},
    {12, "12"},
    {999, "999"},
    {1000, "1.000"},
    {1001, "1.001"},
    {275000, "275.000"},
    {999999, "999.999"},
    {1000000, "1.000.000"},
    {2500000, "2.500.000"},
    {DT_MONEY_MAX, "99.999.999.999"},
    {-1, "-1"},
    {-1000, "-1.000"},
    {-275000, "-275.000"},
    {INT64_MAX, "9.223.372.036.854.775.807"},
    {INT64_MIN, "-9.223.372.036.854.775.808"},
    {INT64_MIN + 1, "-9.223.372.036.854.775.807"},
};

static void test_format(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(format_rows); i++) {
        char out[27];
        int64_t back = 0;
        size_t n = money_format(format_rows[i].v, out, sizeof(out));

        assert_string_equal(out, format_rows[i].out);
        assert_int_equal(n, strlen(format_rows[i].out));
        /* what we print, money_parse reads back */
        if (format_rows[i].v >= 0 && format_rows[i].v <= DT_MONEY_MAX) {
            assert_int_equal(money_parse(strv_from_cstr(out), &back), GW_OK);
            assert_int_equal(back, format_rows[i].v);
        }
    }
}

static void test_format_small(void **state)
{
    char out[8];

    (void)state;
    /* always terminated, never past size */
    memset(out, 'x', sizeof(out));
    assert_int_equal(money_format(275000, out, 4), 3);
    assert_string_equal(out, "275");
    assert_int_equal(out[4], 'x');
    assert_int_equal(money_format(275000, out, 8), 7);
    assert_string_equal(out, "275.000");
    assert_int_equal(money_format(1234567, out, 8), 7);
    assert_string_equal(out, "1.234.5");
    assert_int_equal(money_format(5, out, 1), 0);
    assert_string_equal(out, "");
    out[0] = 'x';
    assert_int_equal(money_format(5, out, 0), 0);
    assert_int_equal(out[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),        cmocka_unit_test(test_parse_view),
        cmocka_unit_test(test_parse_plain),  cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_small),
    };

    return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
