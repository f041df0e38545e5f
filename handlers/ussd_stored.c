/* ussd_stored.c - the USSD path: its inputs, what a hop stores, and its
 * dedup key */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "handlers/ussd_stored.h"
#include "common/banned.h"

size_t ussd_count_inputs(struct strv text)
{
    size_t i, n = 1;

    if (text.len == 0)
        return 0;
    for (i = 0; i < text.len; i++)
        n += text.p[i] == '*';
    return n;
}

bool ussd_split_path(struct strv text, struct strv *out, size_t *n)
{
    size_t i, start = 0;

    *n = 0;
    if (text.len == 0)
        return true;
    for (i = 0; i <= text.len; i++) {
        if (i < text.len && text.p[i] != '*')
            continue;
        if (*n == USSD_MAX_INPUTS)
            return false;
        out[(*n)++] = strv_trim(strv_make(text.p + start, i - start));
        start = i + 1;
    }
    return true;
}

/* FNV-1a 64 of s[len], continuing from h. */
static uint64_t fnv1a64(uint64_t h, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

void ussd_stored_fill(const struct strv *raw, size_t used, uint64_t masked,
                      const struct ussd_hop *hop, struct ussd_step *step)
{
    struct buf b;
    size_t i, j;

    buf_init(&b, sizeof(step->stored) - 1);
    for (i = 0; i < used; i++) {
        const struct strv s = raw[i];

        if (i > 0)
            (void)buf_putc(&b, '*');
        if (masked & ((uint64_t)1 << i)) {
            (void)buf_puts(&b, "****");
            continue;
        }
        for (j = 0; j < s.len; j++) {
            unsigned char ch = (unsigned char)s.p[j];

            (void)buf_putc(&b, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
        }
    }
    /* Sized for the worst case; on a bug store nothing rather than more. */
    if (b.err)
        buf_reset(&b);
    (void)snprintf(step->stored, sizeof(step->stored), "%s", buf_cstr(&b));
    /* The key belongs to the phone too: a recycled session id from
     * another phone must never get this phone's stored END screen. */
    (void)snprintf(
        step->key, sizeof(step->key), "%.*s:%016llx", USSD_SESSION_ID_MAX,
        hop->session_id,
        (unsigned long long)fnv1a64(fnv1a64(14695981039346656037ull, hop->phone,
                                            strlen(hop->phone) + 1),
                                    step->stored, strlen(step->stored)));
    buf_release(&b);
}
