/* loadgen.c - an aggregator that posts inbound SMS and remembers answers
 *
 *   loadgen BASE_URL TOKEN PHONES PREFIX N CONC RETRY DEADLINE_S OUT [RATE]
 *
 * Sends N inbound SMS in Kannel's get-url shape (id PREFIX-i, sender
 * drawn from the PHONES file, text SD) with CONC transfers in flight
 * (libcurl multi, 5 s timeout each). Every answer is written to OUT as
 * "i status latency_us" (status 0: no answer). With RETRY=1 it behaves
 * like an at-least-once aggregator: a message without a 2xx is sent
 * again 200 ms later until it gets one or DEADLINE_S passes. RATE (new
 * messages a second, default unlimited) spreads the load over time. Prints
 *
 *   LOADGEN sent ok non2xx noanswer unacked p50_us p99_us
 *
 * where unacked counts messages that never got a 2xx. With LOADGEN_USSD=1
 * in the environment each request is a USSD hop instead, Africa's
 * Talking's form POST to /v1/africastalking/ussd: even requests open a
 * session (text ""), odd ones choose item 1 in the previous session.
 * With LOADGEN_MSGS=FILE, message i is line i of FILE (modulo its length),
 * "PHONE TEXT" with TEXT already URL-encoded (e.g. GTK+5+20000+1234):
 * the fault test's leaders' money commands.
 * Bench and fault
 * test code: not part of the product.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct xfer {
    long msg;
    double start;
};

static double now_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t sz, size_t n, void *u)
{
    (void)p;
    (void)u;
    return sz * n;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *base, *token, *prefix;
    long n, conc, next = 0, sent = 0, ok = 0, non2 = 0, noans = 0, unacked;
    long nphones = 0, i, *retry_q, rq_head = 0, rq_tail = 0;
    double *retry_at, *lat, deadline, t0, rate;
    char(*phones)[64] = NULL, (*texts)[128] = NULL, line[256], url[1024];
    const char *msgs = getenv("LOADGEN_MSGS");
    unsigned char *acked;
    int retry, running = 0, ussd = getenv("LOADGEN_USSD") != NULL;
    char form[512];
    size_t nlat = 0;
    CURLM *m;
    FILE *f, *out;

    if (argc != 10 && argc != 11) {
        (void)fprintf(stderr, "usage: loadgen BASE_URL TOKEN PHONES PREFIX N "
                              "CONC RETRY DEADLINE_S OUT [RATE]\n");
        return 2;
    }
    base = argv[1];
    token = argv[2];
    prefix = argv[4];
    n = strtol(argv[5], NULL, 10);
    conc = strtol(argv[6], NULL, 10);
    retry = (int)strtol(argv[7], NULL, 10);
    t0 = now_s();
    deadline = t0 + strtod(argv[8], NULL);
    rate = argc == 11 ? strtod(argv[10], NULL) : 0.0;
    f = fopen(argv[3], "r");
    out = fopen(argv[9], "w");
    if (f == NULL || out == NULL || n < 1 || conc < 1)
        return 2;
    if (msgs != NULL) {
        (void)fclose(f);
        f = fopen(msgs, "r");
        if (f == NULL)
            return 2;
    }
    while (fgets(line, sizeof(line), f)) {
        char *sp;

        phones = realloc(phones, (size_t)(nphones + 1) * sizeof(*phones));
        texts = realloc(texts, (size_t)(nphones + 1) * sizeof(*texts));
        if (phones == NULL || texts == NULL)
            return 1;
        line[strcspn(line, "\n")] = '\0';
        sp = strchr(line, ' ');
        (void)snprintf(texts[nphones], sizeof(texts[0]), "%s",
                       msgs != NULL && sp != NULL ? sp + 1 : "SD");
        if (sp != NULL && msgs != NULL)
            *sp = '\0';
        (void)snprintf(phones[nphones++], sizeof(phones[0]), "%.63s", line);
    }
    (void)fclose(f);
    acked = calloc((size_t)n, 1);
    retry_q = calloc((size_t)n + 1, sizeof(*retry_q));
    retry_at = calloc((size_t)n + 1, sizeof(*retry_at));
    lat = calloc((size_t)n * 4 + 16, sizeof(*lat));
    if (!nphones || !acked || !retry_q || !retry_at || !lat)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m = curl_multi_init();

    for (;;) {
        CURLMsg *msg;
        int left;

        /* Start transfers: retries that are due first, then new ones. */
        while (running < conc && now_s() < deadline) {
            long k;
            CURL *e;
            struct xfer *x;

            if (rq_head != rq_tail && retry_at[rq_head % (n + 1)] <= now_s()) {
                k = retry_q[rq_head % (n + 1)];
                rq_head++;
            } else if (next < n &&
                       (rate <= 0 || (double)next < rate * (now_s() - t0))) {
                k = next++;
            } else {
                break;
            }
            (void)snprintf(url, sizeof(url),
                           "%s/v1/kannel/sms?token=%s&id=%s-%ld&from=%%2B%s"
                           "&to=8085&text=%s",
                           base, token, prefix, k,
                           phones[k % nphones] +
                               (phones[k % nphones][0] == '+'),
                           texts[k % nphones]);
            e = curl_easy_init();
            x = malloc(sizeof(*x));
            if (!e || !x)
                return 1;
            x->msg = k;
            x->start = now_s();
            if (ussd) {
                (void)snprintf(url, sizeof(url),
                               "%s/v1/africastalking/ussd?token=%s", base,
                               token);
                (void)snprintf(form, sizeof(form),
                               "sessionId=%s-%ld&serviceCode=%%2A384%%23&"
                               "phoneNumber=%%2B%s&networkCode=45204&text=%s",
                               prefix, k / 2,
                               phones[(k / 2) % nphones] +
                                   (phones[(k / 2) % nphones][0] == '+'),
                               k % 2 ? "1" : "");
                curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, form);
            }
            curl_easy_setopt(e, CURLOPT_URL, url);
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
            curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(e, CURLOPT_PRIVATE, x);
            curl_multi_add_handle(m, e);
            running++;
            sent++;
        }
        if (running == 0 &&
            (now_s() >= deadline || (next >= n && rq_head == rq_tail)))
            break;
        curl_multi_perform(m, &left);
        curl_multi_poll(m, NULL, 0, 20, NULL);
        curl_multi_perform(m, &left);
        while ((msg = curl_multi_info_read(m, &left))) {
            struct xfer *x;
            long status = 0;
            double us;

            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            if (msg->data.result == CURLE_OK)
                curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
                                  &status);
            us = (now_s() - x->start) * 1e6;
            (void)fprintf(out, "%ld %ld %.0f\n", x->msg, status, us);
            if (status >= 200 && status < 300) {
                ok++;
                acked[x->msg] = 1;
                lat[nlat++] = us;
            } else {
                if (status)
                    non2++;
                else
                    noans++;
                if (retry && rq_tail - rq_head < n) {
                    retry_q[rq_tail % (n + 1)] = x->msg;
                    retry_at[rq_tail % (n + 1)] = now_s() + 0.2;
                    rq_tail++;
                }
            }
            curl_multi_remove_handle(m, msg->easy_handle);
            curl_easy_cleanup(msg->easy_handle);
            free(x);
            running--;
            if (nlat >= (size_t)n * 4 + 16)
                nlat--;
        }
    }
    for (unacked = 0, i = 0; i < n; i++)
        unacked += !acked[i];
    qsort(lat, nlat, sizeof(*lat), cmp);
    (void)printf("LOADGEN %ld %ld %ld %ld %ld %.0f %.0f\n", sent, ok, non2,
                 noans, unacked, nlat ? lat[nlat / 2] : 0.0,
                 nlat ? lat[nlat * 99 / 100] : 0.0);
    (void)fclose(out);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return 0;
}
