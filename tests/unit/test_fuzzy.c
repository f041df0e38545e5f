/* test_fuzzy.c - skeletons of typed words and the distance between them */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/strv.h"
#include "common/util.h"
#include "text/fuzzy.h"
#include "common/banned.h"

static const struct {
    const char *in;
    const char *out;
} skeleton_rows[] = {
    {"", ""},
    {"SO", "SO"},
    {"SOS", "SO"},  /* Telex: so + s (sac) */
    {"DUW", "DU"},  /* Telex: u + w (horn) */
    {"DUWF", "DU"}, /* horn and huyen */
    {"SO61", "SO"}, /* VNI: o + 6 (circumflex) + 1 (sac) */
    {"DU7", "DU"},  /* VNI: u + 7 (horn) */
    {"NHA65N", "NHAN"},
    {"TIESN", "TIEN"}, /* a tone typed before the last consonant */
    {"XAASC", "XAC"},  /* X starts the syllable: kept */
    {"DDUNGS", "DUNG"},
    {"SOOO", "SO"}, /* a sticky key */
    {"DUUU", "DU"},
    {"RUT", "RUT"}, /* R starts the syllable */
    {"TRA", "TRA"}, /* R after a consonant */
    {"TRAR", "TRA"},
    {"KIEEMR", "KIEM"},
    {"LAIJ", "LAI"},
    {"W", "W"}, /* the first letter always stays */
    {"SD", "SD"},
    {"S", "S"},
    {"12345", "12345"}, /* a number stays as it is */
    {"275.000", "275.000"},
    {"-5", "-5"},
    {"K7Q2M9", "KQM"}, /* a code is no phrase: harmless */
    {"HD2", "HD"},
    {"NHANJ", "NHAN"}, /* J anywhere after the first letter */
    {"DONGR", "DONG"}, /* a tone typed last, after the consonant */
    {"XS", "XS"},      /* no vowel: no syllable to mark */
    {"LS", "LS"},
    {"DS", "DS"},
};

static void test_skeleton_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(skeleton_rows); i++) {
        char out[32];
        size_t n = fuzzy_skeleton(strv_from_cstr(skeleton_rows[i].in), out,
                                  sizeof(out));

        if (strcmp(out, skeleton_rows[i].out) != 0)
            fail_msg("row %zu: %s gave %s, want %s", i, skeleton_rows[i].in,
                     out, skeleton_rows[i].out);
        assert_int_equal(n, strlen(out));
    }
}

static void test_skeleton_cut(void **state)
{
    char out[4];

    (void)state;
    assert_int_equal(fuzzy_skeleton(strv_from_cstr("KIEMTRA"), out, 4), 3);
    assert_string_equal(out, "KIE");
    assert_int_equal(fuzzy_skeleton(strv_from_cstr("123456"), out, 4), 3);
    assert_string_equal(out, "123");
    assert_int_equal(fuzzy_skeleton(strv_from_cstr("A"), out, 0), 0);
}

static const struct {
    const char *a;
    const char *b;
    unsigned cap;
    unsigned want;
} distance_rows[] = {
    {"", "", 1, 0},
    {"SD", "SD", 1, 0},
    {"LAI", "LAU", 1, 1},  /* substitution */
    {"LAI", "LA", 1, 1},   /* deletion */
    {"LAI", "LAII", 1, 1}, /* insertion */
    {"LAI", "LIA", 1, 1},  /* swap of neighbours */
    {"TONG", "TOGN", 1, 1},
    {"TONG", "OTGN", 2, 2}, /* two swaps */
    {"TONG", "OTGN", 1, 2}, /* over the cap: cap + 1 */
    {"LAI", "SAI", 1, 1},
    {"LAI", "TAO", 1, 2},
    {"", "ABC", 2, 3}, /* length alone says too far */
    {"ABC", "", 3, 3},
    {"HUONGDAN", "HUONGDNA", 1, 1},
    {"HUONGDAN", "HOUNGDAN", 1, 1},
    {"KIEMTRASODU", "KIEMTRASODU", 0, 0},
    {"CA", "ABC", 3, 3}, /* OSA: no edit inside a swapped pair */
};

static void test_distance_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(distance_rows); i++) {
        struct strv a = strv_from_cstr(distance_rows[i].a);
        struct strv b = strv_from_cstr(distance_rows[i].b);
        unsigned d = fuzzy_distance(a, b, distance_rows[i].cap);

        if (d != distance_rows[i].want)
            fail_msg("row %zu: %s/%s gave %u, want %u", i, distance_rows[i].a,
                     distance_rows[i].b, d, distance_rows[i].want);
        /* the same both ways */
        assert_int_equal(fuzzy_distance(b, a, distance_rows[i].cap), d);
    }
}

static void test_distance_too_long(void **state)
{
    char longer[FUZZY_MAX_LEN + 2];

    (void)state;
    memset(longer, 'A', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(
        fuzzy_distance(strv_from_cstr(longer), strv_from_cstr(longer), 1), 2);
    longer[FUZZY_MAX_LEN] = '\0'; /* exactly the limit: compared */
    assert_int_equal(
        fuzzy_distance(strv_from_cstr(longer), strv_from_cstr(longer), 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skeleton_rows),
        cmocka_unit_test(test_skeleton_cut),
        cmocka_unit_test(test_distance_rows),
        cmocka_unit_test(test_distance_too_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
