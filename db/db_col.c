/* db_col.c - copying result columns into caller-owned C strings */
#include <string.h>

#include "db/db_internal.h"
#include "common/banned.h"

void db_col_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

    if (size == 0) /* nowhere to write even the NUL (clang-tidy) */
        return;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(out, t, n);
    out[n] = '\0';
}

gw_err db_col_text_fit(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    int n = sqlite3_column_bytes(st, col);

    out[0] = '\0';
    if (t == NULL)
        return GW_OK;
    if (n < 0 || (size_t)n >= size)
        return GW_ETOOBIG;
    memcpy(out, t, (size_t)n);
    out[n] = '\0';
    return GW_OK;
}
