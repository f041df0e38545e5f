/* config.h - diemtua.conf: one INI file, every key in one table
 *
 * Every key has a type, bounds and a default in config/config.c, and is
 * documented in config/diemtua.conf.example. An unknown section or key, a
 * bad value, or a missing required value stops start-up with
 * "FILE:LINE: key: reason". A value written ${NAME} is read from the
 * environment variable NAME (for secrets); an unset variable is an error.
 *
 * After config_load() the struct is read-only and shared by all threads.
 */
#ifndef DT_CONFIG_H
#define DT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define CFG_STR_SIZE 512

/* Service messages (reminders, statements) go out only inside these
 * windows of Vietnam local time; receipts and replies are not held. */
#define CFG_WINDOWS_MAX 4

struct cfg_window {
    unsigned from; /* minute of the day, 0..1439 */
    unsigned to;   /* minute of the day, from < to <= 1440 (24:00) */
};

struct cfg_windows {
    unsigned n; /* 1..CFG_WINDOWS_MAX, sorted, not overlapping */
    struct cfg_window w[CFG_WINDOWS_MAX];
};

/* One aggregator's settings; which keys apply depends on the provider. */
struct cfg_provider {
    bool enabled;                   /* section present in the file */
    char token[CFG_STR_SIZE];       /* callback secret: ?token= in our URL */
    char send_url[CFG_STR_SIZE];    /* their send API */
    char username[CFG_STR_SIZE];    /* kannel sendsms user, AT username */
    char password[CFG_STR_SIZE];    /* kannel sendsms password */
    char api_key[CFG_STR_SIZE];     /* eSMS ApiKey, AT apiKey header */
    char secret_key[CFG_STR_SIZE];  /* eSMS SecretKey */
    char private_key[CFG_STR_SIZE]; /* eSMS key for the MO `sign` */
    char cpid[CFG_STR_SIZE];        /* eSMS: our account's cpid in an MO */
    unsigned time_window;       /* eSMS: receiverTime within this of now, s */
    char sender[CFG_STR_SIZE];  /* from / Brandname / short code */
    char dlr_url[CFG_STR_SIZE]; /* our public base URL for DLRs */
    unsigned sms_type;          /* eSMS SmsType (2 = customer care) */
    unsigned line;              /* line of the [section] header, 0 if absent */
};

struct dt_config {
    /* [server] */
    char bind[64]; /* address to listen on */
    unsigned port;
    unsigned threads; /* libmicrohttpd thread pool size */
    unsigned connection_limit;
    unsigned connection_timeout;      /* seconds idle before a close */
    unsigned head_timeout;            /* seconds for a whole request head */
    size_t max_body;                  /* bytes; larger requests get 413 */
    char metrics_token[CFG_STR_SIZE]; /* bearer for /metrics, "" = closed */

    /* [database] */
    char db_path[CFG_STR_SIZE];

    /* [log] */
    int log_level; /* enum log_level */

    /* [outbound] */
    char provider[32];        /* log | kannel | esms | africastalking */
    double send_rate;         /* messages a second, at most */
    unsigned max_attempts;    /* then FAILED */
    unsigned backoff_initial; /* seconds before the first retry */
    unsigned backoff_max;     /* cap on the delay between retries */
    unsigned connect_timeout_ms;
    unsigned request_timeout_ms;
    char ca_file[CFG_STR_SIZE]; /* extra CA bundle (tests); "" = system */

    /* [limits] */
    unsigned per_number_per_hour;      /* inbound SMS a number may send */
    unsigned daily_sms_budget;         /* all outbound SMS a day */
    unsigned reserved_share;           /* % of the budget kept for receipts */
    unsigned leader_per_hour;          /* SMS a leader may send an hour */
    unsigned unknown_replies_per_hour; /* to unknown numbers, in all */

    /* [security] */
    char pin_pepper[CFG_STR_SIZE];

    /* [messages] */
    char templates[CFG_STR_SIZE]; /* path of messages.conf */
    char phrases[CFG_STR_SIZE];   /* path of phrases.conf; "": none */
    char brand[32];               /* prefix of every text, e.g. NHCS */
    char hotline[32];             /* number members may call */

    /* [reminders] */
    unsigned remind_days_before;
    struct cfg_windows service_hours; /* when reminders may go out */

    /* [ussd] */
    unsigned ussd_session_timeout; /* seconds */

    /* [console]: the officers' web console; port 0 (no section): none */
    char console_bind[64];
    unsigned console_port;
    int console_secure_cookies;    /* 1: cookies marked Secure (HTTPS) */
    unsigned console_idle_minutes; /* a session unused this long ends */
    unsigned console_max_fails;    /* wrong passwords that lock */
    unsigned console_lock_minutes;
    unsigned console_escalate_days;      /* an item older: overdue, escalated */
    unsigned console_view_max;           /* communes added up on one page */
    char console_training[CFG_STR_SIZE]; /* commune codes for the simulator */

    /* provider sections */
    struct cfg_provider kannel;
    struct cfg_provider esms;
    struct cfg_provider africastalking;
};

/* Fills cfg with every default, then reads path over it. On any error
 * writes "path:line: key: reason" into err[errsize] (a line-level problem
 * has no key: "path:line: reason") and returns GW_EINVAL; a file that
 * cannot be read gives GW_EIO and "path: cannot read: <strerror>".
 * After reading, cross-checks: a provider section must hold a token, the
 * [outbound] provider (unless "log") must have its section with a
 * send_url and its credentials, backoff_initial <= backoff_max.
 * Syntax: [section], key = value, '#' or ';' comments at the start of a
 * line, optional double quotes around a value, ${NAME} for the value of
 * environment variable NAME. cfg is the caller's; nothing is allocated. */
gw_err config_load(const char *path, struct dt_config *cfg, char *err,
                   size_t errsize);

/* Defaults only (tests, and subcommands run without --config). */
void config_defaults(struct dt_config *cfg);

/* The settings of the named provider, or NULL for an unknown name. */
const struct cfg_provider *config_provider(const struct dt_config *cfg,
                                           const char *name);

/* The i-th row of the key table: its section and key name (static
 * strings). false when i is past the end. Lets tests check that the
 * example file documents every key. */
bool config_key_at(size_t i, const char **section, const char **key);

#endif
