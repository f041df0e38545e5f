/* html.h - the only way a console page is written
 *
 * A page is built by page_f() alone: its format is a string literal (the
 * page's own markup, trusted), and every value goes through a directive
 * that escapes or formats it. There is no call that appends raw bytes
 * from data, so no value can become markup by construction.
 *
 *   %s   text, HTML-escaped (& < > " ' and every control byte)
 *   %d   int          %D  int64_t
 *   %m   int64_t whole VND as 1.234.567
 *   %t   int64_t Unix seconds as dd/mm/yyyy HH:MM, Vietnam time
 *   %p   a phone number (E.164 text) masked for lists: 0912***678
 *   %P   a phone number in full, national form: 0912345678
 *   %u   text as one URL query value, percent-encoded (a link's ?q=)
 *   %%   a percent sign
 *
 * The compiler checks the argument types (format(printf) would reject
 * %m and %p's meaning), so the directives are few and each is tested.
 */
#ifndef DT_HTML_H
#define DT_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

struct page {
    struct buf b;
};

void page_init(struct page *p, size_t max);
void page_release(struct page *p);

/* Appends fmt with its values; a bad directive is a bug (logged, and the
 * page fails with GW_EINTERNAL at page_done). */
void page_f(struct page *p, const char *fmt, ...);

/* Appends another page (itself written by page_f alone): a part built
 * before the part that precedes it is known (a list before its count). */
void page_append(struct page *p, const struct page *part);

/* The page's bytes, or an error the first time anything failed (too big,
 * out of memory, a bad directive). */
gw_err page_done(const struct page *p, const char **data, size_t *len);

/* Escapes s for HTML into out (used by page_f; exposed for tests). */
void html_escape(struct buf *out, const char *s);

/* A phone number as a page shows it ("+84912345678" -> "0912345678",
 * masked "0912***678"); anything else is kept, masked to its last 3. */
void html_phone(const char *e164, int masked, char *out, size_t size);

/* Whole VND with dots every 3 digits ("-1.234.567"). */
void html_money(int64_t v, char *out, size_t size);

#endif
