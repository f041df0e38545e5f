/* stub_aggregator.h - a loopback HTTP aggregator for integration tests
 *
 * Listens on 127.0.0.1 on a free port, records every request it gets and
 * answers from a script: a sequence of replies (status, body, delay),
 * the last one repeated once the sequence is used up, or a function
 * called for each request. Every accessor is thread-safe; the sender
 * under test runs in its own thread.
 *
 *   struct stub_reply seq[] = {
 *       {500, "oops", 0},
 *       {202, "0: Accepted for delivery", 2000},   (past the timeout)
 *       {202, "0: Accepted for delivery", 0},
 *   };
 *   struct stub_aggregator *s = stub_start();
 *   stub_script(s, seq, 3);
 *   ... point the client at stub_url(s) ...
 *   assert_true(stub_wait_count(s, 3, 5000));
 *   req = stub_get(s, 0);  -> method, path, query, headers, body, at
 *   stub_stop(s);
 *
 * A request counts (and gets its reply) once its body is fully read; its
 * arrival time is then taken from CLOCK_MONOTONIC (stub_now()).
 */
#ifndef DT_STUB_AGGREGATOR_H
#define DT_STUB_AGGREGATOR_H

#include <stdbool.h>
#include <stddef.h>

struct stub_aggregator;

struct stub_kv {
    char *key;
    char *val; /* URL-decoded */
};

/* One recorded request; immutable once recorded, valid until stub_stop. */
struct stub_request {
    size_t index; /* 0-based, in order of arrival */
    char *method;
    char *path;            /* without the query string */
    struct stub_kv *query; /* decoded query arguments */
    size_t nquery;
    struct stub_kv *headers;
    size_t nheaders;
    char *body; /* raw, NUL-terminated; "" when none */
    size_t body_len;
    double at; /* stub_now() at arrival */
};

struct stub_reply {
    unsigned status;   /* 0 is taken as 200 */
    const char *body;  /* NULL: empty; copied when the reply is sent */
    unsigned delay_ms; /* wait before answering (a timeout test) */
};

/* Called for each request (req->index counts them) on the stub's thread
 * for that connection; fills *out, whose body must stay valid until the
 * stub copies it right after the call. Several calls may run at once. */
typedef void (*stub_fn)(const struct stub_request *req, struct stub_reply *out,
                        void *arg);

/* NULL when the server cannot start (logged). The default script answers
 * 200 "OK" to everything. */
struct stub_aggregator *stub_start(void);
/* Stops the server (in-flight delays end at once), frees every record.
 * NULL-safe. */
void stub_stop(struct stub_aggregator *s);

unsigned stub_port(const struct stub_aggregator *s);
/* "http://127.0.0.1:PORT" (no trailing slash); borrowed. */
const char *stub_url(const struct stub_aggregator *s);

/* Replaces the script; the replies are copied. n == 0 restores the
 * default. The sequence is indexed by request index. */
void stub_script(struct stub_aggregator *s, const struct stub_reply *seq,
                 size_t n);
/* A function instead of a sequence (NULL restores the default). */
void stub_set_handler(struct stub_aggregator *s, stub_fn fn, void *arg);

size_t stub_count(struct stub_aggregator *s);
/* Waits until at least n requests have arrived; false after timeout_ms. */
bool stub_wait_count(struct stub_aggregator *s, size_t n, unsigned timeout_ms);
/* The i-th request, or NULL. Borrowed until stub_stop. */
const struct stub_request *stub_get(struct stub_aggregator *s, size_t i);

/* The value of a query argument or a header (name case-insensitive), or
 * NULL when absent; borrowed from the request. stub_req_form decodes a
 * field of an x-www-form-urlencoded body into out[size] (cut to fit) and
 * returns out, or NULL when absent. */
const char *stub_req_query(const struct stub_request *r, const char *key);
const char *stub_req_header(const struct stub_request *r, const char *name);
const char *stub_req_form(const struct stub_request *r, const char *key,
                          char *out, size_t size);

/* CLOCK_MONOTONIC in seconds. */
double stub_now(void);

#endif
