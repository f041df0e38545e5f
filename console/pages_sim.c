/* pages_sim.c - a basic phone for training, in the browser
 *
 * An officer types as a member's or a leader's phone of a training
 * commune ([console] training_communes) and sees what that phone would
 * show: the SMS replies, or the USSD screens. It runs the very handlers
 * of real traffic (handle_sms, ussd_walk, ussd_commit) in one
 * transaction on the console's connection; every message they produce is
 * stored SENT through the provider "simulator" (db_outbox_simulated), so
 * the sender never claims it and no provider sees it, and a phone of any
 * other commune is refused. A USSD path (which may hold a PIN) stays on
 * the server, in the officer's slot; a typed SMS is shown back as stored,
 * PINs masked.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "console/console_int.h"
#include "db/db_member.h"
#include "db/db_msg.h"
#include "db/db_collection.h"
#include "db/db_story.h"
#include "handlers/handler.h"
#include "handlers/ussd.h"
#include "text/date.h"
#include "text/phone.h"
#include "common/banned.h"

#define SIM_PHONES 60

struct shown {
    char said[DT_SMS_IN_MAX + 1]; /* as stored: PINs masked */
    struct reply out;
    char screen[USSD_SCREEN_SIZE];
    bool ussd, end, ran;
    char error[160];
};

/* The code of the commune of phone's member is one of the training ones
 * and the officer sees it. */
struct find {
    const char *phone;
    bool found;
};

static gw_err match_phone(void *ctx, const struct db_person *p)
{
    struct find *f = ctx;

    f->found = f->found || strcmp(p->phone, f->phone) == 0;
    return GW_OK;
}

static bool allowed(struct creq *r, const char *phone)
{
    struct find f = {phone, false};

    return r->c->deps.cfg->console_training[0] &&
           db_story_training(r->c->db, r->me.id,
                             r->c->deps.cfg->console_training, 100000,
                             match_phone, &f) == GW_OK &&
           f.found;
}

static struct sim_slot *slot_of(struct creq *r, bool fresh)
{
    struct sim_slot *old = &r->c->sim[0];
    size_t i;

    for (i = 0; i < SIM_SLOTS; i++) {
        struct sim_slot *s = &r->c->sim[i];

        if (strcmp(s->token_hash, r->token_hash) == 0) {
            old = s;
            break;
        }
        if (s->at < old->at)
            old = s;
    }
    if (fresh || strcmp(old->token_hash, r->token_hash) != 0) {
        unsigned char id[8];

        sodium_memzero(old, sizeof(*old));
        (void)snprintf(old->token_hash, sizeof(old->token_hash), "%s",
                       r->token_hash);
        randombytes_buf(id, sizeof(id));
        (void)sodium_bin2hex(old->session, sizeof(old->session), id,
                             sizeof(id));
    }
    old->at = r->now;
    return old;
}

/* The simulated messages and the inbound row, like the writer's. */
static gw_err keep(struct creq *r, const char *phone, const char *channel,
                   const char *stored, const struct reply *out)
{
    char id[48];
    int64_t in_id = 0;
    size_t i;
    gw_err err;

    (void)snprintf(id, sizeof(id), "sim-%lld-%u", (long long)r->now,
                   randombytes_random());
    err = db_inbound_insert(r->c->db, "simulator", id, channel, phone,
                            stored[0] ? stored : "-", r->now, &in_id);
    for (i = 0; !err && i < out->nmsgs; i++)
        err = db_outbox_simulated(r->c->db, out->msgs[i].phone,
                                  out->msgs[i].text, out->msgs[i].kind,
                                  out->msgs[i].member_id, in_id, r->now);
    if (!err && out->collection_id)
        err = db_collection_link_inbound(r->c->db, out->collection_id, in_id);
    return err;
}

static gw_err run_sms(struct creq *r, const char *phone, const char *text,
                      struct shown *sh)
{
    struct handler_ctx ctx = {r->c->deps.cfg, r->c->deps.tpl,
                              r->c->deps.phrases};
    struct sms_in in;
    gw_err err;

    memset(&in, 0, sizeof(in));
    in.provider = "simulator";
    in.channel = "sms";
    (void)snprintf(in.phone, sizeof(in.phone), "%s", phone);
    in.text = strv_from_cstr(text);
    in.now = r->now;
    in.today = date_local((time_t)r->now, NULL);
    err = db_begin(r->c->db);
    if (!err)
        err = handle_sms(r->c->db, &ctx, &in, &sh->out);
    if (!err)
        err = keep(r, phone, "sms", sh->out.stored_text, &sh->out);
    if (!err)
        err = db_commit(r->c->db);
    else
        db_rollback(r->c->db);
    (void)snprintf(sh->said, sizeof(sh->said), "%s", sh->out.stored_text);
    return err;
}

static gw_err run_ussd(struct creq *r, struct sim_slot *slot, const char *input,
                       bool dial, struct shown *sh)
{
    struct handler_ctx ctx = {r->c->deps.cfg, r->c->deps.tpl,
                              r->c->deps.phrases};
    struct ussd_hop hop;
    struct ussd_step step;
    size_t len = strlen(slot->path);
    gw_err err;

    if (!dial) {
        if (len + strlen(input) + 2 > sizeof(slot->path) ||
            strchr(input, '*') != NULL) {
            (void)snprintf(sh->error, sizeof(sh->error),
                           "Mỗi lần nhập một lựa chọn, không có dấu *.");
            return GW_OK;
        }
        (void)snprintf(slot->path + len, sizeof(slot->path) - len, "%s%s",
                       len ? "*" : "", input);
    }
    memset(&hop, 0, sizeof(hop));
    hop.provider = "simulator";
    hop.session_id = slot->session;
    (void)snprintf(hop.phone, sizeof(hop.phone), "%s", slot->phone);
    hop.text = strv_from_cstr(slot->path);
    hop.now = r->now;
    hop.today = date_local((time_t)r->now, NULL);
    err = db_begin(r->c->db);
    if (!err)
        err = ussd_walk(r->c->db, &ctx, &hop, &step);
    if (!err && step.write)
        err = ussd_commit(r->c->db, &ctx, &hop, &step, &sh->out);
    if (!err && (step.end || step.write))
        err = keep(r, slot->phone, "ussd", step.stored, &sh->out);
    if (!err)
        err = db_commit(r->c->db);
    else
        db_rollback(r->c->db);
    ussd_step_wipe(&step);
    sh->ussd = true;
    sh->end = step.end || step.write;
    (void)snprintf(sh->screen, sizeof(sh->screen), "%s", step.screen);
    if (sh->end)
        sodium_memzero(slot->path, sizeof(slot->path));
    return err;
}

static gw_err phone_option(void *ctx, const struct db_person *p)
{
    struct page *pg = ((void **)ctx)[0];
    const char *chosen = ((void **)ctx)[1];

    page_f(pg, "<option value=\"%s\"%s>%s%s, %s</option>", p->phone,
           strcmp(p->phone, chosen) == 0 ? " selected" : "", p->name,
           p->leader ? " (tổ trưởng)" : "", p->group);
    return GW_OK;
}

static void show(struct page *p, const char *phone, const struct shown *sh)
{
    size_t i;

    page_f(p, "<section class=\"phone\" aria-live=\"polite\">");
    if (sh->error[0])
        page_f(p, "<p class=\"error\">%s</p>", sh->error);
    if (sh->ussd) {
        page_f(p, "<pre class=\"screen\">%s</pre>", sh->screen);
        if (sh->end)
            page_f(p, "<p class=\"hint\">Phiên USSD đã kết thúc.</p>");
    } else if (sh->ran) {
        page_f(p, "<p class=\"said\">Bạn gửi: <q>%s</q></p>", sh->said);
    }
    for (i = 0; i < sh->out.nmsgs; i++) {
        const struct out_msg *m = &sh->out.msgs[i];

        if (strcmp(m->phone, phone) == 0 && !sh->ussd)
            page_f(p, "<p class=\"sms\">Tin đến (%s):<br>%s</p>", m->kind,
                   m->text);
        else if (strcmp(m->phone, phone) != 0)
            page_f(p,
                   "<p class=\"other\"><small>Tin cho %p (%s), không gửi đi:"
                   "</small><br>%s</p>",
                   m->phone, m->kind, m->text);
    }
    page_f(p, "</section>");
}

void console_sim(struct creq *r, struct cresp *s)
{
    const struct dt_config *cfg = r->c->deps.cfg;
    const char *phone_in = creq_field(r, "phone");
    const char *text = creq_field(r, "text");
    const char *how = creq_field(r, "how");
    char phone[DT_PHONE_SIZE] = "";
    struct shown sh;
    struct sim_slot *slot = NULL;
    void *opt[2];
    gw_err err = GW_OK;

    memset(&sh, 0, sizeof(sh));
    if (strcmp(r->method, "POST") == 0) {
        bool dial = how && strcmp(how, "dial") == 0;
        bool ussd = dial || (how && strcmp(how, "ussd") == 0);

        if (phone_in == NULL ||
            phone_normalize(phone_in, strlen(phone_in), phone, NULL) != GW_OK ||
            !allowed(r, phone)) {
            resp_message(s, r, 403, "Không dùng được số này",
                         "Máy tập huấn chỉ nhận số của thành viên các xã "
                         "tập huấn mà bạn được xem.");
            return;
        }
        if (ussd) {
            slot = slot_of(r, dial);
            if (strcmp(slot->phone, phone) != 0) {
                slot = slot_of(r, true);
                (void)snprintf(slot->phone, sizeof(slot->phone), "%s", phone);
                dial = true;
            }
            err = run_ussd(r, slot, text ? text : "", dial, &sh);
        } else if (text && text[0] && strlen(text) <= DT_SMS_IN_MAX) {
            sh.ran = true;
            err = run_sms(r, phone, text, &sh);
        } else {
            (void)snprintf(sh.error, sizeof(sh.error),
                           "Hãy gõ nội dung tin nhắn.");
        }
        if (err)
            (void)snprintf(sh.error, sizeof(sh.error),
                           "Hệ thống bận, hãy thử lại.");
    }
    s->status = 200;
    layout_begin(&s->page, r, "Máy tập huấn");
    page_f(&s->page,
           "<h1>Máy tập huấn</h1><p class=\"hint\">Gõ như trên điện thoại "
           "của một thành viên hay tổ trưởng ở xã tập huấn (%s). Xử lý như "
           "tin thật, nhưng không tin nào được gửi ra nhà mạng.</p>",
           cfg->console_training[0] ? cfg->console_training : "chưa có");
    if (cfg->console_training[0] == '\0') {
        page_f(&s->page, "<p class=\"empty\">Chưa có xã tập huấn: đặt "
                         "[console] training_communes.</p>");
        layout_end(&s->page);
        return;
    }
    if (sh.ran || sh.ussd || sh.error[0])
        show(&s->page, phone, &sh);
    page_f(&s->page,
           "<form class=\"sim\" method=\"post\" action=\"/simulator\">"
           "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
           "<label for=\"phone\">Điện thoại</label><select id=\"phone\" "
           "name=\"phone\">",
           r->csrf);
    opt[0] = &s->page;
    opt[1] = phone;
    (void)db_story_training(r->c->db, r->me.id, cfg->console_training,
                            SIM_PHONES, phone_option, opt);
    page_f(&s->page,
           "</select><label for=\"text\">Tin nhắn, hoặc lựa chọn USSD</label>"
           "<input id=\"text\" name=\"text\" maxlength=\"160\" "
           "autocomplete=\"off\"><div class=\"buttons\">"
           "<button type=\"submit\" name=\"how\" value=\"sms\">Gửi SMS"
           "</button> <button type=\"submit\" name=\"how\" value=\"%s\">%s"
           "</button>",
           sh.ussd && !sh.end ? "ussd" : "dial",
           sh.ussd && !sh.end ? "Trả lời USSD" : "Quay số USSD");
    if (sh.ussd && !sh.end)
        page_f(&s->page, " <button type=\"submit\" name=\"how\" "
                         "value=\"dial\">Quay lại từ đầu</button>");
    page_f(&s->page, "</div></form>");
    layout_end(&s->page);
}
