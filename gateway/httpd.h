/* httpd.h - the HTTP front: libmicrohttpd, routing, limits, status codes
 *
 * Routes (anything else 404; a known path with the wrong method 405 with
 * an Allow header):
 *   GET|POST /v1/{provider}/sms   inbound SMS      -> writer
 *   GET|POST /v1/{provider}/dlr   delivery report  -> writer
 *   POST     /v1/{provider}/ussd  one USSD hop (gateway/ussd.h; 404 for a
 *                                 provider without a USSD dialect)
 *   GET      /healthz             JSON, 503 when the database fails
 *   GET      /metrics             Prometheus text
 * An unknown provider, or one whose section is not configured, is 404.
 * A callback is authenticated before anything else (403, no detail, no
 * effect), then parsed (400). Bodies larger than max_body get 413; only
 * application/x-www-form-urlencoded bodies are decoded (multipart 415).
 * This file is the only place that maps gw_err to an HTTP status.
 */
#ifndef DT_HTTPD_H
#define DT_HTTPD_H

#include <stdbool.h>

#include "common/err.h"
#include "config/config.h"
#include "gateway/inbound.h"
#include "gateway/writer.h"

struct httpd;

/* Starts the daemon on cfg->bind:cfg->port (port 0: an ephemeral port)
 * with its own read-only database connection for /healthz and /metrics.
 * cfg, writer and in are borrowed until httpd_stop(). *out is NULL on
 * failure (logged). */
gw_err httpd_start(const struct dt_config *cfg, struct writer *writer,
                   struct inbound *in, struct httpd **out);

/* The port actually bound. */
unsigned httpd_port(const struct httpd *h);

/* Stops accepting connections; open ones are still served. */
void httpd_quiesce(struct httpd *h);

/* Waits until no request is in progress or timeout_ms passed; true when
 * idle. */
bool httpd_wait_idle(struct httpd *h, unsigned timeout_ms);

/* Closes every connection and frees h. NULL-safe. */
void httpd_stop(struct httpd *h);

#endif
