/* main.c - diemtua: dispatch to a subcommand */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/util.h"
#include "common/banned.h"

#ifndef DIEMTUA_VERSION
#define DIEMTUA_VERSION "0.1.0"
#endif

static const struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"serve", "run the gateway (HTTP callbacks, outbox sender)", cmd_serve},
    {"import", "import a CSV export of the bank (communes, groups, ...)",
     cmd_import},
    {"pin", "set or unlock a leader's PIN (PIN read from stdin)", cmd_pin},
    {"officer", "accounts of the officers' web console (add, passwd, list)",
     cmd_officer},
    {"close-session", "after a session: unbooked receipts to UNPOSTED, alerts",
     cmd_close_session},
    {"export", "export a group's session list as CSV (Form 13/TD)", cmd_export},
    {"remind",
     "one pass of reminders, leader notes, overdue notices, "
     "statements",
     cmd_remind},
    {"campaign", "an advertising text ([QC]) to members who opted in",
     cmd_campaign},
    {"report", "KPIs per group, commune and union (table, CSV, JSON)",
     cmd_report},
    {"send", "queue one SMS from the operator (tests, manual answers)",
     cmd_send},
};

static void usage(FILE *out)
{
    size_t i;

    (void)fprintf(out, "usage: diemtua <command> [--config FILE] [args]\n"
                       "       diemtua <command> --help\n\ncommands:\n");
    for (i = 0; i < ARRAY_SIZE(commands); i++)
        (void)fprintf(out, "  %-14s %s\n", commands[i].name,
                      commands[i].summary);
}

int main(int argc, char **argv)
{
    size_t i;

    /* SQLite opens a small in-memory table for each row a CHECK (x IN
     * (...)) guards, and glibc gave the heap's top back to the kernel at
     * every free and took it again at the next row: page faults and TLB
     * flushes on every message written. Keep a few MB at the top. */
    (void)mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
    (void)mallopt(M_TOP_PAD, 1024 * 1024);

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        (void)printf("diemtua %s\n", DIEMTUA_VERSION);
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    (void)fprintf(stderr, "diemtua: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
