/* pin.h - leader PINs: syntax, Argon2id hashing with a pepper, verifying
 *
 * A PIN is 4 to 6 ASCII digits. It is never stored, logged or echoed:
 * only the string pin_hash() produces goes into the store. The hash is
 * Argon2id (libsodium's crypto_pwhash_str, random salt in the string) of
 * HMAC-SHA-256(K, PIN), where K is BLAKE2b-256 of the server-side pepper
 * ([security] pin_pepper). A leaked database alone therefore does not
 * give the 10^4..10^6 PINs to an offline search: the pepper lives outside
 * it. The cost parameters are written into the hash string, so a hash
 * made at any cost verifies with pin_verify().
 *
 * No SQL here: the fails counter and lock are db/db_pin.h.
 */
#ifndef DT_PIN_H
#define DT_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/strv.h"

#define PIN_MIN_DIGITS 4
#define PIN_MAX_DIGITS 6
/* crypto_pwhash_STRBYTES: the hash string with its NUL fits in this. */
#define PIN_HASH_SIZE 128
/* Wrong tries in a row that lock a leader until an officer unlocks. */
#define PIN_MAX_FAILS 3

/* Argon2id cost. pin_cost_default() is the OWASP figure (19 MiB, t=2,
 * about 30-60 ms on the target machine); tests use pin_cost_min(). */
struct pin_cost {
    unsigned long long opslimit;
    size_t memlimit; /* bytes */
};

struct pin_cost pin_cost_default(void);
struct pin_cost pin_cost_min(void);

/* true when pin is 4 to 6 ASCII digits, nothing else. */
bool pin_syntax_ok(struct strv pin);

/* Hashes pin into out[PIN_HASH_SIZE] (a NUL-terminated ASCII string).
 * GW_EINVAL when the PIN syntax is wrong or pepper is empty (a PIN
 * without the pepper would be weak and would not verify once one is
 * set), GW_EINTERNAL when libsodium fails (out of memory). The pin bytes
 * are borrowed; every copy made here is wiped before returning. */
gw_err pin_hash(struct strv pin, const char *pepper,
                const struct pin_cost *cost, char out[PIN_HASH_SIZE]);

/* Checks pin against hash in time that does not depend on where they
 * differ. *match is false for a wrong PIN, a PIN of bad syntax (still
 * hashed, so the time does not tell), or a malformed hash. GW_EINVAL only
 * when pepper is empty. */
gw_err pin_verify(struct strv pin, const char *pepper, const char *hash,
                  bool *match);

#endif
