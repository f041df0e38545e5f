/* utf8.h - UTF-8 validation, NFC, and folding Vietnamese to plain ASCII
 *
 * Messages go out as plain ASCII Vietnamese ("khong dau"): NFD, drop the
 * combining marks U+0300..U+036F, and map đ/Đ to d/D by hand, since đ has
 * no decomposition. Input may arrive NFC or NFD; both fold the same.
 * Normalisation is done with utf8proc.
 */
#ifndef DT_UTF8_H
#define DT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF, no
 * NUL byte. */
bool utf8_valid(const char *s, size_t len);

/* Decodes the first code point of s into *cp and returns its length in
 * bytes (1..4); 0 when s is empty or does not start with a valid
 * sequence under the rules of utf8_valid (*cp is then untouched). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Number of code points in valid UTF-8 s. */
size_t utf8_count(const char *s, size_t len);

/* Appends the NFC form of s to out. GW_EINVAL if s is not valid UTF-8,
 * GW_ETOOBIG if out's maximum is reached. */
gw_err utf8_nfc(const char *s, size_t len, struct buf *out);

/* Appends s folded to printable ASCII: diacritics removed, đ/Đ to d/D,
 * typographic quotes and dashes to their ASCII forms, any other
 * non-ASCII character or control character to '?'. GW_EINVAL if s is not
 * valid UTF-8. */
gw_err utf8_fold_ascii(const char *s, size_t len, struct buf *out);

#endif
