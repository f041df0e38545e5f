/* cli.h - the subcommands of the diemtua binary
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` with argv[0] the
 * subcommand name; it returns the process exit status (0 ok, 1 failure,
 * 2 usage error). Each takes --help and --config FILE.
 */
#ifndef DT_CLI_H
#define DT_CLI_H

#include "config/config.h"

int cmd_serve(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_remind(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Loads the configuration for a subcommand: path if not NULL, else the
 * file named by $DIEMTUA_CONFIG, else the built-in defaults. Prints the
 * error and returns 1 on failure, 0 on success. */
int cli_load_config(const char *path, struct dt_config *cfg);

#endif
