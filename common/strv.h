/* strv.h - borrowed string views and checked number parsing
 *
 * A strv points into memory it does not own; it is valid as long as that
 * memory is. Views are not NUL-terminated: use strv_copy() to make a C
 * string in a caller's array.
 */
#ifndef DT_STRV_H
#define DT_STRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

struct strv {
    const char *p;
    size_t len;
};

struct strv strv_make(const char *p, size_t len);
struct strv strv_from_cstr(const char *s);
/* Removes ASCII whitespace at both ends. */
struct strv strv_trim(struct strv s);
bool strv_eq(struct strv a, const char *s);
bool strv_eq_nocase(struct strv a, const char *s);
bool strv_starts_with_nocase(struct strv a, const char *prefix);

/* Copies s into out[size] with a NUL. GW_ETOOBIG if it does not fit (out
 * then holds ""), GW_EINVAL if s contains a NUL byte. */
gw_err strv_copy(struct strv s, char *out, size_t size);

/* Decimal digits only (no sign, no spaces), value <= max.
 * GW_EINVAL for empty or non-digit input, GW_ETOOBIG above max. */
gw_err strv_to_u64(struct strv s, uint64_t max, uint64_t *out);
gw_err strv_to_u32(struct strv s, uint32_t *out);

/* Splits s at runs of the bytes in seps; empty fields are skipped. Fills at
 * most max views; GW_ETOOBIG if there were more fields than max. */
gw_err strv_split(struct strv s, const char *seps, struct strv *out, size_t max,
                  size_t *n);

/* Constant-time comparison of two byte strings of possibly different
 * length: the time depends only on the lengths. b is the expected secret;
 * an empty b (no secret configured) never matches. */
bool strv_secure_eq(struct strv a, struct strv b);

#endif
