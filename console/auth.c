/* auth.c - officers' login, sessions, CSRF tokens and lockout
 *
 * A session is a random 256-bit token in an HttpOnly, SameSite=Strict
 * cookie; the database keeps only its BLAKE2b hash, so a copy of the
 * database opens no session. Each session has its own CSRF token, sent
 * with every form. The login form has one too (a cookie of its own that
 * the form must repeat), so no other site can log an officer in under
 * an account of its choosing. Passwords are peppered Argon2id strings
 * (handlers/pin.h); an unknown user costs the same hashing as a known
 * one, and max_fails wrong passwords lock the account for lock_minutes.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/strv.h"
#include "console/console_int.h"
#include "db/db_collection.h"
#include "handlers/pin.h"
#include "common/banned.h"

/* 32 random bytes as 64 hex digits into out[DB_TOKEN_HEX_SIZE]. */
static void random_hex(char *out)
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    (void)sodium_bin2hex(out, DB_TOKEN_HEX_SIZE, raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
}

static void token_hash(const char *token, char *out)
{
    unsigned char h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *)token,
                       strlen(token), NULL, 0);
    (void)sodium_bin2hex(out, DB_TOKEN_HEX_SIZE, h, sizeof(h));
}

static bool same_token(const char *a, const char *b)
{
    size_t n = strlen(a);

    return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

static void set_cookie(struct cresp *s, const struct creq *r, const char *name,
                       const char *value, const char *path, bool end)
{
    if (s->ncookies >= sizeof(s->cookies) / sizeof(s->cookies[0]))
        return;
    (void)snprintf(s->cookies[s->ncookies++], sizeof(s->cookies[0]),
                   "%s=%s; Path=%s; HttpOnly; SameSite=Strict%s%s", name, value,
                   path, end ? "; Max-Age=0" : "",
                   r->c->deps.cfg->console_secure_cookies ? "; Secure" : "");
}

static void audit(const struct creq *r, const char *user, const char *action,
                  const char *after)
{
    char actor[64];
    struct db_audit a;

    (void)snprintf(actor, sizeof(actor), "officer:%s", user);
    memset(&a, 0, sizeof(a));
    a.at = r->now;
    a.actor = actor;
    a.action = action;
    a.object = user;
    a.after = after;
    if (db_audit_append(r->c->db, &a) != GW_OK)
        log_error("console", "audit of %s failed", action);
}

void console_login_get(struct creq *r, struct cresp *s, const char *error)
{
    char pre[DB_TOKEN_HEX_SIZE];

    if (error == NULL && console_auth(r)) {
        resp_redirect(s, "/");
        return;
    }
    /* The token already given is kept: a second tab, or the browser's own
     * requests (a favicon redirected here), must not void the form shown. */
    if (strlen(r->pre_cookie) == DB_TOKEN_HEX_SIZE - 1)
        memcpy(pre, r->pre_cookie, DB_TOKEN_HEX_SIZE);
    else
        random_hex(pre);
    set_cookie(s, r, CONSOLE_PRE_COOKIE, pre, "/login", false);
    if (s->status == 0)
        s->status = 200;
    r->authed = false;
    layout_begin(&s->page, r, "Đăng nhập");
    page_f(&s->page, "<section class=\"login\"><h1>Đăng nhập</h1>");
    if (error)
        page_f(&s->page, "<p class=\"error\" role=\"alert\">%s</p>", error);
    page_f(&s->page,
           "<form method=\"post\" action=\"/login\">"
           "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
           "<label for=\"user\">Tên đăng nhập</label>"
           "<input id=\"user\" name=\"user\" autocomplete=\"username\" "
           "required maxlength=\"32\">"
           "<label for=\"password\">Mật khẩu</label>"
           "<input id=\"password\" name=\"password\" type=\"password\" "
           "autocomplete=\"current-password\" required maxlength=\"128\">"
           "<button type=\"submit\">Đăng nhập</button></form>"
           "<p class=\"hint\">Cán bộ xã, Hội Phụ nữ: tài khoản do quản trị "
           "tạo (diemtua officer add).</p></section>",
           pre);
    layout_end(&s->page);
    explicit_bzero(pre, sizeof(pre));
}

static void locked_text(int64_t until, char *out, size_t size)
{
    time_t vn = (time_t)(until + 7 * 3600);
    struct tm tm;

    if (gmtime_r(&vn, &tm) == NULL)
        memset(&tm, 0, sizeof(tm));
    (void)snprintf(out, size,
                   "Tài khoản tạm khoá vì nhập sai mật khẩu nhiều lần. Hãy "
                   "thử lại sau %02d:%02d.",
                   tm.tm_hour, tm.tm_min);
}

/* The hash an unknown user's password is checked against: the same work
 * as a real one, so the answer time does not tell who exists. */
static const char *dummy_hash(const char *pepper)
{
    static char hash[PIN_HASH_SIZE];
    struct pin_cost cost = pin_cost_default();

    if (hash[0] == '\0' &&
        secret_hash(strv_from_cstr("no such officer"), pepper, &cost, hash))
        hash[0] = '\0';
    return hash;
}

static gw_err start_session(struct creq *r, struct cresp *s)
{
    char token[DB_TOKEN_HEX_SIZE], th[DB_TOKEN_HEX_SIZE],
        csrf[DB_TOKEN_HEX_SIZE];
    gw_err err;

    random_hex(token);
    random_hex(csrf);
    token_hash(token, th);
    err = db_session_add(r->c->db, th, r->me.id, csrf, r->now);
    if (err == GW_OK) {
        set_cookie(s, r, CONSOLE_COOKIE, token, "/", false);
        set_cookie(s, r, CONSOLE_PRE_COOKIE, "", "/login", true);
    }
    explicit_bzero(token, sizeof(token));
    return err;
}

void console_login_post(struct creq *r, struct cresp *s)
{
    const struct dt_config *cfg = r->c->deps.cfg;
    const char *user = creq_field(r, "user"), *pw = creq_field(r, "password");
    const char *csrf = creq_field(r, "csrf");
    bool match = false, locked = false, known;
    char msg[160];
    gw_err err;

    if (csrf == NULL || !same_token(csrf, r->pre_cookie)) {
        s->status = 403;
        console_login_get(r, s, "Trang đăng nhập đã hết hạn. Hãy nhập lại.");
        return;
    }
    if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0') {
        s->status = 400;
        console_login_get(r, s, "Hãy nhập tên đăng nhập và mật khẩu.");
        return;
    }
    err = db_officer_get(r->c->db, user, &r->me);
    known = err == GW_OK && !r->me.disabled;
    if (known && r->me.locked_until > r->now) {
        locked_text(r->me.locked_until, msg, sizeof(msg));
        s->status = 403;
        console_login_get(r, s, msg);
        return;
    }
    (void)secret_verify(strv_from_cstr(pw), cfg->pin_pepper,
                        known ? r->me.hash : dummy_hash(cfg->pin_pepper),
                        &match);
    if (!known || !match) {
        if (known && db_officer_login_result(
                         r->c->db, r->me.id, false, (int)cfg->console_max_fails,
                         r->now + (int64_t)cfg->console_lock_minutes * 60,
                         r->now, &locked) == GW_OK)
            audit(r, r->me.user, "console.login", locked ? "locked" : "wrong");
        s->status = 401;
        if (locked)
            locked_text(r->now + (int64_t)cfg->console_lock_minutes * 60, msg,
                        sizeof(msg));
        console_login_get(r, s,
                          locked ? msg : "Sai tên đăng nhập hoặc mật khẩu.");
        return;
    }
    err = db_officer_login_result(r->c->db, r->me.id, true, 0, 0, r->now,
                                  &locked);
    if (err == GW_OK)
        err = start_session(r, s);
    if (err) {
        s->status = 503;
        console_login_get(r, s, "Hệ thống bận. Hãy thử lại sau ít phút.");
        return;
    }
    audit(r, r->me.user, "console.login", "ok");
    resp_redirect(s, "/");
}

bool console_auth(struct creq *r)
{
    int64_t id = 0;

    if (r->authed)
        return true;
    if (r->cookie[0] == '\0')
        return false;
    token_hash(r->cookie, r->token_hash);
    if (db_session_get(r->c->db, r->token_hash,
                       (int64_t)r->c->deps.cfg->console_idle_minutes * 60,
                       r->now, &id, r->csrf, sizeof(r->csrf)) != GW_OK ||
        db_officer_by_id(r->c->db, id, &r->me) != GW_OK || r->me.disabled)
        return false;
    r->authed = true;
    return true;
}

bool console_csrf_ok(const struct creq *r)
{
    const char *t = creq_field(r, "csrf");

    return r->authed && t != NULL && same_token(t, r->csrf);
}

void console_logout(struct creq *r, struct cresp *s)
{
    (void)db_session_del(r->c->db, r->token_hash);
    audit(r, r->me.user, "console.logout", "ok");
    set_cookie(s, r, CONSOLE_COOKIE, "", "/", true);
    resp_redirect(s, "/login");
}
