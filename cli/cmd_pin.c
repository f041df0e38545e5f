/* cmd_pin.c - diemtua pin set|unlock: an officer manages leaders' PINs */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/secret.h"
#include "common/util.h"
#include "db/db.h"
#include "db/db_collection.h"
#include "db/db_pin.h"
#include "handlers/pin.h"
#include "common/banned.h"

/* Longest line read as a PIN: anything longer is refused, not cut. */
#define PIN_LINE_MAX 32

static void pin_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua pin set MEMBER_CODE [--config FILE] [--db PATH]\n"
        "       diemtua pin unlock MEMBER_CODE [--config FILE] [--db PATH]\n"
        "\n"
        "set     reads a new PIN (4 to 6 digits) from standard input; on a\n"
        "        terminal it is not echoed and is asked twice. It is stored\n"
        "        only as a peppered Argon2id hash ([security] pin_pepper)\n"
        "        and clears any lock.\n"
        "unlock  clears the wrong-try counter and the lock that three wrong\n"
        "        PINs set.\n\n"
        "  --config FILE  configuration (default $DIEMTUA_CONFIG)\n"
        "  --db PATH      database (default [database] path)\n");
}

struct pin_args {
    const char *action;
    const char *member;
    const char *config;
    const char *db;
};

/* A positional argument: ACTION then MEMBER; options other than
 * --config and --db are refused. */
static int pin_other(int argc, char **argv, int *i, void *ctx)
{
    struct pin_args *a = ctx;
    const char **slots[] = {&a->action, &a->member};

    (void)argc;
    return cli_args_positional("pin", argv[*i], slots, ARRAY_SIZE(slots));
}

/* 0 to go on, else the exit status (help: 0 with *done set). */
static int pin_parse(int argc, char **argv, struct pin_args *a, int *done)
{
    const struct cli_opt opts[] = {
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"pin", pin_usage, opts, pin_other, a};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    if (a->action == NULL || a->member == NULL ||
        (strcmp(a->action, "set") != 0 && strcmp(a->action, "unlock") != 0)) {
        (void)fprintf(stderr, "diemtua pin: %s\n",
                      a->action == NULL   ? "missing set or unlock"
                      : a->member == NULL ? "missing MEMBER_CODE"
                                          : "the action is set or unlock");
        return 2;
    }
    return 0;
}

/* The PIN, checked, twice on a terminal. */
static int pin_read(char pin[PIN_LINE_MAX])
{
    char again[PIN_LINE_MAX];
    int rc = 0;

    memset(again, 0, sizeof(again));
    if (!cli_read_secret("new PIN (4-6 digits): ", pin, PIN_LINE_MAX) ||
        !pin_syntax_ok(strv_from_cstr(pin))) {
        (void)fprintf(stderr, "diemtua pin: a PIN is 4 to 6 digits\n");
        rc = 2;
    } else if (isatty(STDIN_FILENO)) {
        if (!cli_read_secret("again: ", again, sizeof(again)) ||
            sodium_memcmp(pin, again, PIN_LINE_MAX) != 0) {
            (void)fprintf(stderr, "diemtua pin: the two PINs differ\n");
            rc = 2;
        }
    }
    sodium_memzero(again, sizeof(again));
    return rc;
}

static int pin_audit(struct db *db, const char *action, const char *member,
                     const char *after, int64_t now)
{
    struct db_audit a = {now, "officer", NULL, action, member, NULL, after};

    return db_audit_append(db, &a) == GW_OK ? 0 : 1;
}

/* Ends the transaction pin_set or pin_unlock began: commits when err is
 * GW_OK, else (or when the commit fails) rolls back and prints why, with
 * notfound standing for GW_ENOTFOUND. 0 when committed, else 1. */
static int pin_finish(struct db *db, gw_err err, const char *notfound)
{
    if (err == GW_OK)
        err = db_commit(db);
    if (err) {
        db_rollback(db);
        (void)fprintf(stderr, "diemtua pin: %s\n",
                      err == GW_ENOTFOUND ? notfound : gw_strerror(err));
        return 1;
    }
    return 0;
}

static int pin_set(struct db *db, const struct dt_config *cfg,
                   const char *member)
{
    struct pin_cost cost = pin_cost_default();
    char pin[PIN_LINE_MAX], hash[PIN_HASH_SIZE];
    int64_t now = (int64_t)time(NULL);
    gw_err err;
    int rc;

    memset(pin, 0, sizeof(pin));
    rc = pin_read(pin);
    if (rc == 0) {
        err = pin_hash(strv_from_cstr(pin), cfg->pin_pepper, &cost, hash);
        if (err) {
            (void)fprintf(stderr, "diemtua pin: %s\n",
                          err == GW_EINVAL ? "no [security] pin_pepper set"
                                           : "hashing failed");
            rc = 1;
        }
    }
    sodium_memzero(pin, sizeof(pin));
    if (rc)
        return rc;
    if (db_begin(db) != GW_OK)
        return 1;
    err = db_pin_set_by_code(db, member, hash, now);
    if (err == GW_OK && pin_audit(db, "pin.set", member, "set", now) != 0)
        err = GW_EDB;
    if (pin_finish(db, err, "no member with that code") != 0)
        return 1;
    (void)printf("PIN set for %s\n", member);
    return 0;
}

static int pin_unlock(struct db *db, const char *member)
{
    int64_t now = (int64_t)time(NULL);
    bool was = false;
    gw_err err;

    if (db_begin(db) != GW_OK)
        return 1;
    err = db_pin_unlock_by_code(db, member, now, &was);
    if (err == GW_OK && pin_audit(db, "pin.unlock", member,
                                  was ? "unlocked" : "reset", now) != 0)
        err = GW_EDB;
    if (pin_finish(db, err, "no member with a PIN and that code") != 0)
        return 1;
    (void)printf("%s: %s\n", member,
                 was ? "unlocked" : "was not locked; counter reset");
    return 0;
}

int cmd_pin(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct pin_args a;
    struct db *db = NULL;
    const char *path;
    int done, rc;

    if ((rc = pin_parse(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua pin --help'\n");
        return rc;
    }
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    path = a.db ? a.db : cfg.db_path;
    if (path[0] == '\0') {
        (void)fprintf(stderr, "diemtua pin: no database: give --db PATH "
                              "or set [database] path\n");
        return 2;
    }
    if (db_open_existing(path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua pin: cannot open database %s\n", path);
        return 1;
    }
    rc = strcmp(a.action, "set") == 0 ? pin_set(db, &cfg, a.member)
                                      : pin_unlock(db, a.member);
    db_close(db);
    return rc;
}
