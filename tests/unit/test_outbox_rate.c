/* test_outbox_rate.c - the send limit holds in every window, whatever the
 * network delays, and still lets the rate through */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "gateway/outbox_rate.h"
#include "common/banned.h"

static void test_parameters(void **state)
{
    static const struct {
        double rate;
        uint32_t n;
        int64_t window_ms;
    } t[] = {
        {0, 0, 0},
        {-1, 0, 0},
        {0.2, 1, 5000},
        {0.3, 1, 3334},
        {0.999, 1, 1002},
        {1, 1, 1000},
        {2.5, 2, 1000},
        {9.9999999999, 10, 1000},
        {10, 10, 1000},
        {10000, 10000, 1000},
        {1e-12, 1, 86400LL * 1000},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct rate_limit rl;

        rate_init(&rl, t[i].rate);
        assert_int_equal(rl.n, t[i].n);
        assert_int_equal(rl.window_ms, t[i].window_ms);
        rate_release(&rl);
    }
}

static void test_unlimited(void **state)
{
    struct rate_limit rl;

    (void)state;
    rate_init(&rl, 0);
    assert_int_equal(rate_room(&rl, 0, 1000000), UINT32_MAX);
    rate_done(&rl, 5);
    assert_int_equal(rate_wait_us(&rl, 10), -1);
    rate_release(&rl);
}

/* 10/s: ten at once, then nothing until a second after the last of them
 * completed (not after it started). */
static void test_window_counts_from_completion(void **state)
{
    struct rate_limit rl;
    int i;

    (void)state;
    rate_init(&rl, 10);
    assert_int_equal(rate_room(&rl, 0, 0), 10);
    assert_int_equal(rate_room(&rl, 0, 10), 0);
    assert_int_equal(rate_wait_us(&rl, 0), -1); /* only a completion */
    for (i = 0; i < 10; i++)
        rate_done(&rl, 400 + i * 100); /* 0.4 .. 1.3 ms */
    assert_int_equal(rate_room(&rl, 2000, 0), 0);
    /* The first completion (rounded up to 1 ms) frees at 1001 ms. */
    assert_int_equal(rate_wait_us(&rl, 2000), 999000);
    assert_int_equal(rate_room(&rl, 1000999, 0), 0);
    /* 0.4 .. 1.0 ms round up to 1 ms, 1.1 .. 1.3 ms to 2 ms. */
    assert_int_equal(rate_room(&rl, 1001000, 0), 7);
    assert_int_equal(rate_room(&rl, 1001000, 7), 0);
    assert_int_equal(rate_room(&rl, 1001000, 8), 0); /* never negative */
    assert_int_equal(rate_wait_us(&rl, 1001000), 1000);
    assert_int_equal(rate_room(&rl, 1001999, 0), 7);
    assert_int_equal(rate_room(&rl, 1002000, 0), 10);
    assert_int_equal(rate_wait_us(&rl, 1002000), -1);
    rate_release(&rl);
}

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct xfer {
    int64_t done_us;
};

/* Greedy sender against random delays for sim_us; arrivals at a random
 * point of each transfer. Checks every window at the receiver and
 * returns how many were sent. */
static size_t simulate(double rate, int64_t max_lat_us, int64_t sim_us,
                       uint32_t max_inflight)
{
    struct rate_limit rl;
    struct xfer fly[64];
    int64_t *arrive = calloc(20000, sizeof(*arrive));
    size_t narrive = 0, i, j;
    uint32_t inflight = 0;
    int64_t now;

    assert_non_null(arrive);
    rate_init(&rl, rate);
    for (now = 0; now < sim_us; now += 50) {
        uint32_t room;

        for (i = 0; i < inflight;) {
            if (fly[i].done_us <= now) {
                rate_done(&rl, now);
                fly[i] = fly[--inflight];
            } else {
                i++;
            }
        }
        room = rate_room(&rl, now, inflight);
        while (room-- > 0 && inflight < max_inflight && narrive < 20000) {
            int64_t lat = 1 + (int64_t)(rng() % (uint64_t)max_lat_us);

            fly[inflight++].done_us = now + lat;
            /* Arrivals are recorded in start order; sorted below. */
            arrive[narrive++] = now + (int64_t)(rng() % (uint64_t)lat);
        }
    }
    /* Every window that starts at an arrival: the busiest window of any
     * start holds as many as one of these. O(n^2), n is small. */
    for (i = 0; i < narrive; i++) {
        uint32_t in_window = 0;

        for (j = 0; j < narrive; j++)
            if (arrive[j] >= arrive[i] &&
                arrive[j] < arrive[i] + rl.window_ms * 1000)
                in_window++;
        assert_true(in_window <= rl.n);
    }
    rate_release(&rl);
    free(arrive);
    return narrive;
}

static void test_simulated_windows(void **state)
{
    static const struct {
        double rate;
        int64_t max_lat_us, sim_us;
        uint32_t inflight;
        size_t min_sent, max_sent;
    } t[] = {
        /* 10/s over 5 s with up to 30 ms of delay: 5 windows of 10 at
         * least (a window is 1 s + a delay), 50 at most. */
        {10, 30000, 5000000, 64, 40, 50},
        {10, 300000, 5000000, 64, 35, 50},
        {2.5, 10000, 4000000, 64, 7, 8},
        {0.5, 10000, 9000000, 64, 4, 5},
        {1000, 2000, 3000000, 64, 2900, 3000},
        /* Concurrency bound below the rate. */
        {1000, 2000, 1000000, 4, 900, 1000},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        size_t sent =
            simulate(t[i].rate, t[i].max_lat_us, t[i].sim_us, t[i].inflight);

        assert_in_range(sent, t[i].min_sent, t[i].max_sent);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_unlimited),
        cmocka_unit_test(test_window_counts_from_completion),
        cmocka_unit_test(test_simulated_windows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
