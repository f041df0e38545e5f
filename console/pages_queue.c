/* pages_queue.c - the queue of payments that need a person, its items
 * and their resolution */
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/util.h"
#include "console/console_int.h"
#include "console/csv_out.h"
#include "db/db_msg.h"
#include "db/db_queue.h"
#include "handlers/template.h"
#include "text/date.h"
#include "text/utf8.h"
#include "common/banned.h"

#define NOTE_MAX 500
/* Items listed on the page; the count and the CSV have them all. */
#define QUEUE_SHOWN 200

static const struct {
    const char *kind;
    const char *label; /* for the officer */
    const char *why;   /* what she should look at */
} kinds[] = {
    {"DISPUTE", "Thành viên báo sai",
     "Thành viên trả lời SAI: phiếu không đúng với tiền chị đã đưa."},
    {"UNBOOKED", "Chưa hạch toán",
     "Phiên giao dịch đã qua mà ngân hàng chưa ghi nhận phiếu này."},
    {"MISMATCH", "Lệch số tiền",
     "Ngân hàng ghi nhận số tiền khác với số tổ trưởng đã ghi."},
    {"UNDELIVERED", "Biên lai chưa tới",
     "Đã hạch toán nhưng tin biên lai chưa tới được thành viên."},
};

static const struct {
    const char *outcome;
    const char *label;
    enum msg_id sms;
} outcomes[] = {
    {"MEMBER", "Thành viên đúng", MSG_RESOLVED_MEMBER},
    {"LEADER", "Tổ trưởng đúng", MSG_RESOLVED_LEADER},
    {"BANK", "Đã nộp tại ngân hàng", MSG_RESOLVED_BANK},
};

static const char *kind_label(const char *kind)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].label;
    return kind;
}

static bool kind_known(const char *kind)
{
    return kind_label(kind) != kind;
}

static void scope_of(const struct creq *r, struct db_queue_scope *sc,
                     char *today, size_t size)
{
    struct dt_date d = date_local((time_t)r->now, NULL);

    date_format_iso(&d, today, size);
    memset(sc, 0, sizeof(*sc));
    sc->officer_id = r->me.id;
    sc->today = today;
    sc->now = r->now;
    sc->escalate_s = (int64_t)r->c->deps.cfg->console_escalate_days * 86400;
    sc->commune_id = r->xa > 0 ? r->xa : 0;
}

static int64_t days_open(const struct creq *r, const struct db_queue_item *it)
{
    return it->since < r->now ? (r->now - it->since) / 86400 : 0;
}

static bool overdue(const struct creq *r, const struct db_queue_item *it)
{
    return r->now - it->since >
           (int64_t)r->c->deps.cfg->console_escalate_days * 86400;
}

/* ---- the queue ---- */

struct list_ctx {
    struct creq *r;
    struct page *p;
    size_t n, late;
};

static gw_err list_row(void *cls, const struct db_queue_item *it)
{
    struct list_ctx *l = cls;
    struct page *p = l->p;
    bool late = overdue(l->r, it);

    l->n++;
    l->late += late;
    if (l->n > QUEUE_SHOWN)
        return GW_OK;
    page_f(p,
           "<tr%s><td data-h=\"Loại\"><span><a href=\"/item/%D/%s\">%s</a>%s"
           "</span></td><td data-h=\"Mở\"><span>%D ngày</span></td>"
           "<td data-h=\"Xã, tổ\"><span>%s<br><small>%s</small></span></td>"
           "<td data-h=\"Thành viên\"><span><a href=\"/member/%D\">%s</a><br>"
           "<small>%p</small></span></td><td data-h=\"Tổ trưởng\"><span>"
           "<a href=\"/leader/%D\">%s</a></span></td>"
           "<td data-h=\"Số tiền\" class=\"num\"><span>%m",
           late ? " class=\"late\"" : "", it->collection_id, it->kind,
           kind_label(it->kind), late ? " <b class=\"tag\">quá hạn</b>" : "",
           days_open(l->r, it), it->commune, it->group, it->member_id,
           it->member_name, it->member_phone, it->leader_id, it->leader_name,
           it->interest + it->savings + it->principal);
    if (it->booked >= 0)
        page_f(p, "<br><small>NH ghi %m</small>", it->booked);
    page_f(p, "</span></td><td data-h=\"Ghi chú\"><span>%s</span></td></tr>",
           it->note);
    return GW_OK;
}

void console_queue(struct creq *r, struct cresp *s)
{
    struct db_queue_scope sc;
    struct list_ctx l = {r, &s->page, 0, 0};
    struct page rows;
    const char *data;
    size_t len;
    char today[DT_DATE_SIZE];
    gw_err err;

    if (view_too_wide(r)) {
        s->status = 200;
        layout_begin(&s->page, r, "Hàng đợi");
        page_f(&s->page, "<h1>Hàng đợi cần xử lý</h1>");
        view_choose(&s->page, r, "/queue", "hàng đợi của xã đó");
        layout_end(&s->page);
        return;
    }
    scope_of(r, &sc, today, sizeof(today));
    page_init(&rows, 4 * 1024 * 1024);
    l.p = &rows;
    err = db_queue_list(r->c->db, &sc, list_row, &l);
    if (err == GW_OK)
        err = page_done(&rows, &data, &len);
    if (err) {
        page_release(&rows);
        resp_message(s, r, 503, "Hệ thống bận",
                     "Không đọc được hàng đợi. Hãy thử lại sau ít phút.");
        return;
    }
    s->status = 200;
    layout_begin(&s->page, r, "Hàng đợi");
    page_f(&s->page, "<h1>Hàng đợi cần xử lý%s%s</h1>",
           r->xa_name[0] ? ": " : "", r->xa_name);
    view_picker(&s->page, r, "/queue");
    page_f(&s->page,
           "<p class=\"sum\">%D việc đang mở, %D quá hạn (trên %d ngày). "
           "Cũ nhất ở trên.</p><p><a class=\"button\" "
           "href=\"/queue.csv%s\">Tải CSV</a></p>",
           (int64_t)l.n, (int64_t)l.late,
           (int)r->c->deps.cfg->console_escalate_days, r->xa_q);
    if (l.n == 0) {
        page_f(&s->page, "<p class=\"empty\">Không có việc nào cần xử lý.</p>");
    } else {
        page_f(&s->page,
               "<table class=\"list\"><thead><tr><th>Loại</th><th>Mở</th>"
               "<th>Xã, tổ</th><th>Thành viên</th><th>Tổ trưởng</th>"
               "<th>Số tiền</th><th>Ghi chú</th></tr></thead><tbody>");
        page_append(&s->page, &rows);
        page_f(&s->page, "</tbody></table>");
        if (l.n > QUEUE_SHOWN)
            page_f(&s->page,
                   "<p>... và %D việc nữa, mới hơn: <a "
                   "href=\"/queue.csv%s\">tải CSV</a> để xem hết.</p>",
                   (int64_t)(l.n - QUEUE_SHOWN), r->xa_q);
    }
    layout_end(&s->page);
    page_release(&rows);
}

/* ---- the CSV export ---- */

struct csv_ctx {
    struct creq *r;
    struct buf *b;
};

static gw_err csv_row(void *cls, const struct db_queue_item *it)
{
    struct csv_ctx *x = cls;
    char phone[32];

    html_phone(it->member_phone, 1, phone, sizeof(phone));
    csv_text(x->b, it->kind, 1);
    csv_text(x->b, it->code, 0);
    csv_int(x->b, days_open(x->r, it), 0);
    csv_text(x->b, overdue(x->r, it) ? "yes" : "no", 0);
    csv_text(x->b, it->commune, 0);
    csv_text(x->b, it->group, 0);
    csv_text(x->b, it->member_code, 0);
    csv_text(x->b, it->member_name, 0);
    csv_text(x->b, phone, 0);
    csv_text(x->b, it->leader_name, 0);
    csv_text(x->b, it->session_on, 0);
    csv_int(x->b, it->interest, 0);
    csv_int(x->b, it->savings, 0);
    csv_int(x->b, it->principal, 0);
    if (it->booked >= 0)
        csv_int(x->b, it->booked, 0);
    else
        csv_text(x->b, "", 0);
    csv_text(x->b, it->state, 0);
    csv_text(x->b, it->note, 0);
    csv_end_row(x->b);
    return x->b->err;
}

void console_queue_csv(struct creq *r, struct cresp *s)
{
    static const char *const head[] = {
        "kind",    "receipt",     "days_open", "overdue",   "commune",
        "group",   "member",      "name",      "phone",     "leader",
        "session", "interest",    "savings",   "principal", "booked",
        "state",   "member_words"};
    struct db_queue_scope sc;
    struct csv_ctx x = {r, &s->page.b};
    char today[DT_DATE_SIZE];
    size_t i;

    scope_of(r, &sc, today, sizeof(today));
    for (i = 0; i < ARRAY_SIZE(head); i++)
        csv_text(x.b, head[i], i == 0);
    csv_end_row(x.b);
    if (db_queue_list(r->c->db, &sc, csv_row, &x) != GW_OK) {
        buf_release(&s->page.b);
        page_init(&s->page, 1024 * 1024);
        resp_message(s, r, 503, "Hệ thống bận",
                     "Không đọc được hàng đợi. Hãy thử lại sau ít phút.");
        return;
    }
    s->status = 200;
    s->ctype = "text/csv; charset=utf-8";
    s->filename = "hang-doi.csv";
}

/* ---- one item ---- */

struct story_ctx {
    struct page *p;
};

static gw_err story_row(void *cls, int64_t at, const char *actor,
                        const char *action, const char *before,
                        const char *after)
{
    struct story_ctx *x = cls;

    page_f(x->p, "<li><time>%t</time> <b>%s</b> %s: %s &rarr; %s</li>", at,
           actor ? actor : "", action ? action : "", before ? before : "",
           after ? after : "");
    return GW_OK;
}

static void item_page(struct creq *r, struct cresp *s,
                      const struct db_queue_item *it, bool resolved)
{
    struct story_ctx x = {&s->page};
    size_t i;

    s->status = 200;
    layout_begin(&s->page, r, "Phiếu");
    page_f(&s->page,
           "<p><a href=\"/queue\">&larr; Hàng đợi</a></p>"
           "<h1>%s: phiếu %s</h1>",
           kind_label(it->kind), it->code);
    for (i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strcmp(kinds[i].kind, it->kind) == 0)
            page_f(&s->page, "<p class=\"why\">%s</p>", kinds[i].why);
    page_f(&s->page,
           "<dl class=\"facts\"><dt>Thành viên</dt><dd><a href=\"/member/%D\">"
           "%s</a> (%s), %p</dd><dt>Tổ trưởng</dt><dd><a href=\"/leader/%D\">"
           "%s</a></dd><dt>Xã, tổ</dt><dd>%s, %s</dd>"
           "<dt>Phiên</dt><dd>%s</dd><dt>Trạng thái</dt><dd>%s</dd>"
           "<dt>Lãi</dt><dd>%m</dd><dt>Tiết kiệm</dt><dd>%m</dd>"
           "<dt>Gốc</dt><dd>%m</dd>",
           it->member_id, it->member_name, it->member_code, it->member_phone,
           it->leader_id, it->leader_name, it->commune, it->group,
           it->session_on, receipt_state_words(it->state), it->interest,
           it->savings, it->principal);
    if (it->booked >= 0)
        page_f(&s->page, "<dt>Ngân hàng ghi</dt><dd>%m</dd>", it->booked);
    if (it->note[0])
        page_f(&s->page, "<dt>Lời thành viên</dt><dd class=\"words\">%s</dd>",
               it->note);
    page_f(&s->page, "<dt>Mở</dt><dd>%t (%D ngày)%s</dd></dl>", it->since,
           days_open(r, it), overdue(r, it) ? ", quá hạn" : "");
    if (resolved) {
        struct db_resolution res;
        const char *label = "";

        if (db_queue_resolution(r->c->db, it->collection_id, it->kind, &res) ==
            GW_OK) {
            for (i = 0; i < ARRAY_SIZE(outcomes); i++)
                if (strcmp(outcomes[i].outcome, res.outcome) == 0)
                    label = outcomes[i].label;
            page_f(&s->page,
                   "<div class=\"done\"><p><b>Đã xử lý: %s</b></p>"
                   "<p>%s</p><p><small>%s, %t. Thành viên đã được nhắn "
                   "kết quả.</small></p></div>",
                   label, res.note, res.officer, res.at);
        } else {
            page_f(&s->page, "<p class=\"done\">Việc này đã được xử lý.</p>");
        }
    } else {
        page_f(&s->page,
               "<form class=\"resolve\" method=\"post\" "
               "action=\"/item/%D/%s/resolve\"><fieldset><legend>Kết "
               "luận</legend>",
               it->collection_id, it->kind);
        for (i = 0; i < ARRAY_SIZE(outcomes); i++)
            page_f(&s->page,
                   "<label><input type=\"radio\" name=\"outcome\" "
                   "value=\"%s\" required> %s</label>",
                   outcomes[i].outcome, outcomes[i].label);
        page_f(&s->page,
               "</fieldset><label for=\"note\">Ghi chú (bắt buộc)</label>"
               "<textarea id=\"note\" name=\"note\" required "
               "maxlength=\"%d\" rows=\"3\"></textarea>"
               "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
               "<button type=\"submit\">Lưu và nhắn thành viên</button>"
               "<p class=\"hint\">Thành viên nhận một tin nhắn kết quả. Tổ "
               "trưởng không được báo ai đã khiếu nại.</p></form>",
               NOTE_MAX, r->csrf);
    }
    page_f(&s->page, "<h2>Lịch sử phiếu</h2><ol class=\"story\">");
    (void)db_queue_story(r->c->db, it->code, story_row, &x);
    page_f(&s->page, "</ol>");
    layout_end(&s->page);
}

static void not_found(struct creq *r, struct cresp *s)
{
    resp_message(s, r, 404, "Không tìm thấy",
                 "Việc này không có, hoặc không thuộc các xã của bạn.");
}

void console_item(struct creq *r, struct cresp *s, int64_t id, const char *kind)
{
    struct db_queue_scope sc;
    struct db_queue_item it;
    char today[DT_DATE_SIZE];
    bool resolved;

    scope_of(r, &sc, today, sizeof(today));
    if (!kind_known(kind) ||
        db_queue_get(r->c->db, &sc, id, kind, &it, &resolved) != GW_OK) {
        not_found(r, s);
        return;
    }
    item_page(r, s, &it, resolved);
}

static bool note_ok(const char *note)
{
    size_t i, n = strlen(note);

    if (n == 0 || n > NOTE_MAX || !utf8_valid(note, n))
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)note[i] < 0x20 && note[i] != '\n' && note[i] != '\r')
            return false;
    return true;
}

/* The member's SMS and the resolution, in one transaction. */
static gw_err resolve_tx(struct creq *r, const struct db_queue_scope *sc,
                         int64_t id, const char *kind, size_t o,
                         const char *note, bool *gone)
{
    struct db_queue_item it;
    char sms[DT_SMS_MAX + 1], actor[64];
    bool resolved;
    int64_t out_id;
    gw_err err;

    *gone = false;
    err = db_begin(r->c->db);
    if (err)
        return err;
    err = db_queue_get(r->c->db, sc, id, kind, &it, &resolved);
    if (err == GW_ENOTFOUND || (err == GW_OK && resolved)) {
        *gone = err == GW_ENOTFOUND;
        err = err == GW_OK ? GW_EEXIST : err;
        goto out;
    }
    (void)snprintf(actor, sizeof(actor), "officer:%s", r->me.user);
    if (err == GW_OK)
        err = db_queue_resolve(r->c->db, sc, &it, outcomes[o].outcome, note,
                               actor);
    if (err == GW_OK) {
        const struct tpl_arg a[] = {TPL_STR("code", it.code)};

        err = template_render(r->c->deps.tpl, outcomes[o].sms, a, ARRAY_SIZE(a),
                              sms, sizeof(sms));
    }
    if (err == GW_OK)
        err = db_outbox_enqueue(r->c->db, it.member_phone, sms, "RESOLVED",
                                it.member_id, 0, r->now, &out_id);
out:
    if (err == GW_OK)
        return db_commit(r->c->db);
    db_rollback(r->c->db);
    return err;
}

void console_resolve(struct creq *r, struct cresp *s, int64_t id,
                     const char *kind)
{
    const char *outcome = creq_field(r, "outcome");
    const char *note = creq_field(r, "note");
    struct db_queue_scope sc;
    char today[DT_DATE_SIZE], back[64];
    size_t o;
    bool gone;
    gw_err err;

    scope_of(r, &sc, today, sizeof(today));
    for (o = 0; outcome && o < ARRAY_SIZE(outcomes); o++)
        if (strcmp(outcomes[o].outcome, outcome) == 0)
            break;
    if (!kind_known(kind)) {
        not_found(r, s);
        return;
    }
    if (outcome == NULL || o == ARRAY_SIZE(outcomes) || note == NULL ||
        !note_ok(note)) {
        resp_message(s, r, 400, "Thiếu thông tin",
                     "Hãy chọn một kết luận và ghi chú (tối đa 500 ký tự).");
        return;
    }
    err = resolve_tx(r, &sc, id, kind, o, note, &gone);
    if (gone) {
        not_found(r, s);
        return;
    }
    if (err == GW_EEXIST) {
        resp_message(s, r, 409, "Đã xử lý",
                     "Việc này đã được một cán bộ khác xử lý.");
        return;
    }
    if (err) {
        log_error("console", "resolve %lld %s: %s", (long long)id, kind,
                  gw_strerror(err));
        resp_message(s, r, 503, "Hệ thống bận",
                     "Chưa lưu được. Hãy thử lại sau ít phút.");
        return;
    }
    if (r->c->deps.notify)
        r->c->deps.notify(r->c->deps.notify_cls);
    (void)snprintf(back, sizeof(back), "/item/%lld/%s", (long long)id, kind);
    resp_redirect(s, back);
}
