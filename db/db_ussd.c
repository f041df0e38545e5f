/* db_ussd.c - reads for the USSD menus: a member by number, a past reply */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/db_ussd.h"
#include "common/banned.h"

/* The loans join is LEFT so that a member without loans is still found;
 * the group is in the WHERE, so a leader can only see her own group. */
static const char sql_by_seq[] =
    "SELECT m.id, m.full_name, coalesce(sum(l.interest_due), 0),"
    " coalesce(sum(l.overdue_amount), 0), coalesce(sum(l.outstanding), 0)"
    " FROM members m LEFT JOIN loans l"
    "  ON l.member_id = m.id AND l.status <> 'closed'"
    " WHERE m.group_id = ?1 AND m.seq = ?2 GROUP BY m.id";

gw_err db_ussd_member_by_seq(struct db *db, int64_t group_id, int seq,
                             struct db_ussd_member *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_seq);
    const unsigned char *name;
    gw_err err = GW_OK;
    int rc;

    memset(out, 0, sizeof(*out));
    if (st == NULL)
        return GW_EDB;
    rc = sqlite3_bind_int64(st, 1, group_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        name = sqlite3_column_text(st, 1);
        (void)snprintf(out->name, sizeof(out->name), "%s",
                       name ? (const char *)name : "");
        out->interest_due = sqlite3_column_int64(st, 2);
        out->overdue = sqlite3_column_int64(st, 3);
        out->outstanding = sqlite3_column_int64(st, 4);
    } else if (rc == SQLITE_DONE) {
        err = GW_ENOTFOUND;
    } else {
        err = db_error(db, rc, "ussd member by seq");
    }
    db_stmt_done(st);
    return err;
}

static const char sql_reply_of[] =
    "SELECT i.id, (SELECT o.text FROM outbox o WHERE o.inbound_id = i.id"
    "  AND o.kind = 'REPLY' ORDER BY o.id LIMIT 1)"
    " FROM inbound i WHERE i.provider = ?1 AND i.provider_id = ?2";

gw_err db_ussd_reply_of(struct db *db, const char *provider,
                        const char *provider_id, bool *found, char *text,
                        size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_reply_of);
    const unsigned char *t;
    gw_err err = GW_OK;
    int rc;

    *found = false;
    if (size)
        text[0] = '\0';
    if (st == NULL)
        return GW_EDB;
    rc = db_bind_text(st, 1, provider);
    if (rc == SQLITE_OK)
        rc = db_bind_text(st, 2, provider_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        t = sqlite3_column_text(st, 1);
        if (t && size)
            (void)snprintf(text, size, "%s", (const char *)t);
    } else if (rc != SQLITE_DONE) {
        err = db_error(db, rc, "ussd reply of");
    }
    db_stmt_done(st);
    return err;
}
