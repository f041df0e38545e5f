/* fuzz_phone.c - libFuzzer target: phone_normalize
 *
 * Any bytes in; either "+84" and nine digits with no reason, or "" with a
 * reason. A normalised number normalises to itself (the result is a
 * valid input), and the in-place form gives the same answer.
 */
#include <string.h>

#include "common/dt_limits.h"
#include "tests/fuzz/fuzz.h"
#include "text/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[DT_PHONE_SIZE];
    char again[DT_PHONE_SIZE];
    char inplace[DT_PHONE_SIZE];
    const char *why = NULL;
    gw_err err;
    size_t i;

    err = phone_normalize((const char *)data, size, out, &why);
    if (err != GW_OK) {
        FUZZ_CHECK(err == GW_EINVAL);
        FUZZ_CHECK(out[0] == '\0');
        FUZZ_CHECK(why != NULL && why[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(strlen(out) == 12);
    FUZZ_CHECK(out[0] == '+' && out[1] == '8' && out[2] == '4');
    for (i = 3; i < 12; i++)
        FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');

    FUZZ_CHECK(phone_normalize(out, strlen(out), again, NULL) == GW_OK);
    FUZZ_CHECK(strcmp(out, again) == 0);

    /* The header allows in and out to overlap. */
    if (size < sizeof(inplace)) {
        memcpy(inplace, data, size);
        FUZZ_CHECK(phone_normalize(inplace, size, inplace, NULL) == GW_OK);
        FUZZ_CHECK(strcmp(inplace, out) == 0);
    }
    return 0;
}
