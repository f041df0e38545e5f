/* test_words.c - the corpus of members' and leaders' own words
 *
 * tests/data/words/corpus.tsv holds messages as people type them on
 * basic phones, each with the command it must mean. This test reads
 * them all through understand() with config/phrases.conf, prints the
 * share understood, and fails under 95% or on any money command run
 * from anything but its exact keyword. DT_CORPUS=FILE reads another
 * corpus of the same form instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/strv.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "handlers/understand.h"
#include "common/banned.h"

#define CORPUS "tests/data/words/corpus.tsv"
#define SHARE_MIN 95.0

/* What a reading comes to, in the corpus's words. */
static void label(const struct understood *u, char *out, size_t size)
{
    switch (u->how) {
    case UNDERSTOOD_NONE:
        (void)snprintf(out, size, "none");
        break;
    case UNDERSTOOD_SYNTAX:
        (void)snprintf(out, size, "usage:%s", u->cmd->keyword);
        break;
    default:
        (void)snprintf(out, size, "%s", u->cmd->keyword);
        break;
    }
}

static void test_corpus(void **state)
{
    char err[PHRASES_ERR_SIZE], got[32];
    struct phrases ph;
    struct buf b;
    const char *s;
    size_t i = 0, total = 0, right = 0, money = 0, lineno = 0;
    size_t roles[2] = {0, 0};
    double share;
    const char *corpus = CORPUS;

    (void)state;
    if (phrases_load("config/phrases.conf", &ph, err, sizeof(err)) != GW_OK)
        fail_msg("%s", err);
    /* DT_CORPUS: another file of the same form (the Union's own). */
    if (getenv("DT_CORPUS"))
        corpus = getenv("DT_CORPUS");
    buf_init(&b, 1 << 20);
    if (file_read_all(corpus, &b, err, sizeof(err)) != GW_OK)
        fail_msg("%s", err);
    s = buf_cstr(&b);
    while (i < b.len) {
        struct strv line, f[3];
        struct understood u;
        size_t start = i, nf;
        unsigned role;

        while (i < b.len && s[i] != '\n')
            i++;
        line = strv_make(s + start, i - start);
        i++;
        lineno++;
        if (line.len == 0 || line.p[0] == '#')
            continue;
        if (strv_split(line, "\t", f, 3, &nf) != GW_OK || nf != 3)
            fail_msg("%s:%zu: role <TAB> expect <TAB> text", corpus, lineno);
        role = strv_eq(f[0], "leader") ? HANDLER_LEADER : HANDLER_MEMBER;
        if (role == HANDLER_MEMBER && !strv_eq(f[0], "member"))
            fail_msg("%s:%zu: role is member or leader", corpus, lineno);
        roles[role == HANDLER_LEADER]++;
        understand_text(&ph, f[2], role, &u);
        label(&u, got, sizeof(got));
        total++;
        if (f[1].len == strlen(got) && memcmp(f[1].p, got, f[1].len) == 0)
            right++;
        else
            printf("  miss %zu: %.*s \"%.*s\" -> %s, want %.*s\n", lineno,
                   (int)f[0].len, f[0].p, (int)f[2].len, f[2].p, got,
                   (int)f[1].len, f[1].p);
        if ((u.how == UNDERSTOOD_PHRASE || u.how == UNDERSTOOD_SLIP) &&
            (u.cmd->flags & HANDLER_F_MONEY)) {
            printf("  MONEY GUESSED %zu: \"%.*s\" -> %s\n", lineno,
                   (int)f[2].len, f[2].p, got);
            money++;
        }
    }
    buf_release(&b);
    phrases_release(&ph);
    share = total ? 100.0 * (double)right / (double)total : 0.0;
    printf("corpus: %zu of %zu messages understood (%.1f%%), %zu from "
           "members, %zu from leaders; money guessed: %zu\n",
           right, total, share, roles[0], roles[1], money);
    assert_true(total >= 300);
    assert_int_equal(money, 0);
    if (share < SHARE_MIN)
        fail_msg("%.1f%% understood, under %.0f%%", share, SHARE_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
