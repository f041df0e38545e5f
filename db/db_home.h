/* db_home.h - the commune at a glance, and the health of delivery
 *
 * What the console's home and delivery pages read; every query is scoped
 * to the officer's groups in SQL, like the queue (db_queue.h).
 */
#ifndef DT_DB_HOME_H
#define DT_DB_HOME_H

#include <stdbool.h>
#include <stdint.h>

#include "common/dt_limits.h"
#include "common/err.h"
#include "db/db.h"

/* One group's figures for one session. */
struct db_group_session {
    int64_t group_id;
    char group[DT_NAME_SIZE];
    char commune[DT_NAME_SIZE];
    char session_on[DT_DATE_SIZE];
    int members;
    int64_t due; /* interest due (bank's figure) */
    int64_t rec_interest, rec_savings, rec_principal;    /* live receipts */
    int64_t book_interest, book_savings, book_principal; /* booked */
    int paid; /* members with a live receipt */
    int n_recorded, n_confirmed, n_disputed, n_voided, n_posted, n_unposted;
    int64_t oldest_open; /* created_at of the oldest receipt not booked */
};

/* Every function below reads the officer's groups only, and of those
 * only commune_id's when it is not 0 (a view narrowed to one commune;
 * one the officer does not see gives nothing).
 *
 * For each of the officer's groups, its sessions since since_day
 * ("YYYY-MM-DD"), newest first within a group; groups by commune, name. */
typedef gw_err (*db_group_session_fn)(void *ctx,
                                      const struct db_group_session *g);
gw_err db_home_sessions(struct db *db, int64_t officer_id, int64_t commune_id,
                        const char *since_day, db_group_session_fn fn,
                        void *ctx);

/* One point of a group's history: the loans as the bank last exported
 * them at that session (db_kpi_snapshot), and what was collected. */
struct db_kpi_point {
    int64_t group_id;
    char session_on[DT_DATE_SIZE];
    int64_t outstanding, overdue, due; /* -1: no snapshot that session */
    int64_t interest, savings, principal;
};
/* The officer's groups' last n sessions since since_day, by group then
 * oldest first. */
typedef gw_err (*db_kpi_point_fn)(void *ctx, const struct db_kpi_point *p);
gw_err db_home_kpis(struct db *db, int64_t officer_id, int64_t commune_id,
                    const char *since_day, db_kpi_point_fn fn, void *ctx);

/* Keeps each group's loan figures for its latest session on or before
 * today (the commune's session day): called after each loans import, so
 * the overdue ratio has a history the bank's export does not give. */
gw_err db_kpi_snapshot(struct db *db, const char *today, int64_t now);

/* ---- delivery ---- */

struct db_outbox_depth {
    char state[16];
    int64_t count;
    int64_t oldest; /* created_at of the oldest, 0 when none */
};
typedef gw_err (*db_depth_fn)(void *ctx, const struct db_outbox_depth *d);
/* Messages waiting (QUEUED, SENDING) to the officer's members, or to
 * everyone (all: an admin over every commune; from the outbox's tally). */
gw_err db_delivery_depth(struct db *db, int64_t officer_id, int64_t commune_id,
                         bool all, db_depth_fn fn, void *ctx);

struct db_delivery_row {
    char provider[24];
    char prefix[4]; /* two digits after +84: the telco by number prefix */
    int64_t sent, delivered, undelivered, failed; /* sent: any final try */
};
typedef gw_err (*db_delivery_fn)(void *ctx, const struct db_delivery_row *r);
/* Messages created since since (Unix seconds) to the officer's members
 * (all: every message, for admin), by provider and number prefix; the
 * training phone's (provider "simulator") never count. */
gw_err db_delivery_counts(struct db *db, int64_t officer_id, int64_t commune_id,
                          bool all, int64_t since, db_delivery_fn fn,
                          void *ctx);

#endif
