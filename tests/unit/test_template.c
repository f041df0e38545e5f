/* test_template.c - every message fits one segment; load errors; render */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/dt_limits.h"
#include "common/util.h"
#include "config/config.h"
#include "handlers/template.h"
#include "text/gsm7.h"
#include "text/money.h"

#define MESSAGES "config/messages.conf"

/* 64 characters of Vietnamese, NFD (83 code points, 107 bytes). */
static const char longest_name[] =
    "Co\xcc\x82ng Ta\xcc\x86\xcc\x80ng To\xcc\x82n Nu\xcc\x9b\xcc\x83 "
    "Thi\xcc\xa3 Phu\xcc\x9bo\xcc\x9bng Tha\xcc\x89o Nguye\xcc\x82\xcc\x83n "
    "Hoa\xcc\x80ng Ba\xcc\x89o Ngo\xcc\xa3"
    "c Die\xcc\x82\xcc\x83m Hu\xcc\x9bo\xcc\x9bn";

static const struct dt_date widest_date = {2026, 12, 28};

static struct templates *load_messages(void)
{
    static struct templates t;
    char err[512];

    if (templates_load(MESSAGES, &t, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(templates_set_brand(&t, "NHCSXH12", "012345678901"),
                     GW_OK);
    return &t;
}

/* The widest value field name can take, as an argument. */
static struct tpl_arg widest_arg(const char *name)
{
    struct tpl_arg a = TPL_STR(NULL, longest_name);
    enum tpl_type type;
    size_t width, i;
    int64_t max = 1;

    assert_true(template_field_info(name, &type, &width));
    a.name = name;
    switch (type) {
    case TPL_T_MONEY:
        a.kind = TPL_ARG_INT;
        a.i = DT_MONEY_MAX;
        break;
    case TPL_T_UINT:
        for (i = 0; i < width; i++)
            max *= 10;
        a.kind = TPL_ARG_INT;
        a.i = max - 1;
        break;
    case TPL_T_DATE:
    case TPL_T_DM:
        a.kind = TPL_ARG_DATE;
        a.d = widest_date;
        break;
    case TPL_T_PHONE:
        a.s = "012345678901";
        break;
    default:
        break; /* text: the longest name, which the field shortens */
    }
    return a;
}

/* Every message, rendered with the widest value of each of its fields,
 * is GSM-7 and within its limit (160, or the width of a state word). */
static void test_every_message_fits(void **state)
{
    struct templates *t = load_messages();
    size_t id;

    (void)state;
    for (id = 0; id < MSG_COUNT; id++) {
        char list[256], out[DT_SMS_MAX + 1], *save = NULL, *w;
        struct tpl_arg args[16];
        size_t n = 0, septets = 0, worst;
        gw_err err;

        (void)snprintf(list, sizeof(list), "%s", template_fields(id));
        for (w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save))
            args[n++] = widest_arg(w);
        err = template_render(t, id, args, n, out, sizeof(out));
        if (err)
            fail_msg("%s: render error %d", template_key(id), (int)err);
        worst = template_worst_case(t, id);
        assert_true(worst <= template_limit(id));
        assert_int_equal(gsm7_septets(out, strlen(out), &septets), GW_OK);
        if (septets > template_limit(id) || septets > worst)
            fail_msg("%s: %zu characters (worst %zu): %s", template_key(id),
                     septets, worst, out);
        for (w = out; *w; w++)
            assert_true(*w >= 0x20 && *w < 0x7f);
    }
    templates_release(t);
}

/* Each field in messages.def is known; the widths match what the
 * formatters produce; state words fit the state field. */
static void test_registry(void **state)
{
    char money[32], date[16];
    enum tpl_type type;
    size_t id, width, state_width;

    (void)state;
    for (id = 0; id < MSG_COUNT; id++) {
        char list[256], *save = NULL, *w;

        (void)snprintf(list, sizeof(list), "%s", template_fields(id));
        for (w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save))
            if (!template_field_info(w, &type, &width))
                fail_msg("%s: unknown field %s", template_key(id), w);
    }
    assert_true(template_field_info("interest", &type, &width));
    assert_int_equal(type, TPL_T_MONEY);
    assert_int_equal(width, money_format(DT_MONEY_MAX, money, sizeof(money)));
    assert_string_equal(money, "99.999.999.999");
    assert_true(template_field_info("amount3", &type, &width));
    assert_int_equal(type, TPL_T_MONEY);
    assert_true(template_field_info("date", &type, &width));
    date_format_dmy(&widest_date, date, sizeof(date));
    assert_int_equal(width, strlen(date));
    assert_true(template_field_info("dm2", &type, &width));
    date_format_dm(&widest_date, date, sizeof(date));
    assert_int_equal(width, strlen(date));
    assert_false(template_field_info("nope", &type, &width));
    assert_false(template_field_info("code0", &type, &width));
    assert_true(template_field_info("state", &type, &state_width));
    assert_int_equal(template_limit(MSG_SD_ONE), 160);
    for (id = MSG_ST_RECORDED; id <= MSG_ST_UNPOSTED; id++)
        assert_true(template_limit(id) <= state_width);
    assert_string_equal(template_key(MSG_SD_ONE), "SD_ONE");
}

/* ---- load errors ---- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p = malloc(65536);
    size_t n;

    assert_non_null(f);
    assert_non_null(p);
    n = fread(p, 1, 65535, f);
    p[n] = '\0';
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Line number of "key = " in text, 0 if absent. */
static unsigned line_of(const char *text, const char *key)
{
    size_t klen = strlen(key);
    unsigned line = 1;
    const char *p;

    for (p = text; *p; p = strchr(p, '\n') + 1, line++) {
        if (strncmp(p, key, klen) == 0 && strncmp(p + klen, " = ", 3) == 0)
            return line;
        if (strchr(p, '\n') == NULL)
            break;
    }
    return 0;
}

/* The real file with the line of key replaced by line (removed when line
 * is NULL), or line put first when key is NULL. Caller frees. */
static char *edited(const char *text, const char *key, const char *line)
{
    size_t n = strlen(text) + (line ? strlen(line) : 0) + 2;
    char *out = malloc(n);
    unsigned at = key ? line_of(text, key) : 0, l = 1;
    const char *p = text;

    assert_non_null(out);
    out[0] = '\0';
    if (key == NULL)
        (void)snprintf(out, n, "%s\n", line);
    else
        assert_true(at > 0);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        size_t o = strlen(out);

        if (l == at) {
            if (line)
                (void)snprintf(out + o, n - o, "%s\n", line);
        } else {
            memcpy(out + o, p, len);
            out[o + len] = '\0';
        }
        p += len;
        l++;
    }
    return out;
}

static gw_err load_text(const char *text, char *msg, size_t msgsize)
{
    char path[64], err[512];
    struct templates t;
    int fd;
    gw_err rc;

    (void)snprintf(path, sizeof(path), "/tmp/dt_test_tpl_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
    rc = templates_load(path, &t, err, sizeof(err));
    (void)unlink(path);
    msg[0] = '\0';
    if (rc) {
        assert_memory_equal(err, path, strlen(path));
        (void)snprintf(msg, msgsize, "%s", err + strlen(path));
        for (size_t i = 0; i < MSG_COUNT; i++)
            assert_null(t.text[i]); /* nothing kept on error */
    } else {
        templates_release(&t);
    }
    return rc;
}

struct err_row {
    const char *key;  /* line replaced, or NULL: line put first */
    const char *line; /* NULL: the key's line removed */
    const char *want; /* after the path; %u is the key's line */
    size_t pad;       /* copies of padc appended to line */
    char padc;
};

static const struct err_row err_rows[] = {
    {NULL, "foo_bar = x", ":1: foo_bar: unknown message", 0, 0},
    {NULL, "tk {savings}", ":1: expected key = text", 0, 0},
    {NULL, " = {savings}", ":1: missing key before '='", 0, 0},
    {NULL, "tk =", ":1: tk: empty text", 0, 0},
    {NULL, "tk = {brand} {nope}", ":1: tk: unknown field {nope}", 0, 0},
    {NULL, "tk = {brand} {savings0}", ":1: tk: unknown field {savings0}", 0, 0},
    {NULL, "tk = {brand} {interest}",
     ":1: tk: field {interest} not allowed here (allowed: brand hotline "
     "savings)",
     0, 0},
    {NULL, "tk = {savings2}",
     ":1: tk: field {savings2} not allowed here (allowed: brand hotline "
     "savings)",
     0, 0},
    {NULL, "tk = Ti\xe1\xba\xbft ki\xe1\xbb\x87m {savings}",
     ":1: tk: text must be plain ASCII (Vietnamese without diacritics)", 0, 0},
    {NULL, "tk = a`b {savings}",
     ":1: tk: character '`' is not in the GSM-7 alphabet", 0, 0},
    {NULL, "tk = {savings", ":1: tk: unclosed {", 0, 0},
    {NULL, "tk = savings}", ":1: tk: '}' without '{'", 0, 0},
    {NULL, "# \xff", ":1: invalid UTF-8", 0, 0},
    {NULL, "# \x01", ":1: control character", 0, 0},
    {NULL, "st_posted = da hach toan",
     ":1: st_posted: can reach 12 characters with the longest values, "
     "over 10",
     0, 0},
    {NULL, "tk = x", ":%u: tk: duplicate message (first on line 1)", 0, 0},
    {"tk", NULL, ": tk: missing", 0, 0},
    {"sd_one", NULL, ": sd_one: missing", 0, 0},
    /* 146 literal characters + 14 for the amount: 160 fits, 161 not */
    {"tk", "tk = {savings}", NULL, 146, 'x'},
    {"tk", "tk = {savings}",
     ":%u: tk: can reach 161 characters with the longest values, over 160", 147,
     'x'},
    /* ^ is a GSM-7 extension: two septets each */
    {"tk", "tk = {savings}", NULL, 73, '^'},
    {"tk", "tk = {savings}",
     ":%u: tk: can reach 162 characters with the longest values, over 160", 74,
     '^'},
    {"tk", "TK = {brand}: {savings}", NULL, 0, 0}, /* keys in any case */
    {"tk", "tk = \"{savings}\"", NULL, 0, 0},      /* '"' is plain GSM-7 */
};

/* want with "%u" replaced by line. */
static void expand_line(const char *want, unsigned line, char *out, size_t size)
{
    const char *u = strstr(want, "%u");

    if (u == NULL)
        (void)snprintf(out, size, "%s", want);
    else
        (void)snprintf(out, size, "%.*s%u%s", (int)(u - want), want, line,
                       u + 2);
}

static void test_load_errors(void **state)
{
    char *text = read_file(MESSAGES);
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(err_rows); i++) {
        const struct err_row *r = &err_rows[i];
        char line[512], want[512], msg[512];
        char *t;
        unsigned at = line_of(text, r->key ? r->key : "tk");
        gw_err rc;

        if (r->line) {
            (void)snprintf(line, sizeof(line), "%s", r->line);
            memset(line + strlen(line), r->padc, r->pad);
            line[strlen(r->line) + r->pad] = '\0';
        }
        t = edited(text, r->key, r->line ? line : NULL);
        rc = load_text(t, msg, sizeof(msg));
        /* A line put first moves the rest down by one. */
        if (r->want)
            expand_line(r->want, r->key ? at : at + 1, want, sizeof(want));
        if (r->want == NULL && rc != GW_OK)
            fail_msg("row %zu: unexpected %s", i, msg);
        if (r->want && (rc != GW_EINVAL || strcmp(msg, want) != 0))
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, msg, want);
        free(t);
    }
    free(text);
}

static void test_load_bytes(void **state)
{
    char *text = read_file(MESSAGES);
    char *big = malloc(strlen(text) + 2000);
    char msg[512];
    struct templates t;

    (void)state;
    assert_non_null(big);
    /* a comment of 1024 bytes is fine, 1025 is not */
    memset(big, 'x', 1025);
    big[0] = '#';
    big[1024] = '\n';
    (void)snprintf(big + 1025, strlen(text) + 1, "%s", text);
    assert_int_equal(load_text(big, msg, sizeof(msg)), GW_OK);
    big[1024] = 'x';
    big[1025] = '\n';
    (void)snprintf(big + 1026, strlen(text) + 1, "%s", text);
    assert_int_equal(load_text(big, msg, sizeof(msg)), GW_EINVAL);
    assert_string_equal(msg, ":1: line too long (over 1024 bytes)");
    free(big);
    free(text);

    assert_int_equal(templates_load("tests/no/such.conf", &t, msg, sizeof(msg)),
                     GW_EIO);
    assert_string_equal(msg, "tests/no/such.conf: cannot read: No such file "
                             "or directory");
}

/* ---- names ---- */

static void test_abbrev_name(void **state)
{
    static const struct {
        const char *in;
        size_t width;
        const char *want;
    } rows[] = {
        {"Nguyen Thi Hong Nhung", 24, "Nguyen Thi Hong Nhung"},
        {"Nguyen Thi Hong Nhung", 21, "Nguyen Thi Hong Nhung"},
        {"Nguyen Thi Hong Nhung", 20, "Nguyen T.H. Nhung"},
        {"Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b H\xe1\xbb\x93ng Nhung", 17,
         "Nguyen T.H. Nhung"},
        {"Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ho\xcc\x82\xcc\x80ng Nhung", 17,
         "Nguyen T.H. Nhung"},
        {"Nguyen Thi Hong Nhung", 16, "Nguyen T.H. Nhun"},
        {"T\xc3\xb4n N\xe1\xbb\xaf Th\xe1\xbb\x8b Ph\xc6\xb0\xc6\xa1ng "
         "Th\xe1\xba\xa3o",
         24, "Ton Nu Thi Phuong Thao"},
        {"C\xc3\xb4ng T\xe1\xba\xb1ng T\xc3\xb4n N\xe1\xbb\xaf Th\xe1\xbb\x8b "
         "Ph\xc6\xb0\xc6\xa1ng Th\xe1\xba\xa3o",
         24, "Cong T.T.N.T.P. Thao"},
        {longest_name, 24, "Cong T.T.N.T.P.T.N.H.B.N"},
        {"\xc4\x90\xe1\xba\xb7ng Th\xe1\xbb\x8b \xc4\x90\xc3\xa0o", 24,
         "Dang Thi Dao"},
        {"\xc4\x90"
         "a\xcc\xa3\xcc\x86ng Thi\xcc\xa3 \xc4\x90"
         "a\xcc\x80o",
         24, "Dang Thi Dao"},
        {"  L\xc3\xaa   V\xc4\x83n\tT\xc3\xa1m  ", 24, "Le Van Tam"},
        {"Nguyenthihongnhungabcdefghijk", 24, "Nguyenthihongnhungabcdef"},
        {"Nguyenthihong Nhungabcdefghijk", 24, "Nguyenthihong Nhungabcde"},
        {"Le [Van] {Tam}", 24, "Le (Van) (Tam)"},
        {"Le ~Van| `Tam`", 24, "Le ?Van? ?Tam?"},
        {"", 24, ""},
    };
    char out[64];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        assert_int_equal(
            template_abbrev_name(rows[i].in, rows[i].width, out, sizeof(out)),
            GW_OK);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, out, rows[i].want);
    }
    assert_int_equal(template_abbrev_name("Le \xff", 24, out, sizeof(out)),
                     GW_EINVAL);
}

/* ---- rendering ---- */

static void test_render(void **state)
{
    struct templates *t = load_messages();
    const struct dt_date d = {2024, 5, 17};
    char out[DT_SMS_MAX + 1];

    (void)state;
    assert_int_equal(templates_set_brand(t, "NHCS", "19001234"), GW_OK);
    {
        const struct tpl_arg a[] = {
            TPL_STR("leader", "Tr\xe1\xba\xa7n Th\xe1\xbb\x8b Lan"),
            TPL_DATE("dm", d),
            TPL_INT("interest", 275000),
            TPL_INT("savings", 20000),
            TPL_INT("principal", 0),
            TPL_STR("code", "K7Q2M9"),
        };

        assert_int_equal(
            template_render(t, MSG_RECEIPT, a, ARRAY_SIZE(a), out, sizeof(out)),
            GW_OK);
        assert_string_equal(out, "NHCS: To truong Lan ghi thu 17/05: lai "
                                 "275.000, TK 20.000, goc 0 VND. Dung: XN "
                                 "K7Q2M9. Sai: SAI K7Q2M9");
    }
    {
        /* Strings for number fields: taken as formatted. */
        const struct tpl_arg a[] = {TPL_STR("savings", "1.240.000")};

        assert_int_equal(
            template_render(t, MSG_TK, a, ARRAY_SIZE(a), out, sizeof(out)),
            GW_OK);
        assert_string_equal(out, "NHCS: So du tiet kiem to vien cua ban: "
                                 "1.240.000 VND.");
    }
    {
        const struct tpl_arg a[] = {
            TPL_STR("code", "K7Q2M9"),
            TPL_STR("name", "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b H\xe1\xbb\x93ng "
                            "Nhung Ph\xc6\xb0\xc6\xa1ng"),
            TPL_STR("phone", "+84912345678"),
            TPL_STR("group",
                    "T\xe1\xbb\x95 TK&VV \xe1\xba\xa5p Ph\xc6\xb0\xe1\xbb\x9b"
                    "c L\xe1\xbb\xa3i 2 x\xc3\xa3 An Th\xe1\xba\xa1nh"),
            TPL_DATE("dm", d),
            TPL_INT("amount", 295000),
            TPL_STR("note", ". TV: ch\xe1\xbb\x89 \xc4\x91\xc6\xb0"
                            "a 50k, "
                            "c\xc3\xb2n thi\xe1\xba\xbf"
                            "u 245k t\xe1\xbb\xab "
                            "th\xc3\xa1ng tr\xc6\xb0\xe1\xbb\x9b"
                            "c"),
        };

        /* No doubled word ("to To TK&VV"); the member's words, folded and
         * cut at a word to fit one segment. */
        assert_int_equal(template_render(t, MSG_DISPUTE_OFFICER, a,
                                         ARRAY_SIZE(a), out, sizeof(out)),
                         GW_OK);
        assert_string_equal(out, "NHCS: SAI phieu K7Q2M9 ngay 17/05: Nguyen "
                                 "T.H.N. Phuong 0912345678, To TK&VV ap "
                                 "Phuoc Loi 2, 295.000 VND. TV: chi dua "
                                 "50k, con thieu 245k tu");
        assert_true(strlen(out) <= DT_SMS_MAX);
    }
    {
        const struct tpl_arg a[] = {TPL_STR("officer", "+84912345678")};

        assert_int_equal(template_render(t, MSG_PIN_LOCKED, a, ARRAY_SIZE(a),
                                         out, sizeof(out)),
                         GW_OK);
        assert_non_null(strstr(out, " 0912345678 "));
    }
    templates_release(t);
}

/* Bad arguments are refused, never cut or guessed. */
static void test_render_errors(void **state)
{
    const struct dt_date may17 = {2024, 5, 17}, feb30 = {2024, 2, 30};
    const struct {
        enum msg_id id;
        struct tpl_arg a[3];
        size_t n;
        gw_err want;
    } rows[] = {
        {MSG_TK, {TPL_INT("savings", DT_MONEY_MAX)}, 1, GW_OK},
        {MSG_TK, {TPL_INT("savings", DT_MONEY_MAX + 1)}, 1, GW_ETOOBIG},
        {MSG_TK, {TPL_INT("savings", -1)}, 1, GW_ETOOBIG},
        {MSG_TK, {TPL_INT("savings", 0)}, 1, GW_OK},
        {MSG_TK, {TPL_STR("savings", "99.999.999.999")}, 1, GW_OK},
        {MSG_TK, {TPL_STR("savings", "100.000.000.000")}, 1, GW_ETOOBIG},
        {MSG_TK, {TPL_DATE("savings", may17)}, 1, GW_EINVAL},
        {MSG_TK, {TPL_STR("interest", "1")}, 1, GW_EINVAL}, /* no savings */
        {MSG_TK, {TPL_STR("savings", "\xff")}, 1, GW_EINVAL},
        {MSG_PIN_WRONG, {TPL_INT("tries", 9)}, 1, GW_OK},
        {MSG_PIN_WRONG, {TPL_INT("tries", 10)}, 1, GW_ETOOBIG},
        {MSG_PIN_WRONG, {TPL_DATE("tries", may17)}, 1, GW_EINVAL},
        {MSG_LEADER_ONLY, {TPL_INT("cmd", 1)}, 1, GW_EINVAL},
        {MSG_LEADER_ONLY, {TPL_STR("cmd", "HUYTHUHUYTHU")}, 1, GW_OK},
        {MSG_OVERDUE,
         {TPL_DATE("date", may17), TPL_STR("program", "HN"),
          TPL_INT("overdue", 5)},
         3,
         GW_EINVAL}, /* officer missing */
        {MSG_PIN_LOCKED,
         {TPL_STR("officer", "+8491234567890123")},
         1,
         GW_ETOOBIG},
        {MSG_PIN_LOCKED, {TPL_STR("officer", NULL)}, 1, GW_OK},
        {MSG_STATEMENT,
         {TPL_INT("month", 12), TPL_DATE("outstanding", feb30)},
         2,
         GW_EINVAL},
        {MSG_LS_1,
         {TPL_DATE("dm1", feb30), TPL_STR("code1", "K7Q2M9"),
          TPL_INT("amount1", 1)},
         3,
         GW_EINVAL}, /* bad date */
    };
    struct templates *t = load_messages();
    char out[DT_SMS_MAX + 1];
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        gw_err err = template_render(t, rows[i].id, rows[i].a, rows[i].n, out,
                                     sizeof(out));

        if (err != rows[i].want)
            fail_msg("row %zu: got %d, want %d", i, (int)err,
                     (int)rows[i].want);
        if (err)
            assert_string_equal(out, "");
    }
    {
        const struct tpl_arg a[] = {TPL_INT("savings", 5)};

        assert_int_equal(template_render(t, MSG_TK, a, 1, out, 10), GW_ETOOBIG);
        assert_int_equal(template_render(t, MSG_COUNT, a, 1, out, sizeof(out)),
                         GW_EINVAL);
    }
    assert_int_equal(templates_set_brand(t, "NHCSXH123", ""), GW_EINVAL);
    assert_int_equal(templates_set_brand(t, "", ""), GW_EINVAL);
    assert_int_equal(templates_set_brand(t, "NH~S", ""), GW_EINVAL);
    assert_int_equal(templates_set_brand(t, "NHCS", "0123456789012"),
                     GW_EINVAL);
    assert_int_equal(templates_set_brand(t, "NHCS", NULL), GW_OK);
    templates_release(t);
}

/* What config accepts for brand and hotline, the templates accept too,
 * and the demo configuration names a loadable template file. */
static void test_config_agrees(void **state)
{
    struct dt_config cfg;
    struct templates t;
    char err[512];

    (void)state;
    if (config_load("config/demo.conf", &cfg, err, sizeof(err)))
        fail_msg("%s", err);
    if (templates_load(cfg.templates, &t, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(templates_set_brand(&t, cfg.brand, cfg.hotline), GW_OK);
    assert_int_equal(templates_set_brand(&t, "12345678", "123456789012"),
                     GW_OK);
    templates_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_message_fits),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_load_bytes),
        cmocka_unit_test(test_abbrev_name),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_config_agrees),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
