/* outbox_rate.c - sliding-window send limit (see outbox_rate.h) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "gateway/outbox_rate.h"
#include "common/banned.h"

/* A window longer than a day (a rate under 1/86400 per second) is a
 * day: such a setting is a typo, and a day is as good as forever. */
#define RATE_WINDOW_MAX_MS (86400LL * 1000)

void rate_init(struct rate_limit *rl, double rate)
{
    int64_t slots;

    memset(rl, 0, sizeof(*rl));
    if (!(rate > 0)) /* also NaN */
        return;
    if (rate >= 1) {
        /* + 1e-9: 10.0 read from a file may be 9.9999999999. Truncation
         * is floor for a positive number. */
        rl->n = rate + 1e-9 >= (double)UINT32_MAX ? UINT32_MAX
                                                  : (uint32_t)(rate + 1e-9);
        rl->window_ms = 1000;
    } else {
        double w = 1000.0 / rate; /* > 1000 */

        rl->n = 1;
        if (w >= (double)RATE_WINDOW_MAX_MS) {
            rl->window_ms = RATE_WINDOW_MAX_MS;
        } else {
            rl->window_ms = (int64_t)w;
            if ((double)rl->window_ms < w) /* round up */
                rl->window_ms++;
        }
    }
    /* Distinct ms within one window, and never more than n entries. */
    slots = rl->window_ms + 1;
    if (slots > (int64_t)rl->n)
        slots = rl->n;
    rl->cap = (uint32_t)slots + 1;
    rl->ring = xcalloc(rl->cap, sizeof(*rl->ring));
}

void rate_release(struct rate_limit *rl)
{
    free(rl->ring);
    memset(rl, 0, sizeof(*rl));
}

/* Drops completions that are a whole window old at now_ms. */
static void rate_expire(struct rate_limit *rl, int64_t now_ms)
{
    while (rl->len > 0 && rl->ring[rl->head].ms + rl->window_ms <= now_ms) {
        rl->recent -= rl->ring[rl->head].count;
        rl->head = (rl->head + 1) % rl->cap;
        rl->len--;
    }
}

uint32_t rate_room(struct rate_limit *rl, int64_t now_us, uint32_t inflight)
{
    uint64_t used;

    if (rl->n == 0)
        return UINT32_MAX;
    /* Rounded down: a completion expires no earlier than it should. */
    rate_expire(rl, now_us / 1000);
    used = (uint64_t)inflight + rl->recent;
    return used >= rl->n ? 0 : (uint32_t)(rl->n - used);
}

void rate_done(struct rate_limit *rl, int64_t now_us)
{
    /* Rounded up: a completion counts until a little after it should. */
    int64_t ms = (now_us + 999) / 1000;
    uint32_t tail;

    if (rl->n == 0)
        return;
    rate_expire(rl, now_us / 1000);
    if (rl->len > 0) {
        tail = (rl->head + rl->len - 1) % rl->cap;
        /* Same ms, or the ring is full (cannot happen while the caller
         * respects rate_room): merge into the newest slot, moving it
         * later, which only delays the next start. */
        if (rl->ring[tail].ms >= ms || rl->len == rl->cap) {
            if (rl->ring[tail].ms < ms)
                rl->ring[tail].ms = ms;
            rl->ring[tail].count++;
            rl->recent++;
            return;
        }
    }
    tail = (rl->head + rl->len) % rl->cap;
    rl->ring[tail].ms = ms;
    rl->ring[tail].count = 1;
    rl->len++;
    rl->recent++;
}

int64_t rate_wait_us(struct rate_limit *rl, int64_t now_us)
{
    int64_t at_us;

    if (rl->n == 0)
        return -1;
    rate_expire(rl, now_us / 1000);
    if (rl->len == 0)
        return -1;
    at_us = (rl->ring[rl->head].ms + rl->window_ms) * 1000;
    return at_us > now_us ? at_us - now_us : 0;
}
