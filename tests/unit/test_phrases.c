/* test_phrases.c - loading and checking config/phrases.conf */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/util.h"
#include "handlers/handler.h"
#include "handlers/phrases.h"
#include "common/banned.h"

/* Loads text as a phrases file; the error after "PATH:" into msg. */
static gw_err load_text(const char *text, struct phrases *ph, char *msg,
                        size_t msgsize)
{
    char path[64], err[PHRASES_ERR_SIZE];
    int fd;
    gw_err rc;

    (void)snprintf(path, sizeof(path), "/tmp/dt_test_phr_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
    rc = phrases_load(path, ph, err, sizeof(err));
    (void)unlink(path);
    msg[0] = '\0';
    if (rc) {
        assert_memory_equal(err, path, strlen(path));
        (void)snprintf(msg, msgsize, "%s", err + strlen(path));
        assert_null(ph->v); /* nothing kept on error */
        assert_int_equal(ph->n, 0);
    }
    return rc;
}

static const struct {
    const char *text;
    const char *want; /* the error after the path; NULL: loads */
} rows[] = {
    {"", NULL},
    {"# only a comment\n\n", NULL},
    {"[SD]\nso du\n", NULL},
    {"[sd]\nSố dư\n", NULL}, /* sections fold like commands */
    {"[huy nhac]\nngung nhac\n", NULL},
    {"[SD]\nso du\nSỐ DƯ\nsos duw\n", NULL}, /* the same phrase: kept once */
    {"[filler]\nalo\na lo\n", NULL},         /* same meaning, other spacing */
    {"[SD]\nname = xem so du\n", NULL},
    {"[THU]\nname = ghi thu\n", NULL}, /* a name only: fine */
    {"so du\n", ":1: a phrase before any [section]"},
    {"[XYZ]\nso du\n",
     ":1: unknown section [XYZ]: a command keyword (SD, HUY NHAC...), "
     "filler or words"},
    {"[SD\n", ":1: a section is [NAME]"},
    {"[SD]\nso du\n[TK]\nso du\n",
     ":4: \"so du\" reads as SO DU, already SD (line 2)"},
    {"[SD]\nso du\n[TK]\nsos duw\n",
     ":4: \"sos duw\" reads as SO DU, already SD (line 2)"},
    {"[SD]\nsodu\n[TK]\nso du\n",
     ":4: \"so du\" reads as SODU, already SD (line 2)"}, /* joined */
    {"[TK]\nlai\n", ":2: \"lai\" reads as LAI, the keyword or alias of LAI"},
    {"[TK]\nhelp\n", ":2: \"help\" reads as HELP, the keyword or alias of HD"},
    {"[filler]\nso du\n[SD]\nso du\n",
     ":4: \"so du\" reads as SO DU, already a filler word (line 2)"},
    {"[words]\nsao\n[SAI]\nsao\n",
     ":4: \"sao\" reads as SAO, already a word in [words] (line 2)"},
    {"[THU]\nthu tien\n",
     ":2: THU moves money or a PIN: it runs from its exact keyword only, "
     "and takes no phrases"},
    {"[MK]\ndoi pin\n",
     ":2: MK moves money or a PIN: it runs from its exact keyword only, "
     "and takes no phrases"},
    {"[SD]\nso du 2\n",
     ":2: \"so du 2\": a phrase holds words, not numbers (those are "
     "arguments)"},
    {"[SD]\n???\n", ":2: \"???\": no letters in it"},
    {"[SD]\na b c d e f g\n", ":2: \"a b c d e f g\": too long: at most 6 "
                              "words, 60 letters"},
    {"[SD]\nname = xem so du\nname = so du\n", ":3: SD has a name already"},
    {"[SD]\nname = xem số dư\n",
     ":2: a name is plain ASCII without diacritics and without [ ] { } ~ ^ "
     "| \\ `"},
    {"[SD]\nname = {x}\n",
     ":2: a name is plain ASCII without diacritics and without [ ] { } ~ ^ "
     "| \\ `"},
    {"[SD]\nname = 12345678901234567890123456789012345678901\n",
     ":2: a name is 1 to 40 characters"},
    {"[filler]\nname = a\n", ":2: name = belongs under a command"},
};

static void test_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        struct phrases ph;
        char msg[PHRASES_ERR_SIZE];
        gw_err rc = load_text(rows[i].text, &ph, msg, sizeof(msg));

        if (rows[i].want == NULL) {
            if (rc != GW_OK)
                fail_msg("row %zu refused: %s", i, msg);
            phrases_release(&ph);
        } else if (rc == GW_OK || strcmp(msg, rows[i].want) != 0) {
            if (rc == GW_OK)
                phrases_release(&ph);
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, msg, rows[i].want);
        }
    }
}

static void test_names_and_builtin(void **state)
{
    struct phrases ph;
    char err[PHRASES_ERR_SIZE];
    size_t n, i;
    const struct handler_cmd *c = dispatch_commands(&n);

    (void)state;
    assert_int_equal(phrases_load("config/phrases.conf", &ph, err, sizeof(err)),
                     GW_OK);
    /* the shipped file names every command, each within a template field */
    for (i = 0; i < n; i++) {
        const char *name = phrases_name(&ph, &c[i]);

        if (name[0] == '\0' || strlen(name) > PHRASE_NAME_MAX)
            fail_msg("%s has no name", c[i].keyword);
    }
    phrases_release(&ph);
    assert_int_equal(phrases_builtin(&ph), GW_OK);
    assert_true(ph.n >= n); /* every keyword at least */
    assert_string_equal(phrases_name(&ph, &c[0]), "");
    phrases_release(&ph);
    assert_string_equal(phrases_name(NULL, &c[0]), "");
    assert_int_equal(
        phrases_load("/nonexistent/phrases.conf", &ph, err, sizeof(err)),
        GW_EIO);
    assert_non_null(strstr(err, "/nonexistent/phrases.conf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_names_and_builtin),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
