/* ussd_session.c - idle timeout of USSD sessions, in memory */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/dt_limits.h"
#include "common/xalloc.h"
#include "gateway/ussd_session.h"
#include "handlers/ussd.h"
#include "common/banned.h"

#define SESS_PROBES 16
#define SESS_MIN_SLOTS 16

struct sess_slot {
    char id[USSD_SESSION_ID_MAX + 1]; /* "" when free */
    char phone[DT_PHONE_SIZE];
    uint64_t hash; /* of (phone, id) */
    int64_t last;  /* time of the latest hop */
    size_t skip;
};

struct ussd_sessions {
    pthread_mutex_t lock;
    unsigned timeout;
    size_t mask; /* slots - 1 */
    struct sess_slot *slots;
    /* Sessions that timed out and lost their slot, by hash, direct-mapped
     * (a newer one overwrites): their next hop goes home, never resumes. */
    uint64_t *gone;
};

struct ussd_sessions *ussd_sessions_new(unsigned timeout, size_t slots)
{
    struct ussd_sessions *s = xcalloc(1, sizeof(*s));
    size_t n = SESS_MIN_SLOTS;

    while (n < slots && n < ((size_t)1 << 24))
        n <<= 1;
    s->slots = xcalloc(n, sizeof(*s->slots));
    s->gone = xcalloc(n, sizeof(*s->gone));
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
    free(s->gone);
    free(s);
}

/* FNV-1a 64 of phone, a separator, id; never 0 (0 marks "none"). */
static uint64_t sess_hash(const char *id, const char *phone)
{
    uint64_t h = 14695981039346656037ull;
    const char *p;

    for (p = phone; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
    for (p = id; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return h ? h : 1;
}

static int expired(const struct ussd_sessions *s, const struct sess_slot *e,
                   int64_t now)
{
    return s->timeout > 0 && now - e->last > (int64_t)s->timeout;
}

/* The slot of (id, phone); else a free or timed-out one to take (*fresh
 * set); NULL when every probed slot holds a live session. */
static struct sess_slot *sess_find(struct ussd_sessions *s, const char *id,
                                   const char *phone, uint64_t h, int64_t now,
                                   int *fresh)
{
    struct sess_slot *take = NULL;
    size_t i;

    *fresh = 0;
    for (i = 0; i < SESS_PROBES; i++) {
        struct sess_slot *e = &s->slots[(h + i) & s->mask];

        if (e->id[0] && e->hash == h && strcmp(e->id, id) == 0 &&
            strcmp(e->phone, phone) == 0)
            return e;
        if (e->id[0] == '\0' || expired(s, e, now)) {
            if (take == NULL || take->id[0] != '\0')
                take = e; /* a free slot wins over a timed-out one */
        }
    }
    *fresh = take != NULL;
    return take;
}

int ussd_sessions_touch(struct ussd_sessions *s, const char *id,
                        const char *phone, size_t ninputs, int64_t now,
                        size_t *skip)
{
    struct sess_slot *e;
    uint64_t h;
    int fresh;

    *skip = 0;
    if (id == NULL || id[0] == '\0' || strlen(id) > USSD_SESSION_ID_MAX)
        return 0;
    if (phone == NULL || strlen(phone) >= DT_PHONE_SIZE)
        phone = "";
    h = sess_hash(id, phone);
    pthread_mutex_lock(&s->lock);
    e = sess_find(s, id, phone, h, now, &fresh);
    if (e == NULL) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    if (fresh) {
        /* The timed-out session this slot held is remembered as gone. */
        if (e->id[0])
            s->gone[e->hash & s->mask] = e->hash;
        memcpy(e->id, id, strlen(id) + 1);
        memcpy(e->phone, phone, strlen(phone) + 1);
        e->hash = h;
        /* A session that timed out before and lost its slot: home, and
         * what it typed before is ignored (never resumed). Any other new
         * session walks its path (a shortcut arrives with inputs). */
        e->skip = s->gone[h & s->mask] == h ? ninputs : 0;
        if (e->skip)
            s->gone[h & s->mask] = 0;
    } else if (expired(s, e, now) || e->skip > ninputs) {
        /* Idle too long: home, and what was typed before is ignored. A
         * path shorter than the prefix is not this walk's: start over. */
        e->skip = expired(s, e, now) ? ninputs : 0;
    }
    e->last = now;
    *skip = e->skip;
    pthread_mutex_unlock(&s->lock);
    return 0;
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
