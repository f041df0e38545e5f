/* log.h - one line an event on stderr, with level and subsystem
 *
 *   log_info("http", "listening on port %u", port);
 *   2026-11-26T20:03:27Z INFO http: listening on port 8080
 *
 * Never log a PIN, a token or a full phone number: use log_mask_phone().
 * Control characters in the formatted text are replaced by '?' so that
 * attacker-supplied input cannot forge log lines.
 */
#ifndef DT_LOG_H
#define DT_LOG_H

#include <stddef.h>

#include "common/util.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Lines below level are not formatted at all. Default LOG_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn", "error"; returns -1 on anything else. */
int log_level_parse(const char *name);

void log_write(enum log_level level, const char *subsys, const char *fmt, ...)
    DT_PRINTF(3, 4);

#define log_debug(s, ...) log_write(LOG_DEBUG, s, __VA_ARGS__)
#define log_info(s, ...) log_write(LOG_INFO, s, __VA_ARGS__)
#define log_warn(s, ...) log_write(LOG_WARN, s, __VA_ARGS__)
#define log_error(s, ...) log_write(LOG_ERROR, s, __VA_ARGS__)

/* Writes "+8491****567" style masking of phone (any string) into out.
 * Keeps the first 4 and last 3 characters when the input is long enough. */
void log_mask_phone(const char *phone, char *out, size_t size);

#endif
