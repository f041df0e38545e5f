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

/* Number of inbound rows (tests, /metrics). */
gw_err db_inbound_count(struct db *db, int64_t *n);

/* The stored text of (provider, provider_id) into text[size]
 * (tests: the PIN must never be stored). GW_ENOTFOUND when absent. */
gw_err db_inbound_text(struct db *db, const char *provider,
                       const char *provider_id, char *text, size_t size);

#endif
