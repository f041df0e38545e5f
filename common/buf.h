/* buf.h - bounded, growable, always NUL-terminated byte buffer
 *
 * Every buffer has a hard maximum set at init. An append that would pass
 * it fails with GW_ETOOBIG and the error sticks: later appends do nothing
 * and return the same error, so a chain of appends needs one check at the
 * end. data is NULL until the first append; use buf_cstr() for a string
 * that is never NULL.
 *
 *   struct buf b;
 *   buf_init(&b, 512);
 *   buf_appendf(&b, "%s=%d", k, v);
 *   if (b.err) ...
 *   buf_release(&b);
 */
#ifndef DT_BUF_H
#define DT_BUF_H

#include <stddef.h>

#include "common/err.h"
#include "common/util.h"

struct buf {
    char *data;
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len */
    gw_err err; /* sticky */
};

/* No allocation; max is the largest len the buffer may reach. */
void buf_init(struct buf *b, size_t max);
/* Frees the contents; the buffer can be used again after buf_init. */
void buf_release(struct buf *b);
/* Empties the buffer and clears the sticky error; keeps the memory. */
void buf_reset(struct buf *b);
/* Hands the data to the caller (free() it) and re-inits the buffer. */
char *buf_detach(struct buf *b, size_t *len);

gw_err buf_append(struct buf *b, const void *p, size_t n);
gw_err buf_puts(struct buf *b, const char *s);
gw_err buf_putc(struct buf *b, char c);
gw_err buf_appendf(struct buf *b, const char *fmt, ...) DT_PRINTF(2, 3);

/* The contents as a C string; "" when empty. Borrowed. */
const char *buf_cstr(const struct buf *b);

#endif
