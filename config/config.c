/* config.c - placeholder until the loader lands */
#include <string.h>

#include "config/config.h"
#include "common/banned.h"

void config_defaults(struct dt_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->port = 8080;
}

gw_err config_load(const char *path, struct dt_config *cfg, char *err,
                   size_t errsize)
{
    (void)path;
    (void)err;
    (void)errsize;
    config_defaults(cfg);
    return GW_OK;
}

const struct cfg_provider *config_provider(const struct dt_config *cfg,
                                           const char *name)
{
    (void)cfg;
    (void)name;
    return NULL;
}
