/* cmd_officer.c - diemtua officer add|passwd|disable|enable|list: the
 * accounts of the officers' web console */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/secret.h"
#include "common/strv.h"
#include "common/util.h"
#include "db/db.h"
#include "db/db_collection.h"
#include "db/db_officer.h"
#include "handlers/pin.h"
#include "common/banned.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 128
#define COMMUNES_MAX DB_OFFICER_COMMUNES_MAX

static void officer_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua officer add USER --commune CODE[,CODE...]\n"
        "                           [--role commune|union|admin]\n"
        "       diemtua officer passwd USER\n"
        "       diemtua officer disable USER | enable USER\n"
        "       diemtua officer list\n"
        "       (each also takes [--config FILE] [--db PATH])\n"
        "\n"
        "Accounts of the officers' web console ([console] in the config).\n"
        "add      a new account; its password is read from standard input\n"
        "         (on a terminal, without echo and twice), 10 to 128\n"
        "         characters, and stored only as a peppered Argon2id hash.\n"
        "         --role commune (default): the commune officer of the\n"
        "         communes listed; union: the Women's Union or district,\n"
        "         over the communes listed (it sees the items open longer\n"
        "         than [console] escalate_days); admin: every commune.\n"
        "passwd   a new password (read the same way); clears a lock.\n"
        "disable  the account can no longer log in; its sessions end.\n"
        "enable   undoes disable.\n"
        "list     every account, its role, communes and state.\n"
        "USER is 3 to 32 of a-z 0-9 . _ -\n");
}

struct officer_args {
    const char *action;
    const char *user;
    const char *communes;
    const char *role;
    const char *config;
    const char *db;
};

static int officer_other(int argc, char **argv, int *i, void *ctx)
{
    struct officer_args *a = ctx;
    const char **slots[] = {&a->action, &a->user};

    (void)argc;
    return cli_args_positional("officer", argv[*i], slots, ARRAY_SIZE(slots));
}

static bool user_ok(const char *u)
{
    size_t i, n = strlen(u);

    if (n < 3 || n > DB_OFFICER_USER_MAX)
        return false;
    for (i = 0; i < n; i++)
        if (!((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9') ||
              u[i] == '.' || u[i] == '_' || u[i] == '-'))
            return false;
    return true;
}

static int bad_usage(const char *why)
{
    (void)fprintf(stderr, "diemtua officer: %s\ntry 'diemtua officer --help'\n",
                  why);
    return 2;
}

static int officer_parse(int argc, char **argv, struct officer_args *a,
                         int *done)
{
    const struct cli_opt opts[] = {
        {"--commune", &a->communes, NULL},
        {"--role", &a->role, NULL},
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"officer", officer_usage, opts, officer_other,
                                  a};
    static const char *const actions[] = {"add", "passwd", "disable", "enable",
                                          "list"};
    size_t i;
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    for (i = 0; a->action && i < ARRAY_SIZE(actions); i++)
        if (strcmp(a->action, actions[i]) == 0)
            break;
    if (a->action == NULL || i == ARRAY_SIZE(actions))
        return bad_usage("the action is add, passwd, disable, enable or list");
    if (strcmp(a->action, "list") == 0)
        return a->user ? bad_usage("list takes no USER") : 0;
    if (a->user == NULL || !user_ok(a->user))
        return bad_usage("USER is 3 to 32 of a-z 0-9 . _ -");
    if (strcmp(a->action, "add") != 0 && (a->communes || a->role))
        return bad_usage("--commune and --role go with add");
    if (a->role == NULL)
        a->role = "commune";
    if (strcmp(a->action, "add") == 0 && strcmp(a->role, "commune") != 0 &&
        strcmp(a->role, "union") != 0 && strcmp(a->role, "admin") != 0)
        return bad_usage("--role is commune, union or admin");
    if (strcmp(a->action, "add") == 0 && strcmp(a->role, "admin") != 0 &&
        (a->communes == NULL || a->communes[0] == '\0'))
        return bad_usage("a commune or union account needs --commune CODE");
    return 0;
}

/* The password, twice on a terminal, hashed into hash. */
static int password_hash(const struct dt_config *cfg, char *hash)
{
    struct pin_cost cost = pin_cost_default();
    char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
    size_t n;
    int rc = 0;

    memset(pw, 0, sizeof(pw));
    memset(again, 0, sizeof(again));
    if (!cli_read_secret("password (10-128 characters): ", pw, sizeof(pw)) ||
        (n = strlen(pw)) < PASSWORD_MIN || n > PASSWORD_MAX) {
        (void)fprintf(stderr, "diemtua officer: a password is 10 to 128 "
                              "characters, on one line\n");
        rc = 2;
    } else if (isatty(STDIN_FILENO) &&
               (!cli_read_secret("again: ", again, sizeof(again)) ||
                sodium_memcmp(pw, again, sizeof(pw)) != 0)) {
        (void)fprintf(stderr, "diemtua officer: the two passwords differ\n");
        rc = 2;
    } else if (secret_hash(strv_from_cstr(pw), cfg->pin_pepper, &cost, hash) !=
               GW_OK) {
        (void)fprintf(stderr, "diemtua officer: %s\n",
                      cfg->pin_pepper[0] ? "hashing failed"
                                         : "no [security] pin_pepper set");
        rc = 1;
    }
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(again, sizeof(again));
    return rc;
}

static void audit(struct db *db, const char *user, const char *action,
                  const char *after)
{
    struct db_audit a = {
        (int64_t)time(NULL), "cli", NULL, action, user, NULL, after};

    (void)db_audit_append(db, &a);
}

static int officer_add(struct db *db, const struct dt_config *cfg,
                       const struct officer_args *a)
{
    char list[1024], hash[PIN_HASH_SIZE];
    const char *codes[COMMUNES_MAX];
    const char *bad = NULL;
    size_t n = 0;
    char *save = NULL, *tok;
    int rc;
    gw_err err;

    (void)snprintf(list, sizeof(list), "%s", a->communes ? a->communes : "");
    for (tok = strtok_r(list, ",", &save); tok && n < COMMUNES_MAX;
         tok = strtok_r(NULL, ",", &save))
        if (tok[0])
            codes[n++] = tok;
    if (strcmp(a->role, "admin") != 0 && n == 0)
        return bad_usage("a commune or union account needs --commune CODE");
    rc = password_hash(cfg, hash);
    if (rc)
        return rc;
    err = db_officer_add(db, a->user, a->role, hash, codes, n,
                         (int64_t)time(NULL), &bad);
    if (err == GW_EEXIST) {
        (void)fprintf(stderr, "diemtua officer: %s exists already\n", a->user);
        return 1;
    }
    if (err == GW_ENOTFOUND) {
        (void)fprintf(stderr, "diemtua officer: no commune with code %s\n",
                      bad ? bad : "?");
        return 1;
    }
    if (err) {
        (void)fprintf(stderr, "diemtua officer: %s\n", gw_strerror(err));
        return 1;
    }
    audit(db, a->user, "officer.add", a->role);
    (void)printf("officer %s added (%s%s%s)\n", a->user, a->role, n ? ": " : "",
                 n ? a->communes : "");
    return 0;
}

static int officer_passwd(struct db *db, const struct dt_config *cfg,
                          const char *user)
{
    char hash[PIN_HASH_SIZE];
    int rc = password_hash(cfg, hash);
    gw_err err;

    if (rc)
        return rc;
    err = db_officer_set_hash(db, user, hash, (int64_t)time(NULL));
    if (err) {
        (void)fprintf(stderr, "diemtua officer: %s\n",
                      err == GW_ENOTFOUND ? "no such officer"
                                          : gw_strerror(err));
        return 1;
    }
    audit(db, user, "officer.passwd", "set");
    (void)printf("password of %s changed\n", user);
    return 0;
}

static int officer_disable(struct db *db, const char *user, bool off)
{
    gw_err err = db_officer_set_disabled(db, user, off, (int64_t)time(NULL));

    if (err) {
        (void)fprintf(stderr, "diemtua officer: %s\n",
                      err == GW_ENOTFOUND ? "no such officer"
                                          : gw_strerror(err));
        return 1;
    }
    audit(db, user, off ? "officer.disable" : "officer.enable", "ok");
    (void)printf("%s %s\n", user, off ? "disabled" : "enabled");
    return 0;
}

static gw_err print_one(void *ctx, const struct db_officer *o,
                        const char *communes)
{
    int64_t now = *(const int64_t *)ctx;

    (void)printf("%-20s %-8s %-9s %s\n", o->user, o->role,
                 o->disabled             ? "disabled"
                 : o->locked_until > now ? "locked"
                                         : "active",
                 communes);
    return GW_OK;
}

int cmd_officer(int argc, char **argv)
{
    static struct dt_config cfg;
    struct officer_args a;
    struct db *db = NULL;
    int64_t now = (int64_t)time(NULL);
    const char *path;
    int done, rc;

    if ((rc = officer_parse(argc, argv, &a, &done)) != 0 || done)
        return rc;
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    path = a.db ? a.db : cfg.db_path;
    if (db_open_existing(path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua officer: cannot open database %s\n",
                      path);
        return 1;
    }
    if (strcmp(a.action, "add") == 0) {
        rc = officer_add(db, &cfg, &a);
    } else if (strcmp(a.action, "passwd") == 0) {
        rc = officer_passwd(db, &cfg, a.user);
    } else if (strcmp(a.action, "list") == 0) {
        (void)printf("%-20s %-8s %-9s %s\n", "USER", "ROLE", "STATE",
                     "COMMUNES");
        rc = db_officer_list(db, print_one, &now) == GW_OK ? 0 : 1;
    } else {
        rc = officer_disable(db, a.user, strcmp(a.action, "disable") == 0);
    }
    db_close(db);
    return rc;
}
