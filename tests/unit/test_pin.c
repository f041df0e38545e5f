/* test_pin.c - PIN syntax, peppered Argon2id hash and verify */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "handlers/pin.h"

static void test_syntax(void **state)
{
    static const struct {
        const char *in;
        bool ok;
    } t[] = {
        {"", false},     {"123", false},   {"1234", true},
        {"12345", true}, {"123456", true}, {"1234567", false},
        {"12a4", false}, {" 1234", false}, {"1234 ", false},
        {"-123", false}, {"12.34", false}, {"\xef\xbc\x91\x32\x33\x34", false},
        {"0000", true},  {"999999", true},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_int_equal(pin_syntax_ok(strv_from_cstr(t[i].in)), t[i].ok);
    /* Embedded NUL: length 4 but not four digits. */
    assert_false(pin_syntax_ok(strv_make("12\0"
                                         "4",
                                         4)));
}

static void test_hash_verify(void **state)
{
    struct pin_cost cost = pin_cost_min();
    char h1[PIN_HASH_SIZE], h2[PIN_HASH_SIZE];
    bool ok;

    (void)state;
    assert_int_equal(pin_hash(strv_from_cstr("4821"), "pepper", &cost, h1),
                     GW_OK);
    assert_non_null(strstr(h1, "$argon2id$"));
    /* The PIN itself is nowhere in the stored string. */
    assert_null(strstr(h1, "4821"));
    assert_int_equal(pin_hash(strv_from_cstr("4821"), "pepper", &cost, h2),
                     GW_OK);
    assert_string_not_equal(h1, h2); /* random salt */

    assert_int_equal(pin_verify(strv_from_cstr("4821"), "pepper", h1, &ok),
                     GW_OK);
    assert_true(ok);
    assert_int_equal(pin_verify(strv_from_cstr("4822"), "pepper", h1, &ok),
                     GW_OK);
    assert_false(ok);
    assert_int_equal(pin_verify(strv_from_cstr("48210"), "pepper", h1, &ok),
                     GW_OK);
    assert_false(ok);
    /* Another pepper: the same PIN does not verify. */
    assert_int_equal(pin_verify(strv_from_cstr("4821"), "pepper2", h1, &ok),
                     GW_OK);
    assert_false(ok);
    /* Bad syntax never matches, malformed hashes never match. */
    assert_int_equal(pin_verify(strv_from_cstr("48a1"), "pepper", h1, &ok),
                     GW_OK);
    assert_false(ok);
    assert_int_equal(pin_verify(strv_from_cstr("4821"), "pepper", "", &ok),
                     GW_OK);
    assert_false(ok);
    assert_int_equal(
        pin_verify(strv_from_cstr("4821"), "pepper", "$argon2id$v=19$x", &ok),
        GW_OK);
    assert_false(ok);
    assert_int_equal(pin_verify(strv_from_cstr("4821"), "pepper", NULL, &ok),
                     GW_OK);
    assert_false(ok);
}

static void test_refusals(void **state)
{
    struct pin_cost cost = pin_cost_min();
    char h[PIN_HASH_SIZE];
    bool ok = true;

    (void)state;
    /* No pepper configured: refuse rather than store a weak hash. */
    assert_int_equal(pin_hash(strv_from_cstr("4821"), "", &cost, h), GW_EINVAL);
    assert_string_equal(h, "");
    assert_int_equal(pin_hash(strv_from_cstr("4821"), NULL, &cost, h),
                     GW_EINVAL);
    assert_int_equal(pin_verify(strv_from_cstr("4821"), "", "x", &ok),
                     GW_EINVAL);
    assert_false(ok);
    /* Bad syntax is not hashed. */
    assert_int_equal(pin_hash(strv_from_cstr("123"), "p", &cost, h), GW_EINVAL);
    assert_int_equal(pin_hash(strv_from_cstr("1234567"), "p", &cost, h),
                     GW_EINVAL);
}

static void test_default_cost(void **state)
{
    struct pin_cost cost = pin_cost_default();
    char h[PIN_HASH_SIZE];
    bool ok;

    (void)state;
    assert_true(cost.memlimit >= (size_t)19 * 1024 * 1024);
    assert_true(cost.opslimit >= 2);
    assert_int_equal(pin_hash(strv_from_cstr("135790"), "pep", &cost, h),
                     GW_OK);
    assert_non_null(strstr(h, "m=19456,t=2,p=1"));
    assert_int_equal(pin_verify(strv_from_cstr("135790"), "pep", h, &ok),
                     GW_OK);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_hash_verify),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_default_cost),
    };

    return cmocka_run_group_tests_name("pin", tests, NULL, NULL);
}
