/* cmd_report.c - diemtua report: the KPIs per group, commune and union */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "db/db.h"
#include "db/db_report.h"
#include "text/date.h"
#include "text/utf8.h"
#include "common/banned.h"

enum report_format { FMT_TABLE, FMT_CSV, FMT_JSON };

static void report_usage(FILE *out)
{
    (void)fprintf(
        out,
        "usage: diemtua report [--config FILE] [--db PATH]\n"
        "                      [--session YYYY-MM-DD | --month YYYY-MM]\n"
        "                      [--format table|csv|json]\n\n"
        "The Long An review's figures per group, commune and the whole\n"
        "union (all groups in the database):\n"
        "  overdue %%    overdue amount / outstanding (latest loans import)\n"
        "  interest %%   interest collected at the session(s) / interest due\n"
        "               (collections recorded, confirmed or booked)\n"
        "  savers %%     members who saved in the month / members\n"
        "  disputed     receipts members disputed (SAI)\n"
        "  unbooked     receipts the bank never booked after the session\n"
        "Ratios have 2 decimals, computed in whole numbers.\n\n"
        "  --session D  the sessions held on date D (and savings in D's "
        "month)\n"
        "  --month M    every session in month M (default: this month)\n"
        "  --format F   table (default), csv or json\n");
}

struct report_args {
    const char *config, *db, *session, *month;
    enum report_format fmt;
};

static int parse_format(const char *s, enum report_format *f)
{
    if (strcmp(s, "table") == 0)
        *f = FMT_TABLE;
    else if (strcmp(s, "csv") == 0)
        *f = FMT_CSV;
    else if (strcmp(s, "json") == 0)
        *f = FMT_JSON;
    else
        return 2;
    return 0;
}

/* --format FMT (an option with a check of its own); anything else is a
 * bad argument. */
static int other_arg(int argc, char **argv, int *i, void *ctx)
{
    struct report_args *a = ctx;

    if (strcmp(argv[*i], "--format") != 0 || *i + 1 >= argc)
        return cli_args_bad("report", "argument", argv[*i]);
    if (parse_format(argv[++*i], &a->fmt)) {
        (void)fprintf(stderr, "diemtua report: --format is table, "
                              "csv or json\n");
        return 2;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct report_args *a, int *done)
{
    const struct cli_opt opts[] = {
        {"--config", &a->config, NULL},
        {"--db", &a->db, NULL},
        {"--session", &a->session, NULL},
        {"--month", &a->month, NULL},
        {NULL, NULL, NULL},
    };
    const struct cli_spec spec = {"report", report_usage, opts, other_arg, a};
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_args_parse(argc, argv, &spec, done);
    if (rc || *done)
        return rc;
    if (a->session && a->month) {
        (void)fprintf(stderr, "diemtua report: --session or --month, not "
                              "both\n");
        return 2;
    }
    return 0;
}

static void month_bounds(int year, int month, struct db_kpi_period *p)
{
    struct dt_date first = {year, month, 1};
    struct dt_date last = {year, month, date_days_in_month(year, month)};

    date_format_iso(&first, p->month_from, sizeof(p->month_from));
    date_format_iso(&last, p->month_to, sizeof(p->month_to));
}

/* The period from --session or --month (or this month); 0 or 2. */
static int make_period(const struct report_args *a, struct db_kpi_period *p)
{
    char buf[DT_DATE_SIZE];
    struct dt_date d;

    memset(p, 0, sizeof(*p));
    if (a->session) {
        if (date_parse_iso(strv_from_cstr(a->session), &d) != GW_OK)
            return 2;
        date_format_iso(&d, p->session_from, sizeof(p->session_from));
        memcpy(p->session_to, p->session_from, sizeof(p->session_to));
        month_bounds(d.year, d.month, p);
        return 0;
    }
    if (a->month) {
        if (strlen(a->month) != 7)
            return 2;
        (void)snprintf(buf, sizeof(buf), "%s-01", a->month);
        if (date_parse_iso(strv_from_cstr(buf), &d) != GW_OK)
            return 2;
    } else {
        d = date_local(time(NULL), NULL);
    }
    month_bounds(d.year, d.month, p);
    memcpy(p->session_from, p->month_from, sizeof(p->session_from));
    memcpy(p->session_to, p->month_to, sizeof(p->session_to));
    return 0;
}

static const char *level_name(enum db_kpi_level l)
{
    return l == DB_KPI_GROUP     ? "group"
           : l == DB_KPI_COMMUNE ? "commune"
                                 : "union";
}

struct ratios {
    char overdue[24], interest[24], savers[24];
};

static void ratios(const struct db_kpi *k, struct ratios *r)
{
    kpi_format_bp(kpi_ratio_bp(k->overdue, k->outstanding), r->overdue,
                  sizeof(r->overdue));
    kpi_format_bp(kpi_ratio_bp(k->interest_collected, k->interest_due),
                  r->interest, sizeof(r->interest));
    kpi_format_bp(kpi_ratio_bp(k->savers, k->members), r->savers,
                  sizeof(r->savers));
}

struct out_state {
    enum report_format fmt;
    json_t *rows;
};

static void print_table_row(const struct db_kpi_row *row)
{
    struct ratios r;
    struct buf name;

    ratios(&row->k, &r);
    buf_init(&name, DT_NAME_SIZE);
    if (utf8_fold_ascii(row->name, strlen(row->name), &name) != GW_OK)
        buf_reset(&name);
    (void)printf("%-8s %-12s %-24.24s %9s %10s %8s %8lld %8lld\n",
                 level_name(row->level), row->code, buf_cstr(&name), r.overdue,
                 r.interest, r.savers, (long long)row->k.disputed,
                 (long long)row->k.unposted);
    buf_release(&name);
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        (void)fputs(s, stdout);
        return;
    }
    (void)putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            (void)putchar('"');
        (void)putchar(*s);
    }
    (void)putchar('"');
}

static void print_csv_row(const struct db_kpi_row *row)
{
    const struct db_kpi *k = &row->k;
    struct ratios r;

    ratios(k, &r);
    (void)printf("%s,", level_name(row->level));
    csv_field(row->code);
    (void)putchar(',');
    csv_field(row->name);
    (void)printf(",%lld,%lld,%s,%lld,%lld,%s,%lld,%lld,%s,%lld,%lld\n",
                 (long long)k->outstanding, (long long)k->overdue, r.overdue,
                 (long long)k->interest_due, (long long)k->interest_collected,
                 r.interest, (long long)k->members, (long long)k->savers,
                 r.savers, (long long)k->disputed, (long long)k->unposted);
}

static json_t *json_row(const struct db_kpi_row *row)
{
    const struct db_kpi *k = &row->k;
    struct ratios r;
    json_t *o = json_object();
    json_t *name = json_string(row->name);

    ratios(k, &r);
    json_object_set_new(o, "level", json_string(level_name(row->level)));
    json_object_set_new(o, "code", json_string(row->code));
    json_object_set_new(o, "name", name ? name : json_string(""));
    json_object_set_new(o, "outstanding", json_integer(k->outstanding));
    json_object_set_new(o, "overdue", json_integer(k->overdue));
    json_object_set_new(o, "overdue_ratio", json_string(r.overdue));
    json_object_set_new(o, "interest_due", json_integer(k->interest_due));
    json_object_set_new(o, "interest_collected",
                        json_integer(k->interest_collected));
    json_object_set_new(o, "interest_rate", json_string(r.interest));
    json_object_set_new(o, "members", json_integer(k->members));
    json_object_set_new(o, "savers", json_integer(k->savers));
    json_object_set_new(o, "savers_share", json_string(r.savers));
    json_object_set_new(o, "receipts_disputed", json_integer(k->disputed));
    json_object_set_new(o, "receipts_unbooked", json_integer(k->unposted));
    return o;
}

static gw_err on_row(void *arg, const struct db_kpi_row *row)
{
    struct out_state *o = arg;

    if (o->fmt == FMT_TABLE)
        print_table_row(row);
    else if (o->fmt == FMT_CSV)
        print_csv_row(row);
    else
        (void)json_array_append_new(o->rows, json_row(row));
    return GW_OK;
}

static void print_head(const struct db_kpi_period *p, enum report_format f)
{
    if (f == FMT_TABLE)
        (void)printf("sessions %s..%s, saving in %s..%s (percent)\n"
                     "%-8s %-12s %-24s %9s %10s %8s %8s %8s\n",
                     p->session_from, p->session_to, p->month_from, p->month_to,
                     "level", "code", "name", "overdue", "interest", "savers",
                     "disputed", "unbooked");
    else if (f == FMT_CSV)
        (void)printf("level,code,name,outstanding,overdue,overdue_ratio,"
                     "interest_due,interest_collected,interest_rate,members,"
                     "savers,savers_share,receipts_disputed,"
                     "receipts_unbooked\n");
}

static int run_report(struct db *db, const struct db_kpi_period *p,
                      enum report_format fmt)
{
    struct out_state o = {fmt, NULL};
    gw_err err;
    int rc = 0;

    if (fmt == FMT_JSON)
        o.rows = json_array();
    print_head(p, fmt);
    err = db_report_kpis(db, p, on_row, &o);
    if (err) {
        (void)fprintf(stderr, "diemtua report: %s\n", gw_strerror(err));
        rc = 1;
    } else if (fmt == FMT_JSON) {
        json_t *doc =
            json_pack("{s:s,s:s,s:s,s:s,s:O}", "session_from", p->session_from,
                      "session_to", p->session_to, "month_from", p->month_from,
                      "month_to", p->month_to, "rows", o.rows);
        char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;

        if (s)
            (void)printf("%s\n", s);
        else
            rc = 1;
        free(s);
        json_decref(doc);
    }
    json_decref(o.rows);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    static struct dt_config cfg; /* large; one per process */
    struct report_args a;
    struct db_kpi_period p;
    struct db *db = NULL;
    const char *db_path;
    int done, rc;

    if ((rc = parse_args(argc, argv, &a, &done)) != 0 || done) {
        if (rc == 2)
            (void)fprintf(stderr, "try 'diemtua report --help'\n");
        return rc;
    }
    if (make_period(&a, &p) != 0) {
        (void)fprintf(stderr, "diemtua report: --session YYYY-MM-DD or "
                              "--month YYYY-MM\n");
        return 2;
    }
    if (cli_load_config(a.config, &cfg) != 0)
        return 1;
    db_path = a.db ? a.db : cfg.db_path;
    if (db_path[0] == '\0' || db_open_existing(db_path, &db) != GW_OK) {
        (void)fprintf(stderr, "diemtua report: cannot open the database "
                              "(--db PATH or [database] path)\n");
        return 1;
    }
    rc = run_report(db, &p, a.fmt);
    db_close(db);
    return rc;
}
