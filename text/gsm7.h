/* gsm7.h - GSM 03.38 7-bit alphabet: check, count septets and segments
 *
 * The basic table costs one septet a character, the extension table
 * (form feed ^ { } \ [ ~ ] | and the euro sign) two. A single SMS holds
 * 160 septets; parts of a concatenated one hold 153 (the UDH takes the
 * rest), and an extension pair is never split across parts. A message
 * with any character outside the alphabet goes as UCS-2: 70 UTF-16 units
 * alone, 67 a part (a character beyond U+FFFF takes two units, and that
 * surrogate pair is not split across parts either).
 */
#ifndef DT_GSM7_H
#define DT_GSM7_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

/* true when the UTF-8 text s is entirely GSM-7 (basic or extension). */
bool gsm7_is_encodable(const char *s, size_t len);

/* Septets needed for s. GW_EINVAL when s is not valid UTF-8 or has a
 * character outside GSM-7. */
gw_err gsm7_septets(const char *s, size_t len, size_t *septets);

/* Segments s takes as one SMS: GSM-7 when it can be, UCS-2 otherwise.
 * 0 for empty text. *gsm7 (may be NULL) tells which encoding applies.
 * GW_EINVAL when s is not valid UTF-8. */
gw_err sms_segments(const char *s, size_t len, size_t *segments, bool *gsm7);

#endif
