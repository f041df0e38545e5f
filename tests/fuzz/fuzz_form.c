/* fuzz_form.c - libFuzzer target: the form-urlencoded decoder
 *
 * Any bytes as a request body, decoded in place as httpd.c does. On
 * success every pair points inside the buffer, keys are non-empty and
 * distinct, and no key or value holds a NUL before its end. form_unescape
 * never grows its input.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/form.h"
#include "gateway/provider.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kv kv[HTTP_MAX_PARAMS];
    size_t n = 0, i, j, len;
    char *s = malloc(size + 1);
    bool ok = false;
    gw_err err;

    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    err = form_decode(s, size, kv, HTTP_MAX_PARAMS, &n);
    FUZZ_CHECK(err == GW_OK || err == GW_EINVAL || err == GW_ETOOBIG);
    if (err == GW_OK) {
        FUZZ_CHECK(n <= HTTP_MAX_PARAMS);
        for (i = 0; i < n; i++) {
            FUZZ_CHECK(kv[i].key >= s && kv[i].key <= s + size);
            FUZZ_CHECK(kv[i].val >= s && kv[i].val + kv[i].val_len <= s + size);
            FUZZ_CHECK(kv[i].key[0] != '\0');
            FUZZ_CHECK(strlen(kv[i].val) == kv[i].val_len);
            for (j = 0; j < i; j++)
                FUZZ_CHECK(strcmp(kv[i].key, kv[j].key) != 0);
        }
    }

    /* The unescaper alone, both ways of reading '+'. */
    memcpy(s, data, size);
    s[size] = '\0';
    len = strlen(s);
    FUZZ_CHECK(form_unescape(s, (size & 1) != 0, &ok) <= len);
    free(s);
    return 0;
}
