/* pages_home.c - the commune at a glance: each group's current and last
 * sessions, its receipts by state, the Form 13/TD check, and its KPIs
 * over the last 12 sessions as small charts */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/xalloc.h"
#include "console/console_int.h"
#include "console/csv_out.h"
#include "console/svg.h"
#include "db/db_home.h"
#include "text/date.h"
#include "common/banned.h"

#define HOME_GROUPS_MAX 100
#define SESSION_DAYS 45  /* the current and the last session */
#define HISTORY_DAYS 380 /* twelve sessions and a little */

struct points {
    struct db_kpi_point *v;
    size_t n, cap;
};

static gw_err keep_point(void *ctx, const struct db_kpi_point *p)
{
    struct points *ps = ctx;

    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 256;
        ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
    }
    ps->v[ps->n++] = *p;
    return GW_OK;
}

static int permille(int64_t part, int64_t whole)
{
    if (whole <= 0 || part < 0)
        return -1;
    return (int)(part * 1000 / whole);
}

/* The charts of one group from its points (sorted by group, session). */
static void group_charts(struct page *p, const struct points *ps,
                         int64_t group_id, int64_t due_now)
{
    int rate[SVG_POINTS_MAX], share[SVG_POINTS_MAX], overdue[SVG_POINTS_MAX];
    size_t i, first = ps->n, last = 0, n = 0;

    for (i = 0; i < ps->n; i++)
        if (ps->v[i].group_id == group_id) {
            if (first == ps->n)
                first = i;
            last = i + 1;
        }
    if (first == ps->n)
        return;
    if (last - first > SVG_POINTS_MAX)
        first = last - SVG_POINTS_MAX;
    for (i = first; i < last; i++, n++) {
        const struct db_kpi_point *k = &ps->v[i];
        int64_t total = k->interest + k->savings + k->principal;

        rate[n] = permille(k->interest, k->due >= 0 ? k->due : due_now);
        share[n] = total > 0 ? permille(k->savings, total) : -1;
        overdue[n] =
            k->outstanding >= 0 ? permille(k->overdue, k->outstanding) : -1;
    }
    page_f(p, "<div class=\"charts\">");
    svg_ratio_chart(p, "Tỷ lệ thu lãi", rate, n);
    svg_ratio_chart(p, "Phần tiết kiệm", share, n);
    svg_ratio_chart(p, "Tỷ lệ nợ quá hạn", overdue, n);
    page_f(p, "</div>");
}

struct home {
    struct creq *r;
    struct page *p;
    const struct points *ps;
    int64_t group; /* the group being written, 0 before the first */
    size_t groups;
    bool more;
};

static void session_rows(struct page *p, const struct creq *r,
                         const struct db_group_session *g)
{
    int64_t rec = g->rec_interest + g->rec_savings + g->rec_principal;
    int64_t book = g->book_interest + g->book_savings + g->book_principal;
    char rate[16];

    if (g->session_on[0] == '\0') {
        page_f(p,
               "<tr class=\"late\"><td colspan=\"6\"><span>Chưa có phiếu nào "
               "trong %d ngày qua (%d thành viên, lãi phải thu %m).</span>"
               "</td></tr>",
               SESSION_DAYS, g->members, g->due);
        return;
    }
    svg_percent(permille(g->rec_interest, g->due), rate, sizeof(rate));
    page_f(p,
           "<tr><td data-h=\"Phiên\"><span>%s</span></td>"
           "<td data-h=\"Lãi phải thu\" class=\"num\"><span>%m</span></td>"
           "<td data-h=\"Đã ghi (lãi, TK, gốc)\" class=\"num\"><span>%m, %m,"
           " %m<br><small>%s lãi phải thu</small></span></td>"
           "<td data-h=\"Ngân hàng ghi\" class=\"num\"><span>%m, %m, %m",
           g->session_on, g->due, g->rec_interest, g->rec_savings,
           g->rec_principal, rate, g->book_interest, g->book_savings,
           g->book_principal);
    if (book != rec && book > 0)
        page_f(p, "<br><b class=\"tag\">lệch %m</b>", rec - book);
    page_f(p,
           "</span></td><td data-h=\"Phiếu\"><span>%d ghi, %d xác nhận, "
           "%d báo sai, %d huỷ, %d hạch toán, %d chưa hạch toán",
           g->n_recorded, g->n_confirmed, g->n_disputed, g->n_voided,
           g->n_posted, g->n_unposted);
    if (g->oldest_open)
        page_f(p, "<br><small>phiếu chưa hạch toán cũ nhất: %D ngày</small>",
               (r->now - g->oldest_open) / 86400);
    page_f(p,
           "</span></td><td data-h=\"Mẫu 13/TD\"><span>%d/%d thành viên đã "
           "đóng</span></td></tr>",
           g->paid, g->members);
}

static gw_err group_session(void *ctx, const struct db_group_session *g)
{
    struct home *h = ctx;

    if (g->group_id != h->group) {
        if (h->groups == HOME_GROUPS_MAX) {
            h->more = true;
            return GW_OK;
        }
        if (h->group)
            page_f(h->p, "</tbody></table></section>");
        h->group = g->group_id;
        h->groups++;
        page_f(h->p, "<section class=\"group\"><h2>%s <small>%s</small></h2>",
               g->group, g->commune);
        group_charts(h->p, h->ps, g->group_id, g->due);
        page_f(h->p,
               "<table class=\"list\"><thead><tr><th>Phiên</th>"
               "<th>Lãi phải thu</th><th>Đã ghi (lãi, TK, gốc)</th>"
               "<th>Ngân hàng ghi</th><th>Phiếu</th><th>Mẫu 13/TD</th></tr>"
               "</thead><tbody>");
    } else if (h->more) {
        return GW_OK;
    }
    session_rows(h->p, h->r, g);
    return GW_OK;
}

static void day_before(const struct creq *r, int days, char *out, size_t size)
{
    struct dt_date d =
        date_local((time_t)(r->now - (int64_t)days * 86400), NULL);

    date_format_iso(&d, out, size);
}

void console_home(struct creq *r, struct cresp *s)
{
    struct points ps = {NULL, 0, 0};
    struct home h = {r, &s->page, &ps, 0, 0, false};
    char since[DT_DATE_SIZE], hist[DT_DATE_SIZE];
    gw_err err;

    if (view_too_wide(r)) {
        s->status = 200;
        layout_begin(&s->page, r, "Tổng quan");
        page_f(&s->page, "<h1>Tổng quan các tổ</h1>");
        view_choose(&s->page, r, "/", "các tổ của xã đó");
        layout_end(&s->page);
        return;
    }
    day_before(r, SESSION_DAYS, since, sizeof(since));
    day_before(r, HISTORY_DAYS, hist, sizeof(hist));
    err = db_home_kpis(r->c->db, r->me.id, r->xa, hist, keep_point, &ps);
    s->status = 200;
    layout_begin(&s->page, r, "Tổng quan");
    page_f(&s->page, "<h1>Tổng quan các tổ%s%s</h1>", r->xa_name[0] ? ": " : "",
           r->xa_name);
    view_picker(&s->page, r, "/");
    page_f(&s->page,
           "<p class=\"hint\">Phiên hiện tại và phiên trước của mỗi tổ; "
           "biểu đồ: 12 phiên gần nhất. Lãi phải thu là số hiện tại của "
           "ngân hàng; nợ quá hạn theo mỗi lần nhập số liệu vay. <a "
           "href=\"/home.csv%s\">Tải CSV</a></p>",
           r->xa_q);
    if (!err)
        err = db_home_sessions(r->c->db, r->me.id, r->xa, since, group_session,
                               &h);
    if (h.group)
        page_f(&s->page, "</tbody></table></section>");
    if (!err && h.groups == 0)
        page_f(&s->page, "<p class=\"empty\">Không có tổ nào trong các xã "
                         "của bạn.</p>");
    if (h.more)
        page_f(&s->page, "<p>Chỉ hiện %d tổ đầu: tải CSV để xem hết.</p>",
               HOME_GROUPS_MAX);
    layout_end(&s->page);
    free(ps.v);
    if (err) {
        page_release(&s->page);
        page_init(&s->page, 1024 * 1024);
        resp_message(s, r, 503, "Hệ thống bận",
                     "Không đọc được dữ liệu. Hãy thử lại sau ít phút.");
    }
}

static gw_err session_csv(void *ctx, const struct db_group_session *g)
{
    struct buf *b = ctx;

    csv_text(b, g->commune, 1);
    csv_text(b, g->group, 0);
    csv_text(b, g->session_on, 0);
    csv_int(b, g->members, 0);
    csv_int(b, g->paid, 0);
    csv_int(b, g->due, 0);
    csv_int(b, g->rec_interest, 0);
    csv_int(b, g->rec_savings, 0);
    csv_int(b, g->rec_principal, 0);
    csv_int(b, g->book_interest, 0);
    csv_int(b, g->book_savings, 0);
    csv_int(b, g->book_principal, 0);
    csv_int(b, g->n_recorded, 0);
    csv_int(b, g->n_confirmed, 0);
    csv_int(b, g->n_disputed, 0);
    csv_int(b, g->n_voided, 0);
    csv_int(b, g->n_posted, 0);
    csv_int(b, g->n_unposted, 0);
    csv_time(b, g->oldest_open, 0);
    csv_end_row(b);
    return b->err;
}

void console_home_csv(struct creq *r, struct cresp *s)
{
    static const char *const head[] = {
        "commune",         "group",          "session",
        "members",         "paid",           "interest_due",
        "rec_interest",    "rec_savings",    "rec_principal",
        "booked_interest", "booked_savings", "booked_principal",
        "recorded",        "confirmed",      "disputed",
        "voided",          "posted",         "unposted",
        "oldest_open"};
    char since[DT_DATE_SIZE];
    size_t i;

    day_before(r, HISTORY_DAYS, since, sizeof(since));
    for (i = 0; i < ARRAY_SIZE(head); i++)
        csv_text(&s->page.b, head[i], i == 0);
    csv_end_row(&s->page.b);
    if (db_home_sessions(r->c->db, r->me.id, r->xa, since, session_csv,
                         &s->page.b) != GW_OK) {
        page_release(&s->page);
        page_init(&s->page, 1024 * 1024);
        resp_message(s, r, 503, "Hệ thống bận",
                     "Không đọc được dữ liệu. Hãy thử lại sau ít phút.");
        return;
    }
    resp_csv(s, "tong-quan.csv");
}
