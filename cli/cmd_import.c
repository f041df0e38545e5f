/* cmd_import.c - placeholder until the importer lands */
#include <stdio.h>

#include "cli/cli.h"
#include "common/banned.h"

int cmd_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    (void)fprintf(stderr, "diemtua import: not built yet\n");
    return 1;
}
