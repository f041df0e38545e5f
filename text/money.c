/* money.c - parsing amounts of whole VND as people type them, formatting */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/dt_limits.h"
#include "common/strv.h"
#include "text/money.h"
#include "common/banned.h"

/* A run of decimal digits: its length and value, the value saturating
 * just above DT_MONEY_MAX so enormous inputs cannot overflow. */
struct digits {
    size_t len;
    uint64_t value;
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static struct digits read_digits(struct strv s, size_t *i)
{
    struct digits d = {0, 0};

    while (*i < s.len && is_digit(s.p[*i])) {
        if (d.value <= (uint64_t)DT_MONEY_MAX)
            d.value = d.value * 10 + (uint64_t)(s.p[*i] - '0');
        d.len++;
        (*i)++;
    }
    return d;
}

/* true when s from i on is exactly word (lower-case), ignoring case. */
static bool rest_is(struct strv s, size_t i, const char *word)
{
    size_t j, n = strlen(word);

    if (s.len - i != n)
        return false;
    for (j = 0; j < n; j++)
        if (lower(s.p[i + j]) != word[j])
            return false;
    return true;
}

static bool rest_is_currency(struct strv s, size_t i)
{
    return i == s.len || rest_is(s, i, "d") || rest_is(s, i, "vnd") ||
           rest_is(s, i, "dong");
}

/* whole * unit + frac scaled to the unit, frac having nfrac (0..3)
 * decimals; GW_ETOOBIG past DT_MONEY_MAX. */
static gw_err scale(uint64_t whole, uint64_t unit, uint64_t frac, size_t nfrac,
                    int64_t *out)
{
    uint64_t add = frac, v;
    size_t k;

    for (k = nfrac; k < 3; k++)
        add *= 10; /* frac < 1000, so add < unit: no overflow */
    add = add * (unit / 1000);
    if (whole > ((uint64_t)DT_MONEY_MAX - add) / unit)
        return GW_ETOOBIG;
    v = whole * unit + add;
    *out = (int64_t)v;
    return GW_OK;
}

/* 1-3 digits then groups of exactly three after the same separator, the
 * whole string up to an optional currency word. i is just past the first
 * separator. */
static gw_err parse_grouped(struct strv s, struct digits first, char sep,
                            size_t i, int64_t *out)
{
    uint64_t v = first.value;

    if (first.len > 3)
        return GW_EINVAL;
    for (;;) {
        struct digits g = read_digits(s, &i);

        if (g.len != 3)
            return GW_EINVAL;
        if (v > (uint64_t)DT_MONEY_MAX) /* keep checking the syntax */
            v = (uint64_t)DT_MONEY_MAX + 1;
        else
            v = v * 1000 + g.value;
        if (i < s.len && s.p[i] == sep) {
            i++;
            continue;
        }
        break;
    }
    if (!rest_is_currency(s, i))
        return GW_EINVAL;
    if (v > (uint64_t)DT_MONEY_MAX)
        return GW_ETOOBIG;
    *out = (int64_t)v;
    return GW_OK;
}

/* After "<whole>.<frac>": a unit, or else a thousands grouping. */
static gw_err parse_after_sep(struct strv s, struct digits whole, char sep,
                              size_t i, int64_t *out)
{
    size_t start = i;
    struct digits frac = read_digits(s, &i);

    if (frac.len == 0)
        return GW_EINVAL;
    /* "1.000k": decimals or a thousands group? Ambiguous: refused (the
     * grouping below fails on the unit). */
    if (frac.len <= 2 && rest_is(s, i, "k"))
        return scale(whole.value, 1000, frac.value, frac.len, out);
    if (frac.len <= 2 && rest_is(s, i, "tr"))
        return scale(whole.value, 1000000, frac.value, frac.len, out);
    return parse_grouped(s, whole, sep, start, out);
}

gw_err money_parse(struct strv s, int64_t *out)
{
    size_t i = 0;
    struct digits whole = read_digits(s, &i);

    if (whole.len == 0)
        return GW_EINVAL;
    if (i < s.len && (s.p[i] == '.' || s.p[i] == ','))
        return parse_after_sep(s, whole, s.p[i], i + 1, out);
    if (rest_is(s, i, "k"))
        return scale(whole.value, 1000, 0, 3, out);
    if (s.len - i >= 2 && lower(s.p[i]) == 't' && lower(s.p[i + 1]) == 'r') {
        /* 2tr, 2tr5, 2tr25, 2tr250: decimals of a million */
        size_t j = i + 2;
        struct digits frac = read_digits(s, &j);

        if (j != s.len || frac.len > 3)
            return GW_EINVAL;
        return scale(whole.value, 1000000, frac.value, frac.len, out);
    }
    if (!rest_is_currency(s, i))
        return GW_EINVAL;
    if (whole.value > (uint64_t)DT_MONEY_MAX)
        return GW_ETOOBIG;
    *out = (int64_t)whole.value;
    return GW_OK;
}

gw_err money_parse_plain(struct strv s, int64_t *out, const char **why)
{
    const char *reason = NULL;
    uint64_t v = 0;
    gw_err err;

    if (s.len == 0) {
        reason = "empty";
        err = GW_EINVAL;
    } else if (s.p[0] == '-') {
        reason = "negative amount";
        err = GW_EINVAL;
    } else {
        err = strv_to_u64(s, (uint64_t)DT_MONEY_MAX, &v);
        if (err == GW_EINVAL)
            reason = "not a whole number of VND";
        else if (err == GW_ETOOBIG)
            reason = "exceeds maximum 99999999999";
    }
    if (why)
        *why = reason;
    if (err == GW_OK)
        *out = (int64_t)v;
    return err;
}

size_t money_format(int64_t v, char *out, size_t size)
{
    char tmp[32];
    size_t n = 0, k = 0, len;
    uint64_t mag;

    /* Magnitude without negating INT64_MIN. */
    mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    do {
        if (k == 3) {
            tmp[n++] = '.';
            k = 0;
        }
        tmp[n++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
        k++;
    } while (mag);
    if (v < 0)
        tmp[n++] = '-';
    if (size == 0)
        return 0;
    len = n < size ? n : size - 1;
    for (k = 0; k < len; k++)
        out[k] = tmp[n - 1 - k];
    out[len] = '\0';
    return len;
}
