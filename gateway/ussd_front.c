/* ussd_front.c - a USSD hop: idle timeout, the walk, the final write */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_collection.h"
#include "db/db_msg.h"
#include "db/db_ussd.h"
#include "gateway/ussd_front.h"
#include "gateway/ussd_session.h"
#include "handlers/phrases.h"
#include "handlers/template.h"
#include "text/date.h"
#include "text/phone.h"
#include "common/banned.h"

/* Sessions tracked at once for the idle timeout: far more than dial one
 * short code within a timeout; an overflow only forgets the oldest. */
/* Live sessions at most (200 new a second for the 180 s timeout fill
 * half); about 7 MB. */
#define USSD_FRONT_SESSIONS 65536

struct ussd_reader {
    pthread_mutex_t lock;
    struct db *db;
};

struct ussd_front {
    const struct dt_config *cfg;
    struct templates tpl;
    struct phrases phrases;
    struct handler_ctx ctx;
    struct ussd_sessions *sessions;
    unsigned nreaders;
    struct ussd_reader *readers;
};

void ussd_front_free(struct ussd_front *f)
{
    unsigned i;

    if (f == NULL)
        return;
    for (i = 0; i < f->nreaders; i++) {
        db_close(f->readers[i].db);
        pthread_mutex_destroy(&f->readers[i].lock);
    }
    free(f->readers);
    ussd_sessions_free(f->sessions);
    templates_release(&f->tpl);
    phrases_release(&f->phrases);
    free(f);
}

static gw_err front_templates(struct ussd_front *f)
{
    char msg[512];
    gw_err err;

    err = templates_load(f->cfg->templates, &f->tpl, msg, sizeof(msg));
    if (err) {
        log_error("ussd", "%s", msg);
        return err;
    }
    return templates_set_brand(&f->tpl, f->cfg->brand, f->cfg->hotline);
}

gw_err ussd_front_new(const struct dt_config *cfg, unsigned readers,
                      struct ussd_front **out)
{
    struct ussd_front *f = xcalloc(1, sizeof(*f));
    gw_err err;
    unsigned i;

    *out = NULL;
    f->cfg = cfg;
    f->ctx.cfg = cfg;
    f->ctx.tpl = &f->tpl;
    f->ctx.phrases = &f->phrases;
    f->sessions =
        ussd_sessions_new(cfg->ussd_session_timeout, USSD_FRONT_SESSIONS);
    f->nreaders = readers ? readers : 1;
    f->readers = xcalloc(f->nreaders, sizeof(*f->readers));
    for (i = 0; i < f->nreaders; i++)
        pthread_mutex_init(&f->readers[i].lock, NULL);
    err = front_templates(f);
    if (err == GW_OK)
        err = phrases_start(cfg->phrases, "ussd", &f->phrases);
    for (i = 0; err == GW_OK && i < f->nreaders; i++)
        err = db_open(cfg->db_path, &f->readers[i].db);
    if (err) {
        ussd_front_free(f);
        return err;
    }
    *out = f;
    return GW_OK;
}

/* A free reader if there is one, else waits for the first. */
static struct ussd_reader *reader_take(struct ussd_front *f)
{
    unsigned i;

    for (i = 0; i < f->nreaders; i++)
        if (pthread_mutex_trylock(&f->readers[i].lock) == 0)
            return &f->readers[i];
    pthread_mutex_lock(&f->readers[0].lock);
    return &f->readers[0];
}

/* ---- the final hop, on the writer ----------------------------------- */

static gw_err queue_messages(struct db *db, const struct reply *r,
                             int64_t inbound_id, int64_t now, size_t *queued)
{
    size_t i;
    gw_err err;

    for (i = 0; i < r->nmsgs && i < REPLY_MAX_MSGS; i++) {
        const struct out_msg *m = &r->msgs[i];
        int64_t id;

        err = db_outbox_enqueue(db, m->phone, m->text, m->kind, m->member_id,
                                inbound_id, now, &id);
        if (err)
            return err;
        (*queued)++;
    }
    return GW_OK;
}

/* The aggregator repeated a final hop already stored: the END screen is
 * the reply that hop queued, and nothing runs again. */
static gw_err answer_repeat(struct db *db, struct ussd_job *job, bool *found)
{
    char text[DT_SMS_MAX * 4 + 1];
    gw_err err;

    err = db_ussd_reply_of(db, job->hop.provider, job->step.key, found, text,
                           sizeof(text));
    if (err || !*found)
        return err;
    ussd_step_wipe(&job->step);
    job->repeat = true;
    if (text[0] == '\0' || strlen(text) > DT_USSD_SCREEN_MAX) {
        ussd_end_note(&job->front->ctx, MSG_USSD_BUSY, &job->step);
        return GW_OK;
    }
    job->step.end = true;
    memcpy(job->step.screen, text, strlen(text) + 1);
    return GW_OK;
}

static gw_err run_final(struct db *db, struct writer_job *wj, size_t *queued)
{
    struct ussd_job *job = (struct ussd_job *)(void *)wj;
    int64_t inbound_id = 0;
    bool found = false;
    gw_err err;

    err = answer_repeat(db, job, &found);
    if (err || found) {
        ussd_step_wipe(&job->step);
        return err;
    }
    err = ussd_commit(db, &job->front->ctx, &job->hop, &job->step, &job->reply);
    if (err == GW_OK)
        err = db_inbound_insert(db, job->hop.provider, job->step.key, "ussd",
                                job->hop.phone, job->step.stored, job->hop.now,
                                &inbound_id);
    if (err == GW_OK && job->reply.collection_id)
        err = db_collection_link_inbound(db, job->reply.collection_id,
                                         inbound_id);
    if (err == GW_OK)
        err = queue_messages(db, &job->reply, inbound_id, job->hop.now, queued);
    return err;
}

/* ---- the hop -------------------------------------------------------- */

bool ussd_front_hop(struct ussd_front *f, struct ussd_job *job,
                    const struct prov_ussd *in, const char *provider,
                    int64_t now)
{
    struct ussd_reader *r;
    char masked[32];
    int minute;
    gw_err err;

    memset(job, 0, sizeof(*job));
    job->front = f;
    memcpy(job->session_id, in->session_id, sizeof(job->session_id));
    job->hop.provider = provider;
    job->hop.session_id = job->session_id;
    if (phone_normalize(in->phone, strlen(in->phone), job->hop.phone, NULL))
        job->hop.phone[0] = '\0';
    job->hop.text = in->text;
    job->hop.now = now;
    job->hop.today = date_local((time_t)now, &minute);
    if (ussd_sessions_touch(f->sessions, job->session_id, job->hop.phone,
                            ussd_count_inputs(in->text), now,
                            &job->hop.skip) != 0) {
        /* No room without dropping a live session: a clear END screen. */
        log_warn("ussd", "session table full: new session refused");
        ussd_end_note(&f->ctx, MSG_USSD_BUSY, &job->step);
        return false;
    }
    r = reader_take(f);
    err = ussd_walk(r->db, &f->ctx, &job->hop, &job->step);
    pthread_mutex_unlock(&r->lock);
    log_mask_phone(job->hop.phone[0] ? job->hop.phone : in->phone, masked,
                   sizeof(masked));
    /* Only the scrubbed path is ever logged. */
    log_debug("ussd", "%s session %s path '%s' skip %zu: %s", masked,
              job->session_id, job->step.stored, job->hop.skip,
              job->step.write ? "write"
              : job->step.end ? "END"
                              : "CON");
    if (err || !job->step.write)
        return false;
    job->wj.run = run_final;
    return true;
}

void ussd_front_answer(struct ussd_job *job, bool *end, const char **screen)
{
    /* A write that did not commit: its screen would claim the effect. */
    if (job->step.write && (job->wj.err != GW_OK || !job->step.end))
        ussd_end_note(&job->front->ctx, MSG_USSD_BUSY, &job->step);
    *end = job->step.end;
    *screen = job->step.screen;
}

void ussd_front_release(struct ussd_job *job)
{
    ussd_step_wipe(&job->step);
    explicit_bzero(&job->hop.text, sizeof(job->hop.text));
}
