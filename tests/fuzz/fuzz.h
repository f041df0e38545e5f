/* fuzz.h - shared declarations for the libFuzzer targets
 *
 * Every tests/fuzz/fuzz_<target>.c defines LLVMFuzzerTestOneInput. A
 * target checks invariants, not only "no crash": FUZZ_CHECK aborts with
 * the failed condition so libFuzzer saves the input as a crash.
 */
#ifndef DT_FUZZ_H
#define DT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            (void)fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,   \
                          __LINE__, #cond);                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
