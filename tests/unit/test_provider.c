/* test_provider.c - provider table, token check, shared parsing helpers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/provider.h"
#include "common/util.h"
#include "test_prov_req.h"
#include "common/banned.h"

static void test_find(void **state)
{
    static const struct {
        const char *name;
        bool found;
        bool sends; /* build_send present */
    } t[] = {
        {"kannel", true, true},
        {"esms", true, true},
        {"africastalking", true, true},
        {"log", true, false},
        {"", false, false},
        {"Kannel", false, false}, /* names are exact */
        {"twilio", false, false},
        {NULL, false, false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        const struct provider_ops *p = provider_find(t[i].name);

        if (!t[i].found) {
            assert_null(p);
            continue;
        }
        assert_non_null(p);
        assert_string_equal(p->name, t[i].name);
        assert_non_null(p->authenticate);
        assert_non_null(p->parse_sms);
        assert_non_null(p->answer_sms);
        assert_non_null(p->parse_dlr);
        assert_non_null(p->read_send);
        assert_int_equal(p->build_send != NULL, t[i].sends);
    }
}

static void test_token(void **state)
{
    static const struct {
        const char *label;
        const char *configured;
        const char *raw;
        bool ok;
    } t[] = {
        {"right", "k4nnel-S3cret", "GET /x?token=k4nnel-S3cret&id=1", true},
        {"right, not first", "k4nnel-S3cret", "GET /x?id=1&token=k4nnel-S3cret",
         true},
        {"right, encoded", "a+b/c", "GET /x?token=a%2Bb%2Fc", true},
        {"wrong", "k4nnel-S3cret", "GET /x?token=k4nnel-S3creT", false},
        {"empty given", "k4nnel-S3cret", "GET /x?token=", false},
        {"missing", "k4nnel-S3cret", "GET /x?id=1", false},
        {"no query", "k4nnel-S3cret", "GET /x", false},
        {"prefix of right", "k4nnel-S3cret", "GET /x?token=k4nnel-S3cre",
         false},
        {"right plus more", "k4nnel-S3cret", "GET /x?token=k4nnel-S3cretX",
         false},
        {"one char", "k4nnel-S3cret", "GET /x?token=k", false},
        {"NUL inside", "k4nnel-S3cret", "GET /x?token=k4nnel-S3cret%00x",
         false},
        {"key differs in case", "k4nnel-S3cret", "GET /x?Token=k4nnel-S3cret",
         false},
        {"unset config, empty given", "", "GET /x?token=", false},
        {"unset config, some given", "", "GET /x?token=anything", false},
        {"form field does not count", "k4nnel-S3cret",
         "POST /x\nContent-Type: application/x-www-form-urlencoded\n\n"
         "token=k4nnel-S3cret",
         false},
        {"query counts on a POST", "k4nnel-S3cret",
         "POST /x?token=k4nnel-S3cret\nContent-Type: "
         "application/x-www-form-urlencoded\n\ntoken=wrong",
         true},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct cfg_provider cfg;
        static struct test_req r;

        memset(&cfg, 0, sizeof(cfg));
        (void)snprintf(cfg.token, sizeof(cfg.token), "%s", t[i].configured);
        test_req_load(&r, t[i].raw);
        if (provider_token_ok(&cfg, &r.req) != t[i].ok)
            fail_msg("%s: want %d", t[i].label, t[i].ok);
    }
}

static void test_token_null_cfg(void **state)
{
    static struct test_req r;

    (void)state;
    test_req_load(&r, "GET /x?token=");
    assert_false(provider_token_ok(NULL, &r.req));
    /* The log provider takes no callback at all. */
    assert_false(prov_log_ops.authenticate(NULL, &r.req));
}

static void test_param_order(void **state)
{
    static struct test_req r;
    const struct kv *v;

    (void)state;
    test_req_load(&r, "POST /x?a=query&b=only-query&a=second\n"
                      "Content-Type: application/x-www-form-urlencoded\n\n"
                      "a=form&c=only-form");
    v = http_req_param(&r.req, "a");
    assert_non_null(v);
    assert_string_equal(v->val, "form"); /* form first */
    v = http_req_param(&r.req, "b");
    assert_non_null(v);
    assert_string_equal(v->val, "only-query");
    v = http_req_param(&r.req, "c");
    assert_non_null(v);
    assert_string_equal(v->val, "only-form");
    assert_null(http_req_param(&r.req, "d"));
    assert_null(http_req_param(&r.req, "A"));
}

static void test_field(void **state)
{
    static const struct {
        const char *label;
        const char *raw;
        bool required;
        size_t size;
        gw_err err;
        const char *want;
    } t[] = {
        {"present", "GET /x?f=%2B84912345678", true, 64, GW_OK, "+84912345678"},
        {"missing, required", "GET /x?g=1", true, 64, GW_EINVAL, ""},
        {"missing, optional", "GET /x?g=1", false, 64, GW_OK, ""},
        {"empty", "GET /x?f=", true, 64, GW_OK, ""},
        {"max-1", "GET /x?f=1234567", true, 9, GW_OK, "1234567"},
        {"max", "GET /x?f=12345678", true, 9, GW_OK, "12345678"},
        {"max+1", "GET /x?f=123456789", true, 9, GW_EINVAL, ""},
        {"control", "GET /x?f=12%0A34", true, 64, GW_EINVAL, ""},
        {"NUL", "GET /x?f=12%0034", true, 64, GW_EINVAL, ""},
        {"non-ASCII", "GET /x?f=S%E1%BB%91", true, 64, GW_EINVAL, ""},
        {"DEL", "GET /x?f=a%7F", true, 64, GW_EINVAL, ""},
        {"space is fine", "GET /x?f=a+b", true, 64, GW_OK, "a b"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        static struct test_req r;
        char out[64];

        memset(out, 'Z', sizeof(out));
        test_req_load(&r, t[i].raw);
        if (prov_field(&r.req, "f", t[i].required, out, t[i].size) != t[i].err)
            fail_msg("%s: want %d", t[i].label, t[i].err);
        if (t[i].err == GW_OK)
            assert_string_equal(out, t[i].want);
    }
}

static void test_text(void **state)
{
    static char raw[3 * DT_SMS_IN_MAX + 64];
    static const struct {
        const char *label;
        size_t len; /* of 'a's, when raw is NULL */
        const char *raw;
        gw_err err;
    } t[] = {
        {"ascii", 0, "GET /x?t=SD", GW_OK},
        {"vietnamese", 0, "GET /x?t=S%E1%BB%91+d%C6%B0", GW_OK},
        {"empty", 0, "GET /x?t=", GW_OK},
        {"missing", 0, "GET /x?u=SD", GW_EINVAL},
        {"bad UTF-8", 0, "GET /x?t=S%C3%28", GW_EINVAL},
        {"overlong", 0, "GET /x?t=%C0%AF", GW_EINVAL},
        {"surrogate", 0, "GET /x?t=%ED%A0%80", GW_EINVAL},
        {"truncated", 0, "GET /x?t=%E1%BB", GW_EINVAL},
        {"NUL", 0, "GET /x?t=S%00D", GW_EINVAL},
        {"max-1", DT_SMS_IN_MAX - 1, NULL, GW_OK},
        {"max", DT_SMS_IN_MAX, NULL, GW_OK},
        {"max+1", DT_SMS_IN_MAX + 1, NULL, GW_EINVAL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        static struct test_req r;
        struct buf text;

        if (t[i].raw) {
            test_req_load(&r, t[i].raw);
        } else {
            (void)snprintf(raw, sizeof(raw), "GET /x?t=");
            memset(raw + 9, 'a', t[i].len);
            raw[9 + t[i].len] = '\0';
            test_req_load(&r, raw);
        }
        buf_init(&text, DT_SMS_IN_MAX);
        if (prov_text(&r.req, "t", &text) != t[i].err)
            fail_msg("%s: want %d", t[i].label, t[i].err);
        if (!t[i].raw && t[i].err == GW_OK)
            assert_int_equal(text.len, t[i].len);
        buf_release(&text);
    }
}

static void test_parse_id(void **state)
{
    static const struct {
        const char *in;
        gw_err err;
        int64_t want;
    } t[] = {
        {"1", GW_OK, 1},
        {"42", GW_OK, 42},
        {"9223372036854775807", GW_OK, INT64_MAX},
        {"9223372036854775808", GW_EINVAL, 0}, /* max+1 */
        {"99999999999999999999999", GW_EINVAL, 0},
        {"0", GW_EINVAL, 0},
        {"", GW_EINVAL, 0},
        {"-1", GW_EINVAL, 0},
        {"+1", GW_EINVAL, 0},
        {"12a", GW_EINVAL, 0},
        {" 12", GW_EINVAL, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        int64_t got = -1;

        assert_int_equal(prov_parse_id(t[i].in, &got), t[i].err);
        assert_int_equal(got, t[i].want);
    }
}

static void test_urlencode(void **state)
{
    static const struct {
        const char *in, *want;
    } t[] = {
        {"", ""},
        {"AZaz09-._~", "AZaz09-._~"},
        {"+84912345678", "%2B84912345678"},
        {"a b&c=d/e?f%", "a%20b%26c%3Dd%2Fe%3Ff%25"},
        {"S\xe1\xbb\x91", "S%E1%BB%91"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct buf b;

        buf_init(&b, 256);
        prov_urlencode(&b, t[i].in);
        assert_string_equal(buf_cstr(&b), t[i].want);
        buf_release(&b);
    }
}

static void test_join_and_log_copy(void **state)
{
    struct buf b;
    char out[8];

    (void)state;
    buf_init(&b, 256);
    prov_join_url(&b, "https://sms.example.vn//", "/v1/kannel/dlr");
    assert_string_equal(buf_cstr(&b), "https://sms.example.vn/v1/kannel/dlr");
    buf_release(&b);

    prov_copy_for_log("Su\x01\n\xff", 5, out, sizeof(out));
    assert_string_equal(out, "Su???");
    prov_copy_for_log("0123456789", 10, out, sizeof(out));
    assert_string_equal(out, "0123456"); /* cut, terminated */
}

static void test_send_headers(void **state)
{
    struct prov_send s;
    size_t i;

    (void)state;
    prov_send_init(&s);
    assert_string_equal(s.method, "GET");
    assert_int_equal(s.url.len, 0);
    assert_int_equal(s.url.max, PROV_URL_MAX);
    assert_int_equal(s.body.max, PROV_BODY_MAX);
    for (i = 0; i < SEND_MAX_HEADERS; i++)
        assert_int_equal(prov_send_header(&s, "X-N", "v"), GW_OK);
    assert_int_equal(prov_send_header(&s, "X-N", "v"), GW_ETOOBIG);
    assert_int_equal(s.nheaders, SEND_MAX_HEADERS);
    assert_string_equal(s.headers[0], "X-N: v");
    prov_send_release(&s);
    assert_int_equal(s.nheaders, 0);
    assert_null(s.headers[0]);
    prov_send_release(&s); /* twice is harmless */
}

static void test_log_provider(void **state)
{
    static struct test_req r;
    struct prov_sms sms;
    struct prov_dlr dlr;
    char id[8], why[8];

    (void)state;
    test_req_load(&r, "GET /v1/log/sms?token=x&id=1&from=1&text=SD");
    memset(&sms, 0, sizeof(sms));
    buf_init(&sms.text, DT_SMS_IN_MAX);
    assert_int_equal(prov_log_ops.parse_sms(NULL, &r.req, &sms), GW_EINVAL);
    assert_int_equal(prov_log_ops.parse_dlr(&r.req, &dlr), GW_EINVAL);
    assert_null(prov_log_ops.build_send);
    assert_int_equal(
        prov_log_ops.read_send(0, NULL, 0, id, sizeof(id), why, sizeof(why)),
        SEND_OK);
    buf_release(&sms.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_token_null_cfg),
        cmocka_unit_test(test_param_order),
        cmocka_unit_test(test_field),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_parse_id),
        cmocka_unit_test(test_urlencode),
        cmocka_unit_test(test_join_and_log_copy),
        cmocka_unit_test(test_send_headers),
        cmocka_unit_test(test_log_provider),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
