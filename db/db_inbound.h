/* db_inbound.h - inbound message rows beyond the insert of db_msg.h
 *
 * The writer checks for a provider retry before running a command, so
 * that a repeat costs one indexed read and never runs the handler.
 */
#ifndef DT_DB_INBOUND_H
#define DT_DB_INBOUND_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "db/db.h"

/* *found is true when (provider, provider_id) is already stored. */
gw_err db_inbound_exists(struct db *db, const char *provider,
                         const char *provider_id, bool *found);

/* A second dedup key of an inbound row (eSMS's sign): *found when
 * (provider, alias) is stored; insert ties alias to inbound_id
 * (GW_EEXIST when taken). */
gw_err db_inbound_alias_exists(struct db *db, const char *provider,
                               const char *alias, bool *found);
gw_err db_inbound_alias_insert(struct db *db, const char *provider,
                               const char *alias, int64_t inbound_id);

/* Number of inbound rows (tests, /metrics). */
gw_err db_inbound_count(struct db *db, int64_t *n);

/* The stored text of (provider, provider_id) into text[size]
 * (tests: the PIN must never be stored). GW_ENOTFOUND when absent. */
gw_err db_inbound_text(struct db *db, const char *provider,
                       const char *provider_id, char *text, size_t size);

#endif
