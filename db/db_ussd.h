/* db_ussd.h - the few reads the USSD menus make beyond db_member.h
 *
 * The menus show a leader the member she is about to record a collection
 * for, and give a repeated final hop the screen the first one got. Both
 * are reads: they run on any connection, outside a transaction or in one.
 */
#ifndef DT_DB_USSD_H
#define DT_DB_USSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

/* A member of a group, with what she owes at the coming session (sums
 * over her loans that are not closed). */
struct db_ussd_member {
    int64_t id;
    char name[DT_NAME_SIZE];
    int64_t interest_due;
    int64_t overdue;
    int64_t outstanding; /* principal of her open loans */
};

/* The member numbered seq in group group_id. GW_ENOTFOUND when none. */
gw_err db_ussd_member_by_seq(struct db *db, int64_t group_id, int seq,
                             struct db_ussd_member *out);

/* For a stored inbound row (provider, provider_id): *found, and the text
 * of the first REPLY queued for it into text[size] ("" when it queued
 * none). text is cut to size if longer (it never is: one SMS). */
gw_err db_ussd_reply_of(struct db *db, const char *provider,
                        const char *provider_id, bool *found, char *text,
                        size_t size);

#endif
