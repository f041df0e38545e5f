/* keyword.h - command words as users type them
 *
 * "Huỷ  nhắc!", "huy nhac" and "HUY-NHAC" are the same command: input is
 * folded to ASCII, upper-cased, and every run of spaces or punctuation
 * becomes one space, trimmed at both ends. Characters that matter inside
 * arguments are kept: digits, letters, '.' or ',' between two digits
 * (amounts like 275.000), and whatever punctuation or sign starts a word
 * that goes on with a digit (".5tr", "+50000", "-5", a dash of another
 * script as '?'), so that the amount parser refuses such a word rather
 * than read it as another number.
 */
#ifndef DT_KEYWORD_H
#define DT_KEYWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/strv.h"

/* Appends the normalised form of UTF-8 text s to out. GW_EINVAL for
 * invalid UTF-8, GW_ETOOBIG past out's maximum. */
gw_err keyword_normalize(const char *s, size_t len, struct buf *out);

/* true when word (any case, with or without diacritics, surrounding
 * punctuation ignored) is keyword; keyword is upper-case ASCII and may
 * hold one space ("HUY NHAC"). */
bool keyword_match(struct strv word, const char *keyword);

#endif
