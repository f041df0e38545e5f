/* understand.c - which command a caller's own words mean */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/buf.h"
#include "common/dt_limits.h"
#include "common/strv.h"
#include "common/util.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/receipt.h"
#include "handlers/understand.h"
#include "text/fuzzy.h"
#include "text/keyword.h"
#include "common/banned.h"

/* A window of skeleton words, as compared with a phrase's text. */
#define WINDOW_MAX (PHRASE_TEXT_MAX * 2)

/* Nothing as near as this: the suggestion falls back to the role's
 * likeliest need. */
#define SUGGEST_CAP 2

struct input {
    char sk[HANDLER_MAX_WORDS][32]; /* each word's skeleton */
    size_t n;
};

static bool has_digit(struct strv w)
{
    size_t i;

    for (i = 0; i < w.len; i++)
        if (w.p[i] >= '0' && w.p[i] <= '9')
            return true;
    return false;
}

/* A word that is an argument, never talk: it holds a digit, or it is a
 * receipt code as issued (six letters can look like "nhaaaa"). */
static bool is_argument(struct strv w)
{
    char code[RECEIPT_CODE_SIZE];

    return has_digit(w) || receipt_parse(w, code) == GW_OK;
}

static bool may_run(const struct handler_cmd *c, unsigned role)
{
    return (c->roles & role) != 0;
}

/* Words pos..pos+k joined by one space; false past the input or when it
 * does not fit. */
static bool window(const struct input *in, size_t pos, size_t k, char *out,
                   size_t *len)
{
    size_t i, o = 0;

    if (k == 0 || pos + k > in->n)
        return false;
    for (i = pos; i < pos + k; i++) {
        size_t l = strlen(in->sk[i]);

        if (o + l + 2 > WINDOW_MAX)
            return false;
        if (i > pos)
            out[o++] = ' ';
        memcpy(out + o, in->sk[i], l);
        o += l;
    }
    out[o] = '\0';
    *len = o;
    return true;
}

static unsigned letters(const char *s, size_t len)
{
    unsigned n = 0;
    size_t i;

    for (i = 0; i < len; i++)
        n += s[i] >= 'A' && s[i] <= 'Z';
    return n;
}

/* The longest entry of kind matching the words at pos exactly; *k is how
 * many words it took. A one-word input also matches a phrase written
 * without its spaces ("sodu", "xemsodu"). Runs for every message: a
 * binary search a window, never a walk through the table. */
static const struct phrase *match_at(const struct phrases *ph,
                                     const struct input *in, size_t pos,
                                     enum phrase_kind kind, size_t *k)
{
    const struct phrase *e;
    char win[WINDOW_MAX];
    size_t j, len;

    for (j = PHRASE_WORDS_MAX; j >= 1; j--) {
        if (!window(in, pos, j, win, &len))
            continue;
        e = phrases_find(ph, win, false);
        if (e && e->kind == kind) {
            *k = j;
            return e;
        }
    }
    e = pos < in->n ? phrases_find(ph, in->sk[pos], true) : NULL;
    *k = e && e->kind == kind ? 1 : 0;
    return *k ? e : NULL;
}

static bool is_kind(const struct phrases *ph, const struct input *in,
                    size_t pos, enum phrase_kind kind)
{
    size_t k;

    return match_at(ph, in, pos, kind, &k) != NULL && k == 1;
}

/* The nearest entry of a command role may run, within cap: *d its
 * distance, *k the input words it took. Entries and windows of fewer
 * than 3 letters, aliases and commands role may not run never count.
 * *unique tells whether every entry within cap means the same command. */
static const struct phrase *nearest(const struct phrases *ph,
                                    const struct input *in, size_t pos,
                                    unsigned role, unsigned cap, unsigned *d,
                                    size_t *k, bool *unique)
{
    const struct phrase *best = NULL;
    char win[WINDOW_MAX];
    size_t i, j, len;

    *d = cap + 1;
    *unique = true;
    for (i = 0; i < ph->n; i++) {
        const struct phrase *e = &ph->v[i];
        size_t from = e->nwords > 1 ? e->nwords - 1 : 1;

        if (e->kind != PHRASE_COMMAND || e->alias || e->letters < 3 ||
            !may_run(e->cmd, role))
            continue;
        for (j = from; j <= e->nwords + 1; j++) {
            unsigned dist;

            if (!window(in, pos, j, win, &len))
                break;
            if (letters(win, len) < 3)
                continue;
            dist = fuzzy_distance(strv_make(win, len), strv_from_cstr(e->text),
                                  cap);
            if (j == 1) {
                unsigned dj = fuzzy_distance(strv_make(win, len),
                                             strv_from_cstr(e->joined), cap);

                dist = dj < dist ? dj : dist;
            }
            if (dist > cap)
                continue;
            if (best && best->cmd != e->cmd)
                *unique = false;
            if (dist < *d) {
                best = e;
                *d = dist;
                *k = j;
            }
        }
    }
    return best;
}

/* A phrase of two words or more further on, for a command that only
 * reads: "tien tiet kiem cua em", "khi nao dong lai". One word there
 * would mean too much else ("lai" is also "again"), and XN, SAI and
 * money never run from words that come after others ("toi khong dung
 * dich vu nay" is no dispute). */
static const struct phrase *later_phrase(const struct phrases *ph,
                                         const struct input *in, size_t from,
                                         size_t *at, size_t *k)
{
    size_t q;

    for (q = from; q < in->n; q++) {
        const struct phrase *e = match_at(ph, in, q, PHRASE_COMMAND, k);

        if (e && e->nwords >= 2 && e->cmd->flags == 0) {
            *at = q;
            return e;
        }
    }
    return NULL;
}

/* "OK" and "NO" are also Vietnamese words ("no" is "nợ", debt, after
 * folding): as aliases they stand alone, or before a receipt code and
 * polite words ("no con bao nhieu" asks for the balance). */
static bool talk_after_short_alias(const struct phrases *ph,
                                   const struct input *in, const struct strv *w,
                                   const struct handler_cmd *c, size_t used)
{
    size_t i, talk = 0, codes = 0;

    if (c->alias == NULL || strlen(c->alias) >= 3 || used != 1 ||
        !strv_eq(w[0], c->alias))
        return false;
    for (i = 1; i < in->n; i++) {
        if (is_argument(w[i]))
            codes++;
        else if (!is_kind(ph, in, i, PHRASE_FILLER))
            talk++;
    }
    return talk > 0 || codes > 1;
}

/* The arguments after a phrase: what looks like one (a number, a code);
 * the rest is the caller's talk ("tien no con bao nhieu"). */
static void phrase_args(const struct strv *w, size_t n, size_t from,
                        struct understood *u)
{
    size_t i;

    u->argc = 0;
    for (i = from; i < n; i++)
        if (is_argument(w[i]))
            u->argv[u->argc++] = w[i];
    u->nargs = u->argc;
}

/* The arguments typed after a keyword, less the polite words closing
 * the message ("SD a", "XN K7Q2M9 nhe"); a money command keeps its
 * exact grammar. */
static void exact_args(const struct phrases *ph, const struct input *in,
                       const struct strv *w, size_t n, size_t total,
                       struct understood *u)
{
    size_t end = n, i;

    if (ph && total == n && !(u->cmd->flags & HANDLER_F_MONEY))
        while (end > u->used && !is_argument(w[end - 1]) &&
               is_kind(ph, in, end - 1, PHRASE_FILLER))
            end--;
    u->argc = end - u->used;
    for (i = 0; i < u->argc; i++)
        u->argv[i] = w[u->used + i];
    u->nargs = total - u->used - (n - end);
}

static const struct handler_cmd *by_keyword(const char *keyword)
{
    size_t i, n;
    const struct handler_cmd *c = dispatch_commands(&n);

    for (i = 0; i < n; i++)
        if (strcmp(c[i].keyword, keyword) == 0)
            return &c[i];
    return c; /* the table starts with SD */
}

/* Nothing fits: the command nearest to what was typed (unless it was a
 * real word of [words]), or else what such a caller most often wants (a member
 * her balance, a leader with numbers a collection, else the help). */
static const struct handler_cmd *suggestion(const struct phrases *ph,
                                            const struct input *in,
                                            const struct strv *w, size_t n,
                                            size_t pos, unsigned role)
{
    const struct phrase *e = NULL;
    unsigned d;
    size_t k, i, numbers = 0;
    bool unique;

    if (ph && pos < in->n && !is_kind(ph, in, pos, PHRASE_WORD))
        e = nearest(ph, in, pos, role, SUGGEST_CAP, &d, &k, &unique);
    /* Two slips only in a long phrase: in three letters they make most
     * any word ("hom" would be NOP). */
    if (e && (d <= 1 || e->letters >= 6))
        return e->cmd;
    if (role != HANDLER_LEADER)
        return by_keyword("SD");
    for (i = 0; i < n; i++)
        numbers += has_digit(w[i]);
    return by_keyword(numbers >= 2 ? "THU" : "HD");
}

/* A command found beyond its exact keyword: run it, or only its syntax. */
static void guessed(const struct phrase *e, enum understood_how how,
                    unsigned role, const struct strv *w, size_t n, size_t end,
                    struct understood *u)
{
    u->cmd = e->cmd;
    if ((e->cmd->flags & HANDLER_F_MONEY) ||
        (how == UNDERSTOOD_SLIP && (e->cmd->flags & HANDLER_F_RECEIPT))) {
        u->how = may_run(e->cmd, role) ? UNDERSTOOD_SYNTAX : UNDERSTOOD_NONE;
        u->argc = u->nargs = 0;
        return;
    }
    u->how = how;
    phrase_args(w, n, end, u);
}

void understand(const struct phrases *ph, const struct strv *words, size_t n,
                size_t total, unsigned role, struct understood *u)
{
    const struct handler_cmd *exact;
    const struct phrase *e = NULL;
    struct input in;
    size_t i, pos = 0, at = 0, k = 0, used = 0;

    memset(u, 0, sizeof(*u));
    if (ph && n == 0) { /* nothing but punctuation: the help */
        u->how = UNDERSTOOD_PHRASE;
        u->cmd = by_keyword("HD");
        return;
    }
    in.n = n < HANDLER_MAX_WORDS ? n : HANDLER_MAX_WORDS;
    for (i = 0; i < in.n; i++)
        (void)fuzzy_skeleton(words[i], in.sk[i], sizeof(in.sk[i]));
    exact = dispatch_lookup(words, in.n, &used);

    if (exact && ph && talk_after_short_alias(ph, &in, words, exact, used))
        exact = NULL;
    /* A phrase, after whatever filler comes first. */
    while (ph && pos < in.n) {
        size_t f;

        e = match_at(ph, &in, pos, PHRASE_COMMAND, &k);
        if (e || match_at(ph, &in, pos, PHRASE_FILLER, &f) == NULL)
            break;
        pos += f;
    }
    if (exact && (e == NULL || pos > 0 || k <= used)) {
        u->how = UNDERSTOOD_EXACT;
        u->cmd = exact;
        u->used = used;
        exact_args(ph, &in, words, in.n, total, u);
        return;
    }
    if (e) {
        guessed(e, UNDERSTOOD_PHRASE, role, words, in.n, pos + k, u);
        if (u->how != UNDERSTOOD_NONE)
            return;
    } else if (ph && (e = later_phrase(ph, &in, pos + 1, &at, &k)) != NULL) {
        guessed(e, UNDERSTOOD_PHRASE, role, words, in.n, at + k, u);
        return;
    } else if (ph && pos == in.n && in.n > 0) { /* only polite words */
        u->how = UNDERSTOOD_PHRASE;
        u->cmd = by_keyword("HD");
        return;
    }
    if (ph && e == NULL && pos < in.n && !is_kind(ph, &in, pos, PHRASE_WORD)) {
        unsigned d;
        bool unique;

        e = nearest(ph, &in, pos, role, 1, &d, &k, &unique);
        if (e && unique) {
            guessed(e, UNDERSTOOD_SLIP, role, words, in.n, pos + k, u);
            if (u->how != UNDERSTOOD_NONE)
                return;
        }
    }
    u->how = UNDERSTOOD_NONE;
    u->argc = u->nargs = 0;
    u->cmd = suggestion(ph, &in, words, in.n, pos, role);
}

size_t understand_split(const char *s, size_t len, struct strv *w, size_t max,
                        size_t *total)
{
    size_t i = 0, n = 0;

    *total = 0;
    while (i < len) {
        size_t start = i;

        while (i < len && s[i] != ' ')
            i++;
        if (n < max)
            w[n++] = strv_make(s + start, i - start);
        (*total)++;
        i++; /* the space */
    }
    return n;
}

void understand_text(const struct phrases *ph, struct strv text, unsigned role,
                     struct understood *u)
{
    struct strv words[HANDLER_MAX_WORDS];
    struct buf norm;
    size_t n = 0, total = 0;

    buf_init(&norm, DT_SMS_IN_MAX);
    if (text.len <= DT_SMS_IN_MAX &&
        keyword_normalize(text.p, text.len, &norm) == GW_OK)
        n = understand_split(buf_cstr(&norm), norm.len, words,
                             ARRAY_SIZE(words), &total);
    understand(ph, words, n, total, role, u);
    /* The words lived in norm. */
    u->argc = 0;
    memset(u->argv, 0, sizeof(u->argv));
    buf_release(&norm);
}

bool understand_reads(const struct phrases *ph, struct strv text, unsigned role)
{
    struct understood u;

    understand_text(ph, text, role, &u);
    return u.how != UNDERSTOOD_NONE && u.how != UNDERSTOOD_SYNTAX &&
           u.cmd->flags == 0 && u.cmd->pin_tail == 0 && may_run(u.cmd, role);
}
