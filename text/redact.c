/* redact.c - inbound text as it may be stored */
#include <stdbool.h>
#include <stddef.h>

#include "text/redact.h"
#include "text/utf8.h"
#include "common/banned.h"

void redact_text(const char *s, size_t len, bool digits, char *out, size_t size)
{
    size_t n, i;
    bool valid;

    if (size == 0)
        return;
    n = len < size - 1 ? len : size - 1;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* do not end inside a multi-byte character */
    valid = utf8_valid(s, n);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == 0 || (!valid && c >= 0x80))
            out[i] = '?';
        else if (digits && c >= '0' && c <= '9')
            out[i] = '*';
        else
            out[i] = (char)c;
    }
    out[n] = '\0';
}
