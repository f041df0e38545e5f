/* stubagg.c - a counting stub of Kannel's sendsms for the bench and the
 * fault tests
 *
 *   stubagg PORT [STATUS]     (PORT 0: any; prints the port bound)
 *
 * Answers every request with STATUS (default 202, "0: Accepted for
 * delivery"). Takes our outbox id from the id= inside the dlr-url
 * parameter diemtua's Kannel module sends, and counts requests, distinct
 * ids and repeats (duplicates at the phone). SIGUSR1 prints the figures
 * so far, SIGTERM prints them and exits:
 *
 *   STUB requests unique dups max_in_1s first_s last_s
 *
 * max_in_1s is the most requests that arrived in any window of one
 * second (sliding, at arrival timestamps), the figure that must stay at
 * or below the configured send_rate. Bench code: not part of the product.
 */
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#define MAX_REQ 4000000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double *arrivals;
static unsigned char *seen; /* by id, saturating at 255 */
static size_t nseen;
static size_t nreq, unique, dups;
static unsigned status = 202;

static double now_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long id_of(struct MHD_Connection *c)
{
    const char *dlr =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dlr-url");
    const char *p;

    if (dlr == NULL)
        return -1;
    p = strstr(dlr, "&id=");
    if (p == NULL)
        p = strstr(dlr, "?id=");
    return p ? strtol(p + 4, NULL, 10) : -1;
}

static void count(long id)
{
    (void)pthread_mutex_lock(&lock);
    if (nreq < MAX_REQ)
        arrivals[nreq] = now_s();
    nreq++;
    if (id >= 0) {
        if ((size_t)id >= nseen) {
            size_t n = nseen ? nseen : 1024;

            while (n <= (size_t)id)
                n *= 2;
            seen = realloc(seen, n);
            if (seen == NULL)
                abort();
            memset(seen + nseen, 0, n - nseen);
            nseen = n;
        }
        if (seen[id] == 0)
            unique++;
        else
            dups++;
        if (seen[id] < 255)
            seen[id]++;
    }
    (void)pthread_mutex_unlock(&lock);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *size, void **ctx)
{
    static const char ok[] = "0: Accepted for delivery";
    static const char bad[] = "Temporal failure, try again later.";
    const char *body = status < 300 ? ok : bad;
    struct MHD_Response *r;
    enum MHD_Result ret;

    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)data;
    if (*ctx == NULL) {
        *ctx = c;
        return MHD_YES;
    }
    if (*size) {
        *size = 0;
        return MHD_YES;
    }
    count(id_of(c));
    r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                        MHD_RESPMEM_PERSISTENT);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void report(void)
{
    size_t n, i, j = 0, best = 0;

    (void)pthread_mutex_lock(&lock);
    n = nreq < MAX_REQ ? nreq : MAX_REQ;
    /* Arrivals are nearly sorted (threads race by microseconds). */
    for (i = 0; i < n; i++) {
        while (arrivals[i] - arrivals[j] >= 1.0)
            j++;
        if (i - j + 1 > best)
            best = i - j + 1;
    }
    (void)printf("STUB %zu %zu %zu %zu %.3f %.3f\n", nreq, unique, dups, best,
                 n ? arrivals[0] : 0.0, n ? arrivals[n - 1] : 0.0);
    (void)fflush(stdout);
    (void)pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    sigset_t set;
    int sig = 0;

    if (argc < 2) {
        (void)fprintf(stderr, "usage: stubagg PORT [STATUS]\n");
        return 2;
    }
    if (argc > 2)
        status = (unsigned)strtoul(argv[2], NULL, 10);
    arrivals = calloc(MAX_REQ, sizeof(*arrivals));
    if (arrivals == NULL)
        return 1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)strtoul(argv[1], NULL, 10));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)sigemptyset(&set);
    (void)sigaddset(&set, SIGTERM);
    (void)sigaddset(&set, SIGINT);
    (void)sigaddset(&set, SIGUSR1);
    (void)pthread_sigmask(SIG_BLOCK, &set, NULL);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0,
                         NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                         MHD_OPTION_THREAD_POOL_SIZE, 2,
                         MHD_OPTION_CONNECTION_LIMIT, 2000, MHD_OPTION_END);
    if (d == NULL)
        return 1;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    (void)printf("%u\n", info ? info->port : 0);
    (void)fflush(stdout);
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        report();
        if (sig != SIGUSR1)
            break;
    }
    MHD_stop_daemon(d);
    return 0;
}
