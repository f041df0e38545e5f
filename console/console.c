/* console.c - the console's listener: requests in, pages out
 *
 * One libmicrohttpd thread serves every request in turn with its own
 * database connection: a console has a handful of users, and one thread
 * keeps the connection and the pages free of locking. Every response
 * carries a strict Content-Security-Policy (no script at all, styles
 * only from this server), X-Frame-Options DENY and no caching.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "console/console_int.h"
#include "gateway/form.h"
#include "text/utf8.h"
#include "common/banned.h"

#define BODY_MAX 16384
#define PAGE_MAX (4 * 1024 * 1024)

static const char csp[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct conn {
    char body[BODY_MAX + 1];
    size_t len;
    bool too_big;
};

const char *creq_field(const struct creq *r, const char *key)
{
    size_t i;

    for (i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, key) == 0)
            return r->form[i].val;
    return NULL;
}

void resp_redirect(struct cresp *s, const char *location)
{
    s->status = 303;
    (void)snprintf(s->location, sizeof(s->location), "%s", location);
}

void resp_message(struct cresp *s, const struct creq *r, unsigned status,
                  const char *title, const char *text)
{
    s->status = status;
    layout_begin(&s->page, r, title);
    page_f(&s->page,
           "<h1>%s</h1><p>%s</p><p><a href=\"/queue\">Về hàng "
           "đợi</a></p>",
           title, text);
    layout_end(&s->page);
}

void layout_begin(struct page *p, const struct creq *r, const char *title)
{
    page_f(p,
           "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, "
           "initial-scale=1\"><title>%s - diemtua</title>"
           "<link rel=\"stylesheet\" href=\"/static/console.css\"></head>"
           "<body><header><a class=\"brand\" href=\"/\">diemtua</a>",
           title);
    if (!r->authed) {
        page_f(p, "</header><main>");
        return;
    }
    /* The links and the search keep the commune chosen (?xa=). */
    page_f(p,
           "<nav><a href=\"/%s\">Tổng quan</a> <a href=\"/queue%s\">Hàng "
           "đợi</a> <a href=\"/delivery%s\">Gửi tin</a>"
           " <a href=\"/simulator\">Tập huấn</a>"
           "<form class=\"find\" method=\"get\" action=\"/search\">"
           "<input name=\"q\" aria-label=\"Tìm thành viên\" "
           "placeholder=\"Tên, mã, số cuối ĐT\" maxlength=\"60\">",
           r->xa_q, r->xa_q, r->xa_q);
    if (r->xa_q[0])
        page_f(p, "<input type=\"hidden\" name=\"xa\" value=\"%D\">", r->xa);
    page_f(p,
           "<button type=\"submit\">Tìm</button></form></nav>"
           "<form class=\"who\" method=\"post\" action=\"/logout\">"
           "<span>%s (%s)</span><input type=\"hidden\" name=\"csrf\" "
           "value=\"%s\"><button type=\"submit\">Đăng xuất</button>"
           "</form>",
           r->me.user, r->me.role, r->csrf);
    page_f(p, "</header><main>");
}

void layout_end(struct page *p)
{
    page_f(p, "</main></body></html>");
}

/* The value of cookie name in a Cookie header into out (hex only). */
static void cookie_value(struct MHD_Connection *conn, const char *name,
                         char *out, size_t size)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, name);
    size_t i, n = v ? strlen(v) : 0;

    out[0] = '\0';
    if (n == 0 || n >= size)
        return;
    for (i = 0; i < n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
            return;
    memcpy(out, v, n + 1);
}

void resp_csv(struct cresp *s, const char *filename)
{
    s->status = 200;
    s->ctype = "text/csv; charset=utf-8";
    s->filename = filename;
}

/* "/PREFIX/12" or "/PREFIX/12/REST": the id and REST ("" when none). */
static bool id_path(const char *path, const char *prefix, int64_t *id,
                    char *rest, size_t rsize)
{
    size_t n = strlen(prefix);
    const char *p = path + n;
    char *end;
    long long v;

    if (strncmp(path, prefix, n) != 0 || *p < '1' || *p > '9')
        return false;
    v = strtoll(p, &end, 10);
    if (v <= 0 || (*end != '\0' && *end != '/') || strlen(end) >= rsize)
        return false;
    *id = v;
    (void)snprintf(rest, rsize, "%s", *end ? end + 1 : "");
    return true;
}

/* "/item/12/DISPUTE[/resolve]": the id and kind; false otherwise. */
static bool item_path(const char *path, int64_t *id, char *kind, size_t ksize,
                      bool *resolve)
{
    const char *p = path + strlen("/item/");
    char *end;
    long long v;
    size_t k;

    if (strncmp(path, "/item/", 6) != 0 || *p < '1' || *p > '9')
        return false;
    v = strtoll(p, &end, 10);
    if (*end != '/' || v <= 0)
        return false;
    p = end + 1;
    k = strcspn(p, "/");
    if (k == 0 || k >= ksize)
        return false;
    memcpy(kind, p, k);
    kind[k] = '\0';
    *resolve = strcmp(p + k, "/resolve") == 0;
    if (!*resolve && p[k] != '\0')
        return false;
    *id = v;
    return true;
}

static void route(struct creq *r, struct cresp *s)
{
    bool get = strcmp(r->method, "GET") == 0, resolve, ok;
    char kind[16], rest[32];
    int64_t id;

    if (get && strcmp(r->path, "/static/console.css") == 0) {
        s->status = 200;
        s->ctype = "text/css; charset=utf-8";
        for (size_t i = 0; console_css[i]; i++)
            page_f(&s->page, console_css[i]);
        return;
    }
    if (get && strcmp(r->path, "/favicon.ico") == 0) {
        s->status = 404;
        s->ctype = "text/plain; charset=utf-8";
        return;
    }
    if (strcmp(r->path, "/login") == 0) {
        if (get)
            console_login_get(r, s, NULL);
        else
            console_login_post(r, s);
        return;
    }
    if (!console_auth(r)) {
        resp_redirect(s, "/login");
        return;
    }
    if (view_check(r, &ok) != GW_OK) {
        resp_message(s, r, 503, "Hệ thống bận",
                     "Không đọc được dữ liệu. Hãy thử lại sau ít phút.");
        return;
    }
    if (!ok) {
        resp_message(s, r, 404, "Không tìm thấy",
                     "Xã này không có, hoặc không thuộc các xã của bạn.");
        return;
    }
    if (!get && !console_csrf_ok(r)) {
        resp_message(s, r, 403, "Yêu cầu bị từ chối",
                     "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại "
                     "trang và thử lại.");
        return;
    }
    if (!get && strcmp(r->path, "/logout") == 0)
        console_logout(r, s);
    else if (get && strcmp(r->path, "/") == 0)
        console_home(r, s);
    else if (get && strcmp(r->path, "/home.csv") == 0)
        console_home_csv(r, s);
    else if (get && strcmp(r->path, "/delivery") == 0)
        console_delivery(r, s, false);
    else if (get && strcmp(r->path, "/delivery.csv") == 0)
        console_delivery(r, s, true);
    else if (strcmp(r->path, "/simulator") == 0)
        console_sim(r, s);
    else if (get && strcmp(r->path, "/queue") == 0)
        console_queue(r, s);
    else if (get && strcmp(r->path, "/queue.csv") == 0)
        console_queue_csv(r, s);
    else if (get && strcmp(r->path, "/search") == 0)
        console_search(r, s, false);
    else if (get && strcmp(r->path, "/search.csv") == 0)
        console_search(r, s, true);
    else if (get && id_path(r->path, "/member/", &id, rest, sizeof(rest)))
        console_member(r, s, id, rest);
    else if (get && id_path(r->path, "/leader/", &id, rest, sizeof(rest)))
        console_leader(r, s, id, rest);
    else if (item_path(r->path, &id, kind, sizeof(kind), &resolve) &&
             resolve == !get)
        (resolve ? console_resolve : console_item)(r, s, id, kind);
    else
        resp_message(s, r, 404, "Không tìm thấy",
                     "Trang này không có, hoặc không thuộc các xã của bạn.");
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct cresp *s)
{
    struct MHD_Response *resp;
    const char *data;
    size_t len, i;
    enum MHD_Result ret;
    gw_err err = page_done(&s->page, &data, &len);

    if (err) {
        static const char oops[] = "internal error";

        log_error("console", "page failed: %s", gw_strerror(err));
        s->status = 500;
        s->ctype = "text/plain; charset=utf-8";
        data = oops;
        len = sizeof(oops) - 1;
    }
    resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                  s->ctype ? s->ctype
                                           : "text/html; charset=utf-8");
    (void)MHD_add_response_header(resp, "Content-Security-Policy", csp);
    (void)MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    (void)MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    (void)MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                  "no-store");
    if (s->location[0])
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
                                      s->location);
    for (i = 0; i < s->ncookies; i++)
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
                                      s->cookies[i]);
    if (s->filename) {
        char cd[128];

        (void)snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"",
                       s->filename);
        (void)MHD_add_response_header(resp, "Content-Disposition", cd);
    }
    ret = MHD_queue_response(conn, s->status ? s->status : 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ?q= (cut to its room, and only valid UTF-8), ?page= (0..10000) and
 * ?xa= (a commune id; anything else is -1, refused after login). */
static void query_values(struct MHD_Connection *conn, struct creq *r)
{
    const char *q =
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "q");
    const char *pg =
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "page");
    const char *xa =
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "xa");
    char *end;
    long v;

    if (xa && *xa) {
        /* digits only: no sign, space or anything strtoll would skip */
        r->xa = strspn(xa, "0123456789") == strlen(xa) && strlen(xa) <= 18
                    ? (int64_t)strtoll(xa, &end, 10)
                    : -1;
    }

    if (q && strlen(q) < sizeof(r->q) && utf8_valid(q, strlen(q)))
        (void)snprintf(r->q, sizeof(r->q), "%s", q);
    if (pg) {
        v = strtol(pg, &end, 10);
        if (*pg && *end == '\0' && v >= 0 && v <= 10000)
            r->page = (int)v;
    }
}

static int64_t now_of(const struct console *c)
{
    return c->deps.clock ? c->deps.clock() : (int64_t)time(NULL);
}

static enum MHD_Result serve(struct console *c, struct MHD_Connection *conn,
                             const char *method, const char *url,
                             struct conn *k)
{
    struct creq r;
    struct cresp s;
    enum MHD_Result ret;

    memset(&r, 0, sizeof(r));
    memset(&s, 0, sizeof(s));
    page_init(&s.page, PAGE_MAX);
    r.c = c;
    r.method = method;
    r.path = url;
    r.now = now_of(c);
    query_values(conn, &r);
    cookie_value(conn, CONSOLE_COOKIE, r.cookie, sizeof(r.cookie));
    cookie_value(conn, CONSOLE_PRE_COOKIE, r.pre_cookie, sizeof(r.pre_cookie));
    if (k->too_big) {
        resp_message(&s, &r, 413, "Quá lớn", "Biểu mẫu quá dài.");
    } else if (strcmp(method, "POST") == 0 &&
               form_decode(k->body, k->len, r.form, CONSOLE_MAX_FORM,
                           &r.nform) != GW_OK) {
        resp_message(&s, &r, 400, "Yêu cầu sai", "Biểu mẫu không đọc được.");
    } else {
        route(&r, &s);
    }
    ret = send_resp(conn, &s);
    page_release(&s.page);
    explicit_bzero(k->body, sizeof(k->body));
    return ret;
}

/* The console's thread yields to the gateway's: an officer's page can
 * wait a little, a member's SMS should not. Linux: a thread's own nice. */
static void yield_to_gateway(void)
{
    static _Thread_local bool done;

    if (!done) {
        done = true;
        if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10) != 0)
            log_warn("console", "could not lower the console's priority");
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **state)
{
    struct console *c = cls;
    struct conn *k = *state;

    (void)version;
    yield_to_gateway();
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0) {
        static const char no[] = "method not allowed";
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            sizeof(no) - 1, (void *)(uintptr_t)no, MHD_RESPMEM_PERSISTENT);
        enum MHD_Result ret;

        if (resp == NULL)
            return MHD_NO;
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, POST");
        ret = MHD_queue_response(conn, 405, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (k == NULL) {
        *state = xcalloc(1, sizeof(*k));
        return MHD_YES;
    }
    if (*size > 0) {
        if (k->len + *size > BODY_MAX)
            k->too_big = true;
        else
            memcpy(k->body + k->len, data, *size);
        if (!k->too_big)
            k->len += *size;
        *size = 0;
        return MHD_YES;
    }
    k->body[k->len] = '\0';
    return serve(c, conn, method, url, k);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    free(*state);
    *state = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];

    (void)cls;
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_warn("console", "%s", msg);
}

gw_err console_start(const struct console_deps *deps, struct console **out)
{
    const struct dt_config *cfg = deps->cfg;
    struct sockaddr_storage ss;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    struct console *c;
    gw_err err;

    *out = NULL;
    if (cfg->console_port == 0)
        return GW_OK;
    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, cfg->console_bind, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)cfg->console_port);
    } else if (inet_pton(AF_INET6, cfg->console_bind, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)cfg->console_port);
        flags |= MHD_USE_IPv6;
    } else {
        log_error("console", "bind: '%s' is not an IP address",
                  cfg->console_bind);
        return GW_EINVAL;
    }
    c = xcalloc(1, sizeof(*c));
    c->deps = *deps;
    err = db_open(cfg->db_path, &c->db);
    if (err == GW_OK)
        err = db_set_busy_timeout(c->db, 5000);
    if (err == GW_OK) {
        c->daemon = MHD_start_daemon(
            flags, (uint16_t)cfg->console_port, NULL, NULL, on_request, c,
            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
            (const struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
            on_completed, c, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_END);
        if (c->daemon == NULL) {
            log_error("console", "cannot listen on %s:%u", cfg->console_bind,
                      cfg->console_port);
            err = GW_EIO;
        }
    }
    if (err) {
        console_stop(c);
        return err;
    }
    log_info("console", "officers' console on http://%s:%u/", cfg->console_bind,
             cfg->console_port);
    *out = c;
    return GW_OK;
}

void console_stop(struct console *c)
{
    if (c == NULL)
        return;
    if (c->daemon)
        MHD_stop_daemon(c->daemon);
    db_close(c->db);
    free(c);
}
