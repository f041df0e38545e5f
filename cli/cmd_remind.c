/* cmd_remind.c - diemtua remind: one pass of scheduled messages */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "common/log.h"
#include "db/db.h"
#include "handlers/remind.h"
#include "handlers/template.h"
#include "common/banned.h"

static void remind_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua remind [--config FILE] [--db PATH]\n"
        "                      [--at \"YYYY-MM-DD HH:MM\"] [--dry-run]\n\n"
        "Runs one pass of the reminder scheduler as if it were the given\n"
        "Vietnam local time (default: now), the same pass `diemtua serve`\n"
        "runs every minute: reminders N days before each commune's session\n"
        "(signed with the leader's name), the leader's note the day before,\n"
        "overdue notices and the monthly statement. Each goes out once per\n"
        "member and period however often this runs. Outside the service\n"
        "hours ([reminders] service_hours) nothing is queued.\n"
        "Prints each message (phones masked) and the counts per kind.\n\n"
        "  --config FILE  configuration (default $DIEMTUA_CONFIG)\n"
        "  --db PATH      database (default [database] path)\n"
        "  --at TIME      local time of the pass, \"2026-11-14 08:00\"\n"
        "  --dry-run      show what would be queued; change nothing\n");
}

struct remind_args {
    const char *config, *db, *at;
    bool dry_run;
};

static int parse_args(int argc, char **argv, struct remind_args *a, int *done)
{
    const struct cli_opt opts[] = {
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {"--at", &a->at, NULL},
        {"--dry-run", NULL, &a->dry_run},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"remind", remind_usage, opts, NULL, NULL};

    memset(a, 0, sizeof(*a));
    return cli_args_parse(argc, argv, &spec, done);
}

static void print_msg(void *arg, const struct remind_msg *m)
{
    char masked[32];

    (void)arg;
    log_mask_phone(m->phone, masked, sizeof(masked));
    (void)printf("%-11s %-14s %s\n", remind_kind_name(m->kind), masked,
                 m->text);
}

/* Run beside a serving gateway (by cron), the pass leaves the database
 * to its writers as the server's own pass does (gateway/scheduler.c). */
static int64_t mono_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool share_lock(void *arg)
{
    int64_t *worked_from = arg;
    const struct timespec gap = {0, REMIND_GAP_MS * 1000 * 1000};

    if (mono_ms() - *worked_from >= REMIND_WORK_MS) {
        (void)nanosleep(&gap, NULL);
        *worked_from = mono_ms();
    }
    return true;
}

static int run_pass(const struct dt_config *cfg, const char *db_path,
                    int64_t now, bool dry_run)
{
    struct remind_settings set;
    struct templates tpl;
    struct remind_result res;
    struct remind_opts o;
    struct db *db = NULL;
    int64_t worked_from;
    char err_text[512];
    gw_err err;
    unsigned k;

    if (templates_load(cfg->templates, &tpl, err_text, sizeof(err_text))) {
        (void)fprintf(stderr, "diemtua remind: %s\n", err_text);
        return 1;
    }
    if (templates_set_brand(&tpl, cfg->brand, cfg->hotline) ||
        db_open_existing(db_path, &db) != GW_OK) {
        (void)fprintf(stderr,
                      "diemtua remind: cannot start (brand or "
                      "database %s)\n",
                      db_path);
        templates_release(&tpl);
        return 1;
    }
    remind_settings_from_config(cfg, &set);
    memset(&o, 0, sizeof(o));
    o.settings = &set;
    o.tpl = &tpl;
    o.dry_run = dry_run;
    o.on_msg = print_msg;
    o.between = share_lock;
    o.between_arg = &worked_from;
    worked_from = mono_ms();
    err = remind_pass(db, &o, now, &res);
    db_close(db);
    templates_release(&tpl);
    if (!res.in_window)
        (void)printf("outside the service hours: nothing %s\n",
                     dry_run ? "would be queued" : "queued");
    for (k = 0; k < REMIND_KIND_COUNT; k++)
        (void)printf("%s %s: %zu\n", remind_kind_name((enum remind_kind)k),
                     dry_run ? "would be queued" : "queued", res.count[k]);
    if (res.skipped)
        (void)printf("skipped (could not be rendered, see log): %zu\n",
                     res.skipped);
    if (err) {
        (void)fprintf(stderr, "diemtua remind: pass stopped: %s\n",
                      gw_strerror(err));
        return 1;
    }
    return 0;
}

int cmd_remind(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct remind_args a;
    int64_t now = (int64_t)time(NULL);
    const char *db_path;
    int done, rc;

    if ((rc = parse_args(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua remind --help'\n");
        return rc;
    }
    if (a.at && remind_parse_local(a.at, &now) != GW_OK) {
        (void)fprintf(stderr, "diemtua remind: --at wants \"YYYY-MM-DD "
                              "HH:MM\" (Vietnam time)\n");
        return 2;
    }
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    db_path = a.db ? a.db : cfg.db_path;
    if (db_path[0] == '\0') {
        (void)fprintf(stderr, "diemtua remind: no database: give --db PATH "
                              "or set [database] path\n");
        return 2;
    }
    return run_pass(&cfg, db_path, now, a.dry_run);
}
