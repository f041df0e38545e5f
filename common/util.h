/* util.h - tiny macros shared by every module */
#ifndef DT_UTIL_H
#define DT_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define DT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define DT_UNUSED __attribute__((unused))
#else
#define DT_PRINTF(f, a)
#define DT_UNUSED
#endif

#endif
