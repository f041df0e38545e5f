/* config.c - diemtua.conf: one table of keys with bounds and defaults */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/strv.h"
#include "common/util.h"
#include "config/config.h"
#include "text/utf8.h"
#include "common/banned.h"

/* A longer line is not configuration but a mistake (or an attack on the
 * parser); the whole file is capped so a wrong path cannot eat memory. */
#define CFG_LINE_MAX 4096
#define CFG_FILE_MAX (1024 * 1024)
#define CFG_WHY_SIZE 160

enum cfg_type {
    CFG_STRING, /* char[]: length min..max bytes */
    CFG_ASCII,  /* the same, printable ASCII only (it goes into SMS) */
    CFG_TOKEN,  /* secret put in a URL: min..max of [A-Za-z0-9._~-] */
    CFG_URL,    /* http:// or https://, at most max bytes; "" allowed */
    CFG_ADDR,   /* char[]: a numeric IPv4 or IPv6 address */
    CFG_UINT,   /* unsigned, min..max */
    CFG_SIZE,   /* size_t bytes, optional k or m suffix, min..max */
    CFG_DOUBLE, /* double, min..max */
    CFG_WORD,   /* char[]: one of choices */
    CFG_ENUM,   /* int: index of the value in choices */
    CFG_HOURS   /* struct cfg_windows: "07:00-11:30,13:00-17:00" */
};

struct cfg_key {
    const char *section;
    const char *key;
    enum cfg_type type;
    size_t offset;
    size_t size; /* of the field, to check the row against its type */
    double min, max;
    const char *def; /* parsed like a value from the file */
    const char *const *choices;
};

static const char *const providers[] = {"log", "kannel", "esms",
                                        "africastalking", NULL};
static const char *const levels[] = {"debug", "info", "warn", "error", NULL};
static const char *const booleans[] = {"false", "true", NULL};

#define F(field)                                                               \
    offsetof(struct dt_config, field), sizeof(((struct dt_config *)0)->field)
#define S(len) (double)(len)

/* Bounds sit beside the names; config/diemtua.conf.example documents each
 * row and tests/unit/test_config.c loads that file. */
static const struct cfg_key keys[] = {
    {"server", "bind", CFG_ADDR, F(bind), 0, 63, "127.0.0.1", NULL},
    {"server", "port", CFG_UINT, F(port), 1, 65535, "8080", NULL},
    {"server", "threads", CFG_UINT, F(threads), 1, 64, "2", NULL},
    {"server", "connection_limit", CFG_UINT, F(connection_limit), 1, 100000,
     "512", NULL},
    {"server", "connection_timeout", CFG_UINT, F(connection_timeout), 1, 3600,
     "10", NULL},
    {"server", "head_timeout", CFG_UINT, F(head_timeout), 1, 3600, "10", NULL},
    {"server", "max_body", CFG_SIZE, F(max_body), 1024, 16777216, "8192", NULL},
    {"server", "metrics_token", CFG_TOKEN, F(metrics_token), 16,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"database", "path", CFG_STRING, F(db_path), 1, S(CFG_STR_SIZE - 1),
     "diemtua.db", NULL},
    {"log", "level", CFG_ENUM, F(log_level), 0, 0, "info", levels},
    {"outbound", "provider", CFG_WORD, F(provider), 0, 0, "log", providers},
    {"outbound", "send_rate", CFG_DOUBLE, F(send_rate), 0.1, 1000000, "50",
     NULL},
    {"outbound", "max_attempts", CFG_UINT, F(max_attempts), 1, 100, "8", NULL},
    {"outbound", "backoff_initial", CFG_UINT, F(backoff_initial), 1, 86400,
     "30", NULL},
    {"outbound", "backoff_max", CFG_UINT, F(backoff_max), 1, 604800, "3600",
     NULL},
    {"outbound", "connect_timeout_ms", CFG_UINT, F(connect_timeout_ms), 100,
     120000, "5000", NULL},
    {"outbound", "request_timeout_ms", CFG_UINT, F(request_timeout_ms), 100,
     600000, "15000", NULL},
    {"outbound", "ca_file", CFG_STRING, F(ca_file), 0, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"limits", "per_number_per_hour", CFG_UINT, F(per_number_per_hour), 1,
     10000, "20", NULL},
    {"limits", "daily_sms_budget", CFG_UINT, F(daily_sms_budget), 1, 10000000,
     "20000", NULL},
    {"limits", "reserved_share", CFG_UINT, F(reserved_share), 0, 90, "30",
     NULL},
    {"limits", "leader_per_hour", CFG_UINT, F(leader_per_hour), 1, 100000,
     "300", NULL},
    {"limits", "unknown_replies_per_hour", CFG_UINT,
     F(unknown_replies_per_hour), 0, 100000, "100", NULL},
    {"security", "pin_pepper", CFG_STRING, F(pin_pepper), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"messages", "templates", CFG_STRING, F(templates), 1, S(CFG_STR_SIZE - 1),
     "config/messages.conf", NULL},
    /* People's own words; empty: commands as typed only. */
    {"messages", "phrases", CFG_STRING, F(phrases), 0, S(CFG_STR_SIZE - 1),
     "config/phrases.conf", NULL},
    /* The template check counts the brand as 8 characters and a phone
     * number as 12: longer ones could push a text past one segment. */
    {"messages", "brand", CFG_ASCII, F(brand), 1, 8, "NHCS", NULL},
    {"messages", "hotline", CFG_ASCII, F(hotline), 0, 12, "", NULL},
    {"reminders", "days_before", CFG_UINT, F(remind_days_before), 0, 27, "3",
     NULL},
    {"reminders", "service_hours", CFG_HOURS, F(service_hours), 0, 0,
     "07:00-11:30,13:00-17:00", NULL},
    {"console", "bind", CFG_ADDR, F(console_bind), 0, 63, "127.0.0.1", NULL},
    {"console", "port", CFG_UINT, F(console_port), 0, 65535, "0", NULL},
    {"console", "secure_cookies", CFG_ENUM, F(console_secure_cookies), 0, 0,
     "false", booleans},
    {"console", "idle_minutes", CFG_UINT, F(console_idle_minutes), 1, 1440,
     "30", NULL},
    {"console", "max_fails", CFG_UINT, F(console_max_fails), 1, 100, "5", NULL},
    {"console", "lock_minutes", CFG_UINT, F(console_lock_minutes), 1, 10080,
     "15", NULL},
    {"console", "escalate_days", CFG_UINT, F(console_escalate_days), 1, 365,
     "7", NULL},
    {"console", "view_max_communes", CFG_UINT, F(console_view_max), 1, 100000,
     "10", NULL},
    {"console", "training_communes", CFG_STRING, F(console_training), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"ussd", "session_timeout", CFG_UINT, F(ussd_session_timeout), 10, 600,
     "180", NULL},

    {"kannel", "token", CFG_TOKEN, F(kannel.token), 16, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"kannel", "send_url", CFG_URL, F(kannel.send_url), 0, S(CFG_STR_SIZE - 1),
     "", NULL},
    {"kannel", "username", CFG_STRING, F(kannel.username), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"kannel", "password", CFG_STRING, F(kannel.password), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"kannel", "sender", CFG_STRING, F(kannel.sender), 0, S(CFG_STR_SIZE - 1),
     "", NULL},
    {"kannel", "dlr_url", CFG_URL, F(kannel.dlr_url), 0, S(CFG_STR_SIZE - 1),
     "", NULL},

    {"esms", "token", CFG_TOKEN, F(esms.token), 16, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"esms", "send_url", CFG_URL, F(esms.send_url), 0, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"esms", "api_key", CFG_STRING, F(esms.api_key), 0, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"esms", "secret_key", CFG_STRING, F(esms.secret_key), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"esms", "private_key", CFG_STRING, F(esms.private_key), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"esms", "cpid", CFG_STRING, F(esms.cpid), 0, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"esms", "receiver_time_window", CFG_UINT, F(esms.time_window), 60, 86400,
     "900", NULL},
    {"esms", "sender", CFG_STRING, F(esms.sender), 0, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"esms", "dlr_url", CFG_URL, F(esms.dlr_url), 0, S(CFG_STR_SIZE - 1), "",
     NULL},
    {"esms", "sms_type", CFG_UINT, F(esms.sms_type), 1, 8, "2", NULL},

    {"africastalking", "token", CFG_TOKEN, F(africastalking.token), 16,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"africastalking", "send_url", CFG_URL, F(africastalking.send_url), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"africastalking", "username", CFG_STRING, F(africastalking.username), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"africastalking", "api_key", CFG_STRING, F(africastalking.api_key), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
    {"africastalking", "sender", CFG_STRING, F(africastalking.sender), 0,
     S(CFG_STR_SIZE - 1), "", NULL},
};

#define NKEYS ARRAY_SIZE(keys)

static const char *const sections[] = {
    "server",   "database", "log",           "outbound", "limits",
    "security", "messages", "reminders",     "ussd",     "console",
    "kannel",   "esms",     "africastalking"};

#define NSECTIONS ARRAY_SIZE(sections)

/* The keys the outbound provider needs to send, besides send_url. */
static const struct cfg_needs {
    const char *provider;
    const char *keys[3];
} needs[] = {
    {"kannel", {"username", "password", NULL}},
    {"esms", {"api_key", "secret_key", NULL}},
    {"africastalking", {"username", "api_key", NULL}},
};

struct cfg_parse {
    const char *path;
    struct dt_config *cfg;
    char *err;
    size_t errsize;
    unsigned line;
    int section; /* index into sections, -1 before the first header */
    unsigned key_line[NKEYS];
    unsigned section_line[NSECTIONS];
};

/* Writes "path:line: key: reason" (key may be NULL) and returns
 * GW_EINVAL. */
static gw_err cfg_fail(struct cfg_parse *p, unsigned line, const char *key,
                       const char *fmt, ...) DT_PRINTF(4, 5);

static gw_err cfg_fail(struct cfg_parse *p, unsigned line, const char *key,
                       const char *fmt, ...)
{
    char why[CFG_WHY_SIZE + 64];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (p->errsize == 0)
        return GW_EINVAL;
    if (key)
        (void)snprintf(p->err, p->errsize, "%s:%u: %s: %s", p->path, line, key,
                       why);
    else
        (void)snprintf(p->err, p->errsize, "%s:%u: %s", p->path, line, why);
    return GW_EINVAL;
}

static void *field(struct dt_config *cfg, const struct cfg_key *k)
{
    return (char *)cfg + k->offset;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool set_uint(const struct cfg_key *k, struct strv v, void *dst,
                     char *why)
{
    uint64_t n;
    gw_err err = strv_to_u64(v, UINT64_MAX, &n);

    if (err == GW_EINVAL) {
        (void)snprintf(why, CFG_WHY_SIZE, "must be a whole number");
        return false;
    }
    if (err || (double)n < k->min || (double)n > k->max) {
        (void)snprintf(why, CFG_WHY_SIZE, "must be between %.15g and %.15g",
                       k->min, k->max);
        return false;
    }
    *(unsigned *)dst = (unsigned)n;
    return true;
}

/* Bytes, or kilobytes / megabytes (1024-based) with a k or m suffix. */
static bool set_size(const struct cfg_key *k, struct strv v, void *dst,
                     char *why)
{
    uint64_t n, mult = 1;
    gw_err err;

    if (v.len > 1) {
        char c = v.p[v.len - 1];

        if (c == 'k' || c == 'K')
            mult = 1024;
        else if (c == 'm' || c == 'M')
            mult = 1024 * 1024;
        if (mult > 1)
            v.len--;
    }
    err = strv_to_u64(v, UINT64_MAX / mult, &n);
    if (err == GW_EINVAL) {
        (void)snprintf(why, CFG_WHY_SIZE,
                       "must be a size in bytes, like 8192, 64k or 1m");
        return false;
    }
    if (err || (double)(n * mult) < k->min || (double)(n * mult) > k->max) {
        (void)snprintf(why, CFG_WHY_SIZE,
                       "must be between %.15g and %.15g bytes", k->min, k->max);
        return false;
    }
    *(size_t *)dst = (size_t)(n * mult);
    return true;
}

/* Digits with an optional fraction; no sign, exponent, inf or nan. */
static bool set_double(const struct cfg_key *k, struct strv v, void *dst,
                       char *why)
{
    char tmp[64];
    size_t i = 0, int_digits = 0, frac_digits = 0;
    double d;

    while (i < v.len && is_digit(v.p[i])) {
        i++;
        int_digits++;
    }
    if (i < v.len && v.p[i] == '.') {
        for (i++; i < v.len && is_digit(v.p[i]); i++)
            frac_digits++;
        if (frac_digits == 0)
            int_digits = 0;
    }
    if (i != v.len || int_digits == 0 || strv_copy(v, tmp, sizeof(tmp))) {
        (void)snprintf(why, CFG_WHY_SIZE, "must be a number");
        return false;
    }
    d = strtod(tmp, NULL);
    if (d < k->min || d > k->max) {
        (void)snprintf(why, CFG_WHY_SIZE, "must be between %.15g and %.15g",
                       k->min, k->max);
        return false;
    }
    *(double *)dst = d;
    return true;
}

static int choice_index(const struct cfg_key *k, struct strv v)
{
    int i;

    for (i = 0; k->choices[i]; i++)
        if (strv_eq(v, k->choices[i]))
            return i;
    return -1;
}

static bool set_choice(const struct cfg_key *k, struct strv v, void *dst,
                       char *why)
{
    int i = choice_index(k, v);
    struct buf b;

    if (i >= 0) {
        if (k->type == CFG_ENUM)
            *(int *)dst = i;
        else
            (void)strv_copy(v, dst, k->size); /* choices fit: checked */
        return true;
    }
    buf_init(&b, CFG_WHY_SIZE - 1);
    (void)buf_puts(&b, "must be one of ");
    for (i = 0; k->choices[i]; i++)
        (void)buf_appendf(&b, "%s%s", i ? ", " : "", k->choices[i]);
    (void)snprintf(why, CFG_WHY_SIZE, "%s", buf_cstr(&b));
    buf_release(&b);
    return false;
}

/* "HH:MM" with 00:00..24:00 into minutes. */
static bool parse_hhmm(struct strv s, unsigned *out)
{
    unsigned h, m;

    if (s.len != 5 || !is_digit(s.p[0]) || !is_digit(s.p[1]) || s.p[2] != ':' ||
        !is_digit(s.p[3]) || !is_digit(s.p[4]))
        return false;
    h = (unsigned)(s.p[0] - '0') * 10 + (unsigned)(s.p[1] - '0');
    m = (unsigned)(s.p[3] - '0') * 10 + (unsigned)(s.p[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return false;
    *out = h * 60 + m;
    return true;
}

static bool set_hours(struct strv v, void *dst, char *why)
{
    struct strv part[CFG_WINDOWS_MAX + 1];
    struct cfg_windows w;
    size_t n, i;

    memset(&w, 0, sizeof(w));
    if (strv_split(v, ", ", part, ARRAY_SIZE(part), &n) || n == 0 ||
        n > CFG_WINDOWS_MAX)
        goto bad;
    for (i = 0; i < n; i++) {
        struct cfg_window *x = &w.w[i];

        if (part[i].len != 11 || part[i].p[5] != '-' ||
            !parse_hhmm(strv_make(part[i].p, 5), &x->from) ||
            !parse_hhmm(strv_make(part[i].p + 6, 5), &x->to) ||
            x->from >= x->to || (i > 0 && x->from < w.w[i - 1].to))
            goto bad;
    }
    w.n = (unsigned)n;
    memcpy(dst, &w, sizeof(w));
    return true;
bad:
    (void)snprintf(why, CFG_WHY_SIZE,
                   "must be 1 to %d windows in order, like "
                   "07:00-11:30,13:00-17:00",
                   CFG_WINDOWS_MAX);
    return false;
}

static bool check_text(const struct cfg_key *k, struct strv v, char *why)
{
    size_t i;

    if ((double)v.len > k->max) {
        (void)snprintf(why, CFG_WHY_SIZE, "too long (at most %.15g bytes)",
                       k->max);
        return false;
    }
    if ((double)v.len < k->min) {
        if (k->min <= 1)
            (void)snprintf(why, CFG_WHY_SIZE, "must not be empty");
        else
            (void)snprintf(why, CFG_WHY_SIZE,
                           "must be at least %.15g characters", k->min);
        return false;
    }
    for (i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];

        if (k->type == CFG_ASCII && (c < 0x20 || c > 0x7e)) {
            (void)snprintf(why, CFG_WHY_SIZE, "must be plain ASCII");
            return false;
        }
        if (k->type == CFG_TOKEN &&
            !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              is_digit((char)c) || (c && strchr("._~-", c)))) {
            (void)snprintf(why, CFG_WHY_SIZE,
                           "may hold only letters, digits and . _ ~ -");
            return false;
        }
    }
    if (k->type == CFG_URL && v.len > 0 &&
        !strv_starts_with_nocase(v, "http://") &&
        !strv_starts_with_nocase(v, "https://")) {
        (void)snprintf(why, CFG_WHY_SIZE, "must be an http:// or https:// URL");
        return false;
    }
    return true;
}

static bool set_addr(struct strv v, void *dst, size_t size, char *why)
{
    unsigned char bin[16];
    char tmp[64];

    if (strv_copy(v, tmp, sizeof(tmp)) ||
        (inet_pton(AF_INET, tmp, bin) != 1 &&
         inet_pton(AF_INET6, tmp, bin) != 1)) {
        (void)snprintf(why, CFG_WHY_SIZE,
                       "must be a numeric IPv4 or IPv6 address");
        return false;
    }
    (void)strv_copy(v, dst, size);
    return true;
}

/* Stores value v into the field of k; false with why[CFG_WHY_SIZE]
 * filled when v is not a good value for k. */
static bool cfg_set(const struct cfg_key *k, struct dt_config *cfg,
                    struct strv v, char *why)
{
    void *dst = field(cfg, k);

    switch (k->type) {
    case CFG_UINT:
        return set_uint(k, v, dst, why);
    case CFG_SIZE:
        return set_size(k, v, dst, why);
    case CFG_DOUBLE:
        return set_double(k, v, dst, why);
    case CFG_WORD:
    case CFG_ENUM:
        return set_choice(k, v, dst, why);
    case CFG_HOURS:
        return set_hours(v, dst, why);
    case CFG_ADDR:
        return set_addr(v, dst, k->size, why);
    case CFG_STRING:
    case CFG_ASCII:
    case CFG_TOKEN:
    case CFG_URL:
        if (!check_text(k, v, why))
            return false;
        (void)strv_copy(v, dst, k->size); /* max < size: checked */
        return true;
    }
    return false;
}

/* The row's size matches its type and its bounds fit the field. */
static void check_row(const struct cfg_key *k)
{
    switch (k->type) {
    case CFG_UINT:
        assert(k->size == sizeof(unsigned));
        break;
    case CFG_SIZE:
        assert(k->size == sizeof(size_t));
        break;
    case CFG_DOUBLE:
        assert(k->size == sizeof(double));
        break;
    case CFG_ENUM:
        assert(k->size == sizeof(int) && k->choices);
        break;
    case CFG_WORD:
        assert(k->choices);
        break;
    case CFG_HOURS:
        assert(k->size == sizeof(struct cfg_windows));
        break;
    default:
        assert(k->max < (double)k->size);
        break;
    }
    (void)k;
}

void config_defaults(struct dt_config *cfg)
{
    char why[CFG_WHY_SIZE];
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < NKEYS; i++) {
        bool ok;

        check_row(&keys[i]);
        ok = cfg_set(&keys[i], cfg, strv_from_cstr(keys[i].def), why);
        /* Token rows default to "" which their minimum refuses: the
         * default means "not set", and the cross-check deals with it. */
        assert(ok || keys[i].type == CFG_TOKEN);
        (void)ok;
    }
}

static int find_section(struct strv name)
{
    size_t i;

    for (i = 0; i < NSECTIONS; i++)
        if (strv_eq(name, sections[i]))
            return (int)i;
    return -1;
}

static int find_key(const char *section, struct strv name)
{
    size_t i;

    for (i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strv_eq(name, keys[i].key))
            return (int)i;
    return -1;
}

static int find_key_cstr(const char *section, const char *name)
{
    return find_key(section, strv_from_cstr(name));
}

static const struct {
    const char *name;
    size_t offset;
} provider_sections[] = {
    {"kannel", offsetof(struct dt_config, kannel)},
    {"esms", offsetof(struct dt_config, esms)},
    {"africastalking", offsetof(struct dt_config, africastalking)},
};

/* Offset of the named provider's struct in dt_config, or 0 (never a
 * provider's offset: [server] fields come first) for other names. */
static size_t provider_offset(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(provider_sections); i++)
        if (strcmp(name, provider_sections[i].name) == 0)
            return provider_sections[i].offset;
    return 0;
}

static struct cfg_provider *provider_of(struct dt_config *cfg, const char *name)
{
    size_t off = provider_offset(name);

    return off ? (struct cfg_provider *)(void *)((char *)cfg + off) : NULL;
}

static gw_err parse_section(struct cfg_parse *p, struct strv s)
{
    struct strv name;
    int i;

    if (s.len < 3 || s.p[s.len - 1] != ']')
        return cfg_fail(p, p->line, NULL, "expected [section]");
    name = strv_trim(strv_make(s.p + 1, s.len - 2));
    i = find_section(name);
    if (i < 0)
        return cfg_fail(p, p->line, NULL, "[%.*s]: unknown section",
                        (int)(name.len > 64 ? 64 : name.len), name.p);
    if (p->section_line[i])
        return cfg_fail(p, p->line, NULL, "[%s]: duplicate section",
                        sections[i]);
    p->section_line[i] = p->line;
    p->section = i;
    {
        struct cfg_provider *pr = provider_of(p->cfg, sections[i]);

        if (pr) {
            pr->enabled = true;
            pr->line = p->line;
        }
    }
    return GW_OK;
}

/* Strips optional double quotes, then replaces ${NAME} by the value of
 * the environment variable, or ${NAME:-default} by it or, when it is
 * unset or empty, by default. *v is left pointing at the final text. */
static gw_err resolve_value(struct cfg_parse *p, const char *key,
                            struct strv *v)
{
    char name[128];
    const char *val, *dflt = NULL;
    size_t i;

    if (v->len && v->p[0] == '"') {
        if (v->len < 2 || v->p[v->len - 1] != '"')
            return cfg_fail(p, p->line, key, "unterminated quote");
        *v = strv_make(v->p + 1, v->len - 2);
    }
    if (v->len < 3 || v->p[0] != '$' || v->p[1] != '{' ||
        v->p[v->len - 1] != '}')
        return GW_OK;
    if (strv_copy(strv_make(v->p + 2, v->len - 3), name, sizeof(name)) ||
        name[0] == '\0' || is_digit(name[0]))
        return cfg_fail(p, p->line, key, "bad environment variable name");
    {
        char *sep = strstr(name, ":-");

        if (sep != NULL) {
            *sep = '\0';
            /* The default is the rest of the value, in v's storage. */
            dflt = v->p + 2 + (size_t)(sep - name) + 2;
        }
    }
    if (name[0] == '\0')
        return cfg_fail(p, p->line, key, "bad environment variable name");
    for (i = 0; name[i]; i++)
        if (!(name[i] == '_' || is_digit(name[i]) ||
              (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= 'a' && name[i] <= 'z')))
            return cfg_fail(p, p->line, key, "bad environment variable name");
    val = getenv(name);
    if (dflt != NULL && (val == NULL || val[0] == '\0')) {
        *v = strv_make(dflt, (size_t)(v->p + v->len - 1 - dflt));
        return GW_OK;
    }
    if (val == NULL)
        return cfg_fail(p, p->line, key, "environment variable %s is not set",
                        name);
    *v = strv_from_cstr(val);
    if (v->len > CFG_LINE_MAX || !utf8_valid(v->p, v->len))
        return cfg_fail(p, p->line, key,
                        "environment variable %s is not valid text", name);
    for (i = 0; i < v->len; i++)
        if ((unsigned char)v->p[i] < 0x20 || v->p[i] == 0x7f)
            return cfg_fail(p, p->line, key,
                            "environment variable %s holds a control "
                            "character",
                            name);
    return GW_OK;
}

static gw_err parse_assignment(struct cfg_parse *p, struct strv s)
{
    const char *eq = memchr(s.p, '=', s.len);
    char key[72], why[CFG_WHY_SIZE];
    struct strv name, v;
    gw_err err;
    int i;

    if (eq == NULL)
        return cfg_fail(p, p->line, NULL, "expected key = value");
    name = strv_trim(strv_make(s.p, (size_t)(eq - s.p)));
    v = strv_trim(strv_make(eq + 1, s.len - (size_t)(eq - s.p) - 1));
    if (name.len == 0)
        return cfg_fail(p, p->line, NULL, "missing key before '='");
    (void)snprintf(key, sizeof(key), "%.*s",
                   (int)(name.len > 64 ? 64 : name.len), name.p);
    if (p->section < 0)
        return cfg_fail(p, p->line, key, "key outside any [section]");
    i = find_key(sections[p->section], name);
    if (i < 0)
        return cfg_fail(p, p->line, key, "unknown key in [%s]",
                        sections[p->section]);
    if (p->key_line[i])
        return cfg_fail(p, p->line, key, "duplicate key");
    p->key_line[i] = p->line;
    err = resolve_value(p, key, &v);
    if (err)
        return err;
    if (!cfg_set(&keys[i], p->cfg, v, why))
        return cfg_fail(p, p->line, key, "%s", why);
    return GW_OK;
}

/* Rejects what a text editor would not show plainly: NUL and other
 * control bytes (tab excepted) and invalid UTF-8. */
static gw_err check_line_bytes(struct cfg_parse *p, struct strv s)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if (c == 0)
            return cfg_fail(p, p->line, NULL, "NUL byte");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return cfg_fail(p, p->line, NULL, "control character");
    }
    if (!utf8_valid(s.p, s.len))
        return cfg_fail(p, p->line, NULL, "invalid UTF-8");
    return GW_OK;
}

static gw_err parse_line(struct cfg_parse *p, struct strv s)
{
    gw_err err;

    if (s.len > CFG_LINE_MAX)
        return cfg_fail(p, p->line, NULL, "line too long (over %d bytes)",
                        CFG_LINE_MAX);
    if (s.len && s.p[s.len - 1] == '\r')
        s.len--;
    if (p->line == 1 && s.len >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0)
        s = strv_make(s.p + 3, s.len - 3); /* byte order mark */
    err = check_line_bytes(p, s);
    if (err)
        return err;
    s = strv_trim(s);
    if (s.len == 0 || s.p[0] == '#' || s.p[0] == ';')
        return GW_OK;
    if (s.p[0] == '[')
        return parse_section(p, s);
    return parse_assignment(p, s);
}

static gw_err need_key(struct cfg_parse *p, const char *section,
                       const char *key, unsigned line, const char *why)
{
    int i = find_key_cstr(section, key);
    const char *v;

    assert(i >= 0);
    v = (const char *)field(p->cfg, &keys[i]);
    if (v[0] == '\0')
        return cfg_fail(p, line, key, "%s", why);
    return GW_OK;
}

static gw_err check_outbound(struct cfg_parse *p)
{
    const struct cfg_provider *pr;
    char why[CFG_WHY_SIZE];
    gw_err err;
    size_t i, j;

    if (strcmp(p->cfg->provider, "log") == 0)
        return GW_OK;
    pr = config_provider(p->cfg, p->cfg->provider);
    if (pr == NULL || !pr->enabled)
        return cfg_fail(p, p->key_line[find_key_cstr("outbound", "provider")],
                        "provider", "no [%s] section", p->cfg->provider);
    (void)snprintf(why, sizeof(why),
                   "required in [%s] when it is the "
                   "[outbound] provider",
                   p->cfg->provider);
    err = need_key(p, p->cfg->provider, "send_url", pr->line, why);
    for (i = 0; err == GW_OK && i < ARRAY_SIZE(needs); i++) {
        if (strcmp(needs[i].provider, p->cfg->provider) != 0)
            continue;
        for (j = 0; err == GW_OK && needs[i].keys[j]; j++)
            err =
                need_key(p, p->cfg->provider, needs[i].keys[j], pr->line, why);
    }
    return err;
}

static gw_err cross_check(struct cfg_parse *p)
{
    size_t i;
    gw_err err;

    for (i = 1; providers[i]; i++) {
        const struct cfg_provider *pr = config_provider(p->cfg, providers[i]);

        /* A set token too short or empty failed at its own line. */
        if (pr && pr->enabled && pr->token[0] == '\0')
            return cfg_fail(p, pr->line, "token", "required in [%s]",
                            providers[i]);
    }
    /* The signature does not separate its fields: only a pinned cpid
     * keeps an MO from being re-cut into a new one (docs/PROVIDERS.md). */
    if (p->cfg->esms.enabled && p->cfg->esms.private_key[0] != '\0' &&
        p->cfg->esms.cpid[0] == '\0')
        return cfg_fail(p, p->cfg->esms.line, "cpid",
                        "required in [esms] with private_key");
    err = check_outbound(p);
    if (err)
        return err;
    if (p->cfg->backoff_initial > p->cfg->backoff_max) {
        unsigned line =
            p->key_line[find_key_cstr("outbound", "backoff_initial")];

        if (line == 0)
            line = p->key_line[find_key_cstr("outbound", "backoff_max")];
        return cfg_fail(p, line, "backoff_initial",
                        "must not exceed backoff_max (%u)",
                        p->cfg->backoff_max);
    }
    return GW_OK;
}

gw_err config_load(const char *path, struct dt_config *cfg, char *err,
                   size_t errsize)
{
    struct cfg_parse p;
    struct buf b;
    const char *s, *end;
    gw_err rc;

    config_defaults(cfg);
    if (errsize)
        err[0] = '\0';
    memset(&p, 0, sizeof(p));
    p.path = path;
    p.cfg = cfg;
    p.err = err;
    p.errsize = errsize;
    p.section = -1;
    buf_init(&b, CFG_FILE_MAX);
    rc = file_read_all(path, &b, err, errsize);
    if (rc)
        goto out;
    s = buf_cstr(&b);
    end = s + b.len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

        p.line++;
        rc = parse_line(&p, strv_make(s, len));
        if (rc)
            goto out;
        s += len + (nl ? 1 : 0);
    }
    rc = cross_check(&p);
out:
    buf_release(&b);
    return rc;
}

const struct cfg_provider *config_provider(const struct dt_config *cfg,
                                           const char *name)
{
    size_t off = provider_offset(name);

    return off ? (const struct cfg_provider *)(const void *)((const char *)cfg +
                                                             off)
               : NULL;
}

bool config_key_at(size_t i, const char **section, const char **key)
{
    if (i >= NKEYS)
        return false;
    *section = keys[i].section;
    *key = keys[i].key;
    return true;
}
