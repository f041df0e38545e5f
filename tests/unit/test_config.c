/* test_config.c - diemtua.conf loader: every type, bound and error text */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/util.h"
#include "config/config.h"

#define TOKEN16 "0123456789abcdef"
#define KANNEL_OK                                                              \
    "[outbound]\nprovider = kannel\n[kannel]\ntoken = " TOKEN16                \
    "\nsend_url = http://127.0.0.1:13013/cgi-bin/sendsms\n"                    \
    "username = u\npassword = p\n"

/* Writes len bytes of text to a new temporary file; path[64] gets its
 * name. */
static void write_temp(const char *text, size_t len, char *path)
{
    int fd;

    (void)snprintf(path, 64, "/tmp/dt_test_config_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* Loads text; returns the error code and copies the message without the
 * "PATH:" prefix into msg[512]. */
static gw_err load_text(const char *text, size_t len, struct dt_config *cfg,
                        char *msg)
{
    char path[64], err[1024];
    size_t plen;
    gw_err rc;

    write_temp(text, len, path);
    rc = config_load(path, cfg, err, sizeof(err));
    (void)unlink(path);
    plen = strlen(path);
    msg[0] = '\0';
    if (rc != GW_OK) {
        /* Every error names the file first. */
        assert_memory_equal(err, path, plen);
        assert_int_equal(err[plen], ':');
        (void)snprintf(msg, 512, "%s", err + plen + 1);
    }
    return rc;
}

static void setup_env(void)
{
    assert_int_equal(setenv("DT_TEST_TOKEN", TOKEN16 "XYZ", 1), 0);
    assert_int_equal(setenv("DT_TEST_PORT", "8099", 1), 0);
    assert_int_equal(setenv("DT_TEST_BADPORT", "80x", 1), 0);
    assert_int_equal(setenv("DT_TEST_EMPTY", "", 1), 0);
    assert_int_equal(setenv("DT_TEST_CTRL", "a\tb", 1), 0);
    assert_int_equal(unsetenv("DT_TEST_UNSET"), 0);
}

struct row {
    const char *text;
    const char *want; /* error after "PATH:", or NULL for success */
};

static const struct row rows[] = {
    /* empty files and comments */
    {"", NULL},
    {"\n\n   \n", NULL},
    {"# comment\n; comment\n   # indented\n\n[server]\nport=9\n", NULL},
    {"[server]\r\nport = 8081\r\n", NULL},
    {"\xEF\xBB\xBF[server]\nport = 8081\n", NULL},
    {"[server]\nport = 8081", NULL}, /* no final newline */

    /* uint: port 1..65535 */
    {"[server]\nport = 0\n", "2: port: must be between 1 and 65535"},
    {"[server]\nport = 1\n", NULL},
    {"[server]\nport = 65535\n", NULL},
    {"[server]\nport = 65536\n", "2: port: must be between 1 and 65535"},
    {"[server]\nport = 99999999999999999999999\n",
     "2: port: must be between 1 and 65535"},
    {"[server]\nport = 80x\n", "2: port: must be a whole number"},
    {"[server]\nport =\n", "2: port: must be a whole number"},
    {"[server]\nport = \"\"\n", "2: port: must be a whole number"},
    {"[server]\nport = -1\n", "2: port: must be a whole number"},
    {"[server]\nport = +80\n", "2: port: must be a whole number"},
    {"[server]\nport = 8 080\n", "2: port: must be a whole number"},
    {"[server]\nport = 8080 # web\n", "2: port: must be a whole number"},
    {"[server]\nthreads = 64\n", NULL},
    {"[server]\nthreads = 65\n", "2: threads: must be between 1 and 64"},
    {"[reminders]\ndays_before = 0\n", NULL},
    {"[reminders]\ndays_before = 27\n", NULL},
    {"[reminders]\ndays_before = 28\n",
     "2: days_before: must be between 0 and 27"},
    {"[ussd]\nsession_timeout = 9\n",
     "2: session_timeout: must be between 10 and 600"},

    /* size: max_body */
    {"[server]\nmax_body = 1024\n", NULL},
    {"[server]\nmax_body = 1023\n",
     "2: max_body: must be between 1024 and 16777216 bytes"},
    {"[server]\nmax_body = 16m\n", NULL},
    {"[server]\nmax_body = 16385K\n",
     "2: max_body: must be between 1024 and 16777216 bytes"},
    {"[server]\nmax_body = 99999999999999999999m\n",
     "2: max_body: must be between 1024 and 16777216 bytes"},
    {"[server]\nmax_body = 8x\n",
     "2: max_body: must be a size in bytes, like 8192, 64k or 1m"},
    {"[server]\nmax_body = k\n",
     "2: max_body: must be a size in bytes, like 8192, 64k or 1m"},

    /* double: send_rate 0.1..1000000 */
    {"[outbound]\nsend_rate = 0.1\n", NULL},
    {"[outbound]\nsend_rate = 1000000\n", NULL},
    {"[outbound]\nsend_rate = 0.09\n",
     "2: send_rate: must be between 0.1 and 1000000"},
    {"[outbound]\nsend_rate = 1000000.5\n",
     "2: send_rate: must be between 0.1 and 1000000"},
    {"[outbound]\nsend_rate = 1e3\n", "2: send_rate: must be a number"},
    {"[outbound]\nsend_rate = 5.\n", "2: send_rate: must be a number"},
    {"[outbound]\nsend_rate = .5\n", "2: send_rate: must be a number"},
    {"[outbound]\nsend_rate = nan\n", "2: send_rate: must be a number"},
    {"[outbound]\nsend_rate = -1\n", "2: send_rate: must be a number"},
    {"[outbound]\nsend_rate =\n", "2: send_rate: must be a number"},

    /* choices */
    {"[outbound]\nprovider = smpp\n",
     "2: provider: must be one of log, kannel, esms, africastalking"},
    {"[outbound]\nprovider = LOG\n",
     "2: provider: must be one of log, kannel, esms, africastalking"},
    {"[log]\nlevel = verbose\n",
     "2: level: must be one of debug, info, warn, error"},
    {"[log]\nlevel = warn\n", NULL},

    /* strings */
    {"[messages]\nbrand = NHCSXH12\n", NULL},
    {"[messages]\nbrand = NHCSXH123\n", "2: brand: too long (at most 8 bytes)"},
    {"[messages]\nbrand =\n", "2: brand: must not be empty"},
    {"[messages]\nbrand = NH\xC3\x89\n", "2: brand: must be plain ASCII"},
    {"[messages]\nhotline = 0123456789ab\n", NULL},
    {"[messages]\nhotline = 0123456789abc\n",
     "2: hotline: too long (at most 12 bytes)"},
    {"[database]\npath =\n", "2: path: must not be empty"},
    {"[database]\npath = \"\"\n", "2: path: must not be empty"},
    {"[server]\nbind = ::1\n", NULL},
    {"[server]\nbind = 0.0.0.0\n", NULL},
    {"[server]\nbind = localhost\n",
     "2: bind: must be a numeric IPv4 or IPv6 address"},
    {"[server]\nbind = 127.0.0.256\n",
     "2: bind: must be a numeric IPv4 or IPv6 address"},

    /* service hours */
    {"[reminders]\nservice_hours = 00:00-24:00\n", NULL},
    {"[reminders]\nservice_hours = 07:00-08:00, 09:00-10:00\n", NULL},
    {"[reminders]\nservice_hours = 11:30-07:00\n",
     "2: service_hours: must be 1 to 4 windows in order, like "
     "07:00-11:30,13:00-17:00"},
    {"[reminders]\nservice_hours = 07:00-11:30,11:00-12:00\n",
     "2: service_hours: must be 1 to 4 windows in order, like "
     "07:00-11:30,13:00-17:00"},
    {"[reminders]\nservice_hours = 7:00-11:30\n",
     "2: service_hours: must be 1 to 4 windows in order, like "
     "07:00-11:30,13:00-17:00"},
    {"[reminders]\nservice_hours = 07:60-08:00\n",
     "2: service_hours: must be 1 to 4 windows in order, like "
     "07:00-11:30,13:00-17:00"},
    {"[reminders]\nservice_hours = "
     "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00\n",
     "2: service_hours: must be 1 to 4 windows in order, like "
     "07:00-11:30,13:00-17:00"},
    {"[reminders]\nservice_hours =\n",
     "2: service_hours: must be 1 to 4 windows in order, like "
     "07:00-11:30,13:00-17:00"},

    /* structure */
    {"[server]\ncolour = red\n", "2: colour: unknown key in [server]"},
    {"[server]\nsms_type = 2\n", "2: sms_type: unknown key in [server]"},
    {"[server]\nPort = 8080\n", "2: Port: unknown key in [server]"},
    {"[kannel]\ntoken = " TOKEN16 "\nsms_type = 2\n",
     "3: sms_type: unknown key in [kannel]"},
    {"[server]\n[foo]\n", "2: [foo]: unknown section"},
    {"[ server ]\nport = 1\n", NULL},
    {"[server]\n[server]\n", "2: [server]: duplicate section"},
    {"[server]\nport = 1\nport = 2\n", "3: port: duplicate key"},
    {"port = 8080\n", "1: port: key outside any [section]"},
    {"[server]\nport 8080\n", "2: expected key = value"},
    {"[server]\n= 8080\n", "2: missing key before '='"},
    {"[server\n", "1: expected [section]"},
    {"[]\n", "1: expected [section]"},
    {"[server] x\n", "1: expected [section]"},

    /* quotes */
    {"[server]\nport = \"8081\"\n", NULL},
    {"[messages]\nbrand = \"NHCS\n", "2: brand: unterminated quote"},
    {"[messages]\nbrand = \"\n", "2: brand: unterminated quote"},

    /* environment */
    {"[server]\nport = ${DT_TEST_PORT}\n", NULL},
    /* ${NAME:-default}: the default when unset or empty, else the value */
    {"[server]\nport = ${DT_TEST_UNSET:-8090}\n", NULL},
    {"[server]\nport = ${DT_TEST_EMPTY:-8090}\n", NULL},
    {"[server]\nport = ${DT_TEST_PORT:-x}\n", NULL},
    {"[server]\nport = ${DT_TEST_UNSET:-80x}\n",
     "2: port: must be a whole number"},
    {"[server]\nport = ${DT_TEST_UNSET:-}\n",
     "2: port: must be a whole number"},
    {"[server]\nport = ${:-8090}\n", "2: port: bad environment variable name"},
    {"[server]\nport = \"${DT_TEST_PORT}\"\n", NULL},
    {"[server]\nport = ${DT_TEST_BADPORT}\n",
     "2: port: must be a whole number"},
    {"[kannel]\ntoken = ${DT_TEST_UNSET}\n",
     "2: token: environment variable DT_TEST_UNSET is not set"},
    {"[kannel]\ntoken = ${DT_TEST_EMPTY}\n",
     "2: token: must be at least 16 characters"},
    {"[kannel]\ntoken = ${1X}\n", "2: token: bad environment variable name"},
    {"[kannel]\ntoken = ${}\n", "2: token: bad environment variable name"},
    {"[kannel]\ntoken = ${A-B}\n", "2: token: bad environment variable name"},
    {"[security]\npin_pepper = ${DT_TEST_CTRL}\n",
     "2: pin_pepper: environment variable DT_TEST_CTRL holds a control "
     "character"},
    {"[kannel]\ntoken = ${DT_TEST_TOKEN}\n", NULL},

    /* bytes */
    {"# \xff\n", "1: invalid UTF-8"},
    {"[server]\nport = 1\n# \xc0\xaf\n", "3: invalid UTF-8"},
    {"# \xed\xa0\x80\n", "1: invalid UTF-8"}, /* surrogate */
    {"# \x01\n", "1: control character"},
    {"# \x7f\n", "1: control character"},
    {"[server]\tx\n", "1: expected [section]"}, /* tab is whitespace */

    /* provider sections and cross-checks */
    {"[kannel]\n", "1: token: required in [kannel]"},
    {"[server]\n[esms]\nsend_url = https://e\n",
     "2: token: required in [esms]"},
    {"[kannel]\ntoken = 0123456789abcde\n",
     "2: token: must be at least 16 characters"},
    {"[kannel]\ntoken = " TOKEN16 "\n", NULL},
    {"[kannel]\ntoken = " TOKEN16 "&x\n",
     "2: token: may hold only letters, digits and . _ ~ -"},
    {"[kannel]\ntoken = " TOKEN16 "\nsend_url = ftp://x\n",
     "3: send_url: must be an http:// or https:// URL"},
    {"[outbound]\nprovider = kannel\n", "2: provider: no [kannel] section"},
    {"[outbound]\nprovider = kannel\n[kannel]\ntoken = " TOKEN16 "\n",
     "3: send_url: required in [kannel] when it is the [outbound] provider"},
    {"[outbound]\nprovider = kannel\n[kannel]\ntoken = " TOKEN16
     "\nsend_url = http://k\n",
     "3: username: required in [kannel] when it is the [outbound] provider"},
    {KANNEL_OK, NULL},
    {"[outbound]\nprovider = esms\n[esms]\ntoken = " TOKEN16
     "\nsend_url = https://e\napi_key = a\n",
     "3: secret_key: required in [esms] when it is the [outbound] provider"},
    {"[outbound]\nprovider = africastalking\n[africastalking]\ntoken = " TOKEN16
     "\nsend_url = https://a\nusername = sandbox\napi_key = k\n",
     NULL},
    /* eSMS's MO: a sign key without the account's cpid is refused */
    {"[esms]\ntoken = " TOKEN16 "\nprivate_key = k\n",
     "1: cpid: required in [esms] with private_key"},
    {"[esms]\ntoken = " TOKEN16 "\nprivate_key = k\ncpid = 8079\n", NULL},
    {"[esms]\ntoken = " TOKEN16 "\n", NULL},
    {"[esms]\ntoken = " TOKEN16 "\nreceiver_time_window = 59\n",
     "3: receiver_time_window: must be between 60 and 86400"},
    {"[esms]\ntoken = " TOKEN16 "\nreceiver_time_window = 86400\n", NULL},
    {"[outbound]\nbackoff_initial = 100\nbackoff_max = 50\n",
     "2: backoff_initial: must not exceed backoff_max (50)"},
    {"[outbound]\nbackoff_max = 29\n",
     "2: backoff_initial: must not exceed backoff_max (29)"},
    {"[outbound]\nbackoff_initial = 50\nbackoff_max = 50\n", NULL},
};

static void test_rows(void **state)
{
    size_t i;

    (void)state;
    setup_env();
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        struct dt_config cfg;
        char msg[512];
        gw_err rc = load_text(rows[i].text, strlen(rows[i].text), &cfg, msg);

        if (rows[i].want == NULL) {
            if (rc != GW_OK)
                fail_msg("row %zu: unexpected error %s", i, msg);
        } else {
            if (rc != GW_EINVAL || strcmp(msg, rows[i].want) != 0)
                fail_msg("row %zu: got %d \"%s\", want \"%s\"", i, (int)rc, msg,
                         rows[i].want);
        }
    }
}

/* The values of a good file land in the right fields. */
static void test_values(void **state)
{
    static const char text[] =
        "[server]\nport = ${DT_TEST_PORT}\nbind = \"::1\"\nmax_body = 64k\n"
        "[outbound]\nsend_rate = 12.5\n[log]\nlevel = error\n"
        "[messages]\nhotline = \" 1900 \"\n"
        "[reminders]\nservice_hours = 07:00-11:30, 13:00-24:00\n"
        "[esms]\ntoken = ${DT_TEST_TOKEN}\nsms_type = 8\n";
    static const char dflt[] = "[server]\nport = ${DT_TEST_UNSET:-8090}\n"
                               "bind = ${DT_TEST_EMPTY:-0.0.0.0}\n";
    struct dt_config cfg;
    char msg[512];

    (void)state;
    setup_env();
    assert_int_equal(load_text(dflt, strlen(dflt), &cfg, msg), GW_OK);
    assert_int_equal(cfg.port, 8090);
    assert_string_equal(cfg.bind, "0.0.0.0");
    assert_int_equal(load_text(text, strlen(text), &cfg, msg), GW_OK);
    assert_int_equal(cfg.port, 8099);
    assert_string_equal(cfg.bind, "::1");
    assert_int_equal(cfg.max_body, 65536);
    assert_true(cfg.send_rate > 12.49 && cfg.send_rate < 12.51);
    assert_int_equal(cfg.log_level, 3);
    assert_string_equal(cfg.hotline, " 1900 "); /* quotes keep spaces */
    assert_int_equal(cfg.service_hours.n, 2);
    assert_int_equal(cfg.service_hours.w[0].from, 7 * 60);
    assert_int_equal(cfg.service_hours.w[0].to, 11 * 60 + 30);
    assert_int_equal(cfg.service_hours.w[1].to, 24 * 60);
    assert_true(cfg.esms.enabled);
    assert_int_equal(cfg.esms.line, 13);
    assert_string_equal(cfg.esms.token, TOKEN16 "XYZ");
    assert_int_equal(cfg.esms.sms_type, 8);
    assert_false(cfg.kannel.enabled);
    assert_ptr_equal(config_provider(&cfg, "esms"), &cfg.esms);
    assert_ptr_equal(config_provider(&cfg, "kannel"), &cfg.kannel);
    assert_ptr_equal(config_provider(&cfg, "africastalking"),
                     &cfg.africastalking);
    assert_null(config_provider(&cfg, "log"));
    assert_null(config_provider(&cfg, "smpp"));
}

static void test_defaults(void **state)
{
    struct dt_config cfg;

    (void)state;
    config_defaults(&cfg);
    assert_int_equal(cfg.port, 8080);
    assert_string_equal(cfg.bind, "127.0.0.1");
    assert_int_equal(cfg.threads, 2);
    assert_int_equal(cfg.connection_limit, 512);
    assert_int_equal(cfg.connection_timeout, 10);
    assert_int_equal(cfg.max_body, 8192);
    assert_string_equal(cfg.db_path, "diemtua.db");
    assert_string_equal(cfg.provider, "log");
    assert_true(cfg.send_rate > 49.99 && cfg.send_rate < 50.01);
    assert_int_equal(cfg.max_attempts, 8);
    assert_int_equal(cfg.backoff_initial, 30);
    assert_int_equal(cfg.backoff_max, 3600);
    assert_int_equal(cfg.connect_timeout_ms, 5000);
    assert_int_equal(cfg.request_timeout_ms, 15000);
    assert_int_equal(cfg.per_number_per_hour, 20);
    assert_int_equal(cfg.daily_sms_budget, 20000);
    assert_string_equal(cfg.templates, "config/messages.conf");
    assert_string_equal(cfg.brand, "NHCS");
    assert_string_equal(cfg.hotline, "");
    assert_string_equal(cfg.pin_pepper, "");
    assert_int_equal(cfg.remind_days_before, 3);
    assert_int_equal(cfg.ussd_session_timeout, 180);
    assert_int_equal(cfg.log_level, 1); /* info */
    assert_int_equal(cfg.esms.sms_type, 2);
    assert_int_equal(cfg.service_hours.n, 2);
    assert_int_equal(cfg.service_hours.w[1].from, 13 * 60);
    assert_int_equal(cfg.service_hours.w[1].to, 17 * 60);
    assert_false(cfg.kannel.enabled || cfg.esms.enabled ||
                 cfg.africastalking.enabled);
}

/* Lines of 4096 bytes are fine, 4097 are not; NUL bytes are refused. */
static void test_bytes(void **state)
{
    static const char nul[] = "[server]\nport = 80\0"
                              "80\n";
    char *text = malloc(8200);
    struct dt_config cfg;
    char msg[512];

    (void)state;
    assert_non_null(text);
    memcpy(text, "[server]\n#", 10);
    memset(text + 10, 'x', 4095); /* line 2 is 4096 bytes */
    memcpy(text + 10 + 4095, "\nport = 9\n", 10);
    assert_int_equal(load_text(text, 10 + 4095 + 10, &cfg, msg), GW_OK);
    assert_int_equal(cfg.port, 9);
    text[10 + 4095] = 'x'; /* joins "port = 9" to make 4105 bytes */
    assert_int_equal(load_text(text, 10 + 4095 + 10, &cfg, msg), GW_EINVAL);
    assert_string_equal(msg, "2: line too long (over 4096 bytes)");
    free(text);

    assert_int_equal(load_text(nul, sizeof(nul) - 1, &cfg, msg), GW_EINVAL);
    assert_string_equal(msg, "2: NUL byte");
}

static void test_unreadable(void **state)
{
    struct dt_config cfg;
    char err[512];

    (void)state;
    assert_int_equal(config_load("tests/no/such.conf", &cfg, err, sizeof(err)),
                     GW_EIO);
    assert_string_equal(err, "tests/no/such.conf: cannot read: No such file or "
                             "directory");
    assert_int_equal(config_load("config", &cfg, err, sizeof(err)), GW_EIO);
    assert_string_equal(err, "config: cannot read: Is a directory");
    /* A zero-sized error buffer is never written. */
    assert_int_equal(config_load("tests/no/such.conf", &cfg, err, 0), GW_EIO);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = malloc(65536);

    assert_non_null(f);
    assert_non_null(p);
    *len = fread(p, 1, 65535, f);
    assert_true(*len > 0 && *len < 65535);
    p[*len] = '\0';
    assert_int_equal(fclose(f), 0);
    return p;
}

static void set_example_env(void)
{
    static const char *const names[] = {
        "DIEMTUA_PIN_PEPPER",       "DIEMTUA_KANNEL_TOKEN",
        "DIEMTUA_KANNEL_PASSWORD",  "DIEMTUA_ESMS_TOKEN",
        "DIEMTUA_ESMS_API_KEY",     "DIEMTUA_ESMS_SECRET_KEY",
        "DIEMTUA_ESMS_PRIVATE_KEY", "DIEMTUA_AT_TOKEN",
        "DIEMTUA_AT_API_KEY"};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(names); i++)
        assert_int_equal(setenv(names[i], TOKEN16 "-secret", 1), 0);
}

/* The example loads, and its values are the built-in defaults, except
 * the few a real install changes. */
static void test_example_loads(void **state)
{
    struct dt_config cfg, def;
    char err[1024];

    (void)state;
    set_example_env();
    assert_int_equal(unsetenv("DIEMTUA_PIN_PEPPER"), 0);
    assert_int_equal(
        config_load("config/diemtua.conf.example", &cfg, err, sizeof(err)),
        GW_EINVAL);
    assert_non_null(strstr(err, "environment variable DIEMTUA_PIN_PEPPER "
                                "is not set"));
    set_example_env();
    if (config_load("config/diemtua.conf.example", &cfg, err, sizeof(err)))
        fail_msg("%s", err);
    config_defaults(&def);
    assert_int_equal(cfg.port, def.port);
    assert_string_equal(cfg.bind, def.bind);
    assert_int_equal(cfg.threads, def.threads);
    assert_int_equal(cfg.connection_limit, def.connection_limit);
    assert_int_equal(cfg.connection_timeout, def.connection_timeout);
    assert_int_equal(cfg.max_body, def.max_body);
    assert_int_equal(cfg.log_level, def.log_level);
    assert_string_equal(cfg.provider, def.provider);
    assert_true(cfg.send_rate == def.send_rate);
    assert_int_equal(cfg.max_attempts, def.max_attempts);
    assert_int_equal(cfg.backoff_initial, def.backoff_initial);
    assert_int_equal(cfg.backoff_max, def.backoff_max);
    assert_int_equal(cfg.connect_timeout_ms, def.connect_timeout_ms);
    assert_int_equal(cfg.request_timeout_ms, def.request_timeout_ms);
    assert_string_equal(cfg.ca_file, def.ca_file);
    assert_int_equal(cfg.per_number_per_hour, def.per_number_per_hour);
    assert_int_equal(cfg.daily_sms_budget, def.daily_sms_budget);
    assert_string_equal(cfg.brand, def.brand);
    assert_int_equal(cfg.remind_days_before, def.remind_days_before);
    assert_memory_equal(&cfg.service_hours, &def.service_hours,
                        sizeof(def.service_hours));
    assert_int_equal(cfg.ussd_session_timeout, def.ussd_session_timeout);
    assert_string_equal(cfg.db_path, "/var/lib/diemtua/diemtua.db");
    assert_string_equal(cfg.pin_pepper, TOKEN16 "-secret");
}

/* Uncommenting the example's provider sections gives a good file too,
 * with kannel sending. */
static void test_example_providers(void **state)
{
    size_t len, i = 0, o = 0;
    char *in = read_all("config/diemtua.conf.example", &len);
    char *out = malloc(len + 64);
    struct dt_config cfg;
    char msg[512];
    bool live = false;

    (void)state;
    assert_non_null(out);
    set_example_env();
    while (i < len) {
        const char *nl = memchr(in + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (in + i)) + 1 : len - i;
        const char *l = in + i;

        if (strncmp(l, "# [", 3) == 0)
            live = true; /* the provider sections start here */
        if (live && n > 2 && l[0] == '#' && l[1] == ' ' &&
            (l[2] == '[' || l[2] == '#' || (l[2] >= 'a' && l[2] <= 'z'))) {
            l += 2;
            n -= 2;
            i += 2;
        }
        if (strncmp(l, "provider = log", 14) == 0) {
            memcpy(out + o, "provider = kannel\n", 18);
            o += 18;
        } else {
            memcpy(out + o, l, n);
            o += n;
        }
        i += n;
    }
    if (load_text(out, o, &cfg, msg))
        fail_msg("%s", msg);
    assert_string_equal(cfg.provider, "kannel");
    assert_true(cfg.kannel.enabled && cfg.esms.enabled &&
                cfg.africastalking.enabled);
    assert_string_equal(cfg.kannel.username, "diemtua");
    assert_string_equal(cfg.kannel.password, TOKEN16 "-secret");
    assert_int_equal(cfg.esms.sms_type, 2);
    assert_string_equal(cfg.africastalking.username, "sandbox");
    free(in);
    free(out);
}

/* Every key of the table is documented in the example, in its section
 * (live or commented out). */
static void test_example_documents_every_key(void **state)
{
    size_t len, k;
    char *text = read_all("config/diemtua.conf.example", &len);
    const char *section, *key;

    (void)state;
    for (k = 0; config_key_at(k, &section, &key); k++) {
        char head[64], live[64], dead[64];
        const char *p, *end;

        (void)snprintf(head, sizeof(head), "[%s]\n", section);
        p = strstr(text, head);
        if (p == NULL)
            fail_msg("section [%s] not in the example", section);
        end = strstr(p + 1, "\n[");
        if (end == NULL || strstr(p + 1, "\n# [") < end)
            end = strstr(p + 1, "\n# [");
        if (end == NULL)
            end = text + len;
        (void)snprintf(live, sizeof(live), "\n%s = ", key);
        (void)snprintf(dead, sizeof(dead), "\n# %s = ", key);
        {
            const char *a = strstr(p, live), *b = strstr(p, dead);

            if (!((a && a < end) || (b && b < end)))
                fail_msg("[%s] %s not documented in the example", section, key);
        }
    }
    assert_true(k > 40);
    assert_false(config_key_at(k, &section, &key));
    free(text);
}

static void test_demo_loads(void **state)
{
    struct dt_config cfg;
    char err[1024];

    (void)state;
    /* The demo's address comes from PORT and BIND (make run PORT=...),
     * 127.0.0.1:8080 without them: whatever the caller's environment. */
    assert_int_equal(unsetenv("PORT"), 0);
    assert_int_equal(unsetenv("BIND"), 0);
    if (config_load("config/demo.conf", &cfg, err, sizeof(err)))
        fail_msg("%s", err);
    assert_string_equal(cfg.provider, "log");
    assert_int_equal(cfg.port, 8080);
    assert_string_equal(cfg.bind, "127.0.0.1");
    assert_int_equal(setenv("PORT", "8090", 1), 0);
    assert_int_equal(setenv("BIND", "0.0.0.0", 1), 0);
    if (config_load("config/demo.conf", &cfg, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(cfg.port, 8090);
    assert_string_equal(cfg.bind, "0.0.0.0");
    assert_int_equal(unsetenv("PORT"), 0);
    assert_int_equal(unsetenv("BIND"), 0);
    if (config_load("config/demo.conf", &cfg, err, sizeof(err)))
        fail_msg("%s", err);
    assert_string_equal(cfg.db_path, "build/demo.db");
    assert_string_equal(cfg.templates, "config/messages.conf");
    assert_true(strlen(cfg.pin_pepper) >= 16);
}

/* The container's default configuration, with its secret from the
 * environment as `docker run -e` gives it. */
static void test_docker_loads(void **state)
{
    struct dt_config cfg;
    char err[1024];

    (void)state;
    assert_int_equal(setenv("DIEMTUA_PIN_PEPPER", "docker-test-pepper-0123", 1),
                     0);
    if (config_load("config/docker.conf", &cfg, err, sizeof(err)))
        fail_msg("%s", err);
    assert_string_equal(cfg.bind, "0.0.0.0");
    assert_string_equal(cfg.db_path, "/var/lib/diemtua/diemtua.db");
    assert_string_equal(cfg.pin_pepper, "docker-test-pepper-0123");
    assert_int_equal(unsetenv("DIEMTUA_PIN_PEPPER"), 0);
    assert_int_equal(config_load("config/docker.conf", &cfg, err, sizeof(err)),
                     GW_EINVAL);
    assert_non_null(strstr(err, "DIEMTUA_PIN_PEPPER"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_example_loads),
        cmocka_unit_test(test_docker_loads),
        cmocka_unit_test(test_example_providers),
        cmocka_unit_test(test_example_documents_every_key),
        cmocka_unit_test(test_demo_loads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
