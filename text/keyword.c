/* keyword.c - normalising command words as users type them */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/buf.h"
#include "common/strv.h"
#include "text/keyword.h"
#include "text/utf8.h"
#include "common/banned.h"

/* A command word worth comparing is short; longer input cannot match any
 * keyword, so keyword_match gives up early instead of allocating much. */
#define KEYWORD_INPUT_MAX 64

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

gw_err keyword_normalize(const char *s, size_t len, struct buf *out)
{
    struct buf ascii;
    const char *a;
    size_t i, n, prefix_end = 0;
    bool emitted = false, gap = false;
    gw_err err;

    /* Folding never makes text longer: each code point gives at most as
     * many ASCII bytes as it had UTF-8 bytes. */
    buf_init(&ascii, len);
    err = utf8_fold_ascii(s, len, &ascii);
    if (err) {
        buf_release(&ascii);
        return err == GW_ETOOBIG ? GW_EINTERNAL : err;
    }
    a = buf_cstr(&ascii);
    n = ascii.len;
    for (i = 0; i < n && !err; i++) {
        char c = a[i];
        /* A minus sign before a number is kept so that "-5" reaches the
         * amount parser and is refused, rather than silently read as 5. */
        bool minus = c == '-' && i + 1 < n && is_digit(a[i + 1]) &&
                     (i == 0 || !is_alnum(a[i - 1]));
        bool keep = is_alnum(c) || minus || prefix_end > i ||
                    ((c == '.' || c == ',') && i > 0 && i + 1 < n &&
                     is_digit(a[i - 1]) && is_digit(a[i + 1]));

        /* Whatever is stuck to the front of a number at the start of a
         * word (".5tr", "+50000", a dash or minus of any script, which
         * folds to '?') stays on it, so the parsers refuse the word
         * instead of reading it as another number: ".5tr" as 5tr. */
        if (!keep && !is_space(c) && (i == 0 || is_space(a[i - 1]))) {
            size_t j = i;

            while (j < n && !is_alnum(a[j]) && !is_space(a[j]))
                j++;
            if (j < n && is_digit(a[j])) {
                prefix_end = j;
                keep = true;
            }
        }

        if (!keep) {
            gap = true;
            continue;
        }
        if (gap && emitted)
            err = buf_putc(out, ' ');
        if (!err)
            err = buf_putc(out, upper(c));
        gap = false;
        emitted = true;
    }
    buf_release(&ascii);
    return err ? err : out->err;
}

bool keyword_match(struct strv word, const char *keyword)
{
    struct buf norm;
    bool match;

    if (word.len > KEYWORD_INPUT_MAX)
        return false;
    buf_init(&norm, KEYWORD_INPUT_MAX);
    match = keyword_normalize(word.p, word.len, &norm) == GW_OK &&
            strcmp(buf_cstr(&norm), keyword) == 0;
    buf_release(&norm);
    return match;
}
