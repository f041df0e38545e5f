/* outbox_budget.c - see outbox_budget.h */
#include <stdint.h>

#include "db/db_msg.h"
#include "gateway/outbox_budget.h"
#include "common/banned.h"

/* Vietnam is UTC+7 all year. */
#define VN_UTC_OFFSET (7 * 3600)

int64_t outbox_budget_day(int64_t t)
{
    return (t + VN_UTC_OFFSET) / 86400;
}

int64_t outbox_budget_day_start(int64_t day)
{
    return day * 86400 - VN_UTC_OFFSET;
}

struct budget_share outbox_budget_share(unsigned budget, unsigned reserved,
                                        uint64_t used)
{
    struct budget_share s = {UINT64_MAX, DB_CLASS_BULK};
    uint64_t left, keep;

    if (budget == 0)
        return s;
    left = used >= budget ? 0 : budget - used;
    keep = (uint64_t)budget * reserved / 100;
    if (left > keep) {
        s.room = left - keep;
    } else {
        s.room = left;
        s.max_class = DB_CLASS_FIRST;
    }
    return s;
}
