/* template.c - message templates: load, prove they fit, render */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "handlers/template.h"
#include "handlers/template_table.h"
#include "text/gsm7.h"
#include "text/money.h"
#include "text/utf8.h"
#include "common/banned.h"

#define TPL_LINE_MAX 1024
#define TPL_FILE_MAX (256 * 1024)
#define TPL_WHY_SIZE 256
/* Folded field values are cut to at most this before any rule applies;
 * every width is far below it. */
#define TPL_VALUE_MAX 2048
#define TPL_NAME_WIDTH 24

/* Every field by name, with the widest it ever renders. Widths follow
 * the data's limits (common/dt_limits.h): money is at most
 * "99.999.999.999", a programme code 12 characters; names, groups and
 * communes are shortened to the width instead. */
static const struct field {
    const char *name;
    enum tpl_type type;
    size_t width;
} fields[] = {
    {"brand", TPL_T_TEXT, TPL_BRAND_MAX},
    {"hotline", TPL_T_PHONE, TPL_PHONE_MAX},
    {"name", TPL_T_NAME, TPL_NAME_WIDTH},
    {"leader", TPL_T_GIVEN, 12},
    {"given", TPL_T_GIVEN, 12},
    {"group", TPL_T_PLACE, 24},
    {"note", TPL_T_PLACE, 36}, /* a member's own words, cut at a word */
    {"commune", TPL_T_PLACE, 20},
    {"program", TPL_T_TEXT, DT_PROGRAM_MAX},
    {"code", TPL_T_TEXT, 8},
    {"cmd", TPL_T_TEXT, 8},
    {"what", TPL_T_TEXT, 40},  /* a command's name (config/phrases.conf) */
    {"list", TPL_T_TEXT, 90},  /* DS: member numbers, "2,5,17 +3" */
    {"loans", TPL_T_TEXT, 64}, /* SD: "HN 100.000.000, GQVL 18.500.000" */
    {"state", TPL_T_WORD, 10},
    {"interest", TPL_T_MONEY, 14},
    {"savings", TPL_T_MONEY, 14},
    {"principal", TPL_T_MONEY, 14},
    {"outstanding", TPL_T_MONEY, 14},
    {"due", TPL_T_MONEY, 14},
    {"overdue", TPL_T_MONEY, 14},
    {"total", TPL_T_MONEY, 14},
    {"amount", TPL_T_MONEY, 14},
    {"balance", TPL_T_MONEY, 14},
    {"pending", TPL_T_MONEY, 14},
    {"collected", TPL_T_MONEY, 14},
    {"expected", TPL_T_MONEY, 14},
    {"date", TPL_T_DATE, 10},
    {"session_date", TPL_T_DATE, 10},
    {"next_date", TPL_T_DATE, 10},
    {"posted_on", TPL_T_DATE, 10},
    {"pdate", TPL_T_DATE, 10},
    {"dm", TPL_T_DM, 5},
    {"session", TPL_T_DM, 5},
    {"seq", TPL_T_UINT, 3},
    {"count", TPL_T_UINT, 4},
    {"paid", TPL_T_UINT, 4},
    {"unpaid", TPL_T_UINT, 4},
    {"members", TPL_T_UINT, 4},
    {"month", TPL_T_UINT, 2},
    {"tries", TPL_T_UINT, 1},
    {"phone", TPL_T_PHONE, TPL_PHONE_MAX},
    {"officer", TPL_T_PHONE, TPL_PHONE_MAX},
};

/* ---- registry lookups ---- */

static const struct field *find_field(struct strv name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(fields); i++)
        if (strv_eq(name, fields[i].name))
            return &fields[i];
    /* "code2" is a second "code" */
    if (name.len > 1 && name.p[name.len - 1] >= '1' &&
        name.p[name.len - 1] <= '9')
        return find_field(strv_make(name.p, name.len - 1));
    return NULL;
}

bool template_field_info(const char *name, enum tpl_type *type, size_t *width)
{
    const struct field *f = find_field(strv_from_cstr(name));

    if (f == NULL)
        return false;
    *type = f->type;
    *width = f->width;
    return true;
}

/* name is in the space-separated list, or is brand or hotline. */
static bool field_allowed(enum msg_id id, struct strv name)
{
    struct strv words[32];
    size_t n, i;

    if (strv_eq(name, "brand") || strv_eq(name, "hotline"))
        return true;
    if (strv_split(strv_from_cstr(msg_defs[id].fields), " ", words,
                   ARRAY_SIZE(words), &n))
        return false;
    for (i = 0; i < n; i++)
        if (words[i].len == name.len &&
            memcmp(words[i].p, name.p, name.len) == 0)
            return true;
    return false;
}

const char *template_key(enum msg_id id)
{
    return (unsigned)id < MSG_COUNT ? msg_defs[id].key : "";
}

const char *template_fields(enum msg_id id)
{
    return (unsigned)id < MSG_COUNT ? msg_defs[id].fields : "";
}

size_t template_limit(enum msg_id id)
{
    return (unsigned)id < MSG_COUNT ? msg_defs[id].limit : 0;
}

/* ---- walking a template: literal runs and {field} placeholders ---- */

struct piece {
    struct strv lit;   /* literal text before the field */
    struct strv field; /* name inside the braces; len 0 at the end */
    const char *bad;   /* NULL, or why the text is malformed here */
};

/* Takes the next piece of *s; false at the end of the text. */
static bool next_piece(struct strv *s, struct piece *pc)
{
    size_t i = 0;
    const char *close;

    memset(pc, 0, sizeof(*pc));
    if (s->len == 0)
        return false;
    while (i < s->len && s->p[i] != '{' && s->p[i] != '}')
        i++;
    pc->lit = strv_make(s->p, i);
    if (i < s->len && s->p[i] == '}') {
        pc->bad = "'}' without '{'";
    } else if (i < s->len) {
        close = memchr(s->p + i, '}', s->len - i);
        if (close == NULL) {
            pc->bad = "unclosed {";
        } else {
            pc->field =
                strv_make(s->p + i + 1, (size_t)(close - (s->p + i + 1)));
            i = (size_t)(close - s->p) + 1;
        }
    }
    *s = strv_make(s->p + i, s->len - i);
    return true;
}

/* Septets of one ASCII literal character; 0 when it is not GSM-7. */
static size_t literal_septets(char c)
{
    size_t n = 0;

    if ((unsigned char)c >= 0x80 || gsm7_septets(&c, 1, &n) != GW_OK)
        return 0;
    return n;
}

/* Checks text as the body of message id: fields known and allowed,
 * literal text GSM-7 ASCII, worst case within the limit. On failure
 * writes why[TPL_WHY_SIZE]. *worst gets the worst-case length. */
static bool check_text(enum msg_id id, const char *text, size_t *worst,
                       char *why)
{
    struct strv s = strv_from_cstr(text);
    struct piece pc;
    size_t total = 0, i;

    while (next_piece(&s, &pc)) {
        const struct field *f;

        for (i = 0; i < pc.lit.len; i++) {
            char c = pc.lit.p[i];
            size_t n = literal_septets(c);

            if ((unsigned char)c >= 0x80) {
                (void)snprintf(why, TPL_WHY_SIZE,
                               "text must be plain ASCII (Vietnamese "
                               "without diacritics)");
                return false;
            }
            if (n == 0 || (unsigned char)c < 0x20) {
                (void)snprintf(why, TPL_WHY_SIZE,
                               "character '%c' is not in the GSM-7 alphabet",
                               c);
                return false;
            }
            total += n;
        }
        if (pc.bad) {
            (void)snprintf(why, TPL_WHY_SIZE, "%s", pc.bad);
            return false;
        }
        if (pc.field.p == NULL)
            continue;
        f = find_field(pc.field);
        if (f == NULL) {
            (void)snprintf(why, TPL_WHY_SIZE, "unknown field {%.*s}",
                           (int)(pc.field.len > 32 ? 32 : pc.field.len),
                           pc.field.p);
            return false;
        }
        if (!field_allowed(id, pc.field)) {
            (void)snprintf(why, TPL_WHY_SIZE,
                           "field {%.*s} not allowed here (allowed: brand "
                           "hotline %s)",
                           (int)pc.field.len, pc.field.p, msg_defs[id].fields);
            return false;
        }
        total += f->width;
    }
    *worst = total;
    if (total > msg_defs[id].limit) {
        (void)snprintf(why, TPL_WHY_SIZE,
                       "can reach %zu characters with the longest values, "
                       "over %zu",
                       total, msg_defs[id].limit);
        return false;
    }
    return true;
}

size_t template_worst_case(const struct templates *t, enum msg_id id)
{
    char why[TPL_WHY_SIZE];
    size_t worst = 0;

    if ((unsigned)id >= MSG_COUNT || t->text[id] == NULL)
        return 0;
    (void)check_text(id, t->text[id], &worst, why);
    return worst;
}

/* ---- loading ---- */

struct tpl_parse {
    const char *path;
    char *err;
    size_t errsize;
    unsigned line;
    unsigned key_line[MSG_COUNT];
};

static gw_err tpl_fail(struct tpl_parse *p, const char *key, const char *fmt,
                       ...) DT_PRINTF(3, 4);

static gw_err tpl_fail(struct tpl_parse *p, const char *key, const char *fmt,
                       ...)
{
    char why[TPL_WHY_SIZE + 64];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (p->errsize == 0)
        return GW_EINVAL;
    if (key)
        (void)snprintf(p->err, p->errsize, "%s:%u: %s: %s", p->path, p->line,
                       key, why);
    else
        (void)snprintf(p->err, p->errsize, "%s:%u: %s", p->path, p->line, why);
    return GW_EINVAL;
}

static int find_msg(struct strv key)
{
    size_t i;

    for (i = 0; i < MSG_COUNT; i++)
        if (strv_eq_nocase(key, msg_defs[i].key))
            return (int)i;
    return -1;
}

static void lower_key(const char *key, char *out, size_t size)
{
    size_t i;

    for (i = 0; key[i] && i + 1 < size; i++)
        out[i] = (key[i] >= 'A' && key[i] <= 'Z') ? (char)(key[i] - 'A' + 'a')
                                                  : key[i];
    out[i] = '\0';
}

static gw_err parse_line(struct tpl_parse *p, struct templates *t,
                         struct strv s)
{
    const char *eq;
    char key[72], why[TPL_WHY_SIZE];
    struct strv name, text;
    size_t i, worst;
    int id;

    if (s.len > TPL_LINE_MAX)
        return tpl_fail(p, NULL, "line too long (over %d bytes)", TPL_LINE_MAX);
    if (s.len && s.p[s.len - 1] == '\r')
        s.len--;
    if (p->line == 1 && s.len >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0)
        s = strv_make(s.p + 3, s.len - 3);
    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if (c == 0)
            return tpl_fail(p, NULL, "NUL byte");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return tpl_fail(p, NULL, "control character");
    }
    if (!utf8_valid(s.p, s.len))
        return tpl_fail(p, NULL, "invalid UTF-8");
    s = strv_trim(s);
    if (s.len == 0 || s.p[0] == '#' || s.p[0] == ';')
        return GW_OK;
    eq = memchr(s.p, '=', s.len);
    if (eq == NULL)
        return tpl_fail(p, NULL, "expected key = text");
    name = strv_trim(strv_make(s.p, (size_t)(eq - s.p)));
    text = strv_trim(strv_make(eq + 1, s.len - (size_t)(eq - s.p) - 1));
    if (name.len == 0)
        return tpl_fail(p, NULL, "missing key before '='");
    (void)snprintf(key, sizeof(key), "%.*s",
                   (int)(name.len > 64 ? 64 : name.len), name.p);
    id = find_msg(name);
    if (id < 0)
        return tpl_fail(p, key, "unknown message");
    if (p->key_line[id])
        return tpl_fail(p, key, "duplicate message (first on line %u)",
                        p->key_line[id]);
    p->key_line[id] = p->line;
    if (text.len == 0)
        return tpl_fail(p, key, "empty text");
    t->text[id] = xstrndup(text.p, text.len);
    if (!check_text((enum msg_id)id, t->text[id], &worst, why))
        return tpl_fail(p, key, "%s", why);
    return GW_OK;
}

static gw_err parse_all(struct tpl_parse *p, struct templates *t,
                        const struct buf *b)
{
    const char *s = buf_cstr(b), *end = s + b->len;
    char key[64];
    size_t i;
    gw_err err;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

        p->line++;
        err = parse_line(p, t, strv_make(s, len));
        if (err)
            return err;
        s += len + (nl ? 1 : 0);
    }
    for (i = 0; i < MSG_COUNT; i++) {
        if (t->text[i])
            continue;
        lower_key(msg_defs[i].key, key, sizeof(key));
        if (p->errsize)
            (void)snprintf(p->err, p->errsize, "%s: %s: missing", p->path, key);
        return GW_EINVAL;
    }
    return GW_OK;
}

gw_err templates_load(const char *path, struct templates *t, char *err,
                      size_t errsize)
{
    struct tpl_parse p;
    struct buf b;
    gw_err rc;

    memset(t, 0, sizeof(*t));
    (void)templates_set_brand(t, "NHCS", NULL);
    if (errsize)
        err[0] = '\0';
    memset(&p, 0, sizeof(p));
    p.path = path;
    p.err = err;
    p.errsize = errsize;
    buf_init(&b, TPL_FILE_MAX);
    rc = file_read_all(path, &b, err, errsize);
    if (rc == GW_OK)
        rc = parse_all(&p, t, &b);
    buf_release(&b);
    if (rc)
        templates_release(t);
    return rc;
}

void templates_release(struct templates *t)
{
    size_t i;

    for (i = 0; i < MSG_COUNT; i++) {
        free(t->text[i]);
        t->text[i] = NULL;
    }
}

static bool printable_ascii(const char *s, size_t max)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (i >= max || (unsigned char)s[i] < 0x20 ||
            (unsigned char)s[i] > 0x7e || literal_septets(s[i]) != 1)
            return false;
    return true;
}

gw_err templates_set_brand(struct templates *t, const char *brand,
                           const char *hotline)
{
    if (hotline == NULL)
        hotline = "";
    if (brand == NULL || brand[0] == '\0' ||
        !printable_ascii(brand, TPL_BRAND_MAX) ||
        !printable_ascii(hotline, TPL_PHONE_MAX))
        return GW_EINVAL;
    (void)snprintf(t->brand, sizeof(t->brand), "%s", brand);
    (void)snprintf(t->hotline, sizeof(t->hotline), "%s", hotline);
    return GW_OK;
}

/* ---- rendering values ---- */

/* Folds s to ASCII into v, every character GSM-7 basic: whitespace runs
 * become one space (trimmed), characters GSM-7 lacks or counts twice
 * become '?' (brackets become parentheses). */
static gw_err fold_value(const char *s, struct buf *v)
{
    struct buf raw;
    const char *r;
    size_t i;
    gw_err err;

    buf_reset(v);
    if (s == NULL)
        return GW_OK;
    buf_init(&raw, TPL_VALUE_MAX * 2);
    err = utf8_fold_ascii(s, strlen(s), &raw);
    r = buf_cstr(&raw);
    for (i = 0; err == GW_OK && i < raw.len && v->len < TPL_VALUE_MAX; i++) {
        char c = r[i];

        if (c == '[' || c == '{')
            c = '(';
        else if (c == ']' || c == '}')
            c = ')';
        else if ((unsigned char)c <= ' ')
            c = ' ';
        else if (literal_septets(c) != 1)
            c = '?';
        if (c == ' ' && (v->len == 0 || v->data[v->len - 1] == ' '))
            continue;
        (void)buf_putc(v, c);
    }
    buf_release(&raw);
    if (v->len && v->data[v->len - 1] == ' ')
        v->data[--v->len] = '\0';
    return err == GW_ETOOBIG ? GW_EINVAL : err;
}

static void cut(struct buf *v, size_t width)
{
    if (v->len > width) {
        v->len = width;
        while (v->len && v->data[v->len - 1] == ' ')
            v->len--;
        v->data[v->len] = '\0';
    }
}

/* "Nguyen Thi Hong Nhung" -> "Nguyen T.H. Nhung" when over width. */
static void abbreviate(struct buf *v, size_t width)
{
    struct strv w[16];
    struct buf o;
    size_t n, i;

    if (v->len <= width)
        return;
    if (strv_split(strv_make(buf_cstr(v), v->len), " ", w, ARRAY_SIZE(w), &n) ==
            GW_OK &&
        n >= 3) {
        buf_init(&o, TPL_VALUE_MAX);
        (void)buf_append(&o, w[0].p, w[0].len);
        (void)buf_putc(&o, ' ');
        for (i = 1; i + 1 < n; i++)
            (void)buf_appendf(&o, "%c.", w[i].p[0]);
        (void)buf_putc(&o, ' ');
        (void)buf_append(&o, w[n - 1].p, w[n - 1].len);
        buf_reset(v);
        (void)buf_append(v, buf_cstr(&o), o.len);
        buf_release(&o);
    }
    cut(v, width);
}

static void last_word(struct buf *v, size_t width)
{
    const char *sp = v->len ? memchr(v->data, ' ', v->len) : NULL;

    if (sp) {
        size_t k = v->len;

        while (v->data[k - 1] != ' ')
            k--;
        memmove(v->data, v->data + k, v->len - k + 1);
        v->len -= k;
    }
    cut(v, width);
}

/* Cuts at the last space within width when that keeps over half. */
static void cut_at_word(struct buf *v, size_t width)
{
    size_t k = width;

    if (v->len <= width)
        return;
    while (k > width / 2 && v->data[k] != ' ')
        k--;
    cut(v, k > width / 2 ? k : width);
}

/* "+84912345678" -> "0912345678"; other numbers as they are. */
static void local_phone(struct buf *v)
{
    size_t i;

    if (v->len < 4 || memcmp(v->data, "+84", 3) != 0)
        return;
    for (i = 3; i < v->len; i++)
        if (v->data[i] < '0' || v->data[i] > '9')
            return;
    memmove(v->data + 1, v->data + 3, v->len - 2);
    v->data[0] = '0';
    v->len -= 2;
}

static gw_err render_number(const struct field *f, const struct tpl_arg *a,
                            struct buf *v)
{
    char tmp[32];
    int64_t lim = 1;
    size_t i;

    buf_reset(v);
    if (f->type == TPL_T_MONEY) {
        if (a->i < 0 || a->i > DT_MONEY_MAX)
            return GW_ETOOBIG;
        (void)money_format(a->i, tmp, sizeof(tmp));
        return buf_puts(v, tmp);
    }
    for (i = 0; i < f->width; i++)
        lim *= 10;
    if (a->i < 0 || a->i >= lim)
        return GW_ETOOBIG;
    return buf_appendf(v, "%lld", (long long)a->i);
}

static gw_err render_date(const struct field *f, const struct tpl_arg *a,
                          struct buf *v)
{
    char tmp[16];

    buf_reset(v);
    if (!date_valid(&a->d))
        return GW_EINVAL;
    if (f->type == TPL_T_DM)
        date_format_dm(&a->d, tmp, sizeof(tmp));
    else
        date_format_dmy(&a->d, tmp, sizeof(tmp));
    return buf_puts(v, tmp);
}

static bool is_number_type(enum tpl_type t)
{
    return t == TPL_T_MONEY || t == TPL_T_UINT || t == TPL_T_DATE ||
           t == TPL_T_DM;
}

/* Renders one argument as field f into v (at most f->width). */
static gw_err render_value(const struct field *f, const struct tpl_arg *a,
                           struct buf *v)
{
    gw_err err;

    if (a->kind == TPL_ARG_INT)
        return (f->type == TPL_T_MONEY || f->type == TPL_T_UINT)
                   ? render_number(f, a, v)
                   : GW_EINVAL;
    if (a->kind == TPL_ARG_DATE)
        return (f->type == TPL_T_DATE || f->type == TPL_T_DM)
                   ? render_date(f, a, v)
                   : GW_EINVAL;
    err = fold_value(a->s, v);
    if (err)
        return err;
    switch (f->type) {
    case TPL_T_NAME:
        abbreviate(v, f->width);
        break;
    case TPL_T_GIVEN:
        last_word(v, f->width);
        break;
    case TPL_T_PLACE:
        cut_at_word(v, f->width);
        break;
    case TPL_T_PHONE:
        local_phone(v);
        break;
    default:
        if (!is_number_type(f->type))
            cut(v, f->width);
        break;
    }
    /* Numbers, dates and phones given as text are never cut: a cut
     * figure would lie. */
    return v->len > f->width ? GW_ETOOBIG : GW_OK;
}

gw_err template_abbrev_name(const char *name, size_t width, char *out,
                            size_t size)
{
    struct buf v;
    gw_err err;

    buf_init(&v, TPL_VALUE_MAX);
    err = fold_value(name, &v);
    if (err == GW_OK) {
        abbreviate(&v, width);
        err = strv_copy(strv_make(buf_cstr(&v), v.len), out, size);
    }
    buf_release(&v);
    return err;
}

static const struct tpl_arg *find_arg(const struct tpl_arg *args, size_t nargs,
                                      struct strv name)
{
    size_t i;

    for (i = 0; i < nargs; i++)
        if (args[i].name && strv_eq(name, args[i].name))
            return &args[i];
    return NULL;
}

static gw_err render_field(const struct templates *t, struct strv name,
                           const struct tpl_arg *args, size_t nargs,
                           struct buf *v)
{
    const struct field *f = find_field(name);
    const struct tpl_arg *a;

    if (f == NULL)
        return GW_EINTERNAL; /* the load check rules it out */
    buf_reset(v);
    if (strv_eq(name, "brand"))
        return buf_puts(v, t->brand);
    if (strv_eq(name, "hotline"))
        return buf_puts(v, t->hotline);
    a = find_arg(args, nargs, name);
    if (a == NULL) {
        log_error("template", "field {%.*s} not given", (int)name.len, name.p);
        return GW_EINVAL;
    }
    return render_value(f, a, v);
}

gw_err template_render(const struct templates *t, enum msg_id id,
                       const struct tpl_arg *args, size_t nargs, char *out,
                       size_t size)
{
    struct buf b, v;
    struct strv s;
    struct piece pc;
    size_t septets = 0;
    gw_err err = GW_OK;

    if (size)
        out[0] = '\0';
    if ((unsigned)id >= MSG_COUNT || t->text[id] == NULL)
        return GW_EINVAL;
    buf_init(&b, DT_SMS_MAX * 2);
    buf_init(&v, TPL_VALUE_MAX);
    s = strv_from_cstr(t->text[id]);
    while (err == GW_OK && next_piece(&s, &pc)) {
        err = buf_append(&b, pc.lit.p, pc.lit.len);
        if (err == GW_OK && pc.field.p) {
            err = render_field(t, pc.field, args, nargs, &v);
            if (err == GW_OK)
                err = buf_append(&b, buf_cstr(&v), v.len);
        }
    }
    if (err == GW_OK && (gsm7_septets(buf_cstr(&b), b.len, &septets) != GW_OK ||
                         septets > msg_defs[id].limit)) {
        log_error("template", "%s renders to %zu characters", msg_defs[id].key,
                  septets);
        err = GW_EINTERNAL;
    }
    if (err == GW_OK)
        err = strv_copy(strv_make(buf_cstr(&b), b.len), out, size);
    buf_release(&b);
    buf_release(&v);
    return err;
}
