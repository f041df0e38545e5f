/* import_rows.h - per-kind columns, row validation and storing
 *
 * Private to cli/import*.c. import.c reads the file and drives; the
 * functions here turn one record's trimmed fields into a db row struct,
 * reporting each bad field through import_report(), and store a valid row,
 * reporting data errors (unknown reference); a kind may also check the
 * file's final state before the commit (members: phones and seqs).
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

/* The codes of the file's rows (import.c). */
struct import_seen;

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
    const struct import_seen *seen; /* the rows read so far */
    size_t late_bad_rows;           /* rows reported by finish() */
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
    /* NULL, or run after the last row and before the commit, even when
     * some rows were bad: reports rows that are wrong only in the light of
     * the whole file (adding to ctx->late_bad_rows). Returns only store
     * failures, like store(). */
    gw_err (*finish)(struct import_ctx *ctx);
};

/* The kinds, indexed by enum import_kind. */
extern const struct import_kind_def import_kinds[IMPORT_KIND_COUNT];

/* Writes "PATH:LINE: column: reason" and marks the row bad. */
void import_report(struct import_ctx *ctx, const char *column, const char *fmt,
                   ...) DT_PRINTF(3, 4);

/* The line of the file that stored the row with this code, or 0 when no
 * row of the file did (absent, or its row was bad). */
size_t import_stored_line(const struct import_ctx *ctx, const char *code);

/* true when s is a well-formed code (1..DT_CODE_MAX of A-Z a-z 0-9 - _ . /) */
bool import_code_ok(struct strv s);

#endif
