/* cmd_serve.c - diemtua serve: run the gateway until SIGTERM or SIGINT */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "db/db.h"
#include "gateway/server.h"
#include "common/banned.h"

static void serve_usage(FILE *out)
{
    (void)fprintf(out,
                  "usage: diemtua serve [--config FILE]\n\n"
                  "Runs the gateway: the HTTP callbacks of the configured "
                  "providers,\n/healthz and /metrics, and the outbox "
                  "sender. Stops cleanly on\nSIGTERM or SIGINT: requests in "
                  "flight finish, queued messages stay\nin the outbox.\n\n"
                  "  --config FILE  configuration (default: "
                  "$DIEMTUA_CONFIG, else built-in)\n"
                  "  --help         this text\n");
}

/* 0 ok, 2 usage error; *help set for --help. */
static int parse_args(int argc, char **argv, const char **config, int *help)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            *help = 1;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            *config = argv[++i];
        } else {
            (void)fprintf(stderr, "diemtua serve: unexpected '%s'\n", argv[i]);
            return 2;
        }
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    struct dt_config cfg;
    struct server *srv = NULL;
    const char *config = NULL;
    sigset_t set;
    int help = 0, sig = 0, rc;

    rc = parse_args(argc, argv, &config, &help);
    if (rc || help) {
        serve_usage(rc ? stderr : stdout);
        return rc;
    }
    if (cli_load_config(config, &cfg) != 0)
        return 1;
    log_set_level((enum log_level)cfg.log_level);
    /* A missing or damaged file is the operator's to fix: never serve
     * from a new, empty database that would answer every member "not
     * found" and lose nothing visibly. */
    if (db_check_start(cfg.db_path) != GW_OK)
        return 1;
    /* Every thread started from here inherits the mask: the signals are
     * taken only by sigwait() below, so no work ever runs in a handler. */
    (void)sigemptyset(&set);
    (void)sigaddset(&set, SIGTERM);
    (void)sigaddset(&set, SIGINT);
    (void)pthread_sigmask(SIG_BLOCK, &set, NULL);
    (void)signal(SIGPIPE, SIG_IGN);
    if (server_start(&cfg, &srv) != GW_OK) {
        log_error("server", "start-up failed");
        return 1;
    }
    while (sigwait(&set, &sig) != 0)
        ;
    log_info("server", "signal %d: stopping", sig);
    server_stop(srv);
    return 0;
}
