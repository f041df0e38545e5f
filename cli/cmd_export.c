/* cmd_export.c - diemtua export session: a group's session list as CSV,
 * the shape of the bank's Form 13/TD (one line a member and receipt) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "db/db.h"
#include "db/db_collection.h"
#include "text/date.h"
#include "common/banned.h"

#define EXPORT_HEADER                                                          \
    "seq,member_code,full_name,outstanding,interest_due,overdue,"              \
    "receipt_code,state,interest,savings,principal,remitted\n"

static void export_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua export session --group CODE --date YYYY-MM-DD\n"
        "                              [--out FILE] [--config FILE] "
        "[--db PATH]\n\n"
        "Writes the session list of one group as CSV (UTF-8, header row),\n"
        "like Form 13/TD: one line a member and receipt of that session\n"
        "(a member with no receipt has one line with empty receipt\n"
        "columns), by seq, then a TOTAL line (interest due counted once a\n"
        "member). Amounts are whole VND; states are RECORDED, CONFIRMED,\n"
        "DISPUTED, VOIDED, POSTED, UNPOSTED; remitted is 1 once the leader\n"
        "closed the batch (NOP). VOIDED receipts are listed, not totalled.\n\n"
        "  --group CODE   the group (groups.csv group_code)\n"
        "  --date DATE    the session date, YYYY-MM-DD\n"
        "  --out FILE     write there instead of standard output\n"
        "  --config FILE  configuration (default $DIEMTUA_CONFIG)\n"
        "  --db PATH      database (default [database] path)\n");
}

struct export_state {
    FILE *out;
    int last_seq;
    int64_t outstanding, interest_due, overdue;
    int64_t interest, savings, principal;
};

/* A CSV field: quoted when it holds a comma, quote or line break; a
 * leading = + - @ is prefixed with ' so a spreadsheet does not run it. */
static void csv_field(FILE *out, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        (void)fputc('"', out);
    if (strchr("=+-@", s[0]) != NULL && s[0] != '\0')
        (void)fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            (void)fputc('"', out);
        (void)fputc(*s, out);
    }
    if (quote)
        (void)fputc('"', out);
}

static gw_err export_row(const struct db_export_row *r, void *arg)
{
    struct export_state *st = arg;
    bool counted = strcmp(r->state, "VOIDED") != 0;

    if (r->seq != st->last_seq) {
        st->outstanding += r->outstanding;
        st->interest_due += r->interest_due;
        st->overdue += r->overdue;
        st->last_seq = r->seq;
    }
    if (counted) {
        st->interest += r->interest;
        st->savings += r->savings;
        st->principal += r->principal;
    }
    (void)fprintf(st->out, "%d,", r->seq);
    csv_field(st->out, r->member_code);
    (void)fputc(',', st->out);
    csv_field(st->out, r->member_name);
    (void)fprintf(st->out, ",%lld,%lld,%lld,%s,%s,", (long long)r->outstanding,
                  (long long)r->interest_due, (long long)r->overdue,
                  r->receipt_code, r->state);
    if (r->receipt_code[0])
        (void)fprintf(st->out, "%lld,%lld,%lld,%d\n", (long long)r->interest,
                      (long long)r->savings, (long long)r->principal,
                      r->remitted_at != 0);
    else
        (void)fprintf(st->out, ",,,\n");
    return ferror(st->out) ? GW_EIO : GW_OK;
}

struct export_args {
    const char *what, *group, *date, *out, *config, *db;
};

/* The first argument that is not an option says what to export. */
static int export_other(int argc, char **argv, int *i, void *ctx)
{
    struct export_args *a = ctx;
    const char *s = argv[*i];

    (void)argc;
    if (s[0] == '-' || a->what != NULL)
        return cli_args_bad("export", "argument", s);
    a->what = s;
    return 0;
}

static int export_parse(int argc, char **argv, struct export_args *a, int *done)
{
    const struct cli_opt opts[] = {
        {"--group", &a->group, NULL}, {"--date", &a->date, NULL},
        {"--out", &a->out, NULL},     {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},       {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"export", export_usage, opts, export_other,
                                  a};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    if (a->what == NULL || strcmp(a->what, "session") != 0) {
        (void)fprintf(stderr, "diemtua export: what to export: session\n");
        return 2;
    }
    if (a->group == NULL || a->date == NULL) {
        (void)fprintf(stderr, "diemtua export: %s is required\n",
                      a->group == NULL ? "--group" : "--date");
        return 2;
    }
    return 0;
}

static int export_write(struct db *db, const struct export_args *a, FILE *out)
{
    struct export_state st;
    gw_err err;

    memset(&st, 0, sizeof(st));
    st.out = out;
    st.last_seq = -1;
    (void)fputs(EXPORT_HEADER, out);
    err = db_collection_export(db, a->group, a->date, export_row, &st);
    if (err) {
        (void)fprintf(stderr, "diemtua export: %s\n",
                      err == GW_ENOTFOUND ? "no group with that code"
                                          : gw_strerror(err));
        return 1;
    }
    (void)fprintf(out, ",TOTAL,,%lld,%lld,%lld,,,%lld,%lld,%lld,\n",
                  (long long)st.outstanding, (long long)st.interest_due,
                  (long long)st.overdue, (long long)st.interest,
                  (long long)st.savings, (long long)st.principal);
    return ferror(out) ? 1 : 0;
}

int cmd_export(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct export_args a;
    struct dt_date d;
    struct db *db = NULL;
    FILE *out = stdout;
    int done, rc;

    if ((rc = export_parse(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua export --help'\n");
        return rc;
    }
    if (date_parse_iso(strv_from_cstr(a.date), &d) != GW_OK) {
        (void)fprintf(stderr, "diemtua export: --date is YYYY-MM-DD\n");
        return 2;
    }
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    if (db_open_existing(a.db ? a.db : cfg.db_path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua export: cannot open the database\n");
        return 1;
    }
    if (a.out && (out = fopen(a.out, "w")) == NULL) {
        (void)fprintf(stderr, "diemtua export: %s: %s\n", a.out,
                      strerror(errno));
        db_close(db);
        return 1;
    }
    rc = export_write(db, &a, out);
    if (out == stdout) {
        if (fflush(stdout) != 0)
            rc = 1;
    } else if (fclose(out) != 0) {
        rc = 1;
    }
    db_close(db);
    return rc;
}
