/* test_phone.c - Vietnamese mobile numbers to E.164 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/dt_limits.h"
#include "common/util.h"
#include "text/phone.h"
#include "common/banned.h"

#define NOT_PHONE "not a phone number"
#define NOT_VN "not a Vietnamese number"
#define LENGTH "wrong number of digits"
#define NOT_MOBILE "not a mobile number"

static const struct {
    const char *in;
    const char *out; /* NULL: refused with why */
    const char *why;
} rows[] = {
    /* the four forms */
    {"0912345678", "+84912345678", NULL},
    {"84912345678", "+84912345678", NULL},
    {"+84912345678", "+84912345678", NULL},
    {"0084912345678", "+84912345678", NULL},
    /* separators */
    {"091 234 5678", "+84912345678", NULL},
    {"0912.345.678", "+84912345678", NULL},
    {"0912-345-678", "+84912345678", NULL},
    {"(091) 234-5678", "+84912345678", NULL},
    {"+84 (0) 912 345 678", "+84912345678", NULL},
    {"+84 912 345 678", "+84912345678", NULL},
    {"  0912345678  ", "+84912345678", NULL},
    {"840912345678", "+84912345678", NULL},
    /* every mobile range */
    {"0321234567", "+84321234567", NULL},
    {"0391234567", "+84391234567", NULL},
    {"0522234567", "+84522234567", NULL},
    {"0523234567", "+84523234567", NULL},
    {"0528234567", "+84528234567", NULL},
    {"0581234567", "+84581234567", NULL},
    {"0591234567", "+84591234567", NULL},
    {"0561234567", "+84561234567", NULL},
    {"0701234567", "+84701234567", NULL},
    {"0761234567", "+84761234567", NULL},
    {"0791234567", "+84791234567", NULL},
    {"0811234567", "+84811234567", NULL},
    {"0861234567", "+84861234567", NULL},
    {"0891234567", "+84891234567", NULL},
    {"0901234567", "+84901234567", NULL},
    {"0991234567", "+84991234567", NULL},
    /* pre-2018 11-digit numbers, all forms */
    {"01621234567", "+84321234567", NULL},
    {"01631234567", "+84331234567", NULL},
    {"01641234567", "+84341234567", NULL},
    {"01651234567", "+84351234567", NULL},
    {"01661234567", "+84361234567", NULL},
    {"01671234567", "+84371234567", NULL},
    {"01681234567", "+84381234567", NULL},
    {"01691234567", "+84391234567", NULL},
    {"01201234567", "+84701234567", NULL},
    {"01211234567", "+84791234567", NULL},
    {"01221234567", "+84771234567", NULL},
    {"01261234567", "+84761234567", NULL},
    {"01281234567", "+84781234567", NULL},
    {"01231234567", "+84831234567", NULL},
    {"01241234567", "+84841234567", NULL},
    {"01251234567", "+84851234567", NULL},
    {"01271234567", "+84811234567", NULL},
    {"01291234567", "+84821234567", NULL},
    {"01861234567", "+84561234567", NULL},
    {"01881234567", "+84581234567", NULL},
    {"01991234567", "+84591234567", NULL},
    {"+841689123456", "+84389123456", NULL},
    {"841689123456", "+84389123456", NULL},
    {"00841689123456", "+84389123456", NULL},
    {"0168 912 3456", "+84389123456", NULL},
    /* refusals */
    {"", NULL, NOT_PHONE},
    {"   ", NULL, NOT_PHONE},
    {"+", NULL, NOT_PHONE},
    {"abc", NULL, NOT_PHONE},
    {"09123456a8", NULL, NOT_PHONE},
    {"0912/345/678", NULL, NOT_PHONE},
    {"0912345678+", NULL, NOT_PHONE},
    {"++84912345678", NULL, NOT_PHONE},
    {"0912345678\n", NULL, NOT_PHONE},
    {"0912345678 0912345678 0912345678 0912345678", NULL, NOT_PHONE},
    {"+1 415 555 2671", NULL, NOT_VN},
    {"+66812345678", NULL, NOT_VN},
    {"0066812345678", NULL, NOT_VN},
    {"912345678", NULL, NOT_VN},
    {"091234567", NULL, LENGTH},   /* one short */
    {"09123456789", NULL, LENGTH}, /* one long, not an old prefix */
    {"+8491234567", NULL, LENGTH},
    {"+849123456789", NULL, LENGTH},
    {"0162123456", NULL, LENGTH},   /* old prefix, one short */
    {"016212345678", NULL, LENGTH}, /* old prefix, one long */
    {"0", NULL, LENGTH},
    {"84", NULL, LENGTH},
    {"+84", NULL, LENGTH},
    {"012345678901234567890", NULL, LENGTH},
    {"02438221234", NULL, NOT_MOBILE}, /* Ha Noi fixed line */
    {"+842838221234", NULL, NOT_MOBILE},
    {"0272 3826 123", NULL, NOT_MOBILE},
    {"18001234", NULL, NOT_MOBILE},
    {"1900 1234 56", NULL, NOT_MOBILE},
    {"0311234567", NULL, NOT_MOBILE},
    {"0301234567", NULL, NOT_MOBILE},
    {"0511234567", NULL, NOT_MOBILE},
    {"0521123456", NULL, NOT_MOBILE}, /* 52 only 52[238] */
    {"0524123456", NULL, NOT_MOBILE},
    {"0541234567", NULL, NOT_MOBILE},
    {"0551234567", NULL, NOT_MOBILE}, /* 55 only 559 */
    {"0559123456", "+84559123456", NULL},
    {"0571234567", NULL, NOT_MOBILE},
    {"0711234567", NULL, NOT_MOBILE},
    {"0751234567", NULL, NOT_MOBILE},
    {"0801234567", NULL, NOT_MOBILE},
    {"0112345678", NULL, NOT_MOBILE},
    {"0612345678", NULL, NOT_MOBILE},
    {"0412345678", NULL, NOT_MOBILE},
    {"01301234567", NULL, LENGTH}, /* 013x was never a mobile prefix */
};

static void test_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        char out[DT_PHONE_SIZE];
        const char *why = "unset";
        gw_err err = phone_normalize(rows[i].in, strlen(rows[i].in), out, &why);

        if ((err == GW_OK) != (rows[i].out != NULL))
            print_message("row %zu: \"%s\": %s\n", i, rows[i].in,
                          err ? why : out);
        if (rows[i].out) {
            assert_int_equal(err, GW_OK);
            assert_string_equal(out, rows[i].out);
            /* the result is its own normal form */
            assert_int_equal(phone_normalize(out, strlen(out), out, NULL),
                             GW_OK);
            assert_string_equal(out, rows[i].out);
        } else {
            assert_int_equal(err, GW_EINVAL);
            assert_non_null(why);
            if (strcmp(why, rows[i].why) != 0)
                print_message("row %zu: \"%s\": %s\n", i, rows[i].in, why);
            assert_string_equal(why, rows[i].why);
            assert_string_equal(out, "");
        }
    }
}

static void test_length_only(void **state)
{
    char out[DT_PHONE_SIZE];
    const char *why = NULL;
    const char *s = "0912345678999";

    (void)state;
    /* len, not the NUL, bounds the input */
    assert_int_equal(phone_normalize(s, 10, out, &why), GW_OK);
    assert_string_equal(out, "+84912345678");
    assert_int_equal(phone_normalize(s, 9, out, &why), GW_EINVAL);
    assert_string_equal(why, LENGTH);
    /* an embedded NUL is not a separator */
    assert_int_equal(phone_normalize("0912\0345678", 11, out, &why), GW_EINVAL);
    assert_string_equal(why, NOT_PHONE);
    /* why may be NULL */
    assert_int_equal(phone_normalize("x", 1, out, NULL), GW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_length_only),
    };

    return cmocka_run_group_tests_name("phone", tests, NULL, NULL);
}
