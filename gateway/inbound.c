/* inbound.c - inbound SMS and DLR jobs, and the per-number rate limit */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_collection.h"
#include "db/db_inbound.h"
#include "db/db_member.h"
#include "db/db_msg.h"
#include "gateway/inbound.h"
#include "text/redact.h"
#include "text/date.h"
#include "text/phone.h"
#include "common/banned.h"

/* Rate limit table: open addressing, a few probes, then the least recently
 * used probed slot is taken over. A phone pushed out starts with a full
 * bucket again, which only errs on the side of answering; 8192 slots hold
 * far more numbers than send within an hour to one short code. */
#define RL_SLOTS 8192 /* power of two */
#define RL_PROBES 8

/* Tokens are counted in 1/3600ths so that integer arithmetic refills
 * per_hour tokens an hour exactly: one SMS costs 3600 units and a second
 * adds per_hour units. */
#define RL_UNIT 3600

struct rl_slot {
    char phone[DT_PHONE_SIZE]; /* "" when free */
    int64_t last;              /* when units was computed */
    int64_t units;
};

/* One table of buckets, each of per_hour tokens an hour. */
struct rl_table {
    unsigned per_hour; /* 0: no limit */
    struct rl_slot slots[RL_SLOTS];
};

struct inbound {
    const struct handler_ctx *ctx;
    inbound_handler_fn handle;
    pthread_mutex_t lock;
    struct rl_table members; /* every number, before the store is read */
    struct rl_table leaders; /* leaders, known once the store is read */
};

struct inbound *inbound_new(const struct handler_ctx *ctx, unsigned per_hour,
                            inbound_handler_fn handle)
{
    struct inbound *in = xcalloc(1, sizeof(*in));

    in->ctx = ctx;
    in->handle = handle;
    in->members.per_hour = per_hour;
    pthread_mutex_init(&in->lock, NULL);
    return in;
}

void inbound_free(struct inbound *in)
{
    if (in == NULL)
        return;
    pthread_mutex_destroy(&in->lock);
    free(in);
}

static uint32_t rl_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static int64_t rl_refill(const struct rl_table *in, const struct rl_slot *s,
                         int64_t now)
{
    int64_t cap = (int64_t)in->per_hour * RL_UNIT;
    int64_t dt = now > s->last ? now - s->last : 0;
    int64_t units = s->units;

    /* dt is clamped so the product cannot overflow. */
    if (dt > 3600)
        dt = 3600;
    units += dt * (int64_t)in->per_hour;
    return units > cap ? cap : units;
}

static struct rl_slot *rl_find(struct rl_table *in, const char *phone,
                               int64_t now)
{
    uint32_t h = rl_hash(phone);
    struct rl_slot *victim = NULL;
    size_t i;

    for (i = 0; i < RL_PROBES; i++) {
        struct rl_slot *s = &in->slots[(h + i) & (RL_SLOTS - 1)];

        if (strcmp(s->phone, phone) == 0)
            return s;
        if (s->phone[0] == '\0') {
            if (victim == NULL || victim->phone[0] != '\0')
                victim = s; /* the first free slot wins */
        } else if (victim == NULL ||
                   (victim->phone[0] != '\0' && s->last < victim->last)) {
            victim = s;
        }
    }
    /* A new phone: take a free slot or the least recently used one. */
    memcpy(victim->phone, phone, strlen(phone) + 1);
    victim->last = now;
    victim->units = (int64_t)in->per_hour * RL_UNIT;
    return victim;
}

static bool rl_take(struct inbound *in, struct rl_table *t, const char *phone,
                    int64_t now)
{
    struct rl_slot *s;
    bool ok;

    if (t->per_hour == 0 || phone[0] == '\0' || strlen(phone) >= DT_PHONE_SIZE)
        return true;
    pthread_mutex_lock(&in->lock);
    s = rl_find(t, phone, now);
    s->units = rl_refill(t, s, now);
    s->last = now;
    ok = s->units >= RL_UNIT;
    if (ok)
        s->units -= RL_UNIT;
    pthread_mutex_unlock(&in->lock);
    return ok;
}

bool inbound_rate_allow(struct inbound *in, const char *phone, int64_t now)
{
    return rl_take(in, &in->members, phone, now);
}

void inbound_set_leader_limit(struct inbound *in, unsigned per_hour)
{
    /* Leaders spend the members' bucket first, then this one. */
    if (in->members.per_hour == 0)
        in->leaders.per_hour = 0;
    else
        in->leaders.per_hour = per_hour > in->members.per_hour
                                   ? per_hour - in->members.per_hour
                                   : 1;
}

static gw_err queue_replies(struct db *db, const struct reply *r,
                            int64_t inbound_id, int64_t now, size_t *queued)
{
    size_t i;
    gw_err err;

    for (i = 0; i < r->nmsgs && i < REPLY_MAX_MSGS; i++) {
        const struct out_msg *m = &r->msgs[i];
        int64_t id;

        if (m->phone[0] == '\0') /* an unknown sender: nobody to answer */
            continue;
        err = db_outbox_enqueue(db, m->phone, m->text, m->kind, m->member_id,
                                inbound_id, now, &id);
        if (err)
            return err;
        (*queued)++;
    }
    return GW_OK;
}

/* A group leader records her whole group's collections at the session,
 * one SMS a member (up to 60, plus DS and TONG): the per-number limit,
 * which is there against SMS pumping from strangers, would silently stop
 * her after the twentieth. Leaders are few, known by the bank's file, and
 * still under the daily budget. */
static bool is_leader(struct db *db, const char *phone)
{
    struct db_caller c;

    return db_member_by_phone(db, phone, &c) == GW_OK && c.is_leader;
}

static gw_err run_sms(struct db *db, struct writer_job *wj, size_t *queued)
{
    struct inbound_job *job = (struct inbound_job *)wj;
    struct reply reply;
    int minute;
    const char *stored = reply.stored_text;
    int64_t inbound_id = 0;
    bool dup = false;
    gw_err err;

    err = db_inbound_exists(db, job->provider, job->sms.provider_id, &dup);
    if (!err && !dup && job->sms.alt_id[0] != '\0')
        err = db_inbound_alias_exists(db, job->provider, job->sms.alt_id, &dup);
    if (err || dup) {
        job->result = METRICS_IN_DUPLICATE;
        return err;
    }
    memset(&reply, 0, sizeof(reply));
    /* A leader records her whole group in an evening: past the members'
     * limit she draws on the leaders' bucket, which holds the difference
     * up to leader_per_hour. The store is read only then (the writer's
     * time is everyone's). */
    if (job->rate_limited && is_leader(db, job->phone))
        job->rate_limited =
            !rl_take(job->in, &job->in->leaders, job->phone, job->now);
    if (job->rate_limited) {
        char masked[32];

        job->result = METRICS_IN_RATE_LIMITED;
        log_mask_phone(job->phone, masked, sizeof(masked));
        log_warn("inbound", "%s over its SMS an hour: stored, not run", masked);
    } else {
        job->rate_limited = false;
        if (job->result == METRICS_IN_RATE_LIMITED)
            job->result = METRICS_IN_OK;
        struct sms_in in = {.provider = job->provider, .channel = "sms"};

        memcpy(in.phone, job->phone, sizeof(in.phone));
        in.text = strv_make(buf_cstr(&job->sms.text), job->sms.text.len);
        in.now = job->now;
        in.today = date_local((time_t)job->now, &minute);
        in.pin_pre = job->pin_check ? &job->pin_pre : NULL;
        err = job->in->handle(db, job->in->ctx, &in, &reply);
        pin_precheck_clear(&job->pin_pre);
        if (err)
            return err;
        if (reply.unknown_capped)
            job->result = METRICS_IN_UNKNOWN_CAPPED;
    }
    if (reply.stored_text[0] == '\0')
        redact_text(buf_cstr(&job->sms.text), job->sms.text.len, true,
                    reply.stored_text, sizeof(reply.stored_text));
    err = db_inbound_insert(db, job->provider, job->sms.provider_id, "sms",
                            job->phone, stored, job->now, &inbound_id);
    if (!err && job->sms.alt_id[0] != '\0')
        err = db_inbound_alias_insert(db, job->provider, job->sms.alt_id,
                                      inbound_id);
    if (err)
        return err;
    if (reply.collection_id) {
        err = db_collection_link_inbound(db, reply.collection_id, inbound_id);
        if (err)
            return err;
    }
    return queue_replies(db, &reply, inbound_id, job->now, queued);
}

void inbound_prepare_sms(struct inbound *in, struct inbound_job *job,
                         const char *provider, int64_t now)
{
    job->in = in;
    job->provider = provider;
    job->now = now;
    job->wj.run = run_sms;
    job->result = METRICS_IN_OK;
    if (phone_normalize(job->sms.from, strlen(job->sms.from), job->phone,
                        NULL) != GW_OK) {
        job->phone[0] = '\0';
        job->result = METRICS_IN_UNKNOWN;
    }
    /* Over the limit: run_sms() logs it and stores the message without
     * running it, unless the sender is a leader. */
    job->rate_limited = !inbound_rate_allow(in, job->phone, now);
    if (job->rate_limited)
        job->result = METRICS_IN_RATE_LIMITED;
    /* A leader over the limit is still run (run_sms() decides), so her
     * PIN is checked ahead whatever the limit says. */
    job->pin_check = job->phone[0] != '\0' &&
                     handler_takes_pin(strv_make(buf_cstr(&job->sms.text),
                                                 job->sms.text.len));
}

/* On the writer's helper thread: the PIN's Argon2id, outside the batch.
 * A failed read keeps nothing; the writer then verifies as before. */
static void prepare_pin(struct db *db, struct writer_job *wj)
{
    struct inbound_job *job = (struct inbound_job *)wj;
    struct sms_in in = {.provider = job->provider, .channel = "sms"};

    memcpy(in.phone, job->phone, sizeof(in.phone));
    in.text = strv_make(buf_cstr(&job->sms.text), job->sms.text.len);
    in.now = job->now;
    (void)handler_pin_precheck(db, job->in->ctx, &in, &job->pin_pre);
}

gw_err inbound_submit(struct writer *w, struct inbound_job *job)
{
    if (job->pin_check)
        return writer_submit_prepared(w, &job->wj, prepare_pin);
    return writer_submit(w, &job->wj);
}

static gw_err run_dlr(struct db *db, struct writer_job *wj, size_t *queued)
{
    struct inbound_job *job = (struct inbound_job *)wj;
    const char *state =
        job->dlr.state == DLR_DELIVERED ? "DELIVERED" : "UNDELIVERED";
    gw_err err;

    enum db_dlr_outcome oc = DB_DLR_APPLIED;

    (void)queued;
    err = db_outbox_report(db, job->provider, job->dlr.our_id,
                           job->dlr.provider_msg_id, state, job->now, &oc);
    if (err == GW_OK && oc != DB_DLR_APPLIED) {
        /* Acknowledged all the same: the provider would only retry. */
        if (oc == DB_DLR_KEPT)
            log_warn("inbound",
                     "%s dlr %s for message %lld contradicts it (a final "
                     "state, another provider's message, or one not sent): "
                     "kept, not applied",
                     job->provider, state, (long long)job->dlr.our_id);
        job->result = oc == DB_DLR_HELD   ? METRICS_IN_DLR_HELD
                      : oc == DB_DLR_KEPT ? METRICS_IN_DLR_KEPT
                                          : METRICS_IN_DUPLICATE;
        return GW_OK;
    }
    if (err == GW_ENOTFOUND || err == GW_EINVAL) {
        /* Never refuse a DLR: the provider would only send it again. */
        log_warn("inbound", "%s dlr for unknown message (id %lld, ref %s)",
                 job->provider, (long long)job->dlr.our_id,
                 job->dlr.provider_msg_id);
        job->result = METRICS_IN_IGNORED;
        return GW_OK;
    }
    return err;
}

bool inbound_prepare_dlr(struct inbound *in, struct inbound_job *job,
                         const char *provider, int64_t now)
{
    job->in = in;
    job->provider = provider;
    job->now = now;
    job->result = METRICS_IN_OK;
    if (job->dlr.state != DLR_DELIVERED && job->dlr.state != DLR_UNDELIVERED) {
        log_info("inbound", "%s dlr status '%s' for id %lld: no change",
                 provider, job->dlr.raw_status, (long long)job->dlr.our_id);
        job->result = METRICS_IN_IGNORED;
        return false;
    }
    job->wj.run = run_dlr;
    return true;
}
