/* ussd_session.c - idle timeout of USSD sessions, in memory */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "gateway/ussd_session.h"
#include "handlers/ussd.h"
#include "common/banned.h"

#define SESS_PROBES 8
#define SESS_MIN_SLOTS 16

struct sess_slot {
    char id[USSD_SESSION_ID_MAX + 1]; /* "" when free */
    int64_t last;                     /* time of the latest hop */
    size_t skip;
};

struct ussd_sessions {
    pthread_mutex_t lock;
    unsigned timeout;
    size_t mask; /* slots - 1 */
    struct sess_slot *slots;
};

struct ussd_sessions *ussd_sessions_new(unsigned timeout, size_t slots)
{
    struct ussd_sessions *s = xcalloc(1, sizeof(*s));
    size_t n = SESS_MIN_SLOTS;

    while (n < slots && n < ((size_t)1 << 24))
        n <<= 1;
    s->slots = xcalloc(n, sizeof(*s->slots));
    s->mask = n - 1;
    s->timeout = timeout;
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void ussd_sessions_free(struct ussd_sessions *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s->slots);
    free(s);
}

static uint32_t sess_hash(const char *id)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *id; id++)
        h = (h ^ (uint8_t)*id) * 16777619u;
    return h;
}

static int expired(const struct ussd_sessions *s, const struct sess_slot *e,
                   int64_t now)
{
    return s->timeout > 0 && now - e->last > (int64_t)s->timeout;
}

/* The slot of id, or the one to take for it (*fresh set). */
static struct sess_slot *sess_find(struct ussd_sessions *s, const char *id,
                                   int64_t now, int *fresh)
{
    uint32_t h = sess_hash(id);
    struct sess_slot *victim = NULL;
    size_t i;

    *fresh = 0;
    for (i = 0; i < SESS_PROBES; i++) {
        struct sess_slot *e = &s->slots[(h + i) & s->mask];

        if (e->id[0] && strcmp(e->id, id) == 0)
            return e;
        if (e->id[0] == '\0' || expired(s, e, now)) {
            if (victim == NULL || victim->id[0] != '\0')
                victim = e; /* a free slot wins over an expired one */
        } else if (victim == NULL ||
                   (victim->id[0] && !expired(s, victim, now) &&
                    e->last < victim->last)) {
            victim = e;
        }
    }
    *fresh = 1;
    return victim;
}

size_t ussd_sessions_touch(struct ussd_sessions *s, const char *id,
                           size_t ninputs, int64_t now)
{
    struct sess_slot *e;
    size_t skip;
    int fresh;

    if (id == NULL || id[0] == '\0' || strlen(id) > USSD_SESSION_ID_MAX)
        return 0;
    pthread_mutex_lock(&s->lock);
    e = sess_find(s, id, now, &fresh);
    if (fresh) {
        memcpy(e->id, id, strlen(id) + 1);
        e->skip = 0;
    } else if (expired(s, e, now) || e->skip > ninputs) {
        /* Idle too long: home, and what was typed before is ignored. A
         * path shorter than the prefix is not this walk's: start over. */
        e->skip = expired(s, e, now) ? ninputs : 0;
    }
    e->last = now;
    skip = e->skip;
    pthread_mutex_unlock(&s->lock);
    return skip;
}

size_t ussd_sessions_count(struct ussd_sessions *s, int64_t now)
{
    size_t i, n = 0;

    pthread_mutex_lock(&s->lock);
    for (i = 0; i <= s->mask; i++)
        if (s->slots[i].id[0] && !expired(s, &s->slots[i], now))
            n++;
    pthread_mutex_unlock(&s->lock);
    return n;
}
