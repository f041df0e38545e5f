/* db_pin.h - stored PIN hashes, the wrong-try counter and the lock
 *
 * One row a member (in practice leaders). The hash is the string
 * handlers/pin.h makes; nothing here sees a PIN. PIN_MAX_FAILS wrong tries
 * in a row lock the member until an officer runs `diemtua pin unlock`; a
 * right PIN resets the counter. Every function runs inside the caller's
 * transaction, if any.
 */
#ifndef DT_DB_PIN_H
#define DT_DB_PIN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "db/db.h"

#define DB_PIN_HASH_SIZE 128

struct db_pin {
    char hash[DB_PIN_HASH_SIZE];
    int fails;
    bool locked;
};

/* The PIN row of member_id. GW_ENOTFOUND when she has no PIN. */
gw_err db_pin_get(struct db *db, int64_t member_id, struct db_pin *out);

/* Sets (or replaces) the hash of the member with this code and clears the
 * counter and lock. GW_ENOTFOUND for an unknown member code; GW_ETOOBIG
 * for a hash that does not fit DB_PIN_HASH_SIZE. */
gw_err db_pin_set_by_code(struct db *db, const char *member_code,
                          const char *hash, int64_t now);
/* The same by member id (MK: a leader changing her own PIN). */
gw_err db_pin_set(struct db *db, int64_t member_id, const char *hash,
                  int64_t now);

/* Clears the counter and the lock. GW_ENOTFOUND for an unknown member
 * code or a member without a PIN. *was_locked (may be NULL) tells whether
 * she was locked. */
gw_err db_pin_unlock_by_code(struct db *db, const char *member_code,
                             int64_t now, bool *was_locked);

/* Counts one wrong try in a single statement (two concurrent wrong tries
 * both count) and locks at max_fails. Gives the counter and lock after
 * it. GW_ENOTFOUND when she has no PIN. */
gw_err db_pin_fail(struct db *db, int64_t member_id, int max_fails, int64_t now,
                   int *fails, bool *locked);

/* A right PIN: resets the counter, unless she is locked (a locked member
 * stays locked whatever she types). */
gw_err db_pin_success(struct db *db, int64_t member_id, int64_t now);

#endif
