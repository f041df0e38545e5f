/* xalloc.h - allocation that never returns NULL
 *
 * diemtua is a daemon with small, bounded allocations: running out of
 * memory is not something to recover from request by request, so these
 * log and abort (the Redis and OpenSMTPD stance). Sizes are checked for
 * overflow before multiplying.
 */
#ifndef DT_XALLOC_H
#define DT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Copies of NUL-terminated s, or of n bytes of s with a NUL added. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
