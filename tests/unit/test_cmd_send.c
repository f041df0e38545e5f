/* test_cmd_send.c - diemtua send: what is queued, what is refused */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "common/util.h"
#include "db/db.h"
#include "db/db_msg.h"
#include "common/banned.h"

static char db_path[64];

static int64_t queued(void)
{
    struct db_outbox_stats st;
    struct db *db = NULL;

    assert_int_equal(db_open(db_path, &db), GW_OK);
    assert_int_equal(db_outbox_stats(db, &st), GW_OK);
    db_close(db);
    return st.queued;
}

static int run(const char *to, const char *text, int yes)
{
    char *argv[10];
    int argc = 0;

    argv[argc++] = (char *)(uintptr_t) "send";
    argv[argc++] = (char *)(uintptr_t) "--db";
    argv[argc++] = db_path;
    if (to) {
        argv[argc++] = (char *)(uintptr_t) "--to";
        argv[argc++] = (char *)(uintptr_t)to;
    }
    if (text) {
        argv[argc++] = (char *)(uintptr_t) "--text";
        argv[argc++] = (char *)(uintptr_t)text;
    }
    if (yes)
        argv[argc++] = (char *)(uintptr_t) "--yes";
    argv[argc] = NULL;
    return cmd_send(argc, argv);
}

static void test_send_rows(void **state)
{
    static const char long_text[] =
        "Xin chao ba con to tiet kiem va vay von, day la mot tin nhan rat "
        "dai de kiem tra gioi han mot doan tin nhan SMS 160 ky tu cua he "
        "thong diemtua nhe ba con, cam on";
    static const struct {
        const char *to, *text;
        int yes, rc;
        int64_t added;
    } t[] = {
        {"0912345678", "Chào bà Hồng", 1, 0, 1}, /* folded, queued */
        {"+84 91 234 5678", "test", 0, 0, 0},    /* preview only */
        {"01689123456", "old number", 1, 0, 1},  /* remapped */
        {"0212345678", "landline", 1, 1, 0},
        {"12345", "short", 1, 1, 0},
        {"0912345678", "", 1, 1, 0},
        {"0912345678", long_text, 1, 1, 0},  /* 161+ characters */
        {"0912345678", "\xff\xfe", 1, 1, 0}, /* not UTF-8 */
        {NULL, "no phone", 1, 2, 0},
        {"0912345678", NULL, 1, 2, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t before = queued();

        assert_int_equal(run(t[i].to, t[i].text, t[i].yes), t[i].rc);
        assert_int_equal(queued() - before, t[i].added);
    }
}

/* One segment exactly fits; one character more does not; an extension
 * character ('[') costs two septets. */
static void test_send_boundary(void **state)
{
    static const struct {
        size_t len;
        char fill;
        int rc;
    } t[] = {
        {159, 'a', 0}, {160, 'a', 0}, {161, 'a', 1}, {80, '[', 0}, {81, '[', 1},
    };
    char text[200];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t before = queued();

        memset(text, t[i].fill, t[i].len);
        text[t[i].len] = '\0';
        assert_int_equal(run("0912345678", text, 1), t[i].rc);
        assert_int_equal(queued() - before, t[i].rc == 0 ? 1 : 0);
    }
}

static int setup(void **state)
{
    int fd;

    (void)state;
    (void)snprintf(db_path, sizeof(db_path), "/tmp/test_send_XXXXXX");
    fd = mkstemp(db_path);
    if (fd < 0)
        return -1;
    (void)close(fd);
    return 0;
}

static int teardown(void **state)
{
    char side[80];

    (void)state;
    (void)unlink(db_path);
    (void)snprintf(side, sizeof(side), "%s-wal", db_path);
    (void)unlink(side);
    (void)snprintf(side, sizeof(side), "%s-shm", db_path);
    (void)unlink(side);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_rows),
        cmocka_unit_test(test_send_boundary),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
