/* cli_config.c - the configuration a subcommand runs with */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/banned.h"

int cli_load_config(const char *path, struct dt_config *cfg)
{
    char err[1024];

    if (path == NULL)
        path = getenv("DIEMTUA_CONFIG");
    if (path == NULL || path[0] == '\0') {
        config_defaults(cfg);
        return 0;
    }
    if (config_load(path, cfg, err, sizeof(err)) != GW_OK) {
        (void)fprintf(stderr, "diemtua: %s\n", err);
        return 1;
    }
    log_set_level((enum log_level)cfg->log_level);
    return 0;
}
