/* fuzz_text.c - libFuzzer target: utf8, keyword_normalize, gsm7
 *
 * Everything an SMS body goes through before the command grammar sees
 * it. Invariants: the validator and the decoder agree; folding gives
 * printable ASCII no longer than the input; keyword normalisation keeps
 * letters, digits, '.' ',' inside numbers and '-' before one, is
 * idempotent, never grows the text, and keyword_match agrees with it; the
 * GSM-7 counters agree with each other.
 */
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"
#include "common/strv.h"
#include "tests/fuzz/fuzz.h"
#include "text/gsm7.h"
#include "text/keyword.h"
#include "text/utf8.h"

#define FUZZ_TEXT_MAX 4096

/* Walks s with utf8_decode; true when every byte was consumed. */
static bool decodes_fully(const char *s, size_t len, size_t *count)
{
    size_t at = 0, n;
    uint32_t cp;

    *count = 0;
    while (at < len) {
        n = utf8_decode(s + at, len - at, &cp);
        if (n == 0)
            return false;
        FUZZ_CHECK(n <= 4 && n <= len - at);
        FUZZ_CHECK(cp <= 0x10FFFF && cp != 0);
        FUZZ_CHECK(cp < 0xD800 || cp > 0xDFFF);
        at += n;
        (*count)++;
    }
    return true;
}

static void check_fold(const char *s, size_t len, bool valid)
{
    struct buf out;
    gw_err err;
    size_t i;

    buf_init(&out, FUZZ_TEXT_MAX * 4);
    err = utf8_fold_ascii(s, len, &out);
    FUZZ_CHECK(valid ? err == GW_OK : err == GW_EINVAL);
    if (err == GW_OK) {
        FUZZ_CHECK(out.len <= len);
        for (i = 0; i < out.len; i++)
            FUZZ_CHECK(out.data[i] >= 0x20 && out.data[i] < 0x7F);
    }
    buf_release(&out);
}

static void check_keyword(const char *s, size_t len, bool valid)
{
    struct buf norm, again;
    gw_err err;
    size_t i;

    buf_init(&norm, FUZZ_TEXT_MAX * 4);
    err = keyword_normalize(s, len, &norm);
    FUZZ_CHECK(valid ? err == GW_OK : err == GW_EINVAL);
    if (err != GW_OK) {
        buf_release(&norm);
        return;
    }
    FUZZ_CHECK(norm.len <= len);
    for (i = 0; i < norm.len; i++) {
        char c = norm.data[i];

        bool alnum = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

        /* Printable ASCII, upper case: no lower-case letter survives. */
        FUZZ_CHECK(c >= ' ' && c <= '~' && !(c >= 'a' && c <= 'z'));
        /* Punctuation is kept only where it matters to a number: '.' or
         * ',' between digits, or a run stuck to the front of a digit
         * ("-5", ".5TR", "+50000" are refused later, not read as 5). */
        if (!alnum && c != ' ') {
            size_t j = i;
            bool between = (c == '.' || c == ',') && i > 0 &&
                           i + 1 < norm.len && norm.data[i - 1] >= '0' &&
                           norm.data[i - 1] <= '9' && norm.data[i + 1] >= '0' &&
                           norm.data[i + 1] <= '9';

            while (j < norm.len && norm.data[j] != ' ' &&
                   !((norm.data[j] >= 'A' && norm.data[j] <= 'Z') ||
                     (norm.data[j] >= '0' && norm.data[j] <= '9')))
                j++;
            FUZZ_CHECK(between || (j < norm.len && norm.data[j] >= '0' &&
                                   norm.data[j] <= '9'));
        }
    }
    if (norm.len > 0)
        FUZZ_CHECK(norm.data[0] != ' ' && norm.data[norm.len - 1] != ' ');

    buf_init(&again, FUZZ_TEXT_MAX * 4);
    FUZZ_CHECK(keyword_normalize(buf_cstr(&norm), norm.len, &again) == GW_OK);
    FUZZ_CHECK(again.len == norm.len);
    FUZZ_CHECK(strcmp(buf_cstr(&again), buf_cstr(&norm)) == 0);
    buf_release(&again);

    /* Short input matches its own normal form. */
    if (len <= 64)
        FUZZ_CHECK(keyword_match(strv_make(s, len), buf_cstr(&norm)));
    buf_release(&norm);
}

static void check_gsm7(const char *s, size_t len, bool valid, size_t cps)
{
    size_t septets = 0, segments = 0;
    bool gsm7 = false, enc;
    gw_err err;

    enc = gsm7_is_encodable(s, len);
    err = gsm7_septets(s, len, &septets);
    FUZZ_CHECK(enc == (err == GW_OK));
    if (enc) {
        FUZZ_CHECK(valid);
        FUZZ_CHECK(septets >= cps && septets <= 2 * cps);
    }

    err = sms_segments(s, len, &segments, &gsm7);
    FUZZ_CHECK(valid ? err == GW_OK : err == GW_EINVAL);
    if (err != GW_OK)
        return;
    FUZZ_CHECK(gsm7 == enc);
    FUZZ_CHECK((segments == 0) == (len == 0));
    if (enc && len > 0)
        FUZZ_CHECK((septets <= 160) == (segments == 1));
    if (enc && segments > 1)
        FUZZ_CHECK(segments >= (septets + 152) / 153);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct buf nfc;
    size_t cps = 0;
    bool valid, walked;
    gw_err err;

    if (size > FUZZ_TEXT_MAX)
        return 0;
    valid = utf8_valid(s, size);
    walked = decodes_fully(s, size, &cps);
    FUZZ_CHECK(valid == walked);
    if (valid)
        FUZZ_CHECK(utf8_count(s, size) == cps);

    buf_init(&nfc, FUZZ_TEXT_MAX * 4);
    err = utf8_nfc(s, size, &nfc);
    FUZZ_CHECK(valid ? err == GW_OK : err == GW_EINVAL);
    if (err == GW_OK)
        FUZZ_CHECK(utf8_valid(buf_cstr(&nfc), nfc.len));
    buf_release(&nfc);

    check_fold(s, size, valid);
    check_keyword(s, size, valid);
    check_gsm7(s, size, valid, cps);
    return 0;
}
