/* file.h - reading a whole small file (configuration, templates) */
#ifndef DT_FILE_H
#define DT_FILE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* Appends the contents of path to b, whose maximum bounds the file size.
 * On failure writes "PATH: cannot read: REASON" or "PATH: file too large
 * (over N bytes)" into err[errsize] and returns GW_EIO or GW_ETOOBIG. */
gw_err file_read_all(const char *path, struct buf *b, char *err,
                     size_t errsize);

#endif
