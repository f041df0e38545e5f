/* pages_delivery.c - whether the SMS reach the members: the outbox's
 * depth and age, sent / delivered / failed per provider and per telco
 * (by number prefix) over 24 hours and 7 days, and the day's spend
 * against the daily budget */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "console/console_int.h"
#include "console/csv_out.h"
#include "console/svg.h"
#include "db/db_home.h"
#include "text/date.h"
#include "text/phone.h"
#include "common/banned.h"

#define TELCOS_MAX 16

struct tally {
    char name[24];
    int64_t sent, delivered, undelivered, failed;
};

struct tallies {
    struct tally by_provider[TELCOS_MAX], by_telco[TELCOS_MAX];
    size_t np, nt;
    struct buf *csv;
    const char *period;
};

static void add(struct tally *t, size_t *n, const char *name,
                const struct db_delivery_row *r)
{
    size_t i;

    for (i = 0; i < *n && strcmp(t[i].name, name) != 0; i++)
        ;
    if (i == *n) {
        if (*n == TELCOS_MAX)
            i = *n - 1; /* the last bucket takes the rest */
        else
            (void)snprintf(t[(*n)++].name, sizeof(t[0].name), "%s", name);
    }
    t[i].sent += r->sent;
    t[i].delivered += r->delivered;
    t[i].undelivered += r->undelivered;
    t[i].failed += r->failed;
}

static gw_err tally_row(void *ctx, const struct db_delivery_row *r)
{
    struct tallies *t = ctx;

    add(t->by_provider, &t->np, r->provider, r);
    add(t->by_telco, &t->nt, phone_telco(r->prefix), r);
    if (t->csv) {
        csv_text(t->csv, t->period, 1);
        csv_text(t->csv, r->provider, 0);
        csv_text(t->csv, phone_telco(r->prefix), 0);
        csv_text(t->csv, r->prefix, 0);
        csv_int(t->csv, r->sent, 0);
        csv_int(t->csv, r->delivered, 0);
        csv_int(t->csv, r->undelivered, 0);
        csv_int(t->csv, r->failed, 0);
        csv_end_row(t->csv);
        return t->csv->err;
    }
    return GW_OK;
}

static void tally_table(struct page *p, const char *title,
                        const struct tally *t, size_t n)
{
    size_t i;

    page_f(p,
           "<h3>%s</h3><table class=\"list\"><thead><tr><th>%s</th>"
           "<th>Đã gửi</th><th>Tới máy</th><th>Không tới</th><th>Lỗi gửi"
           "</th></tr></thead><tbody>",
           title, title);
    for (i = 0; i < n; i++) {
        char rate[16];

        svg_percent(t[i].sent ? (int)(t[i].delivered * 1000 / t[i].sent) : -1,
                    rate, sizeof(rate));
        page_f(p,
               "<tr><td data-h=\"%s\"><span>%s</span></td>"
               "<td data-h=\"Đã gửi\" class=\"num\"><span>%D</span></td>"
               "<td data-h=\"Tới máy\" class=\"num\"><span>%D (%s)</span></td>"
               "<td data-h=\"Không tới\" class=\"num\"><span>%D</span></td>"
               "<td data-h=\"Lỗi gửi\" class=\"num\"><span>%D</span></td></tr>",
               title, t[i].name, t[i].sent, t[i].delivered, rate,
               t[i].undelivered, t[i].failed);
    }
    if (n == 0)
        page_f(p, "<tr><td colspan=\"5\"><span>Không có tin nào.</span></td>"
                  "</tr>");
    page_f(p, "</tbody></table>");
}

static gw_err depth_row(void *ctx, const struct db_outbox_depth *d)
{
    struct creq *r = ((void **)ctx)[0];
    struct page *p = ((void **)ctx)[1];

    page_f(p, "<li><b>%D</b> %s, cũ nhất %D phút</li>", d->count,
           strcmp(d->state, "QUEUED") == 0 ? "đang chờ gửi" : "đang gửi",
           d->oldest ? (r->now - d->oldest) / 60 : (int64_t)0);
    return GW_OK;
}

void console_delivery(struct creq *r, struct cresp *s, bool csv)
{
    static const struct {
        const char *title;
        int64_t seconds;
    } periods[] = {{"24 giờ qua", 86400}, {"7 ngày qua", 7 * 86400}};
    void *dctx[2] = {r, &s->page};
    /* An admin's "all": every message, the providers' whole health. */
    bool admin = strcmp(r->me.role, "admin") == 0 && r->xa == 0;
    size_t i, before;
    gw_err err = GW_OK;

    if (csv) {
        static const char *const head[] = {
            "period", "provider",  "telco",       "prefix",
            "sent",   "delivered", "undelivered", "failed"};

        for (i = 0; i < ARRAY_SIZE(head); i++)
            csv_text(&s->page.b, head[i], i == 0);
        csv_end_row(&s->page.b);
        for (i = 0; !err && i < ARRAY_SIZE(periods); i++) {
            struct tallies t;

            memset(&t, 0, sizeof(t));
            t.csv = &s->page.b;
            t.period = i == 0 ? "24h" : "7d";
            err =
                db_delivery_counts(r->c->db, r->me.id, r->xa, admin,
                                   r->now - periods[i].seconds, tally_row, &t);
        }
        if (err)
            resp_message(s, r, 503, "Hệ thống bận", "Hãy thử lại sau.");
        else
            resp_csv(s, "gui-tin.csv");
        return;
    }
    s->status = 200;
    layout_begin(&s->page, r, "Gửi tin");
    page_f(&s->page, "<h1>Tin nhắn có tới thành viên không?%s%s</h1>",
           r->xa_name[0] ? " " : "", r->xa_name);
    view_picker(&s->page, r, "/delivery");
    page_f(&s->page, "<h2>Hàng chờ</h2><ul class=\"depth\">");
    before = s->page.b.len;
    err = db_delivery_depth(r->c->db, r->me.id, r->xa, admin, depth_row, dctx);
    if (!err && s->page.b.len == before)
        page_f(&s->page, "<li>Không có tin nào đang chờ gửi.</li>");
    page_f(&s->page, "</ul>");
    if (!err && r->c->deps.sent_today) {
        int64_t budget = (int64_t)r->c->deps.cfg->daily_sms_budget;
        int64_t today = (int64_t)r->c->deps.sent_today(r->c->deps.notify_cls);
        char share[16];

        svg_percent(budget ? (int)(today * 1000 / budget) : -1, share,
                    sizeof(share));
        page_f(&s->page,
               "<p>Hôm nay đã gửi <b>%D</b> tin / ngân sách %D tin một ngày "
               "(%s, toàn hệ thống).</p>",
               today, budget, share);
    }
    for (i = 0; !err && i < ARRAY_SIZE(periods); i++) {
        struct tallies t;

        memset(&t, 0, sizeof(t));
        err = db_delivery_counts(r->c->db, r->me.id, r->xa, admin,
                                 r->now - periods[i].seconds, tally_row, &t);
        page_f(&s->page, "<h2>%s</h2>", periods[i].title);
        tally_table(&s->page, "Nhà cung cấp", t.by_provider, t.np);
        tally_table(&s->page, "Nhà mạng (theo đầu số)", t.by_telco, t.nt);
    }
    page_f(&s->page,
           "<p class=\"hint\">Nhà mạng đoán theo đầu số: số đã chuyển mạng "
           "giữ đầu số cũ. <a href=\"/delivery.csv%s\">Tải CSV</a></p>",
           r->xa_q);
    layout_end(&s->page);
    if (err) {
        page_release(&s->page);
        page_init(&s->page, 1024 * 1024);
        resp_message(s, r, 503, "Hệ thống bận", "Hãy thử lại sau.");
    }
}
