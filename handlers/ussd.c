/* ussd.c - USSD menus: walk the path, build the command, show the reply
 *
 * Every hop walks the whole path from home: each input answers the screen
 * the inputs kept before it lead to, and is kept, dropped as wrong (the
 * screen is asked again), or is a navigation key. The walk never writes;
 * a screen that ends in a command runs it through handle_sms(), the same
 * code an SMS runs (dispatch.c), so the menus hold no business rules of
 * their own beyond what makes an input well-formed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/util.h"
#include "db/db_member.h"
#include "db/db_collection.h"
#include "db/db_ussd.h"
#include "handlers/handler.h"
#include "handlers/template.h"
#include "handlers/understand.h"
#include "handlers/ussd.h"
#include "handlers/ussd_stored.h"
#include "text/money.h"
#include "common/banned.h"

/* Screens. A walk ends on a screen that asks for input, or on a
 * terminal: a command that reads (its reply is the END screen) or the
 * action that writes. */
enum node {
    N_HOME,
    N_M_CODE,    /* member: receipt code */
    N_M_CHOICE,  /* member: 1 confirm, 2 dispute */
    N_M_BALANCE, /* member: SD with more loans than fit: 1 the rest */
    N_L_SEQ,     /* leader, record a collection: member number */
    N_L_INTEREST,
    N_L_SAVINGS,
    N_L_PRINCIPAL,
    N_L_PIN,
    N_L_CONFIRM,
    N_L_VOID_CODE,
    N_L_VOID_PIN,
    N_L_MORE,
    N_L_REMIT_PIN,
    N_L_PIN_OLD,
    N_L_PIN_NEW,
    N_L_PIN_REPEAT,
    N_RUN,  /* terminal: a command that only reads */
    N_WRITE /* terminal: the action that writes */
};

enum cmd {
    C_SD,
    C_SD2,
    C_LAI,
    C_LS,
    C_HD,
    C_DS,
    C_TONG,
    C_XN,
    C_SAI,
    C_THU,
    C_HUYTHU,
    C_NOP,
    C_MK,
    C_TEXT /* words typed on the home screen ("so du"): run as typed */
};

static const char *const cmd_words[] = {
    [C_SD] = "SD",   [C_SD2] = "SD 2", [C_LAI] = "LAI",       [C_LS] = "LS",
    [C_HD] = "HD",   [C_DS] = "DS",    [C_TONG] = "TONG",     [C_XN] = "XN",
    [C_SAI] = "SAI", [C_THU] = "THU",  [C_HUYTHU] = "HUYTHU", [C_NOP] = "NOP",
    [C_MK] = "MK",
};

/* Why an input was not kept; shown above the screen asked again. */
enum hint {
    H_NONE,
    H_CHOICE,
    H_SEQ,
    H_AMOUNT,
    H_SMALL,
    H_EMPTY,
    H_PIN,
    H_CODE,
    H_MISMATCH
};

static const enum msg_id hint_msgs[] = {
    [H_NONE] = MSG_COUNT,
    [H_CHOICE] = MSG_USSD_HINT_CHOICE,
    [H_SEQ] = MSG_USSD_HINT_SEQ,
    [H_AMOUNT] = MSG_USSD_HINT_AMOUNT,
    [H_SMALL] = MSG_USSD_HINT_SMALL,
    [H_EMPTY] = MSG_USSD_HINT_EMPTY,
    [H_PIN] = MSG_USSD_HINT_PIN,
    [H_CODE] = MSG_USSD_HINT_CODE,
    [H_MISMATCH] = MSG_USSD_HINT_MISMATCH,
};

#define USSD_PIN_MIN 4
#define USSD_PIN_MAX 6
#define USSD_CODE_LEN 6
#define USSD_SEQ_MAX 999u

struct walk {
    struct db *db;
    const struct handler_ctx *ctx;
    const struct ussd_hop *hop;
    const struct db_caller *who;      /* NULL: an unknown number */
    struct strv raw[USSD_MAX_INPUTS]; /* every input of the path, trimmed */
    size_t nraw;
    size_t used;     /* raw[used..] came after a closing screen: not read */
    uint64_t masked; /* bit i: raw[i] is stored "****" */
    size_t kept[USSD_MAX_INPUTS]; /* indexes into raw: the inputs kept */
    size_t depth;
    enum hint hint;            /* the last input was wrong */
    bool bye;                  /* the last input was '0' at home */
    struct db_ussd_member mem; /* the member of the kept number */
};

static bool all_digits(struct strv s, size_t min, size_t max)
{
    size_t i;

    if (s.len < min || s.len > max)
        return false;
    for (i = 0; i < s.len; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return true;
}

/* A wrong entry that could be a PIN typed on the wrong screen. */
static bool pin_like(struct strv s)
{
    return all_digits(s, 4, 8);
}

static struct strv kept_input(const struct walk *w, size_t i)
{
    return w->raw[w->kept[i]];
}

/* The home screen's input was words, not a menu key. */
static bool home_was_words(const struct walk *w)
{
    return w->depth > 0 && kept_input(w, 0).len != 1;
}

static char kept_key(const struct walk *w, size_t i)
{
    return kept_input(w, i).p[0];
}

/* ---- the menu tree -------------------------------------------------- */

/* SD has no room for all her loans: a second screen holds the rest. */
static bool balance_more(const struct walk *w)
{
    bool more = false;

    return w->who != NULL &&
           handler_balance_more(w->db, w->who->id, &more) == GW_OK && more;
}

static enum node member_node(const struct walk *w, enum cmd *c)
{
    static const enum cmd runs[] = {C_SD, C_LAI, C_LS, C_HD, C_HD};
    char k;

    if (w->depth == 0)
        return N_HOME;
    k = kept_key(w, 0);
    if (k == '1' && w->depth == 1 && balance_more(w))
        return N_M_BALANCE;
    if (k == '1' && w->depth > 1) {
        *c = C_SD2; /* the only choice N_M_BALANCE keeps */
        return N_RUN;
    }
    if (k != '4') {
        *c = runs[k == '5' ? 3 : k - '1'];
        return N_RUN;
    }
    if (w->depth == 1)
        return N_M_CODE;
    if (w->depth == 2)
        return N_M_CHOICE;
    *c = kept_key(w, 2) == '1' ? C_XN : C_SAI;
    return N_WRITE;
}

static enum node leader_more(const struct walk *w, enum cmd *c)
{
    static const enum node pin_steps[] = {N_L_PIN_OLD, N_L_PIN_NEW,
                                          N_L_PIN_REPEAT};
    size_t d = w->depth;

    if (d == 1)
        return N_L_MORE;
    switch (kept_key(w, 1)) {
    case '1':
        if (d == 2)
            return N_L_REMIT_PIN;
        *c = C_NOP;
        return N_WRITE;
    case '2':
        if (d <= 4)
            return pin_steps[d - 2];
        *c = C_MK;
        return N_WRITE;
    case '3':
        *c = C_SD;
        return N_RUN;
    default:
        *c = C_HD;
        return N_RUN;
    }
}

static enum node leader_node(const struct walk *w, enum cmd *c)
{
    static const enum node collect_steps[] = {N_L_SEQ,     N_L_INTEREST,
                                              N_L_SAVINGS, N_L_PRINCIPAL,
                                              N_L_PIN,     N_L_CONFIRM};
    size_t d = w->depth;

    if (d == 0)
        return N_HOME;
    switch (kept_key(w, 0)) {
    case '1':
        if (d <= ARRAY_SIZE(collect_steps))
            return collect_steps[d - 1];
        *c = C_THU;
        return N_WRITE;
    case '2':
        *c = C_DS;
        return N_RUN;
    case '3':
        *c = C_TONG;
        return N_RUN;
    case '4':
        if (d == 1)
            return N_L_VOID_CODE;
        if (d == 2)
            return N_L_VOID_PIN;
        *c = C_HUYTHU;
        return N_WRITE;
    default:
        return leader_more(w, c);
    }
}

static enum node node_of(const struct walk *w, enum cmd *c)
{
    *c = C_HD;
    if (home_was_words(w)) {
        *c = C_TEXT;
        return N_RUN;
    }
    return w->who->is_leader ? leader_node(w, c) : member_node(w, c);
}

static bool is_pin_node(enum node n)
{
    return n == N_L_PIN || n == N_L_VOID_PIN || n == N_L_REMIT_PIN ||
           n == N_L_PIN_OLD || n == N_L_PIN_NEW || n == N_L_PIN_REPEAT;
}

/* ---- checking one input --------------------------------------------- */

static enum hint choice(struct strv s, char max)
{
    return s.len == 1 && s.p[0] >= '1' && s.p[0] <= max ? H_NONE : H_CHOICE;
}

/* An amount as typed; "1" is the menu's "none" (no real amount is 1
 * VND, and '0' is the back key). Under 1.000 VND is almost surely a
 * missing k (385 for 385k): refused with its own hint, as SMS does. */
static enum hint amount_hint(struct strv s, int64_t *v)
{
    if (s.len == 1 && s.p[0] == '1') {
        *v = 0;
        return H_NONE;
    }
    if (s.len > USSD_INPUT_MAX || money_parse(s, v) != GW_OK)
        return H_AMOUNT;
    return *v > 0 && *v < HANDLER_AMOUNT_MIN ? H_SMALL : H_NONE;
}

static bool amount_of(struct strv s, int64_t *v)
{
    return amount_hint(s, v) == H_NONE;
}

static bool code_ok(struct strv s)
{
    size_t i;

    if (s.len != USSD_CODE_LEN)
        return false;
    for (i = 0; i < s.len; i++) {
        char ch = s.p[i];

        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= 'a' && ch <= 'z')))
            return false;
    }
    return true;
}

/* The member number: 1..999 and in the leader's own group. */
static gw_err check_seq(struct walk *w, struct strv s, enum hint *h)
{
    struct db_ussd_member m;
    uint64_t seq = 0;
    gw_err err;

    *h = H_SEQ;
    if (!all_digits(s, 1, 3) || strv_to_u64(s, USSD_SEQ_MAX, &seq) != GW_OK ||
        seq == 0)
        return GW_OK;
    err = db_ussd_member_by_seq(w->db, w->who->group_id, (int)seq, &m);
    if (err == GW_ENOTFOUND)
        return GW_OK;
    if (err)
        return err;
    w->mem = m;
    *h = H_NONE;
    return GW_OK;
}

/* The principal screen ends the amounts: all three nothing is no receipt. */
static enum hint check_principal(const struct walk *w, struct strv s)
{
    int64_t interest = 0, savings = 0, principal = 0;
    enum hint h = amount_hint(s, &principal);

    if (h != H_NONE)
        return h;
    (void)amount_of(kept_input(w, 2), &interest);
    (void)amount_of(kept_input(w, 3), &savings);
    return interest == 0 && savings == 0 && principal == 0 ? H_EMPTY : H_NONE;
}

static enum hint check_pin(const struct walk *w, enum node n, struct strv s)
{
    struct strv first;

    if (!all_digits(s, USSD_PIN_MIN, USSD_PIN_MAX))
        return H_PIN;
    if (n != N_L_PIN_REPEAT)
        return H_NONE;
    first = kept_input(w, 3);
    return first.len == s.len && memcmp(first.p, s.p, s.len) == 0 ? H_NONE
                                                                  : H_MISMATCH;
}

/* Whether input s answers screen n; *h is H_NONE when it is kept. */
static gw_err check_input(struct walk *w, enum node n, struct strv s,
                          enum hint *h)
{
    int64_t v;

    *h = H_NONE;
    switch (n) {
    case N_HOME:
        *h = choice(s, '5');
        /* Words instead of a key ("so du"): what they mean runs when it
         * only reads; what writes keeps its menu (it asks for the code or
         * the PIN). */
        if (*h != H_NONE && s.len > 1 &&
            understand_reads(w->ctx->phrases, s,
                             w->who->is_leader ? HANDLER_LEADER
                                               : HANDLER_MEMBER))
            *h = H_NONE;
        break;
    case N_L_MORE:
        *h = choice(s, '4');
        break;
    case N_M_CHOICE:
        *h = choice(s, '2');
        break;
    case N_M_BALANCE:
        *h = choice(s, '1');
        break;
    case N_L_CONFIRM:
        *h = choice(s, '1');
        break;
    case N_L_SEQ:
        return check_seq(w, s, h);
    case N_L_INTEREST:
        *h = amount_hint(s, &v);
        break;
    case N_L_SAVINGS:
        *h = amount_hint(s, &v);
        break;
    case N_L_PRINCIPAL:
        *h = check_principal(w, s);
        break;
    case N_M_CODE:
    case N_L_VOID_CODE:
        *h = code_ok(s) ? H_NONE : H_CODE;
        break;
    default:
        *h = is_pin_node(n) ? check_pin(w, n, s) : H_CHOICE;
        break;
    }
    return GW_OK;
}

/* ---- walking -------------------------------------------------------- */

/* Inputs past the end of a walk (after a terminal screen, which closed
 * the session) are never read as answers; mask any that could be a PIN. */
static void mask_rest(struct walk *w, size_t from, size_t to)
{
    size_t i;

    for (i = from; i < to; i++)
        if (pin_like(w->raw[i]))
            w->masked |= (uint64_t)1 << i;
}

/* One input against the screen the kept inputs lead to. */
static gw_err walk_one(struct walk *w, size_t i, enum node n)
{
    struct strv s = w->raw[i];
    bool last = i + 1 == w->nraw;
    enum hint h;
    gw_err err;

    if (is_pin_node(n))
        w->masked |= (uint64_t)1 << i;
    if (strv_eq(s, "00")) {
        w->depth = 0;
        return GW_OK;
    }
    if (strv_eq(s, "0")) {
        if (w->depth > 0)
            w->depth--;
        else if (last)
            w->bye = true;
        return GW_OK;
    }
    err = check_input(w, n, s, &h);
    if (err)
        return err;
    if (h != H_NONE) {
        if (pin_like(s))
            w->masked |= (uint64_t)1 << i;
        if (last)
            w->hint = h;
        return GW_OK;
    }
    w->kept[w->depth++] = i;
    return GW_OK;
}

/* Walks every input; *n and *c are where the walk ends. */
static gw_err walk_all(struct walk *w, enum node *n, enum cmd *c)
{
    size_t i, skip = w->hop->skip;
    gw_err err;

    *n = node_of(w, c);
    for (i = 0; i < w->nraw; i++) {
        if (i == skip) /* the idle timeout: start again at home */
            w->depth = 0;
        *n = node_of(w, c);
        if (*n >= N_RUN) {
            if (i >= skip) {
                mask_rest(w, i, w->nraw);
                w->used = i;
                return GW_OK;
            }
            mask_rest(w, i, skip);
            i = skip - 1; /* the loop's i++ lands on skip */
            continue;
        }
        err = walk_one(w, i, *n);
        if (err)
            return err;
    }
    if (w->nraw == skip)
        w->depth = 0;
    *n = node_of(w, c);
    return GW_OK;
}

/* What a walk may store: the path with its PIN inputs starred. */
static void fill_stored(const struct walk *w, struct ussd_step *step)
{
    ussd_stored_fill(w->raw, w->used, w->masked, w->hop, step);
}

/* ---- screens -------------------------------------------------------- */

/* " / " in a template is a line break on the phone. */
static void line_breaks(char *s)
{
    char *r = s, *o = s;

    while (*r) {
        if (r[0] == ' ' && r[1] == '/' && r[2] == ' ') {
            *o++ = '\n';
            r += 3;
        } else {
            *o++ = *r++;
        }
    }
    *o = '\0';
}

static gw_err render(const struct walk *w, enum msg_id id,
                     const struct tpl_arg *a, size_t n, char *out, size_t size)
{
    gw_err err = template_render(w->ctx->tpl, id, a, n, out, size);

    if (err)
        log_error("ussd", "screen %s: %s", template_key(id), gw_strerror(err));
    else
        line_breaks(out);
    return err;
}

/* The kept member number (checked: 1..999). */
static int64_t kept_seq(const struct walk *w)
{
    uint64_t v = 0;

    (void)strv_to_u64(kept_input(w, 1), USSD_SEQ_MAX, &v);
    return (int64_t)v;
}

static int64_t kept_amount(const struct walk *w, size_t i)
{
    int64_t v = 0;

    (void)amount_of(kept_input(w, i), &v);
    return v;
}

/* The code as typed, upper-cased, into out[USSD_CODE_LEN + 1]. */
static void kept_code(const struct walk *w, size_t i, char *out)
{
    struct strv s = kept_input(w, i);
    size_t j;

    for (j = 0; j < s.len && j < USSD_CODE_LEN; j++)
        out[j] = (s.p[j] >= 'a' && s.p[j] <= 'z') ? (char)(s.p[j] - 'a' + 'A')
                                                  : s.p[j];
    out[j] = '\0';
}

static gw_err render_collect(const struct walk *w, enum node n, char *out,
                             size_t size)
{
    const struct tpl_arg a[] = {
        TPL_INT("seq", kept_seq(w)),
        TPL_STR("name", w->mem.name),
        TPL_INT("due", w->mem.interest_due),
        TPL_INT("overdue", w->mem.overdue),
        TPL_INT("interest", w->depth > 2 ? kept_amount(w, 2) : 0),
        TPL_INT("savings", w->depth > 3 ? kept_amount(w, 3) : 0),
        TPL_INT("principal", w->depth > 4 ? kept_amount(w, 4) : 0),
        TPL_INT("outstanding", w->mem.outstanding),
    };
    enum msg_id id = n == N_L_INTEREST    ? MSG_USSD_ASK_INTEREST
                     : n == N_L_SAVINGS   ? MSG_USSD_ASK_SAVINGS
                     : n == N_L_PRINCIPAL ? MSG_USSD_ASK_PRINCIPAL
                                          : MSG_USSD_CONFIRM_THU;

    return render(w, id, a, ARRAY_SIZE(a), out, size);
}

static enum msg_id prompt_msg(const struct walk *w, enum node n)
{
    switch (n) {
    case N_HOME:
        return w->who->is_leader ? MSG_USSD_HOME_LEADER : MSG_USSD_HOME_MEMBER;
    case N_M_CODE:
        return MSG_USSD_ASK_CODE;
    case N_M_CHOICE:
        return MSG_USSD_RECEIPT_CHOICE;
    case N_L_SEQ:
        return MSG_USSD_ASK_SEQ;
    case N_L_PIN:
        return MSG_USSD_ASK_PIN;
    case N_L_VOID_CODE:
        return MSG_USSD_ASK_VOID_CODE;
    case N_L_VOID_PIN:
        return MSG_USSD_ASK_VOID_PIN;
    case N_L_MORE:
        return MSG_USSD_MORE;
    case N_L_REMIT_PIN:
        return MSG_USSD_ASK_REMIT_PIN;
    case N_L_PIN_OLD:
        return MSG_USSD_ASK_PIN_OLD;
    case N_L_PIN_NEW:
        return MSG_USSD_ASK_PIN_NEW;
    default:
        return MSG_USSD_ASK_PIN_REPEAT;
    }
}

/* The receipt whose code the member typed, when it is hers. */
static bool receipt_of_hers(const struct walk *w, struct db_collection *c)
{
    char code[8];

    kept_code(w, 1, code);
    return w->who != NULL && code[0] != '\0' &&
           db_collection_get(w->db, code, c) == GW_OK &&
           c->member_id == w->who->id;
}

/* The screen that asks for the next input, after the hint when the last
 * input was wrong. */
static gw_err render_prompt(const struct walk *w, enum node n,
                            struct ussd_step *step)
{
    char prompt[USSD_SCREEN_SIZE * 2], hint[USSD_SCREEN_SIZE], code[8];
    struct db_collection c;
    gw_err err;

    if (n == N_L_INTEREST || n == N_L_SAVINGS || n == N_L_PRINCIPAL ||
        n == N_L_CONFIRM) {
        err = render_collect(w, n, prompt, sizeof(prompt));
    } else if (n == N_M_CHOICE && receipt_of_hers(w, &c)) {
        /* She confirms what she sees: the amounts of her receipt. */
        struct dt_date day = date_local((time_t)c.created_at, NULL);
        const struct tpl_arg a[] = {
            TPL_STR("code", c.receipt_code), TPL_DATE("dm", day),
            TPL_INT("interest", c.interest), TPL_INT("savings", c.savings),
            TPL_INT("principal", c.principal)};

        err = render(w, MSG_USSD_RECEIPT_AMOUNTS, a, ARRAY_SIZE(a), prompt,
                     sizeof(prompt));
    } else {
        const struct tpl_arg a[] = {TPL_STR("code", code)};
        bool coded = n == N_M_CHOICE || n == N_L_VOID_PIN;

        code[0] = '\0';
        if (coded)
            kept_code(w, 1, code);
        err = render(w, prompt_msg(w, n), a, coded ? 1 : 0, prompt,
                     sizeof(prompt));
    }
    if (err)
        return err;
    step->end = false;
    hint[0] = '\0';
    if (w->hint != H_NONE &&
        render(w, hint_msgs[w->hint], NULL, 0, hint, sizeof(hint)) == GW_OK &&
        strlen(hint) + 1 + strlen(prompt) <= DT_USSD_SCREEN_MAX) {
        size_t hl = strlen(hint);

        memcpy(step->screen, hint, hl);
        step->screen[hl] = '\n';
        memcpy(step->screen + hl + 1, prompt, strlen(prompt) + 1);
        return GW_OK;
    }
    /* The load check keeps prompts within the screen. */
    return strv_copy(strv_from_cstr(prompt), step->screen,
                     sizeof(step->screen));
}

void ussd_end_note(const struct handler_ctx *ctx, enum msg_id msg,
                   struct ussd_step *step)
{
    step->end = true;
    step->write = false;
    if (template_render(ctx->tpl, msg, NULL, 0, step->screen,
                        sizeof(step->screen)) != GW_OK)
        (void)snprintf(step->screen, sizeof(step->screen), "%s",
                       ctx->tpl->brand);
}

/* ---- commands ------------------------------------------------------- */

/* The words the SMS command would have; holds the PIN of write actions. */
static void build_command(const struct walk *w, enum cmd c, char *out,
                          size_t size)
{
    char code[8];
    struct strv pin;

    switch (c) {
    case C_THU:
        pin = kept_input(w, 5);
        if (kept_amount(w, 4) > 0)
            (void)snprintf(out, size, "THU %lld %lld %lld G%lld %.*s",
                           (long long)kept_seq(w), (long long)kept_amount(w, 2),
                           (long long)kept_amount(w, 3),
                           (long long)kept_amount(w, 4), (int)pin.len, pin.p);
        else
            (void)snprintf(out, size, "THU %lld %lld %lld %.*s",
                           (long long)kept_seq(w), (long long)kept_amount(w, 2),
                           (long long)kept_amount(w, 3), (int)pin.len, pin.p);
        break;
    case C_HUYTHU:
        kept_code(w, 1, code);
        pin = kept_input(w, 2);
        (void)snprintf(out, size, "HUYTHU %s %.*s", code, (int)pin.len, pin.p);
        break;
    case C_NOP:
        pin = kept_input(w, 2);
        (void)snprintf(out, size, "NOP %.*s", (int)pin.len, pin.p);
        break;
    case C_MK:
        (void)snprintf(out, size, "MK %.*s %.*s", (int)kept_input(w, 2).len,
                       kept_input(w, 2).p, (int)kept_input(w, 3).len,
                       kept_input(w, 3).p);
        break;
    case C_XN:
    case C_SAI:
        kept_code(w, 1, code);
        (void)snprintf(out, size, "%s %s", cmd_words[c], code);
        break;
    case C_TEXT:
        (void)snprintf(out, size, "%.*s", (int)kept_input(w, 0).len,
                       kept_input(w, 0).p);
        break;
    default:
        (void)snprintf(out, size, "%s", cmd_words[c]);
        break;
    }
}

/* Runs command for the caller through the SMS dispatcher; the reply to
 * the caller becomes the END screen. */
static gw_err run_command(struct db *db, const struct handler_ctx *ctx,
                          const struct ussd_hop *hop, const char *command,
                          struct ussd_step *step, struct reply *out)
{
    struct sms_in in;
    size_t i;
    gw_err err;

    memset(&in, 0, sizeof(in));
    in.provider = hop->provider;
    in.channel = "ussd";
    memcpy(in.phone, hop->phone, sizeof(in.phone));
    in.text = strv_from_cstr(command);
    in.now = hop->now;
    in.today = hop->today;
    err = handle_sms(db, ctx, &in, out);
    /* handle_sms keeps nothing of the text but its redacted copy. */
    explicit_bzero(&in.text, sizeof(in.text));
    if (err)
        return err;
    for (i = 0; i < out->nmsgs; i++) {
        const struct out_msg *m = &out->msgs[i];

        if (strcmp(m->kind, "REPLY") == 0 && strcmp(m->phone, hop->phone) == 0)
            break;
    }
    if (i == out->nmsgs) {
        ussd_end_note(ctx, MSG_USSD_BUSY, step);
        return GW_OK;
    }
    step->end = true;
    return strv_copy(strv_from_cstr(out->msgs[i].text), step->screen,
                     sizeof(step->screen));
}

void ussd_step_wipe(struct ussd_step *step)
{
    explicit_bzero(step->command, sizeof(step->command));
}

gw_err ussd_commit(struct db *db, const struct handler_ctx *ctx,
                   const struct ussd_hop *hop, struct ussd_step *step,
                   struct reply *out)
{
    gw_err err;

    memset(out, 0, sizeof(*out));
    if (!step->write || step->command[0] == '\0') {
        ussd_step_wipe(step);
        return GW_EINVAL;
    }
    err = run_command(db, ctx, hop, step->command, step, out);
    ussd_step_wipe(step);
    /* The command's own redacted copy is not what a USSD row stores. */
    (void)snprintf(out->stored_text, sizeof(out->stored_text), "%s",
                   step->stored);
    return err;
}

/* ---- the hop -------------------------------------------------------- */

static gw_err walk_known(struct walk *w, struct ussd_step *step)
{
    struct reply r;
    enum node n;
    enum cmd c;
    gw_err err;

    err = walk_all(w, &n, &c);
    fill_stored(w, step);
    if (err)
        return err;
    if (w->bye) {
        ussd_end_note(w->ctx, MSG_USSD_BYE, step);
        return GW_OK;
    }
    if (n == N_WRITE) {
        build_command(w, c, step->command, sizeof(step->command));
        step->write = true;
        return GW_OK;
    }
    if (n == N_M_BALANCE) {
        /* The SD page itself, then the way to the loans it had no room
         * for: at most 160 + 22 characters, one screen. */
        static const char more[] = "\n1 Xem tiep\n0 Quay lai";
        size_t len;

        err = run_command(w->db, w->ctx, w->hop, "SD", step, &r);
        if (err || !step->end)
            return err;
        len = strlen(step->screen);
        if (len + sizeof(more) <= sizeof(step->screen)) {
            memcpy(step->screen + len, more, sizeof(more));
            step->end = false;
        }
        return GW_OK;
    }
    if (n != N_RUN)
        return render_prompt(w, n, step);
    build_command(w, c, step->command, sizeof(step->command));
    err = run_command(w->db, w->ctx, w->hop, step->command, step, &r);
    ussd_step_wipe(step);
    return err;
}

gw_err ussd_walk(struct db *db, const struct handler_ctx *ctx,
                 const struct ussd_hop *hop, struct ussd_step *step)
{
    struct db_caller who;
    struct walk w;
    gw_err err;

    memset(step, 0, sizeof(*step));
    memset(&w, 0, sizeof(w));
    w.db = db;
    w.ctx = ctx;
    w.hop = hop;
    if (hop->text.len > USSD_TEXT_MAX ||
        !ussd_split_path(hop->text, w.raw, &w.nraw)) {
        ussd_end_note(ctx, MSG_USSD_TOO_LONG, step);
        return GW_OK;
    }
    w.used = w.nraw;
    err =
        hop->phone[0] ? db_member_by_phone(db, hop->phone, &who) : GW_ENOTFOUND;
    if (err == GW_ENOTFOUND) {
        mask_rest(&w, 0, w.nraw);
        fill_stored(&w, step);
        ussd_end_note(ctx, MSG_USSD_UNKNOWN, step);
        return GW_OK;
    }
    if (err == GW_OK) {
        w.who = &who;
        err = walk_known(&w, step);
    }
    if (err)
        ussd_end_note(ctx, MSG_USSD_BUSY, step);
    return err;
}
