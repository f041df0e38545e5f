/* phone.h - Vietnamese mobile numbers to E.164
 *
 * Accepts the national form 0xxxxxxxxx, the international forms 84..., +84...
 * and 0084..., with spaces, dots, dashes and parentheses between digits.
 * Pre-2018 11-digit mobile numbers (0162..0169, 012x, 0186, 0188, 0199)
 * are remapped to today's 10-digit prefixes, the last 7 digits unchanged.
 * The result must be a mobile number in the ranges carriers use
 * (3[2-9], 52[238], 559, 5[689], 7[06-9], 8[1-9], 9x), written "+84" + 9
 * digits. Toll-free 1800, premium 1900 and fixed lines 02x are refused.
 */
#ifndef DT_PHONE_H
#define DT_PHONE_H

#include <stddef.h>

#include "common/dt_limits.h"
#include "common/err.h"

/* On success writes "+84xxxxxxxxx" into out (which may be in itself:
 * in is read in full first). On failure out is "", returns GW_EINVAL
 * and, if why is not NULL, points it at a short static English reason
 * ("not a phone number", "not a Vietnamese number", "wrong number of
 * digits", "not a mobile number"). */
gw_err phone_normalize(const char *in, size_t len, char out[DT_PHONE_SIZE],
                       const char **why);

/* The carrier a Vietnamese mobile's prefix was issued to, from the two
 * digits after +84 ("96" -> "Viettel"), or "Khác" (other). Numbers are
 * portable, so this is the prefix's carrier, not proof of the number's. */
const char *phone_telco(const char *two_digits);

#endif
