/* cmd_session.c - diemtua close-session: after a commune's session, what
 * the bank did not book becomes UNPOSTED and its members and the officer
 * are alerted; also the step after a postings import */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "db/db.h"
#include "handlers/collect.h"
#include "handlers/template.h"
#include "text/date.h"
#include "common/banned.h"

static void session_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua close-session --commune CODE --date YYYY-MM-DD\n"
        "                             [--config FILE] [--db PATH]\n\n"
        "Run after the commune's transaction session (and after importing\n"
        "the bank's postings for it). Receipts the bank booked become\n"
        "POSTED and their members are told; receipts of that session still\n"
        "RECORDED or CONFIRMED with no booking become UNPOSTED, and the\n"
        "member and the commune officer are alerted. The messages are\n"
        "queued in the outbox; `diemtua serve` sends them. Running it again\n"
        "changes nothing more.\n\n"
        "  --commune CODE  the commune (communes.csv commune_code)\n"
        "  --date DATE     the session date, YYYY-MM-DD\n"
        "  --config FILE   configuration (default $DIEMTUA_CONFIG)\n"
        "  --db PATH       database (default [database] path)\n");
}

int cli_load_templates(const struct dt_config *cfg, struct templates *tpl)
{
    char err[512];

    if (templates_load(cfg->templates, tpl, err, sizeof(err)) != GW_OK) {
        (void)fprintf(stderr, "diemtua: %s\n", err);
        return 1;
    }
    if (templates_set_brand(tpl, cfg->brand, cfg->hotline) != GW_OK) {
        (void)fprintf(stderr, "diemtua: [messages] brand or hotline is not "
                              "plain short ASCII\n");
        templates_release(tpl);
        return 1;
    }
    return 0;
}

int cli_apply_postings(struct db *db, const struct dt_config *cfg)
{
    struct templates tpl;
    size_t n = 0;
    gw_err err;

    if (cli_load_templates(cfg, &tpl) != 0)
        return 1;
    err = db_begin(db);
    if (!err)
        err = collect_apply_postings(db, &tpl, (int64_t)time(NULL), &n);
    if (!err)
        err = db_commit(db);
    if (err)
        db_rollback(db);
    templates_release(&tpl);
    if (err) {
        (void)fprintf(stderr, "diemtua: applying postings failed (%s)\n",
                      gw_strerror(err));
        return 1;
    }
    (void)printf("%zu receipts booked by the bank; members told\n", n);
    return 0;
}

struct session_args {
    const char *commune, *date, *config, *db;
};

/* Every option takes a value: anything else is a bad option. */
static int session_bad(int argc, char **argv, int *i, void *ctx)
{
    (void)argc;
    (void)ctx;
    return cli_args_bad("close-session", "option", argv[*i]);
}

/* 0 to go on, else the exit status (help: 0 with *done set). */
static int session_parse(int argc, char **argv, struct session_args *a,
                         int *done)
{
    const struct cli_opt opts[] = {
        {"--commune", &a->commune, NULL},
        {"--date", &a->date, NULL},
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"close-session", session_usage, opts,
                                  session_bad, NULL};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    if (a->commune == NULL || a->date == NULL) {
        (void)fprintf(stderr, "diemtua close-session: %s is required\n",
                      a->commune == NULL ? "--commune" : "--date");
        return 2;
    }
    return 0;
}

static int session_close(struct db *db, const struct dt_config *cfg,
                         const char *commune, const char *date)
{
    struct templates tpl;
    size_t posted = 0, unposted = 0;
    int64_t now = (int64_t)time(NULL);
    gw_err err;

    if (cli_load_templates(cfg, &tpl) != 0)
        return 1;
    err = db_begin(db);
    if (!err)
        err = collect_apply_postings(db, &tpl, now, &posted);
    if (!err)
        err = collect_close_session(db, &tpl, commune, date, now, &unposted);
    if (!err)
        err = db_commit(db);
    if (err)
        db_rollback(db);
    templates_release(&tpl);
    if (err) {
        (void)fprintf(stderr, "diemtua close-session: %s\n",
                      err == GW_ENOTFOUND ? "no commune with that code"
                                          : gw_strerror(err));
        return 1;
    }
    (void)printf("%s %s: %zu booked receipts posted, %zu unbooked receipts "
                 "marked UNPOSTED (members and officer alerted)\n",
                 commune, date, posted, unposted);
    return 0;
}

int cmd_close_session(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct session_args a;
    struct dt_date d;
    struct db *db = NULL;
    const char *path;
    int done, rc;

    if ((rc = session_parse(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua close-session --help'\n");
        return rc;
    }
    if (date_parse_iso(strv_from_cstr(a.date), &d) != GW_OK) {
        (void)fprintf(stderr, "diemtua close-session: --date is YYYY-MM-DD\n");
        return 2;
    }
    {
        struct dt_date today = date_local(time(NULL), NULL);

        /* Closing a session that has not happened would alert every
         * member who paid on time. */
        if (date_cmp(&d, &today) > 0) {
            (void)fprintf(stderr, "diemtua close-session: %s is after today\n",
                          a.date);
            return 2;
        }
    }
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    path = a.db ? a.db : cfg.db_path;
    if (db_open_existing(path, &db) != GW_OK) {
        (void)fprintf(stderr,
                      "diemtua close-session: cannot open database "
                      "%s\n",
                      path);
        return 1;
    }
    rc = session_close(db, &cfg, a.commune, a.date);
    db_close(db);
    return rc;
}
