/* server.h - the whole gateway in one object: writer, HTTP, sender
 *
 * `diemtua serve` and the integration tests both run it:
 *
 *   struct server *srv;
 *   if (server_start(&cfg, &srv) == GW_OK) {
 *       ... server_port(srv) ...
 *       server_stop(srv);
 *   }
 */
#ifndef DT_SERVER_H
#define DT_SERVER_H

#include <stdbool.h>

#include "common/err.h"
#include "config/config.h"
#include "gateway/inbound.h"

struct server;

/* Test seams; zero for the real thing. */
struct server_opts {
    inbound_handler_fn handle; /* NULL: handle_sms */
    /* Run the reminder scheduler (gateway/scheduler.h). server_start()
     * does; tests that count outbox rows leave it off, since a pass in
     * the service hours would queue statements beside them. */
    bool scheduler;
    /* The console's clock (Unix seconds); NULL: time(). */
    int64_t (*console_clock)(void);
};

/* Opens (and migrates) cfg->db_path, requeues messages a crash left
 * SENDING, starts the writer, the HTTP daemon and (server_start, or
 * opts->scheduler) the reminder scheduler. cfg is borrowed until
 * server_stop(). *out is NULL on failure (logged). */
gw_err server_start(const struct dt_config *cfg, struct server **out);
gw_err server_start_opts(const struct dt_config *cfg,
                         const struct server_opts *opts, struct server **out);

/* The HTTP port actually bound (cfg port 0 picks one). */
unsigned server_port(const struct server *srv);

/* Graceful stop: no new connections, requests in flight finish (the
 * writer commits what it holds), then everything is closed and srv freed.
 * NULL-safe. */
void server_stop(struct server *srv);

#endif
