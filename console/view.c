/* view.c - which of the officer's communes a page shows
 *
 * Every page reads the officer's communes only (in SQL); ?xa=ID narrows
 * the home, the queue and delivery to one of them. A union over a
 * district or an admin over a province sees more communes than one page
 * can add up quickly: past [console] view_max_communes, the home and the
 * queue ask for a commune first instead of adding up every one.
 */
#include <stdio.h>
#include <string.h>

#include "console/console_int.h"
#include "common/banned.h"

struct check {
    struct creq *r;
    bool found;
};

static gw_err count_one(void *ctx, const struct db_commune_ref *c)
{
    struct check *k = ctx;

    k->r->ncommunes++;
    if (c->id == k->r->xa) {
        k->found = true;
        (void)snprintf(k->r->xa_name, sizeof(k->r->xa_name), "%s", c->name);
    }
    return GW_OK;
}

gw_err view_check(struct creq *r, bool *ok)
{
    struct check k = {r, false};
    gw_err err;

    *ok = false;
    r->ncommunes = 0;
    r->xa_q[0] = '\0';
    if (r->xa < 0)
        return GW_OK;
    err = db_officer_communes(r->c->db, r->me.id, count_one, &k);
    if (err)
        return err;
    if (r->xa > 0 && !k.found)
        return GW_OK;
    if (r->xa > 0)
        (void)snprintf(r->xa_q, sizeof(r->xa_q), "?xa=%lld", (long long)r->xa);
    *ok = true;
    return GW_OK;
}

bool view_too_wide(const struct creq *r)
{
    const struct dt_config *cfg = r->c->deps.cfg;
    unsigned max = cfg && cfg->console_view_max ? cfg->console_view_max : 10;

    return r->xa == 0 && r->ncommunes > max;
}

struct list {
    const struct creq *r;
    struct page *p;
    const char *action;
    bool links; /* a list of links, else the options of a select */
};

static gw_err write_one(void *ctx, const struct db_commune_ref *c)
{
    struct list *l = ctx;

    if (l->links)
        page_f(l->p,
               "<li><a href=\"%s?xa=%D\">%s</a> <small>%s · %s</small></li>",
               l->action, c->id, c->name, c->district, c->code);
    else
        page_f(l->p, "<option value=\"%D\"%s>%s (%s)</option>", c->id,
               c->id == l->r->xa ? " selected" : "", c->name, c->district);
    return GW_OK;
}

void view_picker(struct page *p, const struct creq *r, const char *action)
{
    struct list l = {r, p, action, false};

    if (r->ncommunes < 2)
        return;
    page_f(p,
           "<form class=\"view\" method=\"get\" action=\"%s\"><label>Xã "
           "<select name=\"xa\"><option value=\"0\">Tất cả %d xã</option>",
           action, (int)r->ncommunes);
    (void)db_officer_communes(r->c->db, r->me.id, write_one, &l);
    page_f(p, "</select></label><button type=\"submit\">Xem</button></form>");
}

void view_choose(struct page *p, const struct creq *r, const char *action,
                 const char *what)
{
    struct list l = {r, p, action, true};

    page_f(p,
           "<p class=\"hint\">Tài khoản này xem %d xã: chọn một xã để xem "
           "%s (cộng tất cả các xã trên một trang sẽ rất chậm).</p>",
           (int)r->ncommunes, what);
    view_picker(p, r, action); /* a select finds one by typing */
    page_f(p, "<ul class=\"communes\">");
    if (db_officer_communes(r->c->db, r->me.id, write_one, &l) != GW_OK)
        page_f(p, "<li>Không đọc được danh sách xã.</li>");
    page_f(p, "</ul>");
}
