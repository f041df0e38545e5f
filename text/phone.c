/* phone.c - Vietnamese mobile numbers to E.164 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/util.h"
#include "text/phone.h"
#include "common/banned.h"

/* Longest input looked at: "+84 (0) 912.345.678" style numbers are well
 * under this; anything longer is not a phone number someone typed. */
#define PHONE_INPUT_MAX 40
/* More digits than E.164 allows (15) plus the "00" prefix. */
#define PHONE_DIGITS_MAX 17
#define NATIONAL_LEN 9

static const char WHY_NOT_PHONE[] = "not a phone number";
static const char WHY_NOT_VN[] = "not a Vietnamese number";
static const char WHY_LENGTH[] = "wrong number of digits";
static const char WHY_NOT_MOBILE[] = "not a mobile number";

/* Pre-2018 11-digit prefixes (national, without the 0) and their 2018
 * replacements; the last 7 digits stayed the same. */
static const struct {
    char old[4];
    char now[3];
} phone_remap[] = {
    {"120", "70"}, {"121", "79"}, {"122", "77"}, {"123", "83"}, {"124", "84"},
    {"125", "85"}, {"126", "76"}, {"127", "81"}, {"128", "78"}, {"129", "82"},
    {"162", "32"}, {"163", "33"}, {"164", "34"}, {"165", "35"}, {"166", "36"},
    {"167", "37"}, {"168", "38"}, {"169", "39"}, {"186", "56"}, {"188", "58"},
    {"199", "59"},
};

static gw_err fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return GW_EINVAL;
}

static bool is_sep(char c)
{
    return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')';
}

/* Collects the digits of in; '+' only before the first digit. */
static const char *collect_digits(const char *in, size_t len, char *digits,
                                  size_t *ndigits, bool *plus)
{
    size_t i, n = 0;

    *plus = false;
    for (i = 0; i < len; i++) {
        char c = in[i];

        if (c >= '0' && c <= '9') {
            if (n == PHONE_DIGITS_MAX)
                return WHY_LENGTH;
            digits[n++] = c;
        } else if (c == '+' && n == 0 && !*plus) {
            *plus = true;
        } else if (!is_sep(c)) {
            return WHY_NOT_PHONE;
        }
    }
    if (n == 0)
        return WHY_NOT_PHONE;
    *ndigits = n;
    return NULL;
}

/* The national significant number (no trunk 0, no country code). */
static const char *national_part(const char *d, size_t n, bool plus,
                                 const char **nat, size_t *nlen)
{
    size_t skip;

    if (plus)
        skip = (n >= 2 && d[0] == '8' && d[1] == '4') ? 2 : SIZE_MAX;
    else if (n >= 4 && memcmp(d, "0084", 4) == 0)
        skip = 4;
    else if (n >= 2 && d[0] == '0' && d[1] == '0')
        skip = SIZE_MAX; /* another country's international prefix */
    else if (d[0] == '0')
        skip = 1;
    else if (n >= 2 && d[0] == '8' && d[1] == '4')
        skip = 2;
    else if (n >= 4 && (memcmp(d, "1800", 4) == 0 || memcmp(d, "1900", 4) == 0))
        return WHY_NOT_MOBILE; /* toll-free and premium service numbers */
    else
        skip = SIZE_MAX;
    if (skip == SIZE_MAX)
        return WHY_NOT_VN;
    /* "+84 (0) 912..." and "840912...": a trunk 0 after the country code. */
    if (skip != 1 && skip < n && d[skip] == '0')
        skip++;
    *nat = d + skip;
    *nlen = n - skip;
    return NULL;
}

static bool is_mobile(const char *n)
{
    switch (n[0]) {
    case '3':
        return n[1] >= '2';
    case '5':
        if (n[1] == '2')
            return n[2] == '2' || n[2] == '3' || n[2] == '8';
        if (n[1] == '5')
            return n[2] == '9';
        return n[1] == '6' || n[1] == '8' || n[1] == '9';
    case '7':
        return n[1] == '0' || n[1] >= '6';
    case '8':
        return n[1] >= '1';
    case '9':
        return true;
    default:
        return false;
    }
}

/* Writes the 9-digit national number for nat into out[10], remapping a
 * pre-2018 10-digit one; a why-string on failure. */
static const char *to_national(const char *nat, size_t nlen, char *out)
{
    size_t i;

    if (nlen == 0)
        return WHY_LENGTH;
    if (nat[0] == '2')
        return WHY_NOT_MOBILE; /* fixed line 02x */
    if (nlen >= 4 &&
        (memcmp(nat, "1800", 4) == 0 || memcmp(nat, "1900", 4) == 0))
        return WHY_NOT_MOBILE; /* service numbers behind a prefix */
    for (i = 0; nlen >= 3 && i < ARRAY_SIZE(phone_remap); i++) {
        if (memcmp(nat, phone_remap[i].old, 3) != 0)
            continue;
        if (nlen != NATIONAL_LEN + 1)
            return WHY_LENGTH; /* an old number with a digit too many or few */
        memcpy(out, phone_remap[i].now, 2);
        memcpy(out + 2, nat + 3, 7);
        out[NATIONAL_LEN] = '\0';
        return NULL;
    }
    if (nlen != NATIONAL_LEN)
        return WHY_LENGTH;
    memcpy(out, nat, NATIONAL_LEN);
    out[NATIONAL_LEN] = '\0';
    return NULL;
}

gw_err phone_normalize(const char *in, size_t len, char out[DT_PHONE_SIZE],
                       const char **why)
{
    char digits[PHONE_DIGITS_MAX];
    char national[NATIONAL_LEN + 1];
    const char *nat = NULL, *reason;
    size_t ndigits = 0, nlen = 0;
    bool plus;

    /* in is only read before out is written, so they may overlap. */
    if (len == 0 || len > PHONE_INPUT_MAX)
        reason = WHY_NOT_PHONE;
    else
        reason = collect_digits(in, len, digits, &ndigits, &plus);
    if (!reason)
        reason = national_part(digits, ndigits, plus, &nat, &nlen);
    if (!reason)
        reason = to_national(nat, nlen, national);
    if (!reason && !is_mobile(national))
        reason = WHY_NOT_MOBILE;
    if (reason) {
        out[0] = '\0';
        return fail(why, reason);
    }
    memcpy(out, "+84", 3);
    memcpy(out + 3, national, NATIONAL_LEN + 1);
    return GW_OK;
}

const char *phone_telco(const char *two_digits)
{
    /* docs: reference PROVIDERS.md, "Carrier / Prefixes" */
    static const struct {
        const char *prefixes; /* two digits each, space-separated */
        const char *name;
    } t[] = {
        {"32 33 34 35 36 37 38 39 86 96 97 98", "Viettel"},
        {"81 82 83 84 85 88 91 94", "VinaPhone"},
        {"70 76 77 78 79 89 90 93", "MobiFone"},
        {"52 56 58 92", "Vietnamobile"},
        {"59 99", "Gmobile"},
        {"87", "iTel"},
        {"55", "Reddi"},
    };
    size_t i, j;

    if (two_digits == NULL || strlen(two_digits) != 2)
        return "Khác";
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        size_t len = strlen(t[i].prefixes);

        for (j = 0; j + 1 < len; j += 3)
            if (t[i].prefixes[j] == two_digits[0] &&
                t[i].prefixes[j + 1] == two_digits[1])
                return t[i].name;
    }
    return "Khác";
}
