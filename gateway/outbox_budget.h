/* outbox_budget.h - what the daily SMS budget lets a claim take
 *
 * The budget counts every message accepted today and every one under
 * way. A share of it is kept for the first class (receipts, alerts,
 * booking notices, dispute answers): replies, reminders and campaigns may
 * use the budget only down to that share, the first class all of it.
 * Pure arithmetic: the sender owns the counts.
 */
#ifndef DT_OUTBOX_BUDGET_H
#define DT_OUTBOX_BUDGET_H

#include <stdint.h>

/* The budget's day of Unix time t: days since 1970 in Vietnam time, the
 * day it starts afresh. */
int64_t outbox_budget_day(int64_t t);
/* The Unix time that day begins. */
int64_t outbox_budget_day_start(int64_t day);

struct budget_share {
    uint64_t room; /* messages a claim may take; UINT64_MAX: no budget */
    int max_class; /* the classes it may take them from (DB_CLASS_*) */
};

/* budget: messages a day (0: none); reserved: percent kept for the first
 * class; used: accepted today plus under way. */
struct budget_share outbox_budget_share(unsigned budget, unsigned reserved,
                                        uint64_t used);

#endif
