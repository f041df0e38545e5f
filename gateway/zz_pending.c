/* zz_pending.c - TEMPORARY weak stand-ins for modules not merged yet
 *
 * The serve path calls into the outbox store (db/db_outbox.c), which
 * another branch is writing.
 * Until each lands, these weak definitions let `diemtua serve` link and
 * answer /healthz; every one of them is deleted as its real module is
 * merged (the file sorts last so a real definition earlier in the archive
 * wins). Nothing here does real work.
 */
#include <string.h>

#include "common/log.h"
#include "db/db_msg.h"
#include "common/banned.h"

#define PENDING __attribute__((weak))

PENDING gw_err db_outbox_enqueue(struct db *db, const char *phone,
                                 const char *text, const char *kind,
                                 int64_t member_id, int64_t inbound_id,
                                 int64_t now, int64_t *id)
{
    (void)db;
    (void)phone;
    (void)text;
    (void)kind;
    (void)member_id;
    (void)inbound_id;
    (void)now;
    (void)id;
    log_error("pending", "outbox store not linked: nothing queued");
    return GW_EINTERNAL;
}

PENDING gw_err db_outbox_dlr(struct db *db, int64_t id,
                             const char *provider_msg_id, const char *state,
                             int64_t now)
{
    (void)db;
    (void)id;
    (void)provider_msg_id;
    (void)state;
    (void)now;
    return GW_ENOTFOUND;
}

PENDING gw_err db_outbox_recover(struct db *db, size_t *requeued)
{
    (void)db;
    *requeued = 0;
    return GW_OK;
}

PENDING gw_err db_outbox_stats(struct db *db, struct db_outbox_stats *out)
{
    (void)db;
    memset(out, 0, sizeof(*out));
    return GW_OK;
}
