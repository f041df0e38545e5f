/* pin.c - PIN syntax, peppered Argon2id hashing and verification */
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "handlers/pin.h"
#include "common/banned.h"

_Static_assert(PIN_HASH_SIZE >= crypto_pwhash_STRBYTES,
               "PIN_HASH_SIZE must hold a crypto_pwhash string");

struct pin_cost pin_cost_default(void)
{
    /* OWASP password storage: Argon2id m=19 MiB, t=2, p=1. */
    struct pin_cost c = {2, (size_t)19 * 1024 * 1024};

    return c;
}

struct pin_cost pin_cost_min(void)
{
    struct pin_cost c = {crypto_pwhash_OPSLIMIT_MIN,
                         crypto_pwhash_MEMLIMIT_MIN};

    return c;
}

bool pin_syntax_ok(struct strv pin)
{
    size_t i;

    if (pin.len < PIN_MIN_DIGITS || pin.len > PIN_MAX_DIGITS)
        return false;
    for (i = 0; i < pin.len; i++)
        if (pin.p[i] < '0' || pin.p[i] > '9')
            return false;
    return true;
}

/* mac = HMAC-SHA-256(BLAKE2b-256(pepper), pin). The key is derived so a
 * pepper of any length is a full-strength HMAC key. */
static gw_err pin_pepper_mac(struct strv pin, const char *pepper,
                             unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];

    if (pepper == NULL || pepper[0] == '\0') {
        log_error("pin", "no [security] pin_pepper configured");
        return GW_EINVAL;
    }
    if (sodium_init() < 0)
        return GW_EINTERNAL;
    crypto_generichash(key, sizeof(key), (const unsigned char *)pepper,
                       strlen(pepper), NULL, 0);
    crypto_auth_hmacsha256(mac, (const unsigned char *)pin.p, pin.len, key);
    sodium_memzero(key, sizeof(key));
    return GW_OK;
}

gw_err secret_hash(struct strv secret, const char *pepper,
                   const struct pin_cost *cost, char out[PIN_HASH_SIZE])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    gw_err err;
    int rc;

    out[0] = '\0';
    err = pin_pepper_mac(secret, pepper, mac);
    if (err)
        return err;
    rc = crypto_pwhash_str_alg(out, (const char *)mac, sizeof(mac),
                               cost->opslimit, cost->memlimit,
                               crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(mac, sizeof(mac));
    if (rc != 0) {
        out[0] = '\0';
        log_error("pin", "argon2id hashing failed (out of memory?)");
        return GW_EINTERNAL;
    }
    return GW_OK;
}

gw_err secret_verify(struct strv secret, const char *pepper, const char *hash,
                     bool *match)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    gw_err err;
    int rc;

    *match = false;
    err = pin_pepper_mac(secret, pepper, mac);
    if (err)
        return err;
    rc = crypto_pwhash_str_verify(hash ? hash : "", (const char *)mac,
                                  sizeof(mac));
    sodium_memzero(mac, sizeof(mac));
    *match = rc == 0;
    return GW_OK;
}

gw_err pin_hash(struct strv pin, const char *pepper,
                const struct pin_cost *cost, char out[PIN_HASH_SIZE])
{
    out[0] = '\0';
    if (!pin_syntax_ok(pin))
        return GW_EINVAL;
    return secret_hash(pin, pepper, cost, out);
}

gw_err pin_verify(struct strv pin, const char *pepper, const char *hash,
                  bool *match)
{
    bool syntax = pin_syntax_ok(pin);
    gw_err err;

    /* Hash even a PIN of bad syntax: the answer time must not tell. */
    err = secret_verify(pin, pepper, hash, match);
    *match = *match && syntax;
    return err;
}

void pin_precheck_run(struct strv pin, const char *pepper, const char *hash,
                      struct pin_precheck *pc)
{
    bool match = false;
    size_t hlen = hash ? strlen(hash) : 0;

    pin_precheck_clear(pc);
    if (pin.len > sizeof(pc->pin) || hlen == 0 || hlen >= sizeof(pc->hash))
        return;
    if (pin_verify(pin, pepper, hash, &match) != GW_OK)
        return;
    /* A strv with len > 0 never has a NULL p; the analyzer cannot know. */
    memcpy(pc->pin, pin.p, pin.len); /* NOLINT(clang-analyzer-core.NonNull*) */
    pc->pin_len = pin.len;
    memcpy(pc->hash, hash, hlen + 1);
    pc->match = match;
    pc->done = true;
}

bool pin_precheck_get(const struct pin_precheck *pc, struct strv pin,
                      const char *hash, bool *match)
{
    if (pc == NULL || !pc->done || hash == NULL || pin.len != pc->pin_len ||
        strcmp(hash, pc->hash) != 0 ||
        (pin.len > 0 && sodium_memcmp(pin.p, pc->pin, pin.len) != 0))
        return false;
    *match = pc->match;
    return true;
}

void pin_precheck_clear(struct pin_precheck *pc)
{
    if (pc == NULL)
        return;
    sodium_memzero(pc->pin, sizeof(pc->pin));
    pc->pin_len = 0;
    pc->hash[0] = '\0';
    pc->match = false;
    pc->done = false;
}
