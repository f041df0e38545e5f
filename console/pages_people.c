/* pages_people.c - a member's whole story, a leader's warning signs, and
 * the search that leads to them */
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/util.h"
#include "console/console_int.h"
#include "console/csv_out.h"
#include "db/db_story.h"
#include "text/date.h"
#include "common/banned.h"

#define TIMELINE_PAGE 50
#define RECEIPTS_SHOWN 100
#define SEARCH_MAX 100
#define SIGN_SHOWN 20
#define UNREACHED_DAYS 60
#define SIGN_MONTHS 12

/* ---- words for an officer ---- */

static const char *kind_words(const char *kind)
{
    static const struct {
        const char *kind, *words;
    } k[] = {
        {"REPLY", "Trả lời"},
        {"RECEIPT", "Biên lai"},
        {"POSTED", "Báo hạch toán"},
        {"UNPOSTED", "Báo chưa hạch toán"},
        {"VOIDED", "Báo huỷ phiếu"},
        {"DISPUTE", "Trả lời khiếu nại"},
        {"RESOLVED", "Kết quả xử lý"},
        {"REMINDER", "Nhắc nợ"},
        {"OVERDUE", "Báo quá hạn"},
        {"STATEMENT", "Sao kê"},
        {"CAMPAIGN", "Tin quảng bá"},
        {"ALERT", "Cảnh báo"},
        {"LEADER_NOTE", "Tin cho tổ trưởng"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(k); i++)
        if (strcmp(k[i].kind, kind) == 0)
            return k[i].words;
    return kind;
}

static const char *state_words(const char *state)
{
    static const struct {
        const char *state, *words;
    } s[] = {
        {"QUEUED", "Đang chờ gửi"},
        {"SENDING", "Đang gửi"},
        {"SENT", "Đã gửi đi, nhà mạng chưa báo đã tới máy"},
        {"DELIVERED", "Đã tới máy"},
        {"UNDELIVERED", "Nhà mạng báo không tới được máy (máy tắt, ngoài "
                        "vùng phủ sóng, hoặc số không còn dùng)"},
        {"FAILED", "Không gửi được"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(s); i++)
        if (strcmp(s[i].state, state) == 0)
            return s[i].words;
    return state;
}

/* Why a message failed, from what the provider answered. */
static const char *failure_words(const char *err)
{
    static const struct {
        const char *needle, *words;
    } w[] = {
        {"budget", "đã hết ngân sách tin nhắn trong ngày"},
        {"400", "nhà cung cấp từ chối: số điện thoại hoặc nội dung không "
                "hợp lệ"},
        {"Bad phone", "nhà cung cấp từ chối số điện thoại"},
        {"401", "nhà cung cấp từ chối tài khoản gửi (cấu hình sai)"},
        {"403", "nhà cung cấp từ chối tài khoản gửi (cấu hình sai)"},
        {"timeout", "không liên lạc được nhà cung cấp (quá thời gian)"},
        {"connect", "không kết nối được nhà cung cấp"},
        {"50", "nhà cung cấp đang lỗi"},
    };
    size_t i;

    for (i = 0; err[0] && i < ARRAY_SIZE(w); i++)
        if (strstr(err, w[i].needle))
            return w[i].words;
    return err[0] ? "lỗi khác của nhà cung cấp" : "";
}

const char *receipt_state_words(const char *st)
{
    static const struct {
        const char *state, *words;
    } s[] = {
        {"RECORDED", "Tổ trưởng đã ghi"},
        {"CONFIRMED", "Thành viên xác nhận"},
        {"DISPUTED", "Thành viên báo sai"},
        {"VOIDED", "Đã huỷ"},
        {"POSTED", "Ngân hàng đã hạch toán"},
        {"UNPOSTED", "Chưa hạch toán sau phiên"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(s); i++)
        if (strcmp(s[i].state, st) == 0)
            return s[i].words;
    return st;
}

static void today_of(const struct creq *r, char *out, size_t size)
{
    struct dt_date d = date_local((time_t)r->now, NULL);

    date_format_iso(&d, out, size);
}

static void not_found(struct creq *r, struct cresp *s)
{
    resp_message(s, r, 404, "Không tìm thấy",
                 "Người này không có, hoặc không thuộc các xã của bạn.");
}

static void busy(struct creq *r, struct cresp *s)
{
    resp_message(s, r, 503, "Hệ thống bận",
                 "Không đọc được dữ liệu. Hãy thử lại sau ít phút.");
}

/* ---- the member page ---- */

struct mctx {
    struct creq *r;
    struct page *p;
    struct buf *csv;
    size_t n;
};

static gw_err loan_html(void *ctx, const struct db_story_loan *l)
{
    struct mctx *m = ctx;

    m->n++;
    page_f(m->p,
           "<tr><td data-h=\"Chương trình\"><span>%s<br><small>%s</small>"
           "</span></td><td data-h=\"Dư nợ\" class=\"num\"><span>%m</span>"
           "</td><td data-h=\"Lãi kỳ này\" class=\"num\"><span>%m</span></td>"
           "<td data-h=\"Quá hạn\" class=\"num\"><span>%m</span></td>"
           "<td data-h=\"Gốc kỳ tới\"><span>%m %s</span></td>"
           "<td data-h=\"Tình trạng\"><span>%s</span></td></tr>",
           l->program, l->code, l->outstanding, l->interest_due, l->overdue,
           l->next_principal, l->next_principal_on, l->status);
    return GW_OK;
}

static gw_err receipt_html(void *ctx, const struct db_story_receipt *c)
{
    struct mctx *m = ctx;

    m->n++;
    page_f(m->p,
           "<tr><td data-h=\"Mã phiếu\"><span>%s</span></td>"
           "<td data-h=\"Ghi lúc\"><span>%t<br><small>phiên %s</small>"
           "</span></td><td data-h=\"Lãi, TK, gốc\" class=\"num\"><span>%m, "
           "%m, %m</span></td><td data-h=\"Trạng thái\"><span>%s",
           c->code, c->created_at, c->session_on, c->interest, c->savings,
           c->principal, receipt_state_words(c->state));
    if (c->disputed)
        page_f(m->p, " <a href=\"/item/%D/DISPUTE\">(đã báo sai)</a>", c->id);
    page_f(m->p, "</span></td></tr>");
    return GW_OK;
}

static gw_err receipt_csv(void *ctx, const struct db_story_receipt *c)
{
    struct mctx *m = ctx;

    csv_text(m->csv, c->code, 1);
    csv_text(m->csv, c->member_name, 0);
    csv_time(m->csv, c->created_at, 0);
    csv_text(m->csv, c->session_on, 0);
    csv_int(m->csv, c->interest, 0);
    csv_int(m->csv, c->savings, 0);
    csv_int(m->csv, c->principal, 0);
    csv_text(m->csv, c->state, 0);
    csv_text(m->csv, c->disputed ? "yes" : "no", 0);
    csv_end_row(m->csv);
    return m->csv->err;
}

static gw_err msg_html(void *ctx, const struct db_story_msg *g)
{
    struct mctx *m = ctx;

    m->n++;
    if (g->in) {
        page_f(m->p,
               "<li class=\"in\"><time>%t</time> <b>Chị gửi</b> (%s): "
               "<q>%s</q></li>",
               g->at, g->channel, g->text);
        return GW_OK;
    }
    page_f(m->p,
           "<li class=\"out %s\"><time>%t</time> <b>%s</b>: <q>%s</q><br>"
           "<small>%s",
           g->state, g->at, kind_words(g->kind), g->text,
           state_words(g->state));
    if (g->attempts > 1)
        page_f(m->p, ", %d lần gửi", g->attempts);
    if (g->provider[0])
        page_f(m->p, ", qua %s", g->provider);
    if (strcmp(g->state, "FAILED") == 0 || g->last_error[0])
        page_f(m->p, ". Lý do: %s (%s)", failure_words(g->last_error),
               g->last_error);
    page_f(m->p, "</small></li>");
    return GW_OK;
}

static gw_err msg_csv(void *ctx, const struct db_story_msg *g)
{
    struct mctx *m = ctx;

    csv_time(m->csv, g->at, 1);
    csv_text(m->csv, g->in ? "in" : "out", 0);
    csv_text(m->csv, g->in ? g->channel : g->kind, 0);
    csv_text(m->csv, g->text, 0);
    csv_text(m->csv, g->state, 0);
    csv_int(m->csv, g->attempts, 0);
    csv_text(m->csv, g->provider, 0);
    csv_text(m->csv, g->last_error, 0);
    csv_end_row(m->csv);
    return m->csv->err;
}

static void member_csv(struct creq *r, struct cresp *s,
                       const struct db_person *p, const char *what)
{
    struct mctx m = {r, NULL, &s->page.b, 0};
    bool more = false;
    gw_err err;

    if (strcmp(what, "receipts.csv") == 0) {
        static const char *const h[] = {"receipt",   "member",   "created_at",
                                        "session",   "interest", "savings",
                                        "principal", "state",    "disputed"};
        size_t i;

        for (i = 0; i < ARRAY_SIZE(h); i++)
            csv_text(m.csv, h[i], i == 0);
        csv_end_row(m.csv);
        err = db_story_receipts(r->c->db, p->id, 100000, receipt_csv, &m);
    } else {
        static const char *const h[] = {
            "at",    "direction", "kind",     "text",
            "state", "attempts",  "provider", "provider_answer"};
        size_t i;

        for (i = 0; i < ARRAY_SIZE(h); i++)
            csv_text(m.csv, h[i], i == 0);
        csv_end_row(m.csv);
        err = db_story_timeline(r->c->db, p->id, 0, 100000, msg_csv, &m, &more);
    }
    if (err) {
        busy(r, s);
        return;
    }
    resp_csv(s,
             strcmp(what, "receipts.csv") == 0 ? "phieu.csv" : "tin-nhan.csv");
}

void console_member(struct creq *r, struct cresp *s, int64_t id,
                    const char *what)
{
    struct db_person p;
    struct mctx m = {r, &s->page, NULL, 0};
    bool more = false;
    gw_err err;

    if (what[0] && strcmp(what, "receipts.csv") != 0 &&
        strcmp(what, "timeline.csv") != 0) {
        not_found(r, s);
        return;
    }
    err = db_story_person(r->c->db, r->me.id, id, &p);
    if (err) {
        (err == GW_ENOTFOUND ? not_found : busy)(r, s);
        return;
    }
    if (what[0]) {
        member_csv(r, s, &p, what);
        return;
    }
    s->status = 200;
    layout_begin(&s->page, r, p.name);
    page_f(&s->page,
           "<h1>%s</h1><dl class=\"facts\"><dt>Mã</dt><dd>%s</dd>"
           "<dt>Điện thoại</dt><dd>%P</dd><dt>Tổ</dt><dd>%s (số %d)</dd>"
           "<dt>Xã</dt><dd>%s</dd><dt>Tổ trưởng</dt><dd>",
           p.name, p.code, p.phone, p.group, p.seq, p.commune);
    if (p.leader_id)
        page_f(&s->page, "<a href=\"/leader/%D\">%s</a>", p.leader_id,
               p.leader_name);
    page_f(&s->page,
           "</dd><dt>Tiết kiệm</dt><dd>%m</dd><dt>Nhắc nợ</dt><dd>%s</dd>"
           "<dt>Tin tới máy gần nhất</dt><dd>",
           p.savings, p.reminders ? "có" : "đã tắt (HUY NHAC)");
    if (p.last_delivered)
        page_f(&s->page, "%t", p.last_delivered);
    else
        page_f(&s->page, "chưa có");
    page_f(&s->page, "</dd></dl>");
    if (p.leader)
        page_f(&s->page,
               "<p><a class=\"button\" href=\"/leader/%D\">Trang tổ trưởng: "
               "dấu hiệu cảnh báo</a></p>",
               p.id);

    page_f(&s->page, "<h2>Khoản vay</h2><table class=\"list\"><thead><tr>"
                     "<th>Chương trình</th><th>Dư nợ</th><th>Lãi kỳ này</th>"
                     "<th>Quá hạn</th><th>Gốc kỳ tới</th><th>Tình trạng</th>"
                     "</tr></thead><tbody>");
    err = db_story_loans(r->c->db, p.id, loan_html, &m);
    page_f(&s->page, "</tbody></table>");
    if (!err && m.n == 0)
        page_f(&s->page, "<p class=\"empty\">Không có khoản vay.</p>");

    m.n = 0;
    page_f(&s->page,
           "<h2>Phiếu thu</h2><p><a href=\"/member/%D/receipts.csv\">Tải "
           "CSV</a></p><table class=\"list\"><thead><tr><th>Mã phiếu</th>"
           "<th>Ghi lúc</th><th>Lãi, TK, gốc</th><th>Trạng thái</th></tr>"
           "</thead><tbody>",
           p.id);
    if (!err)
        err =
            db_story_receipts(r->c->db, p.id, RECEIPTS_SHOWN, receipt_html, &m);
    page_f(&s->page, "</tbody></table>");
    if (!err && m.n == 0)
        page_f(&s->page, "<p class=\"empty\">Chưa có phiếu nào.</p>");

    m.n = 0;
    page_f(&s->page,
           "<h2>Tin nhắn</h2><p class=\"hint\">Mới nhất ở trên. Mã PIN đã "
           "được che khi lưu. <a href=\"/member/%D/timeline.csv\">Tải "
           "CSV</a></p><ol class=\"timeline\">",
           p.id);
    if (!err)
        err = db_story_timeline(r->c->db, p.id, r->page, TIMELINE_PAGE,
                                msg_html, &m, &more);
    page_f(&s->page, "</ol>");
    if (!err && m.n == 0)
        page_f(&s->page, "<p class=\"empty\">Không có tin nhắn ở trang "
                         "này.</p>");
    page_f(&s->page, "<p class=\"pager\">");
    if (r->page > 0)
        page_f(&s->page, "<a href=\"/member/%D?page=%d\">&larr; Mới hơn</a> ",
               p.id, r->page - 1);
    if (more)
        page_f(&s->page, "<a href=\"/member/%D?page=%d\">Cũ hơn &rarr;</a>",
               p.id, r->page + 1);
    page_f(&s->page, "</p>");
    layout_end(&s->page);
    if (err) {
        page_release(&s->page);
        page_init(&s->page, 1024 * 1024);
        busy(r, s);
    }
}

/* ---- the leader page ---- */

static const struct {
    enum db_sign sign;
    const char *title;
    const char *why;
} signs[] = {
    {DB_SIGN_VOIDED, "Phiếu đã huỷ",
     "Tổ trưởng huỷ phiếu sau khi ghi: hỏi thành viên có thật đã trả "
     "tiền không."},
    {DB_SIGN_DISPUTED, "Thành viên báo sai", "Thành viên trả lời SAI."},
    {DB_SIGN_UNBOOKED, "Chưa hạch toán",
     "Phiên đã qua mà ngân hàng chưa ghi nhận phiếu."},
    {DB_SIGN_UNCONFIRMED, "Thành viên chưa xác nhận",
     "Ghi hơn 3 ngày mà thành viên chưa trả lời XN."},
    {DB_SIGN_LATE_NOP, "Nộp ngân hàng muộn",
     "Tiền được chốt nộp (NOP) sau ngày của phiên."},
};

struct lctx {
    struct creq *r;
    struct page *p;
    struct buf *csv;
    const char *sign;
    size_t n;
    int64_t now;
};

static gw_err sign_html(void *ctx, const struct db_story_receipt *c)
{
    struct lctx *l = ctx;

    if (l->n++ >= SIGN_SHOWN)
        return GW_OK;
    page_f(l->p, "<li><b>%s</b> %t, <a href=\"/member/%D\">%s</a>: %m (%s)",
           c->code, c->created_at, c->member_id, c->member_name,
           c->interest + c->savings + c->principal,
           receipt_state_words(c->state));
    if (c->disputed)
        page_f(l->p, " <a href=\"/item/%D/DISPUTE\">việc trong hàng đợi</a>",
               c->id);
    page_f(l->p, "</li>");
    return GW_OK;
}

static gw_err sign_csv(void *ctx, const struct db_story_receipt *c)
{
    struct lctx *l = ctx;

    csv_text(l->csv, l->sign, 1);
    csv_text(l->csv, c->code, 0);
    csv_text(l->csv, c->member_name, 0);
    csv_time(l->csv, c->created_at, 0);
    csv_text(l->csv, c->session_on, 0);
    csv_int(l->csv, c->interest, 0);
    csv_int(l->csv, c->savings, 0);
    csv_int(l->csv, c->principal, 0);
    csv_text(l->csv, c->state, 0);
    csv_end_row(l->csv);
    return l->csv->err;
}

static bool unreached(const struct lctx *l, const struct db_person *p)
{
    return p->last_delivered < l->now - (int64_t)UNREACHED_DAYS * 86400;
}

static gw_err member_row_html(void *ctx, const struct db_person *p)
{
    struct lctx *l = ctx;
    bool lost = unreached(l, p);

    l->n += lost;
    page_f(l->p,
           "<tr%s><td data-h=\"Số\"><span>%d</span></td><td data-h=\"Tên\">"
           "<span><a href=\"/member/%D\">%s</a>%s</span></td>"
           "<td data-h=\"Điện thoại\"><span>%p</span></td>"
           "<td data-h=\"Tin tới máy\"><span>",
           lost ? " class=\"late\"" : "", p->seq, p->id, p->name,
           p->leader ? " (tổ trưởng)" : "", p->phone);
    if (p->last_delivered)
        page_f(l->p, "%t", p->last_delivered);
    else
        page_f(l->p, "chưa bao giờ");
    if (lost)
        page_f(l->p, " <b class=\"tag\">chưa liên lạc được</b>");
    page_f(l->p, "</span></td></tr>");
    return GW_OK;
}

static gw_err member_row_csv(void *ctx, const struct db_person *p)
{
    struct lctx *l = ctx;
    char phone[32];

    html_phone(p->phone, 1, phone, sizeof(phone));
    csv_int(l->csv, p->seq, 1);
    csv_text(l->csv, p->code, 0);
    csv_text(l->csv, p->name, 0);
    csv_text(l->csv, phone, 0);
    csv_time(l->csv, p->last_delivered, 0);
    csv_text(l->csv, unreached(l, p) ? "yes" : "no", 0);
    csv_end_row(l->csv);
    return l->csv->err;
}

static void since_of(const struct creq *r, char *out, size_t size)
{
    struct dt_date d =
        date_local((time_t)(r->now - (int64_t)SIGN_MONTHS * 30 * 86400), NULL);

    date_format_iso(&d, out, size);
}

static void leader_csv(struct creq *r, struct cresp *s,
                       const struct db_person *p, const char *what)
{
    struct lctx l = {r, NULL, &s->page.b, "", 0, r->now};
    char today[DT_DATE_SIZE], since[DT_DATE_SIZE];
    gw_err err = GW_OK;
    size_t i;

    today_of(r, today, sizeof(today));
    since_of(r, since, sizeof(since));
    if (strcmp(what, "members.csv") == 0) {
        static const char *const h[] = {
            "seq",   "member",         "name",
            "phone", "last_delivered", "unreached_60d"};

        for (i = 0; i < ARRAY_SIZE(h); i++)
            csv_text(l.csv, h[i], i == 0);
        csv_end_row(l.csv);
        err = db_story_group(r->c->db, p->group_id, member_row_csv, &l);
    } else {
        static const char *const h[] = {"sign",       "receipt",   "member",
                                        "created_at", "session",   "interest",
                                        "savings",    "principal", "state"};

        for (i = 0; i < ARRAY_SIZE(h); i++)
            csv_text(l.csv, h[i], i == 0);
        csv_end_row(l.csv);
        for (i = 0; !err && i < ARRAY_SIZE(signs); i++) {
            l.sign = signs[i].title;
            err = db_story_signs(r->c->db, p->id, since, today, r->now,
                                 signs[i].sign, sign_csv, &l);
        }
    }
    if (err) {
        busy(r, s);
        return;
    }
    resp_csv(s,
             strcmp(what, "members.csv") == 0 ? "to-vien.csv" : "dau-hieu.csv");
}

void console_leader(struct creq *r, struct cresp *s, int64_t id,
                    const char *what)
{
    struct db_session_sum sess[2];
    struct db_person p;
    struct lctx l = {r, &s->page, NULL, "", 0, r->now};
    char today[DT_DATE_SIZE], since[DT_DATE_SIZE];
    int got = 0, i;
    gw_err err;

    if (what[0] && strcmp(what, "members.csv") != 0 &&
        strcmp(what, "signs.csv") != 0) {
        not_found(r, s);
        return;
    }
    err = db_story_person(r->c->db, r->me.id, id, &p);
    if (err || !p.leader) {
        (err && err != GW_ENOTFOUND ? busy : not_found)(r, s);
        return;
    }
    if (what[0]) {
        leader_csv(r, s, &p, what);
        return;
    }
    today_of(r, today, sizeof(today));
    since_of(r, since, sizeof(since));
    s->status = 200;
    layout_begin(&s->page, r, p.name);
    page_f(&s->page,
           "<h1>Tổ trưởng %s</h1><dl class=\"facts\"><dt>Tổ</dt><dd>%s</dd>"
           "<dt>Xã</dt><dd>%s</dd><dt>Điện thoại</dt><dd>%p</dd></dl>"
           "<p><a href=\"/member/%D\">Trang thành viên của chị</a></p>"
           "<h2>Dấu hiệu cảnh báo (%d tháng qua)</h2>"
           "<p><a href=\"/leader/%D/signs.csv\">Tải CSV</a></p>",
           p.name, p.group, p.commune, p.phone, p.id, SIGN_MONTHS, p.id);
    for (i = 0; !err && i < (int)ARRAY_SIZE(signs); i++) {
        struct page part;

        page_init(&part, 1024 * 1024);
        l.p = &part;
        l.n = 0;
        err = db_story_signs(r->c->db, p.id, since, today, r->now,
                             signs[i].sign, sign_html, &l);
        page_f(&s->page,
               "<section class=\"sign%s\"><h3>%s: %D</h3><p class=\"hint\">"
               "%s</p>",
               l.n ? " on" : "", signs[i].title, (int64_t)l.n, signs[i].why);
        if (l.n) {
            page_f(&s->page, "<ul>");
            page_append(&s->page, &part);
            if (l.n > SIGN_SHOWN)
                page_f(&s->page, "<li>... và %D phiếu nữa (xem CSV)</li>",
                       (int64_t)(l.n - SIGN_SHOWN));
            page_f(&s->page, "</ul>");
        }
        page_f(&s->page, "</section>");
        page_release(&part);
    }
    l.p = &s->page;
    if (!err)
        err = db_story_sessions(r->c->db, p.group_id, today, sess, 2, &got);
    if (!err) {
        bool below = got == 2 && sess[0].collected < sess[0].due &&
                     sess[1].collected < sess[1].due;

        page_f(&s->page,
               "<section class=\"sign%s\"><h3>Thu dưới mức phải thu hai "
               "phiên liền: %s</h3><p class=\"hint\">Lãi thu được mỗi phiên "
               "so với lãi phải thu của cả tổ (theo số liệu hiện tại của "
               "ngân hàng).</p><ul>",
               below ? " on" : "", below ? "có" : "không");
        for (i = 0; i < got; i++)
            page_f(&s->page, "<li>Phiên %s: thu %m / phải thu %m</li>",
                   sess[i].session_on, sess[i].collected, sess[i].due);
        page_f(&s->page, "</ul></section>");
    }
    page_f(&s->page,
           "<h2>Thành viên của tổ</h2><p class=\"hint\">Đánh dấu: không có "
           "tin nào tới máy trong %d ngày. <a href=\"/leader/%D/members.csv\">"
           "Tải CSV</a></p><table class=\"list\"><thead><tr><th>Số</th>"
           "<th>Tên</th><th>Điện thoại</th><th>Tin tới máy</th></tr></thead>"
           "<tbody>",
           UNREACHED_DAYS, p.id);
    l.n = 0;
    if (!err)
        err = db_story_group(r->c->db, p.group_id, member_row_html, &l);
    page_f(&s->page, "</tbody></table>");
    layout_end(&s->page);
    if (err) {
        page_release(&s->page);
        page_init(&s->page, 1024 * 1024);
        busy(r, s);
    }
}

/* ---- the search ---- */

static gw_err found_html(void *ctx, const struct db_person *p)
{
    struct lctx *l = ctx;

    l->n++;
    page_f(l->p,
           "<tr><td data-h=\"Tên\"><span><a href=\"/member/%D\">%s</a>%s"
           "</span></td><td data-h=\"Mã\"><span>%s</span></td>"
           "<td data-h=\"Điện thoại\"><span>%p</span></td>"
           "<td data-h=\"Tổ, xã\"><span>%s<br><small>%s</small></span></td>"
           "</tr>",
           p->id, p->name, p->leader ? " (tổ trưởng)" : "", p->code, p->phone,
           p->group, p->commune);
    return GW_OK;
}

static gw_err found_csv(void *ctx, const struct db_person *p)
{
    struct lctx *l = ctx;
    char phone[32];

    html_phone(p->phone, 1, phone, sizeof(phone));
    csv_text(l->csv, p->code, 1);
    csv_text(l->csv, p->name, 0);
    csv_text(l->csv, phone, 0);
    csv_text(l->csv, p->group, 0);
    csv_text(l->csv, p->commune, 0);
    csv_text(l->csv, p->leader ? "leader" : "member", 0);
    csv_end_row(l->csv);
    return l->csv->err;
}

void console_search(struct creq *r, struct cresp *s, bool csv)
{
    struct lctx l = {r, &s->page, &s->page.b, "", 0, r->now};
    gw_err err = GW_OK;

    if (csv) {
        static const char *const h[] = {"member", "name",    "phone",
                                        "group",  "commune", "role"};
        size_t i;

        for (i = 0; i < ARRAY_SIZE(h); i++)
            csv_text(l.csv, h[i], i == 0);
        csv_end_row(l.csv);
        if (r->q[0])
            err = db_story_search(r->c->db, r->me.id, r->xa, r->q, SEARCH_MAX,
                                  found_csv, &l);
        if (err)
            busy(r, s);
        else
            resp_csv(s, "tim-kiem.csv");
        return;
    }
    s->status = 200;
    layout_begin(&s->page, r, "Tìm thành viên");
    page_f(&s->page,
           "<h1>Tìm thành viên%s%s</h1><form class=\"search\" method=\"get\" "
           "action=\"/search\"><label for=\"q\">Tên, mã thành viên hoặc các "
           "số cuối của điện thoại</label><input id=\"q\" name=\"q\" "
           "value=\"%s\" maxlength=\"60\">",
           r->xa_name[0] ? " ở " : "", r->xa_name, r->q);
    if (r->xa_q[0])
        page_f(&s->page, "<input type=\"hidden\" name=\"xa\" value=\"%D\">",
               r->xa);
    page_f(&s->page, "<button type=\"submit\">Tìm</button></form>");
    if (r->q[0]) {
        page_f(&s->page, "<table class=\"list\"><thead><tr><th>Tên</th>"
                         "<th>Mã</th><th>Điện thoại</th><th>Tổ, xã</th></tr>"
                         "</thead><tbody>");
        err = db_story_search(r->c->db, r->me.id, r->xa, r->q, SEARCH_MAX,
                              found_html, &l);
        page_f(&s->page, "</tbody></table>");
        if (!err && l.n == 0)
            page_f(&s->page, "<p class=\"empty\">Không thấy ai trong các xã "
                             "của bạn.</p>");
        else if (!err)
            page_f(&s->page,
                   "<p>%D người%s. <a href=\"/search.csv?q=%u%s%s\">Tải "
                   "CSV</a></p>",
                   (int64_t)l.n, l.n == SEARCH_MAX ? " (chỉ hiện 100 đầu)" : "",
                   r->q, r->xa_q[0] ? "&xa=" : "",
                   r->xa_q[0] ? r->xa_q + 4 : "");
    }
    layout_end(&s->page);
    if (err) {
        page_release(&s->page);
        page_init(&s->page, 1024 * 1024);
        busy(r, s);
    }
}
