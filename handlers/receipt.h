/* receipt.h - receipt codes: short, unambiguous, unguessable
 *
 * A code is 6 symbols from RECEIPT_ALPHABET: digits and upper-case
 * letters without 0, O, 1 and I, the pairs that are confused when a code
 * is read aloud or copied from a basic phone's screen. 32 symbols give
 * 30 bits; every symbol is drawn independently from libsodium's CSPRNG
 * (randombytes_uniform, no modulo bias), so no code says anything about
 * another. Uniqueness is the store's: collections.receipt_code is UNIQUE
 * and the recorder draws again on a collision.
 *
 * Typed input is upper-cased; anything outside the alphabet is refused
 * rather than guessed (since neither 0 nor O is ever issued, there is no
 * right answer to map a typed O to), and the member is asked to check
 * the code.
 */
#ifndef DT_RECEIPT_H
#define DT_RECEIPT_H

#include <stdbool.h>

#include "common/err.h"
#include "common/strv.h"

#define RECEIPT_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#define RECEIPT_CODE_LEN 6
#define RECEIPT_CODE_SIZE (RECEIPT_CODE_LEN + 1)

/* A fresh random code into out, NUL-terminated. */
void receipt_generate(char out[RECEIPT_CODE_SIZE]);

/* Typed code to its canonical form: surrounding spaces ignored, any case.
 * GW_EINVAL (out is "") for a wrong length or a symbol outside the
 * alphabet. */
gw_err receipt_parse(struct strv in, char out[RECEIPT_CODE_SIZE]);

/* true when s is a canonical code (what receipt_generate gives). */
bool receipt_valid(const char *s);

#endif
