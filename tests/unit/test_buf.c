/* test_buf.c - bounded buffer: limits, sticky error, ownership */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/util.h"
#include "common/banned.h"

/* The invariants every buffer keeps, whatever was done to it. */
static void assert_sane_buf(const struct buf *b)
{
    assert_true(b->len <= b->max);
    assert_non_null(buf_cstr(b));
    if (!b->data) {
        assert_int_equal(b->len, 0);
        assert_int_equal(b->cap, 0);
        assert_string_equal(buf_cstr(b), "");
        return;
    }
    assert_true(b->len < b->cap);
    assert_true(b->max == SIZE_MAX || b->cap <= b->max + 1);
    assert_int_equal(b->data[b->len], '\0');
}

static void test_init(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.max, 100);
    assert_int_equal(b.err, GW_OK);
    assert_string_equal(buf_cstr(&b), "");
    assert_sane_buf(&b);
    buf_release(&b); /* releasing an untouched buffer is fine */
    assert_sane_buf(&b);
}

/* Filled byte by byte up to max, then one byte past it. */
static void test_fill_to_max(void **state)
{
    static const size_t maxes[] = {0,  1,   2,   62,  63,  64,
                                   65, 127, 128, 129, 1000};
    size_t i, j;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(maxes); i++) {
        struct buf b;

        buf_init(&b, maxes[i]);
        for (j = 0; j < maxes[i]; j++) {
            assert_int_equal(buf_putc(&b, (char)('a' + j % 26)), GW_OK);
            assert_sane_buf(&b);
        }
        assert_int_equal(b.len, maxes[i]);
        assert_int_equal(buf_append(&b, "", 0), GW_OK); /* nothing fits */
        assert_int_equal(buf_putc(&b, 'x'), GW_ETOOBIG);
        assert_int_equal(b.err, GW_ETOOBIG);
        assert_int_equal(b.len, maxes[i]);
        assert_sane_buf(&b);
        for (j = 0; j < maxes[i]; j++)
            assert_int_equal(buf_cstr(&b)[j], 'a' + (int)(j % 26));
        buf_release(&b);
    }
}

static void test_append_boundaries(void **state)
{
    static const struct {
        size_t max;
        size_t first;  /* bytes appended first */
        size_t second; /* then these */
        gw_err err;    /* of the second */
    } t[] = {
        {10, 0, 10, GW_OK},
        {10, 0, 11, GW_ETOOBIG},
        {10, 5, 5, GW_OK},
        {10, 5, 6, GW_ETOOBIG},
        {10, 10, 0, GW_OK},
        {10, 10, 1, GW_ETOOBIG},
        {0, 0, 0, GW_OK},
        {0, 0, 1, GW_ETOOBIG},
        {4096, 4000, 96, GW_OK},
        {4096, 4000, 97, GW_ETOOBIG},
        {SIZE_MAX, 300, 300, GW_OK},
    };
    static char bytes[4096];
    size_t i;

    (void)state;
    memset(bytes, 'z', sizeof(bytes));
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct buf b;

        buf_init(&b, t[i].max);
        assert_int_equal(buf_append(&b, bytes, t[i].first), GW_OK);
        assert_int_equal(buf_append(&b, bytes, t[i].second), t[i].err);
        assert_int_equal(b.len, t[i].first + (t[i].err ? 0 : t[i].second));
        assert_sane_buf(&b);
        buf_release(&b);
    }
}

static void test_sticky(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "abcd"), GW_OK);
    assert_int_equal(buf_puts(&b, "efghi"), GW_ETOOBIG); /* max + 1 */
    /* later appends do nothing, even ones that would fit */
    assert_int_equal(buf_puts(&b, "e"), GW_ETOOBIG);
    assert_int_equal(buf_putc(&b, 'e'), GW_ETOOBIG);
    assert_int_equal(buf_append(&b, "", 0), GW_ETOOBIG);
    assert_int_equal(buf_appendf(&b, "%d", 1), GW_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "abcd");
    assert_int_equal(b.err, GW_ETOOBIG);
    assert_sane_buf(&b);

    /* reset clears the error and keeps the memory */
    {
        char *data = b.data;
        size_t cap = b.cap;

        buf_reset(&b);
        assert_int_equal(b.err, GW_OK);
        assert_int_equal(b.len, 0);
        assert_string_equal(buf_cstr(&b), "");
        assert_ptr_equal(b.data, data);
        assert_int_equal(b.cap, cap);
        assert_sane_buf(&b);
    }
    assert_int_equal(buf_puts(&b, "12345678"), GW_OK);
    assert_string_equal(buf_cstr(&b), "12345678");
    buf_release(&b);

    /* reset of a never-used buffer */
    buf_init(&b, 4);
    buf_reset(&b);
    assert_sane_buf(&b);
}

static void test_binary(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 16);
    assert_int_equal(buf_append(&b, "a\0b", 3), GW_OK);
    assert_int_equal(buf_putc(&b, '\0'), GW_OK);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "a\0b\0", 5);
    assert_sane_buf(&b);
    buf_release(&b);
}

static void test_appendf(void **state)
{
    /* lengths around the 256-byte stack buffer appendf tries first */
    static const size_t lens[] = {0, 1, 254, 255, 256, 257, 300, 1000, 5000};
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(lens); i++) {
        char *s = malloc(lens[i] + 1);
        struct buf b;

        assert_non_null(s);
        memset(s, 'q', lens[i]);
        s[lens[i]] = '\0';

        /* exactly max after a prefix */
        buf_init(&b, lens[i] + 2);
        assert_int_equal(buf_puts(&b, "<"), GW_OK);
        assert_int_equal(buf_appendf(&b, "%s>", s), GW_OK);
        assert_int_equal(b.len, lens[i] + 2);
        assert_int_equal(b.data[0], '<');
        assert_int_equal(b.data[lens[i] + 1], '>');
        assert_sane_buf(&b);
        buf_release(&b);

        /* one byte short: error, contents unchanged */
        buf_init(&b, lens[i] + 1);
        assert_int_equal(buf_puts(&b, "<"), GW_OK);
        assert_int_equal(buf_appendf(&b, "%s>", s), GW_ETOOBIG);
        assert_string_equal(buf_cstr(&b), "<");
        assert_int_equal(b.err, GW_ETOOBIG);
        assert_sane_buf(&b);
        buf_release(&b);
        free(s);
    }
}

static void test_appendf_chain(void **state)
{
    struct buf b;
    size_t i;

    (void)state;
    buf_init(&b, 100000);
    for (i = 0; i < 1000; i++)
        buf_appendf(&b, "%zu:%s;", i, i % 2 ? "odd" : "even");
    assert_int_equal(b.err, GW_OK);
    assert_sane_buf(&b);
    assert_memory_equal(b.data, "0:even;1:odd;2:even;", 20);
    assert_non_null(strstr(b.data, "999:odd;"));
    buf_release(&b);
}

static void test_detach(void **state)
{
    struct buf b;
    size_t len = 99;
    char *p;

    (void)state;
    buf_init(&b, 64);
    assert_int_equal(buf_puts(&b, "hello"), GW_OK);
    p = buf_detach(&b, &len);
    assert_string_equal(p, "hello");
    assert_int_equal(len, 5);
    free(p);
    /* the buffer is re-initialised, with the same max */
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 64);
    assert_int_equal(b.err, GW_OK);
    assert_sane_buf(&b);

    /* an empty buffer detaches as an allocated "" */
    p = buf_detach(&b, &len);
    assert_non_null(p);
    assert_string_equal(p, "");
    assert_int_equal(len, 0);
    free(p);

    /* len may be NULL; the buffer is usable again */
    assert_int_equal(buf_puts(&b, "again"), GW_OK);
    p = buf_detach(&b, NULL);
    assert_string_equal(p, "again");
    free(p);

    /* detaching after an error clears it */
    buf_init(&b, 2);
    assert_int_equal(buf_puts(&b, "abc"), GW_ETOOBIG);
    p = buf_detach(&b, &len);
    assert_string_equal(p, "");
    free(p);
    assert_int_equal(b.err, GW_OK);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_fill_to_max),
        cmocka_unit_test(test_append_boundaries),
        cmocka_unit_test(test_sticky),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_appendf),
        cmocka_unit_test(test_appendf_chain),
        cmocka_unit_test(test_detach),
    };

    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
