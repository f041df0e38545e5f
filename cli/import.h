/* import.h - loading the bank's CSV exports into the store
 *
 * One file is one kind (SPEC section 5) and one transaction: every row is
 * validated and upserted by its code, and if any row is bad every bad row
 * is reported as "FILE:LINE: column: reason" and the transaction is rolled
 * back, so the database is exactly as it was. Importing the same file
 * twice leaves the same rows. Values unique across members (phone, seq in
 * a group) are judged on the state the whole file produces, so the order
 * of its rows does not matter. Header names match in any case, with
 * spaces around them.
 *
 *   struct import_result res;
 *   gw_err err = import_file(db, IMPORT_MEMBERS, "members.csv", stderr,
 *                            time(NULL), &res);
 */
#ifndef DT_IMPORT_H
#define DT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "db/db.h"

enum import_kind {
    IMPORT_COMMUNES,
    IMPORT_GROUPS,
    IMPORT_MEMBERS,
    IMPORT_LOANS,
    IMPORT_SAVINGS,
    IMPORT_POSTINGS,
    IMPORT_KIND_COUNT
};

struct import_result {
    size_t rows;     /* data rows read (blank lines not counted) */
    size_t bad_rows; /* rows with at least one error */
    size_t errors;   /* lines written to the error stream */
};

/* "members" -> IMPORT_MEMBERS; false for an unknown name. */
bool import_kind_parse(const char *name, enum import_kind *out);
/* Static strings: the kind's name, and its header line
 * ("member_code,balance"). */
const char *import_kind_name(enum import_kind kind);
const char *import_kind_header(enum import_kind kind);

/* Imports the CSV file at path (UTF-8, header row) as kind, in one
 * transaction on db (which must not be in one). Errors go to errors (may
 * be NULL), one line each. now (Unix seconds) is stored as the import
 * time where the table keeps one.
 *
 * GW_OK: committed, res->rows rows. GW_EINVAL: bad rows or a bad header,
 * all reported, nothing changed. GW_EIO: the file could not be read.
 * GW_EBUSY / GW_EDB: the store failed; nothing changed. */
gw_err import_file(struct db *db, enum import_kind kind, const char *path,
                   FILE *errors, int64_t now, struct import_result *res);

#endif
