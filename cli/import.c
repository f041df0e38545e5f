/* import.c - one CSV file, one transaction: read, check, upsert, commit
 *
 * Rows are upserted as they are read, inside the transaction, so a row may
 * refer to a code defined earlier in the same file. Values that must be
 * unique across rows (a member's phone and seq) are checked once after the
 * last row, on the state the whole file produces, so that the order of the
 * rows does not matter. Checking goes on after a bad row, to report every
 * one of them; the transaction is committed only when there was none, and
 * rolled back otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import.h"
#include "cli/import_rows.h"
#include "common/csv.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* The codes seen in this file, with the line each first appeared on. */
struct seen_slot {
    char *code; /* NULL when free */
    size_t line;
    bool stored; /* the row on line was valid and written */
};

struct import_seen {
    struct seen_slot *slots;
    size_t cap; /* a power of two */
    size_t used;
};

static size_t seen_hash(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static struct seen_slot *seen_slot_for(struct seen_slot *slots, size_t cap,
                                       const char *p, size_t n)
{
    size_t i = seen_hash(p, n) & (cap - 1);

    while (slots[i].code &&
           !(strlen(slots[i].code) == n && memcmp(slots[i].code, p, n) == 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void seen_grow(struct import_seen *s)
{
    size_t cap = s->cap ? s->cap * 2 : 256, i;
    struct seen_slot *slots = xcalloc(cap, sizeof(*slots));

    for (i = 0; i < s->cap; i++) {
        struct seen_slot *old = &s->slots[i];

        if (old->code)
            *seen_slot_for(slots, cap, old->code, strlen(old->code)) = *old;
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
}

/* Records code at line into *slot; returns 0 if it is new, else the
 * first line. */
static size_t seen_add(struct import_seen *s, struct strv code, size_t line,
                       struct seen_slot **slot)
{
    if (2 * (s->used + 1) > s->cap) /* keep the load under a half */
        seen_grow(s);
    *slot = seen_slot_for(s->slots, s->cap, code.p, code.len);
    if ((*slot)->code)
        return (*slot)->line;
    (*slot)->code = xstrndup(code.p, code.len);
    (*slot)->line = line;
    s->used++;
    return 0;
}

size_t import_stored_line(const struct import_ctx *ctx, const char *code)
{
    const struct import_seen *s = ctx->seen;
    const struct seen_slot *slot;

    if (s == NULL || s->cap == 0)
        return 0;
    slot = seen_slot_for(s->slots, s->cap, code, strlen(code));
    return slot->code && slot->stored ? slot->line : 0;
}

static void seen_release(struct import_seen *s)
{
    size_t i;

    for (i = 0; i < s->cap; i++)
        free(s->slots[i].code);
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

void import_report(struct import_ctx *ctx, const char *column, const char *fmt,
                   ...)
{
    va_list ap;

    ctx->row_bad = true;
    ctx->errors_written++;
    if (ctx->errors == NULL)
        return;
    (void)fprintf(ctx->errors, "%s:%zu: %s: ", ctx->path, ctx->line, column);
    va_start(ap, fmt);
    (void)vfprintf(ctx->errors, fmt, ap);
    va_end(ap);
    (void)fputc('\n', ctx->errors);
}

bool import_kind_parse(const char *name, enum import_kind *out)
{
    int k;

    for (k = 0; k < IMPORT_KIND_COUNT; k++) {
        if (strcmp(name, import_kinds[k].name) == 0) {
            *out = (enum import_kind)k;
            return true;
        }
    }
    return false;
}

const char *import_kind_name(enum import_kind kind)
{
    return (unsigned)kind < IMPORT_KIND_COUNT ? import_kinds[kind].name : "?";
}

const char *import_kind_header(enum import_kind kind)
{
    return (unsigned)kind < IMPORT_KIND_COUNT ? import_kinds[kind].header : "";
}

/* The header must be the kind's columns in order; spaces around a name
 * and letter case do not matter. */
static gw_err read_header(struct import_ctx *ctx,
                          const struct import_kind_def *def,
                          struct csv_reader *r)
{
    enum csv_status st = csv_next(r);
    size_t i;

    ctx->line = r->line;
    if (st == CSV_EIO)
        return GW_EIO;
    if (st == CSV_EOF) {
        import_report(ctx, "header", "empty file, expected '%s'", def->header);
        return GW_EINVAL;
    }
    if (st == CSV_RECORD && r->nfields == def->ncolumns) {
        for (i = 0; i < def->ncolumns; i++)
            if (!strv_eq_nocase(strv_trim(r->fields[i]), def->columns[i]))
                break;
        if (i == def->ncolumns)
            return GW_OK;
    }
    import_report(ctx, "header", "expected '%s'", def->header);
    return GW_EINVAL;
}

/* One record with the right number of fields. Returns only store
 * failures; data errors are reported. */
static gw_err import_row(struct import_ctx *ctx,
                         const struct import_kind_def *def,
                         const struct csv_reader *r, struct import_seen *seen)
{
    struct strv f[CSV_FIELDS_MAX];
    union import_row row;
    struct seen_slot *slot = NULL;
    size_t i, first;
    gw_err err;

    for (i = 0; i < def->ncolumns; i++)
        f[i] = strv_trim(r->fields[i]);
    memset(&row, 0, sizeof(row));
    def->parse(ctx, f, &row);
    /* Every kind's first column is the code it upserts by. */
    if (import_code_ok(f[0]) &&
        (first = seen_add(seen, f[0], ctx->line, &slot))) {
        import_report(ctx, def->columns[0],
                      "duplicate code %.*s in the file (first on line %zu)",
                      (int)f[0].len, f[0].p, first);
        slot = NULL; /* the first row's slot */
    }
    if (ctx->row_bad)
        return GW_OK;
    err = def->store(ctx, &row);
    if (err == GW_OK && !ctx->row_bad && slot)
        slot->stored = true;
    return err;
}

static gw_err read_rows(struct import_ctx *ctx,
                        const struct import_kind_def *def, struct csv_reader *r,
                        struct import_result *res)
{
    /* On the heap: ctx, which outlives this call, points at it. */
    struct import_seen *seen = xcalloc(1, sizeof(*seen));
    enum csv_status st;
    gw_err err = GW_OK;

    ctx->seen = seen;
    while (err == GW_OK && (st = csv_next(r)) != CSV_EOF) {
        if (st == CSV_EIO) {
            err = GW_EIO;
            break;
        }
        ctx->line = r->line;
        ctx->row_bad = false;
        if (st == CSV_RECORD && csv_blank(r))
            continue;
        res->rows++;
        if (st == CSV_EBAD)
            import_report(ctx,
                          r->bad_field < def->ncolumns
                              ? def->columns[r->bad_field]
                              : "row",
                          "%s", r->why);
        else if (r->nfields != def->ncolumns)
            import_report(ctx, "row", "wrong column count (%zu, expected %zu)",
                          r->nfields, def->ncolumns);
        else if ((err = import_row(ctx, def, r, seen)) != GW_OK)
            import_report(ctx, "row", "database error: %s", gw_strerror(err));
        if (ctx->row_bad)
            res->bad_rows++;
    }
    if (err == GW_OK && def->finish) {
        if ((err = def->finish(ctx)) != GW_OK)
            import_report(ctx, "row", "database error: %s", gw_strerror(err));
        res->bad_rows += ctx->late_bad_rows;
    }
    ctx->seen = NULL;
    seen_release(seen);
    free(seen);
    return err;
}

static gw_err import_stream(struct import_ctx *ctx,
                            const struct import_kind_def *def, FILE *fp,
                            struct import_result *res)
{
    struct csv_reader *r = xmalloc(sizeof(*r));
    gw_err err;

    csv_init(r, fp);
    err = read_header(ctx, def, r);
    if (err == GW_OK)
        err = read_rows(ctx, def, r, res);
    if (err == GW_EIO && ctx->errors)
        (void)fprintf(ctx->errors, "%s: read error\n", ctx->path);
    free(r);
    return err;
}

gw_err import_file(struct db *db, enum import_kind kind, const char *path,
                   FILE *errors, int64_t now, struct import_result *res)
{
    struct import_ctx ctx;
    FILE *fp;
    gw_err err;

    memset(res, 0, sizeof(*res));
    if ((unsigned)kind >= IMPORT_KIND_COUNT)
        return GW_EINVAL;
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.path = path;
    ctx.errors = errors;
    ctx.now = now;
    ctx.columns = import_kinds[kind].columns;
    if ((fp = fopen(path, "rb")) == NULL) {
        if (errors)
            (void)fprintf(errors, "%s: cannot open: %s\n", path,
                          strerror(errno));
        return GW_EIO;
    }
    if ((err = db_begin(db)) == GW_OK) {
        err = import_stream(&ctx, &import_kinds[kind], fp, res);
        if (err == GW_OK && ctx.errors_written == 0) {
            if ((err = db_commit(db)) != GW_OK && errors)
                (void)fprintf(errors, "%s: commit failed: %s\n", path,
                              gw_strerror(err));
        } else {
            db_rollback(db);
            if (err == GW_OK)
                err = GW_EINVAL;
        }
    } else if (errors) {
        (void)fprintf(errors, "%s: cannot start a transaction: %s\n", path,
                      gw_strerror(err));
    }
    res->errors = ctx.errors_written;
    (void)fclose(fp);
    return err;
}
