/* err.c - text for gw_err */
#include "common/err.h"
#include "common/banned.h"

const char *gw_strerror(gw_err err)
{
    switch (err) {
    case GW_OK:
        return "ok";
    case GW_EINVAL:
        return "invalid input";
    case GW_ETOOBIG:
        return "too big";
    case GW_ENOTFOUND:
        return "not found";
    case GW_EEXIST:
        return "already exists";
    case GW_EDENIED:
        return "denied";
    case GW_EBUSY:
        return "busy, retry later";
    case GW_EDB:
        return "database error";
    case GW_EIO:
        return "i/o error";
    case GW_EUPSTREAM:
        return "upstream error";
    case GW_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}
