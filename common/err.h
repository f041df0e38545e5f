/* err.h - the one error type every diemtua module returns
 *
 * Actions return gw_err (GW_OK is 0, so `if (err)` reads naturally);
 * predicates return bool; constructors return a pointer or NULL.
 */
#ifndef DT_ERR_H
#define DT_ERR_H

typedef enum gw_err {
    GW_OK = 0,
    GW_EINVAL,    /* malformed input: the caller sent something wrong */
    GW_ETOOBIG,   /* input exceeds a named limit or a numeric range */
    GW_ENOTFOUND, /* the thing looked up does not exist */
    GW_EEXIST,    /* a unique key is already taken */
    GW_EDENIED,   /* authenticated but not allowed */
    GW_EBUSY,     /* database locked or disk full: retry later (503) */
    GW_EDB,       /* database failure that a retry will not fix */
    GW_EIO,       /* file or socket error */
    GW_EUPSTREAM, /* the aggregator failed or answered nonsense */
    GW_EINTERNAL  /* a bug: should never be seen */
} gw_err;

/* Static English text for err; never NULL. */
const char *gw_strerror(gw_err err);

#endif
