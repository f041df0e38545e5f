/* test_log.c - phone masking and level parsing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "common/banned.h"

static void test_mask_phone(void **state)
{
    static const struct {
        const char *in;
        size_t size;
        const char *want;
    } t[] = {
        {"+84912345678", 32, "+849*****678"},
        {"0912345678", 32, "0912***678"},
        {"12345678", 32, "1234*678"},
        {"1234567", 32, "1234567"}, /* too short to mask meaningfully */
        {"", 32, ""},
        {NULL, 32, ""},
        {"+84912345678", 5, "+849"}, /* truncated, still terminated */
        {"+84912345678", 1, ""},
        {"ab\ncd\x01xyz", 32, "ab?c**xyz"}, /* controls never logged */
        {"0912\n345678", 32, "0912****678"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char out[32];

        memset(out, 'Z', sizeof(out));
        log_mask_phone(t[i].in, out, t[i].size);
        assert_string_equal(out, t[i].want);
    }
}

static void test_level_parse(void **state)
{
    static const struct {
        const char *in;
        int want;
    } t[] = {
        {"debug", LOG_DEBUG}, {"INFO", LOG_INFO}, {"warn", LOG_WARN},
        {"error", LOG_ERROR}, {"", -1},           {"verbose", -1},
        {"info ", -1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++)
        assert_int_equal(log_level_parse(t[i].in), t[i].want);
}

static void test_level_filter(void **state)
{
    (void)state;
    log_set_level(LOG_ERROR);
    assert_int_equal(log_get_level(), LOG_ERROR);
    log_info("test", "not printed %d", 1);
    log_set_level(LOG_INFO);
    assert_int_equal(log_get_level(), LOG_INFO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_phone),
        cmocka_unit_test(test_level_parse),
        cmocka_unit_test(test_level_filter),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
