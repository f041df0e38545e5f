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
int cmd_pin(int argc, char **argv);
int cmd_officer(int argc, char **argv);
int cmd_close_session(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_remind(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_send(int argc, char **argv);

/* Loads the configuration for a subcommand: path if not NULL, else the
 * file named by $DIEMTUA_CONFIG, else the built-in defaults. Prints the
 * error and returns 1 on failure, 0 on success. */
int cli_load_config(const char *path, struct dt_config *cfg);

struct templates;
struct db;
/* Loads cfg's message templates with its brand and hotline into tpl
 * (release with templates_release). Prints the error and returns 1 on
 * failure, 0 on success. */
int cli_load_templates(const struct dt_config *cfg, struct templates *tpl);
/* After a postings import: booked receipts become POSTED and their
 * members' messages are queued, in a transaction of its own. Prints what
 * it did; returns 0, or 1 on failure (logged). */
int cli_apply_postings(struct db *db, const struct dt_config *cfg);

#endif
