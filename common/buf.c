/* buf.c - bounded byte buffer */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "common/banned.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = GW_OK;
}

void buf_release(struct buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->err = GW_OK;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->data ? b->data : xstrdup("");

    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}

/* Grows the allocation to at least need bytes (need <= max + 1), doubling
 * but never past max + 1, the most a full buffer and its NUL take. */
static void buf_grow(struct buf *b, size_t need)
{
    /* max may be SIZE_MAX ("no limit"): max + 1 must not wrap to 0. */
    size_t limit = b->max < SIZE_MAX ? b->max + 1 : SIZE_MAX;
    size_t cap = b->cap ? b->cap : 64;

    while (cap < need)
        cap = cap > limit / 2 ? limit : cap * 2;
    if (cap > limit)
        cap = limit;
    if (cap < need)
        cap = need;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

gw_err buf_append(struct buf *b, const void *p, size_t n)
{
    if (b->err)
        return b->err;
    if (n > b->max - b->len) /* len <= max always, so this cannot wrap */
        return b->err = GW_ETOOBIG;
    if (b->len + n + 1 > b->cap)
        buf_grow(b, b->len + n + 1);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return GW_OK;
}

gw_err buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

gw_err buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

gw_err buf_appendf(struct buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    if (b->err)
        return b->err;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return b->err = GW_EINVAL;
    if ((size_t)n < sizeof(small))
        return buf_append(b, small, (size_t)n);
    if ((size_t)n > b->max - b->len)
        return b->err = GW_ETOOBIG;
    buf_grow(b, b->len + (size_t)n + 1);
    va_start(ap, fmt);
    (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return GW_OK;
}

const char *buf_cstr(const struct buf *b)
{
    return b->data ? b->data : "";
}
