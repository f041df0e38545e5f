/* gsm7.c - GSM 03.38 alphabet membership, septet and segment counts */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"
#include "text/gsm7.h"
#include "text/utf8.h"
#include "common/banned.h"

#define GSM7_SINGLE 160
#define GSM7_PART 153
#define UCS2_SINGLE 70
#define UCS2_PART 67

/* The non-ASCII characters of the basic table (3GPP TS 23.038 6.2.1). */
static const uint16_t gsm7_basic_extra[] = {
    0x00A1, /* ¡ */ 0x00A3, /* £ */ 0x00A4, /* ¤ */ 0x00A5, /* ¥ */
    0x00A7, /* § */ 0x00BF, /* ¿ */ 0x00C4, /* Ä */ 0x00C5, /* Å */
    0x00C6, /* Æ */ 0x00C7, /* Ç */ 0x00C9, /* É */ 0x00D1, /* Ñ */
    0x00D6, /* Ö */ 0x00D8, /* Ø */ 0x00DC, /* Ü */ 0x00DF, /* ß */
    0x00E0, /* à */ 0x00E4, /* ä */ 0x00E5, /* å */ 0x00E6, /* æ */
    0x00E8, /* è */ 0x00E9, /* é */ 0x00EC, /* ì */ 0x00F1, /* ñ */
    0x00F2, /* ò */ 0x00F6, /* ö */ 0x00F8, /* ø */ 0x00F9, /* ù */
    0x00FC, /* ü */ 0x0393, /* Γ */ 0x0394, /* Δ */ 0x0398, /* Θ */
    0x039B, /* Λ */ 0x039E, /* Ξ */ 0x03A0, /* Π */ 0x03A3, /* Σ */
    0x03A6, /* Φ */ 0x03A8, /* Ψ */ 0x03A9,                 /* Ω */
};

/* Septets one code point costs: 1 basic, 2 extension (escape + code),
 * 0 not in the alphabet. */
static unsigned gsm7_cost(uint32_t cp)
{
    size_t i;

    switch (cp) {
    case '\f':
    case '^':
    case '{':
    case '}':
    case '\\':
    case '[':
    case '~':
    case ']':
    case '|':
    case 0x20AC: /* euro sign */
        return 2;
    case '\n':
    case '\r':
        return 1;
    case '`': /* the one printable ASCII character GSM-7 lacks */
        return 0;
    default:
        break;
    }
    if (cp >= 0x20 && cp < 0x7F)
        return 1;
    for (i = 0; i < ARRAY_SIZE(gsm7_basic_extra); i++)
        if (gsm7_basic_extra[i] == cp)
            return 1;
    return 0;
}

bool gsm7_is_encodable(const char *s, size_t len)
{
    size_t septets;

    return gsm7_septets(s, len, &septets) == GW_OK;
}

gw_err gsm7_septets(const char *s, size_t len, size_t *septets)
{
    size_t i = 0, total = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        unsigned cost;

        if (n == 0)
            return GW_EINVAL;
        cost = gsm7_cost(cp);
        if (cost == 0)
            return GW_EINVAL;
        total += cost;
        i += n;
    }
    *septets = total;
    return GW_OK;
}

/* Parts of `part` units (septets or UTF-16 units) each, moving a
 * two-unit character (an extension pair, a surrogate pair) whole to the
 * next part when it does not fit. s is valid UTF-8 here. */
static size_t count_parts(const char *s, size_t len, bool gsm7, size_t part)
{
    size_t i = 0, parts = 1, used = 0;

    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s + i, len - i, &cp);
        size_t cost = gsm7 ? gsm7_cost(cp) : (cp > 0xFFFF ? 2u : 1u);

        if (used + cost > part) {
            parts++;
            used = 0;
        }
        used += cost;
        i += n;
    }
    return parts;
}

gw_err sms_segments(const char *s, size_t len, size_t *segments, bool *gsm7)
{
    size_t i = 0, units = 0, septets = 0;
    bool is_gsm7;

    if (!utf8_valid(s, len))
        return GW_EINVAL;
    is_gsm7 = gsm7_septets(s, len, &septets) == GW_OK;
    if (gsm7)
        *gsm7 = is_gsm7;
    if (len == 0) {
        *segments = 0;
        return GW_OK;
    }
    if (is_gsm7) {
        *segments =
            septets <= GSM7_SINGLE ? 1 : count_parts(s, len, true, GSM7_PART);
        return GW_OK;
    }
    while (i < len) {
        uint32_t cp = 0;

        i += utf8_decode(s + i, len - i, &cp);
        units += cp > 0xFFFF ? 2 : 1;
    }
    *segments =
        units <= UCS2_SINGLE ? 1 : count_parts(s, len, false, UCS2_PART);
    return GW_OK;
}
