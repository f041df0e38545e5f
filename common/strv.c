/* strv.c - string views */
#include <string.h>

#include "common/strv.h"
#include "common/banned.h"

struct strv strv_make(const char *p, size_t len)
{
    struct strv s = {p, len};

    return s;
}

struct strv strv_from_cstr(const char *s)
{
    return strv_make(s, s ? strlen(s) : 0);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

struct strv strv_trim(struct strv s)
{
    while (s.len && is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

bool strv_eq(struct strv a, const char *s)
{
    size_t n = strlen(s);

    return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool strv_starts_with_nocase(struct strv a, const char *prefix)
{
    size_t i, n = strlen(prefix);

    if (a.len < n)
        return false;
    for (i = 0; i < n; i++)
        if (lower(a.p[i]) != lower(prefix[i]))
            return false;
    return true;
}

bool strv_eq_nocase(struct strv a, const char *s)
{
    return a.len == strlen(s) && strv_starts_with_nocase(a, s);
}

gw_err strv_copy(struct strv s, char *out, size_t size)
{
    if (size == 0)
        return GW_ETOOBIG;
    out[0] = '\0';
    if (s.len && memchr(s.p, '\0', s.len))
        return GW_EINVAL;
    if (s.len >= size)
        return GW_ETOOBIG;
    if (s.len)
        memcpy(out, s.p, s.len);
    out[s.len] = '\0';
    return GW_OK;
}

gw_err strv_to_u64(struct strv s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (s.len == 0)
        return GW_EINVAL;
    for (i = 0; i < s.len; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return GW_EINVAL;
    for (i = 0; i < s.len; i++) {
        uint64_t d = (uint64_t)(s.p[i] - '0');

        /* v * 10 + d > max; d > max first, or max - d would wrap */
        if (d > max || v > (max - d) / 10)
            return GW_ETOOBIG;
        v = v * 10 + d;
    }
    *out = v;
    return GW_OK;
}

gw_err strv_to_u32(struct strv s, uint32_t *out)
{
    uint64_t v;
    gw_err err = strv_to_u64(s, UINT32_MAX, &v);

    if (err == GW_OK)
        *out = (uint32_t)v;
    return err;
}

gw_err strv_split(struct strv s, const char *seps, struct strv *out, size_t max,
                  size_t *n)
{
    size_t i = 0, count = 0;

    while (i < s.len) {
        size_t start;

        while (i < s.len && strchr(seps, s.p[i]) && s.p[i] != '\0')
            i++;
        if (i >= s.len)
            break;
        start = i;
        while (i < s.len && !(strchr(seps, s.p[i]) && s.p[i] != '\0'))
            i++;
        if (count == max) {
            *n = count;
            return GW_ETOOBIG;
        }
        out[count++] = strv_make(s.p + start, i - start);
    }
    *n = count;
    return GW_OK;
}

bool strv_secure_eq(struct strv a, struct strv b)
{
    volatile unsigned char diff = (unsigned char)(a.len != b.len);
    size_t i;

    /* Walk the expected length (b) whatever a is, reading a cyclically, so
     * timing reveals neither the position of a mismatch nor a's content. */
    for (i = 0; i < b.len; i++) {
        unsigned char x = a.len ? (unsigned char)a.p[i % a.len] : 0;

        diff |= (unsigned char)(x ^ (unsigned char)b.p[i]);
    }
    return diff == 0 && b.len > 0;
}
