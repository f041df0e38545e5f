/* balance.c - latency of one balance query at full data size
 *
 *   balance DB PHONES N
 *
 * Runs the real command path (handle_sms with "SD": caller lookup, loans,
 * savings, pending collections, template rendering) for N members drawn
 * from the PHONES file, each in its own transaction that is rolled back,
 * and prints "BALANCE n p50_us p99_us max_us rss_kb": the time of
 * handle_sms alone (the query), then of the transaction around it.
 * Bench code: links build/libdiemtua.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strv.h"
#include "config/config.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "text/date.h"

static double now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static long rss_kb(const char *key)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, key, strlen(key)) == 0)
            kb = strtol(line + strlen(key), NULL, 10);
    (void)fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    static struct dt_config cfg;
    static struct templates tpl;
    static struct reply out;
    struct handler_ctx ctx;
    struct db *db;
    char err[256], line[64];
    char (*phones)[64] = NULL;
    size_t nphones = 0, cap = 0, n, i, replies = 0;
    double *q, *tx;
    FILE *f;

    if (argc != 4) {
        (void)fprintf(stderr, "usage: balance DB PHONES N\n");
        return 2;
    }
    n = (size_t)strtoul(argv[3], NULL, 10);
    f = fopen(argv[2], "r");
    if (f == NULL)
        return 1;
    while (fgets(line, sizeof(line), f)) {
        if (nphones == cap) {
            cap = cap ? cap * 2 : 1024;
            phones = realloc(phones, cap * sizeof(*phones));
            if (phones == NULL)
                return 1;
        }
        line[strcspn(line, "\n")] = '\0';
        (void)snprintf(phones[nphones++], sizeof(phones[0]), "%s", line);
    }
    (void)fclose(f);
    config_defaults(&cfg);
    if (nphones == 0 || db_open(argv[1], &db) != GW_OK ||
        templates_load("config/messages.conf", &tpl, err, sizeof(err)))
        return 1;
    ctx.cfg = &cfg;
    ctx.tpl = &tpl;
    q = calloc(n, sizeof(*q));
    tx = calloc(n, sizeof(*tx));
    if (q == NULL || tx == NULL)
        return 1;
    srand(42);
    for (i = 0; i < n; i++) {
        struct sms_in in;
        double t0, t1, t2, t3;

        memset(&in, 0, sizeof(in));
        in.provider = "kannel";
        in.channel = "sms";
        (void)snprintf(in.phone, sizeof(in.phone), "%s",
                       phones[(size_t)rand() % nphones]);
        in.text = strv_from_cstr("SD");
        in.now = (int64_t)time(NULL);
        in.today = date_local((time_t)in.now, NULL);
        t0 = now_us();
        if (db_begin(db) != GW_OK)
            return 1;
        t1 = now_us();
        if (handle_sms(db, &ctx, &in, &out) != GW_OK)
            return 1;
        t2 = now_us();
        db_rollback(db);
        t3 = now_us();
        q[i] = t2 - t1;
        tx[i] = t3 - t0;
        replies += out.nmsgs;
    }
    qsort(q, n, sizeof(*q), cmp);
    qsort(tx, n, sizeof(*tx), cmp);
    (void)printf("BALANCE %zu %.0f %.0f %.0f %ld\n", n, q[n / 2],
                 q[n * 99 / 100], q[n - 1], rss_kb("VmHWM:"));
    (void)printf("BALANCE_TX %zu %.0f %.0f %.0f\n", n, tx[n / 2],
                 tx[n * 99 / 100], tx[n - 1]);
    (void)printf("REPLY %s\n", out.nmsgs ? out.msgs[0].text : "(none)");
    if (replies != n)
        (void)fprintf(stderr, "balance: %zu replies for %zu queries\n",
                      replies, n);
    free(q);
    free(tx);
    free(phones);
    templates_release(&tpl);
    db_close(db);
    return 0;
}
