/* redact.h - inbound text as it may be stored: the one place that decides
 *
 * A command whose grammar parsed is stored with its PIN words starred by
 * the dispatcher, which knows where they are. Everything else goes
 * through redact_text(): text from a leader or an unknown number that did
 * not parse may hold a PIN anywhere (NOP2468, NOP 2 4 6 8, NOP 24-68,
 * MK 1234 5678 ok), so all of its digits go.
 */
#ifndef DT_REDACT_H
#define DT_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies s[len] into out[size] (always terminated), cut on a character
 * boundary; NULs and bytes that are not valid UTF-8 become '?'. With
 * digits, every ASCII digit becomes '*'. */
void redact_text(const char *s, size_t len, bool digits, char *out,
                 size_t size);

#endif
