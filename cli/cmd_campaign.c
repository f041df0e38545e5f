/* cmd_campaign.c - diemtua campaign: an advertising text to opted-in
 * members, with a preview before anything is queued */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "common/dt_limits.h"
#include "db/db.h"
#include "db/db_remind.h"
#include "handlers/campaign.h"
#include "handlers/remind.h"
#include "text/date.h"
#include "common/banned.h"

static void campaign_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua campaign [--config FILE] [--db PATH] --text TEXT\n"
        "                        [--group CODE | --commune CODE]\n"
        "                        [--at \"YYYY-MM-DD HH:MM\"] [--yes]\n\n"
        "Sends an advertising text (Decree 91/2020/ND-CP) to members who\n"
        "opted in (campaigns = 1) and have not sent HUY NHAC. The text is\n"
        "folded to plain ASCII and prefixed \"[QC] \"; it must fit one SMS\n"
        "with the prefix. A member gets at most 3 advertising messages a\n"
        "day; members already at 3 that day are left out. Only 07:00-22:00\n"
        "Vietnam time: outside those hours the campaign is refused (pick a\n"
        "time with --at). Prints the text and the number of recipients;\n"
        "nothing is queued without --yes.\n\n"
        "  --text TEXT     the message (UTF-8, diacritics are removed)\n"
        "  --group CODE    only this group\n"
        "  --commune CODE  only this commune\n"
        "  --at TIME       send at this local time (default now)\n"
        "  --yes           queue it\n");
}

struct campaign_args {
    const char *config, *db, *text, *at;
    struct db_campaign_filter f;
    bool yes;
};

static int parse_args(int argc, char **argv, struct campaign_args *a, int *done)
{
    const struct cli_opt opts[] = {
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {"--text", &a->text, NULL},
        {"--group", &a->f.group_code, NULL},
        {"--commune", &a->f.commune_code, NULL},
        {"--at", &a->at, NULL},
        {"--yes", NULL, &a->yes},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"campaign", campaign_usage, opts, NULL, NULL};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    if (a->text == NULL) {
        (void)fprintf(stderr, "diemtua campaign: missing --text\n");
        return 2;
    }
    if (a->f.group_code && a->f.commune_code) {
        (void)fprintf(stderr, "diemtua campaign: --group or --commune, "
                              "not both\n");
        return 2;
    }
    return 0;
}

/* Checks the text and the hour; prints why not. 0 or an exit status. */
static int check_request(const struct campaign_args *a, char *text, size_t size,
                         int64_t *at)
{
    int64_t from, to;
    unsigned minute;
    gw_err err = campaign_prepare(a->text, text, size);

    if (err) {
        (void)fprintf(stderr, "diemtua campaign: %s\n",
                      err == GW_ETOOBIG
                          ? "text too long: \"[QC] \" takes 7 of the 160 "
                            "GSM-7 characters of one SMS ([ and ] count "
                            "double), leaving 153 for the text"
                          : "text empty or not valid UTF-8");
        return 2;
    }
    *at = (int64_t)time(NULL);
    if (a->at && remind_parse_local(a->at, at) != GW_OK) {
        (void)fprintf(stderr, "diemtua campaign: --at wants \"YYYY-MM-DD "
                              "HH:MM\" (Vietnam time)\n");
        return 2;
    }
    campaign_day(*at, &from, &to, &minute);
    if (!campaign_hour_ok(minute)) {
        (void)fprintf(stderr,
                      "diemtua campaign: advertising is sent only "
                      "07:00-22:00 Vietnam time (it is %02u:%02u); refused, "
                      "nothing queued: choose a time with --at\n",
                      minute / 60, minute % 60);
        return 1;
    }
    return 0;
}

static int run(struct db *db, const struct campaign_args *a, const char *text,
               int64_t at)
{
    int64_t from, to;
    unsigned minute;
    size_t eligible = 0, capped = 0, queued = 0;
    gw_err err = db_campaign_check_filter(db, &a->f);

    if (err == GW_ENOTFOUND) {
        (void)fprintf(stderr, "diemtua campaign: no %s with code '%s'\n",
                      a->f.group_code ? "group" : "commune",
                      a->f.group_code ? a->f.group_code : a->f.commune_code);
        return 1;
    }
    campaign_day(at, &from, &to, &minute);
    if (err == GW_OK)
        err = db_campaign_count(db, &a->f, from, to, CAMPAIGN_DAILY_CAP,
                                &eligible, &capped);
    if (err) {
        (void)fprintf(stderr, "diemtua campaign: %s\n", gw_strerror(err));
        return 1;
    }
    (void)printf("text (%zu characters): %s\n", strlen(text), text);
    (void)printf("recipients: %zu (opted in, not HUY NHAC)\n", eligible);
    if (capped)
        (void)printf("left out: %zu already have %u advertising messages "
                     "that day\n",
                     capped, CAMPAIGN_DAILY_CAP);
    if (!a->yes) {
        (void)printf("nothing queued: run again with --yes to send\n");
        return 0;
    }
    err = db_begin(db);
    if (err == GW_OK)
        err = db_campaign_enqueue(db, &a->f, from, to, CAMPAIGN_DAILY_CAP, text,
                                  at, &queued);
    if (err == GW_OK)
        err = db_commit(db);
    if (err) {
        db_rollback(db);
        (void)fprintf(stderr, "diemtua campaign: nothing queued: %s\n",
                      gw_strerror(err));
        return 1;
    }
    (void)printf("queued: %zu\n", queued);
    return 0;
}

int cmd_campaign(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct campaign_args a;
    char text[DT_SMS_MAX + 1];
    struct db *db = NULL;
    const char *db_path;
    int64_t at = 0;
    int done, rc;

    if ((rc = parse_args(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua campaign --help'\n");
        return rc;
    }
    if ((rc = check_request(&a, text, sizeof(text), &at)) != 0)
        return rc;
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    db_path = a.db ? a.db : cfg.db_path;
    if (db_path[0] == '\0' || db_open_existing(db_path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua campaign: cannot open the database "
                              "(--db PATH or [database] path)\n");
        return 1;
    }
    rc = run(db, &a, text, at);
    db_close(db);
    return rc;
}
