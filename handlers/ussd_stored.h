/* ussd_stored.h - the USSD path: its inputs, what a hop stores, and its
 * dedup key (for ussd.c)
 *
 * The path with masked inputs (PINs) as "****" and every byte that is not
 * printable ASCII as '?'; inputs after the closing screen are left out:
 * the aggregator may repeat the final hop with more text, and that must
 * not be a new key (it would run the command, e.g. record a collection,
 * once more). The key is the session id and a hash of the phone and the
 * stored path: a recycled session id from another phone never gets this
 * phone's stored END screen.
 */
#ifndef DT_USSD_STORED_H
#define DT_USSD_STORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"
#include "handlers/ussd.h"

/* Splits the path at '*' into out[0..*n) (each trimmed); false when there
 * are more than USSD_MAX_INPUTS inputs. */
bool ussd_split_path(struct strv text, struct strv *out, size_t *n);

/* raw[0..used) are the inputs read; bit i of masked stars raw[i]. Fills
 * step->stored and step->key. */
void ussd_stored_fill(const struct strv *raw, size_t used, uint64_t masked,
                      const struct ussd_hop *hop, struct ussd_step *step);

#endif
