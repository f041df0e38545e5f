/* conn_guard.c - see conn_guard.h */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/conn_guard.h"
#include "gateway/metrics.h"
#include "common/banned.h"

#define GUARD_TICK_MS 250

struct track {
    struct track *prev, *next; /* oldest head first */
    struct conn_guard *g;
    int fd;
    double started; /* monotonic: when the current head began */
    bool head_done; /* the current request's head is complete */
    bool shut;      /* shut down by us: closing */
};

struct conn_guard {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t reaper;
    bool stop;
    unsigned limit;
    double head_timeout;
    size_t n; /* connections tracked, shut ones included */
    struct track *head, *tail;
};

static double mono(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void unlink_track(struct conn_guard *g, struct track *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        g->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        g->tail = t->prev;
    t->prev = t->next = NULL;
}

static void append_track(struct conn_guard *g, struct track *t)
{
    t->prev = g->tail;
    t->next = NULL;
    if (g->tail)
        g->tail->next = t;
    else
        g->head = t;
    g->tail = t;
}

/* Under the lock. */
static void shut(struct track *t, enum metrics_conn why)
{
    t->shut = true;
    (void)shutdown(t->fd, SHUT_RDWR);
    metrics_conn(why);
}

static void *reaper_main(void *arg)
{
    struct conn_guard *g = arg;
    struct timespec until;

    pthread_mutex_lock(&g->lock);
    while (!g->stop) {
        double now = mono();
        struct track *t;

        for (t = g->head; t; t = t->next)
            if (!t->head_done && !t->shut && now - t->started > g->head_timeout)
                shut(t, METRICS_CONN_HEAD_TIMEOUT);
        (void)clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += GUARD_TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&g->wake, &g->lock, &until);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

struct conn_guard *conn_guard_new(unsigned limit, unsigned head_timeout)
{
    struct conn_guard *g = xcalloc(1, sizeof(*g));

    g->limit = limit ? limit : 512;
    g->head_timeout = head_timeout ? head_timeout : 10;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->reaper, NULL, reaper_main, g) != 0) {
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->lock);
        free(g);
        return NULL;
    }
    return g;
}

void conn_guard_free(struct conn_guard *g)
{
    struct track *t, *next;

    if (g == NULL)
        return;
    pthread_mutex_lock(&g->lock);
    g->stop = true;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    (void)pthread_join(g->reaper, NULL);
    for (t = g->head; t; t = next) { /* none, once the daemon stopped */
        next = t->next;
        free(t);
    }
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

static void started(struct conn_guard *g, struct MHD_Connection *conn,
                    void **socket_context)
{
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct track *t = xcalloc(1, sizeof(*t)), *old;

    t->g = g;
    t->fd = fd ? fd->connect_fd : -1;
    t->started = mono();
    pthread_mutex_lock(&g->lock);
    append_track(g, t);
    g->n++;
    if (g->n > g->limit) {
        /* Room is made from the oldest connection still sending its
         * head; one that is serving a request is never cut. */
        for (old = g->head; old; old = old->next)
            if (!old->head_done && !old->shut && old != t)
                break;
        if (old != NULL)
            shut(old, METRICS_CONN_EVICTED);
        else
            shut(t, METRICS_CONN_REFUSED);
    }
    pthread_mutex_unlock(&g->lock);
    *socket_context = t;
}

void conn_guard_notify(void *cls, struct MHD_Connection *conn,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
    struct conn_guard *g = cls;
    struct track *t = *socket_context;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        started(g, conn, socket_context);
        return;
    }
    if (t == NULL)
        return;
    pthread_mutex_lock(&g->lock);
    unlink_track(g, t);
    g->n--;
    pthread_mutex_unlock(&g->lock);
    free(t);
    *socket_context = NULL;
}

static struct track *track_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return i ? i->socket_context : NULL;
}

void conn_guard_head_done(struct MHD_Connection *conn)
{
    struct track *t = track_of(conn);

    if (t == NULL)
        return;
    pthread_mutex_lock(&t->g->lock);
    t->head_done = true;
    pthread_mutex_unlock(&t->g->lock);
}

void conn_guard_request_done(struct MHD_Connection *conn)
{
    struct track *t = track_of(conn);
    struct conn_guard *g;

    if (t == NULL)
        return;
    g = t->g;
    pthread_mutex_lock(&g->lock);
    t->head_done = false;
    t->started = mono();
    unlink_track(g, t);
    append_track(g, t);
    pthread_mutex_unlock(&g->lock);
}
