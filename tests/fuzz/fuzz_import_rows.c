/* fuzz_import_rows.c - libFuzzer target: the import row validators
 *
 * The first byte picks the kind (communes .. postings); the rest is read
 * as CSV, and every record with the kind's column count goes through the
 * kind's parse(), exactly as import.c calls it (fields trimmed). A row
 * with no report must be a complete, well-formed row: a code that
 * import_code_ok accepts, an E.164 phone, amounts in range.
 */
#include <stdio.h>
#include <string.h>

#include "cli/import.h"
#include "cli/import_rows.h"
#include "common/csv.h"
#include "common/dt_limits.h"
#include "tests/fuzz/fuzz.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The reports are formatted for real: their printf paths run too. */
    sink = fopen("/dev/null", "w");
    return 0;
}

static void check_phone(const char *p)
{
    FUZZ_CHECK(strlen(p) == 12 && strncmp(p, "+84", 3) == 0);
}

static void check_money(int64_t v)
{
    FUZZ_CHECK(v >= 0 && v <= DT_MONEY_MAX);
}

/* A row without a report is whole. */
static void check_row(enum import_kind kind, const union import_row *row)
{
    switch (kind) {
    case IMPORT_COMMUNES:
        FUZZ_CHECK(import_code_ok(strv_from_cstr(row->commune.code)));
        FUZZ_CHECK(row->commune.session_day >= 1 &&
                   row->commune.session_day <= 28);
        check_phone(row->commune.officer_phone);
        break;
    case IMPORT_GROUPS:
        FUZZ_CHECK(import_code_ok(strv_from_cstr(row->group.code)));
        FUZZ_CHECK(import_code_ok(strv_from_cstr(row->group.commune_code)));
        break;
    case IMPORT_MEMBERS:
        FUZZ_CHECK(import_code_ok(strv_from_cstr(row->member.code)));
        FUZZ_CHECK(row->member.seq >= 1);
        check_phone(row->member.phone);
        break;
    case IMPORT_LOANS:
        FUZZ_CHECK(import_code_ok(strv_from_cstr(row->loan.code)));
        check_money(row->loan.disbursed_amount);
        check_money(row->loan.outstanding);
        check_money(row->loan.interest_due);
        break;
    case IMPORT_SAVINGS:
        check_money(row->savings.balance);
        break;
    case IMPORT_POSTINGS:
        check_money(row->posting.interest);
        check_money(row->posting.savings);
        check_money(row->posting.principal);
        break;
    case IMPORT_KIND_COUNT:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct csv_reader r;
    const struct import_kind_def *def;
    struct import_ctx ctx;
    union import_row row;
    struct strv f[CSV_FIELDS_MAX];
    enum import_kind kind;
    enum csv_status st;
    size_t i;
    FILE *fp;

    if (size < 2)
        return 0;
    kind = (enum import_kind)(data[0] % IMPORT_KIND_COUNT);
    def = &import_kinds[kind];
    fp = fmemopen((void *)(uintptr_t)(data + 1), size - 1, "r");
    if (fp == NULL)
        return 0;
    memset(&ctx, 0, sizeof(ctx));
    ctx.path = "fuzz.csv";
    ctx.errors = sink;
    ctx.columns = def->columns;
    csv_init(&r, fp);
    while ((st = csv_next(&r)) != CSV_EOF && st != CSV_EIO) {
        if (st != CSV_RECORD || r.nfields != def->ncolumns)
            continue;
        for (i = 0; i < def->ncolumns; i++)
            f[i] = strv_trim(r.fields[i]);
        memset(&row, 0, sizeof(row));
        ctx.line = r.line;
        ctx.row_bad = false;
        def->parse(&ctx, f, &row);
        if (!ctx.row_bad)
            check_row(kind, &row);
    }
    (void)fclose(fp);
    return 0;
}
