/* import_rows.c - the six kinds: columns, field checks, storing a row
 *
 * Every check reports through import_report() and goes on, so one pass
 * over a row names every bad field in it. Each field is checked for UTF-8
 * first; the reasons are short English phrases an officer can act on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import_rows.h"
#include "common/buf.h"
#include "common/csv.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "text/date.h"
#include "text/money.h"
#include "text/phone.h"
#include "text/utf8.h"
#include "common/banned.h"

/* Monthly rates are basis points a month: 0.55%/month is 55. 10000 (100%
 * a month) is far above any programme and catches a rate given in the
 * wrong unit. */
#define IMPORT_RATE_BP_MAX 10000
#define IMPORT_SEQ_MAX 999
#define IMPORT_SESSION_DAY_MAX 28

#define COL(c, i) ((c)->columns[i])

static bool f_utf8(struct import_ctx *c, const struct strv *f, size_t i)
{
    if (utf8_valid(f[i].p, f[i].len))
        return true;
    import_report(c, COL(c, i), "bad UTF-8");
    return false;
}

/* Checked UTF-8 and not empty. */
static bool f_present(struct import_ctx *c, const struct strv *f, size_t i)
{
    if (!f_utf8(c, f, i))
        return false;
    if (f[i].len == 0) {
        import_report(c, COL(c, i), "empty");
        return false;
    }
    return true;
}

/* ASCII only, whatever the locale. */
static bool ascii_alnum(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= 'a' && ch <= 'z');
}

bool import_code_ok(struct strv s)
{
    size_t i;

    if (s.len == 0 || s.len > DT_CODE_MAX)
        return false;
    for (i = 0; i < s.len; i++) {
        unsigned char ch = (unsigned char)s.p[i];

        if (!ascii_alnum(ch) && ch != '-' && ch != '_' && ch != '.' &&
            ch != '/')
            return false;
    }
    return true;
}

static bool f_code(struct import_ctx *c, const struct strv *f, size_t i,
                   char out[DT_CODE_SIZE])
{
    if (!f_present(c, f, i))
        return false;
    if (f[i].len > DT_CODE_MAX) {
        import_report(c, COL(c, i), "too long (%zu characters, at most %d)",
                      utf8_count(f[i].p, f[i].len), DT_CODE_MAX);
        return false;
    }
    if (!import_code_ok(f[i])) {
        import_report(c, COL(c, i),
                      "bad code characters (letters, digits, - _ . / only)");
        return false;
    }
    return strv_copy(f[i], out, DT_CODE_SIZE) == GW_OK;
}

static bool has_control(struct strv s)
{
    size_t i;

    for (i = 0; i < s.len; i++)
        if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
            return true;
    return false;
}

/* A name is stored NFC, so the same name typed NFD or NFC is one value;
 * the limit is in characters after NFC. */
static bool f_name(struct import_ctx *c, const struct strv *f, size_t i,
                   char out[DT_NAME_SIZE])
{
    struct buf b;
    size_t n;
    bool ok = false;

    if (!f_present(c, f, i))
        return false;
    if (has_control(f[i])) {
        import_report(c, COL(c, i), "control character");
        return false;
    }
    /* NFC can at most triple the bytes of a code point sequence. */
    buf_init(&b, 3 * CSV_FIELD_MAX);
    if (utf8_nfc(f[i].p, f[i].len, &b) != GW_OK) {
        import_report(c, COL(c, i), "bad UTF-8");
    } else if ((n = utf8_count(buf_cstr(&b), b.len)) > DT_NAME_MAX ||
               b.len >= DT_NAME_SIZE) {
        import_report(c, COL(c, i), "too long (%zu characters, at most %d)", n,
                      DT_NAME_MAX);
    } else {
        ok = strv_copy(strv_make(buf_cstr(&b), b.len), out, DT_NAME_SIZE) ==
             GW_OK;
    }
    buf_release(&b);
    return ok;
}

static bool f_phone(struct import_ctx *c, const struct strv *f, size_t i,
                    char out[DT_PHONE_SIZE])
{
    const char *why = NULL;

    if (!f_present(c, f, i))
        return false;
    if (phone_normalize(f[i].p, f[i].len, out, &why) != GW_OK) {
        import_report(c, COL(c, i), "%s", why ? why : "bad phone number");
        return false;
    }
    return true;
}

/* An empty optional date is stored as "". */
static bool f_date(struct import_ctx *c, const struct strv *f, size_t i,
                   bool optional, char out[DT_DATE_SIZE])
{
    struct dt_date d;

    out[0] = '\0';
    if (optional && f[i].len == 0)
        return true;
    if (!f_present(c, f, i))
        return false;
    if (date_parse_iso(f[i], &d) != GW_OK || f[i].len != DT_DATE_SIZE - 1) {
        import_report(c, COL(c, i), "bad date (expected YYYY-MM-DD)");
        return false;
    }
    return strv_copy(f[i], out, DT_DATE_SIZE) == GW_OK;
}

static bool f_money(struct import_ctx *c, const struct strv *f, size_t i,
                    int64_t *out)
{
    const char *why = NULL;

    if (!f_present(c, f, i))
        return false;
    if (money_parse_plain(f[i], out, &why) != GW_OK) {
        import_report(c, COL(c, i), "%s", why ? why : "bad amount");
        return false;
    }
    return true;
}

static bool f_int(struct import_ctx *c, const struct strv *f, size_t i,
                  int64_t min, int64_t max, int64_t *out)
{
    uint64_t v = 0;
    gw_err err;

    if (!f_present(c, f, i))
        return false;
    err = strv_to_u64(f[i], UINT64_MAX, &v);
    if (err == GW_EINVAL && f[i].p[0] != '-') {
        import_report(c, COL(c, i), "not a whole number");
        return false;
    }
    if (err || v < (uint64_t)min || v > (uint64_t)max) {
        import_report(c, COL(c, i), "out of range %lld..%lld", (long long)min,
                      (long long)max);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

static bool f_flag(struct import_ctx *c, const struct strv *f, size_t i,
                   int *out)
{
    if (!f_present(c, f, i))
        return false;
    if (strv_eq(f[i], "0") || strv_eq(f[i], "1")) {
        *out = f[i].p[0] - '0';
        return true;
    }
    import_report(c, COL(c, i), "must be 0 or 1");
    return false;
}

/* One of the words in list (any case), stored as written in list. */
static bool f_enum(struct import_ctx *c, const struct strv *f, size_t i,
                   const char *const *list, const char *names, char *out,
                   size_t size)
{
    if (!f_present(c, f, i))
        return false;
    for (; *list; list++) {
        if (strv_eq_nocase(f[i], *list)) {
            (void)snprintf(out, size, "%s", *list);
            return true;
        }
    }
    import_report(c, COL(c, i), "must be one of: %s", names);
    return false;
}

/* Programme codes (HN, CN, HSSV, NSVSMT, GQVL, ...), stored upper-case. */
static bool f_program(struct import_ctx *c, const struct strv *f, size_t i,
                      char out[DT_PROGRAM_SIZE])
{
    size_t k;

    if (!f_present(c, f, i))
        return false;
    if (f[i].len > DT_PROGRAM_MAX) {
        import_report(c, COL(c, i), "too long (%zu characters, at most %d)",
                      utf8_count(f[i].p, f[i].len), DT_PROGRAM_MAX);
        return false;
    }
    for (k = 0; k < f[i].len; k++) {
        unsigned char ch = (unsigned char)f[i].p[k];

        if (!ascii_alnum(ch) && ch != '-' && ch != '_') {
            import_report(c, COL(c, i),
                          "bad programme code (letters, digits, - _ only)");
            return false;
        }
        out[k] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    }
    out[k] = '\0';
    return true;
}

/* ---- communes ---- */

enum { C_CODE, C_NAME, C_DISTRICT, C_PROVINCE, C_DAY, C_PHONE, C_NCOLS };
static const char *const commune_cols[C_NCOLS] = {
    "commune_code", "commune_name", "district",
    "province",     "session_day",  "officer_phone"};

static void parse_commune(struct import_ctx *c, const struct strv *f,
                          union import_row *row)
{
    struct db_commune *r = &row->commune;
    int64_t day = 0;

    (void)f_code(c, f, C_CODE, r->code);
    (void)f_name(c, f, C_NAME, r->name);
    (void)f_name(c, f, C_DISTRICT, r->district);
    (void)f_name(c, f, C_PROVINCE, r->province);
    if (f_int(c, f, C_DAY, 1, IMPORT_SESSION_DAY_MAX, &day))
        r->session_day = (int)day;
    (void)f_phone(c, f, C_PHONE, r->officer_phone);
}

static gw_err store_commune(struct import_ctx *c, const union import_row *row)
{
    return db_commune_upsert(c->db, &row->commune);
}

/* ---- groups ---- */

enum { G_CODE, G_NAME, G_COMMUNE, G_UNION, G_NCOLS };
static const char *const group_cols[G_NCOLS] = {"group_code", "group_name",
                                                "commune_code", "union"};

static void parse_group(struct import_ctx *c, const struct strv *f,
                        union import_row *row)
{
    struct db_group *r = &row->group;

    (void)f_code(c, f, G_CODE, r->code);
    (void)f_name(c, f, G_NAME, r->name);
    (void)f_code(c, f, G_COMMUNE, r->commune_code);
    (void)f_name(c, f, G_UNION, r->union_name);
}

static gw_err store_group(struct import_ctx *c, const union import_row *row)
{
    gw_err err = db_group_upsert(c->db, &row->group);

    if (err != GW_ENOTFOUND)
        return err;
    import_report(c, COL(c, G_COMMUNE), "unknown commune %s",
                  row->group.commune_code);
    return GW_OK;
}

/* ---- members ---- */

enum {
    M_CODE,
    M_GROUP,
    M_SEQ,
    M_NAME,
    M_PHONE,
    M_ROLE,
    M_REM,
    M_CAMP,
    M_NCOLS
};
static const char *const member_cols[M_NCOLS] = {
    "member_code", "group_code", "seq",       "full_name",
    "phone",       "role",       "reminders", "campaigns"};
static const char *const roles[] = {"member", "leader", NULL};

static void parse_member(struct import_ctx *c, const struct strv *f,
                         union import_row *row)
{
    struct db_member *r = &row->member;
    int64_t seq = 0;

    (void)f_code(c, f, M_CODE, r->code);
    (void)f_code(c, f, M_GROUP, r->group_code);
    if (f_int(c, f, M_SEQ, 1, IMPORT_SEQ_MAX, &seq))
        r->seq = (int)seq;
    (void)f_name(c, f, M_NAME, r->full_name);
    (void)f_phone(c, f, M_PHONE, r->phone);
    (void)f_enum(c, f, M_ROLE, roles, "member, leader", r->role,
                 sizeof(r->role));
    (void)f_flag(c, f, M_REM, &r->reminders);
    (void)f_flag(c, f, M_CAMP, &r->campaigns);
}

/* Phones and seqs are only checked once the whole file is in (see
 * finish_members()), so a row may take a value a later row gives up. */
static gw_err store_member(struct import_ctx *c, const union import_row *row)
{
    const struct db_member *m = &row->member;
    gw_err err = db_member_upsert_deferred(c->db, m);

    if (err != GW_ENOTFOUND)
        return err;
    import_report(c, COL(c, M_GROUP), "unknown group %s", m->group_code);
    return GW_OK;
}

/* One row of the file that shares a phone or a seq with another member. */
struct clash_report {
    size_t line;
    size_t column; /* M_SEQ or M_PHONE */
    int seq;
    char group_code[DT_CODE_SIZE];
    char holder[DT_CODE_SIZE]; /* the member it clashes with */
};

struct clash_list {
    struct import_ctx *ctx;
    struct clash_report *v;
    size_t n, cap;
};

/* A shared value becomes one report per row of the file holding it. The
 * member named is the one not in the file, whose value stands, or else
 * the holder from the earliest line, which is then not reported itself:
 * "the later row takes what the earlier one has". */
static gw_err collect_clash(void *arg, const struct db_member_clash *c)
{
    struct clash_list *l = arg;
    const char *outside = NULL, *earliest = NULL;
    size_t i, first = 0, line;

    for (i = 0; i < c->ncodes; i++) {
        line = import_stored_line(l->ctx, c->codes[i]);
        if (line == 0 && outside == NULL)
            outside = c->codes[i];
        if (line && (first == 0 || line < first)) {
            first = line;
            earliest = c->codes[i];
        }
    }
    if (earliest == NULL) { /* the file changed none of them */
        log_error("import", "members %s and %s already share a %s", c->codes[0],
                  c->codes[1], c->column);
        return GW_EDB;
    }
    for (i = 0; i < c->ncodes; i++) {
        struct clash_report *r;

        line = import_stored_line(l->ctx, c->codes[i]);
        if (line == 0 || (outside == NULL && line == first))
            continue;
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 16;
            l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
        }
        r = &l->v[l->n++];
        memset(r, 0, sizeof(*r));
        r->line = line;
        r->column = strcmp(c->column, "phone") == 0 ? M_PHONE : M_SEQ;
        r->seq = c->seq;
        (void)snprintf(r->group_code, sizeof(r->group_code), "%s",
                       c->group_code ? c->group_code : "");
        (void)snprintf(r->holder, sizeof(r->holder), "%s",
                       outside ? outside : earliest);
    }
    return GW_OK;
}

/* By line, then in column order, like the reports made while reading. */
static int clash_cmp(const void *a, const void *b)
{
    const struct clash_report *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->column > y->column) - (x->column < y->column);
}

/* The file's final state must give every member her own phone and her own
 * seq in her group; every row that breaks this is reported. */
static gw_err finish_members(struct import_ctx *c)
{
    struct clash_list l = {c, NULL, 0, 0};
    gw_err err = db_member_conflicts(c->db, collect_clash, &l);
    size_t i;

    if (err == GW_OK && l.n > 0)
        qsort(l.v, l.n, sizeof(*l.v), clash_cmp);
    for (i = 0; err == GW_OK && i < l.n; i++) {
        const struct clash_report *r = &l.v[i];

        if (i == 0 || r->line != l.v[i - 1].line)
            c->late_bad_rows++;
        c->line = r->line;
        if (r->column == M_PHONE)
            import_report(c, COL(c, M_PHONE), "already used by member %s",
                          r->holder);
        else
            import_report(c, COL(c, M_SEQ),
                          "%d already used in group %s by member %s", r->seq,
                          r->group_code, r->holder);
    }
    free(l.v);
    return err;
}

/* ---- loans ---- */

enum {
    L_CODE,
    L_MEMBER,
    L_PROGRAM,
    L_DISBURSED_ON,
    L_DISBURSED,
    L_OUTST,
    L_RATE,
    L_MATURITY,
    L_NEXT_ON,
    L_NEXT_AMT,
    L_INTEREST,
    L_OVERDUE,
    L_STATUS,
    L_NCOLS
};
static const char *const loan_cols[L_NCOLS] = {"loan_code",
                                               "member_code",
                                               "program",
                                               "disbursed_on",
                                               "disbursed_amount",
                                               "outstanding",
                                               "monthly_rate_bp",
                                               "maturity_on",
                                               "next_principal_on",
                                               "next_principal_amount",
                                               "interest_due",
                                               "overdue_amount",
                                               "status"};
static const char *const statuses[] = {"current", "overdue", "extended",
                                       "frozen",  "closed",  NULL};

static void parse_loan(struct import_ctx *c, const struct strv *f,
                       union import_row *row)
{
    struct db_loan *r = &row->loan;

    (void)f_code(c, f, L_CODE, r->code);
    (void)f_code(c, f, L_MEMBER, r->member_code);
    (void)f_program(c, f, L_PROGRAM, r->program);
    (void)f_date(c, f, L_DISBURSED_ON, false, r->disbursed_on);
    (void)f_money(c, f, L_DISBURSED, &r->disbursed_amount);
    (void)f_money(c, f, L_OUTST, &r->outstanding);
    (void)f_int(c, f, L_RATE, 0, IMPORT_RATE_BP_MAX, &r->monthly_rate_bp);
    (void)f_date(c, f, L_MATURITY, false, r->maturity_on);
    (void)f_date(c, f, L_NEXT_ON, true, r->next_principal_on);
    (void)f_money(c, f, L_NEXT_AMT, &r->next_principal_amount);
    (void)f_money(c, f, L_INTEREST, &r->interest_due);
    (void)f_money(c, f, L_OVERDUE, &r->overdue_amount);
    (void)f_enum(c, f, L_STATUS, statuses,
                 "current, overdue, extended, frozen, closed", r->status,
                 sizeof(r->status));
}

static gw_err store_loan(struct import_ctx *c, const union import_row *row)
{
    gw_err err = db_loan_upsert(c->db, &row->loan);

    if (err != GW_ENOTFOUND)
        return err;
    import_report(c, COL(c, L_MEMBER), "unknown member %s",
                  row->loan.member_code);
    return GW_OK;
}

/* ---- savings ---- */

enum { S_MEMBER, S_BALANCE, S_NCOLS };
static const char *const savings_cols[S_NCOLS] = {"member_code", "balance"};

static void parse_savings(struct import_ctx *c, const struct strv *f,
                          union import_row *row)
{
    (void)f_code(c, f, S_MEMBER, row->savings.member_code);
    (void)f_money(c, f, S_BALANCE, &row->savings.balance);
}

static gw_err store_savings(struct import_ctx *c, const union import_row *row)
{
    gw_err err = db_savings_upsert(c->db, &row->savings, c->now);

    if (err != GW_ENOTFOUND)
        return err;
    import_report(c, COL(c, S_MEMBER), "unknown member %s",
                  row->savings.member_code);
    return GW_OK;
}

/* ---- postings ---- */

enum { P_RECEIPT, P_POSTED_ON, P_INTEREST, P_SAVINGS, P_PRINCIPAL, P_NCOLS };
static const char *const posting_cols[P_NCOLS] = {
    "receipt_code", "posted_on", "interest", "savings", "principal"};

static void parse_posting(struct import_ctx *c, const struct strv *f,
                          union import_row *row)
{
    struct db_posting *r = &row->posting;

    (void)f_code(c, f, P_RECEIPT, r->receipt_code);
    (void)f_date(c, f, P_POSTED_ON, false, r->posted_on);
    (void)f_money(c, f, P_INTEREST, &r->interest);
    (void)f_money(c, f, P_SAVINGS, &r->savings);
    (void)f_money(c, f, P_PRINCIPAL, &r->principal);
}

static gw_err store_posting(struct import_ctx *c, const union import_row *row)
{
    gw_err err = db_posting_upsert(c->db, &row->posting, c->now);

    if (err != GW_ENOTFOUND)
        return err;
    import_report(c, COL(c, P_RECEIPT), "unknown receipt %s",
                  row->posting.receipt_code);
    return GW_OK;
}

const struct import_kind_def import_kinds[IMPORT_KIND_COUNT] = {
    [IMPORT_COMMUNES] = {"communes",
                         "commune_code,commune_name,district,province,"
                         "session_day,officer_phone",
                         commune_cols, C_NCOLS, parse_commune, store_commune,
                         NULL},
    [IMPORT_GROUPS] = {"groups", "group_code,group_name,commune_code,union",
                       group_cols, G_NCOLS, parse_group, store_group, NULL},
    [IMPORT_MEMBERS] = {"members",
                        "member_code,group_code,seq,full_name,phone,role,"
                        "reminders,campaigns",
                        member_cols, M_NCOLS, parse_member, store_member,
                        finish_members},
    [IMPORT_LOANS] = {"loans",
                      "loan_code,member_code,program,disbursed_on,"
                      "disbursed_amount,outstanding,monthly_rate_bp,"
                      "maturity_on,next_principal_on,next_principal_amount,"
                      "interest_due,overdue_amount,status",
                      loan_cols, L_NCOLS, parse_loan, store_loan, NULL},
    [IMPORT_SAVINGS] = {"savings", "member_code,balance", savings_cols, S_NCOLS,
                        parse_savings, store_savings, NULL},
    [IMPORT_POSTINGS] = {"postings",
                         "receipt_code,posted_on,interest,savings,principal",
                         posting_cols, P_NCOLS, parse_posting, store_posting,
                         NULL},
};
