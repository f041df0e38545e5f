/* server.c - start and stop the gateway's parts in the right order */
#include <stdlib.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "db/db_msg.h"
#include "gateway/httpd.h"
#include "gateway/server.h"
#include "gateway/writer.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "common/banned.h"

/* How long a stop waits for requests in flight before closing them. */
#define SERVER_DRAIN_MS 10000

struct server {
    const struct dt_config *cfg;
    struct handler_ctx ctx;
    struct templates tpl;
    struct inbound *in;
    struct writer *writer;
    struct httpd *httpd;
};

/* SENDING rows left by a crash go back to the queue before the sender
 * starts: each may be a duplicate at the phone, so it is counted. */
static gw_err recover_outbox(const char *path)
{
    struct db *db = NULL;
    size_t requeued = 0;
    gw_err err = db_open(path, &db);

    if (err == GW_OK)
        err = db_outbox_recover(db, &requeued);
    db_close(db);
    if (err == GW_OK && requeued)
        log_warn("server",
                 "%zu messages were being sent at the last stop: "
                 "requeued (possible duplicates)",
                 requeued);
    return err;
}

/* A template that could pass one segment stops start-up here. */
static gw_err load_templates(const struct dt_config *cfg, struct templates *tpl)
{
    char msg[512];
    gw_err err = templates_load(cfg->templates, tpl, msg, sizeof(msg));

    if (err) {
        log_error("server", "%s", msg);
        return err;
    }
    err = templates_set_brand(tpl, cfg->brand, cfg->hotline);
    if (err)
        log_error("server", "brand '%s' or hotline '%s' refused", cfg->brand,
                  cfg->hotline);
    return err;
}

gw_err server_start_opts(const struct dt_config *cfg,
                         const struct server_opts *opts, struct server **out)
{
    struct server *srv = xcalloc(1, sizeof(*srv));
    inbound_handler_fn handle =
        opts && opts->handle ? opts->handle : handle_sms;
    gw_err err;

    *out = NULL;
    srv->cfg = cfg;
    srv->ctx.cfg = cfg;
    srv->ctx.tpl = &srv->tpl;
    err = load_templates(cfg, &srv->tpl);
    if (err == GW_OK)
        err = recover_outbox(cfg->db_path);
    if (err == GW_OK)
        err = writer_start(cfg->db_path, NULL /* outbox_notify */, NULL,
                           &srv->writer);
    if (err == GW_OK) {
        srv->in = inbound_new(&srv->ctx, cfg->per_number_per_hour, handle);
        err = httpd_start(cfg, srv->writer, srv->in, &srv->httpd);
    }
    if (err) {
        server_stop(srv);
        return err;
    }
    log_info("server", "listening on %s:%u",
             cfg->bind[0] ? cfg->bind : "127.0.0.1", httpd_port(srv->httpd));
    *out = srv;
    return GW_OK;
}

gw_err server_start(const struct dt_config *cfg, struct server **out)
{
    return server_start_opts(cfg, NULL, out);
}

unsigned server_port(const struct server *srv)
{
    return httpd_port(srv->httpd);
}

void server_stop(struct server *srv)
{
    if (srv == NULL)
        return;
    if (srv->httpd) {
        httpd_quiesce(srv->httpd);
        if (!httpd_wait_idle(srv->httpd, SERVER_DRAIN_MS))
            log_warn("server", "requests still open after %u ms: closing",
                     SERVER_DRAIN_MS);
    }
    /* The writer commits whatever it holds before it returns. */
    writer_stop(srv->writer);
    httpd_stop(srv->httpd);
    inbound_free(srv->in);
    templates_release(&srv->tpl);
    free(srv);
    log_info("server", "stopped");
}
