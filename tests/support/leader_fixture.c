/* leader_fixture.c - the environment of leader_fixture.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/strv.h"
#include "db/db_pin.h"
#include "handlers/pin.h"
#include "text/date.h"
#include "tests/support/leader_fixture.h"
#include "common/banned.h"

struct leader_env *leader_env_new(struct db *db)
{
    struct leader_env *e = calloc(1, sizeof(*e));
    struct dt_date d = {2026, 5, 10};
    char err[256];

    assert_non_null(e);
    e->db = db;
    config_defaults(&e->cfg);
    (void)snprintf(e->cfg.pin_pepper, sizeof(e->cfg.pin_pepper), "pepper!");
    assert_int_equal(
        templates_load("config/messages.conf", &e->tpl, err, sizeof(err)),
        GW_OK);
    assert_int_equal(templates_set_brand(&e->tpl, "NHCS", "19001234"), GW_OK);
    e->ctx.cfg = &e->cfg;
    e->ctx.tpl = &e->tpl;
    assert_int_equal(
        phrases_load("config/phrases.conf", &e->phrases, err, sizeof(err)),
        GW_OK);
    e->ctx.phrases = &e->phrases;
    /* 2026-05-10 09:00 in Vietnam: the session of the 17th is next. */
    e->now = date_to_days(&d) * 86400 + 2 * 3600;
    return e;
}

void leader_env_set_pin(struct leader_env *e, int64_t id, const char *pin)
{
    struct pin_cost cost = pin_cost_min();
    char hash[PIN_HASH_SIZE];

    assert_int_equal(
        pin_hash(strv_from_cstr(pin), e->cfg.pin_pepper, &cost, hash), GW_OK);
    assert_int_equal(db_pin_set(e->db, id, hash, 1), GW_OK);
}

void leader_env_free(struct leader_env *e)
{
    templates_release(&e->tpl);
    phrases_release(&e->phrases);
    db_close(e->db);
    free(e);
}
