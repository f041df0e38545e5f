/* utf8.c - strict UTF-8 decoding, NFC, and folding Vietnamese to ASCII */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common/buf.h"
#include "text/utf8.h"
#include "common/banned.h"

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n, i;
    uint32_t v;

    if (len == 0 || u[0] == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] < 0xC2) /* continuation byte, or overlong 2-byte lead */
        return 0;
    if (u[0] < 0xE0) {
        n = 2;
        v = u[0] & 0x1Fu;
    } else if (u[0] < 0xF0) {
        n = 3;
        v = u[0] & 0x0Fu;
        if (u[0] == 0xE0)
            lo = 0xA0; /* overlong */
        else if (u[0] == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
    } else if (u[0] < 0xF5) {
        n = 4;
        v = u[0] & 0x07u;
        if (u[0] == 0xF0)
            lo = 0x90; /* overlong */
        else if (u[0] == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (len < n || u[1] < lo || u[1] > hi)
        return 0;
    for (i = 1; i < n; i++) {
        if (!is_cont(u[i]))
            return 0;
        v = (v << 6) | (u[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

bool utf8_valid(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t utf8_count(const char *s, size_t len)
{
    size_t i, count = 0;

    for (i = 0; i < len; i++)
        if (!is_cont((unsigned char)s[i]))
            count++;
    return count;
}

gw_err utf8_nfc(const char *s, size_t len, struct buf *out)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n;
    gw_err err;

    /* utf8proc is given a length, but it treats NUL specially and has its
     * own idea of validity: check first so both agree with utf8_valid. */
    if (!utf8_valid(s, len))
        return GW_EINVAL;
    if (len == 0)
        return buf_append(out, "", 0);
    if (len > (size_t)INT32_MAX)
        return GW_ETOOBIG;
    n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfc,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? GW_EINTERNAL : GW_EINVAL;
    err = buf_append(out, nfc, (size_t)n);
    free(nfc);
    return err;
}

/* Characters with no decomposition that still have an obvious ASCII
 * spelling. Everything else outside ASCII becomes '?'. */
static const struct fold_map {
    uint32_t cp;
    const char *ascii; /* "" drops the character */
} fold_maps[] = {
    {0x00A0, " "},   /* no-break space */
    {0x00AB, "\""},  /* << */
    {0x00BB, "\""},  /* >> */
    {0x00AD, ""},    /* soft hyphen */
    {0x0110, "D"},   /* Đ */
    {0x0111, "d"},   /* đ */
    {0x2010, "-"},   /* hyphen */
    {0x2011, "-"},   /* non-breaking hyphen */
    {0x2012, "-"},   /* figure dash */
    {0x2013, "-"},   /* en dash */
    {0x2014, "-"},   /* em dash */
    {0x2015, "-"},   /* horizontal bar */
    {0x2018, "'"},   /* left single quote */
    {0x2019, "'"},   /* right single quote, apostrophe */
    {0x201A, "'"},   /* low single quote */
    {0x201B, "'"},   /* reversed single quote */
    {0x201C, "\""},  /* left double quote */
    {0x201D, "\""},  /* right double quote */
    {0x201E, "\""},  /* low double quote */
    {0x201F, "\""},  /* reversed double quote */
    {0x2026, "..."}, /* ellipsis */
    {0x2032, "'"},   /* prime */
    {0x2033, "\""},  /* double prime */
    {0x2039, "'"},   /* single angle quote */
    {0x203A, "'"},   /* single angle quote */
    {0x200B, ""},    /* zero width space */
    {0x200C, ""},    /* zero width non-joiner */
    {0x200D, ""},    /* zero width joiner */
    {0x202F, " "},   /* narrow no-break space */
    {0x205F, " "},   /* medium mathematical space */
    {0x2212, "-"},   /* minus sign */
    {0x3000, " "},   /* ideographic space */
    {0xFEFF, ""},    /* byte order mark */
};

static bool is_mark(uint32_t cp)
{
    return cp >= 0x0300 && cp <= 0x036F;
}

static const char *fold_lookup(uint32_t cp)
{
    size_t i;

    if (cp >= 0x2000 && cp <= 0x200A) /* en quad .. hair space */
        return " ";
    for (i = 0; i < ARRAY_SIZE(fold_maps); i++)
        if (fold_maps[i].cp == cp)
            return fold_maps[i].ascii;
    return "?";
}

/* Folds one code point: ASCII stays (controls become ' ' or '?'), a
 * combining mark vanishes, a letter whose canonical decomposition is one
 * ASCII letter plus marks becomes that letter. */
static gw_err fold_one(uint32_t cp, struct buf *out)
{
    utf8proc_int32_t dec[32];
    utf8proc_ssize_t n, i;

    if (cp == '\t' || cp == '\n' || cp == '\r')
        return buf_putc(out, ' ');
    if (cp < 0x20 || cp == 0x7F)
        return buf_putc(out, '?');
    if (cp < 0x80)
        return buf_putc(out, (char)cp);
    if (is_mark(cp))
        return GW_OK;
    n = utf8proc_decompose_char((utf8proc_int32_t)cp, dec,
                                (utf8proc_ssize_t)ARRAY_SIZE(dec),
                                UTF8PROC_DECOMPOSE, NULL);
    if (n >= 2 && n <= (utf8proc_ssize_t)ARRAY_SIZE(dec) && dec[0] >= 0x20 &&
        dec[0] < 0x7F) {
        for (i = 1; i < n; i++)
            if (!is_mark((uint32_t)dec[i]))
                break;
        if (i == n)
            return buf_putc(out, (char)dec[0]);
    }
    return buf_puts(out, fold_lookup(cp));
}

gw_err utf8_fold_ascii(const char *s, size_t len, struct buf *out)
{
    size_t i = 0;

    if (!utf8_valid(s, len))
        return GW_EINVAL;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_decode(s + i, len - i, &cp);
        gw_err err = fold_one(cp, out);

        if (err)
            return err;
        i += n;
    }
    return out->err;
}
