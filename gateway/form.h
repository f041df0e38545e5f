/* form.h - strict application/x-www-form-urlencoded decoding
 *
 * Aggregators post their callbacks as url-encoded forms. The decoder is
 * deliberately strict: a malformed escape, an encoded NUL, an empty key, a
 * key given twice or more pairs than fit is an error, so that two parsers
 * (ours and a proxy's, say) can never read the same body differently.
 *
 *   struct kv kv[HTTP_MAX_PARAMS];
 *   size_t n;
 *   if (form_decode(body, len, kv, HTTP_MAX_PARAMS, &n)) -> 400
 */
#ifndef DT_FORM_H
#define DT_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "gateway/provider.h"

/* Decodes the len bytes at s IN PLACE: percent escapes, '+' as a space.
 * s[len] must be writable (the caller's NUL). On success out[0..*n) point
 * into s, each key and value NUL-terminated. Empty pairs ("a=1&&b=2")
 * are skipped; a key without '=' has the value "".
 * GW_EINVAL: bad escape, %00, empty key, duplicate key.
 * GW_ETOOBIG: more than max pairs. s is garbage after an error. */
gw_err form_decode(char *s, size_t len, struct kv *out, size_t max, size_t *n);

/* true when a decoded field holds no control byte: none at all in a key,
 * and in a value none but tab, CR and LF (a member's SMS may have line
 * breaks). A NUL, or a raw 0x01, is never data a provider sends. */
bool form_field_ok(const char *s, size_t len, bool is_key);

/* Percent-decodes (and '+' to space when plus is true) the NUL-terminated
 * s in place. Returns the decoded length; *ok is false after a malformed
 * escape or an encoded NUL (s then holds garbage). */
size_t form_unescape(char *s, bool plus, bool *ok);

#endif
