/* console_int.h - shared by the console's sources only */
#ifndef DT_CONSOLE_INT_H
#define DT_CONSOLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "console/console.h"
#include "console/html.h"
#include "db/db.h"
#include "db/db_officer.h"
#include "gateway/provider.h"

#define CONSOLE_MAX_FORM 16
#define CONSOLE_COOKIE "dt_session"
#define CONSOLE_PRE_COOKIE "dt_login" /* the login form's own CSRF token */

/* A USSD session of the simulator, kept here so that a PIN typed in it
 * never travels back to the browser. */
#define SIM_SLOTS 32
#define SIM_PATH_MAX 1024
struct sim_slot {
    char token_hash[DB_TOKEN_HEX_SIZE]; /* whose (console session) */
    char phone[DT_PHONE_SIZE];
    char path[SIM_PATH_MAX + 1];
    char session[32];
    int64_t at;
};

struct console {
    struct console_deps deps;
    struct MHD_Daemon *daemon;
    struct db *db; /* used by the daemon's one thread only */
    struct sim_slot sim[SIM_SLOTS];
};

struct creq {
    struct console *c;
    const char *method; /* "GET" or "POST" */
    const char *path;
    struct kv form[CONSOLE_MAX_FORM];
    size_t nform;
    char q[128];                        /* ?q= of a search, "" when none */
    int page;                           /* ?page=, 0 when none or bad */
    int64_t xa;                         /* ?xa= commune; 0 all, -1 bad */
    char cookie[DB_TOKEN_HEX_SIZE];     /* the session token, or "" */
    char pre_cookie[DB_TOKEN_HEX_SIZE]; /* the login form's token, or "" */
    int64_t now;
    /* Filled by console_auth() for a logged-in officer. */
    bool authed;
    struct db_officer me;
    char csrf[DB_TOKEN_HEX_SIZE];
    char token_hash[DB_TOKEN_HEX_SIZE];
    /* Filled by view_check(). */
    size_t ncommunes;           /* the communes the officer sees */
    char xa_q[24];              /* "?xa=ID" for links, "" for all */
    char xa_name[DT_NAME_SIZE]; /* the chosen commune's name */
};

struct cresp {
    unsigned status;
    const char *ctype;
    struct page page;     /* the body */
    char location[256];   /* a redirect (303) when not "" */
    char cookies[2][256]; /* Set-Cookie headers */
    size_t ncookies;
    const char *filename; /* a download (CSV) when not NULL */
};

/* A form field's value, or NULL. */
const char *creq_field(const struct creq *r, const char *key);

/* The page frame: <head>, the header with the officer and logout. */
void layout_begin(struct page *p, const struct creq *r, const char *title);
void layout_end(struct page *p);

/* 303 to location. */
void resp_redirect(struct cresp *s, const char *location);
/* A page with only a message (404, 403, 400). */
void resp_message(struct cresp *s, const struct creq *r, unsigned status,
                  const char *title, const char *text);

/* auth.c: the login, logout and session of a request. */
void console_login_get(struct creq *r, struct cresp *s, const char *error);
void console_login_post(struct creq *r, struct cresp *s);
void console_logout(struct creq *r, struct cresp *s);
/* Reads the session cookie; true when an officer is logged in. */
bool console_auth(struct creq *r);
/* true when the POST carries the session's CSRF token. */
bool console_csrf_ok(const struct creq *r);

/* view.c: which of the officer's communes a page shows. view_check
 * counts them and checks ?xa= (*ok false: not one of hers, or bad);
 * view_too_wide: too many to add up with none chosen; view_picker: a
 * select of them for the page at action (none for one commune);
 * view_choose: a list of links to action for each, to view what. */
gw_err view_check(struct creq *r, bool *ok);
bool view_too_wide(const struct creq *r);
void view_picker(struct page *p, const struct creq *r, const char *action);
void view_choose(struct page *p, const struct creq *r, const char *action,
                 const char *what);

/* pages_queue.c */
void console_queue(struct creq *r, struct cresp *s);
void console_queue_csv(struct creq *r, struct cresp *s);
void console_item(struct creq *r, struct cresp *s, int64_t id,
                  const char *kind);
void console_resolve(struct creq *r, struct cresp *s, int64_t id,
                     const char *kind);

/* pages_people.c: a member's whole story, a leader's warning signs, the
 * search; csv true: the list named by what as CSV. */
void console_member(struct creq *r, struct cresp *s, int64_t id,
                    const char *what);
void console_leader(struct creq *r, struct cresp *s, int64_t id,
                    const char *what);
void console_search(struct creq *r, struct cresp *s, bool csv);

/* pages_home.c, pages_delivery.c */
void console_home(struct creq *r, struct cresp *s);
void console_home_csv(struct creq *r, struct cresp *s);
void console_delivery(struct creq *r, struct cresp *s, bool csv);
/* pages_sim.c: the phone simulator of the training communes. */
void console_sim(struct creq *r, struct cresp *s);

/* A receipt's state in an officer's words ("DISPUTED": "Thành viên báo
 * sai"). */
const char *receipt_state_words(const char *state);

/* A list in CSV: its file name, and the body from csv_out.h. */
void resp_csv(struct cresp *s, const char *filename);

/* The stylesheet (/static/console.css). */
extern const char *const console_css[]; /* parts, NULL-ended */

#endif
