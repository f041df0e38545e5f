/* fuzzy.c - skeletons of typed words and the distance between them */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/strv.h"
#include "text/fuzzy.h"
#include "common/banned.h"

static bool is_letter(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_vowel(char c)
{
    return c != '\0' && strchr("AEIOUY", c) != NULL;
}

size_t fuzzy_skeleton(struct strv word, char *out, size_t size)
{
    size_t i, o = 0;
    char prev = '\0';   /* the last letter kept */
    bool vowel = false; /* a vowel kept: a syllable a tone can follow */

    if (size == 0)
        return 0;
    if (word.len == 0 || !is_letter(word.p[0])) {
        o = word.len < size ? word.len : size - 1;
        memcpy(out, word.p, o);
        out[o] = '\0';
        return o;
    }
    for (i = 0; i < word.len && o + 1 < size; i++) {
        char c = word.p[i];
        bool mark;

        if (!is_letter(c))
            continue; /* VNI: 1-5 tones, 6-9 other marks */
        mark = (i > 0 && strchr("FJWZ", c) != NULL) ||
               ((is_vowel(prev) || (vowel && i + 1 == word.len)) &&
                strchr("SRX", c) != NULL);
        if (mark || c == prev)
            continue;
        out[o++] = c;
        prev = c;
        vowel = vowel || is_vowel(c);
    }
    out[o] = '\0';
    return o;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;

    return m < c ? m : c;
}

unsigned fuzzy_distance(struct strv a, struct strv b, unsigned cap)
{
    /* Three rows of the usual table: the one before the previous is what
     * a swap of two neighbours looks back to. */
    unsigned rows[3][FUZZY_MAX_LEN + 1];
    unsigned *pp = rows[0], *p = rows[1], *c = rows[2];
    size_t i, j;

    if (a.len > FUZZY_MAX_LEN || b.len > FUZZY_MAX_LEN)
        return cap + 1;
    if ((a.len > b.len ? a.len - b.len : b.len - a.len) > cap)
        return cap + 1;
    for (j = 0; j <= b.len; j++)
        p[j] = (unsigned)j;
    for (i = 1; i <= a.len; i++) {
        unsigned row_min;
        unsigned *t;

        c[0] = (unsigned)i;
        row_min = c[0];
        for (j = 1; j <= b.len; j++) {
            unsigned cost = a.p[i - 1] == b.p[j - 1] ? 0u : 1u;

            c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
            if (i > 1 && j > 1 && a.p[i - 1] == b.p[j - 2] &&
                a.p[i - 2] == b.p[j - 1] && pp[j - 2] + 1 < c[j])
                c[j] = pp[j - 2] + 1;
            if (c[j] < row_min)
                row_min = c[j];
        }
        if (row_min > cap)
            return cap + 1;
        t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[b.len] > cap ? cap + 1 : p[b.len];
}
