/* db_officer.h - officers' accounts, their communes and console sessions
 *
 * An officer sees the communes listed for her account (role "commune" or
 * "union"), or every commune (role "admin"). Every query of the console
 * takes the officer's id and scopes itself in SQL through
 * officer_communes, so no page can reach another commune's rows by any
 * id it is given.
 */
#ifndef DT_DB_OFFICER_H
#define DT_DB_OFFICER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

#define DB_OFFICER_USER_MAX 32
#define DB_OFFICER_HASH_SIZE 128
#define DB_OFFICER_COMMUNES_MAX 64
#define DB_TOKEN_HEX_SIZE 65 /* 32 bytes in hex and the NUL */

struct db_officer {
    int64_t id;
    char user[DB_OFFICER_USER_MAX + 1];
    char role[8]; /* "commune", "union", "admin" */
    char hash[DB_OFFICER_HASH_SIZE];
    int fails;
    int64_t locked_until; /* Unix seconds; 0 or past: not locked */
    bool disabled;
};

/* A new account for communes (their codes). GW_EEXIST when user is
 * taken, GW_ENOTFOUND when a commune code is unknown (*bad names it),
 * GW_EINVAL for a role that is not commune/union/admin or no commune for
 * a commune or union account. In its own transaction. */
gw_err db_officer_add(struct db *db, const char *user, const char *role,
                      const char *hash, const char *const *communes,
                      size_t ncommunes, int64_t now, const char **bad);

gw_err db_officer_get(struct db *db, const char *user, struct db_officer *o);
gw_err db_officer_by_id(struct db *db, int64_t id, struct db_officer *o);

/* A new password (the lock and the wrong tries cleared), or disabled on
 * or off; GW_ENOTFOUND for no such user. A new password and disabling
 * end her sessions. */
gw_err db_officer_set_hash(struct db *db, const char *user, const char *hash,
                           int64_t now);
gw_err db_officer_set_disabled(struct db *db, const char *user, bool disabled,
                               int64_t now);

/* After a password check: a right one clears the wrong tries; a wrong one
 * counts, and the max_fails-th locks the account until lock_until (the
 * tries start again from 0). *locked tells whether it is now locked. */
gw_err db_officer_login_result(struct db *db, int64_t id, bool ok,
                               int max_fails, int64_t lock_until, int64_t now,
                               bool *locked);

/* Every account with its communes' codes ("C01,C02"; "*" for admin). */
typedef gw_err (*db_officer_fn)(void *ctx, const struct db_officer *o,
                                const char *communes);
gw_err db_officer_list(struct db *db, db_officer_fn fn, void *ctx);

/* Whether the officer may see commune_id. */
gw_err db_officer_sees(struct db *db, int64_t officer_id, int64_t commune_id,
                       bool *yes);

/* The communes the officer sees (every one for admin), by province,
 * district and name: the console's choice of one commune to view. */
struct db_commune_ref {
    int64_t id;
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    char district[DT_NAME_SIZE];
};
typedef gw_err (*db_commune_ref_fn)(void *ctx, const struct db_commune_ref *c);
gw_err db_officer_communes(struct db *db, int64_t officer_id,
                           db_commune_ref_fn fn, void *ctx);

/* Console sessions, by the hash of the cookie's token. get refreshes
 * last_seen (at most once a minute); a session idle longer than idle
 * seconds, or of a disabled officer, is GW_ENOTFOUND. add also drops the
 * sessions idle for a day. */
gw_err db_session_add(struct db *db, const char *token_hash, int64_t officer_id,
                      const char *csrf, int64_t now);
gw_err db_session_get(struct db *db, const char *token_hash, int64_t idle,
                      int64_t now, int64_t *officer_id, char *csrf,
                      size_t csrf_size);
gw_err db_session_del(struct db *db, const char *token_hash);

#endif
