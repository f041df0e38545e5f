/* cmd_send.c - diemtua send: queue one message from the operator */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/dt_limits.h"
#include "common/log.h"
#include "db/db.h"
#include "db/db_collection.h"
#include "db/db_msg.h"
#include "text/gsm7.h"
#include "text/phone.h"
#include "text/utf8.h"
#include "common/banned.h"

static void send_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua send --to PHONE --text TEXT [--yes]\n"
        "                    [--config FILE] [--db PATH]\n\n"
        "Queues one SMS in the outbox (kind OPERATOR), for example to\n"
        "test an aggregator or to answer a member by hand. The running\n"
        "server sends it within a second, through the configured provider\n"
        "and at its rate. The text is folded to plain ASCII and must fit\n"
        "one 160-character GSM-7 segment. Without --yes it only shows\n"
        "what would be queued. The action is written to the audit log.\n\n"
        "  --to PHONE     a Vietnamese mobile number, any usual form\n"
        "  --text TEXT    the message (UTF-8; diacritics are removed)\n"
        "  --yes          queue it\n"
        "  --config FILE  configuration (default $DIEMTUA_CONFIG)\n"
        "  --db PATH      database (default [database] path)\n");
}

struct send_args {
    const char *config, *db, *to, *text;
    bool yes;
};

/* 0 to go on, 1 when --help was answered, 2 on a usage error. */
static int parse_args(int argc, char **argv, struct send_args *a)
{
    const struct cli_opt opts[] = {
        {"--config", &a->config, NULL}, {"--db", &a->db, NULL},
        {"--to", &a->to, NULL},         {"--text", &a->text, NULL},
        {"--yes", NULL, &a->yes},       {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"send", send_usage, opts, NULL, NULL};
    int rc, done;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, &done);
    if (rc || done)
        return rc ? rc : 1;
    if (a->to == NULL || a->text == NULL) {
        (void)fprintf(stderr, "diemtua send: --to and --text are needed\n");
        return 2;
    }
    return 0;
}

/* The message as it will go out: plain ASCII, one segment. */
static int prepare_text(const char *text, struct buf *out)
{
    size_t septets = 0;

    if (utf8_fold_ascii(text, strlen(text), out) != GW_OK) {
        (void)fprintf(stderr, "diemtua send: --text: not valid UTF-8\n");
        return 1;
    }
    if (out->len == 0) {
        (void)fprintf(stderr, "diemtua send: --text: empty\n");
        return 1;
    }
    if (gsm7_septets(buf_cstr(out), out->len, &septets) != GW_OK ||
        septets > DT_SMS_MAX) {
        (void)fprintf(stderr,
                      "diemtua send: --text: %zu characters after folding, "
                      "one SMS holds %d\n",
                      septets, DT_SMS_MAX);
        return 1;
    }
    return 0;
}

static int queue(const struct dt_config *cfg, const char *db_path,
                 const char *phone, const char *text)
{
    struct db *db = NULL;
    int64_t now = (int64_t)time(NULL), id = 0;
    struct db_audit a = {now, "operator", NULL, "send", phone, NULL, "queued"};
    gw_err err;

    (void)cfg;
    if (db_open_existing(db_path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua send: cannot open %s\n", db_path);
        return 1;
    }
    err = db_begin(db);
    if (!err)
        err = db_outbox_enqueue(db, phone, text, "OPERATOR", 0, 0, now, &id);
    if (!err)
        err = db_audit_append(db, &a);
    if (!err)
        err = db_commit(db);
    else
        db_rollback(db);
    db_close(db);
    if (err) {
        (void)fprintf(stderr, "diemtua send: %s\n", gw_strerror(err));
        return 1;
    }
    (void)printf("queued as message %lld\n", (long long)id);
    return 0;
}

int cmd_send(int argc, char **argv)
{
    struct dt_config cfg;
    struct send_args a;
    struct buf text;
    char phone[DT_PHONE_SIZE], masked[32];
    const char *why = NULL;
    int rc = parse_args(argc, argv, &a);

    if (rc)
        return rc == 1 ? 0 : rc;
    if (cli_load_config(a.config, &cfg))
        return 1;
    if (phone_normalize(a.to, strlen(a.to), phone, &why) != GW_OK) {
        (void)fprintf(stderr, "diemtua send: --to: %s\n",
                      why ? why : "not a phone number");
        return 1;
    }
    buf_init(&text, DT_SMS_MAX * 4);
    rc = prepare_text(a.text, &text);
    if (rc == 0) {
        log_mask_phone(phone, masked, sizeof(masked));
        (void)printf("to %s: %s\n", masked, buf_cstr(&text));
        if (a.yes)
            rc = queue(&cfg, a.db ? a.db : cfg.db_path, phone, buf_cstr(&text));
        else
            (void)printf("not queued: add --yes to queue it\n");
    }
    buf_release(&text);
    return rc;
}
