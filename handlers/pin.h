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

/* The same peppered Argon2id for any secret (an officer's password):
 * no syntax of its own. */
gw_err secret_hash(struct strv secret, const char *pepper,
                   const struct pin_cost *cost, char out[PIN_HASH_SIZE]);
gw_err secret_verify(struct strv secret, const char *pepper, const char *hash,
                     bool *match);

/* Checks pin against hash in time that does not depend on where they
 * differ. *match is false for a wrong PIN, a PIN of bad syntax (still
 * hashed, so the time does not tell), or a malformed hash. GW_EINVAL only
 * when pepper is empty. */
gw_err pin_verify(struct strv pin, const char *pepper, const char *hash,
                  bool *match);

/* A PIN verified ahead of the writer's transaction. Argon2id takes tens
 * of milliseconds; run inside the writer it held up every message of the
 * batch. The outcome is used only for the same PIN bytes against the very
 * same hash string (its random salt included), so a PIN changed in
 * between is verified again; the lock and the wrong-try counter are still
 * read and written in the writer's transaction. */
#define PIN_PRE_MAX 8 /* longest PIN-like word kept: PIN_MAX_DIGITS or more */
struct pin_precheck {
    bool done; /* the fields below hold an outcome */
    bool match;
    size_t pin_len;
    char pin[PIN_PRE_MAX];
    char hash[PIN_HASH_SIZE];
};

/* pin_verify() of pin against hash, kept in *pc; pc->done stays false
 * when pin or hash is too long to keep or pin_verify() fails. */
void pin_precheck_run(struct strv pin, const char *pepper, const char *hash,
                      struct pin_precheck *pc);

/* true, with *match, when pc (may be NULL) holds the outcome for exactly
 * this pin and hash; false means: verify now. */
bool pin_precheck_get(const struct pin_precheck *pc, struct strv pin,
                      const char *hash, bool *match);

/* Wipes the kept PIN (NULL-safe). */
void pin_precheck_clear(struct pin_precheck *pc);

#endif
