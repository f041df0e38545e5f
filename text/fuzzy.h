/* fuzzy.h - how far a typed word is from a command word
 *
 * Members type on basic phones: without a Vietnamese keyboard, a phone's
 * Telex or VNI input leaves its marks as letters or digits ("sos duw",
 * "so61 du7" for "số dư"), a sticky key doubles a letter ("soo duu"), a
 * finger slips. The skeleton drops what such typing adds, so that both
 * sides of a comparison can be reduced the same way; the distance counts
 * the slips that are left.
 */
#ifndef DT_FUZZY_H
#define DT_FUZZY_H

#include <stddef.h>

#include "common/strv.h"

/* The skeleton of one normalised word (upper-case ASCII letters and
 * digits, as keyword_normalize gives) into out, NUL-terminated; returns
 * its length. A word that does not start with a letter is kept as it is
 * (a number, an amount). Otherwise:
 *   - VNI marks go: every digit;
 *   - Telex marks go: F, J, W, Z after the first letter, and S, R, X
 *     after a vowel, or last after a syllable's vowel (no Vietnamese
 *     syllable ends in them; inside one they only start it: LS stays);
 *   - a run of one letter becomes one letter (Telex AA, DD, OO; a sticky
 *     key).
 * Cut at size - 1 bytes. */
size_t fuzzy_skeleton(struct strv word, char *out, size_t size);

/* The optimal-string-alignment distance between a and b (insertions,
 * deletions, substitutions and swaps of two neighbours, each 1), or
 * cap + 1 when it is larger than cap. Inputs longer than FUZZY_MAX_LEN
 * count as too far. */
#define FUZZY_MAX_LEN 64
unsigned fuzzy_distance(struct strv a, struct strv b, unsigned cap);

#endif
