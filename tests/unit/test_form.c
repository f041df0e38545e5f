/* test_form.c - the strict form decoder */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "gateway/form.h"

struct form_case {
    const char *in;
    gw_err err;
    size_t n;               /* pairs expected on success */
    const char *want[3][2]; /* first pairs: key, value */
};

static const struct form_case cases[] = {
    {"", GW_OK, 0, {{NULL, NULL}}},
    {"a=1", GW_OK, 1, {{"a", "1"}}},
    /* control bytes: refused, but for line breaks and tabs in a value */
    {"t=a%01b", GW_EINVAL, 0, {{NULL, NULL}}},
    {"t=a%1Fb", GW_EINVAL, 0, {{NULL, NULL}}},
    {"t=a%7Fb", GW_EINVAL, 0, {{NULL, NULL}}},
    {"t%0A=1", GW_EINVAL, 0, {{NULL, NULL}}},
    {"t=a%0D%0Ab%09c", GW_OK, 1, {{"t", "a\r\nb\tc"}}},
    {"a=1&b=2", GW_OK, 2, {{"a", "1"}, {"b", "2"}}},
    {"text=SD+1234", GW_OK, 1, {{"text", "SD 1234"}}},
    {"text=a%2Bb", GW_OK, 1, {{"text", "a+b"}}},
    {"t=%C4%91%20x", GW_OK, 1, {{"t", "\xc4\x91 x"}}},
    {"a%3Db=c%26d", GW_OK, 1, {{"a=b", "c&d"}}},
    {"a=", GW_OK, 1, {{"a", ""}}},
    {"flag", GW_OK, 1, {{"flag", ""}}},
    {"a=1&&b=2&", GW_OK, 2, {{"a", "1"}, {"b", "2"}}},
    {"&", GW_OK, 0, {{NULL, NULL}}},
    {"a=x=y", GW_OK, 1, {{"a", "x=y"}}},
    {"a=%41%4a%4A", GW_OK, 1, {{"a", "AJJ"}}},
    {"a=%", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a=%4", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a=%G1", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a=%1G", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a=%00", GW_EINVAL, 0, {{NULL, NULL}}},
    {"%00=a", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a%=1", GW_EINVAL, 0, {{NULL, NULL}}},
    {"=1", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a=1&a=2", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a=1&b=2&a=1", GW_EINVAL, 0, {{NULL, NULL}}},
    {"a+b=1&a%20b=2", GW_EINVAL, 0, {{NULL, NULL}}}, /* same key decoded */
};

static void test_cases(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        char s[128];
        struct kv kv[HTTP_MAX_PARAMS];
        size_t n = 99, len = strlen(cases[i].in);
        gw_err err;

        memcpy(s, cases[i].in, len + 1);
        err = form_decode(s, len, kv, HTTP_MAX_PARAMS, &n);
        if (err != cases[i].err)
            fail_msg("case %zu '%s': got %d want %d", i, cases[i].in, err,
                     cases[i].err);
        if (err)
            continue;
        assert_int_equal(n, cases[i].n);
        for (j = 0; j < n && j < 3; j++) {
            assert_string_equal(kv[j].key, cases[i].want[j][0]);
            assert_string_equal(kv[j].val, cases[i].want[j][1]);
            assert_int_equal(kv[j].val_len, strlen(cases[i].want[j][1]));
        }
    }
}

/* Fills s with n pairs "kI=v". */
static size_t make_pairs(char *s, size_t size, size_t n)
{
    size_t i, len = 0;

    s[0] = '\0';
    for (i = 0; i < n; i++) {
        int w = snprintf(s + len, size - len, "%sk%zu=v", i ? "&" : "", i);

        assert_true(w > 0 && (size_t)w < size - len);
        len += (size_t)w;
    }
    return len;
}

static void test_param_limit(void **state)
{
    static const struct {
        size_t pairs, max;
        gw_err err;
    } t[] = {
        {HTTP_MAX_PARAMS - 1, HTTP_MAX_PARAMS, GW_OK},
        {HTTP_MAX_PARAMS, HTTP_MAX_PARAMS, GW_OK},
        {HTTP_MAX_PARAMS + 1, HTTP_MAX_PARAMS, GW_ETOOBIG},
        {1, 0, GW_ETOOBIG},
        {0, 0, GW_OK},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char s[2048];
        struct kv kv[HTTP_MAX_PARAMS];
        size_t n, len = make_pairs(s, sizeof(s), t[i].pairs);

        assert_int_equal(form_decode(s, len, kv, t[i].max, &n), t[i].err);
        if (t[i].err == GW_OK)
            assert_int_equal(n, t[i].pairs);
    }
}

/* A NUL byte inside the raw body (not encoded) is refused too. */
static void test_raw_nul(void **state)
{
    char s[] = "a=1\0b=2";
    struct kv kv[4];
    size_t n;

    (void)state;
    assert_int_equal(form_decode(s, sizeof(s) - 1, kv, 4, &n), GW_EINVAL);
}

/* Values are binary-safe but for control bytes, and exactly as long as
 * decoded. */
static void test_lengths(void **state)
{
    char s[] = "k=%FF%FE%09";
    struct kv kv[1];
    size_t n;

    (void)state;
    assert_int_equal(form_decode(s, strlen(s), kv, 1, &n), GW_OK);
    assert_int_equal(kv[0].val_len, 3);
    assert_memory_equal(kv[0].val, "\xff\xfe\t", 4);
}

static void test_unescape(void **state)
{
    static const struct {
        const char *in;
        bool plus, ok;
        const char *out;
    } t[] = {
        {"", false, true, ""},
        {"/v1/kannel/sms", false, true, "/v1/kannel/sms"},
        {"a+b", false, true, "a+b"},
        {"a+b", true, true, "a b"},
        {"%2F%2f", false, true, "//"},
        {"%", false, false, NULL},
        {"%zz", false, false, NULL},
        {"x%00", false, false, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char s[64];
        bool ok;
        size_t n;

        memcpy(s, t[i].in, strlen(t[i].in) + 1);
        n = form_unescape(s, t[i].plus, &ok);
        assert_int_equal(ok, t[i].ok);
        if (ok) {
            assert_string_equal(s, t[i].out);
            assert_int_equal(n, strlen(t[i].out));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),    cmocka_unit_test(test_param_limit),
        cmocka_unit_test(test_raw_nul),  cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_unescape),
    };

    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
