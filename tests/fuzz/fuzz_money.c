/* fuzz_money.c - libFuzzer target: money_parse, money_parse_plain,
 * money_format
 *
 * A parsed amount is within 0..DT_MONEY_MAX; formatting it and parsing
 * the text back gives the same amount (the "275.000" form is one the
 * parser accepts); the plain parser accepts digits only.
 */
#include <string.h>

#include "common/dt_limits.h"
#include "common/strv.h"
#include "tests/fuzz/fuzz.h"
#include "text/money.h"

static void check_roundtrip(int64_t v)
{
    char text[32];
    int64_t back = -1;
    size_t n;

    n = money_format(v, text, sizeof(text));
    FUZZ_CHECK(n == strlen(text));
    FUZZ_CHECK(n > 0 && n < 28);
    FUZZ_CHECK(money_parse(strv_make(text, n), &back) == GW_OK);
    FUZZ_CHECK(back == v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strv s = strv_make((const char *)data, size);
    const char *why = NULL;
    int64_t v = -1;
    gw_err err;
    size_t i;

    err = money_parse(s, &v);
    FUZZ_CHECK(err == GW_OK || err == GW_EINVAL || err == GW_ETOOBIG);
    if (err == GW_OK) {
        FUZZ_CHECK(v >= 0 && v <= DT_MONEY_MAX);
        check_roundtrip(v);
    }

    err = money_parse_plain(s, &v, &why);
    FUZZ_CHECK(err == GW_OK || err == GW_EINVAL || err == GW_ETOOBIG);
    if (err == GW_OK) {
        FUZZ_CHECK(why == NULL);
        FUZZ_CHECK(v >= 0 && v <= DT_MONEY_MAX);
        for (i = 0; i < size; i++)
            FUZZ_CHECK(data[i] >= '0' && data[i] <= '9');
        check_roundtrip(v);
    } else {
        FUZZ_CHECK(why != NULL);
    }

    /* The formatter over any 64-bit value, negative ones included. */
    if (size >= 8) {
        char text[32];
        int64_t any;

        memcpy(&any, data, sizeof(any));
        FUZZ_CHECK(money_format(any, text, sizeof(text)) == strlen(text));
        FUZZ_CHECK(money_format(any, text, 5) == strlen(text));
        FUZZ_CHECK(strlen(text) < 5);
    }
    return 0;
}
