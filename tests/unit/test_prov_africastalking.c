/* test_prov_africastalking.c - AT form MO, DLR, messaging send */
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

#define TOKEN "at-t0ken-71d0"
#define FORM "Content-Type: application/x-www-form-urlencoded\n\n"

static const struct provider_ops *ops(void)
{
    return test_prov_ops("africastalking");
}

static void at_cfg(struct cfg_provider *cfg)
{
    test_cfg_init(cfg, TOKEN);
    (void)snprintf(cfg->send_url, sizeof(cfg->send_url),
                   "https://api.africastalking.com/version1/messaging");
    (void)snprintf(cfg->username, sizeof(cfg->username), "sandbox");
    (void)snprintf(cfg->api_key, sizeof(cfg->api_key),
                   "atsk_3f9d0c2b7a6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c");
    (void)snprintf(cfg->sender, sizeof(cfg->sender), "40404");
}

static void test_mo(void **state)
{
    static const struct test_mo_row t[] = {
        {"fixture", "@at_mo.txt", GW_OK, "1b2f0f8a-8d2c-4ab5-9f17-7e5d0c2a6b31",
         "+254711082300", "40404", "SD"},
        {"Vietnamese text",
         "POST /v1/africastalking/sms?token=" TOKEN "\n" FORM
         "from=%2B84912345678&to=8149&text=S%E1%BB%91+d%C6%B0&id=x1",
         GW_OK, "x1", "+84912345678", "8149", "S\xe1\xbb\x91 d\xc6\xb0"},
        {"no id", "POST /x\n" FORM "from=%2B254711082300&text=SD", GW_EINVAL,
         NULL, NULL, NULL, NULL},
        {"no from", "POST /x\n" FORM "id=x1&text=SD", GW_EINVAL, NULL, NULL,
         NULL, NULL},
        {"no text", "POST /x\n" FORM "id=x1&from=%2B254711082300", GW_EINVAL,
         NULL, NULL, NULL, NULL},
        {"bad UTF-8", "POST /x\n" FORM "id=x1&from=1&text=%C3", GW_EINVAL, NULL,
         NULL, NULL, NULL},
        {"id with NUL", "POST /x\n" FORM "id=x%001&from=1&text=SD", GW_EINVAL,
         NULL, NULL, NULL, NULL},
        {"to of 64 bytes",
         "POST /x\n" FORM "id=x1&from=1&text=SD&to="
         "1234567890123456789012345678901234567890123456789012345678901234",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"fields in the query only (GET-like)",
         "POST /x?id=q1&from=%2B254711082300&text=SD\n" FORM "", GW_OK, "q1",
         "+254711082300", "", "SD"},
    };
    struct cfg_provider cfg;

    (void)state;
    at_cfg(&cfg);
    test_mo_rows(ops(), &cfg, t, ARRAY_SIZE(t));
}

static void test_authenticate_and_answer(void **state)
{
    static struct test_req r;
    struct cfg_provider cfg;
    struct prov_sms sms;
    struct http_resp resp;

    (void)state;
    at_cfg(&cfg);
    test_req_load(&r, "@at_mo.txt");
    assert_true(ops()->authenticate(&cfg, &r.req));
    test_req_load(&r, "@at_dlr_success.txt");
    assert_true(ops()->authenticate(&cfg, &r.req));
    test_req_load(&r, "POST /x?token=at-t0ken-71d\n" FORM "id=1");
    assert_false(ops()->authenticate(&cfg, &r.req));

    memset(&sms, 0, sizeof(sms));
    memset(&resp, 0, sizeof(resp));
    buf_init(&resp.body, 4096);
    ops()->answer_sms(&sms, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.body.len, 0);
    buf_release(&resp.body);
}

static void test_dlr(void **state)
{
    static const struct {
        const char *label;
        const char *raw;
        gw_err err;
        const char *msg_id;
        enum dlr_state state;
    } t[] = {
        {"Success: on the handset", "@at_dlr_success.txt", GW_OK,
         "ATXid_bb3d0f6a3e1b8e1b61c1f8a0c7d6e9f2", DLR_DELIVERED},
        {"Failed with failureReason", "@at_dlr_failed.txt", GW_OK,
         "ATXid_5c4e0b1d0a9f8e7d6c5b4a3f2e1d0c9b", DLR_UNDELIVERED},
        {"Rejected", "POST /x\n" FORM "id=A1&status=Rejected", GW_OK, "A1",
         DLR_UNDELIVERED},
        {"Expired", "POST /x\n" FORM "id=A1&status=Expired", GW_OK, "A1",
         DLR_UNDELIVERED},
        {"Sent", "POST /x\n" FORM "id=A1&status=Sent", GW_OK, "A1",
         DLR_PENDING},
        {"Submitted (courier forgot it)",
         "POST /x\n" FORM "id=A1&status=Submitted", GW_OK, "A1", DLR_PENDING},
        {"Buffered", "POST /x\n" FORM "id=A1&status=Buffered", GW_OK, "A1",
         DLR_PENDING},
        {"unknown: never an error",
         "POST /x\n" FORM "id=A1&status=AbsentSubscriber", GW_OK, "A1",
         DLR_UNKNOWN},
        {"case matters", "POST /x\n" FORM "id=A1&status=success", GW_OK, "A1",
         DLR_UNKNOWN},
        {"empty status", "POST /x\n" FORM "id=A1&status=", GW_OK, "A1",
         DLR_UNKNOWN},
        {"no status", "POST /x\n" FORM "id=A1", GW_EINVAL, NULL, DLR_UNKNOWN},
        {"no id", "POST /x\n" FORM "status=Success", GW_EINVAL, NULL,
         DLR_UNKNOWN},
        {"empty id", "POST /x\n" FORM "id=&status=Success", GW_EINVAL, NULL,
         DLR_UNKNOWN},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct prov_dlr dlr;

        if (test_dlr_load(ops(), t[i].label, t[i].raw, t[i].err, &dlr))
            continue;
        if (dlr.state != t[i].state)
            fail_msg("%s: state %d", t[i].label, dlr.state);
        assert_int_equal(dlr.our_id, 0);
        assert_string_equal(dlr.provider_msg_id, t[i].msg_id);
    }
}

static void test_build_send(void **state)
{
    struct cfg_provider cfg;
    struct prov_out msg = {7, "+84912345678", "NHCS: Lai thang 11: 55.000 VND"};
    struct prov_send s;

    (void)state;
    at_cfg(&cfg);
    prov_send_init(&s);
    assert_int_equal(ops()->build_send(&cfg, &msg, &s), GW_OK);
    assert_string_equal(s.method, "POST");
    assert_string_equal(buf_cstr(&s.url),
                        "https://api.africastalking.com/version1/messaging");
    assert_string_equal(buf_cstr(&s.body),
                        "username=sandbox&to=%2B84912345678"
                        "&message=NHCS%3A%20Lai%20thang%2011%3A%2055.000%20VND"
                        "&from=40404");
    assert_int_equal(s.nheaders, 3);
    assert_string_equal(
        s.headers[0], "apiKey: atsk_3f9d0c2b7a6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c");
    assert_string_equal(s.headers[1], "Accept: application/json");
    assert_string_equal(s.headers[2],
                        "Content-Type: application/x-www-form-urlencoded");
    prov_send_release(&s);

    cfg.sender[0] = '\0'; /* AT's default sender */
    prov_send_init(&s);
    assert_int_equal(ops()->build_send(&cfg, &msg, &s), GW_OK);
    assert_null(strstr(buf_cstr(&s.body), "from="));
    prov_send_release(&s);

    /* A text that cannot fit in the body is refused, never cut. */
    test_send_huge(ops(), &cfg, 8, PROV_BODY_MAX);

    cfg.api_key[0] = '\0';
    test_send_refused(ops(), &cfg, &msg);
}

/* An answer with one recipient of the given statusCode. */
static void recipient(char *out, size_t size, int code, const char *status)
{
    (void)snprintf(out, size,
                   "{\"SMSMessageData\":{\"Message\":\"Sent to 1/1\","
                   "\"Recipients\":[{\"statusCode\":%d,\"number\":"
                   "\"+254711082300\",\"status\":\"%s\",\"cost\":\"KES 0.8\","
                   "\"messageId\":\"ATXid_%d\"}]}}",
                   code, status, code);
}

static void test_read_send_codes(void **state)
{
    static const struct {
        int code;
        const char *status;
        enum send_result want;
    } t[] = {
        {100, "Processed", SEND_OK},
        {101, "Success", SEND_OK},
        {102, "Queued", SEND_OK},
        {401, "RiskHold", SEND_FAIL},
        {402, "InvalidSenderId", SEND_FAIL},
        {403, "InvalidPhoneNumber", SEND_FAIL},
        {404, "UnsupportedNumberType", SEND_FAIL},
        {405, "InsufficientBalance", SEND_FAIL},
        {406, "UserInBlacklist", SEND_FAIL},
        {407, "CouldNotRoute", SEND_FAIL},
        {409, "DoNotDisturbRejection", SEND_FAIL},
        {500, "InternalServerError", SEND_RETRY},
        {501, "GatewayError", SEND_RETRY},
        {502, "RejectedByGateway", SEND_RETRY},
        {999, "Whatever", SEND_FAIL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char body[512], id[128], why[128], want_id[32];
        enum send_result got;

        recipient(body, sizeof(body), t[i].code, t[i].status);
        got = ops()->read_send(201, body, strlen(body), id, sizeof(id), why,
                               sizeof(why));
        if (got != t[i].want)
            fail_msg("statusCode %d: got %d", t[i].code, got);
        if (got == SEND_OK) {
            (void)snprintf(want_id, sizeof(want_id), "ATXid_%d", t[i].code);
            assert_string_equal(id, want_id);
            assert_string_equal(why, "");
        } else {
            assert_string_equal(id, "");
            assert_non_null(strstr(why, t[i].status));
        }
    }
}

static void test_read_send_http(void **state)
{
    static const struct {
        const char *label;
        long status;
        const char *body; /* "@fixture" or text */
        enum send_result want;
        const char *id;
    } t[] = {
        {"201 fixture", 201, "@at_send_201.json", SEND_OK,
         "ATXid_bb3d0f6a3e1b8e1b61c1f8a0c7d6e9f2"},
        {"200 is fine too", 200, "@at_send_201.json", SEND_OK,
         "ATXid_bb3d0f6a3e1b8e1b61c1f8a0c7d6e9f2"},
        {"blacklisted", 201, "@at_send_blacklist.json", SEND_FAIL, ""},
        {"gateway error", 201, "@at_send_gateway.json", SEND_RETRY, ""},
        {"no recipient", 201, "@at_send_norecipient.json", SEND_FAIL, ""},
        {"401 bad credentials", 401, "The supplied authentication is invalid",
         SEND_FAIL, ""},
        {"400", 400, "Request is missing required form field 'to'", SEND_FAIL,
         ""},
        {"429 throttled", 429, "", SEND_RETRY, ""},
        {"500", 500, "", SEND_RETRY, ""},
        {"503", 503, "<html>", SEND_RETRY, ""},
        {"no answer", 0, "", SEND_RETRY, ""},
        {"201, not JSON", 201, "OK", SEND_RETRY, ""},
        {"201, other JSON", 201, "{\"error\":1}", SEND_RETRY, ""},
        {"201, no statusCode", 201,
         "{\"SMSMessageData\":{\"Recipients\":[{\"status\":\"Success\"}]}}",
         SEND_RETRY, ""},
        {"201, statusCode as a string", 201,
         "{\"SMSMessageData\":{\"Recipients\":[{\"statusCode\":\"101\"}]}}",
         SEND_RETRY, ""},
        {"201, deep nesting", 201, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]",
         SEND_RETRY, ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char id[128], why[128];
        enum send_result got;

        got = test_read_send_body(ops(), t[i].status, t[i].body, id, sizeof(id),
                                  why, sizeof(why));
        if (got != t[i].want)
            fail_msg("%s: got %d (%s)", t[i].label, got, why);
        assert_string_equal(id, t[i].id);
        if (got != SEND_OK)
            assert_true(strlen(why) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mo),
        cmocka_unit_test(test_authenticate_and_answer),
        cmocka_unit_test(test_dlr),
        cmocka_unit_test(test_build_send),
        cmocka_unit_test(test_read_send_codes),
        cmocka_unit_test(test_read_send_http),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
