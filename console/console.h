/* console.h - the officers' web console, a listener of `diemtua serve`
 *
 * Its own libmicrohttpd daemon on [console] bind:port, its own database
 * connection, pages rendered on the server (console/html.h), no script.
 * An officer logs in (console/auth.c), sees the queue of every payment of
 * her communes that needs a person and resolves items
 * (console/pages_queue.c); the member hears back by SMS through the
 * outbox, like every other message.
 */
#ifndef DT_CONSOLE_H
#define DT_CONSOLE_H

#include <stdint.h>

#include "common/err.h"
#include "config/config.h"

struct console;
struct templates;
struct phrases;

struct console_deps {
    const struct dt_config *cfg;
    const struct templates *tpl;
    /* Wakes the outbox sender after a resolution queued an SMS. */
    void (*notify)(void *cls);
    void *notify_cls;
    /* The messages the sender counted today against the daily budget;
     * NULL: unknown. cls is notify_cls. */
    uint64_t (*sent_today)(void *cls);
    /* People's own words, as the SMS handlers read them (simulator). */
    const struct phrases *phrases;
    /* The clock (Unix seconds); NULL: time(). Tests move it. */
    int64_t (*clock)(void);
};

/* Starts the console when [console] port is set (else *out is NULL and
 * GW_OK). GW_EIO when the port cannot be bound. */
gw_err console_start(const struct console_deps *deps, struct console **out);
void console_stop(struct console *c);

#endif
