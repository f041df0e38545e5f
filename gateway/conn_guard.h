/* conn_guard.h - the request-head deadline and the connection limit
 *
 * libmicrohttpd's idle timeout restarts with every byte, so a client that
 * trickles one header line every few seconds keeps its connection (and a
 * slot of the limit) forever, and a few hundred such clients stop all
 * service. The guard tracks every connection from accept: a request head
 * (request line and headers) must be complete within head_timeout
 * seconds of its start, however it trickles, or the connection is shut
 * down. At the connection limit a new connection makes room by shutting
 * down the oldest one that has not finished its head; only when every
 * connection is busy with a request is the new one refused. Both are
 * counted in /metrics. A connection is shut down with shutdown(2) on its
 * socket: libmicrohttpd then sees the end of the stream on its own thread
 * and closes it (the fd stays registered until it is closed, so it is
 * never one reused by another connection).
 */
#ifndef DT_CONN_GUARD_H
#define DT_CONN_GUARD_H

#include <microhttpd.h>

struct conn_guard;

/* limit: connections at most; head_timeout: seconds (0 = 10). Starts a
 * reaper thread; NULL when it cannot. */
struct conn_guard *conn_guard_new(unsigned limit, unsigned head_timeout);
/* Stops the reaper. Call after MHD_stop_daemon (no callbacks run). */
void conn_guard_free(struct conn_guard *g);

/* MHD_OPTION_NOTIFY_CONNECTION, cls = the guard. */
void conn_guard_notify(void *cls, struct MHD_Connection *conn,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode code);
/* The access handler's first call for a request: its head is complete. */
void conn_guard_head_done(struct MHD_Connection *conn);
/* A request ended (MHD_OPTION_NOTIFY_COMPLETED): a keep-alive connection
 * starts waiting for its next head now. */
void conn_guard_request_done(struct MHD_Connection *conn);

#endif
