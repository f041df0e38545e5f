/* args.h - the option loop the subcommands share
 *
 * Every subcommand takes --help/-h, usually --config FILE and --db PATH,
 * and a few options of its own. A subcommand lists its options in a
 * table of cli_opt pointing into its own argument struct; cli_args_parse
 * walks argv once, left to right, and fills them. The strings stored are
 * argv's own (not copied): they live as long as argv.
 */
#ifndef DT_CLI_ARGS_H
#define DT_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One option: a value option stores the next argument in *value (only
 * when there is a next argument); a flag (value NULL) sets *flag. */
struct cli_opt {
    const char *name; /* "--db" */
    const char **value;
    bool *flag;
};

struct cli_spec {
    const char *cmd;            /* the subcommand's name, for messages */
    void (*usage)(FILE *out);   /* printed to stdout for --help or -h */
    const struct cli_opt *opts; /* ended by an entry with a NULL name */
    /* Called for an argument no option takes (including a value option
     * with nothing after it): may read argv[*i] and advance *i past what
     * it consumes; returns 0 to go on or 2 after printing a usage error.
     * NULL: every such argument is a "bad argument" error. */
    int (*other)(int argc, char **argv, int *i, void *ctx);
    void *ctx;
};

/* Walks argv[1..argc-1] in order. 0 when every argument was taken, or
 * when --help or -h came first: then usage is printed, the rest is not
 * read and *done is set to 1 (else 0). 2 on a usage error (printed to
 * stderr). */
int cli_args_parse(int argc, char **argv, const struct cli_spec *spec,
                   int *done);

/* For a cli_spec other callback taking positional arguments: arg goes in
 * the first of the n slots still NULL. An option ("-x") is a "bad option"
 * and one more than n is "too many arguments" (both print and return 2);
 * else 0. The slots point into the caller's argument struct. */
int cli_args_positional(const char *cmd, const char *arg, const char **slots[],
                        size_t n);

/* Prints "diemtua CMD: bad WHAT 'ARG'" to stderr and returns 2; what is
 * "argument" or "option". */
int cli_args_bad(const char *cmd, const char *what, const char *arg);

#endif
