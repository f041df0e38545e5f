/* import_rows.h - per-kind columns, row validation and storing
 *
 * Private to cli/import*.c. import.c reads the file and drives; the
 * functions here turn one record's trimmed fields into a db row struct,
 * reporting each bad field through import_report(), and store a valid row,
 * reporting data errors (unknown reference, value held by another row).
 */
#ifndef DT_IMPORT_ROWS_H
#define DT_IMPORT_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/import.h"
#include "common/strv.h"
#include "common/util.h"
#include "db/db_import.h"

/* State of one import while it runs. */
struct import_ctx {
    struct db *db;
    const char *path;
    FILE *errors;
    int64_t now;
    const char *const *columns; /* of the kind being imported */
    size_t line;                /* where the current record starts */
    bool row_bad;               /* the current row had an error */
    size_t errors_written;
};

union import_row {
    struct db_commune commune;
    struct db_group group;
    struct db_member member;
    struct db_loan loan;
    struct db_savings savings;
    struct db_posting posting;
};

struct import_kind_def {
    const char *name;
    const char *header; /* the columns joined by ',' */
    const char *const *columns;
    size_t ncolumns;
    /* Fills row from f[ncolumns] (trimmed); reports every bad field. */
    void (*parse)(struct import_ctx *ctx, const struct strv *f,
                  union import_row *row);
    /* Stores a valid row. Data errors are reported and return GW_OK;
     * only a store failure (GW_EBUSY, GW_EDB) is returned. */
    gw_err (*store)(struct import_ctx *ctx, const union import_row *row);
};

/* The kinds, indexed by enum import_kind. */
extern const struct import_kind_def import_kinds[IMPORT_KIND_COUNT];

/* Writes "PATH:LINE: column: reason" and marks the row bad. */
void import_report(struct import_ctx *ctx, const char *column, const char *fmt,
                   ...) DT_PRINTF(3, 4);

/* true when s is a well-formed code (1..DT_CODE_MAX of A-Z a-z 0-9 - _ . /) */
bool import_code_ok(struct strv s);

#endif
