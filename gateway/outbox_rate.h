/* outbox_rate.h - the send-rate limit: never more than the rate in any
 * one-second window, as the aggregator sees it
 *
 * A plain token bucket of capacity C lets C + rate sends through in a
 * one-second window, so it cannot keep the promise. This limiter counts,
 * at each start, the sends that could still land in the same window at
 * the aggregator: those in flight, and those that completed less than one
 * window ago. A send may start only while that count is below n. Since a
 * request reaches the aggregator between its start and its completion,
 * no window of length W at the aggregator ever holds more than n
 * arrivals, whatever the network delays:
 *
 *   rate >= 1: n = floor(rate), W = 1 s   (10.0/s: 10 in any second;
 *              2.5/s: 2, as 3 would exceed 2.5 in some second)
 *   rate <  1: n = 1, W = 1/rate s         (0.2/s: one every 5 s)
 *   rate <= 0: no limit
 *
 * The burst is at most n at once, one second's worth. Completion times
 * are kept per millisecond (rounded up, now rounded down: the error is
 * always on the safe side), so memory is bounded by the window in ms,
 * not by the rate. Not thread-safe: the sender thread owns it.
 */
#ifndef DT_OUTBOX_RATE_H
#define DT_OUTBOX_RATE_H

#include <stdint.h>

struct rate_slot {
    int64_t ms;     /* completion time, ms, rounded up */
    uint32_t count; /* completions in that ms */
};

struct rate_limit {
    uint32_t n;        /* sends allowed in any window; 0: no limit */
    int64_t window_ms; /* W */
    struct rate_slot *ring;
    uint32_t cap, head, len;
    uint32_t recent; /* sum of the ring's counts */
};

/* rate in messages a second; <= 0 (or not a number) means no limit. */
void rate_init(struct rate_limit *rl, double rate);
void rate_release(struct rate_limit *rl);

/* Sends that may start at now_us while inflight are running (0 when
 * none may; UINT32_MAX when there is no limit). */
uint32_t rate_room(struct rate_limit *rl, int64_t now_us, uint32_t inflight);
/* A send that started under rate_room() has completed at now_us (for a
 * send with no network, at its start). */
void rate_done(struct rate_limit *rl, int64_t now_us);
/* Microseconds from now_us until room grows with no further completion;
 * -1 when only a completion can make room (or there is no limit). */
int64_t rate_wait_us(struct rate_limit *rl, int64_t now_us);

#endif
