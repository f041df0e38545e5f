/* understand.h - which command a caller's own words mean
 *
 * One reading for every place a person's text arrives (an SMS, free text
 * on the USSD home screen). In order:
 *   1. a keyword or alias typed as such (dispatch_lookup), unless a
 *      longer phrase of the table starts there ("sai roi" over SAI);
 *   2. a phrase of the table (phrases.h), after any filler words ("cho
 *      em xem so du a"), compared as skeletons, so diacritics, Telex and
 *      VNI leftovers and doubled letters do not matter;
 *   3. one slip (fuzzy_distance 1) from a keyword or phrase of 3 letters
 *      or more of a command this caller may run, when exactly one command
 *      is that close and the word is not a real word of [words].
 * A command that moves money or a PIN runs from step 1 alone; near one
 * (THUU, "ghi thu ..."), and after a slip near XN or SAI, the answer is
 * the command's syntax, never the action. Nothing near: the likeliest
 * command for the caller's role, to suggest.
 */
#ifndef DT_UNDERSTAND_H
#define DT_UNDERSTAND_H

#include <stddef.h>

#include "common/strv.h"
#include "handlers/handler.h"

struct phrases;

enum understood_how {
    UNDERSTOOD_NONE,   /* no command; cmd is the one to suggest */
    UNDERSTOOD_EXACT,  /* its keyword or alias, as typed */
    UNDERSTOOD_PHRASE, /* a phrase of the table (or only filler: HD) */
    UNDERSTOOD_SLIP,   /* one slip from a command that only reads */
    UNDERSTOOD_SYNTAX  /* near a command never guessed: send its syntax */
};

struct understood {
    enum understood_how how;
    /* What to run (EXACT, PHRASE, SLIP), whose syntax to send (SYNTAX),
     * or what to suggest (NONE); never NULL. */
    const struct handler_cmd *cmd;
    size_t used;                         /* words the command took (EXACT) */
    struct strv argv[HANDLER_MAX_WORDS]; /* its arguments */
    size_t argc;
    size_t nargs; /* arguments for the arity check: words past the
                   * HANDLER_MAX_WORDS looked at count too */
};

/* Reads words[0..n) (normalised: keyword_normalize, one space apart;
 * total counts the words past n too) from a caller of role
 * (HANDLER_MEMBER or HANDLER_LEADER). ph NULL: keywords as typed only.
 * Pure: no database, no allocation. */
void understand(const struct phrases *ph, const struct strv *words, size_t n,
                size_t total, unsigned role, struct understood *u);

/* The same for raw UTF-8 text, as an SMS or a USSD input carries it. */
void understand_text(const struct phrases *ph, struct strv text, unsigned role,
                     struct understood *u);

/* Whether text, read as above, means a command that only reads (no PIN,
 * no receipt or money moved) and that role may run: what words typed on
 * the USSD home screen may run there. */
bool understand_reads(const struct phrases *ph, struct strv text,
                      unsigned role);

/* Splits normalised text (single spaces, trimmed) into at most max
 * words; *total counts them all. */
size_t understand_split(const char *s, size_t len, struct strv *w, size_t max,
                        size_t *total);

#endif
