/* cmd_serve.c - placeholder until the HTTP server lands */
#include <stdio.h>

#include "cli/cli.h"
#include "common/banned.h"

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    (void)fprintf(stderr, "diemtua serve: not built yet\n");
    return 1;
}
