/* test_strv.c - string views and checked number parsing */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/strv.h"
#include "common/util.h"
#include "common/banned.h"

static const struct {
    const char *in;
    uint64_t max;
    gw_err err;
    uint64_t want;
} u64_rows[] = {
    {"0", UINT64_MAX, GW_OK, 0},
    {"1", UINT64_MAX, GW_OK, 1},
    {"000000000000000000000000000001", UINT64_MAX, GW_OK, 1},
    {"18446744073709551614", UINT64_MAX, GW_OK, UINT64_MAX - 1},
    {"18446744073709551615", UINT64_MAX, GW_OK, UINT64_MAX},
    {"18446744073709551616", UINT64_MAX, GW_ETOOBIG, 0},
    {"18446744073709551620", UINT64_MAX, GW_ETOOBIG, 0},
    {"99999999999999999999", UINT64_MAX, GW_ETOOBIG, 0},
    {"184467440737095516150", UINT64_MAX, GW_ETOOBIG, 0},
    {"10", 10, GW_OK, 10},
    {"11", 10, GW_ETOOBIG, 0},
    {"9", 10, GW_OK, 9},
    {"100", 99, GW_ETOOBIG, 0},
    {"99", 99, GW_OK, 99},
    /* a single digit above a small max (max - d must not wrap) */
    {"5", 5, GW_OK, 5},
    {"6", 5, GW_ETOOBIG, 0},
    {"9", 5, GW_ETOOBIG, 0},
    {"0", 0, GW_OK, 0},
    {"1", 0, GW_ETOOBIG, 0},
    {"19", 15, GW_ETOOBIG, 0},
    {"", UINT64_MAX, GW_EINVAL, 0},
    {"-1", UINT64_MAX, GW_EINVAL, 0},
    {"+1", UINT64_MAX, GW_EINVAL, 0},
    {" 1", UINT64_MAX, GW_EINVAL, 0},
    {"1 ", UINT64_MAX, GW_EINVAL, 0},
    {"1a", UINT64_MAX, GW_EINVAL, 0},
    {"0x10", UINT64_MAX, GW_EINVAL, 0},
    {"1.0", UINT64_MAX, GW_EINVAL, 0},
    /* syntax before range: bad input is EINVAL even when huge */
    {"99999999999999999999x", UINT64_MAX, GW_EINVAL, 0},
};

static void test_to_u64(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(u64_rows); i++) {
        uint64_t v = 7;
        gw_err err =
            strv_to_u64(strv_from_cstr(u64_rows[i].in), u64_rows[i].max, &v);

        assert_int_equal(err, u64_rows[i].err);
        assert_true(v == (err ? 7 : u64_rows[i].want));
    }
}

static void test_to_u64_view(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(strv_to_u64(strv_make("123abc", 3), UINT64_MAX, &v),
                     GW_OK);
    assert_int_equal(v, 123);
    assert_int_equal(strv_to_u64(strv_make("1\0002", 3), UINT64_MAX, &v),
                     GW_EINVAL);
    assert_int_equal(strv_to_u64(strv_make(NULL, 0), UINT64_MAX, &v),
                     GW_EINVAL);
}

static void test_to_u32(void **state)
{
    static const struct {
        const char *in;
        gw_err err;
        uint32_t want;
    } t[] = {
        {"0", GW_OK, 0},
        {"4294967294", GW_OK, UINT32_MAX - 1},
        {"4294967295", GW_OK, UINT32_MAX},
        {"4294967296", GW_ETOOBIG, 0},
        {"18446744073709551616", GW_ETOOBIG, 0},
        {"", GW_EINVAL, 0},
        {"-0", GW_EINVAL, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        uint32_t v = 7;

        assert_int_equal(strv_to_u32(strv_from_cstr(t[i].in), &v), t[i].err);
        assert_int_equal(v, t[i].err ? 7 : t[i].want);
    }
}

static void test_trim(void **state)
{
    static const struct {
        const char *in, *out;
    } t[] = {
        {"", ""},
        {"   ", ""},
        {"a", "a"},
        {"  a b  ", "a b"},
        {"\t\r\n\v\fx\t\r\n\v\f", "x"},
        {"a\tb", "a\tb"},
        {"\xc2\xa0"
         "a",
         "\xc2\xa0"
         "a"}, /* only ASCII whitespace */
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_true(strv_eq(strv_trim(strv_from_cstr(t[i].in)), t[i].out));
    assert_int_equal(strv_trim(strv_make(NULL, 0)).len, 0);
}

static void test_eq(void **state)
{
    (void)state;
    assert_true(strv_eq(strv_from_cstr("abc"), "abc"));
    assert_false(strv_eq(strv_from_cstr("abc"), "ab"));
    assert_false(strv_eq(strv_from_cstr("ab"), "abc"));
    assert_false(strv_eq(strv_from_cstr("abc"), "ABC"));
    assert_true(strv_eq(strv_make(NULL, 0), ""));
    assert_true(strv_eq(strv_make("abcdef", 3), "abc"));
    assert_true(strv_eq_nocase(strv_from_cstr("HuY"), "huy"));
    assert_false(strv_eq_nocase(strv_from_cstr("huyy"), "huy"));
    assert_false(strv_eq_nocase(strv_from_cstr("hu"), "huy"));
    assert_true(strv_starts_with_nocase(strv_from_cstr("BAL 1"), "bal"));
    assert_true(strv_starts_with_nocase(strv_from_cstr("x"), ""));
    assert_false(strv_starts_with_nocase(strv_from_cstr("BA"), "bal"));
    assert_false(strv_starts_with_nocase(strv_from_cstr("[al"), "{al"));
    assert_int_equal(strv_from_cstr(NULL).len, 0);
}

static void test_copy(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        size_t size;
        gw_err err;
    } t[] = {
        {"abc", 3, 4, GW_OK}, /* exactly fits with its NUL */
        {"abc", 3, 100, GW_OK},     {"abc", 3, 3, GW_ETOOBIG}, /* one short */
        {"abc", 3, 1, GW_ETOOBIG},  {"abc", 3, 0, GW_ETOOBIG},
        {"", 0, 1, GW_OK},          {"", 0, 0, GW_ETOOBIG},
        {"a\0c", 3, 10, GW_EINVAL}, {"a\0c", 3, 2, GW_EINVAL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char out[100];

        memset(out, 'x', sizeof(out));
        assert_int_equal(
            strv_copy(strv_make(t[i].in, t[i].len), out, t[i].size), t[i].err);
        if (t[i].size == 0) {
            assert_int_equal(out[0], 'x'); /* nothing written */
        } else if (t[i].err == GW_OK) {
            assert_memory_equal(out, t[i].in, t[i].len);
            assert_int_equal(out[t[i].len], '\0');
        } else {
            assert_string_equal(out, "");
        }
        if (t[i].size < sizeof(out))
            assert_int_equal(out[t[i].size], 'x'); /* nothing past size */
    }
}

static void test_split(void **state)
{
    static const struct {
        const char *in;
        const char *seps;
        size_t max;
        gw_err err;
        size_t n;
        const char *fields[4];
    } t[] = {
        {"a b c", " ", 4, GW_OK, 3, {"a", "b", "c"}},
        {"a b c", " ", 3, GW_OK, 3, {"a", "b", "c"}}, /* exactly max */
        {"a b c", " ", 2, GW_ETOOBIG, 2, {"a", "b"}}, /* max + 1 */
        {"  a   b  ", " ", 4, GW_OK, 2, {"a", "b"}},
        {"", " ", 4, GW_OK, 0, {NULL}},
        {"    ", " ", 4, GW_OK, 0, {NULL}},
        {"", " ", 0, GW_OK, 0, {NULL}},
        {"a", " ", 0, GW_ETOOBIG, 0, {NULL}},
        {"THU*3*275000", "*", 4, GW_OK, 3, {"THU", "3", "275000"}},
        {"a, b,,c", ", ", 4, GW_OK, 3, {"a", "b", "c"}},
        {"abc", "", 4, GW_OK, 1, {"abc"}},
        {"x\ty\nz", " \t\n", 4, GW_OK, 3, {"x", "y", "z"}},
    };
    size_t i, j;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct strv out[4];
        size_t n = 99;

        assert_int_equal(
            strv_split(strv_from_cstr(t[i].in), t[i].seps, out, t[i].max, &n),
            t[i].err);
        assert_int_equal(n, t[i].n);
        for (j = 0; j < t[i].n; j++)
            assert_true(strv_eq(out[j], t[i].fields[j]));
    }
}

/* A NUL byte inside the view is data, never a separator. */
static void test_split_nul(void **state)
{
    struct strv out[4];
    size_t n = 0;

    (void)state;
    assert_int_equal(strv_split(strv_make("a\0b c", 5), " ", out, 4, &n),
                     GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].len, 3);
    assert_memory_equal(out[0].p, "a\0b", 3);
    assert_true(strv_eq(out[1], "c"));
}

static void test_secure_eq(void **state)
{
    static const struct {
        const char *a;
        size_t alen;
        const char *b; /* the expected secret */
        size_t blen;
        bool eq;
    } t[] = {
        {"secret", 6, "secret", 6, true},
        {"secreT", 6, "secret", 6, false},
        {"Secret", 6, "secret", 6, false},
        {"secre", 5, "secret", 6, false},   /* a prefix of b */
        {"secrets", 7, "secret", 6, false}, /* b a prefix of a */
        {"secretsecret", 12, "secret", 6, false},
        {"", 0, "secret", 6, false},
        {"secret", 6, "", 0, false}, /* an empty secret never matches */
        {"", 0, "", 0, false},
        {"a\0b", 3, "a\0b", 3, true},
        {"a\0b", 3, "a\0c", 3, false},
        {"\xff\xfe", 2, "\xff\xfe", 2, true},
        {"\xff\xfe", 2, "\xff\xff", 2, false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_int_equal(strv_secure_eq(strv_make(t[i].a, t[i].alen),
                                        strv_make(t[i].b, t[i].blen)),
                         t[i].eq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_u64),    cmocka_unit_test(test_to_u64_view),
        cmocka_unit_test(test_to_u32),    cmocka_unit_test(test_trim),
        cmocka_unit_test(test_eq),        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_split),     cmocka_unit_test(test_split_nul),
        cmocka_unit_test(test_secure_eq),
    };

    return cmocka_run_group_tests_name("strv", tests, NULL, NULL);
}
