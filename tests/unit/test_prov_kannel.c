/* test_prov_kannel.c - Kannel get-url MO, dlr-url reports, sendsms */
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

#define TOKEN "kannel-t0ken-4b7e"

static const struct provider_ops *ops(void)
{
    return test_prov_ops("kannel");
}

static void kannel_cfg(struct cfg_provider *cfg)
{
    test_cfg_init(cfg, TOKEN);
    (void)snprintf(cfg->send_url, sizeof(cfg->send_url),
                   "http://127.0.0.1:13013/cgi-bin/sendsms");
    (void)snprintf(cfg->username, sizeof(cfg->username), "diemtua");
    (void)snprintf(cfg->password, sizeof(cfg->password), "pa ss&w=rd");
    (void)snprintf(cfg->sender, sizeof(cfg->sender), "8149");
    (void)snprintf(cfg->dlr_url, sizeof(cfg->dlr_url),
                   "http://127.0.0.1:8080/");
}

static void test_mo(void **state)
{
    static const struct test_mo_row t[] = {
        {"fakesmsc MO", "@kannel_mo.txt", GW_OK,
         "31177dd6-0273-4ed6-9edb-48f105663c9d", "+84912345678", "8149", "SD"},
        {"UCS-2 MO after mo-recode", "@kannel_mo_ucs2.txt", GW_OK,
         "2f02075a-fb08-422c-b6e6-2b1eba91b324", "0912345678", "8149",
         "S\xe1\xbb\x91 d\xc6\xb0 \xc4\x91"},
        {"%b keeps spaces and newlines", "@kannel_mo_spaces.txt", GW_OK,
         "a13a106b-a801-4d6f-abfb-baabd60d1473", "+84912345678", "8149",
         "THU  3 275000\n1234"},
        {"no to", "GET /v1/kannel/sms?token=" TOKEN "&id=u1&from=0912&text=SD",
         GW_OK, "u1", "0912", "", "SD"},
        {"empty text", "GET /v1/kannel/sms?id=u1&from=0912&text=", GW_OK, "u1",
         "0912", "", ""},
        {"no id", "GET /v1/kannel/sms?from=0912&text=SD", GW_EINVAL, NULL, NULL,
         NULL, NULL},
        {"empty id", "GET /v1/kannel/sms?id=&from=0912&text=SD", GW_EINVAL,
         NULL, NULL, NULL, NULL},
        {"no from", "GET /v1/kannel/sms?id=u1&text=SD", GW_EINVAL, NULL, NULL,
         NULL, NULL},
        {"empty from", "GET /v1/kannel/sms?id=u1&from=&text=SD", GW_EINVAL,
         NULL, NULL, NULL, NULL},
        {"no text", "GET /v1/kannel/sms?id=u1&from=0912", GW_EINVAL, NULL, NULL,
         NULL, NULL},
        {"bad UTF-8 (8-bit MO)", "GET /v1/kannel/sms?id=u1&from=0912&text=%FF",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"id with a control char",
         "GET /v1/kannel/sms?id=u%0A1&from=0912"
         "&text=SD",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"from of 64 bytes",
         "GET /v1/kannel/sms?id=u1&text=SD&from="
         "1234567890123456789012345678901234567890123456789012345678901234",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"from of 63 bytes",
         "GET /v1/kannel/sms?id=u1&text=SD&from="
         "123456789012345678901234567890123456789012345678901234567890123",
         GW_OK, "u1",
         "123456789012345678901234567890123456789012345678901234567890123", "",
         "SD"},
    };
    struct cfg_provider cfg;

    (void)state;
    kannel_cfg(&cfg);
    test_mo_rows(ops(), &cfg, t, ARRAY_SIZE(t));
}

static void test_authenticate(void **state)
{
    static struct test_req r;
    struct cfg_provider cfg;

    (void)state;
    kannel_cfg(&cfg);
    test_req_load(&r, "@kannel_mo.txt");
    assert_true(ops()->authenticate(&cfg, &r.req));
    test_req_load(&r, "@kannel_dlr_delivered.txt");
    assert_true(ops()->authenticate(&cfg, &r.req));
    test_req_load(&r, "GET /v1/kannel/sms?token=kannel-t0ken&id=1");
    assert_false(ops()->authenticate(&cfg, &r.req));
    cfg.token[0] = '\0';
    test_req_load(&r, "GET /v1/kannel/sms?token=&id=1");
    assert_false(ops()->authenticate(&cfg, &r.req));
}

static void test_answer(void **state)
{
    struct prov_sms sms;
    struct http_resp resp;

    (void)state;
    memset(&sms, 0, sizeof(sms));
    memset(&resp, 0, sizeof(resp));
    buf_init(&resp.body, 4096);
    ops()->answer_sms(&sms, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.body.len, 0); /* nothing for smsbox to send */
    assert_non_null(strstr(resp.content_type, "text/plain"));
    buf_release(&resp.body);
}

static void test_dlr(void **state)
{
    static const struct {
        const char *label;
        const char *raw;
        gw_err err;
        int64_t id;
        enum dlr_state state;
        const char *raw_status;
    } t[] = {
        {"delivered", "@kannel_dlr_delivered.txt", GW_OK, 42, DLR_DELIVERED,
         "1"},
        {"smsc accepted", "@kannel_dlr_smsc.txt", GW_OK, 42, DLR_PENDING, "8"},
        {"undelivered", "GET /v1/kannel/dlr?id=7&status=2", GW_OK, 7,
         DLR_UNDELIVERED, "2"},
        {"smsc rejected", "GET /v1/kannel/dlr?id=7&status=16", GW_OK, 7,
         DLR_UNDELIVERED, "16"},
        {"queued on smsc", "GET /v1/kannel/dlr?id=7&status=4", GW_OK, 7,
         DLR_PENDING, "4"},
        {"intermediate", "GET /v1/kannel/dlr?id=7&status=32", GW_OK, 7,
         DLR_PENDING, "32"},
        {"unknown value", "GET /v1/kannel/dlr?id=7&status=3", GW_OK, 7,
         DLR_UNKNOWN, "3"},
        {"unreplaced %d", "GET /v1/kannel/dlr?id=7&status=%25d", GW_OK, 7,
         DLR_UNKNOWN, "%d"},
        {"empty status", "GET /v1/kannel/dlr?id=7&status=", GW_OK, 7,
         DLR_UNKNOWN, ""},
        {"huge status", "GET /v1/kannel/dlr?id=7&status=99999999999", GW_OK, 7,
         DLR_UNKNOWN, "99999999999"},
        {"max id", "GET /v1/kannel/dlr?id=9223372036854775807&status=1", GW_OK,
         INT64_MAX, DLR_DELIVERED, "1"},
        {"id overflow", "GET /v1/kannel/dlr?id=9223372036854775808&status=1",
         GW_EINVAL, 0, DLR_UNKNOWN, NULL},
        {"id zero", "GET /v1/kannel/dlr?id=0&status=1", GW_EINVAL, 0,
         DLR_UNKNOWN, NULL},
        {"id not a number", "GET /v1/kannel/dlr?id=4x&status=1", GW_EINVAL, 0,
         DLR_UNKNOWN, NULL},
        {"no id", "GET /v1/kannel/dlr?status=1", GW_EINVAL, 0, DLR_UNKNOWN,
         NULL},
        {"no status", "GET /v1/kannel/dlr?id=7", GW_EINVAL, 0, DLR_UNKNOWN,
         NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct prov_dlr dlr;

        if (test_dlr_load(ops(), t[i].label, t[i].raw, t[i].err, &dlr))
            continue;
        test_dlr_check(t[i].label, &dlr, t[i].id, t[i].state);
        assert_string_equal(dlr.raw_status, t[i].raw_status);
        assert_string_equal(dlr.provider_msg_id, "");
    }
}

static void test_build_send(void **state)
{
    struct cfg_provider cfg;
    struct prov_out msg = {42, "+84912345678",
                           "NHCS: So du vay HN 12.000.000 VND"};
    struct prov_send s;

    (void)state;
    kannel_cfg(&cfg);
    prov_send_init(&s);
    assert_int_equal(ops()->build_send(&cfg, &msg, &s), GW_OK);
    assert_string_equal(s.method, "GET");
    assert_string_equal(
        buf_cstr(&s.url),
        "http://127.0.0.1:13013/cgi-bin/sendsms?username=diemtua"
        "&password=pa%20ss%26w%3Drd&from=8149&to=%2B84912345678"
        "&text=NHCS%3A%20So%20du%20vay%20HN%2012.000.000%20VND"
        "&charset=UTF-8&coding=0&dlr-mask=27"
        "&dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fv1%2Fkannel%2Fdlr%3Ftoken%3D"
        "kannel-t0ken-4b7e%26id%3D42%26status%3D%25d");
    assert_int_equal(s.body.len, 0);
    assert_int_equal(s.nheaders, 0);
    prov_send_release(&s);

    /* No dlr_url: no DLRs asked for; no sender: Kannel's default. */
    cfg.dlr_url[0] = '\0';
    cfg.sender[0] = '\0';
    (void)snprintf(cfg.send_url, sizeof(cfg.send_url),
                   "http://kannel:13013/cgi-bin/sendsms?smsc=viettel");
    prov_send_init(&s);
    assert_int_equal(ops()->build_send(&cfg, &msg, &s), GW_OK);
    assert_string_equal(
        buf_cstr(&s.url),
        "http://kannel:13013/cgi-bin/sendsms?smsc=viettel&username=diemtua"
        "&password=pa%20ss%26w%3Drd&to=%2B84912345678"
        "&text=NHCS%3A%20So%20du%20vay%20HN%2012.000.000%20VND"
        "&charset=UTF-8&coding=0");
    prov_send_release(&s);

    /* A text that cannot fit in the URL is refused, never cut. */
    test_send_huge(ops(), &cfg, 43, PROV_URL_MAX);

    /* A section without send_url cannot send. */
    cfg.send_url[0] = '\0';
    test_send_refused(ops(), &cfg, &msg);
}

static void test_read_send(void **state)
{
    static const struct {
        long status;
        const char *body;
        enum send_result want;
    } t[] = {
        {202, "0: Accepted for delivery", SEND_OK},
        {202, "3: Queued for later delivery", SEND_OK},
        {202, "Sent. Message splits: 1", SEND_OK},
        {200, "Sent.", SEND_OK},
        {400, "Missing receiver number, rejected", SEND_FAIL},
        {403, "Authorization failed for sendsms", SEND_FAIL},
        {403, "Not routable. Do not try again.", SEND_FAIL},
        {404, "Unknown service", SEND_FAIL},
        {408, "", SEND_RETRY},
        {429, "", SEND_RETRY},
        {500, "Sending failed.", SEND_RETRY},
        {503, "Temporal failure, try again later.", SEND_RETRY},
        {0, NULL, SEND_RETRY}, /* no answer: connect error, timeout */
        {302, "", SEND_RETRY},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char id[128], why[128];
        enum send_result got;

        memset(id, 'Z', sizeof(id));
        got = ops()->read_send(t[i].status, t[i].body,
                               t[i].body ? strlen(t[i].body) : 0, id,
                               sizeof(id), why, sizeof(why));
        if (got != t[i].want)
            fail_msg("%ld %s: got %d", t[i].status, t[i].body, got);
        assert_string_equal(id, "");
        if (got == SEND_OK)
            assert_string_equal(why, "");
        else
            assert_true(strlen(why) > 0);
    }
}

static void test_read_send_why(void **state)
{
    char id[8], why[128];

    (void)state;
    ops()->read_send(403, "Not routable. Do not try again.\n", 32, id,
                     sizeof(id), why, sizeof(why));
    assert_string_equal(why, "kannel 403: Not routable. Do not try again.?");
    /* A small why is cut, never overrun. */
    ops()->read_send(503, "Temporal failure", 16, id, sizeof(id), why, 8);
    assert_string_equal(why, "kannel ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mo),
        cmocka_unit_test(test_authenticate),
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_dlr),
        cmocka_unit_test(test_build_send),
        cmocka_unit_test(test_read_send),
        cmocka_unit_test(test_read_send_why),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
