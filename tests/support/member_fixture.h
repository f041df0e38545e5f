/* member_fixture.h - a small commune, group and members for handler tests
 *
 * One commune (session day 17), one group, a leader and five members with
 * loans, savings and collections chosen to reach every reply form. Phones
 * and figures are in the FIX_* names below so tests do not repeat them.
 */
#ifndef DT_MEMBER_FIXTURE_H
#define DT_MEMBER_FIXTURE_H

#include <stdint.h>

#include "common/err.h"
#include "db/db.h"

#define FIX_LEADER "+84912000009"  /* Tran Thi Lan, leader, no loans */
#define FIX_ONE "+84912000001"     /* one HN loan, savings, nothing pending */
#define FIX_PENDING "+84912000002" /* one CN loan, four collections */
#define FIX_MULTI "+84912000003"   /* two open loans (one overdue), 1 closed */
#define FIX_NOLOAN "+84912000004"  /* savings only */
#define FIX_EMPTY "+84912000005"   /* nothing at all */
#define FIX_UNKNOWN "+84987654321" /* not a member */
#define FIX_OFFICER "+84912999999"

/* Fills db (opened, migrated, outside a transaction) with the fixture. */
gw_err member_fixture_load(struct db *db);

/* Adds a collection for member_code recorded by the fixture's leader. */
gw_err member_fixture_collection(struct db *db, const char *member_code,
                                 const char *receipt, const char *session_on,
                                 int64_t interest, int64_t savings,
                                 int64_t principal, const char *state,
                                 int64_t created_at);

/* Gives member_code n more open loans with 12-character programmes
 * (PROGRAMME000, PROGRAMME001, ...), the largest outstanding allowed
 * (less one a loan, so the order is fixed) and interest_due each: the
 * worst case SD must fit. */
gw_err member_fixture_many_loans(struct db *db, const char *member_code, int n,
                                 int64_t interest_due);

/* Runs SQL on db (tests only). */
gw_err member_fixture_sql(struct db *db, const char *sql);

/* The first column of the first row of SQL query sql, as an integer. */
gw_err member_fixture_int(struct db *db, const char *sql, long long *out);

#endif
