/* svg.h - small charts drawn on the server, for a 360 px screen
 *
 * A chart is inline SVG written through page_f (no script, no style
 * attribute: the Content-Security-Policy allows neither): a line over
 * the last sessions, a dot per session, the last value in words.
 */
#ifndef DT_SVG_H
#define DT_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "console/html.h"

#define SVG_POINTS_MAX 12

/* A series of ratios in thousandths (0..1000; -1: no value that
 * session), oldest first; label names it ("Tỷ lệ thu lãi"). */
void svg_ratio_chart(struct page *p, const char *label, const int *permille,
                     size_t n);

/* "12,3%" from thousandths. */
void svg_percent(int permille, char *out, size_t size);

#endif
