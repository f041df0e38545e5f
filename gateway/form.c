/* form.c - strict application/x-www-form-urlencoded decoding */
#include <string.h>

#include "gateway/form.h"
#include "common/banned.h"

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes src[0..len) into dst (which may be src: output never runs ahead
 * of input). Returns the decoded length, or (size_t)-1 on a bad escape or
 * an encoded NUL. */
static size_t unescape_span(char *dst, const char *src, size_t len, bool plus)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        char c = src[i];

        if (c == '%') {
            int hi, lo;

            if (len - i < 3)
                return (size_t)-1;
            hi = hex_val(src[i + 1]);
            lo = hex_val(src[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return (size_t)-1;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        } else if (c == '\0') {
            return (size_t)-1;
        }
        dst[o++] = c;
    }
    return o;
}

size_t form_unescape(char *s, bool plus, bool *ok)
{
    size_t n = unescape_span(s, s, strlen(s), plus);

    *ok = n != (size_t)-1;
    if (!*ok)
        return 0;
    s[n] = '\0';
    return n;
}

static bool key_seen(const struct kv *kv, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(kv[i].key, key) == 0)
            return true;
    return false;
}

bool form_field_ok(const char *s, size_t len, bool is_key)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 || c == 0x7f) &&
            (is_key || (c != '\t' && c != '\n' && c != '\r')))
            return false;
    }
    return true;
}

/* Decodes one "key[=value]" pair at p[0..len) in place into *out. */
static gw_err decode_pair(char *p, size_t len, struct kv *out)
{
    char *eq = memchr(p, '=', len);
    size_t klen = eq ? (size_t)(eq - p) : len;
    size_t k, v = 0;

    k = unescape_span(p, p, klen, true);
    if (k == (size_t)-1 || k == 0)
        return GW_EINVAL;
    if (eq) {
        v = unescape_span(eq + 1, eq + 1, len - klen - 1, true);
        if (v == (size_t)-1)
            return GW_EINVAL;
        eq[1 + v] = '\0';
    }
    if (!form_field_ok(p, k, true) || (eq && !form_field_ok(eq + 1, v, false)))
        return GW_EINVAL;
    /* The key's decoded end is at or before '=' (or the pair's end). */
    p[k] = '\0';
    out->key = p;
    out->val = eq ? eq + 1 : p + k; /* "" for a bare key */
    out->val_len = v;
    return GW_OK;
}

gw_err form_decode(char *s, size_t len, struct kv *out, size_t max, size_t *n)
{
    size_t pos = 0;
    gw_err err;

    *n = 0;
    if (memchr(s, '\0', len))
        return GW_EINVAL;
    while (pos < len) {
        char *amp = memchr(s + pos, '&', len - pos);
        size_t plen = amp ? (size_t)(amp - (s + pos)) : len - pos;

        if (plen > 0) {
            if (*n == max)
                return GW_ETOOBIG;
            err = decode_pair(s + pos, plen, &out[*n]);
            if (err)
                return err;
            if (key_seen(out, *n, out[*n].key))
                return GW_EINVAL;
            (*n)++;
        }
        pos += plen + 1;
    }
    return GW_OK;
}
