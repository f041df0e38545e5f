/* svg.c - small charts drawn on the server */
#include <stdio.h>

#include "console/svg.h"
#include "common/banned.h"

#define W 160
#define H 44
#define PAD 4

void svg_percent(int permille, char *out, size_t size)
{
    if (permille < 0)
        (void)snprintf(out, size, "-");
    else
        (void)snprintf(out, size, "%d,%d%%", permille / 10, permille % 10);
}

static int y_of(int v)
{
    if (v > 1000)
        v = 1000;
    return H - PAD - (v * (H - 2 * PAD)) / 1000;
}

void svg_ratio_chart(struct page *p, const char *label, const int *permille,
                     size_t n)
{
    char last[16] = "-";
    size_t i, shown = 0;
    int step = n > 1 ? (W - 2 * PAD) / (int)(n - 1) : 0;

    for (i = 0; i < n; i++)
        if (permille[i] >= 0)
            svg_percent(permille[i], last, sizeof(last));
    page_f(p,
           "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" width=\"%d\" "
           "height=\"%d\" role=\"img\" aria-label=\"%s: %s\"><title>%s"
           "</title><line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
           "stroke=\"#c9ced6\"/><line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
           "stroke=\"#e2e5ea\" stroke-dasharray=\"2 2\"/><polyline "
           "fill=\"none\" stroke=\"#14532d\" stroke-width=\"2\" points=\"",
           W, H, W, H, label, last, label, H - PAD, W, H - PAD, PAD, W, PAD);
    for (i = 0; i < n; i++)
        if (permille[i] >= 0)
            page_f(p, "%d,%d ", PAD + (int)i * step, y_of(permille[i]));
    page_f(p, "\"/>");
    for (i = 0; i < n; i++)
        if (permille[i] >= 0) {
            page_f(p,
                   "<circle cx=\"%d\" cy=\"%d\" r=\"2.5\" fill=\"#14532d\"/>",
                   PAD + (int)i * step, y_of(permille[i]));
            shown++;
        }
    page_f(p,
           "</svg><figcaption>%s: <b>%s</b> <small>(%d phiên)</small>"
           "</figcaption></figure>",
           label, last, (int)shown);
}
