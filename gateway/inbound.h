/* inbound.h - what an inbound SMS or delivery report does to the store
 *
 * httpd.c authenticates and parses a callback, then prepares a job here
 * (sender normalised, per-number rate limit applied, on the HTTP thread)
 * and hands it to the writer, which runs it inside the batch transaction:
 *
 *   SMS: a repeat of (provider, provider_id) is acknowledged with no
 *   effect; otherwise the command runs (unless rate limited), the inbound
 *   row is stored with the handler's redacted text, and every reply goes
 *   to the outbox, all in the job's savepoint.
 *   DLR: the outbox row moves to DELIVERED or UNDELIVERED; an unknown id
 *   is logged and acknowledged (a DLR is never refused).
 */
#ifndef DT_INBOUND_H
#define DT_INBOUND_H

#include <stdbool.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "gateway/metrics.h"
#include "gateway/provider.h"
#include "gateway/writer.h"
#include "handlers/handler.h"
#include "handlers/pin.h"

typedef gw_err (*inbound_handler_fn)(struct db *db,
                                     const struct handler_ctx *ctx,
                                     const struct sms_in *in,
                                     struct reply *out);

struct inbound;

/* ctx is borrowed for the life of the result. per_hour is the number of
 * SMS one phone may send an hour (0: no limit). handle is handle_sms
 * except in tests. Free with inbound_free(). */
struct inbound *inbound_new(const struct handler_ctx *ctx, unsigned per_hour,
                            inbound_handler_fn handle);
/* The leaders' own hourly limit (0: none, the default): a leader may send
 * per_hour SMS an hour in all (past the members' limit she draws on a
 * bucket of the difference). */
void inbound_set_leader_limit(struct inbound *in, unsigned per_hour);
void inbound_free(struct inbound *in);

/* One callback on its way through the writer; embedded in the HTTP
 * request state (no allocation of its own). */
struct inbound_job {
    struct writer_job wj; /* first: the writer sees only this */
    struct inbound *in;
    const char *provider; /* the module's static name */
    struct prov_sms sms;  /* sms.text is the caller's (buf_init/release) */
    struct prov_dlr dlr;
    char phone[DT_PHONE_SIZE]; /* "" when not a Vietnamese mobile */
    bool rate_limited;
    bool pin_check; /* a leader command with a PIN: verified ahead */
    struct pin_precheck pin_pre;
    int64_t now;
    enum metrics_inbound result; /* set by the run, valid after done() */
};

/* After the provider filled job->sms: normalises the sender and applies
 * the rate limit; sets job->wj.run. The caller sets wj.done and submits. */
void inbound_prepare_sms(struct inbound *in, struct inbound_job *job,
                         const char *provider, int64_t now);

/* true when the DLR in job->dlr changes state and must go through the
 * writer (wj.run set); false for pending or unknown statuses, which are
 * logged and acknowledged without a write. */
bool inbound_prepare_dlr(struct inbound *in, struct inbound_job *job,
                         const char *provider, int64_t now);

/* Rate limit check alone (tests): true when phone may send one more SMS
 * at now, and counts it. */
/* Queues a prepared job with the writer (GW_EBUSY when stopping, as
 * writer_submit()). A command with a PIN has the PIN verified first on
 * the writer's helper thread, so that Argon2id does not hold up the
 * batch (handlers/pin.h). */
gw_err inbound_submit(struct writer *w, struct inbound_job *job);

bool inbound_rate_allow(struct inbound *in, const char *phone, int64_t now);

#endif
