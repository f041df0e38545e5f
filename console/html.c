/* html.c - escaping and formatting every value written into a page */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/log.h"
#include "console/html.h"
#include "common/banned.h"

void page_init(struct page *p, size_t max)
{
    buf_init(&p->b, max);
}

void page_release(struct page *p)
{
    buf_release(&p->b);
}

void html_escape(struct buf *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&':
            (void)buf_puts(out, "&amp;");
            break;
        case '<':
            (void)buf_puts(out, "&lt;");
            break;
        case '>':
            (void)buf_puts(out, "&gt;");
            break;
        case '"':
            (void)buf_puts(out, "&quot;");
            break;
        case '\'':
            (void)buf_puts(out, "&#39;");
            break;
        default:
            /* Control bytes have no business in a page: shown as '?'. */
            (void)buf_putc(out, (c < 0x20 && c != '\n') || c == 0x7f ? '?'
                                                                     : (char)c);
            break;
        }
    }
}

void html_money(int64_t v, char *out, size_t size)
{
    char digits[32];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t n, i, o = 0;

    n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
    if (size == 0)
        return;
    if (v < 0 && o + 1 < size)
        out[o++] = '-';
    for (i = 0; i < n && o + 1 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0 && o + 2 < size)
            out[o++] = '.';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void html_phone(const char *e164, int masked, char *out, size_t size)
{
    char nat[32];
    size_t n;

    if (strncmp(e164, "+84", 3) == 0)
        (void)snprintf(nat, sizeof(nat), "0%s", e164 + 3);
    else
        (void)snprintf(nat, sizeof(nat), "%s", e164);
    n = strlen(nat);
    if (!masked)
        (void)snprintf(out, size, "%s", nat);
    else if (n >= 10)
        (void)snprintf(out, size, "%.4s***%s", nat, nat + n - 3);
    else
        (void)snprintf(out, size, "***%s", n > 3 ? nat + n - 3 : "");
}

/* RFC 3986 unreserved bytes as they are, every other byte %XX: the
 * result needs no HTML escaping either. */
static void url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~') {
            (void)buf_putc(b, (char)c);
        } else {
            (void)buf_putc(b, '%');
            (void)buf_putc(b, hex[c >> 4]);
            (void)buf_putc(b, hex[c & 15]);
        }
    }
}

static void put_time(struct buf *b, int64_t t)
{
    time_t vn = (time_t)(t + 7 * 3600); /* Vietnam: UTC+7, no DST */
    struct tm tm;
    char s[64];

    if (gmtime_r(&vn, &tm) == NULL) {
        (void)buf_puts(b, "?");
        return;
    }
    (void)snprintf(s, sizeof(s), "%02d/%02d/%04d %02d:%02d", tm.tm_mday,
                   tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    (void)buf_puts(b, s);
}

void page_f(struct page *p, const char *fmt, ...)
{
    va_list ap;
    char s[64];
    const char *f;

    va_start(ap, fmt);
    for (f = fmt; *f; f++) {
        if (*f != '%') {
            (void)buf_putc(&p->b, *f);
            continue;
        }
        switch (*++f) {
        case 's':
            html_escape(&p->b, va_arg(ap, const char *));
            break;
        case 'd':
            (void)snprintf(s, sizeof(s), "%d", va_arg(ap, int));
            (void)buf_puts(&p->b, s);
            break;
        case 'D':
            (void)snprintf(s, sizeof(s), "%lld",
                           (long long)va_arg(ap, int64_t));
            (void)buf_puts(&p->b, s);
            break;
        case 'm':
            html_money(va_arg(ap, int64_t), s, sizeof(s));
            (void)buf_puts(&p->b, s);
            break;
        case 't':
            put_time(&p->b, va_arg(ap, int64_t));
            break;
        case 'p':
        case 'P':
            html_phone(va_arg(ap, const char *), *f == 'p', s, sizeof(s));
            html_escape(&p->b, s);
            break;
        case 'u':
            url_encode(&p->b, va_arg(ap, const char *));
            break;
        case '%':
            (void)buf_putc(&p->b, '%');
            break;
        default:
            log_error("console", "page_f: bad directive in \"%.40s\"", fmt);
            p->b.err = GW_EINTERNAL;
            va_end(ap);
            return;
        }
    }
    va_end(ap);
}

void page_append(struct page *p, const struct page *part)
{
    if (part->b.err && !p->b.err)
        p->b.err = part->b.err;
    else if (part->b.len > 0)
        (void)buf_append(&p->b, part->b.data, part->b.len);
}

gw_err page_done(const struct page *p, const char **data, size_t *len)
{
    *data = buf_cstr(&p->b);
    *len = p->b.len;
    return p->b.err;
}
