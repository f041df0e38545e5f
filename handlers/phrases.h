/* phrases.h - the words people type for each command (config/phrases.conf)
 *
 * The table the understanding reads (understand.h): every command's
 * keyword and alias, the phrases the Union listed for it, the filler
 * words skipped around a command, and the real words never read as a
 * slip. Everything is kept as skeletons (fuzzy.h), so a phrase written
 * "số dư" matches "so du", "sos duw" and "SO61 DU7" alike. Loading
 * proves the table unambiguous: one skeleton, one meaning.
 *
 * After loading the table is read-only and may be shared by threads.
 */
#ifndef DT_PHRASES_H
#define DT_PHRASES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

struct handler_cmd;

/* A phrase's skeleton: words of at most 31 characters, one space apart. */
#define PHRASE_TEXT_MAX 64
#define PHRASE_WORDS_MAX 6
/* How a suggestion names a command (a template field of that width). */
#define PHRASE_NAME_MAX 40

enum phrase_kind {
    PHRASE_COMMAND, /* means cmd */
    PHRASE_FILLER,  /* polite or empty: skipped around a command */
    PHRASE_WORD     /* a real word: never read as a slip of a command */
};

struct phrase {
    char text[PHRASE_TEXT_MAX];   /* skeleton words, one space apart */
    char joined[PHRASE_TEXT_MAX]; /* the same without the spaces */
    unsigned nwords;
    unsigned letters; /* letters in text, spaces not counted */
    enum phrase_kind kind;
    bool keyword; /* the command's own keyword or alias */
    bool alias;   /* its English alias: matched, never a slip */
    const struct handler_cmd *cmd; /* PHRASE_COMMAND only */
    unsigned line; /* where it was written; 0: the command table */
};

struct phrases {
    struct phrase *v;
    size_t n, cap;
    /* Indexes into v sorted by text and by joined, for phrases_find(). */
    size_t *by_text, *by_joined;
    /* names[i] belongs to the command table's row i ("" when none). */
    char (*names)[PHRASE_NAME_MAX + 1];
    size_t ncmds;
};

#define PHRASES_ERR_SIZE 256

/* Loads path into ph. On failure ph is empty and err[errsize] says which
 * line is wrong and why ("phrases.conf:12: \"so du\" is already SD
 * (line 3)"); GW_EINVAL, GW_EIO or GW_ENOMEM. */
gw_err phrases_load(const char *path, struct phrases *ph, char *err,
                    size_t errsize);

/* The table of keywords and aliases alone, as if the file were empty. */
gw_err phrases_builtin(struct phrases *ph);

void phrases_release(struct phrases *ph);

/* The table a configuration names (path; "" means keywords only), with
 * any error logged for the operator as from who. */
gw_err phrases_start(const char *path, const char *who, struct phrases *ph);

/* The entry whose text (joined false) or joined form (joined true) is s,
 * or NULL; a binary search. */
const struct phrase *phrases_find(const struct phrases *ph, const char *s,
                                  bool joined);

/* How a suggestion names cmd: its name line, or "" when there is none. */
const char *phrases_name(const struct phrases *ph,
                         const struct handler_cmd *cmd);

#endif
