/* args.c - the option loop the subcommands share */
#include <stddef.h>
#include <string.h>

#include "cli/args.h"
#include "common/banned.h"

int cli_args_bad(const char *cmd, const char *what, const char *arg)
{
    (void)fprintf(stderr, "diemtua %s: bad %s '%s'\n", cmd, what, arg);
    return 2;
}

int cli_args_positional(const char *cmd, const char *arg, const char **slots[],
                        size_t n)
{
    size_t k;

    if (arg[0] == '-' && arg[1] != '\0')
        return cli_args_bad(cmd, "option", arg);
    for (k = 0; k < n; k++) {
        if (*slots[k] == NULL) {
            *slots[k] = arg;
            return 0;
        }
    }
    (void)fprintf(stderr, "diemtua %s: too many arguments\n", cmd);
    return 2;
}

/* The option named s, or NULL; a value option counts only when a value
 * follows it (more). */
static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *s,
                                      bool more)
{
    for (; opts->name != NULL; opts++)
        if (strcmp(s, opts->name) == 0 && (opts->value == NULL || more))
            return opts;
    return NULL;
}

int cli_args_parse(int argc, char **argv, const struct cli_spec *spec,
                   int *done)
{
    int i, rc;

    *done = 0;
    for (i = 1; i < argc; i++) {
        const char *s = argv[i];
        const struct cli_opt *o = find_opt(spec->opts, s, i + 1 < argc);

        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            spec->usage(stdout);
            *done = 1;
            return 0;
        }
        if (o != NULL && o->value != NULL) {
            *o->value = argv[++i];
        } else if (o != NULL) {
            *o->flag = true;
        } else if (spec->other == NULL) {
            return cli_args_bad(spec->cmd, "argument", s);
        } else {
            rc = spec->other(argc, argv, &i, spec->ctx);
            if (rc)
                return rc;
        }
    }
    return 0;
}
