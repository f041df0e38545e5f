/* db_import.h - upserts of the bank's master data, one row at a time
 *
 * The importer validates every field first (text/, cli/import.c); these
 * functions only store. Each upserts by the row's code, inside the
 * caller's transaction (one transaction a file). References are by code:
 * an unknown one gives GW_ENOTFOUND. A member's phone and (group, seq) are
 * unique, but checked here rather than by the schema (see db/schema.c):
 * row by row in db_member_upsert(), or over a whole batch with
 * db_member_upsert_deferred() and db_member_conflicts().
 */
#ifndef DT_DB_IMPORT_H
#define DT_DB_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

struct db_commune {
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    char district[DT_NAME_SIZE];
    char province[DT_NAME_SIZE];
    int session_day; /* 1..28 */
    char officer_phone[DT_PHONE_SIZE];
};

struct db_group {
    char code[DT_CODE_SIZE];
    char name[DT_NAME_SIZE];
    char commune_code[DT_CODE_SIZE];
    char union_name[DT_NAME_SIZE];
};

struct db_member {
    char code[DT_CODE_SIZE];
    char group_code[DT_CODE_SIZE];
    int seq; /* 1..999, the member's number in the group list */
    char full_name[DT_NAME_SIZE];
    char phone[DT_PHONE_SIZE];
    char role[8];  /* "member" or "leader" */
    int reminders; /* consent flags, 0 or 1 */
    int campaigns;
};

struct db_loan {
    char code[DT_CODE_SIZE];
    char member_code[DT_CODE_SIZE];
    char program[DT_PROGRAM_SIZE];
    char disbursed_on[DT_DATE_SIZE]; /* YYYY-MM-DD */
    int64_t disbursed_amount;
    int64_t outstanding;
    int64_t monthly_rate_bp;
    char maturity_on[DT_DATE_SIZE];
    char next_principal_on[DT_DATE_SIZE]; /* "" when none */
    int64_t next_principal_amount;
    int64_t interest_due;
    int64_t overdue_amount;
    char status[12]; /* current overdue extended frozen closed */
};

struct db_savings {
    char member_code[DT_CODE_SIZE];
    int64_t balance;
};

struct db_posting {
    char receipt_code[DT_CODE_SIZE];
    char posted_on[DT_DATE_SIZE];
    int64_t interest;
    int64_t savings;
    int64_t principal;
};

/* A unique value another row already holds (GW_EEXIST). */
struct db_conflict {
    const char *column;      /* static: "phone" or "seq" */
    char code[DT_CODE_SIZE]; /* the code of the row holding it */
};

/* All upserts: the row is borrowed; GW_OK when inserted or updated,
 * GW_ENOTFOUND when a referenced code does not exist (in the database or
 * earlier in the same transaction), GW_EBUSY or GW_EDB when the store
 * fails (the transaction must then be rolled back). */
gw_err db_commune_upsert(struct db *db, const struct db_commune *c);
/* GW_ENOTFOUND: no commune g->commune_code. */
gw_err db_group_upsert(struct db *db, const struct db_group *g);
/* GW_ENOTFOUND: no group m->group_code. GW_EEXIST: the phone belongs to
 * another member, or the seq is taken in the group; conflict (may be
 * NULL) then says which and by whom, and nothing was written. Checks each
 * row against the database as it stands: for one-off writes. */
gw_err db_member_upsert(struct db *db, const struct db_member *m,
                        struct db_conflict *conflict);
/* The same write without the phone and seq checks, for a batch whose rows
 * may clash only on the way (two members swapping seqs): the caller must
 * run db_member_conflicts() before committing the transaction and roll it
 * back if that reports anything. GW_ENOTFOUND: no group m->group_code. */
gw_err db_member_upsert_deferred(struct db *db, const struct db_member *m);

/* A value more than one member holds. Everything is borrowed for the
 * duration of the callback only. */
struct db_member_clash {
    const char *column;     /* static: "phone" or "seq" */
    const char *phone;      /* the shared phone, when column is "phone" */
    const char *group_code; /* the shared place, when column is "seq" */
    int seq;
    const char *const *codes; /* the members holding it, oldest row first */
    size_t ncodes;            /* at least 2 */
};
typedef gw_err (*db_member_clash_fn)(void *arg,
                                     const struct db_member_clash *c);
/* Calls fn once per phone, then once per (group, seq), that more than one
 * member holds; GW_OK without a call when members are consistent. A
 * non-GW_OK from fn stops the walk and is returned. One scan of each
 * members index. */
gw_err db_member_conflicts(struct db *db, db_member_clash_fn fn, void *arg);
/* GW_ENOTFOUND: no member l->member_code. */
gw_err db_loan_upsert(struct db *db, const struct db_loan *l);
/* GW_ENOTFOUND: no member s->member_code. now (Unix seconds) is stored
 * as the time the balance was last confirmed by an import. */
gw_err db_savings_upsert(struct db *db, const struct db_savings *s,
                         int64_t now);
/* Stores what the bank booked for a receipt. GW_ENOTFOUND when no
 * collection has this receipt code. This stores the posting row only:
 * moving the collection to POSTED (and telling the member) is the
 * collections module's job, which reads the postings table, so that an
 * import never sends messages from inside the bank's data load. now is
 * stored as imported_at on the first import of the receipt only. */
gw_err db_posting_upsert(struct db *db, const struct db_posting *p,
                         int64_t now);

/* Reading back, mainly for tests and checks: fills *out from the row
 * with this code; GW_ENOTFOUND if there is none. */
gw_err db_commune_get(struct db *db, const char *code, struct db_commune *out);
gw_err db_group_get(struct db *db, const char *code, struct db_group *out);
gw_err db_member_get(struct db *db, const char *code, struct db_member *out);
gw_err db_loan_get(struct db *db, const char *code, struct db_loan *out);
gw_err db_savings_get(struct db *db, const char *member_code,
                      struct db_savings *out);
gw_err db_posting_get(struct db *db, const char *receipt_code,
                      struct db_posting *out);

/* The imported tables. */
enum db_table {
    DB_COMMUNES,
    DB_GROUPS,
    DB_MEMBERS,
    DB_LOANS,
    DB_SAVINGS,
    DB_POSTINGS,
    DB_TABLE_COUNT
};

/* Number of rows in a table, and a digest (FNV-1a over every column of
 * every row in id order) that changes when any value changes: lets a test
 * prove that a refused import left a table exactly as it was. */
gw_err db_table_count(struct db *db, enum db_table t, int64_t *n);
gw_err db_table_digest(struct db *db, enum db_table t, uint64_t *digest);

#endif
