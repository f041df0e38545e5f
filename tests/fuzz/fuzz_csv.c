/* fuzz_csv.c - libFuzzer target: the streaming CSV reader
 *
 * Any bytes as a file. The reader must end (EOF, never a loop), keep every
 * record within its bounds, count lines forward, terminate each field in
 * place, and name a reason for every bad record.
 */
#include <stdio.h>
#include <string.h>

#include "common/csv.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct csv_reader r; /* 9 KB: keep it off the stack */
    enum csv_status st;
    size_t records = 0, last_line = 0, i;
    FILE *fp;

    if (size == 0)
        return 0; /* fmemopen refuses an empty buffer */
    fp = fmemopen((void *)(uintptr_t)data, size, "r");
    if (fp == NULL)
        return 0;
    csv_init(&r, fp);
    while ((st = csv_next(&r)) != CSV_EOF) {
        FUZZ_CHECK(st != CSV_EIO);
        /* Every record takes at least one byte of input. */
        FUZZ_CHECK(++records <= size + 1);
        FUZZ_CHECK(r.line >= 1 && r.line > last_line);
        last_line = r.line;
        if (st == CSV_EBAD) {
            FUZZ_CHECK(r.why != NULL && r.why[0] != '\0');
            FUZZ_CHECK(r.bad_field == CSV_NO_FIELD ||
                       r.bad_field < CSV_FIELDS_MAX);
            continue;
        }
        FUZZ_CHECK(st == CSV_RECORD);
        FUZZ_CHECK(r.nfields >= 1 && r.nfields <= CSV_FIELDS_MAX);
        for (i = 0; i < r.nfields; i++) {
            const char *p = r.fields[i].p;

            FUZZ_CHECK(r.fields[i].len <= CSV_FIELD_MAX);
            FUZZ_CHECK(p >= r.data &&
                       p + r.fields[i].len <= r.data + sizeof(r.data) - 1);
            FUZZ_CHECK(p[r.fields[i].len] == '\0');
        }
        /* Blank: one field of nothing but spaces, tabs or a stray CR. */
        if (csv_blank(&r)) {
            FUZZ_CHECK(r.nfields == 1);
            for (i = 0; i < r.fields[0].len; i++)
                FUZZ_CHECK(strchr(" \t\r", r.fields[0].p[i]) != NULL &&
                           r.fields[0].p[i] != '\0');
        }
    }
    (void)fclose(fp);
    return 0;
}
