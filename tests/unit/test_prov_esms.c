/* test_prov_esms.c - eSMS signed MO, DLR callback, JSON send */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "gateway/provider.h"
#include "common/util.h"
#include "test_prov_req.h"
#include "common/banned.h"

#define TOKEN "esms-t0ken-9f2c"
/* The example key of eSMS's own documentation. */
#define PRIVATE_KEY "17417a0d20114d36a902e49cad0e97f3"
/* The fixtures' account, and a clock a few minutes after their
 * receiverTimes (2026-11-26 20:15:30 .. 20:30:00, Vietnam time). */
#define CPID "CP0318"
#define NOW 1795699320 /* 2026-11-26 20:22:00 +07 */

static const struct provider_ops *ops(void)
{
    return test_prov_ops("esms");
}

static void esms_cfg(struct cfg_provider *cfg)
{
    test_cfg_init(cfg, TOKEN);
    (void)snprintf(cfg->private_key, sizeof(cfg->private_key), "%s",
                   PRIVATE_KEY);
    (void)snprintf(cfg->send_url, sizeof(cfg->send_url),
                   "https://rest.esms.vn/MainService.svc/json/"
                   "SendMultipleMessage_V4_post_json/");
    (void)snprintf(cfg->api_key, sizeof(cfg->api_key), "C2F8A0B6E1D94F7A3B5C");
    (void)snprintf(cfg->secret_key, sizeof(cfg->secret_key),
                   "9D7E3A1F0B2C4D6E8F10");
    (void)snprintf(cfg->sender, sizeof(cfg->sender), "NHCSXH");
    (void)snprintf(cfg->cpid, sizeof(cfg->cpid), "%s", CPID);
    cfg->time_window = 900;
    (void)snprintf(cfg->dlr_url, sizeof(cfg->dlr_url),
                   "https://sms.nhcs-longan.vn");
    cfg->sms_type = 2;
}

/* The documented formula, computed here independently of prov_esms.c:
 * base64(MD5(cpid + smsid + content + receiverTime + private_key)). */
static void formula_sign(const char *cpid, const char *smsid,
                         const char *content, const char *time, char out[32])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char in[1024];

    (void)snprintf(in, sizeof(in), "%s%s%s%s%s", cpid, smsid, content, time,
                   PRIVATE_KEY);
    assert_true(EVP_Digest(in, strlen(in), md, &n, EVP_md5(), NULL));
    assert_int_equal(EVP_EncodeBlock((unsigned char *)out, md, (int)n), 24);
}

/* Builds a signed MO request the way eSMS sends it, the sign
 * percent-encoded. */
static void signed_mo(char *raw, size_t size, const char *content_enc,
                      const char *content, const char *sign_override)
{
    char sign[32];
    struct buf enc;

    formula_sign("CP0318", "5e0c1f2a", content, "20261126203000", sign);
    buf_init(&enc, 128);
    prov_urlencode(&enc, sign_override ? sign_override : sign);
    (void)snprintf(raw, size,
                   "GET /v1/esms/sms?token=" TOKEN "&sender=84912345678"
                   "&content=%s&serviceNumber=8079&keyword=SD&sign=%s"
                   "&cpid=CP0318&smsid=5e0c1f2a&receiverTime=20261126203000",
                   content_enc, buf_cstr(&enc));
    buf_release(&enc);
}

static void test_authenticate(void **state)
{
    static const struct {
        const char *label;
        const char *raw;
        bool ok;
    } t[] = {
        {"fixture, sign by the formula", "@esms_mo.txt", true},
        {"fixture, Vietnamese content", "@esms_mo_vi.txt", true},
        {"fixture, '+' of the sign sent raw", "@esms_mo_rawplus.txt", true},
        {"DLR: token only", "@esms_dlr.txt", true},
        {"DLR without RequestId", "@esms_dlr_norequestid.txt", true},
        {"wrong token",
         "GET /v1/esms/dlr?token=esms-t0ken-9f2d&SMSID=x&SendStatus=5", false},
        {"MO without sign",
         "GET /v1/esms/sms?token=" TOKEN "&sender=84912345678&content=SD"
         "&serviceNumber=8079&cpid=CP0318&smsid=5e0c1f2a"
         "&receiverTime=20261126203000",
         false},
        {"MO with empty sign",
         "GET /v1/esms/sms?token=" TOKEN "&sender=84912345678&content=SD"
         "&sign=&cpid=CP0318&smsid=5e0c1f2a&receiverTime=20261126203000",
         false},
        {"MO missing receiverTime (cannot be checked)",
         "GET /v1/esms/sms?token=" TOKEN "&sender=84912345678&content=SD"
         "&sign=OpZnxyhh%2Bb1hAleNA5vqQA%3D%3D&cpid=CP0318"
         "&smsid=90f1c3a2b6d54e0c8a7e2b1d4c3f5a61",
         false},
        {"only a sender: still an MO, so signed",
         "GET /v1/esms/dlr?token=" TOKEN "&sender=84912345678&SMSID=x"
         "&SendStatus=5",
         false},
        {"huge sign",
         "GET /v1/esms/sms?token=" TOKEN "&content=SD&sign="
         "OpZnxyhh%2Bb1hAleNA5vqQA%3D%3DOpZnxyhh%2Bb1hAleNA5vqQA%3D%3D"
         "&cpid=CP0318&smsid=90f1c3a2b6d54e0c8a7e2b1d4c3f5a61"
         "&receiverTime=20261126201530",
         false},
    };
    struct cfg_provider cfg;
    size_t i;

    (void)state;
    esms_cfg(&cfg);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        static struct test_req r;

        test_req_load(&r, t[i].raw);
        r.req.now = NOW;
        if (ops()->authenticate(&cfg, &r.req) != t[i].ok)
            fail_msg("%s: want %d", t[i].label, t[i].ok);
    }
}

/* A correctly signed MO that is not ours or not recent: the sign does not
 * separate cpid from smsid, so the re-cut (cpid "CP1" smsid "6001" ->
 * cpid "CP16" smsid "001") keeps it valid; only the pinned cpid and the
 * receiverTime window refuse it. */
static void signed_raw(char *raw, size_t size, const char *cpid,
                       const char *smsid, const char *time)
{
    char sign[32];
    struct buf enc;

    formula_sign(cpid, smsid, "THU+3+275000+0+7391", time, sign);
    buf_init(&enc, 128);
    prov_urlencode(&enc, sign);
    (void)snprintf(raw, size,
                   "GET /v1/esms/sms?token=" TOKEN "&sender=84912345678"
                   "&content=THU%%2B3%%2B275000%%2B0%%2B7391&serviceNumber="
                   "8079&sign=%s&cpid=%s&smsid=%s&receiverTime=%s",
                   buf_cstr(&enc), cpid, smsid, time);
    buf_release(&enc);
}

static void test_mo_fresh_and_ours(void **state)
{
    static const struct {
        const char *label, *cpid, *smsid, *time;
        int64_t now;
        bool ok;
    } t[] = {
        {"ours, now", "CP1", "6001", "20261126202200", NOW, true},
        {"re-cut: cpid CP16, smsid 001", "CP16", "001", "20261126202200", NOW,
         false},
        {"another account", "CP2", "6001", "20261126202200", NOW, false},
        {"cpid differs in case", "cp1", "6001", "20261126202200", NOW, false},
        /* the window: 900 s either side, inclusive */
        {"900 s old", "CP1", "6001", "20261126200700", NOW, true},
        {"901 s old", "CP1", "6001", "20261126200659", NOW, false},
        {"900 s ahead", "CP1", "6001", "20261126203700", NOW, true},
        {"901 s ahead", "CP1", "6001", "20261126203701", NOW, false},
        {"from 2019", "CP1", "6001", "20190101080000", NOW, false},
        {"six hours ahead", "CP1", "6001", "20261127022200", NOW, false},
        {"UTC read as Vietnam time (7 h off)", "CP1", "6001", "20261126132200",
         NOW, false},
        /* not a time at all */
        {"13 digits", "CP1", "6001", "2026112620220", NOW, false},
        {"15 digits", "CP1", "6001", "202611262022000", NOW, false},
        {"month 13", "CP1", "6001", "20261326202200", NOW, false},
        {"30 February", "CP1", "6001", "20260230202200", NOW, false},
        {"hour 24", "CP1", "6001", "20261126242200", NOW, false},
        {"minute 60", "CP1", "6001", "20261126206000", NOW, false},
        {"letters", "CP1", "6001", "2026112620220x", NOW, false},
        {"ISO with dashes", "CP1", "6001", "2026-11-26T20:22", NOW, false},
        {"empty", "CP1", "6001", "", NOW, false},
    };
    struct cfg_provider cfg;
    size_t i;

    (void)state;
    esms_cfg(&cfg);
    (void)snprintf(cfg.cpid, sizeof(cfg.cpid), "CP1");
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        static struct test_req r;
        char raw[1024];

        signed_raw(raw, sizeof(raw), t[i].cpid, t[i].smsid, t[i].time);
        test_req_load(&r, raw);
        r.req.now = t[i].now;
        if (ops()->authenticate(&cfg, &r.req) != t[i].ok)
            fail_msg("%s: want %d", t[i].label, t[i].ok);
    }
    /* No cpid configured: no MO is ours. */
    cfg.cpid[0] = '\0';
    {
        static struct test_req r;
        char raw[1024];

        signed_raw(raw, sizeof(raw), "CP1", "6001", "20261126202200");
        test_req_load(&r, raw);
        r.req.now = NOW;
        assert_false(ops()->authenticate(&cfg, &r.req));
    }
}

/* The sign is the second dedup key: both cuts give the same one. */
static void test_sign_is_alt_id(void **state)
{
    static struct test_req r;
    struct cfg_provider cfg;
    struct prov_sms a, b;
    char raw[1024];

    (void)state;
    esms_cfg(&cfg);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    buf_init(&a.text, DT_SMS_IN_MAX);
    buf_init(&b.text, DT_SMS_IN_MAX);
    signed_raw(raw, sizeof(raw), "CP1", "6001", "20261126202200");
    test_req_load(&r, raw);
    assert_int_equal(ops()->parse_sms(&cfg, &r.req, &a), GW_OK);
    signed_raw(raw, sizeof(raw), "CP16", "001", "20261126202200");
    test_req_load(&r, raw);
    assert_int_equal(ops()->parse_sms(&cfg, &r.req, &b), GW_OK);
    assert_string_not_equal(a.provider_id, b.provider_id);
    assert_int_equal(strlen(a.alt_id), 24);
    assert_string_equal(a.alt_id, b.alt_id);
    buf_release(&a.text);
    buf_release(&b.text);
}

static void test_sign_formula(void **state)
{
    static struct test_req r;
    struct cfg_provider cfg;
    char raw[1024], sign[32], bad[32];

    (void)state;
    esms_cfg(&cfg);
    signed_mo(raw, sizeof(raw), "SD", "SD", NULL);
    test_req_load(&r, raw);
    r.req.now = NOW;
    assert_true(ops()->authenticate(&cfg, &r.req));

    /* Vietnamese: the sign is over the decoded UTF-8 text. */
    signed_mo(raw, sizeof(raw), "S%E1%BB%91+d%C6%B0", "S\xe1\xbb\x91 d\xc6\xb0",
              NULL);
    test_req_load(&r, raw);
    r.req.now = NOW;
    assert_true(ops()->authenticate(&cfg, &r.req));

    /* One character of the sign changed. */
    formula_sign("CP0318", "5e0c1f2a", "SD", "20261126203000", sign);
    memcpy(bad, sign, sizeof(bad));
    bad[3] = bad[3] == 'A' ? 'B' : 'A';
    signed_mo(raw, sizeof(raw), "SD", "SD", bad);
    test_req_load(&r, raw);
    assert_false(ops()->authenticate(&cfg, &r.req));

    /* The sign of another content. */
    signed_mo(raw, sizeof(raw), "THU+3+275000", "SD", NULL);
    test_req_load(&r, raw);
    assert_false(ops()->authenticate(&cfg, &r.req));

    /* Sign without padding. */
    sign[22] = '\0';
    signed_mo(raw, sizeof(raw), "SD", "SD", sign);
    test_req_load(&r, raw);
    assert_false(ops()->authenticate(&cfg, &r.req));

    /* A right sign with a wrong token. */
    signed_mo(raw, sizeof(raw), "SD", "SD", NULL);
    test_req_load(&r, raw);
    cfg.token[3] = 'X';
    assert_false(ops()->authenticate(&cfg, &r.req));

    /* No private key configured: no MO is ever authentic. */
    esms_cfg(&cfg);
    cfg.private_key[0] = '\0';
    assert_false(ops()->authenticate(&cfg, &r.req));
}

static void test_mo(void **state)
{
    static const struct test_mo_row t[] = {
        {"fixture", "@esms_mo.txt", GW_OK, "90f1c3a2b6d54e0c8a7e2b1d4c3f5a61",
         "84912345678", "8079", "SD"},
        {"Vietnamese", "@esms_mo_vi.txt", GW_OK,
         "2d8e77a0c41b4f6f9b3e6c5a1d0e8f27", "84388123456", "8079",
         "S\xe1\xbb\x91 d\xc6\xb0 ti\xe1\xba\xbft ki\xe1\xbb\x87m"},
        {"no serviceNumber",
         "GET /v1/esms/sms?sender=84912345678&content=SD"
         "&smsid=s1&sign=OpZnxyhh%2Bb1hAleNA5vqQA%3D%3D",
         GW_OK, "s1", "84912345678", "", "SD"},
        {"no sign (the second dedup key)",
         "GET /v1/esms/sms?sender=84912345678&content=SD&smsid=s1", GW_EINVAL,
         NULL, NULL, NULL, NULL},
        {"no smsid", "GET /v1/esms/sms?sender=84912345678&content=SD",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"no sender", "GET /v1/esms/sms?smsid=s1&content=SD", GW_EINVAL, NULL,
         NULL, NULL, NULL},
        {"no content", "GET /v1/esms/sms?smsid=s1&sender=84912345678",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"bad UTF-8", "GET /v1/esms/sms?smsid=s1&sender=849&content=%E1%BB",
         GW_EINVAL, NULL, NULL, NULL, NULL},
        {"smsid of 128 bytes",
         "GET /v1/esms/sms?sender=849&content=SD&smsid="
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         GW_EINVAL, NULL, NULL, NULL, NULL},
    };
    struct cfg_provider cfg;

    (void)state;
    esms_cfg(&cfg);
    test_mo_rows(ops(), &cfg, t, ARRAY_SIZE(t));
}

static void test_answer(void **state)
{
    struct prov_sms sms;
    struct http_resp resp;

    (void)state;
    memset(&sms, 0, sizeof(sms));
    (void)snprintf(sms.provider_id, sizeof(sms.provider_id), "90f1<&>");
    (void)snprintf(sms.from, sizeof(sms.from), "84912345678");
    memset(&resp, 0, sizeof(resp));
    buf_init(&resp.body, 4096);
    ops()->answer_sms(&sms, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.content_type, "text/xml"));
    assert_string_equal(buf_cstr(&resp.body),
                        "<ClientResponse><Message></Message>"
                        "<Smsid>90f1&lt;&amp;&gt;</Smsid>"
                        "<Receiver>84912345678</Receiver></ClientResponse>");
    buf_release(&resp.body);
}

static void test_dlr(void **state)
{
    static const struct {
        const char *label;
        const char *raw;
        gw_err err;
        int64_t id;
        const char *msg_id;
        enum dlr_state state;
    } t[] = {
        {"sent successfully", "@esms_dlr.txt", GW_OK, 42,
         "dc712784-9c5f-4c69-b9a8-ea69d56adc9a87", DLR_DELIVERED},
        {"rejected, RequestId empty", "@esms_dlr_norequestid.txt", GW_OK, 0,
         "82b0bb8aed914a0aab8deba567c9b8c2", DLR_UNDELIVERED},
        {"pending approval", "GET /x?SMSID=a&SendStatus=1&RequestId=9", GW_OK,
         9, "a", DLR_PENDING},
        {"waiting", "GET /x?SMSID=a&SendStatus=2&RequestId=9", GW_OK, 9, "a",
         DLR_PENDING},
        {"at the telco", "GET /x?SMSID=a&SendStatus=7&RequestId=9", GW_OK, 9,
         "a", DLR_PENDING},
        {"unknown status", "GET /x?SMSID=a&SendStatus=6&RequestId=9", GW_OK, 9,
         "a", DLR_UNKNOWN},
        {"our id only from the URL",
         "GET /x?id=9&SendStatus=5&RequestId=", GW_OK, 9, "", DLR_DELIVERED},
        {"no ids at all", "GET /x?SendStatus=5&RequestId=", GW_EINVAL, 0, NULL,
         DLR_UNKNOWN},
        {"RequestId not ours", "GET /x?SMSID=a&SendStatus=5&RequestId=abc",
         GW_EINVAL, 0, NULL, DLR_UNKNOWN},
        {"no SendStatus", "GET /x?SMSID=a&RequestId=9", GW_EINVAL, 0, NULL,
         DLR_UNKNOWN},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct prov_dlr dlr;

        if (test_dlr_load(ops(), t[i].label, t[i].raw, t[i].err, &dlr))
            continue;
        test_dlr_check(t[i].label, &dlr, t[i].id, t[i].state);
        assert_string_equal(dlr.provider_msg_id, t[i].msg_id);
    }
}

static void test_build_send(void **state)
{
    struct cfg_provider cfg;
    struct prov_out msg = {1234, "+84912345678",
                           "NHCS: Da nhan 275.000 VND. Ma bien nhan K7Q2"};
    struct prov_send s;

    (void)state;
    esms_cfg(&cfg);
    prov_send_init(&s);
    assert_int_equal(ops()->build_send(&cfg, &msg, &s), GW_OK);
    assert_string_equal(s.method, "POST");
    assert_string_equal(buf_cstr(&s.url), cfg.send_url);
    assert_string_equal(
        buf_cstr(&s.body),
        "{\"ApiKey\":\"C2F8A0B6E1D94F7A3B5C\","
        "\"SecretKey\":\"9D7E3A1F0B2C4D6E8F10\",\"Phone\":\"0912345678\","
        "\"Content\":\"NHCS: Da nhan 275.000 VND. Ma bien nhan K7Q2\","
        "\"Brandname\":\"NHCSXH\",\"SmsType\":\"2\",\"IsUnicode\":\"0\","
        "\"RequestId\":\"1234\",\"CallbackUrl\":"
        "\"https://sms.nhcs-longan.vn/v1/esms/dlr?token=esms-t0ken-9f2c"
        "&id=1234\"}");
    assert_int_equal(s.nheaders, 2);
    assert_string_equal(s.headers[0], "Content-Type: application/json");
    assert_string_equal(s.headers[1], "Accept: application/json");
    prov_send_release(&s);

    /* JSON escaping of the text; no CallbackUrl without dlr_url. */
    cfg.dlr_url[0] = '\0';
    msg.text = "say \"hi\"\\";
    prov_send_init(&s);
    assert_int_equal(ops()->build_send(&cfg, &msg, &s), GW_OK);
    assert_non_null(
        strstr(buf_cstr(&s.body), "\"Content\":\"say \\\"hi\\\"\\\\\""));
    assert_null(strstr(buf_cstr(&s.body), "CallbackUrl"));
    prov_send_release(&s);

    /* A text that cannot fit in the body is refused, never cut. */
    test_send_huge(ops(), &cfg, 1235, PROV_BODY_MAX);

    /* Missing credentials. */
    cfg.secret_key[0] = '\0';
    test_send_refused(ops(), &cfg, &msg);
}

static void test_read_send(void **state)
{
    static const struct {
        long status;
        const char *fixture; /* "@name" or the body itself */
        enum send_result want;
        const char *id;
        const char *why; /* prefix */
    } t[] = {
        {200, "@esms_send_100.json", SEND_OK, "d533459ee42b2b9525ba9eabf6a8156",
         ""},
        {200, "@esms_send_124.json", SEND_OK, "", "duplicate"},
        {200, "@esms_send_101.json", SEND_FAIL, "",
         "esms 101: Authorize Failed"},
        {200, "@esms_send_103.json", SEND_FAIL, "", "esms 103: "},
        {200, "@esms_send_104.json", SEND_FAIL, "", "esms 104: "},
        {200, "@esms_send_146.json", SEND_FAIL, "",
         "esms 146: Sai template Brandname CSKH"},
        {200, "{\"CodeResult\":\"99\",\"ErrorMessage\":\"blocked\"}", SEND_FAIL,
         "", "esms 99: blocked"},
        {200, "{\"CodeResult\":\"108\"}", SEND_FAIL, "", "esms 108: "},
        {200, "{\"CodeResult\":100,\"SMSID\":\"n1\"}", SEND_OK, "n1", ""},
        {200, "@esms_send_99.json", SEND_RETRY, "", "esms: no CodeResult"},
        {200, "<html>Service Unavailable</html>", SEND_RETRY, "",
         "esms: HTTP 200, unreadable"},
        {200, "", SEND_RETRY, "", "esms: HTTP 200, unreadable"},
        {200, "[1,2]", SEND_RETRY, "", "esms: HTTP 200, unreadable"},
        {400, "@esms_send_99.json", SEND_FAIL, "", "esms: HTTP 400"},
        {404, "Not Found", SEND_FAIL, "", "esms: HTTP 404"},
        {429, "", SEND_RETRY, "", "esms: HTTP 429"},
        {500, "", SEND_RETRY, "", "esms: HTTP 500"},
        {503, "{\"CodeResult\":\"100\"}", SEND_RETRY, "", "esms: HTTP 503"},
        {0, "", SEND_RETRY, "", "esms: HTTP 0"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        char id[128], why[128];
        enum send_result got;

        got = test_read_send_body(ops(), t[i].status, t[i].fixture, id,
                                  sizeof(id), why, sizeof(why));
        if (got != t[i].want)
            fail_msg("%ld %s: got %d (%s)", t[i].status, t[i].fixture, got,
                     why);
        assert_string_equal(id, t[i].id);
        if (strncmp(why, t[i].why, strlen(t[i].why)) != 0 ||
            (t[i].why[0] == '\0' && why[0]))
            fail_msg("%s: why '%s'", t[i].fixture, why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authenticate),
        cmocka_unit_test(test_mo_fresh_and_ours),
        cmocka_unit_test(test_sign_is_alt_id),
        cmocka_unit_test(test_sign_formula),
        cmocka_unit_test(test_mo),
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_dlr),
        cmocka_unit_test(test_build_send),
        cmocka_unit_test(test_read_send),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
