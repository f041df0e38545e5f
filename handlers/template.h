/* template.h - message texts from config/messages.conf, with named fields
 *
 * Every SMS diemtua sends is a template: literal plain-ASCII text with
 * {field} placeholders, one line a message, keyed as in
 * handlers/messages.def. Each field has a type and a widest rendering
 * (template.c), so loading can prove that every message fits one
 * 160-character GSM-7 segment whatever the data: a text that could be
 * longer is refused at start-up, not truncated at send time.
 *
 *   struct templates t;
 *   if (templates_load("config/messages.conf", &t, err, sizeof(err)))
 *       ... print err ("FILE:LINE: key: reason") and stop
 *   templates_set_brand(&t, cfg->brand, cfg->hotline);
 *   const struct tpl_arg a[] = {
 *       TPL_STR("name", member_name),       // UTF-8, folded to ASCII
 *       TPL_INT("interest", 275000),        // money: "275.000"
 *       TPL_DATE("dm", session_date),       // "17/05"
 *   };
 *   template_render(&t, MSG_RECEIPT, a, ARRAY_SIZE(a), out, sizeof(out));
 *   templates_release(&t);
 *
 * After loading, templates are read-only and may be shared by threads.
 */
#ifndef DT_TEMPLATE_H
#define DT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "text/date.h"

enum msg_id {
#define MSG(key, fields) MSG_##key,
#define MSGW(key, width, fields) MSG_##key,
#include "handlers/messages.def"
#undef MSG
#undef MSGW
    MSG_COUNT
};

/* Widest brand and hotline the templates allow (config checks them). */
#define TPL_BRAND_MAX 8
#define TPL_PHONE_MAX 12

struct templates {
    char *text[MSG_COUNT]; /* owned, "{field}" placeholders kept */
    char brand[TPL_BRAND_MAX + 1];
    char hotline[TPL_PHONE_MAX + 1];
};

/* How a field renders. */
enum tpl_type {
    TPL_T_TEXT,  /* text, cut to the width (codes, programmes, commands) */
    TPL_T_NAME,  /* a person: "Nguyen T.H. Nhung" when too long */
    TPL_T_GIVEN, /* the last word of a person's name */
    TPL_T_PLACE, /* group or commune: cut at a word when too long */
    TPL_T_MONEY, /* whole VND 0..DT_MONEY_MAX: "275.000" */
    TPL_T_DATE,  /* "17/05/2026" */
    TPL_T_DM,    /* "17/05" */
    TPL_T_UINT,  /* as many digits as the width allows */
    TPL_T_PHONE, /* "+84912345678" renders "0912345678" */
    TPL_T_WORD   /* a rendered MSGW message (a state) */
};

enum tpl_kind { TPL_ARG_STR, TPL_ARG_INT, TPL_ARG_DATE };

/* One named value. A string is accepted by every field: text types fold
 * and cut it; number and date types take it as already formatted and
 * refuse it (GW_ETOOBIG) if it is wider than the field, since a cut
 * number would lie. */
struct tpl_arg {
    const char *name;
    enum tpl_kind kind;
    const char *s; /* UTF-8, borrowed; NULL renders as "" */
    int64_t i;
    struct dt_date d;
};

#define TPL_STR(n, v)                                                          \
    {                                                                          \
        (n), TPL_ARG_STR, (v), 0,                                              \
        {                                                                      \
            0, 0, 0                                                            \
        }                                                                      \
    }
#define TPL_INT(n, v)                                                          \
    {                                                                          \
        (n), TPL_ARG_INT, NULL, (int64_t)(v),                                  \
        {                                                                      \
            0, 0, 0                                                            \
        }                                                                      \
    }
#define TPL_DATE(n, v)                                                         \
    {                                                                          \
        (n), TPL_ARG_DATE, NULL, 0, (v)                                        \
    }

/* Reads every template from path into t (initialised here; brand "NHCS",
 * no hotline). On error fills err[errsize] with "path:line: key: reason"
 * ("path: key: missing" for a message absent from the file), leaves t
 * empty and returns GW_EINVAL, or GW_EIO when the file cannot be read.
 * Release t with templates_release() after success. */
gw_err templates_load(const char *path, struct templates *t, char *err,
                      size_t errsize);

/* Frees the texts; t may be loaded again. Safe on a zeroed t. */
void templates_release(struct templates *t);

/* Sets the values of {brand} and {hotline}: plain printable ASCII of at
 * most TPL_BRAND_MAX and TPL_PHONE_MAX characters; GW_EINVAL otherwise
 * (t unchanged). hotline may be NULL or "". */
gw_err templates_set_brand(struct templates *t, const char *brand,
                           const char *hotline);

/* Renders message id into out[size] (size > 160 always suffices). Every
 * field the text uses must be in args (brand and hotline come from t);
 * extra args are ignored. GW_EINVAL for a missing argument, an argument
 * of the wrong kind (a date for a money field), a bad date or invalid
 * UTF-8; GW_ETOOBIG for a number out of its field's range or out too
 * small; GW_EINTERNAL (logged) if the result were not one GSM-7
 * segment, which the load check rules out. out is "" on error. */
gw_err template_render(const struct templates *t, enum msg_id id,
                       const struct tpl_arg *args, size_t nargs, char *out,
                       size_t size);

/* The message's key as written in messages.conf ("sd_one"), its field
 * list from messages.def (space-separated, static) and the length it
 * must fit (160, or the width of an MSGW word). */
const char *template_key(enum msg_id id);
const char *template_fields(enum msg_id id);
size_t template_limit(enum msg_id id);

/* Longest the loaded text of id can render: literal septets plus the
 * width of each field. */
size_t template_worst_case(const struct templates *t, enum msg_id id);

/* Type and widest rendering of field name (digit suffix allowed); false
 * for an unknown field. */
bool template_field_info(const char *name, enum tpl_type *type, size_t *width);

/* Writes the name as the templates show it: folded to ASCII, and when
 * longer than width, middle names reduced to initials ("Nguyen T.H.
 * Nhung"), then cut. GW_EINVAL for invalid UTF-8. */
gw_err template_abbrev_name(const char *name, size_t width, char *out,
                            size_t size);

#endif
