/* test_prov_req.h - build a struct http_req from a captured request
 *
 * For the provider tests only (each includes it once). A request is
 * written as it arrives on the wire, minus the noise:
 *
 *   POST /v1/africastalking/sms?token=s3cret
 *   Content-Type: application/x-www-form-urlencoded
 *
 *   from=%2B254711XXXYYY&to=40404&text=SD&id=...
 *
 * The query (and a form body) are split and URL-decoded ('+' is a space,
 * %XX a byte, %00 a NUL inside the value) the way httpd.c hands them over.
 * Fixture files hold the same text (tests/data/providers/).
 */
#ifndef TEST_PROV_REQ_H
#define TEST_PROV_REQ_H

#include <stdio.h>
#include <string.h>

#include "gateway/provider.h"
#include "common/util.h"

struct test_req {
    struct http_req req;
    char method[8];
    char path[256];
    char content_type[128];
    char body[8192];
    char store[16384]; /* decoded keys and values */
    size_t used;
};

static DT_UNUSED int test_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into the store; returns its start. */
static DT_UNUSED const char *test_decode(struct test_req *t, const char *s,
                                         size_t n, size_t *len)
{
    char *out = t->store + t->used;
    size_t i, o = 0;

    for (i = 0; i < n && t->used + o + 2 < sizeof(t->store); i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && test_hexval(s[i + 1]) >= 0 &&
                   test_hexval(s[i + 2]) >= 0) {
            out[o++] =
                (char)(test_hexval(s[i + 1]) * 16 + test_hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    t->used += o + 1;
    if (len)
        *len = o;
    return out;
}

static DT_UNUSED size_t test_split(struct test_req *t, const char *s, size_t n,
                                   struct kv *kv)
{
    size_t count = 0, i = 0;

    while (i < n && count < HTTP_MAX_PARAMS) {
        size_t end = i, eq;

        while (end < n && s[end] != '&')
            end++;
        for (eq = i; eq < end && s[eq] != '='; eq++)
            ;
        if (end > i) {
            kv[count].key = test_decode(t, s + i, eq - i, NULL);
            if (eq < end)
                kv[count].val = test_decode(t, s + eq + 1, end - eq - 1,
                                            &kv[count].val_len);
            else
                kv[count].val = test_decode(t, "", 0, &kv[count].val_len);
            count++;
        }
        i = end + 1;
    }
    return count;
}

/* Fills t from raw (see the top of this file). */
static DT_UNUSED void test_req_parse(struct test_req *t, const char *raw)
{
    const char *eol = strchr(raw, '\n'), *sp, *q, *line, *body = NULL;
    size_t first = eol ? (size_t)(eol - raw) : strlen(raw);

    memset(t, 0, sizeof(*t));
    sp = memchr(raw, ' ', first);
    if (!sp)
        return;
    (void)snprintf(t->method, sizeof(t->method), "%.*s", (int)(sp - raw), raw);
    q = memchr(sp + 1, '?', first - (size_t)(sp + 1 - raw));
    (void)snprintf(t->path, sizeof(t->path), "%.*s",
                   (int)((q ? q : raw + first) - (sp + 1)), sp + 1);
    if (q)
        t->req.nquery =
            test_split(t, q + 1, (size_t)(raw + first - q - 1), t->req.query);
    for (line = eol ? eol + 1 : NULL; line && *line;) {
        const char *e = strchr(line, '\n');
        size_t n = e ? (size_t)(e - line) : strlen(line);

        if (n == 0) {
            body = e + 1;
            break;
        }
        if (n > 14 && strncmp(line, "Content-Type: ", 14) == 0)
            (void)snprintf(t->content_type, sizeof(t->content_type), "%.*s",
                           (int)(n - 14), line + 14);
        line = e ? e + 1 : NULL;
    }
    if (body) {
        size_t n = strlen(body);

        while (n && body[n - 1] == '\n')
            n--;
        (void)snprintf(t->body, sizeof(t->body), "%.*s", (int)n, body);
    }
    t->req.method = t->method;
    t->req.path = t->path;
    t->req.body = t->body;
    t->req.body_len = strlen(t->body);
    t->req.content_type = t->content_type;
    if (strncmp(t->content_type, "application/x-www-form-urlencoded", 33) == 0)
        t->req.nform = test_split(t, t->body, t->req.body_len, t->req.form);
}

/* Reads tests/data/providers/name into out (NUL-terminated); fails the
 * test when it cannot. */
static DT_UNUSED void test_fixture(const char *name, char *out, size_t size)
{
    char path[256];
    FILE *f;
    size_t n;

    (void)snprintf(path, sizeof(path), "tests/data/providers/%s", name);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    (void)fclose(f);
}

/* A raw request: inline text, or "@file" for a fixture. */
static DT_UNUSED void test_req_load(struct test_req *t, const char *raw)
{
    static char file[8192];

    if (raw[0] == '@') {
        test_fixture(raw + 1, file, sizeof(file));
        raw = file;
    }
    test_req_parse(t, raw);
}

/* The provider module name; fails the test when it is not there. */
static DT_UNUSED const struct provider_ops *test_prov_ops(const char *name)
{
    const struct provider_ops *p = provider_find(name);

    assert_non_null(p);
    return p;
}

/* An enabled, otherwise empty section checked against token. */
static DT_UNUSED void test_cfg_init(struct cfg_provider *cfg, const char *token)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->enabled = true;
    (void)snprintf(cfg->token, sizeof(cfg->token), "%s", token);
}

/* One row of an MO table: the raw request, the error parse_sms should
 * give and, when GW_OK, the fields it should fill. */
struct test_mo_row {
    const char *label;
    const char *raw;
    gw_err err;
    const char *id, *from, *to, *text;
};

/* Runs parse_sms of p over every row of t; fails on the first mismatch. */
static DT_UNUSED void test_mo_rows(const struct provider_ops *p,
                                   const struct cfg_provider *cfg,
                                   const struct test_mo_row *t, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        static struct test_req r;
        struct prov_sms sms;
        gw_err err;

        memset(&sms, 0, sizeof(sms));
        buf_init(&sms.text, DT_SMS_IN_MAX);
        test_req_load(&r, t[i].raw);
        err = p->parse_sms(cfg, &r.req, &sms);
        if (err != t[i].err)
            fail_msg("%s: got %d, want %d", t[i].label, err, t[i].err);
        if (err == GW_OK) {
            assert_string_equal(sms.provider_id, t[i].id);
            assert_string_equal(sms.from, t[i].from);
            assert_string_equal(sms.to, t[i].to);
            assert_string_equal(buf_cstr(&sms.text), t[i].text);
        }
        buf_release(&sms.text);
    }
}

/* Parses raw (see test_req_load) as a DLR into dlr; fails the test unless
 * parse_dlr gives want. Returns what it gave. */
static DT_UNUSED gw_err test_dlr_load(const struct provider_ops *p,
                                      const char *label, const char *raw,
                                      gw_err want, struct prov_dlr *dlr)
{
    static struct test_req r;
    gw_err err;

    test_req_load(&r, raw);
    err = p->parse_dlr(&r.req, dlr);
    if (err != want)
        fail_msg("%s: got %d, want %d", label, err, want);
    return err;
}

/* Fails the test unless dlr carries our id and state. */
static DT_UNUSED void test_dlr_check(const char *label,
                                     const struct prov_dlr *dlr, int64_t id,
                                     enum dlr_state state)
{
    if (dlr->our_id != id || dlr->state != state)
        fail_msg("%s: id %lld state %d", label, (long long)dlr->our_id,
                 dlr->state);
}

/* read_send of p over an answer body: "@name" reads a fixture, anything
 * else is the body itself. */
static DT_UNUSED enum send_result
test_read_send_body(const struct provider_ops *p, long status, const char *spec,
                    char *id, size_t id_size, char *why, size_t why_size)
{
    static char body[4096];

    if (spec[0] == '@')
        test_fixture(spec + 1, body, sizeof(body));
    else
        (void)snprintf(body, sizeof(body), "%s", spec);
    return p->read_send(status, body, strlen(body), id, id_size, why, why_size);
}

/* Fails the test unless build_send refuses msg with GW_EINVAL. */
static DT_UNUSED void test_send_refused(const struct provider_ops *p,
                                        const struct cfg_provider *cfg,
                                        const struct prov_out *msg)
{
    struct prov_send s;

    prov_send_init(&s);
    assert_int_equal(p->build_send(cfg, msg, &s), GW_EINVAL);
    prov_send_release(&s);
}

/* A text of size - 1 bytes (size at most PROV_BODY_MAX, PROV_URL_MAX)
 * that cannot fit is refused, never cut. */
static DT_UNUSED void test_send_huge(const struct provider_ops *p,
                                     const struct cfg_provider *cfg, int64_t id,
                                     size_t size)
{
    static char
        big[PROV_BODY_MAX > PROV_URL_MAX ? PROV_BODY_MAX : PROV_URL_MAX];
    struct prov_out huge = {id, "+84912345678", big};

    memset(big, 'a', size - 1);
    big[size - 1] = '\0';
    test_send_refused(p, cfg, &huge);
}

#endif
