/* money.h - amounts of whole VND: parsing what people type, formatting
 *
 * Money is int64_t whole VND everywhere; no floating point touches it.
 */
#ifndef DT_MONEY_H
#define DT_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strv.h"

/* What a leader types on a keypad, case-insensitive:
 *   275000   275.000   275,000   (groups of three after the first)
 *   275k     2tr   2tr5 (2,500,000)   2tr25 (2,250,000)   1.5tr   1,5tr
 *   an optional trailing "d", "vnd" or "dong" on plain numbers.
 * Before k or tr, '.' or ',' starts 1..2 decimals (2.5k = 2,500, 1,25tr =
 * 1,250,000). Three digits there are refused: in Vietnamese '.' groups
 * thousands, so "1.000k" may mean 1,000 or 1,000,000, and a receipt must
 * never guess by a factor of 1000. After tr, 1..3 digits are decimals of
 * a million (2tr05 = 2,050,000; 2tr500 = 2,500,000). No unit after decimals
 * means thousands grouping, so "27.50" is refused. The currency word goes only
 * on numbers without k or tr. Range 0..DT_MONEY_MAX. GW_EINVAL for anything
 * else (signs, spaces, letters, more than three decimals), GW_ETOOBIG past the
 * maximum. */
gw_err money_parse(struct strv s, int64_t *out);

/* What the bank's files hold: decimal digits only, 0..DT_MONEY_MAX.
 * GW_EINVAL (and *why "negative amount", "not a whole number of VND",
 * "empty") or GW_ETOOBIG ("exceeds maximum 99999999999"). why may be
 * NULL; on success *why is set to NULL. */
gw_err money_parse_plain(struct strv s, int64_t *out, const char **why);

/* "275.000" (dots between thousands, no unit) into out; negative amounts
 * get a leading '-'. Returns the length written (out is always
 * terminated; at most 27 bytes are ever needed). */
size_t money_format(int64_t v, char *out, size_t size);

#endif
