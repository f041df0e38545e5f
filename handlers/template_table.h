/* template_table.h - messages.def as a table; for template.c only
 *
 * A header of its own so that template.c can keep common/banned.h as its
 * last include while messages.def is expanded a second time.
 */
#ifndef DT_TEMPLATE_TABLE_H
#define DT_TEMPLATE_TABLE_H

#include <stddef.h>

#include "common/dt_limits.h"
#include "handlers/template.h"

static const struct msg_def {
    const char *key; /* as in messages.def: "SD_ONE" */
    const char *fields;
    size_t limit;
} msg_defs[MSG_COUNT] = {
#define MSG(key, fields) {#key, fields, DT_SMS_MAX},
#define MSGW(key, width, fields) {#key, fields, width},
#include "handlers/messages.def"
#undef MSG
#undef MSGW
};

#endif
