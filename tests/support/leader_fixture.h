/* leader_fixture.h - the handler environment of the receipt-control tests
 *
 * One dt_config (defaults, pin_pepper "pepper!"), the templates of
 * config/messages.conf branded NHCS / 19001234, a handler_ctx over both,
 * and a clock at 2026-05-10 09:00 in Vietnam (the session of the 17th is
 * next). The database is the caller's: usually fix_open() of
 * tests/unit/collect_fixture.h. Failures fail the running test.
 */
#ifndef DT_LEADER_FIXTURE_H
#define DT_LEADER_FIXTURE_H

#include <stdint.h>

#include "config/config.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/template.h"

struct leader_env {
    struct db *db;
    struct dt_config cfg;
    struct templates tpl;
    struct phrases phrases; /* config/phrases.conf, as served */
    struct handler_ctx ctx;
    int64_t now;
    struct reply out;
};

/* A new environment around db; the environment owns db from then on.
 * Free with leader_env_free(). */
struct leader_env *leader_env_new(struct db *db);

/* Sets the PIN of member id, hashed with e's pepper at the lowest cost. */
void leader_env_set_pin(struct leader_env *e, int64_t id, const char *pin);

/* Releases the templates, closes the db and frees e. */
void leader_env_free(struct leader_env *e);

#endif
