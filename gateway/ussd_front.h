/* ussd_front.h - one USSD hop from the HTTP thread to its screen
 *
 * httpd.c authenticates the callback and parses it with the provider's
 * dialect (gateway/ussd.h), then hands the hop here:
 *
 *   if (ussd_front_hop(front, &job, &parsed, ops->name, now))
 *       ... set job.wj.done, writer_submit(writer, &job.wj), suspend ...
 *   ussd_front_answer(&job, &end, &screen);  // after done(), or at once
 *   ussd_front_release(&job);
 *
 * A hop that only navigates or reads is worked out at once on one of the
 * front's own read-only connections: no writer, no fsync. The final hop
 * of an action that writes goes through the writer, in one savepoint with
 * its inbound row (dedup key: the session id and a hash of the scrubbed
 * path) and the messages it queues; a repeat of that hop finds the row
 * and gets the same END screen back, read from the reply it queued.
 */
#ifndef DT_USSD_FRONT_H
#define DT_USSD_FRONT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "config/config.h"
#include "gateway/ussd.h"
#include "gateway/writer.h"
#include "handlers/handler.h"
#include "handlers/ussd.h"

struct ussd_front;

/* Opens readers read connections to cfg->db_path (at least 1), loads
 * the templates from cfg->templates with cfg's brand, and makes the idle
 * table (cfg->ussd_session_timeout). cfg is borrowed until
 * ussd_front_free(). *out is NULL on failure (logged). */
gw_err ussd_front_new(const struct dt_config *cfg, unsigned readers,
                      struct ussd_front **out);
void ussd_front_free(struct ussd_front *f);

/* One hop on its way; embedded in the HTTP request state. */
struct ussd_job {
    struct writer_job wj; /* first: the writer sees only this */
    struct ussd_front *front;
    char session_id[USSD_SESSION_ID_MAX + 1];
    struct ussd_hop hop; /* hop.text borrows the request's body */
    struct ussd_step step;
    struct reply reply;
    bool repeat; /* the final hop was already stored: nothing ran */
};

/* Works out the hop described by in (from provider, at now) into job.
 * Returns true when it is the final hop of an action that writes: then
 * job->wj.run is set and the caller submits job->wj to the writer;
 * false when the answer is ready. in->text must outlive the job. */
bool ussd_front_hop(struct ussd_front *f, struct ussd_job *job,
                    const struct prov_ussd *in, const char *provider,
                    int64_t now);

/* The screen to answer with, once the job is done (or at once when
 * ussd_front_hop returned false). A failed write answers the "busy"
 * note, so the user is never told that something happened when it did
 * not. The strings are the job's. */
void ussd_front_answer(struct ussd_job *job, bool *end, const char **screen);

/* Wipes what the job holds of the PIN. Call when the request ends. */
void ussd_front_release(struct ussd_job *job);

#endif
