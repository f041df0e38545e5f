/* file.c - read a whole small file into a bounded buffer */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/file.h"
#include "common/banned.h"

gw_err file_read_all(const char *path, struct buf *b, char *err, size_t errsize)
{
    char chunk[4096];
    FILE *f = fopen(path, "rb");
    size_t n;
    int e;

    if (f == NULL) {
        (void)snprintf(err, errsize, "%s: cannot read: %s", path,
                       strerror(errno));
        return GW_EIO;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(b, chunk, n))
            break;
    e = ferror(f) ? errno : 0;
    (void)fclose(f);
    if (e) {
        (void)snprintf(err, errsize, "%s: cannot read: %s", path, strerror(e));
        return GW_EIO;
    }
    if (b->err) {
        (void)snprintf(err, errsize, "%s: file too large (over %zu bytes)",
                       path, b->max);
        return GW_ETOOBIG;
    }
    return GW_OK;
}
