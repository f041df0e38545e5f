/* phrases.c - loading and checking the table of people's own words */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "text/fuzzy.h"
#include "text/keyword.h"
#include "common/banned.h"

#define PHRASES_FILE_MAX (256 * 1024)

struct parse {
    struct phrases *ph;
    const char *path;
    unsigned line;
    enum phrase_kind kind;
    const struct handler_cmd *cmd; /* the section's command */
    bool in_section;
    char *err;
    size_t errsize;
};

static gw_err fail(struct parse *p, const char *fmt, ...)
{
    char why[PHRASES_ERR_SIZE];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    (void)snprintf(p->err, p->errsize, "%s:%u: %s", p->path, p->line, why);
    return GW_EINVAL;
}

/* What an entry means, for the messages that name a clash. */
static const char *meaning(const struct phrase *e)
{
    return e->kind == PHRASE_FILLER ? "a filler word"
           : e->kind == PHRASE_WORD ? "a word in [words]"
                                    : e->cmd->keyword;
}

/* text as skeleton words into e; the reason it cannot be one, or NULL. */
static const char *make_entry(struct strv text, struct phrase *e)
{
    struct buf norm;
    const char *s, *why = NULL;
    size_t i = 0, len, t = 0, j = 0;

    memset(e, 0, sizeof(*e));
    buf_init(&norm, PHRASE_TEXT_MAX * 4);
    if (keyword_normalize(text.p, text.len, &norm) != GW_OK) {
        buf_release(&norm);
        return "not valid UTF-8, or too long";
    }
    s = buf_cstr(&norm);
    len = norm.len;
    while (i < len && why == NULL) {
        char word[32];
        size_t start = i, k;

        while (i < len && s[i] != ' ')
            i++;
        if (s[start] < 'A' || s[start] > 'Z') {
            why = "a phrase holds words, not numbers (those are arguments)";
            break;
        }
        k = fuzzy_skeleton(strv_make(s + start, i - start), word, sizeof(word));
        if (++e->nwords > PHRASE_WORDS_MAX || t + k + 1 >= sizeof(e->text)) {
            why = "too long: at most 6 words, 60 letters";
            break;
        }
        if (t > 0)
            e->text[t++] = ' ';
        memcpy(e->text + t, word, k);
        memcpy(e->joined + j, word, k);
        t += k;
        j += k;
        e->letters += (unsigned)k;
        i++; /* the space */
    }
    e->text[t] = '\0';
    e->joined[j] = '\0';
    buf_release(&norm);
    if (why == NULL && e->nwords == 0)
        why = "no letters in it";
    return why;
}

/* Adds e unless it clashes with an entry of another meaning; the same
 * phrase twice for one meaning is harmless and kept once. */
static gw_err add_entry(struct parse *p, const struct phrase *e,
                        const char *as_typed)
{
    struct phrases *ph = p->ph;
    size_t i;

    for (i = 0; i < ph->n; i++) {
        const struct phrase *o = &ph->v[i];

        if (strcmp(o->text, e->text) != 0 && strcmp(o->joined, e->joined) != 0)
            continue;
        if (o->kind == e->kind && o->cmd == e->cmd) {
            if (strcmp(o->text, e->text) == 0)
                return GW_OK;
            continue; /* "a lo" beside "alo": both kept */
        }
        if (o->line == 0)
            return fail(p, "\"%s\" reads as %s, the keyword or alias of %s",
                        as_typed, o->text, meaning(o));
        return fail(p, "\"%s\" reads as %s, already %s (line %u)", as_typed,
                    o->text, meaning(o), o->line);
    }
    if (ph->n == ph->cap) {
        ph->cap = ph->cap ? ph->cap * 2 : 64;
        ph->v = xrealloc(ph->v, ph->cap * sizeof(*ph->v));
    }
    ph->v[ph->n++] = *e;
    return GW_OK;
}

static gw_err add_keyword(struct parse *p, const struct handler_cmd *c,
                          const char *word, bool alias)
{
    struct phrase e;

    if (make_entry(strv_from_cstr(word), &e) != NULL)
        return fail(p, "keyword %s cannot be read", word);
    e.kind = PHRASE_COMMAND;
    e.keyword = true;
    e.alias = alias;
    e.cmd = c;
    return add_entry(p, &e, word);
}

/* Every keyword, and every alias of 3 letters or more ("OK" and "NO"
 * only ever run as typed: as words they mean too much else). */
static gw_err add_builtin(struct parse *p)
{
    const struct handler_cmd *cmds = dispatch_commands(&p->ph->ncmds);
    size_t i;
    gw_err err = GW_OK;

    p->ph->names = xcalloc(p->ph->ncmds, sizeof(*p->ph->names));
    for (i = 0; i < p->ph->ncmds && !err; i++) {
        err = add_keyword(p, &cmds[i], cmds[i].keyword, false);
        if (!err && cmds[i].alias && strlen(cmds[i].alias) >= 3)
            err = add_keyword(p, &cmds[i], cmds[i].alias, true);
    }
    return err;
}

static gw_err section(struct parse *p, struct strv name)
{
    const struct handler_cmd *cmds;
    struct buf norm;
    size_t i, n;
    gw_err err = GW_OK;

    buf_init(&norm, 64);
    if (keyword_normalize(name.p, name.len, &norm) != GW_OK)
        err = fail(p, "unknown section [%.*s]", (int)name.len, name.p);
    p->in_section = true;
    p->cmd = NULL;
    if (!err && strcmp(buf_cstr(&norm), "FILLER") == 0) {
        p->kind = PHRASE_FILLER;
    } else if (!err && strcmp(buf_cstr(&norm), "WORDS") == 0) {
        p->kind = PHRASE_WORD;
    } else if (!err) {
        p->kind = PHRASE_COMMAND;
        cmds = dispatch_commands(&n);
        for (i = 0; i < n; i++)
            if (strcmp(cmds[i].keyword, buf_cstr(&norm)) == 0)
                p->cmd = &cmds[i];
        if (p->cmd == NULL)
            err = fail(p,
                       "unknown section [%.*s]: a command keyword (SD, "
                       "HUY NHAC...), filler or words",
                       (int)name.len, name.p);
    }
    buf_release(&norm);
    return err;
}

/* name = ...: plain ASCII a reply may carry (the template rules). */
static gw_err name_line(struct parse *p, struct strv v)
{
    char(*name)[PHRASE_NAME_MAX + 1];
    size_t i, idx;
    const struct handler_cmd *cmds;

    if (p->kind != PHRASE_COMMAND)
        return fail(p, "name = belongs under a command");
    cmds = dispatch_commands(&idx);
    idx = (size_t)(p->cmd - cmds);
    name = &p->ph->names[idx];
    if ((*name)[0] != '\0')
        return fail(p, "%s has a name already", p->cmd->keyword);
    if (v.len == 0 || v.len > PHRASE_NAME_MAX)
        return fail(p, "a name is 1 to %d characters", PHRASE_NAME_MAX);
    for (i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];

        if (c < 0x20 || c > 0x7e || strchr("[]{}~^|\\`", c) != NULL)
            return fail(p, "a name is plain ASCII without diacritics and "
                           "without [ ] { } ~ ^ | \\ `");
    }
    memcpy(*name, v.p, v.len);
    (*name)[v.len] = '\0';
    return GW_OK;
}

static gw_err phrase_line(struct parse *p, struct strv line)
{
    char typed[PHRASE_TEXT_MAX];
    struct phrase e;
    const char *why;

    if (!p->in_section)
        return fail(p, "a phrase before any [section]");
    (void)snprintf(typed, sizeof(typed), "%.*s", (int)line.len, line.p);
    if (p->kind == PHRASE_COMMAND && (p->cmd->flags & HANDLER_F_MONEY))
        return fail(p,
                    "%s moves money or a PIN: it runs from its exact "
                    "keyword only, and takes no phrases",
                    p->cmd->keyword);
    why = make_entry(line, &e);
    if (why)
        return fail(p, "\"%s\": %s", typed, why);
    e.kind = p->kind;
    e.cmd = p->cmd;
    e.line = p->line;
    return add_entry(p, &e, typed);
}

static gw_err parse_line(struct parse *p, struct strv line)
{
    line = strv_trim(line);
    if (line.len == 0 || line.p[0] == '#')
        return GW_OK;
    if (line.p[0] == '[') {
        if (line.p[line.len - 1] != ']')
            return fail(p, "a section is [NAME]");
        return section(p, strv_make(line.p + 1, line.len - 2));
    }
    if (strv_starts_with_nocase(line, "name") && line.len > 4) {
        struct strv rest = strv_trim(strv_make(line.p + 4, line.len - 4));

        if (rest.len > 0 && rest.p[0] == '=')
            return name_line(p, strv_trim(strv_make(rest.p + 1, rest.len - 1)));
    }
    return phrase_line(p, line);
}

static const char *key_of(const struct phrases *ph, size_t i, bool joined)
{
    return joined ? ph->v[i].joined : ph->v[i].text;
}

/* An insertion sort: a few hundred entries, once at start-up, and no
 * comparison function that would need the table through a global. */
static void sort_index(const struct phrases *ph, size_t *idx, bool joined)
{
    size_t i, j;

    for (i = 0; i < ph->n; i++)
        idx[i] = i;
    for (i = 1; i < ph->n; i++) {
        size_t cur = idx[i];
        const char *key = key_of(ph, cur, joined);

        for (j = i; j > 0 && strcmp(key_of(ph, idx[j - 1], joined), key) > 0;
             j--)
            idx[j] = idx[j - 1];
        idx[j] = cur;
    }
}

static void build_index(struct phrases *ph)
{
    ph->by_text = xcalloc(ph->n + 1, sizeof(size_t));
    ph->by_joined = xcalloc(ph->n + 1, sizeof(size_t));
    sort_index(ph, ph->by_text, false);
    sort_index(ph, ph->by_joined, true);
}

const struct phrase *phrases_find(const struct phrases *ph, const char *s,
                                  bool joined)
{
    const size_t *idx = joined ? ph->by_joined : ph->by_text;
    size_t lo = 0, hi = ph->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s, key_of(ph, idx[mid], joined));

        if (c == 0)
            return &ph->v[idx[mid]];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static void init(struct phrases *ph)
{
    memset(ph, 0, sizeof(*ph));
}

gw_err phrases_builtin(struct phrases *ph)
{
    struct parse p;
    char err[PHRASES_ERR_SIZE];
    gw_err rc;

    init(ph);
    memset(&p, 0, sizeof(p));
    p.ph = ph;
    p.path = "(keywords)";
    p.err = err;
    p.errsize = sizeof(err);
    rc = add_builtin(&p);
    if (rc)
        phrases_release(ph);
    else
        build_index(ph);
    return rc;
}

gw_err phrases_load(const char *path, struct phrases *ph, char *err,
                    size_t errsize)
{
    struct parse p;
    struct buf b;
    const char *s;
    size_t i = 0;
    gw_err rc;

    init(ph);
    memset(&p, 0, sizeof(p));
    p.ph = ph;
    p.path = path;
    p.err = err;
    p.errsize = errsize;
    buf_init(&b, PHRASES_FILE_MAX);
    rc = file_read_all(path, &b, err, errsize);
    if (!rc)
        rc = add_builtin(&p);
    s = buf_cstr(&b);
    while (!rc && i < b.len) {
        size_t start = i;

        while (i < b.len && s[i] != '\n')
            i++;
        p.line++;
        rc = parse_line(&p, strv_make(s + start, i - start));
        i++;
    }
    buf_release(&b);
    if (rc)
        phrases_release(ph);
    else
        build_index(ph);
    return rc;
}

gw_err phrases_start(const char *path, const char *who, struct phrases *ph)
{
    char err[PHRASES_ERR_SIZE];
    gw_err rc;

    if (path[0] == '\0')
        return phrases_builtin(ph);
    rc = phrases_load(path, ph, err, sizeof(err));
    if (rc)
        log_error(who, "%s", err);
    return rc;
}

void phrases_release(struct phrases *ph)
{
    free(ph->v);
    free(ph->names);
    free(ph->by_text);
    free(ph->by_joined);
    init(ph);
}

const char *phrases_name(const struct phrases *ph,
                         const struct handler_cmd *cmd)
{
    size_t n;
    const struct handler_cmd *cmds = dispatch_commands(&n);
    size_t i = (size_t)(cmd - cmds);

    return ph && ph->names && i < ph->ncmds ? ph->names[i] : "";
}
