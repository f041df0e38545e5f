/* server.c - start and stop the gateway's parts in the right order */
#include <stdlib.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/httpd.h"
#include "gateway/metrics.h"
#include "gateway/outbox.h"
#include "gateway/scheduler.h"
#include "gateway/server.h"
#include "gateway/writer.h"
#include "db/db.h"
#include "db/db_msg.h"
#include "console/console.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/template.h"
#include "common/banned.h"

/* How long a stop waits for requests in flight before closing them. */
#define SERVER_DRAIN_MS 10000

struct server {
    const struct dt_config *cfg;
    struct handler_ctx ctx;
    struct templates tpl;
    struct phrases phrases;
    struct inbound *in;
    struct outbox *outbox;
    struct writer *writer;
    struct httpd *httpd;
    struct console *console;
    struct scheduler *sched;
};

/* The writer wakes the sender after each commit that queued messages. */
static void notify_sender(void *cls)
{
    outbox_notify(cls);
}

/* /metrics appends the sender's own counters and latency histogram. */
static void sender_metrics(void *cls, struct buf *out)
{
    struct outbox_metrics m;

    outbox_metrics(cls, &m);
    outbox_metrics_render(&m, out);
    /* The union KPIs and reminder counters (a cache: no database read). */
    scheduler_metrics(out);
}

/* The training communes of the configuration, marked in the store
 * before anything is queued: nothing for them ever leaves. */
static gw_err sync_training(const struct dt_config *cfg)
{
    struct db *db = NULL;
    gw_err err = db_open(cfg->db_path, &db);

    if (err == GW_OK)
        err = db_training_set(db, cfg->console_training);
    if (err)
        log_error("server", "training communes not set: %s", gw_strerror(err));
    db_close(db);
    return err;
}

/* The console's delivery page: the day's count the budget holds. */
static uint64_t sent_today(void *cls)
{
    struct outbox_metrics m;

    outbox_metrics(cls, &m);
    return m.sent_today;
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
    srv->ctx.phrases = &srv->phrases;
    err = load_templates(cfg, &srv->tpl);
    if (err == GW_OK)
        err = phrases_start(cfg->phrases, "server", &srv->phrases);
    if (err == GW_OK)
        err = sync_training(cfg);
    /* The sender first: it requeues what a crash left SENDING (counted as
     * possible duplicates) before anything new is queued. */
    if (err == GW_OK)
        err = outbox_start(cfg, cfg->db_path, &srv->outbox);
    if (err == GW_OK) {
        metrics_set_extra(sender_metrics, srv->outbox);
        err = writer_start(cfg->db_path, notify_sender, srv->outbox,
                           &srv->writer);
    }
    if (err == GW_OK) {
        srv->in = inbound_new(&srv->ctx, cfg->per_number_per_hour, handle);
        inbound_set_leader_limit(srv->in, cfg->leader_per_hour);
        err = httpd_start(cfg, srv->writer, srv->in, &srv->httpd);
    }
    if (err == GW_OK) {
        struct console_deps cd = {cfg,
                                  &srv->tpl,
                                  notify_sender,
                                  srv->outbox,
                                  sent_today,
                                  &srv->phrases,
                                  opts ? opts->console_clock : NULL};

        err = console_start(&cd, &srv->console);
    }
    if (err == GW_OK && opts && opts->scheduler) {
        struct scheduler_opts so = {0, notify_sender, srv->outbox, NULL};

        err = scheduler_start(cfg, &so, &srv->sched);
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
    static const struct server_opts real = {NULL, true, NULL};

    return server_start_opts(cfg, &real, out);
}

unsigned server_port(const struct server *srv)
{
    return httpd_port(srv->httpd);
}

void server_stop(struct server *srv)
{
    if (srv == NULL)
        return;
    console_stop(srv->console);
    if (srv->httpd) {
        httpd_quiesce(srv->httpd);
        if (!httpd_wait_idle(srv->httpd, SERVER_DRAIN_MS))
            log_warn("server", "requests still open after %u ms: closing",
                     SERVER_DRAIN_MS);
    }
    /* A pass in progress finishes its commune's transaction first. */
    scheduler_stop(srv->sched);
    /* The writer commits whatever it holds before it returns. A kept-alive
     * connection can still bring a request until httpd_stop(): the stopped
     * writer refuses it (503), so the writer is freed only after. */
    writer_stop(srv->writer);
    httpd_stop(srv->httpd);
    writer_free(srv->writer);
    /* Queued messages stay in the outbox for the next start. */
    metrics_set_extra(NULL, NULL);
    outbox_stop(srv->outbox);
    inbound_free(srv->in);
    templates_release(&srv->tpl);
    phrases_release(&srv->phrases);
    free(srv);
    log_info("server", "stopped");
}
