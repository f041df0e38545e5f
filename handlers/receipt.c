/* receipt.c - receipt codes from the CSPRNG, and parsing typed ones */
#include <string.h>

#include <sodium.h>

#include "handlers/receipt.h"
#include "common/banned.h"

_Static_assert(sizeof(RECEIPT_ALPHABET) - 1 == 32,
               "the alphabet is 32 symbols: 5 bits each");

void receipt_generate(char out[RECEIPT_CODE_SIZE])
{
    size_t i;

    /* sodium_init() is idempotent and thread-safe. If it failed (it
     * cannot on Linux) randombytes still reads the kernel's CSPRNG. */
    if (sodium_init() < 0)
        randombytes_stir();
    for (i = 0; i < RECEIPT_CODE_LEN; i++)
        out[i] = RECEIPT_ALPHABET[randombytes_uniform(
            (uint32_t)(sizeof(RECEIPT_ALPHABET) - 1))];
    out[RECEIPT_CODE_LEN] = '\0';
}

static bool receipt_symbol(char c)
{
    return c != '\0' && strchr(RECEIPT_ALPHABET, c) != NULL;
}

gw_err receipt_parse(struct strv in, char out[RECEIPT_CODE_SIZE])
{
    size_t i;

    out[0] = '\0';
    in = strv_trim(in);
    if (in.len != RECEIPT_CODE_LEN)
        return GW_EINVAL;
    for (i = 0; i < RECEIPT_CODE_LEN; i++) {
        char c = in.p[i];

        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!receipt_symbol(c)) {
            out[0] = '\0';
            return GW_EINVAL;
        }
        out[i] = c;
    }
    out[RECEIPT_CODE_LEN] = '\0';
    return GW_OK;
}

bool receipt_valid(const char *s)
{
    size_t i;

    if (s == NULL || strlen(s) != RECEIPT_CODE_LEN)
        return false;
    for (i = 0; i < RECEIPT_CODE_LEN; i++)
        if (!receipt_symbol(s[i]))
            return false;
    return true;
}
