/* cmd_import.c - diemtua import: load one CSV export of the bank */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "db/db_home.h"
#include "text/date.h"
#include "cli/import.h"
#include "common/util.h"
#include "db/db.h"
#include "common/banned.h"

static void import_usage(FILE *out)
{
    int k;

    (void)fprintf(out,
                  "usage: diemtua import [--config FILE] [--db PATH] KIND "
                  "FILE.csv\n\n"
                  "Imports one CSV file (UTF-8, header row) in one "
                  "transaction: rows are\n"
                  "upserted by their code; if any row is bad, every bad row "
                  "is reported\n"
                  "as FILE:LINE: column: reason and nothing is changed.\n"
                  "Dates are YYYY-MM-DD, amounts whole VND, rates basis "
                  "points a month.\n"
                  "Import in this order: communes, groups, members, loans, "
                  "savings,\npostings.\n\n"
                  "  --config FILE  configuration (default $DIEMTUA_CONFIG)\n"
                  "  --db PATH      database (default [database] path)\n\n"
                  "kinds and their columns:\n");
    for (k = 0; k < IMPORT_KIND_COUNT; k++)
        (void)fprintf(out, "  %-9s %s\n", import_kind_name((enum import_kind)k),
                      import_kind_header((enum import_kind)k));
    (void)fprintf(out,
                  "\nsession_day 1-28; seq 1-999; monthly_rate_bp 0-10000;\n"
                  "role member|leader; reminders, campaigns 0|1;\n"
                  "status current|overdue|extended|frozen|closed;\n"
                  "next_principal_on may be empty. Phones in any Vietnamese "
                  "form (0..., 84...,\n+84..., old 11-digit numbers) are "
                  "stored as E.164; names are stored NFC.\n");
}

struct import_args {
    const char *config;
    const char *db;
    const char *kind;
    const char *file;
};

/* A positional argument: KIND then FILE; options other than
 * --config and --db are refused. */
static int import_other(int argc, char **argv, int *i, void *ctx)
{
    struct import_args *a = ctx;
    const char **slots[] = {&a->kind, &a->file};

    (void)argc;
    return cli_args_positional("import", argv[*i], slots, ARRAY_SIZE(slots));
}

/* 0 to go on, else the exit status (help: 0 with *done set). */
static int parse_args(int argc, char **argv, struct import_args *a, int *done)
{
    const struct cli_opt opts[] = {
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"import", import_usage, opts, import_other,
                                  a};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    if (a->kind == NULL || a->file == NULL) {
        (void)fprintf(stderr, "diemtua import: %s\n",
                      a->kind ? "missing FILE.csv" : "missing KIND");
        return 2;
    }
    return 0;
}

static int run_import(const char *db_path, enum import_kind kind,
                      const char *file)
{
    struct import_result res;
    struct db *db = NULL;
    gw_err err;

    if (db_open(db_path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua import: cannot open database %s\n",
                      db_path);
        return 1;
    }
    err = import_file(db, kind, file, stderr, (int64_t)time(NULL), &res);
    /* The bank's loans as of this session: the overdue ratio's history
     * (the console's charts). A failure here loses a chart point only. */
    if (err == GW_OK && kind == IMPORT_LOANS) {
        int64_t now = (int64_t)time(NULL);
        struct dt_date d = date_local((time_t)now, NULL);
        char today[DT_DATE_SIZE];

        date_format_iso(&d, today, sizeof(today));
        if (db_kpi_snapshot(db, today, now) != GW_OK)
            (void)fprintf(stderr, "diemtua import: the KPI history was not "
                                  "kept for this import\n");
    }
    db_close(db);
    if (err == GW_OK) {
        (void)printf("%s: %zu rows imported (%s)\n", file, res.rows,
                     import_kind_name(kind));
        return 0;
    }
    if (err == GW_EINVAL)
        (void)fprintf(stderr, "%s: %zu bad rows of %zu, nothing imported\n",
                      file, res.bad_rows, res.rows);
    else
        (void)fprintf(stderr, "%s: import failed (%s), nothing imported\n",
                      file, gw_strerror(err));
    return 1;
}

/* Booked receipts become POSTED and their members are told: a second
 * transaction, after the bank's data is in (handlers/collect.h). */
static int apply_postings(const char *db_path, const struct dt_config *cfg)
{
    struct db *db = NULL;
    int rc;

    if (db_open(db_path, &db) != GW_OK)
        return 1;
    rc = cli_apply_postings(db, cfg);
    db_close(db);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct import_args a;
    enum import_kind kind;
    const char *db_path;
    int done, rc;

    if ((rc = parse_args(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua import --help'\n");
        return rc;
    }
    if (!import_kind_parse(a.kind, &kind)) {
        (void)fprintf(stderr,
                      "diemtua import: unknown kind '%s'\n"
                      "try 'diemtua import --help'\n",
                      a.kind);
        return 2;
    }
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    db_path = a.db ? a.db : cfg.db_path;
    if (db_path[0] == '\0') {
        (void)fprintf(stderr, "diemtua import: no database: give --db PATH "
                              "or set [database] path\n");
        return 2;
    }
    rc = run_import(db_path, kind, a.file);
    if (rc == 0 && kind == IMPORT_POSTINGS)
        rc = apply_postings(db_path, &cfg);
    return rc;
}
